#!/bin/sh
# HTTP benchmark: wrk against a Mattermost outgoing-webhook request for
# !287g (token verified, routed, rendered) on the bot, and in the same run
# against nginx serving a fixed JSON answer on loopback.  Prints requests
# per second, p99 latency, the ratio to nginx (target >= 0.8) and the
# bot's RSS under load.  Both servers get one core's worth of work: the
# bot is single-threaded, nginx runs one worker.  With two CPUs or more
# each server is pinned to CPU 0 and wrk to CPU 1 (PIN=0: no pinning):
# left to the scheduler, server and wrk sometimes share a CPU and the
# numbers of either server swing by a third from run to run.
#   DURATION=10 CONNS=50 THREADS=2 sh bench/http.sh
set -eu
cd "$(dirname "$0")/.."
BIN=${INTAKEBOT:-build/intakebot}
DURATION=${DURATION:-10}
CONNS=${CONNS:-20}
THREADS=${THREADS:-1}
command -v wrk >/dev/null || { echo "bench/http.sh: wrk is not installed" >&2; exit 1; }
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || { echo "bench/http.sh: nginx is not installed" >&2; exit 1; }
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
SRV_PIN=""
WRK_PIN=""
if [ "${PIN:-1}" != 0 ] && command -v taskset >/dev/null &&
    [ "$(nproc 2>/dev/null || echo 1)" -ge 2 ]; then
	SRV_PIN="taskset -c 0"
	WRK_PIN="taskset -c 1"
fi
T=$(mktemp -d "${TMPDIR:-/tmp}/intakebot-bench.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	[ -f "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null || true
	sleep 0.2
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}
wait_port() {
	python3 - "$1" <<'PY'
import socket, sys, time
end = time.time() + 10
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

BPORT=$(free_port)
NPORT=$(free_port)
TOKEN=xr3j5x3p4pfk7kttbd6ewqchoe
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $PWD/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$BPORT
max_connections = 512
[mattermost]
path = /hooks/mattermost
token = $TOKEN
EOC
$SRV_PIN "$BIN" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
PIDS="$PIDS $BOT"
wait_port "$BPORT" || { cat "$T/bot.log"; echo "bot did not start" >&2; exit 1; }

# The same answer the bot gives, served by nginx as a fixed file.
BODY='token='$TOKEN'&team_id=4gsm5h5bsbfqiezr4ugz6t8tah&team_domain=community&channel_id=7y9yrgi3s3nyzpiojztgxhqdxr&channel_name=town-square&timestamp=1764332580&user_id=ywn1ok4ykjnx7ycgcfbeqxkuye&user_name=maria&post_id=qn95y9h5a7fcpe4qmhgxgbz1tw&text=%21287g&trigger_word=%21287g&file_ids='
curl -s -X POST -H 'Content-Type: application/x-www-form-urlencoded' \
    --data-binary "$BODY" "http://127.0.0.1:$BPORT/hooks/mattermost" >"$T/answer.json"
grep -q '287(g)' "$T/answer.json" || { echo "bot gave no answer" >&2; cat "$T/bot.log"; exit 1; }
mkdir -p "$T/www" "$T/nginx-tmp"
cp "$T/answer.json" "$T/www/answer.json"
cat >"$T/nginx.conf" <<EOC
worker_processes 1;
pid $T/nginx.pid;
error_log $T/nginx-error.log;
daemon on;
events { worker_connections 1024; }
http {
	access_log off;
	# nginx closes a keep-alive connection after 1000 requests by
	# default; the bot never does, so neither side reconnects here.
	keepalive_requests 100000000;
	client_body_temp_path $T/nginx-tmp;
	proxy_temp_path $T/nginx-tmp;
	fastcgi_temp_path $T/nginx-tmp;
	uwsgi_temp_path $T/nginx-tmp;
	scgi_temp_path $T/nginx-tmp;
	server {
		listen 127.0.0.1:$NPORT;
		root $T/www;
		# POST to a static file is 405 in nginx: answer inline instead.
		location / {
			default_type application/json;
			return 200 '$(cat "$T/answer.json" | sed "s/'/\\\\'/g")';
		}
	}
}
EOC
$SRV_PIN "$NGINX" -c "$T/nginx.conf" -p "$T" 2>"$T/nginx.out" || { cat "$T/nginx.out"; exit 1; }
wait_port "$NPORT" || { echo "nginx did not start" >&2; exit 1; }

# Every request carries its own post_id, so each one is verified, parsed
# and routed (a repeated id would be answered from the replay cache).
PRE=$(printf '%s' "$BODY" | sed 's/post_id=[a-z0-9]*/post_id=/; s/&text=.*//')
POST='&text=%21287g&trigger_word=%21287g&file_ids='
cat >"$T/post.lua" <<EOC
local threads = 0
function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end
local n = 0
function request()
	n = n + 1
	return wrk.format("POST", nil,
	    { ["Content-Type"] = "application/x-www-form-urlencoded" },
	    "$PRE" .. "b" .. tid .. "n" .. n .. "$POST")
end
EOC

run_wrk() { # URL OUT
	$WRK_PIN wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$T/post.lua" "$1" >"$2" 2>&1
}
rss_sampler() {
	max=0
	while kill -0 "$BOT" 2>/dev/null && [ ! -f "$T/stop" ]; do
		r=$(awk '/VmRSS/ {print $2}' /proc/$BOT/status 2>/dev/null || echo 0)
		[ "${r:-0}" -gt "$max" ] && max=$r
		echo "$max" >"$T/rss"
		sleep 0.2
	done
}
rss_sampler &
SAMPLER=$!
PIDS="$PIDS $SAMPLER"
run_wrk "http://127.0.0.1:$BPORT/hooks/mattermost" "$T/wrk-bot.txt"
touch "$T/stop"
run_wrk "http://127.0.0.1:$NPORT/hooks/mattermost" "$T/wrk-nginx.txt"

rps() { awk '/^Requests\/sec/ {print $2}' "$1"; }
p99() { awk '$1 == "99%" {print $2}' "$1"; }
errs() { awk '/Non-2xx|Socket errors/ {print}' "$1"; }
B=$(rps "$T/wrk-bot.txt"); N=$(rps "$T/wrk-nginx.txt")
echo "wrk -t$THREADS -c$CONNS -d${DURATION}s, POST !287g (Mattermost outgoing webhook, token verified)${SRV_PIN:+, servers on CPU 0, wrk on CPU 1}"
printf '  intakebot: %10s req/s   p99 %8s   peak RSS %s KiB\n' "$B" "$(p99 "$T/wrk-bot.txt")" "$(cat "$T/rss" 2>/dev/null || echo ?)"
printf '  nginx    : %10s req/s   p99 %8s   (1 worker, fixed JSON)\n' "$N" "$(p99 "$T/wrk-nginx.txt")"
errs "$T/wrk-bot.txt" | sed 's/^/  intakebot: /'
errs "$T/wrk-nginx.txt" | sed 's/^/  nginx: /'
awk -v b="$B" -v n="$N" 'BEGIN { r = (n > 0) ? b / n : 0;
    printf "  ratio    : %.2f x nginx (target >= 0.80)%s\n", r, (r >= 0.8) ? "" : "  BELOW TARGET" }'
fails=$(curl -s "http://127.0.0.1:$BPORT/metrics" | awk '/intakebot_http_requests_total/ && !/status="200"/ && !/^#/ {n += $2} END {print n + 0}')
echo "  intakebot non-200 answers during the run: $fails"
