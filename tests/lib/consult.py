"""Helpers for the consultation tests: Mattermost !consult posts over real
HTTP, and checks over what the sink and the IRC staff client received.
Standard library only."""
import json
import re
import sys
import urllib.parse

from webhook import post, check

TOKEN = "xr3j5x3p4pfk7kttbd6ewqchoe"
SLASH_TOKEN = "s1ashtokens1ashtokens1asht"
FORM = "application/x-www-form-urlencoded"


def mm_consult(n, text, user=None):
    """Sends "/intake consult TEXT" as a Mattermost slash command from user
    n in town-square; returns the reference number the bot gave (checking
    that the acknowledgement is ephemeral), or None."""
    user = user or "u%05d" % n
    body = urllib.parse.urlencode({
        "token": SLASH_TOKEN, "team_id": "t1", "team_domain": "community",
        "channel_id": "c1", "channel_name": "town-square",
        "user_id": user, "user_name": user, "command": "/intake",
        "text": "consult " + text, "trigger_id": "tr%05d" % n,
        "response_url": "http://127.0.0.1:9/hooks/commands/x"})
    status, _, data = post("/hooks/mattermost", body, FORM)
    if status != 200:
        return None
    d = json.loads(data)
    m = re.search(r"request is \*\*#(\d+)\*\*", d.get("text", ""))
    if d.get("response_type") != "ephemeral":
        raise AssertionError("acknowledgement is not ephemeral: %r" % d)
    return int(m.group(1)) if m else None


def numbers_in(lines):
    """The request numbers in forwarded "[consult #N]" lines, in order."""
    out = []
    for ln in lines:
        m = re.search(r"\[consult #(\d+)\]", ln)
        if m:
            out.append(int(m.group(1)))
    return out


def sink_numbers(path):
    try:
        rows = [json.loads(l) for l in open(path)]
    except FileNotFoundError:
        return []
    texts = []
    for r in rows:
        if r.get("mode", "ok") not in ("ok",):
            continue  # a failed attempt, retried later
        texts.append(r["body"])
    return numbers_in(texts)


def check_delivery(got, acked, what):
    """Every acked number was delivered; first deliveries are in order;
    a number repeats only right where a retry could resend it."""
    missing = sorted(set(acked) - set(got))
    check(not missing, "%s: all acknowledged requests delivered" % what,
          "missing %s" % missing[:20])
    firsts = []
    for n in got:
        if n not in firsts:
            firsts.append(n)
    check(firsts == sorted(firsts), "%s: delivered in order" % what,
          firsts[:40])
    return len(got) - len(firsts)


def main(argv):
    """consult.py verify POSTS ACKED SECONDS MAX_REPEATS WHAT
    Waits up to SECONDS for the sink's POSTS to hold every number listed
    in the file ACKED, then checks order and that at most MAX_REPEATS
    numbers were delivered twice.  Exit 0 when all holds."""
    import time
    if len(argv) != 7 or argv[1] != "verify":
        sys.exit(main.__doc__)
    posts, acked_file, secs, max_rep, what = argv[2:]
    acked = list(map(int, open(acked_file).read().split()))
    end = time.time() + float(secs)
    while not set(acked) <= set(sink_numbers(posts)):
        if time.time() > end:
            break
        time.sleep(0.1)
    got = sink_numbers(posts)
    rep = check_delivery(got, acked, what)
    print("%s: acknowledged %d, delivered %d posts, repeats %d"
          % (what, len(acked), len(got), rep))
    check(rep <= int(max_rep), "%s: at most %s repeats" % (what, max_rep), rep)


if __name__ == "__main__":
    main(sys.argv)
