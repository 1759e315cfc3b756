#!/usr/bin/env python3
"""A scripted IRC server for the IRC life-cycle tests (stdlib only).

irc_script_server.py PORT LOG MODE
    Serves connections one after another on 127.0.0.1:PORT for 120 s and
    appends every line received to LOG, and "CONNECT n" per connection.
    No CAP support (CAP is answered with 421, as old servers do).  MODE:
      nickserv  after 001, an IDENTIFY to NickServ is answered with a
                NickServ NOTICE "You are now identified"; PONG answered
      nopong    PINGs from the client are never answered
      ban465    registration is answered with 465 and the link closed
"""
import socket
import sys
import time

port, log, mode = int(sys.argv[1]), sys.argv[2], sys.argv[3]
out = open(log, "a", buffering=1)
ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(4)
count = 0


def serve(c):
    global count
    c.settimeout(60)
    f = c.makefile("rb")
    nick, user, registered = None, False, False

    def send(s):
        c.sendall(s.encode() + b"\r\n")

    for raw in f:
        line = raw.rstrip(b"\r\n").decode("utf-8", "replace")
        out.write(line + "\n")
        w = line.split(" ")
        cmd = w[0].upper()
        if cmd == "CAP":
            send(":srv 421 * CAP :Unknown command")
        elif cmd == "NICK":
            nick = w[1]
        elif cmd == "USER":
            user = True
        elif cmd == "PING":
            if mode != "nopong":
                send(":srv PONG srv :" + line.split(":", 1)[-1])
        elif cmd == "PRIVMSG" and w[1].lower() == "nickserv":
            if "IDENTIFY" in line.upper():
                send(":NickServ!s@services NOTICE %s :You are now identified for %s." % (nick, nick))
        elif cmd == "JOIN":
            for ch in w[1].split(","):
                send(":%s!u@127.0.0.1 JOIN %s" % (nick, ch))
                send(":srv 366 %s %s :End of NAMES list" % (nick, ch))
        elif cmd == "QUIT":
            break
        if nick and user and not registered:
            registered = True
            if mode == "ban465":
                send(":srv 465 %s :You are banned from this server" % nick)
                send("ERROR :Closing Link: %s (K-Lined)" % nick)
                break
            send(":srv 001 %s :Welcome" % nick)
            send(":srv 005 %s CHANTYPES=# PREFIX=(ov)@+ CASEMAPPING=ascii :are supported" % nick)
            send(":srv 376 %s :End of MOTD" % nick)
    c.close()


ls.settimeout(120)
try:
    while True:
        conn, _ = ls.accept()
        # A bare port probe sends nothing; only real clients count.
        conn.settimeout(2)
        try:
            first = conn.recv(1, socket.MSG_PEEK)
        except OSError:
            first = b""
        if not first:
            conn.close()
            continue
        count += 1
        out.write("CONNECT %d\n" % count)
        try:
            serve(conn)
        except OSError:
            pass
except socket.timeout:
    pass
