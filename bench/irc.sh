#!/bin/sh
# IRC benchmark (not a test): a private ngircd with its flood penalty off
# (MaxPenaltyTime = 0: otherwise ngircd stops reading any client that
# sent 256 bytes within a second, the bot's replies included, for the
# rest of that second), the bot with its own flood control off, one
# client, and between the bot and ngircd a wire tap that timestamps each
# command as it is written to the bot's socket and each reply as it is
# read from it.
#
# Prints command-to-reply latency p50/p99 end to end, the bot-added part
# twice (from the tap, and as end to end minus two ngircd hops measured
# with the client messaging itself), replies per second for a burst of
# private commands, and the bot's memory idle and at the end: Rss (what
# top shows, shared library pages included), Pss, and private memory
# (Private_Clean + Private_Dirty, what the bot costs on its own).
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
INTAKEBOT=${INTAKEBOT:-$TOP/build/intakebot}
export INTAKEBOT
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
N=${IRC_BENCH_N:-300}

IRCPORT=$(free_port)
TAPPORT=$(free_port)
NGIRCD_MAX_PENALTY=0
ngircd_start "$T/ngircd" "$IRCPORT"

# The tap: one connection, bytes passed on unchanged; a line's time is
# taken right after it was written to the bot (commands) or right after
# the read that completed it returned (replies).
python3 - "$TAPPORT" "$IRCPORT" "$T/tap.out" <<'PY' &
import select, socket, sys, time
lport, uport, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", lport)); ls.listen(1)
open(out + ".ready", "w").close()
bot, _ = ls.accept(); ls.close()
srv = socket.create_connection(("127.0.0.1", uport))
for s in (bot, srv):
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = open(out, "w", buffering=1)
pend = {bot: b"", srv: b""}
peer = {bot: srv, srv: bot}
while True:
    r, _, _ = select.select([bot, srv], [], [])
    for s in r:
        d = s.recv(65536)
        if not d:
            sys.exit(0)
        if s is bot:
            t = time.perf_counter_ns()
            peer[s].sendall(d)
        else:
            peer[s].sendall(d)
            t = time.perf_counter_ns()
        buf = pend[s] + d
        *lines, pend[s] = buf.split(b"\n")
        for l in lines:
            if s is srv and b" PRIVMSG benchbot :!287g" in l:
                f.write("in %d\n" % t)
            elif s is bot and l.startswith(b"NOTICE bencher :The 287"):
                f.write("out %d\n" % t)
PY
track $!
i=0
while [ ! -e "$T/tap.out.ready" ]; do
	i=$((i + 1)); [ $i -gt 100 ] && fail "tap did not start"
	sleep 0.1
done

mkdir -p "$T/data"
cat >"$T/bot.conf" <<CONF
[bot]
nick = benchbot
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $TAPPORT
channels = #bench
flood_rate = 0
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "joined #bench" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join"; }
sleep 1
# smaps_rollup: Rss, Pss, and Private_Clean + Private_Dirty, in KiB.
mem() {
	awk '/^Rss:/{r=$2} /^Pss:/{p=$2} /^Private_(Clean|Dirty):/{v+=$2}
	    END{print r, p, v}' "/proc/$BOT/smaps_rollup"
}
set -- $(mem)
rss_idle=$1 pss_idle=$2 priv_idle=$3

python3 - "$IRCPORT" "$N" >"$T/bench.out" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
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
        time.sleep(0.005)
    return sorted(out)
hop = timed("PRIVMSG bencher :self %d", lambda l: b" PRIVMSG bencher :self" in l, min(n, 100))
lat = timed("PRIVMSG benchbot :!287g %d", lambda l: b"NOTICE bencher :The 287" in l, n)
pct = lambda a, p: a[min(len(a) - 1, int(len(a) * p))]
base = 2 * pct(hop, 0.5)
print("latency_p50_ms %.3f" % pct(lat, 0.5))
print("latency_p99_ms %.3f" % pct(lat, 0.99))
print("hop_p50_ms %.3f" % pct(hop, 0.5))
print("hop_p99_ms %.3f" % pct(hop, 0.99))
print("hop_bot_p50_ms %.3f" % max(0, pct(lat, 0.5) - base))
print("hop_bot_p99_ms %.3f" % max(0, pct(lat, 0.99) - base))
# Burst: k commands in one write, count replies (never wait forever: the
# bot caps what it queues per target).
k = 100
s.settimeout(10)
t = time.perf_counter()
s.sendall(b"".join(b"PRIVMSG benchbot :!287g\r\n" for _ in range(k)))
got = 0
try:
    while got < k:
        until(lambda l: b"NOTICE bencher :The 287" in l)
        got += 1
except (socket.timeout, TypeError):
    pass
print("burst_replies %d/%d" % (got, k))
print("replies_per_s %.1f" % (got / (time.perf_counter() - t)))
send("QUIT")
PY
set -- $(mem)
rss_end=$1 pss_end=$2 priv_end=$3
rss_peak=$(awk '/VmHWM/{print $2}' /proc/$BOT/status)

# Bot-added time from the tap: the sequential commands, each "in" paired
# with the next "out".
tap=$(awk -v n="$N" '
	BEGIN { i = 0; o = 0 }
	$1 == "in" && i < n { tin[i++] = $2 }
	$1 == "out" && o < n { d[o] = ($2 - tin[o]) / 1e6; o++ }
	END {
		for (a = 0; a < o; a++)
			for (b = a + 1; b < o; b++)
				if (d[b] < d[a]) { x = d[a]; d[a] = d[b]; d[b] = x }
		i50 = int(o * 0.5); i99 = int(o * 0.99); if (i99 >= o) i99 = o - 1
		printf "%.3f %.3f %.3f %d\n", d[i50], d[i99], d[o - 1], o
	}' "$T/tap.out")
set -- $tap
get() { awk -v k="$1" '$1 == k {print $2}' "$T/bench.out"; }
printf '%-36s %12s\n' "metric" "value"
printf '%-36s %12s\n' "commands (sequential)" "$N"
printf '%-36s %12s\n' "latency p50 (ms, end to end)" "$(get latency_p50_ms)"
printf '%-36s %12s\n' "latency p99 (ms, end to end)" "$(get latency_p99_ms)"
printf '%-36s %12s\n' "bot-added p50 (ms, wire tap)" "$1"
printf '%-36s %12s\n' "bot-added p99 (ms, wire tap)" "$2"
printf '%-36s %12s\n' "bot-added max (ms, wire tap)" "$3"
printf '%-36s %12s\n' "ngircd hop p50 (ms)" "$(get hop_p50_ms)"
printf '%-36s %12s\n' "ngircd hop p99 (ms)" "$(get hop_p99_ms)"
printf '%-36s %12s\n' "bot-added p50 (ms, minus 2 hops)" "$(get hop_bot_p50_ms)"
printf '%-36s %12s\n' "bot-added p99 (ms, minus 2 hops)" "$(get hop_bot_p99_ms)"
printf '%-36s %12s\n' "burst replies" "$(get burst_replies)"
printf '%-36s %12s\n' "replies/s (burst of 100)" "$(get replies_per_s)"
printf '%-36s %12s\n' "RSS idle (KiB)" "$rss_idle"
printf '%-36s %12s\n' "RSS end (KiB)" "$rss_end"
printf '%-36s %12s\n' "RSS peak (KiB)" "$rss_peak"
printf '%-36s %12s\n' "Pss idle / end (KiB)" "$pss_idle / $pss_end"
printf '%-36s %12s\n' "private idle / end (KiB)" "$priv_idle / $priv_end"
