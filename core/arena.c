/*
 * core/arena.c — bump allocator in growing blocks, with deferred destructors.
 */
#include "arena.h"
#include "util.h"

#include <stdalign.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct block {
    struct block *next;
    size_t size, used;
    alignas(max_align_t) unsigned char data[];
} block;

typedef struct deferred {
    struct deferred *next;
    void (*fn)(void *);
    void *p;
} deferred;

struct arena {
    block *head;
    deferred *defers;
    size_t total;
};

#define BLOCK_MIN 4096

arena *arena_new(void)
{
    return xcalloc(1, sizeof(arena));
}

static void run_defers(arena *a)
{
    while (a->defers) {
        deferred *d = a->defers;
        a->defers = d->next;
        d->fn(d->p);
        free(d);
    }
}

void arena_reset(arena *a)
{
    run_defers(a);
    block *b = a->head;
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
    a->head = NULL;
    a->total = 0;
}

void arena_free(arena *a)
{
    if (!a)
        return;
    arena_reset(a);
    free(a);
}

void *arena_alloc(arena *a, size_t n)
{
    const size_t align = alignof(max_align_t);
    n = (n + align - 1) & ~(align - 1);
    if (n == 0)
        n = align;
    block *b = a->head;
    if (!b || b->size - b->used < n) {
        size_t size = n > BLOCK_MIN ? n : BLOCK_MIN;
        if (a->head && a->head->size * 2 > size && size < 1 << 20)
            size = a->head->size * 2 < (1 << 20) ? a->head->size * 2 : size;
        if (size < n)
            size = n;
        b = xmalloc(sizeof(block) + size);
        b->size = size;
        b->used = 0;
        b->next = a->head;
        a->head = b;
        a->total += size;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    char small[256];
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        die("vsnprintf failed");
    char *p = arena_alloc(a, (size_t)n + 1);
    if ((size_t)n < sizeof small)
        memcpy(p, small, (size_t)n + 1);
    else
        vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}

void arena_defer(arena *a, void (*fn)(void *), void *p)
{
    deferred *d = xmalloc(sizeof *d);
    d->fn = fn;
    d->p = p;
    d->next = a->defers;
    a->defers = d;
}

size_t arena_used(const arena *a)
{
    return a->total;
}
