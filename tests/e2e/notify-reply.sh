#!/bin/sh
# !reply: staff write back to requesters on Mattermost, Slack, Discord and
# Rocket.Chat through each platform's API (local fakes): private, prefixed
# [#N], in order per requester, across a 60 s outage of every API (503;
# Slack 429 with Retry-After) and a SIGKILL of the bot during it; !show
# lists the history; a reply that cannot be delivered within
# dead_letter_after is dead-lettered and staff get an alert.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fakeapi.sh"
fakeapi_start mattermost mmbot
MMP=$API_PORT
fakeapi_start slack xoxb-1
SLP=$API_PORT
fakeapi_start discord dcbot
DCP=$API_PORT
fakeapi_start rocketchat rcbot rcuser
RCP=$API_PORT
sink_start ops webhook
PORT=$(free_port)
SLACK_SECRET=8f742231b10e8888abcd99yyyzzz85a5
KEYHEX=$(PYTHONPATH="$TOP/tests/lib" python3 -c "
from webhook import ed25519_keygen; print(ed25519_keygen('$T')[1])")
conf() {
	cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
staff_channel = staff
api_url = http://127.0.0.1:$MMP
bot_token = mmbot
staff_backoff_max = 1
[slack]
path = /hooks/slack
signing_secret = $SLACK_SECRET
api_url = http://127.0.0.1:$SLP
bot_token = xoxb-1
staff_backoff_max = 2
[discord]
path = /hooks/discord
public_key = $KEYHEX
api_url = http://127.0.0.1:$DCP
bot_token = dcbot
staff_backoff_max = 1
[rocketchat]
path = /hooks/rocketchat
token = rc-token-9f8e7d6c5b4a
api_url = http://127.0.0.1:$RCP
bot_user_id = rcuser
bot_token = rcbot
staff_backoff_max = 2
[webhook.ops]
staff_webhook_url = http://127.0.0.1:$SINK_PORT/ops
[consult]
intake = oneline
cooldown = 0
dead_letter_after = $1
EOC
}
conf 3600
start() {
	"$INTAKEBOT" -c "$T/bot.conf" >>"$T/bot.log" 2>&1 &
	BOT=$!
	track $BOT
	wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }
}
start
py() {
	PORT=$PORT SLACK_SECRET=$SLACK_SECRET T=$T PYTHONPATH="$TOP/tests/lib" \
	    python3 -c "
import json, os, re, time, urllib.parse
from webhook import *
T = os.environ['T']; SS = os.environ['SLACK_SECRET']
FORM = 'application/x-www-form-urlencoded'
n = [int(time.time() * 1000)]
def staff(text):
    n[0] += 1
    f = {'token': 's1ashtokens1ashtokens1asht', 'channel_name': 'staff',
         'user_id': 'staffid00000000000000000001', 'user_name': 'ana',
         'text': text, 'post_id': 'st%d' % n[0], 'trigger_word': '!'}
    return expect_json(post('/hooks/mattermost', urllib.parse.urlencode(f), FORM), text)['text']
def dms(kind):
    try:
        cs = [json.loads(l) for l in open(T + '/api-%s/calls.jsonl' % kind)]
    except FileNotFoundError:
        return []
    key = {'mattermost': 'message', 'slack': 'text', 'discord': 'content', 'rocketchat': 'text'}[kind]
    return [json.loads(c['body'])[key] for c in cs
            if c['status'] in (200, 201) and c['method'] == 'POST' and key in json.loads(c['body'] or '{}')]
def wait_dm(kind, text):
    for _ in range(200):          # bounded: 20 s
        if text in dms(kind):
            return dms(kind)
        time.sleep(0.1)
    raise AssertionError('%s: no DM %r in %s' % (kind, text, dms(kind)))
$1" || { tail -30 "$T/bot.log"; fail "$2"; }
}

# Four requests, one per platform, acknowledged privately.
py '
b = fixture("mattermost-slash.form").replace(b"text=287g", b"text=consult+need+help+mm")
check("#1" in expect_json(post("/hooks/mattermost", b, FORM), "mm")["text"], "mm request #1")
b = fixture("slack-slash.form").replace(b"text=287g", b"text=consult+need+help+slack")
check("#2" in expect_json(post("/hooks/slack", b, FORM, slack_headers(SS, b)), "slack")["text"], "slack #2")
doc = json.loads(fixture("discord-command.json")); doc["data"]["options"][0]["value"] = "consult need help discord"
b = json.dumps(doc).encode()
check("#3" in expect_json(post("/hooks/discord", b, "application/json", discord_headers(T + "/discord.pem", b)), "dc")["data"]["content"], "discord #3")
doc = json.loads(fixture("rocketchat-outgoing.json")); doc["text"] = "!consult need help rc"
check("#4" in expect_json(post("/hooks/rocketchat", json.dumps(doc), "application/json"), "rc")["text"], "rc #4")
' "requests"

# Replies, two to the same requester: in order.
py '
for i, t in [(1, "first"), (1, "second"), (2, "hola"), (3, "hi"), (4, "hey")]:
    check("saved" in staff("!reply %d %s" % (i, t)), "reply %d saved" % i)
check("no request" in staff("!reply 99 x").lower(), "unknown request")
m = wait_dm("mattermost", "[#1] second")
check(m.index("[#1] first") < m.index("[#1] second"), "mattermost: in order", m)
wait_dm("slack", "[#2] hola"); wait_dm("discord", "[#3] hi"); wait_dm("rocketchat", "[#4] hey")
cs = [json.loads(l) for l in open(T + "/api-mattermost/calls.jsonl")]
check(json.loads([c for c in cs if c["path"] == "/api/v4/channels/direct"][0]["body"])[1] == "ywn1ok4ykjnx7ycgcfbeqxkuye",
      "mattermost: DM to the requester")
cs = [json.loads(l) for l in open(T + "/api-slack/calls.jsonl")]
check(json.loads([c for c in cs if c["path"] == "/conversations.open"][0]["body"]) == {"users": "U2147483697"}, "slack: to the requester")
cs = [json.loads(l) for l in open(T + "/api-discord/calls.jsonl")]
check(json.loads(cs[0]["body"]) == {"recipient_id": "1180000000000000040"}, "discord: to the requester")
cs = [json.loads(l) for l in open(T + "/api-rocketchat/calls.jsonl")]
check(json.loads(cs[-1]["body"])["channel"] == "@jose", "rocketchat: to the requester")
s = staff("!show 1")
check("replied by ana" in s and "delivered" in s and "first" in s, "show: history", s)
' "replies delivered"

# Every API goes down for 60 s (503; Slack 429 with Retry-After), and the
# bot is SIGKILLed in the middle of it: once the APIs are back, each
# requester gets the replies saved during the outage, after the earlier
# ones, in order, once each.
OUTAGE=60
for k in mattermost discord rocketchat; do
	fakeapi_modes $k "status 503"
done
fakeapi_modes slack "429 3"
OUT0=$(date +%s)
py '
for i, k in [(1, "mm"), (2, "sl"), (3, "dc"), (4, "rc")]:
    for w in ("third", "fourth"):
        check("saved" in staff("!reply %d %s-%s" % (i, w, k)), "%s %s saved" % (k, w))
def failed(kind, st):
    try:
        return [c for c in (json.loads(l) for l in open(T + "/api-%s/calls.jsonl" % kind))
                if c["status"] == st]
    except FileNotFoundError:
        return []
for kind, st in [("mattermost", 503), ("slack", 429), ("discord", 503), ("rocketchat", 503)]:
    for _ in range(300):          # bounded: 30 s
        if len(failed(kind, st)) >= 2:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("%s: no retries during the outage" % kind)
s = failed("slack", 429)
check(s[1]["t"] - s[0]["t"] >= 3, "slack: Retry-After honoured", s[:2])
check("third-mm" not in str(dms("mattermost")), "nothing delivered during the outage")
' "outage"
# The bot dies with all eight replies pending, and comes back while the
# APIs are still down.
left=$((OUT0 + OUTAGE - 12 - $(date +%s)))
[ "$left" -gt 0 ] && sleep "$left"
kill -9 $BOT
wait $BOT 2>/dev/null || true
N503=$(cat "$T"/api-*/calls.jsonl | wc -l)
start
left=$((OUT0 + OUTAGE - $(date +%s)))
[ "$left" -gt 0 ] && sleep "$left"
for k in mattermost slack discord rocketchat; do
	fakeapi_modes $k ok
done
N503=$N503 py '
ncalls = sum(1 for k in ("mattermost", "slack", "discord", "rocketchat")
        for l in open(T + "/api-%s/calls.jsonl" % k))
check(ncalls > int(os.environ["N503"]), "the restarted bot tried during the outage")
def wait_long(kind, text):
    for _ in range(600):          # bounded: 60 s
        if text in dms(kind):
            return dms(kind)
        time.sleep(0.1)
    raise AssertionError("%s: no DM %r in %s" % (kind, text, dms(kind)))
for kind, k, before in [("mattermost", "mm", "[#1] second"), ("slack", "sl", "[#2] hola"),
                        ("discord", "dc", "[#3] hi"), ("rocketchat", "rc", "[#4] hey")]:
    m = wait_long(kind, "[#%d] fourth-%s" % ({"mm": 1, "sl": 2, "dc": 3, "rc": 4}[k], k))
    i = {"mm": 1, "sl": 2, "dc": 3, "rc": 4}[k]
    third, fourth = "[#%d] third-%s" % (i, k), "[#%d] fourth-%s" % (i, k)
    check(m.index(before) < m.index(third) < m.index(fourth), "%s: order kept across outage and kill" % kind, m)
    check(m.count(third) == 1 and m.count(fourth) == 1 and m.count(before) == 1, "%s: delivered once" % kind, m)
s = staff("!show 1")
check(s.count("delivered") >= 4, "show: all delivered", s)
' "after the outage and SIGKILL"

# Discord refuses for good; after dead_letter_after staff get an alert.
conf 5
kill -HUP $BOT
wait_grep "reloaded" "$T/bot.log" 10 || fail "no reload"
fakeapi_modes discord "status 403"
py '
check("saved" in staff("!reply 3 lost"), "lost saved")
for _ in range(200):              # bounded: 20 s
    posts = [json.loads(l)["body"] for l in open(T + "/sink-ops/posts.jsonl")]
    if any("reply to request #3 could not be delivered" in p for p in posts):
        break
    time.sleep(0.1)
else:
    raise AssertionError("no alert: %s" % posts)
s = staff("!show 3")
check("not delivered" in s, "show: dead-lettered", s)
' "dead letter"
expect_no_grep "need help" "$T/bot.log"
pass "staff replies reach requesters"
