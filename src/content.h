/*
 * Topic content: one Markdown file per topic with a front-matter header,
 * English at the top of content_dir and one sub-folder per other language
 * ("es/").  content_load builds an immutable index; a reload builds a new
 * one and swaps it whole.  Lookups are by command or alias, ASCII case
 * insensitive, through a hash table.
 */
#ifndef CONTENT_H
#define CONTENT_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define CONTENT_FILE_MAX (64 * 1024) /* bytes per topic file */
#define CONTENT_SUMMARY_MAX 350      /* bytes */
#define CONTENT_KEY_MAX 32           /* bytes per command/alias */
#define CONTENT_DEFAULT_LANG "en"

struct topic {
	char *lang;
	char *command;
	char **aliases;
	size_t naliases;
	char *title;
	char *summary;
	char *link;
	char *reviewed; /* YYYY-MM-DD, or NULL */
	char *body;     /* Markdown, may be empty */
	char *file;
	int line;         /* line of "command:" */
	int aliases_line; /* line of "aliases:" */
};

struct content;

/*
 * Loads every *.md under dir.  reserved lists words (the bot's own
 * commands, NULL-terminated) that no topic may use as command or alias.
 * Returns NULL when there was any problem; each one is in d.
 */
struct content *content_load(
    const char *dir, const char *const *reserved, struct diag *d);
void content_free(struct content *);

/*
 * Adds a "warning: ..." line to d for every topic whose reviewed date is
 * older than max_age_days before today (YYYY-MM-DD), that lacks a
 * translation in a language folder or has one reviewed before its English
 * file, or that has no https:// link.  Returns the number of warnings.
 */
size_t content_review(const struct content *, int max_age_days,
    const char *today, struct diag *d);

/* Number of topics in lang (not counting English fallbacks). */
size_t content_count(const struct content *, const char *lang);
bool content_has_lang(const struct content *, const char *lang);

/*
 * Finds a topic by command or alias in lang, falling back to English.
 * The topic is borrowed from the content and lives as long as it.
 */
const struct topic *content_find(
    const struct content *, const char *lang, const char *key);

/*
 * Fills out with up to max topics of lang (English where lang has no
 * translation), sorted by command; returns how many.
 */
size_t content_list(const struct content *, const char *lang,
    const struct topic **out, size_t max);

/* Ranks topics of lang against the words of query; returns the count. */
size_t content_search(const struct content *, const char *lang,
    const char *query, const struct topic **out, size_t max);

/*
 * Commands within an edit distance of word that grows with its length
 * (1 up to 3 bytes, 2 up to 6, else 3), closest first, one per topic.
 * Returns the count; out holds borrowed command strings.
 */
size_t content_suggest(const struct content *, const char *lang,
    const char *word, const char **out, size_t max);

/* The distance bound used by content_suggest for a word of len bytes. */
int content_suggest_bound(size_t len);

#endif
