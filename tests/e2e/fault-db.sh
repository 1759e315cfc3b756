#!/bin/sh
# A bad database at start-up: on a read-only file system, or locked by
# another process, the bot stops with an error that names the file and
# the cause, and exit status 1.  SIGKILL at moments spread over start-up
# (around the schema migration) never leaves a half-migrated database:
# the schema is either absent or complete, and the next start works.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fault.sh"

conf() {
	cat >"$T/$1.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $2
CONF
}

# Locked: another process holds an exclusive lock on the file.
conf lk "$T/lk"
"$INTAKEBOT" -c "$T/lk.conf" --export-consults >/dev/null 2>"$T/lk0.err" ||
	{ cat "$T/lk0.err"; fail "could not create the database"; }
python3 - "$T/lk/intakebot.db" "$T/locked" <<'PY' &
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("PRAGMA locking_mode = EXCLUSIVE")
c.execute("BEGIN EXCLUSIVE")
c.execute("CREATE TABLE IF NOT EXISTS holder (x)")
open(sys.argv[2], "w").close()
time.sleep(60)
PY
LOCKER=$!
track $LOCKER
i=0
while [ ! -e "$T/locked" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "locker did not start"; sleep 0.1
done
st=0
"$INTAKEBOT" -c "$T/lk.conf" >"$T/lk.out" 2>"$T/lk.err" </dev/null || st=$?
[ $st -eq 1 ] || { cat "$T/lk.err"; fail "locked: exit status $st, not 1"; }
expect_grep "$T/lk/intakebot.db: .*locked by another process" "$T/lk.err"
pass "locked database: exit 1, $(grep -m1 'intakebot.db' "$T/lk.err")"
kill $LOCKER
wait $LOCKER 2>/dev/null || true

# SIGKILL at 0, 2, 4 ... 38 ms after start.
before=0 after=0
for ms in 0 2 4 6 8 10 12 14 16 18 20 22 24 26 28 30 32 34 36 38; do
	d="$T/k$ms"
	conf "k$ms" "$d"
	"$INTAKEBOT" -c "$T/k$ms.conf" >"$T/k$ms.log" 2>&1 </dev/null &
	pid=$!
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 $pid 2>/dev/null || true
	wait $pid 2>/dev/null || true
	if [ -s "$d/intakebot.db" ]; then
		v=$(sqlite3 "$d/intakebot.db" "PRAGMA user_version")
		t=$(sqlite3 "$d/intakebot.db" "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('consults', 'outbox', 'audit', 'intakes', 'consult_details', 'replies')")
	else
		v=0 t=0
	fi
	case "$v/$t" in
	0/0) before=$((before + 1)) ;;
	# Each migration commits on its own: version 1 has 3 tables, 2 has
	# 5, 3 and 4 have 6; anything else is a half-done migration.
	1/3 | 2/5 | 3/6 | 4/6) after=$((after + 1)) ;;
	*) fail "killed at $ms ms: schema version $v with $t tables" ;;
	esac
	"$INTAKEBOT" -c "$T/k$ms.conf" --export-consults >/dev/null 2>"$T/k$ms.err" ||
		{ cat "$T/k$ms.err"; fail "killed at $ms ms: the next start fails"; }
done
pass "20 kills around the migration: $before before it, $after after it, none half-done; every restart works"

# Read-only: a database made while writable, then the mount turns ro.
# Last, as it needs a mount (fault_tmpfs skips where mounting is
# impossible).
fault_tmpfs "$T/ro" 4m
conf ro "$T/ro/data"
"$INTAKEBOT" -c "$T/ro.conf" --export-consults >/dev/null 2>"$T/ro0.err" ||
	{ cat "$T/ro0.err"; fail "could not create the database"; }
mount -o remount,ro "$T/ro" || fail "remount read-only"
st=0
"$INTAKEBOT" -c "$T/ro.conf" >"$T/ro.out" 2>"$T/ro.err" </dev/null || st=$?
[ $st -eq 1 ] || { cat "$T/ro.err"; fail "read-only: exit status $st, not 1"; }
expect_grep "$T/ro/data/intakebot.db: .*read-only" "$T/ro.err"
pass "read-only database: exit 1, $(grep -m1 'intakebot.db' "$T/ro.err")"

