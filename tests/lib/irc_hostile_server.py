#!/usr/bin/env python3
"""A hostile IRC server for tests/e2e/fault-irc.sh (stdlib only).

irc_hostile_server.py PORT DIR
    Serves on 127.0.0.1:PORT for 120 s.  A connection registers the
    client and joins it to #help, then runs the attacks, each announced by
    a line "PHASE name" in DIR/log; the bot may drop the link on one (and
    reconnect), and the check that it still answers then runs on the next
    link ("ANSWERED name (after a reconnect)"):
      lines     200 PRIVMSGs of 4000 bytes, NUL and invalid UTF-8 inside
                commands and prefixes, a 600-byte PING; then a real
                "!287g" that must be answered ("ANSWERED lines")
      junk      10 MB of random bytes (NUL, CR, LF, invalid UTF-8, lines
                of any length); then "!287g" again ("ANSWERED junk")
      ping      20000 PINGs in one go; then "!287g" again ("ANSWERED ping")
      deaf      stops reading, sends 3000 private "!287g more" requests,
                and holds the link until DIR/release exists
    then closes; the next connection must answer "!287g" ("ANSWERED again
    (after a reconnect)").  Every line from the client goes to DIR/client.
"""
import os
import socket
import sys
import threading
import time

port, d = int(sys.argv[1]), sys.argv[2]
log = open(os.path.join(d, "log"), "a", buffering=1)
client_log = open(os.path.join(d, "client"), "ab", buffering=0)
END = time.time() + 120


def note(s):
    log.write(s + "\n")


class Conn:
    def __init__(self, c):
        self.c = c
        self.lines = []
        self.reading = True
        self.cv = threading.Condition()
        self.closed = False
        threading.Thread(target=self.reader, daemon=True).start()

    def reader(self):
        buf = b""
        while time.time() < END:
            if not self.reading:
                time.sleep(0.05)
                continue
            try:
                self.c.settimeout(0.2)
                data = self.c.recv(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if not data:
                break
            buf += data
            while b"\n" in buf:
                ln, buf = buf.split(b"\n", 1)
                client_log.write(ln + b"\n")
                with self.cv:
                    self.lines.append(ln.rstrip(b"\r").decode("utf-8", "replace"))
                    self.cv.notify_all()
        with self.cv:
            self.closed = True
            self.cv.notify_all()

    def send(self, s):
        if isinstance(s, str):
            s = s.encode()
        self.c.sendall(s + b"\r\n")

    def wait(self, pred, secs=30):
        end = time.time() + secs
        with self.cv:
            while True:
                for i, ln in enumerate(self.lines):
                    if pred(ln):
                        del self.lines[: i + 1]
                        return ln
                if self.closed or time.time() > end:
                    return None
                self.cv.wait(0.2)

    def register(self):
        nick = None
        user = False
        while not (nick and user):
            ln = self.wait(lambda l: True)
            if ln is None:
                return None
            w = ln.split(" ")
            if w[0].upper() == "CAP":
                self.send(":srv 421 * CAP :Unknown command")
            elif w[0].upper() == "NICK":
                nick = w[1]
            elif w[0].upper() == "USER":
                user = True
        self.send(":srv 001 %s :Welcome" % nick)
        self.send(":srv 005 %s CHANTYPES=# PREFIX=(ov)@+ CASEMAPPING=ascii :are supported" % nick)
        self.send(":srv 376 %s :End of MOTD" % nick)
        ln = self.wait(lambda l: l.upper().startswith("JOIN "))
        if ln is None:
            return None
        for ch in ln.split(" ")[1].split(","):
            self.send(":%s!u@127.0.0.1 JOIN %s" % (nick, ch))
            self.send(":srv 366 %s %s :End of NAMES list" % (nick, ch))
        return nick

    def ask(self, what):
        try:
            self.send(":carol!c@127.0.0.1 PRIVMSG #help :!287g")
        except OSError:
            return False
        ln = self.wait(lambda l: l.startswith("PRIVMSG #help :carol:"), 60)
        note(("ANSWERED " if ln else "UNANSWERED ") + what)
        return ln is not None


def junk(k):
    rnd = os.urandom(1 << 20)
    for i in range(10):
        k.c.sendall(rnd[i * 4096:] + rnd[: i * 4096])
    k.send(b"")


def bad_lines(k):
    for i in range(200):
        k.send(b":x!y@z PRIVMSG #help :" + b"A" * 4000)
    k.send(b":carol!c@127.0.0.1 PRIVMSG #help :!help\x00\xff\xfe\xc0\xaf")
    k.send(b":carol!c@127.0.0.1 PRIV\x00MSG #help :!287g")
    k.send(b":\xff\xfe!\xc0@\x00 PRIVMSG #help :\xed\xa0\x80!287g")
    k.send(b"PING :" + b"\xff" * 600)


def ping_flood(k):
    k.c.sendall(b"".join(b"PING :flood%d\r\n" % i for i in range(20000)))


def deaf(k):
    k.reading = False
    k.c.settimeout(0.5)
    sent = 0
    try:
        for i in range(3000):
            k.send(":carol!c@127.0.0.1 PRIVMSG intakebot :!287g more")
            sent += 1
    except OSError:
        pass
    note("DEAF sent %d" % sent)
    while not os.path.exists(os.path.join(d, "release")) and time.time() < END:
        time.sleep(0.1)
    note("RELEASED")


PHASES = [("lines", bad_lines), ("junk", junk), ("ping", ping_flood), ("deaf", deaf)]
pending = None  # an attack whose answer check moves to the next link


def serve(k):
    """Runs the attacks left on this link.  The bot may drop a link that
    misbehaves (and reconnect): the check then runs on the next one."""
    global pending
    if k.register() is None:
        note("NOREGISTER")
        return
    note("REGISTERED")
    if pending is not None:
        k.ask(pending + " (after a reconnect)")
        pending = None
    while PHASES:
        name, attack = PHASES.pop(0)
        note("PHASE " + name)
        try:
            attack(k)
        except OSError as e:
            note("LINK dropped during %s: %s" % (name, e))
        if name == "deaf":
            pending = "again"
            return
        if not k.ask(name):
            pending = name
            return


ls = socket.socket()
ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
ls.bind(("127.0.0.1", port))
ls.listen(4)
ls.settimeout(1)
n = 0
while time.time() < END and (PHASES or pending):
    try:
        c, _ = ls.accept()
    except socket.timeout:
        continue
    # A bare port probe sends nothing; only real clients count.
    c.settimeout(2)
    try:
        probe = c.recv(1, socket.MSG_PEEK)
    except OSError:
        probe = b""
    if not probe:
        c.close()
        continue
    n += 1
    note("CONNECT %d" % n)
    k = Conn(c)
    serve(k)
    try:
        c.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    c.close()
note("DONE")
