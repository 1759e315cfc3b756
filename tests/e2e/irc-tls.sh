#!/bin/sh
# TLS through the bot-owned connection, against ngircd's SSL port with a
# CA and certificate made here: verified by name (localhost, through the
# resolver and SNI), refused with a clear message for an unknown CA and
# for a wrong host name.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
SSLPORT=$(free_port)
tls_make_certs "$T/pki" localhost 127.0.0.1
tls_make_certs "$T/other" localhost 127.0.0.1
ngircd_start "$T/ngircd" "$IRCPORT" "$SSLPORT" "$T/pki/server.pem" "$T/pki/server.key"
mkdir -p "$T/data"

run_bot() { # NAME HOST CAFILE
	cat >"$T/$1.conf" <<CONF
[bot]
nick = tls$1
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = $2
port = $SSLPORT
tls = yes
tls_ca_file = $3
channels = #help
reconnect_min = 30
connect_timeout = 10
CONF
	"$INTAKEBOT" -c "$T/$1.conf" >"$T/$1.log" 2>&1 &
	BOT=$!
	track $BOT
}

run_bot good localhost "$T/pki/ca.pem"
wait_grep "joined #help" "$T/good.log" 15 || { cat "$T/good.log"; fail "TLS connection failed"; }
expect_grep "TLS established with localhost" "$T/good.log"
cat >"$T/dave.script" <<EOF2
send JOIN #help
wait 366
send PRIVMSG #help :!287g
wait :tlsgood!\S+ PRIVMSG #help :dave: The 287
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" dave "$T/dave.log" "$T/dave.script" ||
	{ cat "$T/dave.log"; cat "$T/good.log"; fail "no answer over TLS"; }
pass "TLS verified by host name; answers arrive"

run_bot ca localhost "$T/other/ca.pem"
wait_grep "certificate verify\|verification failed" "$T/ca.log" 15 || { cat "$T/ca.log"; fail "unknown CA not refused clearly"; }
expect_no_grep "registered as" "$T/ca.log"
pass "unknown CA refused: $(grep -o 'TLS certificate verification failed: [^;]*' "$T/ca.log" | head -1)"

tls_make_certs "$T/wrong" irc.elsewhere.test
ngircd_stop
ngircd_start "$T/ngircd" "$IRCPORT" "$SSLPORT" "$T/wrong/server.pem" "$T/wrong/server.key"
run_bot name 127.0.0.1 "$T/wrong/ca.pem"
wait_grep "verification failed" "$T/name.log" 15 || { cat "$T/name.log"; fail "wrong host name not refused clearly"; }
expect_grep "mismatch" "$T/name.log"
expect_no_grep "registered as" "$T/name.log"
pass "wrong host name refused: $(grep -o 'TLS certificate verification failed: [^;]*' "$T/name.log" | head -1)"
