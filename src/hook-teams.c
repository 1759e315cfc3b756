/*
 * Microsoft Teams outgoing webhooks.  Teams calls only when someone
 * @mentions the webhook, so every message is addressed to the bot; the
 * text carries the mention as "<at>Name</at>" plus HTML entities, both
 * removed before routing.  The request is signed: "Authorization: HMAC "
 * + base64 HMAC-SHA256 of the raw body under the base64-decoded security
 * token.  There is no private way back: replies go into the thread.
 */
#define LOG_MODULE "teams"
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "conf.h"
#include "crypto.h"
#include "hook-teams.h"
#include "log.h"
#include "xmalloc.h"

/* The whole answer must stay under 28 KB. */
#define TEAMS_TEXT_MAX 20000

static int
teams_verify(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	unsigned char want[CRYPTO_SHA256_LEN];
	unsigned char *key = NULL, *got = NULL;
	const char *auth, *secret = ctx->pl->signing_secret;
	struct crypto_part part = {req->body, req->body_len};
	size_t keylen = 0, gotlen = 0;
	bool ok;

	(void)ev;
	if (hook_require_post(req, "application/json", resp) == -1)
		return -1;
	auth = req->header(req->header_arg, "Authorization");
	if (auth == NULL || strncasecmp(auth, "HMAC ", 5) != 0 ||
	    (got = crypto_base64_decode(auth + 5, strlen(auth + 5), &gotlen)) ==
	        NULL ||
	    gotlen != sizeof(want)) {
		free(got);
		hook_refuse(resp, 401, "no or malformed signature", true);
		return -1;
	}
	ok = secret != NULL &&
	    (key = crypto_base64_decode(secret, strlen(secret), &keylen)) !=
	        NULL &&
	    crypto_hmac_sha256(key, keylen, &part, 1, want) == 0 &&
	    crypto_equal(want, got, sizeof(want));
	if (key != NULL)
		memset(key, 0, keylen);
	free(key);
	free(got);
	if (!ok) {
		hook_refuse(resp, 401, "bad signature", true);
		return -1;
	}
	return 0;
}

static int
teams_parse(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct json_object *o, *from, *conv, *cd, *ch, *team;
	const char *type, *text, *ctype, *cid;
	size_t len = 0;
	char *t;

	(void)ctx;
	if ((o = hook_json_parse(req->body, req->body_len)) == NULL ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		hook_refuse(resp, 400, "malformed body", false);
		return -1;
	}
	ev->doc = o;
	ev->doc_free = hook_json_doc_free;
	if ((type = hook_json_str(o, "type", NULL)) == NULL) {
		hook_refuse(resp, 400, "not an activity", false);
		return -1;
	}
	if (strcmp(type, "message") != 0) {
		hook_respond(resp, NULL);
		return 1;
	}
	ev->slash = true;
	ev->id = hook_json_str(o, "id", NULL);
	from = hook_json_obj(o, "from");
	ev->user_id = hook_json_str(from, "id", NULL);
	ev->user_name = hook_json_str(from, "name", NULL);
	ev->from_bot = (ctype = hook_json_str(from, "role", NULL)) != NULL &&
	    strcmp(ctype, "bot") == 0;
	conv = hook_json_obj(o, "conversation");
	ctype = hook_json_str(conv, "conversationType", NULL);
	ev->is_private = ctype != NULL && strcmp(ctype, "personal") == 0;
	cd = hook_json_obj(o, "channelData");
	ch = hook_json_obj(cd, "channel");
	team = hook_json_obj(cd, "team");
	ev->team = hook_json_str(team, "name", NULL);
	if (ev->team == NULL)
		ev->team = hook_json_str(team, "id", NULL);
	ev->channel_name = hook_json_str(ch, "name", NULL);
	if ((cid = hook_json_str(ch, "id", NULL)) == NULL &&
	    (cid = hook_json_str(cd, "teamsChannelId", NULL)) == NULL &&
	    (cid = hook_json_str(conv, "id", NULL)) != NULL) {
		/* "19:...@thread.skype;messageid=..." names the thread. */
		ev->owned[1] = xstrndup(cid, strcspn(cid, ";"));
		cid = ev->owned[1];
	}
	ev->channel_id = cid;
	text = hook_json_str(o, "text", &len);
	t = hook_html_to_text(text != NULL ? text : "", len, true);
	ev->owned[0] = t;
	ev->text = t + strspn(t, " \t\r\n");
	ev->text_len = strlen(ev->text);
	while (ev->text_len > 0 &&
	    strchr(" \t\r\n", ev->text[ev->text_len - 1]) != NULL)
		ev->text_len--;
	if (ev->text_len == 0) {
		ev->text = "help";
		ev->text_len = 4;
	}
	return 0;
}

static void
teams_render(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct replies *rs, struct hook_response *resp)
{
	struct json_object *o;
	char *text;

	(void)ctx;
	(void)ev;
	if (rs->count == 0) {
		hook_respond(resp, NULL);
		return;
	}
	text = hook_render_text(
	    rs, REPLY_HERE, true, HOOK_MARKDOWN, TEAMS_TEXT_MAX);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("message"));
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	resp->nreplies = rs->count;
	hook_respond(resp, hook_json_take(o));
}

const struct hook_platform hook_teams = {
    "teams",
    teams_verify,
    teams_parse,
    teams_render,
    false,
};
