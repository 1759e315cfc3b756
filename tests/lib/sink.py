#!/usr/bin/env python3
"""A local stand-in for a platform's incoming webhook, for tests.

usage: sink.py --dir DIR [--port PORT] [--platform KIND]

Listens on 127.0.0.1 (PORT 0, the default, lets the kernel choose) and
writes the port to DIR/port once it listens.

Every request is appended to DIR/posts.jsonl, one JSON object per line,
written when the request has been read and before it is answered:
  {"n": 1, "t": 1700000000.123, "method": "POST", "path": "/hooks/x",
   "query": "wait=true", "content_type": "application/json; ...",
   "mode": "500", "body": "<the raw body as text>"}

The answer comes from DIR/modes: one mode per line.  Each request takes
the first line and removes it, except the last line, which stays (so
"500\\nok" means one 500, then success for ever).  No file or an empty
one means "ok".  Modes:
  ok                  the platform's success answer (KIND, see below)
  status N [BODY]     status N with BODY (text/plain)
  json N BODY         status N with BODY as application/json
  error               the platform's failure inside a 200 (Slack
                      invalid_payload, Rocket.Chat success false, Teams
                      "HTTP error 400" sentence, others a 400)
  429 SECONDS         429 with Retry-After: SECONDS
  429date SECONDS     429 with Retry-After as an HTTP date SECONDS ahead
  discord429 SECONDS  429 with Discord's JSON {"retry_after": SECONDS}
                      and no Retry-After header
  hang                read the request, never answer (until the client
                      goes away, at most 120 s)
  close               read the request, close without an answer
The modes can also be replaced over HTTP: POST /_sink/modes with the new
file as body (such requests are not recorded).  GET /_sink/posts returns
posts.jsonl.

Success per KIND: mattermost, slack: 200 "ok"; rocketchat: 200
{"success":true}; discord: 200 message JSON with wait=true, else 204;
teams: 202 empty (Workflows); googlechat: 200 message JSON; webhook
(default): 200 empty.
"""
import argparse
import email.utils
import http.server
import json
import os
import select
import socketserver
import sys
import threading
import time

LOCK = threading.Lock()
COUNT = [0]


def take_mode(d):
    path = os.path.join(d, "modes")
    with LOCK:
        try:
            with open(path) as f:
                lines = [l.strip() for l in f if l.strip()]
        except FileNotFoundError:
            lines = []
        if not lines:
            return "ok"
        mode = lines[0]
        if len(lines) > 1:
            tmp = path + ".tmp"
            with open(tmp, "w") as f:
                f.write("\n".join(lines[1:]) + "\n")
            os.replace(tmp, path)
        return mode


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; without this, Nagle and the
    # client's delayed ACK add 40 ms to every answer.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        sys.stderr.write("sink: " + (fmt % args) + "\n")

    def answer(self, status, body=b"", ctype="text/plain", headers=()):
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        if status != 204:
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if status != 204:
            self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        if self.path.startswith("/_sink/posts"):
            try:
                with open(os.path.join(self.server.dir, "posts.jsonl"),
                          "rb") as f:
                    data = f.read()
            except FileNotFoundError:
                data = b""
            return self.answer(200, data, "application/x-ndjson")
        self.handle_any(b"")

    def do_POST(self):
        body = self.read_body()
        if self.path.startswith("/_sink/modes"):
            tmp = os.path.join(self.server.dir, "modes.tmp")
            with LOCK:
                with open(tmp, "wb") as f:
                    f.write(body)
                os.replace(tmp, os.path.join(self.server.dir, "modes"))
            return self.answer(200, "ok")
        self.handle_any(body)

    do_PUT = do_POST

    def handle_any(self, body):
        mode = take_mode(self.server.dir)
        path, _, query = self.path.partition("?")
        with LOCK:
            COUNT[0] += 1
            rec = {"n": COUNT[0], "t": time.time(), "method": self.command,
                   "path": path, "query": query,
                   "content_type": self.headers.get("Content-Type", ""),
                   "mode": mode, "body": body.decode("utf-8", "replace")}
            with open(os.path.join(self.server.dir, "posts.jsonl"),
                      "a") as f:
                f.write(json.dumps(rec) + "\n")
        self.respond(mode, query)

    def respond(self, mode, query):
        kind = self.server.platform
        word, _, rest = mode.partition(" ")
        if word == "ok":
            if kind in ("mattermost", "slack"):
                return self.answer(200, "ok")
            if kind == "rocketchat":
                return self.answer(200, '{"success":true}',
                                   "application/json")
            if kind == "discord":
                if "wait=true" in query:
                    return self.answer(200, '{"id":"1","type":0}',
                                       "application/json")
                return self.answer(204)
            if kind == "teams":
                return self.answer(202)
            if kind == "googlechat":
                return self.answer(200, '{"name":"spaces/A/messages/B"}',
                                   "application/json")
            return self.answer(200)
        if word == "status":
            code, _, text = rest.partition(" ")
            return self.answer(int(code), text)
        if word == "json":
            code, _, text = rest.partition(" ")
            return self.answer(int(code), text, "application/json")
        if word == "error":
            if kind == "slack":
                return self.answer(200, "invalid_payload")
            if kind == "rocketchat":
                return self.answer(200, '{"success":false,"error":'
                                   '"invalid-channel"}', "application/json")
            if kind == "teams":
                return self.answer(200, "Webhook message delivery failed "
                                   "with error: Microsoft Teams endpoint "
                                   "returned HTTP error 400 with ContextId "
                                   "tcid=0,server=msgapi,cv=x.")
            return self.answer(400, "bad request")
        if word == "429":
            return self.answer(429, "rate limited",
                               headers=[("Retry-After", rest.strip())])
        if word == "429date":
            when = email.utils.formatdate(time.time() + float(rest),
                                          usegmt=True)
            return self.answer(429, "rate limited",
                               headers=[("Retry-After", when)])
        if word == "discord429":
            return self.answer(429, json.dumps(
                {"message": "You are being rate limited.",
                 "retry_after": float(rest), "global": False}),
                "application/json")
        if word == "hang":
            end = time.time() + 120
            sock = self.connection
            while time.time() < end:
                r, _, _ = select.select([sock], [], [], 0.2)
                if r:
                    try:
                        if not sock.recv(1):
                            break
                    except OSError:
                        break
            self.close_connection = True
            return
        if word == "close":
            self.close_connection = True
            return
        return self.answer(500, "sink: unknown mode " + mode)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--platform", default="webhook")
    a = ap.parse_args()
    os.makedirs(a.dir, exist_ok=True)
    srv = Server(("127.0.0.1", a.port), Handler)
    srv.dir = a.dir
    srv.platform = a.platform
    tmp = os.path.join(a.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.replace(tmp, os.path.join(a.dir, "port"))
    try:
        srv.serve_forever(0.2)
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
