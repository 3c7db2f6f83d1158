/*
 * server/session_cache.c — sessions kept in memory, forgotten on every notice (why and
 * when: server/session_cache.h).
 *
 * A fixed table of SC_SLOTS entries under one mutex, keyed by the SHA-256 of the
 * cookie (the cookie itself is never kept); a newer session takes an older one's slot.
 * Forgetting is moving the epoch: entries of an older epoch are dead, and their memory
 * is reused when their slot is.
 */
#include "session_cache.h"
#include "../core/config.h"
#include "../core/db.h"
#include "../core/log.h"
#include "../core/sha256.h"
#include "../core/util.h"

#include <libpq-fe.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SC_SLOTS 1024 /* a power of two */

typedef struct sc_entry {
    unsigned char key[32];
    uint64_t epoch; /* 0: empty */
    int64_t until_us;
    int64_t id, user_id, hub_id, producer_id, customer_id;
    char *email, *name, *role, *producer_slug, *csrf;
} sc_entry;

static sc_entry table[SC_SLOTS];
static pthread_mutex_t table_lock = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t epoch = 1;
static atomic_bool listening, stopping;
static pthread_t listener;
static bool started;

uint64_t session_cache_epoch(void)
{
    return atomic_load(&epoch);
}

void session_cache_flush(void)
{
    atomic_fetch_add(&epoch, 1);
}

static sc_entry *slot_of(const unsigned char key[32])
{
    return &table[(key[0] | (unsigned)key[1] << 8) & (SC_SLOTS - 1)];
}

bool session_cache_get(const char *token, arena *a, account_session *out)
{
    if (g_config.session_cache_s <= 0 || !atomic_load(&listening))
        return false;
    unsigned char key[32];
    sha256(token, strlen(token), key);
    int64_t now = now_us();
    bool hit = false;
    pthread_mutex_lock(&table_lock);
    sc_entry *e = slot_of(key);
    if (e->epoch == atomic_load(&epoch) && e->until_us > now && !memcmp(e->key, key, 32)) {
        *out = (account_session){.id = e->id,
                                 .csrf = arena_strdup(a, e->csrf),
                                 .expires_in_s = (e->until_us - now) / 1000000,
                                 .user = {.id = e->user_id,
                                          .hub_id = e->hub_id,
                                          .producer_id = e->producer_id,
                                          .customer_id = e->customer_id,
                                          .email = arena_strdup(a, e->email),
                                          .name = arena_strdup(a, e->name),
                                          .role = arena_strdup(a, e->role),
                                          .producer_slug = arena_strdup(a, e->producer_slug)}};
        hit = true;
    }
    pthread_mutex_unlock(&table_lock);
    return hit;
}

static void entry_free(sc_entry *e)
{
    free(e->email);
    free(e->name);
    free(e->role);
    free(e->producer_slug);
    free(e->csrf);
    memset(e, 0, sizeof *e);
}

void session_cache_put(const char *token, uint64_t at, const account_session *s)
{
    int ttl = g_config.session_cache_s;
    if (ttl <= 0 || !atomic_load(&listening) || s->expires_in_s <= 0)
        return;
    if (s->expires_in_s < ttl)
        ttl = (int)s->expires_in_s;
    unsigned char key[32];
    sha256(token, strlen(token), key);
    pthread_mutex_lock(&table_lock);
    if (at == atomic_load(&epoch)) { /* else a notice came while it was read: stale */
        sc_entry *e = slot_of(key);
        entry_free(e);
        memcpy(e->key, key, 32);
        e->epoch = at;
        e->until_us = now_us() + (int64_t)ttl * 1000000;
        e->id = s->id;
        e->user_id = s->user.id;
        e->hub_id = s->user.hub_id;
        e->producer_id = s->user.producer_id;
        e->customer_id = s->user.customer_id;
        e->email = xstrdup(s->user.email);
        e->name = xstrdup(s->user.name);
        e->role = xstrdup(s->user.role);
        e->producer_slug = xstrdup(s->user.producer_slug);
        e->csrf = xstrdup(s->csrf);
    }
    pthread_mutex_unlock(&table_lock);
}

/* One listening connection, until it fails or the server stops. */
static void listen_once(void)
{
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d",
             g_config.db_connect_timeout_s > 0 ? g_config.db_connect_timeout_s : 5);
    /* keepalives: a connection to a machine that vanished is noticed within seconds */
    const char *keys[] = {
        "dbname",          "connect_timeout",     "application_name", "keepalives",
        "keepalives_idle", "keepalives_interval", "keepalives_count", NULL};
    const char *vals[] = {g_config.database_url, timeout, "km0-sessions", "1", "5", "2", "2", NULL};
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    db_log_notices(pg);
    if (PQstatus(pg) != CONNECTION_OK) {
        PQfinish(pg);
        return;
    }
    PGresult *r = PQexec(pg, "LISTEN km0_sessions");
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    PQclear(r);
    if (!ok) {
        PQfinish(pg);
        return;
    }
    session_cache_flush(); /* what was kept before this connection listened is unknown */
    atomic_store(&listening, true);
    log_event(LOG_INFO, "session_cache.listening", NULL);
    while (!atomic_load(&stopping)) {
        struct pollfd p = {.fd = PQsocket(pg), .events = POLLIN};
        int n = poll(&p, 1, 500);
        if (n < 0)
            continue;
        if (n > 0 && !PQconsumeInput(pg))
            break;
        if (PQstatus(pg) != CONNECTION_OK)
            break;
        PGnotify *note;
        bool any = false;
        while ((note = PQnotifies(pg))) {
            any = true;
            PQfreemem(note);
        }
        if (any)
            session_cache_flush();
    }
    atomic_store(&listening, false);
    session_cache_flush();
    if (!atomic_load(&stopping))
        log_event(LOG_WARN, "session_cache.connection_lost",
                  "hint=\"sessions read from "
                  "PostgreSQL until it listens again\"");
    PQfinish(pg);
}

static void *listen_loop(void *arg)
{
    (void)arg;
    while (!atomic_load(&stopping)) {
        listen_once();
        for (int i = 0; i < 10 && !atomic_load(&stopping); i++)
            usleep(100 * 1000);
    }
    return NULL;
}

void session_cache_start(void)
{
    if (g_config.session_cache_s <= 0 || started)
        return;
    atomic_store(&stopping, false);
    started = pthread_create(&listener, NULL, listen_loop, NULL) == 0;
}

void session_cache_stop(void)
{
    atomic_store(&stopping, true);
    if (started)
        pthread_join(listener, NULL);
    started = false;
    atomic_store(&listening, false);
    session_cache_flush();
    pthread_mutex_lock(&table_lock);
    for (size_t i = 0; i < SC_SLOTS; i++)
        entry_free(&table[i]);
    pthread_mutex_unlock(&table_lock);
}
