/* Unit tests for crypto.c: published test vectors and edge cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto.h"

static void
hex32(const unsigned char *d, char *out)
{
	crypto_hex_encode(d, CRYPTO_SHA256_LEN, out);
}

static void
test_hmac(void **state)
{
	/* RFC 4231 test case 2, in one part and in three. */
	struct crypto_part one = {"what do ya want for nothing?", 28};
	struct crypto_part three[3] = {
	    {"what do ", 8}, {"", 0}, {"ya want for nothing?", 20}};
	unsigned char mac[CRYPTO_SHA256_LEN];
	char hex[65];

	(void)state;
	assert_int_equal(crypto_hmac_sha256("Jefe", 4, &one, 1, mac), 0);
	hex32(mac, hex);
	assert_string_equal(hex,
	    "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
	assert_int_equal(crypto_hmac_sha256("Jefe", 4, three, 3, mac), 0);
	hex32(mac, hex);
	assert_string_equal(hex,
	    "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843");
}

static void
test_hmac_slack_example(void **state)
{
	/* The example of Slack's "Verifying requests" page. */
	static const char body[] =
	    "token=xyzz0WbapA4vBCDEFasx0q6G&team_id="
	    "T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
	    "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&"
	    "command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2F"
	    "hooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F"
	    "96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121."
	    "803a0bc887a14d10d2c447fce8b6703c";
	static const char secret[] = "8f742231b10e8888abcd99yyyzzz85a5";
	struct crypto_part p[3] = {
	    {"v0:", 3}, {"1531420618:", 11}, {body, sizeof(body) - 1}};
	unsigned char mac[CRYPTO_SHA256_LEN];
	char hex[65];

	(void)state;
	assert_int_equal(
	    crypto_hmac_sha256(secret, strlen(secret), p, 3, mac), 0);
	hex32(mac, hex);
	assert_string_equal(hex,
	    "a2114d57b48eac39b9ad189dd8316235"
	    "a7b4a8d21a10bd27519666489c69b503");
}

static void
test_ed25519(void **state)
{
	/* RFC 8032 section 7.1, tests 1 and 2. */
	unsigned char pub1[32], sig1[64], pub2[32], sig2[64];
	struct crypto_part empty = {"", 0}, m72 = {"\x72", 1};
	struct crypto_part split[2] = {{"", 0}, {"\x72", 1}};

	(void)state;
	assert_int_equal(crypto_hex_decode("d75a980182b10ab7d54bfed3c964073a"
	                                   "0ee172f3daa62325af021a68f707511a",
	                     pub1, 32),
	    0);
	assert_int_equal(
	    crypto_hex_decode(
	        "e5564300c360ac729086e2cc806e828a"
	        "84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b4"
	        "6bd25bf5f0595bbe24655141438e7a100b",
	        sig1, 64),
	    0);
	assert_int_equal(crypto_hex_decode("3d4017c3e843895a92b70aa74d1b7ebc"
	                                   "9c982ccf2ec4968cc0cd55f12af4660c",
	                     pub2, 32),
	    0);
	assert_int_equal(
	    crypto_hex_decode(
	        "92a009a9f0d4cab8720e820b5f642540"
	        "a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d"
	        "8c387b2eaeb4302aeeb00d291612bb0c00",
	        sig2, 64),
	    0);
	assert_true(crypto_ed25519_verify(pub1, sig1, &empty, 1));
	assert_true(crypto_ed25519_verify(pub2, sig2, &m72, 1));
	assert_true(crypto_ed25519_verify(pub2, sig2, split, 2));
	/* Wrong key, wrong message, flipped bit. */
	assert_false(crypto_ed25519_verify(pub1, sig2, &m72, 1));
	assert_false(crypto_ed25519_verify(pub2, sig2, &empty, 1));
	sig2[10] ^= 1;
	assert_false(crypto_ed25519_verify(pub2, sig2, &m72, 1));
}

static void
test_equal(void **state)
{
	(void)state;
	assert_true(crypto_equal("abc", "abc", 3));
	assert_false(crypto_equal("abc", "abd", 3));
	assert_true(crypto_token_equal("tok", 3, "tok", 3));
	assert_false(crypto_token_equal("tok", 3, "tok2", 4));
	assert_false(crypto_token_equal("tok", 3, "tok\0", 4));
	assert_false(crypto_token_equal("", 0, "x", 1));
	assert_true(crypto_token_equal("", 0, "", 0));
}

static void
test_hex(void **state)
{
	unsigned char b[2];
	char out[5];

	(void)state;
	assert_int_equal(crypto_hex_decode("0aFf", b, 2), 0);
	assert_int_equal(b[0], 0x0a);
	assert_int_equal(b[1], 0xff);
	crypto_hex_encode(b, 2, out);
	assert_string_equal(out, "0aff");
	assert_int_equal(crypto_hex_decode("0aF", b, 2), -1);
	assert_int_equal(crypto_hex_decode("0aFfa", b, 2), -1);
	assert_int_equal(crypto_hex_decode("0g00", b, 2), -1);
}

static void
test_base64(void **state)
{
	/* RFC 4648 section 10. */
	static const char *plain[] = {
	    "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *enc[] = {
	    "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	static const char *bad[] = {"", "Zg=", "Zg", "Z===", "Zm9v\n", "Zm 9",
	    "Zm=v", "====", "Zm9v*A=="};
	unsigned char *d;
	size_t i, n;
	char *e;

	(void)state;
	for (i = 0; i < 6; i++) {
		e = crypto_base64_encode(plain[i], strlen(plain[i]));
		assert_string_equal(e, enc[i]);
		free(e);
		d = crypto_base64_decode(enc[i], strlen(enc[i]), &n);
		assert_non_null(d);
		assert_int_equal(n, strlen(plain[i]));
		assert_memory_equal(d, plain[i], n);
		free(d);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(crypto_base64_decode(bad[i], strlen(bad[i]), &n));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hmac),
	    cmocka_unit_test(test_hmac_slack_example),
	    cmocka_unit_test(test_ed25519),
	    cmocka_unit_test(test_equal),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_base64),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
