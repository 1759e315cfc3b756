/*
 * libFuzzer target for the guided intake's dialogue: the input is a list
 * of answers, one a line, fed to intake_step from a fresh intake (with
 * the staff line made whenever it reaches consent).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "intake.h"
#include "store.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store_intake in;
	struct intake_turn t;
	char *buf, *line, *save = NULL, *s;
	int64_t now = 1796212800;

	buf = malloc(size + 1);
	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	memset(&in, 0, sizeof(in));
	in.lang = strdup("en");
	in.updated = now;
	for (line = strtok_r(buf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		t = intake_step(&in, line, ++now, 1800, 1000);
		if (t.verdict == INTAKE_SUBMIT) {
			s = intake_format_staff(1, in.field[INTAKE_NAME],
			    in.field[INTAKE_LANGUAGE], in.field[INTAKE_URGENCY],
			    intake_urgent(in.field[INTAKE_URGENCY], now, 14),
			    "irc", "#help", now, in.field[INTAKE_DESCRIPTION]);
			free(s);
		}
		if (t.verdict != INTAKE_ASK && t.verdict != INTAKE_RETRY)
			break;
	}
	store_intake_reset(&in);
	free(buf);
	return 0;
}
