/*
 * The generic webhook descriptor (src/platform/webhook.c): any number of
 * [webhook.NAME] sections, staff posts only, {"text", "source"} payloads
 * split under 64 KiB, and every 2xx delivered whatever its body, which is
 * never logged.
 */
#include "platform_test.h"

#define WH "webhook"

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(WH);

	(void)state;
	assert_true(p->named_sections);
	assert_ptr_equal(platform_for_section("webhook.ops"), p);
	assert_ptr_equal(platform_for_section("webhook.a-b_1"), p);
	assert_null(platform_for_section("webhook"));
	assert_null(platform_for_section("webhook."));
	assert_null(platform_for_section("webhook.a b"));
	assert_null(p->verify);
	assert_null(p->dm_call);
	assert_null(p->classify_2xx);
	assert_int_equal(p->lim.max_payload, 65536);
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"w", "{\"text\":\"w\",\"source\":\"intakebot\"}"},
	    {"**b** @here",
	        "{\"text\":\"**b** @\xe2\x80\x8bhere\","
	        "\"source\":\"intakebot\"}"},
	};
	static const struct pt_verdict v[] = {
	    {200, "anything at all", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {204, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {500, "echo: the posted secret text", NULL, NOTIFY_VERDICT_RETRY,
	        -1, "HTTP 500"},
	    {429, "", "Sun, 06 Nov 1994 08:50:07 GMT", NOTIFY_VERDICT_RETRY,
	        30000, "HTTP 429"},
	    {403, "", NULL, NOTIFY_VERDICT_FAIL, -1, "HTTP 403"},
	};

	(void)state;
	pt_payloads(WH, pay, sizeof(pay) / sizeof(pay[0]));
	pt_split(WH);
	pt_verdicts(WH, v, sizeof(v) / sizeof(v[0]));
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
