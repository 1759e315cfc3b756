/*
 * Unit tests for the signed state of a native form (hook.c): round trip,
 * and each way it is refused.  Each platform's own form (Slack modal,
 * Mattermost dialog, Discord modal) is tested in its
 * test_platform_<name>.c; over real HTTP in tests/e2e/http-forms.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "conf.h"
#include "hook.h"
#include "xmalloc.h"

static struct conf_platform pl;

static struct hook_ctx
ctx_for(const char *kind)
{
	memset(&pl, 0, sizeof(pl));
	pl.section = (char *)kind;
	pl.kind = (char *)kind;
	pl.path = (char *)"/hooks/mm";
	pl.token = (char *)"xr3j5x3p4pfk7kttbd6ewqchoe";
	return (struct hook_ctx){
	    &pl, "intakebot", NULL, NULL, NULL, NULL, NULL, NULL, NULL};
}

static void
test_state(void **st)
{
	struct hook_ctx ctx = ctx_for("mattermost");
	int64_t now = (int64_t)time(NULL);
	char lang[3], *s, *bad;

	(void)st;
	s = hook_form_state(&ctx, "u1", "c1", "es", now + 60);
	assert_non_null(s);
	assert_int_equal(
	    hook_form_state_check(&ctx, s, "u1", "c1", now, lang), 0);
	assert_string_equal(lang, "es");
	/* Another person, another channel, later than the expiry. */
	assert_int_equal(
	    hook_form_state_check(&ctx, s, "u2", "c1", now, lang), -1);
	assert_int_equal(
	    hook_form_state_check(&ctx, s, "u1", "c2", now, lang), -1);
	assert_int_equal(
	    hook_form_state_check(&ctx, s, "u1", "c1", now + 61, lang), -1);
	/* The language is under the MAC too. */
	bad = xstrdup(s);
	memcpy(strchr(bad, '.') + 1, "en", 2);
	assert_int_equal(
	    hook_form_state_check(&ctx, bad, "u1", "c1", now, lang), -1);
	/* One hex digit changed. */
	strcpy(bad, s);
	bad[strlen(bad) - 1] = bad[strlen(bad) - 1] == '0' ? '1' : '0';
	assert_int_equal(
	    hook_form_state_check(&ctx, bad, "u1", "c1", now, lang), -1);
	free(bad);
	assert_int_equal(
	    hook_form_state_check(&ctx, "", "u1", "c1", now, lang), -1);
	assert_int_equal(
	    hook_form_state_check(&ctx, NULL, "u1", "c1", now, lang), -1);
	assert_int_equal(hook_form_state_check(
	                     &ctx, "99999999999.es.zz", "u1", "c1", now, lang),
	    -1);
	/* Another key (the route's token) does not verify it. */
	pl.token = (char *)"another-token";
	assert_int_equal(
	    hook_form_state_check(&ctx, s, "u1", "c1", now, lang), -1);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
