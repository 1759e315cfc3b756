/*
 * The console adapter: chat lines from standard input as the local user
 * "console" in a private conversation, replies as plain text on standard
 * output.  At the end of its input it calls on_eof once.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include "message.h"

struct loop;
struct console;

typedef void (*console_eof_cb)(void *arg);

struct console *console_new(struct loop *, int fd_in, int fd_out,
    message_handler, console_eof_cb, void *arg);
void console_free(struct console *);

/* Prints one reply as the console renders it (plain text). */
void console_print(struct console *, const struct reply *);

#endif
