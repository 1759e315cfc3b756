/*
 * The shared half of the inbound webhooks: the pipeline that every
 * platform request goes through (verify, parse, drop bots, replay
 * retries, route, render), the reply text renderer, and the small parsers
 * the platform modules use (form bodies, JSON, HTML entities).  The
 * pipeline order is fixed here so that no platform can parse before it
 * verifies.
 */
#define LOG_MODULE "hook"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>
#include <time.h>

#include "buf.h"
#include "catalog.h"
#include "conf.h"
#include "crypto.h"
#include "hook.h"
#include "intake.h"
#include "log.h"
#include "platform.h"
#include "text.h"
#include "xmalloc.h"

/* Caps on names copied into the neutral message. */
#define HOOK_NAME_MAX 128

static void hook_dm_check(
    const struct hook_ctx *, const struct platform *, struct hook_event *);

/* ---- The replay cache ---- */

struct hook_cache_entry {
	char *key;       /* "section\nid" */
	uint64_t hash;   /* of key: most slots are passed over on it */
	int64_t expires; /* monotonic seconds */
	int status;
	char *body;
	int nreplies;
};

struct hook_cache {
	struct hook_cache_entry *v;
	size_t n;
	size_t next; /* oldest slot, overwritten next */
	int ttl;
};

static int64_t
hook_mono_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

struct hook_cache *
hook_cache_new(size_t entries, int ttl_seconds)
{
	struct hook_cache *c;

	c = xcalloc(1, sizeof(*c));
	c->n = entries > 0 ? entries : 1;
	c->v = xcalloc(c->n, sizeof(*c->v));
	c->ttl = ttl_seconds;
	return c;
}

void
hook_cache_free(struct hook_cache *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].key);
		free(c->v[i].body);
	}
	free(c->v);
	free(c);
}

/* FNV-1a. */
static uint64_t
hook_cache_hash(const char *key)
{
	uint64_t h = 14695981039346656037ULL;

	for (; *key != '\0'; key++) {
		h ^= (unsigned char)*key;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct hook_cache_entry *
hook_cache_find(struct hook_cache *c, const char *key)
{
	int64_t now = hook_mono_seconds();
	uint64_t h = hook_cache_hash(key);
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->v[i].hash == h && c->v[i].key != NULL &&
		    c->v[i].expires > now && strcmp(c->v[i].key, key) == 0)
			return &c->v[i];
	return NULL;
}

/* Remembers r's answer under key (taken). */
static void
hook_cache_put(struct hook_cache *c, char *key, const struct hook_response *r)
{
	struct hook_cache_entry *e = &c->v[c->next];

	c->next = (c->next + 1) % c->n;
	free(e->key);
	free(e->body);
	e->key = key;
	e->hash = hook_cache_hash(key);
	e->expires = hook_mono_seconds() + c->ttl;
	e->status = r->status;
	e->body = r->body != NULL ? xstrdup(r->body) : NULL;
	e->nreplies = r->nreplies;
}

/* ---- The pipeline ---- */

/* The platform of kind when it takes requests, else NULL. */
static const struct platform *
hook_platform_find(const char *kind)
{
	const struct platform *p = platform_find(kind);

	return p != NULL && p->verify != NULL ? p : NULL;
}

bool
hook_kind_get(const char *kind)
{
	const struct platform *p = hook_platform_find(kind);

	return p != NULL && p->get_requests;
}

bool
hook_kind_inbound(const char *kind)
{
	return hook_platform_find(kind) != NULL;
}

void
hook_refuse(
    struct hook_response *r, int status, const char *why, bool verify_failed)
{
	free(r->body);
	r->body = NULL;
	r->status = status;
	r->why = why;
	r->verify_failed = verify_failed;
	r->content_type = "application/json";
}

int
hook_require_post(const struct hook_request *req, const char *type,
    struct hook_response *resp)
{
	if (strcmp(req->method, "POST") != 0) {
		hook_refuse(resp, 405, "method not allowed", false);
		return -1;
	}
	if (!hook_content_type_is(req->content_type, type)) {
		hook_refuse(resp, 415, "unsupported content type", false);
		return -1;
	}
	return 0;
}

void
hook_respond(struct hook_response *r, char *body)
{
	free(r->body);
	r->body = body;
	r->status = 200;
	r->content_type = "application/json";
}

static void
hook_event_free(struct hook_event *ev)
{
	size_t i;

	if (ev->doc != NULL && ev->doc_free != NULL)
		ev->doc_free(ev->doc);
	for (i = 0; i < sizeof(ev->owned) / sizeof(ev->owned[0]); i++)
		free(ev->owned[i]);
}

static char *
hook_clean(const char *s, size_t max)
{
	if (s == NULL)
		return NULL;
	return text_sanitize(s, strlen(s), max, 0);
}

/* Compares a channel against staff_channel, with or without its '#'. */
static bool
hook_is_staff_channel(
    const struct conf_platform *pl, const struct hook_event *ev)
{
	const char *sc = pl->staff_channel;

	if (sc == NULL || sc[0] == '\0' || ev->is_private)
		return false;
	if (sc[0] == '#')
		sc++;
	return (ev->channel_name != NULL &&
	           strcasecmp(ev->channel_name[0] == '#' ? ev->channel_name + 1
	                                                 : ev->channel_name,
	               sc) == 0) ||
	    (ev->channel_id != NULL && strcmp(ev->channel_id, sc) == 0);
}

/*
 * "/intake " for a slash command named intake (or /intake), for help and
 * hints; NULL for any other event or a name that is not 1 to 32 letters,
 * digits, '-' and '_'.
 */
static char *
hook_invocation(const struct hook_event *ev)
{
	const char *c = ev->command;
	size_t n;

	if (!ev->slash || c == NULL)
		return NULL;
	if (*c == '/')
		c++;
	n = strlen(c);
	if (n == 0 || n > 32 ||
	    strspn(c,
	        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	        "0123456789-_") != n)
		return NULL;
	return xasprintf("/%s ", c);
}

/* The neutral message of ev; its strings are new (hook_message_free). */
static void
hook_message(
    const struct hook_ctx *ctx, const struct hook_event *ev, struct message *m)
{
	const struct platform *p = hook_platform_find(ctx->pl->kind);
	char *team, *chan, *user, *uid;

	team = hook_clean(ev->team, HOOK_NAME_MAX);
	chan = hook_clean(
	    ev->channel_name != NULL ? ev->channel_name : ev->channel_id,
	    HOOK_NAME_MAX);
	user = hook_clean(
	    ev->user_name != NULL ? ev->user_name : ev->user_id, HOOK_NAME_MAX);
	uid = hook_clean(
	    ev->user_id != NULL ? ev->user_id : ev->user_name, HOOK_NAME_MAX);
	memset(m, 0, sizeof(*m));
	m->adapter = ctx->pl->kind;
	m->network = team;
	m->channel = ev->is_private ? NULL : chan;
	m->sender = user != NULL ? user : xstrdup("unknown");
	m->sender_id = uid != NULL ? uid : xstrdup("unknown");
	m->text = text_sanitize(ev->text != NULL ? ev->text : "",
	    ev->text != NULL ? ev->text_len : 0, MESSAGE_TEXT_MAX, 0);
	m->is_private = ev->is_private;
	m->is_staff = m->in_staff_channel = hook_is_staff_channel(ctx->pl, ev);
	m->addressed = ev->slash;
	m->no_private = !ev->private_ok && !ev->dm_ok;
	m->private_one_way = !ev->private_ok && ev->dm_ok;
	m->invocation = hook_invocation(ev);
	m->form = ctx->forms != NULL && p != NULL && p->form_open != NULL &&
	    ev->trigger != NULL && ev->trigger[0] != '\0' &&
	    p->form_open(ctx, ev, NULL, NULL, NULL) == 0;
	if (ev->is_private)
		free(chan);
}

static void
hook_message_free(struct message *m)
{
	free((char *)m->network);
	free((char *)m->channel);
	free((char *)m->sender);
	free((char *)m->sender_id);
	free((char *)m->text);
	free((char *)m->invocation);
}

/* Builds the neutral message from ev and runs the handler. */
static void
hook_dispatch(const struct hook_ctx *ctx, const struct hook_event *ev,
    struct replies *out)
{
	struct message m;

	hook_message(ctx, ev, &m);
	ctx->handler(ctx->handler_arg, &m, out);
	hook_message_free(&m);
}

/* ---- Native forms ---- */

#define HOOK_STATE_MAX 128

/* The HMAC of a form's state, in hex (65 bytes). */
static int
hook_state_mac(const struct hook_ctx *ctx, const char *user,
    const char *channel, const char *lang, const char *expiry, char *hex)
{
	static const char domain[] = "intakebot form state";
	unsigned char mac[CRYPTO_SHA256_LEN];
	const char *key = ctx->pl->token;
	struct crypto_part parts[8];

	if (key == NULL || key[0] == '\0')
		return -1;
	parts[0] = (struct crypto_part){domain, sizeof(domain)};
	parts[1] = (struct crypto_part){user, strlen(user) + 1};
	parts[2] = (struct crypto_part){channel, strlen(channel) + 1};
	parts[3] = (struct crypto_part){lang, strlen(lang) + 1};
	parts[4] = (struct crypto_part){expiry, strlen(expiry)};
	if (crypto_hmac_sha256(key, strlen(key), parts, 5, mac) == -1)
		return -1;
	crypto_hex_encode(mac, sizeof(mac), hex);
	return 0;
}

char *
hook_form_state(const struct hook_ctx *ctx, const char *user,
    const char *channel, const char *lang, int64_t expiry)
{
	char exp[24], hex[2 * CRYPTO_SHA256_LEN + 1];

	snprintf(exp, sizeof(exp), "%lld", (long long)expiry);
	if (strlen(lang) != 2 ||
	    hook_state_mac(ctx, user != NULL ? user : "",
	        channel != NULL ? channel : "", lang, exp, hex) == -1)
		return NULL;
	return xasprintf("%s.%s.%s", exp, lang, hex);
}

int
hook_form_state_check(const struct hook_ctx *ctx, const char *state,
    const char *user, const char *channel, int64_t now, char lang[3])
{
	char exp[24], want[2 * CRYPTO_SHA256_LEN + 1];
	const char *dot, *hex;
	size_t n;
	int64_t t;

	if (state == NULL || strlen(state) > HOOK_STATE_MAX ||
	    (dot = strchr(state, '.')) == NULL ||
	    (n = (size_t)(dot - state)) == 0 || n >= sizeof(exp))
		return -1;
	memcpy(exp, state, n);
	exp[n] = '\0';
	if ((t = hook_parse_seconds(exp)) < 0 || t < now ||
	    strlen(dot + 1) != 3 + 2 * CRYPTO_SHA256_LEN || dot[3] != '.' ||
	    !isalpha((unsigned char)dot[1]) || !isalpha((unsigned char)dot[2]))
		return -1;
	lang[0] = dot[1];
	lang[1] = dot[2];
	lang[2] = '\0';
	hex = dot + 4;
	if (hook_state_mac(ctx, user != NULL ? user : "",
	        channel != NULL ? channel : "", lang, exp, want) == -1 ||
	    !crypto_equal(want, hex, 2 * CRYPTO_SHA256_LEN))
		return -1;
	return 0;
}

/* The keys of each field's label and question, in the intake's order. */
static const char *const hook_form_keys[PLATFORM_FORM_FIELDS][2] = {
    {"form.name", "form.name_hint"},
    {"form.contact", "form.contact_hint"},
    {"form.language", "form.language_hint"},
    {"form.availability", "form.availability_hint"},
    {"form.urgency", "form.urgency_hint"},
    {"form.description", "form.description_hint"},
    {"form.consent", "form.consent_hint"},
};

/* The form's fields are the intake's, in its order. */
_Static_assert(PLATFORM_FORM_FIELDS == INTAKE_NFIELDS &&
        PLATFORM_FORM_CONSENT == INTAKE_CONSENT &&
        PLATFORM_FORM_DESCRIPTION == INTAKE_DESCRIPTION,
    "platform forms follow the intake's fields");

static const char *const hook_form_when[2] = {
    "form.description_when", "form.description_when_hint"};

/*
 * Opens the intake form for ev in lang: the platform's REST call, made at
 * once, or its answer in resp.  0, or -1 when it cannot (resp untouched).
 */
static int
hook_form_open(const struct hook_ctx *ctx, const struct platform *p,
    const struct hook_event *ev, const char *lang, struct hook_response *resp)
{
	const struct hook_forms *fo = ctx->forms;
	const struct conf *cf = ctx->conf;
	struct platform_form f;
	struct platform_call call;
	const char *const *k;
	char *own[2 * PLATFORM_FORM_FIELDS + 5];
	size_t i, n = 0, n_url;
	int rc = -1;

	memset(&f, 0, sizeof(f));
	memset(&call, 0, sizeof(call));
	f.trigger = ev->trigger;
	f.title = own[n++] = fo->text(fo->arg, lang, "form.title");
	f.submit = own[n++] = fo->text(fo->arg, lang, "form.submit");
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		f.name[i] = platform_form_names[i];
		f.max[i] = i == INTAKE_DESCRIPTION && cf != NULL
		    ? (size_t)cf->consult_max_length
		    : i == INTAKE_NAME         ? INTAKE_NAME_MAX
		    : i == INTAKE_AVAILABILITY ? INTAKE_AVAILABILITY_MAX
		                               : INTAKE_CONTACT_MAX;
		if (!(p->form_fields & (1u << i)))
			continue;
		k = hook_form_keys[i];
		/* Without its own field, availability goes with it. */
		if (i == PLATFORM_FORM_DESCRIPTION &&
		    !(p->form_fields & (1u << INTAKE_AVAILABILITY)))
			k = hook_form_when;
		f.label[i] = own[n++] = fo->text(fo->arg, lang, k[0]);
		f.hint[i] = own[n++] = fo->text(fo->arg, lang, k[1]);
	}
	f.meta = own[n++] = xasprintf("%s %s", lang,
	    ev->channel_id != NULL && platform_id_ok(ev->channel_id)
	        ? ev->channel_id
	        : "-");
	if (cf != NULL && cf->http_public_url != NULL &&
	    (n_url = strlen(cf->http_public_url)) > 0) {
		/* public_url (a trailing '/' dropped) + path + /form. */
		if (cf->http_public_url[n_url - 1] == '/')
			n_url--;
		f.url = own[n++] = xasprintf("%.*s%s%s", (int)n_url,
		    cf->http_public_url, ctx->pl->path, HOOK_FORM_PATH);
	}
	f.state = own[n++] =
	    hook_form_state(ctx, ev->user_id, ev->channel_id, lang,
	        (int64_t)time(NULL) +
	            (cf != NULL ? cf->consult_intake_timeout : 1800));
	if (p->form_open(ctx, ev, &f, &call, resp) == 0) {
		rc = 0;
		if (call.url != NULL) {
			fo->call(fo->arg, ctx->pl->section, &call);
			hook_respond(resp,
			    p->form_done != NULL ? xstrdup(p->form_done)
			                         : NULL);
		}
	}
	platform_call_free(&call);
	for (i = 0; i < n; i++)
		free(own[i]);
	return rc;
}

/*
 * The language the event names ("es-ES" from Discord's locale, "es" from
 * a form's state) into lang, lower-cased; lang is left as it is when it
 * names none.
 */
static void
hook_event_lang(const struct hook_event *ev, char lang[3])
{
	if (ev->lang != NULL && strlen(ev->lang) >= 2 &&
	    isalpha((unsigned char)ev->lang[0]) &&
	    isalpha((unsigned char)ev->lang[1]) &&
	    (ev->lang[2] == '\0' || ev->lang[2] == '-')) {
		lang[0] = (char)tolower((unsigned char)ev->lang[0]);
		lang[1] = (char)tolower((unsigned char)ev->lang[1]);
		lang[2] = '\0';
	}
}

/*
 * A submitted form: checked and stored, or its errors answered.  Returns
 * the number of refused fields, -1 when refused as a whole.
 */
static int
hook_form_submitted(const struct hook_ctx *ctx, const struct platform *p,
    struct hook_event *ev, struct hook_response *resp)
{
	const char *value[PLATFORM_FORM_FIELDS] = {NULL};
	char *err[PLATFORM_FORM_FIELDS] = {NULL}, lang[3] = "en";
	char *clean[PLATFORM_FORM_FIELDS] = {NULL};
	struct message m;
	struct replies rs;
	size_t i;
	int nerr;

	if (ctx->forms == NULL || p->form_values == NULL) {
		hook_refuse(resp, 404, "no forms", false);
		return -1;
	}
	hook_event_lang(ev, lang);
	p->form_values(ev, value);
	/* Every answer through the sanitiser, as a message's text is. */
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++)
		if (value[i] != NULL)
			value[i] = clean[i] = text_sanitize(
			    value[i], strlen(value[i]), MESSAGE_TEXT_MAX, 0);
	hook_message(ctx, ev, &m);
	replies_init(&rs);
	nerr = ctx->forms->submit(ctx->forms->arg, &m, lang, value, err, &rs);
	resp->status = 200;
	if (nerr > 0 && p->form_errors != NULL) {
		hook_respond(resp, p->form_errors(err));
	} else if (nerr > 0) {
		for (i = 0; i < PLATFORM_FORM_FIELDS; i++)
			if (err[i] != NULL)
				replies_add(&rs, REPLY_PRIVATE, err[i], NULL);
		hook_withhold_private(ctx, ev, &rs);
		p->render(ctx, ev, &rs, resp);
	} else if (p->form_errors != NULL) {
		/* The answer closes the form; the number goes privately. */
		ev->private_ok = false;
		hook_dm_check(ctx, p, ev);
		hook_withhold_private(ctx, ev, &rs);
		hook_respond(
		    resp, p->form_done != NULL ? xstrdup(p->form_done) : NULL);
	} else {
		/* Like every answer: nothing private where it is not. */
		hook_withhold_private(ctx, ev, &rs);
		p->render(ctx, ev, &rs, resp);
	}
	resp->nreplies = rs.count;
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		free(err[i]);
		free(clean[i]);
	}
	replies_reset(&rs);
	hook_message_free(&m);
	return nerr;
}

int
hook_handle(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_response *resp)
{
	const struct platform *p;
	struct hook_cache_entry *ce;
	struct hook_event ev;
	struct replies rs;
	const char *lang;
	char *key = NULL;
	int rc;

	memset(resp, 0, sizeof(*resp));
	resp->content_type = "application/json";
	if ((p = hook_platform_find(ctx->pl->kind)) == NULL) {
		hook_refuse(resp, 404, "no inbound handler", false);
		return -1;
	}
	memset(&ev, 0, sizeof(ev));
	if (p->verify(ctx, req, &ev, resp) == -1) {
		hook_event_free(&ev);
		return 0;
	}
	if ((rc = p->parse(ctx, req, &ev, resp)) != 0) {
		hook_event_free(&ev);
		return 0;
	}
	if (ev.from_bot ||
	    (ev.user_name != NULL &&
	        strcasecmp(ev.user_name, ctx->nick) == 0)) {
		/* Never answer a bot, least of all ourselves: no loops. */
		hook_respond(resp, NULL);
		resp->why = "message from a bot";
		hook_event_free(&ev);
		return 0;
	}
	if (ctx->cache != NULL && ev.id != NULL && ev.id[0] != '\0') {
		key = xasprintf("%s\n%s", ctx->pl->section, ev.id);
		if ((ce = hook_cache_find(ctx->cache, key)) != NULL) {
			resp->status = ce->status;
			resp->body =
			    ce->body != NULL ? xstrdup(ce->body) : NULL;
			resp->nreplies = ce->nreplies;
			resp->replayed = true;
			free(key);
			hook_event_free(&ev);
			return 0;
		}
	}
	if (ev.form_submit) {
		/*
		 * Only an accepted form is remembered: its id (a view, a
		 * dialog's state, an interaction) is then spent, and a form
		 * refused for its fields can be sent again corrected.
		 */
		if (hook_form_submitted(ctx, p, &ev, resp) != 0) {
			free(key);
			key = NULL;
		}
		goto done;
	}
	hook_dm_check(ctx, p, &ev);
	replies_init(&rs);
	hook_dispatch(ctx, &ev, &rs);
	resp->status = 200;
	if (rs.form_lang[0] == '\0')
		snprintf(rs.form_lang, sizeof(rs.form_lang), "en");
	/* The person's own language, where the platform tells it. */
	hook_event_lang(&ev, rs.form_lang);
	lang = rs.form_lang;
	if (!rs.open_form || hook_form_open(ctx, p, &ev, lang, resp) == -1) {
		if (rs.open_form) {
			char *t = ctx->forms->text(
			    ctx->forms->arg, lang, "form.unavailable");

			replies_add(&rs, REPLY_PRIVATE, t, NULL);
			free(t);
		}
		hook_withhold_private(ctx, &ev, &rs);
		p->render(ctx, &ev, &rs, resp);
	}
	replies_reset(&rs);
done:
	if (key != NULL)
		hook_cache_put(ctx->cache, key, resp);
	hook_event_free(&ev);
	return 0;
}

/* ---- Private answers without a private path ---- */

/* The asker's language: their channel's, else the bot's. */
static const char *
hook_language(const struct hook_ctx *ctx, const struct hook_event *ev)
{
	const struct conf *cf = ctx->conf;
	const char *lang = NULL, *chan;

	chan = ev->channel_name != NULL ? ev->channel_name : ev->channel_id;
	if (cf != NULL && chan != NULL)
		lang = conf_channel_language(cf, chan);
	if (lang == NULL && cf != NULL)
		lang = cf->language;
	return lang;
}

/* The user a direct message to ev's sender is addressed to. */
static const char *
hook_dm_user(const struct platform *p, const struct hook_event *ev)
{
	return p->dm_by_name ? ev->user_name : ev->user_id;
}

/* Sets ev->dm_ok when private replies can go as a direct message. */
static void
hook_dm_check(
    const struct hook_ctx *ctx, const struct platform *p, struct hook_event *ev)
{
	const char *user = hook_dm_user(p, ev);

	ev->dm_ok = !ev->private_ok && ctx->dm != NULL &&
	    platform_id_ok(user) &&
	    ctx->dm(ctx->dm_arg, ctx->pl->section, user, NULL) == 0;
}

/* The hint that replaces withheld private replies, in the asker's language. */
static char *
hook_private_hint(const struct hook_ctx *ctx, const struct hook_event *ev)
{
	const struct conf *cf = ctx->conf;
	const struct platform *p = hook_platform_find(ctx->pl->kind);
	const char *lang = hook_language(ctx, ev);
	bool slash, irc;
	char *no, *reach = NULL, *details, *out;

	slash = p != NULL && p->slash_commands;
	irc = cf != NULL && cf->irc_enabled && cf->irc_server != NULL &&
	    cf->irc_server[0] != '\0';
	no = catalog_say(lang, "hook.no_private", NULL);
	if (slash || irc)
		reach = catalog_say(lang,
		    slash && irc ? "hook.reach_both"
		        : slash  ? "hook.reach_slash"
		                 : "hook.reach_irc",
		    "nick", irc ? cf->nick : "", "server",
		    irc ? cf->irc_server : "", NULL);
	details = catalog_say(lang, "hook.no_details", NULL);
	out = xasprintf("%s%s%s %s", no, reach != NULL ? " " : "",
	    reach != NULL ? reach : "", details);
	free(no);
	free(reach);
	free(details);
	return out;
}

int
hook_withhold_private(
    const struct hook_ctx *ctx, const struct hook_event *ev, struct replies *rs)
{
	struct reply **pp, *r;
	struct buf dm;
	char *text;
	int n = 0, rc = -1;

	if (ev->private_ok)
		return 0;
	/* The private replies, out of rs and, for a DM, into one text. */
	buf_init(&dm, 0);
	for (pp = &rs->head; (r = *pp) != NULL;) {
		if (r->to != REPLY_PRIVATE) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		buf_addf(&dm, "%s%s", dm.len > 0 ? "\n\n" : "",
		    r->text != NULL ? r->text : "");
		if (r->link != NULL && r->link[0] != '\0')
			buf_addf(&dm, "\n%s", r->link);
		free(r->text);
		free(r->link);
		free(r);
		rs->count--;
		n++;
	}
	rs->tail = pp;
	if (n > 0 && ev->dm_ok)
		rc = ctx->dm(ctx->dm_arg, ctx->pl->section,
		    hook_dm_user(hook_platform_find(ctx->pl->kind), ev),
		    dm.data);
	buf_reset(&dm);
	if (n == 0)
		return 0;
	if (rc == 0)
		text =
		    catalog_say(hook_language(ctx, ev), "hook.dm_sent", NULL);
	else
		text = hook_private_hint(ctx, ev);
	replies_add(rs, REPLY_HERE, text, NULL);
	free(text);
	return n;
}

/* ---- Reply text ---- */

int
hook_replies_count(const struct replies *rs, enum reply_to which)
{
	const struct reply *r;
	int n = 0;

	for (r = rs->head; r != NULL; r = r->next)
		if (r->to == which)
			n++;
	return n;
}

/* Renders one reply body or link in the platform's dialect. */
static char *
hook_render_one(const char *md, const struct platform *p)
{
	char *safe, *out;

	safe = text_neutralize_mentions(md);
	if (p->dialect == PLATFORM_MARKDOWN)
		return safe;
	out = platform_render(p, safe);
	free(safe);
	/* Rendering must not have built a new <!channel>. */
	safe = text_neutralize_mentions(out);
	free(out);
	return safe;
}

char *
hook_render_text(const struct replies *rs, enum reply_to which, bool all,
    const struct platform *p, size_t max)
{
	static const char ell[] = "\xe2\x80\xa6"; /* U+2026 */
	const struct reply *r;
	struct buf body, links;
	char *one, *out;
	size_t keep, budget;
	bool any = false;

	buf_init(&body, 0);
	buf_init(&links, 0);
	for (r = rs->head; r != NULL; r = r->next) {
		if (!all && r->to != which)
			continue;
		any = true;
		one = hook_render_one(r->text != NULL ? r->text : "", p);
		if (body.len > 0)
			buf_addstr(&body, "\n\n");
		buf_addstr(&body, one);
		free(one);
		if (r->link != NULL && r->link[0] != '\0') {
			/* A bare URL renders as itself, escaped. */
			one = hook_render_one(r->link, p);
			/* A long body keeps its link: links are cut last. */
			if (r->next == NULL || r->is_long) {
				buf_addstr(&links, links.len > 0 ? "\n" : "");
				buf_addstr(&links, one);
			} else {
				buf_addf(&body, "\n%s", one);
			}
			free(one);
		}
	}
	if (max == 0)
		max =
		    p->lim.reply_max > 0 ? p->lim.reply_max : p->lim.max_chars;
	if (!any) {
		buf_reset(&body);
		buf_reset(&links);
		return NULL;
	}
	if (links.len + 1 + sizeof(ell) > max) {
		/* No room for the links: drop them rather than overflow. */
		buf_reset(&links);
	}
	budget = max - (links.len > 0 ? links.len + 1 : 0);
	if (body.len > budget) {
		keep = text_utf8_cut(
		    body.data, body.len, budget - (sizeof(ell) - 1));
		body.len = keep;
		body.data[keep] = '\0';
		buf_addstr(&body, ell);
		/* A word cut short can end as a mention: "@here|tic". */
		one = text_neutralize_mentions(body.data);
		if (strlen(one) != body.len) {
			while (keep > 0 && body.data[keep - 1] != '@' &&
			    body.data[keep - 1] != '<')
				keep--;
			body.len = keep > 0 ? keep - 1 : 0;
			body.data[body.len] = '\0';
			buf_addstr(&body, ell);
		}
		free(one);
	}
	if (links.len > 0) {
		if (body.len > 0)
			buf_addstr(&body, "\n");
		buf_add(&body, links.data, links.len);
	}
	buf_reset(&links);
	out = buf_take(&body);
	return out != NULL ? out : xstrdup("");
}

/* ---- Small parsers ---- */

bool
hook_content_type_is(const char *ct, const char *type)
{
	size_t n = strlen(type);

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	if (strncasecmp(ct, type, n) != 0)
		return false;
	ct += n;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return *ct == '\0' || *ct == ';';
}

/*
 * Decodes s[0..len) into out (room for len + 1 bytes) and NUL-terminates
 * it; returns the decoded length, or -1 on a bad escape or %00.
 */
static ssize_t
hook_form_decode(const char *s, size_t len, char *out)
{
	size_t i, o = 0;
	int hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+') {
			out[o++] = ' ';
		} else if (s[i] == '%') {
			if (i + 2 >= len)
				return -1;
			hi = text_hex_value((unsigned char)s[i + 1]);
			lo = text_hex_value((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0 || (hi == 0 && lo == 0))
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (s[i] == '\0') {
			return -1;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return (ssize_t)o;
}

int
hook_form_parse(struct hook_form *f, const char *s, size_t len)
{
	const char *p = s, *end = s + len, *amp, *eq;
	size_t o = 0;
	ssize_t n;

	memset(f, 0, sizeof(*f));
	/*
	 * Every key and value is decoded into one block: a field never
	 * grows when decoded, and each adds at most two NULs for its
	 * separators, so len + 2 per field + 1 is room enough.
	 */
	if (len > UINT32_MAX - 2 * HOOK_FORM_MAX - 2)
		return -1;
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp == p) {
			p++;
			continue;
		}
		if (f->n == HOOK_FORM_MAX)
			goto bad;
		if (f->mem == NULL)
			f->mem = xmalloc(len + 2 * HOOK_FORM_MAX + 1);
		eq = memchr(p, '=', (size_t)(amp - p));
		if (eq == NULL)
			eq = amp;
		if ((n = hook_form_decode(p, (size_t)(eq - p), f->mem + o)) ==
		    -1)
			goto bad;
		f->key[f->n] = (uint32_t)o;
		o += (size_t)n + 1;
		if ((n = hook_form_decode(eq < amp ? eq + 1 : amp,
		         eq < amp ? (size_t)(amp - eq - 1) : 0, f->mem + o)) ==
		    -1)
			goto bad;
		f->val[f->n] = (uint32_t)o;
		f->len[f->n] = (uint32_t)n;
		o += (size_t)n + 1;
		f->n++;
		p = amp + 1;
	}
	return 0;
bad:
	hook_form_free(f);
	return -1;
}

const char *
hook_form_get(const struct hook_form *f, const char *key, size_t *len)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		if (strcmp(f->mem + f->key[i], key) == 0) {
			if (len != NULL)
				*len = f->len[i];
			return f->mem + f->val[i];
		}
	}
	return NULL;
}

void
hook_form_free(struct hook_form *f)
{
	free(f->mem);
	f->mem = NULL;
	f->n = 0;
}

struct hook_form *
hook_form_new(const char *s, size_t len)
{
	struct hook_form *f = xmalloc(sizeof(*f));

	if (hook_form_parse(f, s, len) == -1) {
		free(f);
		return NULL;
	}
	return f;
}

void
hook_form_doc_free(void *p)
{
	if (p != NULL) {
		hook_form_free(p);
		free(p);
	}
}

bool
hook_token_match(const char *list, const char *value, size_t vlen)
{
	const char *p = list, *comma, *a, *b;
	bool ok = false;

	if (list == NULL || value == NULL)
		return false;
	while (*p != '\0') {
		comma = strchr(p, ',');
		if (comma == NULL)
			comma = p + strlen(p);
		a = p;
		b = comma;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		/* No early exit: every configured token is compared. */
		if (b > a)
			ok |=
			    crypto_token_equal(a, (size_t)(b - a), value, vlen);
		p = *comma != '\0' ? comma + 1 : comma;
	}
	return ok;
}

/* Appends the UTF-8 encoding of cp (ignored when invalid or a control). */
static void
hook_add_codepoint(struct buf *b, unsigned long cp)
{
	char u[4];

	if (cp < 0x20 || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return;
	if (cp < 0x80) {
		u[0] = (char)cp;
		buf_add(b, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 3);
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, u, 4);
	}
}

char *
hook_html_to_text(const char *s, size_t len, bool strip_tags)
{
	static const struct {
		const char *name;
		const char *text;
	} ents[] = {
	    {"amp;", "&"},
	    {"lt;", "<"},
	    {"gt;", ">"},
	    {"quot;", "\""},
	    {"apos;", "'"},
	    {"nbsp;", " "},
	};
	const char *end = s + len, *q;
	struct buf b;
	unsigned long cp;
	size_t i, n;
	char *num_end;
	char *out;
	bool no_close = false, no_gt = false;

	buf_init(&b, 0);
	while (s < end) {
		if (strip_tags && *s == '<') {
			/* A mention is dropped whole, name included. */
			if (!no_close && (size_t)(end - s) >= 4 &&
			    strncasecmp(s, "<at>", 4) == 0) {
				for (q = s + 4; q + 5 <= end &&
				     strncasecmp(q, "</at>", 5) != 0;
				     q++)
					;
				if (q + 5 <= end) {
					s = q + 5;
					continue;
				}
				/* None further on: never look again. */
				no_close = true;
			}
			if (!no_gt &&
			    (q = memchr(s, '>', (size_t)(end - s))) != NULL) {
				s = q + 1;
				continue;
			}
			no_gt = true;
		}
		if (*s == '&') {
			for (i = 0; i < sizeof(ents) / sizeof(ents[0]); i++) {
				n = strlen(ents[i].name);
				if ((size_t)(end - s - 1) >= n &&
				    strncmp(s + 1, ents[i].name, n) == 0)
					break;
			}
			if (i < sizeof(ents) / sizeof(ents[0])) {
				buf_addstr(&b, ents[i].text);
				s += 1 + strlen(ents[i].name);
				continue;
			}
			if (end - s > 3 && s[1] == '#' &&
			    (q = memchr(s, ';',
			         end - s > 11 ? 11 : (size_t)(end - s))) !=
			        NULL) {
				errno = 0;
				if (s[2] == 'x' || s[2] == 'X')
					cp = strtoul(s + 3, &num_end, 16);
				else
					cp = strtoul(s + 2, &num_end, 10);
				if (num_end == q && errno == 0 &&
				    num_end > s + 2) {
					hook_add_codepoint(&b, cp);
					s = q + 1;
					continue;
				}
			}
		}
		buf_add(&b, s, 1);
		s++;
	}
	out = buf_take(&b);
	return out != NULL ? out : xstrdup("");
}

int64_t
hook_parse_seconds(const char *s)
{
	long long v;
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno != 0 || v < 0)
		return -1;
	return (int64_t)v;
}
