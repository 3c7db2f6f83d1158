/*
 * core/fees.c — fee rates, producers' bank accounts and billing mandates (core/fees.h).
 */
#include "fees.h"
#include "bank_id.h"
#include "hub_settings.h"
#include "money.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <string.h>

/* clang-format off */
DB_STMT(hub_fee, "SELECT fee_bp FROM hub_settings WHERE hub_id = $1");
DB_STMT(producers_fees,
        "SELECT p.id, p.slug, p.name, coalesce(p.fee_bp, -1) AS fee_bp, p.iban, p.bic,"
        " coalesce(to_char(m.signed_on, 'YYYY-MM-DD'), '') AS mandate_on,"
        " coalesce(m.scope, '') AS mandate_scope, coalesce(m.accepted_by, '') AS mandate_by"
        " FROM producers p LEFT JOIN LATERAL (SELECT * FROM billing_mandates b"
        "   WHERE b.producer_id = p.id ORDER BY b.signed_on DESC LIMIT 1) m ON true"
        " WHERE p.hub_id = $1 ORDER BY p.name COLLATE \"fr-x-icu\", p.id");
DB_STMT(lock_fee, "SELECT fee_bp FROM hub_settings WHERE hub_id = $1 FOR UPDATE");
DB_STMT(write_fee, "UPDATE hub_settings SET fee_bp = $2::int, updated_at = now() WHERE hub_id = $1");
DB_STMT(write_producer,
        "UPDATE producers SET fee_bp = CASE WHEN $3::int = -2 THEN fee_bp"
        "   ELSE nullif($3::int, -1) END,"
        " iban = coalesce($4, iban), bic = coalesce($5, bic)"
        " WHERE hub_id = $1 AND slug = $2 RETURNING id");
DB_STMT(add_mandate,
        "INSERT INTO billing_mandates (hub_id, producer_id, signed_on, scope, accepted_by)"
        " SELECT $1, p.id, $3::date, $4, $5 FROM producers p WHERE p.hub_id = $1 AND p.slug = $2"
        " ON CONFLICT (hub_id, producer_id, signed_on) DO NOTHING RETURNING id");
DB_STMT(order_fee_row,
        "SELECT order_fee_cents, order_fee_vat_bp FROM hub_settings WHERE hub_id = $1");
DB_STMT(lock_order_fee, "SELECT order_fee_cents, order_fee_vat_bp FROM hub_settings"
                        " WHERE hub_id = $1 FOR UPDATE");
DB_STMT(write_order_fee, "UPDATE hub_settings SET order_fee_cents = $2::bigint,"
                         " order_fee_vat_bp = $3::int, updated_at = now() WHERE hub_id = $1");
DB_STMT(producer_exists, "SELECT 1 FROM producers WHERE hub_id = $1 AND slug = $2");
/* clang-format on */

db_status fees_get(db_conn *c, arena *a, int64_t hub, int *hub_bp, fee_producer **out, size_t *n)
{
    PGresult *r;
    const char *h = db_i64(a, hub);
    db_status st = db_run_a(c, a, &hub_fee, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    *hub_bp = PQntuples(r) ? (int)db_int(r, 0, "fee_bp") : 0;
    if ((st = db_run_a(c, a, &producers_fees, &r, DB_P(h))) != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (int i = 0; i < (int)*n; i++)
        (*out)[i] = (fee_producer){.id = db_int(r, i, "id"),
                                   .slug = db_val(r, i, "slug"),
                                   .name = db_val(r, i, "name"),
                                   .fee_bp = (int)db_int(r, i, "fee_bp"),
                                   .iban = db_val(r, i, "iban"),
                                   .bic = db_val(r, i, "bic"),
                                   .mandate_on = db_val(r, i, "mandate_on"),
                                   .mandate_scope = db_val(r, i, "mandate_scope"),
                                   .mandate_by = db_val(r, i, "mandate_by")};
    return DB_OK;
}

int fees_parse_percent(const char *s, const char *field, arena *a, int *bp, refusal *why)
{
    int64_t v;
    parse_status st = parse_decimal(s, 2, 0, 10000, &v);
    if (st == PARSE_OK) {
        *bp = (int)v;
        return 0;
    }
    (void)a;
    return refuse(why, 422, st == PARSE_EMPTY ? "missing_field" : "invalid_field", field,
                  "Une commission est un pourcentage de 0 à 100, deux décimales au plus "
                  "(par exemple 12,5).",
                  "A fee is a percentage from 0 to 100, two decimals at most (e.g. 12.5).");
}

typedef struct hub_fee_ctx {
    arena *a;
    int64_t hub, user;
    int bp;
    const char *via;
} hub_fee_ctx;

static int hub_fee_tx(db_conn *c, void *p)
{
    hub_fee_ctx *x = p;
    PGresult *r;
    const char *h = db_i64(x->a, x->hub);
    int st = db_run_a(c, x->a, &lock_fee, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    int old = PQntuples(r) ? (int)db_int(r, 0, "fee_bp") : 0;
    if (old == x->bp)
        return 0;
    if ((st = db_do(c, &write_fee, DB_P(h, db_i64(x->a, x->bp)))) != DB_OK)
        return st;
    char o[32], n[32];
    const char *names[] = {"fee_percent"}, *olds[] = {dec_format(o, old, 2, 0)},
               *news[] = {dec_format(n, x->bp, 2, 0)};
    return hub_settings_record(c, x->a, x->hub, x->user, x->via, names, olds, news, 1);
}

int fees_set_hub(db_conn *c, arena *a, int64_t hub, int bp, int64_t user, const char *via,
                 refusal *why)
{
    if (bp < 0 || bp > 10000)
        return fees_parse_percent("x", "fee_percent", a, &bp, why);
    hub_fee_ctx x = {a, hub, user, bp, via};
    return db_transaction(c, false, hub_fee_tx, &x);
}

static int not_found(refusal *why)
{
    return refuse(why, 404, "producer_not_found", "producer", "Ce producteur n’existe pas.",
                  "There is no such producer.");
}

int fees_set_producer(db_conn *c, arena *a, int64_t hub, const char *slug, int bp, const char *iban,
                      const char *bic, refusal *why)
{
    char ib[IBAN_MAX + 1], bc[12];
    if (bp < -2 || bp > 10000)
        return fees_parse_percent("x", "fee_percent", a, &bp, why);
    if (iban && *iban && !bank_iban_normalize(iban, ib))
        return refuse(why, 422, "invalid_field", "iban",
                      "Cet IBAN n’est pas valide (clé de contrôle ou longueur).",
                      "This IBAN is not valid (check digits or length).");
    if (bic && *bic && !bic_normalize(bic, bc))
        return refuse(why, 422, "invalid_field", "bic",
                      "Ce BIC n’est pas valide (8 ou 11 caractères).",
                      "This BIC is not valid (8 or 11 characters).");
    PGresult *r;
    int st = db_run_a(c, a, &write_producer, &r,
                      DB_P(db_i64(a, hub), slug, db_i64(a, bp),
                           iban ? (*iban ? arena_strdup(a, ib) : "") : NULL,
                           bic ? (*bic ? arena_strdup(a, bc) : "") : NULL));
    if (st != DB_OK)
        return st;
    return PQntuples(r) ? 0 : not_found(why);
}

int fees_mandate_add(db_conn *c, arena *a, int64_t hub, const char *slug, const char *signed_on,
                     const char *scope, const char *accepted_by, refusal *why)
{
    parse_date d;
    char day[40];
    parse_status ps = parse_date_iso(signed_on, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d);
    if (ps != PARSE_OK)
        return parse_refuse(why, a, "signed_on", "La date de signature", "The date signed",
                            PARSE_KIND_DATE, ps, PARSE_YEAR_MIN, PARSE_YEAR_MAX);
    if (text_or_refuse(why, a, "scope", scope, 1, 300, TEXT_LINE, NULL, NULL) ||
        text_or_refuse(why, a, "accepted_by", accepted_by, 1, 200, TEXT_LINE, NULL, NULL))
        return 1;
    PGresult *r;
    const char *h = db_i64(a, hub);
    int st = db_run_a(c, a, &producer_exists, &r, DB_P(h, slug));
    if (st != DB_OK)
        return st;
    if (!PQntuples(r))
        return not_found(why);
    if ((st = db_run_a(c, a, &add_mandate, &r,
                       DB_P(h, slug, parse_date_text(day, &d), scope, accepted_by))) != DB_OK)
        return st;
    if (!PQntuples(r))
        return refuse(why, 409, "duplicate_mandate", "signed_on",
                      "Un mandat de facturation de ce producteur porte déjà cette date.",
                      "A billing mandate of this producer already has this date.");
    return 0;
}

/* ---- the fixed fee per order ------------------------------------------------------------ */

db_status fees_order_get(db_conn *c, arena *a, int64_t hub, order_fee *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &order_fee_row, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *out = (order_fee){0, 2000};
    if (PQntuples(r))
        *out = (order_fee){db_int(r, 0, "order_fee_cents"), (int)db_int(r, 0, "order_fee_vat_bp")};
    return DB_OK;
}

static bool order_fee_rate_ok(int64_t bp)
{
    return bp == 0 || bp == 210 || bp == 550 || bp == 1000 || bp == 2000;
}

int fees_order_parse(const char *amount, const char *vat_rate, order_fee *out, refusal *why)
{
    int64_t v;
    if (amount && parse_decimal(amount, 2, 0, ORDER_FEE_MAX_CENTS, &v) != PARSE_OK)
        return refuse(why, 422, "invalid_field", "order_fee",
                      "Les frais par commande sont un montant hors TVA de 0 à 1 000 €, deux "
                      "décimales au plus (par exemple 1,50).",
                      "The fee per order is an amount excl. VAT from 0 to 1,000 €, two decimals "
                      "at most (e.g. 1.50).");
    if (amount)
        out->cents = v;
    if (vat_rate && (parse_decimal(vat_rate, 2, 0, 10000, &v) != PARSE_OK || !order_fee_rate_ok(v)))
        return refuse(why, 422, "invalid_field", "order_fee_vat_rate",
                      "Le taux de TVA des frais par commande est 0, 2,1, 5,5, 10 ou 20 %.",
                      "The VAT rate of the fee per order is 0, 2.1, 5.5, 10 or 20 %.");
    if (vat_rate)
        out->vat_bp = (int)v;
    return 0;
}

typedef struct order_fee_ctx {
    arena *a;
    int64_t hub, user;
    order_fee f;
    const char *via;
} order_fee_ctx;

static int order_fee_tx(db_conn *c, void *p)
{
    order_fee_ctx *x = p;
    PGresult *r;
    const char *h = db_i64(x->a, x->hub);
    int st = db_run_a(c, x->a, &lock_order_fee, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    if (!PQntuples(r))
        return 0;
    int64_t old_cents = db_int(r, 0, "order_fee_cents");
    int old_bp = (int)db_int(r, 0, "order_fee_vat_bp");
    if (old_cents == x->f.cents && old_bp == x->f.vat_bp)
        return 0;
    if ((st = db_do(c, &write_order_fee,
                    DB_P(h, db_i64(x->a, x->f.cents), db_i64(x->a, x->f.vat_bp)))) != DB_OK)
        return st;
    char o1[32], n1[32], o2[32], n2[32];
    const char *names[2], *olds[2], *news[2];
    size_t n = 0;
    if (old_cents != x->f.cents) {
        names[n] = "order_fee";
        olds[n] = dec_format(o1, old_cents, 2, 0);
        news[n++] = dec_format(n1, x->f.cents, 2, 0);
    }
    if (old_bp != x->f.vat_bp) {
        names[n] = "order_fee_vat_rate";
        olds[n] = dec_format(o2, old_bp, 2, 0);
        news[n++] = dec_format(n2, x->f.vat_bp, 2, 0);
    }
    return hub_settings_record(c, x->a, x->hub, x->user, x->via, names, olds, news, n);
}

int fees_order_set(db_conn *c, arena *a, int64_t hub, const order_fee *f, int64_t user,
                   const char *via, refusal *why)
{
    if (f->cents < 0 || f->cents > ORDER_FEE_MAX_CENTS || !order_fee_rate_ok(f->vat_bp))
        return fees_order_parse("x", NULL, &(order_fee){0}, why);
    order_fee_ctx x = {a, hub, user, *f, via};
    return db_transaction(c, false, order_fee_tx, &x);
}
