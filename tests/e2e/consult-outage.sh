# Staff webhook outage: the sink answers 500 for 30 s while requests
# arrive, then 200: every request is delivered, in order, none lost.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"

HTTPPORT=$(free_port)
sink_start staff webhook
sink_modes staff "status 500"
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
[webhook.staff]
staff_webhook_url = http://127.0.0.1:$SINK_PORT/hooks/staff
rate_per_minute = 6000
[consult]
intake = oneline
rate_per_minute = 100000
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$HTTPPORT" 10 || { cat "$T/bot.log"; fail "no HTTP listener"; }
start=$(date +%s)

PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - "$T/acked" <<'PY' || fail "intake"
import sys
from consult import mm_consult
acked = [mm_consult(i, "outage request %d" % i) for i in range(20)]
assert all(acked), acked
open(sys.argv[1], "w").write(" ".join(map(str, acked)))
PY
pass "20 requests acknowledged during the outage"

# Stay down for 30 s in all, then recover.
sleep $((30 - ($(date +%s) - start)))
[ "$(sink_count staff)" -ge 2 ] || fail "no retries during the outage"
sink_modes staff ok
# A 500 is a clean failure: nothing may be delivered twice.
PYTHONPATH="$TOP/tests/lib" python3 "$TOP/tests/lib/consult.py" verify \
	"$(sink_posts staff)" "$T/acked" 60 0 outage ||
	{ tail -20 "$T/bot.log"; fail "delivery after recovery"; }
pass "after recovery: all 20 delivered once, in order"
expect_grep 'webhook.staff: HTTP 500; retry' "$T/bot.log"
pass "retries logged"
