/* Unit tests for conf.c: defaults, types, ranges, env:/file:, diagnostics. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "conf.h"
#include "diag.h"

static char tmpdir[] = "/tmp/intakebot-conf.XXXXXX";

static const char *
write_file(const char *name, const char *text, mode_t mode)
{
	static char path[256];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	chmod(path, mode);
	return path;
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
test_defaults(void **state)
{
	struct diag d;
	struct conf *c;

	(void)state;
	diag_init(&d);
	c = conf_load(write_file("empty.conf", "", 0600), &d);
	assert_non_null(c);
	assert_string_equal(c->nick, "intakebot");
	assert_string_equal(c->prefix, "!");
	assert_string_equal(c->content_dir, "content");
	assert_int_equal(c->consult_cooldown, 300);
	assert_int_equal(c->consult_max_length, 1000);
	assert_false(c->irc_enabled);
	assert_false(c->http_enabled);
	assert_int_equal(c->irc_port, 6667);
	assert_true(c->irc_tls_verify);
	conf_free(c);
	diag_reset(&d);
}

static void
test_spec_example(void **state)
{
	struct diag d;
	struct conf *c;

	(void)state;
	setenv("IB_TEST_MM", "tok1,tok2", 1);
	diag_init(&d);
	c = conf_load(
	    write_file("spec.conf",
	        "[bot]\nnick = intakebot\nprefix = !\ncontent_dir = content\n"
	        "data_dir = data              ; holds intakebot.db (SQLite)\n"
	        "\n[irc]\nserver = 127.0.0.1\nport = 6667\ntls = no\n"
	        "tls_verify = yes\nchannels = #help, #ayuda     ; public\n"
	        "staff_channel = #staff\nadmins = account:alice, "
	        "*!*@staff.example.org\n"
	        "\n[http]\nlisten = 127.0.0.1:8080\n"
	        "\n[mattermost]\npath = /hooks/mattermost\ntoken = "
	        "env:IB_TEST_MM\n"
	        "\n[consult]\ncooldown = 60\nmax_length = 500\n",
	        0600),
	    &d);
	diag_print(&d, stderr);
	assert_non_null(c);
	assert_true(c->irc_enabled);
	assert_true(c->http_enabled);
	assert_string_equal(c->data_dir, "data");
	assert_string_equal(c->irc_channels, "#help, #ayuda");
	assert_int_equal(c->nplatforms, 1);
	assert_string_equal(c->platforms[0].kind, "mattermost");
	assert_string_equal(c->platforms[0].token, "tok1,tok2");
	assert_int_equal(c->consult_cooldown, 60);
	conf_free(c);
	diag_reset(&d);
}

static void
test_errors(void **state)
{
	static const struct {
		const char *text, *expect;
	} cases[] = {
	    {"[bot]\nnick = a\nfoo = 1\n", ":3: unknown key 'foo' in [bot]"},
	    {"[nope]\nx = 1\n", ":1: unknown section [nope]"},
	    {"[bot]\n\n\nmore_lines = 0\n",
	        ":4: more_lines: 0 is out of range (1 to 100)"},
	    {"[irc]\nport = http\n", ":2: port: 'http' is not a whole number"},
	    {"[irc]\ntls = maybe\n", ":2: tls: 'maybe' is not yes or no"},
	    {"[bot]\nnick = a\nnick = b\n",
	        ":3: duplicate key 'nick' in [bot]"},
	    {"[bot]\nnick = bad%snick\n", ":2: nick: must not contain '%'"},
	    {"[irc]\nnickserv_password = env:IB_TEST_UNSET_VAR\n",
	        ":2: nickserv_password: environment variable "
	        "IB_TEST_UNSET_VAR is not set"},
	    {"nick = x\n", ":1: key 'nick' outside of any [section]"},
	    {"[bot]\nthis is not ini\n", ":2: syntax error"},
	    {"[slack]\nstaff_webhook_url = ftp://x\n",
	        ":2: staff_webhook_url: must be an http:// or https:// URL"},
	    {"[slack]\npath = hooks\n", ":2: path: must be a path"},
	    {"[http]\n[slack]\npath = /a\n[mattermost]\npath = /a\n",
	        ":4: [mattermost] path /a is already used by [slack]"},
	    {"[slack]\npath = /a\n",
	        ":1: [slack] has a path but there is "
	        "no [http] section"},
	    {"[irc]\nsasl_mechanism = plain\n",
	        "sasl_mechanism plain needs sasl_password"},
	    {"[bot]\nnick = \xff\n", ":2: nick: not valid UTF-8"},
	};
	struct diag d;
	struct conf *c;
	size_t i, k;
	int found;

	(void)state;
	unsetenv("IB_TEST_UNSET_VAR");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		diag_init(&d);
		c = conf_load(write_file("bad.conf", cases[i].text, 0600), &d);
		if (c != NULL)
			fail_msg("case %zu: loaded", i);
		found = 0;
		for (k = 0; k < d.count; k++)
			if (strstr(d.lines[k], cases[i].expect) != NULL)
				found = 1;
		if (!found) {
			diag_print(&d, stderr);
			fail_msg("case %zu: no diagnostic containing '%s'", i,
			    cases[i].expect);
		}
		diag_reset(&d);
	}
}

static void
test_long_line(void **state)
{
	char text[2048];
	struct diag d;
	struct conf *c;

	(void)state;
	memset(text, 0, sizeof(text));
	strcpy(text, "[bot]\nchannel_languages = ");
	memset(text + strlen(text), 'x', 1000);
	strcat(text, "\nnick = ok\n");
	diag_init(&d);
	c = conf_load(write_file("long.conf", text, 0600), &d);
	assert_null(c);
	assert_true(d.count >= 1);
	assert_non_null(strstr(d.lines[0], ":2: line longer than"));
	diag_reset(&d);
}

static void
test_secret_file(void **state)
{
	char text[512];
	struct diag d;
	struct conf *c;
	const char *sp;
	char secret[256];

	(void)state;
	sp = write_file("secret", "s3cret\nignored\n", 0600);
	snprintf(secret, sizeof(secret), "%s", sp);
	snprintf(
	    text, sizeof(text), "[irc]\nnickserv_password = file:%s\n", secret);
	diag_init(&d);
	c = conf_load(write_file("sf.conf", text, 0600), &d);
	assert_non_null(c);
	assert_string_equal(c->irc_nickserv_password, "s3cret");
	conf_free(c);
	/* Readable by others: refused, and the secret is not printed. */
	chmod(secret, 0644);
	c = conf_load(write_file("sf.conf", text, 0600), &d);
	assert_null(c);
	assert_int_equal(d.count, 1);
	assert_non_null(strstr(d.lines[0], "readable or writable by group"));
	assert_null(strstr(d.lines[0], "s3cret"));
	diag_reset(&d);
}

static void
test_lists_and_languages(void **state)
{
	struct diag d;
	struct conf *c;
	char **items;
	size_t n;

	(void)state;
	n = conf_list_split(" #a, ,#b ,#c", &items);
	assert_int_equal(n, 3);
	assert_string_equal(items[0], "#a");
	assert_string_equal(items[2], "#c");
	conf_list_free(items, n);
	diag_init(&d);
	c = conf_load(
	    write_file("lang.conf",
	        "[bot]\nchannel_languages = #ayuda=es, #help=en\n", 0600),
	    &d);
	assert_non_null(c);
	assert_string_equal(conf_channel_language(c, "#AYUDA"), "es");
	assert_string_equal(conf_channel_language(c, "#help"), "en");
	assert_null(conf_channel_language(c, "#other"));
	assert_null(conf_channel_language(c, NULL));
	conf_free(c);
	diag_reset(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_defaults),
	    cmocka_unit_test(test_spec_example),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_long_line),
	    cmocka_unit_test(test_secret_file),
	    cmocka_unit_test(test_lists_and_languages),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
