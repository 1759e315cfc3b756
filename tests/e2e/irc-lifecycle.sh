# IRC life cycle beyond the basics: NickServ IDENTIFY before any JOIN (the
# password never logged); keep-alive PING with lag shown by !status and a
# reconnect when the server stops answering; a 465 ban answered with a
# long pause instead of hammering; rejoin after a KICK on a real ngircd.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

bot_conf() {	# FILE PORT [extra lines]
	_f=$1 _p=$2; shift 2
	cat >"$_f" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data-$(basename "$_f" .conf)
[irc]
server = 127.0.0.1
port = $_p
channels = #help
flood_rate = 100
flood_burst = 20
CONF
	for l in "$@"; do echo "$l" >>"$_f"; done
}

# 1. NickServ fallback.
P=$(free_port)
python3 "$TOP/tests/lib/irc_script_server.py" "$P" "$T/ns.log" nickserv &
track $!
wait_port "$P" 10 || fail "script server"
bot_conf "$T/ns.conf" "$P" "nickserv_password = s3cr3t-pw"
"$INTAKEBOT" -c "$T/ns.conf" >"$T/ns-bot.log" 2>&1 &
NSBOT=$!
track $NSBOT
wait_grep '^JOIN #help' "$T/ns.log" 15 || { cat "$T/ns.log" "$T/ns-bot.log"; fail "no JOIN"; }
python3 - "$T/ns.log" <<'PY' || fail "IDENTIFY does not come before JOIN"
import sys
lines = open(sys.argv[1]).read().splitlines()
ident = next(i for i, l in enumerate(lines) if l.startswith("PRIVMSG NickServ :IDENTIFY s3cr3t-pw"))
join = next(i for i, l in enumerate(lines) if l.startswith("JOIN "))
assert ident < join, (ident, join)
PY
expect_grep 'NickServ identification done' "$T/ns-bot.log"
expect_no_grep 's3cr3t-pw' "$T/ns-bot.log"
kill $NSBOT
pass "NickServ IDENTIFY, then JOIN; password not logged"

# 2. Keep-alive: lag measured; no PONG -> reconnect.
P=$(free_port)
python3 "$TOP/tests/lib/irc_script_server.py" "$P" "$T/np.log" nopong &
track $!
wait_port "$P" 10 || fail "script server"
bot_conf "$T/np.conf" "$P" "ping_interval = 5"
"$INTAKEBOT" -c "$T/np.conf" >"$T/np-bot.log" 2>&1 &
NPBOT=$!
track $NPBOT
wait_grep '^PING :ib' "$T/np.log" 15 || { cat "$T/np.log"; fail "no keep-alive PING"; }
wait_grep 'ping timeout' "$T/np-bot.log" 20 || { cat "$T/np-bot.log"; fail "no ping timeout"; }
wait_grep '^CONNECT 2' "$T/np.log" 20 || { cat "$T/np.log"; fail "no reconnect after the ping timeout"; }
kill $NPBOT
pass "keep-alive PING; silent server dropped and reconnected"

# 3. A 465 ban: one clear line, then a long pause (no second attempt).
P=$(free_port)
python3 "$TOP/tests/lib/irc_script_server.py" "$P" "$T/ban.log" ban465 &
track $!
wait_port "$P" 10 || fail "script server"
bot_conf "$T/ban.conf" "$P"
"$INTAKEBOT" -c "$T/ban.conf" >"$T/ban-bot.log" 2>&1 &
BANBOT=$!
track $BANBOT
wait_grep 'banned from the server (465)' "$T/ban-bot.log" 15 || { cat "$T/ban-bot.log"; fail "465 not reported"; }
expect_grep 'pausing 30 minutes' "$T/ban-bot.log"
sleep 5
[ "$(grep -c '^CONNECT' "$T/ban.log")" = 1 ] || { cat "$T/ban.log"; fail "reconnected after a ban"; }
kill -0 $BANBOT || fail "bot died on a ban"
kill $BANBOT
pass "465: logged, paused, no hammering"

# 4. KICK on a real ngircd: the bot rejoins after a delay.
P=$(free_port)
ngircd_start "$T/ngircd" "$P"
cat >"$T/op.script" <<'EOS'
send JOIN #kick
wait JOIN :?#kick
wait :intakebot!\S+ JOIN :?#kick 30
sleep 1
send KICK #kick intakebot :out
wait KICK #kick intakebot
wait :intakebot!\S+ JOIN :?#kick 30
EOS
python3 "$TOP/tests/lib/irc_client.py" client "$P" opper "$T/op.log" "$T/op.script" &
OP=$!
track $OP
# opper must create #kick (and so hold +o) before the bot arrives.
wait_grep 'opper!.* JOIN :\{0,1\}#kick' "$T/op.log" 20 ||
	{ cat "$T/op.log"; fail "opper did not join #kick"; }
bot_conf "$T/kick.conf" "$P"
sed -i 's/^channels = #help$/channels = #kick/' "$T/kick.conf"
"$INTAKEBOT" -c "$T/kick.conf" >"$T/kick-bot.log" 2>&1 &
track $!
wait $OP || { cat "$T/op.log" "$T/kick-bot.log"; fail "no rejoin after KICK"; }
pass "KICK: rejoined"
