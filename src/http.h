/*
 * The inbound HTTP adapter: one libmicrohttpd daemon on [http] listen,
 * driven from the bot's loop (no threads), serving each platform
 * section's path, GET /healthz and GET /metrics.  Requests are read whole
 * (capped at body_max, 413 above), handed to hook.c for verification,
 * parsing and routing, and answered inline.
 */
#ifndef HTTP_H
#define HTTP_H

#include "hook.h"
#include "message.h"

struct conf;
struct loop;
struct http;

/*
 * Starts listening on conf's [http] listen address.  conf is borrowed
 * until the next http_set_conf or http_free; handler gets every message.
 * Returns NULL after logging why when the address is invalid or cannot be
 * bound.
 */
struct http *http_new(
    struct loop *, const struct conf *, message_handler, void *arg);
/* Private replies that need a direct message go to dm (see hook.h). */
struct hook_forms;
/* Native forms: what they need of the bot (borrowed; NULL: none). */
void http_set_forms(struct http *, const struct hook_forms *);
void http_set_dm(struct http *, hook_dm_fn dm, void *arg);
/* Stops listening, drops open connections and frees everything. */
void http_free(struct http *);

/*
 * Switches to a new config (borrowed as above): routes, tokens, secrets
 * and body_max take effect for the next request.  listen and
 * max_connections need a restart (a warning says so).
 */
void http_set_conf(struct http *, const struct conf *);

/* The address actually bound ("127.0.0.1:8080"), for logs. */
const char *http_address(const struct http *);

#endif
