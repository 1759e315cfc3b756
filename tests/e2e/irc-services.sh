#!/bin/sh
# Identity by services account, against a real InspIRCd 3 linked to Anope
# 2.0 (tests/lib/services.sh).  SASL PLAIN logs the bot in, and so does
# SASL EXTERNAL over TLS with a client certificate added with NickServ
# CERT ADD; sasl_required with a wrong password does not register at all.  An admin configured as
# account:boss, on the nick bossy, runs !status privately and in a
# channel; whoever takes the nick bossy afterwards without the account is
# refused, whether or not the real admin shared a channel with the bot.
# A staff member is recognised by account.  The audit trail names only a
# proved account.  The whole scene runs twice: with account-tag (the
# account comes with each message) and without it (fresh WHOIS).
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
. "$TOP/tests/lib/services.sh"

client() { # NICK NAME SCRIPT-TEXT
	printf '%s\n' "$3" >"$T/$2.script"
	python3 "$TOP/tests/lib/irc_client.py" client "$SVC_PORT" "$1" \
	    "$T/$2.log" "$T/$2.script" ||
		{ cat "$T/$2.log" "$T/bot.log"; fail "$2: client script failed"; }
}

bot() { # NAME SASL-PASSWORD REQUIRED
	cat >"$T/$1.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data-$1
[irc]
server = 127.0.0.1
port = $SVC_PORT
channels = #help
sasl_mechanism = plain
sasl_user = intakebot
sasl_password = $2
sasl_required = $3
admins = account:boss
flood_rate = 100
flood_burst = 20
reconnect_min = 30
[consult]
staff_accounts = clerk
CONF
	"$INTAKEBOT" -c "$T/$1.conf" >"$T/$1.log" 2>&1 &
	BOT=$!
	track $BOT
}

scene() { # notag or ""
	services_start "$T/svc$1" $1
	services_register intakebot botpw
	services_register boss bosspw
	services_register clerk clerkpw

	# sasl_required with a wrong password: no registration at all.
	bot bad wrongpw yes
	wait_grep "SASL required" "$T/bad.log" 15 || { cat "$T/bad.log"; fail "sasl_required not enforced"; }
	expect_no_grep "registered as" "$T/bad.log"
	kill -0 $BOT || fail "bot died after a SASL failure"
	kill $BOT
	pass "$1 sasl_required with a wrong password: refused to go on"

	bot bot botpw yes
	wait_grep "joined #help" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "no join"; }
	expect_grep "SASL authentication succeeded" "$T/bot.log"
	expect_no_grep "botpw" "$T/bot.log"
	pass "$1 SASL PLAIN against Anope"

	if [ -z "$1" ]; then
		# SASL EXTERNAL: TLS with a client certificate NickServ knows.
		services_register certbot certpw
		services_client_cert certbot certpw
		cat >"$T/ext.conf" <<CONF
[bot]
nick = certbot
content_dir = $TOP/content
data_dir = $T/data-ext
[irc]
server = 127.0.0.1
port = $SVC_TLS_PORT
tls = yes
tls_ca_file = $SVC_DIR/tls/ca.pem
tls_cert_file = $SVC_DIR/tls/certbot.pem
tls_key_file = $SVC_DIR/tls/certbot.key
channels = #help
sasl_mechanism = external
sasl_required = yes
CONF
		"$INTAKEBOT" -c "$T/ext.conf" >"$T/ext.log" 2>&1 &
		EXT=$!
		track $EXT
		wait_grep "joined #help" "$T/ext.log" 15 || { cat "$T/ext.log"; fail "no join with SASL EXTERNAL"; }
		expect_grep "SASL authentication succeeded" "$T/ext.log"
		expect_grep "identified to account certbot using SASL EXTERNAL" "$SVC_DIR/anope.out"
		kill $EXT
		pass "SASL EXTERNAL with a client certificate over TLS"
	fi

	# The admin, on another nick, shares no channel with the bot.
	client bossy boss1 "send WHOIS intakebot
wait :irc.test 330 bossy intakebot intakebot
send PRIVMSG NickServ :IDENTIFY boss bosspw
wait :irc.test 900
send PRIVMSG intakebot :!status
wait NOTICE bossy :intakebot up"
	pass "$1 admin by account (nick bossy, no shared channel) runs !status"
	# Someone without the account takes the nick: refused.
	client bossy mallory1 "send PRIVMSG intakebot :!status
wait NOTICE bossy :That command is for admins
send PRIVMSG intakebot :!reload
wait NOTICE bossy :That command is for admins"
	pass "$1 nick takeover without a shared channel: refused"

	# The admin shares #help with the bot, then leaves; the same again.
	client bossy boss2 "send PRIVMSG NickServ :IDENTIFY boss bosspw
wait :irc.test 900
send JOIN #help
wait :bossy!\S+ JOIN
sleep 0.5
send PRIVMSG #help :!status
wait PRIVMSG #help :bossy: intakebot up"
	client bossy mallory2 "send JOIN #help
wait :bossy!\S+ JOIN
sleep 0.5
send PRIVMSG #help :!status
wait NOTICE bossy :That command is for admins
send PRIVMSG intakebot :!status
wait NOTICE bossy :That command is for admins"
	pass "$1 nick takeover after a shared channel: refused"

	# Staff by account, and the same nick without it.
	client clerk clerk1 "send PRIVMSG NickServ :IDENTIFY clerkpw
wait :irc.test 900
send PRIVMSG intakebot :!pending
wait NOTICE clerk :
send QUIT :bye"
	expect_no_grep "That command is for staff" "$T/clerk1.log"
	client clerk clerk2 "send PRIVMSG intakebot :!pending
wait NOTICE clerk :That command is for staff"
	pass "$1 staff by account; the nick alone is not staff"

	sqlite3 "$T/data-bot/intakebot.db" "select who, action, result from audit" >"$T/audit$1"
	[ "$(grep -c '^bossy (irc, account boss)|status|ok$' "$T/audit$1")" = 2 ] ||
		{ cat "$T/audit$1"; fail "audit: two proved !status expected"; }
	[ "$(wc -l <"$T/audit$1")" = 2 ] || { cat "$T/audit$1"; fail "audit: an unproved entry"; }
	pass "$1 audit trail names only proved accounts"
	kill $BOT
	wait $BOT 2>/dev/null || true
	rm -rf "$T/data-bot" "$T/data-bad" "$T/data-ext" "$T"/*.log
}

scene ""
scene notag
