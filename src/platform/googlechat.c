/*
 * Google Chat: staff posts only, to a space's incoming webhook.  Text is
 * plain (its own markup differs from the neutral subset); errors come as
 * {"error": {"code": N, "status": "..."}}, also inside a 200.
 */
#include <stdio.h>
#include <string.h>

#include "platform.h"

static enum notify_verdict
gchat_classify_2xx(long status, const char *body, size_t len, long *wait_ms,
    char *why, size_t whylen)
{
	char tok[PLATFORM_TOKEN_MAX + 1];

	(void)wait_ms;
	if (!platform_json_body_has(body, len, "error"))
		return NOTIFY_VERDICT_OK;
	if (platform_json_error(body, len, tok, sizeof(tok)))
		snprintf(why, whylen, "HTTP %ld, error %s", status, tok);
	else
		snprintf(why, whylen, "HTTP %ld, error", status);
	return NOTIFY_VERDICT_FAIL;
}

const struct platform platform_googlechat = {
    .name = "googlechat",
    .dialect = PLATFORM_PLAIN,
    /* 32000 bytes per message; about one write a second per space. */
    .lim = {.max_payload = 32000, .rate_per_min = 60, .burst = 1},
    .payload = platform_payload_text,
    .classify_2xx = gchat_classify_2xx,
};
