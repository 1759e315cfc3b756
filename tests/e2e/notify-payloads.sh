# --test-destinations against one sink per platform: every destination
# answers ok, each sink receives exactly the JSON its platform takes, on
# the configured path (Discord with wait=true), and no log line carries
# the secret part of a webhook URL.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

: >"$T/bot.conf"
printf '[bot]\nnick = probe\n' >>"$T/bot.conf"
for p in mattermost slack rocketchat teams discord googlechat webhook; do
	sink_start "$p" "$p"
	sec=$p
	[ "$p" = webhook ] && sec=webhook.ops
	printf '[%s]\nstaff_webhook_url = http://127.0.0.1:%s/hooks/%s/SECRET%s\n' \
	    "$sec" "$SINK_PORT" "$p" "$p" >>"$T/bot.conf"
done
# Google Chat keeps its secret in the query.
sed -i 's|\(/hooks/googlechat/SECRETgooglechat\)|\1?key=K\&token=SECRETQ|' \
    "$T/bot.conf"

rc=0
timeout 60 "$INTAKEBOT" -c "$T/bot.conf" --test-destinations \
    >"$T/out" 2>"$T/err" || rc=$?
cat "$T/out"
[ "$rc" -eq 0 ] || { cat "$T/err"; fail "exit status $rc, expected 0"; }
for p in mattermost slack rocketchat teams discord googlechat webhook.ops; do
	expect_grep "^$p: ok\$" "$T/out"
done
[ "$(wc -l <"$T/out")" -eq 7 ] || fail "expected 7 result lines"
expect_no_grep SECRET "$T/err"
expect_no_grep "test message" "$T/err"
pass "all seven destinations ok, no secret or text in the log"

T="$T" python3 - <<'PY' || fail "payload check"
import json, os
T = os.environ["T"]
msg = "intakebot: test message from probe"
want = {
    "mattermost": {"text": msg},
    "slack": {"text": msg},
    "rocketchat": {"text": msg},
    "googlechat": {"text": msg},
    "discord": {"content": msg, "allowed_mentions": {"parse": []}},
    "webhook": {"text": msg, "source": "intakebot"},
    "teams": {"type": "message", "attachments": [{
        "contentType": "application/vnd.microsoft.card.adaptive",
        "content": {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard", "version": "1.2",
            "body": [{"type": "TextBlock", "text": msg, "wrap": True}]}}]},
}
query = {"discord": "wait=true", "googlechat": "key=K&token=SECRETQ"}
bad = 0
for p, body in want.items():
    posts = [json.loads(l) for l in open(f"{T}/sink-{p}/posts.jsonl")]
    if len(posts) != 1:
        print(f"{p}: {len(posts)} posts, expected 1"); bad = 1; continue
    r = posts[0]
    if r["method"] != "POST" or r["path"] != f"/hooks/{p}/SECRET{p}":
        print(f"{p}: {r['method']} {r['path']}"); bad = 1
    if r["query"] != query.get(p, ""):
        print(f"{p}: query {r['query']!r}"); bad = 1
    if not r["content_type"].startswith("application/json"):
        print(f"{p}: content type {r['content_type']!r}"); bad = 1
    if json.loads(r["body"]) != body:
        print(f"{p}: body {r['body']}"); bad = 1
    print(f"{p}: {r['body']}")
raise SystemExit(bad)
PY
pass "each platform received its exact JSON"
