/*
 * Consultation requests: intake (validation, cooldown, rate cap, durable
 * commit, then the acknowledgement), delivery to every staff destination
 * through the store's outbox (at least once, in order, across restarts),
 * dead-lettering, retention, and the staff commands' data.
 *
 * Destinations are sinks handed in by the bot: the IRC staff channel and
 * each staff webhook.  consult.c knows neither IRC nor HTTP.
 */
#ifndef CONSULT_H
#define CONSULT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "message.h"

struct conf;
struct loop;
struct store;
struct store_consult;
struct consult;

/* Called exactly once per post: ok, or not with a short reason. */
typedef void (*consult_done_cb)(void *arg, bool ok, const char *why);

struct consult_sink {
	const char *name; /* destination name, copied */
	/* NULL means always ready; false means "try later, do not post". */
	bool (*ready)(void *ctx);
	/*
	 * Posts neutral text; returns -1 when it cannot even queue it (no
	 * callback then), else calls cb later.  give_up_after is in seconds
	 * (0: the sink's own bound).
	 */
	int (*post)(void *ctx, const char *text, long give_up_after,
	    consult_done_cb cb, void *arg);
	void *ctx;
};

/*
 * The way back to requesters, for staff replies, handed in by the bot:
 * consult.c knows neither IRC nor the platforms.  c is the request.
 */
struct consult_replier {
	/*
	 * Whether its requester can be written to at all (a private path
	 * exists for c->adapter), with a short reason when not.
	 */
	bool (*can)(void *ctx, const struct store_consult *c, const char **why);
	/*
	 * Whether now is the time (NULL: always): false makes the reply
	 * wait.  The IRC side answers true once the nick is online with the
	 * account that asked (MONITOR or ISON, then WHOIS).
	 */
	bool (*ready)(void *ctx, const struct store_consult *c);
	/*
	 * Whether replies to c's requester wait for them (NULL: never): such
	 * a reply is given up after [consult] reply_wait rather than
	 * dead-lettered after dead_letter_after, and staff are told when it
	 * is delivered or given up.
	 */
	bool (*waits)(void *ctx, const struct store_consult *c);
	/* Sends text privately to c's requester; as consult_sink.post. */
	int (*post)(void *ctx, const struct store_consult *c, const char *text,
	    long give_up_after, consult_done_cb cb, void *arg);
	void *ctx;
};

struct consult *consult_new(struct loop *, struct store *, const struct conf *);
/* Frees; in-flight posts must have been finished or failed first. */
void consult_free(struct consult *);
void consult_set_conf(struct consult *, const struct conf *);
/*
 * Replaces the destinations (the array and names are copied).  Pending
 * rows for destinations no longer present are dead-lettered.
 */
void consult_set_sinks(struct consult *, const struct consult_sink *, size_t n);
/* Sets the way back to requesters (copied; NULL: none). */
void consult_set_replier(struct consult *, const struct consult_replier *);
/* Tries deliveries now (after a reconnect, say). */
void consult_kick(struct consult *);
/* The names of the destinations configured now (at most max; borrowed). */
size_t consult_destinations(struct consult *, const char **names, size_t max);
/* Queues text for every destination, as an alert (not a request). */
void consult_alert(struct consult *, const char *text);

/* !consult TEXT from msg; appends the private acknowledgement to out. */
void consult_submit(struct consult *, const struct message *, const char *lang,
    const char *text, struct replies *out);

/* Staff commands; they append their answer to out. */
void consult_list_open(struct consult *, const char *lang, struct replies *out);
void consult_show(
    struct consult *, int64_t id, const char *lang, struct replies *out);
void consult_claim(struct consult *, int64_t id, const char *who,
    const char *lang, struct replies *out);
void consult_close(struct consult *, int64_t id, const char *who,
    const char *lang, struct replies *out);
/*
 * !reply ID TEXT: stores a reply from who to the requester of id and
 * delivers it privately as "[#ID] TEXT" through the replier: at least
 * once, in order per requester, across restarts; one not delivered
 * within dead_letter_after is dead-lettered with an alert to staff.
 */
void consult_reply(struct consult *, int64_t id, const char *who,
    const char *text, const char *lang, struct replies *out);

/* Deliveries not yet made, over all destinations. */
int64_t consult_pending(struct consult *);
/* One line per destination: name, pending rows, state. */
void consult_status(struct consult *, const char *lang, struct replies *out);

/* --export-consults: every request as one JSON object per line. */
int consult_export(const struct conf *, FILE *);
/* --purge-consults DAYS: deletes closed requests older than DAYS. */
int consult_purge(const struct conf *, int days, FILE *);

#endif
