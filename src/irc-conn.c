/*
 * The bot-owned IRC connection and the loopback relay.
 *
 * Design.  Debian's libircclient is built without TLS, opens its own
 * socket, and writes whatever it is given.  So the bot owns the real
 * connection: it resolves the name without blocking (getaddrinfo_a),
 * tries every address (IPv6 and IPv4) with a non-blocking connect under
 * one deadline, and, with tls = yes, runs OpenSSL over it with SNI, the
 * system CA store or a configured CA file, hostname (or IP) verification
 * and an optional client certificate for CertFP.  Only then does it open
 * a listening socket on 127.0.0.1 with an ephemeral port and let
 * libircclient connect to it.  The relay accepts exactly one connection,
 * and only from the local port of the socket libircclient opened (the
 * caller names that socket); anything else is closed at once, and the
 * listener is closed after the one accept.  From then on:
 *
 *   server --TLS/TCP--> [relay: split lines, on_server_line (tags
 *                        and all), strip tags, cap length]
 *                        --loopback--> libircclient
 *   libircclient --loopback--> [relay: split lines, on_client_line,
 *                        final 510-byte/CR/LF check] --TLS/TCP--> server
 *   the bot (irc_conn_send) --> [510-byte/CR/LF check] --TLS/TCP--> server
 *
 * Seeing every line in both directions is what lets the adapter do CAP
 * and SASL before libircclient's NICK/USER, send its own registration
 * (libircclient's PASS/NICK/USER are built as printf formats), parse a
 * whole 005 line (libircclient keeps 10 parameters), read message tags,
 * and know when a line has really been written to the server socket.
 * The relay's length cap towards libircclient is the caller's
 * (relay_max).  This is the only file that includes OpenSSL's ssl.h.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <sys/socket.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "buf.h"
#include "irc-conn.h"
#include "irc-out.h"
#include "log.h"
#include "loop.h"
#include "text.h"
#include "xmalloc.h"

#define IRC_CONN_LINE_IN_MAX 1000 /* without tags, from the server */
/* IRCv3: up to 8191 bytes of tags before the line itself. */
#define IRC_CONN_TAGGED_IN_MAX (8191 + IRC_CONN_LINE_IN_MAX)
#define IRC_CONN_PENDING_MAX (256 * 1024)
#define IRC_CONN_RESOLVE_POLL_MS 20

enum irc_conn_state {
	IRC_CONN_RESOLVING,
	IRC_CONN_CONNECTING,
	IRC_CONN_HANDSHAKE,
	IRC_CONN_RELAY_WAIT,
	IRC_CONN_RELAYING,
	IRC_CONN_CLOSED
};

/* The resolver request lives apart so a late glibc write cannot land in
 * a freed conn. */
struct irc_conn_gai {
	struct gaicb cb;
	struct addrinfo hints;
	char host[256];
	char port[8];
};

struct irc_conn {
	struct loop *loop;
	struct irc_conn_cb cb;
	char *host;
	int port;
	bool tls, tls_verify;
	char *ca_file, *cert_file, *key_file;
	enum irc_conn_state state;
	char desc[96];
	size_t relay_max;

	struct irc_conn_gai *gai;
	struct addrinfo *ai, *ai_cur;
	bool ai_from_gai;
	uint64_t timer, poll_timer;

	int srv_fd, lst_fd, lib_fd;
	int srv_events;
	SSL_CTX *ctx;
	SSL *ssl;
	bool ssl_want_write; /* on read */

	in_port_t expect_port;
	struct buf srv_in, srv_out, lib_in, lib_out;
	bool srv_skip, lib_skip; /* inside an overlong line */
	uint64_t out_total, flushed;
};

static void irc_conn_try_next(struct irc_conn *);
static void irc_conn_update_events(struct irc_conn *);

/*
 * Lines are written whole, everything pending at once, so Nagle's
 * algorithm has nothing to coalesce; it would only hold a reply back
 * until the previous segment is acknowledged (a round trip, or a delayed
 * ACK on loopback).  Best effort: a failure changes timing only.
 */
static void
irc_conn_nodelay(int fd)
{
	int on = 1;

	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));
}

static void
irc_conn_close_fds(struct irc_conn *c)
{
	if (c->ssl != NULL) {
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	if (c->ctx != NULL) {
		SSL_CTX_free(c->ctx);
		c->ctx = NULL;
	}
	if (c->srv_fd != -1) {
		loop_fd_del(c->loop, c->srv_fd);
		close(c->srv_fd);
		c->srv_fd = -1;
	}
	if (c->lst_fd != -1) {
		loop_fd_del(c->loop, c->lst_fd);
		close(c->lst_fd);
		c->lst_fd = -1;
	}
	if (c->lib_fd != -1) {
		loop_fd_del(c->loop, c->lib_fd);
		close(c->lib_fd);
		c->lib_fd = -1;
	}
	if (c->timer != 0) {
		loop_timer_del(c->loop, c->timer);
		c->timer = 0;
	}
	if (c->poll_timer != 0) {
		loop_timer_del(c->loop, c->poll_timer);
		c->poll_timer = 0;
	}
}

static void irc_conn_fail(struct irc_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
irc_conn_fail(struct irc_conn *c, const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	if (c->state == IRC_CONN_CLOSED)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	irc_conn_close_fds(c);
	c->state = IRC_CONN_CLOSED;
	c->cb.on_closed(c->cb.arg, reason);
}

/* The OpenSSL error of the last call, as one line. */
static const char *
irc_conn_ssl_error(struct irc_conn *c)
{
	static char msg[256];
	unsigned long e;
	long v;

	if (c->ssl != NULL &&
	    (v = SSL_get_verify_result(c->ssl)) != X509_V_OK) {
		snprintf(msg, sizeof(msg),
		    "TLS certificate verification failed: %s",
		    X509_verify_cert_error_string(v));
		return msg;
	}
	if ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, msg, sizeof(msg));
		return msg;
	}
	snprintf(msg, sizeof(msg), "%s",
	    errno ? strerror(errno) : "connection closed");
	return msg;
}

/* --- output towards the server ---------------------------------------- */

static void
irc_conn_flush_server(struct irc_conn *c)
{
	ssize_t n;
	int r, e;

	while (c->srv_out.len > 0 && c->state >= IRC_CONN_RELAY_WAIT &&
	    c->state != IRC_CONN_CLOSED) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			r = SSL_write(
			    c->ssl, c->srv_out.data, (int)c->srv_out.len);
			if (r <= 0) {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_WRITE ||
				    e == SSL_ERROR_WANT_READ)
					break;
				irc_conn_fail(
				    c, "write: %s", irc_conn_ssl_error(c));
				return;
			}
			n = r;
		} else {
			n = write(c->srv_fd, c->srv_out.data, c->srv_out.len);
			if (n == -1) {
				if (errno == EAGAIN || errno == EINTR)
					break;
				irc_conn_fail(c, "write: %s", strerror(errno));
				return;
			}
		}
		memmove(c->srv_out.data, c->srv_out.data + n,
		    c->srv_out.len - (size_t)n);
		c->srv_out.len -= (size_t)n;
		c->srv_out.data[c->srv_out.len] = '\0';
		c->flushed += (uint64_t)n;
		if (c->cb.on_flushed != NULL)
			c->cb.on_flushed(c->cb.arg, c->flushed);
		if (c->state == IRC_CONN_CLOSED)
			return;
	}
	irc_conn_update_events(c);
}

static int
irc_conn_queue_server(struct irc_conn *c, const char *line, size_t len)
{
	if (c->srv_out.len + len + 2 > IRC_CONN_PENDING_MAX)
		return -1;
	buf_add(&c->srv_out, line, len);
	buf_add(&c->srv_out, "\r\n", 2);
	c->out_total += len + 2;
	return 0;
}

int
irc_conn_send(struct irc_conn *c, const char *line)
{
	if (c->state == IRC_CONN_CLOSED || c->state < IRC_CONN_RELAY_WAIT ||
	    !irc_out_line_ok(line))
		return -1;
	if (irc_conn_queue_server(c, line, strlen(line)) == -1)
		return -1;
	/* Written through when the socket takes it: no loop turn waiting
	 * for writability.  on_flushed may run from here. */
	irc_conn_flush_server(c);
	return 0;
}

uint64_t
irc_conn_out_total(const struct irc_conn *c)
{
	return c->out_total;
}

const char *
irc_conn_describe(const struct irc_conn *c)
{
	return c->desc;
}

/* --- line splitting ---------------------------------------------------- */

/* Removes NULs and stray CRs, cuts at cap, and hands the line to fn. */
static void
irc_conn_emit(struct irc_conn *c, char *line, size_t n, size_t cap,
    void (*fn)(struct irc_conn *, char *, size_t))
{
	size_t k, j;

	for (k = j = 0; k < n; k++)
		if (line[k] != '\0' && line[k] != '\r')
			line[j++] = line[k];
	n = j;
	if (n > cap)
		n = text_utf8_cut(line, n, cap);
	if (n == 0)
		return;
	line[n] = '\0';
	fn(c, line, n);
}

/*
 * Splits complete lines off in, calling fn for each.  A line longer than
 * cap is cut there (at a UTF-8 boundary) and the rest of it skipped.
 * Returns -1 when the conn closed meanwhile.
 */
static int
irc_conn_split(struct irc_conn *c, struct buf *in, bool *skip, size_t cap,
    void (*fn)(struct irc_conn *, char *, size_t))
{
	size_t start = 0, i, n;
	char *line;

	for (i = 0; i < in->len; i++) {
		if (in->data[i] != '\n')
			continue;
		line = in->data + start;
		n = i - start;
		start = i + 1;
		if (*skip) {
			*skip = false;
			continue;
		}
		if (n > 0 && line[n - 1] == '\r')
			n--;
		irc_conn_emit(c, line, n, cap, fn);
		if (c->state == IRC_CONN_CLOSED)
			return -1;
	}
	memmove(in->data, in->data + start, in->len - start);
	in->len -= start;
	in->data[in->len] = '\0';
	if (in->len > cap + 2) {
		/* No end in sight: pass the head on, skip the rest. */
		if (!*skip)
			irc_conn_emit(c, in->data, in->len, cap, fn);
		*skip = true;
		in->len = 0;
		in->data[0] = '\0';
	}
	return c->state == IRC_CONN_CLOSED ? -1 : 0;
}

static void
irc_conn_server_line(struct irc_conn *c, char *line, size_t len)
{
	char *body = line;
	size_t n = len;

	/* The adapter reads the tags (account-tag); libircclient cannot. */
	if (line[0] == '@') {
		if ((body = strchr(line, ' ')) == NULL)
			return;
		while (*body == ' ')
			body++;
		n = len - (size_t)(body - line);
		if (n == 0)
			return;
	}
	if (!c->cb.on_server_line(c->cb.arg, line, len))
		return;
	if (c->state == IRC_CONN_CLOSED)
		return;
	if (n > c->relay_max)
		n = text_utf8_cut(body, n, c->relay_max);
	if (c->lib_out.len + n + 2 > IRC_CONN_PENDING_MAX) {
		irc_conn_fail(c, "libircclient is not reading; relay full");
		return;
	}
	buf_add(&c->lib_out, body, n);
	buf_add(&c->lib_out, "\r\n", 2);
}

static void
irc_conn_client_line(struct irc_conn *c, char *line, size_t len)
{
	if (!c->cb.on_client_line(c->cb.arg, line, len))
		return;
	if (c->state == IRC_CONN_CLOSED)
		return;
	if (!irc_out_line_ok(line)) {
		log_warnx("dropped an unsafe line from libircclient (%zu "
		          "bytes)",
		    len);
		return;
	}
	if (irc_conn_queue_server(c, line, len) == -1)
		irc_conn_fail(c, "output to the server is stuck");
}

/* --- relay side (libircclient) ----------------------------------------- */

static void
irc_conn_flush_lib(struct irc_conn *c)
{
	ssize_t n;

	if (c->lib_fd == -1)
		return;
	while (c->lib_out.len > 0) {
		n = write(c->lib_fd, c->lib_out.data, c->lib_out.len);
		if (n == -1) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			irc_conn_fail(c, "relay write: %s", strerror(errno));
			return;
		}
		memmove(c->lib_out.data, c->lib_out.data + n,
		    c->lib_out.len - (size_t)n);
		c->lib_out.len -= (size_t)n;
	}
}

static void
irc_conn_on_lib(void *arg, int fd, int events)
{
	struct irc_conn *c = arg;
	char tmp[4096];
	ssize_t n;
	int rounds;

	(void)fd;
	/* A burst from the library leaves in this turn, not 4 KiB a turn. */
	for (rounds = 0; (events & LOOP_READ) && rounds < 16; rounds++) {
		n = read(c->lib_fd, tmp, sizeof(tmp));
		if (n == 0 || (n == -1 && errno != EAGAIN && errno != EINTR)) {
			irc_conn_fail(c, "libircclient closed the relay");
			return;
		}
		if (n == -1)
			break;
		buf_add(&c->lib_in, tmp, (size_t)n);
		if (irc_conn_split(c, &c->lib_in, &c->lib_skip,
		        IRC_LINE_MAX + 1, irc_conn_client_line) == -1)
			return;
		if ((size_t)n < sizeof(tmp))
			break;
	}
	if (events & LOOP_WRITE)
		irc_conn_flush_lib(c);
	if (c->state != IRC_CONN_CLOSED)
		irc_conn_flush_server(c);
}

static void
irc_conn_on_accept(void *arg, int fd, int events)
{
	struct irc_conn *c = arg;
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int s;

	(void)events;
	s = accept4(
	    fd, (struct sockaddr *)&sin, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (s == -1)
		return;
	if (sin.sin_family != AF_INET ||
	    sin.sin_addr.s_addr != htonl(INADDR_LOOPBACK) ||
	    c->expect_port == 0 || sin.sin_port != c->expect_port) {
		log_warnx("relay: refused a connection that is not "
		          "libircclient's");
		close(s);
		return;
	}
	if (loop_fd_add(c->loop, s, LOOP_READ, irc_conn_on_lib, c) == -1) {
		close(s);
		irc_conn_fail(c, "relay: descriptor out of range");
		return;
	}
	irc_conn_nodelay(s);
	c->lib_fd = s;
	loop_fd_del(c->loop, c->lst_fd);
	close(c->lst_fd);
	c->lst_fd = -1;
	c->state = IRC_CONN_RELAYING;
	irc_conn_update_events(c);
}

int
irc_conn_expect_peer(struct irc_conn *c, int fd)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);

	if (getsockname(fd, (struct sockaddr *)&sin, &sl) == -1 ||
	    sin.sin_family != AF_INET)
		return -1;
	c->expect_port = sin.sin_port;
	irc_conn_nodelay(fd);
	return 0;
}

static void
irc_conn_start_relay(struct irc_conn *c)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	int s;

	if (c->timer != 0) {
		loop_timer_del(c->loop, c->timer);
		c->timer = 0;
	}
	s = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s == -1) {
		irc_conn_fail(c, "relay socket: %s", strerror(errno));
		return;
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sin, sizeof(sin)) == -1 ||
	    listen(s, 1) == -1 ||
	    getsockname(s, (struct sockaddr *)&sin, &sl) == -1) {
		close(s);
		irc_conn_fail(c, "relay listen: %s", strerror(errno));
		return;
	}
	if (loop_fd_add(c->loop, s, LOOP_READ, irc_conn_on_accept, c) == -1) {
		close(s);
		irc_conn_fail(c, "relay: descriptor out of range");
		return;
	}
	c->lst_fd = s;
	c->state = IRC_CONN_RELAY_WAIT;
	irc_conn_update_events(c);
	c->cb.on_ready(c->cb.arg, ntohs(sin.sin_port));
}

/* --- server side ------------------------------------------------------- */

static void
irc_conn_update_events(struct irc_conn *c)
{
	int ev = 0;

	if (c->state == IRC_CONN_CLOSED)
		return;
	if (c->srv_fd != -1 && c->state >= IRC_CONN_RELAY_WAIT) {
		ev = LOOP_READ;
		if (c->srv_out.len > 0 || c->ssl_want_write)
			ev |= LOOP_WRITE;
		if (ev != c->srv_events) {
			loop_fd_set_events(c->loop, c->srv_fd, ev);
			c->srv_events = ev;
		}
	}
	if (c->lib_fd != -1)
		loop_fd_set_events(c->loop, c->lib_fd,
		    LOOP_READ | (c->lib_out.len > 0 ? LOOP_WRITE : 0));
}

static void
irc_conn_read_server(struct irc_conn *c)
{
	char tmp[4096];
	ssize_t n;
	int r, e, rounds;

	for (rounds = 0; rounds < 16; rounds++) {
		if (c->ssl != NULL) {
			ERR_clear_error();
			c->ssl_want_write = false;
			r = SSL_read(c->ssl, tmp, sizeof(tmp));
			if (r <= 0) {
				e = SSL_get_error(c->ssl, r);
				if (e == SSL_ERROR_WANT_READ)
					break;
				if (e == SSL_ERROR_WANT_WRITE) {
					c->ssl_want_write = true;
					break;
				}
				if (e == SSL_ERROR_ZERO_RETURN)
					irc_conn_fail(c,
					    "the server closed "
					    "the connection");
				else
					irc_conn_fail(c, "read: %s",
					    irc_conn_ssl_error(c));
				return;
			}
			n = r;
		} else {
			n = read(c->srv_fd, tmp, sizeof(tmp));
			if (n == -1 && (errno == EAGAIN || errno == EINTR))
				break;
			if (n == 0) {
				irc_conn_fail(c,
				    "the server closed the "
				    "connection");
				return;
			}
			if (n == -1) {
				irc_conn_fail(c, "read: %s", strerror(errno));
				return;
			}
		}
		buf_add(&c->srv_in, tmp, (size_t)n);
		if (irc_conn_split(c, &c->srv_in, &c->srv_skip,
		        IRC_CONN_TAGGED_IN_MAX, irc_conn_server_line) == -1)
			return;
		if (c->ssl == NULL && (size_t)n < sizeof(tmp))
			break;
	}
	irc_conn_flush_lib(c);
}

static void
irc_conn_handshake(struct irc_conn *c)
{
	int r, e;

	ERR_clear_error();
	r = SSL_do_handshake(c->ssl);
	if (r == 1) {
		log_info("TLS established with %s (%s, %s)", c->host,
		    SSL_get_version(c->ssl), SSL_get_cipher_name(c->ssl));
		snprintf(c->desc + strlen(c->desc),
		    sizeof(c->desc) - strlen(c->desc), " TLS");
		irc_conn_start_relay(c);
		return;
	}
	e = SSL_get_error(c->ssl, r);
	if (e == SSL_ERROR_WANT_READ)
		loop_fd_set_events(c->loop, c->srv_fd, LOOP_READ);
	else if (e == SSL_ERROR_WANT_WRITE)
		loop_fd_set_events(c->loop, c->srv_fd, LOOP_WRITE);
	else
		irc_conn_fail(c, "TLS handshake with %s failed: %s", c->host,
		    irc_conn_ssl_error(c));
}

static bool
irc_conn_is_ip(const char *host)
{
	unsigned char b[16];

	return inet_pton(AF_INET, host, b) == 1 ||
	    inet_pton(AF_INET6, host, b) == 1;
}

static int
irc_conn_tls_setup(struct irc_conn *c)
{
	const char *key;

	if ((c->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
		return -1;
	SSL_CTX_set_min_proto_version(c->ctx, TLS1_2_VERSION);
	if (c->tls_verify) {
		if (c->ca_file[0] != '\0') {
			if (SSL_CTX_load_verify_locations(
			        c->ctx, c->ca_file, NULL) != 1) {
				log_warnx("tls_ca_file %s: %s", c->ca_file,
				    irc_conn_ssl_error(c));
				return -1;
			}
		} else if (SSL_CTX_set_default_verify_paths(c->ctx) != 1)
			return -1;
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_PEER, NULL);
	} else
		SSL_CTX_set_verify(c->ctx, SSL_VERIFY_NONE, NULL);
	if (c->cert_file[0] != '\0') {
		key = c->key_file[0] != '\0' ? c->key_file : c->cert_file;
		if (SSL_CTX_use_certificate_chain_file(c->ctx, c->cert_file) !=
		        1 ||
		    SSL_CTX_use_PrivateKey_file(
		        c->ctx, key, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(c->ctx) != 1) {
			log_warnx("tls_cert_file/tls_key_file: %s",
			    irc_conn_ssl_error(c));
			return -1;
		}
	}
	if ((c->ssl = SSL_new(c->ctx)) == NULL)
		return -1;
	SSL_set_mode(c->ssl,
	    SSL_MODE_ENABLE_PARTIAL_WRITE |
	        SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_set_fd(c->ssl, c->srv_fd) != 1)
		return -1;
	if (irc_conn_is_ip(c->host)) {
		if (c->tls_verify &&
		    X509_VERIFY_PARAM_set1_ip_asc(
		        SSL_get0_param(c->ssl), c->host) != 1)
			return -1;
	} else {
		if (SSL_set_tlsext_host_name(c->ssl, c->host) != 1)
			return -1;
		if (c->tls_verify && SSL_set1_host(c->ssl, c->host) != 1)
			return -1;
	}
	SSL_set_connect_state(c->ssl);
	return 0;
}

static void
irc_conn_on_server(void *arg, int fd, int events)
{
	struct irc_conn *c = arg;
	socklen_t sl = sizeof(int);
	int err = 0;

	(void)fd;
	switch (c->state) {
	case IRC_CONN_CONNECTING:
		if (getsockopt(c->srv_fd, SOL_SOCKET, SO_ERROR, &err, &sl) ==
		    -1)
			err = errno;
		if (err != 0) {
			log_info("connect to %s: %s", c->desc, strerror(err));
			loop_fd_del(c->loop, c->srv_fd);
			close(c->srv_fd);
			c->srv_fd = -1;
			c->ai_cur = c->ai_cur->ai_next;
			irc_conn_try_next(c);
			return;
		}
		irc_conn_nodelay(c->srv_fd);
		if (c->tls) {
			if (irc_conn_tls_setup(c) == -1) {
				irc_conn_fail(
				    c, "TLS setup: %s", irc_conn_ssl_error(c));
				return;
			}
			c->state = IRC_CONN_HANDSHAKE;
			irc_conn_handshake(c);
		} else
			irc_conn_start_relay(c);
		return;
	case IRC_CONN_HANDSHAKE:
		irc_conn_handshake(c);
		return;
	case IRC_CONN_RELAY_WAIT:
	case IRC_CONN_RELAYING:
		if (events & LOOP_READ)
			irc_conn_read_server(c);
		if (c->state == IRC_CONN_CLOSED)
			return;
		if ((events & LOOP_WRITE) && c->ssl_want_write) {
			irc_conn_read_server(c);
			if (c->state == IRC_CONN_CLOSED)
				return;
		}
		irc_conn_flush_server(c);
		return;
	default:
		return;
	}
}

static void
irc_conn_try_next(struct irc_conn *c)
{
	char addr[INET6_ADDRSTRLEN];
	const void *a;
	int s;

	for (; c->ai_cur != NULL; c->ai_cur = c->ai_cur->ai_next) {
		struct addrinfo *ai = c->ai_cur;

		a = ai->ai_family == AF_INET6
		    ? (const void *)&(
		          (struct sockaddr_in6 *)(void *)ai->ai_addr)
		          ->sin6_addr
		    : (const void *)&((struct sockaddr_in *)(void *)ai->ai_addr)
		          ->sin_addr;
		inet_ntop(ai->ai_family, a, addr, sizeof(addr));
		snprintf(c->desc, sizeof(c->desc),
		    ai->ai_family == AF_INET6 ? "[%s]:%d" : "%s:%d", addr,
		    c->port);
		s = socket(ai->ai_family,
		    ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (s == -1)
			continue;
		if (connect(s, ai->ai_addr, ai->ai_addrlen) == -1 &&
		    errno != EINPROGRESS) {
			log_info("connect to %s: %s", c->desc, strerror(errno));
			close(s);
			continue;
		}
		if (loop_fd_add(
		        c->loop, s, LOOP_WRITE, irc_conn_on_server, c) == -1) {
			close(s);
			continue;
		}
		c->srv_fd = s;
		c->state = IRC_CONN_CONNECTING;
		return;
	}
	irc_conn_fail(c, "cannot connect to %s port %d", c->host, c->port);
}

static long
irc_conn_on_timeout(void *arg)
{
	struct irc_conn *c = arg;

	c->timer = 0;
	irc_conn_fail(c, "connecting to %s timed out", c->host);
	return LOOP_TIMER_DONE;
}

static void
irc_conn_resolved(struct irc_conn *c, int rc, struct addrinfo *ai)
{
	if (rc != 0) {
		irc_conn_fail(
		    c, "cannot resolve %s: %s", c->host, gai_strerror(rc));
		return;
	}
	c->ai = c->ai_cur = ai;
	irc_conn_try_next(c);
}

static long
irc_conn_on_resolve_poll(void *arg)
{
	struct irc_conn *c = arg;
	int rc;

	rc = gai_error(&c->gai->cb);
	if (rc == EAI_INPROGRESS)
		return IRC_CONN_RESOLVE_POLL_MS;
	c->poll_timer = 0;
	c->ai_from_gai = true;
	irc_conn_resolved(c, rc, rc == 0 ? c->gai->cb.ar_result : NULL);
	return LOOP_TIMER_DONE;
}

struct irc_conn *
irc_conn_new(struct loop *loop, const struct irc_conn_params *p,
    const struct irc_conn_cb *cb)
{
	struct gaicb *list[1];
	struct addrinfo hints, *ai;
	struct irc_conn *c;
	char port[8];
	int rc;

	c = xcalloc(1, sizeof(*c));
	c->loop = loop;
	c->cb = *cb;
	c->host = xstrdup(p->host);
	c->port = p->port;
	c->relay_max = p->relay_max > 0 && p->relay_max < IRC_CONN_LINE_IN_MAX
	    ? p->relay_max
	    : IRC_CONN_LINE_IN_MAX;
	c->tls = p->tls;
	c->tls_verify = p->tls_verify;
	c->ca_file = xstrdup(p->ca_file != NULL ? p->ca_file : "");
	c->cert_file = xstrdup(p->cert_file != NULL ? p->cert_file : "");
	c->key_file = xstrdup(p->key_file != NULL ? p->key_file : "");
	c->srv_fd = c->lst_fd = c->lib_fd = -1;
	buf_init(&c->srv_in, 0);
	buf_init(&c->srv_out, 0);
	buf_init(&c->lib_in, 0);
	buf_init(&c->lib_out, 0);
	buf_addstr(&c->srv_in, "");
	buf_addstr(&c->srv_out, "");
	buf_addstr(&c->lib_in, "");
	buf_addstr(&c->lib_out, "");
	c->state = IRC_CONN_RESOLVING;
	snprintf(c->desc, sizeof(c->desc), "%s:%d", c->host, c->port);
	c->timer = loop_timer_add(loop, p->timeout_ms, irc_conn_on_timeout, c);

	snprintf(port, sizeof(port), "%d", p->port);
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
	if (getaddrinfo(c->host, port, &hints, &ai) == 0) {
		c->ai = c->ai_cur = ai;
		irc_conn_try_next(c);
		return c;
	}
	/* A name: resolve in glibc's helper thread, poll from a timer. */
	c->gai = xcalloc(1, sizeof(*c->gai));
	snprintf(c->gai->host, sizeof(c->gai->host), "%s", c->host);
	snprintf(c->gai->port, sizeof(c->gai->port), "%s", port);
	c->gai->hints.ai_family = AF_UNSPEC;
	c->gai->hints.ai_socktype = SOCK_STREAM;
	c->gai->hints.ai_flags = AI_ADDRCONFIG | AI_NUMERICSERV;
	c->gai->cb.ar_name = c->gai->host;
	c->gai->cb.ar_service = c->gai->port;
	c->gai->cb.ar_request = &c->gai->hints;
	list[0] = &c->gai->cb;
	if ((rc = getaddrinfo_a(GAI_NOWAIT, list, 1, NULL)) != 0) {
		irc_conn_resolved(c, rc, NULL);
		return c;
	}
	c->poll_timer = loop_timer_add(
	    loop, IRC_CONN_RESOLVE_POLL_MS, irc_conn_on_resolve_poll, c);
	return c;
}

void
irc_conn_free(struct irc_conn *c)
{
	if (c == NULL)
		return;
	if (c->state != IRC_CONN_CLOSED)
		irc_conn_close_fds(c);
	if (c->gai != NULL) {
		if (gai_error(&c->gai->cb) == EAI_INPROGRESS &&
		    gai_cancel(&c->gai->cb) != EAI_CANCELED) {
			/* glibc still owns it; it is small, let it go. */
			c->gai = NULL;
		} else if (c->gai->cb.ar_result != NULL && !c->ai_from_gai)
			freeaddrinfo(c->gai->cb.ar_result);
		free(c->gai);
	}
	if (c->ai != NULL)
		freeaddrinfo(c->ai);
	buf_reset(&c->srv_in);
	buf_reset(&c->srv_out);
	buf_reset(&c->lib_in);
	buf_reset(&c->lib_out);
	free(c->host);
	free(c->ca_file);
	free(c->cert_file);
	free(c->key_file);
	free(c);
}
