/*
 * libFuzzer target for the pure half of the staff poster
 * (notify-format.c): what a staff webhook answered, Retry-After, HTTP
 * dates, payload splitting and URL redaction.  The input's first byte
 * picks the platform and the size of the reason buffer, the next two the
 * HTTP status; the first line of the rest is the Retry-After value (and
 * a URL to redact), the remainder the response body, passed as an exact
 * size buffer with no NUL after it.  Checked, aborting on a violation:
 * - classify: a known verdict, wait -1 or at most a week (Discord's
 *   retry_after) or 10^7 s (Retry-After), and a reason that fits its
 *   buffer and holds only printable ASCII (it goes to the log);
 * - Retry-After and HTTP dates: -1 or a wait >= 0; a parsed date comes
 *   back to the same time when formatted as IMF-fixdate and parsed again;
 * - payloads: 1 to NOTIFY_FORMAT_PARTS_MAX parts, each a JSON object,
 *   valid UTF-8 when the text was, no mass mention left;
 * - redaction: no user info, path, query or fragment in the result.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "notify-format.h"
#include "platform.h"
#include "text.h"

#include "fuzz.h"

#define NOW ((time_t)1764332580) /* 2025-11-28 12:23:00 UTC */

static void
check_why(const char *why, size_t whylen)
{
	size_t i, n = strnlen(why, whylen);

	CHECK(n < whylen);
	for (i = 0; i < n; i++)
		CHECK((unsigned char)why[i] >= 0x20 &&
		    (unsigned char)why[i] < 0x7f);
}

static void
check_date(const char *v)
{
	char again[64];
	struct tm tm;
	time_t t, t2;

	if (notify_format_http_date(v, &t) == -1)
		return;
	CHECK(t >= 0);
	CHECK(gmtime_r(&t, &tm) != NULL);
	strftime(again, sizeof(again), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	CHECK(notify_format_http_date(again, &t2) == 0 && t2 == t);
}

static void
check_payloads(const struct platform *k, const char *text)
{
	struct json_object *o;
	char **parts;
	size_t n, i;

	n = notify_format_payloads(k, text, &parts);
	CHECK(n >= 1 && n <= NOTIFY_FORMAT_PARTS_MAX);
	for (i = 0; i < n; i++) {
		CHECK(parts[i] != NULL);
		o = json_tokener_parse(parts[i]);
		CHECK(o != NULL && json_object_is_type(o, json_type_object));
		json_object_put(o);
		if (text_utf8_valid(text, strlen(text)))
			CHECK(text_utf8_valid(parts[i], strlen(parts[i])));
		CHECK(!fuzz_mass_mention(parts[i]));
	}
	notify_format_free(parts, n);
}

static void
check_redact(const char *url)
{
	char *r = notify_format_redact(url);
	const char *host;

	if (strcmp(r, "(malformed URL)") != 0) {
		host = strstr(r, "://");
		CHECK(host != NULL);
		host += 3;
		CHECK(strpbrk(host, "?#@") == NULL);
		/* Only the "/…" marker may follow the host. */
		CHECK(strchr(host, '/') == NULL ||
		    strcmp(strchr(host, '/'), "/\xe2\x80\xa6") == 0);
	}
	free(r);
}

/* The n-th (mod the count) platform that has a staff payload. */
static const struct platform *
fuzz_platform(unsigned n)
{
	const struct platform *p, *with[32];
	size_t i, count = 0;

	for (i = 0; (p = platform_at(i)) != NULL && count < 32; i++)
		if (p->payload != NULL)
			with[count++] = p;
	return with[n % count];
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t whylens[] = {1, 8, 32, 200};
	const struct platform *k;
	enum notify_verdict v;
	const uint8_t *nl;
	char *ra, *body, *text, why[200];
	size_t rlen, blen, whylen;
	long status, wait, w;

	if (size < 3)
		return 0;
	k = fuzz_platform(data[0]);
	whylen = whylens[(data[0] >> 4) & 3];
	status = (long)((unsigned)data[1] << 8 | data[2]) % 700;
	data += 3;
	size -= 3;
	nl = memchr(data, '\n', size);
	rlen = nl != NULL ? (size_t)(nl - data) : size;
	ra = strndup((const char *)data, rlen);
	blen = nl != NULL ? size - rlen - 1 : 0;
	body = malloc(blen > 0 ? blen : 1);
	if (blen > 0)
		memcpy(body, nl + 1, blen);

	memset(why, 'x', sizeof(why));
	v = notify_format_classify(k, status, body, blen, rlen > 0 ? ra : NULL,
	    NOW, &wait, why, whylen);
	CHECK(v == NOTIFY_VERDICT_OK || v == NOTIFY_VERDICT_RETRY ||
	    v == NOTIFY_VERDICT_FAIL);
	CHECK(wait == -1 || (wait >= 0 && wait <= 10000000L * 1000));
	check_why(why, whylen);

	w = notify_format_retry_after(ra, NOW);
	CHECK(w == -1 || (w >= 0 && w <= 10000000L * 1000));
	check_date(ra);
	check_redact(ra);

	text = strndup(body, blen);
	check_payloads(k, text);
	free(text);
	free(body);
	free(ra);
	return 0;
}
