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
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "hook-rocketchat.h"
#include "log.h"
#include "xmalloc.h"

/* Message_MaxAllowedSize defaults to 5000 characters. */
#define RC_TEXT_MAX 4900

/* Rocket.Chat user names: letters, digits, '.', '_' and '-'. */
#define RC_NAME_MAX 64

static bool
rc_name_ok(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > RC_NAME_MAX)
		return false;
	return strspn(s,
	           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	           "0123456789._-") == n;
}

static struct json_object *
rc_parse_body(const struct hook_request *req)
{
	struct json_object *o;

	if ((o = hook_json_parse(req->body, req->body_len)) != NULL &&
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

static int
rc_verify(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct json_object *o;
	const char *tok;
	size_t len = 0;
	bool ok;

	(void)ev;
	if (hook_require_post(req, "application/json", resp) == -1)
		return -1;
	/* The token is inside the JSON: this much parsing comes first. */
	if ((o = rc_parse_body(req)) == NULL) {
		hook_refuse(resp, 400, "malformed body", false);
		return -1;
	}
	if ((tok = hook_json_str(o, "token", &len)) == NULL || len == 0) {
		json_object_put(o);
		hook_refuse(resp, 401, "no token", true);
		return -1;
	}
	ok = hook_token_match(ctx->pl->token, tok, len);
	json_object_put(o);
	if (!ok) {
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
	if ((o = rc_parse_body(req)) == NULL) {
		hook_refuse(resp, 400, "malformed body", false);
		return -1;
	}
	ev->doc = o;
	ev->doc_free = hook_json_doc_free;
	/* "bot" is false for people, true or an object for bots. */
	if (json_object_object_get_ex(o, "bot", &bot) && bot != NULL &&
	    !(json_object_is_type(bot, json_type_boolean) &&
	        !json_object_get_boolean(bot)))
		ev->from_bot = true;
	ev->id = hook_json_str(o, "message_id", NULL);
	ev->channel_id = hook_json_str(o, "channel_id", NULL);
	ev->channel_name = hook_json_str(o, "channel_name", NULL);
	ev->user_id = hook_json_str(o, "user_id", NULL);
	ev->user_name = hook_json_str(o, "user_name", NULL);
	ev->thread = hook_json_str(o, "tmid", NULL);
	ev->private_ok = rc_name_ok(ev->user_name);
	ev->text = hook_json_str(o, "text", &ev->text_len);
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
	text =
	    hook_render_text(rs, REPLY_HERE, true, HOOK_MARKDOWN, RC_TEXT_MAX);
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
	hook_respond(resp, hook_json_take(o));
}

const struct hook_platform hook_rocketchat = {
    "rocketchat",
    rc_verify,
    rc_parse,
    rc_render,
    false,
};
