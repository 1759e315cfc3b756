#!/bin/sh
# A hostile IRC server (tests/lib/irc_hostile_server.py): 10 MB of junk
# with NUL, invalid UTF-8 and lines far over 512 bytes, a flood of 20000
# PINGs, then a server that stops reading while it asks for thousands of
# long answers.  The bot survives each, keeps answering on IRC and over
# HTTP, its memory stays bounded, and it reconnects and answers once the
# server drops the deaf link.
. "$TOP/tests/lib/common.sh"

IRCPORT=$(free_port)
HTTPPORT=$(free_port)
mkdir -p "$T/srv"
python3 "$TOP/tests/lib/irc_hostile_server.py" "$IRCPORT" "$T/srv" 2>"$T/srv/err" &
track $!
wait_port "$IRCPORT" 10 || fail "hostile server did not start"
cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $IRCPORT
channels = #help
reconnect_min = 1
reconnect_max = 2
[http]
listen = 127.0.0.1:$HTTPPORT
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "REGISTERED" "$T/srv/log" 15 || { cat "$T/bot.log" "$T/srv/log"; fail "no registration"; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$BOT/status"; }
rss0=$(rss)
max=$rss0
peak() { r=$(rss); [ "$r" -gt "$max" ] && max=$r; true; }

wait_grep "ANSWERED lines" "$T/srv/log" 60 || { grep -v refused "$T/bot.log" | head -30; cat "$T/srv/log"; fail "no answer after long lines, NUL and invalid UTF-8"; }
kill -0 $BOT || fail "bot died on bad lines"
peak
pass "4000-byte lines, NUL and invalid UTF-8 in commands: $(grep 'ANSWERED lines' "$T/srv/log")"

wait_grep "ANSWERED junk" "$T/srv/log" 60 || { grep -v refused "$T/bot.log" | head -30; cat "$T/srv/log"; fail "no answer after 10 MB of junk"; }
kill -0 $BOT || fail "bot died on junk"
peak
pass "10 MB of random bytes: $(grep 'ANSWERED junk' "$T/srv/log")"

wait_grep "ANSWERED ping" "$T/srv/log" 60 || { tail -20 "$T/bot.log"; cat "$T/srv/log"; fail "no answer after the PING flood"; }
peak
pass "20000 PINGs at once: $(grep 'ANSWERED ping' "$T/srv/log")"

wait_grep "DEAF sent" "$T/srv/log" 60 || { cat "$T/srv/log"; fail "deaf phase did not start"; }
for i in 1 2 3 4 5; do
	code=$(curl -s -m 10 -o "$T/health" -w '%{http_code}' "http://127.0.0.1:$HTTPPORT/healthz" || true)
	[ "$code" = 200 ] || { cat "$T/bot.log"; fail "/healthz gave '$code' while the server is not reading"; }
	peak
	sleep 0.5
done
pass "server stopped reading ($(sed -n 's/^DEAF sent //p' "$T/srv/log") requests): HTTP still answered"
touch "$T/srv/release"
wait_grep "ANSWERED again" "$T/srv/log" 60 || { tail -20 "$T/bot.log"; cat "$T/srv/log"; fail "no answer after the reconnect"; }
peak
kill -0 $BOT || fail "bot died"
pass "reconnected after the deaf link and answering"

# Bounded memory: 10 MB in, and thousands of answers queued, must not
# stay in the bot.  ASan keeps freed memory in quarantine (256 MB by
# default), so the sanitised build gets a looser bound.
case "$BUILD_DIR" in *san*) limit=262144 ;; *) limit=16384 ;; esac
grow=$((max - rss0))
echo "RSS at registration ${rss0} kB, peak ${max} kB, growth ${grow} kB (limit ${limit} kB)"
[ "$grow" -le "$limit" ] || fail "RSS grew by $grow kB"
pass "memory bounded: RSS grew by $grow kB"
