/*
 * The metrics registry: a flat array searched linearly.  The bot has a few
 * dozen series at most, so this is cheaper than a hash table and keeps the
 * order of first use, which is the order /metrics prints them in.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "xmalloc.h"

#define METRICS_MAX 512
#define HEALTH_MAX 16
#define PROBLEM_MAX 8

struct metrics_series {
	char *name;
	char *labels;
	int64_t value;
};

struct metrics_meta {
	char *name;
	char *type;
	char *help;
};

static struct metrics_series metrics_series[METRICS_MAX];
static size_t metrics_nseries;
static struct metrics_meta metrics_meta[METRICS_MAX];
static size_t metrics_nmeta;
static char *health_name[HEALTH_MAX];
static char *health_state[HEALTH_MAX];
static size_t health_n;
static char problem[PROBLEM_MAX][160];
static size_t problem_n;
static bool problem_failing;
static void (*health_refresh_fn)(void *);
static void *health_refresh_arg;

static struct metrics_series *
metrics_find(const char *name, const char *labels, int create)
{
	size_t i;

	if (labels == NULL)
		labels = "";
	for (i = 0; i < metrics_nseries; i++)
		if (strcmp(metrics_series[i].name, name) == 0 &&
		    strcmp(metrics_series[i].labels, labels) == 0)
			return &metrics_series[i];
	if (!create || metrics_nseries == METRICS_MAX)
		return NULL;
	metrics_series[metrics_nseries].name = xstrdup(name);
	metrics_series[metrics_nseries].labels = xstrdup(labels);
	metrics_series[metrics_nseries].value = 0;
	return &metrics_series[metrics_nseries++];
}

void
metrics_add(const char *name, const char *labels, int64_t delta)
{
	struct metrics_series *s;

	if ((s = metrics_find(name, labels, 1)) != NULL)
		s->value += delta;
}

void
metrics_set(const char *name, const char *labels, int64_t value)
{
	struct metrics_series *s;

	if ((s = metrics_find(name, labels, 1)) != NULL)
		s->value = value;
}

int64_t
metrics_get(const char *name, const char *labels)
{
	struct metrics_series *s;

	return (s = metrics_find(name, labels, 0)) != NULL ? s->value : 0;
}

void
metrics_help(const char *name, const char *type, const char *help)
{
	size_t i;

	for (i = 0; i < metrics_nmeta; i++)
		if (strcmp(metrics_meta[i].name, name) == 0)
			return;
	if (metrics_nmeta == METRICS_MAX)
		return;
	metrics_meta[metrics_nmeta].name = xstrdup(name);
	metrics_meta[metrics_nmeta].type = xstrdup(type);
	metrics_meta[metrics_nmeta].help = xstrdup(help);
	metrics_nmeta++;
}

void
metrics_health_set(const char *adapter, const char *state)
{
	size_t i;

	for (i = 0; i < health_n; i++) {
		if (strcmp(health_name[i], adapter) == 0) {
			free(health_state[i]);
			health_state[i] = xstrdup(state);
			return;
		}
	}
	if (health_n == HEALTH_MAX)
		return;
	health_name[health_n] = xstrdup(adapter);
	health_state[health_n++] = xstrdup(state);
}

const char *
metrics_health_get(const char *adapter)
{
	size_t i;

	for (i = 0; i < health_n; i++)
		if (strcmp(health_name[i], adapter) == 0)
			return health_state[i];
	return NULL;
}

void
metrics_health_refresh_set(void (*fn)(void *arg), void *arg)
{
	health_refresh_fn = fn;
	health_refresh_arg = arg;
}

void
metrics_health_refresh(void)
{
	problem_n = 0;
	problem_failing = false;
	if (health_refresh_fn != NULL)
		health_refresh_fn(health_refresh_arg);
}

void
metrics_health_problem(bool failing, const char *fmt, ...)
{
	va_list ap;

	if (failing)
		problem_failing = true;
	if (problem_n == PROBLEM_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(problem[problem_n++], sizeof(problem[0]), fmt, ap);
	va_end(ap);
}

const char *
metrics_health_status(void)
{
	if (problem_failing)
		return "failing";
	return problem_n > 0 ? "degraded" : "ok";
}

void
metrics_render_health_text(struct buf *b)
{
	size_t i;

	buf_addstr(b, metrics_health_status());
	for (i = 0; i < problem_n; i++)
		buf_addf(b, "%s%s", i == 0 ? ": " : "; ", problem[i]);
}

void
metrics_render_prometheus(struct buf *b)
{
	size_t i, k;
	int printed;

	for (i = 0; i < metrics_nseries; i++) {
		/* HELP/TYPE once, before the first series of a name. */
		printed = 0;
		for (k = 0; k < i; k++)
			if (strcmp(metrics_series[k].name,
			        metrics_series[i].name) == 0)
				printed = 1;
		if (printed)
			continue;
		for (k = 0; k < metrics_nmeta; k++) {
			if (strcmp(metrics_meta[k].name,
			        metrics_series[i].name) != 0)
				continue;
			buf_addf(b, "# HELP %s %s\n# TYPE %s %s\n",
			    metrics_meta[k].name, metrics_meta[k].help,
			    metrics_meta[k].name, metrics_meta[k].type);
		}
		/* The exposition format wants a family's series together. */
		for (k = i; k < metrics_nseries; k++) {
			if (strcmp(metrics_series[k].name,
			        metrics_series[i].name) != 0)
				continue;
			if (metrics_series[k].labels[0] != '\0')
				buf_addf(b, "%s{%s} %lld\n",
				    metrics_series[k].name,
				    metrics_series[k].labels,
				    (long long)metrics_series[k].value);
			else
				buf_addf(b, "%s %lld\n", metrics_series[k].name,
				    (long long)metrics_series[k].value);
		}
	}
}

void
metrics_render_health(struct buf *b)
{
	size_t i;

	buf_addf(
	    b, "{\"status\":\"%s\",\"reasons\":[", metrics_health_status());
	for (i = 0; i < problem_n; i++)
		buf_addf(b, "%s\"%s\"", i > 0 ? "," : "", problem[i]);
	buf_addstr(b, "],\"adapters\":{");
	for (i = 0; i < health_n; i++)
		buf_addf(b, "%s\"%s\":\"%s\"", i > 0 ? "," : "", health_name[i],
		    health_state[i]);
	buf_addstr(b, "}}");
}

void
metrics_reset(void)
{
	size_t i;

	for (i = 0; i < metrics_nseries; i++) {
		free(metrics_series[i].name);
		free(metrics_series[i].labels);
	}
	metrics_nseries = 0;
	for (i = 0; i < metrics_nmeta; i++) {
		free(metrics_meta[i].name);
		free(metrics_meta[i].type);
		free(metrics_meta[i].help);
	}
	metrics_nmeta = 0;
	for (i = 0; i < health_n; i++) {
		free(health_name[i]);
		free(health_state[i]);
	}
	health_n = 0;
	problem_n = 0;
	problem_failing = false;
	health_refresh_fn = NULL;
}
