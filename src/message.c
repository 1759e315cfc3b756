/*
 * Reply lists: a singly linked list with a tail pointer, freed at once by
 * the adapter after rendering.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "message.h"
#include "xmalloc.h"

void
replies_init(struct replies *rs)
{
	rs->head = NULL;
	rs->tail = &rs->head;
	rs->count = 0;
}

struct reply *
replies_add(
    struct replies *rs, enum reply_to to, const char *text, const char *link)
{
	struct reply *r;

	r = xcalloc(1, sizeof(*r));
	r->to = to;
	r->text = xstrdup(text);
	r->link = link != NULL ? xstrdup(link) : NULL;
	*rs->tail = r;
	rs->tail = &r->next;
	rs->count++;
	return r;
}

struct reply *
replies_addf(struct replies *rs, enum reply_to to, const char *fmt, ...)
{
	struct reply *r;
	va_list ap;
	char *text;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	r = replies_add(rs, to, text, NULL);
	free(text);
	return r;
}

void
replies_reset(struct replies *rs)
{
	struct reply *r, *next;

	for (r = rs->head; r != NULL; r = next) {
		next = r->next;
		free(r->text);
		free(r->link);
		free(r);
	}
	replies_init(rs);
}
