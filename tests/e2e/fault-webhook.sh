#!/bin/sh
# Staff webhooks that fail slowly, during real intake: one accepts the
# connection and never answers (then recovers), one never even reads
# what it is sent, one's host name does not resolve (a 64-byte label
# under .invalid: the resolver refuses it before any query leaves the
# machine).  Each attempt ends at staff_timeout and is retried; the
# hung destination gets every acknowledged request, in order; the others
# keep them pending without holding anything else up; the bot keeps
# answering.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

HTTPPORT=$(free_port)
sink_start hang webhook
sink_modes hang hang hang ok
HANG=$SINK_PORT
# A peer that accepts connections and never reads or answers.
python3 - "$T/mute.port" <<'PY' &
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(64)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
held = []
end = time.time() + 120
s.settimeout(0.5)
while time.time() < end:
    try:
        held.append(s.accept()[0])
    except socket.timeout:
        pass
PY
track $!
i=0
while [ ! -s "$T/mute.port" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "mute peer did not start"; sleep 0.1
done
MUTE=$(cat "$T/mute.port")
# A label over 63 bytes: getaddrinfo fails without sending a query.
BADHOST="$(printf "a%.0s" $(seq 1 64)).invalid"
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
[webhook.hang]
staff_webhook_url = http://127.0.0.1:$HANG/hooks/hang
staff_timeout = 1
staff_backoff_max = 1
[webhook.mute]
staff_webhook_url = http://127.0.0.1:$MUTE/hooks/mute
staff_timeout = 1
staff_backoff_max = 1
[webhook.dns]
staff_webhook_url = http://$BADHOST/hooks/dns
staff_timeout = 1
staff_backoff_max = 1
[consult]
intake = oneline
rate_per_minute = 100000
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_port "$HTTPPORT" 10 || { cat "$T/bot.log"; fail "no HTTP listener"; }

PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - "$T/acked" <<'PY' || fail "intake"
import sys
from consult import mm_consult
acked = [mm_consult(n, "request %d while staff hooks hang" % n) for n in range(1, 9)]
assert all(acked), acked
open(sys.argv[1], "w").write(" ".join(map(str, acked)))
PY
pass "8 requests acknowledged while every staff hook is failing"

PYTHONPATH="$TOP/tests/lib" python3 "$TOP/tests/lib/consult.py" verify \
	"$(sink_posts hang)" "$T/acked" 30 8 "hung then recovered" ||
	{ tail -30 "$T/bot.log"; fail "hung destination"; }
[ "$(grep -c '"mode": "hang"' "$(sink_posts hang)")" -eq 2 ] || fail "expected two hung attempts"
expect_grep "webhook.hang: no answer within 1 s" "$T/bot.log"
pass "accepted-but-silent webhook: timed out, retried, all delivered in order"

wait_grep "webhook.mute: no answer within 1 s" "$T/bot.log" 10 || { cat "$T/bot.log"; fail "mute peer: no time-out"; }
wait_grep "webhook.dns: .*resolve" "$T/bot.log" 10 || { cat "$T/bot.log"; fail "DNS failure not named"; }
n_mute=$(grep -c "webhook.mute: no answer within 1 s" "$T/bot.log")
n_dns=$(grep -c "webhook.dns: .*resolve" "$T/bot.log")
[ "$n_mute" -ge 2 ] || fail "mute destination not retried ($n_mute attempts)"
[ "$n_dns" -ge 2 ] || fail "DNS destination not retried ($n_dns attempts)"
pass "never-reading peer and unresolvable host: retried ($n_mute and $n_dns failed attempts), reasons logged"

curl -s "http://127.0.0.1:$HTTPPORT/metrics" >"$T/metrics"
expect_grep '^intakebot_outbox_pending{destination="webhook.mute"} 8$' "$T/metrics"
expect_grep '^intakebot_outbox_pending{destination="webhook.dns"} 8$' "$T/metrics"
expect_grep '^intakebot_outbox_pending{destination="webhook.hang"} 0$' "$T/metrics"
PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || fail "bot stopped answering"
from consult import mm_consult
assert mm_consult(99, "one more") == 9
PY
kill -0 $BOT || fail "bot died"
pass "the failing destinations keep their 8 pending; the bot still answers"
