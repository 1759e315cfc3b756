# The IRC server is down while requests arrive (from Mattermost): they are
# acknowledged, kept, and delivered to #staff in order after the bot has
# reconnected and rejoined.  What the bot sends is read from a wire tap, so
# no staff client has to win a race with the bot's reconnect.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
TAPPORT=$(free_port)
HTTPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
python3 "$TOP/tests/lib/irc_client.py" tap "$TAPPORT" "$IRCPORT" "$T/wire.log" &
track $!
wait_port "$TAPPORT" 10 || fail "tap did not start"
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $TAPPORT
channels = #help
staff_channel = #staff
flood_rate = 100
flood_burst = 20
[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
[consult]
intake = oneline
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_grep "joined #staff" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #staff"; }

ngircd_stop
wait_grep "irc.*\(closed\|lost\|disconnect\|error\)" "$T/bot.log" 10 ||
	{ cat "$T/bot.log"; fail "the bot did not notice the server going away"; }
PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || fail "intake while IRC is down"
from consult import mm_consult
from webhook import check
got = [mm_consult(i, "while down %d" % i) for i in range(5)]
check(got == [1, 2, 3, 4, 5], "acknowledged #1..#5 while IRC was down", got)
PY
pass "requests acknowledged while the IRC server is down"

sleep 2
ngircd_start "$T/ngircd" "$IRCPORT"
i=0
until grep -q 'PRIVMSG #staff :\[consult #5\]' "$T/wire.log" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 600 ] && { tail -30 "$T/bot.log"; fail "requests not sent to #staff within 60 s of the restart"; }
	sleep 0.1
done
python3 - "$T/wire.log" <<'PY' || fail "order"
import re, sys
nums = [int(m.group(1)) for m in re.finditer(r"PRIVMSG #staff :\[consult #(\d+)\] u0000\d+ \(mattermost town-square, [^)]*\): while down \d", open(sys.argv[1]).read())]
firsts = []
for n in nums:
    if n not in firsts:
        firsts.append(n)
assert firsts == [1, 2, 3, 4, 5], nums
PY
pass "sent to #staff after the reconnect, in order"
