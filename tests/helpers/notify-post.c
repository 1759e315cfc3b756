/*
 * Test helper: queues items through the real poster and prints each
 * result as it comes, "N: ok" or "N: failed: WHY" (N counts from 1).
 *
 *   notify-post CONF DEST GIVE_UP FILE
 *
 * FILE holds one item per line; the two characters \n in a line become
 * a newline.  Exits 0 once every item has its result, 2 on a usage or
 * config error, 3 when 120 s pass first.
 */
#define LOG_MODULE "notify-post"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "diag.h"
#include "log.h"
#include "loop.h"
#include "notify.h"
#include "xmalloc.h"

#define ITEMS_MAX 4096

struct item {
	int		 n;
	size_t		*left;
	struct loop	*loop;
};

static void
on_result(void *arg, enum notify_result r, const char *why)
{
	struct item *it = arg;

	if (r == NOTIFY_OK)
		printf("%d: ok\n", it->n);
	else
		printf("%d: failed: %s\n", it->n, why);
	fflush(stdout);
	if (--*it->left == 0)
		loop_stop(it->loop);
}

static struct loop *the_loop;
static int timed_out;

static long
on_timeout(void *arg)
{
	(void)arg;
	timed_out = 1;
	loop_stop(the_loop);
	return LOOP_TIMER_DONE;
}

static char *
unescape(const char *s)
{
	char *r = xmalloc(strlen(s) + 1), *p = r;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*p++ = '\n';
			s++;
		} else if (*s != '\n')
			*p++ = *s;
	}
	*p = '\0';
	return r;
}

int
main(int argc, char *argv[])
{
	static struct item items[ITEMS_MAX];
	struct notify *n;
	struct loop *loop;
	struct conf *c;
	struct diag d;
	size_t left = 0, cap = 0;
	ssize_t len;
	char *line = NULL, *text;
	int count = 0;
	FILE *fp;

	if (argc != 5) {
		fprintf(stderr, "usage: notify-post CONF DEST GIVE_UP FILE\n");
		return 2;
	}
	log_init(0);
	diag_init(&d);
	if ((c = conf_load(argv[1], &d)) == NULL) {
		diag_print(&d, stderr);
		diag_reset(&d);
		return 2;
	}
	diag_reset(&d);
	if ((fp = fopen(argv[4], "r")) == NULL) {
		perror(argv[4]);
		conf_free(c);
		return 2;
	}
	loop = loop_new();
	n = notify_new(loop, c);
	while ((len = getline(&line, &cap, fp)) != -1 && count < ITEMS_MAX) {
		text = unescape(line);
		items[count] = (struct item){ count + 1, &left, loop };
		if (notify_post(n, argv[2], text, atol(argv[3]), on_result,
		    &items[count]) == -1) {
			fprintf(stderr, "unknown destination %s\n", argv[2]);
			free(text);
			break;
		}
		left++;
		count++;
		free(text);
	}
	free(line);
	fclose(fp);
	the_loop = loop;
	loop_timer_add(loop, 120000, on_timeout, NULL);
	if (left > 0)
		loop_run(loop);
	notify_free(n);
	loop_free(loop);
	conf_free(c);
	return timed_out ? 3 : (count > 0 ? 0 : 2);
}
