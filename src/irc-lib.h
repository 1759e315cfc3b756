/*
 * libircclient behind one file.  irc-lib.c is the only file that includes
 * the library's header: it creates a session connected to the relay port of
 * irc-conn, turns every callback of the library into a struct irc_line
 * (prefix, command or three-digit numeric, parameters) for one line
 * callback, and drives the session from the loop's fd_sets.  The library
 * parses what the server sends and answers PING; the bot's own lines do
 * not go through it (they go to irc-conn directly).
 *
 * Pseudo-commands: the library gives a CTCP request without its
 * target, as "CTCP" with the request text as the only parameter.
 */
#ifndef IRC_LIB_H
#define IRC_LIB_H

#include <sys/select.h>

#include "irc-line.h"

/* The longest line (without CR-LF) the library's 1 KiB reader takes. */
#define IRC_LIB_LINE_MAX 1000

struct irc_lib;

/* The line's pointers are valid during the call only. */
typedef void (*irc_lib_line_cb)(void *arg, const struct irc_line *);

/*
 * Connects a new session to 127.0.0.1:port.  Returns NULL with a reason
 * in why.  The library's own PASS/NICK/USER carry fixed, '%'-free words.
 */
struct irc_lib *irc_lib_new(
    int port, irc_lib_line_cb, void *arg, char *why, size_t whylen);
void irc_lib_free(struct irc_lib *);

/* The session's socket, -1 when there is none. */
int irc_lib_fd(struct irc_lib *);

void irc_lib_fdset(struct irc_lib *, fd_set *rd, fd_set *wr, int *maxfd);

/*
 * Runs the session on what select found, calling the line callback for
 * each line read.  Returns 0, or -1 once the session is gone (why then
 * says why).  Never free the lib from inside the line callback.
 */
int irc_lib_process(
    struct irc_lib *, fd_set *rd, fd_set *wr, char *why, size_t whylen);

#endif
