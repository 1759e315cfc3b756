/*
 * The bot's life cycle.  Config and content are loaded into new objects;
 * on a reload the new ones replace the old only when both are clean, and
 * the router is pointed at them in one step, so no message ever sees half
 * of a reload.
 */
#define LOG_MODULE "bot"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bot.h"
#include "buf.h"
#include "catalog.h"
#include "conf.h"
#include "console.h"
#include "consult.h"
#include "content.h"
#include "diag.h"
#include "http.h"
#include "intake.h"
#include "irc.h"
#include "log.h"
#include "loop.h"
#include "metrics.h"
#include "notify.h"
#include "platform.h"
#include "router.h"
#include "store.h"
#include "xmalloc.h"

#define BOT_SINKS_MAX 16

/* A staff destination as consult.c sees it: the IRC channel or a webhook. */
struct bot_sink {
	struct bot *bot;
	char *dest; /* notify destination; NULL for IRC */
};

/* One post in flight, to turn the adapter's callback into consult's. */
struct bot_post {
	consult_done_cb cb;
	void *arg;
};

struct bot {
	struct bot_options opt;
	struct loop *loop;
	struct conf *conf;
	struct content *content;
	struct catalog *catalog; /* what the bot says: catalog_use() */
	struct router *router;
	struct console *console;
	struct notify *notify; /* staff webhooks, NULL: none */
	struct http *http;     /* inbound webhooks, [http] */
	struct irc *irc;       /* [irc], NULL: none */
	bool irc_quit_sent;    /* shutdown: QUIT sent */
	int64_t irc_quit_until;
	struct store *store; /* data_dir/intakebot.db */
	struct consult *consult;
	struct intake *intake;                 /* guided intake dialogues */
	struct hook_forms forms;               /* native forms, for http.c */
	struct bot_sink *sinks[BOT_SINKS_MAX]; /* staff destinations */
	size_t nsinks;
	int64_t started_ms;
	int dispatching;           /* inside router_handle */
	struct conf *retired_conf; /* freed after the dispatch */
	struct content *retired_content;
	bool stopping;
};

static void
bot_on_console(void *arg, const struct message *m, struct replies *out)
{
	bot_dispatch(arg, m, out);
}

/* Messages from the inbound webhooks (http.c). */
static void
bot_on_http(void *arg, const struct message *m, struct replies *out)
{
	bot_dispatch(arg, m, out);
}

/* Messages from IRC (irc.c). */
static void
bot_on_irc(void *arg, const struct message *m, struct replies *out)
{
	bot_dispatch(arg, m, out);
}

/* Shutdown: waits (at most 2 s) for the server to close after QUIT. */
static long
bot_on_irc_quit_wait(void *arg)
{
	struct bot *b = arg;

	if (!irc_is_stopped(b->irc) && loop_now_ms() < b->irc_quit_until)
		return 20;
	b->stopping = false;
	bot_shutdown(b);
	return LOOP_TIMER_DONE;
}

static void
bot_on_console_eof(void *arg)
{
	struct bot *b = arg;

	log_info("end of console input");
	bot_shutdown(b);
}

static void
bot_on_notify_drained(void *arg)
{
	struct bot *b = arg;

	loop_stop(b->loop);
}

static void
bot_on_signal(void *arg, enum loop_signal sig)
{
	struct bot *b = arg;

	if (sig == LOOP_SIG_HUP) {
		log_info("SIGHUP: reloading");
		bot_reload(b, NULL, 0);
	} else {
		log_info("signal: shutting down");
		bot_shutdown(b);
	}
}

static void
bot_on_notify_posted(void *arg, enum notify_result r, const char *why)
{
	struct bot_post *p = arg;

	p->cb(p->arg, r == NOTIFY_OK, why);
	free(p);
}

static void
bot_on_dm_done(void *arg, enum notify_result r, const char *why)
{
	(void)arg;
	if (r != NOTIFY_OK)
		log_warnx("a private answer was not delivered: %s", why);
}

/* Private answers from a webhook without its own private path. */
static int
bot_on_dm(void *arg, const char *section, const char *user, const char *text)
{
	struct bot *b = arg;

	if (b->notify == NULL || !notify_dm_ready(b->notify, section))
		return -1;
	if (text == NULL)
		return 0;
	return notify_dm(b->notify, section, user, text,
	    b->conf->consult_dead_after, bot_on_dm_done, NULL);
}

/* ---- Native forms, for hook.c ---- */

static char *
bot_form_text(void *arg, const char *lang, const char *key)
{
	struct bot *b = arg;
	char days[16];

	snprintf(days, sizeof(days), "%d", b->conf->consult_retention_days);
	return intake_text(
	    b->intake, lang, key, (const char *const[]){"days", days, NULL});
}

static int
bot_form_submit(void *arg, const struct message *m, const char *lang,
    const char *const *value, char **err, struct replies *out)
{
	struct bot *b = arg;

	return intake_form_submit(b->intake, m, lang, value, err, out);
}

static void
bot_form_call(void *arg, const char *section, struct platform_call *c)
{
	struct bot *b = arg;

	if (b->notify == NULL || notify_call(b->notify, section, c) == -1)
		log_warnx("[%s] the form could not be opened", section);
}

/*
 * Staff replies go back to requesters by the platform's direct messages,
 * or on IRC by PRIVMSG to the nick once irc.c says it is online with the
 * account that asked (MONITOR, else ISON, then WHOIS): those wait.
 */
static bool
bot_reply_is_irc(const struct store_consult *c)
{
	return strcmp(c->adapter, "irc") == 0;
}

static bool
bot_reply_can(void *ctx, const struct store_consult *c, const char **why)
{
	struct bot *b = ctx;

	if (bot_reply_is_irc(c) && b->irc != NULL)
		return true;
	if (b->notify != NULL && notify_dm_ready(b->notify, c->adapter))
		return true;
	if (platform_find(c->adapter) != NULL)
		*why = "no bot account (api_url, bot_token) for that platform";
	else
		*why = "that adapter has no way back to the requester";
	return false;
}

static bool
bot_reply_ready(void *ctx, const struct store_consult *c)
{
	struct bot *b = ctx;

	if (!bot_reply_is_irc(c))
		return true;
	return b->irc != NULL &&
	    irc_requester_ready(b->irc, c->requester, c->account);
}

static bool
bot_reply_waits(void *ctx, const struct store_consult *c)
{
	(void)ctx;
	return bot_reply_is_irc(c);
}

static void bot_on_irc_posted(void *arg, bool ok);

static int
bot_reply_post(void *ctx, const struct store_consult *c, const char *text,
    long give_up_after, consult_done_cb cb, void *arg)
{
	const struct platform *p = platform_find(c->adapter);
	struct bot *b = ctx;
	struct bot_post *bp;

	if (bot_reply_is_irc(c)) {
		if (b->irc == NULL)
			return -1;
		bp = xmalloc(sizeof(*bp));
		bp->cb = cb;
		bp->arg = arg;
		if (irc_post_private(b->irc, c->requester, c->account, text,
		        bot_on_irc_posted, bp) == -1) {
			free(bp);
			return -1;
		}
		return 0;
	}
	if (b->notify == NULL || p == NULL)
		return -1;
	bp = xmalloc(sizeof(*bp));
	bp->cb = cb;
	bp->arg = arg;
	if (notify_dm(b->notify, c->adapter,
	        p->dm_by_name ? c->requester : c->requester_id, text,
	        give_up_after, bot_on_notify_posted, bp) == -1) {
		free(bp);
		return -1;
	}
	return 0;
}

static int
bot_sink_post_notify(void *ctx, const char *text, long give_up_after,
    consult_done_cb cb, void *arg)
{
	struct bot_sink *s = ctx;
	struct bot_post *p;

	if (s->bot->notify == NULL)
		return -1;
	p = xmalloc(sizeof(*p));
	p->cb = cb;
	p->arg = arg;
	if (notify_post(s->bot->notify, s->dest, text, give_up_after,
	        bot_on_notify_posted, p) == -1) {
		free(p);
		return -1;
	}
	return 0;
}

static bool
bot_sink_irc_ready(void *ctx)
{
	struct bot_sink *s = ctx;

	return s->bot->irc != NULL && irc_staff_ready(s->bot->irc);
}

static void
bot_on_irc_posted(void *arg, bool ok)
{
	struct bot_post *p = arg;

	p->cb(p->arg, ok, ok ? NULL : "IRC connection lost");
	free(p);
}

static int
bot_sink_post_irc(void *ctx, const char *text, long give_up_after,
    consult_done_cb cb, void *arg)
{
	struct bot_sink *s = ctx;
	struct bot_post *p;

	(void)give_up_after;
	if (s->bot->irc == NULL)
		return -1;
	p = xmalloc(sizeof(*p));
	p->cb = cb;
	p->arg = arg;
	if (irc_post_staff(s->bot->irc, text, bot_on_irc_posted, p) == -1) {
		free(p);
		return -1;
	}
	return 0;
}

/* The sink context for dest (NULL: IRC), made once and kept. */
static struct bot_sink *
bot_sink_get(struct bot *b, const char *dest)
{
	struct bot_sink *s;
	size_t k;

	for (k = 0; k < b->nsinks; k++)
		if ((dest == NULL && b->sinks[k]->dest == NULL) ||
		    (dest != NULL && b->sinks[k]->dest != NULL &&
		        strcmp(b->sinks[k]->dest, dest) == 0))
			return b->sinks[k];
	if (b->nsinks == BOT_SINKS_MAX)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->bot = b;
	s->dest = dest != NULL ? xstrdup(dest) : NULL;
	b->sinks[b->nsinks++] = s;
	return s;
}

static void
bot_sinks_free(struct bot *b)
{
	size_t i;

	for (i = 0; i < b->nsinks; i++) {
		free(b->sinks[i]->dest);
		free(b->sinks[i]);
	}
	b->nsinks = 0;
}

/*
 * Hands consult.c the staff destinations of the current config: the IRC
 * staff channel, then each staff webhook.  The old sink contexts are kept
 * until the bot is freed, since a post in flight still points at one.
 */
static void
bot_sinks_update(struct bot *b)
{
	struct consult_sink cs[BOT_SINKS_MAX];
	const char *names[BOT_SINKS_MAX];
	struct bot_sink *s;
	size_t n = 0, nd = 0, i;

	if (b->irc != NULL && b->conf->irc_staff_channel[0] != '\0' &&
	    (s = bot_sink_get(b, NULL)) != NULL)
		cs[n++] = (struct consult_sink){.name = "irc",
		    .ready = bot_sink_irc_ready,
		    .post = bot_sink_post_irc,
		    .ctx = s};
	if (b->notify != NULL)
		nd = notify_destinations(b->notify, names, BOT_SINKS_MAX);
	for (i = 0; i < nd && n < BOT_SINKS_MAX; i++) {
		if ((s = bot_sink_get(b, names[i])) == NULL)
			break;
		cs[n++] = (struct consult_sink){.name = s->dest,
		    .ready = NULL,
		    .post = bot_sink_post_notify,
		    .ctx = s};
	}
	consult_set_sinks(b->consult, cs, n);
}

/* Loads config and content together; NULL pair with d filled on error. */
static int
bot_load(
    const char *path, struct conf **cp, struct content **tp, struct diag *d)
{
	struct conf *c;
	struct content *t;

	if ((c = conf_load(path, d)) == NULL)
		return -1;
	if ((t = content_load(c->content_dir, router_reserved(), d)) == NULL) {
		conf_free(c);
		return -1;
	}
	*cp = c;
	*tp = t;
	return 0;
}

/*
 * What /healthz, /metrics and !status report beyond adapter states: a
 * database that cannot be written fails the bot; IRC down too long, a
 * dead-lettered request nobody has picked up, or a delivery waiting too
 * long degrade it.
 */
static void
bot_on_health(void *arg)
{
	struct bot *b = arg;
	const char *why;
	int64_t down, dead, oldest, age = 0;

	if ((why = store_write_error(b->store)) != NULL)
		metrics_health_problem(
		    true, "database cannot be written: %s", why);
	if (b->irc != NULL &&
	    (down = irc_down_ms(b->irc) / 1000) >=
	        b->conf->health_irc_down_after)
		metrics_health_problem(
		    false, "IRC disconnected for %lld s", (long long)down);
	dead = store_outbox_dead_unclaimed(b->store);
	metrics_set("intakebot_outbox_dead", NULL, dead);
	if (dead > 0)
		metrics_health_problem(false,
		    "%lld dead-lettered deliveries of unclaimed requests",
		    (long long)dead);
	if ((oldest = store_outbox_oldest(b->store)) >= 0 &&
	    (age = (int64_t)time(NULL) - oldest) < 0)
		age = 0;
	metrics_set("intakebot_outbox_oldest_age_seconds", NULL, age);
	if (age >= b->conf->health_undelivered_after)
		metrics_health_problem(false,
		    "oldest undelivered request waiting for %lld s",
		    (long long)age);
}

struct bot *
bot_new(const struct bot_options *opt)
{
	struct router_env env;
	struct diag d;
	struct bot *b;

	b = xcalloc(1, sizeof(*b));
	b->opt = *opt;
	diag_init(&d);
	if (bot_load(opt->conf_path, &b->conf, &b->content, &d) == -1) {
		diag_print(&d, stderr);
		diag_reset(&d);
		free(b);
		return NULL;
	}
	diag_reset(&d);
	b->catalog = catalog_open(b->conf->content_dir);
	catalog_use(b->catalog);
	b->loop = loop_new();
	b->started_ms = loop_now_ms();
	if ((b->store = store_open(b->conf->data_dir)) == NULL) {
		fprintf(stderr, "intakebot: cannot open the database in %s\n",
		    b->conf->data_dir);
		loop_free(b->loop);
		catalog_use(NULL);
		catalog_free(b->catalog);
		content_free(b->content);
		conf_free(b->conf);
		free(b);
		return NULL;
	}
	b->consult = consult_new(b->loop, b->store, b->conf);
	consult_set_replier(b->consult,
	    &(struct consult_replier){bot_reply_can, bot_reply_ready,
	        bot_reply_waits, bot_reply_post, b});
	b->intake = intake_new(b->loop, b->store, b->consult, b->conf);
	metrics_help("intakebot_outbox_dead", "gauge",
	    "dead-lettered deliveries of requests nobody has claimed");
	metrics_help("intakebot_outbox_oldest_age_seconds", "gauge",
	    "age of the oldest undelivered staff delivery");
	metrics_health_refresh_set(bot_on_health, b);
	env = (struct router_env){.conf = b->conf,
	    .content = b->content,
	    .consult = b->consult,
	    .intake = b->intake,
	    .app = b};
	b->router = router_new(&env);
	if (notify_configured(b->conf))
		b->notify = notify_new(b->loop, b->conf);
	loop_signals_init(b->loop, bot_on_signal, b);
	if (opt->console)
		b->console = console_new(b->loop, STDIN_FILENO, STDOUT_FILENO,
		    bot_on_console, bot_on_console_eof, b);
	if (b->conf->http_enabled &&
	    (b->http = http_new(b->loop, b->conf, bot_on_http, b)) == NULL)
		fatalx("[http] cannot start the HTTP listener on %s",
		    b->conf->http_listen);
	if (b->http != NULL) {
		http_set_dm(b->http, bot_on_dm, b);
		b->forms = (struct hook_forms){
		    bot_form_text, bot_form_submit, bot_form_call, b};
		http_set_forms(b->http, &b->forms);
	}
	if (b->conf->irc_enabled)
		b->irc = irc_new(b->loop, b->conf, bot_on_irc, b);
	bot_sinks_update(b);
	log_info("started: %zu topics, language %s",
	    content_count(b->content, b->conf->language)
	        ? content_count(b->content, b->conf->language)
	        : content_count(b->content, "en"),
	    b->conf->language);
	return b;
}

int
bot_run(struct bot *b)
{
	loop_run(b->loop);
	log_info("stopped");
	return 0;
}

void
bot_free(struct bot *b)
{
	if (b == NULL)
		return;
	metrics_health_refresh_set(NULL, NULL);
	console_free(b->console);
	irc_free(b->irc);
	http_free(b->http);
	/* Posts still in flight fail here and are retried after a restart. */
	notify_free(b->notify);
	b->notify = NULL;
	intake_free(b->intake);
	consult_free(b->consult);
	bot_sinks_free(b);
	store_close(b->store);
	router_free(b->router);
	catalog_use(NULL);
	catalog_free(b->catalog);
	content_free(b->content);
	conf_free(b->conf);
	loop_free(b->loop);
	free(b);
}

void
bot_dispatch(struct bot *b, const struct message *m, struct replies *out)
{
	b->dispatching++;
	router_handle(b->router, m, out);
	if (--b->dispatching == 0) {
		/* A !reload inside the command: the old ones are done now. */
		content_free(b->retired_content);
		conf_free(b->retired_conf);
		b->retired_content = NULL;
		b->retired_conf = NULL;
	}
}

int
bot_reload(struct bot *b, char *why, size_t whylen)
{
	struct router_env env;
	struct conf *c;
	struct content *t;
	struct catalog *cat;
	struct diag d;

	diag_init(&d);
	if (bot_load(b->opt.conf_path, &c, &t, &d) == -1) {
		log_warnx("reload failed, keeping the running configuration:");
		diag_log(&d);
		if (why != NULL)
			snprintf(why, whylen, "%zu problem%s, first: %s",
			    d.count, d.count == 1 ? "" : "s",
			    d.count > 0 ? d.lines[0] : "unknown");
		diag_reset(&d);
		return -1;
	}
	diag_reset(&d);
	/* Replies are copied out of the catalogue: the old one can go now. */
	cat = catalog_open(c->content_dir);
	catalog_use(cat);
	catalog_free(b->catalog);
	b->catalog = cat;
	env = (struct router_env){.conf = c,
	    .content = t,
	    .consult = b->consult,
	    .intake = b->intake,
	    .app = b};
	router_set_env(b->router, &env);
	if (b->notify != NULL)
		notify_set_conf(b->notify, c);
	else if (notify_configured(c))
		b->notify = notify_new(b->loop, c);
	if (b->http != NULL)
		http_set_conf(b->http, c);
	if (b->irc != NULL && !c->irc_enabled) {
		/* [irc] removed: leave the network (posts in flight fail). */
		log_info("[irc] removed: disconnecting");
		irc_free(b->irc);
		b->irc = NULL;
	} else if (b->irc != NULL)
		irc_reload(b->irc, c);
	else if (c->irc_enabled)
		b->irc = irc_new(b->loop, c, bot_on_irc, b);
	if (strcmp(c->data_dir, b->conf->data_dir) != 0)
		log_warnx("data_dir changed: the new folder is used after a "
		          "restart");
	consult_set_conf(b->consult, c);
	intake_set_conf(b->intake, c);
	if (b->dispatching > 0) {
		/* The command that asked for this still reads the old ones. */
		content_free(b->retired_content);
		conf_free(b->retired_conf);
		b->retired_content = b->content;
		b->retired_conf = b->conf;
	} else {
		content_free(b->content);
		conf_free(b->conf);
	}
	b->conf = c;
	b->content = t;
	bot_sinks_update(b);
	log_info("reloaded: %zu topics", content_count(t, "en"));
	if (why != NULL)
		snprintf(why, whylen, "reloaded");
	return 0;
}

void
bot_status(struct bot *b, const char *lang, struct replies *out)
{
	struct buf bf, routes;
	int64_t up = (loop_now_ms() - b->started_ms) / 1000;
	char uptime[48], topics[24];
	char *s;
	size_t i;

	snprintf(uptime, sizeof(uptime), "%lldd %02lld:%02lld:%02lld",
	    (long long)(up / 86400), (long long)(up / 3600 % 24),
	    (long long)(up / 60 % 60), (long long)(up % 60));
	snprintf(
	    topics, sizeof(topics), "%zu", content_count(b->content, "en"));
	buf_init(&bf, 0);
	s = catalog_say(
	    lang, "admin.status", "uptime", uptime, "topics", topics, NULL);
	buf_addstr(&bf, s);
	free(s);
	buf_init(&routes, 0);
	for (i = 0; i < b->conf->nplatforms; i++)
		buf_addf(&routes, "%s%s", i == 0 ? "" : ", ",
		    b->conf->platforms[i].section);
	if (routes.len > 0) {
		s = catalog_say(
		    lang, "admin.routes", "routes", routes.data, NULL);
		buf_addf(&bf, "; %s", s);
		free(s);
	}
	buf_reset(&routes);
	replies_add(out, REPLY_HERE, bf.data, NULL);
	buf_reset(&bf);
	if (b->irc != NULL) {
		irc_status(b->irc, &bf);
		replies_add(out, REPLY_HERE, bf.data, NULL);
		buf_reset(&bf);
	}
	consult_status(b->consult, lang, out);
}

int
bot_join(
    struct bot *b, const char *channel, bool join, char *why, size_t whylen)
{
	if (b->irc == NULL) {
		snprintf(why, whylen, "IRC is not configured");
		return -1;
	}
	return irc_channel_set(b->irc, channel, join, why, whylen);
}

void
bot_audit(
    struct bot *b, const char *who, const char *action, const char *result)
{
	log_info("admin %s: %s: %s", who, action, result);
	store_audit(b->store, (int64_t)time(NULL), who, action, result);
}

void
bot_shutdown(struct bot *b)
{
	if (b->stopping)
		return;
	b->stopping = true;
	if (b->irc != NULL && !b->irc_quit_sent) {
		b->irc_quit_sent = true;
		irc_quit(b->irc, "shutting down");
		b->irc_quit_until = loop_now_ms() + 2000;
		loop_timer_add(b->loop, 0, bot_on_irc_quit_wait, b);
		return;
	}
	/* Staff posts on the wire get a moment; the queue is the store's. */
	if (b->notify != NULL && notify_busy(b->notify)) {
		notify_drain(b->notify, 2000, bot_on_notify_drained, b);
		return;
	}
	loop_stop(b->loop);
}
