/*
 * The router.  A message is for the bot when it starts with the command
 * prefix, when it is addressed to the bot's nick ("intakebot: 287g"), or
 * when it is private (a bare "287g").  The first word picks a command from
 * the table or a topic from the content; a near miss gets a "did you mean"
 * answer.  Unknown words with no near match are ignored in channels, where
 * other bots live, and answered with help in private.
 */
#define LOG_MODULE "router"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "catalog.h"
#include "cmd.h"
#include "conf.h"
#include "content.h"
#include "intake.h"
#include "log.h"
#include "router.h"
#include "text.h"
#include "xmalloc.h"

#define ROUTER_ARGS_MAX 16
#define ROUTER_SUGGEST_MAX 3

struct router {
	struct router_env env;
};

struct router *
router_new(const struct router_env *env)
{
	struct router *r;

	r = xcalloc(1, sizeof(*r));
	r->env = *env;
	return r;
}

void
router_free(struct router *r)
{
	free(r);
}

void
router_set_env(struct router *r, const struct router_env *env)
{
	r->env = *env;
}

const struct router_env *
router_env(const struct router *r)
{
	return &r->env;
}

const char *const *
router_reserved(void)
{
	static const char *words[64];
	const struct cmd_entry *e;
	size_t n = 0, i;

	if (words[0] != NULL)
		return words;
	for (e = cmd_table(); e->name != NULL && n < 60; e++) {
		words[n++] = e->name;
		for (i = 0; e->aliases[i] != NULL && n < 60; i++)
			words[n++] = e->aliases[i];
	}
	words[n] = NULL;
	return words;
}

const char *
router_language(const struct router *r, const struct message *m)
{
	const char *l;

	if (m->channel != NULL &&
	    (l = conf_channel_language(r->env.conf, m->channel)) != NULL)
		return l;
	return r->env.conf->language;
}

/*
 * Strips the address ("nick:" or "nick,") from text when it is there;
 * returns the rest or NULL.
 */
static const char *
router_addressed(const char *text, const char *nick)
{
	size_t n = strlen(nick);

	if (strncasecmp(text, nick, n) != 0)
		return NULL;
	if (text[n] != ':' && text[n] != ',')
		return NULL;
	text += n + 1;
	while (*text == ' ')
		text++;
	return text;
}

/* Answers a word that is neither a command nor a topic. */
/* Every answer in out goes to the asker alone. */
static void
router_privately(struct replies *out)
{
	struct reply *r;

	for (r = out->head; r != NULL; r = r->next)
		if (r->to == REPLY_HERE)
			r->to = REPLY_PRIVATE;
}

static void
router_unknown(struct router *r, struct cmd_ctx *x, bool talk)
{
	const char *sugg[ROUTER_SUGGEST_MAX + 1];
	const char *p = x->prefix;
	const struct cmd_entry *e;
	size_t n, i;
	char * or, *text;
	struct buf b;
	int bound;

	n = content_suggest(
	    r->env.content, x->lang, x->name, sugg, ROUTER_SUGGEST_MAX);
	/* The bot's own commands are candidates too ("!hlep"). */
	bound = content_suggest_bound(strlen(x->name));
	for (e = cmd_table(); e->name != NULL && n < ROUTER_SUGGEST_MAX; e++)
		if (text_edit_distance(x->name, e->name, bound) <= bound)
			sugg[n++] = e->name;
	if (n > 0) {
		or = catalog_say(x->lang, "router.or", NULL);
		buf_init(&b, 0);
		for (i = 0; i < n; i++)
			buf_addf(&b, "%s%s%s%s%s",
			    i == 0           ? ""
			        : i + 1 == n ? " "
			                     : ", ",
			    i > 0 && i + 1 == n ? or : "",
			    i > 0 && i + 1 == n ? " " : "", p, sugg[i]);
		text = catalog_say(x->lang, "router.did_you_mean",
		    "suggestions", b.data, NULL);
		replies_add(x->out, REPLY_HERE, text, NULL);
		free(text);
		free(or);
		buf_reset(&b);
		return;
	}
	if (talk)
		catalog_reply(x->out, REPLY_HERE, x->lang, "router.unknown",
		    "prefix", p, NULL);
}

void
router_handle(struct router *r, const struct message *m, struct replies *out)
{
	const struct conf *c = r->env.conf;
	const struct cmd_entry *e;
	const struct topic *t;
	struct cmd_ctx x;
	const char *text = m->text, *rest;
	char *line, *word, *sp, *save = NULL;
	bool explicit = false;
	char *argv[ROUTER_ARGS_MAX];
	size_t plen = strlen(c->prefix);

	/* An answer to an open intake is not a command. */
	if (r->env.intake != NULL && intake_feed(r->env.intake, m, out))
		return;
	while (*text == ' ')
		text++;
	if ((rest = router_addressed(text, c->nick)) != NULL) {
		text = rest;
		explicit = true;
	}
	if (strncmp(text, c->prefix, plen) == 0) {
		text += plen;
		explicit = true;
	} else if (!explicit && !m->is_private && !m->addressed) {
		return;
	}
	if (m->addressed)
		explicit = true;
	line = text_trim(text);
	if (line[0] == '\0') {
		free(line);
		return;
	}
	memset(&x, 0, sizeof(x));
	x.env = &r->env;
	x.msg = m;
	x.lang = router_language(r, m);
	x.prefix = m->invocation != NULL ? m->invocation : c->prefix;
	x.out = out;
	sp = line + strcspn(line, " ");
	if (*sp != '\0') {
		*sp++ = '\0';
		while (*sp == ' ')
			sp++;
	}
	word = text_lower(line);
	x.name = word;
	x.args = sp;
	/* argv is split from a copy so that args keeps its spaces. */
	{
		char *copy = xstrdup(sp), *a;

		for (a = strtok_r(copy, " ", &save);
		     a != NULL && x.argc < ROUTER_ARGS_MAX;
		     a = strtok_r(NULL, " ", &save))
			argv[x.argc++] = a;
		x.argv = argv;
		if ((e = cmd_find(word)) != NULL) {
			if ((e->flags & CMD_ADMIN) && !m->is_admin)
				catalog_reply(out, REPLY_PRIVATE, x.lang,
				    "router.for_admins", NULL);
			else if ((e->flags & CMD_STAFF) && !m->is_staff)
				catalog_reply(out, REPLY_PRIVATE, x.lang,
				    "router.for_staff", NULL);
			else if (x.argc < e->min_args || x.argc > e->max_args)
				cmd_usage(&x, e, REPLY_PRIVATE);
			else {
				e->exec(&x);
				if ((e->flags & CMD_STAFF) &&
				    m->channel != NULL && !m->in_staff_channel)
					router_privately(out);
			}
		} else if ((t = content_find(r->env.content, x.lang, word)) !=
		    NULL) {
			cmd_topic_exec(&x, t);
		} else if (strlen(word) <= CONTENT_KEY_MAX) {
			router_unknown(r, &x,
			    explicit &&
			        (m->is_private || m->addressed ||
			            rest != NULL));
		}
		free(copy);
	}
	log_debug(
	    "handled '%s' from %s: %d replies", word, m->adapter, out->count);
	free(line);
}
