# Private InspIRCd 3 linked to Anope 2.0 services, for tests (POSIX sh,
# sourced after common.sh and ngircd.sh, whose tls_make_certs it uses).  Both run in the foreground of their own
# background processes, on 127.0.0.1 only, with config files, database
# and logs in DIR; no system service is used.
#
#   services_start DIR [NOTAG]
#       picks free ports, writes DIR/inspircd.conf and DIR/anope/*.conf
#       (Debian's /etc/anope files with the link, paths and mail edited),
#       starts both, tracks them and waits until services have synced.
#       Sets SVC_PORT (plaintext) and SVC_TLS_PORT (TLS with a server
#       certificate for 127.0.0.1 from DIR/tls/ca.pem; client
#       certificates are asked for, and their SHA-256 fingerprint is what
#       NickServ CERT knows).  NOTAG=notag leaves InspIRCd's account-tag
#       module out, so that a client must ask WHOIS.
#   services_client_cert NAME PASSWORD
#       makes DIR/tls/NAME.pem and NAME.key (signed by the test CA), logs
#       in to the registered account NAME over TLS with that certificate
#       and adds it with NickServ CERT ADD, for SASL EXTERNAL.
#   services_register NICK PASSWORD
#       registers NICK with NickServ (no e-mail, no confirmation).
#
# InspIRCd offers sasl (PLAIN, EXTERNAL), account-notify, extended-join
# and account-tag; its casemapping is ascii, as Anope's.

services_start() {
	SVC_DIR=$1
	_tag=${2:-}
	SVC_PORT=$(free_port)
	SVC_TLS_PORT=$(free_port)
	_lport=$(free_port)
	mkdir -p "$SVC_DIR/db"
	tls_make_certs "$SVC_DIR/tls" 127.0.0.1
	cat >"$SVC_DIR/inspircd.conf" <<CONF
<config format="xml">
<server name="irc.test" description="intakebot test" network="TestNet">
<admin name="test" nick="test" email="test@irc.test">
<bind address="127.0.0.1" port="$SVC_PORT" type="clients">
<bind address="127.0.0.1" port="$_lport" type="servers">
<bind address="127.0.0.1" port="$SVC_TLS_PORT" type="clients" sslprofile="Clients">
<module name="ssl_gnutls">
<module name="sslinfo">
<sslprofile name="Clients" provider="gnutls" certfile="$SVC_DIR/tls/server.pem"
 keyfile="$SVC_DIR/tls/server.key" hash="sha256" requestclientcert="yes">
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
# Every test client comes from 127.0.0.1.
p = d + "/anope/operserv.conf"
s = open(p).read()
s = s.replace("defaultsessionlimit = 3", "defaultsessionlimit = 100")
open(p, "w").write(s)
PY
	# Both refuse root only by default; tests may run as root in CI.
	_root=""
	[ "$(id -u)" = 0 ] && _root=--runasroot
	# InspIRCd 3.15 may crash in its exit path when stopped (seen with
	# ssl_gnutls loaded): no core file, and none in the checkout.
	(cd "$SVC_DIR" && ulimit -c 0 &&
	    exec /usr/sbin/inspircd --nofork $_root --config="$SVC_DIR/inspircd.conf") \
	    >"$SVC_DIR/inspircd.out" 2>&1 &
	track $!
	wait_port "$SVC_PORT" 10 || { cat "$SVC_DIR/inspircd.out"; fail "inspircd did not start"; }
	wait_port "$SVC_TLS_PORT" 10 || { cat "$SVC_DIR/inspircd.out"; fail "inspircd TLS port did not open"; }
	(cd "$SVC_DIR" && ulimit -c 0 &&
	    exec /usr/sbin/anope --nofork --confdir="$SVC_DIR/anope" \
	    --dbdir="$SVC_DIR/db" --logdir="$SVC_DIR" --modulesdir=/usr/lib/anope \
	    --localedir=/usr/share/locale) >"$SVC_DIR/anope.out" 2>&1 &
	track $!
	wait_grep "services.test .* is done syncing" "$SVC_DIR/anope.out" 20 ||
		{ cat "$SVC_DIR/anope.out"; fail "anope did not link"; }
}

services_client_cert() {
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
	    -keyout "$SVC_DIR/tls/$1.key" -out "$SVC_DIR/tls/$1.csr" >/dev/null 2>&1
	openssl x509 -req -in "$SVC_DIR/tls/$1.csr" -CA "$SVC_DIR/tls/ca.pem" \
	    -CAkey "$SVC_DIR/tls/ca.key" -CAcreateserial -days 2 \
	    -out "$SVC_DIR/tls/$1.pem" >/dev/null 2>&1
	printf 'send PRIVMSG NickServ :IDENTIFY %s\nwait :irc.test 900\nsend PRIVMSG NickServ :CERT ADD\nwait NickServ.* added to\n' \
	    "$2" >"$SVC_DIR/cert-$1.script"
	IRC_TLS_CERT="$SVC_DIR/tls/$1.pem" IRC_TLS_KEY="$SVC_DIR/tls/$1.key" \
	    python3 "$TOP/tests/lib/irc_client.py" client "$SVC_TLS_PORT" "$1" \
	    "$SVC_DIR/cert-$1.log" "$SVC_DIR/cert-$1.script" ||
		{ cat "$SVC_DIR/cert-$1.log"; fail "cannot add a certificate for $1"; }
}

services_register() {
	printf 'send PRIVMSG NickServ :REGISTER %s\nwait NickServ.* registered\n' "$2" \
	    >"$SVC_DIR/reg-$1.script"
	python3 "$TOP/tests/lib/irc_client.py" client "$SVC_PORT" "$1" \
	    "$SVC_DIR/reg-$1.log" "$SVC_DIR/reg-$1.script" ||
		{ cat "$SVC_DIR/reg-$1.log"; fail "cannot register $1"; }
}
