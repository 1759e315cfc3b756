/*
 * IRC line parsing (RFC 1459 section 2.3.1): an optional ":prefix", the
 * command, up to 14 middle parameters and one trailing parameter.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "irc-line.h"

int
irc_line_parse(struct irc_line *l, const char *s, size_t len)
{
	char *p, *end;

	memset(l, 0, sizeof(*l));
	l->prefix = "";
	if (len >= sizeof(l->buf))
		return -1;
	memcpy(l->buf, s, len);
	l->buf[len] = '\0';
	p = l->buf;
	if (*p == '@') {
		if ((p = strchr(p, ' ')) == NULL)
			return -1;
		while (*p == ' ')
			p++;
	}
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
