/*
 * libFuzzer target for the inbound platform parsers, through hook_handle
 * (the one entry point http.c uses), with requests signed as the real
 * platforms sign them so that fuzzed bodies get past verification:
 * the input's first byte picks the route, the rest is the raw body.
 *   0, 1  Mattermost, form or JSON, token in the body (0 with bit 3:
 *         a GET with the input as its query string)
 *   2     Mattermost, form or JSON (bit 3), "Authorization: Token"
 *   3     Slack slash command, form, v0 HMAC-SHA256 signature
 *   4     Rocket.Chat, JSON, token in the body
 *   5     Teams outgoing webhook, JSON with HTML entities, HMAC
 *   6     Discord interaction, JSON, Ed25519 signature
 *   7     the form parser, the HTML entity decoder and the decoders of
 *         header values (hex and base64 signatures, timestamps,
 *         content types, tokens) alone
 * The handler checks the neutral message it is given (sanitised: valid
 * UTF-8, no control characters, within MESSAGE_TEXT_MAX) and answers with
 * the text, privately when bit 4 is set, so replies are rendered too.
 * Checked, aborting on a violation: a status from the documented set,
 * an answer body that is JSON, valid UTF-8 and free of mass mentions, and a
 * second delivery of the same event replayed with the same answer; for the form
 * parser, every field inside its block and each value as long as it says.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>
#include <openssl/evp.h>

#include "conf.h"
#include "crypto.h"
#include "hook.h"
#include "platform.h"
#include "message.h"
#include "text.h"

#include "fuzz.h"

/* The tokens of the seeds in fuzz/corpus/fuzz_hook. */
#define TOKENS                                                                 \
	"xr3j5x3p4pfk7kttbd6ewqchoe,s1ashtokens1ashtokens1asht,"               \
	"rc-token-9f8e7d6c5b4a"
#define SLACK_SECRET "8f742231b10e8888abcd99yyyzzz85a5"
#define TEAMS_SECRET "c2VjcmV0LXRlYW1zLXRva2VuLWZvci1mdXp6aW5n"
#define NOW ((int64_t)1764332580)
#define TS "1764332580"

struct hdrs {
	const char *name[2];
	const char *value[2];
};

static const char *
get_header(void *arg, const char *name)
{
	struct hdrs *h = arg;
	int i;

	for (i = 0; i < 2; i++)
		if (h->name[i] != NULL && strcasecmp(h->name[i], name) == 0)
			return h->value[i];
	return NULL;
}

static bool
no_controls(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

static void
check_str(const char *s, size_t max)
{
	if (s == NULL)
		return;
	CHECK(strlen(s) <= max);
	CHECK(text_utf8_valid(s, strlen(s)));
	CHECK(no_controls(s));
}

static enum reply_to answer_to;

static void
handler(void *arg, const struct message *m, struct replies *out)
{
	(void)arg;
	CHECK(m->text != NULL && m->sender != NULL && m->sender_id != NULL);
	check_str(m->text, MESSAGE_TEXT_MAX);
	check_str(m->sender, 128);
	check_str(m->sender_id, 128);
	check_str(m->channel, 128);
	check_str(m->network, 128);
	CHECK(!m->is_private || m->channel == NULL);
	replies_add(out, answer_to, m->text, NULL);
	replies_addf(out, REPLY_HERE, "**%s**: [%s](https://example.org/%s)",
	    m->sender, m->text, m->sender_id);
}

/* Native forms: every submitted answer reaches submit sanitised. */
static char *
form_text(void *arg, const char *lang, const char *key)
{
	(void)arg;
	CHECK(lang != NULL && key != NULL);
	return strdup(key);
}

static int
form_submit(void *arg, const struct message *m, const char *lang,
    const char *const *value, char **err, struct replies *out)
{
	size_t i;

	(void)arg;
	CHECK(m->sender_id != NULL && lang != NULL);
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++)
		if (value[i] != NULL)
			check_str(value[i], MESSAGE_TEXT_MAX);
	/* A refused first field now and then, for the error answers. */
	if (value[0] != NULL && value[0][0] == '!') {
		err[0] = strdup("refused");
		return 1;
	}
	replies_add(out, REPLY_PRIVATE, "#1", NULL);
	return 0;
}

static void
form_call(void *arg, const char *section, struct platform_call *c)
{
	(void)arg;
	CHECK(section != NULL && c->url != NULL);
}

static const struct hook_forms forms = {
    form_text, form_submit, form_call, NULL};

static EVP_PKEY *discord_key;
static char discord_pub[2 * 32 + 1];

static void
discord_init(void)
{
	static const unsigned char seed[32] = "intakebot fuzz ed25519 seed 32b";
	unsigned char pub[32];
	size_t publen = sizeof(pub);

	discord_key = EVP_PKEY_new_raw_private_key(
	    EVP_PKEY_ED25519, NULL, seed, sizeof(seed));
	CHECK(discord_key != NULL);
	CHECK(EVP_PKEY_get_raw_public_key(discord_key, pub, &publen) == 1);
	crypto_hex_encode(pub, sizeof(pub), discord_pub);
}

static void
discord_sign(const char *body, size_t len, char *hex)
{
	unsigned char sig[64], *msg;
	size_t siglen = sizeof(sig);
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	msg = malloc(strlen(TS) + len + 1);
	memcpy(msg, TS, strlen(TS));
	memcpy(msg + strlen(TS), body, len);
	CHECK(EVP_DigestSignInit(md, NULL, NULL, NULL, discord_key) == 1);
	CHECK(EVP_DigestSign(md, sig, &siglen, msg, strlen(TS) + len) == 1);
	EVP_MD_CTX_free(md);
	free(msg);
	crypto_hex_encode(sig, sizeof(sig), hex);
}

static void
check_form(const char *body, size_t len)
{
	struct hook_form f;
	const char *v;
	size_t i, vlen;

	if (hook_form_parse(&f, body, len) == -1) {
		CHECK(f.n == 0 && f.mem == NULL);
		return;
	}
	CHECK(f.n <= HOOK_FORM_MAX);
	for (i = 0; i < f.n; i++) {
		CHECK(f.key[i] < len + 2 * HOOK_FORM_MAX + 1);
		CHECK(f.val[i] + f.len[i] < len + 2 * HOOK_FORM_MAX + 1);
		CHECK(strlen(f.mem + f.val[i]) == f.len[i]);
		CHECK(strlen(f.mem + f.key[i]) <= len);
		v = hook_form_get(&f, f.mem + f.key[i], &vlen);
		CHECK(v != NULL);
	}
	hook_form_free(&f);
}

static void
check_html(const char *body, size_t len, bool strip)
{
	char *t = hook_html_to_text(body, len, strip);

	CHECK(t != NULL);
	/* Decoding never adds: every entity is longer than its text. */
	CHECK(strlen(t) <= len);
	if (text_utf8_valid(body, len))
		CHECK(text_utf8_valid(t, strlen(t)));
	free(t);
}

/* The body as a header value: a hex or base64 signature, a timestamp. */
static void
check_header_decoders(const char *body, size_t len)
{
	unsigned char bin[64], *dec;
	char hex[2 * 64 + 1], *enc;
	size_t n = len / 2 < sizeof(bin) ? len / 2 : sizeof(bin), dlen;

	if (crypto_hex_decode(body, bin, n) == 0) {
		CHECK(strlen(body) == 2 * n);
		crypto_hex_encode(bin, n, hex);
		CHECK(strncasecmp(hex, body, 2 * n) == 0);
	}
	if ((dec = crypto_base64_decode(body, len, &dlen)) != NULL) {
		CHECK(len % 4 == 0 && dlen <= len / 4 * 3 &&
		    dlen + 2 >= len / 4 * 3);
		free(dec);
	}
	/* Any bytes survive a round trip. */
	enc = crypto_base64_encode(body, len);
	if (len > 0) {
		dec = crypto_base64_decode(enc, strlen(enc), &dlen);
		CHECK(
		    dec != NULL && dlen == len && memcmp(dec, body, len) == 0);
		free(dec);
	}
	free(enc);
	CHECK(hook_parse_seconds(body) >= -1);
	if (hook_content_type_is(body, "application/json"))
		CHECK(strncasecmp(body + strspn(body, " \t"),
		          "application/json", 16) == 0);
	if (hook_token_match(TOKENS, body, len))
		CHECK(strstr(TOKENS, body) != NULL);
}

static void
check_response(const struct hook_response *r)
{
	struct json_object *o;

	CHECK(r->status == 200 || r->status == 400 || r->status == 401 ||
	    r->status == 403 || r->status == 405 || r->status == 415);
	if (r->status != 200)
		CHECK(r->body == NULL);
	if (r->body != NULL) {
		CHECK(text_utf8_valid(r->body, strlen(r->body)));
		CHECK(!fuzz_mass_mention(r->body));
		o = json_tokener_parse(r->body);
		CHECK(o != NULL);
		json_object_put(o);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct hook_cache *cache;
	unsigned char mac[CRYPTO_SHA256_LEN];
	struct crypto_part parts[4];
	struct conf_platform pl;
	struct hook_request req;
	struct hook_response r1, r2;
	struct hook_ctx ctx;
	struct hdrs h;
	char *body, *b64, sig[2 * 64 + 8], auth[128];
	unsigned char *key;
	size_t len, keylen;
	int mode;

	if (size < 1)
		return 0;
	if (discord_key == NULL)
		discord_init();
	if (cache == NULL)
		cache = hook_cache_new(64, 3600);
	mode = data[0] & 7;
	answer_to = (data[0] & 16) ? REPLY_PRIVATE : REPLY_HERE;
	len = size - 1;
	/* NUL-terminated, as http.c hands it over. */
	body = malloc(len + 1);
	memcpy(body, data + 1, len);
	body[len] = '\0';
	if (mode == 7) {
		check_form(body, len);
		check_html(body, len, (data[0] & 8) != 0);
		check_header_decoders(body, len);
		free(body);
		return 0;
	}

	memset(&pl, 0, sizeof(pl));
	memset(&h, 0, sizeof(h));
	memset(&req, 0, sizeof(req));
	pl.token = TOKENS;
	pl.staff_channel = "staff";
	req.method = "POST";
	req.body = body;
	req.body_len = len;
	req.header = get_header;
	req.header_arg = &h;
	req.now = NOW;
	switch (mode) {
	case 0:
	case 1:
	case 2:
		pl.kind = "mattermost";
		req.content_type = (mode == 0 || (mode == 2 && !(data[0] & 8)))
		    ? "application/x-www-form-urlencoded"
		    : "application/json";
		if (mode == 2) {
			h.name[0] = "Authorization";
			h.value[0] = "Token rc-token-9f8e7d6c5b4a";
		}
		if (mode == 0 && (data[0] & 8)) {
			req.method = "GET";
			req.content_type = NULL;
			req.query = body;
			req.body = "";
			req.body_len = 0;
		}
		break;
	case 3:
		pl.kind = "slack";
		pl.signing_secret = SLACK_SECRET;
		req.content_type = "application/x-www-form-urlencoded";
		parts[0] = (struct crypto_part){"v0:", 3};
		parts[1] = (struct crypto_part){TS, strlen(TS)};
		parts[2] = (struct crypto_part){":", 1};
		parts[3] = (struct crypto_part){body, len};
		CHECK(crypto_hmac_sha256(SLACK_SECRET, strlen(SLACK_SECRET),
		          parts, 4, mac) == 0);
		memcpy(sig, "v0=", 3);
		crypto_hex_encode(mac, sizeof(mac), sig + 3);
		h.name[0] = "X-Slack-Request-Timestamp";
		h.value[0] = TS;
		h.name[1] = "X-Slack-Signature";
		h.value[1] = sig;
		break;
	case 4:
		pl.kind = "rocketchat";
		req.content_type = "application/json";
		break;
	case 5:
		pl.kind = "teams";
		pl.signing_secret = TEAMS_SECRET;
		req.content_type = "application/json";
		key = crypto_base64_decode(
		    TEAMS_SECRET, strlen(TEAMS_SECRET), &keylen);
		CHECK(key != NULL);
		parts[0] = (struct crypto_part){body, len};
		CHECK(crypto_hmac_sha256(key, keylen, parts, 1, mac) == 0);
		free(key);
		b64 = crypto_base64_encode(mac, sizeof(mac));
		snprintf(auth, sizeof(auth), "HMAC %s", b64);
		free(b64);
		h.name[0] = "Authorization";
		h.value[0] = auth;
		break;
	default:
		pl.kind = "discord";
		pl.public_key = discord_pub;
		req.content_type = "application/json";
		discord_sign(body, len, sig);
		h.name[0] = "X-Signature-Ed25519";
		h.value[0] = sig;
		h.name[1] = "X-Signature-Timestamp";
		h.value[1] = TS;
		break;
	}
	pl.section = pl.kind;
	/* Bit 5: forms on, and on Mattermost the unsigned form route. */
	pl.bot_token = "fuzz-bot-token";
	pl.api_url = "http://127.0.0.1:9";
	req.form_route = (data[0] & 32) != 0 && mode <= 2;
	ctx = (struct hook_ctx){.pl = &pl,
	    .nick = "intakebot",
	    .handler = handler,
	    .cache = cache,
	    .forms = (data[0] & 32) ? &forms : NULL};

	CHECK(hook_handle(&ctx, &req, &r1) == 0);
	check_response(&r1);
	/* The same delivery again: a retry, answered alike. */
	CHECK(hook_handle(&ctx, &req, &r2) == 0);
	check_response(&r2);
	CHECK(r2.status == r1.status);
	if (r2.replayed)
		CHECK((r1.body == NULL && r2.body == NULL) ||
		    (r1.body != NULL && r2.body != NULL &&
		        strcmp(r1.body, r2.body) == 0));
	free(r1.body);
	free(r2.body);
	free(body);
	return 0;
}
