#!/bin/sh
# Disk full: the data directory is a small tmpfs, filled to the last
# block.  Requests are then refused with a clear message (one warning in
# the log naming the cause, no rollback noise), /healthz answers 503, no
# acknowledged request is lost, and once space returns requests are
# accepted again and everything acknowledged reaches the staff webhook.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"
. "$TOP/tests/lib/fault.sh"

fault_tmpfs "$T/data" 2m
HTTPPORT=$(free_port)
sink_start staff webhook
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
[webhook.staff]
staff_webhook_url = http://127.0.0.1:$SINK_PORT/hooks/staff
staff_backoff_max = 1
[consult]
intake = oneline
rate_per_minute = 100000
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$HTTPPORT" 10 || { cat "$T/bot.log"; fail "no HTTP listener"; }

: >"$T/acked"
n=0
for i in 1 2 3; do
	n=$((n + 1))
	r=$(consult_try $n "before the disk fills $n")
	case "$r" in acked*) echo "${r#acked }" >>"$T/acked" ;; *) fail "request $n: $r" ;; esac
done
pass "accepted while there is space"

# Fill the disk to the last block.
dd if=/dev/zero of="$T/data/fill" bs=4k 2>/dev/null || true
[ "$(df -k "$T/data" | awk 'NR == 2 { print $4 }')" -eq 0 ] || fail "tmpfs not full"
refused=0 streak=0
while [ $streak -lt 5 ]; do
	n=$((n + 1))
	[ $n -gt 400 ] && fail "still accepting requests on a full disk after $n"
	r=$(consult_try $n "while the disk is full $n")
	case "$r" in
	acked*) echo "${r#acked }" >>"$T/acked"; streak=0 ;;
	refused) refused=$((refused + 1)); streak=$((streak + 1)) ;;
	*) fail "request $n: $r" ;;
	esac
done
pass "disk full: refused with 'could not be saved' ($refused refused, $(wc -l <"$T/acked") acknowledged in all)"

code=$(curl -s -o "$T/health" -w '%{http_code}' "http://127.0.0.1:$HTTPPORT/healthz")
[ "$code" = 503 ] || { cat "$T/health"; fail "/healthz gave $code on a full disk"; }
expect_grep '"status":"failing","reasons":\["database cannot be written: disk full"' "$T/health"
pass "/healthz 503: database cannot be written: disk full"

warns=$(grep -c 'request not stored: .*: disk full' "$T/bot.log" || true)
[ "$warns" -eq "$refused" ] || { cat "$T/bot.log"; fail "$warns disk-full warnings for $refused refusals"; }
expect_no_grep 'rollback' "$T/bot.log"
pass "one warning per refused request, naming the cause; no rollback noise"

# Space returns: accepted again, health back to ok.
rm -f "$T/data/fill"
ok=0
while [ $ok -eq 0 ]; do
	n=$((n + 1))
	[ $n -gt 450 ] && fail "not accepting again after space returned"
	r=$(consult_try $n "after space returned $n")
	case "$r" in acked*) echo "${r#acked }" >>"$T/acked"; ok=1 ;; refused) sleep 0.2 ;; *) fail "request $n: $r" ;; esac
done
code=$(curl -s -o "$T/health" -w '%{http_code}' "http://127.0.0.1:$HTTPPORT/healthz")
[ "$code" = 200 ] || { cat "$T/health"; fail "/healthz gave $code after space returned"; }
pass "space back: accepted again, /healthz 200"

tr '\n' ' ' <"$T/acked" >"$T/acked.txt"
PYTHONPATH="$TOP/tests/lib" python3 "$TOP/tests/lib/consult.py" verify \
	"$(sink_posts staff)" "$T/acked.txt" 20 1000 "disk full" ||
	{ tail -30 "$T/bot.log"; fail "acknowledged requests lost"; }
for id in $(cat "$T/acked"); do
	[ "$(sqlite3 "$T/data/intakebot.db" "SELECT count(*) FROM consults WHERE id = $id")" = 1 ] ||
		fail "request #$id acknowledged but not in the database"
done
pass "every acknowledged request is in the database and reached staff"
