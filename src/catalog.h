/*
 * The message catalogue: what the bot says, as data.  English lives in
 * CONTENT_DIR/messages.ini, every other language in
 * CONTENT_DIR/<lang>/messages.ini, one "key = sentence" a line under a
 * [section], with named placeholders ({number}, {nick}).  A key missing
 * in a language falls back to English.  The known keys and the
 * placeholders each may use are a table in catalog.c, so --check can
 * report an unknown key, an unknown placeholder and a malformed line as
 * FILE:LINE.
 */
#ifndef CATALOG_H
#define CATALOG_H

#include "diag.h"
#include "message.h"

struct catalog;

/*
 * Loads every messages.ini under dir.  Problems go into d; *errors (may
 * be NULL) is raised by their number.  Never NULL: a broken file leaves
 * its good lines usable, and a key found nowhere renders as its name.
 */
struct catalog *catalog_load(const char *dir, struct diag *d, int *errors);
/* catalog_load for the running bot: the problems are logged. */
struct catalog *catalog_open(const char *dir);
void catalog_free(struct catalog *);

/*
 * The sentence for key ("intake.ask_name") in lang, else in English, else
 * the key itself, with each {name} of vars replaced.  vars holds name,
 * value pairs and ends with NULL; it may be NULL.  The caller frees the
 * result.
 */
char *catalog_render(const struct catalog *, const char *lang, const char *key,
    const char *const *vars);

/*
 * The catalogue every module speaks from: bot.c sets it at start and on
 * reload (borrowed; NULL until then, and each sentence is its key).
 */
void catalog_use(const struct catalog *);

/*
 * catalog_render with the catalogue in use; the arguments after key are
 * name, value pairs (at most 8) ending with NULL.  The caller frees the
 * result.
 */
char *catalog_say(const char *lang, const char *key, ...)
    __attribute__((sentinel));

/* Adds catalog_say's sentence to out, sent to to; returns the reply. */
struct reply *catalog_reply(struct replies *out, enum reply_to to,
    const char *lang, const char *key, ...) __attribute__((sentinel));

#endif
