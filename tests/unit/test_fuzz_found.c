/*
 * Regression tests for what the fuzz targets in fuzz/ found, one test
 * per finding, each failing without its fix (but the last):
 * - irc_line_parse took a line starting with a space as one with an
 *   empty command;
 * - the CAP/SASL machine believed an unsolicited 903 (SASL success)
 *   and an unsolicited 904 (failure) although it had not authenticated;
 * - notify_format_classify read a body past its length (Slack's blank
 *   check, Teams' "HTTP error NNN");
 * - staff payloads for Google Chat: rendering dropped the markers of
 *   "@he**re" after the mentions were neutralised, joining a mass
 *   mention; and Google Chat's <users/all>, once the mention property
 *   knew it (research/webhook-platforms.md), was never neutralised;
 * - replies cut at a platform's length ended a word such as "@heretic"
 *   as "@here…", a mass mention again;
 * - found while writing fuzz_hook: hook_html_to_text looked for the end
 *   of a tag or a Teams mention from every '<' again, quadratic in the
 *   body (1 s for 64 KB of "<at>", 17 s for 256 KB).  The test checks
 *   the answers stay the same on such bodies; that they now come in
 *   linear time is measured, not asserted (fuzz/README.md).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hook.h"
#include "irc-cap.h"
#include "irc-line.h"
#include "notify-format.h"
#include "platform.h"
#include "text.h"

static void
test_line_leading_space(void **state)
{
	struct irc_line l;

	(void)state;
	assert_int_equal(irc_line_parse(&l, " ", 1), -1);
	assert_int_equal(irc_line_parse(&l, " PING :x", 8), -1);
	assert_int_equal(irc_line_parse(&l, ":srv  ", 6), -1);
	assert_int_equal(irc_line_parse(&l, "PING :x", 7), 0);
	assert_string_equal(l.cmd, "PING");
}

static int nsent;
static char sent[8][512];

static void
on_send(void *arg, const char *line)
{
	(void)arg;
	if (nsent < 8)
		strncpy(sent[nsent++], line, sizeof(sent[0]) - 1);
}

static void
feed(struct irc_cap *c, const char *line)
{
	struct irc_line l;

	assert_int_equal(irc_line_parse(&l, line, strlen(line)), 0);
	irc_cap_on_line(c, &l);
}

static void
test_cap_unsolicited_sasl(void **state)
{
	static const struct irc_cap_params params[] = {
	    {"none", "bot", "", false},   /* no SASL asked for */
	    {"plain", "bot", "pw", true}, /* SASL required */
	};
	struct irc_cap *c;
	size_t i;

	(void)state;
	for (i = 0; i < 2; i++) {
		nsent = 0;
		c = irc_cap_new(&params[i], on_send, NULL);
		irc_cap_start(c);
		/* A 903 before any AUTHENTICATE is not a success... */
		feed(c, ":srv 903 bot :SASL authentication successful");
		assert_false(irc_cap_sasl_ok(c));
		assert_int_equal(irc_cap_state(c), IRC_CAP_NEGOTIATING);
		/* ...nor does an early 904 end what has not begun. */
		feed(c, ":srv 904 bot :SASL authentication failed");
		assert_int_equal(irc_cap_state(c), IRC_CAP_NEGOTIATING);
		if (i == 1) {
			feed(c, ":srv CAP * LS :sasl=PLAIN");
			feed(c, ":srv CAP * ACK :sasl");
			feed(c, "AUTHENTICATE +");
			feed(c, ":srv 903 bot :SASL authentication successful");
			assert_true(irc_cap_sasl_ok(c));
			assert_int_equal(irc_cap_state(c), IRC_CAP_DONE);
			assert_string_equal(sent[nsent - 1], "CAP END");
		}
		irc_cap_free(c);
	}
}

static void
test_classify_within_len(void **state)
{
	char why[128];
	long wait;

	(void)state;
	/* Slack: two blank bytes, then bytes that are not the body. */
	assert_int_equal(notify_format_classify(platform_find("slack"), 200,
	                     "  junk", 2, NULL, 0, &wait, why, sizeof(why)),
	    NOTIFY_VERDICT_OK);
	/* Teams: the status code is cut by len after its first digit. */
	assert_int_equal(
	    notify_format_classify(platform_find("teams"), 200,
	        "failed: HTTP error 429", 20, NULL, 0, &wait, why, sizeof(why)),
	    NOTIFY_VERDICT_RETRY);
	assert_int_equal(wait, -1);
	assert_null(strstr(why, "429"));
}

static void
test_googlechat_mentions(void **state)
{
	static const char *in[] = {
	    "hi @he**re x",
	    "@ev**ery**one",
	    "@every`one`",
	    "please <users/all> read",
	};
	char **parts, *t;
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		n = notify_format_payloads(
		    platform_find("googlechat"), in[i], &parts);
		assert_int_equal(n, 1);
		assert_null(strstr(parts[0], "@here"));
		assert_null(strstr(parts[0], "@everyone"));
		assert_null(strstr(parts[0], "<users/all>"));
		notify_format_free(parts, n);
	}
	t = text_neutralize_mentions(
	    "<users/all> <USERS/ALL> <users/alligator");
	assert_string_equal(t,
	    "<\xe2\x80\x8busers/all> <\xe2\x80\x8bUSERS/ALL> "
	    "<users/alligator");
	free(t);
}

static void
test_reply_cut_mention(void **state)
{
	static const char *in[] = {
	    "aaaaaaaaaaaa@heretic and more",   /* cut after "@here" */
	    "aaaaaaaaaaa<!heretic and more",   /* after "<!here" */
	    "aaaaaaaaaaaaa@alliance and more", /* after "@all" */
	};
	struct replies rs;
	char *out;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		replies_init(&rs);
		replies_add(&rs, REPLY_HERE, in[i], NULL);
		out = hook_render_text(
		    &rs, REPLY_HERE, true, platform_find("mattermost"), 20);
		assert_true(strlen(out) <= 20);
		assert_null(strstr(out, "@here"));
		assert_null(strstr(out, "<!here"));
		assert_null(strstr(out, "@all"));
		assert_non_null(strstr(out, "\xe2\x80\xa6"));
		free(out);
		replies_reset(&rs);
	}
}

/* A new string of n copies of unit followed by tail. */
static char *
repeat(const char *unit, size_t n, const char *tail)
{
	size_t ul = strlen(unit), tl = strlen(tail), i;
	char *s = malloc(ul * n + tl + 1);

	for (i = 0; i < n; i++)
		memcpy(s + i * ul, unit, ul);
	memcpy(s + n * ul, tail, tl + 1);
	return s;
}

static void
test_html_unclosed(void **state)
{
	static const struct {
		const char *unit, *tail, *out_unit, *out_tail;
	} t[] = {
	    {"<at>x", " hi", "x", " hi"},     /* mentions never closed */
	    {"<", "b", "<", "b"},             /* tags never closed */
	    {"&#", "&#65;", "&#", "A"},       /* references never ended */
	    {"<at>x", "</at> hi", "", " hi"}, /* one mention at the end */
	};
	char *in, *want, *got;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		in = repeat(t[i].unit, 20000, t[i].tail);
		want = repeat(t[i].out_unit, 20000, t[i].out_tail);
		got = hook_html_to_text(in, strlen(in), true);
		assert_string_equal(got, want);
		free(in);
		free(want);
		free(got);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_leading_space),
	    cmocka_unit_test(test_cap_unsolicited_sasl),
	    cmocka_unit_test(test_classify_within_len),
	    cmocka_unit_test(test_googlechat_mentions),
	    cmocka_unit_test(test_reply_cut_mention),
	    cmocka_unit_test(test_html_unclosed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
