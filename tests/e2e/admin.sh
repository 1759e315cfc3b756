# Admins: an admin identified by services account may run !status and
# !reload; a user who takes the admin's nick may not; without a shared
# channel only a fresh WHOIS from the same user@host proves the account.  SIGHUP with a new
# channel joins it on the same connection; a broken config on SIGHUP
# keeps the bot running on the old one, with the reason logged.  Admin
# actions are recorded in the audit trail.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

# 1. Account-based admin against a scripted server with extended-join.
APORT=$(free_port)
python3 "$TOP/tests/lib/irc_admin_server.py" "$APORT" "$T/admin-wire.log" &
track $!
wait_port "$APORT" 10 || fail "scripted server did not start"
cat >"$T/a.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/adata
[irc]
server = 127.0.0.1
port = $APORT
channels = #help
admins = account:bossacct
flood_rate = 100
flood_burst = 20
CONF
"$INTAKEBOT" -c "$T/a.conf" >"$T/a.log" 2>&1 &
ABOT=$!
track $ABOT
wait_grep 'PRIVMSG #help :boss: intakebot up' "$T/admin-wire.log" 20 ||
	{ cat "$T/admin-wire.log" "$T/a.log"; fail "admin by account: no !status answer"; }
pass "admin identified by account (extended-join) runs !status"
wait_grep "NOTICE boss :That command is for admins" "$T/admin-wire.log" 20 ||
	{ cat "$T/admin-wire.log"; fail "impostor was not refused"; }
sleep 1
[ "$(grep -c 'That command is for admins' "$T/admin-wire.log")" -ge 2 ] ||
	{ cat "$T/admin-wire.log"; fail "impostor's second command not refused"; }
expect_no_grep 'Reloaded configuration' "$T/admin-wire.log"
expect_no_grep 'admin .*reload' "$T/a.log"
pass "a user who took the admin's nick may not !reload or !status"
wait_grep 'NOTICE remote :intakebot up' "$T/admin-wire.log" 20 ||
	{ cat "$T/admin-wire.log" "$T/a.log"; fail "admin proved by a fresh WHOIS refused"; }
pass "no shared channel: a fresh WHOIS proves the account"
wait_grep 'NOTICE ghost :That command is for admins' "$T/admin-wire.log" 20 ||
	{ cat "$T/admin-wire.log" "$T/a.log"; fail "WHOIS for another user@host was trusted"; }
expect_grep 'account of ghost not confirmed' "$T/a.log"
pass "a WHOIS answer for another user@host proves nothing"
kill $ABOT

# 2. Hostmask admin on a real ngircd; SIGHUP joins a new channel without
#    reconnecting; a broken config on SIGHUP is refused.
IRCPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
cat >"$T/b.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/bdata
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #help
admins = *!~root@127.0.0.1
flood_rate = 100
flood_burst = 20
CONF
"$INTAKEBOT" -c "$T/b.conf" >"$T/b.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "joined #help" "$T/b.log" 15 || { cat "$T/b.log"; fail "no join"; }
connects=$(grep -c "registered as" "$T/b.log")

sed -i 's/^channels = #help$/channels = #help, #new/' "$T/b.conf"
kill -HUP $BOT
wait_grep "joined #new" "$T/b.log" 10 || { cat "$T/b.log"; fail "SIGHUP: #new not joined"; }
[ "$(grep -c "registered as" "$T/b.log")" = "$connects" ] || fail "SIGHUP reconnected"
pass "SIGHUP: joined #new on the same connection"

cp "$T/b.conf" "$T/b.good"
printf '[irc]\nbogus_key = 1\n' >>"$T/b.conf"
kill -HUP $BOT
wait_grep "reload failed, keeping the running configuration" "$T/b.log" 10 ||
	{ cat "$T/b.log"; fail "broken config not refused"; }
expect_grep "b.conf:[0-9]*: unknown key 'bogus_key' in \[irc\]" "$T/b.log"
kill -0 $BOT || fail "bot died on a broken config"
cp "$T/b.good" "$T/b.conf"
pass "SIGHUP with a broken config: old one kept, reason logged"

# root (the admin mask) joins #new, parts it through the bot, asks !status.
cat >"$T/root.script" <<'EOS'
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!status
wait PRIVMSG #help :root: intakebot up
send PRIVMSG #help :!part #new
wait PRIVMSG #help :root: Leaving #new\.
send PRIVMSG #help :!reload
wait PRIVMSG #help :root: Reloaded configuration and content\.
EOS
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" root "$T/root.log" "$T/root.script" ||
	{ cat "$T/root.log" "$T/b.log"; fail "hostmask admin"; }
wait_grep "parted #new\|left #new\|PART #new\|part #new" "$T/b.log" 10 || true
pass "hostmask admin: !status, !part, !reload"

# The same nick from another user name is not an admin.
cat >"$T/imp.script" <<'EOS'
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!reload
wait NOTICE \S+ :That command is for admins\.
EOS
IRC_USER=mallory python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" root "$T/imp.log" "$T/imp.script" ||
	{ cat "$T/imp.log"; fail "non-admin not refused"; }
pass "a non-admin is refused"

# The audit trail has who, what and the result.
sqlite3 "$T/bdata/intakebot.db" "select who, action, result from audit" >"$T/audit"
expect_grep '^root (irc)|status|ok$' "$T/audit"
expect_grep '^root (irc)|part #new|ok$' "$T/audit"
expect_grep '^root (irc)|reload|ok$' "$T/audit"
pass "audit trail"
