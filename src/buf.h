/*
 * A growable byte buffer, always NUL-terminated.  Used to build strings
 * whose length is not known in advance; the cap given to buf_init (0: none)
 * makes additions past it fail instead of growing.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>

struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *, size_t max);
/* 0, or -1 when the cap would be passed (nothing is added then). */
int buf_add(struct buf *, const void *, size_t);
int buf_addstr(struct buf *, const char *);
int buf_addf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns the string (caller frees) and leaves the buffer empty. */
char *buf_take(struct buf *);
void buf_reset(struct buf *);

#endif
