#!/bin/sh
# The HTTP listener under stress: a 70 KiB body refused with 413 (with a
# Content-Length and chunked), a client sending one byte a second does not
# delay anyone else, 200 concurrent requests are all answered, /healthz and
# /metrics say what they should, and a port already in use is fatal at
# start-up with a clear message.
. "$TOP/tests/lib/common.sh"
PORT=$(free_port)
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
max_connections = 400
[mattermost]
path = /hooks/mattermost
token = xr3j5x3p4pfk7kttbd6ewqchoe
EOC
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "limit checks"; }
import json, socket, threading, time
from webhook import *

P = "/hooks/mattermost"
FORM = "application/x-www-form-urlencoded"
GOOD = fixture("mattermost-outgoing.form")

big = b"token=xr3j5x3p4pfk7kttbd6ewqchoe&text=" + b"x" * (70 * 1024)
expect_status(post(P, big, FORM), 413, "70 KiB body: 413")

# Chunked: no Content-Length to refuse early, the cap still holds.
s = socket.create_connection(("127.0.0.1", PORT), timeout=10)
s.sendall(b"POST " + P.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode() +
          b"\r\nTransfer-Encoding: chunked\r\n\r\n")
try:
    for i in range(0, len(big), 8192):
        part = big[i:i + 8192]
        s.sendall(b"%x\r\n" % len(part) + part + b"\r\n")
    s.sendall(b"0\r\n\r\n")
except OSError:
    pass    # the server may answer and close before the end
resp = b""
try:
    while b"\r\n\r\n" not in resp:
        chunk = s.recv(4096)
        if not chunk:
            break
        resp += chunk
except OSError:
    pass
s.close()
check(resp.startswith(b"HTTP/1.1 413"), "70 KiB chunked body: 413", resp[:80])

# A slow client: headers, then one body byte a second.
slow_done = []
def slow():
    body = GOOD
    c = socket.create_connection(("127.0.0.1", PORT), timeout=30)
    c.sendall(b"POST " + P.encode() + b" HTTP/1.1\r\nHost: x\r\nContent-Type: " + FORM.encode() +
              b"\r\nContent-Length: %d\r\n\r\n" % len(body))
    for i in range(6):
        c.sendall(body[i:i + 1]); time.sleep(1)
    c.sendall(body[6:])
    slow_done.append(c.recv(65536)[:12])
    c.close()
t = threading.Thread(target=slow); t.start()
time.sleep(1.5)
worst = 0.0
for i in range(20):
    t0 = time.time()
    expect_status(post(P, GOOD.replace(b"post_id=qn95", b"post_id=f%03d" % i), FORM), 200, "request %d beside the slow client" % i) if i == 0 else \
        post(P, GOOD.replace(b"post_id=qn95", b"post_id=f%03d" % i), FORM)
    worst = max(worst, time.time() - t0)
check(worst < 1.0, "slow client delays nobody (worst %.3f s)" % worst)
check(t.is_alive(), "slow client still sending meanwhile")
t.join(20)
check(slow_done and slow_done[0].startswith(b"HTTP/1.1 200"), "slow client answered too", slow_done)

# 200 concurrent requests, each on its own connection.
results = [None] * 200
def one(i):
    try:
        st, _, b = post(P, GOOD.replace(b"post_id=qn95", b"post_id=c%03d" % i), FORM)
        results[i] = (st, json.loads(b)["response_type"])
    except Exception as e:
        results[i] = repr(e)
start = threading.Barrier(200, timeout=10)
def go(i):
    try:
        start.wait()
    except threading.BrokenBarrierError:
        pass
    one(i)
ths = [threading.Thread(target=go, args=(i,)) for i in range(200)]
for x in ths: x.start()
for x in ths: x.join(30)
bad = [r for r in results if r != (200, "in_channel")]
check(not bad, "200 concurrent requests all answered", bad[:5])

# Health and metrics.
st, h, b = request("GET", "/healthz")
d = json.loads(b)
check(st == 200 and d["status"] == "ok" and d["adapters"]["http"] == "listening"
      and d["adapters"]["mattermost"] == "ready", "/healthz", d)
st, h, b = request("GET", "/metrics")
text = b.decode()
check(st == 200 and h["content-type"].startswith("text/plain"), "/metrics is text", h)
check("# TYPE intakebot_http_requests_total counter" in text, "/metrics has types")
n = metric("intakebot_http_requests_total", 'route="mattermost",status="200"')
check(n >= 221, "/metrics counts requests by route and status (%d)" % n)
check(metric("intakebot_http_requests_total", 'route="mattermost",status="413"') == 2, "/metrics counts 413s")
# Each family's series are together, as the exposition format requires.
names = [l.split("{")[0].split(" ")[0] for l in text.splitlines() if l and not l.startswith("#")]
seen = []
for nm in names:
    if seen and seen[-1] == nm: continue
    check(nm not in seen, "family %s in one group" % nm); seen.append(nm)
st, h, b = request("HEAD", "/healthz")
check(st == 200 and b == b"", "HEAD /healthz")
PY

# A second bot on the same port must fail at start-up, saying why.
sed "s/^data_dir = .*/data_dir = $(echo "$T" | sed 's/[\/&]/\\&/g')\/data2/" "$T/bot.conf" >"$T/bot2.conf"
if timeout 10 "$INTAKEBOT" -c "$T/bot2.conf" >"$T/bot2.log" 2>&1; then
	fail "a second listener on the same port started"
fi
expect_grep "cannot start the HTTP listener on 127.0.0.1:$PORT" "$T/bot2.log"
kill -0 $BOT || fail "the first bot died"
pass "http limits"
