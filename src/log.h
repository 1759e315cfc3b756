/*
 * Logging: one line per event on standard error, "LEVEL module: message".
 * Each .c file defines LOG_MODULE before including this header.  Nothing
 * secret and no consultation text is ever passed to these at a level above
 * debug.
 */
#ifndef LOG_H
#define LOG_H

#include <stdbool.h>

#ifndef LOG_MODULE
#define LOG_MODULE "intakebot"
#endif

enum log_level { LOG_LEVEL_WARN, LOG_LEVEL_INFO, LOG_LEVEL_DEBUG };

/* verbose > 0 enables debug lines. */
void log_init(int verbose);
bool log_debug_enabled(void);
void log_emit(enum log_level, const char *module, int with_errno,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void log_fatal(const char *module, int with_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));

#define log_warn(...) log_emit(LOG_LEVEL_WARN, LOG_MODULE, 1, __VA_ARGS__)
#define log_warnx(...) log_emit(LOG_LEVEL_WARN, LOG_MODULE, 0, __VA_ARGS__)
#define log_info(...) log_emit(LOG_LEVEL_INFO, LOG_MODULE, 0, __VA_ARGS__)
#define log_debug(...) log_emit(LOG_LEVEL_DEBUG, LOG_MODULE, 0, __VA_ARGS__)
#define fatal(...) log_fatal(LOG_MODULE, 1, __VA_ARGS__)
#define fatalx(...) log_fatal(LOG_MODULE, 0, __VA_ARGS__)

#endif
