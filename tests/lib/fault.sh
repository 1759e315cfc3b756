# Helpers for tests/e2e/fault-*.sh (POSIX sh, sourced after common.sh).
#
#   fault_tmpfs DIR SIZE
#       mounts a tmpfs of SIZE on DIR (created), unmounted by the EXIT
#       trap after every tracked process is gone.  A test that needs it
#       skips with a SKIP line (exit 0) only where mounting is impossible
#       (not root, or no permission in a container); it never skips on a
#       machine where mount works.
#   consult_try N TEXT
#       one Mattermost "/intake consult TEXT" from user uN; prints
#       "acked NUMBER", "refused" (the bot's "could not be saved" answer)
#       or "other ...".

FAULT_MOUNTS=""
fault_cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null || true; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 50 ]; do
			sleep 0.1; i=$((i + 1))
		done
	done
	for m in $FAULT_MOUNTS; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
	cleanup
}
trap fault_cleanup EXIT INT TERM

fault_tmpfs() {
	mkdir -p "$1"
	if ! mount -t tmpfs -o "size=$2,mode=0700" tmpfs "$1" 2>"$T/mount.err"; then
		if [ "$(id -u)" -ne 0 ]; then
			echo "SKIP: mounting a tmpfs needs root (running as uid $(id -u))"
		else
			echo "SKIP: cannot mount a tmpfs: $(cat "$T/mount.err")"
		fi
		exit 0
	fi
	FAULT_MOUNTS="$1 $FAULT_MOUNTS"
}

consult_try() {
	PORT=$HTTPPORT PYTHONPATH="$TOP/tests/lib" python3 - "$1" "$2" <<'PY'
import json, re, sys, urllib.parse
from webhook import post
from consult import SLASH_TOKEN, FORM
n, text = int(sys.argv[1]), sys.argv[2]
user = "u%05d" % n
body = urllib.parse.urlencode({
    "token": SLASH_TOKEN, "team_id": "t1", "team_domain": "community",
    "channel_id": "c1", "channel_name": "town-square",
    "user_id": user, "user_name": user, "command": "/intake",
    "text": "consult " + text, "trigger_id": "tr%05d" % n,
    "response_url": "http://127.0.0.1:9/hooks/commands/x"})
st, _, data = post("/hooks/mattermost", body, FORM)
t = json.loads(data).get("text", "") if st == 200 else ""
m = re.search(r"request is \*\*#(\d+)\*\*", t)
if m:
    print("acked", m.group(1))
elif "could not be saved" in t:
    print("refused")
else:
    print("other", st, t[:200])
PY
}
