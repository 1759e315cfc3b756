#!/bin/sh
# Runs every suite against the build in $BUILD (default build): the cmocka
# unit tests in $BUILD/tests, one after the other, then the end-to-end
# scripts in tests/e2e/, $JOBS at a time (default 3: most of their time
# is spent waiting on sockets and timers; each picks its own ports and
# temporary folder).  TESTS=pattern limits the run to files whose name
# matches (shell glob).  Logs of failed suites are kept in tests/logs/.
# Ends with the line "N passed, N failed" and a non-zero status if
# anything failed.
#
# tests/run.sh --one FILE runs one suite and writes its verdict to
# tests/logs/NAME.result (used by the parallel run).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export INTAKEBOT="$PWD/$BUILD/intakebot"
export BUILD_DIR="$PWD/$BUILD"
export TOP="$PWD"
mkdir -p tests/logs

# run_one FILE: runs a unit binary or an e2e script, prints the verdict
# lines to tests/logs/NAME.result, and the log's tail when it failed.
run_one() {
	case "$1" in
	*.sh) n=$(basename "$1" .sh) limit=600 cmd="sh $1" tailn=40 ;;
	*) n=$(basename "$1") limit=300 cmd="$1" tailn=30 ;;
	esac
	s0=$(date +%s)
	if timeout $limit $cmd >"tests/logs/$n.log" 2>&1; then
		{
			echo "ok   $n ($(($(date +%s) - s0)) s)"
			# A part skipped where the machine cannot do it says so.
			grep '^SKIP: ' "tests/logs/$n.log" | sed 's/^/     /' || true
		} >"tests/logs/$n.result"
		rm -f "tests/logs/$n.log"
	else
		{
			echo "FAIL $n (tests/logs/$n.log)"
			tail -n $tailn "tests/logs/$n.log"
		} >"tests/logs/$n.result"
	fi
}

if [ "${1:-}" = "--one" ]; then
	run_one "$2"
	exit 0
fi

pat=${TESTS:-*}
jobs=${JOBS:-3}
list=""
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	case "$(basename "$t")" in $pat) ;; *) continue ;; esac
	run_one "$t"
	list="$list $(basename "$t")"
	cat "tests/logs/$(basename "$t").result"
done
e2e=""
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	case "$n" in $pat) ;; *) continue ;; esac
	rm -f "tests/logs/$n.result"
	e2e="$e2e $t"
	list="$list $n"
done
if [ -n "$e2e" ]; then
	# shellcheck disable=SC2086
	printf '%s\n' $e2e | xargs -P "$jobs" -n 1 sh tests/run.sh --one
	for t in $e2e; do
		cat "tests/logs/$(basename "$t" .sh).result" 2>/dev/null ||
			echo "FAIL $(basename "$t" .sh) (no verdict)"
	done
fi
pass=0
fail=0
failed=""
for n in $list; do
	if [ -f "tests/logs/$n.result" ] && head -n 1 "tests/logs/$n.result" | grep -q '^ok '; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $n"
	fi
	rm -f "tests/logs/$n.result"
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
