#!/bin/sh
# The shipped topics over a real ngircd: in #ayuda (channel_languages
# #ayuda=es) the new topics answer in Spanish, with the Spanish "más" hint,
# and the same commands in #help answer in English.
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
CONF
mkdir -p "$T/data"
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_grep "joined #ayuda" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #ayuda"; }

cat >"$T/ana.script" <<'EOF2'
send JOIN #ayuda
wait JOIN :?#ayuda
send PRIVMSG #ayuda :!derechos
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: Sus derechos .*\(detalles: !rights más\)
send PRIVMSG #ayuda :!corte
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: La corte de inmigración .*1-800-898-7180
send PRIVMSG #ayuda :!fianza
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: Salir de la detención
send PRIVMSG #ayuda :!deportacion-rapida
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: Deportación acelerada
send PRIVMSG #ayuda :!securecommunities
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: .*2014
send PRIVMSG #ayuda :!osltc
wait ^:intakebot!\S+ PRIVMSG #ayuda :ana: .*
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!rights
wait ^:intakebot!\S+ PRIVMSG #help :ana: .*\(details: !rights more\)
send PRIVMSG #ayuda :!corte más
wait ^:intakebot!\S+ NOTICE ana :https://
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" ana "$T/ana.log" "$T/ana.script" ||
	{ echo "--- ana"; cat "$T/ana.log"; echo "--- bot"; cat "$T/bot.log"; fail "ana's conversation"; }
# Nothing of the "más" body went to the channel: six answers, each a line
# and at most a link line.
n=$(grep -c 'PRIVMSG #ayuda :' "$T/ana.log")
[ "$n" -ge 6 ] && [ "$n" -le 12 ] || { cat "$T/ana.log"; fail "$n channel lines"; }
expect_grep 'NOTICE ana :.*1-800-898-7180' "$T/ana.log"
pass "#ayuda answers in Spanish, #help in English, más in private"
