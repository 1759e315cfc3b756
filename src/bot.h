/*
 * The bot: the running whole, built by main.c.  It owns the loop, the
 * current config and content, the router and the adapters, and it is
 * what adapters call with each message.  Reload and shutdown live here.
 */
#ifndef BOT_H
#define BOT_H

#include <stdbool.h>
#include <stdint.h>

#include "message.h"

struct bot;

struct bot_options {
	const char *conf_path;
	bool console;
	int verbose;
};

/*
 * Loads config and content and starts every configured adapter.  Returns
 * NULL after printing the problems when the config or content is bad.
 */
struct bot *bot_new(const struct bot_options *);
/* Runs until shutdown; returns the exit status. */
int bot_run(struct bot *);
void bot_free(struct bot *);

/* Routes msg and fills out; every adapter calls this. */
void bot_dispatch(struct bot *, const struct message *, struct replies *out);

/*
 * Parses the config file and content again and swaps them in when both
 * are clean.  Returns 0, or -1 with the reasons logged and put in why
 * (a short summary for the admin who asked; may be NULL).
 */
int bot_reload(struct bot *, char *why, size_t whylen);

/* !status: connections, queues, pending requests, topics, uptime. */
void bot_status(struct bot *, const char *lang, struct replies *out);

/*
 * Joins or parts an IRC channel for the admin who asked; 0, or -1 with
 * the reason in why.
 */
int bot_join(
    struct bot *, const char *channel, bool join, char *why, size_t whylen);

/* Records an admin action in the audit trail (store) and the log. */
void bot_audit(
    struct bot *, const char *who, const char *action, const char *result);

/* Begins a clean shutdown: adapters say goodbye, then the loop ends. */
void bot_shutdown(struct bot *);

#endif
