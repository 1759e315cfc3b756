/*
 * Unit tests for native forms: the signed state of a Mattermost dialog
 * (round trip, and each way it is refused), the answers each platform's
 * submission yields (Mattermost booleans, Slack checkboxes, Discord's two
 * component shapes), the shape of a Discord modal, and the plumbing of
 * hook_handle from a submission to the intake's submit step and back as
 * per-field errors.  Over real HTTP: tests/e2e/http-forms.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <cmocka.h>

#include "conf.h"
#include "hook.h"
#include "platform.h"
#include "xmalloc.h"

static struct conf_platform pl;
static const char *got[PLATFORM_FORM_FIELDS];
static char got_lang[8];
static char got_buf[PLATFORM_FORM_FIELDS][128];
static int submits;

static void
no_handler(void *arg, const struct message *m, struct replies *out)
{
	(void)arg;
	(void)m;
	(void)out;
	fail_msg("a form submission is not a command");
}

static char *
fake_text(void *arg, const char *lang, const char *key)
{
	(void)arg;
	return xasprintf("%s:%s", lang, key);
}

/* Refuses a contact without '@', like the intake's check would. */
static int
fake_submit(void *arg, const struct message *m, const char *lang,
    const char *const *value, char **err, struct replies *out)
{
	size_t i;

	(void)arg;
	(void)m;
	submits++;
	snprintf(got_lang, sizeof(got_lang), "%s", lang);
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		got[i] = NULL;
		if (value[i] != NULL) {
			snprintf(
			    got_buf[i], sizeof(got_buf[i]), "%s", value[i]);
			got[i] = got_buf[i];
		}
	}
	if (value[1] != NULL && strchr(value[1], '@') == NULL) {
		err[1] = xstrdup("bad contact");
		return 1;
	}
	replies_add(out, REPLY_PRIVATE, "thanks #7", NULL);
	return 0;
}

static void
fake_call(void *arg, const char *section, struct platform_call *c)
{
	(void)arg;
	(void)section;
	(void)c;
}

static const struct hook_forms forms = {
    fake_text, fake_submit, fake_call, NULL};

static const char *
no_header(void *arg, const char *name)
{
	(void)arg;
	(void)name;
	return NULL;
}

static struct hook_ctx
ctx_for(const char *kind)
{
	memset(&pl, 0, sizeof(pl));
	pl.section = (char *)kind;
	pl.kind = (char *)kind;
	pl.path = (char *)"/hooks/mm";
	pl.token = (char *)"xr3j5x3p4pfk7kttbd6ewqchoe";
	return (struct hook_ctx){
	    &pl, "intakebot", no_handler, NULL, NULL, NULL, NULL, NULL, &forms};
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

static int
post(const struct hook_ctx *ctx, const char *ctype, const char *body,
    bool form_route, struct hook_response *resp)
{
	struct hook_request req;

	memset(&req, 0, sizeof(req));
	req.method = "POST";
	req.content_type = ctype;
	req.body = body;
	req.body_len = strlen(body);
	req.header = no_header;
	req.now = (int64_t)time(NULL);
	req.form_route = form_route;
	return hook_handle(ctx, &req, resp);
}

/* A dialog_submission from u1 in c1. */
static void
dialog(char *body, size_t size, const char *state, const char *contact,
    const char *consent, const char *cancelled)
{
	snprintf(body, size,
	    "{\"type\":\"dialog_submission\",\"callback_id\":\"intake\","
	    "\"state\":\"%s\",\"user_id\":\"u1\",\"channel_id\":\"c1\","
	    "\"submission\":{\"name\":\"Ana\",\"contact\":\"%s\","
	    "\"consent\":%s},\"cancelled\":%s}",
	    state, contact, consent, cancelled);
}

static void
test_mattermost_dialog(void **st)
{
	struct hook_ctx ctx = ctx_for("mattermost");
	struct hook_response resp;
	char *state, body[1024];

	(void)st;
	state = hook_form_state(&ctx, "u1", "c1", "es", time(NULL) + 60);
	submits = 0;
	dialog(body, sizeof(body), state, "ana", "true", "false");
	post(&ctx, "application/json", body, true, &resp);
	assert_int_equal(resp.status, 200);
	assert_string_equal(
	    resp.body, "{\"errors\":{\"contact\":\"bad contact\"}}");
	assert_string_equal(got[0], "Ana");
	assert_string_equal(got[6], "yes");
	assert_string_equal(got_lang, "es");
	free(resp.body);
	dialog(body, sizeof(body), state, "a@x.org", "false", "false");
	post(&ctx, "application/json", body, true, &resp);
	assert_string_equal(got[6], "no");
	free(resp.body);
	/* Cancelled: acknowledged, not submitted. */
	dialog(body, sizeof(body), state, "a@x.org", "true", "true");
	post(&ctx, "application/json", body, true, &resp);
	assert_int_equal(submits, 2);
	assert_string_equal(resp.body, "{}");
	free(resp.body);
	/* The same body on the command route needs the command token. */
	dialog(body, sizeof(body), state, "a@x.org", "true", "false");
	post(&ctx, "application/json", body, false, &resp);
	assert_int_equal(resp.status, 401);
	free(resp.body);
	/* A state for someone else. */
	free(state);
	state = hook_form_state(&ctx, "u2", "c1", "es", time(NULL) + 60);
	dialog(body, sizeof(body), state, "a@x.org", "true", "false");
	post(&ctx, "application/json", body, true, &resp);
	assert_int_equal(resp.status, 403);
	assert_int_equal(submits, 2);
	free(resp.body);
	free(state);
}

/* A Discord interaction's data, as a parsed document in ev. */
static void
discord_values(const char *json, const char **value)
{
	const struct platform *p = platform_find("discord");
	struct hook_event ev;

	memset(&ev, 0, sizeof(ev));
	ev.doc = platform_json_parse(json, strlen(json));
	assert_non_null(ev.doc);
	memset(value, 0, sizeof(*value) * PLATFORM_FORM_FIELDS);
	p->form_values(&ev, value);
	/* Copied before the document goes. */
	for (size_t i = 0; i < PLATFORM_FORM_FIELDS; i++)
		if (value[i] != NULL) {
			snprintf(
			    got_buf[i], sizeof(got_buf[i]), "%s", value[i]);
			value[i] = got_buf[i];
		}
	platform_json_doc_free(ev.doc);
}

static void
test_discord_shapes(void **st)
{
	const char *v[PLATFORM_FORM_FIELDS];

	(void)st;
	discord_values("{\"data\":{\"custom_id\":\"intake\",\"components\":["
	               "{\"type\":1,\"components\":[{\"type\":4,\"custom_id\":"
	               "\"name\",\"value\":\"Luis\"}]},"
	               "{\"type\":1,\"components\":[{\"type\":4,\"custom_id\":"
	               "\"consent\",\"value\":\"sí\"}]}]}}",
	    v);
	assert_string_equal(v[0], "Luis");
	assert_string_equal(v[6], "sí");
	assert_null(v[1]);
	discord_values("{\"data\":{\"custom_id\":\"intake\",\"components\":["
	               "{\"type\":18,\"component\":{\"type\":4,\"custom_id\":"
	               "\"contact\",\"value\":\"chat\"}},"
	               "{\"type\":18,\"component\":{\"type\":4,\"custom_id\":"
	               "\"bogus\",\"value\":\"x\"}}]}}",
	    v);
	assert_string_equal(v[1], "chat");
	assert_null(v[0]);
}

static void
test_discord_modal(void **st)
{
	const struct platform *p = platform_find("discord");
	struct hook_ctx ctx = ctx_for("discord");
	struct platform_form f;
	struct platform_call call;
	struct hook_response resp;
	struct hook_event ev;
	const char *s;
	size_t i, n = 0;

	(void)st;
	memset(&f, 0, sizeof(f));
	memset(&call, 0, sizeof(call));
	memset(&resp, 0, sizeof(resp));
	memset(&ev, 0, sizeof(ev));
	f.title = "Consultation request";
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		f.name[i] = platform_form_names[i];
		f.max[i] = 100;
		if (p->form_fields & (1u << i))
			f.label[i] = f.name[i];
	}
	assert_int_equal(p->form_open(&ctx, &ev, NULL, NULL, NULL), 0);
	assert_int_equal(p->form_open(&ctx, &ev, &f, &call, &resp), 0);
	assert_null(call.url);
	assert_non_null(strstr(resp.body, "\"type\":9"));
	for (s = resp.body; (s = strstr(s, "\"type\":18")) != NULL; s++)
		n++;
	assert_true(n >= 1 && n <= 5);
	assert_null(strstr(resp.body, "\"availability\""));
	assert_null(strstr(resp.body, "\"language\""));
	free(resp.body);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_state),
	    cmocka_unit_test(test_mattermost_dialog),
	    cmocka_unit_test(test_discord_shapes),
	    cmocka_unit_test(test_discord_modal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
