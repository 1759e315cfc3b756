/*
 * The Mattermost descriptor (src/platform/mattermost.c): its section,
 * the token of outgoing webhooks and slash commands (body or
 * "Authorization: Token"), the payloads Mattermost really sends (form
 * seconds, JSON milliseconds), its answers (in_channel, ephemeral,
 * extra_responses, the outgoing-webhook hint), staff payloads and
 * verdicts, the three-step direct message and the interactive dialog.
 */
#include "platform_test.h"

#define MM "mattermost"
#define FORM "application/x-www-form-urlencoded"

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(MM);
	struct platform_bot bot;

	(void)state;
	assert_true(p->needs & PLATFORM_NEEDS_TOKEN);
	assert_true(p->slash_commands);
	assert_false(p->named_sections);
	assert_true(p->get_requests);
	assert_int_equal(p->dialect, PLATFORM_MARKDOWN);
	assert_int_equal(p->lim.max_chars, 16383);
	/* No default server: direct messages need api_url. */
	pt_reset(MM);
	pt_pl.bot_token = "tok";
	pt_pl.api_url = "";
	assert_false(platform_bot_get(p, &pt_pl, &bot));
	pt_pl.api_url = "https://mm.example";
	assert_true(platform_bot_get(p, &pt_pl, &bot));
	assert_string_equal(bot.token, "tok");
}

static void
test_verify(void **state)
{
	static const char *good[] = {"Authorization", "Token tok2", NULL};
	static const char *bad[] = {"Authorization", "Token tok3", NULL};
	static const char *first[] = {"Authorization", "Token xok2", NULL};
	char *body = pt_fixture("mattermost-slash.form");
	struct hook_response r;

	(void)state;
	pt_reset(MM);
	pt_pl.token = "tok1,tok2";
	/* The header token, any of those configured. */
	assert_int_equal(
	    pt_run("POST", FORM, "text=a&user_name=u", NULL, good, &r), 200);
	assert_int_equal(pt_handled, 1);
	free(r.body);
	/* Wrong in the last or the first byte: the same refusal. */
	pt_refused(403, "POST", FORM, "text=a", bad);
	pt_refused(403, "POST", FORM, "text=a", first);
	pt_refused(403, "POST", FORM, "token=tok&text=a", NULL);
	pt_refused(403, "POST", FORM, "token=tok22&text=a", NULL);
	pt_refused(401, "POST", FORM, "text=a", NULL);
	pt_refused(401, "POST", FORM, "token=&text=a", NULL);
	/* The fixture's token is not ours. */
	pt_refused(403, "POST", FORM, body, NULL);
	pt_pl.token = "s1ashtokens1ashtokens1asht";
	assert_int_equal(pt_run("POST", FORM, body, NULL, NULL, &r), 200);
	assert_string_equal(pt_sender, "maria");
	assert_string_equal(pt_text, "287g");
	free(r.body);
	free(body);
	pt_refused(405, "DELETE", NULL, "", NULL);
	pt_refused(415, "POST", "text/plain", "token=tok1", NULL);
}

static void
test_parse_render(void **state)
{
	struct hook_response r;

	(void)state;
	pt_reset(MM);
	pt_pl.token = "tok1,tok2";
	pt_pl.staff_channel = "staff";
	/* JSON: timestamp in milliseconds, staff channel. */
	assert_int_equal(pt_run("POST", "application/json",
	                     "{\"token\":\"tok1\",\"timestamp\":1764332580123,"
	                     "\"post_id\":\"p\","
	                     "\"channel_name\":\"staff\",\"user_name\":\"ana\","
	                     "\"text\":\"!x\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(pt_handled, 1);
	assert_true(pt_last.is_staff);
	assert_false(pt_last.addressed);
	assert_string_equal(pt_sender, "ana");
	assert_string_equal(r.body,
	    "{\"response_type\":\"in_channel\","
	    "\"text\":\"**ok**\"}");
	free(r.body);
	/* A slash command in a direct channel: private, addressed. */
	{
		static const char *auth[] = {
		    "Authorization", "Token tok2", NULL};

		assert_int_equal(pt_run("POST", FORM,
		                     "command=%2Fintake&text=&channel_name="
		                     "u1__u2&user_name=ana",
		                     NULL, auth, &r),
		    200);
	}
	assert_true(pt_last.is_private);
	assert_true(pt_last.addressed);
	assert_string_equal(pt_text, "help");
	assert_string_equal(pt_channel, "(null)");
	assert_non_null(strstr(r.body, "\"ephemeral\""));
	free(r.body);
	/* Private replies to a channel slash command, by GET. */
	pt_answer_to = REPLY_PRIVATE;
	assert_int_equal(pt_run("GET", NULL, "",
	                     "token=tok1&command=%2Fintake&text=a&channel_"
	                     "name=town",
	                     NULL, &r),
	    200);
	assert_non_null(strstr(r.body, "\"ephemeral\""));
	assert_non_null(strstr(r.body, "**ok**"));
	free(r.body);
	/* An outgoing webhook has no private path: withheld, a hint. */
	assert_int_equal(pt_run("POST", FORM,
	                     "token=tok1&text=%21a&channel_name=town&user_"
	                     "name=b&post_id=w",
	                     NULL, NULL, &r),
	    200);
	pt_withheld(&r);
	assert_non_null(strstr(r.body, "slash command"));
	free(r.body);
	/* Control characters never reach the router. */
	pt_answer_to = REPLY_HERE;
	assert_int_equal(pt_run("POST", FORM,
	                     "token=tok1&text=%21a%0D%0APRIVMSG+x%07&channel_"
	                     "name=t&user_name=b",
	                     NULL, NULL, &r),
	    200);
	assert_null(strpbrk(pt_text, "\r\n\a"));
	free(r.body);
	/* Mass mentions in an answer are broken. */
	pt_reply = "@channel @all look";
	assert_int_equal(pt_run("POST", FORM,
	                     "token=tok1&text=%21a&channel_name=t&user_name=b",
	                     NULL, NULL, &r),
	    200);
	assert_null(strstr(r.body, "\"@channel"));
	assert_null(strstr(r.body, " @all"));
	free(r.body);
}

static void
test_outgoing_shapes(void **state)
{
	char *form = pt_fixture("mattermost-outgoing.form");
	char *json = pt_fixture("mattermost-outgoing.json");
	struct json_object *o;
	struct hook_response r;
	const char *tok;

	(void)state;
	pt_reset(MM);
	o = platform_json_parse(json, strlen(json));
	assert_non_null(o);
	tok = platform_json_str(o, "token", NULL);
	assert_non_null(tok);
	pt_pl.token = (char *)tok;
	assert_int_equal(
	    pt_run("POST", "application/json", json, NULL, NULL, &r), 200);
	assert_int_equal(pt_handled, 1);
	assert_true(pt_text[0] != '\0');
	free(r.body);
	platform_json_doc_free(o);
	pt_pl.token = strstr(form, "token=") + 6;
	*strchr(pt_pl.token, '&') = '\0';
	{
		char *again = pt_fixture("mattermost-outgoing.form");

		assert_int_equal(
		    pt_run("POST", FORM, again, NULL, NULL, &r), 200);
		assert_int_equal(pt_handled, 1);
		free(r.body);
		free(again);
	}
	free(form);
	free(json);
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"hello **x** [l](https://e.x/a)",
	        "{\"text\":\"hello **x** [l](https://e.x/a)\"}"},
	    /* Escaping: quotes, backslash, newline, U+2028. */
	    {"q\"\\\nx\xe2\x80\xa8y", "{\"text\":\"q\\\"\\\\\\nx\\u2028y\"}"},
	    /* Mass mentions broken with U+200B. */
	    {"@channel @here hi",
	        "{\"text\":\"@\xe2\x80\x8b"
	        "channel @\xe2\x80\x8bhere hi\"}"},
	    /* Nothing to say still says something. */
	    {"", "{\"text\":\"(empty)\"}"},
	};
	static const struct pt_verdict v[] = {
	    {200, "ok", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {500, "{\"id\":\"app.x.app_error\",\"message\":\"boom\"}", NULL,
	        NOTIFY_VERDICT_RETRY, -1, "HTTP 500 (app.x.app_error)"},
	    {400, "{\"id\":\"web.incoming_webhook.text.app_error\"}", NULL,
	        NOTIFY_VERDICT_FAIL, -1, "web.incoming_webhook.text.app_error"},
	    {429, "limit exceeded", "3", NOTIFY_VERDICT_RETRY, 3000,
	        "HTTP 429"},
	    {503, "", "7", NOTIFY_VERDICT_RETRY, 7000, "HTTP 503"},
	    {408, "", NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 408"},
	    {404, "", NULL, NOTIFY_VERDICT_FAIL, -1, "HTTP 404"},
	    {301, "", NULL, NOTIFY_VERDICT_FAIL, -1, "redirects"},
	};

	(void)state;
	pt_payloads(MM, pay, sizeof(pay) / sizeof(pay[0]));
	pt_split(MM);
	pt_verdicts(MM, v, sizeof(v) / sizeof(v[0]));
}

static void
test_dm(void **state)
{
	static const struct pt_dm_step steps[] = {
	    {"http://a/api/v4/users/me", NULL, "{\"id\":\"botid\"}"},
	    {"http://a/api/v4/channels/direct", "[\"botid\",\"u1\"]",
	        "{\"id\":\"dmch\"}"},
	    {"http://a/api/v4/posts",
	        "{\"channel_id\":\"dmch\",\"message\":\"hi\"}",
	        "{\"id\":\"p1\"}"},
	};
	char why[128];

	(void)state;
	assert_non_null(platform_find(MM)->dm_call);
	assert_false(platform_find(MM)->dm_by_name);
	pt_dm(MM, "Authorization: Bearer tok", steps, 3);
	/* An id that cannot stand in a URL is refused. */
	assert_int_equal(
	    pt_dm_verdict(MM, "{\"id\":\"../x\"}", why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
}

/* A dialog_submission from u1 in c1. */
static void
dialog(char *body, size_t size, const char *state, const char *contact,
    const char *consent, const char *cancelled)
{
	snprintf(body, size,
	    "{\"type\":\"dialog_submission\",\"callback_id\":\"intake\","
	    "\"state\":\"%s\",\"user_id\":\"u1\",\"channel_id\":\"c1\","
	    "\"submission\":{\"name\":\"Ana\",\"contact\":\"%s\","
	    "\"consent\":%s},\"cancelled\":%s}",
	    state, contact, consent, cancelled);
}

static void
test_dialog(void **st)
{
	struct hook_ctx ctx;
	struct hook_response resp;
	char *state, body[1024];

	(void)st;
	pt_reset(MM);
	pt_use_forms = true;
	pt_pl.path = "/hooks/mm";
	pt_pl.token = "xr3j5x3p4pfk7kttbd6ewqchoe";
	ctx = pt_ctx();
	assert_non_null(platform_find(MM)->form_open);
	state = hook_form_state(&ctx, "u1", "c1", "es", time(NULL) + 60);
	pt_submits = 0;
	dialog(body, sizeof(body), state, "ana", "true", "false");
	assert_int_equal(pt_request("POST", "application/json", body, NULL,
	                     NULL, true, &resp),
	    200);
	assert_string_equal(
	    resp.body, "{\"errors\":{\"contact\":\"bad contact\"}}");
	assert_string_equal(pt_got[0], "Ana");
	assert_string_equal(pt_got[6], "yes");
	assert_string_equal(pt_got_lang, "es");
	free(resp.body);
	dialog(body, sizeof(body), state, "a@x.org", "false", "false");
	pt_request("POST", "application/json", body, NULL, NULL, true, &resp);
	assert_string_equal(pt_got[6], "no");
	free(resp.body);
	/* Cancelled: acknowledged, not submitted. */
	dialog(body, sizeof(body), state, "a@x.org", "true", "true");
	pt_request("POST", "application/json", body, NULL, NULL, true, &resp);
	assert_int_equal(pt_submits, 2);
	assert_string_equal(resp.body, "{}");
	free(resp.body);
	/* The same body on the command route needs the command token. */
	dialog(body, sizeof(body), state, "a@x.org", "true", "false");
	assert_int_equal(pt_request("POST", "application/json", body, NULL,
	                     NULL, false, &resp),
	    401);
	free(resp.body);
	/* A state for someone else. */
	free(state);
	state = hook_form_state(&ctx, "u2", "c1", "es", time(NULL) + 60);
	dialog(body, sizeof(body), state, "a@x.org", "true", "false");
	assert_int_equal(pt_request("POST", "application/json", body, NULL,
	                     NULL, true, &resp),
	    403);
	assert_int_equal(pt_submits, 2);
	free(resp.body);
	free(state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_parse_render),
	    cmocka_unit_test(test_outgoing_shapes),
	    cmocka_unit_test(test_staff),
	    cmocka_unit_test(test_dm),
	    cmocka_unit_test(test_dialog),
	};

	return pt_main(tests, sizeof(tests) / sizeof(tests[0]));
}
