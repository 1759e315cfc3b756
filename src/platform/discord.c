/*
 * Discord interactions.  Verification first: Ed25519 over the
 * X-Signature-Timestamp header followed by the raw body, under the
 * application's public key; anything wrong is a 401, as Discord demands
 * (it sends forged requests on purpose to check).  A PING is answered
 * with a PONG; an application command (/intake with a string option) is
 * answered with a message (type 4) that never pings anyone
 * (allowed_mentions parse []), ephemeral (flag 64) when any reply is
 * private.  Content is capped at 2000 characters.
 */
#define LOG_MODULE "discord"
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "conf.h"
#include "crypto.h"
#include "platform.h"
#include "log.h"
#include "xmalloc.h"

extern const struct platform platform_discord;

#define DISCORD_PING 1
#define DISCORD_COMMAND 2
#define DISCORD_AUTOCOMPLETE 4
#define DISCORD_MODAL_SUBMIT 5
#define DISCORD_MODAL 9
#define DISCORD_ROW 1
#define DISCORD_TEXT_INPUT 4
#define DISCORD_LABEL 18
#define DISCORD_PONG 1
#define DISCORD_MESSAGE 4
#define DISCORD_CHOICES 8
#define DISCORD_EPHEMERAL 64
#define DISCORD_OPT_STRING 3

static int
discord_verify(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	unsigned char pub[CRYPTO_ED25519_KEY_LEN], sig[CRYPTO_ED25519_SIG_LEN];
	const char *hsig, *ts, *key = ctx->pl->public_key;
	struct crypto_part parts[2];
	int64_t t;

	(void)ev;
	if (hook_require_post(req, "application/json", resp) == -1)
		return -1;
	hsig = req->header(req->header_arg, "X-Signature-Ed25519");
	ts = req->header(req->header_arg, "X-Signature-Timestamp");
	if (hsig == NULL || ts == NULL ||
	    crypto_hex_decode(hsig, sig, sizeof(sig)) == -1 ||
	    (t = hook_parse_seconds(ts)) < 0) {
		hook_refuse(resp, 401, "no or malformed signature", true);
		return -1;
	}
	/* Discord names no window; the Slack one stops old replays. */
	if (t < req->now - HOOK_WINDOW_SECONDS ||
	    t > req->now + HOOK_WINDOW_SECONDS) {
		hook_refuse(resp, 401, "timestamp outside the window", true);
		return -1;
	}
	parts[0] = (struct crypto_part){ts, strlen(ts)};
	parts[1] = (struct crypto_part){req->body, req->body_len};
	if (key == NULL || crypto_hex_decode(key, pub, sizeof(pub)) == -1 ||
	    !crypto_ed25519_verify(pub, sig, parts, 2)) {
		hook_refuse(resp, 401, "bad signature", true);
		return -1;
	}
	return 0;
}

/* The command line: the "text" string option, else the first string. */
static const char *
discord_option_text(struct json_object *data, size_t *len)
{
	struct json_object *opts, *opt, *v;
	const char *name, *first = NULL, *s;
	size_t i, n, flen = 0;

	if (!json_object_object_get_ex(data, "options", &opts) ||
	    !json_object_is_type(opts, json_type_array))
		return NULL;
	n = json_object_array_length(opts);
	for (i = 0; i < n && i < 25; i++) {
		opt = json_object_array_get_idx(opts, i);
		if (!json_object_object_get_ex(opt, "value", &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		s = json_object_get_string(v);
		name = platform_json_str(opt, "name", NULL);
		if (name != NULL && strcmp(name, "text") == 0) {
			*len = (size_t)json_object_get_string_len(v);
			return s;
		}
		if (first == NULL) {
			first = s;
			flen = (size_t)json_object_get_string_len(v);
		}
	}
	*len = flen;
	return first;
}

/* An application id is a snowflake: digits only. */
static int
discord_check_conf(const struct conf_platform *p, char *why, size_t whylen)
{
	const char *s = p->application_id;

	if (s == NULL || s[0] == '\0' || strspn(s, "0123456789") == strlen(s))
		return 0;
	snprintf(why, whylen,
	    "application_id must be the application's "
	    "numeric id");
	return -1;
}

static int
discord_parse(const struct hook_ctx *ctx, const struct hook_request *req,
    struct hook_event *ev, struct hook_response *resp)
{
	struct json_object *o, *type, *data, *member, *user, *ch;
	const char *app;
	int64_t t;

	if ((o = platform_json_event(req, ev, resp)) == NULL)
		return -1;
	/* Signed by our key, yet meant for another application: refused. */
	if (ctx->pl->application_id != NULL &&
	    ctx->pl->application_id[0] != '\0' &&
	    ((app = platform_json_str(o, "application_id", NULL)) == NULL ||
	        strcmp(app, ctx->pl->application_id) != 0)) {
		hook_refuse(
		    resp, 403, "interaction for another application", true);
		return -1;
	}
	if (!json_object_object_get_ex(o, "type", &type) ||
	    !json_object_is_type(type, json_type_int)) {
		hook_refuse(resp, 400, "not an interaction", false);
		return -1;
	}
	t = json_object_get_int64(type);
	if (t == DISCORD_PING) {
		hook_respond(resp, xstrdup("{\"type\":1}"));
		return 1;
	}
	if (t == DISCORD_AUTOCOMPLETE) {
		hook_respond(
		    resp, xstrdup("{\"type\":8,\"data\":{\"choices\":[]}}"));
		return 1;
	}
	if ((t != DISCORD_COMMAND && t != DISCORD_MODAL_SUBMIT) ||
	    (data = platform_json_obj(o, "data")) == NULL) {
		hook_refuse(resp, 400, "unsupported interaction", false);
		return -1;
	}
	ev->slash = true;
	ev->private_ok = true; /* flag 64 */
	ev->id = platform_json_str(o, "id", NULL);
	ev->team = platform_json_str(o, "guild_id", NULL);
	ev->is_private = ev->team == NULL;
	ev->channel_id = platform_json_str(o, "channel_id", NULL);
	if ((ch = platform_json_obj(o, "channel")) != NULL)
		ev->channel_name = platform_json_str(ch, "name", NULL);
	member = platform_json_obj(o, "member");
	if ((user = platform_json_obj(member, "user")) == NULL)
		user = platform_json_obj(o, "user");
	ev->user_id = platform_json_str(user, "id", NULL);
	ev->user_name = platform_json_str(user, "username", NULL);
	ev->from_bot = platform_json_true(user, "bot");
	ev->lang = platform_json_str(o, "locale", NULL);
	if (t == DISCORD_MODAL_SUBMIT) {
		const char *id = platform_json_str(data, "custom_id", NULL);

		if (id == NULL || strcmp(id, "intake") != 0) {
			hook_refuse(resp, 400, "unknown modal", false);
			return -1;
		}
		ev->form_submit = true;
		return 0;
	}
	ev->trigger = ev->id;
	ev->command = platform_json_str(data, "name", NULL);
	ev->text = discord_option_text(data, &ev->text_len);
	if (ev->text == NULL || ev->text_len == 0) {
		ev->text = "help";
		ev->text_len = 4;
	}
	return 0;
}

static void
discord_render(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct replies *rs, struct hook_response *resp)
{
	struct json_object *o, *data, *am;
	bool priv;
	char *text;

	(void)ctx;
	priv = rs->count == 0 || ev->is_private ||
	    hook_replies_count(rs, REPLY_PRIVATE) > 0;
	text = hook_render_text(rs, REPLY_HERE, true, &platform_discord, 0);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_int(DISCORD_MESSAGE));
	data = json_object_new_object();
	/* Discord refuses an empty message: say so rather than time out. */
	json_object_object_add(data, "content",
	    json_object_new_string(text != NULL ? text : "(no answer)"));
	if (priv)
		json_object_object_add(
		    data, "flags", json_object_new_int(DISCORD_EPHEMERAL));
	am = json_object_new_object();
	json_object_object_add(am, "parse", json_object_new_array());
	json_object_object_add(data, "allowed_mentions", am);
	json_object_object_add(o, "data", data);
	free(text);
	resp->nreplies = rs->count;
	hook_respond(resp, platform_json_take(o));
}

/*
 * The modal (response type 9): at most five inputs, each a text input in
 * a label (type 18).  Language and availability are not asked: the
 * language is the interaction's locale, the availability goes with the
 * description.
 */
static int
discord_form_open(const struct hook_ctx *ctx, const struct hook_event *ev,
    const struct platform_form *f, struct platform_call *c,
    struct hook_response *resp)
{
	struct json_object *o, *data, *comps, *label, *in;
	size_t i;

	(void)ctx;
	(void)ev;
	(void)c;
	if (f == NULL)
		return 0;
	comps = json_object_new_array();
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		if (f->label[i] == NULL)
			continue;
		in = json_object_new_object();
		json_object_object_add(
		    in, "type", json_object_new_int(DISCORD_TEXT_INPUT));
		json_object_object_add(
		    in, "custom_id", json_object_new_string(f->name[i]));
		json_object_object_add(in, "style",
		    json_object_new_int(
		        i == PLATFORM_FORM_DESCRIPTION ? 2 : 1));
		json_object_object_add(in, "max_length",
		    json_object_new_int(
		        (int)(f->max[i] < 4000 ? f->max[i] : 4000)));
		label = json_object_new_object();
		json_object_object_add(
		    label, "type", json_object_new_int(DISCORD_LABEL));
		json_object_object_add(
		    label, "label", platform_json_string_max(f->label[i], 45));
		if (f->hint[i] != NULL)
			json_object_object_add(label, "description",
			    platform_json_string_max(f->hint[i], 100));
		json_object_object_add(label, "component", in);
		json_object_array_add(comps, label);
	}
	data = json_object_new_object();
	json_object_object_add(
	    data, "custom_id", json_object_new_string("intake"));
	json_object_object_add(
	    data, "title", platform_json_string_max(f->title, 45));
	json_object_object_add(data, "components", comps);
	o = json_object_new_object();
	json_object_object_add(o, "type", json_object_new_int(DISCORD_MODAL));
	json_object_object_add(o, "data", data);
	hook_respond(resp, platform_json_take(o));
	return 0;
}

/* One text input of a submission into value, by its custom_id. */
static void
discord_form_value(
    struct json_object *in, const char *value[PLATFORM_FORM_FIELDS])
{
	const char *id = platform_json_str(in, "custom_id", NULL);
	size_t i;

	for (i = 0; id != NULL && i < PLATFORM_FORM_FIELDS; i++)
		if (strcmp(id, platform_form_names[i]) == 0)
			value[i] = platform_json_str(in, "value", NULL);
}

/*
 * Both shapes: data.components[] as action rows with components[], or
 * as labels with one component.
 */
static void
discord_form_values(
    const struct hook_event *ev, const char *value[PLATFORM_FORM_FIELDS])
{
	struct json_object *data, *comps, *c, *inner, *in;
	size_t i, j, n;

	data = platform_json_obj(ev->doc, "data");
	if (!json_object_object_get_ex(data, "components", &comps) ||
	    !json_object_is_type(comps, json_type_array))
		return;
	n = json_object_array_length(comps);
	for (i = 0; i < n && i < 10; i++) {
		c = json_object_array_get_idx(comps, i);
		if ((in = platform_json_obj(c, "component")) != NULL)
			discord_form_value(in, value);
		if (json_object_object_get_ex(c, "components", &inner) &&
		    json_object_is_type(inner, json_type_array))
			for (j = 0;
			     j < json_object_array_length(inner) && j < 5; j++)
				discord_form_value(
				    json_object_array_get_idx(inner, j), value);
	}
}

/* Mentions are never parsed, so nothing we post can ping anyone. */
static char *
discord_payload(const char *text)
{
	struct json_object *o, *am;

	o = json_object_new_object();
	json_object_object_add(o, "content", json_object_new_string(text));
	am = json_object_new_object();
	json_object_object_add(am, "parse", json_object_new_array());
	json_object_object_add(o, "allowed_mentions", am);
	return platform_json_take(o);
}

/* wait=true, so that errors come back instead of a blind 204. */
static char *
discord_post_url(const char *url)
{
	if (strstr(url, "wait=") == NULL)
		return xasprintf(
		    "%s%swait=true", url, strchr(url, '?') != NULL ? "&" : "?");
	return xstrdup(url);
}

/*
 * A direct message: POST /users/@me/channels with the recipient gives
 * the DM channel (the existing one comes back), then each part goes to
 * /channels/{id}/messages, never pinging anyone.
 */
static void
discord_dm_call(const struct platform_bot *bot, const struct platform_dm *dm,
    const char *text, struct platform_call *c)
{
	struct json_object *o;
	char *path;

	c->header[0] = xasprintf("Authorization: Bot %s", bot->token);
	c->header[1] = xasprintf("User-Agent: DiscordBot "
	                         "(https://github.com/intakebot, 1)");
	if (dm->channel == NULL) {
		c->url = platform_api_url(bot, "/users/@me/channels");
		o = json_object_new_object();
		json_object_object_add(
		    o, "recipient_id", json_object_new_string(dm->user));
		c->body = platform_json_take(o);
		return;
	}
	path = xasprintf("/channels/%s/messages", dm->channel);
	c->url = platform_api_url(bot, path);
	free(path);
	c->body = discord_payload(text);
}

static enum notify_verdict
discord_dm_answer(struct platform_dm *dm, const char *body, size_t len,
    bool *sent, long *wait_ms, char *why, size_t whylen)
{
	char *id;

	(void)wait_ms;
	if ((id = platform_json_id(body, len, NULL, "id")) == NULL) {
		snprintf(why, whylen, "answer without an id");
		return NOTIFY_VERDICT_FAIL;
	}
	if (dm->channel == NULL) {
		dm->channel = id;
		return NOTIFY_VERDICT_OK;
	}
	free(id);
	*sent = true;
	return NOTIFY_VERDICT_OK;
}

const struct platform platform_discord = {
    .name = "discord",
    .needs = PLATFORM_NEEDS_PUBLIC_KEY,
    .check_conf = discord_check_conf,
    .verify = discord_verify,
    .parse = discord_parse,
    .render = discord_render,
    .slash_commands = true,
    /* name, contact, urgency, description, consent: five at most. */
    .form_fields = 0x73,
    .form_open = discord_form_open,
    .form_values = discord_form_values,
    .dialect = PLATFORM_MARKDOWN,
    /* 2000 characters of content; about 5 requests per 2 s. */
    .lim = {.max_chars = 2000, .rate_per_min = 150, .burst = 5},
    .payload = discord_payload,
    .post_url = discord_post_url,
    .default_api_url = "https://discord.com/api/v10",
    .dm_call = discord_dm_call,
    .dm_answer = discord_dm_answer,
};
