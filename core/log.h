/*
 * core/log.h — one line per event, key=value, on stderr.
 *
 *   log_event(LOG_INFO, "http.request", "req=%s method=%s status=%d", ...)
 * prints  ts=2026-11-28T18:40:01.123Z level=info event=http.request req=... method=...
 * Lines are written with a single write(2) so threads never interleave. No
 * personal data goes in logs beyond ids: callers pass ids, never emails.
 */
#ifndef KM0_LOG_H
#define KM0_LOG_H

#include <stddef.h>

typedef enum { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR } log_level;

void log_set_level(const char *name);
/* s as one quoted log value ("…" with \" \\ and no line break), cut to fit dst. */
const char *log_quote(char *dst, size_t size, const char *s);
void log_event(log_level level, const char *event, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
