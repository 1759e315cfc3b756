/*
 * libmicrohttpd, in external-select mode, as a loop source: before each
 * wait the loop collects MHD's descriptors and timeout, after it MHD runs
 * from the ready sets.  Every request gets a small context when its URI
 * arrives (the URI log callback, which also sees the raw query string
 * that MHD would otherwise only hand over decoded): the route is chosen
 * on the headers, the body is collected up to body_max, and the complete
 * request goes to hook_handle.  Nothing blocks: the router answers from
 * memory, so replies are produced inside the platforms' 3 s deadlines.
 * The route is looked up again by section name when the body is complete
 * because a reload may have replaced the config in between.
 */
#define LOG_MODULE "http"
#include <arpa/inet.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>

#include "buf.h"
#include "conf.h"
#include "hook.h"
#include "http.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "xmalloc.h"

#define HTTP_TIMEOUT_S 15      /* idle connection timeout */
#define HTTP_CACHE_ENTRIES 256 /* recent event ids remembered */
#define HTTP_CACHE_TTL_S 600
#define HTTP_LOG_EVERY_MS 60000 /* refusal logs, at most this often */
/* Per-connection pool (headers and read buffer), cleared per request. */
#define HTTP_CONN_MEMORY (16 * 1024)

struct http {
	struct loop *loop;
	const struct conf *conf;
	struct MHD_Daemon *daemon;
	int source;
	message_handler handler;
	void *arg;
	struct hook_cache *cache;
	hook_dm_fn dm; /* direct messages, from http_set_dm */
	void *dm_arg;
	const struct hook_forms *forms; /* from http_set_forms */
	char *listen;                   /* as configured */
	int max_conns;
	char addr[80]; /* as bound */
	int64_t refusal_logged_ms;
	unsigned long refusals_unlogged;
};

/* One request, from its URI to its completion. */
struct http_req {
	struct http *h;
	char *query;   /* raw query string, or NULL */
	char *section; /* platform route, NULL: other */
	struct buf body;
	bool started;
	bool too_large;
	bool answered;
	bool form; /* to the route's form path */
};

/* ---- Loop source ---- */

static void
http_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct http *h = arg;
	fd_set es;
	MHD_socket max = *maxfd;

	FD_ZERO(&es);
	if (MHD_get_fdset2(h->daemon, rd, wr, &es, &max, FD_SETSIZE) ==
	        MHD_YES &&
	    max > *maxfd)
		*maxfd = max;
}

static long
http_timeout_ms(void *arg)
{
	struct http *h = arg;
	MHD_UNSIGNED_LONG_LONG ms;

	if (MHD_get_timeout(h->daemon, &ms) != MHD_YES)
		return -1;
	return ms > 1000 ? 1000 : (long)ms;
}

static void
http_process(void *arg, fd_set *rd, fd_set *wr)
{
	struct http *h = arg;
	fd_set es;

	FD_ZERO(&es);
	MHD_run_from_select(h->daemon, rd, wr, &es);
}

/* ---- Helpers ---- */

static const char *
http_header(void *arg, const char *name)
{
	return MHD_lookup_connection_value(arg, MHD_HEADER_KIND, name);
}

/*
 * The route of url (or of section when url is NULL); *form is set when
 * url is the route's path + HOOK_FORM_PATH, where unsigned form
 * submissions (a Mattermost dialog) arrive.
 */
static const struct conf_platform *
http_route_find(
    const struct http *h, const char *url, const char *section, bool *form)
{
	const struct conf_platform *p;
	size_t i, n;

	for (i = 0; i < h->conf->nplatforms; i++) {
		p = &h->conf->platforms[i];
		if (p->path == NULL || p->path[0] == '\0' ||
		    !hook_kind_inbound(p->kind))
			continue;
		if (section != NULL ? strcmp(p->section, section) == 0
		                    : strcmp(p->path, url) == 0)
			return p;
		n = strlen(p->path);
		if (section == NULL && form != NULL &&
		    strncmp(p->path, url, n) == 0 &&
		    strcmp(url + n, HOOK_FORM_PATH) == 0) {
			*form = true;
			return p;
		}
	}
	return NULL;
}

/* Counts the answer under a fixed label: never the user's path. */
static void
http_count(const char *route, int status)
{
	char labels[160];

	snprintf(labels, sizeof(labels), "route=\"%s\",status=\"%d\"", route,
	    status);
	metrics_inc("intakebot_http_requests_total", labels);
}

static void
http_note_refusal(struct http *h, struct MHD_Connection *c, const char *section,
    int status, const char *why)
{
	const union MHD_ConnectionInfo *ci;
	char ip[INET6_ADDRSTRLEN] = "?";
	int64_t now = loop_now_ms();

	/* Forged requests can come fast: log a sample, count the rest. */
	if (h->refusal_logged_ms != 0 &&
	    now - h->refusal_logged_ms < HTTP_LOG_EVERY_MS) {
		h->refusals_unlogged++;
		return;
	}
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		if (ci->client_addr->sa_family == AF_INET)
			inet_ntop(AF_INET,
			    &((const struct sockaddr_in *)(const void *)
			            ci->client_addr)
			         ->sin_addr,
			    ip, sizeof(ip));
		else if (ci->client_addr->sa_family == AF_INET6)
			inet_ntop(AF_INET6,
			    &((const struct sockaddr_in6 *)(const void *)
			            ci->client_addr)
			         ->sin6_addr,
			    ip, sizeof(ip));
	}
	log_info("[%s] refused a request from %s: %d %s (%lu more not "
	         "logged)",
	    section, ip, status, why, h->refusals_unlogged);
	h->refusal_logged_ms = now;
	h->refusals_unlogged = 0;
}

/* Queues status with body (taken; NULL: none) and counts it. */
static enum MHD_Result
http_answer(struct http_req *rq, struct MHD_Connection *c, const char *route,
    int status, char *body, const char *ctype, const char *allow)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	size_t len = body != NULL ? strlen(body) : 0;

	if (body != NULL)
		r = MHD_create_response_from_buffer(
		    len, body, MHD_RESPMEM_MUST_FREE);
	else
		r = MHD_create_response_from_buffer(
		    0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r == NULL) {
		free(body);
		return MHD_NO;
	}
	if (len > 0 && ctype != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	rc = MHD_queue_response(c, (unsigned int)status, r);
	MHD_destroy_response(r);
	if (rc == MHD_YES) {
		rq->answered = true;
		http_count(route, status);
	}
	return rc;
}

static enum MHD_Result
http_error(struct http_req *rq, struct MHD_Connection *c, const char *route,
    int status, const char *why, const char *allow)
{
	return http_answer(rq, c, route, status,
	    xasprintf("{\"error\":\"%s\"}", why), "application/json", allow);
}

static enum MHD_Result
http_serve_builtin(
    struct http_req *rq, struct MHD_Connection *c, const char *url)
{
	const union MHD_DaemonInfo *di;
	struct buf b;

	buf_init(&b, 0);
	metrics_health_refresh();
	if (strcmp(url, "/healthz") == 0) {
		metrics_render_health(&b);
		buf_addstr(&b, "\n");
		return http_answer(rq, c, "healthz",
		    strcmp(metrics_health_status(), "failing") == 0 ? 503 : 200,
		    buf_take(&b), "application/json", NULL);
	}
	di = MHD_get_daemon_info(
	    rq->h->daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
	if (di != NULL)
		metrics_set("intakebot_http_connections", NULL,
		    (int64_t)di->num_connections);
	metrics_render_prometheus(&b);
	return http_answer(rq, c, "metrics", 200, buf_take(&b),
	    "text/plain; version=0.0.4; charset=utf-8", NULL);
}

/* The headers are in: pick the route and refuse early what we can. */
static enum MHD_Result
http_on_headers(struct http_req *rq, struct MHD_Connection *c, const char *url,
    const char *method)
{
	struct http *h = rq->h;
	const struct conf_platform *p;
	const char *cl;
	unsigned long long n;
	char *end;

	if (strcmp(url, "/healthz") == 0 || strcmp(url, "/metrics") == 0) {
		if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
			return http_error(rq, c, url + 1, 405,
			    "method not allowed", "GET, HEAD");
		return http_serve_builtin(rq, c, url);
	}
	if ((p = http_route_find(h, url, NULL, &rq->form)) == NULL)
		return http_error(rq, c, "unknown", 404, "not found", NULL);
	rq->section = xstrdup(p->section);
	if (strcmp(method, "POST") != 0 &&
	    !(strcmp(method, "GET") == 0 && hook_kind_get(p->kind)))
		return http_error(rq, c, p->section, 405, "method not allowed",
		    hook_kind_get(p->kind) ? "POST, GET" : "POST");
	cl = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (cl != NULL) {
		n = strtoull(cl, &end, 10);
		if (n > (unsigned long long)h->conf->http_body_max) {
			rq->too_large = true;
			return http_error(
			    rq, c, p->section, 413, "body too large", NULL);
		}
	}
	buf_init(&rq->body, (size_t)h->conf->http_body_max);
	return MHD_YES;
}

/* The body is complete: verify, parse, route, answer. */
static enum MHD_Result
http_on_request(
    struct http_req *rq, struct MHD_Connection *c, const char *method)
{
	struct http *h = rq->h;
	const struct conf_platform *p;
	struct hook_request req;
	struct hook_response resp;
	struct hook_ctx ctx;
	char labels[128];
	enum MHD_Result rc;

	if ((p = http_route_find(h, NULL, rq->section, NULL)) == NULL)
		return http_error(rq, c, "unknown", 404, "not found", NULL);
	memset(&req, 0, sizeof(req));
	req.method = method;
	req.content_type = MHD_lookup_connection_value(
	    c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
	req.body = rq->body.data != NULL ? rq->body.data : "";
	req.body_len = rq->body.len;
	req.query = rq->query;
	req.header = http_header;
	req.header_arg = c;
	req.now = (int64_t)time(NULL);
	req.form_route = rq->form;
	ctx = (struct hook_ctx){p, h->conf->nick, h->handler, h->arg, h->cache,
	    h->conf, h->dm, h->dm_arg, h->forms};
	hook_handle(&ctx, &req, &resp);
	snprintf(labels, sizeof(labels), "route=\"%s\"", p->section);
	if (resp.verify_failed)
		metrics_inc("intakebot_http_verify_failures_total", labels);
	if (resp.replayed)
		metrics_inc("intakebot_http_duplicates_total", labels);
	else if (resp.nreplies > 0)
		metrics_add(
		    "intakebot_http_replies_total", labels, resp.nreplies);
	if (resp.status >= 400)
		http_note_refusal(h, c, p->section, resp.status,
		    resp.why != NULL ? resp.why : "refused");
	else
		log_debug("[%s] %d, %d replies%s", p->section, resp.status,
		    resp.nreplies, resp.replayed ? " (replayed)" : "");
	if (resp.status >= 400 && resp.body == NULL)
		return http_error(rq, c, p->section, resp.status,
		    resp.why != NULL ? resp.why : "refused", NULL);
	rc = http_answer(
	    rq, c, p->section, resp.status, resp.body, resp.content_type, NULL);
	return rc;
}

static enum MHD_Result
http_on_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_req *rq = *con_cls;

	(void)cls;
	(void)version;
	if (rq == NULL)
		return MHD_NO;
	if (rq->answered) {
		/* Answered early: whatever still arrives is dropped. */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (!rq->started) {
		rq->started = true;
		return http_on_headers(rq, c, url, method);
	}
	if (*upload_data_size > 0) {
		if (!rq->too_large &&
		    buf_add(&rq->body, upload_data, *upload_data_size) == -1) {
			rq->too_large = true;
			buf_reset(&rq->body);
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (rq->too_large)
		return http_error(
		    rq, c, rq->section, 413, "body too large", NULL);
	return http_on_request(rq, c, method);
}

static void *
http_on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct http_req *rq;
	const char *q;

	(void)c;
	rq = xcalloc(1, sizeof(*rq));
	rq->h = cls;
	if (uri != NULL && (q = strchr(uri, '?')) != NULL)
		rq->query = xstrdup(q + 1);
	return rq;
}

static void
http_on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *rq = *con_cls;

	(void)cls;
	(void)c;
	if (rq == NULL)
		return;
	if (!rq->answered && toe != MHD_REQUEST_TERMINATED_COMPLETED_OK)
		log_debug("request ended before an answer (%d)", (int)toe);
	buf_reset(&rq->body);
	free(rq->query);
	free(rq->section);
	free(rq);
	*con_cls = NULL;
}

static void __attribute__((format(printf, 2, 0)))
http_on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[256];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strcspn(msg, "\r\n");
	msg[n] = '\0';
	log_debug("libmicrohttpd: %s", msg);
}

/* Parses "HOST:PORT" or "[V6]:PORT" into ss. */
static int
http_parse_listen(const char *s, struct sockaddr_storage *ss, socklen_t *len)
{
	struct addrinfo hints, *res;
	char host[64];
	const char *colon, *hs = s, *he;
	size_t hl;
	int rc;

	if (s[0] == '[') {
		hs = s + 1;
		if ((he = strchr(hs, ']')) == NULL || he[1] != ':')
			return -1;
		colon = he + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return -1;
		he = colon;
	}
	hl = (size_t)(he - hs);
	if (hl >= sizeof(host) || colon[1] == '\0')
		return -1;
	memcpy(host, hs, hl);
	host[hl] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
	if ((rc = getaddrinfo(hl > 0 ? host : NULL, colon + 1, &hints, &res)) !=
	    0)
		return -1;
	memcpy(ss, res->ai_addr, res->ai_addrlen);
	*len = res->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void
http_health_routes(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nplatforms; i++)
		if (c->platforms[i].path[0] != '\0' &&
		    hook_kind_inbound(c->platforms[i].kind))
			metrics_health_set(c->platforms[i].section, "ready");
}

struct http *
http_new(struct loop *loop, const struct conf *conf, message_handler handler,
    void *arg)
{
	struct sockaddr_storage ss;
	struct loop_source src;
	socklen_t sslen;
	/* TURBO: no shutdown() before close, fewer syscalls per request. */
	unsigned int flags = MHD_USE_ERROR_LOG | MHD_USE_TURBO;
	const union MHD_DaemonInfo *di;
	struct http *h;
	char host[INET6_ADDRSTRLEN] = "?";
	uint16_t port = 0;

	if (http_parse_listen(conf->http_listen, &ss, &sslen) == -1) {
		log_warnx("[http] listen: '%s' is not ADDRESS:PORT",
		    conf->http_listen);
		return NULL;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	h = xcalloc(1, sizeof(*h));
	h->loop = loop;
	h->conf = conf;
	h->handler = handler;
	h->arg = arg;
	h->listen = xstrdup(conf->http_listen);
	h->max_conns = conf->http_max_conns;
	h->cache = hook_cache_new(HTTP_CACHE_ENTRIES, HTTP_CACHE_TTL_S);
	/* Without MHD_USE_INTERNAL_POLLING_THREAD MHD never starts a thread. */
	h->daemon = MHD_start_daemon(flags, 0, NULL, NULL, http_on_access, h,
	    MHD_OPTION_EXTERNAL_LOGGER, http_on_mhd_log, h,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)conf->http_max_conns,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)HTTP_CONN_MEMORY,
	    MHD_OPTION_URI_LOG_CALLBACK, http_on_uri, h,
	    MHD_OPTION_NOTIFY_COMPLETED, http_on_completed, h, MHD_OPTION_END);
	if (h->daemon == NULL) {
		log_warnx("[http] cannot listen on %s (address in use, or "
		          "not this host's?)",
		    conf->http_listen);
		hook_cache_free(h->cache);
		free(h->listen);
		free(h);
		return NULL;
	}
	di = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	if (di != NULL)
		port = di->port;
	if (ss.ss_family == AF_INET)
		inet_ntop(AF_INET,
		    &((struct sockaddr_in *)(void *)&ss)->sin_addr, host,
		    sizeof(host));
	else
		inet_ntop(AF_INET6,
		    &((struct sockaddr_in6 *)(void *)&ss)->sin6_addr, host,
		    sizeof(host));
	snprintf(h->addr, sizeof(h->addr),
	    ss.ss_family == AF_INET6 ? "[%s]:%u" : "%s:%u", host,
	    (unsigned)port);
	src =
	    (struct loop_source){http_fdset, http_timeout_ms, http_process, h};
	h->source = loop_source_add(loop, &src);
	metrics_help("intakebot_http_requests_total", "counter",
	    "HTTP requests answered, by route and status.");
	metrics_help("intakebot_http_verify_failures_total", "counter",
	    "Requests refused because authentication failed.");
	metrics_help("intakebot_http_replies_total", "counter",
	    "Replies rendered into webhook answers.");
	metrics_help("intakebot_http_duplicates_total", "counter",
	    "Retried events answered from the replay cache.");
	metrics_help(
	    "intakebot_http_connections", "gauge", "Open HTTP connections.");
	metrics_health_set("http", "listening");
	http_health_routes(conf);
	log_info("listening on %s", h->addr);
	return h;
}

void
http_free(struct http *h)
{
	if (h == NULL)
		return;
	loop_source_del(h->loop, h->source);
	MHD_stop_daemon(h->daemon);
	hook_cache_free(h->cache);
	metrics_health_set("http", "stopped");
	free(h->listen);
	free(h);
}

void
http_set_conf(struct http *h, const struct conf *conf)
{
	const struct conf_platform *p;
	size_t i;

	/* Routes that went away are no longer ready. */
	for (i = 0; i < h->conf->nplatforms; i++) {
		p = &h->conf->platforms[i];
		if (p->path[0] != '\0' && hook_kind_inbound(p->kind))
			metrics_health_set(p->section, "off");
	}
	if (!conf->http_enabled || strcmp(conf->http_listen, h->listen) != 0 ||
	    conf->http_max_conns != h->max_conns)
		log_warnx("[http] listen and max_connections changes (and "
		          "removing [http]) take effect at the next restart");
	h->conf = conf;
	http_health_routes(conf);
}

const char *
http_address(const struct http *h)
{
	return h->addr;
}

void
http_set_forms(struct http *h, const struct hook_forms *forms)
{
	h->forms = forms;
}

void
http_set_dm(struct http *h, hook_dm_fn dm, void *arg)
{
	h->dm = dm;
	h->dm_arg = arg;
}
