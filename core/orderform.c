/*
 * core/orderform.c — the paper order form's list of offers (see orderform.h).
 *
 * One statement, in print order: producer (French collation), then category (the
 * products without one last, as in the shop), then product name. Numbers are the
 * row numbers of that order, so the form and the desk's entry page agree as long as
 * the cycle's offers do not change, which they do not once the cycle is open
 * (offers are frozen when it opens).
 */
#include "orderform.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

DB_STMT_IDEMPOTENT(orderform_rows,
                   "SELECT o.id, p.slug AS producer, p.name AS producer_name, o.category, o.sku,"
                   "       o.name, o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.step_milli,"
                   "       coalesce(o.stock_milli - o.sold_milli, -1) AS left_milli, o.weight_g,"
                   "       CASE o.organic WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END AS organic"
                   "  FROM offers o JOIN producers p ON p.id = o.producer_id"
                   " WHERE o.hub_id = $1 AND o.cycle_id = $2"
                   " ORDER BY p.name COLLATE \"fr-x-icu\", p.id, o.category = '',"
                   "          o.category COLLATE \"fr-x-icu\", o.name COLLATE \"fr-x-icu\", o.id");

bool orderform_ref_price(const char *unit, int64_t weight_g, cents_t price_incl, cents_t *per,
                         const char **ref_unit)
{
    const unit_def *u = unit_by_code(unit);
    int64_t amount = 0; /* grams or millilitres in one unit */
    *ref_unit = NULL;
    if (!u)
        return false;
    if (u->kind == UNIT_WEIGHT || u->kind == UNIT_VOLUME)
        amount = u->amount;
    else if (weight_g > 0)
        amount = weight_g;
    if (amount <= 0 || amount == 1000)
        return false; /* per kg or per litre already, or unknown */
    /* price × 1000 / amount, rounded half up: cents stay integers */
    *per = (price_incl * 1000 + amount / 2) / amount;
    *ref_unit = u->kind == UNIT_VOLUME ? "l" : "kg";
    return true;
}

db_status orderform_offers(db_conn *c, arena *a, int64_t hub, int64_t cycle, orderform_offer **out,
                           size_t *n)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    db_status st = db_run_a(c, a, &orderform_rows, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    orderform_offer *o = arena_alloc(a, (*n + 1) * sizeof *o);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        o[i] = (orderform_offer){
            .number = k + 1,
            .id = db_int(r, k, "id"),
            .producer = db_val(r, k, "producer"),
            .producer_name = db_val(r, k, "producer_name"),
            .category = db_val(r, k, "category"),
            .sku = db_val(r, k, "sku"),
            .name = db_val(r, k, "name"),
            .unit = db_val(r, k, "unit"),
            .price = db_int(r, k, "price_excl_vat_e4"),
            .rate = (vat_bp_t)db_int(r, k, "vat_rate_bp"),
            .step = db_int(r, k, "step_milli"),
            .left = db_int(r, k, "left_milli"),
            .weight_g = db_int(r, k, "weight_g"),
            .organic = (int)db_int(r, k, "organic"),
        };
        o[i].price_incl = money_price_incl(o[i].price, o[i].rate);
        if (!orderform_ref_price(o[i].unit, o[i].weight_g, o[i].price_incl, &o[i].ref_price,
                                 &o[i].ref_unit))
            o[i].ref_price = 0;
    }
    *out = o;
    return DB_OK;
}
