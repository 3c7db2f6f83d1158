/*
 * core/rcache.c — shared PGresults with reference counts, refreshed after a second.
 *
 * A PGresult is immutable once received, so threads may read one at the same
 * time; the entry's reference count says when the last reader is done.
 *
 * When an entry is past its second, one reader refreshes it and the others keep
 * reading the previous result meanwhile (for at most RCACHE_STALE_US): without that,
 * every thread that arrives during the refresh runs the same statement, and a
 * statement of 150 ms over a 100 000-offer cycle (the shop's category counts) run by
 * sixteen threads at once every second is most of what the server does
 * (bench/search.sh measured a third of PostgreSQL's own rate before this).
 */
#include "rcache.h"
#include "util.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#define RCACHE_SLOTS  16
#define RCACHE_TTL_US 1000000
/* past this age an entry is not served, even while another reader refreshes it */
#define RCACHE_STALE_US (5 * RCACHE_TTL_US)

typedef struct shared_result {
    PGresult *res;
    int refs; /* under the lock */
} shared_result;

typedef struct {
    int kind;
    int64_t id;
    int64_t fetched_us;
    shared_result *sr;
    bool refreshing; /* a reader is running the statement again */
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

/* The entry for (kind, id) if it is fresh, or stale while another reader refreshes
 * it; NULL otherwise, with *refresher set when this caller is the one to run the
 * statement again (store or abandon then clears the claim). */
static shared_result *lookup(int kind, int64_t id, int64_t now, bool *refresher)
{
    shared_result *found = NULL;
    *refresher = false;
    pthread_mutex_lock(&lock);
    for (int i = 0; i < RCACHE_SLOTS; i++) {
        slot *s = &slots[i];
        if (!s->sr || s->kind != kind || s->id != id)
            continue;
        int64_t age = now - s->fetched_us;
        if (age < RCACHE_TTL_US || (s->refreshing && age < RCACHE_STALE_US)) {
            found = s->sr;
            found->refs++;
        } else if (!s->refreshing) {
            s->refreshing = true;
            *refresher = true;
        }
        break;
    }
    pthread_mutex_unlock(&lock);
    return found;
}

/* The refresh failed: the next reader past the second tries again. */
static void abandon(int kind, int64_t id)
{
    pthread_mutex_lock(&lock);
    for (int i = 0; i < RCACHE_SLOTS; i++)
        if (slots[i].sr && slots[i].kind == kind && slots[i].id == id)
            slots[i].refreshing = false;
    pthread_mutex_unlock(&lock);
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
    slots[victim] = (slot){kind, id, now, sr, false};
    sr->refs++; /* the cache's own reference */
    pthread_mutex_unlock(&lock);
    if (evicted)
        release(evicted);
}

db_status rcache_run(db_conn *c, arena *a, int kind, db_stmt *stmt, int64_t id, PGresult **r)
{
    int64_t now = now_us();
    bool refresher;
    shared_result *sr = lookup(kind, id, now, &refresher);
    if (!sr) {
        PGresult *res;
        db_status st = db_run(c, stmt, &res, DB_P(db_i64(a, id)));
        if (st != DB_OK) {
            if (refresher)
                abandon(kind, id);
            return st;
        }
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
