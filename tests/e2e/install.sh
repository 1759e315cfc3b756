# make install into a DESTDIR: the binary runs --check on the installed
# config and content; the unit file verifies and keeps its exposure at
# most 2.0; both man pages are clean under mandoc -Tlint; make uninstall
# removes what install put there, and install never overwrites a live
# config.
. "$TOP/tests/lib/common.sh"
cd "$TOP"
R="$T/root"
make -s install BUILD="${BUILD_DIR#$TOP/}" PREFIX=/usr SYSCONFDIR=/etc \
	DESTDIR="$R" >"$T/install.log" 2>&1 || { cat "$T/install.log"; fail "make install"; }
for f in usr/sbin/intakebot usr/share/man/man8/intakebot.8 \
    usr/share/man/man5/intakebot.conf.5 usr/lib/systemd/system/intakebot.service \
    usr/share/intakebot/content/287g.md usr/share/intakebot/content/es/287g.md \
    usr/share/intakebot/intakebot.conf.example etc/intakebot/intakebot.conf; do
	[ -e "$R/$f" ] || fail "not installed: $f"
done
grep -q '^content_dir = /usr/share/intakebot/content' "$R/etc/intakebot/intakebot.conf" ||
	fail "installed config does not point at the installed content"
pass "installed files"

# The installed binary checks the installed config (content under DESTDIR).
sed "s|^content_dir = /usr/share|content_dir = $R/usr/share|" \
	"$R/etc/intakebot/intakebot.conf" >"$T/check.conf"
out=$("$R/usr/sbin/intakebot" -c "$T/check.conf" --check 2>&1) || fail "--check: $out"
[ "$out" = "configuration OK" ] || fail "--check said: $out"
pass "installed binary: configuration OK"

mandoc -Tlint -Wwarning "$R/usr/share/man/man8/intakebot.8" \
	"$R/usr/share/man/man5/intakebot.conf.5" || fail "mandoc -Tlint"
pass "man pages lint clean"

if command -v systemd-analyze >/dev/null; then
	sed "s|/usr/sbin/intakebot|$R/usr/sbin/intakebot|g" \
		"$R/usr/lib/systemd/system/intakebot.service" >"$T/intakebot.service"
	# The man pages are checked with mandoc above; man(1) (man-db) need
	# not be installed.
	systemd-analyze verify --man=no "$T/intakebot.service" \
		>"$T/verify.log" 2>&1 || { cat "$T/verify.log"; fail "systemd-analyze verify"; }
	if grep -q . "$T/verify.log"; then
		cat "$T/verify.log"; fail "systemd-analyze verify warnings"
	fi
	systemd-analyze security --offline=true "$T/intakebot.service" >"$T/sec.log" 2>&1 || true
	level=$(sed -n 's/.*Overall exposure level for .*: \([0-9.]*\).*/\1/p' "$T/sec.log")
	[ -n "$level" ] || { cat "$T/sec.log"; fail "no exposure level"; }
	awk -v l="$level" 'BEGIN { exit !(l <= 2.0) }' || fail "exposure $level > 2.0"
	pass "unit verifies; exposure $level"
else
	fail "systemd-analyze is missing (package systemd)"
fi

# A live config is never overwritten by a second install.
echo "# live" >>"$R/etc/intakebot/intakebot.conf"
make -s install BUILD="${BUILD_DIR#$TOP/}" PREFIX=/usr SYSCONFDIR=/etc \
	DESTDIR="$R" >/dev/null 2>&1 || fail "second make install"
tail -n 1 "$R/etc/intakebot/intakebot.conf" | grep -q '^# live$' ||
	fail "live config overwritten"
pass "live config kept"

make -s uninstall PREFIX=/usr SYSCONFDIR=/etc DESTDIR="$R" >/dev/null 2>&1 ||
	fail "make uninstall"
for f in usr/sbin/intakebot usr/share/man/man8/intakebot.8 \
    usr/lib/systemd/system/intakebot.service usr/share/intakebot; do
	[ ! -e "$R/$f" ] || fail "left after uninstall: $f"
done
pass "uninstall removes the files (the live config stays)"
