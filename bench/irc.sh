#!/bin/sh
# IRC benchmark (not a test): a private ngircd, the bot with its flood
# control off, and one client.  Prints command-to-reply latency p50/p99
# (and the bot-added part: minus two hops through ngircd, measured with
# the client messaging itself), replies per second for a burst of private
# commands, and the bot's RSS idle and peak.
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
INTAKEBOT=${INTAKEBOT:-$TOP/build/intakebot}
export INTAKEBOT
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
N=${IRC_BENCH_N:-300}

IRCPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
mkdir -p "$T/data"
cat >"$T/bot.conf" <<CONF
[bot]
nick = benchbot
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #bench
flood_rate = 0
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "joined #bench" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join"; }
sleep 1
rss_idle=$(awk '/VmRSS/{print $2}' /proc/$BOT/status)

python3 - "$IRCPORT" "$N" >"$T/bench.out" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
f = s.makefile("rb")
def send(x): s.sendall(x.encode() + b"\r\n")
send("NICK bencher"); send("USER b 0 * :b")
for l in f:
    if b" 001 " in l: break
def until(pred):
    for l in f:
        if l.startswith(b"PING"): s.sendall(b"PONG" + l[4:])
        if pred(l): return l
def timed(msg, pred, k):
    out = []
    for i in range(k):
        t = time.perf_counter(); send(msg % i); until(pred)
        out.append((time.perf_counter() - t) * 1000)
        time.sleep(0.02)     # stay clear of ngircd's input penalty
    return sorted(out)
hop = timed("PRIVMSG bencher :self %d", lambda l: b" PRIVMSG bencher :self" in l, min(n, 100))
lat = timed("PRIVMSG benchbot :!287g %d", lambda l: b"NOTICE bencher :The 287" in l, n)
pct = lambda a, p: a[min(len(a) - 1, int(len(a) * p))]
base = 2 * pct(hop, 0.5)
print("latency_p50_ms %.3f" % pct(lat, 0.5))
print("latency_p99_ms %.3f" % pct(lat, 0.99))
print("hop_p50_ms %.3f" % pct(hop, 0.5))
print("bot_added_p50_ms %.3f" % max(0, pct(lat, 0.5) - base))
print("bot_added_p99_ms %.3f" % max(0, pct(lat, 0.99) - base))
# Burst: 100 commands in one write, count replies.
k = 100
t = time.perf_counter()
s.sendall(b"".join(b"PRIVMSG benchbot :!287g\r\n" for _ in range(k)))
got = 0
while got < k:
    l = until(lambda l: b"NOTICE bencher :The 287" in l)
    got += 1
print("replies_per_s %.1f" % (k / (time.perf_counter() - t)))
send("QUIT")
PY
rss_peak=$(awk '/VmHWM/{print $2}' /proc/$BOT/status)
get() { awk -v k="$1" '$1 == k {print $2}' "$T/bench.out"; }
printf '%-32s %12s\n' "metric" "value"
printf '%-32s %12s\n' "commands (sequential)" "$N"
printf '%-32s %12s\n' "latency p50 (ms, end to end)" "$(get latency_p50_ms)"
printf '%-32s %12s\n' "latency p99 (ms, end to end)" "$(get latency_p99_ms)"
printf '%-32s %12s\n' "ngircd hop p50 (ms)" "$(get hop_p50_ms)"
printf '%-32s %12s\n' "bot-added p50 (ms)" "$(get bot_added_p50_ms)"
printf '%-32s %12s\n' "bot-added p99 (ms)" "$(get bot_added_p99_ms)"
printf '%-32s %12s\n' "replies/s (burst of 100)" "$(get replies_per_s)"
printf '%-32s %12s\n' "RSS idle (KiB)" "$rss_idle"
printf '%-32s %12s\n' "RSS peak (KiB)" "$rss_peak"
