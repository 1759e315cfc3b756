#!/bin/sh
# Soak (not a test, not in `make bench`: about 10 minutes): one bot under
# steady load from three sides at once, against a real ngircd (flood
# penalty off) and two local staff webhooks that go down at random times:
#   300,000 IRC commands (private !topic lookups from 4 clients),
#   100,000 webhook requests (Mattermost slash commands, keep-alive),
#   5,000 consultation requests (one per user), while each staff webhook
#   answers 503 for 5-20 s at random moments.
# Prints the bot's RSS, open file descriptors and database size at the
# start, every minute, and at the end, and the requests lost: numbers
# acknowledged to a requester that did not reach both staff webhooks
# after the load stops (must be 0).
# SOAK_SCALE=0.2 runs a fifth of every count in a fifth of the time (a
# shorter run, labelled as such in the output); SOAK_IRC, SOAK_HTTP and
# SOAK_CONSULT set one count (e.g. SOAK_CONSULT=0: is memory flat when
# the database does not grow?).
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
INTAKEBOT=${INTAKEBOT:-$TOP/build/intakebot}
export INTAKEBOT TOP
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
. "$TOP/tests/lib/sink.sh"
SCALE=${SOAK_SCALE:-1}
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

IRCPORT=$(free_port)
HTTPPORT=$(free_port)
NGIRCD_MAX_PENALTY=0
ngircd_start "$T/ngircd" "$IRCPORT"
sink_start a webhook
A=$SINK_PORT
sink_start b webhook
B=$SINK_PORT
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #help
flood_rate = 0
[http]
listen = 127.0.0.1:$HTTPPORT
max_connections = 64
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
[webhook.a]
staff_webhook_url = http://127.0.0.1:$A/hooks/a
staff_backoff_max = 2
rate_per_minute = 6000
[webhook.b]
staff_webhook_url = http://127.0.0.1:$B/hooks/b
staff_backoff_max = 2
rate_per_minute = 6000
[consult]
intake = oneline
rate_per_minute = 100000
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "registered as" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot not on IRC"; }
wait_port "$HTTPPORT" 10 || fail "no HTTP listener"

python3 - "$IRCPORT" "$HTTPPORT" "$BOT" "$T" "$SCALE" "$A" "$B" <<'PY'
import http.client, json, os, random, re, select, socket, sys, threading, time, urllib.parse
sys.path.insert(0, os.path.join(os.environ["TOP"], "tests/lib"))
from consult import sink_numbers, SLASH_TOKEN, FORM

ircport, httpport, pid, T, scale = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
sinks = {"a": int(sys.argv[6]), "b": int(sys.argv[7])}
N_IRC = int(os.environ.get("SOAK_IRC", 300000 * scale))
N_HTTP = int(os.environ.get("SOAK_HTTP", 100000 * scale))
N_CONSULT = int(os.environ.get("SOAK_CONSULT", 5000 * scale))
DURATION = 600 * scale
TOPICS = ["287g", "daca", "tps", "asylum", "help"]
stop = threading.Event()
count = {"irc_sent": 0, "irc_replies": 0, "http": 0, "http_err": 0, "consult": 0, "refused": 0, "outages": 0}
acked, lock = [], threading.Lock()

def sample():
    fds = len(os.listdir("/proc/%d/fd" % pid))
    rss = 0
    for ln in open("/proc/%d/status" % pid):
        if ln.startswith("VmRSS:"):
            rss = int(ln.split()[1])
    db = sum(os.path.getsize(os.path.join(T, "data", f)) for f in os.listdir(os.path.join(T, "data")))
    return rss, fds, db

def show(label):
    rss, fds, db = sample()
    print("%-8s RSS %6d kB  fds %3d  db %8d B  irc %d/%d  http %d  consults %d (refused %d)  outages %d"
          % (label, rss, fds, db, count["irc_sent"], count["irc_replies"], count["http"],
             count["consult"], count["refused"], count["outages"]), flush=True)
    return rss, fds, db

def irc_client(k, n):
    """Sends n private commands at an even pace, at most 64 unanswered."""
    s = socket.create_connection(("127.0.0.1", ircport))
    nick = "soak%d" % k
    s.sendall(("NICK %s\r\nUSER %s 0 * :soak\r\n" % (nick, nick)).encode())
    buf, sent, out, welcomed = b"", 0, 0, False
    t0 = None
    while not stop.is_set():
        r, _, _ = select.select([s], [], [], 0.01)
        if r:
            d = s.recv(65536)
            if not d:
                break
            buf += d
            while b"\r\n" in buf:
                ln, buf = buf.split(b"\r\n", 1)
                if ln.startswith(b"PING"):
                    s.sendall(b"PONG" + ln[4:] + b"\r\n")
                elif b" 001 " in ln:
                    welcomed = True
                    t0 = time.time()
                elif b"NOTICE " + nick.encode() in ln or b"PRIVMSG " + nick.encode() in ln:
                    if ln.startswith(b":intakebot!"):
                        out = max(0, out - 1)
                        with lock:
                            count["irc_replies"] += 1
        if not welcomed or sent >= n:
            if sent >= n and out == 0:
                break
            continue
        due = int((time.time() - t0) / DURATION * n) + 1
        while sent < min(due, n) and out < 64:
            s.sendall(("PRIVMSG intakebot :!%s\r\n" % TOPICS[sent % len(TOPICS)]).encode())
            sent += 1
            out += 1
            with lock:
                count["irc_sent"] += 1
    s.close()

def slash(c, user, text, trig):
    body = urllib.parse.urlencode({
        "token": SLASH_TOKEN, "team_id": "t1", "team_domain": "community",
        "channel_id": "c1", "channel_name": "town-square",
        "user_id": user, "user_name": user, "command": "/intake",
        "text": text, "trigger_id": trig,
        "response_url": "http://127.0.0.1:9/hooks/commands/x"})
    c.request("POST", "/hooks/mattermost", body, {"Content-Type": FORM})
    r = c.getresponse()
    return r.status, r.read()

def http_client(k, n, consults):
    c = http.client.HTTPConnection("127.0.0.1", httpport, timeout=30)
    t0 = time.time()
    total = n + len(consults)
    order = [None] * n + list(consults)
    random.Random(k).shuffle(order)
    for i, u in enumerate(order):
        if stop.is_set():
            break
        due = t0 + i * DURATION / total
        if due > time.time():
            time.sleep(due - time.time())
        for attempt in (1, 2):
            try:
                if u is None:
                    st, _ = slash(c, "h%d-%d" % (k, i % 50), TOPICS[i % len(TOPICS)], "t%d-%d" % (k, i))
                    with lock:
                        count["http" if st == 200 else "http_err"] += 1
                else:
                    st, data = slash(c, "c%06d" % u, "consult soak request %d" % u, "k%06d" % u)
                    t = json.loads(data).get("text", "") if st == 200 else ""
                    m = re.search(r"request is \*\*#(\d+)\*\*", t)
                    with lock:
                        if m:
                            acked.append(int(m.group(1)))
                            count["consult"] += 1
                        else:
                            count["refused"] += 1
                break
            except (OSError, http.client.HTTPException):
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", httpport, timeout=30)

def outages():
    """Each staff webhook goes down (503) for 5-20 s at random moments."""
    rnd = random.Random(7)
    while not stop.wait(rnd.uniform(20, 60) * max(scale, 0.2)):
        name = rnd.choice(list(sinks))
        def setmode(mode):
            c = http.client.HTTPConnection("127.0.0.1", sinks[name], timeout=10)
            c.request("POST", "/_sink/modes", mode)
            c.getresponse().read()
            c.close()
        setmode("status 503")
        with lock:
            count["outages"] += 1
        stop.wait(rnd.uniform(5, 20))
        setmode("ok")

print("soak: %d IRC commands, %d webhook requests, %d consultation requests over ~%d s%s"
      % (N_IRC, N_HTTP, N_CONSULT, DURATION, "" if scale == 1 and (N_IRC, N_HTTP, N_CONSULT) == (300000, 100000, 5000) else "  (SCALED RUN: SOAK_SCALE=%g)" % scale), flush=True)
time.sleep(2)
start = show("start")
threads = [threading.Thread(target=irc_client, args=(k, N_IRC // 4)) for k in range(4)]
per = [list(range(j, N_CONSULT, 4)) for j in range(4)]
threads += [threading.Thread(target=http_client, args=(k, N_HTTP // 4, per[k])) for k in range(4)]
out_t = threading.Thread(target=outages, daemon=True)
for t in threads:
    t.start()
out_t.start()
t0 = time.time()
every = min(60, max(10, DURATION / 10))
next_show = t0 + every
while any(t.is_alive() for t in threads):
    time.sleep(0.5)
    if time.time() >= next_show:
        show("%3d s" % int(time.time() - t0))
        next_show += every
    if time.time() - t0 > DURATION * 2 + 120:
        print("load did not finish in time: stopping it", flush=True)
        break
stop.set()
for t in threads:
    t.join(60)
print("load done after %d s; waiting for the outbox to drain" % int(time.time() - t0), flush=True)
end_wait = time.time() + 180
lost = None
while time.time() < end_wait:
    got = {n: set(sink_numbers(os.path.join(T, "sink-" + n, "posts.jsonl"))) for n in sinks}
    lost = {n: sorted(set(acked) - got[n]) for n in sinks}
    if not any(lost.values()):
        break
    time.sleep(1)
end = show("end")
nlost = len(set().union(*lost.values()))
print("RSS start %d kB end %d kB; fds start %d end %d; db start %d B end %d B"
      % (start[0], end[0], start[1], end[1], start[2], end[2]))
print("consultation requests acknowledged %d, refused %d, lost %d%s"
      % (len(acked), count["refused"], nlost, "" if not nlost else " %s" % {n: v[:10] for n, v in lost.items()}))
print("IRC commands sent %d, reply lines read %d; webhook requests answered %d, errors %d; staff outages %d"
      % (count["irc_sent"], count["irc_replies"], count["http"], count["http_err"], count["outages"]))
sys.exit(1 if nlost else 0)
PY
