/*
 * Inbound webhooks, the part every platform shares.  http.c reads a
 * request with its raw body into a struct hook_request and calls
 * hook_handle with the route's platform section; the platform's
 * descriptor (src/platform/<name>.c) verifies the request over the raw
 * bytes, then parses it
 * into a struct hook_event; this module drops bots and the bot itself,
 * replays the answer to a retried event, builds the neutral message,
 * calls the handler, and has the platform render the replies as its JSON.
 * Nothing here knows about libmicrohttpd, so unit tests drive it directly.
 */
#ifndef HOOK_H
#define HOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "message.h"

struct conf;
struct conf_platform;
struct platform;

/* Slack and Discord refuse signatures older or newer than this. */
#define HOOK_WINDOW_SECONDS 300

/* One HTTP request; every pointer is borrowed for the call. */
struct hook_request {
	const char *method;       /* "POST", "GET" */
	const char *content_type; /* NULL when absent */
	const char *body;         /* raw bytes, NUL-terminated */
	size_t body_len;
	const char *query; /* raw query string or NULL */
	/* A request header by name (any case), NULL when absent. */
	const char *(*header)(void *arg, const char *name);
	void *header_arg;
	int64_t now; /* wall clock, Unix seconds */
	/* Came to the route's path + HOOK_FORM_PATH (unsigned forms). */
	bool form_route;
};

/* The path under a route where Mattermost posts a dialog. */
#define HOOK_FORM_PATH "/form"

/* What to answer.  body (may be NULL) is the caller's to free. */
struct hook_response {
	int status;
	char *body;
	const char *content_type; /* static */
	const char *why;          /* static reason for a refusal, or NULL */
	bool verify_failed;       /* authentication was refused */
	bool replayed;            /* answer of an earlier delivery */
	int nreplies;             /* replies rendered */
};

/* A bounded cache of recent event ids and the answers they got. */
struct hook_cache;

struct hook_cache *hook_cache_new(size_t entries, int ttl_seconds);
void hook_cache_free(struct hook_cache *);

/*
 * Queues text (neutral Markdown) as a direct message to user through the
 * bot account of platform section section, for later delivery; with
 * text NULL only tells whether it could.  0, or -1 when it cannot.
 */
typedef int (*hook_dm_fn)(
    void *arg, const char *section, const char *user, const char *text);

/*
 * What native forms need from the rest of the bot (bot.c wires it): the
 * catalogue, the intake's submit step and an immediate REST call.
 */
struct platform_call;
struct hook_forms {
	/* A sentence of the catalogue in lang, new. */
	char *(*text)(void *arg, const char *lang, const char *key);
	/*
	 * Checks and stores one submitted form from m (intake_form_submit):
	 * value[] and err[] by field in the intake's order.
	 */
	int (*submit)(void *arg, const struct message *m, const char *lang,
	    const char *const *value, char **err, struct replies *out);
	/* Makes call through section's bot account now, one attempt. */
	void (*call)(void *arg, const char *section, struct platform_call *);
	void *arg;
};

/* What hook_handle needs besides the request; all borrowed. */
struct hook_ctx {
	const struct conf_platform *pl;
	const char *nick; /* the bot's own name, to ignore it */
	message_handler handler;
	void *handler_arg;
	struct hook_cache *cache; /* may be NULL: no de-duplication */
	const struct conf *conf;  /* may be NULL: English, no IRC hint */
	hook_dm_fn dm;            /* may be NULL: no direct messages */
	void *dm_arg;
	const struct hook_forms *forms; /* may be NULL: no native forms */
};

/*
 * Handles one request on pl's route and fills resp (status always set).
 * Returns 0, or -1 when the route's kind has no inbound handler.
 */
int hook_handle(const struct hook_ctx *, const struct hook_request *,
    struct hook_response *resp);

/* True when a route of kind takes GET requests too (slash commands). */
bool hook_kind_get(const char *kind);

/* True when pl's kind can receive requests (has an inbound handler). */
bool hook_kind_inbound(const char *kind);

/* Sets resp to a refusal: status, reason, no body. */
void hook_refuse(
    struct hook_response *, int status, const char *why, bool verify_failed);

/*
 * Refuses (405, 415) anything but a POST whose body is of content type
 * type; returns 0 when the request is one, -1 after refusing.
 */
int hook_require_post(
    const struct hook_request *, const char *type, struct hook_response *resp);

/*
 * ---- For the platform modules ----
 *
 * A platform's parse fills a struct hook_event with pointers into its own
 * parsed document (doc), released by doc_free.
 */
struct hook_event {
	const char *id; /* platform event id (dedupe), or NULL */
	const char *team;
	const char *channel_id;
	const char *channel_name;
	const char *user_id;
	const char *user_name;
	const char *text;
	size_t text_len;
	const char *thread; /* thread to answer in, or NULL */
	bool is_private;
	bool from_bot;
	bool slash;          /* a slash command: addressed */
	const char *command; /* its name ("/intake", "intake"), or NULL */
	/* The answer can reach this sender alone (ephemeral, a DM). */
	bool private_ok;
	/* Else private replies go later as a direct message (set by hook.c). */
	bool dm_ok;
	int kind;            /* platform-specific subtype */
	const char *trigger; /* a command's trigger for a form, or NULL */
	/*
	 * A submitted form (form_values reads it); its id, once accepted,
	 * is spent: the same id again gets the same answer.
	 */
	bool form_submit;
	const char *lang; /* the form's language, when it says */
	void *doc;
	void (*doc_free)(void *);
	char *owned[4]; /* strings the event owns (freed) */
};

/*
 * Where ev has no private path in the answer (ev->private_ok false),
 * takes every REPLY_PRIVATE reply out of rs: sent as one direct message
 * when ev->dm_ok (a public reply then says so), else withheld, with a
 * public reply saying how to reach the bot privately, in the channel's
 * language.  Returns the number of replies taken out.
 */
int hook_withhold_private(
    const struct hook_ctx *, const struct hook_event *, struct replies *rs);

/*
 * Renders the replies with to == which (or every reply when all) as one
 * text in the platform's dialect: mass mentions neutralised, each reply's
 * link on its own line last, joined by blank lines and cut at a code
 * point boundary to at most max bytes (0: the platform's answer limit),
 * the links kept.  Returns a new string (caller frees), or NULL when no
 * reply matched.
 */
char *hook_render_text(const struct replies *, enum reply_to which, bool all,
    const struct platform *, size_t max);
/* Counts the replies with to == which. */
int hook_replies_count(const struct replies *, enum reply_to which);

/* True when the media type of ct (parameters ignored) is type. */
bool hook_content_type_is(const char *ct, const char *type);

/*
 * application/x-www-form-urlencoded: '+' is a space, %XX a byte.  A %00,
 * a bad escape or more than HOOK_FORM_MAX fields make it malformed.
 */
#define HOOK_FORM_MAX 64
struct hook_form {
	size_t n;
	char *mem; /* every decoded key and value, NUL-terminated */
	/* Offsets into mem, and each value's length. */
	uint32_t key[HOOK_FORM_MAX];
	uint32_t val[HOOK_FORM_MAX];
	uint32_t len[HOOK_FORM_MAX];
};
/* 0, or -1 when malformed (f is then empty). */
int hook_form_parse(struct hook_form *, const char *s, size_t len);
/* The first value of key (borrowed), NULL when absent; *len if not NULL. */
const char *hook_form_get(
    const struct hook_form *, const char *key, size_t *len);
void hook_form_free(struct hook_form *);
/* A new form parsed from s, or NULL when malformed; for doc_free. */
struct hook_form *hook_form_new(const char *s, size_t len);
void hook_form_doc_free(void *);

/*
 * True when value (vlen bytes) equals one of the comma separated tokens
 * in list; every token is compared in constant time.
 */
bool hook_token_match(const char *list, const char *value, size_t vlen);

/*
 * Returns a new string: HTML entities (&amp; &lt; &gt; &quot; &#39;
 * &nbsp; &#N; &#xN;) decoded; with strip_tags also <at>..</at> mentions
 * removed and any other tag dropped.
 */
char *hook_html_to_text(const char *s, size_t len, bool strip_tags);

/*
 * A platform's verify checks the content type and authentication over
 * the raw body (0, or -1 with resp refused: 415, 401, 403); when it had
 * to parse the body to find the credentials (a token field), it may leave
 * that document in ev->doc (with doc_free) for parse to reuse, so a body
 * is parsed once, and only handed on once authenticated.  parse fills ev
 * (0), answers by itself (1, resp filled: a ping), or refuses a malformed
 * body (-1, resp refused: 400); render writes the replies (possibly none)
 * into resp as the platform's JSON.  See platform.h.
 */

/*
 * The signed state a form carries where the platform does not sign the
 * submission: "EXPIRY.LANG.HEX" with HEX the HMAC-SHA256, keyed by the
 * route's token, over user, channel, language and expiry.  New string.
 */
char *hook_form_state(const struct hook_ctx *, const char *user,
    const char *channel, const char *lang, int64_t expiry);
/*
 * Checks state for user and channel at now; the language (borrowed from
 * state, 2 letters) in *lang.  0, or -1 when forged or expired.
 */
int hook_form_state_check(const struct hook_ctx *, const char *state,
    const char *user, const char *channel, int64_t now, char lang[3]);

/* Sets resp to 200 with body (taken; NULL for an empty body). */
void hook_respond(struct hook_response *, char *body);

/*
 * Parses a Unix time in seconds from a decimal string; -1 when it is not
 * one.  For window checks.
 */
int64_t hook_parse_seconds(const char *s);

#endif
