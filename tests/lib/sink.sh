# Helpers for tests that use tests/lib/sink.py, the stand-in for a
# platform's incoming webhook.  Source after common.sh.

# sink_start NAME PLATFORM: starts a sink in $T/sink-NAME and sets
# SINK_PORT to its port.
sink_start() {
	_d="$T/sink-$1"
	mkdir -p "$_d"
	python3 "$TOP/tests/lib/sink.py" --dir "$_d" --platform "$2" \
	    2>"$_d/log" &
	track $!
	SINK_PORT=$(port_file "$_d" "sink $1")
}

# port_file DIR WHAT: waits (at most 10 s) for a test server to write
# DIR/port and prints it.
port_file() {
	_i=0
	while [ ! -s "$1/port" ]; do
		_i=$((_i + 1))
		[ $_i -gt 100 ] && fail "$2 did not start"
		sleep 0.1
	done
	cat "$1/port"
}

# sink_modes NAME MODE...: the answers to give, one per request (the last
# one stays).
sink_modes() {
	_n=$1
	shift
	printf '%s\n' "$@" >"$T/sink-$_n/modes"
}

# sink_posts NAME: the file with one JSON line per request received.
sink_posts() { echo "$T/sink-$1/posts.jsonl"; }

# sink_count NAME: how many requests the sink has received.
sink_count() {
	if [ -f "$T/sink-$1/posts.jsonl" ]; then
		wc -l <"$T/sink-$1/posts.jsonl" | tr -d ' '
	else
		echo 0
	fi
}
