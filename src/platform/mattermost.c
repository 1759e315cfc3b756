/*
 * Mattermost.  One route takes both outgoing webhooks (a post in a public
 * channel; form or JSON, per hook) and custom slash commands (form POST,
 * or GET with the fields in the query string), told apart by the
 * "command" field.  Authentication is a shared token: the
 * "Authorization: Token" header of slash commands when present, else the
 * body's token field; any of the route's tokens is accepted.  Quirk: the
 * JSON encoding sends timestamp as a number of milliseconds where the
 * form sends seconds, so no field's type is trusted.
 */
#define LOG_MODULE "mattermost"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "conf.h"
#include "platform.h"
#include "log.h"
#include "xmalloc.h"

extern const struct platform platform_mattermost;

enum { MM_FORM, MM_JSON };

/* The fields, from whichever encoding came in. */
struct mm_doc {
	int enc;
	char lang[3]; /* a dialog's, from its state */
	struct hook_form *form;
	struct json_object *json;
};

static void
mm_doc_free(void *p)
{
	struct mm_doc *d = p;

	if (d == NULL)
		return;
	hook_form_doc_free(d->form);
	json_object_put(d->json);
	free(d);
}

static const char *
mm_get(const struct mm_doc *d, const char *key, size_t *len)
{
	if (d->enc == MM_FORM)
		return hook_form_get(d->form, key, len);
	return platform_json_str(d->json, key, len);
}

/* Parses the fields: the query string of a GET, else the body. */
static struct mm_doc *
mm_doc_new(const struct hook_request *req)
{
	struct mm_doc *d = xcalloc(1, sizeof(*d));

	if (strcmp(req->method, "GET") == 0) {
		d->enc = MM_FORM;
		d->form = hook_form_new(req->query != NULL ? req->query : "",
		    req->query != NULL ? strlen(req->query) : 0);
	} else if (hook_content_type_is(
	               req->content_type, "application/json")) {
		d->enc = MM_JSON;
		d->json = platform_json_parse(req->body, req->body_len);
		if (d->json != NULL &&
		    !json_object_is_type(d->json, json_type_object)) {
			json_object_put(d->json);
			d->json = NULL;
		}
	} else {
		d->enc = MM_FORM;
		d->form = hook_form_new(req->body, req->body_len);
	}
	if (d->form == NULL && d->json == NULL) {
		free(d);
		return NULL;
	}
	return d;
}

/*
 * A dialog's submission at the route's form path.  Mattermost does not
 * sign it: the state we gave the dialog must carry our valid HMAC over
 * this user and channel, and not be expired.
 */
static int
mm_verify_dialog(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct mm_doc *d;

	if (hook_require_post(req, "application/json", resp) == -1)
		return -1;
	if ((d = mm_doc_new(req)) == NULL || d->enc != MM_JSON) {
		mm_doc_free(d);
		hook_refuse(resp, 400, "malformed body", false);
		return -1;
	}
	if (hook_form_state_check(ctx, mm_get(d, "state", NULL),
	        mm_get(d, "user_id", NULL), mm_get(d, "channel_id", NULL),
	        req->now, d->lang) == -1) {
		mm_doc_free(d);
		hook_refuse(resp, 403, "forged or expired dialog state", true);
		return -1;
	}
	ev->doc = d;
	ev->doc_free = mm_doc_free;
	return 0;
}

static int
mm_verify(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	const char *auth, *tok;
	struct mm_doc *d;
	size_t len;
	bool ok;

	if (req->form_route)
		return mm_verify_dialog(ctx, req, ev, resp);
	if (strcmp(req->method, "POST") != 0 &&
	    strcmp(req->method, "GET") != 0) {
		hook_refuse(resp, 405, "method not allowed", false);
		return -1;
	}
	if (strcmp(req->method, "POST") == 0 &&
	    !hook_content_type_is(
	        req->content_type, "application/x-www-form-urlencoded") &&
	    !hook_content_type_is(req->content_type, "application/json")) {
		hook_refuse(resp, 415, "unsupported content type", false);
		return -1;
	}
	auth = req->header(req->header_arg, "Authorization");
	if (auth != NULL && strncasecmp(auth, "Token ", 6) == 0) {
		tok = auth + 6;
		while (*tok == ' ')
			tok++;
		if (!hook_token_match(ctx->pl->token, tok, strlen(tok))) {
			hook_refuse(resp, 403, "wrong token", true);
			return -1;
		}
		return 0;
	}
	/* The token is in the body: this much parsing comes first. */
	if ((d = mm_doc_new(req)) == NULL) {
		hook_refuse(resp, 400, "malformed body", false);
		return -1;
	}
	if ((tok = mm_get(d, "token", &len)) == NULL || len == 0) {
		mm_doc_free(d);
		hook_refuse(resp, 401, "no token", true);
		return -1;
	}
	ok = hook_token_match(ctx->pl->token, tok, len);
	if (!ok) {
		mm_doc_free(d);
		hook_refuse(resp, 403, "wrong token", true);
		return -1;
	}
	/* Authenticated: mm_parse takes the fields from here. */
	ev->doc = d;
	ev->doc_free = mm_doc_free;
	return 0;
}

/*
 * "intakebot 287g" from a hook whose trigger word is the bot's name is
 * addressed to the bot: the word is dropped and the rest is the command.
 */
static bool
mm_strip_trigger(
    const struct hook_ctx *ctx, struct hook_event *ev, const char *trigger)
{
	size_t tl, nl = strlen(ctx->nick);
	const char *w = trigger;

	if (trigger == NULL || trigger[0] == '\0' || ev->text == NULL)
		return false;
	tl = strlen(trigger);
	if (ev->text_len < tl || strncmp(ev->text, trigger, tl) != 0 ||
	    (ev->text[tl] != '\0' && ev->text[tl] != ' '))
		return false;
	if (*w == '@')
		w++;
	if (strncasecmp(w, ctx->nick, nl) != 0 ||
	    (w[nl] != '\0' && w[nl] != ':' && w[nl] != ',') ||
	    (w[nl] != '\0' && w[nl + 1] != '\0'))
		return false;
	ev->text += tl;
	ev->text_len -= tl;
	return true;
}

static int
mm_parse(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct json_object *ts;
	const char *cmd, *name;
	struct mm_doc *d;
	int64_t t = -1;

	/* Left by mm_verify when the token was in the body. */
	if ((d = ev->doc) == NULL) {
		if ((d = mm_doc_new(req)) == NULL) {
			hook_refuse(resp, 400, "malformed body", false);
			return -1;
		}
		ev->doc = d;
		ev->doc_free = mm_doc_free;
	}
	ev->channel_id = mm_get(d, "channel_id", NULL);
	if (req->form_route) {
		/* Verified by mm_verify_dialog. */
		ev->user_id = mm_get(d, "user_id", NULL);
		if (platform_json_true(d->json, "cancelled")) {
			hook_respond(resp, xstrdup("{}"));
			return 1;
		}
		ev->form_submit = true;
		/* A state opens one request: replays get the same answer. */
		ev->id = mm_get(d, "state", NULL);
		ev->lang = d->lang;
		ev->private_ok = true;
		ev->is_private = ev->channel_id == NULL;
		return 0;
	}
	ev->team = mm_get(d, "team_domain", NULL);
	ev->channel_name = mm_get(d, "channel_name", NULL);
	ev->user_id = mm_get(d, "user_id", NULL);
	ev->user_name = mm_get(d, "user_name", NULL);
	ev->text = mm_get(d, "text", &ev->text_len);
	cmd = mm_get(d, "command", NULL);
	ev->slash = cmd != NULL && cmd[0] != '\0';
	ev->command = cmd;
	if (ev->slash) {
		/* The command's answer can be ephemeral. */
		ev->private_ok = true;
		ev->id = mm_get(d, "trigger_id", NULL);
		ev->trigger = ev->id;
		/* A direct channel is named "userid__userid". */
		name = ev->channel_name;
		ev->is_private = name != NULL && strstr(name, "__") != NULL;
		if (ev->text == NULL || ev->text_len == 0) {
			ev->text = "help";
			ev->text_len = 4;
		}
	} else {
		ev->id = mm_get(d, "post_id", NULL);
		if (ev->text == NULL) {
			hook_refuse(resp, 400, "no text", false);
			return -1;
		}
		ev->slash =
		    mm_strip_trigger(ctx, ev, mm_get(d, "trigger_word", NULL));
	}
	/* Seconds in forms, milliseconds as a JSON number: by magnitude. */
	if (d->enc == MM_JSON &&
	    json_object_object_get_ex(d->json, "timestamp", &ts)) {
		if (json_object_is_type(ts, json_type_int))
			t = json_object_get_int64(ts);
		else if (json_object_is_type(ts, json_type_string))
			t = hook_parse_seconds(json_object_get_string(ts));
	} else {
		t = hook_parse_seconds(mm_get(d, "timestamp", NULL));
	}
	if (t > 100000000000LL)
		t /= 1000;
	if (t > 0)
		log_debug("event %lld s old", (long long)(req->now - t));
	return 0;
}

static struct json_object *
mm_response(const char *type, char *text)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(
	    o, "response_type", json_object_new_string(type));
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	return o;
}

static void
mm_render(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct replies *rs, struct hook_response *resp)
{
	struct json_object *o, *extra;
	char *here, *priv;

	(void)ctx;
	if (rs->count == 0) {
		hook_respond(resp, NULL);
		return;
	}
	resp->nreplies = rs->count;
	if (!ev->slash) {
		/* A post in a public channel has no private way back. */
		o = mm_response("in_channel",
		    hook_render_text(
		        rs, REPLY_HERE, true, &platform_mattermost, 0));
		hook_respond(resp, platform_json_take(o));
		return;
	}
	here = hook_render_text(rs, REPLY_HERE, false, &platform_mattermost, 0);
	priv =
	    hook_render_text(rs, REPLY_PRIVATE, false, &platform_mattermost, 0);
	if (here != NULL && ev->is_private) {
		/* In a direct channel everything is private anyway. */
		o = mm_response("ephemeral", here);
		here = NULL;
	} else if (here != NULL) {
		o = mm_response("in_channel", here);
		here = NULL;
	} else {
		o = mm_response("ephemeral", priv);
		priv = NULL;
	}
	if (priv != NULL) {
		extra = json_object_new_array();
		json_object_array_add(extra, mm_response("ephemeral", priv));
		json_object_object_add(o, "extra_responses", extra);
	}
	hook_respond(resp, platform_json_take(o));
}

/*
 * A direct message: the bot's own id (GET /users/me), the direct channel
 * of the bot and the user (POST /channels/direct, the existing one comes
 * back), then each part as a post.  Authorization: Bearer <bot token>.
 */
static void
mm_dm_call(const struct platform_bot *bot, const struct platform_dm *dm,
    const char *text, struct platform_call *c)
{
	struct json_object *o;

	c->header[0] = xasprintf("Authorization: Bearer %s", bot->token);
	if (dm->self == NULL) {
		c->get = true;
		c->url = platform_api_url(bot, "/api/v4/users/me");
	} else if (dm->channel == NULL) {
		c->url = platform_api_url(bot, "/api/v4/channels/direct");
		o = json_object_new_array();
		json_object_array_add(o, json_object_new_string(dm->self));
		json_object_array_add(o, json_object_new_string(dm->user));
		c->body = platform_json_take(o);
	} else {
		c->url = platform_api_url(bot, "/api/v4/posts");
		o = json_object_new_object();
		json_object_object_add(
		    o, "channel_id", json_object_new_string(dm->channel));
		json_object_object_add(
		    o, "message", json_object_new_string(text));
		c->body = platform_json_take(o);
	}
}

static enum notify_verdict
mm_dm_answer(struct platform_dm *dm, const char *body, size_t len, bool *sent,
    long *wait_ms, char *why, size_t whylen)
{
	char *id;

	(void)wait_ms;
	if ((id = platform_json_id(body, len, NULL, "id")) == NULL) {
		snprintf(why, whylen, "answer without an id");
		return NOTIFY_VERDICT_FAIL;
	}
	if (dm->self == NULL)
		dm->self = id;
	else if (dm->channel == NULL)
		dm->channel = id;
	else {
		free(id);
		*sent = true;
	}
	return NOTIFY_VERDICT_OK;
}

/*
 * The interactive dialog: POST /api/v4/actions/dialogs/open with the
 * command's trigger_id, submitted to url with our signed state.
 */
static int
mm_form_open(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct platform_form *f, struct platform_call *c,
    struct hook_response *resp)
{
	struct json_object *o, *dlg, *els, *el;
	struct platform_bot bot;
	size_t i;

	(void)ev;
	(void)resp;
	if (!platform_bot_get(&platform_mattermost, ctx->pl, &bot) ||
	    ctx->conf == NULL || ctx->conf->http_public_url[0] == '\0')
		return -1;
	if (f == NULL)
		return 0;
	if (f->url == NULL || f->state == NULL)
		return -1;
	els = json_object_new_array();
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		if (f->label[i] == NULL)
			continue;
		el = json_object_new_object();
		json_object_object_add(
		    el, "name", json_object_new_string(f->name[i]));
		json_object_object_add(el, "display_name",
		    platform_json_string_max(f->label[i], 24));
		if (f->hint[i] != NULL)
			json_object_object_add(el, "help_text",
			    platform_json_string_max(f->hint[i], 150));
		if (i == PLATFORM_FORM_CONSENT) {
			json_object_object_add(
			    el, "type", json_object_new_string("bool"));
			/* Our own check says why it is needed. */
			json_object_object_add(
			    el, "optional", json_object_new_boolean(1));
		} else {
			json_object_object_add(el, "type",
			    json_object_new_string(
			        i == PLATFORM_FORM_DESCRIPTION ? "textarea"
			                                       : "text"));
			json_object_object_add(el, "max_length",
			    json_object_new_int(
			        (int)(f->max[i] < 3000 ? f->max[i] : 3000)));
		}
		json_object_array_add(els, el);
	}
	dlg = json_object_new_object();
	json_object_object_add(
	    dlg, "callback_id", json_object_new_string("intake"));
	json_object_object_add(
	    dlg, "title", platform_json_string_max(f->title, 24));
	json_object_object_add(
	    dlg, "submit_label", json_object_new_string(f->submit));
	json_object_object_add(dlg, "state", json_object_new_string(f->state));
	json_object_object_add(dlg, "elements", els);
	o = json_object_new_object();
	json_object_object_add(
	    o, "trigger_id", json_object_new_string(f->trigger));
	json_object_object_add(o, "url", json_object_new_string(f->url));
	json_object_object_add(o, "dialog", dlg);
	c->url = platform_api_url(&bot, "/api/v4/actions/dialogs/open");
	c->header[0] = xasprintf("Authorization: Bearer %s", bot.token);
	c->body = platform_json_take(o);
	return 0;
}

/* submission{name: value}: strings, and the consent as a boolean. */
static void
mm_form_values(
    const struct hook_event *ev, const char *value[PLATFORM_FORM_FIELDS])
{
	const struct mm_doc *d = ev->doc;
	struct json_object *sub = platform_json_obj(d->json, "submission"), *v;
	size_t i;

	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		if (!json_object_object_get_ex(sub, platform_form_names[i], &v))
			continue;
		if (json_object_is_type(v, json_type_boolean))
			value[i] = json_object_get_boolean(v) ? "yes" : "no";
		else if (json_object_is_type(v, json_type_string))
			value[i] = json_object_get_string(v);
	}
}

static char *
mm_form_errors(char *const err[PLATFORM_FORM_FIELDS])
{
	return platform_form_errors_json(NULL, err);
}

const struct platform platform_mattermost = {
    .name = "mattermost",
    .needs = PLATFORM_NEEDS_TOKEN,
    .verify = mm_verify,
    .parse = mm_parse,
    .render = mm_render,
    .slash_commands = true,
    .form_fields = 0x7f, /* every field */
    .form_open = mm_form_open,
    .form_values = mm_form_values,
    .form_errors = mm_form_errors,
    .form_done = "{}",
    .get_requests = true,
    .dialect = PLATFORM_MARKDOWN,
    /* 16383 runes per post; rate limiting off unless enabled (10/s). */
    .lim = {.max_chars = 16383, .rate_per_min = 600, .burst = 10},
    .payload = platform_payload_text,
    .dm_call = mm_dm_call,
    .dm_answer = mm_dm_answer,
};
