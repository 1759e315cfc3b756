/*
 * The command table.  Adding a command means one entry here and one
 * cmd-<name>.c file; the router does the checks described in cmd.h.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "cmd.h"

static const struct cmd_entry cmd_entries[] = {
    {"help", {"topics", "ayuda", "temas", NULL}, "usage.help", 0, 1, 0,
        cmd_help_exec},
    {"search", {"buscar", "find", NULL}, "usage.search", 1, 16, 0,
        cmd_search_exec},
    {"consult", {NULL}, "usage.consult", 0, 1000, 0, cmd_consult_exec},
    {"pending", {"pendientes", NULL}, "usage.pending", 0, 0, CMD_STAFF,
        cmd_pending_exec},
    {"show", {"ver", NULL}, "usage.show", 1, 1, CMD_STAFF, cmd_show_exec},
    {"claim", {"asignar", NULL}, "usage.claim", 1, 1, CMD_STAFF,
        cmd_claim_exec},
    {"done", {"cerrar", NULL}, "usage.done", 1, 1, CMD_STAFF, cmd_done_exec},
    {"reply", {"responder", NULL}, "usage.reply", 2, 1000, CMD_STAFF,
        cmd_reply_exec},
    {"reload", {NULL}, "usage.reload", 0, 0, CMD_ADMIN, cmd_reload_exec},
    {"join", {NULL}, "usage.join", 1, 1, CMD_ADMIN, cmd_join_exec},
    {"part", {NULL}, "usage.part", 1, 1, CMD_ADMIN, cmd_part_exec},
    {"status", {"estado", NULL}, "usage.status", 0, 0, CMD_ADMIN,
        cmd_status_exec},
    {NULL, {NULL}, NULL, 0, 0, 0, NULL},
};

const struct cmd_entry *
cmd_table(void)
{
	return cmd_entries;
}

const struct cmd_entry *
cmd_find(const char *word)
{
	const struct cmd_entry *e;
	size_t i;

	for (e = cmd_entries; e->name != NULL; e++) {
		if (strcasecmp(e->name, word) == 0)
			return e;
		for (i = 0; e->aliases[i] != NULL; i++)
			if (strcasecmp(e->aliases[i], word) == 0)
				return e;
	}
	return NULL;
}

void
cmd_usage(struct cmd_ctx *x, const struct cmd_entry *e, enum reply_to to)
{
	char *usage = catalog_say(x->lang, e->usage, NULL);

	catalog_reply(x->out, to, x->lang, "router.usage", "prefix", x->prefix,
	    "usage", usage, NULL);
	free(usage);
}
