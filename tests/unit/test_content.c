/* Unit tests for content.c: parsing, diagnostics, lookup, search, suggest. */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "content.h"
#include "diag.h"

static char tmpdir[] = "/tmp/intakebot-content.XXXXXX";
static const char *const reserved[] = {"help", "search", NULL};

#define GOOD(cmd, extra)                                                       \
	"---\ncommand: " cmd "\n" extra "title: T " cmd "\nsummary: S " cmd    \
	"\nlink: https://example.org/" cmd "\n---\nBody of " cmd ".\n"

static void
write_topic(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", tmpdir, dir, name);
	fp = fopen(path, "wb");
	assert_non_null(fp);
	fwrite(text, 1, len ? len : strlen(text), fp);
	fclose(fp);
}

static void
clean(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s/*", tmpdir);
	assert_int_equal(system(cmd), 0);
}

static struct content *
load(const char *dir, struct diag *d)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, dir);
	return content_load(path, reserved, d);
}

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	return system(cmd);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text;
		size_t len;
		const char *expect;
	} cases[] = {
	    {"no front matter\n", 0, "x.md:1: missing front matter"},
	    {"---\ncommand: a\ntitle: t\n", 0,
	        "x.md:1: front matter is not closed"},
	    {"---\ncommand: a\nsummary: s\nlink: https://x\n---\n", 0,
	        "x.md:1: missing field 'title'"},
	    {"---\ncommand: a\ntitle: t\nsummary: s\nlink: https://x\n"
	     "colour: red\n---\n",
	        0, "x.md:6: unknown field 'colour'"},
	    {"---\ncommand: a b\ntitle: t\nsummary: s\nlink: https://x\n"
	     "---\n",
	        0, "x.md:2: 'a b' is not a valid command"},
	    {"---\ncommand: help\ntitle: t\nsummary: s\nlink: https://x\n"
	     "---\n",
	        0, "x.md:2: 'help' is one of the bot's own"},
	    {"---\ncommand: a\ntitle: t\nsummary: s\nlink: ftp://x\n"
	     "---\n",
	        0, "x.md:5: link must start with"},
	    {"---\ncommand: a\ntitle: t\nsummary: s\nlink: https://x\n"
	     "reviewed: yesterday\n---\n",
	        0, "x.md:6: reviewed must be"},
	    {"---\ncommand: a\ntitle: t\nsummary: s\nlink: https://x\n"
	     "---\nbad \xff byte\n",
	        0, "x.md:7: invalid UTF-8"},
	    {"---\ncommand: a\ntitle: t\nsummary: s\nlink: https://x\n"
	     "---\nbell\a\n",
	        0, "x.md:7: control character"},
	    {"---\ncommand: a\ntitle: t\nsummary: s\nlink: https://x\n"
	     "---\nnul\0byte\n",
	        64, "x.md: file contains a NUL byte"},
	    {"---\ncommand: a\ncommand: b\ntitle: t\nsummary: s\n"
	     "link: https://x\n---\n",
	        0, "x.md:3: duplicate field"},
	};
	struct diag d;
	struct content *c;
	size_t i, k;
	int found;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		clean();
		write_topic("c", "x.md", cases[i].text, cases[i].len);
		diag_init(&d);
		c = load("c", &d);
		if (c != NULL)
			fail_msg("case %zu loaded", i);
		found = 0;
		for (k = 0; k < d.count; k++)
			if (strstr(d.lines[k], cases[i].expect) != NULL)
				found = 1;
		if (!found) {
			diag_print(&d, stderr);
			fail_msg("case %zu: no '%s'", i, cases[i].expect);
		}
		diag_reset(&d);
	}
}

static void
test_summary_cap(void **state)
{
	char text[1024];
	struct diag d;

	(void)state;
	clean();
	snprintf(text, sizeof(text),
	    "---\ncommand: a\ntitle: t\nsummary: "
	    "%0351d\nlink: https://x\n---\n",
	    0);
	write_topic("c", "x.md", text, 0);
	diag_init(&d);
	assert_null(load("c", &d));
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.lines[0], "x.md:4: summary is 351 bytes"));
	diag_reset(&d);
}

static void
test_huge_file(void **state)
{
	char *text;
	struct diag d;

	(void)state;
	clean();
	text = malloc(CONTENT_FILE_MAX + 100);
	assert_non_null(text);
	memset(text, 'x', CONTENT_FILE_MAX + 99);
	text[CONTENT_FILE_MAX + 99] = '\0';
	write_topic("c", "big.md", text, 0);
	free(text);
	diag_init(&d);
	assert_null(load("c", &d));
	assert_non_null(strstr(d.lines[0], "big.md: file is"));
	diag_reset(&d);
}

static void
test_duplicates(void **state)
{
	struct diag d;

	(void)state;
	clean();
	write_topic("c", "a.md", GOOD("alpha", "aliases: one, two\n"), 0);
	write_topic("c", "b.md", GOOD("beta", "aliases: TWO\n"), 0);
	diag_init(&d);
	assert_null(load("c", &d));
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.lines[0], "b.md:3: 'two' is already used by"));
	assert_non_null(strstr(d.lines[0], "a.md:3"));
	diag_reset(&d);
}

static void
test_lookup_and_languages(void **state)
{
	const struct topic *t, *list[10];
	struct content *c;
	struct diag d;
	size_t n;

	(void)state;
	clean();
	write_topic("c", "a.md", GOOD("alpha", "aliases: al, a-1\n"), 0);
	write_topic("c", "b.md", GOOD("beta", ""), 0);
	write_topic("c/es", "a.md", GOOD("alpha", "aliases: alfa\n"), 0);
	write_topic("c", "notes.txt", "ignored", 0);
	diag_init(&d);
	c = load("c", &d);
	diag_print(&d, stderr);
	assert_non_null(c);
	assert_int_equal(content_count(c, "en"), 2);
	assert_int_equal(content_count(c, "es"), 1);
	assert_true(content_has_lang(c, "es"));
	t = content_find(c, "en", "ALPHA");
	assert_non_null(t);
	assert_string_equal(t->lang, "en");
	assert_string_equal(t->body, "Body of alpha.");
	assert_string_equal(content_find(c, "en", "A-1")->command, "alpha");
	assert_null(content_find(c, "en", "alfa"));
	assert_string_equal(content_find(c, "es", "alfa")->lang, "es");
	assert_string_equal(content_find(c, "es", "alpha")->lang, "es");
	/* Spanish falls back to English for an untranslated topic. */
	assert_string_equal(content_find(c, "es", "beta")->lang, "en");
	assert_null(content_find(c, "en", "gamma"));
	n = content_list(c, "es", list, 10);
	assert_int_equal(n, 2);
	assert_string_equal(list[0]->command, "alpha");
	assert_string_equal(list[0]->lang, "es");
	assert_string_equal(list[1]->command, "beta");
	content_free(c);
	diag_reset(&d);
}

static void
test_real_content(void **state)
{
	const struct topic *hits[5];
	const char *sugg[3];
	struct content *c;
	struct diag d;
	size_t n;

	(void)state;
	diag_init(&d);
	c = content_load("content", reserved, &d);
	diag_print(&d, stderr);
	assert_non_null(c);
	assert_true(content_count(c, "en") >= 10);
	assert_string_equal(content_find(c, "en", "287")->command, "287g");
	assert_string_equal(content_find(c, "en", "sevp")->command, "students");
	assert_string_equal(
	    content_find(c, "en", "hsi")->command, "investigations");
	n = content_search(c, "en", "detainer", hits, 5);
	assert_true(n >= 3);
	n = content_search(c, "en", "xyzzy plugh", hits, 5);
	assert_int_equal(n, 0);
	n = content_suggest(c, "en", "278g", sugg, 3);
	assert_true(n >= 1);
	assert_string_equal(sugg[0], "287g");
	n = content_suggest(c, "en", "olsct", sugg, 3);
	assert_true(n >= 1);
	assert_string_equal(sugg[0], "osltc");
	n = content_suggest(c, "en", "completelyunrelated", sugg, 3);
	assert_int_equal(n, 0);
	/* Exact matches are not suggestions. */
	n = content_suggest(c, "en", "287g", sugg, 3);
	assert_true(n == 0 || strcmp(sugg[0], "287g") != 0);
	content_free(c);
	diag_reset(&d);
}

/* The closing line every shipped topic must carry, per language. */
static const char *
disclaimer(const char *lang)
{
	return strcmp(lang, "es") == 0
	    ? "_Información general, no es asesoría legal._"
	    : "_General information, not legal advice._";
}

static bool
has_alias(const struct topic *t, const char *key)
{
	size_t i;

	if (strcmp(t->command, key) == 0)
		return true;
	for (i = 0; i < t->naliases; i++)
		if (strcmp(t->aliases[i], key) == 0)
			return true;
	return false;
}

/*
 * The shipped content is complete: every English topic has a Spanish
 * file with at least the same commands, every file has an https link, a
 * reviewed date (Spanish no older than English) and the disclaimer as
 * its last line, and the topics a person facing ICE needs answer to
 * their aliases in both languages.
 */
static void
test_shipped_content_complete(void **state)
{
	static const char *const langs[] = {"en", "es"};
	static const char *const keys[][2] = {{"rights", "rights"},
	    {"derechos", "rights"}, {"kyr", "rights"}, {"court", "court"},
	    {"eoir", "court"}, {"hearing", "court"}, {"corte", "court"},
	    {"bond", "bond"}, {"fianza", "bond"}, {"expedited", "expedited"},
	    {"expedited-removal", "expedited"},
	    {"deportacion-rapida", "expedited"}, {"locator", "detention"},
	    {"ope", "osltc"}, {"hsi", "investigations"}};
	const struct topic *en[64], *es, *t;
	struct content *c;
	struct diag d;
	size_t n, i, k, l, len;

	(void)state;
	diag_init(&d);
	c = content_load("content", reserved, &d);
	diag_print(&d, stderr);
	assert_non_null(c);
	n = content_list(c, "en", en, 64);
	assert_true(n >= 14);
	assert_int_equal(content_count(c, "es"), n);
	for (i = 0; i < n; i++) {
		es = content_find(c, "es", en[i]->command);
		assert_non_null(es);
		if (strcmp(es->lang, "es") != 0)
			fail_msg("%s: no Spanish translation", en[i]->file);
		for (k = 0; k < en[i]->naliases; k++)
			if (!has_alias(es, en[i]->aliases[k]))
				fail_msg("%s: alias '%s' missing", es->file,
				    en[i]->aliases[k]);
		assert_non_null(en[i]->reviewed);
		assert_non_null(es->reviewed);
		if (strcmp(es->reviewed, en[i]->reviewed) < 0)
			fail_msg("%s: reviewed %s is older than English %s",
			    es->file, es->reviewed, en[i]->reviewed);
		for (l = 0; l < 2; l++) {
			t = l == 0 ? en[i] : es;
			assert_string_equal(t->lang, langs[l]);
			if (strncmp(t->link, "https://", 8) != 0)
				fail_msg("%s: link is not https", t->file);
			len = strlen(t->body);
			if (len < strlen(disclaimer(t->lang)) ||
			    strcmp(t->body + len - strlen(disclaimer(t->lang)),
			        disclaimer(t->lang)) != 0)
				fail_msg("%s: does not end with the "
				         "not-legal-advice line",
				    t->file);
		}
	}
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (l = 0; l < 2; l++) {
			t = content_find(c, langs[l], keys[k][0]);
			if (t == NULL)
				fail_msg("!%s: no topic in %s", keys[k][0],
				    langs[l]);
			assert_string_equal(t->command, keys[k][1]);
			assert_string_equal(t->lang, langs[l]);
		}
	content_free(c);
	diag_reset(&d);
}

static void
test_search_ranking(void **state)
{
	const struct topic *hits[5];
	struct content *c;
	struct diag d;
	size_t n;

	(void)state;
	clean();
	write_topic("c", "a.md",
	    "---\ncommand: a\ntitle: Detainer basics\n"
	    "summary: s\nlink: https://x\n---\ndetainer\n",
	    0);
	write_topic("c", "b.md",
	    "---\ncommand: b\ntitle: Other\n"
	    "summary: s\nlink: https://x\n---\nonce a detainer\n",
	    0);
	write_topic("c", "c.md",
	    "---\ncommand: c\ntitle: None\n"
	    "summary: s\nlink: https://x\n---\nnothing here\n",
	    0);
	diag_init(&d);
	c = load("c", &d);
	assert_non_null(c);
	n = content_search(c, "en", "detainer", hits, 5);
	assert_int_equal(n, 2);
	assert_string_equal(hits[0]->command, "a"); /* title beats body */
	assert_string_equal(hits[1]->command, "b");
	content_free(c);
	diag_reset(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_summary_cap),
	    cmocka_unit_test(test_huge_file),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_lookup_and_languages),
	    cmocka_unit_test(test_real_content),
	    cmocka_unit_test(test_shipped_content_complete),
	    cmocka_unit_test(test_search_ranking),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
