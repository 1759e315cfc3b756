/*
 * The router: takes a neutral message, decides whether it is meant for the
 * bot (prefix, "intakebot: ...", or anything in private), finds the
 * command or topic, and fills neutral replies.  It holds borrowed pointers
 * to the current config and content; a reload hands it new ones.
 */
#ifndef ROUTER_H
#define ROUTER_H

#include "message.h"

struct conf;
struct consult;
struct content;
struct intake;

/*
 * What the commands may use.  Pointers are borrowed; later modules add
 * theirs here (consultation store, adapters' status) so commands reach
 * them without globals.
 */
struct router_env {
	const struct conf *conf;
	const struct content *content;
	struct consult *consult; /* consultation requests */
	struct intake *intake;   /* guided intake dialogues, may be NULL */
	void *app;               /* the bot, for status commands */
};

struct router;

struct router *router_new(const struct router_env *);
void router_free(struct router *);
/* Replaces config and content after a reload (both borrowed). */
void router_set_env(struct router *, const struct router_env *);
const struct router_env *router_env(const struct router *);

/* Handles msg, appending replies (possibly none) to out. */
void router_handle(
    struct router *, const struct message *, struct replies *out);

/* The bot's own command words (NULL-terminated), reserved in content. */
const char *const *router_reserved(void);

/* The language used for msg: per-channel, else the bot's default. */
const char *router_language(const struct router *, const struct message *);

#endif
