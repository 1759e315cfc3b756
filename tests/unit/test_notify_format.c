/*
 * notify-format: payloads per platform, splitting, verdicts on answers,
 * Retry-After and HTTP dates, URL redaction.  Table-driven.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "notify-format.h"

static size_t
cp_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

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
	assert_int_equal(platform_find("discord")->lim.max_chars, 2000);
}

static void
test_payloads(void **state)
{
	static const struct {
		const char *kind;
		const char *text;
		const char *json;
	} t[] = {
	    {"mattermost", "hello **x** [l](https://e.x/a)",
	        "{\"text\":\"hello **x** [l](https://e.x/a)\"}"},
	    {"slack", "a **b** & [l](https://e.x/a) <x>",
	        "{\"text\":\"a *b* &amp; <https://e.x/a|l> &lt;x&gt;\"}"},
	    {"rocketchat", "r **b**", "{\"text\":\"r **b**\"}"},
	    {"googlechat", "g **b** [l](https://e.x)",
	        "{\"text\":\"g b l <https://e.x>\"}"},
	    {"discord", "d",
	        "{\"content\":\"d\",\"allowed_mentions\":{\"parse\":[]}}"},
	    {"webhook", "w", "{\"text\":\"w\",\"source\":\"intakebot\"}"},
	    {"teams", "t **b**",
	        "{\"type\":\"message\",\"attachments\":[{\"contentType\":"
	        "\"application/vnd.microsoft.card.adaptive\",\"content\":{"
	        "\"$schema\":\"http://adaptivecards.io/schemas/adaptive-"
	        "card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.2\","
	        "\"body\":[{\"type\":\"TextBlock\",\"text\":\"t **b**\","
	        "\"wrap\":true}]}}]}"},
	    /* Escaping: quotes, backslash, newline, U+2028. */
	    {"mattermost", "q\"\\\nx\xe2\x80\xa8y",
	        "{\"text\":\"q\\\"\\\\\\nx\\u2028y\"}"},
	    /* Mass mentions broken with U+200B, whatever the platform. */
	    {"mattermost", "@channel @here hi",
	        "{\"text\":\"@\xe2\x80\x8b"
	        "channel @\xe2\x80\x8bhere hi\"}"},
	    {"discord", "@everyone",
	        "{\"content\":\"@\xe2\x80\x8b"
	        "everyone\","
	        "\"allowed_mentions\":{\"parse\":[]}}"},
	    {"slack", "<!channel>",
	        "{\"text\":\"&lt;\xe2\x80\x8b!channel&gt;\"}"},
	    /* Nothing to say still says something. */
	    {"mattermost", "", "{\"text\":\"(empty)\"}"},
	};
	char **parts;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		n = notify_format_payloads(
		    platform_find(t[i].kind), t[i].text, &parts);
		assert_int_equal(n, 1);
		assert_string_equal(parts[0], t[i].json);
		notify_format_free(parts, n);
	}
}

/* Concatenates the "content" of Discord parts (no JSON escapes used). */
static void
test_split_discord(void **state)
{
	const char *prefix = "{\"content\":\"";
	char *text, **parts, *p;
	size_t i, n, len = 0;

	(void)state;
	/* 4500 characters of words: three parts, none over 2000. */
	text = malloc(4501);
	for (i = 0; i < 4500; i++)
		text[i] = i % 10 == 9 ? ' ' : (char)('a' + i % 7);
	text[4499] = 'z';
	text[4500] = '\0';
	n = notify_format_payloads(platform_find("discord"), text, &parts);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_int_equal(strncmp(parts[i], prefix, strlen(prefix)), 0);
		p = strchr(parts[i] + strlen(prefix), '"');
		assert_non_null(p);
		assert_true(p - parts[i] - strlen(prefix) <= 2000);
		if (i + 1 < n)
			assert_true(p - parts[i] - strlen(prefix) > 1000);
		/* Cut before a space: no part starts or ends with one. */
		assert_true(parts[i][strlen(prefix)] != ' ');
		assert_true(p[-1] != ' ');
		len += (size_t)(p - parts[i]) - strlen(prefix);
	}
	/* Only the spaces at the two cuts are gone. */
	assert_int_equal(len, 4500 - 2);
	notify_format_free(parts, n);
	free(text);

	/* 3000 two-byte characters, no space: 2000 + 1000 code points. */
	text = malloc(6001);
	for (i = 0; i < 3000; i++)
		memcpy(text + 2 * i, "\xc3\xa9", 2);
	text[6000] = '\0';
	n = notify_format_payloads(platform_find("discord"), text, &parts);
	assert_int_equal(n, 2);
	*strchr(parts[0] + strlen(prefix), '"') = '\0';
	*strchr(parts[1] + strlen(prefix), '"') = '\0';
	assert_int_equal(cp_count(parts[0] + strlen(prefix)), 2000);
	assert_int_equal(cp_count(parts[1] + strlen(prefix)), 1000);
	notify_format_free(parts, n);
	free(text);

	/* A newline in the second half is preferred to a later space. */
	text = malloc(2601);
	memset(text, 'x', 2600);
	text[1500] = '\n';
	text[1900] = ' ';
	text[2600] = '\0';
	n = notify_format_payloads(platform_find("discord"), text, &parts);
	assert_int_equal(n, 2);
	p = strchr(parts[0] + strlen(prefix), '"');
	assert_int_equal(p - parts[0] - strlen(prefix), 1500);
	notify_format_free(parts, n);
	free(text);

	/* Far too long: capped, the last part says so. */
	text = malloc(50001);
	memset(text, 'y', 50000);
	text[50000] = '\0';
	n = notify_format_payloads(platform_find("discord"), text, &parts);
	assert_int_equal(n, NOTIFY_FORMAT_PARTS_MAX);
	assert_non_null(strstr(parts[n - 1], "[truncated]"));
	for (i = 0; i < n; i++)
		assert_true(strlen(parts[i]) <= 2000 + 60);
	notify_format_free(parts, n);
	free(text);
}

/* Escaping and rendering grow the text: payload caps still hold. */
static void
test_split_limits(void **state)
{
	static const char *kinds[] = {
	    "teams", "googlechat", "slack", "webhook"};
	const struct platform_limits *lim;
	char *text, **parts;
	size_t i, k, n;

	(void)state;
	text = malloc(100001);
	for (i = 0; i < 100000; i++)
		text[i] = "ab\"& <\n\\"[i % 8];
	text[100000] = '\0';
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		lim = &platform_find(kinds[k])->lim;
		n = notify_format_payloads(
		    platform_find(kinds[k]), text, &parts);
		assert_true(n >= 2);
		for (i = 0; i < n; i++) {
			if (lim->max_payload > 0)
				assert_true(
				    strlen(parts[i]) <= lim->max_payload);
			if (lim->max_chars > 0)
				assert_true(
				    cp_count(parts[i]) <= lim->max_chars + 64);
		}
		notify_format_free(parts, n);
	}
	free(text);
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

static void
test_classify(void **state)
{
	static const struct {
		const char *kind;
		long status;
		const char *body;
		const char *retry_after;
		enum notify_verdict v;
		long wait;
		const char *why; /* substring */
	} t[] = {
	    {"mattermost", 200, "ok", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"mattermost", 500,
	        "{\"id\":\"app.x.app_error\","
	        "\"message\":\"boom\"}",
	        NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 500 (app.x.app_error)"},
	    {"mattermost", 400,
	        "{\"id\":\"web.incoming_webhook."
	        "text.app_error\"}",
	        NULL, NOTIFY_VERDICT_FAIL, -1,
	        "web.incoming_webhook.text.app_error"},
	    {"mattermost", 429, "limit exceeded", "3", NOTIFY_VERDICT_RETRY,
	        3000, "HTTP 429"},
	    {"mattermost", 503, "", "7", NOTIFY_VERDICT_RETRY, 7000,
	        "HTTP 503"},
	    {"mattermost", 408, "", NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 408"},
	    {"mattermost", 404, "", NULL, NOTIFY_VERDICT_FAIL, -1, "HTTP 404"},
	    {"mattermost", 301, "", NULL, NOTIFY_VERDICT_FAIL, -1, "redirects"},
	    {"slack", 200, "ok", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"slack", 200, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"slack", 200, "invalid_payload", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "error invalid_payload"},
	    {"slack", 200, "rollup_error", NULL, NOTIFY_VERDICT_RETRY, -1,
	        "rollup_error"},
	    {"slack", 200, "<html>the posted text</html>", NULL,
	        NOTIFY_VERDICT_FAIL, -1, "unexpected body"},
	    {"slack", 404, "no_service", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "HTTP 404 (no_service)"},
	    {"slack", 410, "channel_is_archived", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "channel_is_archived"},
	    {"slack", 429, "rate limited", "30", NOTIFY_VERDICT_RETRY, 30000,
	        "HTTP 429"},
	    {"rocketchat", 200, "{\"success\":true}", NULL, NOTIFY_VERDICT_OK,
	        -1, ""},
	    {"rocketchat", 200,
	        "{\"success\":false,\"error\":"
	        "\"invalid-channel\"}",
	        NULL, NOTIFY_VERDICT_FAIL, -1, "error invalid-channel"},
	    {"rocketchat", 200,
	        "{\"success\":false,\"error\":"
	        "\"error-too-many-requests\"}",
	        NULL, NOTIFY_VERDICT_RETRY, -1, "too-many"},
	    {"rocketchat", 503, "", NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 503"},
	    {"teams", 202, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"teams", 200, "1", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"teams", 200,
	        "Webhook message delivery failed with "
	        "error: Microsoft Teams endpoint returned HTTP error 429 "
	        "with ContextId tcid=0",
	        NULL, NOTIFY_VERDICT_RETRY, 10000, "Teams error 429"},
	    {"teams", 200,
	        "Webhook message delivery failed with "
	        "error: Microsoft Teams endpoint returned HTTP error 413 "
	        "with ContextId tcid=0",
	        NULL, NOTIFY_VERDICT_FAIL, -1, "Teams error 413"},
	    {"teams", 200,
	        "Microsoft Teams endpoint returned "
	        "HTTP error 502",
	        NULL, NOTIFY_VERDICT_RETRY, -1, "Teams error 502"},
	    {"teams", 200, "Summary or Text is required.", NULL,
	        NOTIFY_VERDICT_FAIL, -1, "rejected"},
	    {"teams", 200, "Webhook message delivery failed", NULL,
	        NOTIFY_VERDICT_RETRY, -1, "failure"},
	    {"teams", 400, "", NULL, NOTIFY_VERDICT_FAIL, -1, "HTTP 400"},
	    {"discord", 204, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"discord", 200, "{\"id\":\"1\"}", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {"discord", 429,
	        "{\"message\":\"You are being rate "
	        "limited.\",\"retry_after\":64.57,\"global\":false}",
	        "65", NOTIFY_VERDICT_RETRY, 64570, "HTTP 429"},
	    {"discord", 429, "{\"retry_after\":2}", NULL, NOTIFY_VERDICT_RETRY,
	        2000, "HTTP 429"},
	    {"discord", 404,
	        "{\"message\":\"Unknown Webhook\","
	        "\"code\":10015}",
	        NULL, NOTIFY_VERDICT_FAIL, -1, "Unknown Webhook"},
	    {"discord", 400, "{\"code\":50006}", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "code 50006"},
	    {"googlechat", 200, "{\"name\":\"spaces/A/messages/B\"}", NULL,
	        NOTIFY_VERDICT_OK, -1, ""},
	    {"googlechat", 400,
	        "{\"error\":{\"code\":400,"
	        "\"message\":\"Invalid JSON payload: the posted text\","
	        "\"status\":\"INVALID_ARGUMENT\"}}",
	        NULL, NOTIFY_VERDICT_FAIL, -1, "INVALID_ARGUMENT"},
	    {"webhook", 200, "anything at all", NULL, NOTIFY_VERDICT_OK, -1,
	        ""},
	    {"webhook", 500, "echo: the posted secret text", NULL,
	        NOTIFY_VERDICT_RETRY, -1, "HTTP 500"},
	    {"webhook", 429, "", "Sun, 06 Nov 1994 08:50:07 GMT",
	        NOTIFY_VERDICT_RETRY, 30000, "HTTP 429"},
	};
	const time_t now = 784111777;
	char why[200];
	long wait;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		why[0] = '\0';
		assert_int_equal(
		    notify_format_classify(platform_find(t[i].kind),
		        t[i].status, t[i].body, strlen(t[i].body),
		        t[i].retry_after, now, &wait, why, sizeof(why)),
		    t[i].v);
		assert_int_equal(wait, t[i].wait);
		if (strstr(why, t[i].why) == NULL)
			fail_msg("case %zu: why \"%s\" lacks \"%s\"", i, why,
			    t[i].why);
		/* A body that is not an error code never reaches why. */
		assert_null(strstr(why, "posted"));
		assert_null(strstr(why, "boom"));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_kinds),
	    cmocka_unit_test(test_payloads),
	    cmocka_unit_test(test_split_discord),
	    cmocka_unit_test(test_split_limits),
	    cmocka_unit_test(test_url),
	    cmocka_unit_test(test_redact),
	    cmocka_unit_test(test_http_date),
	    cmocka_unit_test(test_retry_after),
	    cmocka_unit_test(test_classify),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
