#!/usr/bin/env python3
"""A scripted IRC server for the CAP/SASL tests (stdlib only).

irc_sasl_server.py PORT LOG PASSWORD
    Serves connections one after another on 127.0.0.1:PORT.  Offers
    sasl=PLAIN,EXTERNAL plus account-notify, extended-join, multi-prefix
    and server-time (which a client that cannot parse tags must not take).
    SASL PLAIN succeeds when the password is PASSWORD.  Registration
    completes (001) only after CAP END.  Every received line goes to LOG.
"""
import base64
import socket
import sys

port, log, password = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = open(log, "a", buffering=1)
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(4)


def serve(c):
    f = c.makefile("rb")
    nick = "*"
    ended = False
    registered = False

    def send(s):
        c.sendall(s.encode() + b"\r\n")

    for raw in f:
        line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
        out.write(line + "\n")
        w = line.split(" ")
        cmd = w[0].upper()
        if cmd == "CAP" and w[1:2] == ["LS"]:
            send(":srv CAP * LS * :multi-prefix server-time")
            send(":srv CAP * LS :sasl=PLAIN,EXTERNAL account-notify extended-join")
        elif cmd == "CAP" and w[1:2] == ["REQ"]:
            caps = line.split(":", 1)[1]
            send(":srv CAP * ACK :" + caps)
        elif cmd == "AUTHENTICATE" and w[1] in ("PLAIN", "EXTERNAL"):
            send("AUTHENTICATE +")
        elif cmd == "AUTHENTICATE":
            try:
                parts = base64.b64decode(w[1]).split(b"\0")
            except Exception:
                parts = []
            if len(parts) == 3 and parts[2].decode() == password:
                send(":srv 900 %s %s!u@h %s :You are now logged in" % (nick, nick, parts[1].decode()))
                send(":srv 903 %s :SASL authentication successful" % nick)
            else:
                send(":srv 904 %s :SASL authentication failed" % nick)
        elif cmd == "NICK":
            nick = w[1]
        elif cmd == "CAP" and w[1:2] == ["END"]:
            ended = True
        elif cmd == "PING":
            send(":srv PONG srv :" + line.split(":", 1)[-1])
        elif cmd == "JOIN":
            send(":%s!u@127.0.0.1 JOIN %s" % (nick, w[1]))
        elif cmd == "QUIT":
            break
        if ended and not registered and nick != "*":
            registered = True
            send(":srv 001 %s :Welcome" % nick)
            send(":srv 005 %s CHANTYPES=# PREFIX=(ov)@+ CASEMAPPING=ascii :are supported" % nick)
            send(":srv 376 %s :End of MOTD" % nick)
    c.close()


while True:
    conn, _ = ls.accept()
    try:
        serve(conn)
    except OSError:
        pass
