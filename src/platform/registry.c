/*
 * The registry of platforms: one line per src/platform/<name>.c.  Each
 * has its own tests/unit/test_platform_<name>.c (test_platform.c fails
 * for a registered platform without one).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "platform.h"
#include "text.h"
#include "xmalloc.h"

extern const struct platform platform_mattermost;
extern const struct platform platform_slack;
extern const struct platform platform_rocketchat;
extern const struct platform platform_teams;
extern const struct platform platform_discord;
extern const struct platform platform_googlechat;
extern const struct platform platform_webhook;

static const struct platform *const platforms[] = {
    &platform_mattermost,
    &platform_slack,
    &platform_rocketchat,
    &platform_teams,
    &platform_discord,
    &platform_googlechat,
    &platform_webhook,
};

const struct platform *
platform_at(size_t i)
{
	return i < sizeof(platforms) / sizeof(platforms[0]) ? platforms[i]
	                                                    : NULL;
}

const struct platform *
platform_find(const char *name)
{
	const struct platform *p;
	size_t i;

	for (i = 0; (p = platform_at(i)) != NULL; i++)
		if (strcmp(p->name, name) == 0)
			return p;
	return NULL;
}

const struct platform *
platform_for_section(const char *s)
{
	const struct platform *p;
	size_t i, n;

	for (i = 0; (p = platform_at(i)) != NULL; i++) {
		n = strlen(p->name);
		if (!p->named_sections) {
			if (strcmp(s, p->name) == 0)
				return p;
			continue;
		}
		/* [name.LABEL]: letters, digits, '-' and '_'. */
		if (strncmp(s, p->name, n) != 0 || s[n] != '.' ||
		    s[n + 1] == '\0')
			continue;
		for (s += n + 1; *s != '\0'; s++)
			if (!isalnum((unsigned char)*s) && *s != '-' &&
			    *s != '_')
				return NULL;
		return p;
	}
	return NULL;
}

char *
platform_render(const struct platform *p, const char *md)
{
	switch (p->dialect) {
	case PLATFORM_SLACK_MRKDWN:
		return text_render_slack(md);
	case PLATFORM_PLAIN:
		return text_render_plain(md);
	default:
		return xstrdup(md);
	}
}

bool
platform_icontains(const char *s, size_t len, const char *needle)
{
	size_t nl = strlen(needle), i;

	for (i = 0; i + nl <= len; i++)
		if (strncasecmp(s + i, needle, nl) == 0)
			return true;
	return false;
}

enum notify_verdict
platform_verdict_by_status(long status)
{
	if (status >= 200 && status <= 299)
		return NOTIFY_VERDICT_OK;
	if (status == 408 || status == 429 || (status >= 500 && status <= 599))
		return NOTIFY_VERDICT_RETRY;
	return NOTIFY_VERDICT_FAIL;
}

bool
platform_bot_get(const struct platform *p, const struct conf_platform *pl,
    struct platform_bot *bot)
{
	memset(bot, 0, sizeof(*bot));
	if (p == NULL || p->dm_call == NULL || pl->bot_token == NULL ||
	    pl->bot_token[0] == '\0')
		return false;
	bot->api_url = pl->api_url != NULL && pl->api_url[0] != '\0'
	    ? pl->api_url
	    : p->default_api_url;
	bot->token = pl->bot_token;
	bot->user_id = pl->bot_user_id;
	if (bot->api_url == NULL || bot->api_url[0] == '\0')
		return false;
	if (p->dm_needs_user_id &&
	    (bot->user_id == NULL || bot->user_id[0] == '\0'))
		return false;
	return true;
}

void
platform_call_free(struct platform_call *c)
{
	size_t i;

	free(c->url);
	free(c->body);
	for (i = 0; i < sizeof(c->header) / sizeof(c->header[0]); i++)
		free(c->header[i]);
	memset(c, 0, sizeof(*c));
}

char *
platform_api_url(const struct platform_bot *bot, const char *path)
{
	size_t n = strlen(bot->api_url);

	while (n > 0 && bot->api_url[n - 1] == '/')
		n--;
	return xasprintf("%.*s%s", (int)n, bot->api_url, path);
}

bool
platform_id_ok(const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > 64)
		return false;
	return strspn(s,
	           "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	           "0123456789._-") == n;
}
