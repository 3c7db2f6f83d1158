/*
 * core/arena.h — memory with a known lifetime, released all at once.
 *
 * One request, one arena (as PostgreSQL's memory contexts): handlers allocate
 * freely and the completion callback frees everything together. Objects owned by
 * other libraries (PGresult, cJSON trees, libxml2 documents) are attached with
 * arena_defer so they go with it.
 */
#ifndef KM0_ARENA_H
#define KM0_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct arena arena;

arena *arena_new(void);
void arena_free(arena *a);
/* Free everything allocated so far but keep the arena for reuse. */
void arena_reset(arena *a);
void *arena_alloc(arena *a, size_t n); /* zeroed, aligned for any type */
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Run fn(p) when the arena is reset or freed (in reverse order of registration). */
void arena_defer(arena *a, void (*fn)(void *), void *p);
/* Bytes currently held, for metrics and tests. */
size_t arena_used(const arena *a);

#endif
