/* Unit tests for router.c and the commands: addressing, topics, search,
 * did-you-mean, silence in channels, languages, permissions. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "catalog.h"
#include "conf.h"
#include "content.h"
#include "diag.h"
#include "router.h"

static struct conf *conf;
static struct content *content;
static struct router *router;
static struct catalog *catalog;
static char conf_path[] = "/tmp/intakebot-router.XXXXXX";

static int
setup(void **state)
{
	struct router_env env;
	struct diag d;
	FILE *fp;
	int fd;

	(void)state;
	if ((fd = mkstemp(conf_path)) == -1)
		return -1;
	fp = fdopen(fd, "w");
	fputs("[bot]\nchannel_languages = #ayuda=es\n", fp);
	fclose(fp);
	diag_init(&d);
	conf = conf_load(conf_path, &d);
	content = content_load("content", router_reserved(), &d);
	/* The replies are the shipped sentences. */
	catalog = catalog_load("content", &d, NULL);
	catalog_use(catalog);
	diag_print(&d, stderr);
	diag_reset(&d);
	if (conf == NULL || content == NULL)
		return -1;
	env = (struct router_env){.conf = conf, .content = content};
	router = router_new(&env);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	router_free(router);
	catalog_use(NULL);
	catalog_free(catalog);
	content_free(content);
	conf_free(conf);
	unlink(conf_path);
	return 0;
}

/* Runs text through the router; returns the replies joined by '|'. */
static char *
ask(const char *channel, const char *text, struct replies *rs)
{
	static char out[8192];
	struct message m;
	struct reply *r;

	memset(&m, 0, sizeof(m));
	m.adapter = "test";
	m.sender = "alice";
	m.sender_id = "alice!a@host";
	m.channel = channel;
	m.is_private = channel == NULL;
	m.text = text;
	replies_init(rs);
	router_handle(router, &m, rs);
	out[0] = '\0';
	for (r = rs->head; r != NULL; r = r->next) {
		if (out[0] != '\0')
			strncat(out, "|", sizeof(out) - strlen(out) - 1);
		strncat(out, r->text, sizeof(out) - strlen(out) - 1);
	}
	return out;
}

static void
test_topic(void **state)
{
	struct replies rs;
	char *out;

	(void)state;
	out = ask("#help", "!287g", &rs);
	assert_int_equal(rs.count, 1);
	assert_int_equal(rs.head->to, REPLY_HERE);
	assert_non_null(strstr(out, "**The 287(g) program**: "));
	assert_string_equal(
	    rs.head->link, "https://www.ice.gov/identify-and-arrest/287g");
	replies_reset(&rs);
	/* Aliases and case. */
	out = ask("#help", "!SEVP", &rs);
	assert_non_null(strstr(out, "SEVP"));
	replies_reset(&rs);
	/* more: privately, long, link last. */
	ask("#help", "!287g more", &rs);
	assert_int_equal(rs.count, 1);
	assert_int_equal(rs.head->to, REPLY_PRIVATE);
	assert_true(rs.head->is_long);
	assert_non_null(rs.head->link);
	replies_reset(&rs);
}

static void
test_addressing(void **state)
{
	struct replies rs;
	char *out;

	(void)state;
	/* Plain chat in a channel is not for the bot. */
	ask("#help", "287g is interesting", &rs);
	assert_int_equal(rs.count, 0);
	replies_reset(&rs);
	out = ask("#help", "intakebot: 287g", &rs);
	assert_non_null(strstr(out, "287(g)"));
	replies_reset(&rs);
	out = ask("#help", "IntakeBot, osltc", &rs);
	assert_non_null(strstr(out, "OSLTC"));
	replies_reset(&rs);
	/* A bare topic in private. */
	out = ask(NULL, "osltc", &rs);
	assert_non_null(strstr(out, "OSLTC"));
	replies_reset(&rs);
	/* Empty and prefix-only lines are ignored. */
	ask("#help", "!", &rs);
	assert_int_equal(rs.count, 0);
	replies_reset(&rs);
	ask(NULL, "   ", &rs);
	assert_int_equal(rs.count, 0);
	replies_reset(&rs);
}

static void
test_did_you_mean(void **state)
{
	struct replies rs;
	char *out;

	(void)state;
	out = ask("#help", "!278g", &rs);
	assert_string_equal(out, "Did you mean !287g?");
	replies_reset(&rs);
	out = ask("#help", "!olsct", &rs);
	assert_non_null(strstr(out, "!osltc"));
	replies_reset(&rs);
	out = ask("#help", "!hlep", &rs);
	assert_non_null(strstr(out, "!help"));
	replies_reset(&rs);
	/* No near match: silent in a channel, help in private. */
	ask("#help", "!weather", &rs);
	assert_int_equal(rs.count, 0);
	replies_reset(&rs);
	out = ask(NULL, "!weather", &rs);
	assert_int_equal(rs.count, 1);
	assert_non_null(strstr(out, "!help"));
	replies_reset(&rs);
}

static void
test_help_and_search(void **state)
{
	struct replies rs;
	char *out;

	(void)state;
	out = ask("#help", "!help", &rs);
	assert_non_null(strstr(out, "!287g"));
	assert_non_null(strstr(out, "!osltc"));
	assert_non_null(strstr(out, "!search"));
	replies_reset(&rs);
	out = ask("#help", "!topics", &rs);
	assert_non_null(strstr(out, "!consultation"));
	replies_reset(&rs);
	out = ask("#help", "!help search", &rs);
	assert_string_equal(out, "Usage: !search WORDS");
	replies_reset(&rs);
	out = ask("#help", "!search detainer", &rs);
	assert_non_null(strstr(out, "Best matches for \"detainer\": !"));
	assert_non_null(strstr(out, "!287g"));
	replies_reset(&rs);
	out = ask("#help", "!search qqqq zzzz", &rs);
	assert_non_null(strstr(out, "No topic matches"));
	replies_reset(&rs);
	/* Missing arguments: usage, privately. */
	out = ask("#help", "!search", &rs);
	assert_int_equal(rs.head->to, REPLY_PRIVATE);
	assert_string_equal(out, "Usage: !search WORDS");
	replies_reset(&rs);
}

static void
test_spanish(void **state)
{
	struct replies rs;
	char *out;

	(void)state;
	out = ask("#ayuda", "!ayuda", &rs);
	assert_non_null(strstr(out, "Temas:"));
	replies_reset(&rs);
	out = ask("#ayuda", "!estudiantes", &rs);
	assert_non_null(strstr(out, "SEVP"));
	replies_reset(&rs);
	out = ask("#ayuda", "!278g", &rs);
	assert_string_equal(out, "¿Quiso decir !287g?");
	replies_reset(&rs);
	/* The Spanish alias is unknown in an English channel. */
	ask("#help", "!estudiantes", &rs);
	assert_int_equal(rs.count, 0);
	replies_reset(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_topic),
	    cmocka_unit_test(test_addressing),
	    cmocka_unit_test(test_did_you_mean),
	    cmocka_unit_test(test_help_and_search),
	    cmocka_unit_test(test_spanish),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
