#!/bin/sh
# The intake as a native form, over real HTTP on loopback, with the
# platforms' REST APIs played by tests/lib/fakeapi.py and the staff
# webhook by tests/lib/sink.py:
# - Slack: /intake consult makes the bot call views.open with the
#   command's trigger_id; a signed view_submission with a bad email gets
#   {"response_action":"errors"}, one without consent too, a forged one
#   401; a good one is stored with every field, its number goes by DM
#   and staff get the structured line.
# - Mattermost: dialogs/open with the trigger_id, the submit URL under
#   [http] public_url and a signed state; a forged, expired or another
#   person's state is 403; field errors come back as {"errors":{...}}.
# - Discord: a response of type 9 with at most five inputs; the signed
#   MODAL_SUBMIT is read in both component shapes, in the language of
#   the interaction's locale; a bad signature is 401.
# views.open goes out at once even while a direct message waits out a
# 429.  Nothing without consent is stored, and no answer reaches the log.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/fakeapi.sh"
SL_BOT=xoxb-3333-4444-formsformsforms
MM_BOT=mmbottoken8f3k2j5h7g9d1s4a6q
fakeapi_start slack $SL_BOT
SLP=$API_PORT
fakeapi_start mattermost $MM_BOT
MMP=$API_PORT
sink_start staff slack
PORT=$(free_port)
KEYHEX=$(cd "$TOP/tests/lib" && python3 -c "
from webhook import ed25519_keygen; print(ed25519_keygen('$T')[1])")
cat >"$T/bot.conf" <<EOC
[bot]
content_dir = $TOP/content
data_dir = $T/data
[http]
listen = 127.0.0.1:$PORT
public_url = http://127.0.0.1:$PORT/
[slack]
path = /hooks/slack
signing_secret = 8f742231b10e8888abcd99yyyzzz85a5
api_url = http://127.0.0.1:$SLP
bot_token = $SL_BOT
staff_webhook_url = http://127.0.0.1:$SINK_PORT/services/T0/B0/staffsecret
[mattermost]
path = /hooks/mattermost
token = xr3j5x3p4pfk7kttbd6ewqchoe
api_url = http://127.0.0.1:$MMP
bot_token = $MM_BOT
[discord]
path = /hooks/discord
public_key = $KEYHEX
[consult]
cooldown = 0
EOC
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
track $!
wait_port "$PORT" 10 || { cat "$T/bot.log"; fail "bot did not listen"; }

PORT=$PORT T=$T PYTHONPATH="$TOP/tests/lib" python3 - <<'PY' || { cat "$T/bot.log"; fail "form checks"; }
import hashlib, hmac, json, os, sqlite3, time, urllib.parse
from webhook import *

T = os.environ["T"]
DB = os.path.join(T, "data", "intakebot.db")
SS = "8f742231b10e8888abcd99yyyzzz85a5"
MMTOK = "xr3j5x3p4pfk7kttbd6ewqchoe"
PEM = os.path.join(T, "discord.pem")
FORM = "application/x-www-form-urlencoded"
SECRET = "Mi hermano fue detenido ayer"

def db(q):
    c = sqlite3.connect(DB)
    try:
        return c.execute(q).fetchall()
    finally:
        c.close()

def nconsults():
    return db("SELECT count(*) FROM consults")[0][0]

def calls(kind, path):
    f = os.path.join(T, "api-" + kind, "calls.jsonl")
    if not os.path.exists(f):
        return []
    with open(f) as fh:
        return [c for c in map(json.loads, fh) if c["path"] == path]

def wait_for(what, fn, n=1):
    for _ in range(100):
        r = fn()
        if len(r) >= n:
            return r
        time.sleep(0.1)
    check(False, "waited for " + what)

# ---- Slack ----
slash = {"team_domain": "example", "channel_id": "C2147483705",
         "channel_name": "help", "user_id": "U2147483697",
         "user_name": "steve", "command": "/intake", "text": "consult",
         "trigger_id": "13345224609.738474920.8088930838d88f008e0"}
b = urllib.parse.urlencode(slash)
r = post("/hooks/slack", b, FORM, slack_headers(SS, b))
check(r[0] == 200 and r[2] == b"", "slack: the command is acknowledged empty", r[2])
vo = wait_for("views.open", lambda: calls("slack", "/views.open"))[0]
check(vo["status"] == 200 and vo["auth"]["Authorization"] == "Bearer xoxb-3333-4444-formsformsforms",
      "slack: views.open with the bot token", vo)
doc = json.loads(vo["body"])
check(doc["trigger_id"] == slash["trigger_id"], "slack: views.open with the trigger_id", doc)
view = doc["view"]
ids = [bl["block_id"] for bl in view["blocks"]]
check(ids == ["name", "contact", "language", "availability", "urgency",
              "description", "consent"], "slack: every field, in order", ids)
check(view["callback_id"] == "intake" and len(view["title"]["text"]) <= 24,
      "slack: the modal", view)

def submission(values, meta=None, vid="V1"):
    st = {}
    for k, v in values.items():
        if k == "consent":
            st[k] = {k: {"type": "checkboxes", "selected_options":
                         [{"value": "yes"}] if v else []}}
        else:
            st[k] = {k: {"type": "plain_text_input", "value": v}}
    p = {"type": "view_submission", "team": {"id": "T0001"},
         "user": {"id": "U2147483697", "username": "steve"},
         "trigger_id": "1.2.3", "view": {"id": vid, "callback_id": "intake",
         "private_metadata": meta or view["private_metadata"],
         "state": {"values": st}}}
    return urllib.parse.urlencode({"payload": json.dumps(p)})

GOOD = {"name": "Ana", "contact": "ana@example.org", "language": "es",
        "availability": "martes por la tarde, hora de Texas",
        "urgency": "detained", "description": SECRET, "consent": True}
b = submission(dict(GOOD, contact="ana@example"))
d = expect_json(post("/hooks/slack", b, FORM, slack_headers(SS, b)), "slack: bad email")
check(d.get("response_action") == "errors" and list(d["errors"]) == ["contact"],
      "slack: bad email is a field error", d)
b = submission(dict(GOOD, consent=False))
d = expect_json(post("/hooks/slack", b, FORM, slack_headers(SS, b)), "slack: no consent")
check(list(d["errors"]) == ["consent"], "slack: no consent is a field error", d)
check(nconsults() == 0, "slack: nothing stored without a valid form")
b = submission(GOOD)
expect_status(post("/hooks/slack", b, FORM, slack_headers(SS, b, forge=True)), 401,
              "slack: forged view_submission")
check(nconsults() == 0, "slack: nothing stored from a forged form")
r = post("/hooks/slack", b, FORM, slack_headers(SS, b))
check(r[0] == 200 and r[2] == b"", "slack: a good form closes", r[2])
row = db("SELECT c.id, c.text, c.lang, d.name, d.contact, d.language, d.availability,"
         " d.urgency, d.consent_at FROM consults c JOIN consult_details d"
         " ON d.consult_id = c.id")
check(len(row) == 1 and row[0][1:8] == (SECRET, "es", "Ana", "ana@example.org", "es",
      GOOD["availability"], "detained") and row[0][8] > 0, "slack: stored with every field", row)
pm = wait_for("the DM", lambda: calls("slack", "/chat.postMessage"))
check("#1" in json.loads(pm[0]["body"])["text"], "slack: the number goes by DM", pm)
staff = wait_for("staff line", lambda: [json.loads(json.loads(l)["body"])["text"]
                 for l in open(os.path.join(T, "sink-staff", "posts.jsonl"))])
check("[consult #1] URGENT detained · Ana · es · slack" in staff[0] and "ana@example.org" not in staff[0],
      "slack: staff get the structured line without the contact", staff[0])

# ---- Mattermost ----
mslash = {"token": MMTOK, "team_domain": "community",
          "channel_id": "7y9yrgi3s3nyzpiojztgxhqdxr", "channel_name": "town-square",
          "user_id": "ywn1ok4ykjnx7ycgcfbeqxkuye", "user_name": "maria",
          "command": "/intake", "text": "consult", "trigger_id": "bW10cmlnZ2VyMQ"}
d = expect_json(post("/hooks/mattermost", urllib.parse.urlencode(mslash), FORM),
                "mattermost: /intake consult")
check(d == {}, "mattermost: the command is acknowledged", d)
do = wait_for("dialogs/open", lambda: calls("mattermost", "/api/v4/actions/dialogs/open"))[0]
doc = json.loads(do["body"])
check(do["status"] == 200 and doc["trigger_id"] == mslash["trigger_id"],
      "mattermost: dialogs/open with the trigger_id", do)
check(doc["url"] == "http://127.0.0.1:%d/hooks/mattermost/form" % PORT,
      "mattermost: submit URL under public_url", doc["url"])
names = [e["name"] for e in doc["dialog"]["elements"]]
check(len(names) == 7 and names[-1] == "consent", "mattermost: every field", names)
STATE = doc["dialog"]["state"]

def dialog(sub, state=STATE, user=mslash["user_id"]):
    b = json.dumps({"type": "dialog_submission", "callback_id": "intake",
                    "state": state, "user_id": user,
                    "channel_id": mslash["channel_id"], "team_id": "t1",
                    "submission": sub, "cancelled": False})
    return post("/hooks/mattermost/form", b, "application/json")

MGOOD = dict(GOOD, consent=True, contact="+1 (512) 555-0100", language="en",
             urgency="no", description="work permit renewal")
d = expect_json(dialog(dict(MGOOD, contact="maria@")), "mattermost: bad email")
check(list(d.get("errors", {})) == ["contact"], "mattermost: bad email is a field error", d)
d = expect_json(dialog(dict(MGOOD, consent=False)), "mattermost: no consent")
check(list(d.get("errors", {})) == ["consent"], "mattermost: no consent is a field error", d)
exp, lang, mac = STATE.split(".")
expect_status(dialog(MGOOD, state=exp + "." + lang + "." + "0" * 64), 403, "mattermost: forged state")
old = str(int(time.time()) - 10)
m = hmac.new(MMTOK.encode(), b"intakebot form state\0" + mslash["user_id"].encode() + b"\0" +
             mslash["channel_id"].encode() + b"\0en\0" + old.encode(), hashlib.sha256).hexdigest()
expect_status(dialog(MGOOD, state=old + ".en." + m), 403, "mattermost: expired state")
expect_status(dialog(MGOOD, user="someoneelse0000000000000000"), 403, "mattermost: another user's state")
expect_status(dialog(MGOOD, state=""), 403, "mattermost: no state")
check(nconsults() == 1, "mattermost: nothing stored yet")
d = expect_json(dialog(MGOOD), "mattermost: good dialog")
check(d == {}, "mattermost: a good dialog closes", d)
check(nconsults() == 2, "mattermost: stored")
d = expect_json(dialog(dict(MGOOD, name="Replay")), "mattermost: the state again")
check(d == {} and nconsults() == 2, "mattermost: a spent state stores nothing", d)
row = db("SELECT d.contact, d.urgency, c.adapter FROM consult_details d JOIN consults c"
         " ON c.id = d.consult_id WHERE c.id = 2")
check(row == [("+1 (512) 555-0100", "no", "mattermost")], "mattermost: every field", row)
posts = wait_for("the DM", lambda: calls("mattermost", "/api/v4/posts"))
check("#2" in json.loads(posts[0]["body"])["message"], "mattermost: the number goes by DM", posts)

# ---- Discord ----
def discord(doc):
    b = json.dumps(doc).encode()
    return b, post("/hooks/discord", b, "application/json", discord_headers(PEM, b))
cmd = json.loads(fixture("discord-command.json"))
cmd["data"]["options"][0]["value"] = "consult"
cmd["locale"] = "es-ES"
_, r = discord(cmd)
d = expect_json(r, "discord: /intake consult")
check(d["type"] == 9 and d["data"]["custom_id"] == "intake", "discord: a modal (type 9)", d)
comps = d["data"]["components"]
cids = [c["component"]["custom_id"] for c in comps]
check(len(comps) <= 5 and cids == ["name", "contact", "urgency", "description", "consent"],
      "discord: five inputs at most", cids)
check(d["data"]["title"] == "Solicitud de consulta", "discord: asked in the locale's language", d)
desc = comps[-1]["description"]
check("90 días" in desc and len(desc.encode()) <= 100,
      "discord: consent says how long answers are kept, within 100 bytes", desc)

NEXT = [0]
def submit(values, rows):
    doc = json.loads(fixture("discord-command.json"))
    doc["type"] = 5
    doc["locale"] = "es-ES"
    NEXT[0] += 1   # a new interaction id each time: a repeated one is replayed
    doc["id"] = str(1180000000000000100 + NEXT[0])
    if rows:
        comps = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                 for k, v in values.items()]
    else:
        comps = [{"type": 18, "component": {"type": 4, "custom_id": k, "value": v}}
                 for k, v in values.items()]
    doc["data"] = {"custom_id": "intake", "components": comps}
    return doc

DGOOD = {"name": "Luis", "contact": "chat", "urgency": "2026-12-10",
         "description": "asilo; lunes por la mañana, hora del Pacífico", "consent": "sí"}
_, r = discord(submit(dict(DGOOD, contact="luis@@example.org"), rows=False))
d = expect_json(r, "discord: bad email")
check(d["type"] == 4 and d["data"]["flags"] == 64 and
      d["data"]["content"].startswith("Eso no es chat, un correo"),
      "discord: the error, in Spanish, ephemeral", d)
check(nconsults() == 2, "discord: nothing stored with a bad email")
_, r = discord(submit(dict(DGOOD, consent="no"), rows=True))
d = expect_json(r, "discord: no consent")
check(d["data"]["flags"] == 64 and d["data"]["content"].startswith("Marque la casilla") and
      nconsults() == 2, "discord: nothing stored without consent", d)
b = json.dumps(submit(DGOOD, rows=True)).encode()
expect_status(post("/hooks/discord", b, "application/json", discord_headers(PEM, b, forge=True)),
              401, "discord: forged MODAL_SUBMIT")
check(nconsults() == 2, "discord: nothing stored from a forged form")
first = submit(DGOOD, rows=True)
_, r = discord(first)
d = expect_json(r, "discord: action-row shape")
check(d["type"] == 4 and d["data"]["flags"] == 64 and "#3" in d["data"]["content"],
      "discord: the number, ephemeral", d)
_, r = discord(submit(dict(DGOOD, name="Lu\x02isa\x03"), rows=False))
d = expect_json(r, "discord: label shape")
check("#4" in d["data"]["content"] and "Luisa" in d["data"]["content"],
      "discord: label shape read, control characters sanitised", d)
_, r = discord(first)
check("#3" in expect_json(r, "discord: a redelivery")["data"]["content"] and nconsults() == 4,
      "discord: a redelivered MODAL_SUBMIT gets the same answer, stores nothing")
row = db("SELECT d.name, d.contact, d.language, d.urgency, c.text FROM consult_details d"
         " JOIN consults c ON c.id = d.consult_id WHERE c.id IN (3, 4) ORDER BY c.id")
check(row[0] == ("Luis", "chat", "es", "2026-12-10", DGOOD["description"]) and row[1][0] == "Luisa",
      "discord: stored with the locale's language", row)

# ---- views.open is not queued behind a direct message being retried ----
with open(os.path.join(T, "api-slack", "modes"), "w") as f:
    f.write("429 30\nok\n")
b = submission(GOOD)
r = post("/hooks/slack", b, FORM, slack_headers(SS, b))
check(r[0] == 200 and nconsults() == 4, "slack: the same view again stores nothing", r)
b = submission(dict(GOOD, name="Eva"), vid="V2")
r = post("/hooks/slack", b, FORM, slack_headers(SS, b))
check(r[0] == 200, "slack: a second form", r)
wait_for("the DM's 429", lambda: [c for c in calls("slack", "/conversations.open")
                                  if c["status"] == 429])
b = urllib.parse.urlencode(dict(slash, trigger_id="99.88.77"))
r = post("/hooks/slack", b, FORM, slack_headers(SS, b))
vo = wait_for("views.open", lambda: calls("slack", "/views.open"), 2)
check(json.loads(vo[1]["body"])["trigger_id"] == "99.88.77" and vo[1]["status"] == 200,
      "slack: views.open sent while the DM waits out its Retry-After", vo[1])
check(len(calls("slack", "/chat.postMessage")) == 1, "slack: the DM is still waiting")
PY
"$INTAKEBOT" -c "$T/bot.conf" --export-consults >"$T/export.jsonl" 2>>"$T/bot.log" ||
    fail "--export-consults"
expect_grep '"availability":"martes por la tarde, hora de Texas"' "$T/export.jsonl"
expect_grep '"contact":"+1 (512) 555-0100"' "$T/export.jsonl"
expect_no_grep "detenido ayer" "$T/bot.log"
expect_no_grep "ana@example.org" "$T/bot.log"
pass "native forms on Slack, Mattermost and Discord"
