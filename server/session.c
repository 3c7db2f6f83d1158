/*
 * server/session.c — sessions on top of core/account.c, and the server's timer.
 */
#include "session.h"
#include "../core/config.h"
#include "../core/cycle.h"
#include "../core/log.h"
#include "../core/util.h"
#include "http_input.h"
#include "hub_select.h"
#include "session_cache.h"

#include <string.h>
#include <time.h>

/* A cookie we issued: 43 base64url characters. Anything else is ignored outright
 * (the check is server/http_input.c's, fuzzed alone). */
static bool token_shape_ok(const char *t)
{
    return http_token_shape_ok(t, 43, 43);
}

static int role_of(const char *role)
{
    return account_role_bit(role);
}

static void attach(http_req *req, const account_user *u, int64_t session_id, const char *csrf)
{
    http_session *s = arena_alloc(req->mem, sizeof *s);
    s->id = session_id;
    s->user_id = u->id;
    s->hub_id = u->hub_id;
    s->role = role_of(u->role);
    s->producer_id = u->producer_id;
    s->customer_id = u->customer_id;
    s->email = u->email;
    s->name = u->name;
    s->csrf = csrf;
    s->producer_slug = u->producer_slug;
    req->session = s;
    req->hub_id = u->hub_id;
}

int session_load(http_req *req)
{
    const char *token = http_cookie(req, SESSION_COOKIE);
    if (!token_shape_ok(token))
        return DB_OK;
    account_session s;
    if (session_cache_get(token, req->mem, &s)) { /* server/session_cache.h */
        attach(req, &s.user, s.id, s.csrf);
        return DB_OK;
    }
    uint64_t epoch = session_cache_epoch();
    bool found;
    db_status st = account_session_find(req->db, req->mem, token, &s, &found);
    if (st != DB_OK || !found)
        return st;
    session_cache_put(token, epoch, &s);
    attach(req, &s.user, s.id, s.csrf);
    return DB_OK;
}

int session_default_hub(http_req *req)
{
    return hub_select(req);
}

int session_start(http_req *req, const account_user *user)
{
    const char *old = http_cookie(req, SESSION_COOKIE);
    if (token_shape_ok(old)) {
        db_status st = account_session_delete(req->db, old);
        if (st != DB_OK)
            return st;
    }
    char token[48];
    const char *csrf;
    db_status st = account_session_create(req->db, req->mem, user, token, &csrf);
    if (st != DB_OK)
        return st;
    http_set_cookie(req, SESSION_COOKIE, token, g_config.session_hours * 3600, true);
    attach(req, user, 0, csrf);
    log_event(LOG_INFO, "auth.login", "req=%s user=%lld", req->id, (long long)user->id);
    return DB_OK;
}

int session_end(http_req *req)
{
    const char *token = http_cookie(req, SESSION_COOKIE);
    if (token_shape_ok(token)) {
        db_status st = account_session_delete(req->db, token);
        if (st != DB_OK)
            return st;
    }
    http_set_cookie(req, SESSION_COOKIE, "", 0, true);
    if (req->session)
        log_event(LOG_INFO, "auth.logout", "req=%s user=%lld", req->id,
                  (long long)req->session->user_id);
    req->session = NULL;
    return DB_OK;
}

/* Called by the serving loop every 200 ms, on the loop's own connection (never
 * one of the workers'): cycle transitions every few seconds, cleanup every minute. */
void server_tick(void)
{
    static time_t last_advance, last_cleanup;
    time_t now = time(NULL);
    if (now - last_advance < 5)
        return;
    last_advance = now;
    db_conn *c = db_thread_conn();
    if (!c)
        return;
    int changed;
    cycle_advance(c, 0, &changed);
    if (now - last_cleanup < 60)
        return;
    last_cleanup = now;
    int64_t n;
    if (account_cleanup(c, &n) == DB_OK && n > 0)
        log_event(LOG_INFO, "tick.cleanup", "rows=%lld", (long long)n);
}
