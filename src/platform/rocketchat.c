/*
 * Rocket.Chat outgoing webhooks: a JSON body carrying the integration's
 * token, compared in constant time with the route's tokens.  Messages
 * flagged as coming from a bot are dropped.  A message in a thread is
 * answered in that thread (tmid).  An answer with a private reply is
 * addressed to "@user_name": Rocket.Chat delivers a webhook answer with a
 * channel field as a direct message from the integration's user.
 */
#define LOG_MODULE "rocketchat"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "platform.h"
#include "log.h"
#include "xmalloc.h"

extern const struct platform platform_rocketchat;

static int
rc_verify(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct json_object *o;
	const char *tok;
	size_t len = 0;

	if (hook_require_post(req, "application/json", resp) == -1)
		return -1;
	/* The token is inside the JSON: this much parsing comes first. */
	if ((o = platform_json_event(req, ev, resp)) == NULL)
		return -1;
	if ((tok = platform_json_str(o, "token", &len)) == NULL || len == 0) {
		hook_refuse(resp, 401, "no token", true);
		return -1;
	}
	if (!hook_token_match(ctx->pl->token, tok, len)) {
		hook_refuse(resp, 403, "wrong token", true);
		return -1;
	}
	return 0;
}

static int
rc_parse(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct json_object *o, *bot;

	(void)ctx;
	/* Left by rc_verify. */
	if ((o = platform_json_event(req, ev, resp)) == NULL)
		return -1;
	/* "bot" is false for people, true or an object for bots. */
	if (json_object_object_get_ex(o, "bot", &bot) && bot != NULL &&
	    !(json_object_is_type(bot, json_type_boolean) &&
	        !json_object_get_boolean(bot)))
		ev->from_bot = true;
	ev->id = platform_json_str(o, "message_id", NULL);
	ev->channel_id = platform_json_str(o, "channel_id", NULL);
	ev->channel_name = platform_json_str(o, "channel_name", NULL);
	ev->user_id = platform_json_str(o, "user_id", NULL);
	ev->user_name = platform_json_str(o, "user_name", NULL);
	ev->thread = platform_json_str(o, "tmid", NULL);
	ev->private_ok = platform_id_ok(ev->user_name);
	ev->text = platform_json_str(o, "text", &ev->text_len);
	if (ev->text == NULL) {
		hook_refuse(resp, 400, "no text", false);
		return -1;
	}
	return 0;
}

static void
rc_render(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct replies *rs, struct hook_response *resp)
{
	struct json_object *o;
	char *text;

	(void)ctx;
	if (rs->count == 0) {
		hook_respond(resp, NULL);
		return;
	}
	text = hook_render_text(rs, REPLY_HERE, true, &platform_rocketchat, 0);
	o = json_object_new_object();
	json_object_object_add(o, "text", json_object_new_string(text));
	if (hook_replies_count(rs, REPLY_PRIVATE) > 0) {
		/* The whole answer goes to the asker alone, as a DM. */
		free(text);
		text = xasprintf("@%s", ev->user_name);
		json_object_object_add(
		    o, "channel", json_object_new_string(text));
	} else if (ev->thread != NULL && ev->thread[0] != '\0')
		json_object_object_add(
		    o, "tmid", json_object_new_string(ev->thread));
	free(text);
	resp->nreplies = rs->count;
	hook_respond(resp, platform_json_take(o));
}

/* A 200 may say {"success": false, "error": "..."}. */
static enum notify_verdict
rc_classify_2xx(long status, const char *body, size_t len, long *wait_ms,
    char *why, size_t whylen)
{
	char tok[PLATFORM_TOKEN_MAX + 1] = "";

	(void)wait_ms;
	if (platform_json_body_bool(body, len, "success") != 0)
		return NOTIFY_VERDICT_OK;
	if (platform_json_error(body, len, tok, sizeof(tok)))
		snprintf(why, whylen, "HTTP %ld, error %s", status, tok);
	else
		snprintf(why, whylen, "HTTP %ld, success false", status);
	if (platform_icontains(tok, strlen(tok), "too-many") ||
	    platform_icontains(tok, strlen(tok), "rate"))
		return NOTIFY_VERDICT_RETRY;
	return NOTIFY_VERDICT_FAIL;
}

/*
 * A direct message: chat.postMessage to "@name" finds the user and opens
 * the DM room when missing.  X-Auth-Token and X-User-Id of the bot.
 */
static void
rc_dm_call(const struct platform_bot *bot, const struct platform_dm *dm,
    const char *text, struct platform_call *c)
{
	struct json_object *o = json_object_new_object();
	char *to = xasprintf("@%s", dm->user);

	c->header[0] = xasprintf("X-Auth-Token: %s", bot->token);
	c->header[1] = xasprintf("X-User-Id: %s", bot->user_id);
	c->url = platform_api_url(bot, "/api/v1/chat.postMessage");
	json_object_object_add(o, "channel", json_object_new_string(to));
	json_object_object_add(o, "text", json_object_new_string(text));
	c->body = platform_json_take(o);
	free(to);
}

static enum notify_verdict
rc_dm_answer(struct platform_dm *dm, const char *body, size_t len, bool *sent,
    long *wait_ms, char *why, size_t whylen)
{
	enum notify_verdict v;

	(void)dm;
	if (platform_json_body_bool(body, len, "success") != 1) {
		v = rc_classify_2xx(200, body, len, wait_ms, why, whylen);
		return v == NOTIFY_VERDICT_OK ? NOTIFY_VERDICT_FAIL : v;
	}
	*sent = true;
	return NOTIFY_VERDICT_OK;
}

const struct platform platform_rocketchat = {
    .name = "rocketchat",
    .needs = PLATFORM_NEEDS_TOKEN,
    .verify = rc_verify,
    .parse = rc_parse,
    .render = rc_render,
    .dialect = PLATFORM_MARKDOWN,
    /* Message_MaxAllowedSize 5000; REST limiter 10 calls per minute. */
    .lim = {.max_chars = 5000, .rate_per_min = 10, .burst = 1},
    .payload = platform_payload_text,
    .classify_2xx = rc_classify_2xx,
    .dm_by_name = true,
    .dm_needs_user_id = true,
    .dm_call = rc_dm_call,
    .dm_answer = rc_dm_answer,
};
