/*
 * Unit tests for the platform modules through hook_handle: the neutral
 * message each payload becomes (text, addressed, private, staff), bots
 * dropped, and the shape of each platform's answer.  Signatures are
 * covered over real HTTP in tests/e2e/http-platforms.sh; here Mattermost
 * and Rocket.Chat (tokens) and a Slack signature made with crypto.c.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "catalog.h"
#include "conf.h"
#include "crypto.h"
#include "hook.h"

static int handled;
static struct message last;
static char last_text[512], last_channel[128], last_sender[128];
static enum reply_to answer_to;

static void
fake_handler(void *arg, const struct message *m, struct replies *out)
{
	(void)arg;
	handled++;
	last = *m;
	snprintf(last_text, sizeof(last_text), "%s", m->text);
	snprintf(last_channel, sizeof(last_channel), "%s",
	    m->channel != NULL ? m->channel : "(null)");
	snprintf(last_sender, sizeof(last_sender), "%s", m->sender);
	replies_add(out, answer_to, "**ok**", NULL);
}

/* Headers: name, value pairs ending with NULL. */
static const char *
table_header(void *arg, const char *name)
{
	const char **h = arg;

	for (; h != NULL && h[0] != NULL; h += 2)
		if (strcasecmp(h[0], name) == 0)
			return h[1];
	return NULL;
}

static struct conf_platform pl;

static int
run(const char *kind, const char *method, const char *ctype, const char *body,
    const char *query, const char **headers, struct hook_response *resp)
{
	struct hook_request req;
	struct hook_ctx ctx;

	pl.section = (char *)kind;
	pl.kind = (char *)kind;
	ctx = (struct hook_ctx){
	    &pl, "intakebot", fake_handler, NULL, NULL, NULL, NULL, NULL, NULL};
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.content_type = ctype;
	req.body = body;
	req.body_len = strlen(body);
	req.query = query;
	req.header = table_header;
	req.header_arg = headers;
	req.now = (int64_t)time(NULL);
	handled = 0;
	hook_handle(&ctx, &req, resp);
	return resp->status;
}

static void
test_mattermost(void **state)
{
	static const char *auth[] = {"Authorization", "Token tok2", NULL};
	struct hook_response r;

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.token = "tok1,tok2";
	pl.staff_channel = "staff";
	answer_to = REPLY_HERE;
	assert_int_equal(run("mattermost", "POST", "application/json",
	                     "{\"token\":\"tok1\",\"timestamp\":1764332580123,"
	                     "\"post_id\":\"p\","
	                     "\"channel_name\":\"staff\",\"user_name\":\"ana\","
	                     "\"text\":\"!x\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(handled, 1);
	assert_true(last.is_staff);
	assert_false(last.addressed);
	assert_string_equal(last_sender, "ana");
	assert_string_equal(r.body,
	    "{\"response_type\":\"in_channel\","
	    "\"text\":\"**ok**\"}");
	free(r.body);
	/* A slash command in a direct channel: private, addressed. */
	assert_int_equal(
	    run("mattermost", "POST", "application/x-www-form-urlencoded",
	        "command=%2Fintake&text=&channel_name=u1__u2&user_name=ana",
	        NULL, auth, &r),
	    200);
	assert_true(last.is_private);
	assert_true(last.addressed);
	assert_string_equal(last_text, "help");
	assert_string_equal(last_channel, "(null)");
	assert_non_null(strstr(r.body, "\"ephemeral\""));
	free(r.body);
	/* Private replies to a channel slash command: extra_responses. */
	answer_to = REPLY_PRIVATE;
	assert_int_equal(
	    run("mattermost", "GET", NULL, "",
	        "token=tok1&command=%2Fintake&text=a&channel_name=town", NULL,
	        &r),
	    200);
	assert_non_null(strstr(r.body, "\"ephemeral\""));
	assert_non_null(strstr(r.body, "**ok**"));
	free(r.body);
	/* An outgoing webhook has no private path: withheld, a hint. */
	assert_int_equal(
	    run("mattermost", "POST", "application/x-www-form-urlencoded",
	        "token=tok1&text=%21a&channel_name=town&user_name=b&post_id=w",
	        NULL, NULL, &r),
	    200);
	assert_true(last.no_private);
	assert_null(strstr(r.body, "**ok**"));
	assert_non_null(strstr(r.body, "only in private"));
	assert_non_null(strstr(r.body, "slash command"));
	free(r.body);
	/* Control characters never reach the router. */
	answer_to = REPLY_HERE;
	assert_int_equal(
	    run("mattermost", "POST", "application/x-www-form-urlencoded",
	        "token=tok1&text=%21a%0D%0APRIVMSG+x%07&channel_name=t&user_"
	        "name=b",
	        NULL, NULL, &r),
	    200);
	assert_null(strpbrk(last_text, "\r\n\a"));
	free(r.body);
	assert_int_equal(
	    run("mattermost", "DELETE", NULL, "", NULL, NULL, &r), 405);
	free(r.body);
}

static void
test_slack(void **state)
{
	const char *body =
	    "command=%2Fintake&text=%26lt%3Bb%26gt%3B&"
	    "channel_id=D123&channel_name=directmessage&user_name=u";
	struct crypto_part p[3];
	unsigned char mac[CRYPTO_SHA256_LEN];
	char ts[32], sig[3 + 65];
	const char *h[] = {
	    "X-Slack-Request-Timestamp", ts, "X-Slack-Signature", sig, NULL};
	struct hook_response r;

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.signing_secret = "s3cret";
	snprintf(ts, sizeof(ts), "%lld", (long long)time(NULL));
	p[0] = (struct crypto_part){"v0:", 3};
	p[1] = (struct crypto_part){ts, strlen(ts)};
	p[2] = (struct crypto_part){":", 1};
	{
		struct crypto_part all[4] = {
		    p[0], p[1], p[2], {body, strlen(body)}};

		assert_int_equal(
		    crypto_hmac_sha256("s3cret", 6, all, 4, mac), 0);
	}
	memcpy(sig, "v0=", 3);
	crypto_hex_encode(mac, sizeof(mac), sig + 3);
	answer_to = REPLY_HERE;
	assert_int_equal(
	    run("slack", "POST", "application/x-www-form-urlencoded", body,
	        NULL, h, &r),
	    200);
	assert_true(last.is_private);
	assert_true(last.addressed);
	assert_string_equal(last_text, "<b>");
	assert_string_equal(r.body,
	    "{\"response_type\":\"ephemeral\","
	    "\"text\":\"*ok*\"}");
	free(r.body);
	sig[5] = sig[5] == '0' ? '1' : '0';
	assert_int_equal(
	    run("slack", "POST", "application/x-www-form-urlencoded", body,
	        NULL, h, &r),
	    401);
	assert_true(r.verify_failed);
	assert_int_equal(handled, 0);
	free(r.body);
}

static void
test_rocketchat(void **state)
{
	struct hook_response r;

	(void)state;
	memset(&pl, 0, sizeof(pl));
	pl.token = "rt";
	answer_to = REPLY_PRIVATE;
	assert_int_equal(
	    run("rocketchat", "POST", "application/json",
	        "{\"token\":\"rt\",\"bot\":false,\"user_name\":\"jo\","
	        "\"channel_name\":\"general\",\"text\":\"!a\"}",
	        NULL, NULL, &r),
	    200);
	assert_int_equal(handled, 1);
	assert_false(last.no_private);
	/* A private answer is addressed to the asker: a direct message. */
	assert_string_equal(
	    r.body, "{\"text\":\"**ok**\",\"channel\":\"@jo\"}");
	free(r.body);
	/* A name that cannot be addressed: withheld, and a hint instead. */
	assert_int_equal(
	    run("rocketchat", "POST", "application/json",
	        "{\"token\":\"rt\",\"user_name\":\"j o\",\"text\":\"!a\"}",
	        NULL, NULL, &r),
	    200);
	assert_true(last.no_private);
	assert_null(strstr(r.body, "**ok**"));
	assert_null(strstr(r.body, "channel"));
	assert_non_null(strstr(r.body, "only in private"));
	free(r.body);
	/* Our own name, and bots, are never answered. */
	assert_int_equal(run("rocketchat", "POST", "application/json",
	                     "{\"token\":\"rt\",\"user_name\":\"IntakeBot\","
	                     "\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(handled, 0);
	assert_null(r.body);
	assert_int_equal(run("rocketchat", "POST", "application/json",
	                     "{\"token\":\"rt\",\"bot\":true,\"text\":\"!a\"}",
	                     NULL, NULL, &r),
	    200);
	assert_int_equal(handled, 0);
	assert_int_equal(run("rocketchat", "POST", "application/json",
	                     "{\"token\":\"rt\"}", NULL, NULL, &r),
	    400);
	free(r.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_mattermost),
	    cmocka_unit_test(test_slack),
	    cmocka_unit_test(test_rocketchat),
	};

	struct catalog *catalog;
	struct diag d;
	int rc;

	/* The hints are the shipped sentences. */
	diag_init(&d);
	catalog = catalog_load("content", &d, NULL);
	diag_reset(&d);
	catalog_use(catalog);
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	catalog_use(NULL);
	catalog_free(catalog);
	return rc;
}
