/*
 * intakebot: options, then the bot.  Exit status: 0 on a clean shutdown,
 * 1 on a config or content error, 2 on a usage error.
 */
#define LOG_MODULE "main"
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot.h"
#include "conf.h"
#include "consult.h"
#include "content.h"
#include "catalog.h"
#include "diag.h"
#include "log.h"
#include "notify.h"
#include "router.h"

#ifndef INTAKEBOT_VERSION
#define INTAKEBOT_VERSION "0.1"
#endif
#ifndef INTAKEBOT_CONF
#define INTAKEBOT_CONF "config/intakebot.conf"
#endif

static void
usage(FILE *fp)
{
	fprintf(fp,
	    "usage: intakebot [-v] [-c FILE] [--check | --console]\n"
	    "       intakebot [-v] [-c FILE] --test-destinations\n"
	    "       intakebot [-v] [-c FILE] --test-dm SECTION:USER\n"
	    "       intakebot [-c FILE] --export-consults | --purge-consults "
	    "DAYS\n"
	    "       intakebot --version | --help\n"
	    "\n"
	    "  -c, --config FILE  configuration file (default %s)\n"
	    "      --check        validate config and content, then exit\n"
	    "      --console      also chat on standard input and output\n"
	    "      --test-destinations\n"
	    "                     post a test message to every staff webhook\n"
	    "      --test-dm SECTION:USER\n"
	    "                     send USER a test direct message through\n"
	    "                     SECTION's bot account\n"
	    "      --export-consults\n"
	    "                     print every consultation request as JSON "
	    "lines\n"
	    "      --purge-consults DAYS\n"
	    "                     delete closed requests older than DAYS days\n"
	    "  -v, --verbose      debug logging\n"
	    "      --version      print the version and exit\n"
	    "      --help         print this help and exit\n",
	    INTAKEBOT_CONF);
}

/* --export-consults and --purge-consults: the store without the bot. */
static int
consult_admin(const char *path, bool do_export, int purge_days)
{
	struct conf *c;
	struct diag d;
	int rc = 0;

	diag_init(&d);
	if ((c = conf_load(path, &d)) == NULL) {
		diag_print(&d, stderr);
		diag_reset(&d);
		return 1;
	}
	diag_reset(&d);
	if (do_export && consult_export(c, stdout) == -1)
		rc = 1;
	if (purge_days >= 0 && consult_purge(c, purge_days, stdout) == -1)
		rc = 1;
	conf_free(c);
	return rc;
}

static int
check(const char *path)
{
	struct conf *c;
	struct content *t;
	struct diag d;
	int rc = 1, errs = 0;

	diag_init(&d);
	if ((c = conf_load(path, &d)) != NULL) {
		if ((t = content_load(c->content_dir, router_reserved(), &d)) !=
		    NULL) {
			char today[16];
			time_t now = time(NULL);
			struct tm tm;

			gmtime_r(&now, &tm);
			strftime(today, sizeof(today), "%Y-%m-%d", &tm);
			content_review(t, c->content_max_age, today, &d);
			catalog_free(catalog_load(c->content_dir, &d, &errs));
			if (errs == 0) {
				printf("configuration OK\n");
				rc = 0;
			}
			content_free(t);
		}
		conf_free(c);
	}
	diag_print(&d, stderr);
	diag_reset(&d);
	return rc;
}

int
main(int argc, char *argv[])
{
	enum {
		OPT_CHECK = 256,
		OPT_CONSOLE,
		OPT_VERSION,
		OPT_HELP,
		OPT_TEST_DEST,
		OPT_TEST_DM,
		OPT_EXPORT,
		OPT_PURGE
	};
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"check", no_argument, NULL, OPT_CHECK},
	    {"console", no_argument, NULL, OPT_CONSOLE},
	    {"test-destinations", no_argument, NULL, OPT_TEST_DEST},
	    {"test-dm", required_argument, NULL, OPT_TEST_DM},
	    {"export-consults", no_argument, NULL, OPT_EXPORT},
	    {"purge-consults", required_argument, NULL, OPT_PURGE},
	    {"verbose", no_argument, NULL, 'v'},
	    {"version", no_argument, NULL, OPT_VERSION},
	    {"help", no_argument, NULL, OPT_HELP},
	    {NULL, 0, NULL, 0},
	};
	struct bot_options bo = {INTAKEBOT_CONF, false, 0};
	struct bot *b;
	bool do_check = false, do_test_dest = false, do_export = false;
	int purge_days = -1;
	const char *test_dm = NULL;
	char *end;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "c:v", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			bo.conf_path = optarg;
			break;
		case 'v':
			bo.verbose++;
			break;
		case OPT_CHECK:
			do_check = true;
			break;
		case OPT_CONSOLE:
			bo.console = true;
			break;
		case OPT_TEST_DEST:
			do_test_dest = true;
			break;
		case OPT_TEST_DM:
			test_dm = optarg;
			break;
		case OPT_EXPORT:
			do_export = true;
			break;
		case OPT_PURGE:
			purge_days = (int)strtol(optarg, &end, 10);
			if (*optarg == '\0' || *end != '\0' || purge_days < 0 ||
			    purge_days > 36500) {
				fprintf(stderr,
				    "intakebot: --purge-consults "
				    "takes a number of days\n");
				return 2;
			}
			break;
		case OPT_VERSION:
			printf("intakebot %s\n", INTAKEBOT_VERSION);
			return 0;
		case OPT_HELP:
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (do_check && bo.console)) {
		usage(stderr);
		return 2;
	}
	log_init(bo.verbose);
	if (do_check)
		return check(bo.conf_path);
	if (do_test_dest)
		return notify_test_destinations(bo.conf_path, stdout);
	if (test_dm != NULL)
		return notify_test_dm(bo.conf_path, test_dm, stdout);
	if (do_export || purge_days >= 0)
		return consult_admin(bo.conf_path, do_export, purge_days);
	if ((b = bot_new(&bo)) == NULL)
		return 1;
	rc = bot_run(b);
	bot_free(b);
	return rc;
}
