/*
 * The IRC output queue: one FIFO per target, served round robin so that a
 * busy channel cannot delay the staff channel or a private answer, plus a
 * control FIFO served first (JOIN, NICK, PING, CTCP replies).  A token
 * bucket counting both lines and bytes decides when the next line may go.
 * This is also the last guard before the wire: a line that is 510 bytes
 * or longer, or carries CR, LF or NUL, is refused here whatever its origin.
 * Pure data structure: time is passed in, nothing here does I/O.
 */
#ifndef IRC_OUT_H
#define IRC_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest line without CR-LF that may be written (RFC 1459: 512 with it). */
#define IRC_LINE_MAX 510
#define IRC_OUT_TARGET_MAX 64  /* lines queued per target */
#define IRC_OUT_TOTAL_MAX 2048 /* lines queued in all */

struct irc_out;

/*
 * lines_per_10s 0 turns the limiter off (benchmarks against a server with
 * flood control off).  bytes_per_s is the byte refill rate; the byte
 * bucket holds max(512, burst * 256) bytes, capped at 1536 so a burst
 * never fills ngircd's 2 KiB receive buffer.
 */
struct irc_out *irc_out_new(int lines_per_10s, int burst, int bytes_per_s);
void irc_out_free(struct irc_out *);
/* Changes the rates (reload); tokens already earned are kept, capped. */
void irc_out_set_rate(
    struct irc_out *, int lines_per_10s, int burst, int bytes_per_s);

/* True when line may be written to an IRC server as it is. */
bool irc_out_line_ok(const char *line);

/*
 * Queues a copy of line for target (compared case-sensitively; callers
 * pass the folded name).  control lines skip the per-target queues.  tag
 * is handed back by irc_out_peek and to the drop callback.  Returns 0, or
 * -1 when the line is refused (irc_out_line_ok) or the queue is full.
 */
int irc_out_push(struct irc_out *, const char *target, const char *line,
    bool control, void *tag);

/*
 * The line that should go next, borrowed until irc_out_done or the next
 * push, or NULL.  With NULL, *wait_ms is how long until the bucket allows
 * the next line (-1: nothing queued).
 */
const char *irc_out_peek(
    struct irc_out *, int64_t now_ms, void **tag, long *wait_ms);
/* Removes the line last peeked and charges the bucket for it. */
void irc_out_done(struct irc_out *, int64_t now_ms);

size_t irc_out_depth(const struct irc_out *);

/* Empties every queue, calling drop(arg, tag) for each line's tag. */
void irc_out_clear(struct irc_out *, void (*drop)(void *, void *), void *arg);

#endif
