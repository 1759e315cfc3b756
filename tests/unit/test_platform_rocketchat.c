/*
 * The Rocket.Chat descriptor (src/platform/rocketchat.c): the token
 * inside an outgoing webhook's JSON (good, wrong at either end, missing),
 * the payload Rocket.Chat really sends, answers (a private one addressed
 * "@name", withheld with a hint when the name cannot be addressed; bots
 * and our own name ignored), staff payloads and their split at 5000
 * characters, {"success": false} inside a 200, and the one-call direct
 * message by user name.
 */
#include "platform_test.h"

#define RC "rocketchat"
#define JSON "application/json"

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(RC);
	struct platform_bot bot;

	(void)state;
	assert_true(p->needs & PLATFORM_NEEDS_TOKEN);
	assert_int_equal(p->lim.max_chars, 5000);
	assert_true(p->dm_by_name);
	assert_true(p->dm_needs_user_id);
	pt_reset(RC);
	pt_pl.api_url = "https://rc.example";
	pt_pl.bot_token = "rcbot";
	pt_pl.bot_user_id = "";
	assert_false(platform_bot_get(p, &pt_pl, &bot));
	pt_pl.bot_user_id = "u";
	assert_true(platform_bot_get(p, &pt_pl, &bot));
	assert_string_equal(bot.user_id, "u");
}

static void
test_verify(void **state)
{
	char *body = pt_fixture("rocketchat-outgoing.json");
	struct hook_response r;

	(void)state;
	pt_reset(RC);
	pt_pl.token = "rc-token-9f8e7d6c5b4a";
	assert_int_equal(pt_run("POST", JSON, body, NULL, NULL, &r), 200);
	assert_int_equal(pt_handled, 1);
	assert_string_equal(pt_sender, "jose");
	assert_string_equal(pt_text, "!287g");
	free(r.body);
	pt_pl.token = "xc-token-9f8e7d6c5b4a";
	pt_refused(403, "POST", JSON, body, NULL);
	pt_pl.token = "rc-token-9f8e7d6c5b4b";
	pt_refused(403, "POST", JSON, body, NULL);
	pt_refused(401, "POST", JSON, "{\"text\":\"!a\"}", NULL);
	pt_refused(401, "POST", JSON, "{\"token\":\"\",\"text\":\"!a\"}", NULL);
	pt_refused(400, "POST", JSON, "{\"token\":", NULL);
	pt_refused(405, "GET", NULL, "", NULL);
	free(body);
}

static void
test_parse_render(void **state)
{
	struct hook_response r;

	(void)state;
	pt_reset(RC);
	pt_pl.token = "rt";
	pt_answer_to = REPLY_PRIVATE;
	assert_int_equal(pt_run("POST", JSON,
	                     "{\"token\":\"rt\",\"bot\":false,\"user_name\":"
	                     "\"jo\",\"channel_name\":\"general\",\"text\":"
	                     "\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(pt_handled, 1);
	assert_false(pt_last.no_private);
	/* A private answer is addressed to the asker: a direct message. */
	assert_string_equal(
	    r.body, "{\"text\":\"**ok**\",\"channel\":\"@jo\"}");
	free(r.body);
	/* A name that cannot be addressed: withheld, and a hint instead. */
	assert_int_equal(pt_run("POST", JSON,
	                     "{\"token\":\"rt\",\"user_name\":\"j o\","
	                     "\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	pt_withheld(&r);
	assert_null(strstr(r.body, "channel"));
	free(r.body);
	/* Mass mentions in a public answer are broken. */
	pt_answer_to = REPLY_HERE;
	pt_reply = "@all @here hi";
	assert_int_equal(pt_run("POST", JSON,
	                     "{\"token\":\"rt\",\"user_name\":\"jo\","
	                     "\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_null(strstr(r.body, "\"@all"));
	assert_null(strstr(r.body, " @here"));
	free(r.body);
	/* Our own name, and bots, are never answered. */
	assert_int_equal(pt_run("POST", JSON,
	                     "{\"token\":\"rt\",\"user_name\":\"IntakeBot\","
	                     "\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(pt_handled, 0);
	assert_null(r.body);
	assert_int_equal(pt_run("POST", JSON,
	                     "{\"token\":\"rt\",\"bot\":true,\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(pt_handled, 0);
	assert_int_equal(pt_run("POST", JSON,
	                     "{\"token\":\"rt\",\"bot\":{\"i\":\"x\"},"
	                     "\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(pt_handled, 0);
	assert_int_equal(
	    pt_run("POST", JSON, "{\"token\":\"rt\"}", NULL, NULL, &r), 400);
	free(r.body);
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"r **b**", "{\"text\":\"r **b**\"}"},
	    {"@all",
	        "{\"text\":\"@\xe2\x80\x8b"
	        "all\"}"},
	};
	static const struct pt_verdict v[] = {
	    {200, "{\"success\":true}", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {200, "{\"success\":false,\"error\":\"invalid-channel\"}", NULL,
	        NOTIFY_VERDICT_FAIL, -1, "error invalid-channel"},
	    {200, "{\"success\":false,\"error\":\"error-too-many-requests\"}",
	        NULL, NOTIFY_VERDICT_RETRY, -1, "too-many"},
	    {503, "", NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 503"},
	    {429, "", "4", NOTIFY_VERDICT_RETRY, 4000, "HTTP 429"},
	};

	(void)state;
	pt_payloads(RC, pay, sizeof(pay) / sizeof(pay[0]));
	pt_split(RC);
	pt_verdicts(RC, v, sizeof(v) / sizeof(v[0]));
}

static void
test_dm(void **state)
{
	static const struct pt_dm_step steps[] = {
	    {"http://a/api/v1/chat.postMessage",
	        "{\"channel\":\"@u1\",\"text\":\"hi\"}", "{\"success\":true}"},
	};
	char why[128];

	(void)state;
	pt_dm(RC, "X-Auth-Token: tok", steps, 1);
	assert_int_equal(pt_dm_verdict(RC,
	                     "{\"success\":false,\"error\":"
	                     "\"error-too-many-requests\"}",
	                     why, sizeof(why)),
	    NOTIFY_VERDICT_RETRY);
	assert_int_equal(
	    pt_dm_verdict(RC,
	        "{\"success\":false,\"error\":\"invalid-channel\"}", why,
	        sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
	assert_non_null(strstr(why, "invalid-channel"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_parse_render),
	    cmocka_unit_test(test_staff),
	    cmocka_unit_test(test_dm),
	};

	return pt_main(tests, sizeof(tests) / sizeof(tests[0]));
}
