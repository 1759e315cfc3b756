/*
 * Topic answers: "!287g" gives the title, summary and link where it was
 * asked; "!287g more" sends the whole body privately, link last.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "catalog.h"
#include "cmd.h"
#include "conf.h"
#include "content.h"
#include "xmalloc.h"

static bool
cmd_topic_wants_more(const char *args)
{
	static const char *words[] = {"more", "mas", "más", "+", NULL};
	size_t i;

	for (i = 0; words[i] != NULL; i++)
		if (strcasecmp(args, words[i]) == 0)
			return true;
	return false;
}

void
cmd_topic_exec(struct cmd_ctx *x, const struct topic *t)
{
	const char *p = x->prefix;
	struct reply *r;
	char *more;

	if (cmd_topic_wants_more(x->args) && t->body[0] != '\0') {
		r = replies_addf(
		    x->out, REPLY_PRIVATE, "**%s**\n%s", t->title, t->body);
		r->is_long = true;
	} else if (t->body[0] != '\0') {
		more = catalog_say(x->lang, "topic.more", "prefix", p,
		    "command", t->command, NULL);
		r = replies_addf(x->out, REPLY_HERE, "**%s**: %s (%s)",
		    t->title, t->summary, more);
		free(more);
	} else {
		r = replies_addf(
		    x->out, REPLY_HERE, "**%s**: %s", t->title, t->summary);
	}
	/* The link goes last, after whatever cut the adapter makes. */
	r->link = xstrdup(t->link);
}
