/*
 * The IRC adapter: its state machine and the public API of irc.h.
 *
 * Debian's libircclient is built without TLS, CAP or SASL, keeps a 1 KiB
 * output buffer and ten parameters, and aborts when disconnected from
 * inside a callback.  So the adapter owns the connection (irc-conn: the
 * socket, TLS and a loopback relay libircclient connects to), registers
 * itself (irc-cap: CAP LS 302, SASL; then PASS/NICK/USER, on the raw
 * stream before the library sees it), and keeps libircclient as the
 * protocol engine that parses what the server sends (irc-lib, the one
 * file that includes its header).  Every server line goes through the one
 * dispatch table (irc-proto), on the raw path or as the library hands it
 * over; every line the bot sends goes through the choke point and the
 * output pump (irc-say) straight to irc-conn.  A fresh session is made
 * for each connection and torn down outside the library's callbacks.
 *
 * States: connecting, registering, connected (after 001), reconnecting
 * (exponential backoff, half random) and stopped.  The adapter sends
 * its own keep-alive PING, takes its nick back when it is free, joins
 * and rejoins channels, and waits for NickServ before joining when it
 * identifies that way.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "irc-cap.h"
#include "irc-conn.h"
#include "irc-int.h"
#include "irc-lib.h"
#include "irc-out.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "text.h"
#include "xmalloc.h"

#define IRC_JOIN_RETRY_MS 60000
#define IRC_REGAIN_MS 60000
#define IRC_IDENTIFY_WAIT_MS 10000
#define IRC_STABLE_MS 60000 /* a link this old resets backoff */

static const char *irc_state_names[] = {
    "connecting", "registering", "connected", "reconnecting", "stopped"};

static void irc_connect_start(struct irc *);

/* --- teardown and reconnect --------------------------------------------- */

static void
irc_set_health(struct irc *irc)
{
	if (irc->state == IRC_ST_READY)
		irc->down_since = 0;
	else if (irc->down_since == 0)
		irc->down_since = loop_now_ms();
	metrics_health_set("irc", irc_state_names[irc->state]);
	metrics_set(
	    "intakebot_irc_connected", NULL, irc->state == IRC_ST_READY);
}

static long
irc_on_reconnect(void *arg)
{
	struct irc *irc = arg;

	irc->t_reconnect = 0;
	irc_connect_start(irc);
	return LOOP_TIMER_DONE;
}

void
irc_timer_clear(struct irc *irc, uint64_t *t)
{
	if (*t != 0) {
		loop_timer_del(irc->loop, *t);
		*t = 0;
	}
}

/* Ends the connection; must not run inside a libircclient callback. */
static void
irc_teardown(struct irc *irc)
{
	int64_t delay, now = loop_now_ms();
	size_t i;

	irc_timer_clear(irc, &irc->t_teardown);
	irc_timer_clear(irc, &irc->t_reg);
	irc_timer_clear(irc, &irc->t_ping);
	irc_timer_clear(irc, &irc->t_regain);
	irc_timer_clear(irc, &irc->t_join);
	irc_timer_clear(irc, &irc->t_identify);
	irc_lib_free(irc->lib);
	irc->lib = NULL;
	irc_conn_free(irc->conn);
	irc->conn = NULL;
	irc_cap_free(irc->cap);
	irc->cap = NULL;
	irc_out_clear(irc->out, irc_on_drop, irc);
	irc_inflight_fail_all(irc);
	irc_users_clear(irc);
	irc_held_clear(irc);
	irc_watch_reset(irc);
	irc->ntagged = 0;
	for (i = 0; i < irc->nchans; i++)
		irc->chans[i].joined = false;
	irc->self[0] = '\0';
	irc->ping_out = false;
	metrics_set("intakebot_irc_queue_depth", NULL, 0);
	if (irc->quitting) {
		log_info("disconnected: %s", irc->down_reason);
		irc->state = IRC_ST_STOPPED;
		irc_set_health(irc);
		return;
	}
	if (irc->state == IRC_ST_READY && now - irc->ready_at >= IRC_STABLE_MS)
		irc->backoff_ms = irc->conf->irc_reconnect_min * 1000L;
	if (irc->pause_ms > 0) {
		delay = irc->pause_ms;
		irc->pause_ms = 0;
	} else {
		/* Half fixed, half random: spread reconnecting bots out. */
		delay = irc->backoff_ms / 2 +
		    (int64_t)(arc4random_uniform(
		        (uint32_t)(irc->backoff_ms / 2 + 1)));
		irc->backoff_ms *= 2;
		if (irc->backoff_ms > irc->conf->irc_reconnect_max * 1000L)
			irc->backoff_ms = irc->conf->irc_reconnect_max * 1000L;
	}
	log_warnx("disconnected: %s; reconnecting in %.1f s", irc->down_reason,
	    (double)delay / 1000);
	irc->state = IRC_ST_WAITING;
	irc_set_health(irc);
	metrics_inc("intakebot_irc_reconnects_total", NULL);
	irc->t_reconnect =
	    loop_timer_add(irc->loop, (long)delay, irc_on_reconnect, irc);
}

static long
irc_on_teardown(void *arg)
{
	struct irc *irc = arg;

	irc->t_teardown = 0;
	irc_teardown(irc);
	return LOOP_TIMER_DONE;
}

/* Schedules the teardown for the next loop turn; the first reason wins. */
void
irc_drop(struct irc *irc, const char *reason, int64_t pause_ms)
{
	if (irc->t_teardown != 0 || irc->state == IRC_ST_WAITING ||
	    irc->state == IRC_ST_STOPPED)
		return;
	snprintf(irc->down_reason, sizeof(irc->down_reason), "%s", reason);
	if (pause_ms > irc->pause_ms)
		irc->pause_ms = pause_ms;
	irc->t_teardown = loop_timer_add(irc->loop, 0, irc_on_teardown, irc);
}

/* --- registration, joins, keep-alive ------------------------------------ */

static long
irc_on_reg_timeout(void *arg)
{
	struct irc *irc = arg;

	irc->t_reg = 0;
	irc_drop(irc,
	    irc->state == IRC_ST_CONNECTING ? "connection timed out"
	                                    : "registration timed out",
	    0);
	return LOOP_TIMER_DONE;
}

static long
irc_on_ping(void *arg)
{
	struct irc *irc = arg;
	char line[64];

	if (irc->ping_out) {
		irc->t_ping = 0;
		irc_drop(irc, "ping timeout: no PONG from the server", 0);
		return LOOP_TIMER_DONE;
	}
	irc->ping_sent = loop_now_ms();
	irc->ping_out = true;
	snprintf(line, sizeof(line), "PING :ib%lld", (long long)irc->ping_sent);
	irc_conn_send(irc->conn, line);
	return irc->conf->irc_ping_interval * 1000L;
}

static long
irc_on_regain(void *arg)
{
	struct irc *irc = arg;

	if (irc->state != IRC_ST_READY ||
	    irc_same(irc, irc->nick, irc->conf->nick)) {
		irc->t_regain = 0;
		return LOOP_TIMER_DONE;
	}
	irc_control(irc, "NICK %s", irc->conf->nick);
	irc_pump(irc);
	return IRC_REGAIN_MS;
}

void
irc_regain_now(struct irc *irc)
{
	if (irc->state != IRC_ST_READY ||
	    irc_same(irc, irc->nick, irc->conf->nick))
		return;
	log_info("nick %s looks free; taking it back", irc->conf->nick);
	irc_control(irc, "NICK %s", irc->conf->nick);
}

static long
irc_on_join_timer(void *arg)
{
	struct irc *irc = arg;

	irc->t_join = 0;
	irc_join_pending(irc);
	irc_pump(irc);
	return LOOP_TIMER_DONE;
}

/* Tries the pending joins again in delay_ms. */
void
irc_join_retry(struct irc *irc, int64_t delay_ms)
{
	irc_timer_clear(irc, &irc->t_join);
	irc->t_join =
	    loop_timer_add(irc->loop, (long)delay_ms, irc_on_join_timer, irc);
}

void
irc_join_pending(struct irc *irc)
{
	int64_t now = loop_now_ms(), next = -1;
	struct irc_chan *c;
	size_t i;

	if (irc->state != IRC_ST_READY || irc->identify_wait)
		return;
	for (i = 0; i < irc->nchans; i++) {
		c = &irc->chans[i];
		if (!c->wanted || c->joined)
			continue;
		if (c->retry_at > now) {
			if (next < 0 || c->retry_at - now < next)
				next = c->retry_at - now;
			continue;
		}
		if (c->key != NULL && c->key[0] != '\0')
			irc_control(irc, "JOIN %s %s", c->name, c->key);
		else
			irc_control(irc, "JOIN %s", c->name);
		/* Until the server answers, do not ask again. */
		c->retry_at = now + IRC_JOIN_RETRY_MS;
		if (next < 0 || IRC_JOIN_RETRY_MS < next)
			next = IRC_JOIN_RETRY_MS;
	}
	if (next >= 0)
		irc_join_retry(irc, next);
}

static long
irc_on_identify_timeout(void *arg)
{
	struct irc *irc = arg;

	irc->t_identify = 0;
	if (irc->identify_wait) {
		log_warnx("NickServ did not confirm identification; joining "
		          "anyway");
		irc->identify_wait = false;
		irc_join_pending(irc);
		irc_pump(irc);
	}
	return LOOP_TIMER_DONE;
}

/* 001: registered under nick. */
void
irc_on_welcome(struct irc *irc, const char *nick)
{
	char line[IRC_LINE_MAX + 1];
	const char *pw = irc->conf->irc_nickserv_password;

	snprintf(irc->nick, sizeof(irc->nick), "%s", nick);
	irc->state = IRC_ST_READY;
	irc->ready_at = loop_now_ms();
	irc_timer_clear(irc, &irc->t_reg);
	irc_set_health(irc);
	log_info(
	    "registered as %s on %s", irc->nick, irc_conn_describe(irc->conn));
	irc->t_ping = loop_timer_add(
	    irc->loop, irc->conf->irc_ping_interval * 1000L, irc_on_ping, irc);
	if (!irc_same(irc, irc->nick, irc->conf->nick) && irc->t_regain == 0)
		irc->t_regain = loop_timer_add(
		    irc->loop, IRC_REGAIN_MS, irc_on_regain, irc);
	if (pw[0] != '\0' && (irc->cap == NULL || !irc_cap_sasl_ok(irc->cap))) {
		/* Straight to the relay: the password never sits in a queue. */
		snprintf(
		    line, sizeof(line), "PRIVMSG NickServ :IDENTIFY %s", pw);
		irc_conn_send(irc->conn, line);
		explicit_bzero(line, sizeof(line));
		irc->identify_wait = true;
		irc->t_identify = loop_timer_add(irc->loop,
		    IRC_IDENTIFY_WAIT_MS, irc_on_identify_timeout, irc);
		log_info("identifying to NickServ");
	}
	irc_join_pending(irc);
}

void
irc_next_nick(struct irc *irc)
{
	char **alts, nick[IRC_NICK_MAX], line[IRC_NICK_MAX + 8];
	size_t n;

	n = conf_list_split(irc->conf->irc_alt_nicks, &alts);
	if (irc->alt_next < n)
		snprintf(nick, sizeof(nick), "%s", alts[irc->alt_next]);
	else
		snprintf(nick, sizeof(nick), "%.20s%u", irc->conf->nick,
		    arc4random_uniform(1000));
	conf_list_free(alts, n);
	irc->alt_next++;
	log_info("nick %s is taken; trying %s", irc->nick, nick);
	snprintf(irc->nick, sizeof(irc->nick), "%s", nick);
	snprintf(line, sizeof(line), "NICK %s", irc->nick);
	irc_conn_send(irc->conn, line);
}

/* --- relay callbacks --------------------------------------------------------
 */

static void
irc_cap_send(void *arg, const char *line)
{
	struct irc *irc = arg;

	irc_conn_send(irc->conn, line);
}

/* A line read from the server, tags and all: CAP/SASL, then the raw
 * path of the table.  Returns whether libircclient gets it. */
static bool
irc_on_server_line(void *arg, const char *s, size_t len)
{
	struct irc *irc = arg;
	struct irc_line l;
	bool consumed;

	if (irc_line_parse(&l, s, len) == -1)
		return false;
	if (irc->cap != NULL && irc_cap_state(irc->cap) != IRC_CAP_FAILED) {
		consumed = irc_cap_on_line(irc->cap, &l);
		if (irc_cap_state(irc->cap) == IRC_CAP_FAILED) {
			log_warnx("%s; not going on without it",
			    irc_cap_error(irc->cap));
			irc_drop(irc, irc_cap_error(irc->cap),
			    irc->conf->irc_reconnect_max * 1000L);
			return false;
		}
		if (consumed)
			return false;
	}
	return irc_proto_raw(irc, &l);
}

/* The same line as the library hands it over. */
static void
irc_on_lib_line(void *arg, const struct irc_line *l)
{
	irc_proto_lib(arg, l);
}

/* What libircclient writes: its PONGs; its own PASS/NICK/USER are
 * dropped (the adapter sent its registration already). */
static bool
irc_on_client_line(void *arg, const char *line, size_t len)
{
	struct irc *irc = arg;

	(void)len;
	if (!irc->lib_registered) {
		if (strncmp(line, "USER ", 5) == 0)
			irc->lib_registered = true;
		return false;
	}
	metrics_inc("intakebot_irc_lines_sent_total", NULL);
	return true;
}

static void
irc_on_flushed(void *arg, uint64_t total)
{
	struct irc *irc = arg;

	irc_inflight_done(irc, total);
	/* Shutting down: once QUIT is on the wire there is nothing to wait
	 * for (a penalised client may not see the server's ERROR soon). */
	if (irc->quit_end != 0 && total >= irc->quit_end)
		irc_drop(irc, "QUIT sent", 0);
}

static void
irc_on_closed(void *arg, const char *reason)
{
	irc_drop(arg, reason, 0);
}

/* --- the loop source ------------------------------------------------------ */

static void
irc_src_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct irc *irc = arg;

	if (irc->lib != NULL && irc->t_teardown == 0)
		irc_lib_fdset(irc->lib, rd, wr, maxfd);
}

static long
irc_src_timeout(void *arg)
{
	struct irc *irc = arg;
	void *tag;
	long wait;

	if (irc->conn == NULL || irc->state != IRC_ST_READY)
		return -1;
	if (irc_out_peek(irc->out, loop_now_ms(), &tag, &wait) != NULL)
		return 0;
	return wait;
}

static void
irc_src_process(void *arg, fd_set *rd, fd_set *wr)
{
	struct irc *irc = arg;
	char why[128];

	if (irc->lib == NULL || irc->t_teardown != 0)
		return;
	if (irc_lib_process(irc->lib, rd, wr, why, sizeof(why)) != 0) {
		irc_drop(irc, why, 0);
		return;
	}
	irc_pump(irc);
}

static void
irc_on_ready(void *arg, int port)
{
	struct irc *irc = arg;
	const struct conf *cf = irc->conf;
	struct irc_cap_params cp;
	char line[IRC_LINE_MAX + 1], *realname, why[128];

	if ((irc->lib = irc_lib_new(
	         port, irc_on_lib_line, irc, why, sizeof(why))) == NULL) {
		irc_drop(irc, why, 0);
		return;
	}
	if (irc_conn_expect_peer(irc->conn, irc_lib_fd(irc->lib)) == -1) {
		irc_drop(irc, "libircclient: no socket", 0);
		return;
	}
	irc->state = IRC_ST_REGISTERING;
	irc_set_health(irc);
	memset(&cp, 0, sizeof(cp));
	cp.mechanism = cf->irc_sasl_mechanism;
	cp.user = cf->irc_sasl_user[0] != '\0' ? cf->irc_sasl_user : cf->nick;
	cp.password = cf->irc_sasl_password;
	cp.required = cf->irc_sasl_required;
	irc->cap = irc_cap_new(&cp, irc_cap_send, irc);
	irc_cap_start(irc->cap);
	if (cf->irc_server_password[0] != '\0') {
		snprintf(
		    line, sizeof(line), "PASS %s", cf->irc_server_password);
		irc_conn_send(irc->conn, line);
		explicit_bzero(line, sizeof(line));
	}
	snprintf(line, sizeof(line), "NICK %s", irc->nick);
	irc_conn_send(irc->conn, line);
	realname =
	    text_sanitize(cf->irc_realname, strlen(cf->irc_realname), 128, 0);
	snprintf(line, sizeof(line), "USER %s 0 * :%s", cf->irc_username,
	    realname[0] != '\0' ? realname : "intakebot");
	free(realname);
	irc_conn_send(irc->conn, line);
}

static void
irc_connect_start(struct irc *irc)
{
	const struct conf *cf = irc->conf;
	struct irc_conn_params p;
	struct irc_conn_cb cb;

	memset(&p, 0, sizeof(p));
	p.host = cf->irc_server;
	p.port = cf->irc_port;
	p.tls = cf->irc_tls;
	p.tls_verify = cf->irc_tls_verify;
	p.ca_file = cf->irc_tls_ca_file;
	p.cert_file = cf->irc_tls_cert_file;
	p.key_file = cf->irc_tls_key_file;
	p.timeout_ms = cf->irc_connect_timeout * 1000;
	p.relay_max = IRC_LIB_LINE_MAX;
	memset(&cb, 0, sizeof(cb));
	cb.on_ready = irc_on_ready;
	cb.on_server_line = irc_on_server_line;
	cb.on_client_line = irc_on_client_line;
	cb.on_flushed = irc_on_flushed;
	cb.on_closed = irc_on_closed;
	cb.arg = irc;
	snprintf(irc->nick, sizeof(irc->nick), "%s", cf->nick);
	snprintf(irc->chantypes, sizeof(irc->chantypes), "#&");
	snprintf(irc->prefixes, sizeof(irc->prefixes), "@+%%~&!");
	irc->rfc1459 = true;
	irc->network[0] = '\0';
	irc->alt_next = 0;
	irc->lib_registered = false;
	irc->identify_wait = false;
	irc->quit_end = 0;
	irc->state = IRC_ST_CONNECTING;
	irc_set_health(irc);
	log_info("connecting to %s port %d%s", cf->irc_server, cf->irc_port,
	    cf->irc_tls ? " (TLS)" : "");
	irc->t_reg = loop_timer_add(irc->loop, cf->irc_connect_timeout * 1000L,
	    irc_on_reg_timeout, irc);
	irc->conn = irc_conn_new(irc->loop, &p, &cb);
}

/* --- channels from the config -------------------------------------------- */

static void
irc_chans_sync(struct irc *irc, const struct conf *cf)
{
	char **items;
	size_t n, i, k;
	struct irc_chan *c;

	for (i = 0; i < irc->nchans; i++) {
		irc->chans[i].wanted = false;
		irc->chans[i].staff = false;
	}
	n = conf_list_split(cf->irc_channels, &items);
	for (k = 0; k <= n; k++) {
		const char *name = k < n ? items[k] : cf->irc_staff_channel;

		if (name[0] == '\0')
			continue;
		if ((c = irc_chan_find(irc, name)) == NULL) {
			irc->chans = xreallocarray(
			    irc->chans, irc->nchans + 1, sizeof(*irc->chans));
			c = &irc->chans[irc->nchans++];
			memset(c, 0, sizeof(*c));
			c->name = xstrdup(name);
		}
		c->wanted = true;
		if (k == n) {
			c->staff = true;
			free(c->key);
			c->key = xstrdup(cf->irc_staff_channel_key);
		}
	}
	conf_list_free(items, n);
	/* Part what is no longer wanted, then forget it. */
	for (i = 0; i < irc->nchans;) {
		c = &irc->chans[i];
		if (c->wanted) {
			i++;
			continue;
		}
		if (c->joined && irc->state == IRC_ST_READY)
			irc_control(irc, "PART %s", c->name);
		irc_members_clear(irc, c);
		free(c->name);
		free(c->key);
		irc_chan_move_bits(irc, irc->nchans - 1, i);
		irc->chans[i] = irc->chans[--irc->nchans];
	}
}

/* --- public ----------------------------------------------------------------
 */

struct irc *
irc_new(struct loop *loop, const struct conf *cf, message_handler h, void *arg)
{
	struct loop_source src = {
	    irc_src_fdset, irc_src_timeout, irc_src_process, NULL};
	struct irc *irc;

	irc = xcalloc(1, sizeof(*irc));
	irc->loop = loop;
	irc->conf = cf;
	irc->handler = h;
	irc->harg = arg;
	irc->lag_ms = -1;
	irc->down_since = loop_now_ms();
	irc->out = irc_out_new(
	    cf->irc_flood_rate, cf->irc_flood_burst, cf->irc_flood_bytes);
	irc->backoff_ms = cf->irc_reconnect_min * 1000L;
	src.arg = irc;
	irc->src = loop_source_add(loop, &src);
	metrics_help("intakebot_irc_connected", "gauge",
	    "1 when registered on the IRC server");
	metrics_help("intakebot_irc_lag_ms", "gauge",
	    "round trip of the last keep-alive PING");
	metrics_help("intakebot_irc_queue_depth", "gauge",
	    "IRC lines waiting for flood control");
	metrics_help("intakebot_irc_reconnects_total", "counter",
	    "IRC connections lost");
	irc_chans_sync(irc, cf);
	irc_connect_start(irc);
	return irc;
}

void
irc_free(struct irc *irc)
{
	size_t i;

	if (irc == NULL)
		return;
	irc->quitting = true;
	if (irc->state != IRC_ST_STOPPED && irc->state != IRC_ST_WAITING) {
		snprintf(irc->down_reason, sizeof(irc->down_reason),
		    "shutting down");
		irc_teardown(irc);
	}
	irc_timer_clear(irc, &irc->t_reconnect);
	irc_timer_clear(irc, &irc->t_teardown);
	irc_timer_clear(irc, &irc->t_regain);
	irc_timer_clear(irc, &irc->t_join);
	irc_timer_clear(irc, &irc->t_post);
	irc_on_post_timer(irc);
	loop_source_del(irc->loop, irc->src);
	irc_out_free(irc->out);
	for (i = 0; i < irc->nchans; i++) {
		free(irc->chans[i].name);
		free(irc->chans[i].key);
	}
	free(irc->chans);
	irc_users_clear(irc);
	irc_watch_free(irc);
	free(irc);
}

void
irc_reload(struct irc *irc, const struct conf *cf)
{
	const struct conf *old = irc->conf;

	irc->conf = cf;
	irc_out_set_rate(irc->out, cf->irc_flood_rate, cf->irc_flood_burst,
	    cf->irc_flood_bytes);
	irc_chans_sync(irc, cf);
	if (strcmp(old->irc_server, cf->irc_server) != 0 ||
	    old->irc_port != cf->irc_port || old->irc_tls != cf->irc_tls ||
	    strcmp(old->irc_sasl_mechanism, cf->irc_sasl_mechanism) != 0)
		log_info("server, port, TLS or SASL changes apply at the next "
		         "connection");
	if (irc->state == IRC_ST_READY) {
		if (strcmp(old->nick, cf->nick) != 0) {
			log_info("changing nick to %s", cf->nick);
			irc_control(irc, "NICK %s", cf->nick);
		}
		irc_join_pending(irc);
		irc_pump(irc);
	}
}

void
irc_quit(struct irc *irc, const char *reason)
{
	char line[IRC_LINE_MAX + 1], *r;

	irc->quitting = true;
	irc_timer_clear(irc, &irc->t_reconnect);
	if (irc->state != IRC_ST_READY) {
		if (irc->state != IRC_ST_WAITING &&
		    irc->state != IRC_ST_STOPPED)
			irc_drop(irc, "shutting down", 0);
		else {
			irc->state = IRC_ST_STOPPED;
			irc_set_health(irc);
		}
		return;
	}
	r = text_sanitize(reason != NULL ? reason : "",
	    reason != NULL ? strlen(reason) : 0, 200, 0);
	/* QUIT skips queue and bucket: what waits would only delay it. */
	irc_out_clear(irc->out, irc_on_drop, irc);
	snprintf(line, sizeof(line), "QUIT :%s", r);
	if (irc->conn != NULL)
		irc->quit_end =
		    irc_conn_out_total(irc->conn) + strlen(line) + 2;
	if (irc->conn == NULL || irc_conn_send(irc->conn, line) != 0)
		irc_drop(irc, "shutting down", 0);
	free(r);
}

bool
irc_is_stopped(const struct irc *irc)
{
	return irc->state == IRC_ST_STOPPED;
}

bool
irc_staff_ready(const struct irc *irc)
{
	const struct irc_chan *c = irc_staff_chan(irc);

	return irc->state == IRC_ST_READY && !irc->quitting && c != NULL &&
	    c->joined;
}

int
irc_channel_set(
    struct irc *irc, const char *name, bool join, char *why, size_t whylen)
{
	struct irc_chan *c;

	if (!irc_is_channel(irc, name) || strlen(name) > 64 ||
	    strpbrk(name, " ,\a\r\n") != NULL) {
		snprintf(why, whylen, "%s is not a channel name", name);
		return -1;
	}
	c = irc_chan_find(irc, name);
	if (!join) {
		if (c == NULL || !c->wanted) {
			snprintf(why, whylen, "not in %s", name);
			return -1;
		}
		if (c->staff) {
			snprintf(why, whylen, "%s is the staff channel", name);
			return -1;
		}
		c->wanted = false;
		if (c->joined)
			irc_control(irc, "PART %s", c->name);
		c->joined = false;
		irc_pump(irc);
		return 0;
	}
	if (c == NULL) {
		irc->chans = xreallocarray(
		    irc->chans, irc->nchans + 1, sizeof(*irc->chans));
		c = &irc->chans[irc->nchans++];
		memset(c, 0, sizeof(*c));
		c->name = xstrdup(name);
	}
	c->wanted = true;
	c->retry_at = 0;
	if (irc->state != IRC_ST_READY)
		snprintf(why, whylen, "will join %s once connected", name);
	irc_join_pending(irc);
	irc_pump(irc);
	return 0;
}

int64_t
irc_down_ms(const struct irc *irc)
{
	return irc->state == IRC_ST_READY ? 0 : loop_now_ms() - irc->down_since;
}

void
irc_status(const struct irc *irc, struct buf *b)
{
	size_t i;
	bool first = true;

	buf_addf(b, "IRC: %s", irc_state_names[irc->state]);
	if (irc->state == IRC_ST_READY) {
		buf_addf(
		    b, " as %s to %s", irc->nick, irc_conn_describe(irc->conn));
		if (irc->lag_ms >= 0)
			buf_addf(b, ", lag %ld ms", irc->lag_ms);
	}
	buf_addf(b, ", queue %zu", irc_out_depth(irc->out));
	for (i = 0; i < irc->nchans; i++) {
		buf_addf(b, "%s%s%s", first ? ", channels: " : " ",
		    irc->chans[i].name,
		    irc->chans[i].joined ? "" : " (not joined)");
		first = false;
	}
}
