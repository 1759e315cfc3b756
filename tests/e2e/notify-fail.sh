# Permanent failures are not retried: 400, 404, Slack's invalid_payload
# and Rocket.Chat's success:false and a Teams "HTTP error 400" inside a
# 200.  A destination that keeps answering 500 is given up on after
# staff_test_give_up.  --test-destinations then exits 1 and says why.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/sink.sh"
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY

printf '[bot]\nnick = probe\n' >"$T/bot.conf"
add() {	# add SECTION SINK PLATFORM MODE [extra config line]
	sink_start "$2" "$3"
	sink_modes "$2" "$4"
	printf '[%s]\nstaff_webhook_url = http://127.0.0.1:%s/hooks/%s\n%s\n' \
	    "$1" "$SINK_PORT" "$2" "${5:-}" >>"$T/bot.conf"
}
add webhook.e400 e400 webhook "status 400 bad"
add webhook.e404 e404 webhook "status 404"
add slack slack slack error
add rocketchat rc rocketchat error
add teams teams teams error
add mattermost giveup mattermost "status 500" "staff_test_give_up = 3
staff_backoff_max = 1"
add discord gone discord 'json 404 {"message": "Unknown Webhook", "code": 10015}'

start=$(date +%s)
rc=0
timeout 60 "$INTAKEBOT" -c "$T/bot.conf" --test-destinations \
    >"$T/out" 2>"$T/err" || rc=$?
end=$(date +%s)
cat "$T/out"
[ "$rc" -eq 1 ] || { cat "$T/err"; fail "exit status $rc, expected 1"; }
expect_grep '^webhook.e400: failed: HTTP 400 (bad)$' "$T/out"
expect_grep '^webhook.e404: failed: HTTP 404$' "$T/out"
expect_grep '^slack: failed: HTTP 200, error invalid_payload$' "$T/out"
expect_grep '^rocketchat: failed: HTTP 200, error invalid-channel$' "$T/out"
expect_grep '^teams: failed: HTTP 200, Teams error 400$' "$T/out"
expect_grep '^discord: failed: HTTP 404 (Unknown Webhook)$' "$T/out"
expect_grep '^mattermost: failed: gave up after [0-9]* attempts: HTTP 500$' \
    "$T/out"
[ $((end - start)) -le 10 ] || fail "took $((end - start)) s to give up"
pass "permanent failures reported, the 500 given up on"

for s in e400 e404 slack rc teams gone; do
	[ "$(sink_count $s)" -eq 1 ] || fail "$s: $(sink_count $s) requests, expected 1"
done
n=$(sink_count giveup)
[ "$n" -ge 3 ] || fail "giveup: only $n requests in 3 s"
pass "no retry on permanent failures; $n attempts before giving up"
expect_no_grep "hooks/" "$T/err"
pass "no webhook path in the log"
