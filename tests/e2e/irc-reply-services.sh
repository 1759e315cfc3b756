#!/bin/sh
# !reply to IRC requesters against a real InspIRCd 3 (with its monitor
# module, so the bot uses MONITOR) linked to Anope 2.0: alice asks while
# logged in to the account alice, which the request keeps.  A reply
# reaches her while online.  The next one, sent while she is away, waits:
# someone on the nick alice without an account, then logged in to the
# account mallory, gets nothing; it survives a SIGKILL of the bot and
# reaches alice once she is back and logged in; staff are told.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
. "$TOP/tests/lib/services.sh"
RP_WAIT=300
. "$TOP/tests/lib/reply.sh"

services_start "$T/svc"
services_register alice alicepw
services_register mallory mallorypw
RP_PORT=$SVC_PORT
RP_EXTRA=""
reply_bot bot1
reply_watcher

# Anope's 900 can reach the client just before InspIRCd tags its
# messages with the account: a second's pause.
reply_client_bg alice alice1 "send PRIVMSG NickServ :IDENTIFY alicepw
wait :irc.test 900
sleep 1
send PRIVMSG intakebot :!consult please help with my visa
wait NOTICE alice :.*#1
wait :intakebot!\S+ PRIVMSG alice :\[#1\] first answer 30"
ALICE=$RP_BG
wait_grep "^:intakebot!.* NOTICE alice .*#1" "$T/alice1.log" 15 || { cat "$T/alice1.log"; fail "alice got no acknowledgement"; }
[ "$(sqlite3 "$T/data/intakebot.db" 'select account from consults where id = 1')" = alice ] ||
	{ sqlite3 "$T/data/intakebot.db" "select * from consults"; cat "$T/bot1.log" "$T/alice1.log"; fail "the request does not keep the account alice"; }
reply_staff "!reply 1 first answer"
reply_reached $ALICE 1
expect_grep "watching a requester's nick (MONITOR)" "$T/bot1.log"
pass "reply to an online requester with her account (MONITOR): delivered, staff told"

reply_staff "!reply 1 second answer"
# The nick alice without an account, then with the account mallory.
reply_client alice imposter1 "hold 7"
reply_client alice imposter2 "send PRIVMSG NickServ :IDENTIFY mallory mallorypw
wait :irc.test 900
hold 7"
expect_no_grep "first answer\|second answer" "$T/imposter1.log"
expect_no_grep "second answer" "$T/imposter2.log"
[ "$(grep -c "held by another account" "$T/bot1.log")" -ge 2 ] ||
	{ cat "$T/bot1.log"; fail "the bot did not check the imposters' accounts"; }
[ "$(reply_state 1)" = "1 0 " ] || fail "second reply not waiting: $(reply_state 1)"
pass "the nick without the account, or with another: nothing delivered, still waiting"

kill -9 $BOT
wait $BOT 2>/dev/null || true
reply_bot bot2
# Back, logged in, and in a channel with the bot (extended-join).
reply_client_bg alice alice2 "send PRIVMSG NickServ :IDENTIFY alicepw
wait :irc.test 900
send JOIN #help
wait :intakebot!\S+ PRIVMSG alice :\[#1\] second answer 30"
reply_reached $RP_BG 2
[ "$(reply_state 1)" = "1 1 " ] || fail "second reply not marked delivered"
pass "after a SIGKILL, alice back with her account: delivered, staff told"
