/*
 * Text helpers.  The sanitiser is the choke point the house rules speak
 * of: adapters run every string that came from a user through it before
 * the router sees it and before it is echoed anywhere.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "text.h"
#include "xmalloc.h"

/*
 * Decodes one code point at s[0..len); returns its length in bytes, or 0
 * when the sequence is malformed.
 */
static size_t
text_utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t n, i;
	uint32_t c;

	if (len == 0)
		return 0;
	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	} else if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) || c > 0x10ffff ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

bool
text_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t i = 0, n;

	while (i < len) {
		if ((n = text_utf8_decode(p + i, len - i, &cp)) == 0)
			return false;
		i += n;
	}
	return true;
}

size_t
text_utf8_cut(const char *s, size_t len, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	if (len <= max)
		return len;
	n = max;
	/* Step back over continuation bytes to a lead byte. */
	while (n > 0 && (p[n] & 0xc0) == 0x80)
		n--;
	return n;
}

char *
text_sanitize(const char *s, size_t len, size_t max, int flags)
{
	const unsigned char *p = (const unsigned char *)s;
	struct buf b;
	uint32_t cp;
	size_t i = 0, n, k, run = 0;

	/* Printable ASCII, the common case, comes out as it went in. */
	for (i = 0; i < len && p[i] >= 0x20 && p[i] < 0x7f; i++)
		;
	if (i == len)
		return xstrndup(s, max > 0 && len > max ? max : len);
	i = 0;
	/*
	 * Bytes that are kept as they are accumulate in p[run..i) and are
	 * copied as one span before anything is replaced or dropped.
	 */
	buf_init(&b, 0);
	while (i < len) {
		n = text_utf8_decode(p + i, len - i, &cp);
		if (n == 0) {
			buf_add(&b, p + run, i - run);
			buf_add(&b, "\xef\xbf\xbd", 3);
			run = ++i;
			continue;
		}
		if (!(flags & TEXT_KEEP_FORMATTING) && cp == 0x03) {
			buf_add(&b, p + run, i - run);
			/* Colour: ^C[fg[,bg]] with up to two digits each. */
			i++;
			for (k = 0; k < 2 && i < len && isdigit(p[i]); k++)
				i++;
			if (k > 0 && i + 1 < len && p[i] == ',' &&
			    isdigit(p[i + 1])) {
				i++;
				for (k = 0; k < 2 && i < len && isdigit(p[i]);
				     k++)
					i++;
			}
			run = i;
			continue;
		}
		if (!(flags & TEXT_KEEP_FORMATTING) && cp == 0x04) {
			buf_add(&b, p + run, i - run);
			/* Hex colour: ^D[RRGGBB[,RRGGBB]]. */
			i++;
			for (k = 0; k < 6 && i < len && isxdigit(p[i]); k++)
				i++;
			if (k == 6 && i + 1 < len && p[i] == ',' &&
			    isxdigit(p[i + 1])) {
				i++;
				for (k = 0; k < 6 && i < len && isxdigit(p[i]);
				     k++)
					i++;
			}
			run = i;
			continue;
		}
		if (cp == '\n' && (flags & TEXT_KEEP_NEWLINES)) {
			/* Kept as it is. */
		} else if (cp == '\r' || cp == '\n' || cp == '\t') {
			buf_add(&b, p + run, i - run);
			buf_add(&b, " ", 1);
			run = i + n;
		} else if (cp < 0x20 || cp == 0x7f ||
		    (cp >= 0x80 && cp < 0xa0) || cp == 0x2028 || cp == 0x2029) {
			/* Other C0/C1 controls and formatting codes dropped. */
			buf_add(&b, p + run, i - run);
			run = i + n;
		}
		i += n;
	}
	buf_add(&b, p + run, i - run);
	if (max > 0 && b.len > max) {
		b.len = text_utf8_cut(b.data, b.len, max);
		b.data[b.len] = '\0';
	}
	return buf_take(&b);
}

char *
text_neutralize_mentions(const char *s)
{
	static const char *words[] = {"channel", "here", "all", "everyone"};
	struct buf b;
	size_t i, w, wl, off, run = 0;
	bool hit;

	/* Text between mentions is copied in spans, not byte by byte. */
	buf_init(&b, 0);
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] == '<' &&
		    strncasecmp(s + i + 1, "users/all>", 10) == 0) {
			/* Google Chat's <users/all>. */
			buf_add(&b, s + run, i + 1 - run);
			buf_add(&b, "\xe2\x80\x8b", 3);
			run = i + 1;
			continue;
		}
		if (s[i] != '@' && !(s[i] == '<' && s[i + 1] == '!'))
			continue;
		hit = false;
		off = s[i] == '@' ? 1 : 2;
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			wl = strlen(words[w]);
			if (strncasecmp(s + i + off, words[w], wl) == 0 &&
			    !isalnum((unsigned char)s[i + off + wl])) {
				hit = true;
				break;
			}
		}
		if (hit) {
			buf_add(&b, s + run, i + 1 - run);
			buf_add(&b, "\xe2\x80\x8b", 3); /* U+200B */
			run = i + 1;
		}
	}
	buf_add(&b, s + run, i - run);
	return buf_take(&b);
}

size_t
text_chunk(const char *s, size_t len, size_t max)
{
	size_t cut, i;

	if (len <= max)
		return len;
	cut = text_utf8_cut(s, len, max);
	for (i = cut; i > max / 2; i--)
		if (s[i] == ' ')
			return i;
	return cut;
}

int
text_edit_distance(const char *a, const char *b, int bound)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	int *prev2, *prev, *cur, *tmp, best, d;
	int res;

	if (la > 64 || lb > 64)
		return bound + 1;
	if ((la > lb ? la - lb : lb - la) > (size_t)bound)
		return bound + 1;
	prev2 = xcalloc(lb + 1, sizeof(int));
	prev = xcalloc(lb + 1, sizeof(int));
	cur = xcalloc(lb + 1, sizeof(int));
	for (j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (int)i;
		best = cur[0];
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]);
			int cb = tolower((unsigned char)b[j - 1]);
			int cost = ca == cb ? 0 : 1;

			d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (prev[j - 1] + cost < d)
				d = prev[j - 1] + cost;
			if (i > 1 && j > 1 &&
			    ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb &&
			    prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
			if (d < best)
				best = d;
		}
		if (best > bound) {
			free(prev2);
			free(prev);
			free(cur);
			return bound + 1;
		}
		tmp = prev2;
		prev2 = prev;
		prev = cur;
		cur = tmp;
	}
	res = prev[lb] > bound ? bound + 1 : prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return res;
}

int
text_hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
text_lower(char *s)
{
	char *p;

	for (p = s; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	return s;
}

char *
text_trim(const char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 &&
	    (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
	        s[len - 1] == '\n'))
		len--;
	return xstrndup(s, len);
}

/*
 * Finds a [text](url) link at s; on success sets the spans and returns the
 * length of the whole construct, else 0.
 */
static size_t
text_md_link(
    const char *s, const char **t, size_t *tl, const char **u, size_t *ul)
{
	const char *close, *end;

	if (*s != '[')
		return 0;
	if ((close = strchr(s + 1, ']')) == NULL || close[1] != '(')
		return 0;
	if (memchr(s + 1, '\n', (size_t)(close - s - 1)) != NULL)
		return 0;
	if ((end = strchr(close + 2, ')')) == NULL)
		return 0;
	if (memchr(close + 2, ' ', (size_t)(end - close - 2)) != NULL ||
	    memchr(close + 2, '\n', (size_t)(end - close - 2)) != NULL)
		return 0;
	*t = s + 1;
	*tl = (size_t)(close - s - 1);
	*u = close + 2;
	*ul = (size_t)(end - close - 2);
	return (size_t)(end - s + 1);
}

/*
 * Is the '_' at s[i] an emphasis marker rather than part of a word: an
 * opening one follows a non-word character and precedes a non-space, a
 * closing one follows a non-space and precedes a non-word character.
 */
static bool
text_md_is_emph(const char *s, size_t i)
{
	bool prev_word = i > 0 && isalnum((unsigned char)s[i - 1]);
	bool prev_space = i == 0 || isspace((unsigned char)s[i - 1]);
	bool next_word = isalnum((unsigned char)s[i + 1]);
	bool next_space = s[i + 1] == '\0' || isspace((unsigned char)s[i + 1]);

	return (!prev_word && !next_space) || (!prev_space && !next_word);
}

char *
text_render_plain(const char *md)
{
	struct buf b;
	const char *t, *u;
	size_t i, n, tl, ul;

	buf_init(&b, 0);
	for (i = 0; md[i] != '\0';) {
		if (md[i] == '*' && md[i + 1] == '*') {
			i += 2;
		} else if ((md[i] == '_' && text_md_is_emph(md, i)) ||
		    md[i] == '`') {
			i++;
		} else if ((n = text_md_link(md + i, &t, &tl, &u, &ul)) > 0) {
			if (tl == ul && strncmp(t, u, tl) == 0) {
				buf_add(&b, u, ul);
			} else {
				buf_add(&b, t, tl);
				buf_add(&b, " <", 2);
				buf_add(&b, u, ul);
				buf_add(&b, ">", 1);
			}
			i += n;
		} else {
			buf_add(&b, md + i, 1);
			i++;
		}
	}
	return buf_take(&b);
}

static void
text_slack_escape(struct buf *b, const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '&')
			buf_addstr(b, "&amp;");
		else if (s[i] == '<')
			buf_addstr(b, "&lt;");
		else if (s[i] == '>')
			buf_addstr(b, "&gt;");
		else
			buf_add(b, s + i, 1);
	}
}

char *
text_render_slack(const char *md)
{
	struct buf b;
	const char *t, *u;
	size_t i, n, tl, ul;

	buf_init(&b, 0);
	for (i = 0; md[i] != '\0';) {
		if (md[i] == '*' && md[i + 1] == '*') {
			buf_add(&b, "*", 1);
			i += 2;
		} else if ((n = text_md_link(md + i, &t, &tl, &u, &ul)) > 0) {
			buf_add(&b, "<", 1);
			text_slack_escape(&b, u, ul);
			buf_add(&b, "|", 1);
			text_slack_escape(&b, t, tl);
			buf_add(&b, ">", 1);
			i += n;
		} else {
			text_slack_escape(&b, md + i, 1);
			i++;
		}
	}
	return buf_take(&b);
}
