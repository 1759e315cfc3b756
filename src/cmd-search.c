/*
 * !search WORDS: the best matching topics, ranked by content_search.
 */
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "conf.h"
#include "content.h"
#include "text.h"

#define CMD_SEARCH_HITS 5
#define CMD_SEARCH_ECHO_MAX 64 /* bytes of the query repeated back */

void
cmd_search_exec(struct cmd_ctx *x)
{
	const struct topic *hits[CMD_SEARCH_HITS];
	const char *p = x->prefix;
	struct buf b;
	size_t n, i, cut;

	n = content_search(
	    x->env->content, x->lang, x->args, hits, CMD_SEARCH_HITS);
	cut = text_utf8_cut(x->args, strlen(x->args), CMD_SEARCH_ECHO_MAX);
	buf_init(&b, 0);
	if (n == 0) {
		buf_addf(&b,
		    cmd_tr(x->lang,
		        "No topic matches \"%.*s\". Type %shelp for the list.",
		        "Ningún tema coincide con \"%.*s\". Escriba %sayuda "
		        "para "
		        "ver la lista."),
		    (int)cut, x->args, p);
		replies_add(x->out, REPLY_HERE, b.data, NULL);
		buf_reset(&b);
		return;
	}
	buf_addf(&b,
	    cmd_tr(x->lang, "Best matches for \"%.*s\": ",
	        "Mejores resultados para \"%.*s\": "),
	    (int)cut, x->args);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s%s (%s)", i > 0 ? "; " : "", p,
		    hits[i]->command, hits[i]->title);
	replies_add(x->out, REPLY_HERE, b.data, NULL);
	buf_reset(&b);
}
