#!/bin/sh
# Flood control and fairness against a real ngircd: 5 users send 50
# commands in about 2 s (one of them 30 at once); the bot is never
# disconnected, answers every one, and serves the users round robin, so
# the quiet ones are not stuck behind the loud one.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
TAPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
python3 "$TOP/tests/lib/irc_client.py" tap "$TAPPORT" "$IRCPORT" "$T/wire.log" &
track $!
wait_port "$TAPPORT" 10 || fail "tap did not start"
mkdir -p "$T/data"
cat >"$T/bot.conf" <<CONF
[bot]
nick = intakebot
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $TAPPORT
channels = #help
flood_rate = 40
flood_burst = 4
flood_bytes = 2000
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "joined #help" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "no join"; }

{
	echo "sleep 0.5"
	i=0; while [ $i -lt 30 ]; do echo "send PRIVMSG intakebot :!287g"; i=$((i + 1)); done
	echo "hold 40"
} >"$T/loud.script"
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" loud "$T/loud.log" "$T/loud.script" &
LOUD=$!
track $LOUD
QUIET=""
for u in q1 q2 q3 q4; do
	{
		echo "sleep 1"
		i=0; while [ $i -lt 5 ]; do echo "send PRIVMSG intakebot :!287g"; echo "sleep 0.2"; i=$((i + 1)); done
		echo "hold 40"
	} >"$T/$u.script"
	python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" "$u" "$T/$u.log" "$T/$u.script" &
	QUIET="$QUIET $!"
	track $!
done

# Wait until all 50 answers went out.
i=0
while [ "$(grep -c "NOTICE [a-z0-9]* :The 287" "$T/wire.log")" -lt 50 ] && [ $i -lt 600 ]; do
	sleep 0.1; i=$((i + 1))
done
n=$(grep -c "NOTICE [a-z0-9]* :The 287" "$T/wire.log")
[ "$n" -eq 50 ] || { cat "$T/bot.log"; fail "only $n of 50 answers sent"; }
expect_no_grep "disconnected" "$T/bot.log"
kill -0 $BOT || fail "bot died"
pass "50 answers, never disconnected"

python3 - "$T/wire.log" <<'PY' || fail "fairness"
import re, sys
order = [m.group(1) for l in open(sys.argv[1])
         for m in [re.search(r"NOTICE (\w+) :The 287", l)] if m]
last = {u: max(i for i, v in enumerate(order) if v == u) for u in set(order)}
quiet_last = max(last[u] for u in ("q1", "q2", "q3", "q4"))
print("order:", " ".join(order))
# FIFO would answer all 30 loud requests before any quiet one.
assert quiet_last < 40, "quiet users finished at %d" % quiet_last
assert last["loud"] == len(order) - 1
PY
pass "round robin: the quiet users were not starved"
