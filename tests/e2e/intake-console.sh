# The guided intake on the console against a real SQLite file: a whole
# intake, cancel at step 3, back, a bad email asked again, no to consent,
# a restart half-way, the timeout, urgent requests first in !pending,
# !show auditing, the export's fields, no answer in the log, and --check
# on a broken messages.ini.
. "$TOP/tests/lib/common.sh"
cd "$TOP"

conf() {	# FILE [EXTRA [consult] LINES]
	printf '[bot]\ncontent_dir = %s\ndata_dir = %s\n[consult]\ncooldown = 0\n%s\n' \
	    "$TOP/content" "$T/data" "${2:-}" >"$1"
}
run() {	# OUT LINES...
	o=$1; shift
	printf '%s\n' "$@" | "$INTAKEBOT" -c "$T/c.conf" --console >"$o" 2>>"$T/err" ||
		fail "exit status $?"
}
export_rows() { "$INTAKEBOT" -c "$T/c.conf" --export-consults 2>/dev/null; }
conf "$T/c.conf"

# Cancel at step 3, then no to consent: nothing stored either time.
run "$T/o1" '!consult' 'Ana' 'ana@example.org' 'cancel' \
	'!consult' 'Bo' 'chat' 'en' 'any day' 'no' 'text' 'no'
expect_grep '^(3/7) Which language' "$T/o1"
expect_grep '^Your consultation request was cancelled and nothing was stored' "$T/o1"
expect_grep '^Nothing was stored\. Type !consult' "$T/o1"
[ -z "$(export_rows)" ] || fail "a cancelled or declined intake was stored"
pass "cancel at step 3 and no to consent store nothing"

# A bad email is asked again, back corrects the name, then a restart
# half-way: the second run carries on at the question it stopped at.
run "$T/o2" '!consult' 'Anna' 'ana@example' 'back' 'Ana' 'ana@example.org'
expect_grep '^That is not chat, an email address' "$T/o2"
[ "$(grep -c '^(2/7) How should staff reach you' "$T/o2")" -eq 3 ] ||
	fail "contact not asked again after the bad email and after back"
expect_grep '^(1/7) What name' "$T/o2"
expect_grep '^(3/7) Which language' "$T/o2"
run "$T/o3" 'es' 'martes por la tarde, hora de Texas' 'detained' \
	'Mi hermano fue detenido ayer' 'sí'
expect_grep '^(4/7) ¿Cuándo puede reunirse por Zoom' "$T/o3"
expect_grep '^(7/7) Guardamos sus respuestas .* se borran 90 días después' "$T/o3"
expect_grep '^Gracias, Ana\. Su solicitud es la #1\.' "$T/o3"
pass "bad email asked again, back, restart half-way, Spanish after picking es"

# A second request, not urgent, prefilled from !consult TEXT.
run "$T/o4" '!consult need a work permit' 'Bo' '+1 (512) 555-0100' 'en' \
	'weekday mornings, Central time' 'no' 'yes' '!pending' '!show 1' '!show 2'
expect_grep '^(5/7) Is someone detained' "$T/o4"
expect_no_grep '^(6/7)' "$T/o4"
expect_grep '^Thank you, Bo\. Your request is #2\.' "$T/o4"
expect_grep '^Open requests: URGENT #1 new, .*; #2 new' "$T/o4"
expect_grep '^#1 Ana: contact ana@example.org · language es · availability martes por la tarde, hora de Texas · urgency detained$' "$T/o4"
expect_grep '^#2 Bo: contact +1 (512) 555-0100 ' "$T/o4"
pass "prefilled description, urgent first in !pending, !show with contact"

python3 - "$T/data/intakebot.db" <<'PY' || fail "audit of !show"
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT who, action FROM audit WHERE action LIKE 'show contact%' ORDER BY id").fetchall()
assert rows == [("console", "show contact #1"), ("console", "show contact #2")], rows
PY
pass "each showing of a contact is audited"

export_rows >"$T/export"
python3 - "$T/export" <<'PY' || fail "export fields"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1])]
assert len(r) == 2, r
a = r[0]
assert (a["name"], a["contact"], a["language"], a["urgency"]) == \
    ("Ana", "ana@example.org", "es", "detained"), a
assert a["availability"] == "martes por la tarde, hora de Texas"
assert a["text"] == "Mi hermano fue detenido ayer" and a["consent_at"] > 0
assert r[1]["text"] == "need a work permit" and r[1]["urgency"] == "no"
PY
pass "--export-consults carries every field"

# Purge: closed requests go with their intake fields.
run "$T/o7" '!done 1' '!done 2'
"$INTAKEBOT" -c "$T/c.conf" --purge-consults 0 >"$T/purge" 2>/dev/null
expect_grep '^purged 2 closed requests$' "$T/purge"
python3 - "$T/data/intakebot.db" <<'PY' || fail "intake fields left after purge"
import sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM consult_details").fetchone()[0]
assert n == 0, n
PY
pass "purge deletes the intake fields with the request"

# The timeout discards an unfinished intake, even across a restart.
conf "$T/c.conf" 'intake_timeout = 1'
run "$T/o5" '!consult' 'Cy'
sleep 2
run "$T/o6" 'cy@example.org'
expect_grep '^Your consultation request was not finished in time' "$T/o6"
[ -z "$(export_rows)" ] || fail "the expired intake was stored"
python3 - "$T/data/intakebot.db" <<'PY' || fail "intake rows left"
import sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute("SELECT count(*) FROM intakes").fetchone()[0]
assert n == 0, n
PY
pass "timeout discards the intake"

# No answer reaches the log at the default level.
for w in Anna ana@example Texas detenido 555-0100 'work permit' Cy; do
	expect_no_grep "$w" "$T/err"
done
expect_grep 'request #1 accepted from console (guided, urgent)' "$T/err"
pass "no intake answer in the log"

# --check: a broken messages.ini is reported as FILE:LINE, exit 1.
mkdir -p "$T/ct/es"
cp content/287g.md "$T/ct/"
cp content/messages.ini "$T/ct/"
printf '[intake]\nthanks = Gracias {nombre}\nnot a sentence\nfoo = x\n' >"$T/ct/es/messages.ini"
printf '[bot]\ncontent_dir = %s\n' "$T/ct" >"$T/ct.conf"
rc=0
"$INTAKEBOT" -c "$T/ct.conf" --check >"$T/cout" 2>"$T/cerr" || rc=$?
[ $rc -eq 1 ] || fail "--check exit status $rc"
expect_grep "^$T/ct/es/messages.ini:2: placeholder {nombre} is not in the English message$" "$T/cerr"
expect_grep "^$T/ct/es/messages.ini:3: malformed line" "$T/cerr"
expect_grep "^$T/ct/es/messages.ini:4: unknown key intake.foo$" "$T/cerr"
expect_no_grep 'configuration OK' "$T/cout"
pass "--check reports a broken messages.ini as FILE:LINE"
