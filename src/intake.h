/*
 * The guided consultation intake ([consult] intake = guided): a private
 * dialogue, one question at a time, that collects name, contact,
 * language, availability, urgency, description and consent, then stores
 * the request through the store's outbox like any other.  The state of
 * each open dialogue is a row in SQLite, so it survives a restart; it is
 * deleted on cancel, timeout and submission.
 *
 * The first half is pure (no I/O, time passed in) for the table-driven
 * tests: validation and intake_step.  The second half binds it to the
 * store, the catalogue and the loop.
 */
#ifndef INTAKE_H
#define INTAKE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "message.h"

struct conf;
struct consult;
struct loop;
struct store;
struct store_intake;

enum intake_field {
	INTAKE_NAME,
	INTAKE_CONTACT,
	INTAKE_LANGUAGE,
	INTAKE_AVAILABILITY,
	INTAKE_URGENCY,
	INTAKE_DESCRIPTION,
	INTAKE_CONSENT,
	INTAKE_NFIELDS
};

#define INTAKE_NAME_MAX 100
#define INTAKE_AVAILABILITY_MAX 200
#define INTAKE_CONTACT_MAX 254

enum intake_verdict {
	INTAKE_ASK,     /* ask the question of the (new) step */
	INTAKE_RETRY,   /* the answer was refused: error, then ask again */
	INTAKE_CANCEL,  /* cancel: discard */
	INTAKE_DECLINE, /* no to consent: discard */
	INTAKE_SUBMIT,  /* yes to consent: store */
	INTAKE_EXPIRED  /* left unanswered too long: discard */
};

struct intake_turn {
	enum intake_verdict verdict;
	const char *error; /* catalogue key with RETRY */
	size_t length;     /* the refused answer's length (bad_length) */
};

/* Shape checks; each takes a trimmed answer. */
bool intake_valid_email(const char *);
bool intake_valid_phone(const char *);
/* A real calendar date written YYYY-MM-DD. */
bool intake_valid_date(const char *);
/* "en" or "es" for the names people type for them, else NULL. */
const char *intake_language_code(const char *);
/* urgency is "detained", or a date within days of now (or past). */
bool intake_urgent(const char *urgency, int64_t now, int days);

/*
 * Feeds one answer to the intake in: validates it for the current step
 * and moves on, back or out.  now is the time of the answer (Unix s),
 * timeout and description_max come from [consult].  The answers in in
 * are replaced (owned by in); in->updated is set to now.
 */
struct intake_turn intake_step(struct store_intake *in, const char *answer,
    int64_t now, int64_t timeout, size_t description_max);

/*
 * "[consult #42] URGENT detained · Ana · es · irc #help · 2026-11-28
 * 14:03 UTC: TEXT"; the caller frees it.  Contact is never in it.
 */
char *intake_format_staff(int64_t id, const char *name, const char *language,
    const char *urgency, bool urgent, const char *adapter, const char *channel,
    int64_t created, const char *description);

struct intake;

struct intake *intake_new(
    struct loop *, struct store *, struct consult *, const struct conf *);
void intake_free(struct intake *);
/* A reload: new limits, and the catalogue read again. */
void intake_set_conf(struct intake *, const struct conf *);
/* True when !consult starts a guided intake (the config says so). */
bool intake_guided(const struct intake *);

/*
 * True, with the reason in out (in lang), while m's sender must wait
 * [consult] cooldown after their last request.
 */
bool intake_cooling(struct intake *, const struct message *m, const char *lang,
    struct replies *out);

/* !consult [TEXT] from m: starts (or shows again) the person's intake. */
void intake_start(struct intake *, const struct message *m, const char *lang,
    const char *text, struct replies *out);
/*
 * A private message m: when its sender has an open intake and it is not
 * a command, it is the answer; the reply goes to out and true is
 * returned.  Otherwise false and out is untouched.
 */
bool intake_feed(struct intake *, const struct message *m, struct replies *out);

/*
 * ---- Native forms (a Slack modal, a Mattermost dialog, a Discord
 * modal): the whole intake in one submission. ----
 */

/* The name of field f in a form ("name", "contact", ...). */
const char *intake_field_name(enum intake_field f);
/* The sentence of catalogue key ("form.title") in lang, new. */
char *intake_text(struct intake *, const char *lang, const char *key,
    const char *const *vars);
/*
 * One submitted form from m: value[f] is the answer to field f, NULL for
 * a field the form does not ask (the language is then lang).  Every
 * answer is checked as in the dialogue; each refused one leaves its
 * sentence, in lang, in err[f] (new, the caller frees) and nothing is
 * stored.  Without yes to consent err[INTAKE_CONSENT] is set and nothing
 * is stored.  Otherwise the request is stored as a dialogue's is and the
 * private acknowledgement with its number goes to out.  Returns the
 * number of refused fields.
 */
int intake_form_submit(struct intake *, const struct message *m,
    const char *lang, const char *const value[INTAKE_NFIELDS],
    char *err[INTAKE_NFIELDS], struct replies *out);

/* !show N for staff: the request's intake fields, audited as seen by who. */
void intake_show(
    struct intake *, int64_t id, const char *who, struct replies *out);

#endif
