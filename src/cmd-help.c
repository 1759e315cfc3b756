/*
 * !help and !topics: the list of topics with their commands, and how to
 * use the bot.  With an argument that names a command or topic, the usage
 * of that command or the topic's summary.
 */
#include <string.h>

#include "buf.h"
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
			replies_addf(x->out, REPLY_HERE, "%s: %s%s",
			    cmd_tr(x->lang, "Usage", "Uso"), p, e->usage);
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
	buf_addstr(&b, cmd_tr(x->lang, "**Topics:** ", "**Temas:** "));
	for (i = 0; i < n; i++)
		buf_addf(
		    &b, "%s%s%s", i > 0 ? ", " : "", p, topics[i]->command);
	replies_add(x->out, REPLY_HERE, b.data, NULL);
	buf_reset(&b);
	buf_addf(&b,
	    cmd_tr(x->lang,
	        "Type %s<topic> for a short answer, %s<topic> more for details "
	        "in private, %ssearch WORDS to search",
	        "Escriba %s<tema> para una respuesta corta, %s<tema> más para "
	        "más detalles en privado, %sbuscar PALABRAS para buscar"),
	    p, p, p);
	if (cmd_find("consult") != NULL)
		buf_addf(&b,
		    cmd_tr(x->lang,
		        ", %sconsult TEXT to ask for a consultation",
		        ", %sconsult TEXTO para pedir una consulta"),
		    p);
	buf_addstr(&b, ".");
	replies_add(x->out, REPLY_HERE, b.data, NULL);
	buf_reset(&b);
}
