/*
 * JSON for the platform files: the depth-limited parser for request
 * bodies, small typed getters, serialisation that escapes U+2028/U+2029,
 * and the readers of error bodies (error codes safe to log, Discord's
 * retry_after).  json-c is included here and in the platform files only
 * (and in consult.c for the export).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "buf.h"
#include "platform.h"
#include "text.h"
#include "xmalloc.h"

#define PLATFORM_JSON_DEPTH 16

struct json_object *
platform_json_parse(const char *s, size_t len)
{
	struct json_tokener *tok;
	struct json_object *o;
	size_t off;

	if (len > INT_MAX)
		return NULL;
	if ((tok = json_tokener_new_ex(PLATFORM_JSON_DEPTH)) == NULL)
		return NULL;
	o = json_tokener_parse_ex(tok, s, (int)len);
	if (o == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		json_object_put(o);
		json_tokener_free(tok);
		return NULL;
	}
	/* Nothing but white space may follow the document. */
	for (off = json_tokener_get_parse_end(tok); off < len; off++) {
		if (!isspace((unsigned char)s[off])) {
			json_object_put(o);
			o = NULL;
			break;
		}
	}
	json_tokener_free(tok);
	return o;
}

struct json_object *
platform_json_object(const char *s, size_t len)
{
	struct json_object *o;

	if ((o = platform_json_parse(s, len)) != NULL &&
	    !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		o = NULL;
	}
	return o;
}

void
platform_json_doc_free(void *p)
{
	json_object_put(p);
}

const char *
platform_json_str(struct json_object *o, const char *key, size_t *len)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_string))
		return NULL;
	if (len != NULL)
		*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

struct json_object *
platform_json_obj(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) ||
	    !json_object_is_type(v, json_type_object))
		return NULL;
	return v;
}

bool
platform_json_true(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (o == NULL || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v))
		return false;
	return json_object_is_type(v, json_type_boolean) &&
	    json_object_get_boolean(v);
}

/*
 * json-c leaves U+2028 and U+2029 raw; they end a line for JavaScript
 * consumers, so they are written as escapes.
 */
char *
platform_json_take(struct json_object *o)
{
	const char *s;
	struct buf b;
	char *out;

	s = json_object_to_json_string_ext(
	    o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	buf_init(&b, 0);
	for (; *s != '\0'; s++) {
		if ((unsigned char)s[0] == 0xe2 &&
		    (unsigned char)s[1] == 0x80 &&
		    ((unsigned char)s[2] == 0xa8 ||
		        (unsigned char)s[2] == 0xa9)) {
			buf_addstr(&b,
			    (unsigned char)s[2] == 0xa8 ? "\\u2028"
			                                : "\\u2029");
			s += 2;
		} else
			buf_add(&b, s, 1);
	}
	json_object_put(o);
	out = buf_take(&b);
	return out != NULL ? out : xstrdup("");
}

char *
platform_json_text(const char *key, const char *text)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, key, json_object_new_string(text));
	return platform_json_take(o);
}

bool
platform_safe_token(
    const char *s, size_t len, bool spaces, char *out, size_t outlen)
{
	size_t i;

	while (len > 0 && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len == 0 || len > PLATFORM_TOKEN_MAX || len >= outlen)
		return false;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '_' && c != '.' && c != ':' &&
		    c != '-' && !(spaces && c == ' '))
			return false;
	}
	memcpy(out, s, len);
	out[len] = '\0';
	return true;
}

/* An error body: a JSON object, else NULL (never an error itself). */
static struct json_object *
platform_json_body(const char *body, size_t len)
{
	size_t i = 0;

	if (body == NULL)
		return NULL;
	while (i < len && isspace((unsigned char)body[i]))
		i++;
	if (i == len || body[i] != '{')
		return NULL;
	return platform_json_object(body, len);
}

bool
platform_json_error(const char *body, size_t len, char *out, size_t outlen)
{
	static const char *keys[] = {"error", "id", "status", "message"};
	struct json_object *o, *js, *v, *e;
	const char *s;
	bool found = false;
	size_t i;

	if ((js = platform_json_body(body, len)) == NULL)
		return false;
	o = js;
	/* Google: {"error": {"code": 400, "status": "INVALID_ARGUMENT"}} */
	if (json_object_object_get_ex(o, "error", &e) &&
	    json_object_is_type(e, json_type_object))
		o = e;
	for (i = 0; !found && i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!json_object_object_get_ex(o, keys[i], &v) ||
		    !json_object_is_type(v, json_type_string))
			continue;
		s = json_object_get_string(v);
		found = platform_safe_token(s, strlen(s), true, out, outlen);
	}
	if (!found && json_object_object_get_ex(o, "code", &v) &&
	    json_object_is_type(v, json_type_int)) {
		snprintf(out, outlen, "code %d", json_object_get_int(v));
		found = true;
	}
	json_object_put(js);
	return found;
}

long
platform_json_retry_after(const char *body, size_t len)
{
	struct json_object *js, *v;
	long ms = -1;
	double ra;

	if ((js = platform_json_body(body, len)) == NULL)
		return -1;
	/* Discord: {"retry_after": 64.57, "global": false} */
	if (json_object_object_get_ex(js, "retry_after", &v) &&
	    (json_object_is_type(v, json_type_double) ||
	        json_object_is_type(v, json_type_int))) {
		ra = json_object_get_double(v);
		if (ra >= 0 && ra < 86400.0 * 7)
			ms = (long)(ra * 1000.0 + 0.5);
	}
	json_object_put(js);
	return ms;
}

int
platform_json_body_bool(const char *body, size_t len, const char *key)
{
	struct json_object *js, *v;
	int r = -1;

	if ((js = platform_json_body(body, len)) == NULL)
		return -1;
	if (json_object_object_get_ex(js, key, &v) &&
	    json_object_is_type(v, json_type_boolean))
		r = json_object_get_boolean(v) ? 1 : 0;
	json_object_put(js);
	return r;
}

bool
platform_json_body_has(const char *body, size_t len, const char *key)
{
	struct json_object *js;
	bool r;

	if ((js = platform_json_body(body, len)) == NULL)
		return false;
	r = json_object_object_get_ex(js, key, NULL);
	json_object_put(js);
	return r;
}

struct json_object *
platform_json_event(const struct hook_request *req, struct hook_event *ev,
    struct hook_response *resp)
{
	struct json_object *o;

	if (ev->doc != NULL)
		return ev->doc;
	if ((o = platform_json_object(req->body, req->body_len)) == NULL) {
		hook_refuse(resp, 400, "malformed body", false);
		return NULL;
	}
	ev->doc = o;
	ev->doc_free = platform_json_doc_free;
	return o;
}

char *
platform_payload_text(const char *text)
{
	return platform_json_text("text", text);
}

char *
platform_json_id(const char *body, size_t len, const char *in, const char *key)
{
	struct json_object *o, *at;
	const char *id;
	char *out = NULL;

	if ((o = platform_json_body(body, len)) == NULL)
		return NULL;
	at = in != NULL ? platform_json_obj(o, in) : o;
	id = platform_json_str(at, key, NULL);
	if (platform_id_ok(id))
		out = xstrdup(id);
	json_object_put(o);
	return out;
}

const char *const platform_form_names[PLATFORM_FORM_FIELDS] = {"name",
    "contact", "language", "availability", "urgency", "description", "consent"};

char *
platform_form_errors_json(
    const char *action, char *const err[PLATFORM_FORM_FIELDS])
{
	struct json_object *o = json_object_new_object(), *e;
	size_t i;

	e = json_object_new_object();
	for (i = 0; i < PLATFORM_FORM_FIELDS; i++)
		if (err[i] != NULL)
			json_object_object_add(e, platform_form_names[i],
			    json_object_new_string(err[i]));
	if (action != NULL)
		json_object_object_add(
		    o, "response_action", json_object_new_string(action));
	json_object_object_add(o, "errors", e);
	return platform_json_take(o);
}

struct json_object *
platform_json_string_max(const char *s, size_t max)
{
	return json_object_new_string_len(
	    s, (int)text_utf8_cut(s, strlen(s), max));
}
