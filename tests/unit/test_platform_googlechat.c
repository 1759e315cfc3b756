/*
 * The Google Chat descriptor (src/platform/googlechat.c): staff posts
 * only (no requests, no direct messages), plain text (Markdown markers
 * dropped, links as "text <url>"), payloads split under 32000 bytes, and
 * the verdicts of Google's JSON errors, which may echo the posted text
 * and so never reach a log.
 */
#include "platform_test.h"

#define GC "googlechat"

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(GC);
	struct platform_bot bot;

	(void)state;
	assert_null(p->verify);
	assert_null(p->parse);
	assert_false(p->slash_commands);
	assert_null(p->dm_call);
	assert_null(p->form_open);
	assert_int_equal(p->dialect, PLATFORM_PLAIN);
	assert_int_equal(p->lim.max_payload, 32000);
	pt_reset(GC);
	pt_pl.bot_token = "x";
	pt_pl.api_url = "https://g.example";
	assert_false(platform_bot_get(p, &pt_pl, &bot));
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"g **b** [l](https://e.x)", "{\"text\":\"g b l <https://e.x>\"}"},
	    {"@all",
	        "{\"text\":\"@\xe2\x80\x8b"
	        "all\"}"},
	};
	static const struct pt_verdict v[] = {
	    {200, "{\"name\":\"spaces/A/messages/B\"}", NULL, NOTIFY_VERDICT_OK,
	        -1, ""},
	    {400,
	        "{\"error\":{\"code\":400,\"message\":\"Invalid JSON payload: "
	        "the posted text\",\"status\":\"INVALID_ARGUMENT\"}}",
	        NULL, NOTIFY_VERDICT_FAIL, -1, "INVALID_ARGUMENT"},
	    {429,
	        "{\"error\":{\"code\":429,\"status\":\"RESOURCE_EXHAUSTED\"}}",
	        "2", NOTIFY_VERDICT_RETRY, 2000, "HTTP 429"},
	    {500, "", NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 500"},
	};
	char *s;

	(void)state;
	pt_payloads(GC, pay, sizeof(pay) / sizeof(pay[0]));
	pt_split(GC);
	pt_verdicts(GC, v, sizeof(v) / sizeof(v[0]));
	s = platform_render(platform_find(GC), "**a** [l](https://x)");
	assert_string_equal(s, "a l <https://x>");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf),
	    cmocka_unit_test(test_staff),
	};

	return pt_main(tests, sizeof(tests) / sizeof(tests[0]));
}
