# Through the poster itself (build/helpers/notify-post): items of one
# destination arrive in order and once each although retries come in
# between; a long text is split for Discord into parts of at most 2000
# characters, sent in order, a failed part retried without resending the
# parts before it; the per-destination rate limit spaces posts out.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
POST="$BUILD_DIR/helpers/notify-post"
[ -x "$POST" ] || fail "no $POST (make check-suites builds it)"

sink_start mm mattermost
MM=$SINK_PORT
sink_start disc discord
DISC=$SINK_PORT
sink_start rate webhook
RATE=$SINK_PORT
cat >"$T/bot.conf" <<CONF
[bot]
nick = probe
[mattermost]
staff_webhook_url = http://127.0.0.1:$MM/hooks/mm
staff_backoff_max = 1
[discord]
staff_webhook_url = http://127.0.0.1:$DISC/api/webhooks/1/tok
staff_backoff_max = 1
[webhook.rate]
staff_webhook_url = http://127.0.0.1:$RATE/rate
rate_per_minute = 60
CONF

# 1. Order across retries.
sink_modes mm ok "status 500" ok "429 1" ok close ok "status 503" \
    "status 503" ok
printf 'item %s\n' 1 2 3 4 5 6 >"$T/items"
timeout 60 "$POST" "$T/bot.conf" mattermost 0 "$T/items" >"$T/out1" \
    2>"$T/err1" || { cat "$T/err1"; fail "notify-post failed"; }
cat "$T/out1"
printf '%s: ok\n' 1 2 3 4 5 6 | cmp -s - "$T/out1" || fail "results not 1..6 ok in order"
T="$T" python3 - <<'PY' || fail "order"
import json, os
posts = [json.loads(l) for l in open(os.environ["T"] + "/sink-mm/posts.jsonl")]
seen = [json.loads(p["body"])["text"] for p in posts]
good = [json.loads(p["body"])["text"] for p in posts if p["mode"] == "ok"]
print("sent:", seen)
assert good == ["item %d" % i for i in range(1, 7)], good
# Nothing overtook a retried item.
order = [int(s.split()[1]) for s in seen]
assert order == sorted(order), order
PY
pass "six items delivered once each and in order across 500, 429, close, 503"

# 2. A long text split for Discord, part 2 failing once.
T="$T" python3 - <<'PY'
import os
words = []
for i in range(900):
    words.append("w%03d" % i)
open(os.environ["T"] + "/long", "w").write(" ".join(words) + "\nshort after\n")
PY
sink_modes disc ok "status 500" ok
timeout 60 "$POST" "$T/bot.conf" discord 0 "$T/long" >"$T/out2" \
    2>"$T/err2" || { cat "$T/err2"; fail "notify-post failed"; }
cat "$T/out2"
printf '%s: ok\n' 1 2 | cmp -s - "$T/out2" || fail "results not 1, 2 ok"
T="$T" python3 - <<'PY' || fail "split"
import json, os
T = os.environ["T"]
posts = [json.loads(l) for l in open(T + "/sink-disc/posts.jsonl")]
modes = [p["mode"] for p in posts]
bodies = [json.loads(p["body"]) for p in posts]
print("modes:", modes, "lengths:", [len(b["content"]) for b in bodies])
assert all(p["query"] == "wait=true" for p in posts)
assert all(b["allowed_mentions"] == {"parse": []} for b in bodies)
assert all(len(b["content"]) <= 2000 for b in bodies)
good = [b["content"] for p, b in zip(posts, bodies) if p["mode"] == "ok"]
text = open(T + "/long").read().split("\n")[0]
assert len(good) == 4, good            # 4499 characters: 3 parts + 1 item
assert " ".join(good[:3]) == text, "parts do not join to the text"
assert good[3] == "short after"
# The part that failed was sent again, not the first one.
assert bodies[1]["content"] == bodies[2]["content"] == good[1]
PY
pass "long text split in three parts under 2000, retried part by part, in order"

# 3. Rate limit: 60 a minute with a burst of 5 spaces out the rest.
printf 'r%s\n' 1 2 3 4 5 6 7 8 >"$T/rate"
timeout 60 "$POST" "$T/bot.conf" webhook.rate 0 "$T/rate" >"$T/out3" \
    2>"$T/err3" || { cat "$T/err3"; fail "notify-post failed"; }
T="$T" python3 - <<'PY' || fail "rate"
import json, os
posts = [json.loads(l) for l in open(os.environ["T"] + "/sink-rate/posts.jsonl")]
t = [p["t"] - posts[0]["t"] for p in posts]
print("offsets:", ["%.2f" % x for x in t])
assert len(posts) == 8
assert t[4] < 1.0, "the burst of five was held back"
assert t[7] >= 2.5, "posts 6-8 came faster than one a second"
PY
pass "burst of 5 then one a second"
