/*
 * The staff workflow: !pending, !show N, !claim N, !done N.  The router
 * lets only staff reach these (the staff channel, or staff accounts).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cmd.h"
#include "consult.h"
#include "intake.h"

/* Parses "42" or "#42"; returns -1 when it is not a request number. */
static long long
cmd_staff_number(struct cmd_ctx *x)
{
	const char *s = x->argv[0];
	char *end;
	long long n;

	if (*s == '#')
		s++;
	errno = 0;
	n = strtoll(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || n <= 0) {
		catalog_reply(x->out, REPLY_PRIVATE, x->lang,
		    "staffcmd.not_number", "arg", x->argv[0], NULL);
		return -1;
	}
	return n;
}

static bool
cmd_staff_ready(struct cmd_ctx *x)
{
	if (x->env->consult != NULL)
		return true;
	catalog_reply(
	    x->out, REPLY_PRIVATE, x->lang, "staffcmd.unavailable", NULL);
	return false;
}

void
cmd_pending_exec(struct cmd_ctx *x)
{
	if (cmd_staff_ready(x))
		consult_list_open(x->env->consult, x->lang, x->out);
}

void
cmd_show_exec(struct cmd_ctx *x)
{
	long long n;

	if (cmd_staff_ready(x) && (n = cmd_staff_number(x)) > 0) {
		consult_show(x->env->consult, n, x->lang, x->out);
		if (x->env->intake != NULL)
			intake_show(x->env->intake, n, x->msg->sender, x->out);
	}
}

void
cmd_claim_exec(struct cmd_ctx *x)
{
	long long n;

	if (cmd_staff_ready(x) && (n = cmd_staff_number(x)) > 0)
		consult_claim(
		    x->env->consult, n, x->msg->sender, x->lang, x->out);
}

void
cmd_done_exec(struct cmd_ctx *x)
{
	long long n;

	if (cmd_staff_ready(x) && (n = cmd_staff_number(x)) > 0)
		consult_close(
		    x->env->consult, n, x->msg->sender, x->lang, x->out);
}

void
cmd_reply_exec(struct cmd_ctx *x)
{
	const char *text;
	long long n;

	if (!cmd_staff_ready(x) || (n = cmd_staff_number(x)) <= 0)
		return;
	/* The text is everything after the number, spaces kept. */
	text = x->args + strlen(x->argv[0]);
	text += strspn(text, " ");
	consult_reply(
	    x->env->consult, n, x->msg->sender, text, x->lang, x->out);
}
