#!/bin/sh
# Mattermost over real HTTP: outgoing webhooks (form, and JSON with its
# millisecond timestamp), slash commands (Authorization header, body
# token, GET), several tokens per route, refusals (401/403/400/404/405/
# 415), bots ignored, retried posts answered once, and a live reload of
# the route's tokens.
. "$TOP/tests/lib/common.sh"
PORT=$(free_port)
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
[mattermost]
path = /hooks/mattermost
token = xr3j5x3p4pfk7kttbd6ewqchoe, s1ashtokens1ashtokens1asht
staff_channel = staff
EOC
"$INTAKEBOT" -c "$T/bot.conf" -v >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "mattermost checks"; }
import json
from webhook import *

P = "/hooks/mattermost"
FORM = "application/x-www-form-urlencoded"

d = expect_json(post(P, fixture("mattermost-outgoing.form"), FORM),
                "outgoing webhook, form")
check(d["response_type"] == "in_channel", "outgoing: in channel", d)
check("**The 287(g) program**" in d["text"], "outgoing: topic answer", d)
check(d["text"].rstrip().endswith("https://www.ice.gov/identify-and-arrest/287g"),
      "outgoing: link last", d)

d = expect_json(post(P, fixture("mattermost-outgoing.json"), "application/json"),
                "outgoing webhook, JSON with ms timestamp")
check("text" in d and "!osltc" not in d["text"][:2], "JSON: answered", d)

# JSON docs show a quoted seconds timestamp: that works too.
doc = json.loads(fixture("mattermost-outgoing.json"))
doc["timestamp"] = "1764332580"; doc["post_id"] = "quotedts"
expect_json(post(P, json.dumps(doc), "application/json; charset=utf-8"),
            "JSON with string timestamp and charset")

d = expect_json(post(P, fixture("mattermost-slash.form"), FORM),
                "slash command, body token (second of the list)")
check(d["response_type"] == "in_channel" and "287(g)" in d["text"],
      "slash: topic in channel", d)

body = fixture("mattermost-slash.form").replace(b"text=287g", b"text=287g+more") \
    .replace(b"trigger_id=dGVz", b"trigger_id=bW9y")
d = expect_json(post(P, body, FORM), "slash: 287g more")
check(d["response_type"] == "ephemeral", "slash: private body is ephemeral", d)

body = fixture("mattermost-slash.form").replace(b"token=s1ashtokens1ashtokens1asht", b"token=") \
    .replace(b"trigger_id=dGVz", b"trigger_id=aGRy")
d = expect_json(post(P, body, FORM,
                {"Authorization": "Token s1ashtokens1ashtokens1asht"}),
                "slash: Authorization header")
check("287(g)" in d["text"], "slash via header answered", d)

st, _, _ = post(P, fixture("mattermost-slash.form"), FORM,
                {"Authorization": "Token wrongwrongwrongwrongwrong1"})
check(st == 403, "slash: wrong header token is 403", st)

q = "token=s1ashtokens1ashtokens1asht&command=%2Fintake&text=osltc&user_name=maria&channel_name=town-square&trigger_id=get1"
d = expect_json(request("GET", P + "?" + q), "slash command by GET")
check("text" in d and len(d["text"]) > 0, "GET slash answered", d)

d = expect_json(post(P, "token=s1ashtokens1ashtokens1asht&command=%2Fintake&text=&user_name=maria&channel_name=town-square&trigger_id=e1", FORM),
                "slash with no text")
check("!287g" in d["text"] or "287g" in d["text"], "empty slash text gives help", d)

# Refusals.
before = metric("intakebot_http_verify_failures_total", 'route="mattermost"')
expect_status(post(P, fixture("mattermost-outgoing.form").replace(b"xr3j5x3p", b"xr3j5x3q"), FORM),
              403, "wrong token: 403")
expect_status(post(P, b"team_domain=x&text=%21287g", FORM), 401, "missing token: 401")
expect_status(post(P, b"token=xr3j5x3p4pfk7kttbd6ewqchoe", FORM + "x"), 415, "bad content type: 415")
expect_status(post(P, b"token=xr3j5x3p4pfk7kttbd6ewqchoe&text=%21287g", "text/plain"), 415, "text/plain: 415")
expect_status(post(P, b'{"token": "xr3j5', "application/json"), 400, "malformed JSON: 400")
expect_status(post(P, b"token=xr3j5x3p4pfk7kttbd6ewqchoe&text=%zz", FORM), 400, "bad escape: 400")
expect_status(post(P, b"token=xr3j5x3p4pfk7kttbd6ewqchoe%00&text=x", FORM), 400, "%00: 400")
expect_status(request("PUT", P, b"x", {"Content-Type": FORM}), 405, "PUT: 405")
expect_status(post("/hooks/other", b"x", FORM), 404, "unknown path: 404")
expect_status(request("POST", "/healthz", b"", {}), 405, "POST /healthz: 405")
check(metric("intakebot_http_verify_failures_total", 'route="mattermost"') == before + 2,
      "verification failures counted")

# Our own posts and other bots are ignored: no loops.
st, _, b = post(P, fixture("mattermost-outgoing.form").replace(b"user_name=maria", b"user_name=intakebot")
                .replace(b"post_id=qn95", b"post_id=self"), FORM)
check(st == 200 and b == b"", "own post ignored", (st, b))

# A retried post (same post_id) gets the same answer, routed once.
r1 = metric("intakebot_http_replies_total", 'route="mattermost"')
body = fixture("mattermost-outgoing.form").replace(b"post_id=qn95", b"post_id=retr")
a = post(P, body, FORM)
b = post(P, body, FORM)
check(a[0] == b[0] == 200 and a[2] == b[2] and len(a[2]) > 0, "retry replayed", (a, b))
check(metric("intakebot_http_replies_total", 'route="mattermost"') == r1 + 1, "retry routed once")
check(metric("intakebot_http_duplicates_total", 'route="mattermost"') == 1, "duplicate counted")

# A trigger word that is the bot's name addresses it.
d = expect_json(post(P, "token=xr3j5x3p4pfk7kttbd6ewqchoe&channel_name=town-square&user_name=maria&post_id=trig&trigger_word=intakebot&text=intakebot+osltc", FORM),
                "trigger word = bot name")
check(len(d["text"]) > 0, "addressed by trigger word", d)
PY

# Tokens change live on SIGHUP.
sed -i 's/^token = .*/token = newtokennewtokennewtokenne/' "$T/bot.conf"
kill -HUP $BOT
wait_grep "reloaded" "$T/bot.log" 10 || fail "no reload"
PORT=$PORT PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "reload checks"; }
from webhook import *
P = "/hooks/mattermost"; FORM = "application/x-www-form-urlencoded"
expect_status(post(P, fixture("mattermost-outgoing.form").replace(b"post_id=qn95", b"post_id=rl1"), FORM), 403, "old token refused after reload")
body = fixture("mattermost-outgoing.form").replace(b"xr3j5x3p4pfk7kttbd6ewqchoe", b"newtokennewtokennewtokenne").replace(b"post_id=qn95", b"post_id=rl2")
expect_json(post(P, body, FORM), "new token accepted after reload")
PY
expect_no_grep "xr3j5x3p4pfk7kttbd6ewqchoe" "$T/bot.log"
expect_no_grep "newtokennewtoken" "$T/bot.log"
pass "mattermost webhooks"
