/*
 * The platform registry and what every descriptor must hold, plus the
 * JSON helpers of src/platform/.  Each platform's own behaviour (its
 * section, verify, parse, render, payloads and splitting, verdicts,
 * direct messages, forms) is tested in its own
 * tests/unit/test_platform_<name>.c, one per registered platform
 * (test_files below checks it exists), with tests/unit/platform_test.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
}

/* Adding a platform means one file, one registry line, one test file. */
static void
test_files(void **state)
{
	const struct platform *p;
	char path[128];
	size_t i;

	(void)state;
	for (i = 0; (p = platform_at(i)) != NULL; i++) {
		snprintf(path, sizeof(path), "src/platform/%s.c", p->name);
		if (access(path, R_OK) != 0)
			fail_msg("no %s", path);
		snprintf(path, sizeof(path), "tests/unit/test_platform_%s.c",
		    p->name);
		if (access(path, R_OK) != 0)
			fail_msg("no %s", path);
	}
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_registry),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_files),
	    cmocka_unit_test(test_json),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
