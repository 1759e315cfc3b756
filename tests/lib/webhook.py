"""Helpers for the tests/e2e/http-*.sh scripts: HTTP requests over
loopback with the exact bytes the platforms send, their signatures, and
assertions that raise (so the script exits non-zero and the test fails).
Standard library only; Ed25519 signing goes through the openssl CLI."""
import base64
import hashlib
import hmac
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time

PORT = int(os.environ.get("PORT", "0"))
TIMEOUT = 10


def request(method, path, body=b"", headers=None, port=None):
    """Sends one request on a fresh connection; returns (status, headers,
    body bytes).  Every wait is bounded by TIMEOUT seconds."""
    c = http.client.HTTPConnection("127.0.0.1", port or PORT, timeout=TIMEOUT)
    if isinstance(body, str):
        body = body.encode()
    c.request(method, path, body=body if method != "GET" or body else None,
              headers=headers or {})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), data


def post(path, body, ctype, headers=None):
    h = {"Content-Type": ctype} if ctype else {}
    h.update(headers or {})
    return request("POST", path, body, h)


def fixture(name):
    top = os.environ.get("TOP", ".")
    with open(os.path.join(top, "tests/data/webhook", name), "rb") as f:
        return f.read()


def slack_headers(secret, body, ts=None, forge=False):
    ts = str(int(time.time()) if ts is None else ts)
    if isinstance(body, str):
        body = body.encode()
    mac = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body,
                   hashlib.sha256).hexdigest()
    if forge:
        mac = ("0" if mac[0] != "0" else "1") + mac[1:]
    return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=" + mac}


def teams_headers(secret_b64, body, forge=False):
    if isinstance(body, str):
        body = body.encode()
    key = base64.b64decode(secret_b64)
    mac = hmac.new(key, body, hashlib.sha256).digest()
    if forge:
        mac = bytes([mac[0] ^ 1]) + mac[1:]
    return {"Authorization": "HMAC " + base64.b64encode(mac).decode()}


def ed25519_keygen(d):
    """Makes a key in directory d; returns (pem path, public key hex)."""
    pem = os.path.join(d, "discord.pem")
    subprocess.run(["openssl", "genpkey", "-algorithm", "ed25519", "-out",
                    pem], check=True, capture_output=True)
    der = subprocess.run(["openssl", "pkey", "-in", pem, "-pubout",
                          "-outform", "DER"], check=True,
                         capture_output=True).stdout
    return pem, der[-32:].hex()


def discord_headers(pem, body, ts=None, forge=False):
    ts = str(int(time.time()) if ts is None else ts)
    if isinstance(body, str):
        body = body.encode()
    with tempfile.NamedTemporaryFile(delete=False) as f:
        f.write(ts.encode() + body)
        msg = f.name
    try:
        sig = subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", pem,
                              "-rawin", "-in", msg], check=True,
                             capture_output=True).stdout
    finally:
        os.unlink(msg)
    if forge:
        sig = bytes([sig[0] ^ 1]) + sig[1:]
    return {"X-Signature-Ed25519": sig.hex(), "X-Signature-Timestamp": ts}


def check(cond, what, detail=""):
    if not cond:
        print("FAIL: %s %s" % (what, detail), file=sys.stderr)
        sys.exit(1)
    print("ok: %s" % what)


def expect_status(res, status, what):
    check(res[0] == status, what, "(got %d, body %r)" % (res[0], res[2][:300]))
    return res


def expect_json(res, what, status=200):
    expect_status(res, status, what + " status")
    try:
        doc = json.loads(res[2])
    except ValueError:
        check(False, what + " is JSON", repr(res[2][:300]))
    check(res[1].get("content-type", "").startswith("application/json"),
          what + " content type", res[1].get("content-type"))
    return doc


def metric(name, labels=""):
    """The value of name{labels} on /metrics (0 when absent)."""
    _, _, body = request("GET", "/metrics")
    want = name + ("{%s}" % labels if labels else "")
    for line in body.decode().splitlines():
        if line.startswith(want + " "):
            return int(line.split()[-1])
    return 0
