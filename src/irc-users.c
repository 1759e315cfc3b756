/*
 * Users, accounts and casemapping: who is where, and who sent a message.
 * Nicks and channels compare under the server's CASEMAPPING (rfc1459
 * unless it says ascii).  The adapter tracks, for each user it shares a
 * channel with, the channels shared (one bit each) and the services
 * account (extended-join, account-notify, WHOIS); leaving the last shared
 * channel forgets the user, whose QUIT and NICK would no longer be seen.
 *
 * irc_identify is the one answer to "who sent this" for the admin and
 * staff checks.  A services account counts only when proved for the
 * message at hand: by its account tag (read by the relay ahead of
 * libircclient and matched to the callback in read order), by a
 * remembered account kept current by account-notify for someone sharing
 * a channel, or by a WHOIS asked after the message arrived.  A message
 * that may be a command from someone unproved is held for that WHOIS
 * (its user@host must match) and goes on unidentified after 10 s.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irc-cap.h"
#include "irc-int.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "text.h"
#include "xmalloc.h"

#define IRC_USERS_MAX 4096
#define IRC_HELD_MAX 64 /* messages waiting for a WHOIS */
#define IRC_WHOIS_WAIT_MS 10000

/* --- casemapping, channels, users ---------------------------------------- */

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

bool
irc_same(const struct irc *irc, const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++)
		if (irc_fold_char(irc, *a) != irc_fold_char(irc, *b))
			return false;
	return *a == *b;
}

void
irc_fold(const struct irc *irc, const char *s, char *out, size_t size)
{
	size_t i;

	for (i = 0; s[i] != '\0' && i + 1 < size; i++)
		out[i] = irc_fold_char(irc, s[i]);
	out[i] = '\0';
}

bool
irc_is_channel(const struct irc *irc, const char *s)
{
	return s[0] != '\0' && strchr(irc->chantypes, s[0]) != NULL;
}

bool
irc_is_me(const struct irc *irc, const char *nick)
{
	return irc_same(irc, nick, irc->nick);
}

struct irc_chan *
irc_chan_find(struct irc *irc, const char *name)
{
	size_t i;

	for (i = 0; i < irc->nchans; i++)
		if (irc_same(irc, irc->chans[i].name, name))
			return &irc->chans[i];
	return NULL;
}

struct irc_chan *
irc_staff_chan(const struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->nchans; i++)
		if (irc->chans[i].staff)
			return &irc->chans[i];
	return NULL;
}

struct irc_user *
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

void
irc_user_forget(struct irc *irc, const char *nick)
{
	struct irc_user *u;

	if ((u = irc_user_find(irc, nick, false)) == NULL)
		return;
	free(u->nick);
	free(u->account);
	*u = irc->users[--irc->nusers];
}

/* nick is now to; a record under to (stale) goes. */
void
irc_user_rename(struct irc *irc, const char *from, const char *to)
{
	char f[IRC_NICK_MAX];
	struct irc_user *u;

	if (irc_user_find(irc, from, false) == NULL)
		return;
	irc_fold(irc, to, f, sizeof(f));
	irc_user_forget(irc, to);
	if ((u = irc_user_find(irc, from, false)) != NULL) {
		free(u->nick);
		u->nick = xstrdup(f);
	}
}

void
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

void
irc_user_set_account(struct irc *irc, const char *nick, const char *acct)
{
	struct irc_user *u;

	/* Only for someone tracked: a shared channel keeps it current. */
	if ((u = irc_user_find(irc, nick, false)) == NULL)
		return;
	free(u->account);
	u->account = xstrdup(strcmp(acct, "*") == 0 ? "" : acct);
}

/* The membership bit of channel c (0 past the 64th: never shared). */
static uint64_t
irc_chan_bit(const struct irc *irc, const struct irc_chan *c)
{
	size_t i = (size_t)(c - irc->chans);

	return i < 64 ? (uint64_t)1 << i : 0;
}

/* nick is in channel c with the bot (or no longer). */
void
irc_member(struct irc *irc, struct irc_chan *c, const char *nick, bool in)
{
	struct irc_user *u;

	if ((u = irc_user_find(irc, nick, in)) == NULL)
		return;
	if (in) {
		u->chans |= irc_chan_bit(irc, c);
		u->in_staff |= c->staff;
		return;
	}
	u->chans &= ~irc_chan_bit(irc, c);
	if (c->staff)
		u->in_staff = false;
	/* No shared channel: its QUIT and NICK will not be seen. */
	if (u->chans == 0 && !u->in_staff)
		irc_user_forget(irc, nick);
}

/* Channel slot from now sits at slot to (whose bit is clear). */
void
irc_chan_move_bits(struct irc *irc, size_t from, size_t to)
{
	size_t i;

	if (from == to)
		return;
	for (i = 0; i < irc->nusers; i++) {
		if (from < 64 && (irc->users[i].chans >> from & 1)) {
			irc->users[i].chans &= ~((uint64_t)1 << from);
			if (to < 64)
				irc->users[i].chans |= (uint64_t)1 << to;
		}
	}
}

/* The bot left channel c: forget whom it no longer shares one with. */
void
irc_members_clear(struct irc *irc, const struct irc_chan *c)
{
	uint64_t bit = irc_chan_bit(irc, c);
	size_t i = 0;

	while (i < irc->nusers) {
		irc->users[i].chans &= ~bit;
		if (c->staff)
			irc->users[i].in_staff = false;
		if (irc->users[i].chans == 0 && !irc->users[i].in_staff) {
			free(irc->users[i].nick);
			free(irc->users[i].account);
			irc->users[i] = irc->users[--irc->nusers];
		} else
			i++;
	}
}

void
irc_names(struct irc *irc, const char *chan, const char *names)
{
	struct irc_chan *c = irc_chan_find(irc, chan);
	char nick[IRC_NICK_MAX];
	const char *p = names;
	size_t n;

	if (c == NULL || !c->joined)
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
			if (!irc_is_me(irc, nick))
				irc_member(irc, c, nick, true);
		}
		p += n;
	}
}

/* --- who sent this ------------------------------------------------------- */

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

/*
 * Whether any check depends on a services account: rights by account,
 * or a network with accounts at all, where the account a requester
 * asks from decides who may receive staff replies.
 */
static bool
irc_accounts_matter(const struct irc *irc)
{
	return strcasestr(irc->conf->irc_admins, "account:") != NULL ||
	    irc->conf->consult_staff_accounts[0] != '\0' ||
	    (irc->cap != NULL && irc_cap_enabled(irc->cap, "account-notify"));
}

/*
 * The one answer to "who sent this": fills m's account, is_staff and
 * is_admin.  account is the sender's services account ("" none) only
 * when it is proved for this very message: by the message's own
 * account tag, by a WHOIS asked after the message arrived, or by a
 * remembered account that account-notify keeps current for someone who
 * shares a channel with the bot (so their QUIT and NICK are seen).
 * NULL means unproved: no account-based right is granted.  Staff by
 * presence in the staff channel and hostmask admins need no account.
 */
void
irc_identify(struct irc *irc, struct message *m, const char *nick,
    const char *origin, const char *account)
{
	struct irc_user *u = irc_user_find(irc, nick, false);

	m->account = account != NULL && account[0] != '\0' ? account : NULL;
	m->is_staff =
	    (u != NULL && u->in_staff) || irc_staff_account(irc, m->account);
	m->is_admin = irc_admin_match(irc, origin, m->account);
}

/* The remembered account of nick when it is still backed, or NULL. */
static const char *
irc_account_backed(struct irc *irc, const char *nick)
{
	struct irc_user *u = irc_user_find(irc, nick, false);

	if (u == NULL || u->account == NULL || u->chans == 0 ||
	    irc->cap == NULL || !irc_cap_enabled(irc->cap, "account-notify"))
		return NULL;
	return u->account;
}

/* What libircclient takes for CTCP: \001 at both ends. */
bool
irc_is_ctcp(const char *text)
{
	size_t n = strlen(text);

	return n > 0 && text[0] == '\001' && text[n - 1] == '\001';
}

void
irc_tagged_push(struct irc *irc, const struct irc_line *l)
{
	struct irc_tagged *t;
	char nick[IRC_NICK_MAX];

	irc_line_nick(l->prefix, nick, sizeof(nick));
	if (irc->ntagged == IRC_TAGGED_MAX) {
		irc->tag_head = (irc->tag_head + 1) % IRC_TAGGED_MAX;
		irc->ntagged--;
	}
	t = &irc->tagged[(irc->tag_head + irc->ntagged++) % IRC_TAGGED_MAX];
	irc_fold(irc, nick, t->nick, sizeof(t->nick));
	if (!irc_line_tag(l, "account", t->account, sizeof(t->account)) ||
	    strcmp(t->account, "*") == 0)
		t->account[0] = '\0';
}

/*
 * The account tag of the message from nick that the library hands over
 * now; lines are handed over in the order they were read, so earlier
 * entries from others were lines it did not report.  Returns false when
 * there is none (no account-tag, or the line was not seen).
 */
static bool
irc_tagged_take(struct irc *irc, const char *nick, char *out, size_t size)
{
	char f[IRC_NICK_MAX];
	struct irc_tagged *t;

	irc_fold(irc, nick, f, sizeof(f));
	while (irc->ntagged > 0) {
		t = &irc->tagged[irc->tag_head];
		irc->tag_head = (irc->tag_head + 1) % IRC_TAGGED_MAX;
		irc->ntagged--;
		if (strcmp(t->nick, f) == 0) {
			snprintf(out, size, "%s", t->account);
			return true;
		}
	}
	return false;
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

/* Hands a message to the bot; account as irc_identify takes it. */
void
irc_dispatch(struct irc *irc, const char *origin, const char *target,
    const char *text, const char *account)
{
	char nick[IRC_NICK_MAX], chan[128];
	struct irc_chan *c = NULL;
	struct message m;
	struct replies rs;
	const char *rest;

	irc_line_nick(origin, nick, sizeof(nick));
	if (irc_is_channel(irc, target)) {
		if ((c = irc_chan_find(irc, target)) == NULL || !c->joined)
			return;
		snprintf(chan, sizeof(chan), "%s", c->name);
	}
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
	m.in_staff_channel = c != NULL && c->staff;
	irc_identify(irc, &m, nick, origin, account);
	log_debug("message from %s in %s%s", nick, c != NULL ? chan : "private",
	    m.account != NULL ? " (account proved)" : "");
	replies_init(&rs);
	irc->handler(irc->harg, &m, &rs);
	irc_render(irc, nick, c != NULL ? chan : NULL, &rs);
	replies_reset(&rs);
}

/* --- messages held for a WHOIS ------------------------------------------ */

static void
irc_held_free(struct irc_held *h)
{
	free(h->nick);
	free(h->origin);
	free(h->target);
	free(h->text);
}

void
irc_held_clear(struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->nheld; i++)
		irc_held_free(&irc->held[i]);
	free(irc->held);
	irc->held = NULL;
	irc->nheld = 0;
	irc_timer_clear(irc, &irc->t_whois);
}

/*
 * Hands over the held messages of nick (folded; NULL: those past their
 * deadline), in order.  The WHOIS answer counts only when its user@host
 * is the message's; otherwise, and on a timeout, the account stays
 * unproved.
 */
void
irc_held_release(struct irc *irc, const char *nick, bool answered)
{
	struct irc_held h;
	int64_t now = loop_now_ms();
	size_t i = 0;

	while (i < irc->nheld) {
		if (nick != NULL ? strcmp(irc->held[i].nick, nick) != 0
		                 : irc->held[i].deadline > now) {
			i++;
			continue;
		}
		h = irc->held[i];
		memmove(&irc->held[i], &irc->held[i + 1],
		    (irc->nheld - i - 1) * sizeof(*irc->held));
		irc->nheld--;
		if (!h.known && !(answered && h.uh_ok)) {
			log_info("account of %s not confirmed; treated as "
			         "unidentified",
			    h.nick);
			irc_dispatch(irc, h.origin, h.target, h.text, NULL);
		} else
			irc_dispatch(
			    irc, h.origin, h.target, h.text, h.account);
		irc_held_free(&h);
	}
	irc_pump(irc);
}

static long
irc_on_whois_timeout(void *arg)
{
	struct irc *irc = arg;

	irc_held_release(irc, NULL, false);
	if (irc->nheld == 0) {
		irc->t_whois = 0;
		return LOOP_TIMER_DONE;
	}
	return (long)(irc->held[0].deadline - loop_now_ms()) + 1;
}

/* Whether nick already waits for a WHOIS answer. */
static bool
irc_held_has(const struct irc *irc, const char *fnick)
{
	size_t i;

	for (i = 0; i < irc->nheld; i++)
		if (strcmp(irc->held[i].nick, fnick) == 0)
			return true;
	return false;
}

/*
 * Holds a message until a fresh WHOIS of its sender (asked now, unless
 * one is out for that nick already) answers.  account is the message's
 * own proved account or NULL.  Returns false when the queue is full.
 */
static bool
irc_hold(struct irc *irc, const char *nick, const char *origin,
    const char *target, const char *text, const char *account)
{
	char f[IRC_NICK_MAX];
	struct irc_held *h;
	bool asked;

	if (irc->nheld == IRC_HELD_MAX)
		return false;
	irc_fold(irc, nick, f, sizeof(f));
	asked = irc_held_has(irc, f);
	irc->held =
	    xreallocarray(irc->held, irc->nheld + 1, sizeof(*irc->held));
	h = &irc->held[irc->nheld++];
	memset(h, 0, sizeof(*h));
	h->nick = xstrdup(f);
	h->origin = xstrdup(origin);
	h->target = xstrdup(target);
	h->text = xstrdup(text);
	h->deadline = loop_now_ms() + IRC_WHOIS_WAIT_MS;
	if (account != NULL) {
		h->known = true;
		snprintf(h->account, sizeof(h->account), "%s", account);
	}
	if (!asked)
		irc_control(irc, "WHOIS %s", nick);
	if (irc->t_whois == 0)
		irc->t_whois = loop_timer_add(irc->loop, IRC_WHOIS_WAIT_MS + 1,
		    irc_on_whois_timeout, irc);
	irc_pump(irc);
	return true;
}

/* WHOIS 311 (user@host) and 330 (account) for held messages of nick. */
void
irc_held_whois(
    struct irc *irc, const char *nick, const char *uh, const char *account)
{
	char f[IRC_NICK_MAX];
	const char *bang;
	size_t i;

	irc_fold(irc, nick, f, sizeof(f));
	for (i = 0; i < irc->nheld; i++) {
		if (strcmp(irc->held[i].nick, f) != 0 || irc->held[i].known)
			continue;
		if (uh != NULL)
			irc->held[i].uh_ok =
			    (bang = strchr(irc->held[i].origin, '!')) != NULL &&
			    strcmp(bang + 1, uh) == 0;
		if (account != NULL)
			snprintf(irc->held[i].account,
			    sizeof(irc->held[i].account), "%s", account);
	}
}

/* Whether text may be a command, for which the sender's rights count. */
static bool
irc_may_be_command(struct irc *irc, const char *text, bool priv)
{
	const char *pfx = irc->conf->prefix;

	return priv || strncmp(text, pfx, strlen(pfx)) == 0 ||
	    strncasecmp(text, irc->nick, strlen(irc->nick)) == 0 ||
	    strncasecmp(text, irc->conf->nick, strlen(irc->conf->nick)) == 0;
}

void
irc_on_message(
    struct irc *irc, const char *origin, const char *target, const char *raw)
{
	char nick[IRC_NICK_MAX], f[IRC_NICK_MAX], tag[IRC_ACCOUNT_MAX];
	const char *account;
	struct irc_chan *c;
	bool tagged, priv;
	char *text;

	irc_line_nick(origin, nick, sizeof(nick));
	tagged = irc_tagged_take(irc, nick, tag, sizeof(tag));
	if (nick[0] == '\0' || irc_is_me(irc, nick) ||
	    strchr(origin, '!') == NULL)
		return;
	if ((priv = !irc_is_channel(irc, target))) {
		if (!irc_is_me(irc, target))
			return;
	} else if ((c = irc_chan_find(irc, target)) == NULL || !c->joined)
		return;
	metrics_inc("intakebot_irc_messages_total", NULL);
	text = text_sanitize(raw, strlen(raw), MESSAGE_TEXT_MAX, 0);
	account = tagged ? tag : irc_account_backed(irc, nick);
	irc_fold(irc, nick, f, sizeof(f));
	/* Unproved, or behind earlier held ones: wait for a fresh WHOIS,
	 * or go on unidentified when too many wait (fail closed). */
	if ((irc_held_has(irc, f) ||
	        (account == NULL && irc_accounts_matter(irc) &&
	            irc_may_be_command(irc, text, priv))) &&
	    irc_hold(irc, nick, origin, target, text, account)) {
		free(text);
		return;
	}
	irc_dispatch(irc, origin, target, text, account);
	free(text);
}
