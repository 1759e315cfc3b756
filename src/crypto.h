/*
 * The few cryptographic operations the webhook adapters need, on top of
 * OpenSSL libcrypto: HMAC-SHA256, Ed25519 signature checks, constant-time
 * comparison, and hex and base64 coding.  This is the only file that
 * includes OpenSSL headers; nothing here logs, since every input may be a
 * secret.
 */
#ifndef CRYPTO_H
#define CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

#define CRYPTO_SHA256_LEN 32
#define CRYPTO_ED25519_KEY_LEN 32
#define CRYPTO_ED25519_SIG_LEN 64

/* One piece of a message that is signed in several parts. */
struct crypto_part {
	const void *data;
	size_t len;
};

/*
 * HMAC-SHA256 of the concatenation of n parts under key; writes
 * CRYPTO_SHA256_LEN bytes to out.  Returns 0, or -1 on a library error.
 */
int crypto_hmac_sha256(const void *key, size_t keylen,
    const struct crypto_part *parts, size_t n,
    unsigned char out[CRYPTO_SHA256_LEN]);

/*
 * True when sig is a valid Ed25519 signature of the concatenation of n
 * parts under the raw public key pub.  Any error counts as invalid.
 */
bool crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_KEY_LEN],
    const unsigned char sig[CRYPTO_ED25519_SIG_LEN],
    const struct crypto_part *parts, size_t n);

/* Compares n bytes in time that depends only on n. */
bool crypto_equal(const void *a, const void *b, size_t n);

/*
 * Compares two strings of any lengths in time that does not depend on
 * where they differ (both are hashed first, then compared): for tokens.
 */
bool crypto_token_equal(const char *a, size_t alen, const char *b, size_t blen);

/*
 * Decodes exactly outlen bytes from hex (upper or lower case, nothing
 * else); 0, or -1 when hex is not 2 * outlen hex digits.
 */
int crypto_hex_decode(const char *hex, unsigned char *out, size_t outlen);
/* Writes 2 * len lower-case hex digits and a NUL to out. */
void crypto_hex_encode(const void *in, size_t len, char *out);

/* Returns the standard base64 (padded) of in; the caller frees it. */
char *crypto_base64_encode(const void *in, size_t len);
/*
 * Decodes standard padded base64 (no whitespace) into a new buffer that
 * the caller frees, its length in *outlen.  Returns NULL when s is not
 * valid base64.
 */
unsigned char *crypto_base64_decode(const char *s, size_t len, size_t *outlen);

#endif
