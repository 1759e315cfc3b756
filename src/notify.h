/*
 * The staff poster: delivers neutral Markdown text to the staff incoming
 * webhooks (platform sections with a staff_webhook_url), and direct
 * messages through the REST API of platform sections with a bot account,
 * over libcurl multi, driven by the bot's one loop.  Each destination has
 * its own FIFO queue, rate limit and retry schedule; a caller (the
 * consultation store) queues an item and is told exactly once whether it
 * was delivered, so it can keep its own durable record of what is left.
 */
#ifndef NOTIFY_H
#define NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct conf;
struct loop;
struct notify;

enum notify_result {
	NOTIFY_OK,
	NOTIFY_FAILED /* permanent (4xx other than 408/429), gave up, ... */
};

/*
 * Told once per item.  why is NULL on success, else a short reason that
 * is safe to log (status and platform error code; never the text, never
 * the URL); it is borrowed for the call.  The callback runs from the loop
 * (never from inside notify_post) and may call notify_post; it must not
 * call notify_set_conf or notify_free.
 */
typedef void (*notify_cb)(void *arg, enum notify_result, const char *why);

/*
 * True when some platform section of c has a staff_webhook_url or a bot
 * account for direct messages.
 */
bool notify_configured(const struct conf *c);

/*
 * A poster for the destinations of c, driven by loop (borrowed; it must
 * outlive the poster).  c is read during the call only: everything
 * needed is copied.  Calls curl_global_init the first time.
 */
struct notify *notify_new(struct loop *, const struct conf *c);

/*
 * Applies a reloaded config: destinations keep their queues when their
 * section stays (a changed URL is used from the next request on), new
 * ones start empty, and the items of a removed one fail with
 * "destination removed".  c is read during the call only.
 */
void notify_set_conf(struct notify *, const struct conf *c);

/*
 * Fills names with up to max destination names (section names, borrowed
 * until the next notify_set_conf or notify_free) and returns how many
 * destinations there are.
 */
size_t notify_destinations(
    const struct notify *, const char **names, size_t max);

/*
 * Queues text (neutral Markdown, copied) for dest and returns 0; cb is
 * then called exactly once.  Items of one destination are delivered in
 * order: item N+1 is not sent before item N has finished.  Text longer
 * than the platform takes is split into several posts, and the item is
 * delivered only when every part is.  5xx, 408, 429 (after Retry-After
 * or Discord's retry_after), timeouts, connection errors and errors that
 * a platform reports inside a 200 meant as transient are retried with
 * capped exponential backoff and jitter until delivered, a permanent
 * failure, or give_up_after seconds after this call (0: never give up).
 * Returns -1, and never calls cb, for an unknown dest or while the
 * poster is being freed.
 */
int notify_post(struct notify *, const char *dest, const char *text,
    long give_up_after, notify_cb cb, void *arg);

/*
 * Queues text (neutral Markdown) as a direct message to user (the
 * platform's user id, or name where it addresses people by name) through
 * the REST API of the bot account of platform section section, with the
 * same guarantees as notify_post: in order per section, retried on 429
 * (Retry-After), 5xx, timeouts and transient errors inside a 200, until
 * give_up_after.  The destination is named "SECTION/dm" in metrics and
 * logs.  Returns -1 (no cb) when the section has no bot account or user
 * is not a plain id.
 */
int notify_dm(struct notify *, const char *section, const char *user,
    const char *text, long give_up_after, notify_cb cb, void *arg);
/*
 * Makes c (a REST call as the bot account of section: a form to open)
 * now, ahead of every queue, in one attempt; the outcome is only
 * logged.  0, or -1 when it could not be started.
 */
struct platform_call;
int notify_call(
    struct notify *, const char *section, const struct platform_call *c);
/* True when section can send direct messages. */
bool notify_dm_ready(const struct notify *, const char *section);

/* Items queued for dest, the one being sent included (0 if unknown). */
size_t notify_queue_depth(const struct notify *, const char *dest);

/* True while a request is on the wire. */
bool notify_busy(const struct notify *);

/*
 * For shutdown: starts no new request and calls done(arg) once, from the
 * loop, as soon as no request is on the wire or after ms milliseconds.
 * Queued items stay queued until notify_free.
 */
void notify_drain(struct notify *, long ms, void (*done)(void *), void *arg);

/*
 * Aborts requests on the wire and calls cb(NOTIFY_FAILED, "shutdown")
 * for every item still queued, then frees the poster; the last poster
 * freed calls curl_global_cleanup.  NULL is ignored.
 */
void notify_free(struct notify *);

/*
 * --test-destinations: loads the config at path, posts "intakebot: test
 * message from NICK" to every staff destination through a poster in a
 * loop of its own, giving up on each after its staff_test_give_up, and
 * prints one line per destination to out ("NAME: ok" or "NAME: failed:
 * WHY").  Returns 0 when all were delivered, 1 otherwise (a config
 * problem or no destination included, reported on stderr).
 */
int notify_test_destinations(const char *path, FILE *out);

/*
 * --test-dm SECTION:USER: the same for one direct message to USER
 * through SECTION's bot account; prints "SECTION/dm: ok" or "... failed:
 * WHY".  Returns 0 when it was delivered.
 */
int notify_test_dm(const char *path, const char *to, FILE *out);

#endif
