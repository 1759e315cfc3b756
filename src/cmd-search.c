/*
 * !search WORDS: the best matching topics, ranked by content_search.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "catalog.h"
#include "cmd.h"
#include "conf.h"
#include "content.h"
#include "text.h"
#include "xmalloc.h"

#define CMD_SEARCH_HITS 5
#define CMD_SEARCH_ECHO_MAX 64 /* bytes of the query repeated back */

void
cmd_search_exec(struct cmd_ctx *x)
{
	const struct topic *hits[CMD_SEARCH_HITS];
	const char *p = x->prefix;
	struct buf b;
	size_t n, i, cut;
	char *query;

	n = content_search(
	    x->env->content, x->lang, x->args, hits, CMD_SEARCH_HITS);
	cut = text_utf8_cut(x->args, strlen(x->args), CMD_SEARCH_ECHO_MAX);
	query = xstrndup(x->args, cut);
	if (n == 0) {
		catalog_reply(x->out, REPLY_HERE, x->lang, "search.none",
		    "query", query, "prefix", p, NULL);
		free(query);
		return;
	}
	buf_init(&b, 0);
	for (i = 0; i < n; i++)
		buf_addf(&b, "%s%s%s (%s)", i > 0 ? "; " : "", p,
		    hits[i]->command, hits[i]->title);
	catalog_reply(x->out, REPLY_HERE, x->lang, "search.best", "query",
	    query, "hits", b.data, NULL);
	buf_reset(&b);
	free(query);
}
