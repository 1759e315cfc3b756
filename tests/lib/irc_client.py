#!/usr/bin/env python3
"""Scripted IRC client and wire tap for the intakebot IRC tests (stdlib).

client: irc_client.py client PORT NICK LOG SCRIPT
    Connects to 127.0.0.1:PORT, registers as NICK, then runs SCRIPT, one
    step a line:
        send RAW            send a raw line (\\xNN escapes allowed)
        wait REGEX [SECS]   until a received line matches (default 20 s)
        sleep SECS
        hold SECS           keep the connection, answering PINGs
    Every received line is appended to LOG.  Exits 1 if a wait times out.
    With IRC_TLS_CERT and IRC_TLS_KEY set it speaks TLS and presents that
    client certificate.

tap: irc_client.py tap LISTEN_PORT SERVER_PORT LOG
    Accepts one connection at a time on LISTEN_PORT, relays it to
    127.0.0.1:SERVER_PORT, and appends each line the client (the bot)
    sends to LOG as "LEN<TAB>repr(bytes)".
"""
import os
import re
import select
import socket
import ssl
import sys
import time


def unescape(s):
    return s.encode("utf-8").decode("unicode_escape").encode("latin-1")


def client(port, nick, log, script):
    s = socket.create_connection(("127.0.0.1", port), 10)
    if os.environ.get("IRC_TLS_CERT"):
        # TLS with a client certificate (CertFP); the server's is not
        # checked: this only proves who the client is.
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        ctx.load_cert_chain(os.environ["IRC_TLS_CERT"],
                            os.environ["IRC_TLS_KEY"])
        s = ctx.wrap_socket(s)
    s.settimeout(0.2)
    out = open(log, "ab", buffering=0)
    buf = b""
    lines = []

    def pump(deadline):
        nonlocal buf
        while time.time() < deadline:
            try:
                d = s.recv(65536)
            except socket.timeout:
                return
            if not d:
                raise SystemExit("server closed")
            buf += d
            while b"\r\n" in buf:
                ln, buf = buf.split(b"\r\n", 1)
                out.write(ln + b"\n")
                if ln.startswith(b"PING"):
                    s.sendall(b"PONG" + ln[4:] + b"\r\n")
                lines.append(ln)
            return

    user = os.environ.get("IRC_USER", nick)
    s.sendall(("NICK %s\r\nUSER %s 0 * :test\r\n" % (nick, user)).encode())
    end = time.time() + 20
    while not any(b" 001 " in ln for ln in lines):
        if time.time() > end:
            sys.exit("no 001")
        pump(end)
    seen = 0
    for step in open(script).read().splitlines():
        if not step.strip() or step.startswith("#"):
            continue
        verb, _, arg = step.partition(" ")
        if verb == "send":
            s.sendall(unescape(arg) + b"\r\n")
        elif verb == "sleep":
            t = time.time() + float(arg)
            while time.time() < t:
                pump(t)
                time.sleep(0.05)
        elif verb == "hold":
            t = time.time() + float(arg)
            while time.time() < t:
                pump(t)
        elif verb == "wait":
            m = re.match(r"(.*?)(?:\s+(\d+(?:\.\d+)?))?$", arg)
            rx, secs = re.compile(m.group(1).encode()), float(m.group(2) or 20)
            t = time.time() + secs
            while True:
                hit = [i for i in range(seen, len(lines)) if rx.search(lines[i])]
                if hit:
                    seen = hit[0] + 1
                    break
                if time.time() > t:
                    sys.exit("timeout waiting for %r" % m.group(1))
                pump(t)
    try:
        s.sendall(b"QUIT :bye\r\n")
    except OSError:
        pass
    s.close()


def tap(lport, sport, log):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", lport))
    ls.listen(4)
    out = open(log, "a", buffering=1)
    while True:
        c, _ = ls.accept()
        try:
            srv = socket.create_connection(("127.0.0.1", sport), 5)
        except OSError:
            c.close()
            continue
        buf = b""
        socks = [c, srv]
        alive = True
        while alive:
            r, _, _ = select.select(socks, [], [], 1)
            for x in r:
                d = x.recv(65536)
                if not d:
                    alive = False
                    break
                if x is c:
                    buf += d
                    while b"\n" in buf:
                        ln, buf = buf.split(b"\n", 1)
                        out.write("%d\t%r\n" % (len(ln) + 1, ln + b"\n"))
                    srv.sendall(d)
                else:
                    c.sendall(d)
        c.close()
        srv.close()


if __name__ == "__main__":
    if sys.argv[1] == "client":
        client(int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5])
    else:
        tap(int(sys.argv[2]), int(sys.argv[3]), sys.argv[4])
