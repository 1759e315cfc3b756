/*
 * The IRC adapter's inside, shared by its files and by nothing else:
 *   irc.c        the state machine (connect, register, keep alive, drop,
 *                reconnect) and the public API of irc.h;
 *   irc-proto.c  the one dispatch table every server line goes through;
 *   irc-users.c  casemapping, channels, users, accounts and the one
 *                answer to "who sent this" (irc_identify);
 *   irc-watch.c  requesters a staff reply waits for (MONITOR, ISON);
 *   irc-say.c    rendering, the one choke point for text (irc_say), the
 *                output pump and staff-post acknowledgements;
 *   irc-lib.c    libircclient, behind one file;
 *   irc-conn.c   the socket, TLS and the loopback relay;
 *   irc-cap.c    CAP and SASL;  irc-out.c  queue and flood control;
 *   irc-line.c   line parsing.
 */
#ifndef IRC_INT_H
#define IRC_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "irc-line.h"
#include "irc.h"
#include "message.h"

#define IRC_NICK_MAX 64
#define IRC_ACCOUNT_MAX 128
#define IRC_TAGGED_MAX 64 /* account tags read, not yet handled */
#define IRC_BAN_PAUSE_MS (30 * 60 * 1000)

enum irc_state {
	IRC_ST_CONNECTING,
	IRC_ST_REGISTERING,
	IRC_ST_READY,
	IRC_ST_WAITING, /* for the reconnect timer */
	IRC_ST_STOPPED
};

struct irc_chan {
	char *name;
	char *key;
	bool wanted, joined, staff;
	int64_t retry_at;
};

struct irc_user {
	char *nick;     /* folded */
	char *account;  /* NULL unknown, "" none */
	uint64_t chans; /* bit i: both in irc->chans[i] (i < 64) */
	bool in_staff;
};

/* The account tag of a PRIVMSG, read by the relay before libircclient
 * handles the line. */
struct irc_tagged {
	char nick[IRC_NICK_MAX];       /* folded */
	char account[IRC_ACCOUNT_MAX]; /* "" not logged in */
};

/* A message held until a WHOIS says who sent it. */
struct irc_held {
	char *nick; /* folded */
	char *origin, *target, *text;
	int64_t deadline;
	bool known; /* account below is proved already (a tag) */
	bool uh_ok; /* WHOIS 311 matched origin's user@host */
	char account[IRC_ACCOUNT_MAX];
};

struct irc_watch; /* irc-watch.c */

struct irc_post {
	void (*cb)(void *, bool);
	void *arg;
	int refs;
	bool failed;
};

/* A staff-post line handed to irc-conn, done once end bytes are out. */
struct irc_inflight {
	struct irc_post *post;
	uint64_t end;
};

struct irc {
	struct loop *loop;
	const struct conf *conf;
	message_handler handler;
	void *harg;
	enum irc_state state;
	bool quitting;

	struct irc_conn *conn;
	struct irc_lib *lib;
	struct irc_cap *cap;
	struct irc_out *out;
	int src;
	bool lib_registered;

	char nick[IRC_NICK_MAX];
	char self[256]; /* nick!user@host from JOIN */
	size_t alt_next;
	char chantypes[16];
	char prefixes[16];
	bool rfc1459;
	char network[64];
	bool identify_wait;

	struct irc_chan *chans;
	size_t nchans;
	struct irc_user *users;
	size_t nusers;
	struct irc_inflight *infl;
	size_t ninfl;
	struct irc_tagged tagged[IRC_TAGGED_MAX];
	size_t tag_head, ntagged;
	struct irc_held *held;
	size_t nheld;
	struct irc_watch *watch;
	size_t nwatch;
	bool monitor; /* ISUPPORT MONITOR */
	uint64_t ison_sent, ison_done;

	uint64_t t_reg, t_ping, t_teardown, t_reconnect;
	uint64_t t_regain, t_join, t_identify, t_post, t_whois, t_watch;
	int64_t backoff_ms;
	int64_t ready_at;
	int64_t down_since; /* when the link last stopped being ready */
	int64_t ping_sent;
	bool ping_out;
	long lag_ms;
	int64_t ctcp_last;
	char down_reason[256];
	int64_t pause_ms;
	uint64_t quit_end; /* QUIT written at this offset */
	struct irc_post **done_posts;
	size_t ndone;
};

/* irc.c: the state machine. */
void irc_timer_clear(struct irc *, uint64_t *);
void irc_drop(struct irc *, const char *reason, int64_t pause_ms);
void irc_on_welcome(struct irc *, const char *nick);
void irc_next_nick(struct irc *);
void irc_regain_now(struct irc *);
void irc_join_pending(struct irc *);
void irc_join_retry(struct irc *, int64_t delay_ms);

/* irc-proto.c: returns whether a raw line goes on to libircclient. */
bool irc_proto_raw(struct irc *, const struct irc_line *);
void irc_proto_lib(struct irc *, const struct irc_line *);
/* Hands a message to the bot; account as irc_identify takes it. */
void irc_dispatch(struct irc *, const char *origin, const char *target,
    const char *text, const char *account);

/* irc-users.c */
bool irc_same(const struct irc *, const char *a, const char *b);
void irc_fold(const struct irc *, const char *s, char *out, size_t size);
bool irc_is_channel(const struct irc *, const char *s);
bool irc_is_me(const struct irc *, const char *nick);
struct irc_chan *irc_chan_find(struct irc *, const char *name);
struct irc_chan *irc_staff_chan(const struct irc *);
void irc_chan_move_bits(struct irc *, size_t from, size_t to);
struct irc_user *irc_user_find(struct irc *, const char *nick, bool create);
void irc_user_forget(struct irc *, const char *nick);
void irc_user_rename(struct irc *, const char *from, const char *to);
void irc_users_clear(struct irc *);
void irc_user_set_account(struct irc *, const char *nick, const char *acct);
void irc_member(struct irc *, struct irc_chan *, const char *nick, bool in);
void irc_members_clear(struct irc *, const struct irc_chan *);
void irc_names(struct irc *, const char *chan, const char *names);
void irc_identify(struct irc *, struct message *, const char *nick,
    const char *origin, const char *account);
bool irc_is_ctcp(const char *text);
void irc_tagged_push(struct irc *, const struct irc_line *);
void irc_on_message(
    struct irc *, const char *origin, const char *target, const char *raw);
void irc_held_whois(
    struct irc *, const char *nick, const char *uh, const char *account);
void irc_held_release(struct irc *, const char *fnick, bool answered);
void irc_held_clear(struct irc *);

/* irc-say.c */
void irc_control(struct irc *, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void irc_render(
    struct irc *, const char *nick, const char *chan, const struct replies *);
void irc_pump(struct irc *);
void irc_on_drop(void *arg, void *tag);
void irc_inflight_fail_all(struct irc *);
void irc_inflight_done(struct irc *, uint64_t total);
long irc_on_post_timer(void *arg);
/* As irc_post_staff, to target (a nick or channel) by PRIVMSG. */
int irc_post_to(struct irc *, const char *target, const char *text,
    void (*cb)(void *arg, bool ok), void *arg);

/* irc-watch.c: what the server says about watched nicks. */
void irc_watch_monitor(struct irc *, const char *list, bool online);
void irc_watch_monitor_full(struct irc *, const char *list);
void irc_watch_ison_reply(struct irc *, const char *list);
void irc_watch_account(struct irc *, const char *nick, const char *account);
void irc_watch_gone(struct irc *, const char *nick);
void irc_watch_changed(struct irc *, const char *nick);
void irc_watch_whois_end(struct irc *, const char *nick);
void irc_watch_reset(struct irc *);
void irc_watch_free(struct irc *);

#endif
