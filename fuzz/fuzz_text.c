/*
 * libFuzzer target for text.c, as property checks.  The input's first
 * byte holds the sanitiser flags, the next two the cap (0 to 1023); the
 * rest is the text.  Checked, aborting on a violation:
 * - text_utf8_valid agrees with an independent validator written here;
 * - text_sanitize: valid UTF-8, never longer than the cap, no control
 *   character but LF (and that only with TEXT_KEEP_NEWLINES), no U+2028
 *   or U+2029, and sanitising its own output changes nothing;
 * - text_utf8_cut and text_chunk on valid text: at most the cap, on a
 *   code point boundary (the prefix is valid UTF-8), a chunk never empty
 *   for a cap of 4 or more;
 * - text_neutralize_mentions: no mass mention survives, and taking the
 *   inserted U+200B out again gives back the input;
 * - text_render_plain and text_render_slack keep valid UTF-8 valid;
 * - text_edit_distance is symmetric, at most bound+1, and 0 between a
 *   word (of at most 64 bytes) and itself.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "text.h"

#include "fuzz.h"

/* A reference UTF-8 validator (RFC 3629 table 3-7), independent of text.c. */
static bool
ref_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0, n, k;
	unsigned lo, hi;

	while (i < len) {
		unsigned c = s[i];

		lo = 0x80;
		hi = 0xbf;
		if (c <= 0x7f) {
			i++;
			continue;
		} else if (c >= 0xc2 && c <= 0xdf)
			n = 1;
		else if (c == 0xe0) {
			n = 2;
			lo = 0xa0;
		} else if (c == 0xed) {
			n = 2;
			hi = 0x9f;
		} else if (c >= 0xe1 && c <= 0xef)
			n = 2;
		else if (c == 0xf0) {
			n = 3;
			lo = 0x90;
		} else if (c == 0xf4) {
			n = 3;
			hi = 0x8f;
		} else if (c >= 0xf1 && c <= 0xf3)
			n = 3;
		else
			return false;
		if (len - i - 1 < n)
			return false;
		if (s[i + 1] < lo || s[i + 1] > hi)
			return false;
		for (k = 2; k <= n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xbf)
				return false;
		i += n + 1;
	}
	return true;
}

/* s with every U+200B removed (new string). */
static char *
strip_zwsp(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	while (*s != '\0') {
		if (strncmp(s, "\xe2\x80\x8b", 3) == 0)
			s += 3;
		else
			*o++ = *s++;
	}
	*o = '\0';
	return out;
}

static void
check_sanitized(const char *out, size_t max, int flags)
{
	size_t i, olen = strlen(out);

	CHECK(max == 0 || olen <= max);
	CHECK(ref_utf8_valid((const unsigned char *)out, olen));
	for (i = 0; i < olen; i++) {
		unsigned char c = (unsigned char)out[i];

		CHECK(c >= 0x20 || (c == '\n' && (flags & TEXT_KEEP_NEWLINES)));
		CHECK(c != 0x7f);
		/* C1 controls are U+0080..U+009F: C2 80..C2 9F. */
		if (c == 0xc2 && i + 1 < olen)
			CHECK((unsigned char)out[i + 1] >= 0xa0);
	}
	CHECK(strstr(out, "\xe2\x80\xa8") == NULL);
	CHECK(strstr(out, "\xe2\x80\xa9") == NULL);
}

static void
check_cut(const char *s, size_t len, size_t max)
{
	size_t n = text_utf8_cut(s, len, max), c;

	CHECK(n <= len && n <= (len > max ? max : len));
	CHECK(ref_utf8_valid((const unsigned char *)s, n));
	/* The longest such prefix: at most 3 bytes given up. */
	CHECK(len <= max ? n == len : max - n <= 3);
	c = text_chunk(s, len, max);
	CHECK(c <= len && (len <= max ? c == len : c <= max));
	CHECK(ref_utf8_valid((const unsigned char *)s, c));
	if (len > 0 && max >= 4)
		CHECK(c > 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s;
	char *z, *out, *again, *m, *r, *half;
	size_t len, max;
	int flags, d1, d2, bound;

	if (size < 3)
		return 0;
	flags = data[0] & (TEXT_KEEP_NEWLINES | TEXT_KEEP_FORMATTING);
	max = ((size_t)data[1] << 8 | data[2]) & 1023;
	/* Exact-size copy, so any read past len is caught. */
	len = size - 3;
	z = malloc(len + 1);
	memcpy(z, data + 3, len);
	z[len] = '\0';
	s = z;

	CHECK(text_utf8_valid(s, len) ==
	    ref_utf8_valid((const unsigned char *)s, len));

	out = text_sanitize(s, len, max, flags);
	check_sanitized(out, max, flags);
	again = text_sanitize(out, strlen(out), max, flags);
	CHECK(strcmp(again, out) == 0);
	free(again);

	check_cut(out, strlen(out), max);
	if (ref_utf8_valid((const unsigned char *)s, len))
		check_cut(s, len, max);

	m = text_neutralize_mentions(out);
	CHECK(!fuzz_mass_mention(m));
	r = strip_zwsp(m);
	again = strip_zwsp(out);
	CHECK(strcmp(r, again) == 0);
	free(again);
	free(r);
	CHECK(ref_utf8_valid((const unsigned char *)m, strlen(m)));
	free(m);

	r = text_render_plain(out);
	CHECK(ref_utf8_valid((const unsigned char *)r, strlen(r)));
	free(r);
	r = text_render_slack(out);
	CHECK(ref_utf8_valid((const unsigned char *)r, strlen(r)));
	free(r);

	/* Edit distance between the two halves of the sanitised text. */
	bound = data[0] >> 4;
	half = strdup(out);
	half[strlen(half) / 2] = '\0';
	d1 = text_edit_distance(half, out + strlen(half), bound);
	d2 = text_edit_distance(out + strlen(half), half, bound);
	CHECK(d1 == d2 && d1 >= 0 && d1 <= bound + 1);
	/* Longer words are not compared at all (bound + 1). */
	if (strlen(half) <= 64)
		CHECK(text_edit_distance(half, half, bound) == 0);
	free(half);

	free(out);
	free(z);
	return 0;
}
