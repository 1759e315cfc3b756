# The console adapter end to end: the built binary reading chat lines on
# standard input, as a new user would try it from the README.
. "$TOP/tests/lib/common.sh"
cd "$TOP"
# The shipped config's topics and defaults, without its IRC and HTTP
# sections: the console alone needs no network (and no free port 8080).
cat >"$T/console.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
channel_languages = #ayuda=es
EOC

printf '!287g\n!osltc\n!278g\n!help\n!search detainer\n' |
	"$INTAKEBOT" -c "$T/console.conf" --console >"$T/out" 2>"$T/err" ||
	fail "exit status $?"
expect_grep '^The 287(g) program: ' "$T/out"
expect_grep '^https://www.ice.gov/identify-and-arrest/287g$' "$T/out"
expect_grep '^OSLTC (former ICE office) and today.s Office of Partnership and Engagement: ' "$T/out"
expect_grep '^Did you mean !287g?$' "$T/out"
expect_grep '^Topics: !287g, !bond, !consultation, .*!osltc, !rights' "$T/out"
expect_grep '^Best matches for "detainer": !' "$T/out"
# Answers come in the order asked.
order=$(grep -n -e '^The 287(g)' -e '^OSLTC (former' -e '^Did you mean' \
	-e '^Topics:' -e '^Best matches' "$T/out" | cut -d: -f1 | tr '\n' ' ')
[ "$order" = "$(grep -n -e '^The 287(g)' -e '^OSLTC (former' \
	-e '^Did you mean' -e '^Topics:' -e '^Best matches' "$T/out" |
	sort -n | cut -d: -f1 | tr '\n' ' ')" ] || fail "answers out of order"
pass "topic, near miss, help and search answered in order"

# "more" sends the whole body, the link last.
printf '!287g more\n' | "$INTAKEBOT" -c "$T/console.conf" --console \
	>"$T/more" 2>/dev/null
expect_grep 'Jail Enforcement Model' "$T/more"
[ "$(tail -n 1 "$T/more")" = "https://www.ice.gov/identify-and-arrest/287g" ] ||
	fail "link is not last"
expect_no_grep '\*\*' "$T/more"
pass "more: whole body, plain text, link last"

# End of input without a final newline still answers, exit 0.
printf '!students' | "$INTAKEBOT" -c "$T/console.conf" --console \
	>"$T/nonl" 2>/dev/null || fail "exit status $?"
expect_grep 'SEVP' "$T/nonl"
pass "last line without newline"

# Bad input: NUL bytes, invalid UTF-8, a 100 KiB line, control codes.
python3 - "$T/bad" <<'PY'
import sys
with open(sys.argv[1], "wb") as f:
    f.write(b"!287\x00g\n")
    f.write(b"!\xff\xfe\n")
    f.write(b"!" + b"A" * 102400 + b"\n")
    f.write(b"!search \x03" + b"04det\x02ainer\r\n")
    f.write(b"\x00\x00\x00\n")
    f.write(b"!osltc\n")
PY
"$INTAKEBOT" -c "$T/console.conf" --console <"$T/bad" >"$T/badout" \
	2>"$T/baderr" || fail "bad input: exit status $?"
expect_grep '^The 287(g) program' "$T/badout"
expect_grep 'line longer than 4096 bytes ignored' "$T/badout"
expect_grep '^Best matches for "detainer"' "$T/badout"
expect_grep '^OSLTC (former' "$T/badout"
pass "NUL, invalid UTF-8, 100 KiB line and colour codes survived"

# Usage errors exit 2; --version and --help exit 0.
rc=0; "$INTAKEBOT" --bogus >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "usage error is exit $rc, not 2"
rc=0; "$INTAKEBOT" extra-arg >/dev/null 2>&1 || rc=$?
[ $rc -eq 2 ] || fail "extra argument is exit $rc, not 2"
"$INTAKEBOT" --version | grep -q '^intakebot ' || fail "--version"
"$INTAKEBOT" --help | grep -q -- '--console' || fail "--help"
pass "usage, --version, --help"

# SIGTERM while waiting on input: clean exit 0.
mkfifo "$T/fifo"
"$INTAKEBOT" -c "$T/console.conf" --console <"$T/fifo" >"$T/sig" 2>&1 &
pid=$!
track $pid
exec 3>"$T/fifo"
echo '!ice' >&3
wait_grep 'Immigration and Customs' "$T/sig" 5 || fail "no answer before signal"
kill -TERM $pid
i=0
while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
rc=0; wait $pid || rc=$?
exec 3>&-
[ $rc -eq 0 ] || fail "SIGTERM exit status $rc"
pass "SIGTERM: exit 0"
