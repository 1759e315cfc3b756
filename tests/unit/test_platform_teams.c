/*
 * The Microsoft Teams descriptor (src/platform/teams.c): its security
 * token must be base64 of 16 bytes or more, the "HMAC" Authorization of
 * an outgoing webhook (good, forged at either end, another body,
 * missing), the activity Teams really sends (the <at> mention and HTML
 * dropped), answers as a message activity, the Adaptive Card payload and
 * its split under 27000 bytes, and the verdicts of a 200 that carries
 * Teams' own error.  Teams has no direct messages here.
 */
#include "platform_test.h"

#define TM "teams"
#define JSON "application/json"
#define SECRET "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="

static char auth[128];
static const char *signed_h[] = {"Authorization", auth, NULL};

/* "HMAC " + base64 HMAC-SHA256 of body under the decoded secret. */
static void
sign(const char *body)
{
	unsigned char mac[CRYPTO_SHA256_LEN], *key;
	struct crypto_part part = {body, strlen(body)};
	size_t keylen;
	char *b64;

	key = crypto_base64_decode(SECRET, strlen(SECRET), &keylen);
	assert_non_null(key);
	assert_int_equal(crypto_hmac_sha256(key, keylen, &part, 1, mac), 0);
	b64 = crypto_base64_encode(mac, sizeof(mac));
	snprintf(auth, sizeof(auth), "HMAC %s", b64);
	free(b64);
	free(key);
}

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(TM);
	struct platform_bot bot;
	char why[160];

	(void)state;
	pt_reset(TM);
	assert_int_equal(p->check_conf(&pt_pl, why, sizeof(why)), 0);
	pt_pl.signing_secret = SECRET;
	assert_int_equal(p->check_conf(&pt_pl, why, sizeof(why)), 0);
	pt_pl.signing_secret = "short";
	assert_int_equal(p->check_conf(&pt_pl, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "base64"));
	pt_pl.signing_secret = "AAECAwQFBgcICQoLDA0O"; /* 15 bytes */
	assert_int_equal(p->check_conf(&pt_pl, why, sizeof(why)), -1);
	assert_true(p->needs & PLATFORM_NEEDS_SIGNING_SECRET);
	/* No direct messages. */
	assert_null(p->dm_call);
	assert_null(p->form_open);
	pt_pl.bot_token = "x";
	pt_pl.api_url = "https://t.example";
	assert_false(platform_bot_get(p, &pt_pl, &bot));
}

static void
test_verify(void **state)
{
	char *body = pt_fixture("teams-outgoing.json");
	struct hook_response r;
	size_t n;

	(void)state;
	pt_reset(TM);
	pt_pl.signing_secret = SECRET;
	sign(body);
	assert_int_equal(pt_run("POST", JSON, body, NULL, signed_h, &r), 200);
	assert_int_equal(pt_handled, 1);
	free(r.body);
	n = strlen(auth);
	auth[5] = auth[5] == 'A' ? 'B' : 'A';
	pt_refused(401, "POST", JSON, body, signed_h);
	sign(body);
	auth[n - 2] = auth[n - 2] == 'A' ? 'B' : 'A';
	pt_refused(401, "POST", JSON, body, signed_h);
	sign("{}");
	pt_refused(401, "POST", JSON, body, signed_h);
	sign(body);
	memcpy(auth, "Bearer", 4);
	pt_refused(401, "POST", JSON, body, signed_h);
	pt_refused(401, "POST", JSON, body, NULL);
	free(body);
}

static void
test_parse_render(void **state)
{
	char *body = pt_fixture("teams-outgoing.json");
	const char *personal =
	    "{\"type\":\"message\",\"id\":\"1\",\"from\":{\"id\":\"29:x\","
	    "\"name\":\"Jo\"},\"conversation\":{\"conversationType\":"
	    "\"personal\",\"id\":\"a:1\"},\"text\":\"<at>Intake</at> \"}";
	struct hook_response r;

	(void)state;
	pt_reset(TM);
	pt_pl.signing_secret = SECRET;
	pt_reply = "**ok** @channel";
	sign(body);
	assert_int_equal(pt_run("POST", JSON, body, NULL, signed_h, &r), 200);
	assert_string_equal(pt_text, "287g");
	assert_string_equal(pt_sender, "Ana Lopez");
	assert_false(pt_last.is_private);
	assert_non_null(strstr(r.body, "\"type\":\"message\""));
	assert_non_null(strstr(r.body, "**ok**"));
	assert_null(strstr(r.body, " @channel"));
	free(r.body);
	sign(personal);
	assert_int_equal(
	    pt_run("POST", JSON, personal, NULL, signed_h, &r), 200);
	assert_true(pt_last.is_private);
	assert_string_equal(pt_text, "help");
	free(r.body);
	/* Not a message: acknowledged, not routed; not an activity: 400. */
	sign("{\"type\":\"conversationUpdate\"}");
	assert_int_equal(
	    pt_run("POST", JSON, "{\"type\":\"conversationUpdate\"}", NULL,
	        signed_h, &r),
	    200);
	assert_int_equal(pt_handled, 0);
	free(r.body);
	sign("{\"text\":\"x\"}");
	assert_int_equal(
	    pt_run("POST", JSON, "{\"text\":\"x\"}", NULL, signed_h, &r), 400);
	free(r.body);
	free(body);
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"t **b**",
	        "{\"type\":\"message\",\"attachments\":[{\"contentType\":"
	        "\"application/vnd.microsoft.card.adaptive\",\"content\":{"
	        "\"$schema\":\"http://adaptivecards.io/schemas/adaptive-"
	        "card.json\",\"type\":\"AdaptiveCard\",\"version\":\"1.2\","
	        "\"body\":[{\"type\":\"TextBlock\",\"text\":\"t **b**\","
	        "\"wrap\":true}]}}]}"},
	};
	static const struct pt_verdict v[] = {
	    {202, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {200, "1", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {200,
	        "Webhook message delivery failed with error: Microsoft Teams "
	        "endpoint returned HTTP error 429 with ContextId tcid=0",
	        NULL, NOTIFY_VERDICT_RETRY, 10000, "Teams error 429"},
	    {200,
	        "Webhook message delivery failed with error: Microsoft Teams "
	        "endpoint returned HTTP error 413 with ContextId tcid=0",
	        NULL, NOTIFY_VERDICT_FAIL, -1, "Teams error 413"},
	    {200, "Microsoft Teams endpoint returned HTTP error 502", NULL,
	        NOTIFY_VERDICT_RETRY, -1, "Teams error 502"},
	    {200, "Summary or Text is required.", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "rejected"},
	    {200, "Webhook message delivery failed", NULL, NOTIFY_VERDICT_RETRY,
	        -1, "failure"},
	    {400, "", NULL, NOTIFY_VERDICT_FAIL, -1, "HTTP 400"},
	    {429, "", "5", NOTIFY_VERDICT_RETRY, 5000, "HTTP 429"},
	};

	(void)state;
	pt_payloads(TM, pay, sizeof(pay) / sizeof(pay[0]));
	pt_split(TM);
	pt_verdicts(TM, v, sizeof(v) / sizeof(v[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_parse_render),
	    cmocka_unit_test(test_staff),
	};

	return pt_main(tests, sizeof(tests) / sizeof(tests[0]));
}
