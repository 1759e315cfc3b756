#!/bin/sh
# IRC end to end against a real ngircd, through a wire tap that records
# every line the bot sends: registration and joins, !287g answered in the
# channel (PRIVMSG addressed to the asker) and in private (NOTICE), "more"
# as NOTICEs with the link last, long UTF-8 text intact and in order,
# injection attempts harmless, every line < 512 bytes, QUIT on SIGTERM.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
TAPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
python3 "$TOP/tests/lib/irc_client.py" tap "$TAPPORT" "$IRCPORT" "$T/wire.log" &
track $!
wait_port "$TAPPORT" 10 || fail "tap did not start"

# A topic whose body is one long paragraph of multi-byte UTF-8 words.
mkdir -p "$T/content"
cp "$TOP/content/287g.md" "$T/content/"
python3 - "$T/content/utf.md" "$T/utf.body" <<'PY'
import sys
words = ["ñandú%d" % i if i % 3 else "€𝄞漢字%d" % i for i in range(260)]
body = " ".join(words)
open(sys.argv[2], "w").write(body)
open(sys.argv[1], "w").write("""---
command: utf
title: UTF-8
summary: Long text.
link: https://example.org/utf
---
%s
""" % body)
PY

cat >"$T/bot.conf" <<CONF
[bot]
nick = intakebot
content_dir = $T/content
data_dir = $T/data
[irc]
server = 127.0.0.1
port = $TAPPORT
channels = #help
staff_channel = #staff
flood_rate = 100
flood_burst = 10
flood_bytes = 4000
CONF
mkdir -p "$T/data"
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "joined #help" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #help"; }
wait_grep "joined #staff" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #staff"; }
pass "registered and joined"

LONG=$(python3 -c 'print("ñandú€𝄞" * 20)')
cat >"$T/alice.script" <<EOF2
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!287g
wait ^:intakebot!\S+ PRIVMSG #help :alice: The 287\(g\) program
send PRIVMSG intakebot :287g
wait ^:intakebot!\S+ NOTICE alice :The 287\(g\) program
send PRIVMSG intakebot :!287g more
wait ^:intakebot!\S+ NOTICE alice :https://www.ice.gov/identify-and-arrest/287g\$
send PRIVMSG #help :!search $LONG
send PRIVMSG #help :!287g \\x0304,12colour\\x02bold\\x0f \\xff\\xfe invalid \\x01ACTION x\\x01 $(python3 -c 'print("A" * 420)')
send PRIVMSG #help :intakebot: 287g
wait ^:intakebot!\S+ PRIVMSG #help :alice: The 287\(g\) program
send PRIVMSG #help :!nosuchthing\\\\r\\\\nQUIT :pwned
send NOTICE intakebot :!287g
send PRIVMSG intakebot :\\x01VERSION\\x01
wait NOTICE alice :\\x01VERSION intakebot
send PRIVMSG #help :!help
wait ^:intakebot!\S+ PRIVMSG #help :alice:
send PRIVMSG intakebot :!utf more
wait ^:intakebot!\S+ NOTICE alice :https://example.org/utf\$
sleep 1
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" alice "$T/alice.log" "$T/alice.script" ||
	{ echo "--- alice"; cat "$T/alice.log"; echo "--- bot"; cat "$T/bot.log"; fail "alice's conversation"; }
pass "channel, private, more, addressed, CTCP VERSION"

# more: NOTICEs, the link on the last one, nothing of it in the channel.
n=$(grep -c "NOTICE alice :" "$T/alice.log")
[ "$n" -ge 4 ] || fail "more gave only $n NOTICE lines"
# The NOTICE to a NOTICE was never answered: only one reply per request.
expect_no_grep "PRIVMSG #help :alice: .*QUIT" "$T/alice.log"

# The long body arrived whole and in order, split only between words.
python3 - "$T/alice.log" "$T/utf.body" <<'PY' || fail "long UTF-8 body"
import sys
lines = [l.rstrip("\n") for l in open(sys.argv[1], encoding="utf-8")]
i = max(k for k, l in enumerate(lines) if " NOTICE alice :UTF-8" in l)
got = []
for l in lines[i + 1:]:
    if " NOTICE alice :" not in l or l.endswith("https://example.org/utf"):
        break
    got.append(l.split(" NOTICE alice :", 1)[1])
assert len(got) > 2, got
want = open(sys.argv[2], encoding="utf-8").read()
assert " ".join(got) == want, "body differs"
print("long body: %d lines" % len(got))
PY
pass "long UTF-8 body intact and in order"

kill -0 $BOT || fail "bot died"
kill -TERM $BOT
i=0; while kill -0 $BOT 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -0 $BOT 2>/dev/null && fail "bot did not exit on SIGTERM"
wait $BOT || fail "bot exit status $?"
expect_grep "QUIT" "$T/wire.log"
pass "QUIT on SIGTERM"

# The wire: every line < 512 bytes with CRLF, exactly one QUIT (ours, last),
# no NUL or control bytes other than CTCP \001, valid UTF-8.
python3 - "$T/wire.log" <<'PY' || fail "wire check"
import ast, sys
quits = 0
lines = [l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1])]
for n, r in lines:
    b = ast.literal_eval(r)
    assert int(n) <= 512, "line of %s bytes: %r" % (n, b[:80])
    assert b.endswith(b"\r\n") and b.count(b"\r") == 1, b[:80]
    body = b[:-2]
    assert b"\0" not in body
    assert not any(c < 32 and c != 1 for c in body), body[:120]
    body.decode("utf-8")
    if body.split(b" ")[0] == b"QUIT":
        quits += 1
assert quits == 1, "%d QUIT lines" % quits
assert lines[-1][1].startswith("b'QUIT"), lines[-1]
print("wire: %d lines checked" % len(lines))
PY
pass "wire lines < 512 bytes, clean, one QUIT"
