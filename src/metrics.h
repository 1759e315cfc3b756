/*
 * Metrics and health: a small in-process registry that any module may
 * bump, and that the HTTP adapter renders as Prometheus text on /metrics
 * and as JSON on /healthz.  Names and labels are fixed strings chosen by
 * the caller; nothing from a user ever becomes a label.
 */
#ifndef METRICS_H
#define METRICS_H

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

/* Appends the Prometheus text exposition of everything to b. */
void metrics_render_prometheus(struct buf *b);
/* Appends {"status":"ok","adapters":{"irc":"connected",...}} to b. */
void metrics_render_health(struct buf *b);

/* Frees the registry (at exit, so leak checkers stay quiet). */
void metrics_reset(void);

#endif
