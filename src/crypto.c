/*
 * OpenSSL 3 wrappers.  HMAC goes through the EVP_MAC interface (HMAC_CTX
 * is deprecated), Ed25519 through EVP_DigestVerify with a raw public key.
 * Ed25519 is one-shot, so a multi-part message is joined in a buffer
 * first; the callers' messages are capped by the HTTP body limit.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "crypto.h"
#include "text.h"
#include "xmalloc.h"

int
crypto_hmac_sha256(const void *key, size_t keylen,
    const struct crypto_part *parts, size_t n,
    unsigned char out[CRYPTO_SHA256_LEN])
{
	static const unsigned char empty[1];
	OSSL_PARAM params[2];
	EVP_MAC_CTX *ctx = NULL;
	EVP_MAC *mac;
	size_t i, outlen = 0;
	int rc = -1;

	if ((mac = EVP_MAC_fetch(NULL, "HMAC", NULL)) == NULL)
		return -1;
	params[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
	params[1] = OSSL_PARAM_construct_end();
	if ((ctx = EVP_MAC_CTX_new(mac)) == NULL)
		goto out;
	/* A zero-length key is legal HMAC but needs a non-NULL pointer. */
	if (!EVP_MAC_init(ctx, keylen > 0 ? key : empty, keylen, params))
		goto out;
	for (i = 0; i < n; i++)
		if (parts[i].len > 0 &&
		    !EVP_MAC_update(ctx, parts[i].data, parts[i].len))
			goto out;
	if (!EVP_MAC_final(ctx, out, &outlen, CRYPTO_SHA256_LEN) ||
	    outlen != CRYPTO_SHA256_LEN)
		goto out;
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

bool
crypto_ed25519_verify(const unsigned char pub[CRYPTO_ED25519_KEY_LEN],
    const unsigned char sig[CRYPTO_ED25519_SIG_LEN],
    const struct crypto_part *parts, size_t n)
{
	EVP_PKEY *pkey;
	EVP_MD_CTX *md = NULL;
	unsigned char *msg;
	size_t i, len = 0, off = 0;
	bool ok = false;

	for (i = 0; i < n; i++)
		len += parts[i].len;
	msg = xmalloc(len + 1);
	for (i = 0; i < n; i++) {
		if (parts[i].len > 0)
			memcpy(msg + off, parts[i].data, parts[i].len);
		off += parts[i].len;
	}
	pkey = EVP_PKEY_new_raw_public_key(
	    EVP_PKEY_ED25519, NULL, pub, CRYPTO_ED25519_KEY_LEN);
	if (pkey == NULL)
		goto out;
	if ((md = EVP_MD_CTX_new()) == NULL)
		goto out;
	if (EVP_DigestVerifyInit(md, NULL, NULL, NULL, pkey) != 1)
		goto out;
	ok = EVP_DigestVerify(md, sig, CRYPTO_ED25519_SIG_LEN, msg, len) == 1;
out:
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(pkey);
	free(msg);
	return ok;
}

bool
crypto_equal(const void *a, const void *b, size_t n)
{
	return CRYPTO_memcmp(a, b, n) == 0;
}

/*
 * SHA-256 for token comparison, with the digest fetched and the context
 * allocated once: an implicit fetch by EVP_sha256() costs a locked table
 * lookup per call, more than hashing a token.  The bot is single-threaded.
 */
static int
crypto_token_digest(
    const void *p, size_t len, unsigned char out[CRYPTO_SHA256_LEN])
{
	static EVP_MD *md;
	static EVP_MD_CTX *ctx;
	unsigned int outlen = 0;

	if (md == NULL && (md = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return -1;
	if (ctx == NULL && (ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	if (!EVP_DigestInit_ex2(ctx, md, NULL) ||
	    !EVP_DigestUpdate(ctx, p, len) ||
	    !EVP_DigestFinal_ex(ctx, out, &outlen) ||
	    outlen != CRYPTO_SHA256_LEN)
		return -1;
	return 0;
}

bool
crypto_token_equal(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char da[CRYPTO_SHA256_LEN], db[CRYPTO_SHA256_LEN];

	if (crypto_token_digest(a, alen, da) == -1 ||
	    crypto_token_digest(b, blen, db) == -1)
		return false;
	/* Both digests are always compared; the length check comes last. */
	return (CRYPTO_memcmp(da, db, sizeof(da)) == 0) & (alen == blen);
}

int
crypto_hex_decode(const char *hex, unsigned char *out, size_t outlen)
{
	size_t i;
	int hi, lo;

	if (strlen(hex) != 2 * outlen)
		return -1;
	for (i = 0; i < outlen; i++) {
		hi = text_hex_value((unsigned char)hex[2 * i]);
		lo = text_hex_value((unsigned char)hex[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

void
crypto_hex_encode(const void *in, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *p = in;
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0xf];
	}
	out[2 * len] = '\0';
}

char *
crypto_base64_encode(const void *in, size_t len)
{
	char *out;

	if (len > (size_t)0x7fffffff / 2)
		return NULL;
	out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, in, (int)len);
	return out;
}

static bool
crypto_base64_char(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/';
}

unsigned char *
crypto_base64_decode(const char *s, size_t len, size_t *outlen)
{
	unsigned char *out;
	size_t i, pad = 0;
	int n;

	/* EVP_DecodeBlock is lax (whitespace, padding): check first. */
	if (len == 0 || len % 4 != 0 || len > (size_t)0x7fffffff / 2)
		return NULL;
	if (s[len - 1] == '=')
		pad = s[len - 2] == '=' ? 2 : 1;
	for (i = 0; i < len - pad; i++)
		if (!crypto_base64_char((unsigned char)s[i]))
			return NULL;
	out = xmalloc(len / 4 * 3 + 1);
	n = EVP_DecodeBlock(out, (const unsigned char *)s, (int)len);
	if (n < 0 || (size_t)n < pad) {
		free(out);
		return NULL;
	}
	*outlen = (size_t)n - pad;
	return out;
}
