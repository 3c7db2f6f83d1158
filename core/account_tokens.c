/*
 * core/account_tokens.c — address verification, password reset and change
 * (core/account_tokens.h).
 *
 * A token is looked up by its SHA-256 (computed by PostgreSQL, as for sessions) and
 * locked for the transaction that uses it, so two requests with the same token
 * cannot both use it. Tokens of the wrong shape are refused before any query, with
 * the same answer as an unknown one.
 */
#include "account_tokens.h"
#include "log.h"
#include "outbox.h"
#include "password.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(token_insert,
        "INSERT INTO account_tokens (token_sha256, hub_id, user_id, purpose, expires_at)"
        " VALUES (sha256(convert_to($1, 'UTF8')), $2, $3, $4,"
        "         now() + make_interval(mins => $5::int))");
DB_STMT(token_lock,
        "SELECT t.user_id, t.hub_id, t.purpose, t.used_at IS NOT NULL AS used,"
        "       t.expires_at <= now() AS expired, u.email, u.closed_at IS NOT NULL AS closed"
        "  FROM account_tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_sha256 = sha256(convert_to($1, 'UTF8')) FOR UPDATE OF t");
DB_STMT(token_used, "UPDATE account_tokens SET used_at = now()"
                    " WHERE token_sha256 = sha256(convert_to($1, 'UTF8'))");
DB_STMT(tokens_used_up, "UPDATE account_tokens SET used_at = now()"
                        " WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL");
DB_STMT(mark_verified, "UPDATE users SET email_verified_at = coalesce(email_verified_at, now())"
                       " WHERE id = $1");
DB_STMT(reset_take, "INSERT INTO reset_attempts AS a (hub_id, email) VALUES ($1, $2)"
                    " ON CONFLICT (hub_id, email) DO UPDATE SET"
                    "   attempts = CASE WHEN a.window_start <= now() - interval '1 hour'"
                    "                   THEN 1 ELSE a.attempts + 1 END,"
                    "   window_start = CASE WHEN a.window_start <= now() - interval '1 hour'"
                    "                       THEN now() ELSE a.window_start END"
                    " RETURNING attempts");
/* One statement whether an account has the address or not: the same work either way. */
DB_STMT(reset_event, "INSERT INTO mail_events (hub_id, kind, payload)"
                     " SELECT $1, 'password_reset', jsonb_build_object('user', id) FROM users"
                     "  WHERE hub_id = $1 AND email = $2 AND active AND closed_at IS NULL");
DB_STMT(user_lock, "SELECT id, hub_id, email, password_hash FROM users"
                   " WHERE id = $1 AND active AND closed_at IS NULL FOR UPDATE");
DB_STMT(set_password, "UPDATE users SET password_hash = $2 WHERE id = $1");
DB_STMT(end_sessions, "DELETE FROM sessions WHERE user_id = $1 AND id <> $2::bigint");
DB_STMT(clear_attempts, "DELETE FROM login_attempts WHERE hub_id = $1 AND email = $2");
DB_STMT(may_order,
        "SELECT NOT s.require_verified_email"
        "       OR coalesce(bool_or(u.email_verified_at IS NOT NULL), false)"
        "       OR EXISTS (SELECT 1 FROM orders o WHERE o.hub_id = $1 AND o.customer_id = $2)"
        "       AS ok"
        "  FROM hub_settings s LEFT JOIN users u ON u.hub_id = $1 AND u.customer_id = $2"
        " WHERE s.hub_id = $1 GROUP BY s.require_verified_email");
DB_STMT(touch, "UPDATE users SET last_active_at = now()"
               " WHERE id = $1 AND last_active_at < now() - interval '1 hour'");
DB_STMT(touch_customer, "UPDATE users SET last_active_at = now()"
                        " WHERE hub_id = $1 AND customer_id = $2"
                        "   AND last_active_at < now() - interval '1 hour'");

db_status account_token_make(db_conn *c, arena *a, int64_t hub, int64_t user, const char *purpose,
                             char *raw)
{
    random_token(raw, 32);
    int ttl = !strcmp(purpose, "reset") ? ACCOUNT_RESET_TTL_MIN : ACCOUNT_VERIFY_TTL_MIN;
    return db_do(c, &token_insert,
                 DB_P(raw, db_i64(a, hub), db_i64(a, user), purpose, db_i64(a, ttl)));
}

/* 43 base64url characters, as random_token makes them from 32 bytes. */
static bool token_shape_ok(const char *t)
{
    if (!t || strlen(t) != 43)
        return false;
    for (const char *p = t; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    return true;
}

static int unknown_token(refusal *why)
{
    return refuse(why, 422, "invalid_token", "token",
                  "Ce lien n’est pas valable ou a déjà servi : demandez-en un nouveau.",
                  "This link is not valid or has been used already: ask for a new one.");
}

/* Lock the token: 0 with its row in *r, or a refusal (unknown, used, wrong purpose,
 * closed account: 422 invalid_token, one answer for all; expired: 410). */
static int take_token(db_conn *c, arena *a, const char *token, const char *purpose, PGresult **r,
                      refusal *why)
{
    if (!token_shape_ok(token))
        return unknown_token(why);
    int st = db_run_a(c, a, &token_lock, r, DB_P(token));
    if (st != DB_OK)
        return st;
    if (PQntuples(*r) != 1 || strcmp(db_val(*r, 0, "purpose"), purpose) != 0 ||
        db_bool(*r, 0, "used") || db_bool(*r, 0, "closed"))
        return unknown_token(why);
    if (db_bool(*r, 0, "expired"))
        return refuse(why, 410, "expired_token", "token",
                      "Ce lien a expiré : demandez-en un nouveau.",
                      "This link has expired: ask for a new one.");
    return 0;
}

typedef struct {
    arena *a;
    const char *token, *password;
    int64_t user;
    refusal *why;
} token_ctx;

static int verify_tx(db_conn *c, void *p)
{
    token_ctx *x = p;
    PGresult *r;
    int st = take_token(c, x->a, x->token, "verify", &r, x->why);
    if (st)
        return st;
    x->user = db_int(r, 0, "user_id");
    const char *u = db_i64(x->a, x->user);
    if ((st = db_do(c, &token_used, DB_P(x->token))) != DB_OK ||
        (st = db_do(c, &mark_verified, DB_P(u))) != DB_OK)
        return st;
    return 0;
}

int account_verify(db_conn *c, arena *a, const char *token, int64_t *user_id, refusal *why)
{
    token_ctx x = {a, token, NULL, 0, why};
    int st = db_transaction(c, false, verify_tx, &x);
    *user_id = x.user;
    if (st == 0)
        log_event(LOG_INFO, "account.verified", "user=%lld", (long long)x.user);
    return st;
}

typedef struct {
    arena *a;
    int64_t hub;
    const char *email;
    refusal *why;
} reset_req_ctx;

static int reset_request_tx(db_conn *c, void *p)
{
    reset_req_ctx *x = p;
    const char *hub = db_i64(x->a, x->hub);
    PGresult *r;
    int st = db_run_a(c, x->a, &reset_take, &r, DB_P(hub, x->email));
    if (st != DB_OK)
        return st;
    if (db_int(r, 0, "attempts") > ACCOUNT_RESETS_PER_HOUR) {
        log_event(LOG_WARN, "account.reset_throttled", "hub=%lld", (long long)x->hub);
        return refuse(x->why, 429, "too_many_requests", "email",
                      "Trop de demandes pour cette adresse : réessayez dans une heure.",
                      "Too many requests for this address: try again in an hour.");
    }
    return db_do(c, &reset_event, DB_P(hub, x->email));
}

int account_reset_request(db_conn *c, arena *a, int64_t hub, const char *email, refusal *why)
{
    char *norm = account_normalize_email(a, email ? email : "");
    if (!norm)
        return refuse(why, 422, "invalid_email", "email", "Cette adresse e-mail n’est pas valide.",
                      "This email address is not valid.");
    reset_req_ctx x = {a, hub, norm, why};
    return db_transaction(c, false, reset_request_tx, &x);
}

static int reset_check_tx(db_conn *c, void *p)
{
    token_ctx *x = p;
    PGresult *r;
    return take_token(c, x->a, x->token, "reset", &r, x->why);
}

int account_reset_check(db_conn *c, arena *a, const char *token, refusal *why)
{
    token_ctx x = {a, token, NULL, 0, why};
    return db_transaction(c, false, reset_check_tx, &x);
}

/* The new password of user (row r: email, hub_id): policy, hash, every other session
 * ended, the event that tells the owner. */
static int set_new_password(db_conn *c, arena *a, const PGresult *r, int64_t user,
                            int64_t keep_session, const char *password, refusal *why)
{
    const char *email = db_val(r, 0, "email");
    const char *fr = password_policy(password ? password : "", email, "fr");
    if (fr)
        return refuse(why, 422, "weak_password", "password", fr,
                      password_policy(password ? password : "", email, "en"));
    char hash[256];
    if (password_hash(password, hash, sizeof hash) != 0)
        return DB_ERROR;
    const char *u = db_i64(a, user), *hub = db_i64(a, db_int(r, 0, "hub_id"));
    int st;
    if ((st = db_do(c, &set_password, DB_P(u, hash))) != DB_OK ||
        (st = db_do(c, &end_sessions, DB_P(u, db_i64(a, keep_session)))) != DB_OK ||
        (st = db_do(c, &clear_attempts, DB_P(hub, email))) != DB_OK)
        return st;
    return outbox_event(c, a, db_int(r, 0, "hub_id"), "password_changed",
                        arena_printf(a, "{\"user\": %lld}", (long long)user));
}

static int reset_tx(db_conn *c, void *p)
{
    token_ctx *x = p;
    PGresult *r;
    int st = take_token(c, x->a, x->token, "reset", &r, x->why);
    if (st)
        return st;
    x->user = db_int(r, 0, "user_id");
    const char *u = db_i64(x->a, x->user);
    if ((st = set_new_password(c, x->a, r, x->user, 0, x->password, x->why)) != 0 ||
        (st = db_do(c, &tokens_used_up, DB_P(u, "reset"))) != DB_OK ||
        (st = db_do(c, &mark_verified, DB_P(u))) != DB_OK)
        return st;
    return 0;
}

int account_reset_password(db_conn *c, arena *a, const char *token, const char *password,
                           refusal *why)
{
    token_ctx x = {a, token, password, 0, why};
    int st = db_transaction(c, false, reset_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "account.password_reset", "user=%lld", (long long)x.user);
    return st;
}

typedef struct {
    arena *a;
    int64_t user, keep;
    const char *current, *password;
    refusal *why;
} change_ctx;

static int change_tx(db_conn *c, void *p)
{
    change_ctx *x = p;
    PGresult *r;
    int st = db_run_a(c, x->a, &user_lock, &r, DB_P(db_i64(x->a, x->user)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1 || !x->current || strlen(x->current) > PASSWORD_MAX_BYTES ||
        !password_verify(x->current, db_val(r, 0, "password_hash")))
        return refuse(x->why, 401, "wrong_password", "current_password",
                      "Le mot de passe actuel n’est pas le bon.",
                      "The current password is not right.");
    return set_new_password(c, x->a, r, x->user, x->keep, x->password, x->why);
}

int account_change_password(db_conn *c, arena *a, int64_t user, int64_t keep_session,
                            const char *current, const char *password, refusal *why)
{
    change_ctx x = {a, user, keep_session, current, password, why};
    int st = db_transaction(c, false, change_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "account.password_changed", "user=%lld", (long long)user);
    return st;
}

db_status account_may_order(db_conn *c, arena *a, int64_t hub, int64_t customer, bool *ok)
{
    PGresult *r;
    *ok = true;
    db_status st = db_run_a(c, a, &may_order, &r, DB_P(db_i64(a, hub), db_i64(a, customer)));
    if (st == DB_OK && PQntuples(r) == 1)
        *ok = db_bool(r, 0, "ok");
    return st;
}

db_status account_touch(db_conn *c, arena *a, int64_t user)
{
    return db_do(c, &touch, DB_P(db_i64(a, user)));
}

db_status account_touch_customer(db_conn *c, arena *a, int64_t hub, int64_t customer)
{
    return db_do(c, &touch_customer, DB_P(db_i64(a, hub), db_i64(a, customer)));
}
