# Staff replies to IRC requesters, against a real IRC server (POSIX sh,
# sourced after common.sh).  The caller sets RP_PORT (the server's
# plaintext port), RP_EXTRA (more [irc] lines) and RP_SECTIONS (more
# sections); then:
#
#   reply_bot NAME        writes $T/bot.conf (oneline intake, staff channel
#                         #staff, reply_wait = $RP_WAIT) and starts the bot
#                         as BOT, logging to $T/NAME.log
#   reply_client NICK NAME SCRIPT   runs an irc_client.py script (fails
#                         the test when it fails)
#   reply_client_bg NICK NAME SCRIPT  the same in the background
#   reply_watcher         a client that sits in #staff and logs what the
#                         bot tells staff to $T/watch.log
#   reply_staff TEXT [RX] a staff member (present in #staff) says TEXT there
#                         and waits for the bot's answer (or a line
#                         matching RX); its log is $T/clerk.log
#   reply_state ID        the states of request ID's replies, in order
#   reply_reached PID N   client PID (alice's) got its reply and exited,
#                         and staff have been told of N deliveries to alice
RP_WAIT=${RP_WAIT:-12}
RP_N=0
RP_EXTRA=${RP_EXTRA:-}
RP_SECTIONS=${RP_SECTIONS:-}

reply_bot() {
	cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $RP_PORT
channels = #help
staff_channel = #staff
flood_rate = 100
flood_burst = 20
$RP_EXTRA
[consult]
intake = oneline
reply_wait = $RP_WAIT
$RP_SECTIONS
CONF
	"$INTAKEBOT" ${RP_VERBOSE:+-v} -c "$T/bot.conf" >"$T/$1.log" 2>&1 &
	BOT=$!
	track $BOT
	wait_grep "joined #staff" "$T/$1.log" 15 || { cat "$T/$1.log"; fail "bot did not join #staff"; }
}

reply_client() {
	printf '%s\n' "$3" >"$T/$2.script"
	python3 "$TOP/tests/lib/irc_client.py" client "$RP_PORT" "$1" \
	    "$T/$2.log" "$T/$2.script" ||
		{ cat "$T/$2.log"; tail -30 "$T"/bot*.log; fail "$2: client script failed"; }
}

reply_client_bg() {
	printf '%s\n' "$3" >"$T/$2.script"
	python3 "$TOP/tests/lib/irc_client.py" client "$RP_PORT" "$1" \
	    "$T/$2.log" "$T/$2.script" >"$T/$2.out" 2>&1 &
	track $!
	RP_BG=$!
}

reply_watcher() {
	reply_client_bg watcher watch "send JOIN #staff
wait :watcher!\S+ JOIN
hold 120"
	wait_grep "JOIN" "$T/watch.log" 10 || fail "watcher did not join #staff"
}

reply_staff() {
	reply_client clerk "clerk$RP_N" "send JOIN #staff
wait :clerk!\S+ JOIN
sleep 0.5
send PRIVMSG #staff :$1
wait ${2:-PRIVMSG #staff :clerk: }
send PART #staff"
	cat "$T/clerk$RP_N.log" >"$T/clerk.log"
	RP_N=$((RP_N + 1))
}

reply_state() {
	sqlite3 "$T/data/intakebot.db" \
	    "select state from replies where consult_id = $1 order by id" | tr '\n' ' '
}

reply_reached() {
	wait "$1" || { cat "$T"/alice*.log; fail "alice did not get the reply"; }
	wait_grep "reached alice" "$T/watch.log" 15 || { cat "$T/watch.log"; fail "staff not told of the delivery"; }
	[ "$(grep -c 'reached alice' "$T/watch.log")" = "$2" ] ||
		{ cat "$T/watch.log"; fail "staff not told of delivery $2"; }
}
