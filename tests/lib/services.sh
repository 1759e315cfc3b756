# Private InspIRCd 3 linked to Anope 2.0 services, for tests (POSIX sh,
# sourced after common.sh).  Both run in the foreground of their own
# background processes, on 127.0.0.1 only, with config files, database
# and logs in DIR; no system service is used.
#
#   services_start DIR [NOTAG]
#       picks free ports, writes DIR/inspircd.conf and DIR/anope/*.conf
#       (Debian's /etc/anope files with the link, paths and mail edited),
#       starts both, tracks them and waits until services have synced.
#       Sets SVC_PORT (the client port).  NOTAG=notag leaves InspIRCd's
#       account-tag module out, so that a client must ask WHOIS.
#   services_register NICK PASSWORD
#       registers NICK with NickServ (no e-mail, no confirmation).
#
# InspIRCd offers sasl (PLAIN, EXTERNAL), account-notify, extended-join
# and account-tag; its casemapping is ascii, as Anope's.

services_start() {
	SVC_DIR=$1
	_tag=${2:-}
	SVC_PORT=$(free_port)
	_lport=$(free_port)
	mkdir -p "$SVC_DIR/db"
	cat >"$SVC_DIR/inspircd.conf" <<CONF
<config format="xml">
<server name="irc.test" description="intakebot test" network="TestNet">
<admin name="test" nick="test" email="test@irc.test">
<bind address="127.0.0.1" port="$SVC_PORT" type="clients">
<bind address="127.0.0.1" port="$_lport" type="servers">
<connect name="main" allow="*" timeout="20" pingfreq="120"
 hardsendq="1048576" softsendq="65536" recvq="16384" threshold="1000"
 commandrate="100000" fakelag="off" localmax="1000" globalmax="1000"
 useident="no" resolvehostnames="no" limit="1000" modes="">
<pid file="$SVC_DIR/inspircd.pid">
<log method="file" type="* -USERINPUT -USEROUTPUT" level="default"
 target="$SVC_DIR/ircd.log">
<dns server="127.0.0.1" timeout="1">
<options casemapping="ascii">
<module name="spanningtree">
<module name="services_account">
<module name="sasl">
<module name="cap">
<module name="ircv3">
<module name="monitor">
<module name="hidechans">
$( [ "$_tag" = notag ] || echo '<module name="ircv3_accounttag">' )
<uline server="services.test" silent="yes">
<link name="services.test" ipaddr="127.0.0.1" port="$_lport"
 allowmask="127.0.0.1/32" sendpass="linkpw" recvpass="linkpw">
<sasl target="services.test" requiressl="no">
CONF
	rm -rf "$SVC_DIR/anope"
	cp -r /etc/anope "$SVC_DIR/anope"
	python3 - "$SVC_DIR" "$_lport" <<'PY'
import re, sys
d, lport = sys.argv[1], sys.argv[2]
p = d + "/anope/services.conf"
s = open(p).read()
s = s.replace("port = 7000", "port = " + lport)
s = s.replace('password = "mypassword"', 'password = "linkpw"')
s = s.replace('\tname = "services.example.com"', '\tname = "services.test"')
s = s.replace('value = "services.example.com"', 'value = "services.test"')
s = s.replace('pid = "/var/run/anope/anope.pid"', 'pid = "%s/anope.pid"' % d)
s = s.replace("usemail = yes", "usemail = no")
open(p, "w").write(s)
p = d + "/anope/nickserv.conf"
s = open(p).read()
s = s.replace("regdelay = 30s", "regdelay = 0s")
s = s.replace("forceemail = yes", "forceemail = no")
open(p, "w").write(s)
PY
	# Both refuse root only by default; tests may run as root in CI.
	_root=""
	[ "$(id -u)" = 0 ] && _root=--runasroot
	/usr/sbin/inspircd --nofork $_root --config="$SVC_DIR/inspircd.conf" \
	    >"$SVC_DIR/inspircd.out" 2>&1 &
	track $!
	wait_port "$SVC_PORT" 10 || { cat "$SVC_DIR/inspircd.out"; fail "inspircd did not start"; }
	/usr/sbin/anope --nofork --confdir="$SVC_DIR/anope" --dbdir="$SVC_DIR/db" \
	    --logdir="$SVC_DIR" --modulesdir=/usr/lib/anope \
	    --localedir=/usr/share/locale >"$SVC_DIR/anope.out" 2>&1 &
	track $!
	wait_grep "services.test .* is done syncing" "$SVC_DIR/anope.out" 20 ||
		{ cat "$SVC_DIR/anope.out"; fail "anope did not link"; }
}

services_register() {
	printf 'send PRIVMSG NickServ :REGISTER %s\nwait NickServ.* registered\n' "$2" \
	    >"$SVC_DIR/reg-$1.script"
	python3 "$TOP/tests/lib/irc_client.py" client "$SVC_PORT" "$1" \
	    "$SVC_DIR/reg-$1.log" "$SVC_DIR/reg-$1.script" ||
		{ cat "$SVC_DIR/reg-$1.log"; fail "cannot register $1"; }
}
