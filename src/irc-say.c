/*
 * Rendering and the one choke point for text.  Every text line the bot
 * sends goes through irc_say: render, sanitise (CR, LF, NUL, controls,
 * formatting), cut at UTF-8 boundaries below the budget left by the
 * server's prefix, and queue in irc-out; irc-out and irc-conn check the
 * finished line once more.  irc_pump hands what flood control allows
 * straight to irc-conn (not through libircclient), and a staff post is
 * acknowledged once irc-conn reports the bytes of its last line written
 * to the server socket.
 */
#define _GNU_SOURCE
#define LOG_MODULE "irc"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irc-conn.h"
#include "irc-int.h"
#include "irc-out.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "text.h"
#include "xmalloc.h"

#define IRC_HOST_GUESS 63 /* host length assumed before JOIN */

/* --- staff posts --------------------------------------------------------- */

long
irc_on_post_timer(void *arg)
{
	struct irc *irc = arg;
	struct irc_post **done = irc->done_posts;
	size_t i, n = irc->ndone;

	irc->t_post = 0;
	irc->done_posts = NULL;
	irc->ndone = 0;
	for (i = 0; i < n; i++) {
		done[i]->cb(done[i]->arg, !done[i]->failed);
		free(done[i]);
	}
	free(done);
	return LOOP_TIMER_DONE;
}

/* Drops one reference; the callback runs from a timer, never inline. */
static void
irc_post_release(struct irc *irc, struct irc_post *p, bool ok)
{
	if (!ok)
		p->failed = true;
	if (--p->refs > 0)
		return;
	irc->done_posts = xreallocarray(
	    irc->done_posts, irc->ndone + 1, sizeof(*irc->done_posts));
	irc->done_posts[irc->ndone++] = p;
	if (irc->t_post == 0)
		irc->t_post =
		    loop_timer_add(irc->loop, 0, irc_on_post_timer, irc);
}

void
irc_on_drop(void *arg, void *tag)
{
	irc_post_release(arg, tag, false);
}

void
irc_inflight_fail_all(struct irc *irc)
{
	size_t i;

	for (i = 0; i < irc->ninfl; i++) {
		irc_post_release(irc, irc->infl[i].post, false);
	}
	free(irc->infl);
	irc->infl = NULL;
	irc->ninfl = 0;
}

/* irc-conn has written total bytes: posts whose lines are out are done. */
void
irc_inflight_done(struct irc *irc, uint64_t total)
{
	size_t n = 0;

	while (n < irc->ninfl && irc->infl[n].end <= total)
		irc_post_release(irc, irc->infl[n++].post, true);
	if (n > 0) {
		memmove(irc->infl, irc->infl + n,
		    (irc->ninfl - n) * sizeof(*irc->infl));
		irc->ninfl -= n;
	}
}

/* --- the one choke point for text -------------------------------------- */

/* Bytes of text that fit in "CMD target :<here>" once relayed. */
static size_t
irc_budget(const struct irc *irc, const char *cmd, const char *target)
{
	size_t self, fixed;

	if (irc->self[0] != '\0')
		self = strlen(irc->self);
	else
		self = strlen(irc->nick) + 2 + strlen(irc->conf->irc_username) +
		    1 + IRC_HOST_GUESS;
	/* ":" self " " cmd " " target " :" text, all below 510. */
	fixed = 1 + self + 1 + strlen(cmd) + 1 + strlen(target) + 2;
	return fixed + 32 >= IRC_LINE_MAX ? 32 : IRC_LINE_MAX - 1 - fixed;
}

/*
 * Queues text (plain, one paragraph or several separated by LF) to
 * target as cmd, each line starting with addr.  Returns the number of
 * lines queued (at most max_lines when > 0); -1 when none could be.
 */
static int
irc_say(struct irc *irc, const char *cmd, const char *target, const char *addr,
    const char *text, int max_lines, struct irc_post *post)
{
	char key[IRC_NICK_MAX * 2], line[IRC_LINE_MAX + 1];
	char *clean, *p, *para, *next;
	size_t budget, alen, n, len;
	int count = 0;

	irc_fold(irc, target, key, sizeof(key));
	budget = irc_budget(irc, cmd, target);
	alen = strlen(addr);
	if (alen + 16 > budget)
		alen = 0;
	clean = text_sanitize(text, strlen(text), 0, TEXT_KEEP_NEWLINES);
	for (para = clean; para != NULL; para = next) {
		if ((next = strchr(para, '\n')) != NULL)
			*next++ = '\0';
		p = para;
		while (*p == ' ')
			p++;
		len = strlen(p);
		while (len > 0) {
			if (max_lines > 0 && count >= max_lines)
				goto out;
			n = text_chunk(p, len, budget - alen);
			snprintf(line, sizeof(line), "%s %s :%.*s%.*s", cmd,
			    target, (int)alen, addr, (int)n, p);
			if (irc_out_push(irc->out, key, line, false, post) ==
			    -1) {
				metrics_inc(
				    "intakebot_irc_lines_dropped_total", NULL);
				if (post != NULL)
					post->failed = true;
				goto out;
			}
			if (post != NULL)
				post->refs++;
			count++;
			p += n;
			len -= n;
			while (len > 0 && *p == ' ') {
				p++;
				len--;
			}
		}
	}
out:
	free(clean);
	return count > 0 ? count : -1;
}

/* A protocol line of the bot's own (JOIN, NICK, WHOIS...), paced. */
void
irc_control(struct irc *irc, const char *fmt, ...)
{
	char line[IRC_LINE_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (irc_out_push(irc->out, NULL, line, true, NULL) == -1)
		log_warnx("control line refused");
}

void
irc_render(struct irc *irc, const char *nick, const char *chan,
    const struct replies *rs)
{
	const struct reply *r;
	char addr[IRC_NICK_MAX + 3], *plain, *all;
	const char *target, *cmd;
	bool priv;
	int n;

	for (r = rs->head; r != NULL; r = r->next) {
		priv = r->to == REPLY_PRIVATE || chan == NULL;
		target = priv ? nick : chan;
		cmd = priv ? "NOTICE" : "PRIVMSG";
		snprintf(addr, sizeof(addr), "%s: ", nick);
		plain = text_render_plain(r->text);
		if (r->is_long) {
			n = irc_say(irc, cmd, target, priv ? "" : addr, plain,
			    irc->conf->more_lines, NULL);
			if (n >= 0 && r->link != NULL)
				irc_say(irc, cmd, target, priv ? "" : addr,
				    r->link, 1, NULL);
		} else {
			/* The link goes last, on the same line when it fits. */
			if (r->link != NULL) {
				all = xasprintf("%s <%s>", plain, r->link);
				free(plain);
				plain = all;
			}
			irc_say(
			    irc, cmd, target, priv ? "" : addr, plain, 0, NULL);
		}
		free(plain);
	}
	irc_pump(irc);
}

/*
 * Hands irc-conn what flood control lets out now.  A line irc-conn will
 * not take (its buffer is full) waits for the next turn.
 */
void
irc_pump(struct irc *irc)
{
	const char *line;
	void *tag;
	long wait;
	int64_t now = loop_now_ms();

	if (irc->conn == NULL || irc->state != IRC_ST_READY)
		return;
	while ((line = irc_out_peek(irc->out, now, &tag, &wait)) != NULL) {
		/* Waiting before the send: irc-conn may report the bytes
		 * written from inside it. */
		if (tag != NULL) {
			irc->infl = xreallocarray(
			    irc->infl, irc->ninfl + 1, sizeof(*irc->infl));
			irc->infl[irc->ninfl].post = tag;
			irc->infl[irc->ninfl].end =
			    irc_conn_out_total(irc->conn) + strlen(line) + 2;
			irc->ninfl++;
		}
		if (irc_conn_send(irc->conn, line) != 0) {
			if (tag != NULL)
				irc->ninfl--;
			break;
		}
		metrics_inc("intakebot_irc_lines_sent_total", NULL);
		irc_out_done(irc->out, now);
	}
	metrics_set("intakebot_irc_queue_depth", NULL,
	    (int64_t)irc_out_depth(irc->out));
}

int
irc_post_staff(
    struct irc *irc, const char *text, void (*cb)(void *, bool), void *arg)
{
	if (!irc_staff_ready(irc))
		return -1;
	return irc_post_to(irc, irc_staff_chan(irc)->name, text, cb, arg);
}

int
irc_post_to(struct irc *irc, const char *target, const char *text,
    void (*cb)(void *, bool), void *arg)
{
	struct irc_post *p;
	char *plain;
	int n;

	p = xcalloc(1, sizeof(*p));
	p->cb = cb;
	p->arg = arg;
	p->refs = 1;
	plain = text_render_plain(text);
	n = irc_say(irc, "PRIVMSG", target, "", plain, 0, p);
	free(plain);
	if (n <= 0) {
		free(p);
		return -1;
	}
	p->refs--; /* the lines hold it now */
	irc_pump(irc);
	return 0;
}
