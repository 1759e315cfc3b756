/*
 * The IRC adapter, on libircclient.  This is the only file that includes
 * libircclient.h.  The library is the protocol engine for the session:
 * it parses what the server sends and calls the event callbacks below,
 * and every line the bot sends is handed to it with irc_send_raw("%s").
 * What the library lacks the adapter owns: the socket and TLS (irc-conn,
 * a loopback relay the library connects to), registration with CAP/SASL
 * (irc-cap, on the raw stream before the library sees it), the output
 * queue and flood control (irc-out, fed to the library only as its 1 KiB
 * buffer accepts lines), routing on params[0] against the nick from 001
 * and CHANTYPES from 005, CTCP, keep-alive and reconnection.  A fresh
 * session is created for each connection and destroyed outside of its
 * callbacks (the library aborts when disconnected from inside one).
 *
 * Every text line goes through irc_say, the one choke point: render,
 * sanitise (CR, LF, NUL, controls, formatting), cut at UTF-8 boundaries
 * below the budget left by the server's prefix, and queue; irc-out and
 * the relay check the finished line once more.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <ctype.h>
#include <fnmatch.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libircclient.h>

#include "conf.h"
#include "irc-cap.h"
#include "irc-conn.h"
#include "irc-line.h"
#include "irc-out.h"
#include "irc.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "text.h"
#include "xmalloc.h"

#define IRC_NICK_MAX 64
#define IRC_USERS_MAX 4096
#define IRC_KICK_REJOIN_MS 5000
#define IRC_JOIN_RETRY_MS 60000
#define IRC_REGAIN_MS 60000
#define IRC_IDENTIFY_WAIT_MS 10000
#define IRC_STABLE_MS 60000 /* a link this old resets backoff */
#define IRC_BAN_PAUSE_MS (30 * 60 * 1000)
#define IRC_CTCP_GAP_MS 2000
#define IRC_HOST_GUESS 63 /* host length assumed before JOIN */

enum irc_state {
	IRC_ST_CONNECTING,
	IRC_ST_REGISTERING,
	IRC_ST_READY,
	IRC_ST_WAITING, /* for the reconnect timer */
	IRC_ST_STOPPED
};

static const char *irc_state_names[] = {
    "connecting", "registering", "connected", "reconnecting", "stopped"};

struct irc_chan {
	char *name;
	char *key;
	bool wanted, joined, staff;
	int64_t retry_at;
};

struct irc_user {
	char *nick;    /* folded */
	char *account; /* NULL unknown, "" none */
	bool in_staff;
	bool whois_sent;
};

struct irc_post {
	void (*cb)(void *, bool);
	void *arg;
	int refs;
	bool failed;
};

struct irc_inflight {
	char *line;
	struct irc_post *post;
	uint64_t end; /* 0 until the relay has seen it */
};

struct irc {
	struct loop *loop;
	const struct conf *conf;
	message_handler handler;
	void *harg;
	enum irc_state state;
	bool quitting;

	struct irc_conn *conn;
	irc_session_t *sess;
	struct irc_cap *cap;
	struct irc_out *out;
	int src;
	bool lib_registered;
	bool in_lib; /* inside irc_process_select_descriptors */

	char nick[IRC_NICK_MAX];
	char self[256]; /* nick!user@host from JOIN */
	size_t alt_next;
	char chantypes[16];
	char prefixes[16];
	bool rfc1459;
	char network[64];
	bool identify_wait;

	struct irc_chan *chans;
	size_t nchans;
	struct irc_user *users;
	size_t nusers;
	struct irc_inflight *infl;
	size_t ninfl;

	uint64_t t_reg, t_ping, t_teardown, t_reconnect;
	uint64_t t_regain, t_join, t_identify, t_post;
	int64_t backoff_ms;
	int64_t ready_at;
	int64_t down_since; /* when the link last stopped being ready */
	int64_t ping_sent;
	bool ping_out;
	long lag_ms;
	int64_t ctcp_last;
	char down_reason[256];
	int64_t pause_ms;
	uint64_t quit_end; /* QUIT written at this offset */
	struct irc_post **done_posts;
	size_t ndone;
};

static void irc_connect_start(struct irc *);
static void irc_pump(struct irc *);
static void irc_join_pending(struct irc *);

/* --- small helpers ----------------------------------------------------- */

static char
irc_fold_char(const struct irc *irc, char ch)
{
	ch = (char)tolower((unsigned char)ch);
	if (irc->rfc1459) {
		if (ch == '[')
			return '{';
		if (ch == ']')
			return '}';
		if (ch == '\\')
			return '|';
		if (ch == '~')
			return '^';
	}
	return ch;
}

static bool
irc_same(const struct irc *irc, const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (irc_fold_char(irc, *a) != irc_fold_char(irc, *b))
			return false;
	return *a == *b;
}

static void
irc_fold(const struct irc *irc, const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		out[i] = irc_fold_char(irc, s[i]);
	out[i] = '\0';
}

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

static bool
irc_is_channel(const struct irc *irc, const char *s)
{
	return s[0] != '\0' && strchr(irc->chantypes, s[0]) != NULL;
}

static struct irc_chan *
irc_chan_find(struct irc *irc, const char *name)
{
	size_t i;

	for (i = 0; i < irc->nchans; i++)
		if (irc_same(irc, irc->chans[i].name, name))
			return &irc->chans[i];
	return NULL;
}

static struct irc_chan *
irc_staff_chan(const struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->nchans; i++)
		if (irc->chans[i].staff)
			return &irc->chans[i];
	return NULL;
}

static struct irc_user *
irc_user_find(struct irc *irc, const char *nick, bool create)
{
	char f[IRC_NICK_MAX];
	struct irc_user *u;
	size_t i;

	irc_fold(irc, nick, f, sizeof(f));
	for (i = 0; i < irc->nusers; i++)
		if (strcmp(irc->users[i].nick, f) == 0)
			return &irc->users[i];
	if (!create)
		return NULL;
	if (irc->nusers == IRC_USERS_MAX) {
		/* Forget someone outside the staff channel. */
		for (i = 0; i < irc->nusers && irc->users[i].in_staff; i++)
			;
		if (i == irc->nusers)
			return NULL;
		free(irc->users[i].nick);
		free(irc->users[i].account);
		irc->users[i] = irc->users[--irc->nusers];
	}
	if (irc->nusers % 64 == 0)
		irc->users = xreallocarray(
		    irc->users, irc->nusers + 64, sizeof(*irc->users));
	u = &irc->users[irc->nusers++];
	memset(u, 0, sizeof(*u));
	u->nick = xstrdup(f);
	return u;
}

static void
irc_user_forget(struct irc *irc, const char *nick)
{
	struct irc_user *u;

	if ((u = irc_user_find(irc, nick, false)) == NULL)
		return;
	free(u->nick);
	free(u->account);
	*u = irc->users[--irc->nusers];
}

static void
irc_users_clear(struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->nusers; i++) {
		free(irc->users[i].nick);
		free(irc->users[i].account);
	}
	free(irc->users);
	irc->users = NULL;
	irc->nusers = 0;
}

static void
irc_user_set_account(struct irc *irc, const char *nick, const char *acct)
{
	struct irc_user *u;

	if ((u = irc_user_find(irc, nick, true)) == NULL)
		return;
	free(u->account);
	u->account = xstrdup(strcmp(acct, "*") == 0 ? "" : acct);
}

/* --- staff posts --------------------------------------------------------- */

static long
irc_on_post_timer(void *arg)
{
	struct irc *irc = arg;
	struct irc_post **done = irc->done_posts;
	size_t i, n = irc->ndone;

	irc->t_post = 0;
	irc->done_posts = NULL;
	irc->ndone = 0;
	for (i = 0; i < n; i++) {
		done[i]->cb(done[i]->arg, !done[i]->failed);
		free(done[i]);
	}
	free(done);
	return LOOP_TIMER_DONE;
}

/* Drops one reference; the callback runs from a timer, never inline. */
static void
irc_post_release(struct irc *irc, struct irc_post *p, bool ok)
{
	if (!ok)
		p->failed = true;
	if (--p->refs > 0)
		return;
	irc->done_posts = xreallocarray(
	    irc->done_posts, irc->ndone + 1, sizeof(*irc->done_posts));
	irc->done_posts[irc->ndone++] = p;
	if (irc->t_post == 0)
		irc->t_post =
		    loop_timer_add(irc->loop, 0, irc_on_post_timer, irc);
}

static void
irc_on_drop(void *arg, void *tag)
{
	irc_post_release(arg, tag, false);
}

static void
irc_inflight_fail_all(struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->ninfl; i++) {
		irc_post_release(irc, irc->infl[i].post, false);
		free(irc->infl[i].line);
	}
	free(irc->infl);
	irc->infl = NULL;
	irc->ninfl = 0;
}

/* --- the one choke point for text -------------------------------------- */

/* Bytes of text that fit in "CMD target :<here>" once relayed. */
static size_t
irc_budget(const struct irc *irc, const char *cmd, const char *target)
{
	size_t self, fixed;

	if (irc->self[0] != '\0')
		self = strlen(irc->self);
	else
		self = strlen(irc->nick) + 2 + strlen(irc->conf->irc_username) +
		    1 + IRC_HOST_GUESS;
	/* ":" self " " cmd " " target " :" text, all below 510. */
	fixed = 1 + self + 1 + strlen(cmd) + 1 + strlen(target) + 2;
	return fixed + 32 >= IRC_LINE_MAX ? 32 : IRC_LINE_MAX - 1 - fixed;
}

/*
 * Queues text (plain, one paragraph or several separated by LF) to
 * target as cmd, each line starting with addr.  Returns the number of
 * lines queued (at most max_lines when > 0); -1 when none could be.
 */
static int
irc_say(struct irc *irc, const char *cmd, const char *target, const char *addr,
    const char *text, int max_lines, struct irc_post *post)
{
	char key[IRC_NICK_MAX * 2], line[IRC_LINE_MAX + 1];
	char *clean, *p, *para, *next;
	size_t budget, alen, n, len;
	int count = 0;

	irc_fold(irc, target, key, sizeof(key));
	budget = irc_budget(irc, cmd, target);
	alen = strlen(addr);
	if (alen + 16 > budget)
		alen = 0;
	clean = text_sanitize(text, strlen(text), 0, TEXT_KEEP_NEWLINES);
	for (para = clean; para != NULL; para = next) {
		if ((next = strchr(para, '\n')) != NULL)
			*next++ = '\0';
		p = para;
		while (*p == ' ')
			p++;
		len = strlen(p);
		while (len > 0) {
			if (max_lines > 0 && count >= max_lines)
				goto out;
			n = text_chunk(p, len, budget - alen);
			snprintf(line, sizeof(line), "%s %s :%.*s%.*s", cmd,
			    target, (int)alen, addr, (int)n, p);
			if (irc_out_push(irc->out, key, line, false, post) ==
			    -1) {
				metrics_inc(
				    "intakebot_irc_lines_dropped_total", NULL);
				if (post != NULL)
					post->failed = true;
				goto out;
			}
			if (post != NULL)
				post->refs++;
			count++;
			p += n;
			len -= n;
			while (len > 0 && *p == ' ') {
				p++;
				len--;
			}
		}
	}
out:
	free(clean);
	return count > 0 ? count : -1;
}

/* A protocol line of the bot's own (JOIN, NICK, WHOIS...), paced. */
static void irc_control(struct irc *irc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
irc_control(struct irc *irc, const char *fmt, ...)
{
	char line[IRC_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (irc_out_push(irc->out, NULL, line, true, NULL) == -1)
		log_warnx("control line refused");
}

static void
irc_render(struct irc *irc, const char *nick, const char *chan,
    const struct replies *rs)
{
	const struct reply *r;
	char addr[IRC_NICK_MAX + 3], *plain, *all;
	const char *target, *cmd;
	bool priv;
	int n;

	for (r = rs->head; r != NULL; r = r->next) {
		priv = r->to == REPLY_PRIVATE || chan == NULL;
		target = priv ? nick : chan;
		cmd = priv ? "NOTICE" : "PRIVMSG";
		snprintf(addr, sizeof(addr), "%s: ", nick);
		plain = text_render_plain(r->text);
		if (r->is_long) {
			n = irc_say(irc, cmd, target, priv ? "" : addr, plain,
			    irc->conf->more_lines, NULL);
			if (n >= 0 && r->link != NULL)
				irc_say(irc, cmd, target, priv ? "" : addr,
				    r->link, 1, NULL);
		} else {
			/* The link goes last, on the same line when it fits. */
			if (r->link != NULL) {
				all = xasprintf("%s <%s>", plain, r->link);
				free(plain);
				plain = all;
			}
			irc_say(
			    irc, cmd, target, priv ? "" : addr, plain, 0, NULL);
		}
		free(plain);
	}
	irc_pump(irc);
}

/* --- teardown and reconnect --------------------------------------------- */

static long
irc_on_reconnect(void *arg)
{
	struct irc *irc = arg;

	irc->t_reconnect = 0;
	irc_connect_start(irc);
	return LOOP_TIMER_DONE;
}

static void
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
	if (irc->sess != NULL) {
		irc_destroy_session(irc->sess);
		irc->sess = NULL;
	}
	irc_conn_free(irc->conn);
	irc->conn = NULL;
	irc_cap_free(irc->cap);
	irc->cap = NULL;
	irc_out_clear(irc->out, irc_on_drop, irc);
	irc_inflight_fail_all(irc);
	irc_users_clear(irc);
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
static void
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

static void
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

static void
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
	if (next >= 0) {
		irc_timer_clear(irc, &irc->t_join);
		irc->t_join = loop_timer_add(
		    irc->loop, (long)next, irc_on_join_timer, irc);
	}
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
static void
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

static void
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

static void
irc_parse_isupport(struct irc *irc, const struct irc_line *l)
{
	const char *t, *v;
	int i;

	for (i = 1; i < l->nparams - 1; i++) {
		t = l->params[i];
		if (strncmp(t, "CHANTYPES=", 10) == 0)
			snprintf(irc->chantypes, sizeof(irc->chantypes), "%s",
			    t + 10);
		else if (strncmp(t, "PREFIX=", 7) == 0 &&
		    (v = strchr(t, ')')) != NULL)
			snprintf(
			    irc->prefixes, sizeof(irc->prefixes), "%s", v + 1);
		else if (strncmp(t, "CASEMAPPING=", 12) == 0)
			irc->rfc1459 = strcmp(t + 12, "ascii") != 0;
		else if (strncmp(t, "NETWORK=", 8) == 0)
			snprintf(
			    irc->network, sizeof(irc->network), "%s", t + 8);
	}
}

static bool
irc_is_ban(const char *s)
{
	return strcasestr(s, "k-line") != NULL ||
	    strcasestr(s, "kline") != NULL || strcasestr(s, "banned") != NULL ||
	    strcasestr(s, "g-line") != NULL ||
	    strcasestr(s, "z-line") != NULL || strcasestr(s, "sasl") != NULL;
}

/* --- relay callbacks (outside libircclient) ------------------------------ */

static void
irc_cap_send(void *arg, const char *line)
{
	struct irc *irc = arg;

	irc_conn_send(irc->conn, line);
}

static bool
irc_on_server_line(void *arg, const char *s, size_t len)
{
	struct irc *irc = arg;
	struct irc_line l;
	char nick[IRC_NICK_MAX];
	const char *last;
	bool consumed;

	if (irc_line_parse(&l, s, len) == -1)
		return false;
	last = l.nparams > 0 ? l.params[l.nparams - 1] : "";
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
	if (strcmp(l.cmd, "001") == 0 && l.nparams >= 1) {
		irc_on_welcome(irc, l.params[0]);
	} else if (strcmp(l.cmd, "005") == 0) {
		irc_parse_isupport(irc, &l);
	} else if ((strcmp(l.cmd, "433") == 0 || strcmp(l.cmd, "432") == 0 ||
	               strcmp(l.cmd, "436") == 0 ||
	               strcmp(l.cmd, "437") == 0)) {
		if (irc->state == IRC_ST_REGISTERING)
			irc_next_nick(irc);
		return false;
	} else if (strcmp(l.cmd, "PONG") == 0) {
		if (irc->ping_out && strncmp(last, "ib", 2) == 0) {
			irc->ping_out = false;
			irc->lag_ms = (long)(loop_now_ms() - irc->ping_sent);
			metrics_set("intakebot_irc_lag_ms", NULL, irc->lag_ms);
		}
		return false;
	} else if (strcmp(l.cmd, "ERROR") == 0) {
		log_warnx("server closed the link: %.200s", last);
		if (irc_is_ban(last)) {
			log_warnx("banned or refused by the server; pausing "
			          "%d minutes before trying again",
			    IRC_BAN_PAUSE_MS / 60000);
			irc_drop(irc, "banned by the server", IRC_BAN_PAUSE_MS);
		}
	} else if (strcmp(l.cmd, "465") == 0) {
		log_warnx("banned from the server (465): %.200s; pausing %d "
		          "minutes",
		    last, IRC_BAN_PAUSE_MS / 60000);
		irc_drop(irc, "banned by the server (465)", IRC_BAN_PAUSE_MS);
	} else if (strcmp(l.cmd, "900") == 0 && l.nparams >= 3) {
		log_info("logged in to services as %s", l.params[2]);
		if (irc->identify_wait) {
			irc->identify_wait = false;
			irc_join_pending(irc);
		}
	} else if (strcmp(l.cmd, "ACCOUNT") == 0 && l.nparams >= 1) {
		irc_line_nick(l.prefix, nick, sizeof(nick));
		irc_user_set_account(irc, nick, l.params[0]);
		return false;
	} else if (strcmp(l.cmd, "CAP") == 0 ||
	    strcmp(l.cmd, "AUTHENTICATE") == 0) {
		return false;
	}
	return true;
}

static bool
irc_on_client_line(void *arg, const char *line, size_t len)
{
	struct irc *irc = arg;
	size_t i;

	if (!irc->lib_registered) {
		/* libircclient's own PASS/NICK/USER: ours were sent already. */
		if (strncmp(line, "USER ", 5) == 0)
			irc->lib_registered = true;
		return false;
	}
	for (i = 0; i < irc->ninfl; i++) {
		if (irc->infl[i].end != 0)
			continue;
		if (strcmp(irc->infl[i].line, line) == 0)
			irc->infl[i].end =
			    irc_conn_out_total(irc->conn) + len + 2;
		break;
	}
	if (irc->quitting && strncmp(line, "QUIT ", 5) == 0)
		irc->quit_end = irc_conn_out_total(irc->conn) + len + 2;
	metrics_inc("intakebot_irc_lines_sent_total", NULL);
	return true;
}

static void
irc_on_flushed(void *arg, uint64_t total)
{
	struct irc *irc = arg;
	size_t n = 0;

	while (n < irc->ninfl && irc->infl[n].end != 0 &&
	    irc->infl[n].end <= total) {
		irc_post_release(irc, irc->infl[n].post, true);
		free(irc->infl[n].line);
		n++;
	}
	if (n > 0) {
		memmove(irc->infl, irc->infl + n,
		    (irc->ninfl - n) * sizeof(*irc->infl));
		irc->ninfl -= n;
	}
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

/* --- libircclient events ------------------------------------------------- */

static struct irc *
irc_of(irc_session_t *s)
{
	return irc_get_ctx(s);
}

static bool
irc_is_me(const struct irc *irc, const char *nick)
{
	return irc_same(irc, nick, irc->nick);
}

static bool
irc_admin_match(struct irc *irc, const char *origin, const char *account)
{
	char **items;
	size_t n, i;
	bool ok = false;

	n = conf_list_split(irc->conf->irc_admins, &items);
	for (i = 0; i < n && !ok; i++) {
		if (strncasecmp(items[i], "account:", 8) == 0)
			ok = account != NULL && account[0] != '\0' &&
			    irc_same(irc, items[i] + 8, account);
		else if (strchr(items[i], '!') != NULL &&
		    strchr(items[i], '@') != NULL)
			ok = fnmatch(items[i], origin, FNM_CASEFOLD) == 0;
		/* A bare nick is never enough. */
	}
	conf_list_free(items, n);
	return ok;
}

static bool
irc_staff_account(struct irc *irc, const char *account)
{
	char **items;
	size_t n, i;
	bool ok = false;

	if (account == NULL || account[0] == '\0')
		return false;
	n = conf_list_split(irc->conf->consult_staff_accounts, &items);
	for (i = 0; i < n && !ok; i++)
		ok = irc_same(irc, items[i], account);
	conf_list_free(items, n);
	return ok;
}

/* "curnick: text" when the bot is on an alternate nick. */
static const char *
irc_strip_address(struct irc *irc, const char *text)
{
	size_t n = strlen(irc->nick);

	if (irc_same(irc, irc->nick, irc->conf->nick) ||
	    strncasecmp(text, irc->nick, n) != 0 ||
	    (text[n] != ':' && text[n] != ','))
		return NULL;
	text += n + 1;
	while (*text == ' ')
		text++;
	return text;
}

static void
irc_on_message(
    struct irc *irc, const char *origin, const char *target, const char *raw)
{
	char nick[IRC_NICK_MAX], chan[128];
	struct irc_user *u;
	struct irc_chan *c = NULL;
	struct message m;
	struct replies rs;
	const char *rest;
	char *text;

	irc_line_nick(origin, nick, sizeof(nick));
	if (nick[0] == '\0' || irc_is_me(irc, nick) ||
	    strchr(origin, '!') == NULL)
		return;
	if (irc_is_channel(irc, target)) {
		if ((c = irc_chan_find(irc, target)) == NULL || !c->joined)
			return;
		snprintf(chan, sizeof(chan), "%s", c->name);
	} else if (!irc_is_me(irc, target))
		return;
	metrics_inc("intakebot_irc_messages_total", NULL);
	text = text_sanitize(raw, strlen(raw), MESSAGE_TEXT_MAX, 0);
	memset(&m, 0, sizeof(m));
	m.adapter = "irc";
	m.network = irc->network[0] != '\0' ? irc->network : NULL;
	m.channel = c != NULL ? chan : NULL;
	m.sender = nick;
	m.sender_id = origin;
	m.text = text;
	if ((rest = irc_strip_address(irc, text)) != NULL) {
		m.text = rest;
		m.addressed = true;
	}
	m.is_private = c == NULL;
	u = irc_user_find(irc, nick, false);
	m.account = u != NULL && u->account != NULL && u->account[0] != '\0'
	    ? u->account
	    : NULL;
	m.is_staff =
	    (u != NULL && u->in_staff) || irc_staff_account(irc, m.account);
	m.is_admin = irc_admin_match(irc, origin, m.account);
	/* Account unknown: ask once, so the next command knows (fail closed).
	 */
	if ((u == NULL || u->account == NULL) &&
	    (m.is_private ||
	        strncmp(text, irc->conf->prefix, strlen(irc->conf->prefix)) ==
	            0) &&
	    strstr(irc->conf->irc_admins, "account:") != NULL &&
	    (u = irc_user_find(irc, nick, true)) != NULL && !u->whois_sent) {
		u->whois_sent = true;
		irc_control(irc, "WHOIS %s", nick);
	}
	log_debug("message from %s in %s", nick, c != NULL ? chan : "private");
	replies_init(&rs);
	irc->handler(irc->harg, &m, &rs);
	irc_render(irc, nick, c != NULL ? chan : NULL, &rs);
	replies_reset(&rs);
	free(text);
}

static void
irc_ev_msg(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	(void)event;
	if (origin == NULL || count < 2 || params[1] == NULL)
		return;
	irc_on_message(irc_of(s), origin, params[0], params[1]);
}

static void
irc_ev_ctcp(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	struct irc *irc = irc_of(s);
	char nick[IRC_NICK_MAX], line[IRC_LINE_MAX + 1], key[IRC_NICK_MAX];
	char *arg;
	int64_t now = loop_now_ms();

	(void)event;
	if (origin == NULL || count < 1 || irc->state != IRC_ST_READY)
		return;
	if (now - irc->ctcp_last < IRC_CTCP_GAP_MS)
		return;
	irc_line_nick(origin, nick, sizeof(nick));
	if (nick[0] == '\0' || irc_is_me(irc, nick))
		return;
	irc_fold(irc, nick, key, sizeof(key));
	if (strcasecmp(params[0], "VERSION") == 0) {
		snprintf(line, sizeof(line),
		    "NOTICE %s :\001VERSION intakebot "
		    "%s\001",
		    nick, INTAKEBOT_VERSION);
	} else if (strncasecmp(params[0], "PING", 4) == 0 &&
	    (params[0][4] == ' ' || params[0][4] == '\0')) {
		arg =
		    text_sanitize(params[0] + 4, strlen(params[0] + 4), 64, 0);
		snprintf(
		    line, sizeof(line), "NOTICE %s :\001PING%s\001", nick, arg);
		free(arg);
	} else
		return;
	irc->ctcp_last = now;
	irc_out_push(irc->out, key, line, false, NULL);
	irc_pump(irc);
}

static void
irc_ev_join(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	struct irc *irc = irc_of(s);
	char nick[IRC_NICK_MAX];
	struct irc_chan *c;
	struct irc_user *u;

	(void)event;
	if (origin == NULL || count < 1)
		return;
	irc_line_nick(origin, nick, sizeof(nick));
	c = irc_chan_find(irc, params[0]);
	if (irc_is_me(irc, nick)) {
		snprintf(irc->self, sizeof(irc->self), "%s", origin);
		if (c == NULL || !c->wanted) {
			irc_control(irc, "PART %s", params[0]);
			return;
		}
		c->joined = true;
		c->retry_at = 0;
		log_info("joined %s", c->name);
		return;
	}
	if (count >= 2 && params[1] != NULL && params[1][0] != '\0')
		irc_user_set_account(irc, nick, params[1]);
	if (c != NULL && c->staff &&
	    (u = irc_user_find(irc, nick, true)) != NULL)
		u->in_staff = true;
}

static void
irc_left(struct irc *irc, const char *chan, const char *nick, bool kicked)
{
	struct irc_chan *c;
	struct irc_user *u;

	if ((c = irc_chan_find(irc, chan)) == NULL)
		return;
	if (irc_is_me(irc, nick)) {
		c->joined = false;
		if (kicked && c->wanted) {
			log_warnx("kicked from %s; rejoining in %d s", c->name,
			    IRC_KICK_REJOIN_MS / 1000);
			c->retry_at = loop_now_ms() + IRC_KICK_REJOIN_MS;
			irc_timer_clear(irc, &irc->t_join);
			irc->t_join = loop_timer_add(irc->loop,
			    IRC_KICK_REJOIN_MS, irc_on_join_timer, irc);
		}
		if (c->staff) {
			for (size_t i = 0; i < irc->nusers; i++)
				irc->users[i].in_staff = false;
		}
		return;
	}
	if (c->staff && (u = irc_user_find(irc, nick, false)) != NULL)
		u->in_staff = false;
}

static void
irc_ev_part(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	char nick[IRC_NICK_MAX];

	(void)event;
	if (origin == NULL || count < 1)
		return;
	irc_line_nick(origin, nick, sizeof(nick));
	irc_left(irc_of(s), params[0], nick, false);
}

static void
irc_ev_kick(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	(void)event;
	(void)origin;
	if (count < 2 || params[1] == NULL)
		return;
	irc_left(irc_of(s), params[0], params[1], true);
}

static void
irc_ev_quit(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	struct irc *irc = irc_of(s);
	char nick[IRC_NICK_MAX];

	(void)event;
	(void)params;
	(void)count;
	if (origin == NULL)
		return;
	irc_line_nick(origin, nick, sizeof(nick));
	irc_user_forget(irc, nick);
	if (irc_same(irc, nick, irc->conf->nick))
		irc_regain_now(irc);
}

static void
irc_ev_nick(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	struct irc *irc = irc_of(s);
	char nick[IRC_NICK_MAX], f[IRC_NICK_MAX];
	struct irc_user *u;

	(void)event;
	if (origin == NULL || count < 1)
		return;
	irc_line_nick(origin, nick, sizeof(nick));
	if (irc_is_me(irc, nick)) {
		log_info("nick is now %s", params[0]);
		snprintf(irc->nick, sizeof(irc->nick), "%s", params[0]);
		irc->self[0] = '\0';
		return;
	}
	if ((u = irc_user_find(irc, nick, false)) != NULL) {
		irc_fold(irc, params[0], f, sizeof(f));
		irc_user_forget(irc, params[0]);
		u = irc_user_find(irc, nick, false);
		if (u != NULL) {
			free(u->nick);
			u->nick = xstrdup(f);
		}
	}
	if (irc_same(irc, nick, irc->conf->nick))
		irc_regain_now(irc);
}

static void
irc_names(struct irc *irc, const char *chan, const char *names)
{
	struct irc_chan *c = irc_chan_find(irc, chan);
	struct irc_user *u;
	char nick[IRC_NICK_MAX];
	const char *p = names;
	size_t n;

	if (c == NULL || !c->staff)
		return;
	while (*p != '\0') {
		while (*p == ' ')
			p++;
		while (*p != '\0' && strchr(irc->prefixes, *p) != NULL)
			p++;
		n = strcspn(p, " ");
		if (n > 0 && n < sizeof(nick)) {
			memcpy(nick, p, n);
			nick[n] = '\0';
			if (!irc_is_me(irc, nick) &&
			    (u = irc_user_find(irc, nick, true)) != NULL)
				u->in_staff = true;
		}
		p += n;
	}
}

static void
irc_ev_numeric(irc_session_t *s, unsigned int ev, const char *origin,
    const char **params, unsigned int count)
{
	struct irc *irc = irc_of(s);
	struct irc_user *u;
	struct irc_chan *c;

	(void)origin;
	switch (ev) {
	case 353: /* NAMES: me = #chan :names */
		if (count >= 4)
			irc_names(irc, params[2], params[3]);
		break;
	case 330: /* WHOIS account: me nick account */
		if (count >= 3)
			irc_user_set_account(irc, params[1], params[2]);
		break;
	case 318: /* end of WHOIS: no 330 means no account */
		if (count >= 2 &&
		    (u = irc_user_find(irc, params[1], true)) != NULL &&
		    u->account == NULL)
			u->account = xstrdup("");
		break;
	case 405:
	case 471:
	case 473:
	case 474:
	case 475:
	case 477:
		if (count >= 2) {
			log_warnx("cannot join %s (%u: %s); retrying in %d s",
			    params[1], ev, count >= 3 ? params[2] : "",
			    IRC_JOIN_RETRY_MS / 1000);
			if ((c = irc_chan_find(irc, params[1])) != NULL)
				c->retry_at = loop_now_ms() + IRC_JOIN_RETRY_MS;
		}
		break;
	case 404:
		if (count >= 2)
			log_warnx("cannot send to %s (404)", params[1]);
		break;
	default:
		break;
	}
}

static void
irc_ev_notice(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	struct irc *irc = irc_of(s);
	char nick[IRC_NICK_MAX];

	(void)event;
	/* Notices are never answered; only NickServ's confirmation counts. */
	if (!irc->identify_wait || origin == NULL || count < 2)
		return;
	irc_line_nick(origin, nick, sizeof(nick));
	if (strcasecmp(nick, "NickServ") != 0)
		return;
	if (strcasestr(params[1], "identified") != NULL ||
	    strcasestr(params[1], "accepted") != NULL ||
	    strcasestr(params[1], "recognized") != NULL ||
	    strcasestr(params[1], "logged in") != NULL) {
		log_info("NickServ identification done");
		irc->identify_wait = false;
		irc_join_pending(irc);
	}
}

/* --- the loop source ------------------------------------------------------ */

/* The library's socket, and whether it has a complete line to write. */
static int
irc_lib_fd(struct irc *irc, bool *pending)
{
	fd_set r, w;
	int maxfd = -1;

	FD_ZERO(&r);
	FD_ZERO(&w);
	irc_add_select_descriptors(irc->sess, &r, &w, &maxfd);
	*pending = maxfd >= 0 && FD_ISSET(maxfd, &w);
	return maxfd;
}

/*
 * Writes the library's output buffer to the relay now.  On its own the
 * library writes only when its socket was in the write set of a select,
 * which is the next loop turn.  It takes an empty or refused send for a
 * lost link, so this writes only when there is something to write and
 * the socket can take it.  Returns whether it wrote; never called from
 * inside the library's callbacks.
 */
static bool
irc_lib_flush(struct irc *irc)
{
	struct pollfd p;
	fd_set r, w;
	bool pending;

	if ((p.fd = irc_lib_fd(irc, &pending)) < 0 || !pending)
		return false;
	p.events = POLLOUT;
	p.revents = 0;
	if (poll(&p, 1, 0) != 1 || !(p.revents & POLLOUT))
		return false;
	FD_ZERO(&r);
	FD_ZERO(&w);
	FD_SET(p.fd, &w);
	/* A write error leaves the session disconnected; irc_src_process
	 * notices on the next turn. */
	irc->in_lib = true;
	irc_process_select_descriptors(irc->sess, &r, &w);
	irc->in_lib = false;
	return true;
}

static void
irc_pump(struct irc *irc)
{
	const char *line;
	void *tag;
	long wait;
	int64_t now = loop_now_ms();
	bool sent = false, flushed = false;

	if (irc->sess == NULL || irc->state != IRC_ST_READY ||
	    !irc->lib_registered)
		return;
	while ((line = irc_out_peek(irc->out, now, &tag, &wait)) != NULL) {
		if (irc_send_raw(irc->sess, "%s", line) != 0) {
			/*
			 * The library's 1 KiB buffer is full.  Outside its
			 * callbacks, empty it into the relay and go on; once
			 * a flush made no room, the rest waits for a turn.
			 */
			if (irc->in_lib || flushed || !irc_lib_flush(irc))
				break;
			flushed = true;
			continue;
		}
		sent = true;
		flushed = false;
		if (tag != NULL) {
			irc->infl = xreallocarray(
			    irc->infl, irc->ninfl + 1, sizeof(*irc->infl));
			irc->infl[irc->ninfl].line = xstrdup(line);
			irc->infl[irc->ninfl].post = tag;
			irc->infl[irc->ninfl].end = 0;
			irc->ninfl++;
		}
		irc_out_done(irc->out, now);
	}
	if (sent && !irc->in_lib)
		irc_lib_flush(irc);
	metrics_set("intakebot_irc_queue_depth", NULL,
	    (int64_t)irc_out_depth(irc->out));
}

static void
irc_src_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct irc *irc = arg;

	if (irc->sess != NULL && irc->t_teardown == 0)
		irc_add_select_descriptors(irc->sess, rd, wr, maxfd);
}

static long
irc_src_timeout(void *arg)
{
	struct irc *irc = arg;
	void *tag;
	long wait;

	if (irc->sess == NULL || irc->state != IRC_ST_READY)
		return -1;
	if (irc_out_peek(irc->out, loop_now_ms(), &tag, &wait) != NULL)
		return 0;
	return wait;
}

static void
irc_src_process(void *arg, fd_set *rd, fd_set *wr)
{
	struct irc *irc = arg;
	bool pending;
	int rc, fd;

	if (irc->sess == NULL || irc->t_teardown != 0)
		return;
	/* irc_pump may have emptied the library's buffer since the loop
	 * built wr; an empty send would read as a lost link. */
	if ((fd = irc_lib_fd(irc, &pending)) >= 0 && !pending)
		FD_CLR(fd, wr);
	irc->in_lib = true;
	rc = irc_process_select_descriptors(irc->sess, rd, wr);
	irc->in_lib = false;
	if (rc != 0 || !irc_is_connected(irc->sess)) {
		irc_drop(irc, irc_strerror(irc_errno(irc->sess)), 0);
		return;
	}
	irc_pump(irc);
}

static void
irc_on_ready(void *arg, int port)
{
	static irc_callbacks_t cbs = {
	    .event_channel = irc_ev_msg,
	    .event_privmsg = irc_ev_msg,
	    .event_ctcp_req = irc_ev_ctcp,
	    .event_join = irc_ev_join,
	    .event_part = irc_ev_part,
	    .event_kick = irc_ev_kick,
	    .event_quit = irc_ev_quit,
	    .event_nick = irc_ev_nick,
	    .event_numeric = irc_ev_numeric,
	    .event_notice = irc_ev_notice,
	};
	struct irc *irc = arg;
	const struct conf *cf = irc->conf;
	struct irc_cap_params cp;
	char line[IRC_LINE_MAX + 1], *realname;
	fd_set r, w;
	int maxfd = -1;

	if ((irc->sess = irc_create_session(&cbs)) == NULL) {
		irc_drop(irc, "libircclient: cannot create a session", 0);
		return;
	}
	irc_set_ctx(irc->sess, irc);
	/*
	 * The library gets fixed, '%'-free identity strings: its PASS, NICK
	 * and USER lines are dropped by the relay, ours are sent below.
	 */
	if (irc_connect(irc->sess, "127.0.0.1", (unsigned short)port, NULL,
	        "intakebot", "intakebot", "intakebot") != 0) {
		irc_drop(irc, irc_strerror(irc_errno(irc->sess)), 0);
		return;
	}
	FD_ZERO(&r);
	FD_ZERO(&w);
	irc_add_select_descriptors(irc->sess, &r, &w, &maxfd);
	if (maxfd < 0 || irc_conn_expect_peer(irc->conn, maxfd) == -1) {
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
		free(c->name);
		free(c->key);
		irc->chans[i] = irc->chans[--irc->nchans];
	}
}

/* --- public -----------------------------------------------------------------
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
	char *r;

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
	if (irc->sess == NULL || irc_send_raw(irc->sess, "QUIT :%s", r) != 0)
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
irc_post_staff(
    struct irc *irc, const char *text, void (*cb)(void *, bool), void *arg)
{
	struct irc_post *p;
	char *plain;
	int n;

	if (!irc_staff_ready(irc))
		return -1;
	p = xcalloc(1, sizeof(*p));
	p->cb = cb;
	p->arg = arg;
	p->refs = 1;
	plain = text_render_plain(text);
	n = irc_say(irc, "PRIVMSG", irc_staff_chan(irc)->name, "", plain, 0, p);
	free(plain);
	if (n <= 0) {
		free(p);
		return -1;
	}
	p->refs--; /* the lines hold it now */
	irc_pump(irc);
	return 0;
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
