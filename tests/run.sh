#!/bin/sh
# Runs every suite against the build in $BUILD (default build): the cmocka
# unit tests in $BUILD/tests, then each end-to-end script in tests/e2e/.
# TESTS=pattern limits the run to files whose name matches (shell glob).
# Logs of failed scripts are kept in tests/logs/.  Ends with the line
# "N passed, N failed" and a non-zero status if anything failed.
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
export INTAKEBOT="$PWD/$BUILD/intakebot"
export BUILD_DIR="$PWD/$BUILD"
export TOP="$PWD"
pat=${TESTS:-*}
pass=0
fail=0
failed=""
mkdir -p tests/logs
for t in "$BUILD"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	case "$n" in $pat) ;; *) continue ;; esac
	s0=$(date +%s)
	if timeout 300 "$t" >"tests/logs/$n.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $n ($(($(date +%s) - s0)) s)"
		rm -f "tests/logs/$n.log"
	else
		fail=$((fail + 1))
		failed="$failed $n"
		echo "FAIL $n (tests/logs/$n.log)"
		tail -n 30 "tests/logs/$n.log"
	fi
done
for t in tests/e2e/*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	case "$n" in $pat) ;; *) continue ;; esac
	s0=$(date +%s)
	if timeout 600 sh "$t" >"tests/logs/$n.log" 2>&1; then
		pass=$((pass + 1))
		echo "ok   $n ($(($(date +%s) - s0)) s)"
		# A part skipped where the machine cannot do it says so here.
		grep '^SKIP: ' "tests/logs/$n.log" | sed 's/^/     /' || true
		rm -f "tests/logs/$n.log"
	else
		fail=$((fail + 1))
		failed="$failed $n"
		echo "FAIL $n (tests/logs/$n.log)"
		tail -n 40 "tests/logs/$n.log"
	fi
done
[ -n "$failed" ] && echo "failed:$failed"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
