/*
 * Console adapter.  Input is read without blocking from the loop; a line
 * is at most MESSAGE_TEXT_MAX bytes (a longer one is skipped whole, with a
 * note), passes the sanitiser like any other user text, and is handed to
 * the router as a private message from "console".  Output is written with
 * plain stdio on the assumption that the reader keeps up (a terminal or a
 * pipe to a test).
 */
#define LOG_MODULE "console"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "log.h"
#include "loop.h"
#include "text.h"
#include "xmalloc.h"

struct console {
	struct loop *loop;
	int fd_in;
	FILE *out;
	message_handler handler;
	console_eof_cb on_eof;
	void *arg;
	char buf[MESSAGE_TEXT_MAX + 1];
	size_t len;
	bool skipping; /* inside an over-long line */
	bool eof;
};

void
console_print(struct console *co, const struct reply *r)
{
	char *plain, *line, *next;

	plain = text_render_plain(r->text);
	for (line = plain; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		fprintf(co->out, "%s\n", line);
	}
	if (r->link != NULL)
		fprintf(co->out, "%s\n", r->link);
	fflush(co->out);
	free(plain);
}

static void
console_line(struct console *co, const char *line, size_t len)
{
	struct replies rs;
	struct message m;
	struct reply *r;
	char *text;

	text = text_sanitize(line, len, MESSAGE_TEXT_MAX, 0);
	memset(&m, 0, sizeof(m));
	m.adapter = "console";
	m.sender = "console";
	m.sender_id = "console";
	m.text = text;
	m.is_private = true;
	m.is_admin = true; /* whoever holds the terminal runs the bot */
	m.is_staff = true;
	replies_init(&rs);
	co->handler(co->arg, &m, &rs);
	for (r = rs.head; r != NULL; r = r->next)
		console_print(co, r);
	replies_reset(&rs);
	free(text);
}

static void
console_on_read(void *arg, int fd, int events)
{
	struct console *co = arg;
	size_t start, i;
	ssize_t n;

	(void)events;
	n = read(fd, co->buf + co->len, sizeof(co->buf) - 1 - co->len);
	if (n == -1 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		if (n == -1)
			log_warn("read");
		/* A last line without a newline still counts. */
		if (co->len > 0 && !co->skipping)
			console_line(co, co->buf, co->len);
		co->len = 0;
		loop_fd_del(co->loop, fd);
		co->eof = true;
		co->on_eof(co->arg);
		return;
	}
	co->len += (size_t)n;
	start = 0;
	for (i = 0; i < co->len; i++) {
		if (co->buf[i] != '\n')
			continue;
		if (co->skipping)
			co->skipping = false;
		else
			console_line(co, co->buf + start, i - start);
		start = i + 1;
	}
	memmove(co->buf, co->buf + start, co->len - start);
	co->len -= start;
	if (co->len == sizeof(co->buf) - 1) {
		if (!co->skipping)
			fprintf(co->out,
			    "(line longer than %d bytes "
			    "ignored)\n",
			    MESSAGE_TEXT_MAX);
		co->skipping = true;
		co->len = 0;
	}
}

struct console *
console_new(struct loop *loop, int fd_in, int fd_out, message_handler h,
    console_eof_cb on_eof, void *arg)
{
	struct console *co;

	co = xcalloc(1, sizeof(*co));
	co->loop = loop;
	co->fd_in = fd_in;
	co->handler = h;
	co->on_eof = on_eof;
	co->arg = arg;
	if ((co->out = fdopen(dup(fd_out), "w")) == NULL)
		fatal("fdopen");
	if (loop_fd_add(loop, fd_in, LOOP_READ, console_on_read, co) == -1)
		fatalx("cannot watch standard input");
	return co;
}

void
console_free(struct console *co)
{
	if (co == NULL)
		return;
	if (!co->eof)
		loop_fd_del(co->loop, co->fd_in);
	fclose(co->out);
	free(co);
}
