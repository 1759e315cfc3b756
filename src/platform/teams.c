/*
 * Microsoft Teams outgoing webhooks.  Teams calls only when someone
 * @mentions the webhook, so every message is addressed to the bot; the
 * text carries the mention as "<at>Name</at>" plus HTML entities, both
 * removed before routing.  The request is signed: "Authorization: HMAC "
 * + base64 HMAC-SHA256 of the raw body under the base64-decoded security
 * token.  There is no private way back: replies go into the thread.
 */
#define LOG_MODULE "teams"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "conf.h"
#include "crypto.h"
#include "platform.h"
#include "log.h"
#include "xmalloc.h"

extern const struct platform platform_teams;

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
	if ((o = platform_json_event(req, ev, resp)) == NULL)
		return -1;
	if ((type = platform_json_str(o, "type", NULL)) == NULL) {
		hook_refuse(resp, 400, "not an activity", false);
		return -1;
	}
	if (strcmp(type, "message") != 0) {
		hook_respond(resp, NULL);
		return 1;
	}
	ev->slash = true;
	ev->id = platform_json_str(o, "id", NULL);
	from = platform_json_obj(o, "from");
	ev->user_id = platform_json_str(from, "id", NULL);
	ev->user_name = platform_json_str(from, "name", NULL);
	ev->from_bot =
	    (ctype = platform_json_str(from, "role", NULL)) != NULL &&
	    strcmp(ctype, "bot") == 0;
	conv = platform_json_obj(o, "conversation");
	ctype = platform_json_str(conv, "conversationType", NULL);
	ev->is_private = ctype != NULL && strcmp(ctype, "personal") == 0;
	cd = platform_json_obj(o, "channelData");
	ch = platform_json_obj(cd, "channel");
	team = platform_json_obj(cd, "team");
	ev->team = platform_json_str(team, "name", NULL);
	if (ev->team == NULL)
		ev->team = platform_json_str(team, "id", NULL);
	ev->channel_name = platform_json_str(ch, "name", NULL);
	if ((cid = platform_json_str(ch, "id", NULL)) == NULL &&
	    (cid = platform_json_str(cd, "teamsChannelId", NULL)) == NULL &&
	    (cid = platform_json_str(conv, "id", NULL)) != NULL) {
		/* "19:...@thread.skype;messageid=..." names the thread. */
		ev->owned[1] = xstrndup(cid, strcspn(cid, ";"));
		cid = ev->owned[1];
	}
	ev->channel_id = cid;
	text = platform_json_str(o, "text", &len);
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
	text = hook_render_text(rs, REPLY_HERE, true, &platform_teams, 0);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("message"));
	json_object_object_add(o, "text", json_object_new_string(text));
	free(text);
	resp->nreplies = rs->count;
	hook_respond(resp, platform_json_take(o));
}

/* The security token Teams shows is base64 of at least 16 bytes. */
static int
teams_check_conf(const struct conf_platform *p, char *why, size_t whylen)
{
	unsigned char *raw;
	size_t rawlen = 0;

	if (p->signing_secret == NULL || p->signing_secret[0] == '\0')
		return 0;
	raw = crypto_base64_decode(
	    p->signing_secret, strlen(p->signing_secret), &rawlen);
	free(raw);
	if (raw != NULL && rawlen >= 16)
		return 0;
	snprintf(why, whylen,
	    "signing_secret must be the base64 security token Teams showed");
	return -1;
}

/* The Adaptive Card envelope that Workflows expects. */
static char *
teams_payload(const char *text)
{
	struct json_object *o, *att, *card, *body, *tb, *arr;

	tb = json_object_new_object();
	json_object_object_add(tb, "type", json_object_new_string("TextBlock"));
	json_object_object_add(tb, "text", json_object_new_string(text));
	json_object_object_add(tb, "wrap", json_object_new_boolean(1));
	body = json_object_new_array();
	json_object_array_add(body, tb);
	card = json_object_new_object();
	json_object_object_add(card, "$schema",
	    json_object_new_string(
	        "http://adaptivecards.io/schemas/adaptive-card.json"));
	json_object_object_add(
	    card, "type", json_object_new_string("AdaptiveCard"));
	json_object_object_add(card, "version", json_object_new_string("1.2"));
	json_object_object_add(card, "body", body);
	att = json_object_new_object();
	json_object_object_add(att, "contentType",
	    json_object_new_string("application/vnd.microsoft.card.adaptive"));
	json_object_object_add(att, "content", card);
	arr = json_object_new_array();
	json_object_array_add(arr, att);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_string("message"));
	json_object_object_add(o, "attachments", arr);
	return platform_json_take(o);
}

/*
 * The connector wraps the real answer in a sentence:
 * "... returned HTTP error 429 with ContextId ...".
 */
static enum notify_verdict
teams_classify_2xx(long status, const char *body, size_t len, long *wait_ms,
    char *why, size_t whylen)
{
	const char *p;
	long code;

	for (p = body; (size_t)(p - body) + 11 <= len; p++) {
		if (strncasecmp(p, "HTTP error ", 11) != 0)
			continue;
		/* Digits within len: the body need not end in a NUL. */
		for (code = 0, p += 11; (size_t)(p - body) < len &&
		     isdigit((unsigned char)*p) && code < 1000;
		     p++)
			code = code * 10 + (*p - '0');
		if (code < 100 || code > 599)
			break;
		snprintf(
		    why, whylen, "HTTP %ld, Teams error %ld", status, code);
		if (code == 429) {
			/* Microsoft suggests waiting 10 to 15 s. */
			*wait_ms = 10000;
			return NOTIFY_VERDICT_RETRY;
		}
		return platform_verdict_by_status(code) == NOTIFY_VERDICT_RETRY
		    ? NOTIFY_VERDICT_RETRY
		    : NOTIFY_VERDICT_FAIL;
	}
	if (platform_icontains(body, len, "bad request") ||
	    platform_icontains(body, len, "is required")) {
		snprintf(why, whylen, "HTTP %ld, Teams rejected the payload",
		    status);
		return NOTIFY_VERDICT_FAIL;
	}
	if (platform_icontains(body, len, "failed") ||
	    platform_icontains(body, len, "error")) {
		snprintf(
		    why, whylen, "HTTP %ld, Teams reported a failure", status);
		return NOTIFY_VERDICT_RETRY;
	}
	return NOTIFY_VERDICT_OK;
}

const struct platform platform_teams = {
    .name = "teams",
    .needs = PLATFORM_NEEDS_SIGNING_SECRET,
    .check_conf = teams_check_conf,
    .verify = teams_verify,
    .parse = teams_parse,
    .render = teams_render,
    .dialect = PLATFORM_MARKDOWN,
    /*
     * 28 KB per payload; 4 per second and 60 per 30 s.  An answer's text
     * stays well under the payload cap.
     */
    .lim = {.max_payload = 27000,
        .rate_per_min = 120,
        .burst = 4,
        .reply_max = 20000},
    .payload = teams_payload,
    .classify_2xx = teams_classify_2xx,
};
