/*
 * Shared by the fuzz targets: CHECK aborts on a violated property.  The
 * runs close the targets' standard error (-close_fd_mask=2, so the bot's
 * own log lines do not flood the output), so the message goes where the
 * sanitizers report, which libFuzzer keeps open.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sanitizer/common_interface_defs.h>

#define FUZZ_STR2(x) #x
#define FUZZ_STR(x) FUZZ_STR2(x)
#define CHECK(c)                                                               \
	do {                                                                   \
		if (!(c)) {                                                    \
			__sanitizer_report_error_summary(                      \
			    "property failed at " __FILE__                     \
			    ":" FUZZ_STR(__LINE__) ": " #c);                   \
			abort();                                               \
		}                                                              \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * True when s holds a mass mention that text_neutralize_mentions should
 * have broken: @channel, @here, @all, @everyone (as whole words),
 * <!channel>, <!here>, <!all>, <!everyone> or <users/all>.
 */
static inline bool
fuzz_mass_mention(const char *s)
{
	static const char *words[] = {"channel", "here", "all", "everyone"};
	size_t i, w, off, wl;

	for (i = 0; s[i] != '\0'; i++) {
		if (strncasecmp(s + i, "<users/all>", 11) == 0)
			return true;
		if (s[i] == '@')
			off = 1;
		else if (s[i] == '<' && s[i + 1] == '!')
			off = 2;
		else
			continue;
		for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
			wl = strlen(words[w]);
			if (strncasecmp(s + i + off, words[w], wl) == 0 &&
			    !isalnum((unsigned char)s[i + off + wl]))
				return true;
		}
	}
	return false;
}

#endif
