/*
 * Text helpers shared by every module: UTF-8 validation and cutting, the
 * one sanitiser that user text passes through before it reaches IRC or a
 * platform, mass-mention neutralising, line chunking, edit distance, and
 * rendering of the neutral Markdown subset that replies are written in.
 */
#ifndef TEXT_H
#define TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* True if s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool text_utf8_valid(const char *s, size_t len);

/*
 * Length of the longest prefix of s[0..len) that is at most max bytes and
 * ends on a code point boundary.
 */
size_t text_utf8_cut(const char *s, size_t len, size_t max);

/* Sanitiser flags. */
#define TEXT_KEEP_NEWLINES 0x1   /* keep LF (as paragraph breaks) */
#define TEXT_KEEP_FORMATTING 0x2 /* keep IRC formatting codes */

/*
 * Returns a new string (caller frees): invalid UTF-8 sequences become
 * U+FFFD, NUL and other control characters are dropped, CR/LF/TAB become a
 * space (LF kept with TEXT_KEEP_NEWLINES), IRC formatting codes (bold,
 * colour with its digits, reset, ...) are removed, and the result is cut
 * at a code point boundary to at most max bytes (0: no cap).
 */
char *text_sanitize(const char *s, size_t len, size_t max, int flags);

/*
 * Returns a new string (caller frees) in which mass mentions (@channel,
 * @here, @all, @everyone, <!channel>, <!here>, <!everyone>, <users/all>)
 * are broken with a zero-width space so no platform expands them.
 */
char *text_neutralize_mentions(const char *s);

/*
 * Length in bytes of the next chunk of s[0..len) that fits in max bytes:
 * it ends before a space where one exists in the second half of the chunk,
 * else at a code point boundary.  Returns len when it all fits.
 */
size_t text_chunk(const char *s, size_t len, size_t max);

/*
 * Damerau-Levenshtein (optimal string alignment) distance between a and b
 * compared case-insensitively in ASCII; stops early and returns bound + 1
 * once the distance exceeds bound.
 */
int text_edit_distance(const char *a, const char *b, int bound);

/* The value of hex digit c (either case), or -1. */
int text_hex_value(int c);

/* Lower-cases ASCII letters in place and returns s. */
char *text_lower(char *s);

/* Returns a new string with leading and trailing ASCII space removed. */
char *text_trim(const char *s);

/*
 * Renders the neutral Markdown subset to plain text (IRC, console):
 * **bold** and _emphasis_ markers dropped, [text](url) as "text <url>".
 * Returns a new string (caller frees).
 */
char *text_render_plain(const char *md);

/*
 * Renders the neutral subset as Slack mrkdwn: **bold** as *bold*,
 * [text](url) as <url|text>, and &, <, > escaped.  Caller frees.
 */
char *text_render_slack(const char *md);

#endif
