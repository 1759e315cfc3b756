/* Unit tests for text.c: UTF-8, the sanitiser, chunking, rendering. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "text.h"

static void
test_utf8_valid(void **state)
{
	static const struct {
		const char *s;
		int ok;
	} cases[] = {
	    {"", 1},
	    {"plain", 1},
	    {"caf\xc3\xa9", 1},
	    {"\xe2\x82\xac", 1},
	    {"\xf0\x9f\x98\x80", 1},
	    {"\xc3", 0},
	    {"\xc0\xaf", 0},         /* overlong '/' */
	    {"\xed\xa0\x80", 0},     /* surrogate */
	    {"\xf4\x90\x80\x80", 0}, /* > U+10FFFF */
	    {"\xff", 0},
	    {"a\x80"
	     "b",
	        0},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_int_equal(
		    text_utf8_valid(cases[i].s, strlen(cases[i].s)),
		    cases[i].ok);
}

static void
test_utf8_cut(void **state)
{
	const char *s = "a\xc3\xa9\xe2\x82\xac"; /* a é € : 1+2+3 bytes */

	(void)state;
	assert_int_equal(text_utf8_cut(s, 6, 10), 6);
	assert_int_equal(text_utf8_cut(s, 6, 6), 6);
	assert_int_equal(text_utf8_cut(s, 6, 5), 3);
	assert_int_equal(text_utf8_cut(s, 6, 4), 3);
	assert_int_equal(text_utf8_cut(s, 6, 2), 1);
	assert_int_equal(text_utf8_cut(s, 6, 1), 1);
	assert_int_equal(text_utf8_cut(s, 6, 0), 0);
}

static void
test_sanitize(void **state)
{
	static const struct {
		const char *in;
		size_t len;
		size_t max;
		int flags;
		const char *out;
	} cases[] = {
	    {"hello", 5, 0, 0, "hello"},
	    {"a\r\nQUIT :x", 10, 0, 0, "a  QUIT :x"},
	    {"a\0b", 3, 0, 0, "ab"},
	    {"\x02"
	     "bold\x02 \x03"
	     "04,12red\x0f end",
	        0, 0, 0, "bold red end"},
	    {"\x03"
	     "99x",
	        4, 0, 0, "x"},
	    {"\x04"
	     "ff00ffhex",
	        10, 0, 0, "hex"},
	    {"\x1d\x1f\x16\x11"
	     "t",
	        5, 0, 0, "t"},
	    {"bad\xff"
	     "byte",
	        8, 0, 0,
	        "bad\xef\xbf\xbd"
	        "byte"},
	    {"a\nb", 3, 0, TEXT_KEEP_NEWLINES, "a\nb"},
	    {"tab\there", 8, 0, 0, "tab here"},
	    {"\xc2\x85"
	     "nel",
	        5, 0, 0, "nel"}, /* C1 control */
	    {"\xe2\x80\xa8"
	     "ls",
	        5, 0, 0, "ls"}, /* U+2028 */
	    {"\xc3\xa9\xc3\xa9", 4, 3, 0, "\xc3\xa9"},
	    /* Plain ASCII takes a short cut: still capped. */
	    {"abcdef", 0, 3, 0, "abc"},
	    {"abc", 0, 0, 0, "abc"},
	    {"", 0, 0, 0, ""},
	    /* Kept spans around replaced and dropped characters. */
	    {"ab\tcd\x01"
	     "ef\xc3\xa9gh",
	        0, 0, 0, "ab cdef\xc3\xa9gh"},
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = text_sanitize(cases[i].in,
		    cases[i].len ? cases[i].len : strlen(cases[i].in),
		    cases[i].max, cases[i].flags);
		assert_string_equal(out, cases[i].out);
		assert_true(text_utf8_valid(out, strlen(out)));
		free(out);
	}
}

static void
test_neutralize(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
	    {"hi @channel now",
	        "hi @\xe2\x80\x8b"
	        "channel now"},
	    {"@here", "@\xe2\x80\x8bhere"},
	    {"@everyone @all",
	        "@\xe2\x80\x8b"
	        "everyone @\xe2\x80\x8b"
	        "all"},
	    {"<!channel>", "<\xe2\x80\x8b!channel>"},
	    {"@herenow @alice", "@herenow @alice"},
	    {"mail a@b.org", "mail a@b.org"},
	    {"", ""},
	    {"a @all b <!here> c",
	        "a @\xe2\x80\x8b"
	        "all b <\xe2\x80\x8b!here> c"},
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = text_neutralize_mentions(cases[i].in);
		assert_string_equal(out, cases[i].out);
		free(out);
	}
}

static void
test_chunk(void **state)
{
	const char *s = "one two three four";
	char big[600];
	size_t n;

	(void)state;
	assert_int_equal(text_chunk(s, strlen(s), 100), strlen(s));
	assert_int_equal(text_chunk(s, strlen(s), 10), 7); /* "one two" */
	/* No space: cut at a code point boundary. */
	memset(big, 'x', sizeof(big));
	memcpy(big + 8, "\xe2\x82\xac", 3);
	n = text_chunk(big, sizeof(big), 10);
	assert_int_equal(n, 8);
}

static void
test_edit_distance(void **state)
{
	(void)state;
	assert_int_equal(text_edit_distance("287g", "287g", 3), 0);
	assert_int_equal(text_edit_distance("278g", "287g", 3), 1);
	assert_int_equal(text_edit_distance("olsct", "osltc", 3), 2);
	assert_int_equal(text_edit_distance("HELP", "help", 3), 0);
	assert_int_equal(text_edit_distance("abc", "xyz", 1), 2);
	assert_int_equal(text_edit_distance("a", "abcdef", 2), 3);
	assert_int_equal(text_edit_distance("sevp", "sepv", 1), 1);
}

static void
test_render(void **state)
{
	static const struct {
		const char *in, *plain, *slack;
	} cases[] = {
	    {"**Title**: text", "Title: text", "*Title*: text"},
	    {"see [ICE](https://www.ice.gov/)",
	        "see ICE <https://www.ice.gov/>",
	        "see <https://www.ice.gov/|ICE>"},
	    {"_General information._", "General information.",
	        "_General information._"},
	    {"snake_case_word", "snake_case_word", "snake_case_word"},
	    {"use `!consult`", "use !consult", "use `!consult`"},
	    {"a < b & c", "a < b & c", "a &lt; b &amp; c"},
	    {"[bad link](no close", "[bad link](no close",
	        "[bad link](no close"},
	};
	size_t i;
	char *out;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		out = text_render_plain(cases[i].in);
		assert_string_equal(out, cases[i].plain);
		free(out);
		out = text_render_slack(cases[i].in);
		assert_string_equal(out, cases[i].slack);
		free(out);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_utf8_valid),
	    cmocka_unit_test(test_utf8_cut),
	    cmocka_unit_test(test_sanitize),
	    cmocka_unit_test(test_neutralize),
	    cmocka_unit_test(test_chunk),
	    cmocka_unit_test(test_edit_distance),
	    cmocka_unit_test(test_render),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
