/*
 * The IRC adapter's own connection to the server, and the loopback relay
 * that libircclient talks through.  See irc-conn.c for the design.
 *
 * Life cycle: irc_conn_new starts resolving and connecting (IPv4 and
 * IPv6, every address in turn, TLS when asked); once the server link is
 * up, on_ready gives the relay port that libircclient must connect to,
 * and the caller names libircclient's socket with irc_conn_expect_peer.
 * From then on every complete line from the server goes through
 * on_server_line and every line libircclient writes through
 * on_client_line, each of which decides whether the line is passed on.
 * on_closed is called once, after every descriptor has been closed; the
 * callee must not free the conn from inside it.
 */
#ifndef IRC_CONN_H
#define IRC_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct loop;
struct irc_conn;

struct irc_conn_params {
	const char *host;
	int port;
	bool tls;
	bool tls_verify;
	const char *ca_file;   /* "" or NULL: the system store */
	const char *cert_file; /* client certificate (CertFP) or "" */
	const char *key_file;  /* "" : the key is in cert_file */
	int timeout_ms;        /* resolve + TCP + TLS */
	size_t relay_max;      /* longest line the relay's reader takes */
};

struct irc_conn_cb {
	void (*on_ready)(void *arg, int relay_port);
	/* line is NUL-terminated, without CR-LF, with its IRCv3 tags. */
	bool (*on_server_line)(void *arg, const char *line, size_t len);
	bool (*on_client_line)(void *arg, const char *line, size_t len);
	/* Total bytes written to the server socket so far. */
	void (*on_flushed)(void *arg, uint64_t total);
	void (*on_closed)(void *arg, const char *reason);
	void *arg;
};

/* Params and callbacks are copied.  Never NULL. */
struct irc_conn *irc_conn_new(
    struct loop *, const struct irc_conn_params *, const struct irc_conn_cb *);
/* Closes everything without calling on_closed. */
void irc_conn_free(struct irc_conn *);

/* The relay accepts only the peer bound to the local end of fd, which
 * also gets TCP_NODELAY. */
int irc_conn_expect_peer(struct irc_conn *, int fd);

/*
 * Sends a line of the bot's own (registration, CAP, SASL, and whatever
 * irc-out lets out) straight to the server, after the check of
 * irc_out_line_ok, and written at once as far as the socket takes it
 * (so on_flushed and on_closed may run from inside).  Returns 0, or -1
 * when closed or the buffer is full; the line ends at
 * irc_conn_out_total() bytes.
 */
int irc_conn_send(struct irc_conn *, const char *line);

/* Bytes queued for the server so far (on_flushed counts the same way). */
uint64_t irc_conn_out_total(const struct irc_conn *);

/* "TLS" or "plaintext", and the peer address once connected ("" before). */
const char *irc_conn_describe(const struct irc_conn *);

#endif
