/* Unit tests for store.c against a real SQLite file. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "store.h"

static char dir[] = "/tmp/intakebot-store.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static char *
fmt(void *arg, int64_t id)
{
	char *s = malloc(64);

	snprintf(s, 64, "[consult #%lld] %s", (long long)id, (const char *)arg);
	return s;
}

static int64_t
add(struct store *s, const char *who, const char *text, int64_t when,
    const char *const *dests, size_t n)
{
	struct store_consult c;

	memset(&c, 0, sizeof(c));
	c.created = when;
	c.adapter = "irc";
	c.channel = "#help";
	c.requester = (char *)(uintptr_t)who;
	c.requester_id = (char *)(uintptr_t)who;
	c.text = (char *)(uintptr_t)text;
	c.lang = "en";
	return store_consult_add(s, &c, dests, n, fmt, (void *)(uintptr_t)text);
}

static void
test_file_mode_and_reopen(void **state)
{
	static const char *dests[] = {"irc", "slack"};
	struct store_consult c;
	struct store *s;
	struct stat st;
	char path[512];
	int64_t id, last = 0;

	(void)state;
	s = store_open(dir);
	assert_non_null(s);
	snprintf(path, sizeof(path), "%s/intakebot.db", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	id = add(s, "alice", "hello", 1000, dests, 2);
	assert_int_equal(id, 1);
	assert_int_equal(store_outbox_pending(s, NULL), 2);
	assert_int_equal(store_consult_last(s, "alice", 1010, &last), 10);
	assert_int_equal(last, 1);
	assert_int_equal(store_consult_last(s, "bob", 1010, &last), -1);
	store_close(s);
	/* The row survives a reopen; the migration does not run again. */
	s = store_open(dir);
	assert_non_null(s);
	assert_int_equal(store_consult_get(s, 1, &c), 0);
	assert_string_equal(c.text, "hello");
	assert_string_equal(c.channel, "#help");
	assert_int_equal(c.state, STORE_NEW);
	store_consult_reset(&c);
	assert_int_equal(store_consult_get(s, 99, &c), -1);
	store_close(s);
}

static void
test_outbox_order(void **state)
{
	static const char *dests[] = {"irc", "slack"};
	struct store_outbox o;
	struct store *s;
	int64_t a, b;

	(void)state;
	s = store_open(dir);
	assert_non_null(s);
	a = add(s, "carol", "first", 2000, dests, 2);
	b = add(s, "dave", "second", 2001, dests, 2);
	assert_true(b > a);
	/* Drain the older rows of the first test. */
	while (store_outbox_next(s, "irc", &o) == 0 && o.consult_id < a) {
		assert_int_equal(store_outbox_delivered(s, o.id, 3000), 0);
		store_outbox_reset(&o);
	}
	assert_int_equal(o.consult_id, a);
	assert_non_null(strstr(o.text, "first"));
	/* A failed attempt keeps the row first in line. */
	assert_int_equal(store_outbox_attempt(s, o.id, "500"), 0);
	store_outbox_reset(&o);
	assert_int_equal(store_outbox_next(s, "irc", &o), 0);
	assert_int_equal(o.consult_id, a);
	assert_int_equal(o.attempts, 1);
	assert_int_equal(store_outbox_delivered(s, o.id, 3001), 0);
	store_outbox_reset(&o);
	assert_int_equal(store_outbox_next(s, "irc", &o), 0);
	assert_int_equal(o.consult_id, b);
	store_outbox_reset(&o);
	/* Dead-lettering moves on to the next row. */
	assert_int_equal(store_outbox_next(s, "slack", &o), 0);
	assert_int_equal(store_outbox_dead(s, o.id, "gone"), 0);
	store_outbox_reset(&o);
	assert_int_equal(store_outbox_alert(s, "irc", "alert!", 3002), 0);
	/* A destination that left the config: its rows are dead-lettered. */
	assert_true(store_outbox_pending(s, "slack") > 0);
	assert_true(store_outbox_drop_unknown(s, dests, 1) > 0);
	assert_int_equal(store_outbox_pending(s, "slack"), 0);
	store_close(s);
}

static void
test_states_and_purge(void **state)
{
	static const char *dests[] = {"irc"};
	struct store_consult open[20];
	struct store_outbox o;
	struct store *s;
	int64_t id;
	size_t n, i;

	(void)state;
	s = store_open(dir);
	assert_non_null(s);
	id = add(s, "erin", "to close", 5000, dests, 1);
	assert_int_equal(
	    store_consult_set_state(s, id, STORE_CLAIMED, "bob", 5001), 0);
	assert_int_equal(
	    store_consult_set_state(s, id, STORE_CLAIMED, "bob", 5002), 1);
	assert_int_equal(
	    store_consult_set_state(s, 12345, STORE_DONE, "bob", 5002), -1);
	n = store_consult_open(s, open, 20);
	assert_true(n >= 1);
	for (i = 0; i < n; i++)
		store_consult_reset(&open[i]);
	assert_int_equal(
	    store_consult_set_state(s, id, STORE_DONE, "bob", 6000), 0);
	/* Not old enough: kept. */
	assert_int_equal(store_purge(s, 6000), 0);
	/* Old enough, but a destination still waits for it: kept. */
	assert_int_equal(store_purge(s, 6001), 0);
	while (store_outbox_next(s, "irc", &o) == 0) {
		assert_int_equal(store_outbox_delivered(s, o.id, 6000), 0);
		store_outbox_reset(&o);
	}
	assert_int_equal(store_purge(s, 6001), 1);
	assert_int_equal(store_consult_count_since(s, 0), 3);
	assert_int_equal(store_audit(s, 7000, "alice", "reload", "ok"), 0);
	store_close(s);
}

/* Runs fn(s) with stderr (the log) going to a file; returns its text. */
static char *
capture_log(struct store *s, int64_t (*fn)(struct store *), int64_t *rc)
{
	char path[600], *text;
	FILE *f;
	long n;
	int saved;

	snprintf(path, sizeof(path), "%s/log.txt", dir);
	fflush(stderr);
	saved = dup(2);
	assert_true(freopen(path, "w", stderr) != NULL);
	*rc = fn(s);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fopen(path, "r");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	assert_int_equal(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return text;
}

static int
count_lines(const char *s)
{
	int n = 0;

	for (; *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

static int64_t
add_one(struct store *s)
{
	static const char *dests[] = {"irc"};

	return add(
	    s, "carol", "a request that must not be lost", 2000, dests, 1);
}

/*
 * Another process holds the write lock: the request is refused with one
 * warning that names the file and the cause, and nothing about a
 * rollback.
 */
static void
test_failed_write_locked(void **state)
{
	char path[512];
	sqlite3 *other;
	struct store *s;
	int64_t rc;
	char *log;

	(void)state;
	s = store_open(dir);
	assert_non_null(s);
	assert_null(store_write_error(s));
	snprintf(path, sizeof(path), "%s/intakebot.db", dir);
	assert_int_equal(sqlite3_open(path, &other), SQLITE_OK);
	assert_int_equal(
	    sqlite3_exec(other, "BEGIN IMMEDIATE", NULL, NULL, NULL),
	    SQLITE_OK);
	log = capture_log(s, add_one, &rc);
	assert_int_equal(rc, -1);
	assert_int_equal(count_lines(log), 1);
	assert_non_null(strstr(log, "intakebot.db"));
	assert_non_null(strstr(log, "locked by another process"));
	assert_null(strstr(log, "rollback"));
	free(log);
	assert_string_equal(store_write_error(s), "locked by another process");
	/* The lock goes: the next probe and the next request succeed. */
	assert_int_equal(
	    sqlite3_exec(other, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(other);
	assert_null(store_write_error(s));
	assert_true(add_one(s) > 0);
	store_close(s);
}

/*
 * The commit itself fails (the WAL cannot grow: a file size limit stands
 * in for a full disk here; tests/e2e/fault-disk.sh fills a real one).
 * SQLite has already rolled back: one warning, no "cannot rollback".
 */
static void
test_failed_commit_no_rollback_noise(void **state)
{
	char path[512];
	struct rlimit old, lim;
	struct store *s;
	struct stat st;
	int64_t rc, before;
	char *log;

	(void)state;
	s = store_open(dir);
	assert_non_null(s);
	before = store_outbox_pending(s, NULL);
	snprintf(path, sizeof(path), "%s/intakebot.db-wal", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_IGN);
	lim = old;
	lim.rlim_cur = (rlim_t)st.st_size;
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	log = capture_log(s, add_one, &rc);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	assert_int_equal(rc, -1);
	assert_int_equal(count_lines(log), 1);
	assert_non_null(strstr(log, "request not stored: commit"));
	assert_non_null(strstr(log, "I/O error"));
	assert_null(strstr(log, "rollback"));
	free(log);
	/* Nothing half-written, and the store works again. */
	assert_int_equal(store_outbox_pending(s, NULL), before);
	assert_null(store_write_error(s));
	assert_true(add_one(s) > 0);
	assert_int_equal(store_outbox_pending(s, NULL), before + 1);
	store_close(s);
}

/* The account a request keeps; each requester's oldest pending reply. */
static void
test_replies_per_requester(void **state)
{
	struct store_reply r[8];
	struct store_consult c;
	struct store *s;
	int64_t a, b, r1, r2, r3;
	size_t n;

	(void)state;
	s = store_open(dir);
	assert_non_null(s);
	memset(&c, 0, sizeof(c));
	c.created = 5000;
	c.adapter = "irc";
	c.requester = "erin";
	c.requester_id = "erin!e@host";
	c.account = "erin";
	c.text = "help";
	c.lang = "en";
	a = store_consult_add(s, &c, NULL, 0, fmt, "help");
	b = add(s, "frank", "more", 5001, NULL, 0);
	assert_int_equal(store_consult_get(s, a, &c), 0);
	assert_string_equal(c.account, "erin");
	store_consult_reset(&c);
	assert_int_equal(store_consult_get(s, b, &c), 0);
	assert_null(c.account);
	store_consult_reset(&c);
	/* The open list owns its own copy of the account (ASan: no double
	 * free). */
	{
		struct store_consult open[8];
		size_t k,
		    m = store_consult_open_urgent(s, "2000-01-01", open, 8);
		int with = 0;

		for (k = 0; k < m; k++) {
			if (open[k].id == a) {
				assert_string_equal(open[k].account, "erin");
				with++;
			}
			store_consult_reset(&open[k]);
		}
		assert_int_equal(with, 1);
	}
	r1 = store_reply_add(s, a, "clerk", "one", 5002);
	r2 = store_reply_add(s, a, "clerk", "two", 5003);
	r3 = store_reply_add(s, b, "clerk", "three", 5004);
	n = store_reply_pending(s, r, 8);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].id, r1);
	assert_string_equal(r[0].account, "erin");
	assert_int_equal(r[1].id, r3);
	store_reply_reset(&r[0]);
	store_reply_reset(&r[1]);
	/* Given up: the next one of that requester comes up, with the time. */
	assert_int_equal(store_reply_dead(s, r1, "given up", 6000), 0);
	n = store_reply_pending(s, r, 8);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].id, r2);
	store_reply_reset(&r[0]);
	store_reply_reset(&r[1]);
	n = store_reply_list(s, a, r, 8);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].state, STORE_REPLY_DEAD);
	assert_int_equal(r[0].delivered_at, 6000);
	store_reply_reset(&r[0]);
	store_reply_reset(&r[1]);
	store_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_file_mode_and_reopen),
	    cmocka_unit_test(test_outbox_order),
	    cmocka_unit_test(test_states_and_purge),
	    cmocka_unit_test(test_failed_write_locked),
	    cmocka_unit_test(test_failed_commit_no_rollback_noise),
	    cmocka_unit_test(test_replies_per_requester),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
