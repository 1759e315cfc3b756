/*
 * Unit tests for hook.c: form and JSON parsing, HTML to text, content
 * types, token lists, reply rendering (mentions, dialects, cuts, links)
 * and the pipeline's bot filter and replay cache.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "hook.h"
#include "platform.h"

static void
test_form(void **state)
{
	struct hook_form f;
	size_t len;

	(void)state;
	assert_int_equal(hook_form_parse(&f, "a=1&b=x+y%21&&c&a=2&d=", 22), 0);
	assert_string_equal(hook_form_get(&f, "a", NULL), "1");
	assert_string_equal(hook_form_get(&f, "b", &len), "x y!");
	assert_int_equal(len, 4);
	assert_string_equal(hook_form_get(&f, "c", NULL), "");
	assert_string_equal(hook_form_get(&f, "d", NULL), "");
	assert_null(hook_form_get(&f, "e", NULL));
	hook_form_free(&f);
	assert_int_equal(hook_form_parse(&f, "a=%zz", 5), -1);
	assert_int_equal(hook_form_parse(&f, "a=%2", 4), -1);
	assert_int_equal(hook_form_parse(&f, "a=%00", 5), -1);
	assert_int_equal(hook_form_parse(&f, "", 0), 0);
	assert_int_equal(f.n, 0);
}

static void
test_form_cap(void **state)
{
	char s[HOOK_FORM_MAX * 4 + 8];
	struct hook_form f;
	size_t i;

	(void)state;
	s[0] = '\0';
	for (i = 0; i < HOOK_FORM_MAX + 1; i++)
		strcat(s, "a=1&");
	assert_int_equal(hook_form_parse(&f, s, strlen(s)), -1);
	/* The most fields, each decoded larger than it came (NULs added). */
	s[0] = '\0';
	for (i = 0; i < HOOK_FORM_MAX; i++)
		strcat(s, "x&");
	assert_int_equal(hook_form_parse(&f, s, strlen(s) - 1), 0);
	assert_int_equal(f.n, HOOK_FORM_MAX);
	assert_string_equal(hook_form_get(&f, "x", NULL), "");
	hook_form_free(&f);
}

static void
test_html(void **state)
{
	static const struct {
		const char *in, *out;
		bool strip;
	} cases[] = {
	    {"<at>Intake</at>&nbsp;287g", " 287g", true},
	    {"<at>In <b>x</b></at> hi", " hi", true},
	    {"a &amp; b &lt;c&gt; &#233; &#x41; &bogus;",
	        "a & b <c> \xc3\xa9 A &bogus;", false},
	    {"<p>hi</p>", "hi", true},
	    {"<p>hi</p>", "<p>hi</p>", false},
	    {"&#0; &#55296;", " ", false},
	    {"<at>unclosed", "unclosed", true},
	};
	size_t i;
	char *s;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		s = hook_html_to_text(
		    cases[i].in, strlen(cases[i].in), cases[i].strip);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
}

static void
test_misc(void **state)
{
	(void)state;
	assert_true(
	    hook_content_type_is("application/json", "application/json"));
	assert_true(hook_content_type_is(
	    "Application/JSON; charset=utf-8", "application/json"));
	assert_false(
	    hook_content_type_is("application/jsonx", "application/json"));
	assert_false(hook_content_type_is(NULL, "application/json"));
	assert_true(hook_token_match("aa, bb ,cc", "bb", 2));
	assert_true(hook_token_match("aa,bb,cc", "cc", 2));
	assert_false(hook_token_match("aa,bb", "b", 1));
	assert_false(hook_token_match("aa,,", "", 0));
	assert_false(hook_token_match("", "", 0));
	assert_int_equal(hook_parse_seconds("1531420618"), 1531420618);
	assert_int_equal(hook_parse_seconds("-5"), -1);
	assert_int_equal(hook_parse_seconds("12a"), -1);
	assert_int_equal(hook_parse_seconds(""), -1);
}

static void
test_render(void **state)
{
	struct replies rs;
	struct reply *r;
	char *s;

	(void)state;
	replies_init(&rs);
	replies_add(&rs, REPLY_HERE, "**Hi** @channel and <!here>",
	    "https://x.example/a?b=1&c=2");
	s = hook_render_text(
	    &rs, REPLY_HERE, false, platform_find("mattermost"), 1000);
	assert_non_null(strstr(s, "**Hi**"));
	assert_null(strstr(s, "@channel"));
	assert_null(strstr(s, "<!here>"));
	assert_non_null(strstr(s, "\nhttps://x.example/a?b=1&c=2"));
	free(s);
	s = hook_render_text(
	    &rs, REPLY_HERE, false, platform_find("slack"), 1000);
	assert_non_null(strstr(s, "*Hi*"));
	assert_null(strstr(s, "**"));
	assert_null(strstr(s, "<!here>"));
	assert_non_null(strstr(s, "https://x.example/a?b=1&amp;c=2"));
	free(s);
	assert_null(hook_render_text(
	    &rs, REPLY_PRIVATE, false, platform_find("mattermost"), 1000));
	assert_int_equal(hook_replies_count(&rs, REPLY_HERE), 1);
	replies_reset(&rs);

	/* A long body is cut at a code point, the link kept last. */
	replies_init(&rs);
	{
		char big[3000];

		memset(big, 'a', sizeof(big));
		memcpy(big + 95, "\xc3\xa9\xc3\xa9", 4);
		big[sizeof(big) - 1] = '\0';
		r = replies_add(&rs, REPLY_PRIVATE, big, "https://l.example");
		r->is_long = true;
	}
	s = hook_render_text(
	    &rs, REPLY_PRIVATE, false, platform_find("mattermost"), 120);
	assert_true(strlen(s) <= 120);
	assert_non_null(strstr(s, "\xe2\x80\xa6\nhttps://l.example"));
	free(s);
	replies_reset(&rs);
}

/* ---- The pipeline with a fake handler ---- */

static int handled;
static struct message last;
static char last_text[256];

static void
fake_handler(void *arg, const struct message *m, struct replies *out)
{
	(void)arg;
	handled++;
	last = *m;
	snprintf(last_text, sizeof(last_text), "%s", m->text);
	last.text = last_text;
	last.sender = last.sender_id = last.channel = last.network = NULL;
	replies_add(out, REPLY_HERE, "answer @everyone", NULL);
}

static const char *
no_header(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return NULL;
}

static void
test_pipeline(void **state)
{
	struct conf_platform pl;
	struct hook_response resp;
	struct hook_request req;
	struct hook_ctx ctx;
	const char *body =
	    "{\"token\":\"t1\",\"message_id\":\"m1\",\"user_name\":\"ana\","
	    "\"channel_name\":\"Staff\",\"text\":\"!287g\",\"bot\":false}";

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.section = "rocketchat";
	pl.kind = "rocketchat";
	pl.token = "t0,t1";
	pl.staff_channel = "#staff";
	ctx = (struct hook_ctx){&pl, "intakebot", fake_handler, NULL,
	    hook_cache_new(4, 60), NULL, NULL, NULL, NULL};
	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.content_type = "application/json";
	req.body = body;
	req.body_len = strlen(body);
	req.header = no_header;
	handled = 0;
	assert_int_equal(hook_handle(&ctx, &req, &resp), 0);
	assert_int_equal(resp.status, 200);
	assert_int_equal(handled, 1);
	assert_true(last.is_staff);
	assert_false(last.addressed);
	assert_string_equal(last.text, "!287g");
	assert_non_null(strstr(resp.body, "answer"));
	assert_null(strstr(resp.body, "@everyone"));
	free(resp.body);
	/* The same message id again: replayed, not routed. */
	assert_int_equal(hook_handle(&ctx, &req, &resp), 0);
	assert_int_equal(handled, 1);
	assert_true(resp.replayed);
	assert_non_null(strstr(resp.body, "answer"));
	free(resp.body);
	/* Unknown kind. */
	pl.kind = "googlechat";
	assert_int_equal(hook_handle(&ctx, &req, &resp), -1);
	assert_int_equal(resp.status, 404);
	free(resp.body);
	hook_cache_free(ctx.cache);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_form),
	    cmocka_unit_test(test_form_cap),
	    cmocka_unit_test(test_html),
	    cmocka_unit_test(test_misc),
	    cmocka_unit_test(test_render),
	    cmocka_unit_test(test_pipeline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
