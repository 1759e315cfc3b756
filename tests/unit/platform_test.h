/*
 * The harness every tests/unit/test_platform_<name>.c shares: one
 * platform's descriptor driven through hook_handle (verify, parse,
 * router, render) with a fake router and fake intake forms, and table
 * runners for what each descriptor declares: staff payloads, splitting at
 * its limit, the verdict on an answer, and the direct-message calls.
 * Adding a platform means one file in src/platform/, one registry line
 * and one test file here (test_platform.c checks the file exists).
 */
#ifndef PLATFORM_TEST_H
#define PLATFORM_TEST_H

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
#include <json-c/json.h>

#include "catalog.h"
#include "conf.h"
#include "crypto.h"
#include "hook.h"
#include "notify-format.h"
#include "platform.h"
#include "xmalloc.h"

static int pt_handled;
static struct message pt_last;
static char pt_text[512], pt_channel[128], pt_sender[128];
static enum reply_to pt_answer_to;
static const char *pt_reply = "**ok**";
static struct conf_platform pt_pl;
static bool pt_use_forms;
/* What the fake intake's submit step got. */
static const char *pt_got[PLATFORM_FORM_FIELDS];
static char pt_got_lang[8];
static char pt_got_buf[PLATFORM_FORM_FIELDS][128];
static int pt_submits;

static inline void
pt_handler(void *arg, const struct message *m, struct replies *out)
{
	(void)arg;
	pt_handled++;
	pt_last = *m;
	snprintf(pt_text, sizeof(pt_text), "%s", m->text);
	snprintf(pt_channel, sizeof(pt_channel), "%s",
	    m->channel != NULL ? m->channel : "(null)");
	snprintf(pt_sender, sizeof(pt_sender), "%s", m->sender);
	replies_add(out, pt_answer_to, pt_reply, NULL);
}

static inline char *
pt_form_text(void *arg, const char *lang, const char *key)
{
	(void)arg;
	return xasprintf("%s:%s", lang, key);
}

/* Refuses a contact without '@', like the intake's check would. */
static inline int
pt_form_submit(void *arg, const struct message *m, const char *lang,
    const char *const *value, char **err, struct replies *out)
{
	size_t i;

	(void)arg;
	(void)m;
	pt_submits++;
	snprintf(pt_got_lang, sizeof(pt_got_lang), "%s", lang);
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		pt_got[i] = NULL;
		if (value[i] != NULL) {
			snprintf(pt_got_buf[i], sizeof(pt_got_buf[i]), "%s",
			    value[i]);
			pt_got[i] = pt_got_buf[i];
		}
	}
	if (value[1] != NULL && strchr(value[1], '@') == NULL) {
		err[1] = xstrdup("bad contact");
		return 1;
	}
	replies_add(out, REPLY_PRIVATE, "thanks #7", NULL);
	return 0;
}

static inline void
pt_form_call(void *arg, const char *section, struct platform_call *c)
{
	(void)arg;
	(void)section;
	(void)c;
}

static const struct hook_forms pt_forms = {
    pt_form_text, pt_form_submit, pt_form_call, NULL};

/* Headers: name, value pairs ending with NULL. */
static inline const char *
pt_header(void *arg, const char *name)
{
	const char **h = arg;

	for (; h != NULL && h[0] != NULL; h += 2)
		if (strcasecmp(h[0], name) == 0)
			return h[1];
	return NULL;
}

/* A section of kind with nothing set. */
static inline void
pt_reset(const char *kind)
{
	memset(&pt_pl, 0, sizeof(pt_pl));
	pt_pl.section = (char *)kind;
	pt_pl.kind = (char *)kind;
	pt_use_forms = false;
	pt_answer_to = REPLY_HERE;
	pt_reply = "**ok**";
}

static inline struct hook_ctx
pt_ctx(void)
{
	return (struct hook_ctx){&pt_pl, "intakebot", pt_handler, NULL, NULL,
	    NULL, NULL, NULL, pt_use_forms ? &pt_forms : NULL};
}

/* One request through hook_handle; returns the answer's status. */
static inline int
pt_request(const char *method, const char *ctype, const char *body,
    const char *query, const char **headers, bool form_route,
    struct hook_response *resp)
{
	struct hook_request req;
	struct hook_ctx ctx = pt_ctx();

	memset(&req, 0, sizeof(req));
	req.method = method;
	req.content_type = ctype;
	req.body = body;
	req.body_len = strlen(body);
	req.query = query;
	req.header = pt_header;
	req.header_arg = headers;
	req.now = (int64_t)time(NULL);
	req.form_route = form_route;
	pt_handled = 0;
	hook_handle(&ctx, &req, resp);
	return resp->status;
}

static inline int
pt_run(const char *method, const char *ctype, const char *body,
    const char *query, const char **headers, struct hook_response *resp)
{
	return pt_request(method, ctype, body, query, headers, false, resp);
}

/* A refused request: status, never reached the router, flagged. */
static inline void
pt_refused(int status, const char *method, const char *ctype, const char *body,
    const char **headers)
{
	struct hook_response r;

	assert_int_equal(
	    pt_run(method, ctype, body, NULL, headers, &r), status);
	assert_int_equal(pt_handled, 0);
	if (status == 401 || status == 403)
		assert_true(r.verify_failed);
	free(r.body);
}

/* A private answer withheld from a public one: a hint instead. */
static inline void
pt_withheld(const struct hook_response *r)
{
	assert_true(pt_last.no_private);
	assert_null(strstr(r->body, pt_reply));
	assert_non_null(strstr(r->body, "only in private"));
}

/* Staff payloads of kind: text -> the single JSON part. */
struct pt_payload {
	const char *text;
	const char *json;
};

static inline void
pt_payloads(const char *kind, const struct pt_payload *t, size_t n)
{
	const struct platform *p = platform_find(kind);
	char **parts, *direct;
	size_t i, k;

	for (i = 0; i < n; i++) {
		k = notify_format_payloads(p, t[i].text, &parts);
		assert_int_equal(k, 1);
		assert_string_equal(parts[0], t[i].json);
		notify_format_free(parts, k);
	}
	/* The descriptor's own payload op, on already rendered text. */
	direct = p->payload("plain");
	assert_non_null(strstr(direct, "\"plain\""));
	free(direct);
}

static inline size_t
pt_cp_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n;
}

/* Code points of the longest string in a payload (its text, decoded). */
static inline size_t
pt_text_chars(const char *json)
{
	struct json_object *o = platform_json_parse(json, strlen(json));
	size_t n = 0, k;

	assert_non_null(o);
	json_object_object_foreach(o, key, v)
	{
		(void)key;
		if (json_object_is_type(v, json_type_string) &&
		    (k = pt_cp_count(json_object_get_string(v))) > n)
			n = k;
	}
	platform_json_doc_free(o);
	return n;
}

/*
 * Text that escaping and rendering grow, far over the limit: several
 * parts, each within the platform's caps.
 */
static inline void
pt_split(const char *kind)
{
	const struct platform *p = platform_find(kind);
	char *text, **parts;
	size_t i, n;

	text = malloc(100001);
	for (i = 0; i < 100000; i++)
		text[i] = "ab\"& <\n\\"[i % 8];
	text[100000] = '\0';
	n = notify_format_payloads(p, text, &parts);
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		if (p->lim.max_payload > 0)
			assert_true(strlen(parts[i]) <= p->lim.max_payload);
		if (p->lim.max_chars > 0)
			assert_true(
			    pt_text_chars(parts[i]) <= p->lim.max_chars);
	}
	notify_format_free(parts, n);
	free(text);
}

/* The verdict on one answer to a staff post. */
struct pt_verdict {
	long status;
	const char *body;
	const char *retry_after;
	enum notify_verdict v;
	long wait;
	const char *why; /* substring */
};

static inline void
pt_verdicts(const char *kind, const struct pt_verdict *t, size_t n)
{
	const time_t now = 784111777; /* Sun, 06 Nov 1994 08:49:37 GMT */
	char why[200];
	long wait;
	size_t i;

	for (i = 0; i < n; i++) {
		why[0] = '\0';
		assert_int_equal(
		    notify_format_classify(platform_find(kind), t[i].status,
		        t[i].body, strlen(t[i].body), t[i].retry_after, now,
		        &wait, why, sizeof(why)),
		    t[i].v);
		assert_int_equal(wait, t[i].wait);
		if (strstr(why, t[i].why) == NULL)
			fail_msg("%s case %zu: why \"%s\" lacks \"%s\"", kind,
			    i, why, t[i].why);
		/* A body that is not an error code never reaches why. */
		assert_null(strstr(why, "posted"));
		assert_null(strstr(why, "boom"));
	}
}

/* A direct message, step by step: each call and the answer it gets. */
struct pt_dm_step {
	const char *url;
	const char *body; /* NULL: a GET */
	const char *answer;
};

static inline void
pt_dm(const char *kind, const char *auth, const struct pt_dm_step *t, size_t n)
{
	const struct platform *p = platform_find(kind);
	struct platform_bot bot = {"http://a/", "tok", "me"};
	struct platform_call c;
	struct platform_dm dm;
	char why[128];
	long wait;
	size_t k;
	bool sent = false;

	memset(&dm, 0, sizeof(dm));
	dm.user = "u1";
	for (k = 0; !sent; k++) {
		assert_true(k < n);
		memset(&c, 0, sizeof(c));
		p->dm_call(&bot, &dm, "hi", &c);
		assert_string_equal(c.url, t[k].url);
		assert_string_equal(c.header[0], auth);
		if (t[k].body == NULL) {
			assert_true(c.get);
		} else {
			assert_false(c.get);
			assert_string_equal(c.body, t[k].body);
		}
		platform_call_free(&c);
		assert_int_equal(
		    p->dm_answer(&dm, t[k].answer, strlen(t[k].answer), &sent,
		        &wait, why, sizeof(why)),
		    NOTIFY_VERDICT_OK);
	}
	assert_int_equal(k, n);
	free(dm.self);
	free(dm.channel);
}

/* The verdict dm_answer gives a body (nothing learnt). */
static inline enum notify_verdict
pt_dm_verdict(const char *kind, const char *body, char *why, size_t whylen)
{
	struct platform_dm dm;
	enum notify_verdict v;
	long wait = -1;
	bool sent = false;

	memset(&dm, 0, sizeof(dm));
	v = platform_find(kind)->dm_answer(
	    &dm, body, strlen(body), &sent, &wait, why, whylen);
	assert_false(sent && v != NOTIFY_VERDICT_OK);
	free(dm.self);
	free(dm.channel);
	return v;
}

/* A form asking every field the platform's form_fields asks. */
static inline void
pt_form(const struct platform *p, struct platform_form *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->trigger = "trig1";
	f->url = "https://bot.example/hooks/mm";
	f->state = "st1";
	f->meta = "es D1";
	f->title = "Consultation request";
	f->submit = "Send";
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++) {
		f->name[i] = platform_form_names[i];
		f->max[i] = 100;
		if (p->form_fields & (1u << i))
			f->label[i] = f->name[i];
	}
}

/* s percent-encoded for a form body, new. */
static inline char *
pt_url_encode(const char *s)
{
	char *out = xmalloc(3 * strlen(s) + 1), *o = out;

	for (; *s != '\0'; s++)
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9'))
			*o++ = *s;
		else
			o += sprintf(o, "%%%02X", (unsigned char)*s);
	*o = '\0';
	return out;
}

/* A fixture of tests/data/webhook/ (real payload shapes), new. */
static inline char *
pt_fixture(const char *name)
{
	char path[256], *buf;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "tests/data/webhook/%s", name);
	f = fopen(path, "rb");
	assert_non_null(f);
	buf = xmalloc(65536);
	n = fread(buf, 1, 65535, f);
	fclose(f);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	return buf;
}

/* Runs tests with the shipped sentences loaded (hints, form labels). */
static inline int
pt_main(const struct CMUnitTest *tests, size_t n)
{
	struct catalog *catalog;
	struct diag d;
	int rc;

	diag_init(&d);
	catalog = catalog_load("content", &d, NULL);
	diag_reset(&d);
	catalog_use(catalog);
	rc = _cmocka_run_group_tests("platform", tests, n, NULL, NULL);
	catalog_use(NULL);
	catalog_free(catalog);
	return rc;
}

#endif
