#!/bin/sh
# CAP/SASL against a scripted server: the bot asks CAP LS 302 before
# NICK/USER, requests only caps libircclient can parse (never
# server-time), authenticates with PLAIN, and joins after CAP END;
# a failure goes on without SASL unless sasl_required, which refuses to
# register at all.
. "$TOP/tests/lib/common.sh"
mkdir -p "$T/data"

run() { # NAME PASSWORD REQUIRED
	PORT=$(free_port)
	python3 "$TOP/tests/lib/irc_sasl_server.py" "$PORT" "$T/$1.srv" s3cret%pw &
	track $!
	wait_port "$PORT" 10 || fail "scripted server did not start"
	cat >"$T/$1.conf" <<CONF
[bot]
nick = saslbot
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $PORT
channels = #help
sasl_mechanism = plain
sasl_user = botacct
sasl_password = $2
sasl_required = $3
reconnect_min = 30
CONF
	"$INTAKEBOT" -c "$T/$1.conf" >"$T/$1.log" 2>&1 &
	BOT=$!
	track $BOT
}

run ok s3cret%pw yes
wait_grep "joined #help" "$T/ok.log" 10 || { cat "$T/ok.log" "$T/ok.srv"; fail "no join after SASL"; }
expect_grep "SASL authentication succeeded" "$T/ok.log"
[ "$(head -n 1 "$T/ok.srv")" = "CAP LS 302" ] || fail "CAP LS 302 was not the first line"
expect_grep "^CAP REQ :sasl account-notify extended-join multi-prefix$" "$T/ok.srv"
expect_no_grep "server-time" "$T/ok.srv"
want=$(printf 'botacct\000botacct\000s3cret%%pw' | base64 -w0)
expect_grep "^AUTHENTICATE $want\$" "$T/ok.srv"
# CAP END before JOIN, and no secret in the bot's log.
awk '/^CAP END/{e=NR} /^JOIN/{j=NR} END{exit !(e && j && e < j)}' "$T/ok.srv" || fail "JOIN before CAP END"
expect_no_grep "s3cret" "$T/ok.log"
pass "SASL PLAIN success, CAP LS first, safe caps only, join after CAP END"

run bad wrong no
wait_grep "joined #help" "$T/bad.log" 10 || { cat "$T/bad.log" "$T/bad.srv"; fail "no join after SASL failure"; }
expect_grep "SASL authentication failed" "$T/bad.log"
pass "SASL failure without sasl_required: goes on"

run req wrong yes
wait_grep "SASL required" "$T/req.log" 10 || { cat "$T/req.log" "$T/req.srv"; fail "sasl_required not enforced"; }
sleep 1
expect_no_grep "registered as" "$T/req.log"
expect_no_grep "^CAP END" "$T/req.srv"
expect_no_grep "^JOIN" "$T/req.srv"
kill -0 $BOT || fail "bot died"
pass "sasl_required: refuses to register, stays up"
