# A staff webhook that keeps failing: after [consult] dead_letter_after the
# delivery is dead-lettered, an alert goes to the other staff destination,
# the metric counts it, and later requests still reach the healthy one.
# Also: staff on a platform (a Mattermost staff channel) can run !pending
# and !claim; the same commands from a public channel are refused.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"

HTTPPORT=$(free_port)
sink_start bad webhook
sink_modes bad "status 500"
BAD=$SINK_PORT
sink_start good webhook
GOOD=$SINK_PORT
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
staff_channel = staff
[webhook.bad]
staff_webhook_url = http://127.0.0.1:$BAD/hooks/bad
staff_backoff_max = 2
[webhook.good]
staff_webhook_url = http://127.0.0.1:$GOOD/hooks/good
[consult]
intake = oneline
dead_letter_after = 6
rate_per_minute = 1000
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$HTTPPORT" 10 || { cat "$T/bot.log"; fail "no HTTP listener"; }

PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || fail "intake"
from consult import mm_consult
assert mm_consult(1, "first") == 1
PY
i=0
until grep -q 'consult alert\] request #1 could not be delivered to webhook.bad' \
    "$(sink_posts good)" 2>/dev/null; do
	i=$((i + 1))
	[ $i -gt 300 ] && { tail -20 "$T/bot.log"; fail "no dead-letter alert within 30 s"; }
	sleep 0.1
done
pass "dead-lettered after 6 s; alert delivered to the other destination"
expect_grep 'delivery [0-9]* to webhook.bad dead-lettered after 6 s' "$T/bot.log"

PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || fail "metric"
from webhook import metric, check
check(metric("intakebot_deliveries_total",
             'destination="webhook.bad",result="dead"') >= 1,
      "dead-letter metric", "")
PY
pass "dead-letter metric"

# Staff on Mattermost: the staff channel may, town-square may not.
PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || fail "platform staff"
import json, urllib.parse
from webhook import post, check
from consult import SLASH_TOKEN, FORM
def slash(channel, text, n):
    body = urllib.parse.urlencode({
        "token": SLASH_TOKEN, "team_id": "t1", "team_domain": "community",
        "channel_id": "c-" + channel, "channel_name": channel,
        "user_id": "staff1", "user_name": "dana", "command": "/intake",
        "text": text, "trigger_id": "st%d" % n,
        "response_url": "http://127.0.0.1:9/x"})
    st, _, data = post("/hooks/mattermost", body, FORM)
    check(st == 200, "status 200", st)
    return json.loads(data)
d = slash("staff", "pending", 1)
check("Open requests: #1 new" in d["text"], "!pending in the staff channel", d)
d = slash("staff", "claim 1", 2)
check("#1 claimed by dana." in d["text"], "!claim in the staff channel", d)
d = slash("town-square", "pending", 3)
check("That command is for staff." in d["text"] and d["response_type"] == "ephemeral",
      "refused in a public channel", d)
PY
pass "staff workflow on Mattermost"
