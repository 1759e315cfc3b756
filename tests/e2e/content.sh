# The shipped topics through the console, in English and in Spanish: the
# topics a person facing ICE needs, their aliases in both languages, the
# official links, and a Spanish answer for every topic in the list.
. "$TOP/tests/lib/common.sh"
cd "$TOP"
printf '[bot]\ncontent_dir = %s/content\ndata_dir = %s/data\n' "$TOP" "$T" \
	>"$T/en.conf"
{ cat "$T/en.conf"; printf 'language = es\n'; } >"$T/es.conf"

ask() {	# LANG LINES...: the console's answers to the lines, one per line
	l=$1; shift
	printf '%s\n' "$@" | "$INTAKEBOT" -c "$T/$l.conf" --console 2>"$T/err" ||
		fail "exit status $? ($(cat "$T/err"))"
}
count() {	# PATTERN FILE: number of matching lines
	grep -c -e "$1" "$2" || true
}
expect_count() {	# N PATTERN FILE
	n=$(count "$2" "$3")
	[ "$n" -eq "$1" ] || fail "$3: $n lines match '$2', not $1"
}

# Every alias of the new topics answers in English, with its official link.
ask en '!rights' '!derechos' '!KYR' '!court' '!eoir' '!hearing' '!corte' \
	'!bond' '!fianza' '!expedited' '!expedited-removal' \
	'!deportacion-rapida' '!locator' '!ope' >"$T/en.out"
expect_count 3 '^Your rights if you meet ICE: the basics: .*(details: !rights more)$' "$T/en.out"
expect_count 4 '^Immigration court (EOIR): .*1-800-898-7180.*(details: !court more)$' "$T/en.out"
expect_count 4 '^https://acis\.eoir\.justice\.gov/en/$' "$T/en.out"
expect_count 2 '^Release on bond from ICE detention.*(details: !bond more)$' "$T/en.out"
expect_count 3 '^Expedited removal .*(details: !expedited more)$' "$T/en.out"
expect_count 1 '^Detention and removal (ERO): .*locator\.ice\.gov' "$T/en.out"
expect_count 1 '^https://locator\.ice\.gov/$' "$T/en.out"
expect_count 1 '^OSLTC (former ICE office) .*Office of Partnership and Engagement' "$T/en.out"
expect_count 1 '^https://www\.ice\.gov/leadership/ope$' "$T/en.out"
[ "$(wc -l <"$T/en.out")" -eq 28 ] || fail "en: $(wc -l <"$T/en.out") lines, not 28"
pass "en: rights, court, bond, expedited and their aliases, with links"

# The same words in a Spanish setting answer in Spanish; "más" is "more".
ask es '!derechos' '!rights' '!kyr' '!corte' '!eoir' '!audiencia' \
	'!fianza' '!bond' '!deportacion-rapida' '!expedited' '!localizador' \
	>"$T/es.out"
expect_count 3 '^Sus derechos si se encuentra con ICE: lo básico: .*(detalles: !rights más)$' "$T/es.out"
expect_count 3 '^La corte de inmigración (EOIR): .*1-800-898-7180.*(detalles: !court más)$' "$T/es.out"
expect_count 2 '^Salir de la detención de ICE con fianza.*(detalles: !bond más)$' "$T/es.out"
expect_count 2 '^Deportación acelerada .*(detalles: !expedited más)$' "$T/es.out"
expect_count 1 '^Detención y deportación (ERO): .*menores de 18' "$T/es.out"
expect_no_grep 'details:' "$T/es.out"
pass "es: the same topics and aliases answer in Spanish"

ask es '!corte más' >"$T/es-more.out"
expect_grep 'EOIR-33' "$T/es-more.out"
expect_grep '^Información general, no es asesoría legal\.$' "$T/es-more.out"
[ "$(tail -n 1 "$T/es-more.out")" = "https://acis.eoir.justice.gov/en/" ] ||
	fail "es more: link is not last"
ask en '!court more' >"$T/en-more.out"
expect_grep 'in absentia' "$T/en-more.out"
expect_grep '^General information, not legal advice\.$' "$T/en-more.out"
pass "more / más: the whole body, disclaimer, link last"

# Every topic in the list answers in both languages, with an https link,
# and none points at the retired ICE pages.
ask en '!help' >"$T/help.out"
topics=$(sed -n 's/^Topics: //p' "$T/help.out" | tr -d ',')
[ -n "$topics" ] || fail "no topic list"
n=0
for t in $topics; do
	n=$((n + 1))
	ask en "$t" >"$T/one.en"
	ask es "$t" >"$T/one.es"
	expect_grep "(details: $t more)\$" "$T/one.en"
	expect_grep "(detalles: $t más)\$" "$T/one.es"
	expect_grep '^https://' "$T/one.en"
	expect_grep '^https://' "$T/one.es"
	# The answer itself, without the hint that the language adds.
	sed 's/ (details: .*//; s/ (detalles: .*//' "$T/one.en" >"$T/bare.en"
	sed 's/ (details: .*//; s/ (detalles: .*//' "$T/one.es" >"$T/bare.es"
	cmp -s "$T/bare.en" "$T/bare.es" &&
		fail "$t: the Spanish answer is the English one"
	cat "$T/one.en" "$T/one.es" >>"$T/all.out"
done
[ $n -ge 14 ] || fail "only $n topics"
expect_no_grep 'ice\.gov/osltc\|ice\.gov/secure-communities\|ice\.gov/image$' "$T/all.out"
pass "all $n topics answer in English and Spanish with https links"

# make content-report: the shipped content has one row per topic and no
# notes on the day it was reviewed; a broken folder gets every note.
TODAY=2026-12-02 sh scripts/content-report.sh >"$T/report"
[ "$(grep -c '^| [a-z0-9]' "$T/report")" -eq $((n + 1)) ] ||
	fail "report: not one row per topic plus the header"
expect_grep '^| detention | 2026-12-02 | https://locator.ice.gov/ | 2026-12-02 | https://locator.ice.gov/ |  |$' "$T/report"
expect_no_grep '|  *[a-z][a-z]: ' "$T/report"
mkdir -p "$T/c/es"
printf -- '---\ncommand: one\ntitle: One\nsummary: S.\nlink: https://x.org\nreviewed: 2026-01-10\n---\nB.\n' >"$T/c/one.md"
printf -- '---\ncommand: one\ntitle: Uno\nsummary: S.\nlink: http://x.org\nreviewed: 2025-12-01\n---\nB.\n' >"$T/c/es/one.md"
printf -- '---\ncommand: two\ntitle: Two\nsummary: S.\nlink: https://x.org\n---\nB.\n' >"$T/c/two.md"
CONTENT_DIR="$T/c" TODAY=2026-12-02 sh scripts/content-report.sh >"$T/bad"
expect_grep '^| one | 2026-01-10 | https://x.org | 2025-12-01 | http://x.org | en: reviewed over 180 days ago; es: link not https; es: reviewed over 180 days ago; es: older than en |$' "$T/bad"
expect_grep '^| two | - | https://x.org | - | - | en: no reviewed date; es: missing |$' "$T/bad"
pass "content-report: one row per topic, notes for stale, missing, http, older"
