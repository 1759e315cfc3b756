# Private ngircd for tests (POSIX sh, sourced after common.sh).
#
#   ngircd_start DIR PORT [SSLPORT CERT KEY]
#       writes DIR/ngircd.conf, starts `ngircd -n -f` in the background,
#       tracks it, waits for PORT; sets NGIRCD_PID.
#   ngircd_stop     kills it and waits for it to go.
#   tls_make_certs DIR NAME...
#       a throw-away CA (DIR/ca.pem) and a server certificate
#       (DIR/server.pem, DIR/server.key) for the names given (DNS names
#       and IP addresses), made with the openssl CLI.
#
# The server listens on 127.0.0.1 only, without PAM, DNS or ident lookups,
# and its flood penalty does not apply to the bot's throttled output.
# NGIRCD_MAX_PENALTY=0 (benchmarks only) turns ngircd's penalty off for
# every client: without it, once a client has sent 256 bytes within one
# second (or more than 3 commands in one read), ngircd stops reading its
# socket until the next second; one 379-byte reply of the bot does that.

ngircd_write_conf() {
	_dir=$1 _port=$2 _sslport=${3:-} _cert=${4:-} _key=${5:-}
	mkdir -p "$_dir"
	: >"$_dir/motd"
	cat >"$_dir/ngircd.conf" <<CONF
[Global]
	Name = irc.test
	Info = intakebot test server
	Listen = 127.0.0.1
	Ports = $_port
	MotdFile = $_dir/motd
	PidFile = $_dir/ngircd.pid
[Limits]
	MaxConnectionsIP = 0
	MaxJoins = 0
	PingTimeout = 120
	PongTimeout = 20
	MaxNickLength = 30
${NGIRCD_MAX_PENALTY:+	MaxPenaltyTime = $NGIRCD_MAX_PENALTY}
[Options]
	PAM = no
	DNS = no
	Ident = no
	MorePrivacy = no
	RequireAuthPing = no
CONF
	if [ -n "$_sslport" ]; then
		cat >>"$_dir/ngircd.conf" <<CONF
[SSL]
	CertFile = $_cert
	KeyFile = $_key
	Ports = $_sslport
CONF
	fi
}

ngircd_start() {
	ngircd_write_conf "$@"
	NGIRCD_DIR=$1
	NGIRCD_PORT=$2
	ngircd -n -f "$NGIRCD_DIR/ngircd.conf" >"$NGIRCD_DIR/ngircd.log" 2>&1 &
	NGIRCD_PID=$!
	track $NGIRCD_PID
	wait_port "$NGIRCD_PORT" 10 || { cat "$NGIRCD_DIR/ngircd.log"; fail "ngircd did not start"; }
	if [ -n "${3:-}" ]; then
		wait_port "$3" 10 || { cat "$NGIRCD_DIR/ngircd.log"; fail "ngircd TLS port did not open"; }
	fi
}

ngircd_stop() {
	kill "$NGIRCD_PID" 2>/dev/null || true
	i=0
	while kill -0 "$NGIRCD_PID" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1; i=$((i + 1))
	done
	kill -9 "$NGIRCD_PID" 2>/dev/null || true
}

tls_make_certs() {
	_d=$1; shift
	_san=""
	for n in "$@"; do
		case "$n" in
		*[!0-9.:]*) _san="$_san${_san:+,}DNS:$n" ;;
		*) _san="$_san${_san:+,}IP:$n" ;;
		esac
	done
	mkdir -p "$_d"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=intakebot test CA" \
	    -keyout "$_d/ca.key" -out "$_d/ca.pem" \
	    -addext basicConstraints=critical,CA:TRUE \
	    -addext keyUsage=critical,keyCertSign,cRLSign >/dev/null 2>&1
	openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" \
	    -keyout "$_d/server.key" -out "$_d/server.csr" >/dev/null 2>&1
	printf 'subjectAltName=%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$_san" >"$_d/ext"
	openssl x509 -req -in "$_d/server.csr" -CA "$_d/ca.pem" -CAkey "$_d/ca.key" \
	    -CAcreateserial -days 2 -extfile "$_d/ext" -out "$_d/server.pem" >/dev/null 2>&1
	chmod 600 "$_d/server.key"
}
