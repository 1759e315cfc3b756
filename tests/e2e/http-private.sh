#!/bin/sh
# Private answers never go public on a webhook without a private path:
# over real HTTP, a Mattermost outgoing webhook and a Teams outgoing
# webhook get neither the body of "!287g more" nor a request number from
# "!consult", but a public hint on how to reach the bot privately, and no
# request is stored.  A Mattermost slash command still answers both
# ephemerally (the request taken, its number given), and Rocket.Chat
# addresses private answers to "@user" (delivered as a direct message).
# The one-line intake is used here; the guided one is checked last.
. "$TOP/tests/lib/common.sh"
PORT=$(free_port)
TEAMS_SECRET=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(32))).decode())')
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
[mattermost]
path = /hooks/mattermost
token = xr3j5x3p4pfk7kttbd6ewqchoe
[rocketchat]
path = /hooks/rocketchat
token = rc-token-9f8e7d6c5b4a
[teams]
path = /hooks/teams
signing_secret = $TEAMS_SECRET
[consult]
intake = oneline
cooldown = 0
EOC
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT TEAMS_SECRET=$TEAMS_SECRET T=$T PYTHONPATH="$TOP/tests/lib" \
    python3 - <<'PY' || { cat "$T/bot.log"; fail "private answer checks"; }
import json, os, re, sqlite3, urllib.parse
from webhook import *

FORM = "application/x-www-form-urlencoded"
TS = os.environ["TEAMS_SECRET"]
DB = os.path.join(os.environ["T"], "data", "intakebot.db")
BODY = "Memorandum of Agreement"   # in the 287g "more" body only
SECRET = "my brother was detained yesterday in Dallas"
n = [0]

def consults():
    c = sqlite3.connect(DB)
    try:
        return c.execute("SELECT count(*) FROM consults").fetchone()[0]
    finally:
        c.close()

def mm(text, slash=False):
    n[0] += 1
    f = {"token": "xr3j5x3p4pfk7kttbd6ewqchoe", "team_domain": "community",
         "channel_id": "7y9yrgi3s3nyzpiojztgxhqdxr",
         "channel_name": "town-square", "user_id": "ywn1ok4ykjnx7ycgcfbeqxkuye",
         "user_name": "maria", "text": text}
    if slash:
        f.update(command="/intake", trigger_id="t%d" % n[0])
    else:
        f.update(post_id="p%d" % n[0], trigger_word=text.split()[0])
    return expect_json(post("/hooks/mattermost", urllib.parse.urlencode(f), FORM),
                       "mattermost: " + text)

def public_ok(d, what):
    t = d["text"]
    check(BODY not in t and SECRET not in t, what + ": no private text", t)
    check(not re.search(r"#\s*\d", t), what + ": no request number", t)
    check("only in private" in t, what + ": says it answers privately", t)

with open(os.path.join(os.environ["TOP"], "content/287g.md")) as f:
    check(BODY in f.read(), "the marker is in the topic body")

# Mattermost outgoing webhook: no private path.
d = mm("!287g more")
check(d["response_type"] == "in_channel", "outgoing: in channel", d)
public_ok(d, "outgoing !287g more")
check("slash command" in d["text"], "outgoing: hint names the slash command", d)
d = mm("!consult " + SECRET)
public_ok(d, "outgoing !consult")
check("nothing was saved" in d["text"], "outgoing !consult: says nothing was saved", d)
check(consults() == 0, "outgoing !consult: nothing stored")
d = mm("!287g")
check("287(g)" in d["text"] and "only in private" not in d["text"],
      "outgoing: public answers unchanged", d)

# Teams: never a private path.
def teams(text, i):
    doc = json.loads(fixture("teams-outgoing.json"))
    doc["id"] = "tm%d" % i
    doc["text"] = "<at>Intake</at>&nbsp;" + text
    b = json.dumps(doc).encode()
    return expect_json(post("/hooks/teams", b, "application/json",
                            teams_headers(TS, b)), "teams: " + text)
d = teams("287g more", 1)
public_ok(d, "teams 287g more")
d = teams("consult " + SECRET, 2)
public_ok(d, "teams consult")
check(consults() == 0, "teams consult: nothing stored")

# Mattermost slash command: ephemeral, the request taken.
d = mm("287g more", slash=True)
check(d["response_type"] == "ephemeral" and BODY in d["text"],
      "slash 287g more: body, ephemeral", d)
d = mm("consult " + SECRET, slash=True)
check(d["response_type"] == "ephemeral" and re.search(r"#1\b", d["text"]),
      "slash consult: number given ephemerally", d)
check(consults() == 1, "slash consult: stored")

# Rocket.Chat: private answers go to @user only.
def rc(text, i, user="jose"):
    doc = json.loads(fixture("rocketchat-outgoing.json"))
    doc["message_id"] = "rc%d" % i; doc["text"] = text; doc["user_name"] = user
    return expect_json(post("/hooks/rocketchat", json.dumps(doc), "application/json"),
                       "rocketchat: " + text)
d = rc("!287g more", 1)
check(d.get("channel") == "@jose" and BODY in d["text"], "rocketchat more: DM to @jose", d)
d = rc("!consult " + SECRET, 2)
check(d.get("channel") == "@jose" and re.search(r"#2\b", d["text"]),
      "rocketchat consult: number in the DM", d)
d = rc("!287g", 3)
check("channel" not in d, "rocketchat: public answer stays in the room", d)
d = rc("!287g more", 4, user="bad name@x")
check("channel" not in d, "rocketchat odd name: no DM address", d)
public_ok(d, "rocketchat odd name")
PY
# The guided intake (the default) is a private dialogue: none is started
# where there is no private path, and nothing is stored.
kill $BOT
wait $BOT 2>/dev/null || true
sed -i '/^intake = oneline$/d' "$T/bot.conf"
"$INTAKEBOT" -c "$T/bot.conf" >>"$T/bot.log" 2>&1 &
track $!
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not restart"; }
PORT=$PORT T=$T PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "guided checks"; }
import os, re, sqlite3, urllib.parse
from webhook import *
f = {"token": "xr3j5x3p4pfk7kttbd6ewqchoe", "channel_name": "town-square",
     "user_id": "ywn1ok4ykjnx7ycgcfbeqxkuye", "user_name": "maria",
     "text": "!consult my brother was detained yesterday", "post_id": "g1",
     "trigger_word": "!consult"}
d = expect_json(post("/hooks/mattermost", urllib.parse.urlencode(f),
                     "application/x-www-form-urlencoded"), "guided: outgoing !consult")
check("nothing was saved" in d["text"] and not re.search(r"#\s*\d|\(1/", d["text"]),
      "guided: no question, no number in public", d)
c = sqlite3.connect(os.environ["T"] + "/data/intakebot.db")
check(c.execute("SELECT count(*) FROM intakes").fetchone()[0] == 0, "guided: no dialogue opened")
check(c.execute("SELECT count(*) FROM consults").fetchone()[0] == 2, "guided: nothing stored")
PY
expect_no_grep "detained yesterday" "$T/bot.log"
pass "private answers stay private"
