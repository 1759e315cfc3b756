/*
 * notify: the poster's bookkeeping in a real loop, against a port where
 * nothing listens (the HTTP behaviour is tested end to end with
 * tests/lib/sink.py): destinations, unknown ones, exactly one callback
 * per item, giving up, callbacks that queue more, drain, reload, free.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "conf.h"
#include "diag.h"
#include "loop.h"
#include "metrics.h"
#include "notify.h"

#define MAXCALLS 16

struct calls {
	int n;
	int id[MAXCALLS];
	int result[MAXCALLS];
	char why[MAXCALLS][200];
	int64_t at[MAXCALLS];
	struct loop *loop;
	int stop_after;
	struct notify *repost; /* post "again" from the callback */
};

struct ctx {
	struct calls *calls;
	int id;
};

static int
closed_port(void)
{
	struct sockaddr_in sin;
	socklen_t len = sizeof(sin);
	int s, port;

	s = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(s);
	return port;
}

static struct conf *
load(const char *text)
{
	char path[] = "/tmp/test_notify.XXXXXX";
	struct conf *c;
	struct diag d;
	FILE *fp;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	fp = fdopen(fd, "w");
	fputs(text, fp);
	fclose(fp);
	diag_init(&d);
	c = conf_load(path, &d);
	diag_print(&d, stderr);
	diag_reset(&d);
	unlink(path);
	assert_non_null(c);
	return c;
}

static struct conf *
load_two(int port, bool with_ops)
{
	char buf[1024];

	snprintf(buf, sizeof(buf),
	    "[bot]\nnick = t\n"
	    "[mattermost]\nstaff_webhook_url = "
	    "http://127.0.0.1:%d/hooks/SECRET\n"
	    "staff_timeout = 1\nstaff_backoff_max = 1\n"
	    "[slack]\nstaff_channel = x\n"
	    "%s",
	    port,
	    with_ops ? "[webhook.ops]\nstaff_webhook_url = "
	               "http://127.0.0.1:1/x\n"
	             : "");
	return load(buf);
}

static void
on_result(void *arg, enum notify_result r, const char *why)
{
	struct ctx *x = arg;
	struct calls *c = x->calls;

	assert_true(c->n < MAXCALLS);
	c->id[c->n] = x->id;
	c->result[c->n] = r;
	snprintf(c->why[c->n], sizeof(c->why[0]), "%s", why ? why : "");
	c->at[c->n] = loop_now_ms();
	c->n++;
	if (r == NOTIFY_OK)
		assert_null(why);
	if (c->repost != NULL) {
		static struct ctx again;
		struct notify *n = c->repost;

		c->repost = NULL;
		again.calls = c;
		again.id = 99;
		assert_int_equal(
		    notify_post(n, "mattermost", "again", 3, on_result, &again),
		    0);
	}
	if (c->loop != NULL && c->n == c->stop_after)
		loop_stop(c->loop);
}

static long
on_safety(void *arg)
{
	loop_stop(arg);
	return LOOP_TIMER_DONE;
}

static void
test_destinations(void **state)
{
	struct conf *c = load_two(closed_port(), true), *c2;
	struct loop *l = loop_new();
	const char *names[4];
	struct notify *n;

	(void)state;
	assert_true(notify_configured(c));
	n = notify_new(l, c);
	assert_int_equal(notify_destinations(n, names, 4), 2);
	assert_string_equal(names[0], "mattermost");
	assert_string_equal(names[1], "webhook.ops");
	assert_int_equal(notify_destinations(n, names, 1), 2);
	assert_int_equal(notify_queue_depth(n, "nope"), 0);
	notify_free(n);
	c2 = load("[bot]\n[slack]\nstaff_channel = x\n");
	assert_false(notify_configured(c2));
	conf_free(c2);
	conf_free(c);
	loop_free(l);
}

static void
test_unknown_and_free(void **state)
{
	struct conf *c = load_two(closed_port(), true);
	struct loop *l = loop_new();
	struct calls calls = {0};
	struct ctx x[3];
	struct notify *n;
	int i;

	(void)state;
	n = notify_new(l, c);
	x[0].calls = &calls;
	x[0].id = 0;
	assert_int_equal(notify_post(n, "slack", "t", 0, on_result, &x[0]), -1);
	assert_int_equal(notify_post(n, "nope", "t", 0, on_result, &x[0]), -1);
	for (i = 0; i < 3; i++) {
		x[i].calls = &calls;
		x[i].id = i;
		assert_int_equal(
		    notify_post(n, "mattermost", "t", 0, on_result, &x[i]), 0);
	}
	assert_int_equal(notify_queue_depth(n, "mattermost"), 3);
	assert_int_equal(metrics_get("intakebot_notify_queue_depth",
	                     "destination=\"mattermost\""),
	    3);
	/* Nothing is called from inside notify_post. */
	assert_int_equal(calls.n, 0);
	notify_free(n);
	assert_int_equal(calls.n, 3);
	for (i = 0; i < 3; i++) {
		assert_int_equal(calls.id[i], i);
		assert_int_equal(calls.result[i], NOTIFY_FAILED);
		assert_string_equal(calls.why[i], "shutdown");
	}
	conf_free(c);
	loop_free(l);
}

/* Connection refused is retried until the give-up time, in order. */
static void
test_give_up(void **state)
{
	struct conf *c = load_two(closed_port(), false);
	struct loop *l = loop_new();
	struct calls calls = {0};
	struct ctx x[2];
	struct notify *n;
	int64_t t0, retries0;

	(void)state;
	retries0 = metrics_get(
	    "intakebot_notify_retries_total", "destination=\"mattermost\"");
	n = notify_new(l, c);
	calls.loop = l;
	calls.stop_after = 3;
	calls.repost = n;
	x[0] = (struct ctx){&calls, 0};
	x[1] = (struct ctx){&calls, 1};
	t0 = loop_now_ms();
	assert_int_equal(
	    notify_post(n, "mattermost", "a", 2, on_result, &x[0]), 0);
	assert_int_equal(
	    notify_post(n, "mattermost", "b", 3, on_result, &x[1]), 0);
	loop_timer_add(l, 15000, on_safety, l);
	loop_run(l);
	assert_int_equal(calls.n, 3);
	assert_int_equal(calls.id[0], 0);
	assert_int_equal(calls.result[0], NOTIFY_FAILED);
	assert_non_null(strstr(calls.why[0], "gave up after"));
	assert_null(strstr(calls.why[0], "SECRET"));
	/* Not before the give-up time, nor long after it. */
	assert_true(calls.at[0] - t0 >= 1000);
	assert_true(calls.at[0] - t0 <= 2500);
	/* Queued from the first callback, it still ends after b. */
	assert_int_equal(calls.id[1], 1);
	assert_int_equal(calls.id[2], 99);
	assert_true(calls.at[1] - t0 <= 3500);
	assert_true(calls.at[2] - t0 <= 6000);
	assert_true(metrics_get("intakebot_notify_retries_total",
	                "destination=\"mattermost\"") > retries0);
	assert_int_equal(notify_queue_depth(n, "mattermost"), 0);
	notify_free(n);
	conf_free(c);
	loop_free(l);
}

static void
on_drained(void *arg)
{
	int *done = arg;

	(*done)++;
}

static long
on_check_stop(void *arg)
{
	loop_stop(arg);
	return LOOP_TIMER_DONE;
}

static void
test_drain_and_reload(void **state)
{
	struct conf *c = load_two(closed_port(), true), *c2;
	struct loop *l = loop_new();
	struct calls calls = {0};
	const char *names[4];
	struct ctx x = {&calls, 7};
	struct notify *n;
	int done = 0;

	(void)state;
	n = notify_new(l, c);
	assert_int_equal(
	    notify_post(n, "webhook.ops", "t", 0, on_result, &x), 0);
	/* A reload without the section fails its items. */
	c2 = load_two(closed_port(), false);
	notify_set_conf(n, c2);
	assert_int_equal(notify_destinations(n, names, 4), 1);
	assert_string_equal(names[0], "mattermost");
	assert_int_equal(calls.n, 1);
	assert_int_equal(calls.id[0], 7);
	assert_string_equal(calls.why[0], "destination removed");
	assert_int_equal(
	    notify_post(n, "webhook.ops", "t", 0, on_result, &x), -1);
	/* Drain with nothing on the wire: done comes from the loop. */
	assert_false(notify_busy(n));
	notify_drain(n, 2000, on_drained, &done);
	assert_int_equal(done, 0);
	loop_timer_add(l, 200, on_check_stop, l);
	loop_run(l);
	assert_int_equal(done, 1);
	notify_free(n);
	conf_free(c2);
	conf_free(c);
	loop_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_destinations),
	    cmocka_unit_test(test_unknown_and_free),
	    cmocka_unit_test(test_give_up),
	    cmocka_unit_test(test_drain_and_reload),
	};
	int rc;

	rc = cmocka_run_group_tests(tests, NULL, NULL);
	metrics_reset();
	return rc;
}
