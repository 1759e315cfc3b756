/*
 * libFuzzer target for the CAP/SASL state machine, fed a whole server
 * transcript: the input's first byte picks the SASL mechanism (none,
 * PLAIN, EXTERNAL) and whether SASL is required; the rest is split into
 * lines at CR or LF, each parsed with irc_line_parse and given to
 * irc_cap_on_line, as irc.c does.  Checked after every line: nothing is
 * sent once negotiation has ended, CAP END at most once, every line sent
 * is a single IRC line (no CR, LF or NUL, at most 510 bytes), SASL
 * payload pieces are at most 400 bytes, the password never appears in
 * clear, SASL success only with a mechanism, and a required SASL that
 * did not succeed never ends in DONE.  A violation aborts.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-cap.h"
#include "irc-line.h"

#include "fuzz.h"

#define PASSWORD "correct-horse-battery-staple"

static struct irc_cap *cur;
static int ends, sends;

static void
on_send(void *arg, const char *line)
{
	size_t len = strlen(line);

	(void)arg;
	sends++;
	CHECK(irc_cap_state(cur) == IRC_CAP_NEGOTIATING);
	CHECK(len > 0 && len <= 510);
	CHECK(strpbrk(line, "\r\n") == NULL);
	CHECK(strstr(line, PASSWORD) == NULL);
	if (strncmp(line, "AUTHENTICATE ", 13) == 0)
		CHECK(len - 13 <= 400);
	if (strcmp(line, "CAP END") == 0)
		ends++;
	CHECK(ends <= 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const mechs[] = {
	    "none", "plain", "external", "plain"};
	struct irc_cap_params p;
	struct irc_line l;
	size_t i, start;

	if (size == 0)
		return 0;
	p.mechanism = mechs[data[0] & 3];
	p.user = "intakebot";
	p.password = PASSWORD;
	p.required = (data[0] & 4) != 0;
	ends = sends = 0;
	cur = irc_cap_new(&p, on_send, NULL);
	irc_cap_start(cur);
	for (start = i = 1; i <= size; i++) {
		if (i < size && data[i] != '\r' && data[i] != '\n')
			continue;
		if (i > start &&
		    irc_line_parse(&l, (const char *)data + start, i - start) ==
		        0 &&
		    irc_cap_state(cur) != IRC_CAP_FAILED)
			irc_cap_on_line(cur, &l);
		start = i + 1;
		if (irc_cap_sasl_ok(cur))
			CHECK(strcmp(p.mechanism, "none") != 0);
		if (irc_cap_state(cur) == IRC_CAP_DONE && p.required)
			CHECK(irc_cap_sasl_ok(cur));
		if (irc_cap_state(cur) == IRC_CAP_FAILED)
			CHECK(p.required && irc_cap_error(cur)[0] != '\0');
		if (irc_cap_state(cur) == IRC_CAP_DONE)
			CHECK(ends == 1);
	}
	irc_cap_free(cur);
	cur = NULL;
	return 0;
}
