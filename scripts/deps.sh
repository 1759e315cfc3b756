#!/bin/sh
# Installs the Debian packages listed in debian-packages.txt that are
# missing.  As root it runs apt-get itself (and says so); otherwise it
# prints the exact command and fails.
#
# scripts/deps.sh --missing only names the missing packages and says how
# to install them, then fails; the Makefile runs it when a plain `make`
# finds the build libraries absent.
set -eu
list="$(dirname "$0")/../debian-packages.txt"
missing=""
if command -v dpkg-query >/dev/null 2>&1; then
	for p in $(sed -e 's/#.*//' "$list"); do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
			missing="$missing $p"
		fi
	done
elif [ "${1:-}" = --missing ]; then
	echo "intakebot: the build needs pkg-config and the libraries listed in" >&2
	echo "  debian-packages.txt (this is not a Debian system: install them by hand)" >&2
	exit 1
else
	echo "intakebot: not a Debian system; install what debian-packages.txt lists" >&2
	exit 1
fi
cmd="apt-get install -y --no-install-recommends$missing"
if [ "${1:-}" = --missing ]; then
	[ -z "$missing" ] && exit 0
	echo "intakebot: cannot build, missing Debian packages:$missing" >&2
	echo "  \`make deps\` (as root) installs them, and \`make run\` does so before" >&2
	echo "  it starts the bot; or run: apt-get update && $cmd" >&2
	exit 1
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "intakebot: missing Debian packages. Run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
echo "intakebot: installing missing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
