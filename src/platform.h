/*
 * Chat platforms, one descriptor each.  Everything intakebot knows about
 * a platform lives in src/platform/<name>.c as one const struct platform:
 * what its configuration section needs, how an inbound request is
 * verified, parsed and answered, what its incoming webhook takes, its
 * limits and how it says no (errors inside a 200 included), its Markdown
 * dialect, and whether it can answer one person privately.  The registry
 * (src/platform/registry.c) lists them; nothing outside src/platform/
 * names a platform.  Adding one is one file, one registry line and one
 * test file, tests/unit/test_platform_<name>.c (see platform_test.h).
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <stdbool.h>
#include <stddef.h>

#include "hook.h"

struct conf_platform;

/* Markdown dialects of rendered text. */
enum platform_dialect {
	PLATFORM_MARKDOWN,     /* the neutral subset as it is */
	PLATFORM_SLACK_MRKDWN, /* *bold*, <url|text>, & < > escaped */
	PLATFORM_PLAIN         /* markers dropped, "text <url>" */
};

/* The verdict on the answer to one outbound post. */
enum notify_verdict {
	NOTIFY_VERDICT_OK,    /* delivered */
	NOTIFY_VERDICT_RETRY, /* transient: try again later */
	NOTIFY_VERDICT_FAIL   /* permanent: do not retry */
};

/* What an inbound route (path) of the section needs. */
#define PLATFORM_NEEDS_TOKEN 0x1          /* token */
#define PLATFORM_NEEDS_SIGNING_SECRET 0x2 /* signing_secret */
#define PLATFORM_NEEDS_PUBLIC_KEY 0x4     /* public_key */

/* The bot account a platform's REST API is called with (borrowed). */
struct platform_bot {
	const char *api_url; /* no trailing '/' needed */
	const char *token;   /* secret */
	const char *user_id; /* Rocket.Chat X-User-Id */
};

/* One direct message on its way: who, and what setup has learnt. */
struct platform_dm {
	char *user;    /* recipient: user id, or name (dm_by_name) */
	char *self;    /* the bot's own user id, once known */
	char *channel; /* the direct channel, once opened */
};

/* One REST call; every string is new (platform_call_free). */
struct platform_call {
	bool get;        /* GET, else POST with body */
	char *url;       /* absolute */
	char *body;      /* JSON, NULL for a GET */
	char *header[3]; /* "Name: value" lines, NULL-terminated (secret) */
};
void platform_call_free(struct platform_call *);
/* bot's api_url (trailing '/' dropped) followed by path, new. */
char *platform_api_url(const struct platform_bot *, const char *path);
/*
 * True when s can stand in a URL path or a channel address as it is: 1 to
 * 64 of letters, digits, '.', '_' and '-' (every platform's ids are).
 */
bool platform_id_ok(const char *s);

/*
 * ---- Native forms ----
 * The intake as one form: fields in the intake's order (name, contact,
 * language, availability, urgency, description, consent).
 */
#define PLATFORM_FORM_FIELDS 7
#define PLATFORM_FORM_CONSENT 6
#define PLATFORM_FORM_DESCRIPTION 5

/* The fields' names, in that order: "name", "contact", ... */
extern const char *const platform_form_names[PLATFORM_FORM_FIELDS];
/*
 * {"errors": {name: sentence}} for each err[i] not NULL, with
 * "response_action": action when action is not NULL.  New string.
 */
char *platform_form_errors_json(
    const char *action, char *const err[PLATFORM_FORM_FIELDS]);

/* What to open, every string borrowed; label[i] NULL: not asked here. */
struct platform_form {
	const char *trigger; /* the command's trigger_id */
	const char *url;     /* where the submission goes (Mattermost) */
	const char *state;   /* carried back as it is (Mattermost) */
	const char *meta;    /* carried back as it is (Slack) */
	const char *title;
	const char *submit;
	const char *name[PLATFORM_FORM_FIELDS];  /* "name", "contact"... */
	const char *label[PLATFORM_FORM_FIELDS]; /* short (<= 24 bytes) */
	const char *hint[PLATFORM_FORM_FIELDS];  /* the question, or NULL */
	size_t max[PLATFORM_FORM_FIELDS];        /* bytes per answer */
};

struct platform_limits {
	size_t max_chars;   /* code points of text per post, 0: none */
	size_t max_payload; /* bytes of JSON per post, 0: none */
	int rate_per_min;   /* default posts per minute */
	int burst;          /* posts allowed back to back */
	size_t reply_max;   /* bytes of text in an inbound answer */
};

struct platform {
	const char *name; /* section name and kind: "mattermost" */
	/* [name.LABEL] sections, many per file ([webhook.ops]). */
	bool named_sections;

	/* ---- Inbound (NULL verify: the platform takes no requests) ---- */
	unsigned needs; /* PLATFORM_NEEDS_* for a path */
	/*
	 * Further checks of the section; writes a sentence to why and
	 * returns -1 when something is wrong.  May be NULL.
	 */
	int (*check_conf)(const struct conf_platform *, char *why, size_t);
	/* The verify, parse and render contract is in hook.h. */
	int (*verify)(const struct hook_ctx *, const struct hook_request *,
	    struct hook_event *, struct hook_response *);
	int (*parse)(const struct hook_ctx *, const struct hook_request *,
	    struct hook_event *, struct hook_response *);
	void (*render)(const struct hook_ctx *, const struct hook_event *,
	    const struct replies *, struct hook_response *);
	bool slash_commands; /* people can reach the bot by a slash command */

	/* ---- Native forms (NULL form_open: none) ---- */
	unsigned form_fields; /* 1 << field for each field the form asks */
	/*
	 * Opens f for the command ev: fills call, a REST call that must be
	 * made at once (the trigger lasts 3 s), or answers resp itself.
	 * 0, or -1 when it cannot.  With f NULL only tells whether it could
	 * (a bot account, a public URL).
	 */
	int (*form_open)(const struct hook_ctx *, const struct hook_event *,
	    const struct platform_form *, struct platform_call *call,
	    struct hook_response *resp);
	/*
	 * The answers of a submission (ev->form_submit) by field, borrowed
	 * from ev->doc; NULL for a field not sent.
	 */
	void (*form_values)(
	    const struct hook_event *, const char *value[PLATFORM_FORM_FIELDS]);
	/*
	 * Per-field errors as the platform's JSON answer (new); NULL op:
	 * the platform has none and the errors go as a private reply.
	 */
	char *(*form_errors)(char *const err[PLATFORM_FORM_FIELDS]);
	/*
	 * The body that closes an accepted form (NULL: empty) when its
	 * answer cannot carry a message: the number then goes as a direct
	 * message.  Unused when form_errors is NULL (render answers).
	 */
	const char *form_done;
	bool get_requests; /* the route takes GET (fields in the query) */

	/* ---- Text ---- */
	enum platform_dialect dialect;
	struct platform_limits lim;

	/* ---- Outbound (incoming webhooks) ---- */
	/* The JSON body for one rendered part.  Caller frees. */
	char *(*payload)(const char *text);
	/* The URL actually posted to (NULL: as configured).  Caller frees. */
	char *(*post_url)(const char *url);
	/*
	 * The verdict on a 2xx answer whose body may still carry a failure
	 * (NULL: every 2xx is delivered); sets *wait_ms when the platform
	 * asked for a delay and writes a loggable reason to why.
	 */
	enum notify_verdict (*classify_2xx)(long status, const char *body,
	    size_t len, long *wait_ms, char *why, size_t whylen);

	/* ---- Direct messages through the REST API (NULL: none) ---- */
	const char *default_api_url; /* when the section sets none */
	bool dm_by_name;             /* addressed by user name, not id */
	bool dm_needs_user_id;       /* bot_user_id is required */
	/*
	 * The next call to deliver one part of text (rendered) to dm: the
	 * setup calls first (the bot's id, the direct channel), then the
	 * post itself.
	 */
	void (*dm_call)(const struct platform_bot *, const struct platform_dm *,
	    const char *text, struct platform_call *);
	/*
	 * Judges a 2xx answer to that call: on NOTIFY_VERDICT_OK records
	 * what a setup call learnt in dm and sets *sent when the part was
	 * posted.  Errors inside a 200 ({"ok": false}) are told apart as
	 * for classify_2xx.
	 */
	enum notify_verdict (*dm_answer)(struct platform_dm *, const char *body,
	    size_t len, bool *sent, long *wait_ms, char *why, size_t whylen);
};

/* The platform of that name, or NULL. */
const struct platform *platform_find(const char *name);
/* The platform whose sections look like section ("webhook.ops"). */
const struct platform *platform_for_section(const char *section);
/* The i-th platform of the registry, NULL past the end. */
const struct platform *platform_at(size_t i);

/* The verdict an HTTP status alone gives: 2xx ok; 408, 429, 5xx retry. */
enum notify_verdict platform_verdict_by_status(long status);

/* True when s[0..len) contains needle, in any case. */
bool platform_icontains(const char *s, size_t len, const char *needle);

/*
 * The bot account of a section, or false when direct messages cannot be
 * sent from it (no dm_call, no api_url, token or needed user id).
 */
bool platform_bot_get(const struct platform *, const struct conf_platform *,
    struct platform_bot *);

/* Renders neutral Markdown in the platform's dialect.  Caller frees. */
char *platform_render(const struct platform *, const char *md);

/*
 * ---- JSON, for the platform files (json-c stays in src/platform/) ----
 */
struct json_object;

/*
 * Parses a JSON document (depth-limited) that must fill len bytes;
 * returns a new object (json_object_put it) or NULL.
 */
struct json_object *platform_json_parse(const char *s, size_t len);
/* The same, and only an object. */
struct json_object *platform_json_object(const char *s, size_t len);
void platform_json_doc_free(void *);
/*
 * The request body as a JSON object, kept in ev->doc (a document an
 * earlier step left there is reused: a body is parsed once); NULL after
 * refusing resp with 400.
 */
struct json_object *platform_json_event(
    const struct hook_request *, struct hook_event *, struct hook_response *);
/* The string at key in o (borrowed), NULL when absent or not a string. */
const char *platform_json_str(
    struct json_object *o, const char *key, size_t *len);
/* The object at key in o, NULL when absent or not an object. */
struct json_object *platform_json_obj(struct json_object *o, const char *key);
/* The boolean at key: true only for JSON true. */
bool platform_json_true(struct json_object *o, const char *key);
/*
 * Serialises o compactly into a new string (caller frees) and puts o;
 * U+2028 and U+2029 are written as escapes.
 */
char *platform_json_take(struct json_object *o);
/* A JSON string of s cut to at most max bytes, at a code point. */
struct json_object *platform_json_string_max(const char *s, size_t max);
/* {"key": text} as a new string. */
char *platform_json_text(const char *key, const char *text);
/* The payload most incoming webhooks take: {"text": text}. */
char *platform_payload_text(const char *text);
/*
 * A short error code from a JSON error body ({"error": "x"},
 * {"error": {"status": ...}}, {"message": ...}, {"code": N}) into out;
 * false when there is none that is safe to log.
 */
bool platform_json_error(const char *body, size_t len, char *out, size_t);
/* Discord's {"retry_after": seconds} in milliseconds, or -1. */
long platform_json_retry_after(const char *body, size_t len);
/* The boolean at key of a JSON object body: 1, 0, or -1 when absent. */
int platform_json_body_bool(const char *body, size_t len, const char *key);
/*
 * The id at key of a JSON object body (of its object in, when not NULL),
 * new, or NULL when absent or not platform_id_ok.
 */
char *platform_json_id(
    const char *body, size_t len, const char *in, const char *key);
/* True when a JSON object body has key. */
bool platform_json_body_has(const char *body, size_t len, const char *key);

/*
 * Copies s[0..len), trimmed, into out when it looks like an error code
 * or a short server sentence: at most 64 characters from
 * [A-Za-z0-9_.:-] (and spaces when allowed).  Anything else could be
 * text we posted, echoed back, so it never reaches a log.
 */
bool platform_safe_token(
    const char *s, size_t len, bool spaces, char *out, size_t outlen);
#define PLATFORM_TOKEN_MAX 64

#endif
