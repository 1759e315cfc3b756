# Helpers for tests that use tests/lib/fakeapi.py, the stand-in for a
# platform's REST API.  Source after common.sh.
. "$TOP/tests/lib/sink.sh"

# fakeapi_start KIND TOKEN [USER_ID]: starts a fake in $T/api-KIND and
# sets API_PORT to its port.
fakeapi_start() {
	_d="$T/api-$1"
	mkdir -p "$_d"
	python3 "$TOP/tests/lib/fakeapi.py" --dir "$_d" --platform "$1" \
	    --token "$2" --user-id "${3:-}" 2>"$_d/log" &
	track $!
	API_PORT=$(port_file "$_d" "fake $1 API")
}

# fakeapi_modes KIND MODE...: the answers to give, one per call (the last
# one stays).
fakeapi_modes() {
	_n=$1
	shift
	printf '%s\n' "$@" >"$T/api-$_n/modes"
}
