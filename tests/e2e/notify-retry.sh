# Transient failures are retried until delivered, once: a 500, a 429
# with Retry-After in seconds and as an HTTP date, Discord's JSON
# retry_after, a Teams throttle reported inside a 200, a hang past the
# request timeout, a connection closed without an answer.  Waits asked
# for by the server are honoured.  All destinations run at once.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

printf '[bot]\nnick = probe\n' >"$T/bot.conf"
add() {	# add SECTION SINK PLATFORM [extra config line]
	sink_start "$2" "$3"
	printf '[%s]\nstaff_webhook_url = http://127.0.0.1:%s/hooks/%s\n%s\n' \
	    "$1" "$SINK_PORT" "$2" "${4:-}" >>"$T/bot.conf"
}
add webhook.e500 e500 webhook
sink_modes e500 "status 500 boom" "status 502" ok
add mattermost ra mattermost
sink_modes ra "429 2" ok
add webhook.date date webhook
sink_modes date "429date 4" ok
add discord disc discord
sink_modes disc "discord429 1.5" ok
add teams teams teams
sink_modes teams "status 200 Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId x" ok
add webhook.hang hang webhook "staff_timeout = 1"
sink_modes hang hang ok
add webhook.close close webhook
sink_modes close close ok

rc=0
timeout 90 "$INTAKEBOT" -c "$T/bot.conf" --test-destinations \
    >"$T/out" 2>"$T/err" || rc=$?
cat "$T/out"
[ "$rc" -eq 0 ] || { cat "$T/err"; fail "exit status $rc, expected 0"; }
[ "$(grep -c ': ok$' "$T/out")" -eq 7 ] || fail "not all seven ok"
expect_grep "webhook.e500: HTTP 500 (boom); retry 1" "$T/err"
expect_grep "discord: HTTP 429" "$T/err"
expect_grep "teams: HTTP 200, Teams error 429" "$T/err"
expect_grep "webhook.hang: no answer within 1 s" "$T/err"
pass "every destination delivered after its transient failures"

# check SINK POSTS MIN_GAP: POSTS requests, the last one answered ok,
# all with the same body, and at least MIN_GAP seconds between the last
# failure and the retry.
T="$T" python3 - <<'PY' || fail "retry timing"
import json, os
T = os.environ["T"]
cases = {            # sink: (requests, minimum gap before the last one)
    "e500": (3, 0.0),
    "ra": (2, 2.0),
    "date": (2, 3.0),    # a date has whole seconds: 4 s ahead >= 3 s
    "disc": (2, 1.5),
    "teams": (2, 5.0),   # Microsoft suggests 10-15 s; at least 5
    "hang": (2, 0.9),
    "close": (2, 0.0),
}
bad = 0
for s, (count, gap) in cases.items():
    posts = [json.loads(l) for l in open(f"{T}/sink-{s}/posts.jsonl")]
    bodies = {p["body"] for p in posts}
    got = posts[-1]["t"] - posts[-2]["t"] if len(posts) > 1 else 0
    print(f"{s}: {len(posts)} requests, last gap {got:.2f} s "
          f"(at least {gap})")
    if len(posts) != count or posts[-1]["mode"] != "ok" or len(bodies) != 1:
        print(f"{s}: wrong requests {[p['mode'] for p in posts]}"); bad = 1
    if got < gap:
        print(f"{s}: retried after {got:.2f} s, wanted {gap}"); bad = 1
raise SystemExit(bad)
PY
pass "waits honoured, one successful post each"
