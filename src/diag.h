/*
 * Diagnostics collected while loading config and content: each one is a
 * "FILE:LINE: message" line, printed by --check and logged on a reload.
 */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>
#include <stdio.h>

struct diag {
	char **lines;
	size_t count;
	size_t cap;
};

void diag_init(struct diag *);
/* line 0 means the whole file ("FILE: message"). */
void diag_add(struct diag *, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void diag_print(const struct diag *, FILE *);
/* Logs each line as a warning. */
void diag_log(const struct diag *);
void diag_reset(struct diag *);

#endif
