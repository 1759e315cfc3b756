/*
 * libFuzzer target for the content parser: each input is written as the
 * only topic file of a content folder and loaded.  The loader must never
 * crash, leak or read out of bounds, whatever the bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "content.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], path[128];
	static const char *const reserved[] = {"help", "search", NULL};
	struct content *c;
	struct diag d;
	FILE *fp;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/intakebot-fuzz-content.%d",
		    (int)getpid());
		mkdir(dir, 0700);
		snprintf(path, sizeof(path), "%s/topic.md", dir);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	diag_init(&d);
	c = content_load(dir, reserved, &d);
	if (c != NULL) {
		const struct topic *hits[3];
		const char *sugg[3];

		content_search(c, "en", "detainer help", hits, 3);
		content_suggest(c, "en", "287g", sugg, 3);
		content_free(c);
	}
	diag_reset(&d);
	return 0;
}
