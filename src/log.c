/*
 * Log lines go to standard error unbuffered, so journald (or a test) sees
 * them at once and in order.  A line is capped; control characters in a
 * formatted message are replaced so a log line stays one line.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define LOG_LINE_MAX 1024

static int log_verbose;

void
log_init(int verbose)
{
	log_verbose = verbose;
}

bool
log_debug_enabled(void)
{
	return log_verbose > 0;
}

static void __attribute__((format(printf, 5, 0)))
log_vemit(const char *level, const char *module, int saved_errno,
    int with_errno, const char *fmt, va_list ap)
{
	char line[LOG_LINE_MAX];
	size_t i;
	int n;

	n = vsnprintf(line, sizeof(line), fmt, ap);
	if (n < 0)
		return;
	for (i = 0; line[i] != '\0'; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	if (with_errno)
		fprintf(stderr, "%s %s: %s: %s\n", level, module, line,
		    strerror(saved_errno));
	else
		fprintf(stderr, "%s %s: %s\n", level, module, line);
}

void
log_emit(enum log_level lvl, const char *module, int with_errno,
    const char *fmt, ...)
{
	static const char *names[] = {"warn", "info", "debug"};
	int saved_errno = errno;
	va_list ap;

	if (lvl == LOG_LEVEL_DEBUG && log_verbose <= 0)
		return;
	va_start(ap, fmt);
	log_vemit(names[lvl], module, saved_errno, with_errno, fmt, ap);
	va_end(ap);
	errno = saved_errno;
}

void
log_fatal(const char *module, int with_errno, const char *fmt, ...)
{
	int saved_errno = errno;
	va_list ap;

	va_start(ap, fmt);
	log_vemit("fatal", module, saved_errno, with_errno, fmt, ap);
	va_end(ap);
	exit(1);
}
