/*
 * A parsed IRC protocol line, for the parts of the adapter that read the
 * raw stream before libircclient does (registration, CAP/SASL, ISUPPORT,
 * PONG, ERROR).  Parsing copies the line into the struct; every pointer
 * points into that copy.
 */
#ifndef IRC_LINE_H
#define IRC_LINE_H

#include <stddef.h>

#define IRC_LINE_PARAMS 15
#define IRC_LINE_BUF 1024

struct irc_line {
	const char *prefix; /* "" when absent */
	const char *cmd;    /* upper-cased */
	const char *params[IRC_LINE_PARAMS];
	int nparams;
	char buf[IRC_LINE_BUF];
};

/*
 * Parses s[0..len) (no CR-LF; message tags are skipped).  Returns 0, or
 * -1 when there is no command or the line is longer than the buffer.
 */
int irc_line_parse(struct irc_line *, const char *s, size_t len);

/* Copies the nick part of a "nick!user@host" prefix into out. */
void irc_line_nick(const char *prefix, char *out, size_t size);

#endif
