#!/bin/sh
# IRC benchmark (not a test): a private ngircd with its flood penalty off
# (MaxPenaltyTime = 0: otherwise ngircd stops reading any client that
# sent 256 bytes within a second, the bot's replies included, for the
# rest of that second), intakebot with its own flood control off, and in
# the same run Debian's Eggdrop answering the same command from a Tcl
# bind (putnow, so no queue; msg-rate 0, no penalties, no flood limits).
# Each bot talks to ngircd through its own wire tap that timestamps each
# command as it is written to the bot's socket and each reply as it is
# read from it.  One client sends the sequential commands to the two bots
# in turn (so both see the same load on a shared machine), then a burst
# of 100 to each.
#
# Prints, per bot: command-to-reply latency p50/p99 end to end, the
# bot-added part (from the tap; for intakebot also as end to end minus
# two ngircd hops measured with the client messaging itself), replies per
# second for the burst, and CPU per reply (on-CPU time from
# /proc/PID/schedstat over the sequential commands and the burst, divided
# by the replies); for intakebot also memory idle and at the end: Rss
# (what top shows, shared library pages included), Pss, and private
# memory (Private_Clean + Private_Dirty, what the bot costs on its own).
# The last lines are intakebot's ratios to Eggdrop.  Eggdrop refuses to
# run as root, so as root it runs as nobody (setpriv).  Without eggdrop
# installed only intakebot is measured.
set -eu
cd "$(dirname "$0")/.."
TOP=$PWD
INTAKEBOT=${INTAKEBOT:-$TOP/build/intakebot}
export INTAKEBOT
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
N=${IRC_BENCH_N:-1000}

IRCPORT=$(free_port)
TAPPORT=$(free_port)
NGIRCD_MAX_PENALTY=0
ngircd_start "$T/ngircd" "$IRCPORT"

# The tap: one connection, bytes passed on unchanged; a line's time is
# taken right after it was written to the bot (commands) or right after
# the read that completed it returned (replies).
cat >"$T/tap.py" <<'PY'
import select, socket, sys, time
lport, uport, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cmd = b" PRIVMSG " + sys.argv[4].encode() + b" :!287g"
reply = b"NOTICE " + sys.argv[5].encode() + b" :The 287"
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
            if s is srv and cmd in l:
                f.write("in %d\n" % t)
            elif s is bot and l.startswith(reply):
                f.write("out %d\n" % t)
PY
tap_start() { # LISTEN-PORT OUT BOTNICK CLIENTNICK
	python3 "$T/tap.py" "$1" "$IRCPORT" "$2" "$3" "$4" &
	track $!
	i=0
	while [ ! -e "$2.ready" ]; do
		i=$((i + 1)); [ $i -gt 100 ] && fail "tap did not start"
		sleep 0.1
	done
}
tap_start "$TAPPORT" "$T/tap.out" benchbot bencher

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

# Eggdrop, same server, through its own tap.
EGG=""
if command -v eggdrop >/dev/null 2>&1; then
	EGGPORT=$(free_port)
	tap_start "$EGGPORT" "$T/egg-tap.out" eggbench bencher
	mkdir -p "$T/egg"
	cat >"$T/egg/egg.conf" <<CONF
set mod-path "/usr/lib/eggdrop/modules/"
set help-path "/usr/share/eggdrop/help/"
set text-path "/usr/share/eggdrop/text/"
set username "egg"
set admin "bench <email: bench@example.org>"
set network "bench"
set timezone "UTC"
set nick "eggbench"
set altnick "eggbench_"
set realname "eggdrop bench"
set userfile "$T/egg/egg.user"
set chanfile "$T/egg/egg.chan"
set pidfile "$T/egg/egg.pid"
set botnet-nick "eggbench"
logfile mcobxs * "$T/egg/egg.log"
loadmodule blowfish
loadmodule channels
loadmodule server
loadmodule ctcp
loadmodule irc
set net-type 5
set servers {127.0.0.1:$EGGPORT}
set msg-rate 0
set use-penalties 0
set flood-msg 0:0
set flood-ctcp 0:0
set answer-ctcp 0
channel add #bench
proc bench_reply {nick uhost hand text} {
	putnow "NOTICE \$nick :The 287(g) program lets local police act as federal immigration agents; see the 287g page for what it means for you."
	return 1
}
bind msg - !287g bench_reply
CONF
	chmod a+x "$T"
	chmod -R a+rwX "$T/egg"
	set -- eggdrop -n -m "$T/egg/egg.conf"
	[ "$(id -u)" = 0 ] && set -- setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
	"$@" >"$T/egg/egg.out" 2>&1 &
	EGG=$!
	track $EGG
	wait_grep "eggbench joined #bench" "$T/egg/egg.out" 15 ||
		{ cat "$T/egg/egg.out"; fail "eggdrop did not join"; }
	sleep 1
fi


# The client: python3 client.py PORT N NICK BOT PID [BOT PID]; prints
# "BOT.key value" lines.
cat >"$T/client.py" <<'PY'
import socket, sys, time
port, n, me = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
bots = list(zip(sys.argv[4::2], sys.argv[5::2]))
s = socket.create_connection(("127.0.0.1", port))
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
f = s.makefile("rb")
def send(x): s.sendall(x.encode() + b"\r\n")
send("NICK " + me); send("USER b 0 * :b")
for l in f:
    if b" 001 " in l: break
def until(pred):
    for l in f:
        if l.startswith(b"PING"): s.sendall(b"PONG" + l[4:])
        if pred(l): return l
    raise EOFError
def once(msg, pred):
    t = time.perf_counter(); send(msg); until(pred)
    return (time.perf_counter() - t) * 1000
mine = me.encode()
reply = lambda l: l.startswith(b":") and b" NOTICE " + mine + b" :The 287" in l
cpu = lambda pid: int(open("/proc/%s/schedstat" % pid).read().split()[0])
pct = lambda a, p: a[min(len(a) - 1, int(len(a) * p))]
hop = sorted(once("PRIVMSG %s :self %d" % (me, i),
                  lambda l: b" PRIVMSG " + mine + b" :self" in l)
             for i in range(min(n, 100)))
c0 = {b: cpu(p) for b, p in bots}
lat = {b: [] for b, _ in bots}
for i in range(n):
    for b, _ in bots:
        lat[b].append(once("PRIVMSG %s :!287g %d" % (b, i), reply))
        time.sleep(0.002)
s.settimeout(10)
for b, pid in bots:
    a = sorted(lat[b])
    print("%s.latency_p50_ms %.3f" % (b, pct(a, 0.5)))
    print("%s.latency_p99_ms %.3f" % (b, pct(a, 0.99)))
    print("%s.hop_p50_ms %.3f" % (b, pct(hop, 0.5)))
    print("%s.hop_p99_ms %.3f" % (b, pct(hop, 0.99)))
    print("%s.hop_bot_p50_ms %.3f" % (b, max(0, pct(a, 0.5) - 2 * pct(hop, 0.5))))
    print("%s.hop_bot_p99_ms %.3f" % (b, max(0, pct(a, 0.99) - 2 * pct(hop, 0.5))))
    # Burst: k commands in one write; never wait forever (a bot may cap
    # what it queues per target).
    k, got = 100, 0
    t = time.perf_counter()
    s.sendall(b"".join(b"PRIVMSG %s :!287g\r\n" % b.encode() for _ in range(k)))
    try:
        while got < k:
            until(reply)
            got += 1
    except (socket.timeout, EOFError):
        pass
    print("%s.burst_replies %d/%d" % (b, got, k))
    print("%s.replies_per_s %.1f" % (b, got / (time.perf_counter() - t)))
    print("%s.cpu_per_reply_ms %.4f" % (b, (cpu(pid) - c0[b]) / 1e6 / (n + got)))
send("QUIT")
PY
python3 "$T/client.py" "$IRCPORT" "$N" bencher benchbot "$BOT" ${EGG:+eggbench "$EGG"} >"$T/bench.out"
set -- $(mem)
rss_end=$1 pss_end=$2 priv_end=$3
rss_peak=$(awk '/VmHWM/{print $2}' /proc/$BOT/status)

# Bot-added time from a tap file: the sequential commands, each "in"
# paired with the next "out"; prints p50 p99 max count.
tap_stats() {
	awk -v n="$N" '
	BEGIN { i = 0; o = 0 }
	$1 == "in" && i < n { tin[i++] = $2 }
	$1 == "out" && o < n { d[o] = ($2 - tin[o]) / 1e6; o++ }
	END {
		for (a = 0; a < o; a++)
			for (b = a + 1; b < o; b++)
				if (d[b] < d[a]) { x = d[a]; d[a] = d[b]; d[b] = x }
		i50 = int(o * 0.5); i99 = int(o * 0.99); if (i99 >= o) i99 = o - 1
		printf "%.3f %.3f %.3f %d\n", d[i50], d[i99], d[o - 1], o
	}' "$1"
}

set -- $(tap_stats "$T/tap.out")
tap99=$2
get() { awk -v k="benchbot.$1" '$1 == k {print $2}' "$T/bench.out"; }
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
printf '%-36s %12s\n' "CPU per reply (ms)" "$(get cpu_per_reply_ms)"
[ -n "$EGG" ] || exit 0

# Side by side with Eggdrop, measured in this run.
eget() { awk -v k="eggbench.$1" '$1 == k {print $2}' "$T/bench.out"; }
set -- $(tap_stats "$T/egg-tap.out")
etap99=$2
printf '\n%-36s %12s\n' "Eggdrop $(eggdrop -v | awk 'NR==1{print $2}')" "value"
printf '%-36s %12s\n' "latency p50 (ms, end to end)" "$(eget latency_p50_ms)"
printf '%-36s %12s\n' "latency p99 (ms, end to end)" "$(eget latency_p99_ms)"
printf '%-36s %12s\n' "bot-added p50 (ms, wire tap)" "$1"
printf '%-36s %12s\n' "bot-added p99 (ms, wire tap)" "$2"
printf '%-36s %12s\n' "burst replies" "$(eget burst_replies)"
printf '%-36s %12s\n' "replies/s (burst of 100)" "$(eget replies_per_s)"
printf '%-36s %12s\n' "CPU per reply (ms)" "$(eget cpu_per_reply_ms)"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "n/a" }'; }
printf '\n%-36s %12s\n' "intakebot / Eggdrop" "ratio"
printf '%-36s %12s\n' "CPU per reply (target <= 0.5)" \
    "$(ratio "$(get cpu_per_reply_ms)" "$(eget cpu_per_reply_ms)")"
printf '%-36s %12s\n' "latency p99 (target <= 0.8)" \
    "$(ratio "$(get latency_p99_ms)" "$(eget latency_p99_ms)")"
printf '%-36s %12s\n' "bot-added p99, wire tap" "$(ratio "$tap99" "$etap99")"
