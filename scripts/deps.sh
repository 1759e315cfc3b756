#!/bin/sh
# Installs the Debian packages listed in debian-packages.txt that are
# missing.  As root it runs apt-get itself (and says so); otherwise it
# prints the exact command and fails.
set -eu
list="$(dirname "$0")/../debian-packages.txt"
missing=""
for p in $(sed -e 's/#.*//' "$list"); do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0
cmd="apt-get install -y --no-install-recommends$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "intakebot: missing Debian packages. Run as root:" >&2
	echo "  apt-get update && $cmd" >&2
	exit 1
fi
echo "intakebot: installing missing Debian packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
$cmd
