/*
 * Admin commands: !reload, !join #chan, !part #chan, !status.  The router
 * lets only authenticated admins reach them (an IRC services account or a
 * hostmask from [irc] admins, never a bare nick; the local console).
 * Every action goes to the audit trail with its result.
 */
#include <stdio.h>

#include "bot.h"
#include "buf.h"
#include "catalog.h"
#include "cmd.h"
#include "metrics.h"

/* "alice (irc, account bob)" for the audit trail. */
static void
cmd_admin_who(struct cmd_ctx *x, char *who, size_t len)
{
	const struct message *m = x->msg;

	snprintf(who, len, "%s (%s%s%s)", m->sender, m->adapter,
	    m->account != NULL ? ", account " : "",
	    m->account != NULL ? m->account : "");
}

void
cmd_reload_exec(struct cmd_ctx *x)
{
	char why[512], who[160];
	int rc;

	rc = bot_reload(x->env->app, why, sizeof(why));
	cmd_admin_who(x, who, sizeof(who));
	bot_audit(x->env->app, who, "reload", rc == 0 ? "ok" : why);
	/* x->env now describes the new config; nothing else is used. */
	if (rc == 0)
		catalog_reply(
		    x->out, REPLY_HERE, x->lang, "admin.reloaded", NULL);
	else
		catalog_reply(x->out, REPLY_HERE, x->lang,
		    "admin.reload_failed", "why", why, NULL);
}

static void
cmd_admin_join(struct cmd_ctx *x, bool join)
{
	char why[256], who[160], action[128];
	int rc;

	rc = bot_join(x->env->app, x->argv[0], join, why, sizeof(why));
	cmd_admin_who(x, who, sizeof(who));
	snprintf(action, sizeof(action), "%s %s", join ? "join" : "part",
	    x->argv[0]);
	bot_audit(x->env->app, who, action, rc == 0 ? "ok" : why);
	if (rc == 0)
		catalog_reply(x->out, REPLY_HERE, x->lang,
		    join ? "admin.joining" : "admin.leaving", "channel",
		    x->argv[0], NULL);
	else
		catalog_reply(x->out, REPLY_HERE, x->lang,
		    join ? "admin.cannot_join" : "admin.cannot_part", "channel",
		    x->argv[0], "why", why, NULL);
}

void
cmd_join_exec(struct cmd_ctx *x)
{
	cmd_admin_join(x, true);
}

void
cmd_part_exec(struct cmd_ctx *x)
{
	cmd_admin_join(x, false);
}

void
cmd_status_exec(struct cmd_ctx *x)
{
	struct buf b;
	char who[160];

	cmd_admin_who(x, who, sizeof(who));
	bot_audit(x->env->app, who, "status", "ok");
	bot_status(x->env->app, x->lang, x->out);
	/* The same verdict as /healthz. */
	buf_init(&b, 0);
	buf_addstr(&b, "Health: ");
	metrics_health_refresh();
	metrics_render_health_text(&b);
	replies_add(x->out, REPLY_HERE, b.data, NULL);
	buf_reset(&b);
}
