#!/bin/sh
# !reply to IRC requesters against a real ngircd, which offers no MONITOR
# (so the bot polls with ISON) and no services accounts: a reply reaches
# an online requester by PRIVMSG; one to an offline requester waits,
# survives a SIGKILL of the bot, and is delivered once they reconnect,
# and staff are told; one whose requester never comes back is given up
# after reply_wait and staff are told; !show lists it all.  That last
# reply is written in a Mattermost staff channel (outgoing webhook).
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
. "$TOP/tests/lib/reply.sh"

RP_PORT=$(free_port)
ngircd_start "$T/ngircd" "$RP_PORT"
RP_EXTRA=""
HTTPPORT=$(free_port)
RP_SECTIONS="[http]
listen = 127.0.0.1:$HTTPPORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
staff_channel = staff"
mm_staff() { # TEXT: a staff member in Mattermost's staff channel
	PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - "$1" <<'PY'
import sys, urllib.parse
from webhook import post, expect_json
f = {"token": "s1ashtokens1ashtokens1asht", "channel_name": "staff",
     "user_id": "staffid00000000000000000001", "user_name": "ana",
     "text": sys.argv[1], "post_id": "st1", "trigger_word": "!"}
print(expect_json(post("/hooks/mattermost", urllib.parse.urlencode(f),
                       "application/x-www-form-urlencoded"), "mm")["text"])
PY
}
reply_bot bot1
reply_watcher

# alice stays online; bob asks and leaves.
reply_client_bg alice alice1 "send PRIVMSG intakebot :!consult please help with my visa
wait NOTICE alice :.*#1
wait :intakebot!\S+ PRIVMSG alice :\[#1\] first answer 30"
ALICE=$RP_BG
wait_grep "^:intakebot!.* NOTICE alice .*#1" "$T/alice1.log" 10 || fail "alice got no acknowledgement"
reply_client bob bob1 "send PRIVMSG intakebot :!consult my case too
wait NOTICE bob :.*#2"

mm_staff "!reply 2 nobody will read this" | grep -q "saved" || fail "!reply from Mattermost not saved"
reply_staff "!reply 1 first answer"
reply_reached $ALICE 1
expect_grep "watching a requester's nick (ISON)" "$T/bot1.log"
pass "reply to an online requester: PRIVMSG [#1], staff told"

# alice is offline now: the next reply waits, across a SIGKILL.
reply_staff "!reply 1 second answer"
sleep 2
[ "$(reply_state 1)" = "1 0 " ] || fail "second reply not waiting: $(reply_state 1)"
kill -9 $BOT
wait $BOT 2>/dev/null || true
reply_bot bot2
[ "$(reply_state 1)" = "1 0 " ] || fail "second reply lost in the restart"
reply_client_bg alice alice2 "wait :intakebot!\S+ PRIVMSG alice :\[#1\] second answer 30"
reply_reached $RP_BG 2
[ "$(reply_state 1)" = "1 1 " ] || fail "second reply not marked delivered"
pass "offline requester: the reply waits (across SIGKILL) and goes when they return"

# bob never came back: given up after reply_wait, staff told.
wait_grep "given up" "$T/watch.log" 30 || { cat "$T/watch.log"; fail "no given-up alert"; }
expect_grep "reply from ana.* to #2 was given up" "$T/watch.log"
[ "$(reply_state 2)" = "2 " ] || fail "bob's reply not given up: $(reply_state 2)"
reply_staff "!show 2" "replied by"
expect_grep "replied by ana.*, given up 20" "$T/clerk.log"
reply_staff "!show 1" "replied by"
expect_grep "replied by clerk .*, delivered 20.*replied by clerk .*, delivered 20" "$T/clerk.log"
pass "reply_wait expired: given up, staff told, !show lists it"
