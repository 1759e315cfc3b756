/*
 * SQLite store.  The database runs in WAL mode with synchronous=FULL: a
 * commit returns only once the WAL is on disk, which is what lets the bot
 * give a reference number only after the request is safe.  The schema
 * version lives in PRAGMA user_version; each migration is one step in
 * store_migrations, applied in a transaction.
 */
#define LOG_MODULE "store"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "log.h"
#include "store.h"
#include "xmalloc.h"

#define STORE_FILE "intakebot.db"

static const char *store_migrations[] = {
    /* 1: requests, outbox, audit. */
    "CREATE TABLE consults ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  created INTEGER NOT NULL,"
    "  adapter TEXT NOT NULL,"
    "  channel TEXT,"
    "  requester TEXT NOT NULL,"
    "  requester_id TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0,"
    "  claimed_by TEXT,"
    "  claimed_at INTEGER NOT NULL DEFAULT 0,"
    "  done_at INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX consults_requester ON consults(requester_id, created);"
    "CREATE INDEX consults_created ON consults(created);"
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  consult_id INTEGER NOT NULL,"
    "  dest TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0," /* 0 pending, 1 delivered, 2 dead */
    "  created INTEGER NOT NULL,"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  delivered_at INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT);"
    "CREATE INDEX outbox_pending ON outbox(dest, state, id);"
    "CREATE INDEX outbox_consult ON outbox(consult_id);"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  at INTEGER NOT NULL,"
    "  who TEXT NOT NULL,"
    "  action TEXT NOT NULL,"
    "  result TEXT NOT NULL);",
    /* 2: guided intake: open dialogues, and the fields of a request. */
    "CREATE TABLE intakes ("
    "  person TEXT PRIMARY KEY,"
    "  adapter TEXT NOT NULL,"
    "  channel TEXT,"
    "  requester TEXT NOT NULL,"
    "  requester_id TEXT NOT NULL,"
    "  lang TEXT NOT NULL,"
    "  step INTEGER NOT NULL,"
    "  prefilled INTEGER NOT NULL DEFAULT 0,"
    "  name TEXT, contact TEXT, language TEXT, availability TEXT,"
    "  urgency TEXT, description TEXT,"
    "  created INTEGER NOT NULL,"
    "  updated INTEGER NOT NULL);"
    "CREATE TABLE consult_details ("
    "  consult_id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  contact TEXT NOT NULL,"
    "  language TEXT NOT NULL,"
    "  availability TEXT NOT NULL,"
    "  urgency TEXT NOT NULL,"
    "  consent_at INTEGER NOT NULL,"
    "  reminded_at INTEGER NOT NULL DEFAULT 0);",
    /* 3: staff replies to requesters (!reply), their own outbox. */
    "CREATE TABLE replies ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  consult_id INTEGER NOT NULL,"
    "  created INTEGER NOT NULL,"
    "  who TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  state INTEGER NOT NULL DEFAULT 0," /* 0 pending, 1 delivered, 2 dead */
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  delivered_at INTEGER NOT NULL DEFAULT 0,"
    "  last_error TEXT);"
    "CREATE INDEX replies_pending ON replies(state, id);"
    "CREATE INDEX replies_consult ON replies(consult_id, id);",
    /* 4: the services account a requester proved when they asked. */
    "ALTER TABLE consults ADD COLUMN account TEXT;",
};

#define NMIGRATIONS (sizeof(store_migrations) / sizeof(store_migrations[0]))

/* The columns store_consult_read expects, in its order. */
#define STORE_CONSULT_COLS                                                     \
	"id, created, adapter, channel, requester, requester_id, text, "       \
	"lang, state, claimed_by, claimed_at, done_at, account"

/* The columns store_reply_read expects, in its order. */
#define STORE_REPLY_COLS                                                       \
	"r.id, r.consult_id, r.created, r.who, r.text, r.state, r.attempts, "  \
	"r.delivered_at, r.last_error, c.adapter, c.requester, "               \
	"c.requester_id, c.lang, c.account"

enum {
	ST_ADD,
	ST_OUT_ADD,
	ST_LAST,
	ST_COUNT_SINCE,
	ST_GET,
	ST_NEXT,
	ST_DELIVERED,
	ST_ATTEMPT,
	ST_DEAD,
	ST_PENDING_DEST,
	ST_PENDING_ALL,
	ST_DEAD_NEW,
	ST_OLDEST,
	ST_BEGIN,
	ST_COMMIT,
	ST_REPLY_ADD,
	ST_REPLY_PENDING,
	ST_REPLY_LIST,
	ST_REPLY_DELIVERED,
	ST_REPLY_ATTEMPT,
	ST_REPLY_DEAD,
	ST_REPLY_PURGE,
	ST_OUTBOX_LIST,
	ST_COUNT
};

static const char *store_sql[ST_COUNT] = {
    [ST_ADD] = "INSERT INTO consults (created, adapter, channel, "
               "requester, requester_id, text, lang, account) "
               "VALUES (?,?,?,?,?,?,?,?)",
    [ST_OUT_ADD] = "INSERT INTO outbox (consult_id, dest, text, created) "
                   "VALUES (?,?,?,?)",
    [ST_LAST] = "SELECT id, created FROM consults WHERE requester_id = ? "
                "ORDER BY created DESC, id DESC LIMIT 1",
    [ST_COUNT_SINCE] = "SELECT count(*) FROM consults WHERE created >= ?",
    [ST_GET] = "SELECT " STORE_CONSULT_COLS " FROM consults WHERE id = ?",
    [ST_NEXT] = "SELECT id, consult_id, dest, text, created, attempts "
                "FROM outbox WHERE dest = ? AND state = 0 ORDER BY id LIMIT 1",
    [ST_DELIVERED] = "UPDATE outbox SET state = 1, delivered_at = ?, "
                     "attempts = attempts + 1 WHERE id = ?",
    [ST_ATTEMPT] = "UPDATE outbox SET attempts = attempts + 1, "
                   "last_error = ? WHERE id = ?",
    [ST_DEAD] = "UPDATE outbox SET state = 2, last_error = ? WHERE id = ?",
    [ST_PENDING_DEST] = "SELECT count(*) FROM outbox WHERE dest = ? AND "
                        "state = 0",
    [ST_PENDING_ALL] = "SELECT count(*) FROM outbox WHERE state = 0",
    [ST_DEAD_NEW] = "SELECT count(*) FROM outbox o JOIN consults c ON "
                    "c.id = o.consult_id WHERE o.state = 2 AND c.state = 0",
    [ST_OLDEST] = "SELECT coalesce(min(created), -1) FROM outbox "
                  "WHERE state = 0",
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_REPLY_ADD] = "INSERT INTO replies (consult_id, created, who, text) "
                     "VALUES (?,?,?,?)",
    /* Each requester's oldest: replies waiting long for one requester
     * do not hide the others' behind the limit. */
    [ST_REPLY_PENDING] = "SELECT " STORE_REPLY_COLS " FROM replies r "
                         "JOIN consults c ON c.id = r.consult_id "
                         "WHERE r.state = 0 AND r.id = (SELECT min(r2.id) "
                         "FROM replies r2 JOIN consults c2 ON "
                         "c2.id = r2.consult_id WHERE r2.state = 0 AND "
                         "c2.adapter = c.adapter AND "
                         "c2.requester_id = c.requester_id) "
                         "ORDER BY r.id LIMIT ?",
    [ST_REPLY_LIST] = "SELECT " STORE_REPLY_COLS " FROM replies r "
                      "JOIN consults c ON c.id = r.consult_id "
                      "WHERE r.consult_id = ? ORDER BY r.id LIMIT ?",
    [ST_REPLY_DELIVERED] = "UPDATE replies SET state = 1, delivered_at = ?, "
                           "attempts = attempts + 1 WHERE id = ?",
    [ST_REPLY_ATTEMPT] = "UPDATE replies SET attempts = attempts + 1, "
                         "last_error = ? WHERE id = ?",
    [ST_REPLY_DEAD] = "UPDATE replies SET state = 2, last_error = ?, "
                      "delivered_at = ? WHERE id = ?",
    [ST_REPLY_PURGE] = "DELETE FROM replies WHERE consult_id NOT IN "
                       "(SELECT id FROM consults)",
    [ST_OUTBOX_LIST] = "SELECT dest, state, delivered_at FROM outbox "
                       "WHERE consult_id = ? ORDER BY id",
};

struct store {
	sqlite3 *db;
	sqlite3_stmt *st[ST_COUNT];
	char *path;
	/* The last failed write: SQLite code and system errno; 0 once good. */
	int write_err;
	int write_errno;
};

/*
 * What an operator can act on, from a SQLite result code and the system
 * errno behind it (SQLite reports a read-only file system as "unable to
 * open database file", for one).
 */
static const char *
store_cause(int code, int sys_errno)
{
	switch (sys_errno) {
	case EROFS:
		return "read-only";
	case ENOSPC:
	case EDQUOT:
		return "disk full";
	case EACCES:
	case EPERM:
		return "permission denied";
	}
	switch (code & 0xff) {
	case SQLITE_FULL:
		return "disk full";
	case SQLITE_READONLY:
		return "read-only";
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return "locked by another process";
	case SQLITE_PERM:
	case SQLITE_AUTH:
		return "permission denied";
	case SQLITE_CANTOPEN:
		return "cannot open";
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return "not a valid database";
	case SQLITE_IOERR:
		return "I/O error";
	}
	return "database error";
}

static void
store_err(struct store *s, const char *what)
{
	log_warnx("%s: %s", what, sqlite3_errmsg(s->db));
}

/*
 * A write transaction failed: one warning naming the cause, then a
 * rollback only if SQLite has not already rolled back on its own (it
 * does after a full disk or an I/O error), so the log carries no
 * "no transaction is active" noise.
 */
static void
store_write_failed(struct store *s, const char *what)
{
	int code = sqlite3_extended_errcode(s->db);

	s->write_err = code;
	s->write_errno = sqlite3_system_errno(s->db);
	log_warnx("%s: %s: %s (%s)", s->path, what,
	    store_cause(code, s->write_errno), sqlite3_errmsg(s->db));
	if (!sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
}

static int
store_exec(struct store *s, const char *sql)
{
	char *err = NULL;

	if (sqlite3_exec(s->db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("%s", err != NULL ? err : "exec failed");
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

/* sqlite3_exec that leaves the logging to the caller. */
static int
store_exec_quiet(struct store *s, const char *sql)
{
	return sqlite3_exec(s->db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

static int
store_migrate(struct store *s)
{
	sqlite3_stmt *st;
	int version = 0;
	size_t v;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK) {
		store_err(s, "user_version");
		return -1;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version > (int)NMIGRATIONS) {
		log_warnx("%s: schema version %d is newer than this intakebot "
		          "(%zu)",
		    s->path, version, NMIGRATIONS);
		return -1;
	}
	for (v = (size_t)version; v < NMIGRATIONS; v++) {
		char pragma[64];

		snprintf(
		    pragma, sizeof(pragma), "PRAGMA user_version = %zu", v + 1);
		if (store_exec_quiet(s, "BEGIN IMMEDIATE") == -1 ||
		    store_exec_quiet(s, store_migrations[v]) == -1 ||
		    store_exec_quiet(s, pragma) == -1 ||
		    store_exec_quiet(s, "COMMIT") == -1) {
			store_write_failed(s, "schema migration");
			return -1;
		}
		log_info("database schema migrated to version %zu", v + 1);
	}
	return 0;
}

/*
 * Writes the schema version over itself in a full transaction: it takes
 * the write lock and appends a page to the WAL, so it fails the way a
 * request would on a locked, read-only or full database.
 */
static int
store_write_probe(struct store *s)
{
	char pragma[64];

	snprintf(
	    pragma, sizeof(pragma), "PRAGMA user_version = %zu", NMIGRATIONS);
	if (store_exec_quiet(s, "BEGIN IMMEDIATE") == -1 ||
	    store_exec_quiet(s, pragma) == -1 ||
	    store_exec_quiet(s, "COMMIT") == -1)
		return -1;
	s->write_err = 0;
	return 0;
}

struct store *
store_open(const char *data_dir)
{
	struct store *s;
	mode_t old;
	size_t i;
	int fd;

	if (mkdir(data_dir, 0700) == -1 && errno != EEXIST) {
		log_warn("%s", data_dir);
		return NULL;
	}
	s = xcalloc(1, sizeof(*s));
	s->path = xasprintf("%s/%s", data_dir, STORE_FILE);
	/* Create the file 0600 before SQLite opens it; WAL files follow. */
	old = umask(077);
	if ((fd = open(s->path, O_RDWR | O_CREAT, 0600)) == -1) {
		log_warnx("%s: cannot write: %s (%s)", s->path,
		    store_cause(SQLITE_CANTOPEN, errno), strerror(errno));
		goto fail;
	}
	close(fd);
	if (sqlite3_open_v2(s->path, &s->db,
	        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	            SQLITE_OPEN_NOMUTEX,
	        NULL) != SQLITE_OK) {
		log_warnx("%s: %s", s->path,
		    s->db != NULL ? sqlite3_errmsg(s->db) : "cannot open");
		goto fail;
	}
	sqlite3_busy_timeout(s->db, 2000);
	if (store_exec_quiet(s, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec_quiet(s, "PRAGMA synchronous = FULL") == -1 ||
	    store_exec_quiet(s, "PRAGMA foreign_keys = ON") == -1) {
		store_write_failed(s, "cannot open");
		goto fail;
	}
	if (store_migrate(s) == -1)
		goto fail;
	/* Refuse to start on a database that would refuse every request. */
	if (store_write_probe(s) == -1) {
		store_write_failed(s, "cannot write");
		goto fail;
	}
	umask(old);
	for (i = 0; i < ST_COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1,
		        SQLITE_PREPARE_PERSISTENT, &s->st[i],
		        NULL) != SQLITE_OK) {
			store_err(s, store_sql[i]);
			store_close(s);
			return NULL;
		}
	}
	log_info("database %s open", s->path);
	return s;
fail:
	umask(old);
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(s->st[i]);
	if (s->db != NULL && sqlite3_close(s->db) != SQLITE_OK)
		log_warnx("close: %s", sqlite3_errmsg(s->db));
	free(s->path);
	free(s);
}

/* Runs a statement that returns no rows, then resets it; no log. */
static int
store_step(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* store_step for a write outside a transaction: logs the cause. */
static int
store_step_done(struct store *s, sqlite3_stmt *st, const char *what)
{
	if (store_step(st) == -1) {
		store_write_failed(s, what);
		return -1;
	}
	s->write_err = 0;
	return 0;
}

static void
store_bind_text(sqlite3_stmt *st, int i, const char *v)
{
	if (v == NULL)
		sqlite3_bind_null(st, i);
	else
		sqlite3_bind_text(st, i, v, -1, SQLITE_TRANSIENT);
}

static char *
store_col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t != NULL ? xstrdup((const char *)t) : NULL;
}

/*
 * Inserts c and its outbox rows; the caller holds the transaction.  On
 * failure *whatp names the step for the caller's one warning.
 */
static int64_t
store_consult_insert(struct store *s, const struct store_consult *c,
    const char *const *dests, size_t ndests,
    char *(*fmt)(void *arg, int64_t id), void *arg, const char **whatp)
{
	sqlite3_stmt *st = s->st[ST_ADD], *ot = s->st[ST_OUT_ADD];
	const char *what;
	int64_t id;
	char *text;
	size_t i;

	sqlite3_bind_int64(st, 1, c->created);
	store_bind_text(st, 2, c->adapter);
	store_bind_text(st, 3, c->channel);
	store_bind_text(st, 4, c->requester);
	store_bind_text(st, 5, c->requester_id);
	store_bind_text(st, 6, c->text);
	store_bind_text(st, 7, c->lang);
	store_bind_text(st, 8, c->account);
	what = "request not stored: insert";
	if (store_step(st) == -1)
		goto fail;
	id = sqlite3_last_insert_rowid(s->db);
	text = fmt(arg, id);
	for (i = 0; i < ndests; i++) {
		sqlite3_bind_int64(ot, 1, id);
		store_bind_text(ot, 2, dests[i]);
		store_bind_text(ot, 3, text);
		sqlite3_bind_int64(ot, 4, c->created);
		if (store_step(ot) == -1) {
			free(text);
			what = "request not stored: queue delivery";
			goto fail;
		}
	}
	free(text);
	return id;
fail:
	*whatp = what;
	return -1;
}

int64_t
store_consult_add(struct store *s, const struct store_consult *c,
    const char *const *dests, size_t ndests,
    char *(*fmt)(void *arg, int64_t id), void *arg)
{
	const char *what = "request not stored: begin";
	int64_t id;

	if (store_step(s->st[ST_BEGIN]) == -1)
		goto fail;
	if ((id = store_consult_insert(s, c, dests, ndests, fmt, arg, &what)) ==
	    -1)
		goto fail;
	what = "request not stored: commit";
	if (store_step(s->st[ST_COMMIT]) == -1)
		goto fail;
	s->write_err = 0;
	return id;
fail:
	store_write_failed(s, what);
	return -1;
}

int64_t
store_consult_last(
    struct store *s, const char *requester_id, int64_t now, int64_t *last_id)
{
	sqlite3_stmt *st = s->st[ST_LAST];
	int64_t ago = -1;

	store_bind_text(st, 1, requester_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*last_id = sqlite3_column_int64(st, 0);
		ago = now - sqlite3_column_int64(st, 1);
		if (ago < 0)
			ago = 0;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return ago;
}

static int64_t
store_count(sqlite3_stmt *st)
{
	int64_t n = 0;

	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return n;
}

int64_t
store_consult_count_since(struct store *s, int64_t since)
{
	sqlite3_bind_int64(s->st[ST_COUNT_SINCE], 1, since);
	return store_count(s->st[ST_COUNT_SINCE]);
}

static void
store_consult_read(sqlite3_stmt *st, struct store_consult *c)
{
	memset(c, 0, sizeof(*c));
	c->id = sqlite3_column_int64(st, 0);
	c->created = sqlite3_column_int64(st, 1);
	c->adapter = store_col_dup(st, 2);
	c->channel = store_col_dup(st, 3);
	c->requester = store_col_dup(st, 4);
	c->requester_id = store_col_dup(st, 5);
	c->text = store_col_dup(st, 6);
	c->lang = store_col_dup(st, 7);
	c->state = (enum store_state)sqlite3_column_int(st, 8);
	c->claimed_by = store_col_dup(st, 9);
	c->claimed_at = sqlite3_column_int64(st, 10);
	c->done_at = sqlite3_column_int64(st, 11);
	c->account = store_col_dup(st, 12);
}

int
store_consult_get(struct store *s, int64_t id, struct store_consult *c)
{
	sqlite3_stmt *st = s->st[ST_GET];
	int rc = -1;

	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		store_consult_read(st, c);
		rc = 0;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

void
store_consult_reset(struct store_consult *c)
{
	free(c->adapter);
	free(c->channel);
	free(c->requester);
	free(c->requester_id);
	free(c->text);
	free(c->lang);
	free(c->account);
	free(c->claimed_by);
	memset(c, 0, sizeof(*c));
}

/* Calls cb for each request matching where, oldest first, at most max. */
static int
store_query_each(struct store *s, const char *where, const char *order,
    void (*cb)(void *, const struct store_consult *), void *cbarg, size_t max)
{
	struct store_consult c;
	sqlite3_stmt *st;
	size_t n = 0;
	char sql[1024];
	int rc;

	snprintf(sql, sizeof(sql),
	    "SELECT " STORE_CONSULT_COLS " FROM consults WHERE %s ORDER BY %s",
	    where, order);
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_err(s, sql);
		return -1;
	}
	while (n < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		store_consult_read(st, &c);
		cb(cbarg, &c);
		store_consult_reset(&c);
		n++;
	}
	sqlite3_finalize(st);
	return (int)n;
}

struct store_collect {
	struct store_consult *out;
	size_t n;
};

static void
store_collect_cb(void *arg, const struct store_consult *c)
{
	struct store_collect *sc = arg;
	struct store_consult *d = &sc->out[sc->n++];

	*d = *c;
	d->adapter = c->adapter ? xstrdup(c->adapter) : NULL;
	d->channel = c->channel ? xstrdup(c->channel) : NULL;
	d->requester = c->requester ? xstrdup(c->requester) : NULL;
	d->requester_id = c->requester_id ? xstrdup(c->requester_id) : NULL;
	d->text = c->text ? xstrdup(c->text) : NULL;
	d->lang = c->lang ? xstrdup(c->lang) : NULL;
	d->claimed_by = c->claimed_by ? xstrdup(c->claimed_by) : NULL;
	d->account = c->account ? xstrdup(c->account) : NULL;
}

size_t
store_consult_open(struct store *s, struct store_consult *out, size_t max)
{
	struct store_collect sc = {out, 0};
	int n;

	n = store_query_each(s, "state < 2", "id", store_collect_cb, &sc, max);
	return n < 0 ? 0 : sc.n;
}

int
store_consult_each(struct store *s,
    void (*cb)(void *, const struct store_consult *), void *arg)
{
	return store_query_each(s, "1", "id", cb, arg, (size_t)-1) < 0 ? -1 : 0;
}

int
store_consult_set_state(struct store *s, int64_t id, enum store_state state,
    const char *who, int64_t now)
{
	struct store_consult c;
	sqlite3_stmt *st;
	const char *sql;
	int rc;

	if (store_consult_get(s, id, &c) == -1)
		return -1;
	rc = c.state == state ? 1 : 0;
	store_consult_reset(&c);
	if (rc == 1)
		return 1;
	sql = state == STORE_DONE
	    ? "UPDATE consults SET state = ?1, done_at = ?3, "
	      "claimed_by = coalesce(claimed_by, ?2) WHERE id = ?4"
	    : "UPDATE consults SET state = ?1, claimed_by = ?2, claimed_at = "
	      "?3 "
	      "WHERE id = ?4";
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_err(s, "set state");
		return -1;
	}
	sqlite3_bind_int(st, 1, (int)state);
	store_bind_text(st, 2, who);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		store_err(s, "set state");
	sqlite3_finalize(st);
	return rc;
}

int
store_outbox_next(struct store *s, const char *dest, struct store_outbox *o)
{
	sqlite3_stmt *st = s->st[ST_NEXT];
	int rc = -1;

	store_bind_text(st, 1, dest);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(o, 0, sizeof(*o));
		o->id = sqlite3_column_int64(st, 0);
		o->consult_id = sqlite3_column_int64(st, 1);
		o->dest = store_col_dup(st, 2);
		o->text = store_col_dup(st, 3);
		o->created = sqlite3_column_int64(st, 4);
		o->attempts = sqlite3_column_int(st, 5);
		rc = 0;
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc;
}

void
store_outbox_reset(struct store_outbox *o)
{
	free(o->dest);
	free(o->text);
	memset(o, 0, sizeof(*o));
}

/*
 * Marking a row delivered is the one write that need not wait for the
 * disk: if it is lost in a crash the row is simply sent again, which the
 * at-least-once contract allows.  It is committed without an fsync
 * (synchronous=NORMAL) and reaches the disk with the next full commit,
 * which halves the fsyncs per request.
 */
int
store_outbox_delivered(struct store *s, int64_t id, int64_t now)
{
	int rc;

	store_exec(s, "PRAGMA synchronous = NORMAL");
	sqlite3_bind_int64(s->st[ST_DELIVERED], 1, now);
	sqlite3_bind_int64(s->st[ST_DELIVERED], 2, id);
	rc = store_step_done(s, s->st[ST_DELIVERED], "mark delivered");
	store_exec(s, "PRAGMA synchronous = FULL");
	return rc;
}

int
store_outbox_attempt(struct store *s, int64_t id, const char *why)
{
	store_bind_text(s->st[ST_ATTEMPT], 1, why);
	sqlite3_bind_int64(s->st[ST_ATTEMPT], 2, id);
	return store_step_done(s, s->st[ST_ATTEMPT], "count attempt");
}

int
store_outbox_dead(struct store *s, int64_t id, const char *why)
{
	store_bind_text(s->st[ST_DEAD], 1, why);
	sqlite3_bind_int64(s->st[ST_DEAD], 2, id);
	return store_step_done(s, s->st[ST_DEAD], "dead-letter");
}

int
store_outbox_alert(
    struct store *s, const char *dest, const char *text, int64_t now)
{
	sqlite3_stmt *ot = s->st[ST_OUT_ADD];

	sqlite3_bind_int64(ot, 1, 0);
	store_bind_text(ot, 2, dest);
	store_bind_text(ot, 3, text);
	sqlite3_bind_int64(ot, 4, now);
	return store_step_done(s, ot, "queue alert");
}

int64_t
store_outbox_pending(struct store *s, const char *dest)
{
	if (dest == NULL)
		return store_count(s->st[ST_PENDING_ALL]);
	store_bind_text(s->st[ST_PENDING_DEST], 1, dest);
	return store_count(s->st[ST_PENDING_DEST]);
}

int64_t
store_outbox_dead_unclaimed(struct store *s)
{
	return store_count(s->st[ST_DEAD_NEW]);
}

int64_t
store_outbox_oldest(struct store *s)
{
	return store_count(s->st[ST_OLDEST]);
}

int
store_outbox_drop_unknown(
    struct store *s, const char *const *dests, size_t ndests)
{
	sqlite3_stmt *st, *up;
	size_t i;
	int n = 0;

	if (sqlite3_prepare_v2(s->db,
	        "SELECT DISTINCT dest FROM outbox WHERE "
	        "state = 0",
	        -1, &st, NULL) != SQLITE_OK) {
		store_err(s, "pending destinations");
		return -1;
	}
	if (sqlite3_prepare_v2(s->db,
	        "UPDATE outbox SET state = 2, "
	        "last_error = 'destination removed from the configuration' "
	        "WHERE dest = ? AND state = 0",
	        -1, &up, NULL) != SQLITE_OK) {
		store_err(s, "drop unknown");
		sqlite3_finalize(st);
		return -1;
	}
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *d = (const char *)sqlite3_column_text(st, 0);
		bool known = false;

		for (i = 0; i < ndests; i++)
			if (d != NULL && strcmp(d, dests[i]) == 0)
				known = true;
		if (known || d == NULL)
			continue;
		log_warnx("destination %s is no longer configured: its "
		          "pending deliveries are dead-lettered",
		    d);
		store_bind_text(up, 1, d);
		sqlite3_step(up);
		n += sqlite3_changes(s->db);
		sqlite3_reset(up);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(up);
	return n;
}

/* Runs one purge statement with cutoff bound to every '?'; -1 on error. */
static int64_t
store_purge_step(struct store *s, const char *sql, int64_t cutoff)
{
	sqlite3_stmt *st;
	int64_t n;
	int i;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	for (i = 1; i <= sqlite3_bind_parameter_count(st); i++)
		sqlite3_bind_int64(st, i, cutoff);
	if (sqlite3_step(st) != SQLITE_DONE) {
		sqlite3_finalize(st);
		return -1;
	}
	n = sqlite3_changes(s->db);
	sqlite3_finalize(st);
	return n;
}

static int store_purge_intake(struct store *, int64_t cutoff);

/*
 * A closed request goes only once no destination still waits for it, so
 * a short retention never cuts a delivery short.  Old alerts that were
 * delivered or dead-lettered go too.  The audit trail stays.
 */
int64_t
store_purge(struct store *s, int64_t cutoff)
{
	static const char *gone =
	    "SELECT id FROM consults WHERE state = 2 AND done_at < ? AND "
	    "id NOT IN (SELECT consult_id FROM outbox WHERE state = 0)";
	char sql[512];
	int64_t n;

	if (store_exec_quiet(s, "BEGIN IMMEDIATE") == -1)
		goto fail;
	snprintf(sql, sizeof(sql),
	    "DELETE FROM outbox WHERE consult_id IN "
	    "(%s)",
	    gone);
	if (store_purge_step(s, sql, cutoff) == -1)
		goto fail;
	snprintf(
	    sql, sizeof(sql), "DELETE FROM consults WHERE id IN (%s)", gone);
	if ((n = store_purge_step(s, sql, cutoff)) == -1)
		goto fail;
	if (store_purge_step(s,
	        "DELETE FROM outbox WHERE consult_id = 0 AND "
	        "state != 0 AND created < ?",
	        cutoff) == -1)
		goto fail;
	if (store_purge_intake(s, cutoff) == -1)
		goto fail;
	if (store_exec_quiet(s, "COMMIT") == -1)
		goto fail;
	s->write_err = 0;
	return n;
fail:
	store_write_failed(s, "purge");
	return -1;
}

int
store_audit(struct store *s, int64_t now, const char *who, const char *action,
    const char *result)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db,
	        "INSERT INTO audit (at, who, action, "
	        "result) VALUES (?,?,?,?)",
	        -1, &st, NULL) != SQLITE_OK) {
		store_err(s, "audit");
		return -1;
	}
	sqlite3_bind_int64(st, 1, now);
	store_bind_text(st, 2, who);
	store_bind_text(st, 3, action);
	store_bind_text(st, 4, result);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	if (rc == -1)
		store_err(s, "audit");
	sqlite3_finalize(st);
	return rc;
}

const char *
store_write_error(struct store *s)
{
	if (s->write_err != 0 && store_write_probe(s) == -1) {
		s->write_err = sqlite3_extended_errcode(s->db);
		s->write_errno = sqlite3_system_errno(s->db);
	}
	return s->write_err != 0 ? store_cause(s->write_err, s->write_errno)
	                         : NULL;
}

const char *
store_path(const struct store *s)
{
	return s->path;
}

const char *
store_state_name(enum store_state s)
{
	switch (s) {
	case STORE_NEW:
		return "new";
	case STORE_CLAIMED:
		return "claimed";
	case STORE_DONE:
		return "done";
	}
	return "?";
}

/*
 * Guided intake (migration 2): the open dialogues, one row per person,
 * and the fields of a request taken that way, one row per request.
 * These statements are prepared per call: they run once per answer.
 */

#define STORE_INTAKE_COLS                                                      \
	"person, adapter, channel, requester, requester_id, lang, step, "      \
	"prefilled, name, contact, language, availability, urgency, "          \
	"description, created, updated"
#define STORE_DETAILS_COLS                                                     \
	"consult_id, name, contact, language, availability, urgency, "         \
	"consent_at, reminded_at"
/* Urgent: someone detained, or a date on or before ?1 (YYYY-MM-DD). */
#define STORE_URGENT                                                           \
	"(urgency = 'detained' OR (urgency GLOB "                              \
	"'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]' AND urgency <= ?1))"

static sqlite3_stmt *
store_prepare(struct store *s, const char *sql)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		store_err(s, sql);
		return NULL;
	}
	return st;
}

/* Steps a prepared write to its end and finalizes it; 0 or -1. */
static int
store_run(struct store *s, sqlite3_stmt *st, const char *what)
{
	int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;

	if (rc == -1)
		store_err(s, what);
	sqlite3_finalize(st);
	return rc;
}

int
store_intake_get(struct store *s, const char *person, struct store_intake *in)
{
	sqlite3_stmt *st;
	int i, rc = -1;

	if ((st = store_prepare(s,
	         "SELECT " STORE_INTAKE_COLS
	         " FROM intakes WHERE person = ?")) == NULL)
		return -1;
	store_bind_text(st, 1, person);
	if (sqlite3_step(st) == SQLITE_ROW) {
		memset(in, 0, sizeof(*in));
		in->person = store_col_dup(st, 0);
		in->adapter = store_col_dup(st, 1);
		in->channel = store_col_dup(st, 2);
		in->requester = store_col_dup(st, 3);
		in->requester_id = store_col_dup(st, 4);
		in->lang = store_col_dup(st, 5);
		in->step = sqlite3_column_int(st, 6);
		in->prefilled = sqlite3_column_int(st, 7) != 0;
		for (i = 0; i < STORE_INTAKE_FIELDS; i++)
			in->field[i] = store_col_dup(st, 8 + i);
		in->created = sqlite3_column_int64(st, 14);
		in->updated = sqlite3_column_int64(st, 15);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

int
store_intake_put(struct store *s, const struct store_intake *in)
{
	sqlite3_stmt *st;
	int i;

	if ((st = store_prepare(s,
	         "INSERT OR REPLACE INTO intakes (" STORE_INTAKE_COLS
	         ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) == NULL)
		return -1;
	store_bind_text(st, 1, in->person);
	store_bind_text(st, 2, in->adapter);
	store_bind_text(st, 3, in->channel);
	store_bind_text(st, 4, in->requester);
	store_bind_text(st, 5, in->requester_id);
	store_bind_text(st, 6, in->lang);
	sqlite3_bind_int(st, 7, in->step);
	sqlite3_bind_int(st, 8, in->prefilled ? 1 : 0);
	for (i = 0; i < STORE_INTAKE_FIELDS; i++)
		store_bind_text(st, 9 + i, in->field[i]);
	sqlite3_bind_int64(st, 15, in->created);
	sqlite3_bind_int64(st, 16, in->updated);
	return store_run(s, st, "save intake");
}

int
store_intake_delete(struct store *s, const char *person)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s, "DELETE FROM intakes WHERE person = ?")) ==
	    NULL)
		return -1;
	store_bind_text(st, 1, person);
	return store_run(s, st, "delete intake");
}

int64_t
store_intake_expire(struct store *s, int64_t before)
{
	sqlite3_stmt *st;
	int64_t n;

	/* Called every second: a read first, so that idle ticks write nothing.
	 */
	if ((st = store_prepare(
	         s, "SELECT count(*) FROM intakes WHERE updated < ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	n = store_count(st);
	sqlite3_finalize(st);
	if (n == 0)
		return 0;
	if ((st = store_prepare(s, "DELETE FROM intakes WHERE updated < ?")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, before);
	if (store_run(s, st, "expire intakes") == -1)
		return -1;
	return sqlite3_changes(s->db);
}

void
store_intake_reset(struct store_intake *in)
{
	int i;

	free(in->person);
	free(in->adapter);
	free(in->channel);
	free(in->requester);
	free(in->requester_id);
	free(in->lang);
	for (i = 0; i < STORE_INTAKE_FIELDS; i++)
		free(in->field[i]);
	memset(in, 0, sizeof(*in));
}

int64_t
store_intake_submit(struct store *s, const struct store_consult *c,
    const struct store_details *dt, const char *person,
    const char *const *dests, size_t ndests,
    char *(*fmt)(void *arg, int64_t id), void *arg)
{
	const char *what = "request not stored: begin";
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (store_step(s->st[ST_BEGIN]) == -1)
		goto fail;
	if ((id = store_consult_insert(s, c, dests, ndests, fmt, arg, &what)) ==
	    -1)
		goto fail;
	what = "request not stored: details";
	if ((st = store_prepare(s,
	         "INSERT INTO consult_details (" STORE_DETAILS_COLS
	         ") VALUES (?,?,?,?,?,?,?,?)")) == NULL)
		goto fail;
	sqlite3_bind_int64(st, 1, id);
	store_bind_text(st, 2, dt->name);
	store_bind_text(st, 3, dt->contact);
	store_bind_text(st, 4, dt->language);
	store_bind_text(st, 5, dt->availability);
	store_bind_text(st, 6, dt->urgency);
	sqlite3_bind_int64(st, 7, dt->consent_at);
	sqlite3_bind_int64(st, 8, dt->consent_at);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE || store_intake_delete(s, person) == -1)
		goto fail;
	what = "request not stored: commit";
	if (store_step(s->st[ST_COMMIT]) == -1)
		goto fail;
	s->write_err = 0;
	return id;
fail:
	store_write_failed(s, what);
	return -1;
}

int
store_details_get(struct store *s, int64_t id, struct store_details *dt)
{
	sqlite3_stmt *st;
	int rc = -1;

	if ((st = store_prepare(s,
	         "SELECT " STORE_DETAILS_COLS
	         " FROM consult_details WHERE consult_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		dt->consult_id = sqlite3_column_int64(st, 0);
		dt->name = store_col_dup(st, 1);
		dt->contact = store_col_dup(st, 2);
		dt->language = store_col_dup(st, 3);
		dt->availability = store_col_dup(st, 4);
		dt->urgency = store_col_dup(st, 5);
		dt->consent_at = sqlite3_column_int64(st, 6);
		dt->reminded_at = sqlite3_column_int64(st, 7);
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

void
store_details_reset(struct store_details *dt)
{
	free(dt->name);
	free(dt->contact);
	free(dt->language);
	free(dt->availability);
	free(dt->urgency);
	memset(dt, 0, sizeof(*dt));
}

size_t
store_urgent_due(struct store *s, const char *cutoff, int64_t before,
    int64_t *ids, size_t max)
{
	sqlite3_stmt *st;
	size_t n = 0;

	if ((st = store_prepare(s,
	         "SELECT consult_id FROM consult_details WHERE " STORE_URGENT
	         " AND reminded_at <= ?2 AND consult_id IN (SELECT id FROM "
	         "consults WHERE state = 0) ORDER BY consult_id")) == NULL)
		return 0;
	store_bind_text(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, before);
	while (n < max && sqlite3_step(st) == SQLITE_ROW)
		ids[n++] = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
store_details_reminded(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st;

	if ((st = store_prepare(s,
	         "UPDATE consult_details SET reminded_at = ? WHERE "
	         "consult_id = ?")) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_int64(st, 2, id);
	return store_run(s, st, "reminded");
}

size_t
store_consult_open_urgent(
    struct store *s, const char *cutoff, struct store_consult *out, size_t max)
{
	struct store_collect sc = {out, 0};
	char order[512];
	size_t i;

	/* cutoff is spliced into the SQL: it must be a plain date. */
	for (i = 0; cutoff[i] != '\0'; i++)
		if ((cutoff[i] < '0' || cutoff[i] > '9') && cutoff[i] != '-')
			return 0;
	if (i != 10)
		return 0;
	snprintf(order, sizeof(order),
	    "CASE WHEN id IN (SELECT consult_id FROM consult_details WHERE "
	    "%s) THEN 0 ELSE 1 END, id",
	    STORE_URGENT);
	/* The one parameter of STORE_URGENT, as a literal. */
	{
		char *q = strstr(order, "?1");

		if (q == NULL || strlen(order) + 12 >= sizeof(order))
			return 0;
		memmove(q + 12, q + 2, strlen(q + 2) + 1);
		q[0] = '\'';
		memcpy(q + 1, cutoff, 10);
		q[11] = '\'';
	}
	if (store_query_each(
	        s, "state < 2", order, store_collect_cb, &sc, max) < 0)
		return 0;
	return sc.n;
}

/* Request fields whose request is gone, and old unfinished intakes. */
static int
store_purge_intake(struct store *s, int64_t cutoff)
{
	if (store_purge_step(s,
	        "DELETE FROM consult_details WHERE consult_id NOT IN "
	        "(SELECT id FROM consults)",
	        cutoff) == -1)
		return -1;
	return store_purge_step(
	           s, "DELETE FROM intakes WHERE updated < ?", cutoff) == -1
	    ? -1
	    : 0;
}

int
store_details_is_urgent(struct store *s, int64_t id, const char *cutoff)
{
	sqlite3_stmt *st;
	int rc = 0;

	if ((st = store_prepare(s,
	         "SELECT 1 FROM consult_details WHERE " STORE_URGENT
	         " AND consult_id = ?2")) == NULL)
		return 0;
	store_bind_text(st, 1, cutoff);
	sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return rc;
}

/* ---- Staff replies (!reply) ---- */

int64_t
store_reply_add(struct store *s, int64_t consult_id, const char *who,
    const char *text, int64_t now)
{
	sqlite3_stmt *st = s->st[ST_REPLY_ADD];

	sqlite3_bind_int64(st, 1, consult_id);
	sqlite3_bind_int64(st, 2, now);
	store_bind_text(st, 3, who);
	store_bind_text(st, 4, text);
	if (store_step_done(s, st, "insert reply") == -1)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

/* Runs st (bound but for its last parameter, the limit) into out. */
static size_t
store_reply_rows(
    sqlite3_stmt *st, int limit_at, struct store_reply *out, size_t max)
{
	size_t n = 0;

	sqlite3_bind_int64(st, limit_at, (sqlite3_int64)max);
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		struct store_reply *r = &out[n++];

		memset(r, 0, sizeof(*r));
		r->id = sqlite3_column_int64(st, 0);
		r->consult_id = sqlite3_column_int64(st, 1);
		r->created = sqlite3_column_int64(st, 2);
		r->who = store_col_dup(st, 3);
		r->text = store_col_dup(st, 4);
		r->state = sqlite3_column_int(st, 5);
		r->attempts = sqlite3_column_int(st, 6);
		r->delivered_at = sqlite3_column_int64(st, 7);
		r->last_error = store_col_dup(st, 8);
		r->adapter = store_col_dup(st, 9);
		r->requester = store_col_dup(st, 10);
		r->requester_id = store_col_dup(st, 11);
		r->lang = store_col_dup(st, 12);
		r->account = store_col_dup(st, 13);
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return n;
}

size_t
store_reply_pending(struct store *s, struct store_reply *out, size_t max)
{
	return store_reply_rows(s->st[ST_REPLY_PENDING], 1, out, max);
}

size_t
store_reply_list(
    struct store *s, int64_t consult_id, struct store_reply *out, size_t max)
{
	sqlite3_bind_int64(s->st[ST_REPLY_LIST], 1, consult_id);
	return store_reply_rows(s->st[ST_REPLY_LIST], 2, out, max);
}

void
store_reply_reset(struct store_reply *r)
{
	free(r->who);
	free(r->text);
	free(r->last_error);
	free(r->adapter);
	free(r->requester);
	free(r->requester_id);
	free(r->lang);
	free(r->account);
	memset(r, 0, sizeof(*r));
}

int
store_reply_delivered(struct store *s, int64_t id, int64_t now)
{
	sqlite3_bind_int64(s->st[ST_REPLY_DELIVERED], 1, now);
	sqlite3_bind_int64(s->st[ST_REPLY_DELIVERED], 2, id);
	return store_step_done(s, s->st[ST_REPLY_DELIVERED], "reply delivered");
}

int
store_reply_attempt(struct store *s, int64_t id, const char *why)
{
	store_bind_text(s->st[ST_REPLY_ATTEMPT], 1, why);
	sqlite3_bind_int64(s->st[ST_REPLY_ATTEMPT], 2, id);
	return store_step_done(s, s->st[ST_REPLY_ATTEMPT], "reply attempt");
}

int
store_reply_dead(struct store *s, int64_t id, const char *why, int64_t now)
{
	store_bind_text(s->st[ST_REPLY_DEAD], 1, why);
	sqlite3_bind_int64(s->st[ST_REPLY_DEAD], 2, now);
	sqlite3_bind_int64(s->st[ST_REPLY_DEAD], 3, id);
	return store_step_done(s, s->st[ST_REPLY_DEAD], "reply dead-letter");
}

int
store_reply_purge(struct store *s)
{
	return store_step_done(s, s->st[ST_REPLY_PURGE], "purge replies");
}

int
store_outbox_each(struct store *s, int64_t consult_id,
    void (*cb)(void *arg, const char *dest, int state, int64_t delivered_at),
    void *arg)
{
	sqlite3_stmt *st = s->st[ST_OUTBOX_LIST];
	int rc;

	sqlite3_bind_int64(st, 1, consult_id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cb(arg, (const char *)sqlite3_column_text(st, 0),
		    sqlite3_column_int(st, 1), sqlite3_column_int64(st, 2));
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
