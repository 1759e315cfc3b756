/*
 * Configuration: one INI file read with libinih into a fresh struct conf.
 * Defaults, types and ranges live in the key tables of conf.c.  A reload
 * parses a new struct and swaps it only when it is clean, so the rest of
 * the program sees a const struct conf that never changes under it.
 */
#ifndef CONF_H
#define CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define CONF_PLATFORMS_MAX 16

/* One webhook platform section: [mattermost], [slack], [webhook.NAME]... */
struct conf_platform {
	char *section;           /* "mattermost", "webhook.ops" */
	char *kind;              /* "mattermost", "webhook" */
	int line;                /* where the section starts */
	char *path;              /* inbound route, NULL: none */
	char *token;             /* comma separated tokens (secret) */
	char *signing_secret;    /* Slack, Teams (secret) */
	char *public_key;        /* Discord application key (hex) */
	char *staff_webhook_url; /* outbound staff posts (secret) */
	char *staff_channel;     /* platform channel treated as staff */
	char *api_url;           /* REST API base, "": the platform's */
	char *bot_token;         /* bot account token (secret) */
	char *bot_user_id;       /* Rocket.Chat bot user id */
	char *application_id;    /* Discord application id, "": not checked */
	int rate_per_min;        /* outbound posts per minute, 0: default */
	int staff_timeout;       /* seconds per outbound request */
	int staff_backoff_max;   /* longest wait between retries, s */
	int staff_test_give_up;  /* --test-destinations bound, s */
};

struct conf {
	char *file;

	/* [bot] */
	char *nick;
	char *prefix;
	char *content_dir;
	char *data_dir;
	char *language;
	char *channel_languages; /* "#ayuda=es, #help=en" */
	int more_lines;
	int content_max_age;       /* days before --check warns about a topic */
	int health_irc_down_after; /* s disconnected before "degraded" */
	int health_undelivered_after; /* s the oldest delivery may wait */

	/* [irc] */
	bool irc_enabled;
	char *irc_server;
	int irc_port;
	bool irc_tls;
	bool irc_tls_verify;
	char *irc_tls_ca_file;
	char *irc_tls_cert_file;
	char *irc_tls_key_file;
	char *irc_channels;
	char *irc_staff_channel;
	char *irc_staff_channel_key;
	char *irc_alt_nicks;
	char *irc_username;
	char *irc_realname;
	char *irc_server_password;
	char *irc_nickserv_password;
	char *irc_sasl_mechanism; /* none, plain, external */
	char *irc_sasl_user;
	char *irc_sasl_password;
	bool irc_sasl_required;
	char *irc_admins;
	int irc_flood_rate; /* lines per 10 s */
	int irc_flood_burst;
	int irc_flood_bytes;   /* bytes per second */
	int irc_reconnect_min; /* seconds, first backoff */
	int irc_reconnect_max; /* seconds, backoff cap */
	int irc_connect_timeout;
	int irc_ping_interval;

	/* [http] */
	bool http_enabled;
	char *http_listen;
	/* How the platforms reach us ("https://bot.example"), "": unknown. */
	char *http_public_url;
	int http_body_max;
	int http_max_conns;

	/* platforms */
	struct conf_platform platforms[CONF_PLATFORMS_MAX];
	size_t nplatforms;

	/* [consult] */
	int consult_cooldown;
	int consult_max_length;
	int consult_rate_per_min;
	int consult_retention_days;
	int consult_dead_after;
	int consult_reply_wait; /* s a reply waits for an IRC requester */
	char *consult_staff_accounts;
	char *consult_intake;        /* "guided" or "oneline" */
	int consult_intake_timeout;  /* s before an unanswered intake goes */
	int consult_urgent_days;     /* a court date this close is urgent */
	int consult_urgent_reminder; /* s between reminders of urgent ones */
};

/*
 * Parses path into a new struct conf; every problem goes into d as
 * "FILE:LINE: message".  Returns NULL when there was any problem (the
 * caller prints d).  The result is freed with conf_free.
 */
struct conf *conf_load(const char *path, struct diag *d);
void conf_free(struct conf *);

/* The language configured for channel (NULL: the bot's language). */
const char *conf_channel_language(const struct conf *, const char *channel);

/*
 * Splits a comma separated list into trimmed, non-empty items; returns the
 * count and sets *items (caller frees with conf_list_free).
 */
size_t conf_list_split(const char *s, char ***items);
void conf_list_free(char **items, size_t n);

#endif
