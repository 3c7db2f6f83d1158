/*
 * core/account.c — users, sessions and login throttling.
 *
 * Session cookies are 32 random bytes; the database keeps only their SHA-256
 * (computed by PostgreSQL), so a copy of the sessions table opens no session.
 */
#include "account.h"
#include "config.h"
#include "legal.h"
#include "log.h"
#include "outbox.h"
#include "password.h"
#include "text.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DB_STMT(hub_by_slug, "SELECT id FROM hubs WHERE slug = $1");
DB_STMT(hub_only, "SELECT id FROM hubs ORDER BY id LIMIT 2");
DB_STMT(hub_by_host, "SELECT hub_id FROM hub_hosts WHERE host = $1");
DB_STMT(
    user_by_email,
    "SELECT u.id, u.hub_id, u.email, u.name, u.role, u.password_hash, u.active,"
    "       coalesce(u.producer_id, 0) AS producer_id, coalesce(u.customer_id, 0) AS customer_id,"
    "       coalesce(p.slug, '') AS producer_slug"
    "  FROM users u LEFT JOIN producers p ON p.id = u.producer_id"
    " WHERE u.hub_id = $1 AND u.email = $2");
/* This attempt's number in the email's window (schema/007): one statement, under the
 * row's lock, so attempts sent at once each get their own number. */
DB_STMT(attempt_take,
        "INSERT INTO login_attempts AS a (hub_id, email) VALUES ($1, $2)"
        " ON CONFLICT (hub_id, email) DO UPDATE SET"
        "   attempts = CASE WHEN a.window_start <= now() - make_interval(mins => $3::int)"
        "                   THEN 1 ELSE a.attempts + 1 END,"
        "   window_start = CASE WHEN a.window_start <= now() - make_interval(mins => $3::int)"
        "                       THEN now() ELSE a.window_start END"
        " RETURNING attempts");
DB_STMT(login_touch, "UPDATE users SET last_active_at = now()"
                     " WHERE id = $1 AND last_active_at < now() - interval '1 hour'");
DB_STMT(attempts_clear, "DELETE FROM login_attempts WHERE hub_id = $1 AND email = $2");
/* A new session, and the oldest of the user's sessions past sessions_per_user end. */
DB_STMT(session_insert,
        "WITH oldest AS (DELETE FROM sessions WHERE id IN"
        "  (SELECT id FROM sessions WHERE hub_id = $1 AND user_id = $2"
        "    ORDER BY id DESC OFFSET $6::int - 1))"
        "INSERT INTO sessions (hub_id, user_id, token_sha256, csrf_token, expires_at)"
        " VALUES ($1, $2, sha256(convert_to($3, 'UTF8')), $4,"
        "         now() + make_interval(hours => $5::int))");
DB_STMT(
    session_find,
    "SELECT s.id, s.csrf_token, u.id AS user_id, u.hub_id, u.email, u.name, u.role,"
    "       coalesce(u.producer_id, 0) AS producer_id, coalesce(u.customer_id, 0) AS customer_id,"
    "       coalesce(p.slug, '') AS producer_slug,"
    "       ceil(extract(epoch FROM s.expires_at - now()))::bigint AS expires_in_s"
    "  FROM sessions s JOIN users u ON u.id = s.user_id"
    "  LEFT JOIN producers p ON p.id = u.producer_id"
    " WHERE s.token_sha256 = sha256(convert_to($1, 'UTF8')) AND s.expires_at > now()"
    "   AND u.active");
DB_STMT(session_delete, "DELETE FROM sessions WHERE token_sha256 = sha256(convert_to($1, 'UTF8'))");
DB_STMT(sessions_expire, "DELETE FROM sessions WHERE expires_at < now()");
DB_STMT(failures_expire,
        "WITH old AS (DELETE FROM login_failures WHERE at < now() - interval '1 day'),"
        " resets AS (DELETE FROM reset_attempts WHERE window_start < now() - interval '1 day'),"
        " tokens AS (DELETE FROM account_tokens WHERE expires_at < now() - interval '1 day')"
        "DELETE FROM login_attempts WHERE window_start < now() - interval '1 day'");
DB_STMT(producer_by_slug, "SELECT id FROM producers WHERE hub_id = $1 AND slug = $2");
DB_STMT(customer_insert, "INSERT INTO customers (hub_id, kind, name, email)"
                         " VALUES ($1, 'person', $2, $3) RETURNING id");
DB_STMT(customer_insert_full,
        "INSERT INTO customers (hub_id, kind, name, email, phone, legal_name, siret, vat_number,"
        "                       address)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id");
DB_STMT(
    user_by_id,
    "SELECT u.id, u.hub_id, u.email, u.name, u.role,"
    "       coalesce(u.producer_id, 0) AS producer_id, coalesce(u.customer_id, 0) AS customer_id,"
    "       '' AS producer_slug FROM users u WHERE u.id = $1");
DB_STMT(signup_unverified, "UPDATE users SET email_verified_at = NULL, lang = $2 WHERE id = $1");
DB_STMT(user_insert,
        "INSERT INTO users (hub_id, email, password_hash, role, name, producer_id, customer_id)"
        " VALUES ($1, $2, $3, $4, $5, nullif($6, '')::bigint, nullif($7, '')::bigint)"
        " ON CONFLICT (hub_id, email) DO NOTHING RETURNING id");

int account_role_bit(const char *role)
{
    if (!strcmp(role, "consumer"))
        return 2;
    if (!strcmp(role, "producer"))
        return 4;
    if (!strcmp(role, "coordinator"))
        return 8;
    return 0;
}

db_status account_hub_id(db_conn *c, const char *slug, int64_t *hub_id)
{
    PGresult *r;
    *hub_id = 0;
    db_status st = slug && *slug ? db_run(c, &hub_by_slug, &r, DB_P(slug))
                                 : db_run(c, &hub_only, &r, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        *hub_id = db_int(r, 0, "id");
    PQclear(r);
    return DB_OK;
}

db_status account_hub_by_host(db_conn *c, const char *host, int64_t *hub_id)
{
    PGresult *r;
    *hub_id = 0;
    db_status st = db_run(c, &hub_by_host, &r, DB_P(host));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        *hub_id = db_int(r, 0, "hub_id");
    PQclear(r);
    return DB_OK;
}

char *account_normalize_email(arena *a, const char *email)
{
    while (*email == ' ' || *email == '\t')
        email++;
    size_t n = strlen(email);
    while (n && (email[n - 1] == ' ' || email[n - 1] == '\t'))
        n--;
    if (n < 3 || n > 4 * 254) /* bytes: the limit in characters is checked below */
        return NULL;
    char *e = arena_strndup(a, email, n);
    const char *at = strchr(e, '@');
    if (!at || at == e || !at[1] || strchr(at + 1, '@') || !strchr(at + 1, '.'))
        return NULL;
    for (char *p = e; *p; p++) {
        unsigned char ch = (unsigned char)*p;
        if (ch <= ' ' || ch == '<' || ch == '>' || ch == '"' || ch == ',' || ch == ';' || ch == 127)
            return NULL;
        *p = (char)tolower(ch);
    }
    if (text_check(e, 3, 254, TEXT_LINE) != TEXT_OK)
        return NULL;
    return e;
}

static void fill_user(const PGresult *r, arena *a, account_user *u)
{
    /* sessions name it user_id, the users table id */
    u->id = PQfnumber(r, "user_id") >= 0 ? db_int(r, 0, "user_id") : db_int(r, 0, "id");
    u->hub_id = db_int(r, 0, "hub_id");
    u->email = arena_strdup(a, db_val(r, 0, "email"));
    u->name = arena_strdup(a, db_val(r, 0, "name"));
    u->role = arena_strdup(a, db_val(r, 0, "role"));
    u->producer_id = db_int(r, 0, "producer_id");
    u->customer_id = db_int(r, 0, "customer_id");
    u->producer_slug = arena_strdup(a, db_val(r, 0, "producer_slug"));
}

db_status account_login(db_conn *c, arena *a, int64_t hub_id, const char *email,
                        const char *password, account_user *user, login_result *result)
{
    *result = LOGIN_BAD;
    char *norm = account_normalize_email(a, email);
    if (!norm || strlen(password) > PASSWORD_MAX_BYTES)
        return DB_OK;
    char *hub = db_i64(a, hub_id), *window = db_i64(a, g_config.login_window_minutes);
    PGresult *r;
    /* counted before the password is checked: past the limit, no password is */
    db_status st = db_run(c, &attempt_take, &r, DB_P(hub, norm, window));
    if (st != DB_OK)
        return st;
    int64_t attempt = db_int(r, 0, "attempts");
    PQclear(r);
    if (attempt > g_config.login_max_failures) {
        *result = LOGIN_THROTTLED;
        log_event(LOG_WARN, "auth.throttled", "hub=%lld attempt=%lld", (long long)hub_id,
                  (long long)attempt);
        return DB_OK;
    }
    st = db_run(c, &user_by_email, &r, DB_P(hub, norm));
    if (st != DB_OK)
        return st;
    bool ok = false;
    if (PQntuples(r) == 1 && db_bool(r, 0, "active")) {
        ok = password_verify(password, db_val(r, 0, "password_hash"));
    } else {
        /* spend the same time on an unknown email as on a wrong password */
        password_verify(password,
                        "$y$j9T$abcdefghijklmnopqrstu.$0123456789abcdefghijklmnopqrstuvwxyzABC");
    }
    if (ok) {
        fill_user(r, a, user);
        *result = LOGIN_OK;
    }
    PQclear(r);
    if (!ok)
        return DB_OK; /* a failure stays counted */
    /* the right password starts the count again, and keeps the account from the idle
     * purge */
    db_status st2 = db_do(c, &attempts_clear, DB_P(hub, norm));
    return st2 == DB_OK ? db_do(c, &login_touch, DB_P(db_i64(a, user->id))) : st2;
}

db_status account_session_create(db_conn *c, arena *a, const account_user *user, char *token,
                                 const char **csrf)
{
    char csrf_token[48];
    random_token(token, 32);
    random_token(csrf_token, 24);
    *csrf = arena_strdup(a, csrf_token);
    return db_do(c, &session_insert,
                 DB_P(db_i64(a, user->hub_id), db_i64(a, user->id), token, *csrf,
                      db_i64(a, g_config.session_hours), db_i64(a, g_config.sessions_per_user)));
}

db_status account_session_find(db_conn *c, arena *a, const char *token, account_session *s,
                               bool *found)
{
    *found = false;
    PGresult *r;
    db_status st = db_run(c, &session_find, &r, DB_P(token));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1) {
        s->id = db_int(r, 0, "id");
        s->csrf = arena_strdup(a, db_val(r, 0, "csrf_token"));
        s->expires_in_s = db_int(r, 0, "expires_in_s");
        fill_user(r, a, &s->user);
        *found = true;
    }
    PQclear(r);
    return DB_OK;
}

db_status account_session_delete(db_conn *c, const char *token)
{
    return db_do(c, &session_delete, DB_P(token));
}

db_status account_cleanup(db_conn *c, int64_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run(c, &sessions_expire, &r, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    *n += strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    st = db_run(c, &failures_expire, &r, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    *n += strtoll(PQcmdTuples(r), NULL, 10);
    PQclear(r);
    return DB_OK;
}

db_status account_user_add(db_conn *c, arena *a, int64_t hub_id, const char *email,
                           const char *password, const char *role, const char *producer_slug,
                           const char *name, int64_t customer_id, int64_t *user_id, char *err,
                           size_t errlen)
{
    char *norm = account_normalize_email(a, email);
    if (!norm) {
        snprintf(err, errlen, "email: \"%s\" is not an email address", email);
        return DB_ERROR;
    }
    if (!account_role_bit(role)) {
        snprintf(err, errlen, "role: must be consumer, producer or coordinator");
        return DB_ERROR;
    }
    const char *why = password_policy(password, norm, "en");
    if (why) {
        snprintf(err, errlen, "password: %s", why);
        return DB_ERROR;
    }
    if (name && text_check(name, 0, 200, TEXT_LINE) != TEXT_OK) {
        snprintf(err, errlen,
                 "name: at most 200 characters of valid UTF-8, on one line, "
                 "without control characters or noncharacters");
        return DB_ERROR;
    }
    char *hub = db_i64(a, hub_id);
    const char *producer = "", *customer = customer_id ? db_i64(a, customer_id) : "";
    PGresult *r;
    db_status st;
    if (!strcmp(role, "producer")) {
        if (!producer_slug || !*producer_slug) {
            snprintf(err, errlen, "producer: a producer account needs --producer SLUG");
            return DB_ERROR;
        }
        if ((st = db_run(c, &producer_by_slug, &r, DB_P(hub, producer_slug))) != DB_OK)
            return st;
        if (PQntuples(r) == 1)
            producer = arena_strdup(a, db_val(r, 0, "id"));
        PQclear(r);
        if (!*producer) {
            snprintf(err, errlen, "producer: no producer \"%s\" in this hub", producer_slug);
            return DB_ERROR;
        }
    } else if (producer_slug && *producer_slug) {
        snprintf(err, errlen, "producer: only a producer account has a producer");
        return DB_ERROR;
    }
    char hash[256];
    if (password_hash(password, hash, sizeof hash) != 0) {
        snprintf(err, errlen, "password: the key derivation function failed");
        return DB_ERROR;
    }
    if (!strcmp(role, "consumer") && !customer_id) {
        const char *cname = name && *name ? name : norm;
        if ((st = db_run(c, &customer_insert, &r, DB_P(hub, cname, norm))) != DB_OK)
            return st;
        customer = arena_strdup(a, db_val(r, 0, "id"));
        PQclear(r);
    }
    st = db_run(c, &user_insert, &r,
                DB_P(hub, norm, hash, role, name ? name : "", producer, customer));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0) {
        PQclear(r);
        snprintf(err, errlen, "email: an account with this email already exists");
        return DB_ERROR;
    }
    *user_id = db_int(r, 0, "id");
    PQclear(r);
    return DB_OK;
}

static bool phone_ok(const char *p)
{
    int digits = 0;
    for (const char *s = p; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (!strchr(" +.-()", *s))
            return false;
    }
    return *p == '\0' || (digits >= 6 && digits <= 20);
}

/* One problem of a sign-up form; all are collected, so the form marks every field. */
static void problem(refusal_detail *d, size_t *n, const char *field, const char *fr, const char *en)
{
    d[(*n)++] = (refusal_detail){!strcmp(field, "email")      ? "invalid_email"
                                 : !strcmp(field, "password") ? "weak_password"
                                                              : "invalid_field",
                                 field, fr, en};
}

static int check_signup(arena *a, const account_signup_in *in, char **email, refusal *why)
{
    refusal_detail *d = arena_alloc(a, 8 * sizeof *d);
    size_t n = 0;
    *email = account_normalize_email(a, in->email ? in->email : "");
    if (!*email)
        problem(d, &n, "email", "Cette adresse e-mail n’est pas valide.",
                "This email address is not valid.");
    const char *pw = in->password ? in->password : "", *who = *email ? *email : "";
    const char *pw_fr = password_policy(pw, who, "fr");
    if (pw_fr)
        problem(d, &n, "password", pw_fr, password_policy(pw, who, "en"));
    text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE,
                "Indiquez votre nom (200 caractères au plus).",
                "Give your name (at most 200 characters).");
    if (in->phone && (text_check(in->phone, 0, 40, TEXT_LINE) != TEXT_OK || !phone_ok(in->phone)))
        problem(d, &n, "phone", "Ce numéro de téléphone n’est pas valide.",
                "This phone number is not valid.");
    bool business = (in->legal_name && *in->legal_name) || (in->siret && *in->siret) ||
                    (in->vat_number && *in->vat_number);
    if (business) {
        text_detail(a, d, &n, "legal_name", in->legal_name, 1, 200, TEXT_LINE,
                    "Une entreprise indique sa raison sociale (200 caractères au plus).",
                    "A business gives its legal name (at most 200 characters).");
        if (!in->siret || !siret_valid(in->siret))
            problem(d, &n, "siret", "Le SIRET compte 14 chiffres (et sa clé doit être juste).",
                    "The SIRET is 14 digits (with a valid check digit).");
        if (in->vat_number && *in->vat_number && !vat_number_valid(in->vat_number))
            problem(d, &n, "vat_number", "Ce numéro de TVA intracommunautaire n’est pas valide.",
                    "This VAT number is not valid.");
        text_detail(a, d, &n, "address", in->address, 1, 300, TEXT_LINE,
                    "Une entreprise indique son adresse de facturation (300 caractères au plus).",
                    "A business gives its billing address (at most 300 characters).");
    }
    if (n == 0)
        return 0;
    refuse(why, 422, d[0].code, d[0].field, d[0].fr, d[0].en);
    if (n > 1) {
        why->details = d;
        why->ndetails = n;
    }
    return 1;
}

typedef struct {
    arena *a;
    int64_t hub;
    const account_signup_in *in;
    const char *email;
    account_user *user;
    refusal *why;
} signup_ctx;

static int signup_tx(db_conn *c, void *p)
{
    signup_ctx *x = p;
    const account_signup_in *in = x->in;
    bool business = in->legal_name && *in->legal_name;
    PGresult *r;
    char *hub = db_i64(x->a, x->hub);
    int st = db_run_a(
        c, x->a, &customer_insert_full, &r,
        DB_P(hub, business ? "business" : "person", in->name, x->email, in->phone ? in->phone : "",
             business ? in->legal_name : "", business ? in->siret : "",
             business && in->vat_number ? in->vat_number : "", in->address ? in->address : ""));
    if (st != DB_OK)
        return st;
    int64_t customer = db_int(r, 0, "id"), user_id;
    char err[256] = "";
    st = account_user_add(c, x->a, x->hub, x->email, in->password, "consumer", NULL, in->name,
                          customer, &user_id, err, sizeof err);
    if (st == DB_ERROR && err[0])
        return refuse(x->why, 409, "email_taken", "email",
                      "Un compte existe déjà avec cette adresse ; connectez-vous.",
                      "An account already exists with this email; log in instead.");
    if (st != DB_OK)
        return st;
    const char *uid = db_i64(x->a, user_id);
    const char *lang = in->lang && !strcmp(in->lang, "en") ? "en" : "fr";
    if ((st = db_do(c, &signup_unverified, DB_P(uid, lang))) != DB_OK ||
        (st = outbox_event(c, x->a, x->hub, "account_created",
                           arena_printf(x->a, "{\"user\": %s}", uid))) != DB_OK)
        return st;
    if ((st = db_run_a(c, x->a, &user_by_id, &r, DB_P(uid))) != DB_OK)
        return st;
    fill_user(r, x->a, x->user);
    return 0;
}

int account_signup(db_conn *c, arena *a, int64_t hub, const account_signup_in *in,
                   account_user *user, refusal *why)
{
    char *email;
    int st = check_signup(a, in, &email, why);
    if (st)
        return st;
    signup_ctx x = {a, hub, in, email, user, why};
    return db_transaction(c, false, signup_tx, &x);
}
