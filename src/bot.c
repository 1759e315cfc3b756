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
#include <unistd.h>

#include "bot.h"
#include "conf.h"
#include "console.h"
#include "content.h"
#include "diag.h"
#include "log.h"
#include "loop.h"
#include "router.h"
#include "xmalloc.h"

struct bot {
	struct bot_options	 opt;
	struct loop		*loop;
	struct conf		*conf;
	struct content		*content;
	struct router		*router;
	struct console		*console;
	int64_t			 started_ms;
	bool			 stopping;
};

static void
bot_on_console(void *arg, const struct message *m, struct replies *out)
{
	bot_dispatch(arg, m, out);
}

static void
bot_on_console_eof(void *arg)
{
	struct bot *b = arg;

	log_info("end of console input");
	bot_shutdown(b);
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

/* Loads config and content together; NULL pair with d filled on error. */
static int
bot_load(const char *path, struct conf **cp, struct content **tp,
    struct diag *d)
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
	b->loop = loop_new();
	b->started_ms = loop_now_ms();
	env = (struct router_env){ b->conf, b->content, b };
	b->router = router_new(&env);
	loop_signals_init(b->loop, bot_on_signal, b);
	if (opt->console)
		b->console = console_new(b->loop, STDIN_FILENO, STDOUT_FILENO,
		    bot_on_console, bot_on_console_eof, b);
	log_info("started: %zu topics, language %s", content_count(b->content,
	    b->conf->language) ? content_count(b->content, b->conf->language) :
	    content_count(b->content, "en"), b->conf->language);
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
	console_free(b->console);
	router_free(b->router);
	content_free(b->content);
	conf_free(b->conf);
	loop_free(b->loop);
	free(b);
}

void
bot_dispatch(struct bot *b, const struct message *m, struct replies *out)
{
	router_handle(b->router, m, out);
}

int
bot_reload(struct bot *b, char *why, size_t whylen)
{
	struct router_env env;
	struct conf *c;
	struct content *t;
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
	env = (struct router_env){ c, t, b };
	router_set_env(b->router, &env);
	content_free(b->content);
	conf_free(b->conf);
	b->conf = c;
	b->content = t;
	log_info("reloaded: %zu topics", content_count(t, "en"));
	if (why != NULL)
		snprintf(why, whylen, "reloaded");
	return 0;
}

void
bot_shutdown(struct bot *b)
{
	if (b->stopping)
		return;
	b->stopping = true;
	loop_stop(b->loop);
}
