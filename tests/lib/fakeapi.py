#!/usr/bin/env python3
"""A local stand-in for a chat platform's REST API (the bot account's
direct messages), for tests.

usage: fakeapi.py --dir DIR --platform KIND --token TOKEN [--user-id ID]

KIND is mattermost, slack, discord or rocketchat.  Listens on 127.0.0.1
(a port the kernel chooses) and writes the port to DIR/port.

Every request is appended to DIR/calls.jsonl, one JSON object per line,
before it is answered: {"n", "t", "method", "path", "auth" (the
credential headers), "mode", "body" (raw text), "status" (the answer's)}.

Credentials are checked first, as the platforms do: Mattermost "Bearer
TOKEN", Slack "Bearer TOKEN" (a wrong one is {"ok":false,"error":
"invalid_auth"} in a 200), Discord "Bot TOKEN", Rocket.Chat X-Auth-Token
TOKEN and X-User-Id ID; anything else is the platform's 401.

Then the answer comes from DIR/modes, one per line, as in sink.py: each
request takes the first line, the last one stays; none means ok.
  ok            the platform's success answer, with the state it keeps
                (the bot's id, DM channels opened, posts made,
                a form opened with views.open or dialogs/open, once per
                trigger_id)
  429 SECONDS   429 with Retry-After: SECONDS (Discord: also its JSON
                {"retry_after": SECONDS, "global": false})
  okfalse ERR   an error inside a 200: Slack {"ok":false,"error":ERR},
                Rocket.Chat {"success":false,"error":ERR}; others 400
  status N      status N with the platform's error body
The modes can also be replaced with POST /_fake/modes.
"""
import argparse
import http.server
import json
import os
import socketserver
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sink import LOCK, take_mode  # noqa: E402  one modes file format

COUNT = [0]
STATE = {"channels": {}, "posts": 0}
BOT_ID = "bot4ac1bw7pnd8xfqz3ry6k9ta"      # 26 characters, like Mattermost


def error_body(kind, status, err="error"):
    if kind == "mattermost":
        return {"id": "api.context.session_expired.app_error" if status == 401
                else "api.fake." + err, "message": "fake " + err,
                "detailed_error": "", "request_id": "r1",
                "status_code": status}
    if kind == "slack":
        return {"ok": False, "error": err}
    if kind == "discord":
        return {"message": "%d: %s" % (status, err), "code": 0}
    return {"success": False, "error": err}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        sys.stderr.write("fakeapi: " + (fmt % args) + "\n")

    def answer(self, status, obj, headers=()):
        body = json.dumps(obj).encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.status = status

    def do_GET(self):
        self.handle_any(b"")

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n > 0 else b""
        if self.path == "/_fake/modes":
            with LOCK:
                with open(os.path.join(self.server.dir, "modes"), "wb") as f:
                    f.write(body)
            return self.answer(200, {"ok": True})
        self.handle_any(body)

    def authorized(self):
        k, tok = self.server.kind, self.server.token
        a = self.headers.get("Authorization", "")
        if k in ("mattermost", "slack"):
            return a == "Bearer " + tok
        if k == "discord":
            return a == "Bot " + tok
        return (self.headers.get("X-Auth-Token") == tok and
                self.headers.get("X-User-Id") == self.server.user_id)

    def handle_any(self, body):
        self.status = 0
        mode = "-"
        try:
            if not self.authorized():
                mode = "unauthorized"
                if self.server.kind == "slack":
                    self.answer(200, error_body("slack", 200, "invalid_auth"))
                else:
                    self.answer(401, error_body(self.server.kind, 401,
                                                "Unauthorized"))
                return
            mode = take_mode(self.server.dir)
            self.reply(mode, body)
        finally:
            self.record(mode, body)

    def record(self, mode, body):
        with LOCK:
            COUNT[0] += 1
            auth = {h: self.headers.get(h) for h in
                    ("Authorization", "X-Auth-Token", "X-User-Id")
                    if self.headers.get(h) is not None}
            rec = {"n": COUNT[0], "t": time.time(), "method": self.command,
                   "path": self.path, "auth": auth, "mode": mode,
                   "body": body.decode("utf-8", "replace"),
                   "status": self.status}
            with open(os.path.join(self.server.dir, "calls.jsonl"), "a") as f:
                f.write(json.dumps(rec) + "\n")

    def reply(self, mode, body):
        k = self.server.kind
        word, _, arg = mode.partition(" ")
        if word == "429":
            secs = arg or "1"
            obj = error_body(k, 429, "ratelimited")
            if k == "discord":
                obj = {"message": "You are being rate limited.",
                       "retry_after": float(secs), "global": False}
            return self.answer(429, obj, [("Retry-After", secs)])
        if word == "okfalse":
            if k in ("slack", "rocketchat"):
                return self.answer(200, error_body(k, 200, arg or "failed"))
            return self.answer(400, error_body(k, 400, arg or "failed"))
        if word == "status":
            st = int(arg)
            return self.answer(st, error_body(k, st, "status_%d" % st))
        try:
            doc = json.loads(body) if body else None
        except ValueError:
            return self.answer(400, error_body(k, 400, "invalid_json"))
        getattr(self, "ok_" + k)(doc)

    def new_channel(self, user):
        with LOCK:
            ch = STATE["channels"].get(user)
            if ch is None:
                ch = "dm%024d" % (len(STATE["channels"]) + 1)
                STATE["channels"][user] = ch
            return ch

    def trigger_used(self, trigger):
        """A trigger opens one view: true the second time."""
        with LOCK:
            used = trigger in STATE.setdefault("triggers", set())
            STATE["triggers"].add(trigger)
            return used

    def known_channel(self, ch):
        with LOCK:
            return ch in STATE["channels"].values()

    def ok_mattermost(self, doc):
        p = self.path
        if self.command == "GET" and p == "/api/v4/users/me":
            return self.answer(200, {"id": BOT_ID, "username": "intakebot",
                                     "is_bot": True})
        if p == "/api/v4/channels/direct":
            if (not isinstance(doc, list) or len(doc) != 2 or
                    BOT_ID not in doc):
                return self.answer(400, error_body("mattermost", 400,
                                                   "invalid_users"))
            other = doc[0] if doc[1] == BOT_ID else doc[1]
            ch = self.new_channel(other)
            return self.answer(201, {"id": ch, "type": "D",
                                     "name": "%s__%s" % (BOT_ID, other)})
        if p == "/api/v4/posts":
            if not isinstance(doc, dict) or not self.known_channel(
                    doc.get("channel_id")):
                return self.answer(403, error_body("mattermost", 403,
                                                   "no_permission"))
            return self.answer(201, {"id": "post%022d" % COUNT[0],
                                     "channel_id": doc["channel_id"],
                                     "message": doc.get("message", "")})
        if p == "/api/v4/actions/dialogs/open":
            # The trigger is the credential; a dialog the server would
            # refuse is a 400 here (Mattermost only logs it).
            dlg = doc.get("dialog") if isinstance(doc, dict) else None
            if (not doc.get("trigger_id") or not doc.get("url") or
                    not isinstance(dlg, dict) or not dlg.get("title") or
                    len(dlg["title"]) > 24 or not dlg.get("elements") or
                    any(len(e.get("display_name", "")) > 24 or
                        not e.get("name") for e in dlg["elements"])):
                return self.answer(400, error_body("mattermost", 400,
                                                   "invalid_dialog"))
            if self.trigger_used(doc["trigger_id"]):
                return self.answer(400, error_body(
                    "mattermost", 400, "decode_trigger_id.expired"))
            return self.answer(200, {"status": "OK"})
        self.answer(404, error_body("mattermost", 404, "not_found"))

    def ok_slack(self, doc):
        p = self.path
        if p == "/conversations.open":
            if not isinstance(doc, dict) or not doc.get("users"):
                return self.answer(200, error_body("slack", 200,
                                                   "user_not_found"))
            return self.answer(200, {"ok": True, "channel": {
                "id": "D" + self.new_channel(doc["users"])[-9:]}})
        if p == "/chat.postMessage":
            if not isinstance(doc, dict) or not str(
                    doc.get("channel", "")).startswith("D"):
                return self.answer(200, error_body("slack", 200,
                                                   "channel_not_found"))
            return self.answer(200, {"ok": True, "channel": doc["channel"],
                                     "ts": "1700000000.%06d" % COUNT[0]})
        if p == "/views.open":
            v = doc.get("view") if isinstance(doc, dict) else None
            if not isinstance(doc, dict) or not doc.get("trigger_id"):
                return self.answer(200, error_body("slack", 200,
                                                   "invalid_trigger_id"))
            if (not isinstance(v, dict) or v.get("type") != "modal" or
                    len(v.get("title", {}).get("text", "")) > 24 or
                    not v.get("blocks")):
                return self.answer(200, error_body("slack", 200,
                                                   "invalid_arguments"))
            if self.trigger_used(doc["trigger_id"]):
                return self.answer(200, error_body("slack", 200,
                                                   "exchanged_trigger_id"))
            return self.answer(200, {"ok": True, "view": {
                "id": "V%08d" % COUNT[0]}})
        self.answer(200, error_body("slack", 200, "unknown_method"))

    def ok_discord(self, doc):
        p = self.path
        if p == "/users/@me/channels":
            if not isinstance(doc, dict) or not doc.get("recipient_id"):
                return self.answer(400, error_body("discord", 400,
                                                   "Invalid Form Body"))
            ch = str(1200000000000000000 + len(STATE["channels"]))
            with LOCK:
                ch = STATE["channels"].setdefault(doc["recipient_id"], ch)
            return self.answer(200, {"id": ch, "type": 1, "recipients": [
                {"id": doc["recipient_id"]}]})
        if p.startswith("/channels/") and p.endswith("/messages"):
            ch = p.split("/")[2]
            if not self.known_channel(ch):
                return self.answer(404, error_body("discord", 404,
                                                   "Unknown Channel"))
            return self.answer(200, {"id": str(1300000000000000000 +
                                                 COUNT[0]),
                                     "channel_id": ch,
                                     "content": doc.get("content", "")})
        self.answer(404, error_body("discord", 404, "Not Found"))

    def ok_rocketchat(self, doc):
        if self.path == "/api/v1/chat.postMessage":
            ch = doc.get("channel", "") if isinstance(doc, dict) else ""
            if not ch.startswith("@"):
                return self.answer(400, error_body("rocketchat", 400,
                                                   "error-invalid-channel"))
            return self.answer(200, {"ts": int(time.time() * 1000),
                                     "channel": ch, "success": True,
                                     "message": {"msg": doc.get("text")}})
        self.answer(404, {"success": False, "error": "not found"})


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", required=True)
    ap.add_argument("--platform", required=True,
                    choices=["mattermost", "slack", "discord", "rocketchat"])
    ap.add_argument("--token", required=True)
    ap.add_argument("--user-id", default="")
    a = ap.parse_args()
    srv = Server(("127.0.0.1", 0), Handler)
    srv.dir, srv.kind, srv.token, srv.user_id = (a.dir, a.platform, a.token,
                                                 a.user_id)
    with open(os.path.join(a.dir, "port.tmp"), "w") as f:
        f.write(str(srv.server_address[1]))
    os.replace(os.path.join(a.dir, "port.tmp"), os.path.join(a.dir, "port"))
    srv.serve_forever()


if __name__ == "__main__":
    main()
