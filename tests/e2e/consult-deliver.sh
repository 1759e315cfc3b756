# Consultation requests end to end: one from IRC and one from Mattermost
# each reach the IRC staff channel and a staff webhook (a local sink) with
# the same number in both; the staff workflow in #staff; refusals for
# non-staff; CR/LF and mass mentions neutralised; no request text in the
# log at the default level.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
. "$TOP/tests/lib/sink.sh"

IRCPORT=$(free_port)
HTTPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
sink_start staff webhook

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
token = xr3j5x3p4pfk7kttbd6ewqchoe, s1ashtokens1ashtokens1asht
[webhook.staff]
staff_webhook_url = http://127.0.0.1:$SINK_PORT/hooks/staff
[consult]
intake = oneline
cooldown = 60
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_grep "joined #staff" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #staff"; }
wait_port "$HTTPPORT" 10 || fail "no HTTP listener"

# A staff member sits in #staff for the whole test.
cat >"$T/staff.script" <<'EOS'
send JOIN #staff
wait JOIN :?#staff
wait PRIVMSG #staff :\[consult #1\] alice \(irc #help, [0-9-]+ [0-9:]+ UTC\): I was detained last year, call me at five @here 30
wait PRIVMSG #staff :\[consult #2\] maria \(mattermost town-square, [^)]*\): please help  QUIT :x @channel$ 30
send PRIVMSG #staff :!claim 1
wait PRIVMSG #staff :staffer: #1 claimed by staffer\.
send PRIVMSG #staff :!pending
wait PRIVMSG #staff :staffer: Open requests: #1 claimed, alice .*#2 new, maria
send PRIVMSG #staff :!done 1
wait PRIVMSG #staff :staffer: #1 closed by staffer\.
EOS
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" staffer "$T/staff.log" "$T/staff.script" &
STAFF=$!
track $STAFF
wait_grep 'staffer!.* JOIN :\{0,1\}#staff' "$T/staff.log" 20 ||
	{ cat "$T/staff.log"; fail "staff client did not join #staff"; }

# alice asks in #help, with a mass mention in the text.
cat >"$T/alice.script" <<'EOS'
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!consult I was detained last year, call me at five @here
wait NOTICE alice :Thank you, alice\. Your request is #1\.
send PRIVMSG #help :!consult again
wait NOTICE alice :We already have your request #1\.
send PRIVMSG #help :!pending
wait NOTICE alice :That command is for staff\.
EOS
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" alice "$T/alice.log" "$T/alice.script" ||
	{ cat "$T/alice.log" "$T/bot.log"; fail "alice"; }
pass "IRC intake: private acknowledgement with the number, cooldown, staff-only commands refused"

PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || fail "mattermost intake"
from consult import mm_consult
from webhook import check
n = mm_consult(1, "please help\r\nQUIT :x @channel", user="maria")
check(n == 2, "mattermost request got #2", n)
PY
pass "Mattermost intake: ephemeral acknowledgement with #2"

wait "$STAFF" || { cat "$T/staff.log"; cat "$T/bot.log"; fail "staff did not see both requests or the workflow failed"; }
pass "#staff got #1 and #2 in order; claim, pending, done"

i=0
while [ "$(sink_count staff)" -lt 2 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
python3 - "$(sink_posts staff)" <<'PY' || fail "sink content"
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
texts = [json.loads(r["body"])["text"] for r in rows]
assert len(texts) == 2, texts
assert texts[0].startswith("[consult #1] alice (irc #help, "), texts[0]
assert texts[1].startswith("[consult #2] maria (mattermost town-square, "), texts[1]
# CR/LF became spaces; mass mentions are broken with a zero-width space.
assert "\r" not in texts[1] and "\n" not in texts[1], texts[1]
assert "please help  QUIT :x @\u200bchannel" in texts[1], texts[1]
assert "@\u200bhere" in texts[0], texts[0]
PY
pass "the sink got #1 and #2, in order, neutralised"

# Default log level: the request text appears nowhere in the log.
expect_no_grep 'detained' "$T/bot.log"
expect_no_grep 'please help' "$T/bot.log"
pass "no request text in the log"
