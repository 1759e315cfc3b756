#!/bin/sh
# Life cycle against a real ngircd: the nick is taken, so the bot uses an
# alternate and takes its nick back when the holder quits; then ngircd is
# killed, the bot waits with backoff (little CPU while the server is down),
# reconnects once ngircd is back, and rejoins its channels.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"

# bob holds the bot's nick and sits in #help.
cat >"$T/holder.script" <<EOF2
send JOIN #help
wait JOIN :?#help
wait JOIN :?#help 20
sleep 1
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" intakebot "$T/holder.log" "$T/holder.script" &
HOLDER=$!
track $HOLDER
wait_grep " 366 " "$T/holder.log" 10 || fail "holder did not join"

mkdir -p "$T/data"
cat >"$T/bot.conf" <<CONF
[bot]
nick = intakebot
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #help, #ayuda
staff_channel = #staff
alt_nicks = intakebot_, intakebot__
reconnect_min = 1
reconnect_max = 4
connect_timeout = 5
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "registered as intakebot_ " "$T/bot.log" 15 || { cat "$T/bot.log"; fail "no alternate nick"; }
pass "nick in use: registered as intakebot_"
wait $HOLDER || fail "holder script"
wait_grep "nick is now intakebot$" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "nick not regained"; }
pass "main nick regained once freed"
wait_grep "joined #ayuda" "$T/bot.log" 10 || fail "no join"

# Server down: the bot must back off, not spin.
ngircd_stop
wait_grep "disconnected" "$T/bot.log" 10 || { cat "$T/bot.log"; fail "no disconnect noticed"; }
t0=$(awk '{print $14 + $15}' /proc/$BOT/stat)
sleep 5
t1=$(awk '{print $14 + $15}' /proc/$BOT/stat)
hz=$(getconf CLK_TCK)
cpu_ms=$(( (t1 - t0) * 1000 / hz ))
[ "$cpu_ms" -lt 500 ] || fail "bot used ${cpu_ms} ms of CPU in 5 s while the server was down"
pass "no busy loop while down (${cpu_ms} ms CPU in 5 s)"
n=$(grep -c "reconnecting in" "$T/bot.log")
[ "$n" -ge 2 ] || fail "expected several reconnect attempts, saw $n"
[ "$n" -le 8 ] || fail "too many reconnect attempts ($n) in 5 s: no backoff"

: >"$T/bot.log.mark"
ngircd_start "$T/ngircd" "$IRCPORT"
cat >"$T/carol.script" <<EOF2
send JOIN #ayuda
wait (:intakebot!\S+ JOIN :?#ayuda| 353 carol . #ayuda :.*intakebot) 20
send PRIVMSG #ayuda :!287g
wait PRIVMSG #ayuda :carol:
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" carol "$T/carol.log" "$T/carol.script" ||
	{ cat "$T/carol.log"; cat "$T/bot.log"; fail "no rejoin/answer after restart"; }
pass "reconnected, rejoined and answering after ngircd restart"
kill -0 $BOT || fail "bot died"
