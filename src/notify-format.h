/*
 * The pure half of the staff poster: what a platform's incoming webhook
 * wants to receive and what its answers mean, from its descriptor.  Payload
 * JSON and splitting at the platform's length limit, the verdict on a response
 * (delivered, try again, give up; errors hidden in a 200 body included),
 * Retry-After in seconds or as an HTTP date, Discord's retry_after, and
 * the redaction of webhook URLs (which carry their tokens) for logs.
 * No I/O and no clock: the caller passes the time in.
 */
#ifndef NOTIFY_FORMAT_H
#define NOTIFY_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "platform.h"

/* At most this many posts per item; the rest is cut with a marker. */
#define NOTIFY_FORMAT_PARTS_MAX 16

/*
 * Turns neutral Markdown text into the JSON bodies to POST, in order:
 * mass mentions neutralised, rendered for the platform, split so each
 * part fits the platform's limits (at newlines, else spaces, else code
 * point boundaries).  Returns the number of parts (>= 1) and sets *parts
 * to an array of strings; the caller frees it with notify_format_free.
 */
size_t notify_format_payloads(
    const struct platform *, const char *text, char ***parts);
/* The same parts as rendered text, for a direct message's calls. */
size_t notify_format_texts(
    const struct platform *, const char *text, char ***parts);
void notify_format_free(char **parts, size_t n);

/*
 * The URL actually posted to (Discord gets wait=true so that errors come
 * back instead of a blind 204).  Returns a new string (caller frees).
 */
char *notify_format_url(const struct platform *, const char *url);

/*
 * Judges an HTTP answer (status, body of len bytes, the Retry-After
 * header or NULL) from a kind of platform at wall-clock time now.  Sets
 * *wait_ms to the delay the server asked for (Retry-After, Discord's
 * retry_after, Teams throttling) or -1, and writes a short reason to why
 * that is safe to log: status and the platform's error code, never the
 * body itself.
 */
enum notify_verdict notify_format_classify(const struct platform *, long status,
    const char *body, size_t len, const char *retry_after, time_t now,
    long *wait_ms, char *why, size_t whylen);

/*
 * Parses a Retry-After value: delta seconds (a fraction is accepted) or
 * an HTTP date (IMF-fixdate, RFC 850 or asctime).  Returns the wait in
 * milliseconds from now (0 for a date in the past), or -1 when malformed.
 */
long notify_format_retry_after(const char *value, time_t now);

/* Parses an HTTP date into *out (UTC); 0 or -1. */
int notify_format_http_date(const char *s, time_t *out);

/*
 * Returns "scheme://host[:port]/…" for url: no user info, path or query,
 * which is where webhook tokens live.  Caller frees.
 */
char *notify_format_redact(const char *url);

#endif
