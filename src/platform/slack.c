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
	ev->doc = f;
	ev->doc_free = hook_form_doc_free;
	if ((ev->command = hook_form_get(f, "command", NULL)) == NULL) {
		hook_refuse(resp, 400, "not a slash command", false);
		return -1;
	}
	ev->slash = true;
	ev->private_ok = true; /* ephemeral */
	ev->id = hook_form_get(f, "trigger_id", NULL);
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

const struct platform platform_slack = {
    .name = "slack",
    .needs = PLATFORM_NEEDS_SIGNING_SECRET,
    .verify = slack_verify,
    .parse = slack_parse,
    .render = slack_render,
    .slash_commands = true,
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
