/*
 * IRC line parsing (RFC 1459 section 2.3.1): an optional ":prefix", the
 * command, up to 14 middle parameters and one trailing parameter; before
 * them, optional IRCv3 message tags ("@a=b;c ").
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "irc-line.h"

int
irc_line_parse(struct irc_line *l, const char *s, size_t len)
{
	char *p, *end;
	const char *sp;
	size_t n;

	l->cmd = NULL;
	l->tags = "";
	l->prefix = "";
	l->nparams = 0;
	l->tagbuf[0] = '\0';
	if (len > 0 && s[0] == '@') {
		if ((sp = memchr(s, ' ', len)) == NULL)
			return -1;
		n = (size_t)(sp - s) - 1;
		if (n >= sizeof(l->tagbuf)) {
			/* Keep whole tags only. */
			n = sizeof(l->tagbuf) - 1;
			while (n > 0 && s[1 + n] != ';')
				n--;
		}
		memcpy(l->tagbuf, s + 1, n);
		l->tagbuf[n] = '\0';
		l->tags = l->tagbuf;
		while (sp < s + len && *sp == ' ')
			sp++;
		len -= (size_t)(sp - s);
		s = sp;
	}
	if (len >= sizeof(l->buf))
		return -1;
	memcpy(l->buf, s, len);
	l->buf[len] = '\0';
	memset(l->params, 0, sizeof(l->params));
	p = l->buf;
	if (*p == ':') {
		l->prefix = ++p;
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		*p++ = '\0';
		while (*p == ' ')
			p++;
	}
	if (*p == '\0')
		return -1;
	l->cmd = p;
	for (end = p; *end != '\0' && *end != ' '; end++)
		*end = (char)toupper((unsigned char)*end);
	if (end == p)
		return -1; /* a leading space: no command */
	while (*end == ' ')
		*end++ = '\0';
	p = end;
	while (*p != '\0' && l->nparams < IRC_LINE_PARAMS) {
		if (*p == ':' || l->nparams == IRC_LINE_PARAMS - 1) {
			l->params[l->nparams++] = *p == ':' ? p + 1 : p;
			break;
		}
		l->params[l->nparams++] = p;
		if ((p = strchr(p, ' ')) == NULL)
			break;
		while (*p == ' ')
			*p++ = '\0';
	}
	return 0;
}

bool
irc_line_tag(const struct irc_line *l, const char *key, char *out, size_t size)
{
	const char *p = l->tags, *v;
	size_t klen = strlen(key), i = 0;

	if (size == 0)
		return false;
	out[0] = '\0';
	while (*p != '\0') {
		if (strncmp(p, key, klen) == 0 &&
		    (p[klen] == '=' || p[klen] == ';' || p[klen] == '\0')) {
			v = p[klen] == '=' ? p + klen + 1 : p + klen;
			for (; *v != '\0' && *v != ';' && i + 1 < size; v++) {
				if (*v != '\\') {
					out[i++] = *v;
					continue;
				}
				if (*++v == '\0')
					break;
				out[i++] = *v == ':' ? ';'
				    : *v == 's'      ? ' '
				    : *v == 'r'      ? '\r'
				    : *v == 'n'      ? '\n'
				                     : *v;
			}
			out[i] = '\0';
			return true;
		}
		p += strcspn(p, ";");
		if (*p == ';')
			p++;
	}
	return false;
}

void
irc_line_nick(const char *prefix, char *out, size_t size)
{
	size_t n = strcspn(prefix, "!@");

	if (size == 0)
		return;
	if (n >= size)
		n = size - 1;
	memcpy(out, prefix, n);
	out[n] = '\0';
}
