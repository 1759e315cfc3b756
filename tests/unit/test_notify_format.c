/*
 * notify-format: the registry's platforms, Retry-After and HTTP dates,
 * URL redaction.  Each platform's payloads, splitting and verdicts are
 * tested in its own test_platform_<name>.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "notify-format.h"

static void
test_kinds(void **state)
{
	static const char *names[] = {"mattermost", "slack", "rocketchat",
	    "teams", "discord", "googlechat", "webhook"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_non_null(platform_find(names[i]));
		assert_string_equal(platform_find(names[i])->name, names[i]);
		assert_non_null(platform_find(names[i])->payload);
	}
	assert_null(platform_find("irc"));
	assert_null(platform_find(""));
}

static void
test_url(void **state)
{
	static const struct {
		const char *kind;
		const char *in, *out;
	} t[] = {
	    {"discord", "https://discord.com/api/webhooks/1/T",
	        "https://discord.com/api/webhooks/1/T?wait=true"},
	    {"discord", "https://d.x/api/webhooks/1/T?thread_id=5",
	        "https://d.x/api/webhooks/1/T?thread_id=5&wait=true"},
	    {"discord", "https://d.x/w?wait=false", "https://d.x/w?wait=false"},
	    {"slack", "https://hooks.slack.com/services/T/B/X",
	        "https://hooks.slack.com/services/T/B/X"},
	};
	char *u;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		u = notify_format_url(platform_find(t[i].kind), t[i].in);
		assert_string_equal(u, t[i].out);
		free(u);
	}
}

static void
test_redact(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
	    {"https://hooks.slack.com/services/T0/B0/SECRET",
	        "https://hooks.slack.com/…"},
	    {"https://chat.googleapis.com/v1/spaces/S/messages?key=K&"
	     "token=T",
	        "https://chat.googleapis.com/…"},
	    {"http://user:pw@127.0.0.1:8065/hooks/abc",
	        "http://127.0.0.1:8065/…"},
	    {"https://example.org", "https://example.org"},
	    {"https://example.org?token=x", "https://example.org/…"},
	    {"no scheme/secret", "(malformed URL)"},
	    {"://x/y", "(malformed URL)"},
	    {"ht tp://x/y", "(malformed URL)"},
	};
	char *r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = notify_format_redact(t[i].in);
		assert_string_equal(r, t[i].out);
		assert_null(strstr(r, "SECRET"));
		free(r);
	}
}

static void
test_http_date(void **state)
{
	static const struct {
		const char *in;
		int rc;
		time_t t;
	} t[] = {
	    {"Sun, 06 Nov 1994 08:49:37 GMT", 0, 784111777},
	    {"Sunday, 06-Nov-94 08:49:37 GMT", 0, 784111777},
	    {"Sun Nov  6 08:49:37 1994", 0, 784111777},
	    {"Thu, 01 Jan 1970 00:00:00 GMT", 0, 0},
	    {"Tue, 29 Feb 2028 23:59:59 GMT", 0, 1835481599},
	    {"Sun, 06 Nov 1994 08:49:37 GMT  ", 0, 784111777},
	    {"Sun, 06 Foo 1994 08:49:37 GMT", -1, 0},
	    {"Sun, 06 Nov 1994 25:49:37 GMT", -1, 0},
	    {"Sun, 06 Nov 1994 08:49:37 CET", -1, 0},
	    {"Sun, 06 Nov 1994 08:49:37 GMT x", -1, 0},
	    {"", -1, 0},
	    {"yesterday", -1, 0},
	};
	time_t out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		out = 0;
		assert_int_equal(
		    notify_format_http_date(t[i].in, &out), t[i].rc);
		if (t[i].rc == 0)
			assert_int_equal(out, t[i].t);
	}
}

static void
test_retry_after(void **state)
{
	const time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
	static const struct {
		const char *in;
		long ms;
	} t[] = {
	    {"5", 5000},
	    {" 2 ", 2000},
	    {"0", 0},
	    {"1.5", 1500},
	    {"64.57", 64570},
	    {"Sun, 06 Nov 1994 08:50:07 GMT", 30000},
	    {"Sunday, 06-Nov-94 08:49:47 GMT", 10000},
	    {"Sun, 06 Nov 1994 08:00:00 GMT", 0},
	    {"-1", -1},
	    {"abc", -1},
	    {"", -1},
	    {"5s", -1},
	    {"99999999999", -1},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		assert_int_equal(
		    notify_format_retry_after(t[i].in, now), t[i].ms);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_redact),
	    cmocka_unit_test(test_http_date),
	    cmocka_unit_test(test_retry_after),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
