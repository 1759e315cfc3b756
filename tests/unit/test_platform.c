/*
 * The platform registry and what every descriptor must hold, plus the
 * JSON helpers of src/platform/.  Each platform's own behaviour (verify,
 * parse, render, payloads, verdicts) is tested in test_hook_platforms.c
 * and test_notify_format.c, table-driven by platform name.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "conf.h"
#include "platform.h"

static void
test_registry(void **state)
{
	const struct platform *p;
	size_t i, j;
	char *s;

	(void)state;
	for (i = 0; (p = platform_at(i)) != NULL; i++) {
		/* Names are unique and found. */
		assert_ptr_equal(platform_find(p->name), p);
		for (j = 0; j < i; j++)
			assert_string_not_equal(platform_at(j)->name, p->name);
		/* Every platform can post to staff and has limits. */
		assert_non_null(p->payload);
		assert_true(p->lim.max_chars > 0 || p->lim.max_payload > 0);
		assert_true(p->lim.rate_per_min > 0 && p->lim.burst > 0);
		s = p->payload("x");
		assert_non_null(strstr(s, "\"x\""));
		free(s);
		/* Inbound means the whole pipeline, and a credential. */
		if (p->verify != NULL) {
			assert_non_null(p->parse);
			assert_non_null(p->render);
			assert_true(p->needs != 0);
		} else {
			assert_null(p->parse);
			assert_false(p->slash_commands);
		}
	}
	assert_true(i >= 7);
	assert_null(platform_find("irc"));
}

static void
test_sections(void **state)
{
	(void)state;
	assert_string_equal(platform_for_section("slack")->name, "slack");
	assert_string_equal(
	    platform_for_section("webhook.ops")->name, "webhook");
	assert_string_equal(
	    platform_for_section("webhook.a-b_1")->name, "webhook");
	assert_null(platform_for_section("webhook"));
	assert_null(platform_for_section("webhook."));
	assert_null(platform_for_section("webhook.a b"));
	assert_null(platform_for_section("slack.x"));
	assert_null(platform_for_section("irc"));
}

/* Limits are written once: the answer cap never exceeds a post's. */
static void
test_limits(void **state)
{
	const struct platform *p;
	size_t i;

	(void)state;
	for (i = 0; (p = platform_at(i)) != NULL; i++)
		if (p->lim.reply_max > 0 && p->lim.max_chars > 0)
			assert_true(p->lim.reply_max <= p->lim.max_chars);
	assert_int_equal(platform_find("rocketchat")->lim.max_chars, 5000);
	assert_int_equal(platform_find("discord")->lim.max_chars, 2000);
}

static void
test_render(void **state)
{
	char *s;

	(void)state;
	s = platform_render(
	    platform_find("slack"), "**a** & [l](https://x/?a&b) <x>");
	assert_string_equal(s, "*a* &amp; <https://x/?a&amp;b|l> &lt;x&gt;");
	free(s);
	s = platform_render(
	    platform_find("googlechat"), "**a** [l](https://x)");
	assert_string_equal(s, "a l <https://x>");
	free(s);
	s = platform_render(platform_find("mattermost"), "**a**");
	assert_string_equal(s, "**a**");
	free(s);
}

static void
test_json(void **state)
{
	struct json_object *o;
	char deep[64], tok[PLATFORM_TOKEN_MAX + 1];
	char *s;

	(void)state;
	o = platform_json_parse("{\"a\":\"x\",\"b\":true} \n", 20);
	assert_non_null(o);
	assert_string_equal(platform_json_str(o, "a", NULL), "x");
	assert_null(platform_json_str(o, "b", NULL));
	assert_true(platform_json_true(o, "b"));
	assert_false(platform_json_true(o, "a"));
	platform_json_doc_free(o);
	assert_null(platform_json_parse("{\"a\":1} x", 9));
	assert_null(platform_json_parse("{\"a\":", 5));
	assert_null(platform_json_object("[1]", 3));
	memset(deep, '[', 40);
	assert_null(platform_json_parse(deep, 40));
	s = platform_json_text("text",
	    "a\xe2\x80\xa8"
	    "b\"");
	assert_string_equal(s, "{\"text\":\"a\\u2028b\\\"\"}");
	free(s);
	assert_true(platform_json_error(
	    "{\"ok\":false,\"error\":\"invalid_auth\"}", 35, tok, sizeof(tok)));
	assert_string_equal(tok, "invalid_auth");
	assert_false(platform_json_error(
	    "{\"error\":\"<script>\"}", 20, tok, sizeof(tok)));
	assert_int_equal(
	    platform_json_retry_after("{\"retry_after\":1.5}", 19), 1500);
	assert_int_equal(platform_json_retry_after("nope", 4), -1);
	assert_int_equal(
	    platform_json_body_bool("{\"ok\":false}", 12, "ok"), 0);
	assert_int_equal(platform_json_body_bool("{\"ok\":true}", 11, "ok"), 1);
	assert_int_equal(platform_json_body_bool("{}", 2, "ok"), -1);
	assert_true(platform_json_body_has("{\"error\":{}}", 12, "error"));
	assert_false(platform_json_body_has("ok", 2, "error"));
}

/* What a section needs: one table, from the descriptors. */
static void
test_check_conf(void **state)
{
	const struct platform *t = platform_find("teams");
	struct conf_platform pl;
	char why[160];

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.signing_secret = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
	assert_int_equal(t->check_conf(&pl, why, sizeof(why)), 0);
	pl.signing_secret = "short";
	assert_int_equal(t->check_conf(&pl, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "base64"));
	assert_true(
	    platform_find("slack")->needs & PLATFORM_NEEDS_SIGNING_SECRET);
	assert_true(
	    platform_find("discord")->needs & PLATFORM_NEEDS_PUBLIC_KEY);
	assert_true(platform_find("mattermost")->needs & PLATFORM_NEEDS_TOKEN);
	assert_null(platform_find("googlechat")->verify);
}

/* Each direct-message platform's calls, step by step, and its verdicts. */
static void
test_dm(void **state)
{
	static const struct {
		const char *name;
		const char *answer[3]; /* to each step, the last the post */
		const char *url[3];
		const char *body[3];
		const char *auth;
	} t[] = {
	    {"mattermost",
	        {"{\"id\":\"botid\"}", "{\"id\":\"dmch\"}", "{\"id\":\"p1\"}"},
	        {"http://a/api/v4/users/me", "http://a/api/v4/channels/direct",
	            "http://a/api/v4/posts"},
	        {NULL, "[\"botid\",\"u1\"]",
	            "{\"channel_id\":\"dmch\",\"message\":\"hi\"}"},
	        "Authorization: Bearer tok"},
	    {"slack",
	        {"{\"ok\":true,\"channel\":{\"id\":\"D1\"}}", "{\"ok\":true}",
	            NULL},
	        {"http://a/conversations.open", "http://a/chat.postMessage"},
	        {"{\"users\":\"u1\"}", "{\"channel\":\"D1\",\"text\":\"hi\"}"},
	        "Authorization: Bearer tok"},
	    {"discord", {"{\"id\":\"99\"}", "{\"id\":\"5\"}", NULL},
	        {"http://a/users/@me/channels",
	            "http://a/channels/99/messages"},
	        {"{\"recipient_id\":\"u1\"}",
	            "{\"content\":\"hi\",\"allowed_mentions\":{\"parse\":[]}}"},
	        "Authorization: Bot tok"},
	    {"rocketchat", {"{\"success\":true}", NULL, NULL},
	        {"http://a/api/v1/chat.postMessage"},
	        {"{\"channel\":\"@u1\",\"text\":\"hi\"}"}, "X-Auth-Token: tok"},
	};
	struct platform_bot bot = {"http://a/", "tok", "me"};
	struct platform_call c;
	struct platform_dm dm;
	const struct platform *p;
	char why[128];
	long wait;
	size_t i, k;
	bool sent;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		p = platform_find(t[i].name);
		memset(&dm, 0, sizeof(dm));
		dm.user = "u1";
		sent = false;
		for (k = 0; !sent; k++) {
			assert_true(k < 3);
			memset(&c, 0, sizeof(c));
			p->dm_call(&bot, &dm, "hi", &c);
			assert_string_equal(c.url, t[i].url[k]);
			assert_string_equal(c.header[0], t[i].auth);
			if (t[i].body[k] == NULL) {
				assert_true(c.get);
			} else {
				assert_false(c.get);
				assert_string_equal(c.body, t[i].body[k]);
			}
			platform_call_free(&c);
			assert_int_equal(p->dm_answer(&dm, t[i].answer[k],
			                     strlen(t[i].answer[k]), &sent,
			                     &wait, why, sizeof(why)),
			    NOTIFY_VERDICT_OK);
		}
		free(dm.self);
		free(dm.channel);
	}
	/* Errors inside a 200: transient ones retried, others not. */
	p = platform_find("slack");
	memset(&dm, 0, sizeof(dm));
	assert_int_equal(
	    p->dm_answer(&dm, "{\"ok\":false,\"error\":\"ratelimited\"}", 34,
	        &sent, &wait, why, sizeof(why)),
	    NOTIFY_VERDICT_RETRY);
	assert_int_equal(
	    p->dm_answer(&dm, "{\"ok\":false,\"error\":\"user_not_found\"}", 37,
	        &sent, &wait, why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
	assert_non_null(strstr(why, "user_not_found"));
	p = platform_find("rocketchat");
	assert_int_equal(
	    p->dm_answer(&dm,
	        "{\"success\":false,\"error\":\"error-too-many-requests\"}", 51,
	        &sent, &wait, why, sizeof(why)),
	    NOTIFY_VERDICT_RETRY);
	/* An id that cannot stand in a URL is refused. */
	p = platform_find("discord");
	assert_int_equal(p->dm_answer(&dm, "{\"id\":\"../x\"}", 13, &sent,
	                     &wait, why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
	assert_null(dm.channel);
	/* Who has direct messages, and what a section needs for them. */
	assert_null(platform_find("teams")->dm_call);
	assert_null(platform_find("googlechat")->dm_call);
	assert_true(platform_find("rocketchat")->dm_by_name);
}

static void
test_bot_get(void **state)
{
	struct conf_platform pl;
	struct platform_bot bot;

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.api_url = "";
	pl.bot_token = "";
	pl.bot_user_id = "";
	assert_false(platform_bot_get(platform_find("slack"), &pl, &bot));
	pl.bot_token = "xoxb-1";
	assert_true(platform_bot_get(platform_find("slack"), &pl, &bot));
	assert_string_equal(bot.api_url, "https://slack.com/api");
	/* Mattermost has no default server; Rocket.Chat needs its user id. */
	assert_false(platform_bot_get(platform_find("mattermost"), &pl, &bot));
	pl.api_url = "https://rc.example";
	assert_false(platform_bot_get(platform_find("rocketchat"), &pl, &bot));
	pl.bot_user_id = "u";
	assert_true(platform_bot_get(platform_find("rocketchat"), &pl, &bot));
	assert_false(platform_bot_get(platform_find("teams"), &pl, &bot));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_check_conf),
	    cmocka_unit_test(test_dm),
	    cmocka_unit_test(test_bot_get),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
