/*
 * core/account_privacy.c — preferences, export, closing and the idle purge
 * (core/account_privacy.h).
 *
 * Closing is set-based (the ids of the accounts to close as one array), so the purge
 * of a thousand idle accounts is the same few statements as one user's own request.
 */
#include "account_privacy.h"
#include "log.h"
#include "util.h"

#include <string.h>

DB_STMT(prefs_of, "SELECT lang, msg_shop_open, msg_shop_closing, email, name,"
                  " email_verified_at IS NOT NULL AS verified"
                  " FROM users WHERE id = $1 AND closed_at IS NULL");
DB_STMT(prefs_set, "UPDATE users SET lang = $2, msg_shop_open = $3::boolean,"
                   " msg_shop_closing = $4::boolean WHERE id = $1 AND closed_at IS NULL"
                   " RETURNING id");
DB_STMT(unsub_open, "UPDATE users SET msg_shop_open = false"
                    " WHERE hub_id = $1 AND id = $2 AND closed_at IS NULL RETURNING id");
DB_STMT(unsub_closing, "UPDATE users SET msg_shop_closing = false"
                       " WHERE hub_id = $1 AND id = $2 AND closed_at IS NULL RETURNING id");
DB_STMT(
    export_doc,
    "SELECT jsonb_pretty(jsonb_build_object("
    " 'exported_at', now(),"
    " 'account', jsonb_build_object('id', u.id, 'email', u.email, 'name', u.name,"
    "   'role', u.role, 'language', u.lang, 'created_at', u.created_at,"
    "   'email_verified_at', u.email_verified_at, 'last_active_at', u.last_active_at,"
    "   'optional_messages', jsonb_build_object('shop_open', u.msg_shop_open,"
    "     'shop_closing', u.msg_shop_closing)),"
    " 'hub', (SELECT jsonb_build_object('name', h.name, 'email', h.email, 'address', h.address)"
    "         FROM hubs h WHERE h.id = u.hub_id),"
    " 'customer', (SELECT to_jsonb(c) - 'hub_id' FROM customers c WHERE c.id = u.customer_id),"
    " 'producer', (SELECT jsonb_build_object('slug', p.slug, 'name', p.name, 'email', p.email)"
    "              FROM producers p WHERE p.id = u.producer_id),"
    " 'orders', (SELECT coalesce(jsonb_agg(jsonb_build_object('id', o.id, 'cycle', cy.name,"
    "     'delivery_date', cy.delivery_date, 'pickup_point', pp.name,"
    "     'created_at', o.created_at, 'updated_at', o.updated_at,"
    "     'lines', (SELECT coalesce(jsonb_agg(jsonb_build_object('sku', f.sku,"
    "        'product', f.name, 'quantity_milli', l.quantity_milli,"
    "        'unit_price_excl_vat_e4', l.unit_price_excl_vat_e4, 'vat_rate_bp', l.vat_rate_bp,"
    "        'line_excl_vat_cents', l.line_excl_vat_cents) ORDER BY f.id), '[]')"
    "        FROM order_lines l JOIN offers f ON f.id = l.offer_id WHERE l.order_id = o.id))"
    "     ORDER BY o.id), '[]')"
    "   FROM orders o JOIN cycles cy ON cy.id = o.cycle_id"
    "   JOIN pickup_points pp ON pp.id = o.pickup_point_id WHERE o.customer_id = u.customer_id),"
    " 'invoices', (SELECT coalesce(jsonb_agg(jsonb_build_object('number', i.number,"
    "     'type_code', i.type_code, 'issue_date', i.issue_date, 'seller', i.seller->>'name',"
    "     'buyer', i.buyer, 'total_incl_vat_cents', i.total_incl_vat_cents) ORDER BY i.id), '[]')"
    "   FROM invoices i JOIN orders o ON o.id = i.order_id WHERE o.customer_id = u.customer_id),"
    " 'sessions', (SELECT coalesce(jsonb_agg(jsonb_build_object('created_at', s.created_at,"
    "     'last_seen_at', s.last_seen_at, 'expires_at', s.expires_at) ORDER BY s.id), '[]')"
    "   FROM sessions s WHERE s.user_id = u.id),"
    " 'messages', (SELECT coalesce(jsonb_agg(jsonb_build_object('kind', m.kind,"
    "     'to', m.to_address, 'subject', m.subject, 'state', m.state,"
    "     'created_at', m.created_at, 'sent_at', m.sent_at) ORDER BY m.id), '[]')"
    "   FROM outbox m WHERE m.user_id = u.id),"
    " 'settings_changed', (SELECT coalesce(jsonb_agg(jsonb_build_object('setting', ch.setting,"
    "     'old_value', ch.old_value, 'new_value', ch.new_value, 'changed_at', ch.changed_at)"
    "     ORDER BY ch.id), '[]') FROM hub_settings_changes ch WHERE ch.user_id = u.id)"
    "))::text AS doc FROM users u WHERE u.id = $1 AND u.closed_at IS NULL");
DB_STMT(close_lock, "SELECT id, role FROM users"
                    " WHERE hub_id = $1 AND id = $2 AND closed_at IS NULL FOR UPDATE");
DB_STMT(other_coordinators,
        "SELECT count(*) AS n FROM users WHERE hub_id = $1 AND role = 'coordinator'"
        " AND active AND closed_at IS NULL AND id <> $2");
/* The closing itself, for an array of user ids ($1): what points at the addresses
 * first (throttling rows are keyed by them), then the rows themselves. */
DB_STMT(close_traces,
        "WITH u AS (SELECT id, hub_id, email FROM users WHERE id = ANY($1::bigint[])),"
        " la AS (DELETE FROM login_attempts a USING u WHERE a.hub_id = u.hub_id"
        "        AND a.email = u.email),"
        " ra AS (DELETE FROM reset_attempts a USING u WHERE a.hub_id = u.hub_id"
        "        AND a.email = u.email),"
        " se AS (DELETE FROM sessions WHERE user_id IN (SELECT id FROM u)),"
        " tk AS (DELETE FROM account_tokens WHERE user_id IN (SELECT id FROM u)),"
        " dr AS (DELETE FROM catalog_drafts WHERE user_id IN (SELECT id FROM u))"
        " DELETE FROM outbox WHERE user_id IN (SELECT id FROM u)");
DB_STMT(close_customers,
        "UPDATE customers c SET kind = 'person', name = 'Compte fermé / closed account',"
        " email = 'closed-' || c.id || '@closed.invalid', phone = '', legal_name = '',"
        " siret = '', vat_number = '', address = ''"
        " FROM users u WHERE u.id = ANY($1::bigint[]) AND c.id = u.customer_id");
DB_STMT(close_users,
        "UPDATE users SET email = 'closed-' || id || '@closed.invalid', name = '',"
        " password_hash = '!', active = false, closed_at = now(), email_verified_at = NULL,"
        " msg_shop_open = false, msg_shop_closing = false"
        " WHERE id = ANY($1::bigint[]) AND closed_at IS NULL");
DB_STMT(idle_users, "SELECT id FROM users WHERE role = 'consumer' AND closed_at IS NULL"
                    " AND last_active_at < now() - make_interval(years => $1::int)"
                    " ORDER BY id LIMIT 10000 FOR UPDATE SKIP LOCKED");

bool account_optional_kind(const char *kind)
{
    return kind && (!strcmp(kind, "shop_open") || !strcmp(kind, "shop_closing"));
}

db_status account_prefs_get(db_conn *c, arena *a, int64_t user, account_prefs *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &prefs_of, &r, DB_P(db_i64(a, user)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR;
    *out = (account_prefs){db_val(r, 0, "lang"),
                           db_bool(r, 0, "msg_shop_open"),
                           db_bool(r, 0, "msg_shop_closing"),
                           db_bool(r, 0, "verified"),
                           db_val(r, 0, "email"),
                           db_val(r, 0, "name")};
    return DB_OK;
}

int account_prefs_set(db_conn *c, arena *a, int64_t user, const account_prefs *p, refusal *why)
{
    if (!p->lang || (strcmp(p->lang, "fr") && strcmp(p->lang, "en")))
        return refuse(why, 422, "invalid_field", "lang", "La langue est le français ou l’anglais.",
                      "The language is French or English.");
    PGresult *r;
    db_status st = db_run_a(
        c, a, &prefs_set, &r,
        DB_P(db_i64(a, user), p->lang, p->shop_open ? "t" : "f", p->shop_closing ? "t" : "f"));
    if (st != DB_OK)
        return st;
    return PQntuples(r) == 1 ? 0
                             : refuse(why, 404, "not_found", NULL, "Ce compte est fermé.",
                                      "This account is closed.");
}

int account_unsubscribe(db_conn *c, arena *a, int64_t hub, int64_t user, const char *kind,
                        refusal *why)
{
    if (!account_optional_kind(kind))
        return refuse(why, 404, "not_found", "k", "Ce type de message n’existe pas.",
                      "There is no such kind of message.");
    PGresult *r;
    db_status st = db_run_a(c, a, !strcmp(kind, "shop_open") ? &unsub_open : &unsub_closing, &r,
                            DB_P(db_i64(a, hub), db_i64(a, user)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(why, 404, "not_found", "u", "Ce compte n’existe pas ou est fermé.",
                      "This account does not exist or is closed.");
    log_event(LOG_INFO, "account.unsubscribed", "user=%lld kind=%s", (long long)user, kind);
    return 0;
}

db_status account_export(db_conn *c, arena *a, int64_t user, const char **json)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &export_doc, &r, DB_P(db_i64(a, user)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR;
    *json = db_val(r, 0, "doc");
    return DB_OK;
}

/* Close the accounts whose ids are in the array literal ids. */
static int close_ids(db_conn *c, const char *ids)
{
    int st;
    if ((st = db_do(c, &close_traces, DB_P(ids))) != DB_OK ||
        (st = db_do(c, &close_customers, DB_P(ids))) != DB_OK)
        return st;
    return db_do(c, &close_users, DB_P(ids));
}

typedef struct {
    arena *a;
    int64_t hub, user;
    int years;
    int64_t n;
    refusal *why;
} close_ctx;

static int close_tx(db_conn *c, void *p)
{
    close_ctx *x = p;
    const char *hub = db_i64(x->a, x->hub), *user = db_i64(x->a, x->user);
    PGresult *r;
    int st = db_run_a(c, x->a, &close_lock, &r, DB_P(hub, user));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(x->why, 404, "not_found", NULL, "Ce compte n’existe pas ou est déjà fermé.",
                      "This account does not exist or is closed already.");
    if (!strcmp(db_val(r, 0, "role"), "coordinator")) {
        if ((st = db_run_a(c, x->a, &other_coordinators, &r, DB_P(hub, user))) != DB_OK)
            return st;
        if (db_int(r, 0, "n") == 0)
            return refuse(x->why, 409, "last_coordinator", NULL,
                          "Vous êtes le dernier coordinateur du groupement : nommez-en un autre "
                          "avant de fermer votre compte.",
                          "You are the hub's last coordinator: appoint another one before "
                          "closing your account.");
    }
    return close_ids(c, arena_printf(x->a, "{%lld}", (long long)x->user));
}

int account_close(db_conn *c, arena *a, int64_t hub, int64_t user, refusal *why)
{
    close_ctx x = {a, hub, user, 0, 0, why};
    int st = db_transaction(c, false, close_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "account.closed", "user=%lld by=owner", (long long)user);
    return st;
}

static int purge_tx(db_conn *c, void *p)
{
    close_ctx *x = p;
    PGresult *r;
    int st = db_run_a(c, x->a, &idle_users, &r, DB_P(db_i64(x->a, x->years)));
    if (st != DB_OK)
        return st;
    x->n = PQntuples(r);
    if (x->n == 0)
        return 0;
    int64_t *ids = arena_alloc(x->a, (size_t)x->n * sizeof *ids);
    for (int i = 0; i < PQntuples(r); i++)
        ids[i] = db_int(r, i, "id");
    return close_ids(c, db_int_array(x->a, ids, (size_t)x->n));
}

db_status account_purge_idle(db_conn *c, arena *a, int years, int64_t *n)
{
    close_ctx x = {a, 0, 0, years, 0, NULL};
    int st = db_transaction(c, false, purge_tx, &x);
    *n = x.n;
    if (st == 0 && x.n > 0)
        log_event(LOG_INFO, "account.purged", "accounts=%lld idle_years=%d", (long long)x.n, years);
    return st < 0 ? (db_status)st : DB_OK;
}
