/*
 * core/rcache.c — shared PGresults with reference counts, refreshed after a second.
 *
 * A PGresult is immutable once received, so threads may read one at the same
 * time; the entry's reference count says when the last reader is done.
 */
#include "rcache.h"
#include "util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define RCACHE_SLOTS  16
#define RCACHE_TTL_US 1000000

typedef struct shared_result {
    PGresult *res;
    int refs; /* under the lock */
} shared_result;

typedef struct {
    int kind;
    int64_t id;
    int64_t fetched_us;
    shared_result *sr;
} slot;

static slot slots[RCACHE_SLOTS];
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void release(shared_result *sr)
{
    pthread_mutex_lock(&lock);
    bool last = --sr->refs == 0;
    pthread_mutex_unlock(&lock);
    if (last) {
        PQclear(sr->res);
        free(sr);
    }
}

static void release_deferred(void *p)
{
    release(p);
}

static shared_result *lookup(int kind, int64_t id, int64_t now)
{
    shared_result *found = NULL;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < RCACHE_SLOTS; i++)
        if (slots[i].sr && slots[i].kind == kind && slots[i].id == id &&
            now - slots[i].fetched_us < RCACHE_TTL_US) {
            found = slots[i].sr;
            found->refs++;
            break;
        }
    pthread_mutex_unlock(&lock);
    return found;
}

static void store(int kind, int64_t id, int64_t now, shared_result *sr)
{
    shared_result *evicted = NULL;
    pthread_mutex_lock(&lock);
    int victim = 0;
    for (int i = 0; i < RCACHE_SLOTS; i++) {
        if (slots[i].sr && slots[i].kind == kind && slots[i].id == id) {
            victim = i;
            break;
        }
        if (!slots[i].sr || slots[i].fetched_us < slots[victim].fetched_us)
            victim = i;
    }
    evicted = slots[victim].sr;
    slots[victim] = (slot){kind, id, now, sr};
    sr->refs++; /* the cache's own reference */
    pthread_mutex_unlock(&lock);
    if (evicted)
        release(evicted);
}

db_status rcache_run(db_conn *c, arena *a, int kind, db_stmt *stmt, int64_t id, PGresult **r)
{
    int64_t now = now_us();
    shared_result *sr = lookup(kind, id, now);
    if (!sr) {
        PGresult *res;
        db_status st = db_run(c, stmt, &res, DB_P(db_i64(a, id)));
        if (st != DB_OK)
            return st;
        sr = xmalloc(sizeof *sr);
        sr->res = res;
        sr->refs = 1; /* this reader */
        store(kind, id, now, sr);
    }
    arena_defer(a, release_deferred, sr);
    *r = sr->res;
    return DB_OK;
}

void rcache_clear(void)
{
    for (int i = 0; i < RCACHE_SLOTS; i++) {
        pthread_mutex_lock(&lock);
        shared_result *sr = slots[i].sr;
        slots[i].sr = NULL;
        pthread_mutex_unlock(&lock);
        if (sr)
            release(sr);
    }
}
