/*
 * The one event loop.  Everything the bot does happens in callbacks run
 * from loop_run(): descriptor readiness, timers on the monotonic clock,
 * and the signal flags.  It is a select() loop because each library the
 * bot drives (libircclient, libmicrohttpd, libcurl multi) offers an
 * fd_set interface; descriptors at or above FD_SETSIZE are refused.
 */
#ifndef LOOP_H
#define LOOP_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/select.h>

struct loop;

#define LOOP_READ 0x1
#define LOOP_WRITE 0x2

/* A timer callback returns its next interval in ms, or LOOP_TIMER_DONE. */
#define LOOP_TIMER_DONE (-1L)

typedef void (*loop_fd_cb)(void *arg, int fd, int events);
typedef long (*loop_timer_cb)(void *arg);

/*
 * A source drives a library that manages its own descriptors: before each
 * wait the loop asks it to add descriptors to the sets and for its next
 * deadline (ms, -1 for none); after the wait it processes the sets.
 */
struct loop_source {
	void (*fdset)(void *arg, fd_set *rd, fd_set *wr, int *maxfd);
	long (*timeout_ms)(void *arg);
	void (*process)(void *arg, fd_set *rd, fd_set *wr);
	void *arg;
};

enum loop_signal { LOOP_SIG_HUP, LOOP_SIG_TERM, LOOP_SIG_COUNT };
typedef void (*loop_signal_cb)(void *arg, enum loop_signal);

struct loop *loop_new(void);
void loop_free(struct loop *);

/* Watches fd for events; 0, or -1 when fd is out of range. */
int loop_fd_add(struct loop *, int fd, int events, loop_fd_cb, void *arg);
/* Changes the events watched on fd (0 pauses it). */
void loop_fd_set_events(struct loop *, int fd, int events);
void loop_fd_del(struct loop *, int fd);

/* Returns a timer id (> 0) that fires after ms. */
uint64_t loop_timer_add(struct loop *, long ms, loop_timer_cb, void *arg);
void loop_timer_del(struct loop *, uint64_t id);

/* The source struct is copied.  Returns a handle for loop_source_del. */
int loop_source_add(struct loop *, const struct loop_source *);
void loop_source_del(struct loop *, int handle);

/* Installs handlers for SIGHUP, SIGTERM and SIGINT, and ignores SIGPIPE. */
void loop_signals_init(struct loop *, loop_signal_cb, void *arg);

/* Runs until loop_stop(); returns 0. */
int loop_run(struct loop *);
void loop_stop(struct loop *);
bool loop_is_running(const struct loop *);

/* Milliseconds on the monotonic clock. */
int64_t loop_now_ms(void);

#endif
