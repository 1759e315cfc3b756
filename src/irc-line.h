/*
 * A parsed IRC protocol line, for the parts of the adapter that read the
 * raw stream before libircclient does (registration, CAP/SASL, ISUPPORT,
 * PONG, ERROR, message tags).  Parsing copies the line into the struct;
 * every pointer points into that copy.
 */
#ifndef IRC_LINE_H
#define IRC_LINE_H

#include <stdbool.h>
#include <stddef.h>

#define IRC_LINE_PARAMS 15
#define IRC_LINE_BUF 1024
#define IRC_LINE_TAGS 4096 /* longer tag sections keep whole tags only */

struct irc_line {
	const char *tags;   /* "a=b;c" without the '@', "" when absent */
	const char *prefix; /* "" when absent */
	const char *cmd;    /* upper-cased */
	const char *params[IRC_LINE_PARAMS];
	int nparams;
	char buf[IRC_LINE_BUF];
	char tagbuf[IRC_LINE_TAGS];
};

/*
 * Parses s[0..len) (no CR-LF).  IRCv3 message tags are kept apart in
 * tags.  Returns 0, or -1 when there is no command or the line without
 * its tags is longer than the buffer.
 */
int irc_line_parse(struct irc_line *, const char *s, size_t len);

/*
 * Copies the unescaped value of tag key into out.  Returns true when the
 * line carries the tag (a tag without a value gives "").
 */
bool irc_line_tag(
    const struct irc_line *, const char *key, char *out, size_t size);

/* Copies the nick part of a "nick!user@host" prefix into out. */
void irc_line_nick(const char *prefix, char *out, size_t size);

#endif
