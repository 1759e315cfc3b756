/*
 * Config loading.  libinih does the INI syntax; this file owns the keys:
 * two tables (fixed sections and platform sections) give every key its
 * section, type, default and range, so that defaults, validation and the
 * "unknown key" check come from one place.  Lines are fed to libinih one
 * at a time through our own reader, which is how problems get their line
 * number and how an over-long line is reported instead of cut.
 */
#define LOG_MODULE "conf"
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <ini.h>

#include "conf.h"
#include "crypto.h"
#include "log.h"
#include "platform.h"
#include "text.h"
#include "xmalloc.h"

enum conf_type { CONF_STR, CONF_INT, CONF_BOOL };

/* Key flags. */
#define CONF_F_SECRET 0x1 /* never printed */
#define CONF_F_IDENT 0x2  /* IRC identity: no '%', CR, LF, space */
#define CONF_F_URL 0x4    /* http:// or https:// URL */
#define CONF_F_PATH 0x8   /* an URL path starting with '/' */

struct conf_key {
	const char *section; /* NULL in the platform table */
	const char *name;
	enum conf_type type;
	size_t off;
	const char *def;
	long min, max; /* INT range, STR max length */
	int flags;
};

#define S(f) offsetof(struct conf, f)
#define P(f) offsetof(struct conf_platform, f)

static const struct conf_key conf_keys[] = {
    {"bot", "nick", CONF_STR, S(nick), "intakebot", 1, 30, CONF_F_IDENT},
    {"bot", "prefix", CONF_STR, S(prefix), "!", 1, 4, 0},
    {"bot", "content_dir", CONF_STR, S(content_dir), "content", 1, 4096, 0},
    {"bot", "data_dir", CONF_STR, S(data_dir), "data", 1, 4096, 0},
    {"bot", "language", CONF_STR, S(language), "en", 2, 8, 0},
    {"bot", "channel_languages", CONF_STR, S(channel_languages), "", 0, 4096,
        0},
    {"bot", "more_lines", CONF_INT, S(more_lines), "12", 1, 100, 0},
    {"bot", "content_max_age", CONF_INT, S(content_max_age), "180", 1, 3650, 0},
    {"bot", "health_irc_down_after", CONF_INT, S(health_irc_down_after), "60",
        1, 86400, 0},
    {"bot", "health_undelivered_after", CONF_INT, S(health_undelivered_after),
        "600", 1, 2592000, 0},

    {"irc", "server", CONF_STR, S(irc_server), "127.0.0.1", 1, 255,
        CONF_F_IDENT},
    {"irc", "port", CONF_INT, S(irc_port), "6667", 1, 65535, 0},
    {"irc", "tls", CONF_BOOL, S(irc_tls), "no", 0, 0, 0},
    {"irc", "tls_verify", CONF_BOOL, S(irc_tls_verify), "yes", 0, 0, 0},
    {"irc", "tls_ca_file", CONF_STR, S(irc_tls_ca_file), "", 0, 4096, 0},
    {"irc", "tls_cert_file", CONF_STR, S(irc_tls_cert_file), "", 0, 4096, 0},
    {"irc", "tls_key_file", CONF_STR, S(irc_tls_key_file), "", 0, 4096, 0},
    {"irc", "channels", CONF_STR, S(irc_channels), "", 0, 4096, 0},
    {"irc", "staff_channel", CONF_STR, S(irc_staff_channel), "", 0, 64,
        CONF_F_IDENT},
    {"irc", "staff_channel_key", CONF_STR, S(irc_staff_channel_key), "", 0, 64,
        CONF_F_SECRET | CONF_F_IDENT},
    {"irc", "alt_nicks", CONF_STR, S(irc_alt_nicks), "", 0, 512, 0},
    {"irc", "username", CONF_STR, S(irc_username), "intakebot", 1, 32,
        CONF_F_IDENT},
    {"irc", "realname", CONF_STR, S(irc_realname), "intakebot", 1, 128, 0},
    {"irc", "server_password", CONF_STR, S(irc_server_password), "", 0, 256,
        CONF_F_SECRET | CONF_F_IDENT},
    {"irc", "nickserv_password", CONF_STR, S(irc_nickserv_password), "", 0, 256,
        CONF_F_SECRET | CONF_F_IDENT},
    {"irc", "sasl_mechanism", CONF_STR, S(irc_sasl_mechanism), "none", 1, 16,
        0},
    {"irc", "sasl_user", CONF_STR, S(irc_sasl_user), "", 0, 64, CONF_F_IDENT},
    {"irc", "sasl_password", CONF_STR, S(irc_sasl_password), "", 0, 256,
        CONF_F_SECRET},
    {"irc", "sasl_required", CONF_BOOL, S(irc_sasl_required), "no", 0, 0, 0},
    {"irc", "admins", CONF_STR, S(irc_admins), "", 0, 4096, 0},
    {"irc", "flood_rate", CONF_INT, S(irc_flood_rate), "5", 0, 100, 0},
    {"irc", "flood_burst", CONF_INT, S(irc_flood_burst), "4", 1, 50, 0},
    {"irc", "flood_bytes", CONF_INT, S(irc_flood_bytes), "256", 64, 100000, 0},
    {"irc", "reconnect_min", CONF_INT, S(irc_reconnect_min), "2", 1, 3600, 0},
    {"irc", "reconnect_max", CONF_INT, S(irc_reconnect_max), "300", 1, 86400,
        0},
    {"irc", "connect_timeout", CONF_INT, S(irc_connect_timeout), "30", 1, 600,
        0},
    {"irc", "ping_interval", CONF_INT, S(irc_ping_interval), "90", 5, 3600, 0},

    {"http", "listen", CONF_STR, S(http_listen), "127.0.0.1:8080", 3, 128, 0},
    {"http", "body_max", CONF_INT, S(http_body_max), "65536", 1024, 1048576, 0},
    {"http", "max_connections", CONF_INT, S(http_max_conns), "256", 4, 900, 0},
    {"http", "public_url", CONF_STR, S(http_public_url), "", 0, 256,
        CONF_F_URL},

    {"consult", "cooldown", CONF_INT, S(consult_cooldown), "300", 0, 86400, 0},
    {"consult", "max_length", CONF_INT, S(consult_max_length), "1000", 16, 4000,
        0},
    {"consult", "rate_per_minute", CONF_INT, S(consult_rate_per_min), "60", 1,
        10000000, 0},
    {"consult", "retention_days", CONF_INT, S(consult_retention_days), "90", 1,
        3650, 0},
    {"consult", "dead_letter_after", CONF_INT, S(consult_dead_after), "86400",
        5, 2592000, 0},
    {"consult", "reply_wait", CONF_INT, S(consult_reply_wait), "604800", 5,
        31536000, 0},
    {"consult", "staff_accounts", CONF_STR, S(consult_staff_accounts), "", 0,
        4096, 0},
    {"consult", "intake", CONF_STR, S(consult_intake), "guided", 1, 16, 0},
    {"consult", "intake_timeout", CONF_INT, S(consult_intake_timeout), "1800",
        1, 604800, 0},
    {"consult", "urgent_days", CONF_INT, S(consult_urgent_days), "14", 0, 365,
        0},
    {"consult", "urgent_reminder", CONF_INT, S(consult_urgent_reminder), "900",
        1, 604800, 0},
};

static const struct conf_key conf_platform_keys[] = {
    {NULL, "path", CONF_STR, P(path), "", 0, 256, CONF_F_PATH},
    {NULL, "token", CONF_STR, P(token), "", 0, 4096, CONF_F_SECRET},
    {NULL, "signing_secret", CONF_STR, P(signing_secret), "", 0, 256,
        CONF_F_SECRET},
    {NULL, "public_key", CONF_STR, P(public_key), "", 0, 128, 0},
    {NULL, "staff_webhook_url", CONF_STR, P(staff_webhook_url), "", 0, 2048,
        CONF_F_SECRET | CONF_F_URL},
    {NULL, "staff_channel", CONF_STR, P(staff_channel), "", 0, 128, 0},
    {NULL, "api_url", CONF_STR, P(api_url), "", 0, 2048, CONF_F_URL},
    {NULL, "bot_token", CONF_STR, P(bot_token), "", 0, 4096, CONF_F_SECRET},
    {NULL, "bot_user_id", CONF_STR, P(bot_user_id), "", 0, 128, 0},
    {NULL, "application_id", CONF_STR, P(application_id), "", 0, 32, 0},
    {NULL, "rate_per_minute", CONF_INT, P(rate_per_min), "0", 0, 6000, 0},
    {NULL, "staff_timeout", CONF_INT, P(staff_timeout), "15", 1, 300, 0},
    {NULL, "staff_backoff_max", CONF_INT, P(staff_backoff_max), "300", 1, 3600,
        0},
    {NULL, "staff_test_give_up", CONF_INT, P(staff_test_give_up), "30", 1, 600,
        0},
};

#define NKEYS(t) (sizeof(t) / sizeof((t)[0]))

/* Sections with no keys of their own that switch an adapter on. */
static const char *conf_sections[] = {"bot", "irc", "http", "consult"};

/* Parser state shared by the reader and the handler. */
struct conf_parse {
	struct conf *c;
	struct diag *d;
	const char *file;
	FILE *fp;
	int line;
	/* Keys seen, for duplicate detection: one bit per key. */
	unsigned char seen[NKEYS(conf_keys)];
	unsigned char pseen[CONF_PLATFORMS_MAX][NKEYS(conf_platform_keys)];
	char cursec[128];
	bool sec_reported;
};

static void
conf_set_default(void *base, const struct conf_key *k)
{
	char *p = (char *)base + k->off;

	switch (k->type) {
	case CONF_STR:
		free(*(char **)(void *)p);
		*(char **)(void *)p = xstrdup(k->def);
		break;
	case CONF_INT:
		*(int *)(void *)p = atoi(k->def);
		break;
	case CONF_BOOL:
		*(bool *)(void *)p = strcmp(k->def, "yes") == 0;
		break;
	}
}

static int
conf_parse_bool(const char *v, bool *out)
{
	static const char *yes[] = {"yes", "true", "on", "1"};
	static const char *no[] = {"no", "false", "off", "0"};
	size_t i;

	for (i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return 0;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return 0;
		}
	}
	return -1;
}

/*
 * Resolves env:NAME and file:PATH.  Returns a new string, or NULL with a
 * diagnostic.  The value itself is never put in a diagnostic: it may be a
 * secret.
 */
static char *
conf_resolve(struct conf_parse *cp, const char *key, const char *v)
{
	struct stat st;
	char line[4096];
	const char *e;
	FILE *fp;
	size_t n;

	if (strncmp(v, "env:", 4) == 0) {
		if (v[4] == '\0') {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: env: needs a variable name", key);
			return NULL;
		}
		if ((e = getenv(v + 4)) == NULL) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: environment variable %s is not set", key,
			    v + 4);
			return NULL;
		}
		return xstrdup(e);
	}
	if (strncmp(v, "file:", 5) == 0) {
		if ((fp = fopen(v + 5, "r")) == NULL) {
			diag_add(cp->d, cp->file, cp->line, "%s: %s: %s", key,
			    v + 5, strerror(errno));
			return NULL;
		}
		if (fstat(fileno(fp), &st) == -1 ||
		    (st.st_mode & (S_IRGRP | S_IROTH | S_IWGRP | S_IWOTH))) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: %s is readable or writable by group or "
			    "others; chmod 600 it",
			    key, v + 5);
			fclose(fp);
			return NULL;
		}
		if (fgets(line, sizeof(line), fp) == NULL)
			line[0] = '\0';
		fclose(fp);
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		return xstrdup(line);
	}
	return xstrdup(v);
}

static void
conf_set_value(struct conf_parse *cp, void *base, const struct conf_key *k,
    const char *raw)
{
	char *p = (char *)base + k->off, *v, *end;
	const char *name = k->name;
	long n;
	bool b;
	size_t i;

	if ((v = conf_resolve(cp, name, raw)) == NULL)
		return;
	if (!text_utf8_valid(v, strlen(v))) {
		diag_add(
		    cp->d, cp->file, cp->line, "%s: not valid UTF-8", name);
		goto out;
	}
	for (i = 0; v[i] != '\0'; i++) {
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: control character in value", name);
			goto out;
		}
	}
	switch (k->type) {
	case CONF_INT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (v[0] == '\0' || *end != '\0' || errno != 0) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: '%s' is not a whole number", name, v);
			goto out;
		}
		if (n < k->min || n > k->max) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: %ld is out of range (%ld to %ld)", name, n,
			    k->min, k->max);
			goto out;
		}
		*(int *)(void *)p = (int)n;
		break;
	case CONF_BOOL:
		if (conf_parse_bool(v, &b) == -1) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: '%s' is not yes or no", name, v);
			goto out;
		}
		*(bool *)(void *)p = b;
		break;
	case CONF_STR:
		if ((long)strlen(v) > k->max) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: longer than %ld bytes", name, k->max);
			goto out;
		}
		if ((long)strlen(v) < k->min) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: must not be empty", name);
			goto out;
		}
		if ((k->flags & CONF_F_IDENT) && strpbrk(v, "% \r\n") != NULL) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: must not contain '%%', spaces or line breaks",
			    name);
			goto out;
		}
		if ((k->flags & CONF_F_URL) && v[0] != '\0' &&
		    strncmp(v, "https://", 8) != 0 &&
		    strncmp(v, "http://", 7) != 0) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: must be an http:// or https:// URL", name);
			goto out;
		}
		if ((k->flags & CONF_F_URL) && v[0] != '\0' &&
		    (strstr(v, "://")[3] == '\0' ||
		        strstr(v, "://")[3] == '/' ||
		        strpbrk(v, " \"<>\\^`{|}") != NULL)) {
			diag_add(cp->d, cp->file, cp->line, "%s: malformed URL",
			    name);
			goto out;
		}
		if ((k->flags & CONF_F_PATH) && v[0] != '\0' &&
		    (v[0] != '/' || strpbrk(v, " ?#%") != NULL)) {
			diag_add(cp->d, cp->file, cp->line,
			    "%s: must be a path starting with '/'", name);
			goto out;
		}
		free(*(char **)(void *)p);
		*(char **)(void *)p = v;
		return;
	}
out:
	free(v);
}

static struct conf_platform *
conf_platform_find(struct conf *c, const char *section)
{
	size_t i;

	for (i = 0; i < c->nplatforms; i++)
		if (strcmp(c->platforms[i].section, section) == 0)
			return &c->platforms[i];
	return NULL;
}

/* Called when a section is first seen (with a key or empty). */
static int
conf_open_section(struct conf_parse *cp, const char *section)
{
	struct conf *c = cp->c;
	struct conf_platform *pl;
	const struct platform *kind;
	size_t i, k;

	if (strcmp(cp->cursec, section) == 0)
		return cp->sec_reported ? -1 : 0;
	snprintf(cp->cursec, sizeof(cp->cursec), "%s", section);
	cp->sec_reported = false;
	for (i = 0; i < NKEYS(conf_sections); i++) {
		if (strcmp(section, conf_sections[i]) == 0) {
			if (strcmp(section, "irc") == 0)
				c->irc_enabled = true;
			if (strcmp(section, "http") == 0)
				c->http_enabled = true;
			return 0;
		}
	}
	if ((kind = platform_for_section(section)) != NULL) {
		if (conf_platform_find(c, section) != NULL)
			return 0;
		if (c->nplatforms == CONF_PLATFORMS_MAX) {
			diag_add(cp->d, cp->file, cp->line,
			    "too many platform sections (at most %d)",
			    CONF_PLATFORMS_MAX);
			cp->sec_reported = true;
			return -1;
		}
		pl = &c->platforms[c->nplatforms++];
		pl->section = xstrdup(section);
		pl->kind = xstrdup(kind->name);
		pl->line = cp->line;
		for (k = 0; k < NKEYS(conf_platform_keys); k++)
			conf_set_default(pl, &conf_platform_keys[k]);
		return 0;
	}
	diag_add(cp->d, cp->file, cp->line, "unknown section [%s]", section);
	cp->sec_reported = true;
	return -1;
}

static int
conf_on_key(
    void *user, const char *section, const char *name, const char *value)
{
	struct conf_parse *cp = user;
	struct conf_platform *pl;
	size_t i;

	if (section[0] == '\0') {
		diag_add(cp->d, cp->file, cp->line,
		    "key '%s' outside of any [section]", name);
		return 1;
	}
	if (conf_open_section(cp, section) == -1)
		return 1;
	if ((pl = conf_platform_find(cp->c, section)) != NULL) {
		size_t pi = (size_t)(pl - cp->c->platforms);

		for (i = 0; i < NKEYS(conf_platform_keys); i++) {
			if (strcmp(conf_platform_keys[i].name, name) != 0)
				continue;
			if (cp->pseen[pi][i]++) {
				diag_add(cp->d, cp->file, cp->line,
				    "duplicate key '%s' in [%s]", name,
				    section);
				return 1;
			}
			conf_set_value(cp, pl, &conf_platform_keys[i], value);
			return 1;
		}
		diag_add(cp->d, cp->file, cp->line, "unknown key '%s' in [%s]",
		    name, section);
		return 1;
	}
	for (i = 0; i < NKEYS(conf_keys); i++) {
		if (strcmp(conf_keys[i].section, section) != 0 ||
		    strcmp(conf_keys[i].name, name) != 0)
			continue;
		if (cp->seen[i]++) {
			diag_add(cp->d, cp->file, cp->line,
			    "duplicate key '%s' in [%s]", name, section);
			return 1;
		}
		conf_set_value(cp, cp->c, &conf_keys[i], value);
		return 1;
	}
	diag_add(cp->d, cp->file, cp->line, "unknown key '%s' in [%s]", name,
	    section);
	return 1;
}

/*
 * libinih reader: hands over one line per call, so cp->line is the
 * number of the line being parsed.  Leading blanks are dropped (they would
 * otherwise make a continuation line), and a line too long for libinih's
 * buffer is reported and skipped rather than cut.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_parse *cp = stream;
	size_t len;
	char *s;
	int ch;

	for (;;) {
		if (fgets(str, num, cp->fp) == NULL)
			return NULL;
		cp->line++;
		len = strlen(str);
		if (len > 0 && str[len - 1] != '\n' && !feof(cp->fp)) {
			while ((ch = fgetc(cp->fp)) != EOF && ch != '\n')
				;
			diag_add(cp->d, cp->file, cp->line,
			    "line longer than %d bytes", num - 2);
			continue;
		}
		s = str;
		while (*s == ' ' || *s == '\t')
			s++;
		if (s != str)
			memmove(str, s, strlen(s) + 1);
		/* A section header is seen here so that empty ones count. */
		if (str[0] == '[') {
			char *end = strchr(str, ']');

			if (end != NULL) {
				char sec[128];
				size_t sl = (size_t)(end - str - 1);

				if (sl < sizeof(sec)) {
					memcpy(sec, str + 1, sl);
					sec[sl] = '\0';
					conf_open_section(cp, sec);
				}
			}
		}
		return str;
	}
}

/* What an inbound route (path) needs for its platform: tokens or secrets. */
static void
conf_validate_inbound(struct conf_parse *cp, const struct conf_platform *p)
{
	static const struct {
		unsigned need;
		size_t off;
		const char *key;
	} needs[] = {
	    {PLATFORM_NEEDS_TOKEN, P(token), "token"},
	    {PLATFORM_NEEDS_SIGNING_SECRET, P(signing_secret),
	        "signing_secret"},
	    {PLATFORM_NEEDS_PUBLIC_KEY, P(public_key), "public_key"},
	};
	const struct platform *pf = platform_find(p->kind);
	unsigned char key[32];
	char why[160];
	const char *v;
	size_t i;

	if (p->public_key[0] != '\0' &&
	    crypto_hex_decode(p->public_key, key, sizeof(key)) == -1)
		diag_add(cp->d, cp->file, p->line,
		    "[%s] public_key must be "
		    "64 hex digits (the application's Ed25519 key)",
		    p->section);
	if (pf->check_conf != NULL && pf->check_conf(p, why, sizeof(why)) == -1)
		diag_add(cp->d, cp->file, p->line, "[%s] %s", p->section, why);
	if ((p->bot_token[0] != '\0' || p->api_url[0] != '\0') &&
	    pf->dm_call == NULL)
		diag_add(cp->d, cp->file, p->line,
		    "[%s] cannot send direct messages: remove bot_token and "
		    "api_url",
		    p->section);
	else if (p->bot_token[0] != '\0' &&
	    !platform_bot_get(pf, p, &(struct platform_bot){0}))
		diag_add(cp->d, cp->file, p->line, "[%s] bot_token needs %s",
		    p->section,
		    pf->dm_needs_user_id ? "api_url and bot_user_id"
		                         : "api_url");
	if (p->path[0] == '\0')
		return;
	if (pf->verify == NULL) {
		diag_add(cp->d, cp->file, p->line,
		    "[%s] cannot receive "
		    "requests: remove path",
		    p->section);
		return;
	}
	for (i = 0; i < sizeof(needs) / sizeof(needs[0]); i++) {
		v = *(char *const *)((const char *)p + needs[i].off);
		if ((pf->needs & needs[i].need) && v[0] == '\0') {
			diag_add(cp->d, cp->file, p->line, "[%s] path needs %s",
			    p->section, needs[i].key);
			return;
		}
	}
}

static void
conf_validate(struct conf_parse *cp)
{
	struct conf *c = cp->c;
	size_t i, j;
	const char *m = c->irc_sasl_mechanism;

	if (strcmp(m, "none") != 0 && strcmp(m, "plain") != 0 &&
	    strcmp(m, "external") != 0)
		diag_add(cp->d, cp->file, 0,
		    "[irc] sasl_mechanism must be none, plain or external");
	if (strcmp(m, "plain") == 0 && (c->irc_sasl_password[0] == '\0'))
		diag_add(cp->d, cp->file, 0,
		    "[irc] sasl_mechanism plain needs sasl_password");
	if (strcmp(m, "external") == 0 && c->irc_tls_cert_file[0] == '\0')
		diag_add(cp->d, cp->file, 0,
		    "[irc] sasl_mechanism external needs tls_cert_file");
	if (strcmp(c->consult_intake, "guided") != 0 &&
	    strcmp(c->consult_intake, "oneline") != 0)
		diag_add(cp->d, cp->file, 0,
		    "[consult] intake must be guided or oneline");
	if (c->irc_sasl_required && strcmp(m, "none") == 0)
		diag_add(cp->d, cp->file, 0,
		    "[irc] sasl_required needs a sasl_mechanism");
	if (strchr(c->prefix, ' ') != NULL)
		diag_add(cp->d, cp->file, 0,
		    "[bot] prefix must not contain "
		    "spaces");
	for (i = 0; i < c->nplatforms; i++) {
		struct conf_platform *p = &c->platforms[i];

		if (p->path[0] != '\0' && !c->http_enabled)
			diag_add(cp->d, cp->file, p->line,
			    "[%s] has a path but there is no [http] section",
			    p->section);
		conf_validate_inbound(cp, p);
		if (p->path[0] != '\0' &&
		    (strcmp(p->path, "/healthz") == 0 ||
		        strcmp(p->path, "/metrics") == 0))
			diag_add(cp->d, cp->file, p->line,
			    "[%s] path %s is reserved", p->section, p->path);
		for (j = 0; j < i; j++)
			if (p->path[0] != '\0' &&
			    strcmp(p->path, c->platforms[j].path) == 0)
				diag_add(cp->d, cp->file, p->line,
				    "[%s] path %s is already used by [%s]",
				    p->section, p->path,
				    c->platforms[j].section);
	}
}

struct conf *
conf_load(const char *path, struct diag *d)
{
	struct conf_parse cp;
	struct conf *c;
	size_t before = d->count, i;
	int rc;

	c = xcalloc(1, sizeof(*c));
	c->file = xstrdup(path);
	for (i = 0; i < NKEYS(conf_keys); i++)
		conf_set_default(c, &conf_keys[i]);
	memset(&cp, 0, sizeof(cp));
	cp.c = c;
	cp.d = d;
	cp.file = path;
	if ((cp.fp = fopen(path, "r")) == NULL) {
		diag_add(d, path, 0, "cannot open: %s", strerror(errno));
		conf_free(c);
		return NULL;
	}
	rc = ini_parse_stream(conf_reader, &cp, conf_on_key, &cp);
	fclose(cp.fp);
	if (rc > 0)
		diag_add(d, path, rc,
		    "syntax error (expected [section] or "
		    "key = value)");
	else if (rc < 0)
		diag_add(d, path, 0, "cannot parse");
	conf_validate(&cp);
	if (d->count > before) {
		conf_free(c);
		return NULL;
	}
	return c;
}

static void
conf_free_strings(void *base, const struct conf_key *keys, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (keys[i].type == CONF_STR) {
			char **p =
			    (char **)(void *)((char *)base + keys[i].off);

			free(*p);
			*p = NULL;
		}
	}
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	conf_free_strings(c, conf_keys, NKEYS(conf_keys));
	for (i = 0; i < c->nplatforms; i++) {
		conf_free_strings(&c->platforms[i], conf_platform_keys,
		    NKEYS(conf_platform_keys));
		free(c->platforms[i].section);
		free(c->platforms[i].kind);
	}
	free(c->file);
	free(c);
}

const char *
conf_channel_language(const struct conf *c, const char *channel)
{
	static char lang[16];
	char **items;
	size_t n, i;
	const char *res = NULL;

	if (channel == NULL)
		return NULL;
	n = conf_list_split(c->channel_languages, &items);
	for (i = 0; i < n && res == NULL; i++) {
		char *eq = strchr(items[i], '=');

		if (eq == NULL)
			continue;
		*eq = '\0';
		if (strcasecmp(items[i], channel) == 0) {
			snprintf(lang, sizeof(lang), "%s", eq + 1);
			res = lang;
		}
	}
	conf_list_free(items, n);
	return res;
}

size_t
conf_list_split(const char *s, char ***items)
{
	const char *p = s, *comma;
	char **v = NULL, *item;
	size_t n = 0;

	while (p != NULL && *p != '\0') {
		comma = strchr(p, ',');
		item = xstrndup(p, comma ? (size_t)(comma - p) : strlen(p));
		char *t = text_trim(item);

		free(item);
		if (t[0] != '\0') {
			v = xreallocarray(v, n + 1, sizeof(char *));
			v[n++] = t;
		} else
			free(t);
		p = comma ? comma + 1 : NULL;
	}
	*items = v;
	return n;
}

void
conf_list_free(char **items, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(items[i]);
	free(items);
}
