/*
 * Payloads and verdicts for the staff poster, kept free of I/O so that
 * every rule taken from the platforms' contracts (research/webhook-
 * platforms.md) has a table-driven unit test: the JSON each incoming
 * webhook takes, the length each accepts, and the ways each says no,
 * including the ones that arrive as HTTP 200.
 */
#include <ctype.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "notify-format.h"
#include "text.h"
#include "xmalloc.h"

#define NF_TRUNCATED " [truncated]"

/* Byte offset just past the first n code points of s[0..len). */
static size_t
nf_cp_offset(const char *s, size_t len, size_t n)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80) {
			if (n == 0)
				return i;
			n--;
		}
	}
	return len;
}

static size_t
nf_cp_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/*
 * Length in bytes of the next part of s[0..len) of at most maxcp code
 * points and maxb bytes (0: no byte cap): it ends at a newline in the
 * second half when there is one, else before a space, else at a code
 * point boundary.
 */
static size_t
nf_split_at(const char *s, size_t len, size_t maxcp, size_t maxb)
{
	size_t off, i, cut;

	off = nf_cp_offset(s, len, maxcp);
	if (maxb > 0 && off > maxb)
		off = text_utf8_cut(s, len, maxb);
	if (off >= len)
		return len;
	for (i = off; i > off / 2; i--)
		if (s[i] == '\n')
			return i;
	cut = text_chunk(s, len, off);
	return cut > 0 ? cut : (off > 0 ? off : nf_cp_offset(s, len, 1));
}

/*
 * Splits text into at most NOTIFY_FORMAT_PARTS_MAX parts of maxcp code
 * points and maxb bytes.  Returns the count; parts are new strings.
 */
static size_t
nf_split(const char *text, size_t maxcp, size_t maxb, char **parts)
{
	const char *p = text;
	size_t len = strlen(text), n = 0, cut, mlen = strlen(NF_TRUNCATED);

	while (len > 0 && n < NOTIFY_FORMAT_PARTS_MAX) {
		if (n == NOTIFY_FORMAT_PARTS_MAX - 1 &&
		    nf_split_at(p, len, maxcp, maxb) < len) {
			/* The last part allowed: cut it and say so. */
			cut =
			    nf_split_at(p, len, maxcp > mlen ? maxcp - mlen : 1,
			        maxb > mlen ? maxb - mlen : maxb);
			parts[n++] =
			    xasprintf("%.*s%s", (int)cut, p, NF_TRUNCATED);
			break;
		}
		cut = nf_split_at(p, len, maxcp, maxb);
		parts[n++] = xstrndup(p, cut);
		p += cut;
		len -= cut;
		while (len > 0 && (*p == ' ' || *p == '\n')) {
			p++;
			len--;
		}
	}
	return n;
}

/* The parts of text: payloads, or rendered text only (bare). */
static size_t
nf_parts(const struct platform *p, const char *text, bool bare, char ***parts)
{
	const struct platform_limits *lim = &p->lim;
	char *neutral, *split[NOTIFY_FORMAT_PARTS_MAX], **out, *r, *tmp;
	size_t maxcp, maxb, n = 0, i, round;
	bool fits = false;

	neutral = text_neutralize_mentions(text[0] != '\0' ? text : "(empty)");
	maxcp = lim->max_chars
	    ? lim->max_chars
	    : (lim->max_payload ? lim->max_payload : SIZE_MAX);
	maxb = lim->max_payload;
	out = xcalloc(NOTIFY_FORMAT_PARTS_MAX, sizeof(*out));
	/*
	 * Rendering and JSON escaping make a part longer than its neutral
	 * text; when a payload comes out too long, split smaller.
	 */
	for (round = 0; !fits && round < 16; round++) {
		notify_format_free(out, n);
		out = xcalloc(NOTIFY_FORMAT_PARTS_MAX, sizeof(*out));
		n = nf_split(neutral, maxcp, maxb, split);
		fits = true;
		for (i = 0; i < n; i++) {
			r = platform_render(p, split[i]);
			/* Dropped markers can join "@he**re" into a mention. */
			tmp = text_neutralize_mentions(r);
			free(r);
			r = tmp;
			if (lim->max_chars > 0 &&
			    nf_cp_count(r) > lim->max_chars)
				fits = false;
			out[i] = bare ? xstrdup(r) : p->payload(r);
			if (lim->max_payload > 0 &&
			    strlen(out[i]) > lim->max_payload)
				fits = false;
			free(r);
			free(split[i]);
		}
		if (maxcp == SIZE_MAX)
			maxcp = strlen(neutral);
		maxcp = maxcp * 3 / 4 > 32 ? maxcp * 3 / 4 : 32;
		if (maxb > 0)
			maxb = maxb * 3 / 4 > 32 ? maxb * 3 / 4 : 32;
	}
	free(neutral);
	*parts = out;
	return n;
}

size_t
notify_format_payloads(
    const struct platform *p, const char *text, char ***parts)
{
	return nf_parts(p, text, false, parts);
}

size_t
notify_format_texts(const struct platform *p, const char *text, char ***parts)
{
	return nf_parts(p, text, true, parts);
}

void
notify_format_free(char **parts, size_t n)
{
	size_t i;

	if (parts == NULL)
		return;
	for (i = 0; i < n; i++)
		free(parts[i]);
	free(parts);
}

char *
notify_format_url(const struct platform *p, const char *url)
{
	return p->post_url != NULL ? p->post_url(url) : xstrdup(url);
}

enum notify_verdict
notify_format_classify(const struct platform *p, long status, const char *body,
    size_t len, const char *retry_after, time_t now, long *wait_ms, char *why,
    size_t whylen)
{
	enum notify_verdict verdict;
	char tok[PLATFORM_TOKEN_MAX + 1];

	*wait_ms = -1;
	snprintf(why, whylen, "HTTP %ld", status);
	if (body == NULL) {
		body = "";
		len = 0;
	}
	if (status >= 200 && status <= 299)
		return p->classify_2xx != NULL
		    ? p->classify_2xx(status, body, len, wait_ms, why, whylen)
		    : NOTIFY_VERDICT_OK;
	verdict = platform_verdict_by_status(status);
	if (platform_json_error(body, len, tok, sizeof(tok)) ||
	    platform_safe_token(body, len, false, tok, sizeof(tok)))
		snprintf(why, whylen, "HTTP %ld (%s)", status, tok);
	if (status >= 300 && status <= 399)
		snprintf(why, whylen, "HTTP %ld: redirects are not followed",
		    status);
	if (verdict == NOTIFY_VERDICT_RETRY) {
		*wait_ms = platform_json_retry_after(body, len);
		if (*wait_ms < 0 && retry_after != NULL)
			*wait_ms = notify_format_retry_after(retry_after, now);
	}
	return verdict;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
nf_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int
nf_month(const char *s)
{
	static const char *months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
	    "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	int i;

	for (i = 0; i < 12; i++)
		if (strcmp(s, months[i]) == 0)
			return i + 1;
	return 0;
}

int
notify_format_http_date(const char *s, time_t *out)
{
	char wd[16], mon[4];
	int d, m, y, hh, mm, ss, n = 0;

	if (sscanf(s, "%15[A-Za-z], %2d %3s %4d %2d:%2d:%2d GMT%n", wd, &d, mon,
	        &y, &hh, &mm, &ss, &n) == 7 &&
	    n > 0) {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
	} else if ((n = 0,
	               sscanf(s,
	                   "%15[A-Za-z], %2d-%3s-%2d %2d:%2d:%2d "
	                   "GMT%n",
	                   wd, &d, mon, &y, &hh, &mm, &ss, &n)) == 7 &&
	    n > 0) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		y += y < 70 ? 2000 : 1900;
	} else if ((n = 0,
	               sscanf(s, "%15[A-Za-z] %3s %2d %2d:%2d:%2d %4d%n", wd,
	                   mon, &d, &hh, &mm, &ss, &y, &n)) == 7 &&
	    n > 0) {
		/* asctime: Sun Nov  6 08:49:37 1994 */
	} else
		return -1;
	while (s[n] == ' ' || s[n] == '\t')
		n++;
	if (s[n] != '\0' || (m = nf_month(mon)) == 0 || d < 1 || d > 31 ||
	    y < 1970 || y > 9999 || hh > 23 || mm > 59 || ss > 60 || hh < 0 ||
	    mm < 0 || ss < 0)
		return -1;
	*out = (time_t)(nf_days_from_civil(y, m, d) * 86400 + hh * 3600 +
	    mm * 60 + ss);
	return 0;
}

long
notify_format_retry_after(const char *v, time_t now)
{
	long secs = 0, ms = 0, scale = 100;
	time_t t;

	while (*v == ' ' || *v == '\t')
		v++;
	if (isdigit((unsigned char)*v)) {
		for (; isdigit((unsigned char)*v); v++) {
			secs = secs * 10 + (*v - '0');
			if (secs > 10000000)
				return -1;
		}
		if (*v == '.') {
			for (v++; isdigit((unsigned char)*v); v++) {
				ms += (*v - '0') * scale;
				scale /= 10;
			}
		}
		while (*v == ' ' || *v == '\t')
			v++;
		return *v == '\0' ? secs * 1000 + ms : -1;
	}
	if (notify_format_http_date(v, &t) == -1)
		return -1;
	if (t <= now)
		return 0;
	if (t - now > 10000000)
		return -1;
	return (long)(t - now) * 1000;
}

char *
notify_format_redact(const char *url)
{
	const char *sep, *host, *end, *at;
	size_t i;

	if (url == NULL || (sep = strstr(url, "://")) == NULL || sep == url)
		return xstrdup("(malformed URL)");
	for (i = 0; url + i < sep; i++)
		if (!isalnum((unsigned char)url[i]) && url[i] != '+' &&
		    url[i] != '-' && url[i] != '.')
			return xstrdup("(malformed URL)");
	host = sep + 3;
	end = host + strcspn(host, "/?#");
	/* user:password@ goes too. */
	for (at = end; at > host && at[-1] != '@'; at--)
		;
	if (at > host)
		host = at;
	return xasprintf("%.*s://%.*s%s", (int)(sep - url), url,
	    (int)(end - host), host, *end != '\0' ? "/…" : "");
}
