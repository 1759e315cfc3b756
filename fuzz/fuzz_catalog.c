/*
 * libFuzzer target for messages.ini: each input is written as the
 * English catalogue of a temporary content folder, loaded, checked and
 * rendered.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "catalog.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char dir[64], path[96];
	const char *const vars[] = {"name", "Ana", "number", "42", NULL};
	struct catalog *c;
	struct diag d;
	FILE *fp;
	char *s;
	int errors = 0;

	if (dir[0] == '\0') {
		snprintf(dir, sizeof(dir), "/tmp/intakebot-fuzz-cat.%d",
		    (int)getpid());
		mkdir(dir, 0700);
		snprintf(path, sizeof(path), "%s/messages.ini", dir);
	}
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	diag_init(&d);
	c = catalog_load(dir, &d, &errors);
	s = catalog_render(c, "es", "intake.thanks", vars);
	free(s);
	catalog_free(c);
	diag_reset(&d);
	return 0;
}
