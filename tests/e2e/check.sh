# --check over the shipped config and over broken fixtures.
. "$TOP/tests/lib/common.sh"
cd "$TOP"

# Review warnings (dates age) may appear; nothing else may.
out=$("$INTAKEBOT" -c config/intakebot.conf --check 2>"$T/err") || fail "$out"
[ "$out" = "configuration OK" ] || fail "unexpected: $out"
! grep -v ': warning: ' "$T/err" | grep -q . || fail "$(cat "$T/err")"
pass "shipped config is OK"

# Review warnings: old date, missing or older translation, plain http link.
mkdir -p "$T/rev/es"
top() {	# FILE COMMAND REVIEWED LINK
	printf -- '---\ncommand: %s\ntitle: T\nsummary: S.\nlink: %s\nreviewed: %s\n---\nBody.\n' \
	    "$2" "$4" "$3" >"$1"
}
today=$(date -u +%Y-%m-%d)
top "$T/rev/fresh.md" fresh "$today" https://x.org
top "$T/rev/es/fresh.md" fresh "$today" https://x.org
top "$T/rev/old.md" old 2020-01-01 https://x.org
top "$T/rev/es/old.md" old 2020-01-01 https://x.org
top "$T/rev/plain.md" plain "$today" http://x.org
top "$T/rev/es/plain.md" plain "$today" https://x.org
top "$T/rev/alone.md" alone "$today" https://x.org
top "$T/rev/behind.md" behind "$today" https://x.org
top "$T/rev/es/behind.md" behind 2026-01-01 https://x.org
cp content/messages.ini "$T/rev/"
printf '[bot]\ncontent_dir = %s\ncontent_max_age = 30\n' "$T/rev" >"$T/rev.conf"
out=$("$INTAKEBOT" -c "$T/rev.conf" --check 2>"$T/err") || fail "warnings made --check fail"
[ "$out" = "configuration OK" ] || fail "unexpected: $out"
expect_grep "^$T/rev/old.md:2: warning: reviewed 2020-01-01, more than 30 days ago$" "$T/err"
expect_grep "^$T/rev/es/old.md:2: warning: reviewed 2020-01-01, more than 30 days ago$" "$T/err"
expect_grep "^$T/rev/plain.md:2: warning: no https:// link$" "$T/err"
expect_grep "^$T/rev/alone.md:2: warning: no 'es' translation$" "$T/err"
expect_grep "^$T/rev/es/behind.md:2: warning: translation reviewed before its English file ($today)$" "$T/err"
expect_no_grep 'fresh.md' "$T/err"
[ "$(wc -l <"$T/err")" -eq 6 ] || fail "expected 6 warnings: $(cat "$T/err")"
pass "review warnings: FILE:LINE, exit 0"

check_bad() {	# CONF EXPECTED-LINE
	rc=0
	"$INTAKEBOT" -c "$1" --check >"$T/out" 2>"$T/err" || rc=$?
	[ $rc -eq 1 ] || fail "$1: exit status $rc, not 1"
	expect_grep "$2" "$T/err"
	expect_no_grep 'configuration OK' "$T/out"
}
d=tests/data/check
check_bad $d/dup-alias.conf "^$d/dup-alias/content/two.md:3: 'uno' is already used by $d/dup-alias/content/one.md:3$"
check_bad $d/bad-front.conf "^$d/bad-front/content/one.md:3: expected 'key: value'$"
check_bad $d/bad-utf8.conf "^$d/bad-utf8/content/one.md:8: invalid UTF-8$"
check_bad $d/bad-keys.conf "^$d/bad-keys.conf:3: unknown key 'colour' in \[bot\]$"
expect_grep "^$d/bad-keys.conf:6: port: 99999 is out of range" "$T/err"
expect_grep "^$d/bad-keys.conf:8: cooldown: environment variable INTAKEBOT_TEST_UNSET is not set" "$T/err"
pass "broken fixtures: FILE:LINE messages, exit 1"

# A huge content file and a missing content folder.
mkdir -p "$T/huge"
{ printf -- '---\ncommand: one\ntitle: One\nsummary: S.\nlink: https://x.org\n---\n'
  head -c 70000 /dev/zero | tr '\0' x; } >"$T/huge/one.md"
printf '[bot]\ncontent_dir = %s\n' "$T/huge" >"$T/huge.conf"
check_bad "$T/huge.conf" "^$T/huge/one.md: file is [0-9]* bytes (at most 65536)$"
printf '[bot]\ncontent_dir = %s\n' "$T/nowhere" >"$T/none.conf"
check_bad "$T/none.conf" "^$T/nowhere: cannot open content folder"
check_bad "$T/does-not-exist.conf" "^$T/does-not-exist.conf: cannot open"
pass "huge file, missing folder, missing config"

# The running bot refuses to start on a broken config, exit 1.
rc=0
"$INTAKEBOT" -c $d/bad-keys.conf </dev/null >/dev/null 2>"$T/err" || rc=$?
[ $rc -eq 1 ] || fail "exit status $rc, not 1"
expect_grep 'unknown key' "$T/err"
pass "refuses to start on a broken config"

# A secret file readable by others is refused without printing the secret.
printf 'hunter2\n' >"$T/pw"; chmod 644 "$T/pw"
printf '[irc]\nnickserv_password = file:%s\n' "$T/pw" >"$T/pw.conf"
check_bad "$T/pw.conf" "readable or writable by group or others"
expect_no_grep hunter2 "$T/err"
pass "world-readable secret file refused, secret not shown"
