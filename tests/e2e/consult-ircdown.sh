# The IRC server is down while requests arrive (from Mattermost): they are
# acknowledged, kept, and delivered to #staff in order after the bot has
# reconnected and rejoined.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
HTTPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #help
staff_channel = #staff
flood_rate = 100
flood_burst = 20
[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
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
cat >"$T/staff.script" <<'EOS'
send JOIN #staff
wait JOIN :?#staff
wait PRIVMSG #staff :\[consult #1\] u00000 .*: while down 0$ 90
wait PRIVMSG #staff :\[consult #5\] u00004 .*: while down 4$ 30
EOS
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" staffer "$T/staff.log" "$T/staff.script" ||
	{ cat "$T/staff.log"; tail -30 "$T/bot.log"; fail "staff did not get the requests after the reconnect"; }
python3 - "$T/staff.log" <<'PY' || fail "order"
import re, sys
nums = [int(m.group(1)) for m in re.finditer(r"PRIVMSG #staff :\[consult #(\d+)\]", open(sys.argv[1]).read())]
firsts = []
for n in nums:
    if n not in firsts:
        firsts.append(n)
assert firsts == [1, 2, 3, 4, 5], nums
PY
pass "delivered to #staff after the reconnect, in order"
