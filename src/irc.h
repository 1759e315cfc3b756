/*
 * The IRC adapter.  It keeps the bot on one IRC server: connects (TLS or
 * plaintext, through irc-conn), registers with CAP/SASL or NickServ, joins
 * the configured channels and the staff channel, reconnects with backoff,
 * and turns PRIVMSGs into neutral messages for the router and the replies
 * back into safe, flood-controlled IRC lines.  libircclient is used only
 * inside irc-lib.c; irc-int.h names the adapter's files.
 *
 * The conf given to irc_new and irc_reload is borrowed and must stay
 * valid until the next irc_reload or irc_free.
 */
#ifndef IRC_H
#define IRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "message.h"

struct loop;
struct conf;
struct irc;

/* Starts connecting at once.  Never NULL. */
struct irc *irc_new(
    struct loop *, const struct conf *, message_handler, void *arg);
/* Drops the connection without a QUIT and frees everything. */
void irc_free(struct irc *);

/*
 * Applies a new config without reconnecting: joins and parts channels,
 * changes nick, adopts new flood limits.  Server, port, TLS and SASL
 * changes take effect at the next connection (logged).
 */
void irc_reload(struct irc *, const struct conf *);

/*
 * Sends QUIT with reason (may be NULL) and stops reconnecting.
 * irc_is_stopped turns true once the server closed the link, or at once
 * when there was no connection.
 */
void irc_quit(struct irc *, const char *reason);
bool irc_is_stopped(const struct irc *);

/*
 * Queues neutral text (rendered, sanitised, split) for the staff channel.
 * cb(arg, true) runs once all its lines were written to the server
 * socket, cb(arg, false) if the connection dropped first; cb runs from
 * the loop, never from inside this call.  Returns 0, or -1 at once
 * (no cb) when not connected and joined to the staff channel, or when
 * the queue is full.
 */
int irc_post_staff(
    struct irc *, const char *text, void (*cb)(void *arg, bool ok), void *arg);
bool irc_staff_ready(const struct irc *);

/*
 * Whether a staff reply may go to nick now: it is online and a WHOIS
 * since the last reply to it found it logged in to account (NULL or "":
 * any account or none).  Starts watching nick (MONITOR where the server
 * offers it, else ISON every few seconds) and asks the WHOIS when
 * needed; false means "wait, ask again later".
 */
bool irc_requester_ready(struct irc *, const char *nick, const char *account);
/*
 * Sends text to nick by PRIVMSG, as irc_post_staff does to the staff
 * channel, when irc_requester_ready(nick, account) holds; -1 at once
 * otherwise.  Each reply needs a WHOIS of its own.
 */
int irc_post_private(struct irc *, const char *nick, const char *account,
    const char *text, void (*cb)(void *arg, bool ok), void *arg);

/*
 * Joins (join true) or parts a channel at an admin's request; it stays
 * so across reconnects until the next reload, which applies the config's
 * channel list again.  Returns 0, or -1 with the reason in why (which may
 * also hold a note on success).
 */
int irc_channel_set(
    struct irc *, const char *channel, bool join, char *why, size_t whylen);

/* Milliseconds since the link stopped being registered; 0 while it is. */
int64_t irc_down_ms(const struct irc *);

/* Appends a one-paragraph summary for !status: state, nick, lag, queue,
 * channels. */
void irc_status(const struct irc *, struct buf *);

#endif
