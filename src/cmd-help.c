/*
 * !help and !topics: the list of topics with their commands, and how to
 * use the bot.  With an argument that names a command or topic, the usage
 * of that command or the topic's summary.
 */
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "cmd.h"
#include "conf.h"
#include "content.h"

#define CMD_HELP_TOPICS_MAX 200

void
cmd_help_exec(struct cmd_ctx *x)
{
	const struct topic *topics[CMD_HELP_TOPICS_MAX], *t;
	const struct cmd_entry *e;
	const char *p = x->prefix;
	struct buf b;
	size_t n, i;

	if (x->argc == 1) {
		if ((e = cmd_find(x->argv[0])) != NULL) {
			cmd_usage(x, e, REPLY_HERE);
			return;
		}
		if ((t = content_find(x->env->content, x->lang, x->argv[0])) !=
		    NULL) {
			cmd_topic_exec(x, t);
			return;
		}
	}
	n = content_list(x->env->content, x->lang, topics, CMD_HELP_TOPICS_MAX);
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_addf(
		    &b, "%s%s%s", i > 0 ? ", " : "", p, topics[i]->command);
	catalog_reply(
	    x->out, REPLY_HERE, x->lang, "help.topics", "topics", b.data, NULL);
	buf_reset(&b);
	catalog_reply(x->out, REPLY_HERE, x->lang,
	    cmd_find("consult") != NULL ? "help.howto_consult" : "help.howto",
	    "prefix", p, NULL);
}
