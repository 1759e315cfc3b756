/*
 * Metrics and health: a small in-process registry that any module may
 * bump, and that the HTTP adapter renders as Prometheus text on /metrics
 * and as JSON on /healthz.  Names and labels are fixed strings chosen by
 * the caller; nothing from a user ever becomes a label.
 */
#ifndef METRICS_H
#define METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

/*
 * Adds delta to the counter name{labels}; labels is the text between the
 * braces (e.g. "route=\"/hooks/slack\",status=\"200\"") or NULL.
 */
void metrics_add(const char *name, const char *labels, int64_t delta);
#define metrics_inc(name, labels) metrics_add((name), (labels), 1)
/* Sets the gauge name{labels} to value. */
void metrics_set(const char *name, const char *labels, int64_t value);
/* Reads a counter or gauge back (0 when absent). */
int64_t metrics_get(const char *name, const char *labels);
/* One-line help text shown on /metrics for name. */
void metrics_help(const char *name, const char *type, const char *help);

/* Sets an adapter's health state ("connected", "down", ...), copied. */
void metrics_health_set(const char *adapter, const char *state);
const char *metrics_health_get(const char *adapter);

/*
 * Health beyond the adapters' states.  The refresh function (one, set by
 * the bot; NULL to unset) describes the present: metrics_health_refresh
 * clears the problems, then calls it, and it adds one problem per thing
 * wrong.  /healthz, /metrics and !status all refresh before they render.
 */
void metrics_health_refresh_set(void (*fn)(void *arg), void *arg);
void metrics_health_refresh(void);
/*
 * Records a problem, formatted and copied (fixed words and numbers only,
 * never user text).  failing: the bot cannot take requests (/healthz
 * answers 503); otherwise it is degraded.
 */
void metrics_health_problem(bool failing, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "ok", "degraded" or "failing", from the problems recorded. */
const char *metrics_health_status(void);
/* Appends "ok" or "degraded: why; why" to b, for !status. */
void metrics_render_health_text(struct buf *b);

/* Appends the Prometheus text exposition of everything to b. */
void metrics_render_prometheus(struct buf *b);
/*
 * Appends {"status":"ok","reasons":[],"adapters":{"irc":"connected",...}}
 * to b.
 */
void metrics_render_health(struct buf *b);

/* Frees the registry (at exit, so leak checkers stay quiet). */
void metrics_reset(void);

#endif
