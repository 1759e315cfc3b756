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
	const char	*conf_path;
	bool		 console;
	int		 verbose;
};

/*
 * Loads config and content and starts every configured adapter.  Returns
 * NULL after printing the problems when the config or content is bad.
 */
struct bot	*bot_new(const struct bot_options *);
/* Runs until shutdown; returns the exit status. */
int		 bot_run(struct bot *);
void		 bot_free(struct bot *);

/* Routes msg and fills out; every adapter calls this. */
void		 bot_dispatch(struct bot *, const struct message *,
		    struct replies *out);

/*
 * Parses the config file and content again and swaps them in when both
 * are clean.  Returns 0, or -1 with the reasons logged and put in why
 * (a short summary for the admin who asked; may be NULL).
 */
int		 bot_reload(struct bot *, char *why, size_t whylen);

/* Begins a clean shutdown: adapters say goodbye, then the loop ends. */
void		 bot_shutdown(struct bot *);

#endif
