/*
 * Durable state in SQLite (data_dir/intakebot.db): consultation requests,
 * the delivery outbox (one row per request and staff destination), and
 * the admin audit trail.  Only store.c includes sqlite3.h.  Every write is
 * a transaction committed with synchronous=FULL in WAL mode, so a row the
 * caller was told about survives a crash or kill -9.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum store_state { STORE_NEW, STORE_CLAIMED, STORE_DONE };

struct store_consult {
	int64_t id;
	int64_t created;    /* Unix seconds */
	char *adapter;      /* "irc", "mattermost", "console", ... */
	char *channel;      /* NULL: private */
	char *requester;    /* display name / nick */
	char *requester_id; /* stable id on that platform */
	char *account;      /* services account proved when asked; NULL: none */
	char *text;
	char *lang;
	enum store_state state;
	char *claimed_by;
	int64_t claimed_at;
	int64_t done_at;
};

struct store_outbox {
	int64_t id;
	int64_t consult_id; /* 0 for an alert */
	char *dest;
	char *text;
	int64_t created;
	int attempts;
};

/* Opens (creating it 0600 and its folder 0700) and migrates the database. */
struct store *store_open(const char *data_dir);
void store_close(struct store *);

/*
 * Adds a request and one outbox row per destination, formatted by the
 * caller through fmt(id) into text, in one transaction.  Returns the new
 * id (> 0), or -1.
 */
int64_t store_consult_add(struct store *, const struct store_consult *,
    const char *const *dests, size_t ndests,
    char *(*fmt)(void *arg, int64_t id), void *arg);

/* Seconds since the requester's last request, or -1 if none; *last_id set. */
int64_t store_consult_last(
    struct store *, const char *requester_id, int64_t now, int64_t *last_id);
/* Requests created at or after since. */
int64_t store_consult_count_since(struct store *, int64_t since);

/* Fills c (free with store_consult_reset); 0, or -1 when absent. */
int store_consult_get(struct store *, int64_t id, struct store_consult *c);
void store_consult_reset(struct store_consult *);
/*
 * The requests not done, oldest first, at most max; returns the count
 * (each to be reset by the caller).
 */
size_t store_consult_open(
    struct store *, struct store_consult *out, size_t max);
/* Moves id to state by who; -1 if absent, 1 if already in that state. */
int store_consult_set_state(
    struct store *, int64_t id, enum store_state, const char *who, int64_t now);

/* The oldest pending outbox row for dest; 0, or -1 when none. */
int store_outbox_next(struct store *, const char *dest, struct store_outbox *);
void store_outbox_reset(struct store_outbox *);
int store_outbox_delivered(struct store *, int64_t id, int64_t now);
int store_outbox_attempt(struct store *, int64_t id, const char *why);
int store_outbox_dead(struct store *, int64_t id, const char *why);
/* Queues an alert for dest (a dead-letter notice). */
int store_outbox_alert(
    struct store *, const char *dest, const char *text, int64_t now);
/* Pending rows for dest (NULL: all destinations). */
int64_t store_outbox_pending(struct store *, const char *dest);
/* Rows that are pending for a destination not in dests: marked dead. */
/* Dead-lettered deliveries of requests nobody has claimed or closed. */
int64_t store_outbox_dead_unclaimed(struct store *);
/* When the oldest pending delivery was queued (Unix time), -1 if none. */
int64_t store_outbox_oldest(struct store *);
int store_outbox_drop_unknown(
    struct store *, const char *const *dests, size_t ndests);

/* Deletes done requests closed before cutoff, with their outbox rows. */
int64_t store_purge(struct store *, int64_t cutoff);

/* Calls cb for every request, oldest first (export). */
int store_consult_each(struct store *,
    void (*cb)(void *arg, const struct store_consult *), void *arg);

/* Appends an audit record: who did what, with which result. */
int store_audit(struct store *, int64_t now, const char *who,
    const char *action, const char *result);

/*
 * NULL while the database takes writes; after a failed write, probes
 * once more and returns the cause ("disk full", "read-only", "locked by
 * another process", ...) if it still fails.  Static string.
 */
const char *store_write_error(struct store *);
/* The database file's path, borrowed. */
const char *store_path(const struct store *);

const char *store_state_name(enum store_state);

/*
 * Staff replies to requesters (!reply): their own outbox, one row per
 * reply, with what the request says about its requester.
 */
enum store_reply_state {
	STORE_REPLY_PENDING,
	STORE_REPLY_DELIVERED,
	STORE_REPLY_DEAD
};

struct store_reply {
	int64_t id;
	int64_t consult_id;
	int64_t created;
	char *who; /* the staff member */
	char *text;
	int state; /* enum store_reply_state */
	int attempts;
	int64_t delivered_at; /* or given up, when dead */
	char *last_error;
	/* Of the request. */
	char *adapter;
	char *requester;
	char *requester_id;
	char *lang;
	char *account;
};

/* Adds a pending reply (committed on return); its id, or -1. */
int64_t store_reply_add(struct store *, int64_t consult_id, const char *who,
    const char *text, int64_t now);
/*
 * The oldest pending reply of each requester (adapter and requester_id),
 * oldest first, at most max (reset each).
 */
size_t store_reply_pending(struct store *, struct store_reply *, size_t max);
/* The replies to a request, oldest first, at most max (reset each). */
size_t store_reply_list(
    struct store *, int64_t consult_id, struct store_reply *, size_t max);
void store_reply_reset(struct store_reply *);
int store_reply_delivered(struct store *, int64_t id, int64_t now);
int store_reply_attempt(struct store *, int64_t id, const char *why);
int store_reply_dead(struct store *, int64_t id, const char *why, int64_t now);
/* Calls cb for each delivery row of a request (state 0, 1, 2). */
int store_outbox_each(struct store *, int64_t consult_id,
    void (*cb)(void *arg, const char *dest, int state, int64_t delivered_at),
    void *arg);
/* Deletes the replies of requests that were purged. */
int store_reply_purge(struct store *);

/*
 * Guided intake.  An open dialogue is one row per person (a key the
 * caller makes from adapter and sender id); a request taken that way has
 * one row of details beside its consults row.
 */
#define STORE_INTAKE_FIELDS                                                    \
	6 /* name, contact, language, availability,                            \
	     urgency, description */

struct store_intake {
	char *person;
	char *adapter;
	char *channel; /* where !consult was typed; NULL: private */
	char *requester;
	char *requester_id;
	char *lang; /* the language the questions are asked in */
	int step;
	bool prefilled; /* the description came with !consult */
	char *field[STORE_INTAKE_FIELDS];
	int64_t created;
	int64_t updated;
};

struct store_details {
	int64_t consult_id;
	char *name;
	char *contact; /* "chat", an email address or a phone number */
	char *language;
	char *availability;
	char *urgency; /* "no", "detained" or YYYY-MM-DD */
	int64_t consent_at;
	int64_t reminded_at; /* last staff announcement */
};

/* Fills in (free with store_intake_reset); 0, or -1 when absent. */
int store_intake_get(struct store *, const char *person, struct store_intake *);
/* Creates or replaces the person's intake. */
int store_intake_put(struct store *, const struct store_intake *);
int store_intake_delete(struct store *, const char *person);
/* Deletes intakes not updated since before; returns how many, or -1. */
int64_t store_intake_expire(struct store *, int64_t before);
void store_intake_reset(struct store_intake *);
/*
 * In one transaction: adds the request c with its details dt and one
 * outbox row per destination (text from fmt(arg, id)), and deletes the
 * intake of person.  Returns the new id, or -1 (nothing changed).
 */
int64_t store_intake_submit(struct store *, const struct store_consult *c,
    const struct store_details *dt, const char *person,
    const char *const *dests, size_t ndests,
    char *(*fmt)(void *arg, int64_t id), void *arg);
/* Fills dt (free with store_details_reset); 0, or -1 when absent. */
int store_details_get(struct store *, int64_t id, struct store_details *dt);
void store_details_reset(struct store_details *);
/*
 * Urgent requests (detained, or a date on or before cutoff, YYYY-MM-DD)
 * still new and last announced at or before before; at most max ids.
 */
size_t store_urgent_due(struct store *, const char *cutoff, int64_t before,
    int64_t *ids, size_t max);
int store_details_reminded(struct store *, int64_t id, int64_t now);
/* 1 when request id is urgent by cutoff, else 0. */
int store_details_is_urgent(struct store *, int64_t id, const char *cutoff);
/* As store_consult_open, urgent requests first. */
size_t store_consult_open_urgent(
    struct store *, const char *cutoff, struct store_consult *out, size_t max);

#endif
