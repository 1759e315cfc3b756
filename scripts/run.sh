#!/bin/sh
# `make run`: starts a private ngircd on 127.0.0.1:6667 (config, pid and
# log under build/run-ngircd/), then intakebot on config/intakebot.conf
# with the console on standard input; the bot joins #help, #ayuda and
# #staff.  Type !help; Ctrl-D stops the bot, and ngircd with it.
set -eu
cd "$(dirname "$0")/.."
mkdir -p data
D="$PWD/build/run-ngircd"
mkdir -p "$D"
: >"$D/motd"
cat >"$D/ngircd.conf" <<CONF
[Global]
	Name = irc.intakebot.local
	Info = intakebot development server (make run)
	Listen = 127.0.0.1
	Ports = 6667
	MotdFile = $D/motd
	PidFile = $D/ngircd.pid
[Limits]
	MaxConnectionsIP = 0
	MaxNickLength = 30
[Options]
	PAM = no
	DNS = no
	Ident = no
CONF
NGIRCD=""
if python3 -c 'import socket; socket.create_connection(("127.0.0.1", 6667), 0.5)' 2>/dev/null; then
	echo "intakebot: something already listens on 127.0.0.1:6667; using it" >&2
else
	ngircd -n -f "$D/ngircd.conf" >"$D/ngircd.log" 2>&1 &
	NGIRCD=$!
	trap 'kill $NGIRCD 2>/dev/null || true' EXIT INT TERM
	i=0
	until python3 -c 'import socket; socket.create_connection(("127.0.0.1", 6667), 0.5)' 2>/dev/null; do
		i=$((i + 1))
		if [ $i -gt 50 ] || ! kill -0 $NGIRCD 2>/dev/null; then
			cat "$D/ngircd.log" >&2
			echo "intakebot: ngircd did not start" >&2
			exit 1
		fi
		sleep 0.1
	done
fi
cat >&2 <<MSG
intakebot: a private IRC server runs on 127.0.0.1:6667.  Connect any IRC
client to it, for example:
    irssi -c 127.0.0.1 -p 6667 -n you     (then /join #help)
    weechat: /server add local 127.0.0.1/6667 -notls; /connect local
and type !287g in #help, or /msg intakebot help.
intakebot: console ready; type !help (Ctrl-D to stop)
MSG
build/intakebot -c config/intakebot.conf --console
MSG=$?
exit $MSG
