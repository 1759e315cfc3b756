/*
 * Unit tests for intake.c's pure half (validation, the dialogue step,
 * the staff line) and for catalog.c (rendering, fallback, --check
 * problems as FILE:LINE), table-driven.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "catalog.h"
#include "diag.h"
#include "intake.h"
#include "store.h"

/* 2026-12-02 12:00 UTC */
#define NOW 1796212800LL
#define TIMEOUT 1800

static void
test_shapes(void **state)
{
	static const struct {
		const char *s;
		bool email, phone, date;
	} t[] = {
	    {"ana@example.org", true, false, false},
	    {"a.b+c@mail.example.co", true, false, false},
	    {"ana@example", false, false, false},
	    {"ana@@example.org", false, false, false},
	    {"@example.org", false, false, false},
	    {"ana.@example.org", false, false, false},
	    {"a..b@example.org", false, false, false},
	    {"ana@-x.org", false, false, false},
	    {"ana@x.o", false, false, false},
	    {"ana@x.org1", false, false, false},
	    {"ana example@x.org", false, false, false},
	    {"+1 (512) 555-0100", false, true, false},
	    {"5550100", false, true, false},
	    {"555010", false, false, false},
	    {"123456789012345678901", false, false, false},
	    {"555-0100 ext 2", false, false, false},
	    {"2026-12-10", false, true, true},
	    {"2028-02-29", false, true, true},
	    {"2026-02-29", false, true, false},
	    {"2026-13-01", false, true, false},
	    {"2026-1-10", false, true, false},
	    {"10/12/2026", false, false, false},
	};
	/* A date has a phone number's shape: the step decides which. */
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (intake_valid_email(t[i].s) != t[i].email ||
		    intake_valid_phone(t[i].s) != t[i].phone ||
		    intake_valid_date(t[i].s) != t[i].date)
			fail_msg("%s", t[i].s);
	}
	assert_string_equal(intake_language_code("ES"), "es");
	assert_string_equal(intake_language_code("Español"), "es");
	assert_string_equal(intake_language_code("english"), "en");
	assert_null(intake_language_code("fr"));
	assert_true(intake_urgent("detained", NOW, 14));
	assert_true(intake_urgent("2026-12-16", NOW, 14));
	assert_false(intake_urgent("2026-12-17", NOW, 14));
	assert_true(intake_urgent("2026-11-30", NOW, 14));
	assert_false(intake_urgent("no", NOW, 14));
}

static void
form_init(struct store_intake *in)
{
	memset(in, 0, sizeof(*in));
	in->lang = strdup("en");
	in->updated = NOW;
}

/* Feeds answers in order; each row says what the step must answer. */
static void
test_dialogue(void **state)
{
	static const struct {
		const char *answer;
		enum intake_verdict v;
		const char *error;
		int step; /* after the answer */
	} t[] = {
	    {"", INTAKE_RETRY, "intake.bad_name", INTAKE_NAME},
	    {"back", INTAKE_RETRY, "intake.first_step", INTAKE_NAME},
	    {"  Ana  ", INTAKE_ASK, NULL, INTAKE_CONTACT},
	    {"ana@example", INTAKE_RETRY, "intake.bad_contact", INTAKE_CONTACT},
	    {"ana@example.org", INTAKE_ASK, NULL, INTAKE_LANGUAGE},
	    {"atrás", INTAKE_ASK, NULL, INTAKE_CONTACT},
	    {"CHAT", INTAKE_ASK, NULL, INTAKE_LANGUAGE},
	    {"fr", INTAKE_RETRY, "intake.bad_language", INTAKE_LANGUAGE},
	    {"es", INTAKE_ASK, NULL, INTAKE_AVAILABILITY},
	    {"martes", INTAKE_ASK, NULL, INTAKE_URGENCY},
	    {"soon", INTAKE_RETRY, "intake.bad_urgency", INTAKE_URGENCY},
	    {"Detenido", INTAKE_ASK, NULL, INTAKE_DESCRIPTION},
	    {"0123456789abcdefg", INTAKE_RETRY, "intake.bad_length",
	        INTAKE_DESCRIPTION},
	    {"help me", INTAKE_ASK, NULL, INTAKE_CONSENT},
	    {"maybe", INTAKE_RETRY, "intake.bad_consent", INTAKE_CONSENT},
	    {"Sí.", INTAKE_SUBMIT, NULL, INTAKE_CONSENT},
	};
	struct store_intake in;
	struct intake_turn r;
	size_t i;

	(void)state;
	form_init(&in);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		r = intake_step(
		    &in, t[i].answer, NOW + (int64_t)i, TIMEOUT, 16);
		if (r.verdict != t[i].v || in.step != t[i].step ||
		    (t[i].error == NULL) != (r.error == NULL) ||
		    (r.error != NULL && strcmp(r.error, t[i].error) != 0))
			fail_msg("row %zu '%s': verdict %d step %d error %s", i,
			    t[i].answer, r.verdict, in.step,
			    r.error != NULL ? r.error : "-");
	}
	assert_string_equal(in.field[INTAKE_NAME], "Ana");
	assert_string_equal(in.field[INTAKE_CONTACT], "chat");
	assert_string_equal(in.field[INTAKE_LANGUAGE], "es");
	assert_string_equal(in.lang, "es");
	assert_string_equal(in.field[INTAKE_URGENCY], "detained");
	assert_string_equal(in.field[INTAKE_DESCRIPTION], "help me");
	store_intake_reset(&in);
}

static void
test_cancel_decline_expire_prefill(void **state)
{
	struct store_intake in;
	struct intake_turn r;

	(void)state;
	form_init(&in);
	assert_int_equal(
	    intake_step(&in, "Ana", NOW, TIMEOUT, 100).verdict, INTAKE_ASK);
	assert_int_equal(
	    intake_step(&in, "Cancelar", NOW, TIMEOUT, 100).verdict,
	    INTAKE_CANCEL);
	store_intake_reset(&in);

	/* A prefilled description is skipped, and asked after a back. */
	form_init(&in);
	in.step = INTAKE_URGENCY;
	in.prefilled = true;
	in.field[INTAKE_DESCRIPTION] = strdup("from !consult");
	assert_int_equal(
	    intake_step(&in, "no", NOW, TIMEOUT, 100).verdict, INTAKE_ASK);
	assert_int_equal(in.step, INTAKE_CONSENT);
	intake_step(&in, "back", NOW, TIMEOUT, 100);
	assert_int_equal(in.step, INTAKE_DESCRIPTION);
	intake_step(&in, "new text", NOW, TIMEOUT, 100);
	assert_int_equal(in.step, INTAKE_CONSENT);
	assert_string_equal(in.field[INTAKE_DESCRIPTION], "new text");
	assert_int_equal(
	    intake_step(&in, "NO", NOW, TIMEOUT, 100).verdict, INTAKE_DECLINE);
	/* Left alone for the timeout: expired, whatever the answer. */
	r = intake_step(&in, "yes", NOW + TIMEOUT, TIMEOUT, 100);
	assert_int_equal(r.verdict, INTAKE_EXPIRED);
	store_intake_reset(&in);
}

static void
test_staff_line(void **state)
{
	char *s;

	(void)state;
	s = intake_format_staff(42, "Ana", "es", "detained", true, "irc",
	    "#help", 1795875780, "Mi hermano");
	assert_string_equal(s,
	    "[consult #42] URGENT detained · Ana · es · irc #help · "
	    "2026-11-28 14:23 UTC: Mi hermano");
	free(s);
	s = intake_format_staff(7, "Bo", "en", "2026-12-10", true, "console",
	    NULL, 1795875780, "x");
	assert_string_equal(s,
	    "[consult #7] URGENT court 2026-12-10 · Bo · en · console "
	    "private · 2026-11-28 14:23 UTC: x");
	free(s);
	s = intake_format_staff(
	    8, "Bo", "en", "no", false, "irc", "#help", 1795875780, "x");
	assert_string_equal(
	    s, "[consult #8] Bo · en · irc #help · 2026-11-28 14:23 UTC: x");
	free(s);
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void
test_catalog(void **state)
{
	char dir[] = "/tmp/intakebot-catalog.XXXXXX", path[128], cmd[160];
	const char *const vars[] = {"name", "Ana", "number", "42", NULL};
	struct catalog *c;
	struct diag d;
	char *s;
	int errors = 0;
	size_t i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/messages.ini", dir);
	write_file(path,
	    "[intake]\n"
	    "thanks = Thanks, {name}:\n"
	    "  no. {number}.\n"
	    "busy = Busy {nick}\n"
	    "bogus = x\n"
	    "this line is broken\n");
	snprintf(path, sizeof(path), "%s/es", dir);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/es/messages.ini", dir);
	write_file(path, "[intake]\nthanks = Gracias, {name} {nombre}.\n");
	diag_init(&d);
	c = catalog_load(dir, &d, &errors);
	s = catalog_render(c, "es", "intake.thanks", vars);
	assert_string_equal(s, "Gracias, Ana {nombre}.");
	free(s);
	s = catalog_render(c, "de", "intake.thanks", vars);
	assert_string_equal(s, "Thanks, Ana: no. 42.");
	free(s);
	/* Missing everywhere: the key itself. */
	s = catalog_render(c, "es", "intake.rate", NULL);
	assert_string_equal(s, "intake.rate");
	free(s);
	{
		const char *want[] = {
		    "/messages.ini:4: unknown placeholder {nick}",
		    "/messages.ini:5: unknown key intake.bogus",
		    "/messages.ini:6: malformed line",
		    "/messages.ini: missing key intake.rate",
		    "/es/messages.ini:2: placeholder {nombre} is not in",
		};
		size_t k;

		for (k = 0; k < sizeof(want) / sizeof(want[0]); k++) {
			bool found = false;

			for (i = 0; i < d.count; i++)
				if (strstr(d.lines[i], want[k]) != NULL)
					found = true;
			if (!found)
				fail_msg("no diagnostic '%s'", want[k]);
		}
	}
	assert_true(errors >= 5);
	catalog_free(c);
	diag_reset(&d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

/* The shipped catalogue is clean. */
static void
test_shipped_catalog(void **state)
{
	struct catalog *c;
	struct diag d;
	int errors = 0;
	size_t i;

	(void)state;
	diag_init(&d);
	c = catalog_load("content", &d, &errors);
	for (i = 0; i < d.count; i++)
		print_message("%s\n", d.lines[i]);
	assert_int_equal(d.count, 0);
	catalog_free(c);
	diag_reset(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_shapes),
	    cmocka_unit_test(test_dialogue),
	    cmocka_unit_test(test_cancel_decline_expire_prefill),
	    cmocka_unit_test(test_staff_line),
	    cmocka_unit_test(test_catalog),
	    cmocka_unit_test(test_shipped_catalog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
