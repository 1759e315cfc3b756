/*
 * Consultation requests.  Intake commits the request and one outbox row
 * per destination in a single transaction and only then acknowledges.
 * Delivery walks each destination's outbox strictly in order: one post in
 * flight per destination; on success the row is marked delivered and the
 * next one goes; on failure it is retried with capped exponential backoff
 * and jitter until dead_letter_after, when it is dead-lettered and an
 * alert queued for the other destinations.  A row delivered but not yet
 * marked when the bot dies is sent again after the restart: that is the
 * "at least once", and the number in the text lets staff spot it.
 */
#define LOG_MODULE "consult"
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "buf.h"
#include "catalog.h"
#include "conf.h"
#include "consult.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define CONSULT_SINKS_MAX 16
#define CONSULT_BACKOFF_MIN 1000L   /* ms */
#define CONSULT_BACKOFF_MAX 300000L /* ms */
#define CONSULT_TICK 1000L          /* ms between delivery scans */
#define CONSULT_PURGE_EVERY (6L * 3600 * 1000)
#define CONSULT_LIST_MAX 10
#define CONSULT_LANES 16       /* requesters with a reply in flight */
#define CONSULT_REPLY_SCAN 64  /* pending replies looked at per scan */
#define CONSULT_HISTORY_MAX 20 /* replies shown by !show */

/* One requester's replies: at most one in flight, in order. */
struct consult_lane {
	struct consult *owner;
	char *key;        /* adapter "\n" requester_id; NULL: free */
	int64_t reply_id; /* in flight, 0: none */
	int64_t consult_id;
	int64_t created;  /* of the reply in flight */
	int64_t retry_at; /* ms, monotonic */
	long backoff;     /* ms */
	bool waits;       /* staff are told of the delivery */
	char *who;        /* the staff member, for that */
	char *nick;
};

struct consult_dest {
	struct consult *owner;
	struct consult_sink sink;
	char *name;
	bool active;
	bool in_flight;
	int64_t outbox_id; /* the row in flight */
	int64_t retry_at;  /* ms, monotonic */
	long backoff;      /* ms */
};

struct consult {
	struct loop *loop;
	struct store *store;
	const struct conf *conf;
	struct consult_dest *dests[CONSULT_SINKS_MAX];
	size_t ndests;
	uint64_t tick_timer;
	uint64_t kick_timer;
	uint64_t purge_timer;
	struct consult_replier replier; /* post NULL: none */
	struct consult_lane lanes[CONSULT_LANES];
};

static void consult_deliver(struct consult *);

static long
consult_on_tick(void *arg)
{
	consult_deliver(arg);
	return CONSULT_TICK;
}

static long
consult_on_kick(void *arg)
{
	struct consult *co = arg;

	co->kick_timer = 0;
	consult_deliver(co);
	return LOOP_TIMER_DONE;
}

void
consult_kick(struct consult *co)
{
	/* Deferred to the loop so a callback never re-enters a sink. */
	if (co->kick_timer == 0)
		co->kick_timer =
		    loop_timer_add(co->loop, 0, consult_on_kick, co);
}

static void
consult_run_purge(struct consult *co)
{
	int64_t n, cutoff;

	cutoff = (int64_t)time(NULL) -
	    (int64_t)co->conf->consult_retention_days * 86400;
	if ((n = store_purge(co->store, cutoff)) > 0)
		log_info("purged %lld closed requests older than %d days",
		    (long long)n, co->conf->consult_retention_days);
	store_reply_purge(co->store);
}

static long
consult_on_purge(void *arg)
{
	consult_run_purge(arg);
	return CONSULT_PURGE_EVERY;
}

struct consult *
consult_new(struct loop *loop, struct store *store, const struct conf *conf)
{
	struct consult *co;

	co = xcalloc(1, sizeof(*co));
	co->loop = loop;
	co->store = store;
	co->conf = conf;
	metrics_help("intakebot_consults_total", "counter",
	    "Consultation requests accepted.");
	metrics_help("intakebot_consults_refused_total", "counter",
	    "Consultation requests refused, by reason.");
	metrics_help("intakebot_deliveries_total", "counter",
	    "Staff deliveries by destination and result.");
	metrics_help("intakebot_outbox_pending", "gauge",
	    "Deliveries not yet made, by destination.");
	consult_run_purge(co);
	co->tick_timer =
	    loop_timer_add(loop, CONSULT_TICK, consult_on_tick, co);
	co->purge_timer =
	    loop_timer_add(loop, CONSULT_PURGE_EVERY, consult_on_purge, co);
	return co;
}

void
consult_free(struct consult *co)
{
	size_t i;

	if (co == NULL)
		return;
	loop_timer_del(co->loop, co->tick_timer);
	loop_timer_del(co->loop, co->purge_timer);
	if (co->kick_timer != 0)
		loop_timer_del(co->loop, co->kick_timer);
	for (i = 0; i < co->ndests; i++) {
		free(co->dests[i]->name);
		free(co->dests[i]);
	}
	for (i = 0; i < CONSULT_LANES; i++) {
		free(co->lanes[i].key);
		free(co->lanes[i].who);
		free(co->lanes[i].nick);
	}
	free(co);
}

void
consult_set_conf(struct consult *co, const struct conf *conf)
{
	co->conf = conf;
}

void
consult_set_sinks(
    struct consult *co, const struct consult_sink *sinks, size_t n)
{
	const char *names[CONSULT_SINKS_MAX];
	struct consult_dest *d;
	size_t i, k;

	for (i = 0; i < co->ndests; i++)
		co->dests[i]->active = false;
	for (i = 0; i < n && i < CONSULT_SINKS_MAX; i++) {
		d = NULL;
		for (k = 0; k < co->ndests; k++)
			if (strcmp(co->dests[k]->name, sinks[i].name) == 0)
				d = co->dests[k];
		if (d == NULL) {
			if (co->ndests == CONSULT_SINKS_MAX)
				break;
			d = xcalloc(1, sizeof(*d));
			d->owner = co;
			d->name = xstrdup(sinks[i].name);
			d->backoff = CONSULT_BACKOFF_MIN;
			co->dests[co->ndests++] = d;
		}
		/* An in-flight post keeps its callback; the sink may change. */
		d->sink = sinks[i];
		d->sink.name = d->name;
		d->active = true;
		names[i] = d->name;
	}
	store_outbox_drop_unknown(co->store, names, i);
	consult_kick(co);
}

/* The destinations that are configured now, for a new request. */
size_t
consult_destinations(struct consult *co, const char **names, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < co->ndests && n < max; i++)
		if (co->dests[i]->active)
			names[n++] = co->dests[i]->name;
	return n;
}

void
consult_alert(struct consult *co, const char *text)
{
	const char *names[CONSULT_SINKS_MAX];
	size_t n, i;

	n = consult_destinations(co, names, CONSULT_SINKS_MAX);
	for (i = 0; i < n; i++)
		store_outbox_alert(
		    co->store, names[i], text, (int64_t)time(NULL));
	consult_kick(co);
}

static void
consult_format_time(struct buf *b, int64_t at)
{
	char when[32];
	time_t t = (time_t)at;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	buf_addstr(b, when);
}

static void
consult_format_source(
    struct buf *b, const char *adapter, const char *channel, int64_t created)
{
	buf_addf(b, "%s %s, ", adapter, channel != NULL ? channel : "private");
	consult_format_time(b, created);
}

struct consult_fmt {
	const struct store_consult *c;
};

/* "[consult #42] nick (irc #help, 2026-11-28 14:03 UTC): TEXT" */
static char *
consult_format(void *arg, int64_t id)
{
	const struct store_consult *c = ((struct consult_fmt *)arg)->c;
	struct buf b;

	buf_init(&b, 0);
	buf_addf(&b, "[consult #%lld] %s (", (long long)id, c->requester);
	consult_format_source(&b, c->adapter, c->channel, c->created);
	buf_addf(&b, "): %s", c->text);
	return buf_take(&b);
}

void
consult_submit(struct consult *co, const struct message *m, const char *lang,
    const char *raw, struct replies *out)
{
	const struct conf *cf = co->conf;
	const char *names[CONSULT_SINKS_MAX];
	struct store_consult c;
	struct consult_fmt f;
	int64_t now = (int64_t)time(NULL), ago, last_id = 0, id;
	char *text, n1[24], n2[24];
	size_t n;

	text = text_sanitize(raw, strlen(raw), 0, 0);
	{
		char *t = text_trim(text);

		free(text);
		text = t;
	}
	if (m->no_private && text[0] != '\0') {
		/*
		 * The number and the rest of the acknowledgement cannot reach
		 * the requester alone from here: nothing is taken.  The how-to
		 * below is private, so the adapter withholds it and says how
		 * to reach the bot privately instead.
		 */
		metrics_inc("intakebot_consults_refused_total",
		    "reason=\"no_private_path\"");
		catalog_reply(
		    out, REPLY_HERE, lang, "consult.private_only", NULL);
		text[0] = '\0';
	}
	if (text[0] == '\0') {
		catalog_reply(out, REPLY_PRIVATE, lang, "consult.howto",
		    "prefix",
		    m->invocation != NULL ? m->invocation : cf->prefix, NULL);
		goto out;
	}
	if (strlen(text) > (size_t)cf->consult_max_length) {
		metrics_inc(
		    "intakebot_consults_refused_total", "reason=\"too_long\"");
		snprintf(n1, sizeof(n1), "%zu", strlen(text));
		snprintf(n2, sizeof(n2), "%d", cf->consult_max_length);
		catalog_reply(out, REPLY_PRIVATE, lang, "consult.too_long",
		    "length", n1, "max", n2, NULL);
		goto out;
	}
	ago = store_consult_last(co->store, m->sender_id, now, &last_id);
	if (ago >= 0 && ago < cf->consult_cooldown) {
		long wait = (long)(cf->consult_cooldown - ago);

		metrics_inc(
		    "intakebot_consults_refused_total", "reason=\"cooldown\"");
		snprintf(n1, sizeof(n1), "%lld", (long long)last_id);
		snprintf(n2, sizeof(n2), "%ld", wait);
		catalog_reply(out, REPLY_PRIVATE, lang,
		    wait == 1 ? "consult.cooldown_one" : "consult.cooldown",
		    "number", n1, "seconds", n2, NULL);
		goto out;
	}
	if (store_consult_count_since(co->store, now - 60) >=
	    cf->consult_rate_per_min) {
		metrics_inc(
		    "intakebot_consults_refused_total", "reason=\"rate\"");
		catalog_reply(out, REPLY_PRIVATE, lang, "consult.rate", NULL);
		goto out;
	}
	memset(&c, 0, sizeof(c));
	c.created = now;
	c.adapter = (char *)(uintptr_t)m->adapter;
	c.channel = (char *)(uintptr_t)m->channel;
	c.requester = (char *)(uintptr_t)m->sender;
	c.requester_id = (char *)(uintptr_t)m->sender_id;
	c.account = (char *)(uintptr_t)m->account;
	c.text = text;
	c.lang = (char *)(uintptr_t)lang;
	f.c = &c;
	n = consult_destinations(co, names, CONSULT_SINKS_MAX);
	if ((id = store_consult_add(
	         co->store, &c, names, n, consult_format, &f)) == -1) {
		/* Nothing was promised: the requester can try again. */
		metrics_inc(
		    "intakebot_consults_refused_total", "reason=\"store\"");
		catalog_reply(
		    out, REPLY_PRIVATE, lang, "consult.store_failed", NULL);
		goto out;
	}
	metrics_inc("intakebot_consults_total", NULL);
	log_info("request #%lld accepted from %s", (long long)id, m->adapter);
	snprintf(n1, sizeof(n1), "%lld", (long long)id);
	catalog_reply(out, REPLY_PRIVATE, lang, "consult.thanks", "name",
	    m->sender, "number", n1, NULL);
	consult_kick(co);
out:
	free(text);
}

static void consult_post_next(struct consult_dest *);
static void consult_history(struct consult *, const struct store_consult *,
    const char *lang, struct buf *);
static void consult_alert_except(struct consult *,
    const struct consult_dest *except, const char *alert, int64_t now);

/*
 * Dead-letters row o of d: marks it, counts it, and queues an alert for
 * every other destination.
 */
static void
consult_dead_letter(
    struct consult_dest *d, const struct store_outbox *o, const char *why)
{
	struct consult *co = d->owner;
	int64_t now = (int64_t)time(NULL);
	char labels[160], num[24], *alert;

	if (why == NULL)
		why = "unknown error";
	store_outbox_dead(co->store, o->id, why);
	log_warnx("delivery %lld to %s dead-lettered after %d s: %s",
	    (long long)o->id, d->name, co->conf->consult_dead_after, why);
	snprintf(labels, sizeof(labels), "destination=\"%s\",result=\"dead\"",
	    d->name);
	metrics_inc("intakebot_deliveries_total", labels);
	snprintf(num, sizeof(num), "%lld", (long long)o->consult_id);
	alert = o->consult_id > 0
	    ? catalog_say(co->conf->language, "consult.alert_dead", "number",
	          num, "destination", d->name, "why", why, NULL)
	    : catalog_say(co->conf->language, "consult.alert_alert_dead",
	          "destination", d->name, "why", why, NULL);
	consult_alert_except(co, d, alert, now);
	free(alert);
}

/* Queues an alert for every active destination but except. */
static void
consult_alert_except(struct consult *co, const struct consult_dest *except,
    const char *alert, int64_t now)
{
	size_t i;

	for (i = 0; i < co->ndests; i++)
		if (co->dests[i] != except && co->dests[i]->active)
			store_outbox_alert(
			    co->store, co->dests[i]->name, alert, now);
	consult_kick(co);
}

/* True when the oldest pending row of d has waited past dead_letter_after. */
static bool
consult_expired(struct consult_dest *d, struct store_outbox *o)
{
	struct consult *co = d->owner;

	return (int64_t)time(NULL) - o->created >= co->conf->consult_dead_after;
}

static void
consult_on_posted(void *arg, bool ok, const char *why)
{
	struct consult_dest *d = arg;
	struct consult *co = d->owner;
	struct store_outbox o;
	int64_t now = (int64_t)time(NULL);
	char labels[160];

	d->in_flight = false;
	snprintf(labels, sizeof(labels), "destination=\"%s\",result=\"%s\"",
	    d->name, ok ? "ok" : "failed");
	metrics_inc("intakebot_deliveries_total", labels);
	if (ok) {
		store_outbox_delivered(co->store, d->outbox_id, now);
		log_debug("outbox %lld delivered to %s",
		    (long long)d->outbox_id, d->name);
		d->backoff = CONSULT_BACKOFF_MIN;
		d->retry_at = 0;
		consult_kick(co);
		return;
	}
	store_outbox_attempt(co->store, d->outbox_id, why);
	if (store_outbox_next(co->store, d->name, &o) == 0) {
		if (o.id == d->outbox_id && consult_expired(d, &o)) {
			consult_dead_letter(d, &o, why);
			store_outbox_reset(&o);
			return;
		}
		store_outbox_reset(&o);
	}
	log_info("delivery to %s failed, retrying in %ld ms: %s", d->name,
	    d->backoff, why != NULL ? why : "?");
	/* Jitter: between half and all of the backoff. */
	d->retry_at = loop_now_ms() + d->backoff / 2 +
	    (long)(random() % (d->backoff / 2 + 1));
	d->backoff = d->backoff * 2 > CONSULT_BACKOFF_MAX ? CONSULT_BACKOFF_MAX
	                                                  : d->backoff * 2;
}

static void
consult_post_next(struct consult_dest *d)
{
	struct consult *co = d->owner;
	struct store_outbox o;
	int64_t now = (int64_t)time(NULL);
	long left;

	if (d->in_flight || !d->active || loop_now_ms() < d->retry_at)
		return;
	if (d->sink.ready != NULL && !d->sink.ready(d->sink.ctx)) {
		/*
		 * A destination that stays down (IRC disconnected, say) gets
		 * no failed post to judge by: its rows expire here.
		 */
		if (store_outbox_next(co->store, d->name, &o) == 0) {
			if (consult_expired(d, &o))
				consult_dead_letter(d, &o, "destination down");
			store_outbox_reset(&o);
		}
		return;
	}
	if (store_outbox_next(co->store, d->name, &o) == -1)
		return;
	d->in_flight = true;
	d->outbox_id = o.id;
	left = (long)(co->conf->consult_dead_after - (now - o.created));
	if (left < 1)
		left = 1;
	if (d->sink.post(d->sink.ctx, o.text, left, consult_on_posted, d) ==
	    -1) {
		d->in_flight = false;
		d->retry_at = loop_now_ms() + CONSULT_BACKOFF_MIN;
	}
	store_outbox_reset(&o);
}

static void consult_deliver_replies(struct consult *);

static void
consult_deliver(struct consult *co)
{
	char labels[160];
	size_t i;

	consult_deliver_replies(co);
	for (i = 0; i < co->ndests; i++) {
		consult_post_next(co->dests[i]);
		snprintf(labels, sizeof(labels), "destination=\"%s\"",
		    co->dests[i]->name);
		metrics_set("intakebot_outbox_pending", labels,
		    store_outbox_pending(co->store, co->dests[i]->name));
	}
}

int64_t
consult_pending(struct consult *co)
{
	return store_outbox_pending(co->store, NULL);
}

void
consult_status(struct consult *co, const char *lang, struct replies *out)
{
	char num[24], *t;
	struct buf b;
	size_t i;

	snprintf(num, sizeof(num), "%lld", (long long)consult_pending(co));
	buf_init(&b, 0);
	t = catalog_say(lang, "consult.status", "count", num, NULL);
	buf_addstr(&b, t);
	free(t);
	for (i = 0; i < co->ndests; i++) {
		struct consult_dest *d = co->dests[i];

		if (!d->active)
			continue;
		buf_addf(&b, "%s %s %lld", i == 0 ? ";" : ",", d->name,
		    (long long)store_outbox_pending(co->store, d->name));
		t = d->sink.ready != NULL && !d->sink.ready(d->sink.ctx)
		    ? catalog_say(lang, "consult.down", NULL)
		    : d->retry_at > loop_now_ms()
		    ? catalog_say(lang, "consult.retrying", NULL)
		    : NULL;
		if (t != NULL)
			buf_addf(&b, " (%s)", t);
		free(t);
	}
	replies_add(out, REPLY_HERE, b.data, NULL);
	buf_reset(&b);
}

/* Adds the sentence key about request id, with one more name = value. */
static void
consult_say_id(struct replies *out, const char *lang, const char *key,
    int64_t id, const char *name, const char *value)
{
	char num[24];

	snprintf(num, sizeof(num), "%lld", (long long)id);
	catalog_reply(
	    out, REPLY_HERE, lang, key, "number", num, name, value, NULL);
}

static void
consult_describe(struct buf *b, const struct store_consult *c, const char *lang)
{
	char *state;

	state = catalog_say(lang,
	    c->state == STORE_NEW           ? "consult.state_new"
	        : c->state == STORE_CLAIMED ? "consult.state_claimed"
	                                    : "consult.state_done",
	    NULL);
	buf_addf(b, "#%lld %s, %s (", (long long)c->id, state, c->requester);
	free(state);
	consult_format_source(b, c->adapter, c->channel, c->created);
	buf_addstr(b, ")");
	if (c->state == STORE_CLAIMED && c->claimed_by != NULL) {
		state = catalog_say(
		    lang, "consult.claimed_by", "nick", c->claimed_by, NULL);
		buf_addf(b, ", %s", state);
		free(state);
	}
}

void
consult_list_open(struct consult *co, const char *lang, struct replies *out)
{
	struct store_consult list[CONSULT_LIST_MAX + 1];
	time_t t = time(NULL) + (time_t)co->conf->consult_urgent_days * 86400;
	char cutoff[16], *more;
	struct tm tm;
	struct buf b;
	size_t n, i;

	/* Urgent guided requests (detained, court date soon) come first. */
	gmtime_r(&t, &tm);
	strftime(cutoff, sizeof(cutoff), "%Y-%m-%d", &tm);
	n = store_consult_open_urgent(
	    co->store, cutoff, list, CONSULT_LIST_MAX + 1);
	if (n == 0) {
		catalog_reply(out, REPLY_HERE, lang, "consult.none_open", NULL);
		return;
	}
	buf_init(&b, 0);
	for (i = 0; i < n && i < CONSULT_LIST_MAX; i++) {
		if (i > 0)
			buf_addstr(&b, "; ");
		if (store_details_is_urgent(co->store, list[i].id, cutoff))
			buf_addstr(&b, "URGENT ");
		consult_describe(&b, &list[i], lang);
	}
	if (n > CONSULT_LIST_MAX) {
		more = catalog_say(lang, "consult.and_more", NULL);
		buf_addf(&b, "; %s", more);
		free(more);
	}
	for (i = 0; i < n; i++)
		store_consult_reset(&list[i]);
	catalog_reply(
	    out, REPLY_HERE, lang, "consult.open", "list", b.data, NULL);
	buf_reset(&b);
}

void
consult_show(
    struct consult *co, int64_t id, const char *lang, struct replies *out)
{
	struct store_consult c;
	struct buf b;

	if (store_consult_get(co->store, id, &c) == -1) {
		consult_say_id(out, lang, "consult.no_such", id, NULL, NULL);
		return;
	}
	buf_init(&b, 0);
	consult_describe(&b, &c, lang);
	buf_addf(&b, ": %s", c.text);
	consult_history(co, &c, lang, &b);
	replies_add(out, REPLY_HERE, b.data, NULL);
	buf_reset(&b);
	store_consult_reset(&c);
}

static void
consult_transition(struct consult *co, int64_t id, const char *who,
    enum store_state to, const char *lang, struct replies *out)
{
	struct store_consult c;
	char action[64];
	int rc;

	if (store_consult_get(co->store, id, &c) == -1) {
		consult_say_id(out, lang, "consult.no_such", id, NULL, NULL);
		return;
	}
	if (to == STORE_CLAIMED && c.state == STORE_CLAIMED &&
	    c.claimed_by != NULL && strcmp(c.claimed_by, who) != 0) {
		consult_say_id(out, lang, "consult.already_claimed", id, "nick",
		    c.claimed_by);
		store_consult_reset(&c);
		return;
	}
	if (to == STORE_CLAIMED && c.state == STORE_DONE) {
		consult_say_id(
		    out, lang, "consult.already_closed", id, NULL, NULL);
		store_consult_reset(&c);
		return;
	}
	store_consult_reset(&c);
	rc = store_consult_set_state(
	    co->store, id, to, who, (int64_t)time(NULL));
	snprintf(action, sizeof(action), "%s #%lld",
	    to == STORE_DONE ? "done" : "claim", (long long)id);
	store_audit(co->store, (int64_t)time(NULL), who, action,
	    rc == -1      ? "error"
	        : rc == 1 ? "unchanged"
	                  : "ok");
	if (rc == -1) {
		catalog_reply(out, REPLY_HERE, lang, "consult.not_saved", NULL);
		return;
	}
	log_info("request #%lld %s", (long long)id,
	    to == STORE_DONE ? "closed" : "claimed");
	if (to == STORE_DONE)
		consult_say_id(out, lang, "consult.closed", id, "nick", who);
	else
		consult_say_id(out, lang, "consult.claimed", id, "nick", who);
}

void
consult_claim(struct consult *co, int64_t id, const char *who, const char *lang,
    struct replies *out)
{
	consult_transition(co, id, who, STORE_CLAIMED, lang, out);
}

void
consult_close(struct consult *co, int64_t id, const char *who, const char *lang,
    struct replies *out)
{
	consult_transition(co, id, who, STORE_DONE, lang, out);
}

struct consult_export_ctx {
	FILE *fp;
	struct store *store;
};

/* The fields of a guided intake, when the request came that way. */
static void
consult_export_details(
    struct store *s, const struct store_consult *c, json_object *o)
{
	struct store_details dt;

	memset(&dt, 0, sizeof(dt));
	if (store_details_get(s, c->id, &dt) == -1)
		return;
	json_object_object_add(o, "name", json_object_new_string(dt.name));
	json_object_object_add(
	    o, "contact", json_object_new_string(dt.contact));
	json_object_object_add(
	    o, "language", json_object_new_string(dt.language));
	json_object_object_add(
	    o, "availability", json_object_new_string(dt.availability));
	json_object_object_add(
	    o, "urgency", json_object_new_string(dt.urgency));
	json_object_object_add(
	    o, "consent_at", json_object_new_int64(dt.consent_at));
	store_details_reset(&dt);
}

static void
consult_export_one(void *arg, const struct store_consult *c)
{
	struct consult_export_ctx *x = arg;
	FILE *fp = x->fp;
	json_object *o;

	o = json_object_new_object();
	json_object_object_add(o, "id", json_object_new_int64(c->id));
	json_object_object_add(o, "created", json_object_new_int64(c->created));
	json_object_object_add(
	    o, "adapter", json_object_new_string(c->adapter));
	json_object_object_add(o, "channel",
	    c->channel != NULL ? json_object_new_string(c->channel) : NULL);
	json_object_object_add(
	    o, "requester", json_object_new_string(c->requester));
	json_object_object_add(
	    o, "requester_id", json_object_new_string(c->requester_id));
	json_object_object_add(o, "text", json_object_new_string(c->text));
	json_object_object_add(o, "lang", json_object_new_string(c->lang));
	json_object_object_add(
	    o, "state", json_object_new_string(store_state_name(c->state)));
	json_object_object_add(o, "claimed_by",
	    c->claimed_by != NULL ? json_object_new_string(c->claimed_by)
	                          : NULL);
	json_object_object_add(
	    o, "claimed_at", json_object_new_int64(c->claimed_at));
	json_object_object_add(o, "done_at", json_object_new_int64(c->done_at));
	consult_export_details(x->store, c, o);
	fprintf(fp, "%s\n",
	    json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int
consult_export(const struct conf *cf, FILE *fp)
{
	struct consult_export_ctx x;
	struct store *s;
	int rc;

	if ((s = store_open(cf->data_dir)) == NULL)
		return -1;
	x.fp = fp;
	x.store = s;
	rc = store_consult_each(s, consult_export_one, &x);
	store_close(s);
	return rc;
}

int
consult_purge(const struct conf *cf, int days, FILE *fp)
{
	struct store *s;
	int64_t n;

	if ((s = store_open(cf->data_dir)) == NULL)
		return -1;
	n = store_purge(s, (int64_t)time(NULL) - (int64_t)days * 86400 + 1);
	store_close(s);
	if (n < 0)
		return -1;
	fprintf(fp, "purged %lld closed request%s\n", (long long)n,
	    n == 1 ? "" : "s");
	return 0;
}

/* ---- Staff replies to requesters ---- */

void
consult_set_replier(struct consult *co, const struct consult_replier *r)
{
	if (r != NULL)
		co->replier = *r;
	else
		memset(&co->replier, 0, sizeof(co->replier));
	consult_kick(co);
}

/* The request fields a replier needs, borrowed from reply row r. */
static void
consult_reply_request(const struct store_reply *r, struct store_consult *c)
{
	memset(c, 0, sizeof(*c));
	c->id = r->consult_id;
	c->adapter = r->adapter;
	c->requester = r->requester;
	c->requester_id = r->requester_id;
	c->lang = r->lang;
	c->account = r->account;
}

/* Whether replies to c wait for the requester (up to reply_wait). */
static bool
consult_reply_waits(const struct consult *co, const struct store_consult *c)
{
	return co->replier.waits != NULL &&
	    co->replier.waits(co->replier.ctx, c);
}

/* Tells staff, in their language, what became of a reply that waited. */
static void
consult_reply_tell(struct consult *co, const char *key, int64_t consult_id,
    const char *who, const char *nick)
{
	char num[24], wait[24], *text;

	snprintf(num, sizeof(num), "%lld", (long long)consult_id);
	snprintf(wait, sizeof(wait), "%d", co->conf->consult_reply_wait);
	text = catalog_say(co->conf->language, key, "number", num, "who", who,
	    "nick", nick, "seconds", wait, NULL);
	consult_alert(co, text);
	free(text);
}

/* A waiting reply whose requester did not come back in time. */
static void
consult_reply_give_up(struct consult *co, const struct store_reply *r)
{
	store_reply_dead(co->store, r->id, "given up", (int64_t)time(NULL));
	log_info("reply %lld to request #%lld given up after %d s",
	    (long long)r->id, (long long)r->consult_id,
	    co->conf->consult_reply_wait);
	metrics_inc("intakebot_replies_total", "result=\"given_up\"");
	consult_reply_tell(
	    co, "reply.given_up", r->consult_id, r->who, r->requester);
}

static void
consult_reply_dead(
    struct consult *co, int64_t reply_id, int64_t consult_id, const char *why)
{
	char num[24], *alert;

	store_reply_dead(co->store, reply_id, why, (int64_t)time(NULL));
	log_warnx("reply %lld to request #%lld dead-lettered: %s",
	    (long long)reply_id, (long long)consult_id, why);
	metrics_inc("intakebot_replies_total", "result=\"dead\"");
	snprintf(num, sizeof(num), "%lld", (long long)consult_id);
	alert = catalog_say(co->conf->language, "consult.alert_reply_dead",
	    "number", num, "why", why, NULL);
	consult_alert(co, alert);
	free(alert);
}

static void
consult_on_replied(void *arg, bool ok, const char *why)
{
	struct consult_lane *l = arg;
	struct consult *co = l->owner;
	int64_t id = l->reply_id;

	l->reply_id = 0;
	if (ok) {
		store_reply_delivered(co->store, id, (int64_t)time(NULL));
		metrics_inc("intakebot_replies_total", "result=\"ok\"");
		log_info("reply %lld to request #%lld delivered", (long long)id,
		    (long long)l->consult_id);
		if (l->waits)
			consult_reply_tell(co, "reply.delivered", l->consult_id,
			    l->who, l->nick);
		l->backoff = CONSULT_BACKOFF_MIN;
		l->retry_at = 0;
		consult_kick(co);
		return;
	}
	if (why == NULL)
		why = "unknown error";
	store_reply_attempt(co->store, id, why);
	if ((int64_t)time(NULL) - l->created >=
	    (l->waits ? co->conf->consult_reply_wait
	              : co->conf->consult_dead_after)) {
		consult_reply_dead(co, id, l->consult_id, why);
		return;
	}
	log_info("reply %lld failed, retrying in %ld ms: %s", (long long)id,
	    l->backoff, why);
	l->retry_at = loop_now_ms() + l->backoff / 2 +
	    (long)(random() % (l->backoff / 2 + 1));
	l->backoff = l->backoff * 2 > CONSULT_BACKOFF_MAX ? CONSULT_BACKOFF_MAX
	                                                  : l->backoff * 2;
}

/* The lane of key, or a free one taken for it, or NULL when all are busy. */
static struct consult_lane *
consult_lane_get(struct consult *co, const char *key, bool *busy)
{
	struct consult_lane *free_lane = NULL, *l;
	int64_t now = loop_now_ms();
	size_t i;

	*busy = false;
	for (i = 0; i < CONSULT_LANES; i++) {
		l = &co->lanes[i];
		if (l->key != NULL && strcmp(l->key, key) == 0) {
			*busy = l->reply_id != 0 || now < l->retry_at;
			return l;
		}
		if (free_lane == NULL &&
		    (l->key == NULL ||
		        (l->reply_id == 0 && now >= l->retry_at)))
			free_lane = l;
	}
	if (free_lane == NULL)
		return NULL;
	free(free_lane->key);
	free(free_lane->who);
	free(free_lane->nick);
	memset(free_lane, 0, sizeof(*free_lane));
	free_lane->owner = co;
	free_lane->key = xstrdup(key);
	free_lane->backoff = CONSULT_BACKOFF_MIN;
	return free_lane;
}

/* Sends the oldest pending reply of every requester that has none in flight. */
static void
consult_deliver_replies(struct consult *co)
{
	struct store_reply r[CONSULT_REPLY_SCAN];
	char *keys[CONSULT_REPLY_SCAN], *text;
	struct store_consult c;
	struct consult_lane *l;
	int64_t now = (int64_t)time(NULL);
	const char *why;
	size_t n, i, j;
	bool busy, first, waits;
	long left, limit;

	if (co->replier.post == NULL)
		return;
	n = store_reply_pending(co->store, r, CONSULT_REPLY_SCAN);
	for (i = 0; i < n; i++) {
		keys[i] = xasprintf("%s\n%s", r[i].adapter, r[i].requester_id);
		/* In order per requester: only their oldest pending reply. */
		for (first = true, j = 0; j < i && first; j++)
			first = strcmp(keys[j], keys[i]) != 0;
		if (!first)
			continue;
		consult_reply_request(&r[i], &c);
		why = "no private path to the requester";
		waits = consult_reply_waits(co, &c);
		limit = waits ? co->conf->consult_reply_wait
		              : co->conf->consult_dead_after;
		if (waits && now - r[i].created >= limit) {
			consult_reply_give_up(co, &r[i]);
			continue;
		}
		if (now - r[i].created >= limit ||
		    !co->replier.can(co->replier.ctx, &c, &why)) {
			if (now - r[i].created >= limit)
				why = "the requester could not be reached in "
				      "time";
			consult_reply_dead(co, r[i].id, r[i].consult_id, why);
			continue;
		}
		/* The lane first: ready() may start a check it then uses. */
		if ((l = consult_lane_get(co, keys[i], &busy)) == NULL || busy)
			continue;
		if (co->replier.ready != NULL &&
		    !co->replier.ready(co->replier.ctx, &c))
			continue;
		l->reply_id = r[i].id;
		l->consult_id = r[i].consult_id;
		l->created = r[i].created;
		l->waits = waits;
		free(l->who);
		free(l->nick);
		l->who = xstrdup(r[i].who);
		l->nick = xstrdup(r[i].requester);
		left = (long)(limit - (now - r[i].created));
		text = xasprintf(
		    "[#%lld] %s", (long long)r[i].consult_id, r[i].text);
		if (co->replier.post(co->replier.ctx, &c, text,
		        left > 0 ? left : 1, consult_on_replied, l) == -1) {
			l->reply_id = 0;
			l->retry_at = loop_now_ms() + CONSULT_BACKOFF_MIN;
		}
		free(text);
	}
	for (i = 0; i < n; i++) {
		free(keys[i]);
		store_reply_reset(&r[i]);
	}
}

void
consult_reply(struct consult *co, int64_t id, const char *who, const char *text,
    const char *lang, struct replies *out)
{
	struct store_consult c;
	const char *why = "no private path to the requester";
	char action[64];
	int64_t rid;

	if (store_consult_get(co->store, id, &c) == -1) {
		consult_say_id(out, lang, "consult.no_such", id, NULL, NULL);
		return;
	}
	if (co->replier.post == NULL ||
	    !co->replier.can(co->replier.ctx, &c, &why)) {
		consult_say_id(
		    out, lang, "consult.cannot_reply", id, "why", why);
		store_consult_reset(&c);
		return;
	}
	rid = store_reply_add(co->store, id, who, text, (int64_t)time(NULL));
	snprintf(action, sizeof(action), "reply #%lld", (long long)id);
	store_audit(co->store, (int64_t)time(NULL), who, action,
	    rid == -1 ? "error" : "queued");
	if (rid == -1)
		catalog_reply(out, REPLY_HERE, lang, "consult.not_saved", NULL);
	else
		consult_say_id(
		    out, lang, "consult.reply_saved", id, "nick", c.requester);
	store_consult_reset(&c);
	consult_kick(co);
}

/* Appends sep and the history sentence key, {time} being at (0: none). */
static void
consult_event(struct buf *b, const char *lang, const char *sep, const char *key,
    int64_t at, const char *name, const char *value)
{
	struct buf when;
	char *s;

	buf_init(&when, 0);
	if (at > 0)
		consult_format_time(&when, at);
	s = catalog_say(lang, key, "time", when.len > 0 ? when.data : "", name,
	    value, NULL);
	buf_addf(b, "%s%s", sep, s);
	free(s);
	buf_reset(&when);
}

struct consult_history_ctx {
	struct buf *b;
	const char *lang;
};

/* "; forwarded to NAME (2026-...)" for each delivery row. */
static void
consult_history_outbox(
    void *arg, const char *dest, int state, int64_t delivered_at)
{
	struct consult_history_ctx *h = arg;

	consult_event(h->b, h->lang, "; ",
	    state == 1       ? "consult.forwarded"
	        : state == 2 ? "consult.forwarded_failed"
	                     : "consult.forwarded_pending",
	    delivered_at, "destination", dest);
}

/* The request's history, for !show. */
static void
consult_history(struct consult *co, const struct store_consult *c,
    const char *lang, struct buf *b)
{
	struct consult_history_ctx h = {b, lang};
	struct store_reply r[CONSULT_HISTORY_MAX];
	size_t n, i;

	consult_event(b, lang, "\n", "consult.history", c->created, NULL, NULL);
	store_outbox_each(co->store, c->id, consult_history_outbox, &h);
	if (c->claimed_by != NULL && c->claimed_at > 0)
		consult_event(b, lang, "; ", "consult.history_claimed",
		    c->claimed_at, "nick", c->claimed_by);
	n = store_reply_list(co->store, c->id, r, CONSULT_HISTORY_MAX);
	for (i = 0; i < n; i++) {
		consult_event(b, lang, "; ", "consult.replied", r[i].created,
		    "nick", r[i].who);
		if (r[i].state == STORE_REPLY_DELIVERED)
			consult_event(b, lang, ", ", "consult.reply_delivered",
			    r[i].delivered_at, NULL, NULL);
		else if (r[i].state == STORE_REPLY_DEAD &&
		    r[i].last_error != NULL &&
		    strcmp(r[i].last_error, "given up") == 0)
			consult_event(b, lang, ", ", "reply.history_given_up",
			    r[i].delivered_at, NULL, NULL);
		else if (r[i].state == STORE_REPLY_DEAD)
			consult_event(b, lang, ", ", "consult.reply_failed", 0,
			    "why",
			    r[i].last_error != NULL ? r[i].last_error : "?");
		else
			consult_event(b, lang, ", ", "consult.reply_waiting", 0,
			    NULL, NULL);
		buf_addf(b, ": %s", r[i].text);
		store_reply_reset(&r[i]);
	}
	if (c->done_at > 0)
		consult_event(b, lang, "; ", "consult.history_closed",
		    c->done_at, NULL, NULL);
}
