# Consultation intake, staff commands, export and purge through the
# console, against a real SQLite file in a temp data_dir.
. "$TOP/tests/lib/common.sh"
cd "$TOP"

cat >"$T/c.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[consult]
intake = oneline
cooldown = 300
max_length = 40
EOC
printf '%s\n' '!consult I was detained, please call me' '!consult again' \
	'!consult' "!consult $(printf 'x%.0s' $(seq 1 41))" '!pending' \
	'!show 1' '!claim 1' '!done #1' '!show 1' '!show 7' '!claim abc' |
	"$INTAKEBOT" -c "$T/c.conf" --console >"$T/out" 2>"$T/err" ||
	fail "exit status $?"
expect_grep '^Thank you, console. Your request is #1\. ' "$T/out"
expect_grep '^We already have your request #1\. Please wait' "$T/out"
expect_grep '^To ask for a consultation, type !consult' "$T/out"
expect_grep '^Your request is too long (41 bytes; at most 40)' "$T/out"
expect_grep '^Open requests: #1 new, console (console private, ' "$T/out"
expect_grep '^#1 new, console (console private, .*): I was detained, please call me$' "$T/out"
expect_grep '^#1 claimed by console\.$' "$T/out"
expect_grep '^#1 closed by console\.$' "$T/out"
expect_grep '^#1 done, console' "$T/out"
expect_grep '^There is no request #7\.$' "$T/out"
expect_grep "^'abc' is not a request number\.$" "$T/out"
pass "intake, cooldown, usage, size cap, staff workflow"

# The request text never reaches the log at the default level.
expect_no_grep 'detained' "$T/err"
expect_grep 'request #1 accepted from console' "$T/err"
pass "no request text in the log"

# The database is private to the bot's user.
[ "$(stat -c %a "$T/data/intakebot.db")" = 600 ] || fail "db mode"
[ "$(stat -c %a "$T/data")" = 700 ] || fail "data_dir mode"
pass "database 0600 in a 0700 folder"

# Export, then purge closed requests.
"$INTAKEBOT" -c "$T/c.conf" --export-consults >"$T/export" 2>/dev/null
python3 - "$T/export" <<'PY' || fail "export is not the expected JSON"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 1, rows
r = rows[0]
assert r["id"] == 1 and r["state"] == "done" and r["claimed_by"] == "console"
assert r["text"] == "I was detained, please call me"
PY
"$INTAKEBOT" -c "$T/c.conf" --purge-consults 0 >"$T/purge" 2>/dev/null
expect_grep '^purged 1 closed request$' "$T/purge"
"$INTAKEBOT" -c "$T/c.conf" --export-consults >"$T/export2" 2>/dev/null
[ ! -s "$T/export2" ] || fail "purged request still exported"
pass "export as JSON lines, purge of closed requests"
