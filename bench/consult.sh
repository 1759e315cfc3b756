#!/bin/sh
# Consultation intake benchmark: durable intakes per second through the
# Mattermost slash-command route (token verified, validated, committed to
# SQLite with synchronous=FULL before the answer), measured with wrk; then
# the delay from the acknowledgement to the staff webhook (a local sink),
# over sequential requests.  Target: at least 1000 intakes/s.
#   DURATION=10 CONNS=20 sh bench/consult.sh
set -eu
cd "$(dirname "$0")/.."
BIN=${INTAKEBOT:-build/intakebot}
DURATION=${DURATION:-10}
CONNS=${CONNS:-20}
command -v wrk >/dev/null || { echo "bench/consult.sh: wrk is not installed" >&2; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/intakebot-bench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	sleep 0.3
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
PORT=$(free_port)
mkdir -p "$T/sink"
python3 tests/lib/sink.py --dir "$T/sink" --platform mattermost 2>/dev/null &
PIDS="$PIDS $!"
i=0
while [ ! -s "$T/sink/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
SINK=$(cat "$T/sink/port")
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $PWD/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
staff_webhook_url = http://127.0.0.1:$SINK/hooks/staff
rate_per_minute = 6000
[consult]
intake = oneline
cooldown = 0
rate_per_minute = 10000000
EOC
"$BIN" -c "$T/bot.conf" 2>"$T/bot.log" &
BOT=$!
PIDS="$PIDS $BOT"
python3 - "$PORT" <<'PY' || { cat "$T/bot.log" >&2; exit 1; }
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
cat >"$T/consult.lua" <<'EOL'
local n = 0
local tid = 0
function setup(thread)
	tid = tid + 1
	thread:set("tid", tid)
end
function request()
	n = n + 1
	local id = string.format("t%dn%d", tid, n)
	local body = "token=s1ashtokens1ashtokens1asht&team_id=t&team_domain=d" ..
	    "&channel_id=c&channel_name=town-square&user_id=" .. id ..
	    "&user_name=" .. id .. "&command=%2Fintake&text=consult+bench+request+" ..
	    id .. "&trigger_id=" .. id
	return wrk.format("POST", "/hooks/mattermost",
	    { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
function response(status, headers, body)
	if status ~= 200 or not string.find(body, "request is", 1, true) then
		wrk.thread:stop()
	end
end
EOL
wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -s "$T/consult.lua" \
	"http://127.0.0.1:$PORT" >"$T/wrk.out"
rps=$(awk '/^Requests\/sec/ {print $2}' "$T/wrk.out")
p99=$(awk '$1 == "99%" {print $2}' "$T/wrk.out")
stored=$(sqlite3 "$T/data/intakebot.db" 'select count(*) from consults' 2>/dev/null || echo "?")
rss=$(awk '/VmHWM/ {print $2 " " $3}' "/proc/$BOT/status")

# Acknowledgement-to-sink delay, one request at a time once the backlog
# of the burst has drained.
i=0
while [ "$(sqlite3 "$T/data/intakebot.db" 'select count(*) from outbox where state = 0' 2>/dev/null || echo 1)" != 0 ] &&
    [ $i -lt 1200 ]; do sleep 0.5; i=$((i + 1)); done
lat=$(PORT=$PORT PYTHONPATH=tests/lib python3 - "$T/sink/posts.jsonl" <<'PY'
import json, os, sys, time
from consult import mm_consult
acks = {}
for i in range(50):
    n = mm_consult(900000 + i, "latency %d" % i)
    acks[n] = time.time()
    time.sleep(0.05)
time.sleep(2)
seen = {}
for l in open(sys.argv[1]):
    r = json.loads(l)
    for tok in r["body"].split("[consult #")[1:]:
        n = int(tok.split("]")[0])
        if n in acks and n not in seen:
            seen[n] = r["t"]
d = sorted((seen[n] - acks[n]) * 1000 for n in acks if n in seen)
print("%.1f ms p50, %.1f ms max, %d/%d delivered" % (d[len(d) // 2], d[-1], len(d), len(acks)))
PY
)
printf '%-34s %s\n' "durable intakes/s (wrk, $CONNS conns)" "$rps"
printf '%-34s %s\n' "intake p99 latency" "$p99"
printf '%-34s %s\n' "requests stored" "$stored"
printf '%-34s %s\n' "bot peak RSS" "$rss"
printf '%-34s %s\n' "ack -> staff webhook delay" "$lat"
