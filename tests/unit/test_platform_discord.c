/*
 * The Discord descriptor (src/platform/discord.c): the Ed25519 signature
 * of an interaction (made here with OpenSSL: good, forged, stale), PING
 * and the application command Discord really sends, answers (type 4,
 * ephemeral flag 64, allowed_mentions empty), staff payloads and their
 * split at 2000 characters, the verdicts (429 with retry_after), the
 * direct message (open the DM channel, post to it), and the modal: its
 * shape and the answers of both component shapes.
 */
#include <openssl/evp.h>

#include "platform_test.h"

#define DC "discord"
#define JSON "application/json"

static EVP_PKEY *key;
static char pubhex[2 * CRYPTO_ED25519_KEY_LEN + 1];
static char ts[32], sighex[2 * CRYPTO_ED25519_SIG_LEN + 1];
static const char *signed_h[] = {
    "X-Signature-Ed25519", sighex, "X-Signature-Timestamp", ts, NULL};

static int
setup(void **state)
{
	unsigned char seed[32], pub[CRYPTO_ED25519_KEY_LEN];
	size_t len = sizeof(pub);

	(void)state;
	memset(seed, 7, sizeof(seed));
	key = EVP_PKEY_new_raw_private_key(
	    EVP_PKEY_ED25519, NULL, seed, sizeof(seed));
	assert_non_null(key);
	assert_int_equal(EVP_PKEY_get_raw_public_key(key, pub, &len), 1);
	crypto_hex_encode(pub, sizeof(pub), pubhex);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	EVP_PKEY_free(key);
	return 0;
}

/* Signs timestamp + body as Discord does, at now + skew seconds. */
static void
sign(const char *body, long skew)
{
	unsigned char sig[CRYPTO_ED25519_SIG_LEN];
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	char *msg;

	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL) + skew);
	msg = xasprintf("%s%s", ts, body);
	assert_int_equal(EVP_DigestSignInit(md, NULL, NULL, NULL, key), 1);
	assert_int_equal(EVP_DigestSign(md, sig, &siglen,
	                     (const unsigned char *)msg, strlen(msg)),
	    1);
	EVP_MD_CTX_free(md);
	free(msg);
	crypto_hex_encode(sig, sizeof(sig), sighex);
}

static void
test_conf(void **state)
{
	const struct platform *p = platform_find(DC);
	struct platform_bot bot;
	char why[128];

	(void)state;
	assert_true(p->needs & PLATFORM_NEEDS_PUBLIC_KEY);
	assert_true(p->slash_commands);
	assert_int_equal(p->lim.max_chars, 2000);
	pt_reset(DC);
	pt_pl.bot_token = "dcbot";
	assert_true(platform_bot_get(p, &pt_pl, &bot));
	assert_non_null(strstr(bot.api_url, "discord.com/api"));
	/* application_id: a snowflake or nothing. */
	pt_pl.application_id = "123456789012345678";
	assert_int_equal(p->check_conf(&pt_pl, why, sizeof(why)), 0);
	pt_pl.application_id = "12x";
	assert_int_equal(p->check_conf(&pt_pl, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "application_id"));
	pt_pl.application_id = NULL;
}

static void
test_verify(void **state)
{
	char *body = pt_fixture("discord-command.json");
	char *ping = pt_fixture("discord-ping.json");
	struct hook_response r;

	(void)state;
	pt_reset(DC);
	pt_pl.public_key = pubhex;
	sign(ping, 0);
	assert_int_equal(pt_run("POST", JSON, ping, NULL, signed_h, &r), 200);
	assert_string_equal(r.body, "{\"type\":1}");
	assert_int_equal(pt_handled, 0);
	free(r.body);
	sign(body, 0);
	assert_int_equal(pt_run("POST", JSON, body, NULL, signed_h, &r), 200);
	assert_int_equal(pt_handled, 1);
	free(r.body);
	/* A bit off at either end of the signature. */
	sighex[0] = sighex[0] == '0' ? '1' : '0';
	pt_refused(401, "POST", JSON, body, signed_h);
	sign(body, 0);
	sighex[127] = sighex[127] == '0' ? '1' : '0';
	pt_refused(401, "POST", JSON, body, signed_h);
	/* The signature of another body, or another time. */
	sign(ping, 0);
	pt_refused(401, "POST", JSON, body, signed_h);
	sign(body, -400);
	pt_refused(401, "POST", JSON, body, signed_h);
	/* Malformed, missing, no key. */
	sign(body, 0);
	sighex[10] = 'z';
	pt_refused(401, "POST", JSON, body, signed_h);
	pt_refused(401, "POST", JSON, body, NULL);
	pt_pl.public_key = NULL;
	sign(body, 0);
	pt_refused(401, "POST", JSON, body, signed_h);
	/* With application_id set, only that application's interactions. */
	pt_pl.public_key = pubhex;
	pt_pl.application_id = "1180000000000000000";
	sign(body, 0);
	assert_int_equal(pt_run("POST", JSON, body, NULL, signed_h, &r), 200);
	free(r.body);
	pt_pl.application_id = "1180000000000000001";
	pt_refused(403, "POST", JSON, body, signed_h);
	pt_pl.application_id = NULL;
	free(body);
	free(ping);
}

static void
test_parse_render(void **state)
{
	char *body = pt_fixture("discord-command.json");
	struct hook_response r;
	const char *dm = "{\"type\":2,\"id\":\"9\",\"channel_id\":\"5\","
	                 "\"user\":{\"id\":\"7\",\"username\":\"ana\"},"
	                 "\"data\":{\"name\":\"intake\"}}";

	(void)state;
	pt_reset(DC);
	pt_pl.public_key = pubhex;
	sign(body, 0);
	pt_reply = "@everyone <@123> hi";
	assert_int_equal(pt_run("POST", JSON, body, NULL, signed_h, &r), 200);
	assert_string_equal(pt_sender, "luis");
	assert_string_equal(pt_text, "287g");
	assert_false(pt_last.is_private);
	assert_true(pt_last.addressed);
	/* In a guild channel: public, nobody pinged. */
	assert_non_null(strstr(r.body, "\"type\":4"));
	assert_null(strstr(r.body, "\"flags\""));
	assert_non_null(strstr(r.body, "\"allowed_mentions\":{\"parse\":[]}"));
	assert_null(strstr(r.body, "\"@everyone"));
	free(r.body);
	/* Private replies: ephemeral. */
	pt_answer_to = REPLY_PRIVATE;
	assert_int_equal(pt_run("POST", JSON, body, NULL, signed_h, &r), 200);
	assert_non_null(strstr(r.body, "\"flags\":64"));
	free(r.body);
	/* A direct message: user, not member; no options is help. */
	sign(dm, 0);
	assert_int_equal(pt_run("POST", JSON, dm, NULL, signed_h, &r), 200);
	assert_true(pt_last.is_private);
	assert_string_equal(pt_text, "help");
	assert_string_equal(pt_sender, "ana");
	free(r.body);
	/* Autocomplete: no choices; other types and shapes refused. */
	sign("{\"type\":4,\"data\":{}}", 0);
	assert_int_equal(pt_run("POST", JSON, "{\"type\":4,\"data\":{}}", NULL,
	                     signed_h, &r),
	    200);
	assert_non_null(strstr(r.body, "\"type\":8"));
	free(r.body);
	sign("{\"type\":3,\"data\":{}}", 0);
	assert_int_equal(pt_run("POST", JSON, "{\"type\":3,\"data\":{}}", NULL,
	                     signed_h, &r),
	    400);
	free(r.body);
	sign("{\"type\":\"2\"}", 0);
	assert_int_equal(
	    pt_run("POST", JSON, "{\"type\":\"2\"}", NULL, signed_h, &r), 400);
	free(r.body);
	free(body);
}

/* Concatenated "content" of Discord parts (no JSON escapes used). */
static void
test_split(void **state)
{
	const char *prefix = "{\"content\":\"";
	const struct platform *p = platform_find(DC);
	char *text, **parts, *q;
	size_t i, n, len = 0;

	(void)state;
	/* 4500 characters of words: three parts, none over 2000. */
	text = malloc(4501);
	for (i = 0; i < 4500; i++)
		text[i] = i % 10 == 9 ? ' ' : (char)('a' + i % 7);
	text[4499] = 'z';
	text[4500] = '\0';
	n = notify_format_payloads(p, text, &parts);
	assert_int_equal(n, 3);
	for (i = 0; i < n; i++) {
		assert_int_equal(strncmp(parts[i], prefix, strlen(prefix)), 0);
		q = strchr(parts[i] + strlen(prefix), '"');
		assert_non_null(q);
		assert_true(q - parts[i] - strlen(prefix) <= 2000);
		if (i + 1 < n)
			assert_true(q - parts[i] - strlen(prefix) > 1000);
		/* Cut before a space: no part starts or ends with one. */
		assert_true(parts[i][strlen(prefix)] != ' ');
		assert_true(q[-1] != ' ');
		len += (size_t)(q - parts[i]) - strlen(prefix);
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
	n = notify_format_payloads(p, text, &parts);
	assert_int_equal(n, 2);
	*strchr(parts[0] + strlen(prefix), '"') = '\0';
	*strchr(parts[1] + strlen(prefix), '"') = '\0';
	assert_int_equal(pt_cp_count(parts[0] + strlen(prefix)), 2000);
	assert_int_equal(pt_cp_count(parts[1] + strlen(prefix)), 1000);
	notify_format_free(parts, n);
	free(text);

	/* A newline in the second half is preferred to a later space. */
	text = malloc(2601);
	memset(text, 'x', 2600);
	text[1500] = '\n';
	text[1900] = ' ';
	text[2600] = '\0';
	n = notify_format_payloads(p, text, &parts);
	assert_int_equal(n, 2);
	q = strchr(parts[0] + strlen(prefix), '"');
	assert_int_equal(q - parts[0] - strlen(prefix), 1500);
	notify_format_free(parts, n);
	free(text);

	/* Far too long: capped, the last part says so. */
	text = malloc(50001);
	memset(text, 'y', 50000);
	text[50000] = '\0';
	n = notify_format_payloads(p, text, &parts);
	assert_int_equal(n, NOTIFY_FORMAT_PARTS_MAX);
	assert_non_null(strstr(parts[n - 1], "[truncated]"));
	for (i = 0; i < n; i++)
		assert_true(strlen(parts[i]) <= 2000 + 60);
	notify_format_free(parts, n);
	free(text);
	pt_split(DC);
}

static void
test_staff(void **state)
{
	static const struct pt_payload pay[] = {
	    {"d", "{\"content\":\"d\",\"allowed_mentions\":{\"parse\":[]}}"},
	    {"@everyone",
	        "{\"content\":\"@\xe2\x80\x8b"
	        "everyone\","
	        "\"allowed_mentions\":{\"parse\":[]}}"},
	};
	static const struct pt_verdict v[] = {
	    {204, "", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {200, "{\"id\":\"1\"}", NULL, NOTIFY_VERDICT_OK, -1, ""},
	    {429,
	        "{\"message\":\"You are being rate "
	        "limited.\",\"retry_after\":64.57,\"global\":false}",
	        "65", NOTIFY_VERDICT_RETRY, 64570, "HTTP 429"},
	    {429, "{\"retry_after\":2}", NULL, NOTIFY_VERDICT_RETRY, 2000,
	        "HTTP 429"},
	    {404, "{\"message\":\"Unknown Webhook\",\"code\":10015}", NULL,
	        NOTIFY_VERDICT_FAIL, -1, "Unknown Webhook"},
	    {400, "{\"code\":50006}", NULL, NOTIFY_VERDICT_FAIL, -1,
	        "code 50006"},
	    {503, "", NULL, NOTIFY_VERDICT_RETRY, -1, "HTTP 503"},
	};

	(void)state;
	pt_payloads(DC, pay, sizeof(pay) / sizeof(pay[0]));
	pt_verdicts(DC, v, sizeof(v) / sizeof(v[0]));
}

static void
test_dm(void **state)
{
	static const struct pt_dm_step steps[] = {
	    {"http://a/users/@me/channels", "{\"recipient_id\":\"u1\"}",
	        "{\"id\":\"99\"}"},
	    {"http://a/channels/99/messages",
	        "{\"content\":\"hi\",\"allowed_mentions\":{\"parse\":[]}}",
	        "{\"id\":\"5\"}"},
	};
	char why[128];

	(void)state;
	pt_dm(DC, "Authorization: Bot tok", steps, 2);
	/* An id that cannot stand in a URL is refused. */
	assert_int_equal(
	    pt_dm_verdict(DC, "{\"id\":\"../x\"}", why, sizeof(why)),
	    NOTIFY_VERDICT_FAIL);
}

/* A Discord interaction's data, as a parsed document in ev. */
static void
modal_values(const char *json, const char **value)
{
	const struct platform *p = platform_find(DC);
	struct hook_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.doc = platform_json_parse(json, strlen(json));
	assert_non_null(ev.doc);
	memset(value, 0, sizeof(*value) * PLATFORM_FORM_FIELDS);
	p->form_values(&ev, value);
	/* Copied before the document goes. */
	for (size_t i = 0; i < PLATFORM_FORM_FIELDS; i++)
		if (value[i] != NULL) {
			snprintf(pt_got_buf[i], sizeof(pt_got_buf[i]), "%s",
			    value[i]);
			value[i] = pt_got_buf[i];
		}
	platform_json_doc_free(ev.doc);
}

static void
test_modal_shapes(void **st)
{
	const char *v[PLATFORM_FORM_FIELDS];

	(void)st;
	modal_values("{\"data\":{\"custom_id\":\"intake\",\"components\":["
	             "{\"type\":1,\"components\":[{\"type\":4,\"custom_id\":"
	             "\"name\",\"value\":\"Luis\"}]},"
	             "{\"type\":1,\"components\":[{\"type\":4,\"custom_id\":"
	             "\"consent\",\"value\":\"sí\"}]}]}}",
	    v);
	assert_string_equal(v[0], "Luis");
	assert_string_equal(v[6], "sí");
	assert_null(v[1]);
	modal_values("{\"data\":{\"custom_id\":\"intake\",\"components\":["
	             "{\"type\":18,\"component\":{\"type\":4,\"custom_id\":"
	             "\"contact\",\"value\":\"chat\"}},"
	             "{\"type\":18,\"component\":{\"type\":4,\"custom_id\":"
	             "\"bogus\",\"value\":\"x\"}}]}}",
	    v);
	assert_string_equal(v[1], "chat");
	assert_null(v[0]);
}

static void
test_modal(void **st)
{
	const struct platform *p = platform_find(DC);
	struct hook_ctx ctx;
	struct platform_form f;
	struct platform_call call;
	struct hook_response resp;
	struct hook_event ev;
	const char *s,
	    *submit = "{\"type\":5,\"id\":\"77\",\"locale\":\"es-ES\",\"user\":"
	              "{\"id\":"
	              "\"7\",\"username\":\"ana\"},\"data\":{\"custom_id\":"
	              "\"intake\","
	              "\"components\":[{\"type\":18,\"component\":{\"type\":4,"
	              "\"custom_id\":\"contact\",\"value\":\"ana\"}}]}}";
	size_t n = 0;

	(void)st;
	pt_reset(DC);
	ctx = pt_ctx();
	pt_form(p, &f);
	memset(&call, 0, sizeof(call));
	memset(&resp, 0, sizeof(resp));
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(p->form_open(&ctx, &ev, NULL, NULL, NULL), 0);
	assert_int_equal(p->form_open(&ctx, &ev, &f, &call, &resp), 0);
	assert_null(call.url);
	assert_non_null(strstr(resp.body, "\"type\":9"));
	for (s = resp.body; (s = strstr(s, "\"type\":18")) != NULL; s++)
		n++;
	assert_true(n >= 1 && n <= 5);
	assert_null(strstr(resp.body, "\"availability\""));
	assert_null(strstr(resp.body, "\"language\""));
	free(resp.body);
	/* A submission reaches the intake; errors go back privately. */
	pt_pl.public_key = pubhex;
	pt_use_forms = true;
	pt_submits = 0;
	sign(submit, 0);
	assert_int_equal(
	    pt_run("POST", JSON, submit, NULL, signed_h, &resp), 200);
	assert_int_equal(pt_submits, 1);
	assert_string_equal(pt_got[1], "ana");
	assert_non_null(strstr(resp.body, "bad contact"));
	assert_non_null(strstr(resp.body, "\"flags\":64"));
	free(resp.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_conf),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_parse_render),
	    cmocka_unit_test(test_split),
	    cmocka_unit_test(test_staff),
	    cmocka_unit_test(test_dm),
	    cmocka_unit_test(test_modal_shapes),
	    cmocka_unit_test(test_modal),
	};
	int rc;

	setup(NULL);
	rc = pt_main(tests, sizeof(tests) / sizeof(tests[0]));
	teardown(NULL);
	return rc;
}
