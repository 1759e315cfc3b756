#!/bin/sh
# Words are data: no sentence is written in C (tests/sentences.pl over
# src/, and it does catch one put back), --check is clean on the shipped
# messages and reports a broken Spanish one as FILE:LINE, and on the
# console in Spanish every answer, error and acknowledgement is Spanish.
. "$TOP/tests/lib/common.sh"
cd "$TOP"

# 1. No sentence in src/.
perl tests/sentences.pl src/*.[ch] src/platform/*.[ch] >"$T/found" ||
	fail "sentences.pl failed"
[ ! -s "$T/found" ] || { cat "$T/found"; fail "sentences written in C"; }

# 2. The grep is not blind: a sentence put back, whole or cut in two
#    literals, is found at its FILE:LINE; the same words in a log call
#    are not.
mkdir -p "$T/src"
cp src/router.c src/consult.c "$T/src/"
cat >>"$T/src/router.c" <<'C'
static void
router_said(struct replies *out)
{
	log_info("this is a log line with many words");
	replies_add(out, REPLY_HERE, "That command is for staff.", NULL);
	replies_addf(out, REPLY_HERE, "Your request is too long "
	                              "(%zu bytes).", (size_t)1);
}
C
perl tests/sentences.pl "$T/src/router.c" "$T/src/consult.c" >"$T/found"
n=$(wc -l <"$T/src/router.c")
expect_grep "^$T/src/router.c:$((n - 3)): That command is for staff\.$" "$T/found"
expect_grep "^$T/src/router.c:$((n - 2)): Your request is too long (%zu bytes)\.$" "$T/found"
[ "$(wc -l <"$T/found")" -eq 2 ] || { cat "$T/found"; fail "expected 2 sentences"; }
pass "no sentence in src/, and one put back is found at FILE:LINE"

# 3. --check: the shipped messages are clean; every English key has a
#    Spanish text.
cat >"$T/bot.conf" <<CONF
[bot]
language = es
content_dir = $T/ct
data_dir = $T/data
[consult]
intake = oneline
max_length = 40
CONF
mkdir -p "$T/data"
cp -r content "$T/ct"
"$INTAKEBOT" -c "$T/bot.conf" --check >"$T/check" 2>&1 ||
	{ cat "$T/check"; fail "--check on the shipped content"; }
keys() { awk '/^\[/ { s = substr($1, 2, length($1) - 2) }
	/^[a-z_]+ *=/ { sub(/ *=.*/, ""); print s "." $0 }' "$1" | sort; }
keys content/messages.ini | grep -v '^staff\.' >"$T/en.keys"
keys content/es/messages.ini >"$T/es.keys"
missing=$(comm -23 "$T/en.keys" "$T/es.keys")
[ -z "$missing" ] || fail "no Spanish text for: $missing"
pass "--check is clean; every sentence has a Spanish text"

# 4. A broken Spanish file: unknown placeholder and unknown key, FILE:LINE.
cat >>"$T/ct/es/messages.ini" <<'INI'
[consult]
thanks = Gracias, {nombre}. Su solicitud es la #{number}.
[router]
hola = Hola.
INI
n=$(wc -l <"$T/ct/es/messages.ini")
! "$INTAKEBOT" -c "$T/bot.conf" --check >"$T/check" 2>&1 ||
	fail "--check accepted a broken messages.ini"
expect_grep "^$T/ct/es/messages.ini:$((n - 2)): placeholder {nombre} is not in the English message$" "$T/check"
expect_grep "^$T/ct/es/messages.ini:$n: unknown key router.hola$" "$T/check"
expect_grep "^$T/ct/es/messages.ini:$((n - 2)): duplicate key consult.thanks$" "$T/check"
pass "a broken Spanish messages.ini is reported as FILE:LINE"
rm -rf "$T/ct"
cp -r content "$T/ct"

# 5. The console in Spanish ([bot] language = es): help, an unknown
#    command, a topic, search, errors, the one-line acknowledgement and the
#    staff lines.
printf '%s\n' '!ayuda' '!zzzq' '!derechos' '!buscar detenido' '!buscar zzzz' \
	'!buscar' '!consult' \
	'!consult esto es un texto demasiado largo para el limite' \
	'!consult Necesito ayuda con una fianza' '!consult otra vez' \
	'!ver abc' '!ver 99' '!asignar 1' '!cerrar 1' '!asignar 1' \
	'!pendientes' '!estado' |
	"$INTAKEBOT" -c "$T/bot.conf" --console >"$T/out" 2>"$T/err" ||
	{ cat "$T/err"; fail "console"; }
for re in \
	'^Temas: !287g' \
	'^Escriba !<tema> para una respuesta corta, .* !consult TEXTO para pedir una consulta\.$' \
	'^No conozco ese tema\. Escriba !ayuda para ver la lista, o !buscar PALABRAS\.$' \
	'^Sus derechos .*(detalles: !rights más)' \
	'^Mejores resultados para "detenido": !' \
	'^Ningún tema coincide con "zzzz"\. Escriba !ayuda para ver la lista\.$' \
	'^Uso: !buscar PALABRAS$' \
	'^Para pedir una consulta, escriba !consult seguido de' \
	'^Su solicitud es demasiado larga (47 bytes; como máximo 40)\. Por favor, acórtela\.$' \
	'^Gracias, console\. Su solicitud es la #1\. El personal' \
	'^Ya tenemos su solicitud #1\. Espere [0-9]* segundos* más antes de enviar otra\.$' \
	"^'abc' no es un número de solicitud\.$" \
	'^No existe la solicitud #99\.$' \
	'^#1 asignada a console\.$' \
	'^#1 cerrada por console\.$' \
	'^La #1 ya está cerrada\.$' \
	'^No hay solicitudes abiertas\.$' \
	'^intakebot activo desde hace 0d [0-9:]*; 14 temas$' \
	'^Entregas pendientes: 0$'; do
	expect_grep "$re" "$T/out"
done
# Nothing English: none of the English sentences' telltale words.
expect_no_grep 'Type \|Usage\|request\|Thank\|topic\|Deliveries\|claimed\|closed by' "$T/out"
pass "the console answers in Spanish throughout"
