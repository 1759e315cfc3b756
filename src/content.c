/*
 * Content loading and lookup.  Each language has its own set of topics and
 * its own open-addressing hash table from lower-cased command or alias to
 * topic.  A file is read whole (capped), checked for UTF-8 and control
 * characters, then its front matter is parsed line by line so that every
 * problem is reported with the line it is on.
 */
#define LOG_MODULE "content"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "content.h"
#include "log.h"
#include "text.h"
#include "xmalloc.h"

#define CONTENT_LANGS_MAX 16
#define CONTENT_TOPICS_MAX 1000

struct content_slot {
	char *key; /* lower-case, owned */
	struct topic *topic;
};

struct content_lang {
	char name[16];
	struct topic **topics;
	size_t ntopics;
	struct content_slot *slots;
	size_t nslots; /* a power of two */
	/* Lower-cased text for search, parallel to topics. */
	char **search_text;
};

struct content {
	struct content_lang langs[CONTENT_LANGS_MAX];
	size_t nlangs;
};

static uint32_t
content_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++) {
		h ^= (unsigned char)tolower((unsigned char)*s);
		h *= 16777619u;
	}
	return h;
}

static struct content_slot *
content_slot_find(const struct content_lang *l, const char *key)
{
	size_t i, mask;

	if (l->nslots == 0)
		return NULL;
	mask = l->nslots - 1;
	for (i = content_hash(key) & mask;; i = (i + 1) & mask) {
		struct content_slot *s = &l->slots[i];

		if (s->key == NULL || strcasecmp(s->key, key) == 0)
			return s;
	}
}

static struct content_lang *
content_lang_get(struct content *c, const char *name, bool create)
{
	size_t i;

	for (i = 0; i < c->nlangs; i++)
		if (strcmp(c->langs[i].name, name) == 0)
			return &c->langs[i];
	if (!create || c->nlangs == CONTENT_LANGS_MAX)
		return NULL;
	snprintf(
	    c->langs[c->nlangs].name, sizeof(c->langs[0].name), "%s", name);
	return &c->langs[c->nlangs++];
}

static void
topic_free(struct topic *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->naliases; i++)
		free(t->aliases[i]);
	free(t->aliases);
	free(t->lang);
	free(t->command);
	free(t->title);
	free(t->summary);
	free(t->link);
	free(t->reviewed);
	free(t->body);
	free(t->file);
	free(t);
}

static bool
content_key_valid(const char *k)
{
	size_t i;

	if (k[0] == '\0' || strlen(k) > CONTENT_KEY_MAX)
		return false;
	for (i = 0; k[i] != '\0'; i++)
		if (!isalnum((unsigned char)k[i]) && k[i] != '-' && k[i] != '_')
			return false;
	return true;
}

static bool
content_is_reserved(const char *const *reserved, const char *k)
{
	for (; reserved != NULL && *reserved != NULL; reserved++)
		if (strcasecmp(*reserved, k) == 0)
			return true;
	return false;
}

/* Per-file parse context. */
struct content_file {
	const char *path;
	struct diag *d;
	int errors;
};

#define content_err(f, line, ...)                                              \
	do {                                                                   \
		diag_add((f)->d, (f)->path, (line), __VA_ARGS__);              \
		(f)->errors++;                                                 \
	} while (0)

static void
content_add_key(struct content_file *f, struct topic *t, const char *key,
    int line, const char *const *reserved)
{
	if (!content_key_valid(key)) {
		content_err(f, line,
		    "'%s' is not a valid command (letters, "
		    "digits, '-' and '_', at most 32 bytes)",
		    key);
		return;
	}
	if (content_is_reserved(reserved, key)) {
		content_err(
		    f, line, "'%s' is one of the bot's own commands", key);
		return;
	}
	if (t->command == NULL) {
		t->command = text_lower(xstrdup(key));
		t->line = line;
		return;
	}
	t->aliases = xreallocarray(t->aliases, t->naliases + 1, sizeof(char *));
	t->aliases[t->naliases++] = text_lower(xstrdup(key));
}

static void
content_set_field(struct content_file *f, char **field, const char *name,
    const char *value, int line)
{
	if (*field != NULL) {
		content_err(f, line, "duplicate field '%s'", name);
		return;
	}
	if (value[0] == '\0') {
		content_err(f, line, "field '%s' is empty", name);
		return;
	}
	*field = xstrdup(value);
}

static bool
content_date_valid(const char *s)
{
	int y, m, d;
	char tail;

	if (strlen(s) != 10 ||
	    sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3)
		return false;
	return y >= 2000 && y <= 2100 && m >= 1 && m <= 12 && d >= 1 &&
	    d <= 31 && s[4] == '-' && s[7] == '-';
}

/*
 * Ends the line at line (LF or CRLF) in place; returns the next line, or
 * NULL after the last one.
 */
static char *
content_cut_line(char *line)
{
	char *next;
	size_t ll;

	if ((next = strchr(line, '\n')) != NULL)
		*next++ = '\0';
	ll = strlen(line);
	if (ll > 0 && line[ll - 1] == '\r')
		line[ll - 1] = '\0';
	return next;
}

/*
 * Parses one file's text into a topic; returns NULL (with diagnostics)
 * when anything is wrong.  text is NUL-terminated and len bytes long.
 */
static struct topic *
content_parse(
    struct content_file *f, char *text, size_t len, const char *const *reserved)
{
	struct topic *t;
	char *line, *next, *colon, *key, *value, *alias_line = NULL;
	int lineno = 0, alias_lineno = 0;
	bool closed = false;
	size_t i;

	if (!text_utf8_valid(text, len)) {
		/* Find the line of the first bad sequence. */
		int ln = 1;
		size_t pos, k;

		for (pos = 0; pos < len; pos += k) {
			for (k = 1; k <= 4 && pos + k <= len; k++)
				if (text_utf8_valid(text + pos, k))
					break;
			if (k > 4 || pos + k > len)
				break;
			if (text[pos] == '\n')
				ln++;
		}
		content_err(f, ln, "%s", "invalid UTF-8");
		return NULL;
	}
	for (i = 0, lineno = 1; i < len; i++) {
		unsigned char ch = (unsigned char)text[i];

		if (ch == '\n') {
			lineno++;
			continue;
		}
		if (ch == '\r' && (i + 1 == len || text[i + 1] == '\n'))
			continue;
		if (ch < 0x20 || ch == 0x7f) {
			content_err(f, lineno, "%s",
			    ch == '\t' ? "tab character (use spaces)"
			               : "control character");
			return NULL;
		}
	}

	t = xcalloc(1, sizeof(*t));
	t->file = xstrdup(f->path);
	lineno = 0;
	for (line = text; line != NULL; line = next) {
		next = content_cut_line(line);
		lineno++;
		if (lineno == 1) {
			if (strcmp(line, "---") != 0) {
				content_err(f, 1, "%s",
				    "missing front matter "
				    "(the file must start with a '---' line)");
				goto fail;
			}
			continue;
		}
		if (strcmp(line, "---") == 0) {
			closed = true;
			break;
		}
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if ((colon = strchr(line, ':')) == NULL) {
			content_err(f, lineno, "%s", "expected 'key: value'");
			continue;
		}
		*colon = '\0';
		key = text_trim(line);
		value = text_trim(colon + 1);
		if (strcmp(key, "command") == 0) {
			if (t->command != NULL)
				content_err(
				    f, lineno, "duplicate field '%s'", key);
			else if (value[0] == '\0')
				content_err(
				    f, lineno, "field '%s' is empty", key);
			else
				content_add_key(f, t, value, lineno, reserved);
		} else if (strcmp(key, "aliases") == 0) {
			if (alias_line != NULL)
				content_err(
				    f, lineno, "duplicate field '%s'", key);
			else {
				alias_line = xstrdup(value);
				alias_lineno = lineno;
			}
		} else if (strcmp(key, "title") == 0) {
			content_set_field(f, &t->title, key, value, lineno);
		} else if (strcmp(key, "summary") == 0) {
			if (strlen(value) > CONTENT_SUMMARY_MAX) {
				diag_add(f->d, f->path, lineno,
				    "summary is %zu bytes (at most %d)",
				    strlen(value), CONTENT_SUMMARY_MAX);
				f->errors++;
			} else
				content_set_field(
				    f, &t->summary, key, value, lineno);
		} else if (strcmp(key, "link") == 0) {
			if (strncmp(value, "https://", 8) != 0 &&
			    strncmp(value, "http://", 7) != 0)
				content_err(f, lineno, "%s",
				    "link must start "
				    "with https:// or http://");
			else if (strchr(value, ' ') != NULL)
				content_err(f, lineno, "%s",
				    "link must not "
				    "contain spaces");
			else
				content_set_field(
				    f, &t->link, key, value, lineno);
		} else if (strcmp(key, "reviewed") == 0) {
			if (!content_date_valid(value))
				content_err(f, lineno, "%s",
				    "reviewed must "
				    "be a date, YYYY-MM-DD");
			else
				content_set_field(
				    f, &t->reviewed, key, value, lineno);
		} else {
			content_err(f, lineno, "unknown field '%s'", key);
		}
		free(key);
		free(value);
	}
	if (!closed) {
		content_err(f, 1, "%s",
		    "front matter is not closed by a "
		    "'---' line");
		goto fail;
	}
	if (t->command == NULL && f->errors == 0)
		content_err(f, 1, "missing field '%s'", "command");
	if (t->title == NULL && f->errors == 0)
		content_err(f, 1, "missing field '%s'", "title");
	if (t->summary == NULL && f->errors == 0)
		content_err(f, 1, "missing field '%s'", "summary");
	if (t->link == NULL && f->errors == 0)
		content_err(f, 1, "missing field '%s'", "link");
	if (alias_line != NULL && t->command != NULL) {
		char *p = alias_line, *comma;

		t->aliases_line = alias_lineno;
		while (p != NULL) {
			comma = strchr(p, ',');
			if (comma != NULL)
				*comma = '\0';
			key = text_trim(p);
			if (key[0] != '\0')
				content_add_key(
				    f, t, key, alias_lineno, reserved);
			free(key);
			p = comma != NULL ? comma + 1 : NULL;
		}
	}
	free(alias_line);
	alias_line = NULL;
	if (f->errors > 0)
		goto fail;
	/* The body: what follows the closing line, trimmed of blank lines. */
	{
		struct buf b;

		buf_init(&b, 0);
		for (line = next; line != NULL; line = next) {
			size_t ll;

			next = content_cut_line(line);
			ll = strlen(line);
			if (b.len == 0 && ll == 0)
				continue;
			buf_add(&b, line, ll);
			buf_add(&b, "\n", 1);
		}
		while (b.len > 0 && b.data[b.len - 1] == '\n')
			b.data[--b.len] = '\0';
		t->body = buf_take(&b);
	}
	return t;
fail:
	free(alias_line);
	topic_free(t);
	return NULL;
}

static char *
content_read_file(struct content_file *f, size_t *len)
{
	struct stat st;
	FILE *fp;
	char *data;
	size_t n;

	if ((fp = fopen(f->path, "rb")) == NULL) {
		diag_add(f->d, f->path, 0, "cannot open: %s", strerror(errno));
		f->errors++;
		return NULL;
	}
	if (fstat(fileno(fp), &st) == -1 || !S_ISREG(st.st_mode)) {
		diag_add(f->d, f->path, 0, "not a regular file");
		f->errors++;
		fclose(fp);
		return NULL;
	}
	if (st.st_size > CONTENT_FILE_MAX) {
		diag_add(f->d, f->path, 0, "file is %lld bytes (at most %d)",
		    (long long)st.st_size, CONTENT_FILE_MAX);
		f->errors++;
		fclose(fp);
		return NULL;
	}
	data = xmalloc(CONTENT_FILE_MAX + 2);
	n = fread(data, 1, CONTENT_FILE_MAX + 1, fp);
	fclose(fp);
	if (n > CONTENT_FILE_MAX) {
		diag_add(f->d, f->path, 0, "file is larger than %d bytes",
		    CONTENT_FILE_MAX);
		f->errors++;
		free(data);
		return NULL;
	}
	data[n] = '\0';
	if (memchr(data, '\0', n) != NULL) {
		diag_add(f->d, f->path, 0, "file contains a NUL byte");
		f->errors++;
		free(data);
		return NULL;
	}
	*len = n;
	return data;
}

/* Inserts key into the language's table; reports duplicates. */
static void
content_index_key(struct content_lang *l, struct topic *t, const char *key,
    int line, struct diag *d, int *errors)
{
	struct content_slot *s;

	s = content_slot_find(l, key);
	if (s->key != NULL) {
		diag_add(d, t->file, line, "'%s' is already used by %s:%d", key,
		    s->topic->file,
		    strcasecmp(s->topic->command, key) == 0
		        ? s->topic->line
		        : s->topic->aliases_line);
		(*errors)++;
		return;
	}
	s->key = xstrdup(key);
	s->topic = t;
}

static int
content_cmp_topic(const void *a, const void *b)
{
	const struct topic *ta = *(const struct topic *const *)a;
	const struct topic *tb = *(const struct topic *const *)b;

	return strcmp(ta->command, tb->command);
}

static int
content_cmp_name(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Loads the *.md files of one folder into language lang. */
static void
content_load_dir(struct content *c, const char *dir, const char *lang,
    const char *const *reserved, struct diag *d, int *errors, char ***subdirs,
    size_t *nsubdirs)
{
	struct content_lang *l;
	struct dirent *de;
	struct stat st;
	char **names = NULL, *path;
	size_t nnames = 0, i, len;
	DIR *dp;

	if ((dp = opendir(dir)) == NULL) {
		diag_add(d, dir, 0, "cannot open content folder: %s",
		    strerror(errno));
		(*errors)++;
		return;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = xreallocarray(names, nnames + 1, sizeof(char *));
		names[nnames++] = xstrdup(de->d_name);
	}
	closedir(dp);
	if (nnames > 0)
		qsort(names, nnames, sizeof(char *), content_cmp_name);
	if ((l = content_lang_get(c, lang, true)) == NULL) {
		diag_add(d, dir, 0, "too many languages (at most %d)",
		    CONTENT_LANGS_MAX);
		(*errors)++;
		goto out;
	}
	for (i = 0; i < nnames; i++) {
		path = xasprintf("%s/%s", dir, names[i]);
		len = strlen(names[i]);
		if (subdirs != NULL && stat(path, &st) == 0 &&
		    S_ISDIR(st.st_mode)) {
			*subdirs = xreallocarray(
			    *subdirs, *nsubdirs + 1, sizeof(char *));
			(*subdirs)[(*nsubdirs)++] = xstrdup(names[i]);
		} else if (len > 3 && strcmp(names[i] + len - 3, ".md") == 0) {
			struct content_file f = {path, d, 0};
			char *text;
			size_t tlen;
			struct topic *t;

			if (l->ntopics == CONTENT_TOPICS_MAX) {
				diag_add(d, path, 0,
				    "too many topics (at most "
				    "%d per language)",
				    CONTENT_TOPICS_MAX);
				(*errors)++;
				free(path);
				break;
			}
			if ((text = content_read_file(&f, &tlen)) != NULL) {
				t = content_parse(&f, text, tlen, reserved);
				free(text);
				if (t != NULL) {
					t->lang = xstrdup(lang);
					l->topics = xreallocarray(l->topics,
					    l->ntopics + 1, sizeof(*l->topics));
					l->topics[l->ntopics++] = t;
				}
			}
			*errors += f.errors;
		}
		free(path);
	}
out:
	for (i = 0; i < nnames; i++)
		free(names[i]);
	free(names);
}

static void
content_build_index(struct content_lang *l, struct diag *d, int *errors)
{
	size_t nkeys = 0, i, k;
	struct buf b;

	for (i = 0; i < l->ntopics; i++)
		nkeys += 1 + l->topics[i]->naliases;
	l->nslots = 16;
	while (l->nslots < nkeys * 2)
		l->nslots *= 2;
	l->slots = xcalloc(l->nslots, sizeof(*l->slots));
	for (i = 0; i < l->ntopics; i++) {
		struct topic *t = l->topics[i];

		content_index_key(l, t, t->command, t->line, d, errors);
		for (k = 0; k < t->naliases; k++)
			content_index_key(
			    l, t, t->aliases[k], t->aliases_line, d, errors);
	}
	if (l->ntopics > 0)
		qsort(l->topics, l->ntopics, sizeof(*l->topics),
		    content_cmp_topic);
	l->search_text = xcalloc(l->ntopics + 1, sizeof(char *));
	for (i = 0; i < l->ntopics; i++) {
		buf_init(&b, 0);
		buf_addf(&b, " %s \n %s \n %s ", l->topics[i]->title,
		    l->topics[i]->summary, l->topics[i]->body);
		l->search_text[i] = text_lower(buf_take(&b));
	}
}

struct content *
content_load(const char *dir, const char *const *reserved, struct diag *d)
{
	struct content *c;
	char **subdirs = NULL, *sub;
	size_t nsub = 0, i;
	int errors = 0;

	c = xcalloc(1, sizeof(*c));
	content_load_dir(c, dir, CONTENT_DEFAULT_LANG, reserved, d, &errors,
	    &subdirs, &nsub);
	for (i = 0; i < nsub; i++) {
		bool ok = strlen(subdirs[i]) >= 2 && strlen(subdirs[i]) <= 8;
		size_t k;

		for (k = 0; subdirs[i][k] != '\0'; k++)
			if (!islower((unsigned char)subdirs[i][k]) &&
			    subdirs[i][k] != '-')
				ok = false;
		if (!ok || strcmp(subdirs[i], CONTENT_DEFAULT_LANG) == 0) {
			sub = xasprintf("%s/%s", dir, subdirs[i]);
			diag_add(d, sub, 0,
			    "not a language folder (use a "
			    "lower-case language code such as 'es')");
			errors++;
			free(sub);
		} else {
			sub = xasprintf("%s/%s", dir, subdirs[i]);
			content_load_dir(c, sub, subdirs[i], reserved, d,
			    &errors, NULL, NULL);
			free(sub);
		}
		free(subdirs[i]);
	}
	free(subdirs);
	for (i = 0; i < c->nlangs; i++)
		content_build_index(&c->langs[i], d, &errors);
	if (errors == 0 && content_count(c, CONTENT_DEFAULT_LANG) == 0) {
		diag_add(d, dir, 0, "no topics (*.md files) found");
		errors++;
	}
	if (errors > 0) {
		content_free(c);
		return NULL;
	}
	return c;
}

void
content_free(struct content *c)
{
	size_t i, k;

	if (c == NULL)
		return;
	for (i = 0; i < c->nlangs; i++) {
		struct content_lang *l = &c->langs[i];

		for (k = 0; k < l->nslots; k++)
			free(l->slots[k].key);
		free(l->slots);
		for (k = 0; k < l->ntopics; k++) {
			topic_free(l->topics[k]);
			if (l->search_text != NULL)
				free(l->search_text[k]);
		}
		free(l->search_text);
		free(l->topics);
	}
	free(c);
}

/* Days since 1970-01-01 of a valid YYYY-MM-DD date. */
static long
content_days(const char *date)
{
	struct tm tm = {0};

	if (sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) !=
	    3)
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)(timegm(&tm) / 86400);
}

/* The topic of l whose command (not an alias) is command, or NULL. */
static const struct topic *
content_lang_topic(const struct content_lang *l, const char *command)
{
	const struct content_slot *s = content_slot_find(l, command);

	if (s == NULL || s->key == NULL ||
	    strcasecmp(s->topic->command, command) != 0)
		return NULL;
	return s->topic;
}

size_t
content_review(const struct content *c, int max_age_days, const char *today,
    struct diag *d)
{
	const struct content_lang *en, *l;
	const struct topic *t, *tr;
	long now = content_days(today);
	size_t i, k, n = 0;

	for (i = 0; i < c->nlangs; i++) {
		l = &c->langs[i];
		for (k = 0; k < l->ntopics; k++) {
			t = l->topics[k];
			if (t->reviewed == NULL) {
				diag_add(d, t->file, t->line,
				    "warning: no reviewed date");
				n++;
			} else if (now - content_days(t->reviewed) >
			    max_age_days) {
				diag_add(d, t->file, t->line,
				    "warning: reviewed %s, more than %d days "
				    "ago",
				    t->reviewed, max_age_days);
				n++;
			}
			if (strncmp(t->link, "https://", 8) != 0) {
				diag_add(d, t->file, t->line,
				    "warning: no https:// link");
				n++;
			}
		}
	}
	if ((en = content_lang_get((struct content *)(uintptr_t)c,
	         CONTENT_DEFAULT_LANG, false)) == NULL)
		return n;
	for (i = 0; i < c->nlangs; i++) {
		l = &c->langs[i];
		if (l == en)
			continue;
		for (k = 0; k < en->ntopics; k++) {
			t = en->topics[k];
			if ((tr = content_lang_topic(l, t->command)) == NULL) {
				diag_add(d, t->file, t->line,
				    "warning: no '%s' translation", l->name);
				n++;
			} else if (t->reviewed != NULL &&
			    (tr->reviewed == NULL ||
			        strcmp(tr->reviewed, t->reviewed) < 0)) {
				diag_add(d, tr->file, tr->line,
				    "warning: translation reviewed before "
				    "its English file (%s)",
				    t->reviewed);
				n++;
			}
		}
	}
	return n;
}

size_t
content_count(const struct content *c, const char *lang)
{
	const struct content_lang *l;

	l = content_lang_get((struct content *)(uintptr_t)c, lang, false);
	return l != NULL ? l->ntopics : 0;
}

bool
content_has_lang(const struct content *c, const char *lang)
{
	return content_lang_get((struct content *)(uintptr_t)c, lang, false) !=
	    NULL;
}

static const struct content_lang *
content_lang_find(const struct content *c, const char *lang)
{
	if (lang == NULL)
		lang = CONTENT_DEFAULT_LANG;
	return content_lang_get((struct content *)(uintptr_t)c, lang, false);
}

const struct topic *
content_find(const struct content *c, const char *lang, const char *key)
{
	const struct content_lang *l;
	struct content_slot *s;

	if (strlen(key) > CONTENT_KEY_MAX)
		return NULL;
	if ((l = content_lang_find(c, lang)) != NULL &&
	    (s = content_slot_find(l, key)) != NULL && s->key != NULL)
		return s->topic;
	if ((l = content_lang_find(c, CONTENT_DEFAULT_LANG)) != NULL &&
	    (s = content_slot_find(l, key)) != NULL && s->key != NULL)
		return s->topic;
	return NULL;
}

/*
 * The topics a user of lang sees: the language's own, plus English topics
 * whose command the language does not translate.  Fills an array of
 * (topic, search text) pairs; returns the count.
 */
static size_t
content_view(const struct content *c, const char *lang,
    const struct topic **topics, const char **texts, size_t max)
{
	const struct content_lang *l, *en;
	struct content_slot *s;
	size_t n = 0, i;

	l = content_lang_find(c, lang);
	en = content_lang_find(c, CONTENT_DEFAULT_LANG);
	if (l != NULL)
		for (i = 0; i < l->ntopics && n < max; i++) {
			topics[n] = l->topics[i];
			texts[n++] = l->search_text[i];
		}
	if (en != NULL && en != l)
		for (i = 0; i < en->ntopics && n < max; i++) {
			if (l != NULL &&
			    (s = content_slot_find(
			         l, en->topics[i]->command)) != NULL &&
			    s->key != NULL)
				continue;
			topics[n] = en->topics[i];
			texts[n++] = en->search_text[i];
		}
	return n;
}

size_t
content_list(const struct content *c, const char *lang,
    const struct topic **out, size_t max)
{
	const struct topic **all;
	const char **texts;
	size_t n, i;

	all = xcalloc(2 * CONTENT_TOPICS_MAX, sizeof(*all));
	texts = xcalloc(2 * CONTENT_TOPICS_MAX, sizeof(*texts));
	n = content_view(c, lang, all, texts, 2 * CONTENT_TOPICS_MAX);
	qsort(all, n, sizeof(*all), content_cmp_topic);
	for (i = 0; i < n && i < max; i++)
		out[i] = all[i];
	free(all);
	free(texts);
	return i;
}

/* Counts occurrences of word at word starts in text, at most cap. */
static int
content_count_word(const char *text, const char *word, int cap)
{
	const char *p = text;
	size_t wl = strlen(word);
	int n = 0;

	while (n < cap && (p = strstr(p, word)) != NULL) {
		if (p == text || !isalnum((unsigned char)p[-1]))
			n++;
		p += wl;
	}
	return n;
}

struct content_hit {
	const struct topic *topic;
	int score;
};

static int
content_cmp_hit(const void *a, const void *b)
{
	const struct content_hit *ha = a, *hb = b;

	if (ha->score != hb->score)
		return hb->score - ha->score;
	return strcmp(ha->topic->command, hb->topic->command);
}

size_t
content_search(const struct content *c, const char *lang, const char *query,
    const struct topic **out, size_t max)
{
	const struct topic **all;
	const char **texts;
	struct content_hit *hits;
	char *q, *w, *save = NULL;
	char *words[16];
	size_t n, i, k, nw = 0, nh = 0;

	q = text_lower(xstrndup(query, 256));
	for (w = strtok_r(q, " \t,.;:!?\"'()", &save); w != NULL && nw < 16;
	     w = strtok_r(NULL, " \t,.;:!?\"'()", &save))
		if (strlen(w) >= 2)
			words[nw++] = w;
	if (nw == 0) {
		free(q);
		return 0;
	}
	all = xcalloc(2 * CONTENT_TOPICS_MAX, sizeof(*all));
	texts = xcalloc(2 * CONTENT_TOPICS_MAX, sizeof(*texts));
	n = content_view(c, lang, all, texts, 2 * CONTENT_TOPICS_MAX);
	hits = xcalloc(n + 1, sizeof(*hits));
	for (i = 0; i < n; i++) {
		const struct topic *t = all[i];
		char *title = text_lower(xstrdup(t->title));
		char *summary = text_lower(xstrdup(t->summary));
		int score = 0, matched = 0;

		for (k = 0; k < nw; k++) {
			int s = 0;
			size_t a;

			if (strcasecmp(t->command, words[k]) == 0)
				s += 20;
			for (a = 0; a < t->naliases; a++)
				if (strcasecmp(t->aliases[a], words[k]) == 0)
					s += 15;
			s += 6 * content_count_word(title, words[k], 2);
			s += 3 * content_count_word(summary, words[k], 3);
			s += content_count_word(texts[i], words[k], 10);
			if (s > 0)
				matched++;
			score += s;
		}
		/* Topics matching every word rank above partial matches. */
		if (score > 0)
			hits[nh++] = (struct content_hit){
			    t, score + (matched == (int)nw ? 1000 : 0)};
		free(title);
		free(summary);
	}
	qsort(hits, nh, sizeof(*hits), content_cmp_hit);
	for (i = 0; i < nh && i < max; i++)
		out[i] = hits[i].topic;
	free(hits);
	free(all);
	free(texts);
	free(q);
	return i;
}

int
content_suggest_bound(size_t len)
{
	if (len <= 3)
		return 1;
	if (len <= 6)
		return 2;
	return 3;
}

size_t
content_suggest(const struct content *c, const char *lang, const char *word,
    const char **out, size_t max)
{
	const struct topic **all;
	const char **texts;
	struct content_hit *hits;
	size_t n, i, a, nh = 0;
	int bound, dist, best;

	bound = content_suggest_bound(strlen(word));
	all = xcalloc(2 * CONTENT_TOPICS_MAX, sizeof(*all));
	texts = xcalloc(2 * CONTENT_TOPICS_MAX, sizeof(*texts));
	n = content_view(c, lang, all, texts, 2 * CONTENT_TOPICS_MAX);
	hits = xcalloc(n + 1, sizeof(*hits));
	for (i = 0; i < n; i++) {
		best = text_edit_distance(word, all[i]->command, bound);
		for (a = 0; a < all[i]->naliases; a++) {
			dist =
			    text_edit_distance(word, all[i]->aliases[a], bound);
			if (dist < best)
				best = dist;
		}
		if (best <= bound && best > 0)
			hits[nh++] = (struct content_hit){all[i], -best};
	}
	qsort(hits, nh, sizeof(*hits), content_cmp_hit);
	for (i = 0; i < nh && i < max; i++)
		out[i] = hits[i].topic->command;
	free(hits);
	free(all);
	free(texts);
	return i;
}
