/*
 * The guided intake.  intake_step is the whole dialogue as a pure
 * function of the saved state, the answer and the time; the rest loads
 * and saves that state around it, words every question and error through
 * the catalogue in the person's language, and hands a consented request
 * to the store in the same transaction that deletes the dialogue.  No
 * answer is logged: the log says only that an intake started, ended and
 * how.
 */
#define LOG_MODULE "intake"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "catalog.h"
#include "conf.h"
#include "consult.h"
#include "intake.h"
#include "log.h"
#include "loop.h"
#include "store.h"
#include "text.h"
#include "xmalloc.h"

#define INTAKE_TICK 1000L /* ms between expiry and reminder scans */
#define INTAKE_REMIND_MAX 16
#define INTAKE_DESTS_MAX 16
#define INTAKE_STAFF_LANG_DEFAULT "en"

static const char *const intake_cancel_words[] = {"cancel", "cancelar", NULL};
static const char *const intake_back_words[] = {"back", "atrás", "atras", NULL};
static const char *const intake_yes_words[] = {"yes", "sí", "si", NULL};
static const char *const intake_no_words[] = {"no", NULL};
static const char *const intake_none_words[] = {
    "no", "none", "ninguno", "ninguna", NULL};
static const char *const intake_detained_words[] = {
    "detained", "detenido", "detenida", NULL};

/*
 * A copy of s lower-cased for matching: ASCII, and the Latin-1 capitals
 * of UTF-8 (Á, Í...), with trailing '.' and '!' dropped.
 */
static char *
intake_fold(const char *s)
{
	char *f = xstrdup(s);
	size_t i, n;

	for (i = 0; f[i] != '\0'; i++) {
		if (f[i] >= 'A' && f[i] <= 'Z')
			f[i] = (char)(f[i] - 'A' + 'a');
		else if ((unsigned char)f[i] == 0xc3 &&
		    (unsigned char)f[i + 1] >= 0x80 &&
		    (unsigned char)f[i + 1] <= 0x9e &&
		    (unsigned char)f[i + 1] != 0x97) {
			f[i + 1] = (char)((unsigned char)f[i + 1] + 0x20);
			i++;
		}
	}
	n = strlen(f);
	while (n > 0 && (f[n - 1] == '.' || f[n - 1] == '!'))
		f[--n] = '\0';
	return f;
}

static bool
intake_is_word(const char *folded, const char *const *words)
{
	for (; *words != NULL; words++)
		if (strcmp(folded, *words) == 0)
			return true;
	return false;
}

static bool
intake_email_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr(".!#$%&'*+/=?^_`{|}~-", c) != NULL;
}

bool
intake_valid_email(const char *s)
{
	const char *at = strchr(s, '@'), *p, *label;
	size_t len = strlen(s), local, labels = 0, tld_alpha = 0;

	if (at == NULL || strchr(at + 1, '@') != NULL ||
	    len > INTAKE_CONTACT_MAX)
		return false;
	local = (size_t)(at - s);
	if (local == 0 || local > 64 || s[0] == '.' || at[-1] == '.')
		return false;
	for (p = s; p < at; p++)
		if (!intake_email_char(*p) || (p[0] == '.' && p[1] == '.'))
			return false;
	for (label = p = at + 1;; p++) {
		if (*p == '.' || *p == '\0') {
			size_t n = (size_t)(p - label);

			if (n == 0 || n > 63 || label[0] == '-' || p[-1] == '-')
				return false;
			labels++;
			if (*p == '\0')
				break;
			label = p + 1;
			tld_alpha = 0;
			continue;
		}
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))
			tld_alpha++;
		else if (!(*p >= '0' && *p <= '9') && *p != '-')
			return false;
	}
	/* The last label is a top-level domain: letters only, two or more. */
	return labels >= 2 && tld_alpha >= 2 &&
	    tld_alpha == (size_t)(p - label);
}

bool
intake_valid_phone(const char *s)
{
	size_t digits = 0;

	for (; *s != '\0'; s++) {
		if (*s >= '0' && *s <= '9')
			digits++;
		else if (strchr(" +-()", *s) == NULL)
			return false;
	}
	return digits >= 7 && digits <= 20;
}

/* Parses YYYY-MM-DD into Unix seconds at 00:00 UTC; -1 if not a date. */
static int64_t
intake_date_time(const char *s)
{
	struct tm tm, back;
	time_t t;
	int i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1)
		return -1;
	back = tm;
	if ((t = timegm(&tm)) == (time_t)-1)
		return -1;
	/* timegm normalises 2026-02-30 to March: that is not a date. */
	if (tm.tm_mday != back.tm_mday || tm.tm_mon != back.tm_mon)
		return -1;
	return (int64_t)t;
}

bool
intake_valid_date(const char *s)
{
	return intake_date_time(s) != -1;
}

const char *
intake_language_code(const char *s)
{
	static const struct {
		const char *word, *code;
	} names[] = {
	    {"en", "en"},
	    {"english", "en"},
	    {"inglés", "en"},
	    {"ingles", "en"},
	    {"es", "es"},
	    {"spanish", "es"},
	    {"español", "es"},
	    {"espanol", "es"},
	};
	const char *code = NULL;
	char *f = intake_fold(s);
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(f, names[i].word) == 0)
			code = names[i].code;
	free(f);
	return code;
}

bool
intake_urgent(const char *urgency, int64_t now, int days)
{
	int64_t t;

	if (urgency == NULL)
		return false;
	if (strcmp(urgency, "detained") == 0)
		return true;
	if ((t = intake_date_time(urgency)) == -1)
		return false;
	/* Compared by calendar day: today's date counts as 0 days away. */
	return t / 86400 - now / 86400 <= days;
}

static void
intake_set(struct store_intake *in, enum intake_field f, const char *v)
{
	free(in->field[f]);
	in->field[f] = xstrdup(v);
}

/* Validates answer a (trimmed, folded copy f) for step; NULL when good. */
static const char *
intake_check(struct store_intake *in, const char *a, const char *f,
    size_t description_max)
{
	size_t len = strlen(a);
	const char *code;

	switch ((enum intake_field)in->step) {
	case INTAKE_NAME:
		if (len == 0 || len > INTAKE_NAME_MAX)
			return "intake.bad_name";
		intake_set(in, INTAKE_NAME, a);
		return NULL;
	case INTAKE_CONTACT:
		if (strcmp(f, "chat") == 0)
			intake_set(in, INTAKE_CONTACT, "chat");
		else if (len <= INTAKE_CONTACT_MAX &&
		    (intake_valid_email(a) || intake_valid_phone(a)))
			intake_set(in, INTAKE_CONTACT, a);
		else
			return "intake.bad_contact";
		return NULL;
	case INTAKE_LANGUAGE:
		if ((code = intake_language_code(a)) == NULL)
			return "intake.bad_language";
		intake_set(in, INTAKE_LANGUAGE, code);
		free(in->lang);
		in->lang = xstrdup(code);
		return NULL;
	case INTAKE_AVAILABILITY:
		if (len == 0)
			return "intake.bad_empty";
		if (len > INTAKE_AVAILABILITY_MAX)
			return "intake.bad_length";
		intake_set(in, INTAKE_AVAILABILITY, a);
		return NULL;
	case INTAKE_URGENCY:
		if (intake_is_word(f, intake_none_words))
			intake_set(in, INTAKE_URGENCY, "no");
		else if (intake_is_word(f, intake_detained_words))
			intake_set(in, INTAKE_URGENCY, "detained");
		else if (intake_valid_date(a))
			intake_set(in, INTAKE_URGENCY, a);
		else
			return "intake.bad_urgency";
		return NULL;
	case INTAKE_DESCRIPTION:
		if (len == 0)
			return "intake.bad_empty";
		if (len > description_max)
			return "intake.bad_length";
		intake_set(in, INTAKE_DESCRIPTION, a);
		return NULL;
	case INTAKE_CONSENT:
	case INTAKE_NFIELDS:
		break;
	}
	return "intake.bad_consent";
}

struct intake_turn
intake_step(struct store_intake *in, const char *answer, int64_t now,
    int64_t timeout, size_t description_max)
{
	struct intake_turn t = {INTAKE_ASK, NULL, 0};
	char *a = text_trim(answer), *f = intake_fold(a);

	if (in->step < 0 || in->step >= INTAKE_NFIELDS)
		in->step = INTAKE_NAME;
	if (now - in->updated >= timeout) {
		t.verdict = INTAKE_EXPIRED;
		goto out;
	}
	in->updated = now;
	if (intake_is_word(f, intake_cancel_words)) {
		t.verdict = INTAKE_CANCEL;
	} else if (intake_is_word(f, intake_back_words)) {
		if (in->step == INTAKE_NAME) {
			t.verdict = INTAKE_RETRY;
			t.error = "intake.first_step";
		} else if (--in->step == INTAKE_DESCRIPTION)
			in->prefilled = false; /* asked now, so kept asking */
	} else if (in->step == INTAKE_CONSENT) {
		if (intake_is_word(f, intake_yes_words))
			t.verdict = INTAKE_SUBMIT;
		else if (intake_is_word(f, intake_no_words))
			t.verdict = INTAKE_DECLINE;
		else {
			t.verdict = INTAKE_RETRY;
			t.error = "intake.bad_consent";
		}
	} else if ((t.error = intake_check(in, a, f, description_max)) !=
	    NULL) {
		t.verdict = INTAKE_RETRY;
		t.length = strlen(a);
	} else {
		in->step++;
		if (in->step == INTAKE_DESCRIPTION && in->prefilled &&
		    in->field[INTAKE_DESCRIPTION] != NULL)
			in->step++;
	}
out:
	free(a);
	free(f);
	return t;
}

char *
intake_format_staff(int64_t id, const char *name, const char *language,
    const char *urgency, bool urgent, const char *adapter, const char *channel,
    int64_t created, const char *description)
{
	time_t t = (time_t)created;
	char when[32];
	struct tm tm;
	struct buf b;

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm);
	buf_init(&b, 0);
	buf_addf(&b, "[consult #%lld] ", (long long)id);
	if (urgent)
		buf_addf(&b, "URGENT %s%s · ",
		    strcmp(urgency, "detained") == 0 ? "" : "court ", urgency);
	buf_addf(&b, "%s · %s · %s %s · %s: %s", name, language, adapter,
	    channel != NULL ? channel : "private", when, description);
	return buf_take(&b);
}

/* The runtime half. */

struct intake {
	struct loop *loop;
	struct store *store;
	struct consult *consult;
	const struct conf *conf;
	struct catalog *cat;
	uint64_t timer;
};

/* "2026-12-12": the last court date that counts as urgent today. */
static void
intake_cutoff(const struct conf *cf, int64_t now, char *out, size_t len)
{
	time_t t = (time_t)(now + (int64_t)cf->consult_urgent_days * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, len, "%Y-%m-%d", &tm);
}

static const char *
intake_staff_lang(const struct intake *ik)
{
	return ik->conf->language != NULL ? ik->conf->language
	                                  : INTAKE_STAFF_LANG_DEFAULT;
}

/* Announces again each urgent request nobody has claimed. */
static void
intake_remind(struct intake *ik, int64_t now)
{
	int64_t ids[INTAKE_REMIND_MAX];
	struct store_consult c;
	struct store_details dt;
	char cutoff[16], num[24];
	char *line, *text;
	const char *rest;
	size_t n, i;

	intake_cutoff(ik->conf, now, cutoff, sizeof(cutoff));
	n = store_urgent_due(ik->store, cutoff,
	    now - ik->conf->consult_urgent_reminder, ids, INTAKE_REMIND_MAX);
	for (i = 0; i < n; i++) {
		memset(&dt, 0, sizeof(dt));
		if (store_consult_get(ik->store, ids[i], &c) == -1)
			continue;
		if (store_details_get(ik->store, ids[i], &dt) == 0) {
			line = intake_format_staff(c.id, dt.name, dt.language,
			    dt.urgency, true, c.adapter, c.channel, c.created,
			    c.text);
			snprintf(num, sizeof(num), "%lld", (long long)c.id);
			/* The sentence carries the "[consult #N] " itself. */
			rest = strstr(line, "] ");
			text = catalog_render(ik->cat, intake_staff_lang(ik),
			    "staff.reminder",
			    (const char *const[]){"number", num, "line",
			        rest != NULL ? rest + 2 : line, NULL});
			consult_alert(ik->consult, text);
			store_details_reminded(ik->store, c.id, now);
			log_info("urgent request #%lld announced again",
			    (long long)c.id);
			free(text);
			free(line);
			store_details_reset(&dt);
		}
		store_consult_reset(&c);
	}
}

static long
intake_on_tick(void *arg)
{
	struct intake *ik = arg;
	int64_t now = (int64_t)time(NULL), n;

	n = store_intake_expire(
	    ik->store, now - ik->conf->consult_intake_timeout);
	if (n > 0)
		log_info("%lld unfinished intake%s discarded after %d s",
		    (long long)n, n == 1 ? "" : "s",
		    ik->conf->consult_intake_timeout);
	intake_remind(ik, now);
	return INTAKE_TICK;
}

struct intake *
intake_new(struct loop *loop, struct store *store, struct consult *co,
    const struct conf *cf)
{
	struct intake *ik;

	ik = xcalloc(1, sizeof(*ik));
	ik->loop = loop;
	ik->store = store;
	ik->consult = co;
	ik->conf = cf;
	ik->cat = catalog_open(cf->content_dir);
	ik->timer = loop_timer_add(loop, INTAKE_TICK, intake_on_tick, ik);
	return ik;
}

void
intake_free(struct intake *ik)
{
	if (ik == NULL)
		return;
	loop_timer_del(ik->loop, ik->timer);
	catalog_free(ik->cat);
	free(ik);
}

void
intake_set_conf(struct intake *ik, const struct conf *cf)
{
	ik->conf = cf;
	catalog_free(ik->cat);
	ik->cat = catalog_open(cf->content_dir);
}

bool
intake_guided(const struct intake *ik)
{
	return strcmp(ik->conf->consult_intake, "guided") == 0;
}

/* Appends the catalogue sentence key, in lang, to out. */
/* The byte cap of field k's answer, as the questions and errors say. */
static int
intake_field_max(const struct intake *ik, int k)
{
	return k == INTAKE_NAME        ? INTAKE_NAME_MAX
	    : k == INTAKE_AVAILABILITY ? INTAKE_AVAILABILITY_MAX
	                               : ik->conf->consult_max_length;
}

static void
intake_say(struct intake *ik, struct replies *out, enum reply_to to,
    const char *lang, const char *key, const char *const *vars)
{
	char *s = catalog_render(ik->cat, lang, key, vars);

	replies_add(out, to, s, NULL);
	free(s);
}

/* Asks the question of in's current step, privately. */
static void
intake_ask(
    struct intake *ik, const struct store_intake *in, struct replies *out)
{
	static const char *const keys[INTAKE_NFIELDS] = {
	    "intake.ask_name",
	    "intake.ask_contact",
	    "intake.ask_language",
	    "intake.ask_availability",
	    "intake.ask_urgency",
	    "intake.ask_description",
	    "intake.ask_consent",
	};
	char step[8], steps[8], max[16], days[16];
	int k = in->step >= 0 && in->step < INTAKE_NFIELDS ? in->step : 0;

	snprintf(step, sizeof(step), "%d", k + 1);
	snprintf(steps, sizeof(steps), "%d", INTAKE_NFIELDS);
	snprintf(max, sizeof(max), "%d", intake_field_max(ik, k));
	snprintf(days, sizeof(days), "%d", ik->conf->consult_retention_days);
	intake_say(ik, out, REPLY_PRIVATE, in->lang, keys[k],
	    (const char *const[]){"step", step, "steps", steps, "max", max,
	        "days", days, "language", in->lang, NULL});
}

/* The error of a refused answer, then the question again. */
static void
intake_refuse(struct intake *ik, const struct store_intake *in,
    const struct intake_turn *t, struct replies *out)
{
	char len[24], max[16];

	snprintf(len, sizeof(len), "%zu", t->length);
	snprintf(max, sizeof(max), "%d", intake_field_max(ik, in->step));
	intake_say(ik, out, REPLY_PRIVATE, in->lang, t->error,
	    (const char *const[]){"length", len, "max", max, NULL});
	intake_ask(ik, in, out);
}

/* The key of m's sender's intake; the caller frees it. */
static char *
intake_person(const struct message *m)
{
	return xasprintf("%s %s", m->adapter,
	    m->sender_id != NULL ? m->sender_id : m->sender);
}

/* A new intake in for m's sender (person taken), asked in lang. */
static void
intake_init(struct store_intake *in, char *person, const struct message *m,
    const char *lang, int64_t now)
{
	memset(in, 0, sizeof(*in));
	in->person = person;
	in->adapter = xstrdup(m->adapter);
	in->channel = m->channel != NULL ? xstrdup(m->channel) : NULL;
	in->requester = xstrdup(m->sender);
	in->requester_id =
	    xstrdup(m->sender_id != NULL ? m->sender_id : m->sender);
	in->lang = xstrdup(lang);
	in->field[INTAKE_LANGUAGE] = xstrdup(lang);
	in->created = in->updated = now;
}

bool
intake_cooling(struct intake *ik, const struct message *m, const char *lang,
    struct replies *out)
{
	int64_t now = (int64_t)time(NULL), ago, last_id = 0;
	char num[24], secs[24];

	ago = store_consult_last(ik->store, m->sender_id, now, &last_id);
	if (ago < 0 || ago >= ik->conf->consult_cooldown)
		return false;
	snprintf(num, sizeof(num), "%lld", (long long)last_id);
	snprintf(secs, sizeof(secs), "%lld",
	    (long long)(ik->conf->consult_cooldown - ago));
	intake_say(ik, out, REPLY_PRIVATE, lang, "intake.cooldown",
	    (const char *const[]){"number", num, "seconds", secs, NULL});
	return true;
}

void
intake_start(struct intake *ik, const struct message *m, const char *lang,
    const char *text, struct replies *out)
{
	const struct conf *cf = ik->conf;
	const char *prefix = (const char *)cf->prefix;
	int64_t now = (int64_t)time(NULL);
	struct store_intake in;
	char *person, *desc, num[24];

	/* Only IRC and the console have a private dialogue today. */
	if (strcmp(m->adapter, "irc") != 0 &&
	    strcmp(m->adapter, "console") != 0) {
		/*
		 * Where nothing can reach the asker alone the adapter holds
		 * the private how-to back and says how to reach the bot; the
		 * public line only says that nothing was saved.
		 */
		if (m->no_private)
			intake_say(ik, out, REPLY_HERE, lang,
			    "consult.private_only", NULL);
		intake_say(ik, out, REPLY_PRIVATE, lang, "intake.no_private",
		    (const char *const[]){"prefix", prefix, NULL});
		return;
	}
	if (m->channel != NULL)
		intake_say(ik, out, REPLY_HERE, lang, "intake.public", NULL);
	person = intake_person(m);
	if (store_intake_get(ik->store, person, &in) == 0) {
		if (now - in.updated < cf->consult_intake_timeout) {
			intake_say(ik, out, REPLY_PRIVATE, in.lang,
			    "intake.busy", NULL);
			intake_ask(ik, &in, out);
			goto done;
		}
		store_intake_reset(&in);
	}
	if (intake_cooling(ik, m, lang, out)) {
		free(person);
		return;
	}
	intake_init(&in, person, m, lang, now);
	desc = text_trim(text != NULL ? text : "");
	if (desc[0] != '\0' && strlen(desc) <= (size_t)cf->consult_max_length) {
		in.field[INTAKE_DESCRIPTION] = desc;
		in.prefilled = true;
	} else
		free(desc);
	if (store_intake_put(ik->store, &in) == -1) {
		intake_say(
		    ik, out, REPLY_PRIVATE, lang, "intake.store_failed", NULL);
		goto done;
	}
	log_info("intake started on %s", m->adapter);
	snprintf(num, sizeof(num), "%d", INTAKE_NFIELDS);
	intake_say(ik, out, REPLY_PRIVATE, lang, "intake.intro",
	    (const char *const[]){"steps", num, NULL});
	intake_ask(ik, &in, out);
done:
	store_intake_reset(&in);
}

struct intake_fmt {
	const struct store_intake *in;
	const struct store_consult *c;
	bool urgent;
};

static char *
intake_fmt_cb(void *arg, int64_t id)
{
	const struct intake_fmt *f = arg;

	return intake_format_staff(id, f->in->field[INTAKE_NAME],
	    f->in->field[INTAKE_LANGUAGE], f->in->field[INTAKE_URGENCY],
	    f->urgent, f->c->adapter, f->c->channel, f->c->created, f->c->text);
}

/* Consent given: the request is stored, and the dialogue with it. */
static void
intake_submit(struct intake *ik, struct store_intake *in, const char *account,
    int64_t now, struct replies *out)
{
	const char *names[INTAKE_DESTS_MAX];
	struct store_consult c;
	struct store_details dt;
	struct intake_fmt f;
	char num[24];
	int64_t id;
	size_t n;

	if (store_consult_count_since(ik->store, now - 60) >=
	    ik->conf->consult_rate_per_min) {
		/* The dialogue stays: a "yes" in a minute sends it. */
		intake_say(
		    ik, out, REPLY_PRIVATE, in->lang, "intake.rate", NULL);
		return;
	}
	memset(&c, 0, sizeof(c));
	c.created = now;
	c.adapter = in->adapter;
	c.channel = in->channel;
	c.requester = in->requester;
	c.requester_id = in->requester_id;
	c.account = (char *)(uintptr_t)account;
	c.text = in->field[INTAKE_DESCRIPTION];
	c.lang = in->field[INTAKE_LANGUAGE];
	memset(&dt, 0, sizeof(dt));
	dt.name = in->field[INTAKE_NAME];
	dt.contact = in->field[INTAKE_CONTACT];
	dt.language = in->field[INTAKE_LANGUAGE];
	dt.availability = in->field[INTAKE_AVAILABILITY];
	dt.urgency = in->field[INTAKE_URGENCY];
	dt.consent_at = now;
	f.in = in;
	f.c = &c;
	f.urgent =
	    intake_urgent(dt.urgency, now, ik->conf->consult_urgent_days);
	n = consult_destinations(ik->consult, names, INTAKE_DESTS_MAX);
	if ((id = store_intake_submit(ik->store, &c, &dt, in->person, names, n,
	         intake_fmt_cb, &f)) == -1) {
		intake_say(ik, out, REPLY_PRIVATE, in->lang,
		    "intake.store_failed", NULL);
		return;
	}
	log_info("request #%lld accepted from %s (guided%s)", (long long)id,
	    in->adapter, f.urgent ? ", urgent" : "");
	snprintf(num, sizeof(num), "%lld", (long long)id);
	intake_say(ik, out, REPLY_PRIVATE, in->lang, "intake.thanks",
	    (const char *const[]){
	        "name", in->field[INTAKE_NAME], "number", num, NULL});
	consult_kick(ik->consult);
}

bool
intake_feed(struct intake *ik, const struct message *m, struct replies *out)
{
	const struct conf *cf = ik->conf;
	const char *prefix = cf->prefix;
	int64_t now = (int64_t)time(NULL);
	struct store_intake in;
	struct intake_turn t;
	char *person;

	if (!m->is_private || strncmp(m->text, prefix, strlen(prefix)) == 0)
		return false;
	person = intake_person(m);
	if (store_intake_get(ik->store, person, &in) == -1) {
		free(person);
		return false;
	}
	free(person);
	t = intake_step(&in, m->text, now, cf->consult_intake_timeout,
	    (size_t)cf->consult_max_length);
	switch (t.verdict) {
	case INTAKE_ASK:
		if (store_intake_put(ik->store, &in) == -1)
			intake_say(ik, out, REPLY_PRIVATE, in.lang,
			    "intake.store_failed", NULL);
		else
			intake_ask(ik, &in, out);
		break;
	case INTAKE_RETRY:
		store_intake_put(ik->store, &in);
		intake_refuse(ik, &in, &t, out);
		break;
	case INTAKE_CANCEL:
	case INTAKE_DECLINE:
	case INTAKE_EXPIRED:
		store_intake_delete(ik->store, in.person);
		log_info("intake %s",
		    t.verdict == INTAKE_CANCEL        ? "cancelled"
		        : t.verdict == INTAKE_DECLINE ? "declined"
		                                      : "expired");
		intake_say(ik, out, REPLY_PRIVATE, in.lang,
		    t.verdict == INTAKE_CANCEL        ? "intake.cancelled"
		        : t.verdict == INTAKE_DECLINE ? "intake.declined"
		                                      : "intake.expired",
		    (const char *const[]){"prefix", prefix, NULL});
		break;
	case INTAKE_SUBMIT:
		intake_submit(ik, &in, m->account, now, out);
		break;
	}
	store_intake_reset(&in);
	return true;
}

const char *
intake_field_name(enum intake_field f)
{
	static const char *const names[INTAKE_NFIELDS] = {"name", "contact",
	    "language", "availability", "urgency", "description", "consent"};

	return f < INTAKE_NFIELDS ? names[f] : "";
}

char *
intake_text(struct intake *ik, const char *lang, const char *key,
    const char *const *vars)
{
	return catalog_render(ik->cat, lang, key, vars);
}

/* Checks the answer a to field f of in; a sentence (new) or NULL. */
static char *
intake_form_check(struct intake *ik, struct store_intake *in, const char *lang,
    enum intake_field f, const char *value)
{
	char *a = text_trim(value), *fo = intake_fold(a), *e = NULL;
	struct intake_turn t = {INTAKE_RETRY, NULL, strlen(a)};

	in->step = (int)f;
	if (f == INTAKE_CONSENT) {
		if (!intake_is_word(fo, intake_yes_words))
			e = catalog_render(
			    ik->cat, lang, "form.need_consent", NULL);
	} else if ((t.error = intake_check(in, a, fo,
	                (size_t)ik->conf->consult_max_length)) != NULL) {
		char len[24], max[16];

		snprintf(len, sizeof(len), "%zu", t.length);
		snprintf(max, sizeof(max), "%d", intake_field_max(ik, f));
		e = catalog_render(ik->cat, lang, t.error,
		    (const char *const[]){"length", len, "max", max, NULL});
	}
	free(a);
	free(fo);
	return e;
}

int
intake_form_submit(struct intake *ik, const struct message *m, const char *lang,
    const char *const value[INTAKE_NFIELDS], char *err[INTAKE_NFIELDS],
    struct replies *out)
{
	struct store_intake in;
	int f, nerr = 0;

	intake_init(&in, intake_person(m), m, lang, (int64_t)time(NULL));
	/* A form without the question has it in the description. */
	in.field[INTAKE_AVAILABILITY] = xstrdup("");
	for (f = 0; f < INTAKE_NFIELDS; f++) {
		err[f] = NULL;
		if (value[f] == NULL && f != INTAKE_CONSENT)
			continue;
		err[f] = intake_form_check(ik, &in, lang, (enum intake_field)f,
		    value[f] != NULL ? value[f] : "");
		if (err[f] != NULL)
			nerr++;
	}
	/* Errors are told in the language the form was shown in. */
	free(in.lang);
	in.lang = xstrdup(nerr > 0 ? lang : in.field[INTAKE_LANGUAGE]);
	if (nerr == 0 && !intake_cooling(ik, m, in.lang, out)) {
		log_info("intake form submitted on %s", m->adapter);
		intake_submit(ik, &in, m->account, in.updated, out);
	}
	store_intake_reset(&in);
	return nerr;
}

void
intake_show(struct intake *ik, int64_t id, const char *who, struct replies *out)
{
	struct store_details dt;
	char num[24], action[48];

	memset(&dt, 0, sizeof(dt));
	if (store_details_get(ik->store, id, &dt) == -1)
		return;
	snprintf(num, sizeof(num), "%lld", (long long)id);
	intake_say(ik, out, REPLY_HERE, intake_staff_lang(ik), "staff.details",
	    (const char *const[]){"number", num, "name", dt.name, "contact",
	        dt.contact, "language", dt.language, "availability",
	        dt.availability != NULL && dt.availability[0] != '\0'
	            ? dt.availability
	            : "-",
	        "urgency", dt.urgency, NULL});
	snprintf(action, sizeof(action), "show contact #%lld", (long long)id);
	store_audit(ik->store, (int64_t)time(NULL), who, action, "ok");
	log_info(
	    "%s was shown the contact details of #%lld", who, (long long)id);
	store_details_reset(&dt);
}
