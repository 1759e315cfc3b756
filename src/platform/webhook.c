/*
 * [webhook.NAME]: a generic JSON endpoint for staff posts, any number of
 * them.  It takes {"text": ..., "source": "intakebot"}; any 2xx is
 * delivered.
 */
#include <json-c/json.h>

#include "platform.h"

static char *
webhook_payload(const char *text)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "text", json_object_new_string(text));
	json_object_object_add(
	    o, "source", json_object_new_string("intakebot"));
	return platform_json_take(o);
}

const struct platform platform_webhook = {
    .name = "webhook",
    .named_sections = true,
    .dialect = PLATFORM_MARKDOWN,
    .lim = {.max_payload = 65536, .rate_per_min = 60, .burst = 5},
    .payload = webhook_payload,
};
