#!/bin/sh
# Slack, Rocket.Chat, Teams and Discord over real HTTP with their real
# payloads and signatures: good requests answered in each platform's JSON,
# forged, missing and expired signatures or tokens refused, mass mentions
# never able to ping, bots ignored.
. "$TOP/tests/lib/common.sh"
PORT=$(free_port)
SLACK_SECRET=8f742231b10e8888abcd99yyyzzz85a5
TEAMS_SECRET=$(python3 -c 'import base64; print(base64.b64encode(bytes(range(32))).decode())')
KEYHEX=$(PYTHONPATH="$TOP/tests/lib" python3 -c "
from webhook import ed25519_keygen; print(ed25519_keygen('$T')[1])")
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
[slack]
path = /hooks/slack
signing_secret = env:TEST_SLACK_SECRET
[rocketchat]
path = /hooks/rocketchat
token = rc-token-9f8e7d6c5b4a
[teams]
path = /hooks/teams
signing_secret = $TEAMS_SECRET
[discord]
path = /hooks/discord
public_key = $KEYHEX
EOC
TEST_SLACK_SECRET=$SLACK_SECRET "$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT SLACK_SECRET=$SLACK_SECRET TEAMS_SECRET=$TEAMS_SECRET T=$T \
    PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "platform checks"; }
import json, os, time
from webhook import *

FORM = "application/x-www-form-urlencoded"
SS = os.environ["SLACK_SECRET"]; TS = os.environ["TEAMS_SECRET"]
PEM = os.path.join(os.environ["T"], "discord.pem")

# ---- Slack ----
body = fixture("slack-slash.form")
d = expect_json(post("/hooks/slack", body, FORM, slack_headers(SS, body)), "slack: signed slash command")
check(d["response_type"] == "in_channel", "slack: topic answer in channel", d)
check("*The 287(g) program*" in d["text"] and "**" not in d["text"], "slack: mrkdwn bold", d)
b2 = body.replace(b"text=287g", b"text=287g+more").replace(b"trigger_id=133", b"trigger_id=999")
d = expect_json(post("/hooks/slack", b2, FORM, slack_headers(SS, b2)), "slack: 287g more")
check(d["response_type"] == "ephemeral", "slack: private reply is ephemeral", d)
b3 = body.replace(b"text=287g", b"text=%26lt%3B%21channel%26gt%3B+%40here").replace(b"trigger_id=133", b"trigger_id=888")
d = expect_json(post("/hooks/slack", b3, FORM, slack_headers(SS, b3)), "slack: mention-laden text")
check("<!channel>" not in d["text"] and "@here" not in d["text"], "slack: no mass mention echoed", d)
expect_status(post("/hooks/slack", body, FORM, slack_headers(SS, body, forge=True)), 401, "slack: forged signature 401")
expect_status(post("/hooks/slack", body, FORM), 401, "slack: missing signature 401")
expect_status(post("/hooks/slack", body, FORM, slack_headers(SS, body, ts=int(time.time()) - 301)), 403, "slack: expired timestamp 403")
expect_status(post("/hooks/slack", body, FORM, slack_headers("wrong-secret", body)), 401, "slack: other secret 401")
h = slack_headers(SS, body); tampered = body.replace(b"287g", b"osltc")
expect_status(post("/hooks/slack", tampered, FORM, h), 401, "slack: tampered body 401")
expect_status(post("/hooks/slack", b'{"text":"x"}', "application/json", slack_headers(SS, b'{"text":"x"}')), 415, "slack: JSON 415")

# ---- Rocket.Chat ----
body = fixture("rocketchat-outgoing.json")
d = expect_json(post("/hooks/rocketchat", body, "application/json"), "rocketchat: outgoing webhook")
check("287(g)" in d["text"] and "response_type" not in d, "rocketchat: answer", d)
doc = json.loads(body); doc["message_id"] = "thr1"; doc["tmid"] = "parent1"
d = expect_json(post("/hooks/rocketchat", json.dumps(doc), "application/json"), "rocketchat: in a thread")
check(d.get("tmid") == "parent1", "rocketchat: answered in the thread", d)
doc = json.loads(body); doc["message_id"] = "bot1"; doc["bot"] = {"i": "x"}
st, _, b = post("/hooks/rocketchat", json.dumps(doc), "application/json")
check(st == 200 and b == b"", "rocketchat: bot message ignored", (st, b))
doc = json.loads(body); doc["token"] = "rc-token-wrong"
expect_status(post("/hooks/rocketchat", json.dumps(doc), "application/json"), 403, "rocketchat: wrong token 403")
del doc["token"]
expect_status(post("/hooks/rocketchat", json.dumps(doc), "application/json"), 401, "rocketchat: missing token 401")
expect_status(post("/hooks/rocketchat", b"[1,2", "application/json"), 400, "rocketchat: malformed 400")

# ---- Teams ----
body = fixture("teams-outgoing.json")
d = expect_json(post("/hooks/teams", body, "application/json", teams_headers(TS, body)), "teams: signed activity")
check(d["type"] == "message" and "287(g)" in d["text"], "teams: <at> mention stripped, answered", d)
expect_status(post("/hooks/teams", body, "application/json", teams_headers(TS, body, forge=True)), 401, "teams: forged HMAC 401")
expect_status(post("/hooks/teams", body, "application/json"), 401, "teams: missing HMAC 401")
expect_status(post("/hooks/teams", body, "application/json", {"Authorization": "HMAC !!!"}), 401, "teams: garbage HMAC 401")
wrong = base64.b64encode(bytes(32)).decode()
expect_status(post("/hooks/teams", body, "application/json", teams_headers(wrong, body)), 401, "teams: other secret 401")

# ---- Discord ----
body = fixture("discord-ping.json")
d = expect_json(post("/hooks/discord", body, "application/json", discord_headers(PEM, body)), "discord: PING")
check(d == {"type": 1}, "discord: PONG", d)
expect_status(post("/hooks/discord", body, "application/json", discord_headers(PEM, body, forge=True)), 401, "discord: forged PING 401")
expect_status(post("/hooks/discord", body, "application/json"), 401, "discord: unsigned 401")
expect_status(post("/hooks/discord", body, "application/json", discord_headers(PEM, body, ts=int(time.time()) - 3600)), 401, "discord: expired 401")
body = fixture("discord-command.json")
d = expect_json(post("/hooks/discord", body, "application/json", discord_headers(PEM, body)), "discord: /intake 287g")
check(d["type"] == 4 and "287(g)" in d["data"]["content"], "discord: message reply", d)
check(d["data"]["allowed_mentions"] == {"parse": []}, "discord: mentions off", d)
check("flags" not in d["data"], "discord: topic answer public", d)
check(len(d["data"]["content"]) <= 2000, "discord: within 2000 characters")
doc = json.loads(body); doc["id"] = "more1"; doc["data"]["options"][0]["value"] = "287g more"
b2 = json.dumps(doc).encode()
d = expect_json(post("/hooks/discord", b2, "application/json", discord_headers(PEM, b2)), "discord: 287g more")
check(d["data"].get("flags") == 64, "discord: private reply ephemeral", d)
check(len(d["data"]["content"]) <= 2000, "discord: long body cut to 2000")
check(d["data"]["content"].rstrip().endswith("287g"), "discord: link kept last", d["data"]["content"][-80:])
h = discord_headers(PEM, body)
expect_status(post("/hooks/discord", body.replace(b"287g", b"osltc"), "application/json", h), 401, "discord: tampered 401")
PY
expect_no_grep "$SLACK_SECRET" "$T/bot.log"
expect_no_grep "$TEAMS_SECRET" "$T/bot.log"
pass "slack, rocketchat, teams, discord"
