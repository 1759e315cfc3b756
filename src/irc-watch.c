/*
 * Requesters a staff reply waits for.  A reply to an IRC requester goes
 * to their nick only while that nick is online with the services
 * account that asked (or, when none was proved then, with any).  Each
 * nick asked about is watched: with MONITOR where the server offers it
 * (ISUPPORT MONITOR), else by polling with ISON.  Once the nick is seen
 * online a WHOIS says which account holds it; a reply may go only after
 * a WHOIS that ended since the last reply to that nick, so every reply
 * is checked afresh.  A nick not asked about for a while is dropped.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-int.h"
#include "irc-out.h"
#include "log.h"
#include "loop.h"
#include "xmalloc.h"

#define IRC_WATCH_MAX 64
#define IRC_WATCH_POLL_MS 5000     /* ISON, re-checks, idle drops */
#define IRC_WATCH_IDLE_MS 120000   /* unasked this long: dropped */
#define IRC_WATCH_RECHECK_MS 15000 /* online with the wrong account */
#define IRC_ISON_BYTES 400

enum irc_watch_state { IRC_W_UNKNOWN, IRC_W_OFFLINE, IRC_W_ONLINE };

struct irc_watch {
	char nick[IRC_NICK_MAX];  /* as asked */
	char fnick[IRC_NICK_MAX]; /* folded */
	enum irc_watch_state state;
	bool monitored;    /* MONITOR + sent on this connection */
	bool whois_out;    /* a WHOIS of ours is unanswered */
	bool got_330;      /* during it */
	bool fresh;        /* checked since the last reply */
	bool checked;      /* account below is from a WHOIS while online */
	bool told;         /* the mismatch of this check was logged */
	uint64_t ison_seq; /* the ISON that asked for it (0: none) */
	char account[IRC_ACCOUNT_MAX]; /* "" none */
	int64_t asked_at, checked_at;
};

static struct irc_watch *
irc_watch_find(struct irc *irc, const char *nick)
{
	char f[IRC_NICK_MAX];
	size_t i;

	irc_fold(irc, nick, f, sizeof(f));
	for (i = 0; i < irc->nwatch; i++)
		if (strcmp(irc->watch[i].fnick, f) == 0)
			return &irc->watch[i];
	return NULL;
}

static void
irc_watch_whois(struct irc *irc, struct irc_watch *w)
{
	if (w->whois_out)
		return;
	w->whois_out = true;
	w->got_330 = false;
	irc_control(irc, "WHOIS %s", w->nick);
}

static void
irc_watch_online(struct irc *irc, struct irc_watch *w)
{
	if (w->state != IRC_W_ONLINE) {
		log_debug("watched nick %s is online", w->fnick);
		w->state = IRC_W_ONLINE;
		w->checked = w->fresh = false;
	}
	if (!w->checked)
		irc_watch_whois(irc, w);
}

static void
irc_watch_offline(struct irc_watch *w)
{
	w->state = IRC_W_OFFLINE;
	w->checked = w->fresh = false;
}

/* Whether acct (the requester's, NULL or "" for none) may have w's. */
static bool
irc_watch_match(
    const struct irc *irc, const struct irc_watch *w, const char *acct)
{
	return acct == NULL || acct[0] == '\0' ||
	    (w->account[0] != '\0' && irc_same(irc, w->account, acct));
}

/* One ISON for the nicks that MONITOR does not cover. */
static void
irc_watch_ison(struct irc *irc)
{
	char line[IRC_LINE_MAX + 1];
	size_t i, len;
	bool any = false;

	len = (size_t)snprintf(line, sizeof(line), "ISON");
	irc->ison_sent++;
	for (i = 0; i < irc->nwatch; i++) {
		struct irc_watch *w = &irc->watch[i];

		if (w->monitored || len + 1 + strlen(w->nick) >= IRC_ISON_BYTES)
			continue;
		len += (size_t)snprintf(
		    line + len, sizeof(line) - len, " %s", w->nick);
		w->ison_seq = irc->ison_sent;
		any = true;
	}
	if (any)
		irc_control(irc, "%s", line);
	else
		irc->ison_sent--;
}

static void
irc_watch_drop(struct irc *irc, size_t i)
{
	if (irc->watch[i].monitored && irc->state == IRC_ST_READY)
		irc_control(irc, "MONITOR - %s", irc->watch[i].nick);
	irc->watch[i] = irc->watch[--irc->nwatch];
}

static long
irc_watch_on_timer(void *arg)
{
	struct irc *irc = arg;
	int64_t now = loop_now_ms();
	size_t i = 0;

	while (i < irc->nwatch) {
		if (now - irc->watch[i].asked_at >= IRC_WATCH_IDLE_MS)
			irc_watch_drop(irc, i);
		else
			i++;
	}
	if (irc->nwatch == 0) {
		irc->t_watch = 0;
		return LOOP_TIMER_DONE;
	}
	if (irc->state != IRC_ST_READY)
		return IRC_WATCH_POLL_MS;
	for (i = 0; i < irc->nwatch; i++) {
		struct irc_watch *w = &irc->watch[i];

		/* The nick may have logged in to the right account since. */
		if (w->state == IRC_W_ONLINE && w->checked &&
		    now - w->checked_at >= IRC_WATCH_RECHECK_MS)
			w->checked = false;
		if (w->state == IRC_W_ONLINE && !w->checked)
			irc_watch_whois(irc, w);
	}
	irc_watch_ison(irc);
	irc_pump(irc);
	return IRC_WATCH_POLL_MS;
}

bool
irc_requester_ready(struct irc *irc, const char *nick, const char *account)
{
	struct irc_watch *w;
	size_t i, old;

	if (irc->state != IRC_ST_READY || irc->quitting || nick[0] == '\0' ||
	    strlen(nick) >= IRC_NICK_MAX || strpbrk(nick, " ,:\r\n") != NULL)
		return false;
	if ((w = irc_watch_find(irc, nick)) == NULL) {
		if (irc->nwatch == IRC_WATCH_MAX) {
			for (old = 0, i = 1; i < irc->nwatch; i++)
				if (irc->watch[i].asked_at <
				    irc->watch[old].asked_at)
					old = i;
			irc_watch_drop(irc, old);
		}
		if (irc->nwatch % 8 == 0)
			irc->watch = xreallocarray(
			    irc->watch, irc->nwatch + 8, sizeof(*irc->watch));
		w = &irc->watch[irc->nwatch++];
		memset(w, 0, sizeof(*w));
		snprintf(w->nick, sizeof(w->nick), "%s", nick);
		irc_fold(irc, nick, w->fnick, sizeof(w->fnick));
		log_info("watching a requester's nick (%s)",
		    irc->monitor ? "MONITOR" : "ISON");
		if (irc->t_watch == 0)
			irc->t_watch = loop_timer_add(irc->loop,
			    IRC_WATCH_POLL_MS, irc_watch_on_timer, irc);
	}
	w->asked_at = loop_now_ms();
	if (w->state == IRC_W_UNKNOWN && !w->monitored) {
		if (irc->monitor) {
			w->monitored = true;
			irc_control(irc, "MONITOR + %s", w->nick);
		} else if (w->ison_seq == 0)
			irc_watch_ison(irc);
		irc_pump(irc);
		return false;
	}
	if (w->state != IRC_W_ONLINE)
		return false;
	if (!w->fresh) {
		irc_watch_whois(irc, w);
		irc_pump(irc);
		return false;
	}
	if (irc_watch_match(irc, w, account))
		return true;
	if (!w->told)
		log_info("a requester's nick is held by another account (or "
		         "none); the reply waits");
	w->told = true;
	return false;
}

int
irc_post_private(struct irc *irc, const char *nick, const char *account,
    const char *text, void (*cb)(void *, bool), void *arg)
{
	struct irc_watch *w;

	if (!irc_requester_ready(irc, nick, account) ||
	    (w = irc_watch_find(irc, nick)) == NULL)
		return -1;
	if (irc_post_to(irc, w->nick, text, cb, arg) == -1)
		return -1;
	/* The next reply waits for a WHOIS of its own. */
	w->fresh = false;
	return 0;
}

/* --- what the server says ------------------------------------------------ */

/* 730: me :nick!user@host[,...]  731: me :nick[,...] */
void
irc_watch_monitor(struct irc *irc, const char *list, bool online)
{
	char nick[IRC_NICK_MAX];
	struct irc_watch *w;
	const char *p = list;
	size_t n;

	while (*p != '\0') {
		n = strcspn(p, ",");
		if (n < sizeof(nick)) {
			memcpy(nick, p, n);
			nick[n] = '\0';
			nick[strcspn(nick, "!")] = '\0';
			if ((w = irc_watch_find(irc, nick)) != NULL) {
				if (online)
					irc_watch_online(irc, w);
				else
					irc_watch_offline(w);
			}
		}
		p += n;
		if (*p == ',')
			p++;
	}
	irc_pump(irc);
}

/* 734: the monitor list is full: those nicks are polled with ISON. */
void
irc_watch_monitor_full(struct irc *irc, const char *list)
{
	struct irc_watch *w;
	char *copy, *tok, *save = NULL;

	copy = xstrdup(list);
	for (tok = strtok_r(copy, ",", &save); tok != NULL;
	     tok = strtok_r(NULL, ",", &save))
		if ((w = irc_watch_find(irc, tok)) != NULL)
			w->monitored = false;
	free(copy);
	log_warnx("the server's MONITOR list is full; polling with ISON");
}

/* 303: me :nicks online among those of the oldest ISON unanswered. */
void
irc_watch_ison_reply(struct irc *irc, const char *list)
{
	char f[IRC_NICK_MAX + 2], *spaced;
	size_t i, n;

	irc->ison_done++;
	n = strlen(list);
	spaced = xmalloc(n + 3);
	spaced[0] = ' ';
	irc_fold(irc, list, spaced + 1, n + 1);
	strcat(spaced, " ");
	for (i = 0; i < irc->nwatch; i++) {
		struct irc_watch *w = &irc->watch[i];

		if (w->ison_seq != irc->ison_done)
			continue;
		w->ison_seq = 0;
		snprintf(f, sizeof(f), " %s ", w->fnick);
		if (strstr(spaced, f) != NULL)
			irc_watch_online(irc, w);
		else
			irc_watch_offline(w);
	}
	free(spaced);
	irc_pump(irc);
}

/* WHOIS 330: nick is logged in as account. */
void
irc_watch_account(struct irc *irc, const char *nick, const char *account)
{
	struct irc_watch *w;

	if ((w = irc_watch_find(irc, nick)) == NULL || !w->whois_out)
		return;
	w->got_330 = true;
	snprintf(w->account, sizeof(w->account), "%s", account);
}

/* 401: no such nick (a WHOIS of an offline nick). */
void
irc_watch_gone(struct irc *irc, const char *nick)
{
	struct irc_watch *w;

	if ((w = irc_watch_find(irc, nick)) != NULL)
		irc_watch_offline(w);
}

/*
 * Seen QUIT, NICK away from, or ACCOUNT change of nick in a shared
 * channel: what was checked no longer holds.
 */
void
irc_watch_changed(struct irc *irc, const char *nick)
{
	struct irc_watch *w;

	if ((w = irc_watch_find(irc, nick)) != NULL)
		w->checked = w->fresh = false;
}

/* 318: the end of a WHOIS. */
void
irc_watch_whois_end(struct irc *irc, const char *nick)
{
	struct irc_watch *w;

	if ((w = irc_watch_find(irc, nick)) == NULL || !w->whois_out)
		return;
	w->whois_out = false;
	if (w->state != IRC_W_ONLINE)
		return; /* 401 came first */
	if (!w->got_330)
		w->account[0] = '\0';
	w->checked = w->fresh = true;
	w->told = false;
	w->checked_at = loop_now_ms();
	log_debug("watched nick %s checked (%s)", w->fnick,
	    w->account[0] != '\0' ? "logged in" : "no account");
}

/* The connection is gone: nothing seen on it holds. */
void
irc_watch_reset(struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->nwatch; i++) {
		irc->watch[i].state = IRC_W_UNKNOWN;
		irc->watch[i].monitored = irc->watch[i].whois_out = false;
		irc->watch[i].checked = irc->watch[i].fresh = false;
		irc->watch[i].ison_seq = 0;
	}
	irc->ison_sent = irc->ison_done = 0;
	irc->monitor = false;
}

void
irc_watch_free(struct irc *irc)
{
	irc_timer_clear(irc, &irc->t_watch);
	free(irc->watch);
	irc->watch = NULL;
	irc->nwatch = 0;
}
