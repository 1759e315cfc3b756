#!/usr/bin/env python3
"""A scripted IRC server for the admin-authentication test (stdlib only).

irc_admin_server.py PORT LOG
    Serves one connection on 127.0.0.1:PORT.  Offers extended-join and
    account-notify; once the bot has joined #help it plays this scene:
      boss (logged in as account "bossacct") joins and asks !status;
      boss quits; mallory (no account) joins, takes the nick "boss" and
      asks !reload, then !status; remote (sharing no channel; WHOIS says
      bossacct from the same user@host) asks !status; ghost (WHOIS says
      bossacct, but for another user@host) asks !status.
    Every line the bot sends goes to LOG.
"""
import socket
import sys
import time

port, log = int(sys.argv[1]), sys.argv[2]
out = open(log, "a", buffering=1)
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(1)
c, _ = ls.accept()
c.settimeout(30)
f = c.makefile("rb")
nick, ended, registered, played = "*", False, False, False


SCENE = [
    ":boss!b@staff.example JOIN #help bossacct :Boss",
    ":boss!b@staff.example PRIVMSG #help :!status",
    ":boss!b@staff.example QUIT :bye",
    ":mallory!m@evil.example JOIN #help * :Mallory",
    ":mallory!m@evil.example NICK :boss",
    ":boss!m@evil.example PRIVMSG #help :!reload",
    ":boss!m@evil.example PRIVMSG intakebot :!status",
    # No shared channel: only a WHOIS asked now can prove the account.
    ":remote!r@staff.example PRIVMSG intakebot :!status",
    ":ghost!g@ghost.example PRIVMSG intakebot :!status",
]

# WHOIS answers: user, host, account (None: not logged in).  ghost's
# answer names another user@host (the nick changed hands in between).
WHOIS = {
    "remote": ("r", "staff.example", "bossacct"),
    "ghost": ("g2", "elsewhere.example", "bossacct"),
}


def serve(c):
    c.settimeout(30)
    f = c.makefile("rb")
    nick, ended, registered, played = "*", False, False, False

    def send(s):
        c.sendall(s.encode() + b"\r\n")

    for raw in f:
        line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
        out.write(line + "\n")
        w = line.split(" ")
        cmd = w[0].upper()
        if cmd == "CAP" and w[1:2] == ["LS"]:
            send(":srv CAP * LS :account-notify extended-join multi-prefix")
        elif cmd == "CAP" and w[1:2] == ["REQ"]:
            send(":srv CAP * ACK :" + line.split(":", 1)[1])
        elif cmd == "CAP" and w[1:2] == ["END"]:
            ended = True
        elif cmd == "NICK":
            nick = w[1]
        elif cmd == "PING":
            send(":srv PONG srv :" + line.split(":", 1)[-1])
        elif cmd == "WHOIS":
            who = w[1]
            u, h, acct = WHOIS.get(who, ("m", "evil.example", None))
            send(":srv 311 %s %s %s %s * :Someone" % (nick, who, u, h))
            if acct:
                send(":srv 330 %s %s %s :is logged in as" % (nick, who, acct))
            send(":srv 318 %s %s :End of /WHOIS list." % (nick, who))
        elif cmd == "JOIN":
            for ch in w[1].split(","):
                send(":%s!u@127.0.0.1 JOIN %s * :bot" % (nick, ch))
                send(":srv 353 %s = %s :@%s" % (nick, ch, nick))
                send(":srv 366 %s %s :End of NAMES list" % (nick, ch))
                if ch == "#help" and not played:
                    played = True
                    for s in SCENE:
                        time.sleep(0.3)
                        send(s)
        elif cmd == "QUIT":
            break
        if ended and not registered and nick != "*":
            registered = True
            send(":srv 001 %s :Welcome" % nick)
            send(":srv 005 %s CHANTYPES=# PREFIX=(ov)@+ CASEMAPPING=ascii "
                 ":are supported" % nick)
            send(":srv 376 %s :End of MOTD" % nick)
    c.close()


# Connections one after another (a port probe comes first), for 120 s.
ls.settimeout(120)
try:
    while True:
        conn, _ = ls.accept()
        try:
            serve(conn)
        except OSError:
            pass
except socket.timeout:
    pass
