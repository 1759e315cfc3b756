/*
 * libFuzzer target for the IRC line parser (irc_line_parse), with the
 * properties the adapter relies on checked after each parse: the command
 * is non-empty, upper-case and without spaces; at most IRC_LINE_PARAMS
 * parameters, each inside the line's own buffer; only the last may hold
 * a space; the prefix holds none; and the nick taken from the prefix
 * fits its buffer and stops at '!' or '@'.  A violation aborts.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-line.h"

#include "fuzz.h"

static int
in_buf(const struct irc_line *l, const char *p)
{
	return p >= l->buf && p < l->buf + sizeof(l->buf) &&
	    memchr(p, '\0', (size_t)(l->buf + sizeof(l->buf) - p)) != NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct irc_line l;
	char nick[16];
	const char *s;
	char *copy;
	int i;

	/* An exact-size copy: reading past len is an ASan error. */
	copy = malloc(size > 0 ? size : 1);
	memcpy(copy, data, size);
	if (irc_line_parse(&l, copy, size) == 0) {
		/* Tags are kept apart: what follows them fits in buf. */
		size_t rest = size;
		const char *sp;

		if (size > 0 && copy[0] == '@') {
			sp = memchr(copy, ' ', size);
			CHECK(sp != NULL);
			while (sp < copy + size && *sp == ' ')
				sp++;
			rest = size - (size_t)(sp - copy);
			CHECK(strlen(l.tags) < sizeof(l.tagbuf) &&
			    strchr(l.tags, ' ') == NULL);
		} else
			CHECK(l.tags[0] == '\0');
		CHECK(rest < sizeof(l.buf));
		CHECK(l.cmd != NULL && in_buf(&l, l.cmd) && l.cmd[0] != '\0');
		for (s = l.cmd; *s != '\0'; s++)
			CHECK(*s != ' ' && !islower((unsigned char)*s));
		CHECK(l.prefix != NULL && strchr(l.prefix, ' ') == NULL);
		CHECK(l.prefix[0] == '\0' || in_buf(&l, l.prefix));
		CHECK(l.nparams >= 0 && l.nparams <= IRC_LINE_PARAMS);
		for (i = 0; i < l.nparams; i++) {
			CHECK(l.params[i] != NULL && in_buf(&l, l.params[i]));
			if (i < l.nparams - 1)
				CHECK(strchr(l.params[i], ' ') == NULL &&
				    l.params[i][0] != '\0');
		}
		for (; i < IRC_LINE_PARAMS; i++)
			CHECK(l.params[i] == NULL);
		irc_line_nick(l.prefix, nick, sizeof(nick));
		CHECK(strlen(nick) < sizeof(nick));
		CHECK(strcspn(nick, "!@") == strlen(nick));
		CHECK(strncmp(nick, l.prefix, strlen(nick)) == 0);
	}
	free(copy);
	return 0;
}
