/*
 * The command table.  Each command has a descriptor with its name, other
 * names, usage, argument counts and who may run it; the router checks all
 * of that before it calls exec.  One cmd-<name>.c file per command.
 */
#ifndef CMD_H
#define CMD_H

#include <stdbool.h>
#include <stddef.h>

#include "message.h"
#include "router.h"

struct topic;

#define CMD_STAFF 0x1 /* staff channel or staff account only */
#define CMD_ADMIN 0x2 /* authenticated admins only */

struct cmd_ctx {
	const struct router_env *env;
	const struct message *msg;
	const char *lang; /* reply language */
	const char
	    *prefix;      /* how the asker invokes commands: "!", "/intake " */
	const char *name; /* the word typed, lower-case */
	const char *args; /* the rest, trimmed */
	char **argv;      /* args split on spaces */
	size_t argc;
	struct replies *out;
};

struct cmd_entry {
	const char *name;
	const char *aliases[4]; /* NULL-terminated */
	const char *usage;      /* catalogue key: "search WORDS" */
	size_t min_args, max_args;
	int flags;
	void (*exec)(struct cmd_ctx *);
};

/* The command whose name or alias is word, or NULL. */
const struct cmd_entry *cmd_find(const char *word);
/* Replies with e's usage ("Usage: !search WORDS") in x's language. */
void cmd_usage(struct cmd_ctx *x, const struct cmd_entry *e, enum reply_to to);
/* All commands, terminated by an entry with a NULL name. */
const struct cmd_entry *cmd_table(void);

/* Answers a topic: summary here, or the body privately with "more". */
void cmd_topic_exec(struct cmd_ctx *, const struct topic *);

void cmd_help_exec(struct cmd_ctx *);
void cmd_search_exec(struct cmd_ctx *);
void cmd_consult_exec(struct cmd_ctx *);
void cmd_pending_exec(struct cmd_ctx *);
void cmd_show_exec(struct cmd_ctx *);
void cmd_claim_exec(struct cmd_ctx *);
void cmd_done_exec(struct cmd_ctx *);
void cmd_reply_exec(struct cmd_ctx *);
void cmd_reload_exec(struct cmd_ctx *);
void cmd_join_exec(struct cmd_ctx *);
void cmd_part_exec(struct cmd_ctx *);
void cmd_status_exec(struct cmd_ctx *);

#endif
