/*
 * The select() loop.  Timers live in a small unsorted array: the bot has a
 * handful of them (keep-alive, reconnect, retries, flood refill), so a
 * linear scan each turn costs less than keeping a heap.  Signal handlers
 * only set flags; the loop turns them into callbacks between waits.
 */
#define LOG_MODULE "loop"
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "loop.h"
#include "xmalloc.h"

#define LOOP_SOURCES_MAX 16

struct loop_fd {
	int events;
	loop_fd_cb cb;
	void *arg;
	bool used;
};

struct loop_timer {
	uint64_t id;
	int64_t due;
	loop_timer_cb cb;
	void *arg;
};

struct loop {
	struct loop_fd fds[FD_SETSIZE];
	int maxfd;
	struct loop_timer *timers;
	size_t ntimers, timers_cap;
	uint64_t next_timer_id;
	struct loop_source sources[LOOP_SOURCES_MAX];
	bool source_used[LOOP_SOURCES_MAX];
	loop_signal_cb sig_cb;
	void *sig_arg;
	bool running;
};

static volatile sig_atomic_t loop_sig_flags[LOOP_SIG_COUNT];

static void
loop_on_signal(int sig)
{
	if (sig == SIGHUP)
		loop_sig_flags[LOOP_SIG_HUP] = 1;
	else
		loop_sig_flags[LOOP_SIG_TERM] = 1;
}

int64_t
loop_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct loop *
loop_new(void)
{
	struct loop *l;

	l = xcalloc(1, sizeof(*l));
	l->maxfd = -1;
	l->next_timer_id = 1;
	return l;
}

void
loop_free(struct loop *l)
{
	if (l == NULL)
		return;
	free(l->timers);
	free(l);
}

int
loop_fd_add(struct loop *l, int fd, int events, loop_fd_cb cb, void *arg)
{
	if (fd < 0 || fd >= FD_SETSIZE) {
		log_warnx("descriptor %d out of range", fd);
		return -1;
	}
	l->fds[fd] = (struct loop_fd){events, cb, arg, true};
	if (fd > l->maxfd)
		l->maxfd = fd;
	return 0;
}

void
loop_fd_set_events(struct loop *l, int fd, int events)
{
	if (fd >= 0 && fd < FD_SETSIZE && l->fds[fd].used)
		l->fds[fd].events = events;
}

void
loop_fd_del(struct loop *l, int fd)
{
	if (fd < 0 || fd >= FD_SETSIZE)
		return;
	memset(&l->fds[fd], 0, sizeof(l->fds[fd]));
	while (l->maxfd >= 0 && !l->fds[l->maxfd].used)
		l->maxfd--;
}

uint64_t
loop_timer_add(struct loop *l, long ms, loop_timer_cb cb, void *arg)
{
	struct loop_timer *t;

	if (l->ntimers == l->timers_cap) {
		l->timers_cap = l->timers_cap ? l->timers_cap * 2 : 8;
		l->timers =
		    xreallocarray(l->timers, l->timers_cap, sizeof(*l->timers));
	}
	t = &l->timers[l->ntimers++];
	t->id = l->next_timer_id++;
	t->due = loop_now_ms() + (ms < 0 ? 0 : ms);
	t->cb = cb;
	t->arg = arg;
	return t->id;
}

void
loop_timer_del(struct loop *l, uint64_t id)
{
	size_t i;

	for (i = 0; i < l->ntimers; i++) {
		if (l->timers[i].id == id) {
			l->timers[i] = l->timers[--l->ntimers];
			return;
		}
	}
}

int
loop_source_add(struct loop *l, const struct loop_source *src)
{
	int i;

	for (i = 0; i < LOOP_SOURCES_MAX; i++) {
		if (!l->source_used[i]) {
			l->sources[i] = *src;
			l->source_used[i] = true;
			return i;
		}
	}
	fatalx("too many loop sources");
}

void
loop_source_del(struct loop *l, int handle)
{
	if (handle >= 0 && handle < LOOP_SOURCES_MAX)
		l->source_used[handle] = false;
}

void
loop_signals_init(struct loop *l, loop_signal_cb cb, void *arg)
{
	struct sigaction sa;

	l->sig_cb = cb;
	l->sig_arg = arg;
	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = loop_on_signal;
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);
}

void
loop_stop(struct loop *l)
{
	l->running = false;
}

bool
loop_is_running(const struct loop *l)
{
	return l->running;
}

/* Runs every due timer once; returns ms until the next one, or -1. */
static long
loop_run_timers(struct loop *l)
{
	int64_t now, next = -1;
	size_t i;
	long ival;

	now = loop_now_ms();
	for (i = 0; i < l->ntimers;) {
		struct loop_timer *t = &l->timers[i];
		uint64_t id = t->id;

		if (t->due > now) {
			i++;
			continue;
		}
		ival = t->cb(t->arg);
		/* The callback may have added or removed timers. */
		for (i = 0; i < l->ntimers && l->timers[i].id != id; i++)
			;
		if (i == l->ntimers) {
			i = 0;
			continue;
		}
		if (ival == LOOP_TIMER_DONE)
			l->timers[i] = l->timers[--l->ntimers];
		else
			l->timers[i++].due = now + (ival < 0 ? 0 : ival);
		/* Start over so that no timer is skipped after a swap. */
		i = 0;
		now = loop_now_ms();
		if (!l->running)
			break;
	}
	for (i = 0; i < l->ntimers; i++)
		if (next < 0 || l->timers[i].due - now < next)
			next = l->timers[i].due - now;
	return next < 0 ? -1 : (long)(next < 0 ? 0 : next);
}

static void
loop_dispatch_signals(struct loop *l)
{
	int s;

	for (s = 0; s < LOOP_SIG_COUNT; s++) {
		if (loop_sig_flags[s]) {
			loop_sig_flags[s] = 0;
			if (l->sig_cb != NULL)
				l->sig_cb(l->sig_arg, (enum loop_signal)s);
		}
	}
}

int
loop_run(struct loop *l)
{
	fd_set rd, wr;
	struct timeval tv, *tvp;
	long wait, t;
	int fd, i, maxfd, n;

	l->running = true;
	while (l->running) {
		loop_dispatch_signals(l);
		if (!l->running)
			break;
		wait = loop_run_timers(l);
		if (!l->running)
			break;
		FD_ZERO(&rd);
		FD_ZERO(&wr);
		maxfd = -1;
		for (fd = 0; fd <= l->maxfd; fd++) {
			if (!l->fds[fd].used)
				continue;
			if (l->fds[fd].events & LOOP_READ)
				FD_SET(fd, &rd);
			if (l->fds[fd].events & LOOP_WRITE)
				FD_SET(fd, &wr);
			if (l->fds[fd].events && fd > maxfd)
				maxfd = fd;
		}
		for (i = 0; i < LOOP_SOURCES_MAX; i++) {
			if (!l->source_used[i])
				continue;
			if (l->sources[i].fdset != NULL)
				l->sources[i].fdset(
				    l->sources[i].arg, &rd, &wr, &maxfd);
			if (l->sources[i].timeout_ms != NULL) {
				t = l->sources[i].timeout_ms(l->sources[i].arg);
				if (t >= 0 && (wait < 0 || t < wait))
					wait = t;
			}
		}
		/* A wake-up at least every second bounds any missed deadline.
		 */
		if (wait < 0 || wait > 1000)
			wait = 1000;
		tv.tv_sec = wait / 1000;
		tv.tv_usec = (wait % 1000) * 1000;
		tvp = &tv;
		n = select(maxfd + 1, &rd, &wr, NULL, tvp);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("select");
		}
		for (fd = 0; fd <= l->maxfd && n > 0; fd++) {
			int ev = 0;

			if (!l->fds[fd].used)
				continue;
			if ((l->fds[fd].events & LOOP_READ) &&
			    FD_ISSET(fd, &rd))
				ev |= LOOP_READ;
			if ((l->fds[fd].events & LOOP_WRITE) &&
			    FD_ISSET(fd, &wr))
				ev |= LOOP_WRITE;
			if (ev != 0) {
				FD_CLR(fd, &rd);
				FD_CLR(fd, &wr);
				l->fds[fd].cb(l->fds[fd].arg, fd, ev);
			}
		}
		for (i = 0; i < LOOP_SOURCES_MAX; i++)
			if (l->source_used[i] && l->sources[i].process != NULL)
				l->sources[i].process(
				    l->sources[i].arg, &rd, &wr);
	}
	return 0;
}
