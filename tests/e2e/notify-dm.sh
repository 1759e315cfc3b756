#!/bin/sh
# Direct messages through each platform's REST API, against local fakes
# (tests/lib/fakeapi.py) that check the bot's credentials and answer as
# the platforms do.  A Mattermost outgoing webhook with a bot account:
# the body of "!287g more" and the number from "!consult" go only into a
# DM (users/me, channels/direct, posts), the public answer holds neither;
# a 429 is waited out.  --test-dm on Slack, Discord and Rocket.Chat:
# delivered, retried after {"ok":false,"error":"ratelimited"} in a 200,
# a 429 with Retry-After and Rocket.Chat's too-many-requests; refused for
# good on a permanent error and on a wrong token (401, invalid_auth).
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fakeapi.sh"
MM_BOT=mmbottoken4y7w9k2q5x8z3c6v1b
SL_BOT=xoxb-1111-2222-fakefakefake
DC_BOT=ODk5.discord.faketoken
RC_BOT=rc-bot-token-7h2k
fakeapi_start mattermost $MM_BOT
MMP=$API_PORT
fakeapi_start slack $SL_BOT
SLP=$API_PORT
fakeapi_start discord $DC_BOT
DCP=$API_PORT
fakeapi_start rocketchat $RC_BOT rcbotuser1
RCP=$API_PORT
PORT=$(free_port)
conf() { # conf FILE MM_TOKEN SLACK_TOKEN DISCORD_TOKEN RC_TOKEN
	cat >"$1" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[consult]
intake = oneline
[http]
listen = 127.0.0.1:$PORT
[mattermost]
path = /hooks/mattermost
token = xr3j5x3p4pfk7kttbd6ewqchoe
api_url = http://127.0.0.1:$MMP
bot_token = env:TEST_MM_BOT
staff_test_give_up = 20
[slack]
api_url = http://127.0.0.1:$SLP/
bot_token = $3
staff_test_give_up = 20
[discord]
api_url = http://127.0.0.1:$DCP
bot_token = $4
staff_test_give_up = 20
[rocketchat]
api_url = http://127.0.0.1:$RCP
bot_user_id = rcbotuser1
bot_token = $5
staff_test_give_up = 20
EOC
}
conf "$T/bot.conf" x $SL_BOT $DC_BOT $RC_BOT
conf "$T/wrong.conf" x xoxb-wrong wrong wrong
TEST_MM_BOT=$MM_BOT "$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT T=$T PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "mattermost DM checks"; }
import json, os, re, sqlite3, time, urllib.parse
from webhook import *

T = os.environ["T"]
FORM = "application/x-www-form-urlencoded"
BODY = "Memorandum of Agreement"
SECRET = "my brother was detained yesterday in Dallas"
USER = "ywn1ok4ykjnx7ycgcfbeqxkuye"
BOT = "bot4ac1bw7pnd8xfqz3ry6k9ta"
n = [0]

def calls():
    try:
        return [json.loads(l) for l in open(T + "/api-mattermost/calls.jsonl")]
    except FileNotFoundError:
        return []

def wait_posts(k):
    for _ in range(150):          # bounded: 15 s
        ps = [c for c in calls() if c["path"] == "/api/v4/posts" and c["status"] == 201]
        if len(ps) >= k:
            return ps
        time.sleep(0.1)
    raise AssertionError("no DM post %d; calls: %s" % (k, calls()))

def mm(text):
    n[0] += 1
    f = {"token": "xr3j5x3p4pfk7kttbd6ewqchoe", "channel_name": "town-square",
         "user_id": USER, "user_name": "maria", "text": text,
         "post_id": "p%d" % n[0], "trigger_word": text.split()[0]}
    return expect_json(post("/hooks/mattermost", urllib.parse.urlencode(f), FORM),
                       "mattermost: " + text)

d = mm("!287g more")
check(BODY not in d["text"] and "direct message" in d["text"],
      "more: public answer points to the DM", d)
ps = wait_posts(1)
cs = calls()
check([c["path"] for c in cs[:3]] == ["/api/v4/users/me", "/api/v4/channels/direct", "/api/v4/posts"],
      "DM: users/me, channels/direct, posts", cs)
check(cs[0]["method"] == "GET" and cs[0]["auth"]["Authorization"].startswith("Bearer "),
      "DM: bot token as Bearer", cs[0])
check(json.loads(cs[1]["body"]) == [BOT, USER], "DM: channel of bot and asker", cs[1])
msg = json.loads(ps[0]["body"])
check(BODY in msg["message"] and msg["message"].rstrip().endswith("287g"),
      "DM: the whole body, link last", msg)

d = mm("!consult " + SECRET)
check(SECRET not in d["text"] and not re.search(r"#\s*\d", d["text"]),
      "consult: no text, no number in public", d)
check("direct message" in d["text"], "consult: points to the DM", d)
ps = wait_posts(2)
check(re.search(r"#1\b", json.loads(ps[1]["body"])["message"]), "consult: number in the DM", ps[1])
c = sqlite3.connect(T + "/data/intakebot.db")
check(c.execute("SELECT count(*) FROM consults").fetchone()[0] == 1, "consult: stored")
c.close()

# A 429 is waited out (Retry-After), then the DM goes.
with open(T + "/api-mattermost/modes", "w") as f:
    f.write("429 1\nok\n")
d = mm("!287g more")
ps = wait_posts(3)
cs = calls()
r429 = [c for c in cs if c["status"] == 429]
check(len(r429) == 1, "429 answered once", cs)
after = [c for c in cs if c["n"] > r429[0]["n"]]
check(after and after[0]["t"] - r429[0]["t"] >= 0.9, "retried after Retry-After", after[:1])
PY

# --test-dm through each other platform, with the errors each one has.
export TEST_MM_BOT=$MM_BOT
fakeapi_modes slack "okfalse ratelimited" ok
fakeapi_modes discord "429 1" ok
fakeapi_modes rocketchat "okfalse error-too-many-requests" ok
for to in slack:U024BE7LH discord:80351110224678912 rocketchat:jose; do
	out=$("$INTAKEBOT" -c "$T/bot.conf" --test-dm "$to" 2>>"$T/test-dm.log") ||
		{ echo "$out"; cat "$T/test-dm.log"; fail "--test-dm $to"; }
	echo "$out" | grep -q ": ok$" || fail "--test-dm $to: $out"
done
fakeapi_modes slack "okfalse channel_not_found" ok
out=$("$INTAKEBOT" -c "$T/bot.conf" --test-dm slack:U024BE7LH 2>&1) && fail "permanent slack error accepted"
echo "$out" | grep -q "slack/dm: failed: .*channel_not_found" || fail "slack permanent: $out"
for to in slack:U024BE7LH discord:80351110224678912 rocketchat:jose; do
	out=$("$INTAKEBOT" -c "$T/wrong.conf" --test-dm "$to" 2>&1) &&
		fail "wrong token accepted for $to"
	echo "$out" | grep -Eq "failed: HTTP (401|200, error invalid_auth)" || fail "wrong token $to: $out"
done
fakeapi_modes mattermost ok
out=$(TEST_MM_BOT=wrong "$INTAKEBOT" -c "$T/bot.conf" --test-dm mattermost:ywn1ok4ykjnx7ycgcfbeqxkuye 2>&1) &&
	fail "wrong mattermost token accepted"
echo "$out" | grep -q "failed: HTTP 401" || fail "mattermost 401: $out"

T=$T python3 - <<'PY' || fail "what reached the fakes"
import json, os
T = os.environ["T"]
def calls(k):
    return [json.loads(l) for l in open(T + "/api-%s/calls.jsonl" % k)]
s = calls("slack")
ok = [c for c in s if c["path"] == "/chat.postMessage" and '"ok": true' not in c["body"]]
opened = [json.loads(c["body"]) for c in s if c["path"] == "/conversations.open"]
assert opened and all(o == {"users": "U024BE7LH"} for o in opened), opened
posted = [json.loads(c["body"]) for c in s if c["path"] == "/chat.postMessage"]
assert posted and posted[0]["channel"].startswith("D") and "test message" in posted[0]["text"], posted
d = calls("discord")
assert [c["status"] for c in d][:3] == [429, 200, 200], d
assert json.loads(d[1]["body"]) == {"recipient_id": "80351110224678912"}, d[1]
assert json.loads(d[2]["body"])["allowed_mentions"] == {"parse": []}, d[2]
assert d[1]["auth"]["Authorization"].startswith("Bot "), d[1]
r = calls("rocketchat")
good = [c for c in r if c["status"] == 200]
assert json.loads(good[-1]["body"])["channel"] == "@jose", good
assert any(c["mode"] == "unauthorized" and c["status"] == 401 for c in r), r
PY
for s in $MM_BOT $SL_BOT $DC_BOT $RC_BOT; do expect_no_grep "$s" "$T/bot.log"; done
expect_no_grep "detained yesterday" "$T/bot.log"
pass "direct messages through the platforms' APIs"
