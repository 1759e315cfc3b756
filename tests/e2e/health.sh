#!/bin/sh
# Honest health against a real ngircd and a staff webhook that fails:
# /healthz, /metrics and !status turn "degraded" while IRC is down longer
# than [bot] health_irc_down_after, while a delivery waits longer than
# health_undelivered_after, and while a dead-lettered request is
# unclaimed; each goes back to "ok" once the cause is gone.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"
. "$TOP/tests/lib/sink.sh"

IRCPORT=$(free_port)
HTTPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
sink_start bad webhook
sink_modes bad "status 500"
mkdir -p "$T/data"
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
health_irc_down_after = 2
health_undelivered_after = 3
[irc]
server = 127.0.0.1
port = $IRCPORT
staff_channel = #staff
reconnect_min = 1
reconnect_max = 2
[http]
listen = 127.0.0.1:$HTTPPORT
[webhook.bad]
staff_webhook_url = http://127.0.0.1:$SINK_PORT/hooks/bad
staff_backoff_max = 2
[consult]
intake = oneline
dead_letter_after = 5
CONF
mkfifo "$T/in"
"$INTAKEBOT" -c "$T/bot.conf" --console <"$T/in" >"$T/out" 2>"$T/bot.log" &
track $!
exec 3>"$T/in"
wait_grep "joined #staff" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "#staff not joined"; }

# health_until WORD SECONDS: polls /healthz until its status is WORD.
health_until() {
	_i=0
	while :; do
		HCODE=$(curl -s -o "$T/health" -w '%{http_code}' "http://127.0.0.1:$HTTPPORT/healthz" || true)
		grep -q "\"status\":\"$1\"" "$T/health" && return 0
		_i=$((_i + 1))
		[ $_i -gt $(($2 * 10)) ] && { cat "$T/health"; tail -20 "$T/bot.log"; return 1; }
		sleep 0.1
	done
}
health_until ok 5 || fail "not ok at start"
[ "$HCODE" = 200 ] || fail "ok with HTTP $HCODE"
expect_grep '"reasons":\[\]' "$T/health"
pass "/healthz ok, 200, no reasons while connected"

ngircd_stop
health_until degraded 15 || fail "still ok with IRC down"
[ "$HCODE" = 200 ] || fail "degraded with HTTP $HCODE"
expect_grep '"reasons":\["IRC disconnected for [0-9]* s"\]' "$T/health"
echo '!status' >&3
wait_grep '^Health: degraded: IRC disconnected for [0-9]* s$' "$T/out" 5 ||
	{ cat "$T/out"; fail "!status does not say degraded"; }
pass "IRC down: /healthz and !status degraded, with the reason"

n=$(grep -c "joined #staff" "$T/bot.log" || true)
ngircd_start "$T/ngircd" "$IRCPORT"
health_until ok 20 || fail "not ok after the reconnect"
pass "back to ok after the reconnect"
i=0
until [ "$(grep -c "joined #staff" "$T/bot.log")" -gt "$n" ]; do
	i=$((i + 1))
	[ $i -gt 150 ] && { cat "$T/bot.log"; fail "#staff not joined again"; }
	sleep 0.1
done

# A request: IRC takes it, the webhook refuses it until it is dead.
echo '!consult please call me about my case' >&3
wait_grep 'Your request is #1' "$T/out" 5 || { cat "$T/out"; fail "no request"; }
health_until degraded 10 || fail "not degraded with a delivery waiting"
expect_grep 'oldest undelivered request waiting for [0-9]* s' "$T/health"
wait_grep 'dead-lettered after 5 s' "$T/bot.log" 15 || fail "no dead-letter"
health_until degraded 5 || fail "not degraded after the dead-letter"
expect_grep '"1 dead-lettered deliveries of unclaimed requests"' "$T/health"
curl -s "http://127.0.0.1:$HTTPPORT/metrics" >"$T/metrics"
expect_grep '^intakebot_outbox_dead 1$' "$T/metrics"
expect_grep '^intakebot_outbox_oldest_age_seconds [0-9]*$' "$T/metrics"
: >"$T/out"
echo '!status' >&3
wait_grep '^Health: degraded: 1 dead-lettered deliveries' "$T/out" 5 ||
	{ cat "$T/out"; fail "!status does not name the dead-letter"; }
pass "dead-lettered request: /healthz, /metrics and !status say so"

echo '!claim 1' >&3
health_until ok 10 || fail "not ok once the request is claimed"
curl -s "http://127.0.0.1:$HTTPPORT/metrics" >"$T/metrics"
expect_grep '^intakebot_outbox_dead 0$' "$T/metrics"
pass "claimed: ok again, dead-letter gauge back to 0"
exec 3>&-
