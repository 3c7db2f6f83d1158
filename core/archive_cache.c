/*
 * core/archive_cache.c — a bounded LRU of archived files (core/archive_cache.h).
 *
 * A chained hash table on (hub, number) and a list from most to least recently
 * used, under one mutex. The bytes are shared, not copied: a lookup takes a reference
 * on them, given back when the request's arena is freed (after its reply was sent),
 * so an entry evicted meanwhile frees its bytes only once the last reader is done.
 * (Copying some 50 KB into each request's arena, with its malloc, was a measurable part
 * of a download: bench/archive_download.sh.)
 */
#include "archive_cache.h"
#include "config.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define NBUCKETS 4096

/* A file's bytes and their readers: the cache's own reference and one per request
 * serving them (refs under the lock). */
typedef struct blob {
    int refs;
    unsigned char data[];
} blob;

typedef struct entry {
    int64_t hub;
    char *number;
    archive_file file; /* its strings owned by the entry, its bytes pdf's */
    blob *pdf;
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

/* Under the lock. */
static void blob_release_locked(blob *b)
{
    if (--b->refs == 0)
        free(b);
}

static void blob_release(void *p)
{
    pthread_mutex_lock(&lock);
    blob_release_locked(p);
    pthread_mutex_unlock(&lock);
}

static void drop(entry *e)
{
    *slot_of(e->hub, e->number) = e->next_in_bucket;
    unlink_lru(e);
    held -= e->cost;
    free(e->number);
    free((char *)e->file.last_error);
    blob_release_locked(e->pdf);
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
        e->pdf->refs++; /* given back with the arena */
        arena_defer(a, blob_release, e->pdf);
        out->pdf = e->pdf->data;
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
    e->pdf = xmalloc(sizeof(blob) + (f->len ? f->len : 1));
    e->pdf->refs = 1;
    memcpy(e->pdf->data, f->pdf, f->len);
    e->file.pdf = e->pdf->data;
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
