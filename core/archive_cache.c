/*
 * core/archive_cache.c — a bounded LRU of archived files (core/archive_cache.h).
 *
 * A chained hash table on (hub, number) and a list from most to least recently
 * used, under one mutex: a lookup is a hash and a memcpy of some 50 KB into the
 * request's arena (the entry itself may be evicted the moment the lock goes, so
 * nobody keeps a pointer into the cache).
 */
#include "archive_cache.h"
#include "config.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 4096

typedef struct entry {
    int64_t hub;
    char *number;
    archive_file file; /* its strings and bytes owned by the entry */
    unsigned char *pdf;
    size_t cost; /* bytes counted against the bound */
    struct entry *next_in_bucket, *newer, *older;
} entry;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static entry *buckets[NBUCKETS];
static entry *newest, *oldest;
static size_t held;

static size_t bucket_of(int64_t hub, const char *number)
{
    uint64_t h = 1469598103934665603ULL ^ (uint64_t)hub;
    for (const unsigned char *p = (const unsigned char *)number; *p; p++)
        h = (h ^ *p) * 1099511628211ULL;
    return (size_t)(h % NBUCKETS);
}

static entry **slot_of(int64_t hub, const char *number)
{
    entry **e = &buckets[bucket_of(hub, number)];
    while (*e && !((*e)->hub == hub && str_eq((*e)->number, number)))
        e = &(*e)->next_in_bucket;
    return e;
}

static void unlink_lru(entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(entry *e)
{
    e->older = newest;
    e->newer = NULL;
    if (newest)
        newest->newer = e;
    newest = e;
    if (!oldest)
        oldest = e;
}

static void drop(entry *e)
{
    *slot_of(e->hub, e->number) = e->next_in_bucket;
    unlink_lru(e);
    held -= e->cost;
    free(e->number);
    free((char *)e->file.last_error);
    free(e->pdf);
    free(e);
}

bool archive_cache_get(arena *a, int64_t hub, const char *number, archive_file *out)
{
    if (!number)
        return false;
    pthread_mutex_lock(&lock);
    entry *e = *slot_of(hub, number);
    if (e) {
        unlink_lru(e);
        push_newest(e);
        *out = e->file;
        out->number = arena_strdup(a, e->number);
        out->last_error = "";
        unsigned char *copy = arena_alloc(a, e->file.len ? e->file.len : 1);
        memcpy(copy, e->pdf, e->file.len);
        out->pdf = copy;
    }
    pthread_mutex_unlock(&lock);
    return e != NULL;
}

void archive_cache_put(int64_t hub, const archive_file *f)
{
    size_t bound = (size_t)g_config.archive_cache_mb << 20;
    size_t cost = f->len + sizeof(entry) + 64;
    if (!f->archived || !f->pdf || cost > bound / 4)
        return; /* not a file, or one that would crowd the others out */
    entry *e = xcalloc(1, sizeof *e);
    e->hub = hub;
    e->number = xstrdup(f->number);
    e->file = *f;
    e->file.last_error = xstrdup("");
    e->pdf = xmalloc(f->len ? f->len : 1);
    memcpy(e->pdf, f->pdf, f->len);
    e->file.pdf = e->pdf;
    e->file.number = e->number;
    e->cost = cost;
    pthread_mutex_lock(&lock);
    entry **slot = slot_of(hub, f->number);
    if (*slot) {
        pthread_mutex_unlock(&lock); /* another thread put it first */
        free(e->number);
        free((char *)e->file.last_error);
        free(e->pdf);
        free(e);
        return;
    }
    while (oldest && held + cost > bound)
        drop(oldest);
    slot = slot_of(hub, f->number); /* the evictions may have changed its chain */
    *slot = e;
    push_newest(e);
    held += cost;
    pthread_mutex_unlock(&lock);
}

size_t archive_cache_bytes(void)
{
    pthread_mutex_lock(&lock);
    size_t n = held;
    pthread_mutex_unlock(&lock);
    return n;
}

void archive_cache_clear(void)
{
    pthread_mutex_lock(&lock);
    while (oldest)
        drop(oldest);
    pthread_mutex_unlock(&lock);
}
