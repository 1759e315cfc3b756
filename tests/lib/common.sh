# Shared helpers for tests/e2e/*.sh (POSIX sh).  Each script sources this,
# gets a private temp dir in $T, and everything it starts is killed by the
# EXIT trap, even when an assertion fails.
set -eu
: "${INTAKEBOT:?run through tests/run.sh}"
T=$(mktemp -d "${TMPDIR:-/tmp}/intakebot-test.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
		kill -9 "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# Remembers a background process for cleanup.
track() { PIDS="$PIDS $1"; }

fail() { echo "FAIL: $*" >&2; exit 1; }
pass() { echo "ok: $*"; }

# A free TCP port on 127.0.0.1 (the kernel picks it).
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# wait_port PORT [SECONDS]: until something listens on 127.0.0.1:PORT.
wait_port() {
	python3 - "$1" "${2:-10}" <<'PY'
import socket, sys, time
port, limit = int(sys.argv[1]), float(sys.argv[2])
end = time.time() + limit
while time.time() < end:
    try:
        socket.create_connection(("127.0.0.1", port), 0.2).close(); sys.exit(0)
    except OSError:
        time.sleep(0.05)
sys.exit(1)
PY
}

# wait_grep PATTERN FILE [SECONDS]: until FILE has a line matching PATTERN.
wait_grep() {
	i=0
	limit=$(( ${3:-10} * 10 ))
	while ! grep -q -e "$1" "$2" 2>/dev/null; do
		i=$((i + 1))
		[ $i -gt $limit ] && return 1
		sleep 0.1
	done
	return 0
}

# expect_grep PATTERN FILE: assert FILE has a line matching PATTERN.
expect_grep() {
	grep -q -e "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "no line matching '$1' in $2"; }
}
expect_no_grep() {
	! grep -q -e "$1" "$2" || { echo "--- $2:"; cat "$2"; fail "unexpected line matching '$1' in $2"; }
}
