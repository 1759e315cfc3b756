/*
 * The one file that includes libircclient.h (see irc-lib.h).  Each
 * callback of the library becomes a struct irc_line whose pointers point
 * into the library's own parse buffer; nothing is copied.  The library
 * tells channel from private messages by comparing with the nick it was
 * given at connect time, which is not the bot's; both become PRIVMSG and
 * the adapter routes on params[0] itself.  event_connect is not used:
 * 001 arrives as a numeric like every other.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libircclient.h>

#include "irc-lib.h"
#include "xmalloc.h"

struct irc_lib {
	irc_session_t *sess;
	irc_lib_line_cb cb;
	void *arg;
};

static void
irc_lib_emit(irc_session_t *s, const char *cmd, const char *origin,
    const char **params, unsigned int count)
{
	struct irc_lib *lib = irc_get_ctx(s);
	struct irc_line l;
	unsigned int i;

	l.tags = "";
	l.prefix = origin != NULL ? origin : "";
	l.cmd = cmd;
	l.nparams = 0;
	for (i = 0; i < count && i < IRC_LINE_PARAMS; i++)
		if (params[i] != NULL)
			l.params[l.nparams++] = params[i];
	lib->cb(lib->arg, &l);
}

#define IRC_LIB_EV(name, cmd)                                                  \
	static void irc_lib_##name(irc_session_t *s, const char *event,        \
	    const char *origin, const char **params, unsigned int count)       \
	{                                                                      \
		(void)event;                                                   \
		irc_lib_emit(s, cmd, origin, params, count);                   \
	}

IRC_LIB_EV(privmsg, "PRIVMSG")
IRC_LIB_EV(notice, "NOTICE")
IRC_LIB_EV(ctcp, "CTCP")
IRC_LIB_EV(join, "JOIN")
IRC_LIB_EV(part, "PART")
IRC_LIB_EV(kick, "KICK")
IRC_LIB_EV(quit, "QUIT")
IRC_LIB_EV(nick, "NICK")
IRC_LIB_EV(mode, "MODE")
IRC_LIB_EV(topic, "TOPIC")
IRC_LIB_EV(invite, "INVITE")

static void
irc_lib_unknown(irc_session_t *s, const char *event, const char *origin,
    const char **params, unsigned int count)
{
	irc_lib_emit(s, event, origin, params, count);
}

static void
irc_lib_numeric(irc_session_t *s, unsigned int ev, const char *origin,
    const char **params, unsigned int count)
{
	char code[8];

	snprintf(code, sizeof(code), "%03u", ev % 1000);
	irc_lib_emit(s, code, origin, params, count);
}

struct irc_lib *
irc_lib_new(int port, irc_lib_line_cb cb, void *arg, char *why, size_t whylen)
{
	/* event_ctcp_req must be set: when NULL the library answers
	 * VERSION, FINGER and TIME itself. */
	static irc_callbacks_t cbs = {
	    .event_channel = irc_lib_privmsg,
	    .event_privmsg = irc_lib_privmsg,
	    .event_notice = irc_lib_notice,
	    .event_channel_notice = irc_lib_notice,
	    .event_ctcp_req = irc_lib_ctcp,
	    .event_join = irc_lib_join,
	    .event_part = irc_lib_part,
	    .event_kick = irc_lib_kick,
	    .event_quit = irc_lib_quit,
	    .event_nick = irc_lib_nick,
	    .event_mode = irc_lib_mode,
	    .event_topic = irc_lib_topic,
	    .event_invite = irc_lib_invite,
	    .event_unknown = irc_lib_unknown,
	    .event_numeric = irc_lib_numeric,
	};
	struct irc_lib *lib;

	lib = xcalloc(1, sizeof(*lib));
	lib->cb = cb;
	lib->arg = arg;
	if ((lib->sess = irc_create_session(&cbs)) == NULL) {
		snprintf(why, whylen, "libircclient: cannot create a session");
		free(lib);
		return NULL;
	}
	irc_set_ctx(lib->sess, lib);
	if (irc_connect(lib->sess, "127.0.0.1", (unsigned short)port, NULL,
	        "intakebot", "intakebot", "intakebot") != 0) {
		snprintf(why, whylen, "libircclient: %s",
		    irc_strerror(irc_errno(lib->sess)));
		irc_lib_free(lib);
		return NULL;
	}
	return lib;
}

void
irc_lib_free(struct irc_lib *lib)
{
	if (lib == NULL)
		return;
	irc_destroy_session(lib->sess);
	free(lib);
}

int
irc_lib_fd(struct irc_lib *lib)
{
	fd_set r, w;
	int maxfd = -1;

	FD_ZERO(&r);
	FD_ZERO(&w);
	irc_add_select_descriptors(lib->sess, &r, &w, &maxfd);
	return maxfd;
}

void
irc_lib_fdset(struct irc_lib *lib, fd_set *rd, fd_set *wr, int *maxfd)
{
	irc_add_select_descriptors(lib->sess, rd, wr, maxfd);
}

int
irc_lib_process(
    struct irc_lib *lib, fd_set *rd, fd_set *wr, char *why, size_t whylen)
{
	if (irc_process_select_descriptors(lib->sess, rd, wr) == 0 &&
	    irc_is_connected(lib->sess))
		return 0;
	snprintf(why, whylen, "%s", irc_strerror(irc_errno(lib->sess)));
	return -1;
}
