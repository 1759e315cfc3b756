/*
 * CAP and SASL state machine.  The server's CAP LS reply may span several
 * lines (a "*" before the list with 302); the request is made once the
 * list is complete.  SASL follows the IRCv3 sasl-3.1 flow: AUTHENTICATE
 * <mech>, the server's "+", the base64 payload in 400-byte pieces (an
 * empty "+" after an exact multiple), then 903 or 902/904/905/906.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "irc-cap.h"
#include "log.h"
#include "xmalloc.h"

static const char *irc_cap_wanted[] = {
    "sasl",
    "account-notify",
    "extended-join",
    "multi-prefix",
    "account-tag",
};
#define IRC_CAP_NWANTED (sizeof(irc_cap_wanted) / sizeof(irc_cap_wanted[0]))

struct irc_cap {
	char *mech;
	char *user;
	char *password;
	bool required;
	irc_cap_send_cb send;
	void *arg;
	enum irc_cap_state state;
	bool offered[IRC_CAP_NWANTED];
	bool enabled[IRC_CAP_NWANTED];
	bool requested;
	bool authenticating;
	bool sasl_ok;
	char error[128];
};

struct irc_cap *
irc_cap_new(const struct irc_cap_params *p, irc_cap_send_cb send, void *arg)
{
	struct irc_cap *c;

	c = xcalloc(1, sizeof(*c));
	c->mech = xstrdup(p->mechanism != NULL ? p->mechanism : "none");
	c->user = xstrdup(p->user != NULL ? p->user : "");
	c->password = xstrdup(p->password != NULL ? p->password : "");
	c->required = p->required;
	c->send = send;
	c->arg = arg;
	return c;
}

void
irc_cap_free(struct irc_cap *c)
{
	if (c == NULL)
		return;
	explicit_bzero(c->password, strlen(c->password));
	free(c->password);
	free(c->user);
	free(c->mech);
	free(c);
}

void
irc_cap_start(struct irc_cap *c)
{
	c->send(c->arg, "CAP LS 302");
}

enum irc_cap_state
irc_cap_state(const struct irc_cap *c)
{
	return c->state;
}

bool
irc_cap_sasl_ok(const struct irc_cap *c)
{
	return c->sasl_ok;
}

const char *
irc_cap_error(const struct irc_cap *c)
{
	return c->error;
}

bool
irc_cap_enabled(const struct irc_cap *c, const char *cap)
{
	size_t i;

	for (i = 0; i < IRC_CAP_NWANTED; i++)
		if (strcasecmp(irc_cap_wanted[i], cap) == 0)
			return c->enabled[i];
	return false;
}

static bool
irc_cap_use_sasl(const struct irc_cap *c)
{
	return strcmp(c->mech, "none") != 0;
}

/* Ends negotiation; with sasl_required and no SASL success, fails. */
static void
irc_cap_finish(struct irc_cap *c, const char *why)
{
	if (c->required && !c->sasl_ok) {
		c->state = IRC_CAP_FAILED;
		snprintf(c->error, sizeof(c->error), "SASL required: %s", why);
		return;
	}
	c->send(c->arg, "CAP END");
	c->state = IRC_CAP_DONE;
}

/* Records the capabilities in one LS or ACK list. */
static void
irc_cap_parse_list(
    const char *list, bool *out, const char *mech, bool check_mech)
{
	char tok[128], *eq;
	const char *p = list;
	size_t n, i;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		n = strcspn(p, " ");
		if (n == 0)
			break;
		if (n < sizeof(tok)) {
			memcpy(tok, p, n);
			tok[n] = '\0';
			if ((eq = strchr(tok, '=')) != NULL)
				*eq++ = '\0';
			for (i = 0; i < IRC_CAP_NWANTED; i++) {
				if (strcasecmp(tok, irc_cap_wanted[i]) != 0)
					continue;
				/* sasl=PLAIN,EXTERNAL: our mechanism listed? */
				if (check_mech && i == 0 && eq != NULL &&
				    strcasestr(eq, mech) == NULL)
					continue;
				out[i] = true;
			}
		}
		p += n;
	}
}

static void
irc_cap_request(struct irc_cap *c)
{
	struct buf b;
	size_t i;

	buf_init(&b, 400);
	buf_addstr(&b, "CAP REQ :");
	for (i = 0; i < IRC_CAP_NWANTED; i++) {
		if (!c->offered[i])
			continue;
		if (i == 0 && !irc_cap_use_sasl(c))
			continue;
		if (b.data[b.len - 1] != ':')
			buf_addstr(&b, " ");
		buf_addstr(&b, irc_cap_wanted[i]);
	}
	if (b.data[b.len - 1] == ':') {
		buf_reset(&b);
		irc_cap_finish(c, "the server offers no SASL");
		return;
	}
	c->requested = true;
	c->send(c->arg, b.data);
	buf_reset(&b);
}

static void
irc_cap_base64(struct buf *b, const unsigned char *s, size_t len)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	unsigned v;

	for (i = 0; i + 2 < len; i += 3) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		buf_add(b, &t[v >> 18 & 63], 1);
		buf_add(b, &t[v >> 12 & 63], 1);
		buf_add(b, &t[v >> 6 & 63], 1);
		buf_add(b, &t[v & 63], 1);
	}
	if (len - i == 1) {
		v = (unsigned)s[i] << 16;
		buf_add(b, &t[v >> 18 & 63], 1);
		buf_add(b, &t[v >> 12 & 63], 1);
		buf_addstr(b, "==");
	} else if (len - i == 2) {
		v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		buf_add(b, &t[v >> 18 & 63], 1);
		buf_add(b, &t[v >> 12 & 63], 1);
		buf_add(b, &t[v >> 6 & 63], 1);
		buf_addstr(b, "=");
	}
}

static void
irc_cap_send_payload(struct irc_cap *c)
{
	struct buf raw, enc;
	char line[420];
	size_t off, n;

	if (strcasecmp(c->mech, "external") == 0) {
		c->send(c->arg, "AUTHENTICATE +");
		return;
	}
	buf_init(&raw, 0);
	buf_init(&enc, 0);
	buf_add(&raw, c->user, strlen(c->user));
	buf_add(&raw, "", 1);
	buf_add(&raw, c->user, strlen(c->user));
	buf_add(&raw, "", 1);
	buf_add(&raw, c->password, strlen(c->password));
	irc_cap_base64(&enc, (unsigned char *)raw.data, raw.len);
	for (off = 0; off < enc.len; off += n) {
		n = enc.len - off > 400 ? 400 : enc.len - off;
		snprintf(line, sizeof(line), "AUTHENTICATE %.*s", (int)n,
		    enc.data + off);
		c->send(c->arg, line);
	}
	if (enc.len % 400 == 0)
		c->send(c->arg, "AUTHENTICATE +");
	explicit_bzero(line, sizeof(line));
	explicit_bzero(raw.data, raw.len);
	explicit_bzero(enc.data, enc.len);
	buf_reset(&raw);
	buf_reset(&enc);
}

bool
irc_cap_on_line(struct irc_cap *c, const struct irc_line *l)
{
	const char *sub, *list;
	char mline[64];

	if (c->state != IRC_CAP_NEGOTIATING)
		return strcmp(l->cmd, "CAP") == 0;
	if (strcmp(l->cmd, "001") == 0) {
		/* The server registered us without CAP: it has none. */
		irc_cap_finish(c, "the server does not support CAP");
		return false;
	}
	if (strcmp(l->cmd, "421") == 0 && l->nparams >= 2 &&
	    strcasecmp(l->params[1], "CAP") == 0) {
		irc_cap_finish(c, "the server does not support CAP");
		return true;
	}
	if (strcmp(l->cmd, "CAP") == 0 && l->nparams >= 3) {
		sub = l->params[1];
		list = l->params[l->nparams - 1];
		if (strcasecmp(sub, "LS") == 0) {
			irc_cap_parse_list(list, c->offered, c->mech, true);
			/* "CAP * LS * :..." means more lines follow. */
			if (l->nparams >= 4 && strcmp(l->params[2], "*") == 0)
				return true;
			if (!c->requested)
				irc_cap_request(c);
		} else if (strcasecmp(sub, "ACK") == 0) {
			irc_cap_parse_list(list, c->enabled, c->mech, false);
			if (c->enabled[0] && irc_cap_use_sasl(c)) {
				snprintf(mline, sizeof(mline),
				    "AUTHENTICATE %s",
				    strcasecmp(c->mech, "external") == 0
				        ? "EXTERNAL"
				        : "PLAIN");
				c->authenticating = true;
				c->send(c->arg, mline);
			} else
				irc_cap_finish(c, "sasl was not acknowledged");
		} else if (strcasecmp(sub, "NAK") == 0) {
			irc_cap_finish(
			    c, "the server refused the capabilities");
		}
		return true;
	}
	if (strcmp(l->cmd, "AUTHENTICATE") == 0) {
		if (c->authenticating && l->nparams >= 1 &&
		    strcmp(l->params[0], "+") == 0)
			irc_cap_send_payload(c);
		return true;
	}
	if (strcmp(l->cmd, "900") == 0 || strcmp(l->cmd, "908") == 0)
		return true;
	/* SASL answers count only while authenticating; others are ignored. */
	if (strcmp(l->cmd, "903") == 0) {
		if (c->authenticating) {
			c->sasl_ok = true;
			c->authenticating = false;
			log_info("SASL authentication succeeded");
			irc_cap_finish(c, "");
		}
		return true;
	}
	if (strcmp(l->cmd, "902") == 0 || strcmp(l->cmd, "904") == 0 ||
	    strcmp(l->cmd, "905") == 0 || strcmp(l->cmd, "906") == 0 ||
	    strcmp(l->cmd, "907") == 0) {
		if (c->authenticating) {
			c->authenticating = false;
			log_warnx("SASL authentication failed (%s)", l->cmd);
			irc_cap_finish(c, "authentication failed");
		}
		return true;
	}
	return false;
}
