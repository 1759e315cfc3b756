#!/bin/sh
# `make bench`: runs every benchmark in bench/ (each prints its numbers).
set -u
cd "$(dirname "$0")/.."
rc=0
for b in bench/*.sh; do
	case "$(basename "$b")" in run.sh | soak.sh) continue ;; esac
	echo "== $b"
	sh "$b" || rc=1
done
exit $rc
