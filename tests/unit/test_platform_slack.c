/*
 * The Slack descriptor (src/platform/slack.c): the v0 request signature
 * (good, forged, stale, malformed), the slash command Slack really sends,
 * mrkdwn answers (ephemeral when anything is private), staff payloads and
 * the "ok" / error-word verdicts of an incoming webhook, the direct
 * message through conversations.open and chat.postMessage (errors inside
 * a 200), and the modal: views.open and its view_submission.
 */
#include "platform_test.h"

#define SL "slack"
#define FORM "application/x-www-form-urlencoded"
#define SECRET "8f742231b10e8888abcd99yyyzzz85a5"

static char ts[32], sig[3 + 65];
static const char *signed_h[] = {
    "X-Slack-Request-Timestamp", ts, "X-Slack-Signature", sig, NULL};

/* Signs body as Slack does, at now + skew seconds. */
static void
sign(const char *body, long skew)
{
	unsigned char mac[CRYPTO_SHA256_LEN];
	struct crypto_part p[4];

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL) + skew);
	p[0] = (struct crypto_part){"v0:", 3};
	p[1] = (struct crypto_part){ts, strlen(ts)};
	p[2] = (struct crypto_part){":", 1};
	p[3] = (struct crypto_part){body, strlen(body)};
	assert_int_equal(
	    crypto_hmac_sha256(SECRET, strlen(SECRET), p, 4, mac), 0);
	memcpy(sig, "v0=", 3);
	crypto_hex_encode(mac, sizeof(mac), sig + 3);
}

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(SL);
	struct platform_bot bot;

	(void)state;
	assert_true(p->needs & PLATFORM_NEEDS_SIGNING_SECRET);
	assert_true(p->slash_commands);
	assert_int_equal(p->dialect, PLATFORM_SLACK_MRKDWN);
	assert_true(p->lim.reply_max <= p->lim.max_chars);
	pt_reset(SL);
	pt_pl.api_url = "";
	pt_pl.bot_token = "";
	assert_false(platform_bot_get(p, &pt_pl, &bot));
	pt_pl.bot_token = "xoxb-1";
	assert_true(platform_bot_get(p, &pt_pl, &bot));
	assert_string_equal(bot.api_url, "https://slack.com/api");
}

static void
test_verify(void **state)
{
	char *body = pt_fixture("slack-slash.form");
	static const char *none[] = {NULL};
	struct hook_response r;

	(void)state;
	pt_reset(SL);
	pt_pl.signing_secret = SECRET;
	sign(body, 0);
	assert_int_equal(pt_run("POST", FORM, body, NULL, signed_h, &r), 200);
	assert_int_equal(pt_handled, 1);
	assert_string_equal(pt_sender, "Steve");
	assert_string_equal(pt_text, "287g");
	assert_false(pt_last.is_private);
	free(r.body);
	/* One bit off, first or last byte of the MAC: the same refusal. */
	sig[3] ^= 1;
	pt_refused(401, "POST", FORM, body, signed_h);
	sig[3] ^= 1;
	sig[strlen(sig) - 1] = sig[strlen(sig) - 1] == '0' ? '1' : '0';
	pt_refused(401, "POST", FORM, body, signed_h);
	/* Another body under the same signature. */
	sign(body, 0);
	pt_refused(401, "POST", FORM, "command=%2Fintake&text=x", signed_h);
	/* Outside the five-minute window, either way. */
	sign(body, -400);
	pt_refused(403, "POST", FORM, body, signed_h);
	sign(body, 400);
	pt_refused(403, "POST", FORM, body, signed_h);
	/* Malformed or missing. */
	sign(body, 0);
	sig[0] = 'x';
	pt_refused(401, "POST", FORM, body, signed_h);
	pt_refused(401, "POST", FORM, body, none);
	/* No secret configured: nothing verifies. */
	pt_pl.signing_secret = "";
	sign(body, 0);
	pt_refused(401, "POST", FORM, body, signed_h);
	free(body);
}

static void
test_parse_render(void **state)
{
	const char *body = "command=%2Fintake&text=%26lt%3Bb%26gt%3B&"
	                   "channel_id=D123&channel_name=directmessage&"
	                   "user_name=u";
	char *fix = pt_fixture("slack-slash.form");
	struct hook_response r;

	(void)state;
	pt_reset(SL);
	pt_pl.signing_secret = SECRET;
	sign(body, 0);
	assert_int_equal(pt_run("POST", FORM, body, NULL, signed_h, &r), 200);
	assert_true(pt_last.is_private);
	assert_true(pt_last.addressed);
	/* Slack's own escapes undone before the router. */
	assert_string_equal(pt_text, "<b>");
	assert_string_equal(r.body,
	    "{\"response_type\":\"ephemeral\","
	    "\"text\":\"*ok*\"}");
	free(r.body);
	/* In a channel: in_channel, unless a reply is private. */
	sign(fix, 0);
	assert_int_equal(pt_run("POST", FORM, fix, NULL, signed_h, &r), 200);
	assert_non_null(strstr(r.body, "\"in_channel\""));
	free(r.body);
	pt_answer_to = REPLY_PRIVATE;
	assert_int_equal(pt_run("POST", FORM, fix, NULL, signed_h, &r), 200);
	assert_non_null(strstr(r.body, "\"ephemeral\""));
	free(r.body);
	/* Mentions and markup in an answer cannot ping or inject. */
	pt_answer_to = REPLY_HERE;
	pt_reply = "<!channel> <@U1> & [l](https://x/?a&b)";
	assert_int_equal(pt_run("POST", FORM, fix, NULL, signed_h, &r), 200);
	assert_null(strstr(r.body, "<!channel>"));
	assert_null(strstr(r.body, "<@U1>"));
	assert_non_null(strstr(r.body, "<https://x/?a&amp;b|l>"));
	free(r.body);
	/* No command, no payload: refused. */
	sign("text=a", 0);
	assert_int_equal(
	    pt_run("POST", FORM, "text=a", NULL, signed_h, &r), 400);
	free(r.body);
	free(fix);
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"a **b** & [l](https://e.x/a) <x>",
	        "{\"text\":\"a *b* &amp; <https://e.x/a|l> &lt;x&gt;\"}"},
	    {"<!channel>", "{\"text\":\"&lt;\xe2\x80\x8b!channel&gt;\"}"},
	};
	static const struct pt_verdict v[] = {
	    {200, "ok", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {200, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {200, "invalid_payload", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "error invalid_payload"},
	    {200, "rollup_error", NULL, NOTIFY_VERDICT_RETRY, -1,
	        "rollup_error"},
	    {200, "<html>the posted text</html>", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "unexpected body"},
	    {404, "no_service", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "HTTP 404 (no_service)"},
	    {410, "channel_is_archived", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "channel_is_archived"},
	    {429, "rate limited", "30", NOTIFY_VERDICT_RETRY, 30000,
	        "HTTP 429"},
	};
	char *s;

	(void)state;
	pt_payloads(SL, pay, sizeof(pay) / sizeof(pay[0]));
	pt_split(SL);
	pt_verdicts(SL, v, sizeof(v) / sizeof(v[0]));
	s = platform_render(
	    platform_find(SL), "**a** & [l](https://x/?a&b) <x>");
	assert_string_equal(s, "*a* &amp; <https://x/?a&amp;b|l> &lt;x&gt;");
	free(s);
}

static void
test_dm(void **state)
{
	static const struct pt_dm_step steps[] = {
	    {"http://a/conversations.open", "{\"users\":\"u1\"}",
	        "{\"ok\":true,\"channel\":{\"id\":\"D1\"}}"},
	    {"http://a/chat.postMessage",
	        "{\"channel\":\"D1\",\"text\":\"hi\"}", "{\"ok\":true}"},
	};
	char why[128];

	(void)state;
	pt_dm(SL, "Authorization: Bearer tok", steps, 2);
	/* Errors inside a 200: transient ones retried, others not. */
	assert_int_equal(
	    pt_dm_verdict(SL, "{\"ok\":false,\"error\":\"ratelimited\"}", why,
	        sizeof(why)),
	    NOTIFY_VERDICT_RETRY);
	assert_int_equal(
	    pt_dm_verdict(SL, "{\"ok\":false,\"error\":\"user_not_found\"}",
	        why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
	assert_non_null(strstr(why, "user_not_found"));
	assert_int_equal(pt_dm_verdict(SL, "{\"ok\":false}", why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
	/* An answer without a channel opens nothing. */
	assert_int_equal(pt_dm_verdict(SL, "{\"ok\":true}", why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
}

static void
test_modal(void **state)
{
	const struct platform *p = platform_find(SL);
	struct hook_ctx ctx;
	struct platform_form f;
	struct platform_call c;
	struct hook_event ev;
	struct hook_response r;
	const char *payload =
	    "{\"type\":\"view_submission\",\"user\":{\"id\":\"U9\","
	    "\"username\":\"jo\"},\"view\":{\"id\":\"V1\",\"callback_id\":"
	    "\"intake\",\"private_metadata\":\"es D1\",\"state\":{\"values\":{"
	    "\"name\":{\"name\":{\"type\":\"plain_text_input\",\"value\":"
	    "\"Jo\"}},\"contact\":{\"contact\":{\"type\":\"plain_text_input\","
	    "\"value\":\"jo\"}},\"consent\":{\"consent\":{\"type\":"
	    "\"checkboxes\",\"selected_options\":[{\"value\":\"yes\"}]}}}}}}";
	char *body, *enc;

	(void)state;
	pt_reset(SL);
	pt_pl.signing_secret = SECRET;
	ctx = pt_ctx();
	memset(&ev, 0, sizeof(ev));
	/* Without a bot account there is no modal. */
	assert_int_equal(p->form_open(&ctx, &ev, NULL, NULL, NULL), -1);
	pt_pl.bot_token = "xoxb-1";
	assert_int_equal(p->form_open(&ctx, &ev, NULL, NULL, NULL), 0);
	pt_form(p, &f);
	memset(&c, 0, sizeof(c));
	assert_int_equal(p->form_open(&ctx, &ev, &f, &c, NULL), 0);
	assert_string_equal(c.url, "https://slack.com/api/views.open");
	assert_string_equal(c.header[0], "Authorization: Bearer xoxb-1");
	assert_non_null(strstr(c.body, "\"trigger_id\":\"trig1\""));
	assert_non_null(strstr(c.body, "\"callback_id\":\"intake\""));
	assert_non_null(strstr(c.body, "\"private_metadata\":\"es D1\""));
	platform_call_free(&c);
	/* The submission: answers by field, errors as Slack wants them. */
	pt_use_forms = true;
	enc = pt_url_encode(payload);
	body = xasprintf("payload=%s", enc);
	sign(body, 0);
	pt_submits = 0;
	assert_int_equal(pt_run("POST", FORM, body, NULL, signed_h, &r), 200);
	assert_int_equal(pt_submits, 1);
	assert_string_equal(pt_got[0], "Jo");
	assert_string_equal(pt_got[6], "yes");
	assert_string_equal(pt_got_lang, "es");
	assert_string_equal(r.body,
	    "{\"response_action\":\"errors\","
	    "\"errors\":{\"contact\":\"bad contact\"}}");
	free(r.body);
	free(body);
	free(enc);
	/* view_closed: acknowledged, nothing submitted. */
	body = xasprintf("payload=%s", "%7B%22type%22%3A%22view_closed%22%7D");
	sign(body, 0);
	assert_int_equal(pt_run("POST", FORM, body, NULL, signed_h, &r), 200);
	assert_int_equal(pt_submits, 1);
	free(r.body);
	free(body);
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
	    cmocka_unit_test(test_modal),
	};

	return pt_main(tests, sizeof(tests) / sizeof(tests[0]));
}
