/*
 * !consult TEXT: a consultation request, handed to consult.c, which
 * commits it before anything is promised to the requester.
 */
#include <stdio.h>

#include "catalog.h"
#include "cmd.h"
#include "consult.h"
#include "intake.h"

void
cmd_consult_exec(struct cmd_ctx *x)
{
	if (x->env->consult == NULL) {
		catalog_reply(x->out, REPLY_PRIVATE, x->lang,
		    "staffcmd.unavailable", NULL);
		return;
	}
	/*
	 * The guided intake is a native form where the platform has one, a
	 * private dialogue on IRC and the console, and nothing elsewhere
	 * (intake_start says how to ask privately: an outgoing webhook fires
	 * on public posts, and nothing is stored without consent).  The
	 * one-line request, which consult_submit takes only when its
	 * acknowledgement can reach the asker alone, is for intake = oneline.
	 */
	if (x->env->intake != NULL && intake_guided(x->env->intake) &&
	    x->msg->form) {
		/* The adapter opens its native form. */
		if (intake_cooling(x->env->intake, x->msg, x->lang, x->out))
			return;
		x->out->open_form = true;
		snprintf(x->out->form_lang, sizeof(x->out->form_lang), "%s",
		    x->lang);
	} else if (x->env->intake != NULL && intake_guided(x->env->intake))
		intake_start(x->env->intake, x->msg, x->lang, x->args, x->out);
	else
		consult_submit(
		    x->env->consult, x->msg, x->lang, x->args, x->out);
}
