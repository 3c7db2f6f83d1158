/*
 * core/hub_create.c — a new hub with its first coordinator, in one transaction.
 */
#include "hub_create.h"
#include "config.h"
#include "password.h"
#include "people.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(lock_hubs, "LOCK TABLE hubs IN SHARE ROW EXCLUSIVE MODE");
DB_STMT(any_hub, "SELECT EXISTS (SELECT 1 FROM hubs) AS any");
DB_STMT(token_spend, "UPDATE first_run_tokens SET used_at = now()"
                     " WHERE token_sha256 = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL"
                     "   AND expires_at > now() RETURNING 1");
DB_STMT(token_live, "SELECT EXISTS (SELECT 1 FROM first_run_tokens"
                    " WHERE token_sha256 = sha256(convert_to($1, 'UTF8')) AND used_at IS NULL"
                    "   AND expires_at > now()) AS live");
DB_STMT(token_insert, "INSERT INTO first_run_tokens (token_sha256, expires_at)"
                      " VALUES (sha256(convert_to($1, 'UTF8')), now() + interval '24 hours')");
DB_STMT(hub_insert,
        "INSERT INTO hubs (slug, name, legal_form, siret, vat_number, address, rcs_city,"
        "                  share_capital_cents, email, phone, depot_lat, depot_lon)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, '-1')::bigint, $9, $10,"
        "         $11::numeric / 10000000, $12::numeric / 10000000)"
        " ON CONFLICT (slug) DO NOTHING RETURNING id");
DB_STMT(template_default,
        "INSERT INTO cycle_templates (hub_id, opens_dow, opens_time, closes_dow, closes_time,"
        "                             delivery_dow)"
        " VALUES ($1, $2::int, make_time($3::int / 60, $3::int % 60, 0), $4::int,"
        "         make_time($5::int / 60, $5::int % 60, 0), $6::int)"
        " ON CONFLICT (hub_id) DO NOTHING");

db_status hub_any(db_conn *c, bool *any)
{
    PGresult *r;
    db_status st = db_run(c, &any_hub, &r, DB_NOPARAMS);
    if (st != DB_OK)
        return st;
    *any = db_bool(r, 0, "any");
    PQclear(r);
    return DB_OK;
}

db_status hub_first_run_token_new(db_conn *c, char *out)
{
    random_token(out, 32);
    return db_do(c, &token_insert, DB_P(out));
}

db_status hub_first_run_token_ok(db_conn *c, const char *token, bool *ok)
{
    PGresult *r;
    *ok = false;
    if (!token || strlen(token) != 43)
        return DB_OK;
    db_status st = db_run(c, &token_live, &r, DB_P(token));
    if (st != DB_OK)
        return st;
    *ok = db_bool(r, 0, "live");
    PQclear(r);
    return DB_OK;
}

typedef struct {
    arena *a;
    const hub_new *in;
    const char *via, *token, *email;
    bool first_run;
    hub_identity id;
    int64_t *hub_id;
    account_user *user;
    refusal *why;
} create_ctx;

/* Every problem of what was typed, at once, before any write. */
static int check(create_ctx *x)
{
    arena *a = x->a;
    const hub_new *in = x->in;
    refusal idwhy = {0};
    int st = hub_identity_check(a, &in->identity, NULL, &x->id, &idwhy);
    refusal_detail d[20];
    size_t n = 0;
    if (!in->slug || !slug_valid(in->slug))
        d[n++] = (refusal_detail){"invalid_field", "slug",
                                  "L’identifiant s’écrit en minuscules, chiffres et tirets (64 au "
                                  "plus), comme « drome-paysanne ».",
                                  "The short name is lower-case letters, digits and dashes (64 at "
                                  "most), such as \"drome-paysanne\"."};
    if (st > 0) {
        size_t k = idwhy.ndetails ? idwhy.ndetails : 1;
        for (size_t i = 0; i < k && n < 16; i++)
            d[n++] = idwhy.ndetails ? idwhy.details[i]
                                    : (refusal_detail){idwhy.code, idwhy.field, idwhy.fr, idwhy.en};
    }
    x->email = account_normalize_email(a, in->coordinator_email ? in->coordinator_email : "");
    if (!x->email)
        d[n++] = (refusal_detail){"invalid_email", "coordinator_email",
                                  "Cette adresse e-mail n’est pas valide.",
                                  "This email address is not valid."};
    const char *pw = in->password ? in->password : "";
    const char *pw_fr = password_policy(pw, x->email ? x->email : "", "fr");
    if (pw_fr)
        d[n++] = (refusal_detail){"weak_password", "password", pw_fr,
                                  password_policy(pw, x->email ? x->email : "", "en")};
    if (in->coordinator_name)
        text_detail(a, d, &n, "coordinator_name", in->coordinator_name, 0, 200, TEXT_LINE,
                    "Le nom compte 200 caractères au plus.",
                    "The name has at most 200 characters.");
    return n ? refuse_details(x->why, a, d, n) : 0;
}

static int create_tx(db_conn *c, void *p)
{
    create_ctx *x = p;
    arena *a = x->a;
    PGresult *r;
    int st;
    if (x->first_run) {
        bool any;
        if ((st = db_do(c, &lock_hubs, DB_NOPARAMS)) != DB_OK || (st = hub_any(c, &any)) != DB_OK)
            return st;
        if (any)
            return refuse(x->why, 409, "hub_exists", NULL,
                          "Un groupement existe déjà : la première mise en route est faite.",
                          "A hub exists already: the first run is over.");
        if (x->token) {
            if ((st = db_run_a(c, a, &token_spend, &r, DB_P(x->token))) != DB_OK)
                return st;
            if (PQntuples(r) != 1)
                return refuse(x->why, 403, "bad_token", "token",
                              "Ce jeton de première mise en route n’est pas valide (déjà servi ou "
                              "expiré) : km0 hub create --first-run-token en donne un autre.",
                              "This first-run token is not valid (used or expired): km0 hub "
                              "create --first-run-token gives another.");
        }
    }
    const hub_identity *h = &x->id;
    if ((st = db_run_a(c, a, &hub_insert, &r,
                       DB_P(x->in->slug, h->name, h->legal_form, h->siret, h->vat_number,
                            h->address, h->rcs_city, db_i64(a, h->share_capital_cents), h->email,
                            h->phone, db_i64(a, h->depot_lat_e7), db_i64(a, h->depot_lon_e7)))) !=
        DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(x->why, 409, "slug_taken", "slug",
                      "Un groupement porte déjà cet identifiant : choisissez-en un autre.",
                      "A hub already has this short name: choose another.");
    *x->hub_id = db_int(r, 0, "id");
    /* the configuration's first values, as km0 seed gives a hub it creates */
    hub_settings_patch sp = {
        .set_seller = true, .set_payment_days = true, .set_resale_vat_rate = true};
    seller_mode_parse(g_config.seller_mode, &sp.to.seller);
    sp.to.payment_days = g_config.payment_days;
    sp.to.resale_vat_rate = (vat_bp_t)g_config.resale_vat_rate_bp;
    hub_settings out;
    if ((st = hub_settings_update_in_tx(c, a, *x->hub_id, &sp, 0, x->via, &out, x->why)) != 0)
        return st;
    const hub_template *t = &HUB_TEMPLATE_DEFAULT;
    if ((st = db_do(c, &template_default,
                    DB_P(db_i64(a, *x->hub_id), db_i64(a, t->opens_dow), db_i64(a, t->opens_min),
                         db_i64(a, t->closes_dow), db_i64(a, t->closes_min),
                         db_i64(a, t->delivery_dow)))) != DB_OK)
        return st;
    char err[256] = "";
    int64_t user_id;
    st = account_user_add(c, a, *x->hub_id, x->email, x->in->password, "coordinator", NULL,
                          x->in->coordinator_name, 0, &user_id, err, sizeof err);
    if (st == DB_ERROR && err[0])
        return refuse(x->why, 422, "invalid_field", "coordinator_email", err, err);
    if (st != DB_OK)
        return st;
    if ((st = people_role_record(c, a, *x->hub_id, user_id, 0, NULL, "coordinator", x->via)) !=
        DB_OK)
        return st;
    *x->user = (account_user){.id = user_id,
                              .hub_id = *x->hub_id,
                              .email = x->email,
                              .name = x->in->coordinator_name ? x->in->coordinator_name : "",
                              .role = "coordinator",
                              .producer_slug = ""};
    return 0;
}

int hub_create(db_conn *c, arena *a, const hub_new *in, const char *via, bool first_run,
               const char *token, int64_t *hub_id, account_user *coordinator, refusal *why)
{
    create_ctx x = {a, in, via, token, NULL, first_run, {0}, hub_id, coordinator, why};
    int st = check(&x);
    if (st)
        return st;
    return db_transaction(c, false, create_tx, &x);
}
