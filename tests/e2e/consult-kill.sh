# 200 requests in a burst; the bot is killed with SIGKILL at a random
# moment and restarted: every request whose requester was given a number
# reaches the staff webhook, in order; a number repeats only where a
# delivery raced the kill.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"

HTTPPORT=$(free_port)
sink_start staff webhook
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
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot1.log" 2>&1 &
BOT=$!
track $BOT
wait_port "$HTTPPORT" 10 || { cat "$T/bot1.log"; fail "no HTTP listener"; }

# Eight clients send 25 requests each; the bot dies somewhere in there.
PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - "$T/acked" "$BOT" <<'PY'
import os, random, signal, sys, threading, time
from consult import mm_consult
acked, lock = [], threading.Lock()
def client(k):
    for j in range(25):
        n = k * 25 + j
        try:
            num = mm_consult(n, "burst request %d" % n)
        except Exception:
            num = None
        if num:
            with lock:
                acked.append(num)
ts = [threading.Thread(target=client, args=(k,)) for k in range(8)]
for t in ts:
    t.start()
time.sleep(random.uniform(0.05, 0.35))
os.kill(int(sys.argv[2]), signal.SIGKILL)
for t in ts:
    t.join()
open(sys.argv[1], "w").write(" ".join(map(str, sorted(acked))))
print("acknowledged before the kill:", len(acked))
PY
[ -s "$T/acked" ] || fail "no request was acknowledged before the kill"
before=$(sink_count staff)
echo "sink had $before posts at the kill"

"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot2.log" 2>&1 &
track $!
wait_port "$HTTPPORT" 10 || { cat "$T/bot2.log"; fail "restart failed"; }
# Only the post in flight at the kill may be sent twice.
PYTHONPATH="$TOP/tests/lib" python3 "$TOP/tests/lib/consult.py" verify \
	"$(sink_posts staff)" "$T/acked" 60 1 kill ||
	{ tail -20 "$T/bot2.log"; fail "delivery after the restart"; }
pass "every acknowledged request delivered in order after SIGKILL"
