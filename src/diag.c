/*
 * Diagnostic list for config and content checks.
 */
#define LOG_MODULE "check"
#include <stdarg.h>
#include <stdlib.h>

#include "buf.h"
#include "diag.h"
#include "log.h"
#include "xmalloc.h"

/* More than this is noise; the rest are counted in a last line. */
#define DIAG_MAX 200

void
diag_init(struct diag *d)
{
	d->lines = NULL;
	d->count = d->cap = 0;
}

void
diag_add(struct diag *d, const char *file, int line, const char *fmt, ...)
{
	struct buf b;
	va_list ap;
	char msg[512];

	if (d->count == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 8;
		d->lines = xreallocarray(d->lines, d->cap, sizeof(char *));
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	buf_init(&b, 0);
	if (line > 0)
		buf_addf(&b, "%s:%d: %s", file, line, msg);
	else
		buf_addf(&b, "%s: %s", file, msg);
	d->lines[d->count++] = buf_take(&b);
}

void
diag_print(const struct diag *d, FILE *fp)
{
	size_t i;

	for (i = 0; i < d->count && i < DIAG_MAX; i++)
		fprintf(fp, "%s\n", d->lines[i]);
	if (d->count > DIAG_MAX)
		fprintf(fp, "... and %zu more problems\n", d->count - DIAG_MAX);
}

void
diag_log(const struct diag *d)
{
	size_t i;

	for (i = 0; i < d->count && i < DIAG_MAX; i++)
		log_warnx("%s", d->lines[i]);
}

void
diag_reset(struct diag *d)
{
	size_t i;

	for (i = 0; i < d->count; i++)
		free(d->lines[i]);
	free(d->lines);
	diag_init(d);
}
