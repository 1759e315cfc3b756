/*
 * The one dispatch table, after ngIRCd's parse.c: {command or numeric,
 * minimum parameters, handler, path}.  Every line from the server goes
 * through it, on one of two paths:
 *   raw  read by the relay before libircclient (tags intact): CAP and
 *        SASL are fed to irc-cap first, then registration (001, 005,
 *        43x), PONG, ERROR, 465, 900 and the account tag of PRIVMSG;
 *        a handler returns whether the line goes on to libircclient;
 *   lib  the same line as libircclient's callback hands it over
 *        (irc-lib.c), in read order with everything before it: messages,
 *        CTCP, JOIN/PART/KICK/QUIT/NICK, ACCOUNT, NAMES, WHOIS, join
 *        errors, NickServ's notices.
 * A line with fewer parameters than its entry asks for is ignored.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "irc-cap.h"
#include "irc-int.h"
#include "irc-out.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "text.h"
#include "xmalloc.h"

#define IRC_KICK_REJOIN_MS 5000
#define IRC_JOIN_RETRY_MS 60000
#define IRC_CTCP_GAP_MS 2000

typedef bool (*irc_handler_fn)(struct irc *, const struct irc_line *);

struct irc_handler {
	const char *cmd;
	int min;
	irc_handler_fn fn;
};

static const char *
irc_last(const struct irc_line *l)
{
	return l->nparams > 0 ? l->params[l->nparams - 1] : "";
}

/* --- raw path ------------------------------------------------------------ */

static bool
irc_h_welcome(struct irc *irc, const struct irc_line *l)
{
	irc_on_welcome(irc, l->params[0]);
	return true;
}

static bool
irc_h_isupport(struct irc *irc, const struct irc_line *l)
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
		else if (strcmp(t, "MONITOR") == 0 ||
		    strncmp(t, "MONITOR=", 8) == 0)
			irc->monitor = true;
	}
	return true;
}

/* 432, 433, 436, 437: the nick is refused. */
static bool
irc_h_nick_taken(struct irc *irc, const struct irc_line *l)
{
	(void)l;
	if (irc->state == IRC_ST_REGISTERING)
		irc_next_nick(irc);
	return false;
}

static bool
irc_h_pong(struct irc *irc, const struct irc_line *l)
{
	if (irc->ping_out && strncmp(irc_last(l), "ib", 2) == 0) {
		irc->ping_out = false;
		irc->lag_ms = (long)(loop_now_ms() - irc->ping_sent);
		metrics_set("intakebot_irc_lag_ms", NULL, irc->lag_ms);
	}
	return false;
}

static bool
irc_is_ban(const char *s)
{
	return strcasestr(s, "k-line") != NULL ||
	    strcasestr(s, "kline") != NULL || strcasestr(s, "banned") != NULL ||
	    strcasestr(s, "g-line") != NULL ||
	    strcasestr(s, "z-line") != NULL || strcasestr(s, "sasl") != NULL;
}

static bool
irc_h_error(struct irc *irc, const struct irc_line *l)
{
	log_warnx("server closed the link: %.200s", irc_last(l));
	if (irc_is_ban(irc_last(l))) {
		log_warnx("banned or refused by the server; pausing %d "
		          "minutes before trying again",
		    IRC_BAN_PAUSE_MS / 60000);
		irc_drop(irc, "banned by the server", IRC_BAN_PAUSE_MS);
	}
	return true;
}

static bool
irc_h_banned(struct irc *irc, const struct irc_line *l)
{
	log_warnx("banned from the server (465): %.200s; pausing %d minutes",
	    irc_last(l), IRC_BAN_PAUSE_MS / 60000);
	irc_drop(irc, "banned by the server (465)", IRC_BAN_PAUSE_MS);
	return true;
}

static bool
irc_h_logged_in(struct irc *irc, const struct irc_line *l)
{
	log_info("logged in to services as %s", l->params[2]);
	if (irc->identify_wait) {
		irc->identify_wait = false;
		irc_join_pending(irc);
	}
	return true;
}

/* CAP or AUTHENTICATE that irc-cap did not take: nothing for the lib. */
static bool
irc_h_swallow(struct irc *irc, const struct irc_line *l)
{
	(void)irc;
	(void)l;
	return false;
}

static bool
irc_h_privmsg_tag(struct irc *irc, const struct irc_line *l)
{
	if (l->prefix[0] != '\0' && !irc_is_ctcp(l->params[1]) &&
	    irc->cap != NULL && irc_cap_enabled(irc->cap, "account-tag"))
		irc_tagged_push(irc, l);
	return true;
}

/* --- lib path ------------------------------------------------------------ */

static bool
irc_h_privmsg(struct irc *irc, const struct irc_line *l)
{
	if (l->prefix[0] != '\0')
		irc_on_message(irc, l->prefix, l->params[0], l->params[1]);
	return true;
}

/* libircclient's "CTCP": the request text only. */
static bool
irc_h_ctcp(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX], line[IRC_LINE_MAX + 1], key[IRC_NICK_MAX];
	const char *req = l->params[0];
	char *arg;
	int64_t now = loop_now_ms();

	if (l->prefix[0] == '\0' || irc->state != IRC_ST_READY ||
	    now - irc->ctcp_last < IRC_CTCP_GAP_MS)
		return true;
	irc_line_nick(l->prefix, nick, sizeof(nick));
	if (nick[0] == '\0' || irc_is_me(irc, nick))
		return true;
	irc_fold(irc, nick, key, sizeof(key));
	if (strcasecmp(req, "VERSION") == 0) {
		snprintf(line, sizeof(line),
		    "NOTICE %s :\001VERSION intakebot %s\001", nick,
		    INTAKEBOT_VERSION);
	} else if (strncasecmp(req, "PING", 4) == 0 &&
	    (req[4] == ' ' || req[4] == '\0')) {
		arg = text_sanitize(req + 4, strlen(req + 4), 64, 0);
		snprintf(
		    line, sizeof(line), "NOTICE %s :\001PING%s\001", nick, arg);
		free(arg);
	} else
		return true;
	irc->ctcp_last = now;
	irc_out_push(irc->out, key, line, false, NULL);
	irc_pump(irc);
	return true;
}

static bool
irc_h_join(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX];
	struct irc_chan *c;

	if (l->prefix[0] == '\0')
		return true;
	irc_line_nick(l->prefix, nick, sizeof(nick));
	c = irc_chan_find(irc, l->params[0]);
	if (irc_is_me(irc, nick)) {
		snprintf(irc->self, sizeof(irc->self), "%s", l->prefix);
		if (c == NULL || !c->wanted) {
			irc_control(irc, "PART %s", l->params[0]);
			return true;
		}
		c->joined = true;
		c->retry_at = 0;
		log_info("joined %s", c->name);
		return true;
	}
	if (c == NULL || !c->joined)
		return true;
	irc_member(irc, c, nick, true);
	irc_watch_changed(irc, nick);
	/* extended-join: JOIN #chan account :realname */
	if (l->nparams >= 2 && l->params[1][0] != '\0')
		irc_user_set_account(irc, nick, l->params[1]);
	return true;
}

static void
irc_left(struct irc *irc, const char *chan, const char *nick, bool kicked)
{
	struct irc_chan *c;

	if ((c = irc_chan_find(irc, chan)) == NULL)
		return;
	if (!irc_is_me(irc, nick)) {
		irc_member(irc, c, nick, false);
		return;
	}
	c->joined = false;
	if (kicked && c->wanted) {
		log_warnx("kicked from %s; rejoining in %d s", c->name,
		    IRC_KICK_REJOIN_MS / 1000);
		c->retry_at = loop_now_ms() + IRC_KICK_REJOIN_MS;
		irc_join_retry(irc, IRC_KICK_REJOIN_MS);
	}
	irc_members_clear(irc, c);
}

static bool
irc_h_part(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX];

	irc_line_nick(l->prefix, nick, sizeof(nick));
	irc_left(irc, l->params[0], nick, false);
	return true;
}

static bool
irc_h_kick(struct irc *irc, const struct irc_line *l)
{
	irc_left(irc, l->params[0], l->params[1], true);
	return true;
}

static bool
irc_h_quit(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX];

	irc_line_nick(l->prefix, nick, sizeof(nick));
	irc_user_forget(irc, nick);
	irc_watch_changed(irc, nick);
	if (irc_same(irc, nick, irc->conf->nick))
		irc_regain_now(irc);
	return true;
}

static bool
irc_h_nick(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX];

	irc_line_nick(l->prefix, nick, sizeof(nick));
	if (irc_is_me(irc, nick)) {
		log_info("nick is now %s", l->params[0]);
		snprintf(irc->nick, sizeof(irc->nick), "%s", l->params[0]);
		irc->self[0] = '\0';
		return true;
	}
	irc_user_rename(irc, nick, l->params[0]);
	irc_watch_changed(irc, nick);
	irc_watch_changed(irc, l->params[0]);
	if (irc_same(irc, nick, irc->conf->nick))
		irc_regain_now(irc);
	return true;
}

/* account-notify: ACCOUNT name, or * when logged out. */
static bool
irc_h_account(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX];

	irc_line_nick(l->prefix, nick, sizeof(nick));
	irc_user_set_account(irc, nick, l->params[0]);
	irc_watch_changed(irc, nick);
	return true;
}

/* NAMES: me = #chan :names */
static bool
irc_h_names(struct irc *irc, const struct irc_line *l)
{
	irc_names(irc, l->params[2], l->params[3]);
	return true;
}

/* WHOIS user: me nick user host * :real */
static bool
irc_h_whois_user(struct irc *irc, const struct irc_line *l)
{
	char uh[256];

	snprintf(uh, sizeof(uh), "%s@%s", l->params[2], l->params[3]);
	irc_held_whois(irc, l->params[1], uh, NULL);
	return true;
}

/* WHOIS account: me nick account :is logged in as */
static bool
irc_h_whois_account(struct irc *irc, const struct irc_line *l)
{
	irc_user_set_account(irc, l->params[1], l->params[2]);
	irc_held_whois(irc, l->params[1], NULL, l->params[2]);
	irc_watch_account(irc, l->params[1], l->params[2]);
	return true;
}

/* End of WHOIS: without a 330 before it, no account. */
static bool
irc_h_whois_end(struct irc *irc, const struct irc_line *l)
{
	char f[IRC_NICK_MAX];
	struct irc_user *u;

	if ((u = irc_user_find(irc, l->params[1], false)) != NULL &&
	    u->account == NULL)
		u->account = xstrdup("");
	irc_fold(irc, l->params[1], f, sizeof(f));
	irc_held_release(irc, f, true);
	irc_watch_whois_end(irc, l->params[1]);
	return true;
}

/* 401: me nick :No such nick */
static bool
irc_h_no_nick(struct irc *irc, const struct irc_line *l)
{
	irc_watch_gone(irc, l->params[1]);
	return true;
}

/* ISON: me :nick nick... */
static bool
irc_h_ison(struct irc *irc, const struct irc_line *l)
{
	irc_watch_ison_reply(irc, irc_last(l));
	return true;
}

/* MONITOR 730 online, 731 offline: me :targets */
static bool
irc_h_mon_online(struct irc *irc, const struct irc_line *l)
{
	irc_watch_monitor(irc, irc_last(l), true);
	return true;
}

static bool
irc_h_mon_offline(struct irc *irc, const struct irc_line *l)
{
	irc_watch_monitor(irc, irc_last(l), false);
	return true;
}

/* 734: me limit targets :Monitor list is full */
static bool
irc_h_mon_full(struct irc *irc, const struct irc_line *l)
{
	irc_watch_monitor_full(irc, l->params[2]);
	return true;
}

/* 405, 471, 473, 474, 475, 477: me #chan :reason */
static bool
irc_h_join_refused(struct irc *irc, const struct irc_line *l)
{
	struct irc_chan *c;

	log_warnx("cannot join %s (%s: %s); retrying in %d s", l->params[1],
	    l->cmd, l->nparams >= 3 ? l->params[2] : "",
	    IRC_JOIN_RETRY_MS / 1000);
	if ((c = irc_chan_find(irc, l->params[1])) != NULL)
		c->retry_at = loop_now_ms() + IRC_JOIN_RETRY_MS;
	return true;
}

static bool
irc_h_cannot_send(struct irc *irc, const struct irc_line *l)
{
	(void)irc;
	log_warnx("cannot send to %s (404)", l->params[1]);
	return true;
}

/* Notices are never answered; only NickServ's confirmation counts. */
static bool
irc_h_notice(struct irc *irc, const struct irc_line *l)
{
	char nick[IRC_NICK_MAX];
	const char *t = l->params[1];

	if (!irc->identify_wait)
		return true;
	irc_line_nick(l->prefix, nick, sizeof(nick));
	if (strcasecmp(nick, "NickServ") != 0)
		return true;
	if (strcasestr(t, "identified") != NULL ||
	    strcasestr(t, "accepted") != NULL ||
	    strcasestr(t, "recognized") != NULL ||
	    strcasestr(t, "logged in") != NULL) {
		log_info("NickServ identification done");
		irc->identify_wait = false;
		irc_join_pending(irc);
	}
	return true;
}

/* --- the table ------------------------------------------------------------ */

static const struct irc_handler irc_raw_table[] = {
    {"PRIVMSG", 2, irc_h_privmsg_tag},
    {"PONG", 0, irc_h_pong},
    {"001", 1, irc_h_welcome},
    {"005", 0, irc_h_isupport},
    {"432", 0, irc_h_nick_taken},
    {"433", 0, irc_h_nick_taken},
    {"436", 0, irc_h_nick_taken},
    {"437", 0, irc_h_nick_taken},
    {"465", 0, irc_h_banned},
    {"900", 3, irc_h_logged_in},
    {"ERROR", 0, irc_h_error},
    {"CAP", 0, irc_h_swallow},
    {"AUTHENTICATE", 0, irc_h_swallow},
};

static const struct irc_handler irc_lib_table[] = {
    {"PRIVMSG", 2, irc_h_privmsg},
    {"CTCP", 1, irc_h_ctcp},
    {"NOTICE", 2, irc_h_notice},
    {"JOIN", 1, irc_h_join},
    {"PART", 1, irc_h_part},
    {"KICK", 2, irc_h_kick},
    {"QUIT", 0, irc_h_quit},
    {"NICK", 1, irc_h_nick},
    {"ACCOUNT", 1, irc_h_account},
    {"353", 4, irc_h_names},
    {"311", 4, irc_h_whois_user},
    {"330", 3, irc_h_whois_account},
    {"318", 2, irc_h_whois_end},
    {"401", 2, irc_h_no_nick},
    {"303", 2, irc_h_ison},
    {"730", 2, irc_h_mon_online},
    {"731", 2, irc_h_mon_offline},
    {"734", 3, irc_h_mon_full},
    {"404", 2, irc_h_cannot_send},
    {"405", 2, irc_h_join_refused},
    {"471", 2, irc_h_join_refused},
    {"473", 2, irc_h_join_refused},
    {"474", 2, irc_h_join_refused},
    {"475", 2, irc_h_join_refused},
    {"477", 2, irc_h_join_refused},
};

#define IRC_NELEM(a) (sizeof(a) / sizeof((a)[0]))

static bool
irc_proto_run(struct irc *irc, const struct irc_handler *t, size_t n,
    const struct irc_line *l)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(t[i].cmd, l->cmd) != 0)
			continue;
		if (l->nparams < t[i].min)
			return true;
		return t[i].fn(irc, l);
	}
	return true;
}

bool
irc_proto_raw(struct irc *irc, const struct irc_line *l)
{
	return irc_proto_run(irc, irc_raw_table, IRC_NELEM(irc_raw_table), l);
}

void
irc_proto_lib(struct irc *irc, const struct irc_line *l)
{
	irc_proto_run(irc, irc_lib_table, IRC_NELEM(irc_lib_table), l);
}
