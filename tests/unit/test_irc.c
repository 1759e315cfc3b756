/*
 * Unit tests for the IRC adapter's pure parts: line parsing (irc-line),
 * the output queue and token bucket (irc-out), and CAP/SASL (irc-cap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "irc-cap.h"
#include "irc-line.h"
#include "irc-out.h"

static void
test_line_parse(void **state)
{
	static const struct {
		const char *in, *prefix, *cmd, *last;
		int n;
	} t[] = {
	    {":n!u@h PRIVMSG #c :hello there", "n!u@h", "PRIVMSG",
	        "hello there", 2},
	    {"@time=x :srv 001 bot :Welcome", "srv", "001", "Welcome", 2},
	    {"ping :abc", "", "PING", "abc", 1},
	    {":srv CAP * LS * :sasl multi-prefix", "srv", "CAP",
	        "sasl multi-prefix", 4},
	    {":srv 005 me A B C :are supported", "srv", "005", "are supported",
	        5},
	};
	struct irc_line l;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		assert_int_equal(
		    irc_line_parse(&l, t[i].in, strlen(t[i].in)), 0);
		assert_string_equal(l.prefix, t[i].prefix);
		assert_string_equal(l.cmd, t[i].cmd);
		assert_int_equal(l.nparams, t[i].n);
		assert_string_equal(l.params[l.nparams - 1], t[i].last);
	}
	assert_int_equal(irc_line_parse(&l, ":only-prefix", 12), -1);
	assert_int_equal(irc_line_parse(&l, "", 0), -1);
}

/* IRCv3 tags: kept apart, unescaped, whole tags only when too long. */
static void
test_line_tags(void **state)
{
	static const char in[] =
	    "@time=x;account=bo\\ss\\:x\\s;+draft/y :n!u@h PRIVMSG me :hi";
	static char big[IRC_LINE_TAGS + 64];
	struct irc_line l;
	char v[64];
	size_t n;

	(void)state;
	assert_int_equal(irc_line_parse(&l, in, strlen(in)), 0);
	assert_string_equal(l.cmd, "PRIVMSG");
	assert_string_equal(l.prefix, "n!u@h");
	assert_true(irc_line_tag(&l, "account", v, sizeof(v)));
	assert_string_equal(v, "bo s;x ");
	assert_true(irc_line_tag(&l, "+draft/y", v, sizeof(v)));
	assert_string_equal(v, "");
	assert_false(irc_line_tag(&l, "acc", v, sizeof(v)));
	assert_false(irc_line_tag(&l, "ime", v, sizeof(v)));
	assert_int_equal(irc_line_parse(&l, ":n!u@h PING x", 13), 0);
	assert_false(irc_line_tag(&l, "account", v, sizeof(v)));
	/* A tag cut by the limit is left out, not shortened. */
	n = (size_t)snprintf(big, sizeof(big), "@a=1;account=");
	memset(big + n, 'x', IRC_LINE_TAGS);
	n += IRC_LINE_TAGS;
	n += (size_t)snprintf(big + n, sizeof(big) - n, " :n!u@h PING :y");
	assert_int_equal(irc_line_parse(&l, big, n), 0);
	assert_string_equal(l.cmd, "PING");
	assert_true(irc_line_tag(&l, "a", v, sizeof(v)));
	assert_false(irc_line_tag(&l, "account", v, sizeof(v)));
}

static void
test_out_line_ok(void **state)
{
	char big[600];

	(void)state;
	assert_true(irc_out_line_ok("PRIVMSG #c :hi"));
	assert_false(irc_out_line_ok("PRIVMSG #c :a\r\nQUIT"));
	assert_false(irc_out_line_ok("PRIVMSG #c :a\nQUIT"));
	assert_false(irc_out_line_ok(""));
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_false(irc_out_line_ok(big));
	big[IRC_LINE_MAX - 1] = '\0';
	assert_true(irc_out_line_ok(big));
	big[IRC_LINE_MAX - 1] = 'a';
	big[IRC_LINE_MAX] = '\0';
	assert_false(irc_out_line_ok(big));
}

/* Pops everything that may go at now; returns how many. */
static int
drain(struct irc_out *o, int64_t now, char *order, size_t size)
{
	const char *l;
	void *tag;
	long wait;
	int n = 0;

	while ((l = irc_out_peek(o, now, &tag, &wait)) != NULL) {
		if (order != NULL && strlen(order) + 2 < size)
			strncat(order, l + 8, 1); /* "PRIVMSG " + target */
		irc_out_done(o, now);
		n++;
	}
	return n;
}

static void
test_out_round_robin(void **state)
{
	struct irc_out *o;
	char order[64] = "";
	int i;

	(void)state;
	o = irc_out_new(0, 1, 0); /* unlimited: order only */
	for (i = 0; i < 4; i++)
		assert_int_equal(
		    irc_out_push(o, "a", "PRIVMSG a :x", false, NULL), 0);
	assert_int_equal(irc_out_push(o, "b", "PRIVMSG b :x", false, NULL), 0);
	assert_int_equal(irc_out_push(o, "c", "PRIVMSG c :x", false, NULL), 0);
	assert_int_equal(
	    irc_out_push(o, NULL, "PRIVMSG z :ctl", true, NULL), 0);
	assert_int_equal(drain(o, 0, order, sizeof(order)), 7);
	assert_string_equal(order, "zabcaaa");
	assert_int_equal(irc_out_depth(o), 0);
	irc_out_free(o);
}

static void
test_out_bucket(void **state)
{
	struct irc_out *o;
	const char *l;
	void *tag;
	long wait;
	int i;

	(void)state;
	o = irc_out_new(5, 4, 10000); /* 1 line per 2 s, burst 4 */
	for (i = 0; i < 10; i++)
		irc_out_push(o, "t", "PRIVMSG t :x", false, NULL);
	assert_int_equal(drain(o, 1000, NULL, 0), 4);
	l = irc_out_peek(o, 1000, &tag, &wait);
	assert_null(l);
	assert_in_range(wait, 1900, 2100);
	assert_int_equal(drain(o, 3000, NULL, 0), 1);
	assert_int_equal(drain(o, 3000 + 60000, NULL, 0), 4); /* cap */
	irc_out_free(o);

	/* Bytes: 256 B/s, a 500-byte line needs about 2 s of refill. */
	o = irc_out_new(100, 2, 256);
	char line[501];
	memset(line, 'x', 500);
	line[500] = '\0';
	memcpy(line, "PRIVMSG t :", 11);
	for (i = 0; i < 3; i++)
		irc_out_push(o, "t", line, false, NULL);
	assert_int_equal(drain(o, 0, NULL, 0), 1);
	assert_null(irc_out_peek(o, 0, &tag, &wait));
	assert_true(wait > 1000);
	irc_out_free(o);
}

static int drops;

static void
count_drop(void *arg, void *tag)
{
	(void)arg;
	(void)tag;
	drops++;
}

static void
test_out_limits(void **state)
{
	struct irc_out *o;
	int i, ok = 0;

	(void)state;
	o = irc_out_new(0, 1, 0);
	for (i = 0; i < IRC_OUT_TARGET_MAX + 5; i++)
		ok += irc_out_push(o, "t", "PRIVMSG t :x", false, &ok) == 0;
	assert_int_equal(ok, IRC_OUT_TARGET_MAX);
	drops = 0;
	irc_out_clear(o, count_drop, NULL);
	assert_int_equal(drops, IRC_OUT_TARGET_MAX);
	assert_int_equal(
	    irc_out_push(o, "t", "PRIVMSG t :a\rb", false, NULL), -1);
	irc_out_free(o);
}

struct sent {
	char lines[16][512];
	int n;
};

static void
cap_send(void *arg, const char *line)
{
	struct sent *s = arg;

	assert_true(s->n < 16);
	strcpy(s->lines[s->n++], line);
}

static void
feed(struct irc_cap *c, const char *line, bool consumed)
{
	struct irc_line l;

	assert_int_equal(irc_line_parse(&l, line, strlen(line)), 0);
	assert_int_equal(irc_cap_on_line(c, &l), consumed);
}

static void
test_cap_plain(void **state)
{
	struct irc_cap_params p = {"plain", "bot", "pw%x", true};
	struct sent s = {.n = 0};
	struct irc_cap *c;

	(void)state;
	c = irc_cap_new(&p, cap_send, &s);
	irc_cap_start(c);
	assert_string_equal(s.lines[0], "CAP LS 302");
	feed(c, ":srv CAP * LS * :server-time multi-prefix", true);
	assert_int_equal(s.n, 1);
	feed(c, ":srv CAP * LS :sasl=EXTERNAL,PLAIN message-tags", true);
	assert_string_equal(s.lines[1], "CAP REQ :sasl multi-prefix");
	feed(c, ":srv CAP * ACK :sasl multi-prefix", true);
	assert_string_equal(s.lines[2], "AUTHENTICATE PLAIN");
	feed(c, "AUTHENTICATE +", true);
	/* base64("bot\0bot\0pw%x") */
	assert_string_equal(s.lines[3], "AUTHENTICATE Ym90AGJvdABwdyV4");
	feed(c, ":srv 900 * * bot :logged in", true);
	feed(c, ":srv 903 * :ok", true);
	assert_string_equal(s.lines[4], "CAP END");
	assert_int_equal(irc_cap_state(c), IRC_CAP_DONE);
	assert_true(irc_cap_sasl_ok(c));
	assert_true(irc_cap_enabled(c, "multi-prefix"));
	assert_false(irc_cap_enabled(c, "extended-join"));
	feed(c, ":srv 001 bot :hi", false);
	irc_cap_free(c);
}

static void
test_cap_fail(void **state)
{
	struct irc_cap_params p = {"plain", "bot", "pw", false};
	struct sent s = {.n = 0};
	struct irc_cap *c;

	(void)state;
	/* Not required: failure ends CAP and goes on. */
	c = irc_cap_new(&p, cap_send, &s);
	irc_cap_start(c);
	feed(c, ":srv CAP * LS :sasl", true);
	feed(c, ":srv CAP * ACK :sasl", true);
	feed(c, "AUTHENTICATE +", true);
	feed(c, ":srv 904 * :failed", true);
	assert_string_equal(s.lines[s.n - 1], "CAP END");
	assert_int_equal(irc_cap_state(c), IRC_CAP_DONE);
	irc_cap_free(c);

	/* Required: no CAP END, FAILED. */
	p.required = true;
	s.n = 0;
	c = irc_cap_new(&p, cap_send, &s);
	irc_cap_start(c);
	feed(c, ":srv CAP * LS :sasl", true);
	feed(c, ":srv CAP * ACK :sasl", true);
	feed(c, "AUTHENTICATE +", true);
	feed(c, ":srv 904 * :failed", true);
	assert_string_not_equal(s.lines[s.n - 1], "CAP END");
	assert_int_equal(irc_cap_state(c), IRC_CAP_FAILED);
	irc_cap_free(c);

	/* Required, but the server has no SASL at all. */
	s.n = 0;
	c = irc_cap_new(&p, cap_send, &s);
	irc_cap_start(c);
	feed(c, ":srv CAP * LS :multi-prefix", true);
	assert_int_equal(irc_cap_state(c), IRC_CAP_NEGOTIATING);
	feed(c, ":srv CAP * ACK :multi-prefix", true);
	assert_int_equal(irc_cap_state(c), IRC_CAP_FAILED);
	irc_cap_free(c);

	/* No SASL wanted, no CAP support on the server. */
	p.mechanism = "none";
	p.required = false;
	s.n = 0;
	c = irc_cap_new(&p, cap_send, &s);
	irc_cap_start(c);
	feed(c, ":srv 421 * CAP :Unknown command", true);
	assert_int_equal(irc_cap_state(c), IRC_CAP_DONE);
	irc_cap_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_line_parse),
	    cmocka_unit_test(test_line_tags),
	    cmocka_unit_test(test_out_line_ok),
	    cmocka_unit_test(test_out_round_robin),
	    cmocka_unit_test(test_out_bucket),
	    cmocka_unit_test(test_out_limits),
	    cmocka_unit_test(test_cap_plain),
	    cmocka_unit_test(test_cap_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
