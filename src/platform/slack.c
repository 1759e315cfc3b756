/*
 * Slack slash commands.  The request is verified before anything is
 * parsed: "v0=" + hex HMAC-SHA256 under the signing secret over
 * "v0:" timestamp ":" raw body, compared in constant time, with the
 * timestamp within five minutes of our clock.  Slack escapes & < > in the
 * text it sends.  Replies are mrkdwn; when any reply is private the whole
 * answer is ephemeral (one response, and privacy wins), otherwise it is
 * posted in the channel.
 */
#define LOG_MODULE "slack"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "crypto.h"
#include "platform.h"
#include "log.h"
#include "xmalloc.h"

extern const struct platform platform_slack;

static int
slack_verify(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	unsigned char want[CRYPTO_SHA256_LEN], got[CRYPTO_SHA256_LEN];
	const char *ts, *sig, *secret = ctx->pl->signing_secret;
	struct crypto_part parts[4];
	int64_t t;

	(void)ev;
	if (hook_require_post(req, "application/x-www-form-urlencoded", resp) ==
	    -1)
		return -1;
	ts = req->header(req->header_arg, "X-Slack-Request-Timestamp");
	sig = req->header(req->header_arg, "X-Slack-Signature");
	if (ts == NULL || sig == NULL || (t = hook_parse_seconds(ts)) < 0 ||
	    strncmp(sig, "v0=", 3) != 0 ||
	    crypto_hex_decode(sig + 3, got, sizeof(got)) == -1) {
		hook_refuse(resp, 401, "no or malformed signature", true);
		return -1;
	}
	if (t < req->now - HOOK_WINDOW_SECONDS ||
	    t > req->now + HOOK_WINDOW_SECONDS) {
		hook_refuse(resp, 403, "timestamp outside the window", true);
		return -1;
	}
	parts[0] = (struct crypto_part){"v0:", 3};
	parts[1] = (struct crypto_part){ts, strlen(ts)};
	parts[2] = (struct crypto_part){":", 1};
	parts[3] = (struct crypto_part){req->body, req->body_len};
	if (secret == NULL || secret[0] == '\0' ||
	    crypto_hmac_sha256(secret, strlen(secret), parts, 4, want) == -1 ||
	    !crypto_equal(want, got, sizeof(want))) {
		hook_refuse(resp, 401, "bad signature", true);
		return -1;
	}
	return 0;
}

/* A view_submission: its JSON payload, kept for slack_form_values. */
struct slack_view {
	struct hook_form *form;
	struct json_object *payload;
	struct json_object *values; /* view.state.values, borrowed */
	char lang[3];
	char channel[65];
};

static void
slack_view_free(void *p)
{
	struct slack_view *v = p;

	if (v == NULL)
		return;
	hook_form_doc_free(v->form);
	json_object_put(v->payload);
	free(v);
}

/*
 * The modal's submission: payload={"type": "view_submission", "user":
 * {"id"}, "view": {"callback_id": "intake", "private_metadata": "LANG
 * CHANNEL", "state": {"values": {block: {action: {...}}}}}}.
 */
static int
slack_parse_view(struct hook_form *f, const char *payload, size_t len,
    struct hook_event *ev, struct hook_response *resp)
{
	struct slack_view *v = xcalloc(1, sizeof(*v));
	struct json_object *view, *user, *state;
	const char *type, *cb, *meta;

	v->form = f;
	ev->doc = v;
	ev->doc_free = slack_view_free;
	if ((v->payload = platform_json_object(payload, len)) == NULL ||
	    (type = platform_json_str(v->payload, "type", NULL)) == NULL) {
		hook_refuse(resp, 400, "malformed payload", false);
		return -1;
	}
	if (strcmp(type, "view_submission") != 0) {
		/* view_closed and other interactions: acknowledged. */
		hook_respond(resp, NULL);
		return 1;
	}
	view = platform_json_obj(v->payload, "view");
	user = platform_json_obj(v->payload, "user");
	state = platform_json_obj(view, "state");
	cb = platform_json_str(view, "callback_id", NULL);
	if (cb == NULL || strcmp(cb, "intake") != 0 ||
	    (v->values = platform_json_obj(state, "values")) == NULL ||
	    (ev->user_id = platform_json_str(user, "id", NULL)) == NULL) {
		hook_refuse(resp, 400, "not an intake view", false);
		return -1;
	}
	ev->user_name = platform_json_str(user, "username", NULL);
	/* One view, one request: a replay gets the same answer. */
	ev->id = platform_json_str(view, "id", NULL);
	meta = platform_json_str(view, "private_metadata", NULL);
	if (meta != NULL &&
	    sscanf(meta, "%2s %64s", v->lang, v->channel) == 2) {
		ev->lang = v->lang;
		if (strcmp(v->channel, "-") != 0)
			ev->channel_id = v->channel;
	}
	ev->is_private = ev->channel_id == NULL || ev->channel_id[0] == 'D';
	ev->form_submit = true;
	ev->private_ok = true;
	return 0;
}

static int
slack_parse(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct hook_form *f;
	const char *text;
	size_t len = 0;

	(void)ctx;
	if ((f = hook_form_new(req->body, req->body_len)) == NULL) {
		hook_refuse(resp, 400, "malformed body", false);
		return -1;
	}
	if (hook_form_get(f, "command", NULL) == NULL &&
	    (text = hook_form_get(f, "payload", &len)) != NULL)
		return slack_parse_view(f, text, len, ev, resp);
	ev->doc = f;
	ev->doc_free = hook_form_doc_free;
	if ((ev->command = hook_form_get(f, "command", NULL)) == NULL) {
		hook_refuse(resp, 400, "not a slash command", false);
		return -1;
	}
	ev->slash = true;
	ev->private_ok = true; /* ephemeral */
	ev->id = hook_form_get(f, "trigger_id", NULL);
	ev->trigger = ev->id;
	ev->team = hook_form_get(f, "team_domain", NULL);
	ev->channel_id = hook_form_get(f, "channel_id", NULL);
	ev->channel_name = hook_form_get(f, "channel_name", NULL);
	ev->user_id = hook_form_get(f, "user_id", NULL);
	ev->user_name = hook_form_get(f, "user_name", NULL);
	ev->is_private = (ev->channel_name != NULL &&
	                     strcmp(ev->channel_name, "directmessage") == 0) ||
	    (ev->channel_id != NULL && ev->channel_id[0] == 'D');
	text = hook_form_get(f, "text", &len);
	if (text == NULL || len == 0) {
		text = "help";
		len = 4;
	}
	ev->owned[0] = hook_html_to_text(text, len, false);
	ev->text = ev->owned[0];
	ev->text_len = strlen(ev->text);
	return 0;
}

static void
slack_render(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct replies *rs, struct hook_response *resp)
{
	struct json_object *o;
	bool priv;
	char *text;

	(void)ctx;
	if (rs->count == 0) {
		/* An empty 200 is Slack's silent acknowledgement. */
		hook_respond(resp, NULL);
		return;
	}
	priv = ev->is_private || hook_replies_count(rs, REPLY_PRIVATE) > 0;
	text = hook_render_text(rs, REPLY_HERE, true, &platform_slack, 0);
	o = json_object_new_object();
	json_object_object_add(o, "response_type",
	    json_object_new_string(priv ? "ephemeral" : "in_channel"));
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	resp->nreplies = rs->count;
	hook_respond(resp, platform_json_take(o));
}

/* Errors that Slack reports but that go away by themselves. */
static bool
slack_transient(const char *code)
{
	static const char *codes[] = {"rollup_error", "rate_limited",
	    "ratelimited", "internal_error", "service_unavailable",
	    "request_timeout", "fatal_error"};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* An incoming webhook answers exactly "ok"; anything else is its error. */
static enum notify_verdict
slack_classify_2xx(long status, const char *body, size_t len, long *wait_ms,
    char *why, size_t whylen)
{
	char tok[PLATFORM_TOKEN_MAX + 1];

	(void)wait_ms;
	if (!platform_safe_token(body, len, false, tok, sizeof(tok))) {
		size_t i = 0;

		/* Blank within len: the body need not end in a NUL. */
		while (i < len && memchr(" \t\r\n", body[i], 4) != NULL)
			i++;
		if (i == len)
			return NOTIFY_VERDICT_OK;
		snprintf(
		    why, whylen, "HTTP %ld with an unexpected body", status);
		return NOTIFY_VERDICT_FAIL;
	}
	if (strcmp(tok, "ok") == 0)
		return NOTIFY_VERDICT_OK;
	snprintf(why, whylen, "HTTP %ld, error %s", status, tok);
	return slack_transient(tok) ? NOTIFY_VERDICT_RETRY
	                            : NOTIFY_VERDICT_FAIL;
}

/*
 * A direct message through the Web API: conversations.open with the
 * user's id gives the DM channel, chat.postMessage posts each part.
 * Every answer is a 200 with "ok"; the error is its "error".
 */
static void
slack_dm_call(const struct platform_bot *bot, const struct platform_dm *dm,
    const char *text, struct platform_call *c)
{
	struct json_object *o = json_object_new_object();

	c->header[0] = xasprintf("Authorization: Bearer %s", bot->token);
	if (dm->channel == NULL) {
		c->url = platform_api_url(bot, "/conversations.open");
		json_object_object_add(
		    o, "users", json_object_new_string(dm->user));
	} else {
		c->url = platform_api_url(bot, "/chat.postMessage");
		json_object_object_add(
		    o, "channel", json_object_new_string(dm->channel));
		json_object_object_add(o, "text", json_object_new_string(text));
	}
	c->body = platform_json_take(o);
}

static enum notify_verdict
slack_dm_answer(struct platform_dm *dm, const char *body, size_t len,
    bool *sent, long *wait_ms, char *why, size_t whylen)
{
	char tok[PLATFORM_TOKEN_MAX + 1];

	(void)wait_ms;
	if (platform_json_body_bool(body, len, "ok") != 1) {
		if (!platform_json_error(body, len, tok, sizeof(tok)))
			snprintf(tok, sizeof(tok), "no ok");
		snprintf(why, whylen, "HTTP 200, error %s", tok);
		return slack_transient(tok) ? NOTIFY_VERDICT_RETRY
		                            : NOTIFY_VERDICT_FAIL;
	}
	if (dm->channel != NULL) {
		*sent = true;
		return NOTIFY_VERDICT_OK;
	}
	if ((dm->channel = platform_json_id(body, len, "channel", "id")) ==
	    NULL) {
		snprintf(why, whylen, "conversations.open without a channel");
		return NOTIFY_VERDICT_FAIL;
	}
	return NOTIFY_VERDICT_OK;
}

/* A plain_text object. */
static struct json_object *
slack_plain(const char *text, size_t max)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string("plain_text"));
	json_object_object_add(o, "text", platform_json_string_max(text, max));
	return o;
}

/* The modal: one input block per field, block_id and action_id its name. */
static int
slack_form_open(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct platform_form *f, struct platform_call *c,
    struct hook_response *resp)
{
	struct json_object *o, *view, *blocks, *b, *el, *opts, *opt;
	struct platform_bot bot;
	size_t i;

	(void)ev;
	(void)resp;
	if (!platform_bot_get(&platform_slack, ctx->pl, &bot))
		return -1;
	if (f == NULL)
		return 0;
	blocks = json_object_new_array();
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		if (f->label[i] == NULL)
			continue;
		b = json_object_new_object();
		el = json_object_new_object();
		json_object_object_add(
		    b, "type", json_object_new_string("input"));
		json_object_object_add(
		    b, "block_id", json_object_new_string(f->name[i]));
		json_object_object_add(
		    b, "label", slack_plain(f->label[i], 2000));
		if (f->hint[i] != NULL)
			json_object_object_add(
			    b, "hint", slack_plain(f->hint[i], 2000));
		json_object_object_add(
		    el, "action_id", json_object_new_string(f->name[i]));
		if (i == PLATFORM_FORM_CONSENT) {
			/* One checkbox: its value "yes" is the consent. */
			json_object_object_add(
			    el, "type", json_object_new_string("checkboxes"));
			opts = json_object_new_array();
			opt = json_object_new_object();
			json_object_object_add(
			    opt, "text", slack_plain(f->label[i], 75));
			json_object_object_add(
			    opt, "value", json_object_new_string("yes"));
			json_object_array_add(opts, opt);
			json_object_object_add(el, "options", opts);
		} else {
			json_object_object_add(el, "type",
			    json_object_new_string("plain_text_input"));
			json_object_object_add(el, "max_length",
			    json_object_new_int((int)f->max[i]));
			if (i == PLATFORM_FORM_DESCRIPTION)
				json_object_object_add(el, "multiline",
				    json_object_new_boolean(1));
		}
		json_object_object_add(b, "element", el);
		json_object_array_add(blocks, b);
	}
	view = json_object_new_object();
	json_object_object_add(view, "type", json_object_new_string("modal"));
	json_object_object_add(
	    view, "callback_id", json_object_new_string("intake"));
	json_object_object_add(
	    view, "private_metadata", json_object_new_string(f->meta));
	json_object_object_add(view, "title", slack_plain(f->title, 24));
	json_object_object_add(view, "submit", slack_plain(f->submit, 24));
	json_object_object_add(view, "blocks", blocks);
	o = json_object_new_object();
	json_object_object_add(
	    o, "trigger_id", json_object_new_string(f->trigger));
	json_object_object_add(o, "view", view);
	c->url = platform_api_url(&bot, "/views.open");
	c->header[0] = xasprintf("Authorization: Bearer %s", bot.token);
	c->body = platform_json_take(o);
	return 0;
}

/* values[name][name]: .value of a text input, "yes" of a checked box. */
static void
slack_form_values(
    const struct hook_event *ev, const char *value[PLATFORM_FORM_FIELDS])
{
	const struct slack_view *v = ev->doc;
	struct json_object *a, *sel, *first;
	size_t i;

	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		a = platform_json_obj(
		    platform_json_obj(v->values, platform_form_names[i]),
		    platform_form_names[i]);
		if (a == NULL)
			continue;
		if (json_object_object_get_ex(a, "selected_options", &sel) &&
		    json_object_is_type(sel, json_type_array)) {
			first = json_object_array_get_idx(sel, 0);
			value[i] = first != NULL
			    ? platform_json_str(first, "value", NULL)
			    : "";
		} else
			value[i] = platform_json_str(a, "value", NULL);
	}
}

static char *
slack_form_errors(char *const err[PLATFORM_FORM_FIELDS])
{
	return platform_form_errors_json("errors", err);
}

const struct platform platform_slack = {
    .name = "slack",
    .needs = PLATFORM_NEEDS_SIGNING_SECRET,
    .verify = slack_verify,
    .parse = slack_parse,
    .render = slack_render,
    .slash_commands = true,
    .form_fields = 0x7f, /* every field */
    .form_open = slack_form_open,
    .form_values = slack_form_values,
    .form_errors = slack_form_errors,
    .dialect = PLATFORM_SLACK_MRKDWN,
    /*
     * Slack truncates at 40 000 characters, about one message a second
     * per webhook; it advises about 4000 for an answer.
     */
    .lim = {.max_chars = 40000,
        .rate_per_min = 60,
        .burst = 3,
        .reply_max = 3900},
    .payload = platform_payload_text,
    .classify_2xx = slack_classify_2xx,
    .default_api_url = "https://slack.com/api",
    .dm_call = slack_dm_call,
    .dm_answer = slack_dm_answer,
};
