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
	rs->open_form = false;
	rs->form_lang[0] = '\0';
}

/* Appends a reply that takes text (and link, may be NULL). */
static struct reply *
replies_push(struct replies *rs, enum reply_to to, char *text, char *link)
{
	struct reply *r;

	r = xcalloc(1, sizeof(*r));
	r->to = to;
	r->text = text;
	r->link = link;
	*rs->tail = r;
	rs->tail = &r->next;
	rs->count++;
	return r;
}

struct reply *
replies_add(
    struct replies *rs, enum reply_to to, const char *text, const char *link)
{
	return replies_push(
	    rs, to, xstrdup(text), link != NULL ? xstrdup(link) : NULL);
}

struct reply *
replies_addf(struct replies *rs, enum reply_to to, const char *fmt, ...)
{
	char small[512], *text;
	va_list ap;
	int n;

	/*
	 * Most replies fit the stack buffer: one formatting pass.  A longer
	 * one is formatted again into a buffer of its size.
	 */
	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return replies_push(rs, to, xstrdup(""), NULL);
	if ((size_t)n < sizeof(small))
		return replies_push(rs, to, xstrdup(small), NULL);
	text = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(text, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return replies_push(rs, to, text, NULL);
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
