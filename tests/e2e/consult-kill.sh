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
time.sleep(random.uniform(0.2, 1.2))
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
i=0
until PYTHONPATH="$TOP/tests/lib" python3 - "$(sink_posts staff)" "$T/acked" <<'PY'
import sys
from consult import sink_numbers
got = set(sink_numbers(sys.argv[1]))
want = set(map(int, open(sys.argv[2]).read().split()))
sys.exit(0 if want <= got else 1)
PY
do
	i=$((i + 1))
	[ $i -gt 600 ] && { tail -20 "$T/bot2.log"; fail "not all delivered within 60 s of the restart"; }
	sleep 0.1
done
PYTHONPATH="$TOP/tests/lib" python3 - "$(sink_posts staff)" "$T/acked" <<'PY' || fail "delivery check"
import sys
from consult import sink_numbers, check_delivery
got = sink_numbers(sys.argv[1])
acked = list(map(int, open(sys.argv[2]).read().split()))
rep = check_delivery(got, acked, "kill")
print("acknowledged %d, delivered %d posts, repeats %d" % (len(acked), len(got), rep))
# Only the post in flight at the kill can be sent twice.
assert rep <= 1, "more than one repeat"
PY
pass "every acknowledged request delivered in order after SIGKILL"
