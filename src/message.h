/*
 * The neutral message and reply types: every adapter turns a platform's
 * event into a struct message, hands it to the router, and renders the
 * struct replies it gets back in its own dialect.  The core never sees a
 * platform's types.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stdbool.h>

/*
 * All strings are borrowed from the adapter for the duration of the
 * router call.  text is valid UTF-8 (adapters sanitise first) and at most
 * MESSAGE_TEXT_MAX bytes.
 */
#define MESSAGE_TEXT_MAX 4096

struct message {
	const char *adapter;   /* "console", "irc", "mattermost", ... */
	const char *network;   /* IRC network or platform team; may be NULL */
	const char *channel;   /* NULL in a private conversation */
	const char *sender;    /* display name or nick */
	const char *sender_id; /* stable id (nick!user@host, user id) */
	const char *account;   /* services account, NULL if unknown */
	const char *text;
	bool is_private;
	bool is_staff; /* from staff: a staff channel, route or account */
	/*
	 * Said in a staff channel: staff commands may answer there.  A staff
	 * member's command anywhere else is answered privately (a request's
	 * text and contact never reach a public channel).
	 */
	bool in_staff_channel;
	bool is_admin;  /* sender authenticated as an admin */
	bool addressed; /* "intakebot: ..." or a slash command */
	/*
	 * No way to answer this sender alone (an outgoing webhook without
	 * bot credentials): the adapter withholds every REPLY_PRIVATE and
	 * says instead how to reach the bot privately.
	 */
	bool no_private;
	/*
	 * Private replies reach the sender (a direct message sent later) but
	 * what they write back there does not reach the bot: no dialogue.
	 */
	bool private_one_way;
	/*
	 * How this sender invokes a command, for help and hints: "/intake "
	 * after a slash command; NULL: the configured prefix ("!").
	 */
	const char *invocation;
	/* The adapter can open a native form for this sender (a modal). */
	bool form;
};

enum reply_to {
	REPLY_HERE,   /* where the message came from */
	REPLY_PRIVATE /* privately to the sender (NOTICE, ephemeral) */
};

/*
 * A reply's text is a small neutral Markdown subset (paragraphs, "- "
 * lists, **bold**, [text](url)); text.h renders it per dialect.  link, when
 * set, is shown last after the adapter's own cut of a long body.
 */
struct reply {
	enum reply_to to;
	char *text;
	char *link;
	bool is_long; /* a "more" body: line cap applies */
	struct reply *next;
};

struct replies {
	struct reply *head;
	struct reply **tail;
	int count;
	/*
	 * A command asks the adapter to open the intake as the platform's
	 * native form (only where message.form is set).
	 */
	bool open_form;
	char form_lang[8]; /* the language to ask in */
};

/*
 * What an adapter calls with each message: the handler routes it and
 * fills out, which the adapter renders and frees with replies_reset.
 */
typedef void (*message_handler)(
    void *arg, const struct message *, struct replies *out);

void replies_init(struct replies *);
/* Appends a reply; text and link are copied.  link may be NULL. */
struct reply *replies_add(
    struct replies *, enum reply_to, const char *text, const char *link);
struct reply *replies_addf(struct replies *, enum reply_to, const char *fmt,
    ...) __attribute__((format(printf, 3, 4)));
void replies_reset(struct replies *);

#endif
