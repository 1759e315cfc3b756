/*
 * libFuzzer target for config loading and validation: each input is
 * written to a file and loaded with conf_load.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "diag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	struct conf *c;
	struct diag d;
	FILE *fp;

	if (path[0] == '\0')
		snprintf(path, sizeof(path), "/tmp/intakebot-fuzz-conf.%d",
		    (int)getpid());
	if ((fp = fopen(path, "wb")) == NULL)
		return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	diag_init(&d);
	if ((c = conf_load(path, &d)) != NULL) {
		conf_channel_language(c, "#ayuda");
		conf_free(c);
	}
	diag_reset(&d);
	return 0;
}
