/*
 * The staff poster over libcurl multi (the only file that includes
 * curl.h).  One destination per platform section with a
 * staff_webhook_url; each has a FIFO of items and at most one request on
 * the wire, so order holds across retries.  A destination is moved on by
 * three things only: its timer (rate limit, backoff, a newly queued
 * item), the completion of its request, and a reload.  Items carry the
 * neutral text until their first attempt, when it is turned into the
 * platform's payloads (notify-format.c).  Nothing here logs the text or
 * a whole webhook URL.
 */
#define LOG_MODULE "notify"
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "buf.h"
#include "conf.h"
#include "diag.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "notify-format.h"
#include "notify.h"
#include "xmalloc.h"

#ifndef INTAKEBOT_VERSION
#define INTAKEBOT_VERSION "0"
#endif

#define NOTIFY_BODY_MAX (64 * 1024) /* answer bytes kept */
#define NOTIFY_HDR_MAX 64
#define NOTIFY_BACKOFF_BASE_MS 1000L
#define NOTIFY_WAIT_MAX_MS (3600L * 1000) /* cap on a server's wait */
#define NOTIFY_CONNECT_MAX_MS 10000L
#define NOTIFY_WHY_MAX 160

struct notify_item {
	struct notify_item *next;
	char *text;   /* neutral text until parts */
	char **parts; /* payloads, built at first try */
	size_t nparts;
	size_t part;  /* next part to deliver */
	int attempts; /* failures of this part */
	int retries;  /* failures of the whole item */
	int64_t queued_ms;
	int64_t deadline_ms; /* 0: never give up */
	notify_cb cb;
	void *arg;
	char why[NOTIFY_WHY_MAX - 40]; /* last failure */
	struct platform_dm dm;         /* a direct message's recipient */
};

struct notify_dest {
	struct notify *n;
	char *name;       /* section name */
	char labels[160]; /* destination="name" */
	const struct platform *platform;
	/*
	 * A direct-message destination ("SECTION/dm") calls the platform's
	 * REST API as the bot account; the others post to url.
	 */
	bool dm;
	char *bot[3];                    /* api_url, token (secret), user id */
	struct curl_slist *call_headers; /* of the call on the wire */
	char *url;                       /* as posted; secret */
	char *redacted;                  /* scheme://host/… for logs */
	long timeout_ms;
	long backoff_max_ms;
	long test_give_up;
	/* Token bucket. */
	double tokens, burst, per_ms;
	int64_t refill_ms;
	/* Queue. */
	struct notify_item *head, *tail;
	size_t depth;
	int64_t not_before_ms; /* backoff, server's wait */
	uint64_t timer;
	bool seen; /* during notify_set_conf */
	/* The request on the wire. */
	CURL *easy;
	struct buf body;
	char retry_after[NOTIFY_HDR_MAX];
	char rl_remaining[NOTIFY_HDR_MAX];
	char rl_reset_after[NOTIFY_HDR_MAX];
};

/* A call made at once, outside every queue (notify_call). */
struct notify_once {
	struct notify_once *next;
	CURL *easy;
	struct curl_slist *headers;
	struct buf body;
	char name[80];
};

struct notify {
	struct loop *loop;
	struct notify_once *once; /* calls on the wire */
	CURLM *multi;
	int source;
	struct curl_slist *headers;
	struct notify_dest **dests;
	size_t ndests;
	size_t active; /* requests on the wire */
	bool nofds;
	bool closing;
	bool draining;
	void (*drain_done)(void *);
	void *drain_arg;
	uint64_t drain_timer;
};

static int notify_curl_users;

static void notify_dest_run(struct notify_dest *);

bool
notify_configured(const struct conf *c)
{
	size_t i;

	for (i = 0; i < c->nplatforms; i++)
		if ((c->platforms[i].staff_webhook_url != NULL &&
		        c->platforms[i].staff_webhook_url[0] != '\0') ||
		    platform_bot_get(platform_find(c->platforms[i].kind),
		        &c->platforms[i], &(struct platform_bot){0}))
			return true;
	return false;
}

static struct notify_dest *
notify_dest_find(const struct notify *n, const char *name)
{
	size_t i;

	for (i = 0; i < n->ndests; i++)
		if (strcmp(n->dests[i]->name, name) == 0)
			return n->dests[i];
	return NULL;
}

static void
notify_dest_gauge(struct notify_dest *d)
{
	metrics_set(
	    "intakebot_notify_queue_depth", d->labels, (int64_t)d->depth);
}

static long
notify_on_timer(void *arg)
{
	struct notify_dest *d = arg;

	d->timer = 0;
	notify_dest_run(d);
	return LOOP_TIMER_DONE;
}

/* (Re)arms the destination's one timer to fire in ms. */
static void
notify_dest_wake(struct notify_dest *d, long ms)
{
	if (d->timer != 0)
		loop_timer_del(d->n->loop, d->timer);
	d->timer = loop_timer_add(d->n->loop, ms, notify_on_timer, d);
}

static void
notify_item_free(struct notify_item *it)
{
	notify_format_free(it->parts, it->nparts);
	free(it->dm.user);
	free(it->dm.self);
	free(it->dm.channel);
	free(it->text);
	free(it);
}

/* Unlinks it, which must be the head or follow prev. */
static void
notify_dest_unlink(
    struct notify_dest *d, struct notify_item *prev, struct notify_item *it)
{
	if (prev == NULL)
		d->head = it->next;
	else
		prev->next = it->next;
	if (d->tail == it)
		d->tail = prev;
	it->next = NULL;
	d->depth--;
	notify_dest_gauge(d);
}

/*
 * Reports an unlinked item and frees it.  The callback comes last, when
 * the destination is consistent again, since it may queue more.
 */
static void
notify_item_finish(struct notify_dest *d, struct notify_item *it,
    enum notify_result r, const char *why)
{
	char whybuf[NOTIFY_WHY_MAX];
	notify_cb cb = it->cb;
	void *arg = it->arg;

	if (r == NOTIFY_OK) {
		metrics_inc("intakebot_notify_deliveries_total", d->labels);
		log_info("%s: delivered (%zu post%s, %d retr%s, %.1f s)",
		    d->name, it->nparts, it->nparts == 1 ? "" : "s",
		    it->retries, it->retries == 1 ? "y" : "ies",
		    (double)(loop_now_ms() - it->queued_ms) / 1000.0);
		whybuf[0] = '\0';
	} else {
		metrics_inc("intakebot_notify_failures_total", d->labels);
		snprintf(whybuf, sizeof(whybuf), "%s", why);
		log_warnx("%s: not delivered to %s: %s", d->name, d->redacted,
		    whybuf);
	}
	notify_item_free(it);
	if (cb != NULL)
		cb(arg, r, r == NOTIFY_OK ? NULL : whybuf);
}

/* Aborts the request on the wire, if any. */
static void
notify_dest_abort(struct notify_dest *d)
{
	if (d->easy == NULL)
		return;
	curl_multi_remove_handle(d->n->multi, d->easy);
	curl_easy_cleanup(d->easy);
	d->easy = NULL;
	curl_slist_free_all(d->call_headers);
	d->call_headers = NULL;
	d->n->active--;
}

/* Fails every queued item with why. */
static void
notify_dest_fail_all(struct notify_dest *d, const char *why)
{
	struct notify_item *it;

	while ((it = d->head) != NULL) {
		notify_dest_unlink(d, NULL, it);
		notify_item_finish(d, it, NOTIFY_FAILED, why);
	}
}

static void
notify_dest_bot_free(struct notify_dest *d)
{
	size_t i;

	for (i = 0; i < sizeof(d->bot) / sizeof(d->bot[0]); i++) {
		free(d->bot[i]);
		d->bot[i] = NULL;
	}
}

/*
 * The poster's common headers followed by those of call c, as a new
 * list; NULL when one could not be added (nothing is leaked).
 */
static struct curl_slist *
notify_call_headers(const struct notify *n, const struct platform_call *c)
{
	const size_t max = sizeof(c->header) / sizeof(c->header[0]);
	struct curl_slist *h = NULL, *t;
	const struct curl_slist *l;
	size_t i;

	for (l = n->headers; l != NULL; l = l->next) {
		if ((t = curl_slist_append(h, l->data)) == NULL)
			goto fail;
		h = t;
	}
	for (i = 0; i < max && c->header[i] != NULL; i++) {
		if ((t = curl_slist_append(h, c->header[i])) == NULL)
			goto fail;
		h = t;
	}
	return h;
fail:
	curl_slist_free_all(h);
	return NULL;
}

/*
 * The call for the head item's next step (a direct message's setup or
 * part): sets the URL, method, body and headers of e.  Returns -1 when
 * no header list could be made.
 */
static int
notify_dest_call(struct notify_dest *d, CURL *e)
{
	struct notify_item *it = d->head;
	struct platform_bot bot = {d->bot[0], d->bot[1], d->bot[2]};
	struct platform_call call;
	struct curl_slist *h;

	memset(&call, 0, sizeof(call));
	d->platform->dm_call(&bot, &it->dm, it->parts[it->part], &call);
	if ((h = notify_call_headers(d->n, &call)) == NULL) {
		platform_call_free(&call);
		return -1;
	}
	d->call_headers = h;
	curl_easy_setopt(e, CURLOPT_URL, call.url);
	if (call.get) {
		curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	} else {
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(call.body));
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, call.body);
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, h);
	log_debug("%s: %s step (%s, %s)", d->name, call.get ? "GET" : "POST",
	    it->dm.self == NULL && !call.get ? "setup" : "call", d->redacted);
	platform_call_free(&call);
	return 0;
}

static void
notify_dest_free(struct notify_dest *d)
{
	notify_dest_abort(d);
	if (d->timer != 0)
		loop_timer_del(d->n->loop, d->timer);
	d->timer = 0;
	buf_reset(&d->body);
	notify_dest_bot_free(d);
	free(d->name);
	free(d->url);
	free(d->redacted);
	free(d);
}

/* Fails the items whose give-up time has come, keeping the others' order. */
static void
notify_dest_expire(struct notify_dest *d, int64_t now)
{
	struct notify_item *it, *prev = NULL, *next, *gone = NULL, **gtail;
	char why[NOTIFY_WHY_MAX];

	gtail = &gone;
	for (it = d->head; it != NULL; it = next) {
		next = it->next;
		/* The item on the wire ends by its own timeout. */
		if (it->deadline_ms == 0 || now < it->deadline_ms ||
		    (it == d->head && d->easy != NULL)) {
			prev = it;
			continue;
		}
		notify_dest_unlink(d, prev, it);
		*gtail = it;
		gtail = &it->next;
	}
	while ((it = gone) != NULL) {
		gone = it->next;
		if (it->why[0] != '\0')
			snprintf(why, sizeof(why),
			    "gave up after %d "
			    "attempt%s: %.120s",
			    it->retries, it->retries == 1 ? "" : "s", it->why);
		else
			snprintf(why, sizeof(why), "gave up: not sent in time");
		notify_item_finish(d, it, NOTIFY_FAILED, why);
	}
}

static size_t
notify_on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct notify_dest *d = arg;

	/* Past the cap the rest is dropped, not refused. */
	buf_add(&d->body, p, size * nmemb);
	return size * nmemb;
}

static void
notify_header_copy(char *dst, const char *v, size_t len)
{
	while (len > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		len--;
	}
	while (len > 0 &&
	    (v[len - 1] == '\r' || v[len - 1] == '\n' || v[len - 1] == ' ' ||
	        v[len - 1] == '\t'))
		len--;
	if (len >= NOTIFY_HDR_MAX)
		len = NOTIFY_HDR_MAX - 1;
	memcpy(dst, v, len);
	dst[len] = '\0';
}

static size_t
notify_on_header(char *p, size_t size, size_t nmemb, void *arg)
{
	static const struct {
		const char *name;
		size_t off;
	} hdrs[] = {
	    {"retry-after:", offsetof(struct notify_dest, retry_after)},
	    {"x-ratelimit-remaining:",
	        offsetof(struct notify_dest, rl_remaining)},
	    {"x-ratelimit-reset-after:",
	        offsetof(struct notify_dest, rl_reset_after)},
	};
	struct notify_dest *d = arg;
	size_t len = size * nmemb, i, nl;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		/* A new response (after a 1xx): forget the last one's. */
		d->retry_after[0] = d->rl_remaining[0] = '\0';
		d->rl_reset_after[0] = '\0';
		return len;
	}
	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]); i++) {
		nl = strlen(hdrs[i].name);
		if (len > nl && strncasecmp(p, hdrs[i].name, nl) == 0)
			notify_header_copy(
			    (char *)d + hdrs[i].off, p + nl, len - nl);
	}
	return len;
}

/* Starts the request for the head item's next part. */
static void
notify_dest_send(struct notify_dest *d)
{
	struct notify *n = d->n;
	struct notify_item *it = d->head;
	const char *payload;
	CURLMcode mrc;
	CURL *e;

	if (it->parts == NULL) {
		it->nparts = d->dm
		    ? notify_format_texts(d->platform, it->text, &it->parts)
		    : notify_format_payloads(d->platform, it->text, &it->parts);
		free(it->text);
		it->text = NULL;
	}
	payload = it->parts[it->part];
	buf_reset(&d->body);
	buf_init(&d->body, NOTIFY_BODY_MAX);
	d->retry_after[0] = d->rl_remaining[0] = d->rl_reset_after[0] = '\0';
	if ((e = curl_easy_init()) == NULL) {
		log_warnx("%s: curl_easy_init failed", d->name);
		d->not_before_ms = loop_now_ms() + NOTIFY_BACKOFF_BASE_MS;
		notify_dest_wake(d, NOTIFY_BACKOFF_BASE_MS);
		return;
	}
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	if (d->dm) {
		if (notify_dest_call(d, e) == -1) {
			curl_easy_cleanup(e);
			d->not_before_ms =
			    loop_now_ms() + NOTIFY_BACKOFF_BASE_MS;
			notify_dest_wake(d, NOTIFY_BACKOFF_BASE_MS);
			return;
		}
	} else {
		curl_easy_setopt(e, CURLOPT_URL, d->url);
		curl_easy_setopt(e, CURLOPT_POST, 1L);
		curl_easy_setopt(e, CURLOPT_POSTFIELDS, payload);
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)strlen(payload));
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, n->headers);
	}
	curl_easy_setopt(e, CURLOPT_USERAGENT, "intakebot/" INTAKEBOT_VERSION);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, d->timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    d->timeout_ms < NOTIFY_CONNECT_MAX_MS ? d->timeout_ms
	                                          : NOTIFY_CONNECT_MAX_MS);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, notify_on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, d);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, notify_on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, d);
	curl_easy_setopt(e, CURLOPT_PRIVATE, d);
	if ((mrc = curl_multi_add_handle(n->multi, e)) != CURLM_OK) {
		log_warnx("%s: curl_multi_add_handle: %s", d->name,
		    curl_multi_strerror(mrc));
		curl_easy_cleanup(e);
		curl_slist_free_all(d->call_headers);
		d->call_headers = NULL;
		d->not_before_ms = loop_now_ms() + NOTIFY_BACKOFF_BASE_MS;
		notify_dest_wake(d, NOTIFY_BACKOFF_BASE_MS);
		return;
	}
	d->easy = e;
	n->active++;
	log_debug("%s: posting part %zu of %zu (%zu bytes) to %s", d->name,
	    it->part + 1, it->nparts, strlen(payload), d->redacted);
}

/* Moves the destination on: expire, wait, or send the next part. */
static void
notify_dest_run(struct notify_dest *d)
{
	struct notify *n = d->n;
	int64_t now;
	long ms;

	if (d->easy != NULL || n->closing || n->draining)
		return;
	now = loop_now_ms();
	notify_dest_expire(d, now);
	if (d->head == NULL || d->easy != NULL)
		return;
	if (now < d->not_before_ms) {
		notify_dest_wake(d, (long)(d->not_before_ms - now));
		return;
	}
	d->tokens += (double)(now - d->refill_ms) * d->per_ms;
	if (d->tokens > d->burst)
		d->tokens = d->burst;
	d->refill_ms = now;
	if (d->tokens < 1.0) {
		ms = (long)((1.0 - d->tokens) / d->per_ms) + 1;
		notify_dest_wake(d, ms);
		return;
	}
	d->tokens -= 1.0;
	notify_dest_send(d);
}

/* Exponential backoff with jitter: half fixed, half random. */
static long
notify_backoff_ms(const struct notify_dest *d, int attempts)
{
	long base = NOTIFY_BACKOFF_BASE_MS;
	int i;

	for (i = 1; i < attempts && base < d->backoff_max_ms; i++)
		base *= 2;
	if (base > d->backoff_max_ms)
		base = d->backoff_max_ms;
	return base / 2 + (long)arc4random_uniform((uint32_t)(base / 2 + 1));
}

static bool
notify_curl_permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_BAD_FUNCTION_ARGUMENT:
	case CURLE_TOO_MANY_REDIRECTS:
		return true;
	default:
		return false;
	}
}

/* The request of d ended with rc: judge it and move on. */
static void
notify_dest_done(struct notify_dest *d, CURLcode rc)
{
	struct notify *n = d->n;
	struct notify_item *it = d->head;
	enum notify_verdict v;
	char why[NOTIFY_WHY_MAX];
	long status = 0, wait_ms = -1, delay;
	bool sent = true;
	int64_t now;
	double ra;

	curl_easy_getinfo(d->easy, CURLINFO_RESPONSE_CODE, &status);
	notify_dest_abort(d);
	now = loop_now_ms();
	if (rc != CURLE_OK) {
		v = notify_curl_permanent(rc) ? NOTIFY_VERDICT_FAIL
		                              : NOTIFY_VERDICT_RETRY;
		if (rc == CURLE_OPERATION_TIMEDOUT)
			snprintf(why, sizeof(why), "no answer within %ld s",
			    d->timeout_ms / 1000);
		else
			snprintf(
			    why, sizeof(why), "%s", curl_easy_strerror(rc));
	} else if (d->dm && status >= 200 && status <= 299) {
		/* A setup call that went well leaves sent false. */
		sent = false;
		snprintf(why, sizeof(why), "HTTP %ld", status);
		v = d->platform->dm_answer(&it->dm,
		    d->body.data != NULL ? d->body.data : "", d->body.len,
		    &sent, &wait_ms, why, sizeof(why));
	} else
		v = notify_format_classify(d->platform, status, d->body.data,
		    d->body.len, d->retry_after[0] ? d->retry_after : NULL,
		    time(NULL), &wait_ms, why, sizeof(why));
	if (log_debug_enabled() && v != NOTIFY_VERDICT_OK && d->body.len > 0)
		log_debug("%s: answer body: %.200s", d->name, d->body.data);
	buf_reset(&d->body);
	if (status == 429)
		metrics_inc("intakebot_notify_rate_limited_total", d->labels);
	/* Discord and others announce an exhausted bucket in advance. */
	if (strcmp(d->rl_remaining, "0") == 0 && d->rl_reset_after[0] != '\0') {
		ra = strtod(d->rl_reset_after, NULL);
		if (ra > 0 && ra < 3600 &&
		    now + (int64_t)(ra * 1000) > d->not_before_ms)
			d->not_before_ms = now + (int64_t)(ra * 1000);
	}
	switch (v) {
	case NOTIFY_VERDICT_OK:
		it->attempts = 0;
		if (!sent)
			break;
		it->part++;
		if (it->part == it->nparts) {
			notify_dest_unlink(d, NULL, it);
			notify_item_finish(d, it, NOTIFY_OK, NULL);
		}
		break;
	case NOTIFY_VERDICT_RETRY:
		it->attempts++;
		it->retries++;
		snprintf(it->why, sizeof(it->why), "%.119s", why);
		metrics_inc("intakebot_notify_retries_total", d->labels);
		if (wait_ms >= 0)
			delay = (wait_ms < NOTIFY_WAIT_MAX_MS
			                ? wait_ms
			                : NOTIFY_WAIT_MAX_MS) +
			    (long)arc4random_uniform(250);
		else
			delay = notify_backoff_ms(d, it->attempts);
		if (it->deadline_ms != 0 && now + delay >= it->deadline_ms) {
			snprintf(why, sizeof(why),
			    "gave up after %d "
			    "attempt%s: %.120s",
			    it->retries, it->retries == 1 ? "" : "s", it->why);
			notify_dest_unlink(d, NULL, it);
			notify_item_finish(d, it, NOTIFY_FAILED, why);
			break;
		}
		if (now + delay > d->not_before_ms)
			d->not_before_ms = now + delay;
		log_info("%s: %s; retry %d in %.1f s (%s)", d->name, why,
		    it->attempts, (double)delay / 1000.0, d->redacted);
		break;
	case NOTIFY_VERDICT_FAIL:
		notify_dest_unlink(d, NULL, it);
		notify_item_finish(d, it, NOTIFY_FAILED, why);
		break;
	}
	/* While draining, notify_src_process tells when all is quiet. */
	if (!n->draining)
		notify_dest_run(d);
}

static void
notify_drain_finish(struct notify *n)
{
	void (*done)(void *) = n->drain_done;

	if (done == NULL)
		return;
	n->drain_done = NULL;
	if (n->drain_timer != 0)
		loop_timer_del(n->loop, n->drain_timer);
	n->drain_timer = 0;
	done(n->drain_arg);
}

static void
notify_src_fdset(void *arg, fd_set *rd, fd_set *wr, int *maxfd)
{
	struct notify *n = arg;
	fd_set ex;
	int max = -1;

	if (n->active == 0)
		return;
	FD_ZERO(&ex);
	curl_multi_fdset(n->multi, rd, wr, &ex, &max);
	n->nofds = max == -1;
	if (max > *maxfd)
		*maxfd = max;
}

static long
notify_src_timeout(void *arg)
{
	struct notify *n = arg;
	long t = -1;

	if (n->active == 0)
		return -1;
	curl_multi_timeout(n->multi, &t);
	/* libcurl's advice when it has no descriptor to offer yet. */
	if (n->nofds && (t < 0 || t > 100))
		t = 100;
	return t;
}

static size_t
notify_once_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct notify_once *o = arg;

	buf_add(&o->body, p, size * nmemb);
	return size * nmemb;
}

static void
notify_once_free(struct notify *n, struct notify_once *o)
{
	struct notify_once **pp;

	for (pp = &n->once; *pp != NULL; pp = &(*pp)->next)
		if (*pp == o) {
			*pp = o->next;
			break;
		}
	curl_multi_remove_handle(n->multi, o->easy);
	curl_easy_cleanup(o->easy);
	curl_slist_free_all(o->headers);
	buf_reset(&o->body);
	free(o);
	n->active--;
}

/* When e is a call of notify_call: logs how it went, frees it, true. */
static bool
notify_once_done(struct notify *n, CURL *e, CURLcode rc)
{
	struct notify_once *o;
	char tok[PLATFORM_TOKEN_MAX + 1];
	long status = 0;

	for (o = n->once; o != NULL && o->easy != e; o = o->next)
		;
	if (o == NULL)
		return false;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	if (rc != CURLE_OK)
		log_warnx("%s: %s", o->name, curl_easy_strerror(rc));
	else if (status < 200 || status > 299 ||
	    platform_json_body_bool(o->body.data != NULL ? o->body.data : "",
	        o->body.len, "ok") == 0) {
		if (!platform_json_error(
		        o->body.data != NULL ? o->body.data : "", o->body.len,
		        tok, sizeof(tok)))
			snprintf(tok, sizeof(tok), "none");
		log_warnx("%s: HTTP %ld, error %s", o->name, status, tok);
	} else
		log_debug("%s: HTTP %ld", o->name, status);
	notify_once_free(n, o);
	return true;
}

int
notify_call(
    struct notify *n, const char *section, const struct platform_call *c)
{
	struct notify_once *o;

	if (n->closing || c->url == NULL)
		return -1;
	o = xcalloc(1, sizeof(*o));
	snprintf(o->name, sizeof(o->name), "%s/form", section);
	buf_init(&o->body, NOTIFY_BODY_MAX);
	o->headers = notify_call_headers(n, c);
	if ((o->easy = curl_easy_init()) == NULL || o->headers == NULL) {
		if (o->easy != NULL)
			curl_easy_cleanup(o->easy);
		curl_slist_free_all(o->headers);
		free(o);
		return -1;
	}
	curl_easy_setopt(o->easy, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(o->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(o->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(o->easy, CURLOPT_URL, c->url);
	curl_easy_setopt(o->easy, CURLOPT_POST, 1L);
	curl_easy_setopt(o->easy, CURLOPT_POSTFIELDSIZE_LARGE,
	    (curl_off_t)strlen(c->body != NULL ? c->body : ""));
	curl_easy_setopt(
	    o->easy, CURLOPT_COPYPOSTFIELDS, c->body != NULL ? c->body : "");
	curl_easy_setopt(o->easy, CURLOPT_HTTPHEADER, o->headers);
	curl_easy_setopt(
	    o->easy, CURLOPT_USERAGENT, "intakebot/" INTAKEBOT_VERSION);
	/* A trigger lasts 3 s: waiting longer helps nobody. */
	curl_easy_setopt(o->easy, CURLOPT_TIMEOUT_MS, 5000L);
	curl_easy_setopt(o->easy, CURLOPT_WRITEFUNCTION, notify_once_body);
	curl_easy_setopt(o->easy, CURLOPT_WRITEDATA, o);
	if (curl_multi_add_handle(n->multi, o->easy) != CURLM_OK) {
		curl_easy_cleanup(o->easy);
		curl_slist_free_all(o->headers);
		buf_reset(&o->body);
		free(o);
		return -1;
	}
	o->next = n->once;
	n->once = o;
	n->active++;
	log_debug("%s: call sent", o->name);
	return 0;
}

static void
notify_src_process(void *arg, fd_set *rd, fd_set *wr)
{
	struct notify *n = arg;
	struct notify_dest *d;
	CURLMsg *m;
	CURLcode rc;
	int running, left;
	char *priv;

	(void)rd;
	(void)wr;
	if (n->active == 0)
		return;
	curl_multi_perform(n->multi, &running);
	while ((m = curl_multi_info_read(n->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		rc = m->data.result;
		if (notify_once_done(n, m->easy_handle, rc))
			continue;
		priv = NULL;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		d = (struct notify_dest *)(void *)priv;
		if (d != NULL && d->easy == m->easy_handle)
			notify_dest_done(d, rc);
	}
	if (n->draining && n->active == 0)
		notify_drain_finish(n);
}

/* Copies one platform's settings into d. */
static void
notify_dest_configure(struct notify_dest *d, const struct conf_platform *p)
{
	const struct platform_limits *lim = &d->platform->lim;
	int rate;

	free(d->url);
	free(d->redacted);
	notify_dest_bot_free(d);
	if (d->dm) {
		struct platform_bot bot;

		platform_bot_get(d->platform, p, &bot);
		d->bot[0] = xstrdup(bot.api_url);
		d->bot[1] = xstrdup(bot.token);
		d->bot[2] = xstrdup(bot.user_id != NULL ? bot.user_id : "");
		d->url = NULL;
		d->redacted = notify_format_redact(bot.api_url);
	} else {
		d->url = notify_format_url(d->platform, p->staff_webhook_url);
		d->redacted = notify_format_redact(p->staff_webhook_url);
	}
	rate = p->rate_per_min > 0 ? p->rate_per_min : lim->rate_per_min;
	d->per_ms = (double)rate / 60000.0;
	d->burst = lim->burst < rate ? lim->burst : rate;
	if (d->burst < 1)
		d->burst = 1;
	if (d->tokens > d->burst)
		d->tokens = d->burst;
	d->timeout_ms = (long)p->staff_timeout * 1000;
	d->backoff_max_ms = (long)p->staff_backoff_max * 1000;
	d->test_give_up = p->staff_test_give_up;
}

static struct notify_dest *
notify_dest_new(struct notify *n, const struct conf_platform *p,
    const struct platform *platform, bool dm)
{
	struct notify_dest *d;

	d = xcalloc(1, sizeof(*d));
	d->n = n;
	d->dm = dm;
	d->name = dm ? xasprintf("%s/dm", p->section) : xstrdup(p->section);
	d->platform = platform;
	snprintf(d->labels, sizeof(d->labels), "destination=\"%s\"", d->name);
	buf_init(&d->body, NOTIFY_BODY_MAX);
	notify_dest_configure(d, p);
	d->tokens = d->burst;
	d->refill_ms = loop_now_ms();
	notify_dest_gauge(d);
	return d;
}

/* Marks the destination of p (dm: its direct messages) seen, new or not. */
static void
notify_dest_keep(struct notify *n, const struct conf_platform *p,
    const struct platform *platform, bool dm)
{
	struct notify_dest *d;
	char *name;

	name = dm ? xasprintf("%s/dm", p->section) : xstrdup(p->section);
	/* The section name fixes the kind, so a match is the same. */
	if ((d = notify_dest_find(n, name)) != NULL) {
		notify_dest_configure(d, p);
	} else {
		n->dests =
		    xreallocarray(n->dests, n->ndests + 1, sizeof(*n->dests));
		d = n->dests[n->ndests++] = notify_dest_new(n, p, platform, dm);
	}
	d->seen = true;
	free(name);
}

void
notify_set_conf(struct notify *n, const struct conf *c)
{
	const struct conf_platform *p;
	const struct platform *platform;
	struct notify_dest *d;
	size_t i, j;

	for (i = 0; i < n->ndests; i++)
		n->dests[i]->seen = false;
	for (i = 0; i < c->nplatforms; i++) {
		p = &c->platforms[i];
		if ((platform = platform_find(p->kind)) == NULL) {
			log_warnx("[%s]: unknown platform kind %s", p->section,
			    p->kind);
			continue;
		}
		if (p->staff_webhook_url != NULL &&
		    p->staff_webhook_url[0] != '\0')
			notify_dest_keep(n, p, platform, false);
		if (platform_bot_get(platform, p, &(struct platform_bot){0}))
			notify_dest_keep(n, p, platform, true);
	}
	for (i = j = 0; i < n->ndests; i++) {
		d = n->dests[i];
		if (d->seen) {
			n->dests[j++] = d;
			if (d->head != NULL && d->easy == NULL)
				notify_dest_wake(d, 0);
			continue;
		}
		log_info("%s: no longer a staff destination", d->name);
		notify_dest_abort(d);
		notify_dest_fail_all(d, "destination removed");
		notify_dest_free(d);
	}
	n->ndests = j;
}

struct notify *
notify_new(struct loop *loop, const struct conf *c)
{
	struct loop_source src;
	struct notify *n;
	CURLcode rc;

	if (notify_curl_users++ == 0 &&
	    (rc = curl_global_init(CURL_GLOBAL_DEFAULT)) != CURLE_OK)
		fatalx("curl_global_init: %s", curl_easy_strerror(rc));
	n = xcalloc(1, sizeof(*n));
	n->loop = loop;
	if ((n->multi = curl_multi_init()) == NULL)
		fatalx("curl_multi_init failed");
	n->headers = curl_slist_append(
	    NULL, "Content-Type: application/json; charset=utf-8");
	n->headers = curl_slist_append(n->headers, "Accept: application/json");
	/* No 100-continue round trip for our small bodies. */
	n->headers = curl_slist_append(n->headers, "Expect:");
	if (n->headers == NULL)
		fatalx("curl_slist_append failed");
	metrics_help("intakebot_notify_deliveries_total", "counter",
	    "Items delivered to a staff destination.");
	metrics_help("intakebot_notify_retries_total", "counter",
	    "Failed attempts that will be retried.");
	metrics_help("intakebot_notify_failures_total", "counter",
	    "Items not delivered (permanent failure, gave up, shutdown).");
	metrics_help("intakebot_notify_rate_limited_total", "counter",
	    "HTTP 429 answers from a staff destination.");
	metrics_help("intakebot_notify_queue_depth", "gauge",
	    "Items queued for a staff destination.");
	src = (struct loop_source){
	    notify_src_fdset, notify_src_timeout, notify_src_process, n};
	n->source = loop_source_add(loop, &src);
	notify_set_conf(n, c);
	return n;
}

size_t
notify_destinations(const struct notify *n, const char **names, size_t max)
{
	size_t i, k = 0;

	for (i = 0; i < n->ndests; i++) {
		if (n->dests[i]->dm)
			continue;
		if (k < max)
			names[k] = n->dests[i]->name;
		k++;
	}
	return k;
}

/* Queues a new item for d. */
static struct notify_item *
notify_queue(struct notify_dest *d, const char *text, long give_up_after,
    notify_cb cb, void *arg)
{
	struct notify_item *it;

	it = xcalloc(1, sizeof(*it));
	it->text = xstrdup(text);
	it->cb = cb;
	it->arg = arg;
	it->queued_ms = loop_now_ms();
	if (give_up_after > 0)
		it->deadline_ms = it->queued_ms + (int64_t)give_up_after * 1000;
	if (d->tail != NULL)
		d->tail->next = it;
	else
		d->head = it;
	d->tail = it;
	d->depth++;
	notify_dest_gauge(d);
	/* From the loop, so that cb never runs inside this call. */
	if (d->easy == NULL && d->head == it)
		notify_dest_wake(d, 0);
	return it;
}

int
notify_post(struct notify *n, const char *dest, const char *text,
    long give_up_after, notify_cb cb, void *arg)
{
	struct notify_dest *d;

	if (n->closing || (d = notify_dest_find(n, dest)) == NULL || d->dm)
		return -1;
	notify_queue(d, text, give_up_after, cb, arg);
	return 0;
}

int
notify_dm(struct notify *n, const char *section, const char *user,
    const char *text, long give_up_after, notify_cb cb, void *arg)
{
	struct notify_dest *d;
	struct notify_item *it;
	char *name;

	if (n->closing || !platform_id_ok(user))
		return -1;
	name = xasprintf("%s/dm", section);
	d = notify_dest_find(n, name);
	free(name);
	if (d == NULL)
		return -1;
	it = notify_queue(d, text, give_up_after, cb, arg);
	it->dm.user = xstrdup(user);
	return 0;
}

bool
notify_dm_ready(const struct notify *n, const char *section)
{
	char *name = xasprintf("%s/dm", section);
	bool ok = notify_dest_find(n, name) != NULL;

	free(name);
	return ok;
}

size_t
notify_queue_depth(const struct notify *n, const char *dest)
{
	const struct notify_dest *d;

	return (d = notify_dest_find(n, dest)) != NULL ? d->depth : 0;
}

bool
notify_busy(const struct notify *n)
{
	return n->active > 0;
}

static long
notify_on_drain_timer(void *arg)
{
	struct notify *n = arg;

	n->drain_timer = 0;
	if (n->active > 0)
		log_info("%zu staff post%s still on the wire at shutdown",
		    n->active, n->active == 1 ? "" : "s");
	notify_drain_finish(n);
	return LOOP_TIMER_DONE;
}

void
notify_drain(struct notify *n, long ms, void (*done)(void *), void *arg)
{
	n->draining = true;
	n->drain_done = done;
	n->drain_arg = arg;
	if (n->drain_timer != 0)
		loop_timer_del(n->loop, n->drain_timer);
	n->drain_timer = loop_timer_add(
	    n->loop, n->active > 0 ? ms : 0, notify_on_drain_timer, n);
}

void
notify_free(struct notify *n)
{
	size_t i;

	if (n == NULL)
		return;
	n->closing = true;
	loop_source_del(n->loop, n->source);
	if (n->drain_timer != 0)
		loop_timer_del(n->loop, n->drain_timer);
	for (i = 0; i < n->ndests; i++)
		notify_dest_abort(n->dests[i]);
	while (n->once != NULL)
		notify_once_free(n, n->once);
	for (i = 0; i < n->ndests; i++) {
		notify_dest_fail_all(n->dests[i], "shutdown");
		notify_dest_free(n->dests[i]);
	}
	free(n->dests);
	curl_slist_free_all(n->headers);
	curl_multi_cleanup(n->multi);
	free(n);
	if (--notify_curl_users == 0)
		curl_global_cleanup();
}

/* --test-destinations */

struct notify_test {
	char *name;
	bool queued;
	bool done;
	bool ok;
	char *why;
	size_t *pending;
	struct loop *loop;
};

static void
notify_test_on_result(void *arg, enum notify_result r, const char *why)
{
	struct notify_test *t = arg;

	t->done = true;
	t->ok = r == NOTIFY_OK;
	t->why = xstrdup(why != NULL ? why : "");
	if (--*t->pending == 0)
		loop_stop(t->loop);
}

static void
notify_test_on_signal(void *arg, enum loop_signal sig)
{
	(void)sig;
	loop_stop(arg);
}

/*
 * Loads path and, when it has a destination, runs a loop of its own
 * until every test item queued by the caller's queue() has finished or a
 * signal came.  The items are t[0..*nt); returns 0 when all were
 * delivered, printing one line each to out.
 */
static int
notify_test_run(const char *path, FILE *out,
    size_t (*queue)(struct notify *, const struct conf *, const char *text,
        struct notify_test *t, void *arg),
    void *arg)
{
	struct notify_test t[CONF_PLATFORMS_MAX];
	struct notify *n;
	struct loop *loop;
	struct conf *c;
	struct diag dg;
	size_t nt, i, pending = 0;
	char *text;
	int rc = 0;

	diag_init(&dg);
	if ((c = conf_load(path, &dg)) == NULL) {
		diag_print(&dg, stderr);
		diag_reset(&dg);
		return 1;
	}
	diag_reset(&dg);
	if (!notify_configured(c)) {
		fprintf(stderr,
		    "%s: no section has a staff_webhook_url or a bot_token\n",
		    path);
		conf_free(c);
		return 1;
	}
	loop = loop_new();
	loop_signals_init(loop, notify_test_on_signal, loop);
	n = notify_new(loop, c);
	text = xasprintf("intakebot: test message from %s", c->nick);
	memset(t, 0, sizeof(t));
	for (i = 0; i < CONF_PLATFORMS_MAX; i++) {
		t[i].pending = &pending;
		t[i].loop = loop;
	}
	nt = queue(n, c, text, t, arg);
	for (i = 0; i < nt; i++)
		if (t[i].queued)
			pending++;
	if (pending > 0)
		loop_run(loop);
	/* Whatever is left (a signal) fails with "shutdown". */
	notify_free(n);
	for (i = 0; i < nt; i++) {
		if (t[i].done && t[i].ok)
			fprintf(out, "%s: ok\n", t[i].name);
		else {
			fprintf(out, "%s: failed: %s\n", t[i].name,
			    t[i].done ? t[i].why : "not queued");
			rc = 1;
		}
		free(t[i].name);
		free(t[i].why);
	}
	if (nt == 0)
		rc = 1;
	fflush(out);
	free(text);
	loop_free(loop);
	conf_free(c);
	return rc;
}

static size_t
notify_test_queue_dests(struct notify *n, const struct conf *c,
    const char *text, struct notify_test *t, void *arg)
{
	const char *names[CONF_PLATFORMS_MAX];
	struct notify_dest *d;
	size_t nd, i;

	(void)arg;
	nd = notify_destinations(n, names, CONF_PLATFORMS_MAX);
	if (nd == 0)
		fprintf(stderr, "%s: no section has a staff_webhook_url\n",
		    c->file);
	for (i = 0; i < nd && i < CONF_PLATFORMS_MAX; i++) {
		d = notify_dest_find(n, names[i]);
		t[i].name = xstrdup(names[i]);
		t[i].queued = notify_post(n, names[i], text, d->test_give_up,
		                  notify_test_on_result, &t[i]) == 0;
	}
	return i;
}

int
notify_test_destinations(const char *path, FILE *out)
{
	return notify_test_run(path, out, notify_test_queue_dests, NULL);
}

static size_t
notify_test_queue_dm(struct notify *n, const struct conf *c, const char *text,
    struct notify_test *t, void *arg)
{
	const char *to = arg, *colon = strchr(to, ':');
	struct notify_dest *d;
	char *section;

	(void)c;
	section = xstrndup(to, colon != NULL ? (size_t)(colon - to) : 0);
	t[0].name = xasprintf("%s/dm", section);
	if (colon != NULL && (d = notify_dest_find(n, t[0].name)) != NULL)
		t[0].queued =
		    notify_dm(n, section, colon + 1, text, d->test_give_up,
		        notify_test_on_result, &t[0]) == 0;
	free(section);
	return 1;
}

int
notify_test_dm(const char *path, const char *to, FILE *out)
{
	return notify_test_run(
	    path, out, notify_test_queue_dm, (void *)(uintptr_t)to);
}
