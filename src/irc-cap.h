/*
 * IRCv3 capability negotiation and SASL, run by the adapter on the raw
 * stream beneath libircclient, which knows neither.  It asks for
 * "CAP LS 302", requests sasl, account-notify, extended-join,
 * multi-prefix and account-tag (the relay reads the tags and strips them
 * before libircclient, which cannot parse them), authenticates with SASL PLAIN
 * or EXTERNAL, and ends with CAP END. No I/O: lines to send go through the send
 * callback, lines received come in through irc_cap_on_line.  The password is
 * copied, wiped on free, and never logged.
 */
#ifndef IRC_CAP_H
#define IRC_CAP_H

#include <stdbool.h>

#include "irc-line.h"

enum irc_cap_state {
	IRC_CAP_NEGOTIATING,
	IRC_CAP_DONE,  /* registration may go on */
	IRC_CAP_FAILED /* sasl_required and SASL did not succeed */
};

struct irc_cap_params {
	const char *mechanism; /* "none", "plain", "external" */
	const char *user;      /* SASL authentication identity */
	const char *password;  /* PLAIN only */
	bool required;
};

typedef void (*irc_cap_send_cb)(void *arg, const char *line);

struct irc_cap;

/* The params are copied. */
struct irc_cap *irc_cap_new(
    const struct irc_cap_params *, irc_cap_send_cb, void *arg);
void irc_cap_free(struct irc_cap *);

/* Sends CAP LS 302; call before NICK and USER. */
void irc_cap_start(struct irc_cap *);

/*
 * Feeds a line from the server.  Returns true when the line was part of
 * the negotiation (the caller should not pass it on), false otherwise.
 */
bool irc_cap_on_line(struct irc_cap *, const struct irc_line *);

enum irc_cap_state irc_cap_state(const struct irc_cap *);
/* True when the server acknowledged cap (e.g. "extended-join"). */
bool irc_cap_enabled(const struct irc_cap *, const char *cap);
bool irc_cap_sasl_ok(const struct irc_cap *);
/* Why negotiation failed (static or owned by the cap), or "". */
const char *irc_cap_error(const struct irc_cap *);

#endif
