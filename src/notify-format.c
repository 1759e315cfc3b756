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

#include <json-c/json.h>

#include "buf.h"
#include "notify-format.h"
#include "text.h"
#include "xmalloc.h"

#define NF_TRUNCATED " [truncated]"
#define NF_WHY_TOKEN_MAX 64

static const struct {
	const char *name;
	struct notify_format_limits lim;
} nf_kinds[NOTIFY_KIND_COUNT] = {
    /* 16383 runes per post; rate limiting off unless enabled (10/s). */
    [NOTIFY_KIND_MATTERMOST] = {"mattermost", {16383, 0, 600, 10}},
    /* 40000 characters, about one message a second per webhook. */
    [NOTIFY_KIND_SLACK] = {"slack", {40000, 0, 60, 3}},
    /* Message_MaxAllowedSize 5000; REST limiter 10 calls per minute. */
    [NOTIFY_KIND_ROCKETCHAT] = {"rocketchat", {5000, 0, 10, 1}},
    /* 28 KB per payload; 4 per second and 60 per 30 s. */
    [NOTIFY_KIND_TEAMS] = {"teams", {0, 27000, 120, 4}},
    /* 2000 characters of content; about 5 requests per 2 s. */
    [NOTIFY_KIND_DISCORD] = {"discord", {2000, 0, 150, 5}},
    /* 32000 bytes per message; about one write a second per space. */
    [NOTIFY_KIND_GOOGLECHAT] = {"googlechat", {0, 32000, 60, 1}},
    [NOTIFY_KIND_WEBHOOK] = {"webhook", {0, 65536, 60, 5}},
};

int
notify_format_kind(const char *kind, enum notify_kind *out)
{
	size_t i;

	for (i = 0; i < NOTIFY_KIND_COUNT; i++) {
		if (strcmp(kind, nf_kinds[i].name) == 0) {
			*out = (enum notify_kind)i;
			return 0;
		}
	}
	return -1;
}

const char *
notify_format_kind_name(enum notify_kind k)
{
	return k < NOTIFY_KIND_COUNT ? nf_kinds[k].name : "?";
}

const struct notify_format_limits *
notify_format_limits(enum notify_kind k)
{
	return &nf_kinds[k < NOTIFY_KIND_COUNT ? k : NOTIFY_KIND_WEBHOOK].lim;
}

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

/* Renders one part of neutral text for the platform.  Caller frees. */
static char *
nf_render(enum notify_kind k, const char *part)
{
	switch (k) {
	case NOTIFY_KIND_SLACK:
		return text_render_slack(part);
	case NOTIFY_KIND_GOOGLECHAT:
		return text_render_plain(part);
	default:
		return xstrdup(part);
	}
}

/*
 * json-c leaves U+2028 and U+2029 raw; they end a line for JavaScript
 * consumers, so they are written as escapes.
 */
static char *
nf_json_string(struct json_object *o)
{
	const char *s;
	struct buf b;

	s = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)s[0] == 0xe2 &&
		    (unsigned char)s[1] == 0x80 &&
		    ((unsigned char)s[2] == 0xa8 ||
		        (unsigned char)s[2] == 0xa9)) {
			buf_addstr(&b,
			    (unsigned char)s[2] == 0xa8 ? "\\u2028"
			                                : "\\u2029");
			s += 2;
		} else
			buf_add(&b, s, 1);
	}
	return buf_take(&b);
}

/* The JSON body for one part of rendered text.  Caller frees. */
static char *
nf_payload(enum notify_kind k, const char *text)
{
	struct json_object *o, *am, *att, *card, *body, *tb, *arr;
	char *res;

	o = json_object_new_object();
	switch (k) {
	case NOTIFY_KIND_DISCORD:
		json_object_object_add(
		    o, "content", json_object_new_string(text));
		am = json_object_new_object();
		json_object_object_add(am, "parse", json_object_new_array());
		json_object_object_add(o, "allowed_mentions", am);
		break;
	case NOTIFY_KIND_TEAMS:
		/* The Adaptive Card envelope that Workflows expects. */
		tb = json_object_new_object();
		json_object_object_add(
		    tb, "type", json_object_new_string("TextBlock"));
		json_object_object_add(
		    tb, "text", json_object_new_string(text));
		json_object_object_add(tb, "wrap", json_object_new_boolean(1));
		body = json_object_new_array();
		json_object_array_add(body, tb);
		card = json_object_new_object();
		json_object_object_add(card, "$schema",
		    json_object_new_string(
		        "http://adaptivecards.io/schemas/adaptive-card.json"));
		json_object_object_add(
		    card, "type", json_object_new_string("AdaptiveCard"));
		json_object_object_add(
		    card, "version", json_object_new_string("1.2"));
		json_object_object_add(card, "body", body);
		att = json_object_new_object();
		json_object_object_add(att, "contentType",
		    json_object_new_string(
		        "application/vnd.microsoft.card.adaptive"));
		json_object_object_add(att, "content", card);
		arr = json_object_new_array();
		json_object_array_add(arr, att);
		json_object_object_add(
		    o, "type", json_object_new_string("message"));
		json_object_object_add(o, "attachments", arr);
		break;
	case NOTIFY_KIND_WEBHOOK:
		json_object_object_add(o, "text", json_object_new_string(text));
		json_object_object_add(
		    o, "source", json_object_new_string("intakebot"));
		break;
	default:
		json_object_object_add(o, "text", json_object_new_string(text));
		break;
	}
	res = nf_json_string(o);
	json_object_put(o);
	return res;
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

size_t
notify_format_payloads(enum notify_kind k, const char *text, char ***parts)
{
	const struct notify_format_limits *lim = notify_format_limits(k);
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
			r = nf_render(k, split[i]);
			/* Dropped markers can join "@he**re" into a mention. */
			tmp = text_neutralize_mentions(r);
			free(r);
			r = tmp;
			if (lim->max_chars > 0 &&
			    nf_cp_count(r) > lim->max_chars)
				fits = false;
			out[i] = nf_payload(k, r);
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
notify_format_url(enum notify_kind k, const char *url)
{
	if (k == NOTIFY_KIND_DISCORD && strstr(url, "wait=") == NULL)
		return xasprintf(
		    "%s%swait=true", url, strchr(url, '?') != NULL ? "&" : "?");
	return xstrdup(url);
}

/*
 * Copies s[0..len), trimmed, into out when it looks like an error code
 * or a short server sentence: at most NF_WHY_TOKEN_MAX characters from
 * [A-Za-z0-9_.:-] (and spaces when allowed).  Anything else could be
 * text we posted, echoed back, so it never reaches a log.
 */
static bool
nf_safe_token(const char *s, size_t len, bool spaces, char *out, size_t outlen)
{
	size_t i;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > NF_WHY_TOKEN_MAX || len >= outlen)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != ':' &&
		    c != '-' && !(spaces && c == ' '))
			return false;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

static struct json_object *
nf_json_parse(const char *body, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t i = 0;

	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i == len || body[i] != '{' || len > INT_MAX)
		return NULL;
	tok = json_tokener_new();
	o = json_tokener_parse_ex(tok, body, (int)len);
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	return o;
}

/* A short error code from a JSON error body, or false. */
static bool
nf_json_error(struct json_object *o, char *out, size_t outlen)
{
	static const char *keys[] = {"error", "id", "status", "message"};
	struct json_object *v, *e;
	const char *s;
	size_t i;

	if (o == NULL)
		return false;
	/* Google: {"error": {"code": 400, "status": "INVALID_ARGUMENT"}} */
	if (json_object_object_get_ex(o, "error", &e) &&
	    json_object_is_type(e, json_type_object))
		o = e;
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!json_object_object_get_ex(o, keys[i], &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		s = json_object_get_string(v);
		if (nf_safe_token(s, strlen(s), true, out, outlen))
			return true;
	}
	if (json_object_object_get_ex(o, "code", &v) &&
	    json_object_is_type(v, json_type_int)) {
		snprintf(out, outlen, "code %d", json_object_get_int(v));
		return true;
	}
	return false;
}

static bool
nf_icontains(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i;

	for (i = 0; i + nl <= len; i++)
		if (strncasecmp(s + i, needle, nl) == 0)
			return true;
	return false;
}

static enum notify_verdict
nf_by_status(long status)
{
	if (status >= 200 && status <= 299)
		return NOTIFY_VERDICT_OK;
	if (status == 408 || status == 429 || (status >= 500 && status <= 599))
		return NOTIFY_VERDICT_RETRY;
	return NOTIFY_VERDICT_FAIL;
}

/* Errors that Slack reports but that go away by themselves. */
static bool
nf_slack_transient(const char *code)
{
	static const char *codes[] = {"rollup_error", "rate_limited",
	    "ratelimited", "internal_error", "service_unavailable",
	    "request_timeout", "fatal_error"};
	size_t i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* True when body[0..len) is empty or only spaces, tabs, CR and LF. */
static bool
nf_blank(const char *body, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (memchr(" \t\r\n", body[i], 4) == NULL)
			return false;
	return true;
}

/* The verdict on a 2xx answer, whose body may still carry a failure. */
static enum notify_verdict
nf_classify_2xx(enum notify_kind k, long status, const char *body, size_t len,
    struct json_object *js, long *wait_ms, char *why, size_t whylen)
{
	struct json_object *v;
	char tok[NF_WHY_TOKEN_MAX + 1];
	const char *p;
	long code;

	tok[0] = '\0';
	switch (k) {
	case NOTIFY_KIND_SLACK:
		/* Slack answers exactly "ok"; anything else is its error. */
		if (!nf_safe_token(body, len, false, tok, sizeof(tok))) {
			if (nf_blank(body, len))
				return NOTIFY_VERDICT_OK;
			snprintf(why, whylen,
			    "HTTP %ld with an unexpected body", status);
			return NOTIFY_VERDICT_FAIL;
		}
		if (strcmp(tok, "ok") == 0)
			return NOTIFY_VERDICT_OK;
		snprintf(why, whylen, "HTTP %ld, error %s", status, tok);
		return nf_slack_transient(tok) ? NOTIFY_VERDICT_RETRY
		                               : NOTIFY_VERDICT_FAIL;
	case NOTIFY_KIND_ROCKETCHAT:
		if (js == NULL ||
		    !json_object_object_get_ex(js, "success", &v) ||
		    !json_object_is_type(v, json_type_boolean) ||
		    json_object_get_boolean(v))
			return NOTIFY_VERDICT_OK;
		if (nf_json_error(js, tok, sizeof(tok)))
			snprintf(
			    why, whylen, "HTTP %ld, error %s", status, tok);
		else
			snprintf(
			    why, whylen, "HTTP %ld, success false", status);
		if (nf_icontains(tok, strlen(tok), "too-many") ||
		    nf_icontains(tok, strlen(tok), "rate"))
			return NOTIFY_VERDICT_RETRY;
		return NOTIFY_VERDICT_FAIL;
	case NOTIFY_KIND_TEAMS:
		/*
		 * The connector wraps the real answer in a sentence:
		 * "... returned HTTP error 429 with ContextId ...".
		 */
		for (p = body; p != NULL && (size_t)(p - body) < len; p++) {
			if ((size_t)(p - body) + 11 > len)
				break;
			if (strncasecmp(p, "HTTP error ", 11) != 0)
				continue;
			/* Digits within len: body need not end in a NUL. */
			for (code = 0, p += 11; (size_t)(p - body) < len &&
			     isdigit((unsigned char)*p) && code < 1000;
			     p++)
				code = code * 10 + (*p - '0');
			if (code < 100 || code > 599)
				break;
			snprintf(why, whylen, "HTTP %ld, Teams error %ld",
			    status, code);
			if (code == 429) {
				/* Microsoft suggests waiting 10 to 15 s. */
				*wait_ms = 10000;
				return NOTIFY_VERDICT_RETRY;
			}
			return nf_by_status(code) == NOTIFY_VERDICT_RETRY
			    ? NOTIFY_VERDICT_RETRY
			    : NOTIFY_VERDICT_FAIL;
		}
		if (nf_icontains(body, len, "bad request") ||
		    nf_icontains(body, len, "is required")) {
			snprintf(why, whylen,
			    "HTTP %ld, Teams rejected the "
			    "payload",
			    status);
			return NOTIFY_VERDICT_FAIL;
		}
		if (nf_icontains(body, len, "failed") ||
		    nf_icontains(body, len, "error")) {
			snprintf(why, whylen,
			    "HTTP %ld, Teams reported a "
			    "failure",
			    status);
			return NOTIFY_VERDICT_RETRY;
		}
		return NOTIFY_VERDICT_OK;
	case NOTIFY_KIND_GOOGLECHAT:
		if (js != NULL && json_object_object_get_ex(js, "error", &v)) {
			if (nf_json_error(js, tok, sizeof(tok)))
				snprintf(why, whylen, "HTTP %ld, error %s",
				    status, tok);
			else
				snprintf(
				    why, whylen, "HTTP %ld, error", status);
			return NOTIFY_VERDICT_FAIL;
		}
		return NOTIFY_VERDICT_OK;
	default:
		return NOTIFY_VERDICT_OK;
	}
}

enum notify_verdict
notify_format_classify(enum notify_kind k, long status, const char *body,
    size_t len, const char *retry_after, time_t now, long *wait_ms, char *why,
    size_t whylen)
{
	struct json_object *js, *v;
	enum notify_verdict verdict;
	char tok[NF_WHY_TOKEN_MAX + 1];
	double ra;

	*wait_ms = -1;
	snprintf(why, whylen, "HTTP %ld", status);
	if (body == NULL)
		len = 0;
	js = nf_json_parse(body, len);
	if (status >= 200 && status <= 299) {
		verdict = nf_classify_2xx(k, status, body != NULL ? body : "",
		    len, js, wait_ms, why, whylen);
		json_object_put(js);
		return verdict;
	}
	verdict = nf_by_status(status);
	if (nf_json_error(js, tok, sizeof(tok)) ||
	    nf_safe_token(body, len, false, tok, sizeof(tok)))
		snprintf(why, whylen, "HTTP %ld (%s)", status, tok);
	if (status >= 300 && status <= 399)
		snprintf(why, whylen, "HTTP %ld: redirects are not followed",
		    status);
	if (verdict == NOTIFY_VERDICT_RETRY) {
		/* Discord: {"retry_after": 64.57, "global": false} */
		if (js != NULL &&
		    json_object_object_get_ex(js, "retry_after", &v) &&
		    (json_object_is_type(v, json_type_double) ||
		        json_object_is_type(v, json_type_int))) {
			ra = json_object_get_double(v);
			if (ra >= 0 && ra < 86400.0 * 7)
				*wait_ms = (long)(ra * 1000.0 + 0.5);
		}
		if (*wait_ms < 0 && retry_after != NULL)
			*wait_ms = notify_format_retry_after(retry_after, now);
	}
	json_object_put(js);
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
