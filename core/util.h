/*
 * core/util.h — allocation that never returns NULL, and small helpers.
 *
 * Allocation failure aborts the process (as Redis' zmalloc does): a service that
 * cannot allocate a few bytes cannot answer correctly anyway, and callers stay
 * free of NULL checks.
 */
#ifndef KM0_UTIL_H
#define KM0_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
_Noreturn void die(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* True when s (NUL-terminated) is well-formed UTF-8 with no NUL and no overlong form. */
bool utf8_valid(const char *s, size_t len);
/* Number of code points in a valid UTF-8 string. */
size_t utf8_len(const char *s);
/* Fill buf with n cryptographically random bytes (getrandom). */
void random_bytes(void *buf, size_t n);
/* n random bytes encoded as base64url without padding into out (size >= n*4/3+2). */
void random_token(char *out, size_t nbytes);
bool str_eq(const char *a, const char *b);
bool str_starts(const char *s, const char *prefix);
/* Slug: lowercase ASCII letters, digits and single dashes, 1..64 chars. */
bool slug_valid(const char *s);
/* A host name as stored (hub_hosts): lower-case labels of letters, digits and inner
 * dashes, 1..63 characters each, separated by dots, 253 characters at most. */
bool host_name_valid(const char *s);
/* Monotonic time in microseconds. */
int64_t now_us(void);

#endif
