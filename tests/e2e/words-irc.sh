#!/bin/sh
# Spanish throughout, over a real ngircd: in #ayuda (channel_languages
# #ayuda=es) help, a near miss, an unknown word addressed to the bot, a
# topic, search, a usage error and a staff-only command (both answered
# privately), the one-line consultation's errors and acknowledgement
# (private NOTICEs) are all in Spanish; the same usage error in #help is
# English.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
cat >"$T/bot.conf" <<CONF
[bot]
nick = intakebot
content_dir = $TOP/content
data_dir = $T/data
channel_languages = #ayuda=es
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #help, #ayuda
staff_channel = #staff
flood_rate = 100
flood_burst = 20
flood_bytes = 8000
[consult]
intake = oneline
max_length = 40
CONF
mkdir -p "$T/data"
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_grep "joined #ayuda" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #ayuda"; }

cat >"$T/ana.script" <<'EOF2'
send JOIN #ayuda
wait JOIN :?#ayuda
send PRIVMSG #ayuda :!ayuda
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: .*Temas:.* !287g
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: Escriba !<tema> para una respuesta corta, .* !consult TEXTO para pedir una consulta\.$
send PRIVMSG #ayuda :!hlep
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: ¿Quiso decir .*!help\?$
send PRIVMSG #ayuda :intakebot: zzzq
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: No conozco ese tema\. Escriba !ayuda para ver la lista, o !buscar PALABRAS\.$
send PRIVMSG #ayuda :!derechos
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: .*\(detalles: !rights más\)
send PRIVMSG #ayuda :!buscar detenido
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: Mejores resultados para "detenido": !
send PRIVMSG #ayuda :!buscar zzzz
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: Ningún tema coincide con "zzzz"\. Escriba !ayuda para ver la lista\.$
send PRIVMSG #ayuda :!buscar
wait ^:intakebot!\S+ NOTICE ana :Uso: !buscar PALABRAS$
send PRIVMSG #ayuda :!ver 1
wait ^:intakebot!\S+ NOTICE ana :Esa orden es solo para el personal\.$
send PRIVMSG #ayuda :!consult
wait ^:intakebot!\S+ NOTICE ana :Para pedir una consulta, escriba !consult seguido de
send PRIVMSG #ayuda :!consult esto es un texto demasiado largo para el limite
wait ^:intakebot!\S+ NOTICE ana :Su solicitud es demasiado larga \(47 bytes; como máximo 40\)\. Por favor, acórtela\.$
send PRIVMSG #ayuda :!consult Necesito ayuda con una fianza
wait ^:intakebot!\S+ NOTICE ana :Gracias, ana\. Su solicitud es la .*#1.*\. El personal se pondrá en contacto
send PRIVMSG #ayuda :!consult otra vez
wait ^:intakebot!\S+ NOTICE ana :Ya tenemos su solicitud #1\. Espere [0-9]+ segundos? más antes de enviar otra\.$
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!search
wait ^:intakebot!\S+ NOTICE ana :Usage: !search WORDS$
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" ana "$T/ana.log" "$T/ana.script" ||
	{ echo "--- ana"; cat "$T/ana.log"; echo "--- bot"; cat "$T/bot.log"; fail "ana's conversation"; }
# Before #help, no English sentence from the bot.
sed '/Usage: !search WORDS/,$d' "$T/ana.log" | grep ':intakebot!' >"$T/es.log"
[ "$(wc -l <"$T/es.log")" -ge 12 ] || { cat "$T/es.log"; fail "too few answers"; }
expect_no_grep 'Type \|Usage\|request\|Thank\|Did you\|know that\|topic\|only for' "$T/es.log"
pass "#ayuda: answers, errors, hints and acknowledgements in Spanish"
