#!/bin/sh
# Help and hints name the invocation the asker used: "/intake 287g" after
# a Slack, Mattermost or Discord slash command (the name taken from the
# request, "/ask" included), "!287g" after an outgoing webhook.
. "$TOP/tests/lib/common.sh"
PORT=$(free_port)
SLACK_SECRET=8f742231b10e8888abcd99yyyzzz85a5
KEYHEX=$(PYTHONPATH="$TOP/tests/lib" python3 -c "
from webhook import ed25519_keygen; print(ed25519_keygen('$T')[1])")
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
[mattermost]
path = /hooks/mattermost
token = s1ashtokens1ashtokens1asht
[slack]
path = /hooks/slack
signing_secret = $SLACK_SECRET
[discord]
path = /hooks/discord
public_key = $KEYHEX
[consult]
intake = oneline
EOC
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT SLACK_SECRET=$SLACK_SECRET T=$T PYTHONPATH="$TOP/tests/lib" \
    python3 - <<'PY' || { cat "$T/bot.log"; fail "help checks"; }
import json, os, re
from webhook import *

FORM = "application/x-www-form-urlencoded"
SS = os.environ["SLACK_SECRET"]
PEM = os.path.join(os.environ["T"], "discord.pem")

def slack(text, cmd="%2Fintake", tid="1"):
    b = fixture("slack-slash.form").replace(b"text=287g", b"text=" + text.encode()) \
        .replace(b"command=%2Fintake", b"command=" + cmd.encode()) \
        .replace(b"trigger_id=133", b"trigger_id=" + tid.encode())
    return expect_json(post("/hooks/slack", b, FORM, slack_headers(SS, b)), "slack " + text)["text"]

def mm(text, slash, tid):
    b = fixture("mattermost-slash.form").replace(b"text=287g", b"text=" + text.encode()) \
        .replace(b"trigger_id=dGVz", b"trigger_id=" + tid.encode())
    if not slash:
        b = b.replace(b"command=%2Fintake&", b"").replace(b"trigger_id=", b"post_id=")
    return expect_json(post("/hooks/mattermost", b, FORM), "mattermost " + text)["text"]

def discord(text, i):
    doc = json.loads(fixture("discord-command.json"))
    doc["id"] = "h%d" % i
    doc["data"]["options"][0]["value"] = text
    b = json.dumps(doc).encode()
    return expect_json(post("/hooks/discord", b, "application/json",
                            discord_headers(PEM, b)), "discord " + text)["data"]["content"]

t = slack("help")
check("/intake &lt;topic&gt;" in t and "/intake 287g" in t and "!287g" not in t,
      "slack help names /intake", t)
t = slack("287g", tid="2")
check("/intake 287g more" in t and "!287g" not in t, "slack topic hint names /intake", t)
t = slack("help", cmd="%2Fask", tid="3")
check("/ask 287g" in t and "/intake" not in t, "slack: the command's own name", t)
t = slack("278g", tid="4")
check("/intake 287g" in t, "slack: did you mean /intake 287g", t)
t = mm("help", True, "aGxw")
check("/intake <topic>" in t and "!<topic>" not in t, "mattermost slash help", t)
t = mm("!help", False, "b3V0")
check("!<topic>" in t and "/intake" not in t, "mattermost outgoing help names !", t)
t = mm("!287g", False, "b3Uy")
check("!287g more" in t, "mattermost outgoing hint names !287g more", t)
t = discord("help", 1)
check("/intake 287g" in t and "!287g" not in t, "discord help names /intake", t)
t = discord("consult", 2)
check("/intake consult" in t and "!consult" not in t, "discord consult usage names /intake", t)
PY
pass "help per platform"
