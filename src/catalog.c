/*
 * The message catalogue.  libinih reads each messages.ini through our
 * own reader, which counts lines (so every problem has one), refuses
 * lines libinih would cut, and checks each line's shape before libinih
 * sees it.  A continuation line (indented) is appended to the key above
 * it with one space, which is how a long sentence fits the line cap.
 */
#define LOG_MODULE "catalog"
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>

#include "buf.h"
#include "catalog.h"
#include "xmalloc.h"

#define CATALOG_FILE "messages.ini"
#define CATALOG_LANG "en"
#define CATALOG_LINE_MAX 198
#define CATALOG_LANGS_MAX 16
#define CATALOG_VARS_MAX 8 /* placeholders in one catalog_say */

/* Every key the bot uses, with the placeholders its sentence may hold. */
static const struct catalog_key {
	const char *key;
	const char *vars; /* space separated */
} catalog_keys[] = {
    {"intake.public", ""},
    {"intake.intro", "steps"},
    {"intake.ask_name", "step steps max"},
    {"intake.ask_contact", "step steps"},
    {"intake.ask_language", "step steps language"},
    {"intake.ask_availability", "step steps max"},
    {"intake.ask_urgency", "step steps"},
    {"intake.ask_description", "step steps max"},
    {"intake.ask_consent", "step steps days"},
    {"intake.bad_name", "max"},
    {"intake.bad_contact", ""},
    {"intake.bad_language", ""},
    {"intake.bad_length", "length max"},
    {"intake.bad_empty", ""},
    {"intake.bad_urgency", ""},
    {"intake.bad_consent", ""},
    {"intake.first_step", ""},
    {"intake.cancelled", "prefix"},
    {"intake.declined", "prefix"},
    {"intake.expired", "prefix"},
    {"intake.busy", ""},
    {"intake.thanks", "name number"},
    {"intake.cooldown", "number seconds"},
    {"intake.rate", ""},
    {"intake.store_failed", ""},
    {"intake.no_private", "prefix"},
    {"form.title", ""},
    {"form.submit", ""},
    {"form.unavailable", ""},
    {"form.need_consent", ""},
    {"form.name", ""},
    {"form.name_hint", ""},
    {"form.contact", ""},
    {"form.contact_hint", ""},
    {"form.language", ""},
    {"form.language_hint", ""},
    {"form.availability", ""},
    {"form.availability_hint", ""},
    {"form.urgency", ""},
    {"form.urgency_hint", ""},
    {"form.description", ""},
    {"form.description_hint", ""},
    {"form.description_when", ""},
    {"form.description_when_hint", ""},
    {"form.consent", ""},
    {"form.consent_hint", "days"},
    {"staff.details", "number name contact language availability urgency"},
    {"staff.reminder", "number line"},
    {"reply.delivered", "number who nick seconds"},
    {"reply.given_up", "number who nick seconds"},
    {"reply.history_given_up", "time"},
    /* router.c */
    {"router.did_you_mean", "suggestions"},
    {"router.or", ""},
    {"router.unknown", "prefix"},
    {"router.for_admins", ""},
    {"router.for_staff", ""},
    {"router.usage", "prefix usage"},
    /* cmd.c: each command's usage, without the prefix */
    {"usage.help", ""},
    {"usage.search", ""},
    {"usage.consult", ""},
    {"usage.pending", ""},
    {"usage.show", ""},
    {"usage.claim", ""},
    {"usage.done", ""},
    {"usage.reply", ""},
    {"usage.reload", ""},
    {"usage.join", ""},
    {"usage.part", ""},
    {"usage.status", ""},
    /* cmd-help.c */
    {"help.topics", "topics"},
    {"help.howto", "prefix"},
    {"help.howto_consult", "prefix"},
    /* cmd-search.c */
    {"search.none", "query prefix"},
    {"search.best", "query hits"},
    /* cmd-topic.c */
    {"topic.more", "prefix command"},
    /* cmd-staff.c and cmd-consult.c */
    {"staffcmd.not_number", "arg"},
    {"staffcmd.unavailable", ""},
    /* cmd-admin.c and bot.c (admin status lines) */
    {"admin.reloaded", ""},
    {"admin.reload_failed", "why"},
    {"admin.joining", "channel"},
    {"admin.leaving", "channel"},
    {"admin.cannot_join", "channel why"},
    {"admin.cannot_part", "channel why"},
    {"admin.status", "uptime topics"},
    {"admin.routes", "routes"},
    /* consult.c */
    {"consult.private_only", ""},
    {"consult.howto", "prefix"},
    {"consult.too_long", "length max"},
    {"consult.cooldown", "number seconds"},
    {"consult.cooldown_one", "number seconds"},
    {"consult.rate", ""},
    {"consult.store_failed", ""},
    {"consult.thanks", "name number"},
    {"consult.alert_dead", "number destination why"},
    {"consult.alert_alert_dead", "destination why"},
    {"consult.alert_reply_dead", "number why"},
    {"consult.none_open", ""},
    {"consult.open", "list"},
    {"consult.and_more", ""},
    {"consult.state_new", ""},
    {"consult.state_claimed", ""},
    {"consult.state_done", ""},
    {"consult.claimed_by", "nick"},
    {"consult.no_such", "number"},
    {"consult.already_claimed", "number nick"},
    {"consult.already_closed", "number"},
    {"consult.not_saved", ""},
    {"consult.closed", "number nick"},
    {"consult.claimed", "number nick"},
    {"consult.cannot_reply", "number why"},
    {"consult.reply_saved", "number nick"},
    {"consult.history", "time"},
    {"consult.forwarded", "destination time"},
    {"consult.forwarded_failed", "destination"},
    {"consult.forwarded_pending", "destination"},
    {"consult.history_claimed", "nick time"},
    {"consult.replied", "nick time"},
    {"consult.reply_delivered", "time"},
    {"consult.reply_failed", "why"},
    {"consult.reply_waiting", ""},
    {"consult.history_closed", "time"},
    {"consult.status", "count"},
    {"consult.down", ""},
    {"consult.retrying", ""},
    /* hook.c */
    {"hook.no_private", ""},
    {"hook.reach_slash", ""},
    {"hook.reach_irc", "nick server"},
    {"hook.reach_both", "nick server"},
    {"hook.no_details", ""},
    {"hook.dm_sent", ""},
};

#define NKEYS (sizeof(catalog_keys) / sizeof(catalog_keys[0]))

struct catalog_lang {
	char *lang;
	char *text[NKEYS];
	int line[NKEYS];
	char *file;
};

struct catalog {
	struct catalog_lang langs[CATALOG_LANGS_MAX];
	size_t nlangs;
};

/* The catalogue catalog_say speaks from (borrowed, set by bot.c). */
static const struct catalog *catalog_current;

struct catalog_parse {
	struct catalog_lang *l;
	const struct catalog_lang *en; /* NULL while English loads */
	FILE *fp;
	struct diag *d;
	int *errors;
	int line;
	bool cont; /* the line being parsed is indented */
	char last_key[128];
};

static int
catalog_index(const char *key)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(catalog_keys[i].key, key) == 0)
			return (int)i;
	return -1;
}

static void catalog_problem(struct catalog_parse *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
catalog_problem(struct catalog_parse *p, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_add(p->d, p->l->file, p->line, "%s", msg);
	(*p->errors)++;
}

/* Reports each {name} of text that key k may not use. */
static void
catalog_check_vars(struct catalog_parse *p, const char *text, int k)
{
	const char *s = text, *e;
	char name[64], want[160], all[160];
	bool ok;

	while ((s = strchr(s, '{')) != NULL) {
		if ((e = strchr(s, '}')) == NULL ||
		    (size_t)(e - s - 1) >= sizeof(name)) {
			catalog_problem(p, "unclosed placeholder in %s",
			    catalog_keys[k].key);
			return;
		}
		memcpy(name, s + 1, (size_t)(e - s - 1));
		name[e - s - 1] = '\0';
		snprintf(want, sizeof(want), "{%s}", name);
		if (p->en != NULL)
			ok = p->en->text[k] != NULL &&
			    strstr(p->en->text[k], want) != NULL;
		else {
			snprintf(want, sizeof(want), " %s ", name);
			snprintf(
			    all, sizeof(all), " %s ", catalog_keys[k].vars);
			ok = name[0] != '\0' && strstr(all, want) != NULL;
		}
		if (!ok)
			catalog_problem(p,
			    p->en != NULL ? "placeholder {%s} is not in the "
			                    "English message"
			                  : "unknown placeholder {%s}",
			    name);
		s = e + 1;
	}
}

static char *
catalog_reader(char *str, int num, void *stream)
{
	struct catalog_parse *p = stream;
	size_t len;
	char *s;
	int ch;

	for (;;) {
		if (fgets(str, num, p->fp) == NULL)
			return NULL;
		p->line++;
		len = strlen(str);
		if (len > 0 && str[len - 1] != '\n' && !feof(p->fp)) {
			while ((ch = fgetc(p->fp)) != EOF && ch != '\n')
				;
			catalog_problem(
			    p, "line longer than %d bytes", CATALOG_LINE_MAX);
			continue;
		}
		for (s = str; *s == ' ' || *s == '\t'; s++)
			;
		p->cont = s != str;
		/* Blank, comment, section, key = value, or a continuation. */
		if (*s == '\0' || *s == '\n' || *s == '\r' || *s == ';' ||
		    *s == '#' || (s == str && *s == '[' && strchr(s, ']')) ||
		    (s == str && strchr(s, '=') != NULL && *s != '=') ||
		    (s != str && p->last_key[0] != '\0'))
			return str;
		catalog_problem(p,
		    "malformed line (expected [section], "
		    "key = sentence or an indented "
		    "continuation)");
		str[0] = '\n';
		str[1] = '\0';
		return str;
	}
}

static int
catalog_on_key(
    void *arg, const char *section, const char *name, const char *value)
{
	struct catalog_parse *p = arg;
	char key[128];
	int k;

	snprintf(key, sizeof(key), "%s.%s", section, name);
	if ((k = catalog_index(key)) == -1) {
		catalog_problem(p, "unknown key %s", key);
		return 1;
	}
	if (p->cont && strcmp(p->last_key, key) == 0 && p->l->text[k] != NULL) {
		/* A continuation line of the same key. */
		char *t = xasprintf("%s %s", p->l->text[k], value);

		free(p->l->text[k]);
		p->l->text[k] = t;
	} else {
		if (p->l->text[k] != NULL)
			catalog_problem(p, "duplicate key %s", key);
		free(p->l->text[k]);
		p->l->text[k] = xstrdup(value);
	}
	p->l->line[k] = p->line;
	snprintf(p->last_key, sizeof(p->last_key), "%s", key);
	return 1;
}

static void
catalog_load_file(struct catalog *c, const char *path, const char *lang,
    struct diag *d, int *errors)
{
	struct catalog_parse p;
	struct catalog_lang *l;
	size_t k;
	int rc;

	if (c->nlangs == CATALOG_LANGS_MAX)
		return;
	l = &c->langs[c->nlangs++];
	l->lang = xstrdup(lang);
	l->file = xstrdup(path);
	memset(&p, 0, sizeof(p));
	p.l = l;
	p.en = strcmp(lang, CATALOG_LANG) == 0 ? NULL : &c->langs[0];
	p.d = d;
	p.errors = errors;
	if ((p.fp = fopen(path, "r")) == NULL) {
		/* Without English the bot says each sentence's key. */
		if (errno == ENOENT)
			diag_add(d, path, 0,
			    "warning: missing: the bot's sentences will show "
			    "as their keys");
		else {
			diag_add(
			    d, path, 0, "cannot open: %s", strerror(errno));
			(*errors)++;
		}
		return;
	}
	rc = ini_parse_stream(catalog_reader, &p, catalog_on_key, &p);
	fclose(p.fp);
	if (rc > 0) {
		diag_add(d, path, rc, "syntax error");
		(*errors)++;
	}
	for (k = 0; k < NKEYS; k++) {
		if (l->text[k] == NULL) {
			if (p.en == NULL) {
				diag_add(d, path, 0, "missing key %s",
				    catalog_keys[k].key);
				(*errors)++;
			}
			continue;
		}
		p.line = l->line[k];
		catalog_check_vars(&p, l->text[k], (int)k);
	}
}

struct catalog *
catalog_load(const char *dir, struct diag *d, int *errors)
{
	struct catalog *c;
	struct dirent *de;
	struct stat st;
	char *path;
	DIR *dp;
	int dummy = 0;

	if (errors == NULL)
		errors = &dummy;
	c = xcalloc(1, sizeof(*c));
	path = xasprintf("%s/%s", dir, CATALOG_FILE);
	catalog_load_file(c, path, CATALOG_LANG, d, errors);
	free(path);
	if ((dp = opendir(dir)) == NULL)
		return c;
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.' || strlen(de->d_name) > 8)
			continue;
		path = xasprintf("%s/%s/%s", dir, de->d_name, CATALOG_FILE);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode))
			catalog_load_file(c, path, de->d_name, d, errors);
		free(path);
	}
	closedir(dp);
	return c;
}

struct catalog *
catalog_open(const char *dir)
{
	struct catalog *c;
	struct diag d;

	diag_init(&d);
	c = catalog_load(dir, &d, NULL);
	diag_log(&d);
	diag_reset(&d);
	return c;
}

void
catalog_free(struct catalog *c)
{
	size_t i, k;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlangs; i++) {
		for (k = 0; k < NKEYS; k++)
			free(c->langs[i].text[k]);
		free(c->langs[i].lang);
		free(c->langs[i].file);
	}
	free(c);
}

static const char *
catalog_text(const struct catalog *c, const char *lang, int k)
{
	size_t i;

	if (c == NULL)
		return catalog_keys[k].key;
	for (i = 0; i < c->nlangs; i++)
		if (lang != NULL && strcmp(c->langs[i].lang, lang) == 0 &&
		    c->langs[i].text[k] != NULL)
			return c->langs[i].text[k];
	for (i = 0; i < c->nlangs; i++)
		if (strcmp(c->langs[i].lang, CATALOG_LANG) == 0 &&
		    c->langs[i].text[k] != NULL)
			return c->langs[i].text[k];
	return catalog_keys[k].key;
}

char *
catalog_render(const struct catalog *c, const char *lang, const char *key,
    const char *const *vars)
{
	const char *s, *e, *const *v;
	struct buf b;
	size_t n;
	int k;

	if ((k = catalog_index(key)) == -1)
		return xstrdup(key);
	buf_init(&b, 0);
	for (s = catalog_text(c, lang, k); *s != '\0'; s = e) {
		if (*s != '{' || (e = strchr(s, '}')) == NULL) {
			e = s + 1 + strcspn(s + 1, "{");
			buf_add(&b, s, (size_t)(e - s));
			continue;
		}
		n = (size_t)(e - s - 1);
		for (v = vars; v != NULL && v[0] != NULL && v[1] != NULL;
		     v += 2)
			if (strlen(v[0]) == n && memcmp(v[0], s + 1, n) == 0)
				break;
		if (v != NULL && v[0] != NULL && v[1] != NULL)
			buf_addstr(&b, v[1]);
		else
			buf_add(&b, s, n + 2);
		e++;
	}
	return buf_take(&b);
}

void
catalog_use(const struct catalog *c)
{
	catalog_current = c;
}

/* catalog_say with its name, value pairs in ap. */
static char *
catalog_vsay(const char *lang, const char *key, va_list ap)
{
	const char *vars[2 * CATALOG_VARS_MAX + 1];
	size_t n = 0;

	while (n < 2 * CATALOG_VARS_MAX &&
	    (vars[n] = va_arg(ap, const char *)) != NULL)
		n++;
	vars[n & ~(size_t)1] = NULL;
	return catalog_render(catalog_current, lang, key, vars);
}

char *
catalog_say(const char *lang, const char *key, ...)
{
	va_list ap;
	char *s;

	va_start(ap, key);
	s = catalog_vsay(lang, key, ap);
	va_end(ap);
	return s;
}

struct reply *
catalog_reply(struct replies *out, enum reply_to to, const char *lang,
    const char *key, ...)
{
	struct reply *r;
	va_list ap;
	char *s;

	va_start(ap, key);
	s = catalog_vsay(lang, key, ap);
	va_end(ap);
	r = replies_add(out, to, s, NULL);
	free(s);
	return r;
}
