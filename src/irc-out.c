/*
 * Output queue and flood control for the IRC adapter.  Queues are small
 * linked lists; the set of targets with something queued is a short array
 * walked round robin from a cursor, so each target gets one line in turn.
 * The token bucket refills continuously from the monotonic time given by
 * the caller; a line costs one line token and len + 2 byte tokens.
 */
#include <stdlib.h>
#include <string.h>

#include "irc-out.h"
#include "xmalloc.h"

struct irc_out_line {
	char *text;
	void *tag;
	struct irc_out_line *next;
};

struct irc_out_queue {
	char *target; /* NULL for the control queue */
	struct irc_out_line *head, **tail;
	size_t count;
};

struct irc_out {
	struct irc_out_queue control;
	struct irc_out_queue **queues;
	size_t nqueues, cap;
	size_t cursor;
	size_t total;
	/* The queue last peeked: control, or an index into queues. */
	struct irc_out_queue *peeked;
	/* Bucket. */
	bool unlimited;
	double line_rate, line_cap, lines; /* per ms */
	double byte_rate, byte_cap, bytes; /* per ms */
	int64_t last_ms;
	bool started;
};

static void
irc_out_queue_init(struct irc_out_queue *q, const char *target)
{
	q->target = target != NULL ? xstrdup(target) : NULL;
	q->head = NULL;
	q->tail = &q->head;
	q->count = 0;
}

void
irc_out_set_rate(
    struct irc_out *o, int lines_per_10s, int burst, int bytes_per_s)
{
	double bcap;

	o->unlimited = lines_per_10s <= 0;
	o->line_rate = lines_per_10s / 10000.0;
	o->line_cap = burst > 0 ? burst : 1;
	bcap = burst * 256.0;
	if (bcap < 512)
		bcap = 512;
	if (bcap > 1536)
		bcap = 1536;
	o->byte_cap = bcap;
	o->byte_rate = (bytes_per_s > 0 ? bytes_per_s : 256) / 1000.0;
	if (!o->started) {
		o->lines = o->line_cap;
		o->bytes = o->byte_cap;
	}
	if (o->lines > o->line_cap)
		o->lines = o->line_cap;
	if (o->bytes > o->byte_cap)
		o->bytes = o->byte_cap;
}

struct irc_out *
irc_out_new(int lines_per_10s, int burst, int bytes_per_s)
{
	struct irc_out *o;

	o = xcalloc(1, sizeof(*o));
	irc_out_queue_init(&o->control, NULL);
	irc_out_set_rate(o, lines_per_10s, burst, bytes_per_s);
	return o;
}

static void
irc_out_queue_drain(
    struct irc_out_queue *q, void (*drop)(void *, void *), void *arg)
{
	struct irc_out_line *l, *next;

	for (l = q->head; l != NULL; l = next) {
		next = l->next;
		if (drop != NULL && l->tag != NULL)
			drop(arg, l->tag);
		free(l->text);
		free(l);
	}
	q->head = NULL;
	q->tail = &q->head;
	q->count = 0;
}

void
irc_out_clear(struct irc_out *o, void (*drop)(void *, void *), void *arg)
{
	size_t i;

	irc_out_queue_drain(&o->control, drop, arg);
	for (i = 0; i < o->nqueues; i++) {
		irc_out_queue_drain(o->queues[i], drop, arg);
		free(o->queues[i]->target);
		free(o->queues[i]);
	}
	o->nqueues = 0;
	o->cursor = 0;
	o->total = 0;
	o->peeked = NULL;
}

void
irc_out_free(struct irc_out *o)
{
	if (o == NULL)
		return;
	irc_out_clear(o, NULL, NULL);
	free(o->queues);
	free(o);
}

bool
irc_out_line_ok(const char *line)
{
	size_t n;

	n = strcspn(line, "\r\n");
	return line[n] == '\0' && n > 0 && n < IRC_LINE_MAX;
}

int
irc_out_push(struct irc_out *o, const char *target, const char *line,
    bool control, void *tag)
{
	struct irc_out_queue *q = NULL;
	struct irc_out_line *l;
	size_t i;

	if (!irc_out_line_ok(line) || o->total >= IRC_OUT_TOTAL_MAX)
		return -1;
	if (control || target == NULL) {
		q = &o->control;
	} else {
		for (i = 0; i < o->nqueues; i++)
			if (strcmp(o->queues[i]->target, target) == 0)
				q = o->queues[i];
		if (q == NULL) {
			if (o->nqueues == o->cap) {
				o->cap = o->cap ? o->cap * 2 : 8;
				o->queues = xreallocarray(
				    o->queues, o->cap, sizeof(*o->queues));
			}
			q = xcalloc(1, sizeof(*q));
			irc_out_queue_init(q, target);
			o->queues[o->nqueues++] = q;
		}
	}
	if (q != &o->control && q->count >= IRC_OUT_TARGET_MAX)
		return -1;
	l = xcalloc(1, sizeof(*l));
	l->text = xstrdup(line);
	l->tag = tag;
	*q->tail = l;
	q->tail = &l->next;
	q->count++;
	o->total++;
	return 0;
}

static void
irc_out_refill(struct irc_out *o, int64_t now)
{
	double dt;

	if (!o->started) {
		o->started = true;
		o->last_ms = now;
		return;
	}
	dt = (double)(now - o->last_ms);
	if (dt <= 0)
		return;
	o->last_ms = now;
	o->lines += dt * o->line_rate;
	if (o->lines > o->line_cap)
		o->lines = o->line_cap;
	o->bytes += dt * o->byte_rate;
	if (o->bytes > o->byte_cap)
		o->bytes = o->byte_cap;
}

const char *
irc_out_peek(struct irc_out *o, int64_t now, void **tag, long *wait_ms)
{
	struct irc_out_queue *q;
	double need, w1 = 0, w2 = 0;

	o->peeked = NULL;
	*tag = NULL;
	if (o->total == 0) {
		*wait_ms = -1;
		return NULL;
	}
	if (o->control.head != NULL)
		q = &o->control;
	else {
		if (o->cursor >= o->nqueues)
			o->cursor = 0;
		q = o->queues[o->cursor];
	}
	if (!o->unlimited) {
		irc_out_refill(o, now);
		need = (double)strlen(q->head->text) + 2;
		if (need > o->byte_cap)
			need = o->byte_cap;
		if (o->lines < 1)
			w1 = (1 - o->lines) / o->line_rate;
		if (o->bytes < need)
			w2 = (need - o->bytes) / o->byte_rate;
		if (w1 > 0 || w2 > 0) {
			*wait_ms = (long)(w1 > w2 ? w1 : w2) + 1;
			return NULL;
		}
	}
	o->peeked = q;
	*tag = q->head->tag;
	*wait_ms = 0;
	return q->head->text;
}

void
irc_out_done(struct irc_out *o, int64_t now)
{
	struct irc_out_queue *q = o->peeked;
	struct irc_out_line *l;
	double cost;
	size_t i;

	if (q == NULL || q->head == NULL)
		return;
	o->peeked = NULL;
	l = q->head;
	if (!o->unlimited) {
		irc_out_refill(o, now);
		cost = (double)strlen(l->text) + 2;
		if (cost > o->byte_cap)
			cost = o->byte_cap;
		o->lines -= 1;
		o->bytes -= cost;
	}
	if ((q->head = l->next) == NULL)
		q->tail = &q->head;
	q->count--;
	o->total--;
	free(l->text);
	free(l);
	if (q == &o->control)
		return;
	/* Next turn goes to the next target; an empty queue leaves the ring. */
	for (i = 0; i < o->nqueues && o->queues[i] != q; i++)
		;
	if (q->count == 0) {
		free(q->target);
		free(q);
		memmove(&o->queues[i], &o->queues[i + 1],
		    (o->nqueues - i - 1) * sizeof(*o->queues));
		o->nqueues--;
		if (o->cursor > i)
			o->cursor--;
	} else
		o->cursor = i + 1;
	if (o->cursor >= o->nqueues)
		o->cursor = 0;
}

size_t
irc_out_depth(const struct irc_out *o)
{
	return o->total;
}
