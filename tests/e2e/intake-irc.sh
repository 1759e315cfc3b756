#!/bin/sh
# The guided intake over a real ngircd: !consult in #help gets only a
# neutral line in the channel and the questions as NOTICEs; answers are
# private messages.  A Spanish intake in #ayuda with a bad email asked
# again; staff in #staff get the structured line without the contact, the
# urgent one again until claimed, urgent first in !pending, and !show
# gives the contact.  An intake survives a restart of the bot.  Nothing
# of the answers reaches a channel or the log.
. "$TOP/tests/lib/common.sh"
. "$TOP/tests/lib/ngircd.sh"

IRCPORT=$(free_port)
TAPPORT=$(free_port)
ngircd_start "$T/ngircd" "$IRCPORT"
python3 "$TOP/tests/lib/irc_client.py" tap "$TAPPORT" "$IRCPORT" "$T/wire.log" &
track $!
wait_port "$TAPPORT" 10 || fail "tap did not start"

cat >"$T/bot.conf" <<CONF
[bot]
content_dir = $TOP/content
data_dir = $T/data
channel_languages = #ayuda=es
[irc]
server = 127.0.0.1
port = $TAPPORT
channels = #help, #ayuda
staff_channel = #staff
flood_rate = 100
flood_burst = 20
flood_bytes = 4000
[consult]
cooldown = 0
urgent_reminder = 2
CONF
"$INTAKEBOT" -c "$T/bot.conf" >"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait_grep "joined #staff" "$T/bot.log" 15 || { cat "$T/bot.log"; fail "bot did not join #staff"; }

cat >"$T/sam.script" <<'EOF2'
send JOIN #staff
wait JOIN :?#staff
wait PRIVMSG #staff :\[consult #1\] Al · en · irc #help · [-0-9]+ [0-9:]+ UTC: renewal question$ 60
wait PRIVMSG #staff :\[consult #2\] URGENT detained · Ana · es · irc #ayuda · [-0-9]+ [0-9:]+ UTC: Mi hermano fue detenido ayer$ 60
wait PRIVMSG #staff :\[consult #2\] still unclaimed: URGENT detained · Ana · es · irc #ayuda · [-0-9]+ [0-9:]+ UTC: Mi hermano
send PRIVMSG #staff :!pending
wait PRIVMSG #staff :sam: Open requests: URGENT #2 new, alice .*; #1 new, alice
send PRIVMSG #staff :!show 2
wait PRIVMSG #staff :sam: #2 Ana: contact ana@example.org · language es · availability martes por la tarde · urgency detenido|PRIVMSG #staff :sam: #2 Ana: contact ana@example.org · language es · availability martes por la tarde · urgency detained
send PRIVMSG #staff :!claim 2
wait PRIVMSG #staff :sam: #2 claimed by sam
# Staff commands outside the staff channel are answered privately.
send JOIN #help
wait JOIN :?#help
send PRIVMSG #help :!show 2
wait NOTICE sam :#2 Ana: contact ana@example.org
send PRIVMSG #help :!pending
wait NOTICE sam :Open requests: URGENT #2 claimed
hold 5
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" sam "$T/sam.log" "$T/sam.script" &
SAM=$!
track $SAM

cat >"$T/alice.script" <<'EOF2'
send JOIN #help
wait JOIN :?#help
send JOIN #ayuda
wait JOIN :?#ayuda
sleep 1
send PRIVMSG #help :!consult
wait PRIVMSG #help :alice: I have sent you a private message to take your consultation request\.$
wait NOTICE alice :\(1/7\) What name
send PRIVMSG intakebot :Al
wait NOTICE alice :\(2/7\) How should staff reach you
send PRIVMSG intakebot :chat
wait NOTICE alice :\(3/7\) Which language
send PRIVMSG intakebot :en
wait NOTICE alice :\(4/7\) When can you meet
send PRIVMSG intakebot :mornings
wait NOTICE alice :\(5/7\) Is someone detained
send PRIVMSG intakebot :2099-01-01
wait NOTICE alice :\(6/7\) Briefly
send PRIVMSG intakebot :renewal question
wait NOTICE alice :\(7/7\) We store your answers
send PRIVMSG intakebot :yes
wait NOTICE alice :Thank you, Al\. Your request is #1\.
send PRIVMSG #ayuda :!consult
wait PRIVMSG #ayuda :alice: Le he enviado un mensaje privado
wait NOTICE alice :\(1/7\) ¿Qué nombre
send PRIVMSG intakebot :Ana
wait NOTICE alice :\(2/7\) ¿Cómo puede contactarle
send PRIVMSG intakebot :ana@example
wait NOTICE alice :Eso no es chat, un correo
wait NOTICE alice :\(2/7\) ¿Cómo puede contactarle
send PRIVMSG intakebot :ana@example.org
wait NOTICE alice :\(3/7\) ¿Qué idioma
send PRIVMSG intakebot :es
wait NOTICE alice :\(4/7\) ¿Cuándo
send PRIVMSG intakebot :martes por la tarde
wait NOTICE alice :\(5/7\) ¿Hay alguien detenido
send PRIVMSG intakebot :detenido
wait NOTICE alice :\(6/7\) En pocas palabras
send PRIVMSG intakebot :Mi hermano fue detenido ayer
wait NOTICE alice :\(7/7\) Guardamos sus respuestas
send PRIVMSG intakebot :sí
wait NOTICE alice :Gracias, Ana\. Su solicitud es la #2\.
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" alice "$T/alice.log" "$T/alice.script" ||
	{ echo "--- alice"; cat "$T/alice.log"; echo "--- bot"; cat "$T/bot.log"; fail "alice's intakes"; }
pass "intake in #help (English) and #ayuda (Spanish), questions as NOTICEs, bad email asked again"

wait $SAM || { echo "--- sam"; cat "$T/sam.log"; echo "--- bot"; cat "$T/bot.log"; fail "staff side"; }
pass "staff line without contact, urgent reminder, urgent first in !pending, !show, !claim; in #help staff answers are private"

# A restart half-way: bob's intake, begun in private, carries on with
# the next question once the bot is back; then he cancels.
cat >"$T/bob.script" <<'EOF2'
send JOIN #help
wait JOIN :?#help
send PRIVMSG intakebot :!consult
wait NOTICE bob :\(1/7\) What name
send PRIVMSG intakebot :Bob
wait NOTICE bob :\(2/7\) How should staff reach you
wait :intakebot!\S+ JOIN :?#help 30
send PRIVMSG intakebot :bob@example.org
wait NOTICE bob :\(3/7\) Which language
send PRIVMSG intakebot :cancelar
wait NOTICE bob :Your consultation request was cancelled and nothing was stored
EOF2
python3 "$TOP/tests/lib/irc_client.py" client "$IRCPORT" bob "$T/bob.log" "$T/bob.script" &
BOB=$!
track $BOB
wait_grep '(2/7)' "$T/bob.log" 30 || fail "bob's intake did not start"
kill -TERM $BOT
wait $BOT || fail "bot exit status $?"
"$INTAKEBOT" -c "$T/bot.conf" >>"$T/bot.log" 2>&1 &
BOT=$!
track $BOT
wait $BOB || { echo "--- bob"; cat "$T/bob.log"; echo "--- bot"; cat "$T/bot.log"; fail "bob's intake across a restart"; }
[ "$("$INTAKEBOT" -c "$T/bot.conf" --export-consults 2>/dev/null | wc -l)" -eq 2 ] ||
	fail "the cancelled intake was stored"
pass "an intake survives a restart; cancel stores nothing"

# Claimed: at most a reminder already queued goes out, then none.
python3 - "$T/sam.log" <<'PY' || fail "reminders after the claim"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
i = max(k for k, l in enumerate(lines) if "#2 claimed by sam" in l)
after = [l for l in lines[i + 1:] if "still unclaimed" in l]
assert len(after) <= 1, after
assert not any("#1] still unclaimed" in l for l in lines), "#1 is not urgent"
PY
pass "no reminders once claimed; a far court date is not urgent"

# Channels saw only the neutral line; the contact only through !show.
python3 - "$T/wire.log" <<'PY' || fail "private answers leaked"
import ast, sys
for n, r in (l.rstrip("\n").split("\t", 1) for l in open(sys.argv[1])):
    b = ast.literal_eval(r).decode("utf-8")
    if b.startswith("PRIVMSG #help") or b.startswith("PRIVMSG #ayuda"):
        assert "private message" in b or "mensaje privado" in b, b
    if "ana@example.org" in b:
        assert b.startswith("PRIVMSG #staff :sam: #2 Ana: contact") or \
            b.startswith("NOTICE sam :#2 Ana: contact"), b
PY
for w in ana@example bob@example mornings martes 'Mi hermano' 'renewal'; do
	expect_no_grep "$w" "$T/bot.log"
done
pass "answers private: only the neutral line in channels, nothing in the log"
