/*
 * server/json_out.c — the JSON shapes of cycles, offers and orders (docs/api.md).
 *
 * Amounts travel as integer cents, quantities and rates as decimal strings.
 * A unit price excluding VAT may have four decimals (a price stated including
 * VAT is kept exact that way), so unit_price_excl_vat_cents is a JSON number
 * that is whole in the usual case and carries two decimals otherwise.
 */
#include "json_out.h"
#include "../core/money.h"

#include <stdio.h>
#include <string.h>

static void add_dec(cJSON *o, const char *key, int64_t v, int scale, int min_decimals)
{
    char b[32];
    cJSON_AddStringToObject(o, key, dec_format(b, v, scale, min_decimals));
}

static void add_price4(cJSON *o, const char *key, price4_t p)
{
    if (p % 100 == 0)
        cJSON_AddNumberToObject(o, key, (double)(p / 100));
    else
        cJSON_AddItemToObject(o, key, cJSON_CreateRaw(dec_format((char[32]){0}, p, 2, 0)));
}

/* A product sold by the piece and priced by the kg or litre: the price per measure and
 * the estimate of a piece (the unit prices are then those of an estimated piece). */
static void add_weighed(cJSON *o, const char *measure, price4_t price, vat_bp_t rate,
                        milli_t estimate)
{
    cJSON *w = cJSON_AddObjectToObject(o, "weighed");
    cJSON_AddStringToObject(w, "measure", measure);
    add_price4(w, "price_excl_vat_cents", price);
    cJSON_AddNumberToObject(w, "price_incl_vat_cents", (double)money_price_incl(price, rate));
    add_dec(w, "estimate", estimate, 3, 0);
}

cJSON *json_cycle(const PGresult *r, int row, bool coordinator)
{
    cJSON *c = cJSON_CreateObject();
    cJSON_AddNumberToObject(c, "id", (double)db_int(r, row, "id"));
    cJSON_AddStringToObject(c, "name", db_val(r, row, "name"));
    cJSON_AddStringToObject(c, "state", db_val(r, row, "state"));
    cJSON_AddStringToObject(c, "opens_at", db_val(r, row, "opens_at"));
    cJSON_AddStringToObject(c, "closes_at", db_val(r, row, "closes_at"));
    cJSON_AddStringToObject(c, "delivery_date", db_val(r, row, "delivery_date"));
    if (coordinator) {
        cJSON_AddNumberToObject(c, "orders_count", (double)db_int(r, row, "orders"));
        cJSON_AddNumberToObject(c, "producers_count", (double)db_int(r, row, "producers"));
        cJSON_AddNumberToObject(c, "pickup_points_count", (double)db_int(r, row, "pickup_points"));
    }
    return c;
}

cJSON *json_offer(const PGresult *r, int row)
{
    cJSON *o = cJSON_CreateObject();
    price4_t excl = db_int(r, row, "price_excl_vat_e4");
    vat_bp_t rate = (vat_bp_t)db_int(r, row, "vat_rate_bp");
    cJSON_AddStringToObject(o, "producer", db_val(r, row, "producer"));
    cJSON_AddStringToObject(o, "producer_name", db_val(r, row, "producer_name"));
    cJSON_AddStringToObject(o, "sku", db_val(r, row, "sku"));
    cJSON_AddStringToObject(o, "name", db_val(r, row, "name"));
    cJSON_AddStringToObject(o, "category", db_val(r, row, "category"));
    cJSON_AddStringToObject(o, "unit", db_val(r, row, "unit"));
    add_price4(o, "unit_price_excl_vat_cents", excl);
    cJSON_AddNumberToObject(o, "unit_price_incl_vat_cents", (double)money_price_incl(excl, rate));
    add_dec(o, "vat_rate", rate, 2, 0);
    add_dec(o, "step", db_int(r, row, "step_milli"), 3, 0);
    if (db_null(r, row, "stock_milli")) {
        cJSON_AddNullToObject(o, "stock");
        cJSON_AddNullToObject(o, "left");
    } else {
        add_dec(o, "stock", db_int(r, row, "stock_milli"), 3, 0);
        add_dec(o, "left", db_int(r, row, "left_milli"), 3, 0);
    }
    add_dec(o, "weight_kg", db_int(r, row, "weight_g"), 3, 0);
    if (db_null(r, row, "organic"))
        cJSON_AddNullToObject(o, "organic");
    else
        cJSON_AddBoolToObject(o, "organic", db_bool(r, row, "organic"));
    cJSON_AddStringToObject(o, "description", db_val(r, row, "description"));
    if (db_null(r, row, "measure"))
        cJSON_AddNullToObject(o, "weighed");
    else
        add_weighed(o, db_val(r, row, "measure"), db_int(r, row, "measure_price_excl_vat_e4"), rate,
                    db_int(r, row, "measure_estimate_milli"));
    return o;
}

cJSON *json_pickup_point(const PGresult *r, int row, bool coordinator)
{
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "slug", db_val(r, row, "slug"));
    cJSON_AddStringToObject(p, "name", db_val(r, row, "name"));
    cJSON_AddStringToObject(p, "address", db_val(r, row, "address"));
    cJSON_AddStringToObject(p, "opening", db_val(r, row, "opening"));
    if (coordinator) {
        if (db_null(r, row, "capacity_orders"))
            cJSON_AddNullToObject(p, "capacity_orders");
        else
            cJSON_AddNumberToObject(p, "capacity_orders",
                                    (double)db_int(r, row, "capacity_orders"));
        cJSON_AddNumberToObject(p, "orders", (double)db_int(r, row, "orders_count"));
    }
    bool full = !db_null(r, row, "capacity_orders") &&
                db_int(r, row, "orders_count") >= db_int(r, row, "capacity_orders");
    cJSON_AddBoolToObject(p, "full", full);
    return p;
}

static void add_totals(cJSON *j, const money_totals *t)
{
    cJSON *vat = cJSON_AddArrayToObject(j, "vat");
    for (int i = 0; i < t->nrates; i++) {
        cJSON *v = cJSON_CreateObject();
        add_dec(v, "rate", t->rates[i].rate, 2, 0);
        cJSON_AddNumberToObject(v, "base_cents", (double)t->rates[i].base);
        cJSON_AddNumberToObject(v, "amount_cents", (double)t->rates[i].vat);
        cJSON_AddItemToArray(vat, v);
    }
    cJSON_AddNumberToObject(j, "total_excl_vat_cents", (double)t->excl);
    cJSON_AddNumberToObject(j, "total_vat_cents", (double)t->vat);
    cJSON_AddNumberToObject(j, "total_incl_vat_cents", (double)t->incl);
}

static void add_dec_or_null(cJSON *o, const char *key, int64_t v, int scale)
{
    if (v < 0)
        cJSON_AddNullToObject(o, key);
    else
        add_dec(o, key, v, scale, 0);
}

/* A line's recorded changes (core/delivery.h), oldest first. */
static void add_changes(cJSON *x, int64_t line, const order_delivery *d)
{
    cJSON *list = cJSON_AddArrayToObject(x, "changes");
    for (size_t i = 0; d && i < d->nchanges; i++) {
        const delivery_change *c = &d->changes[i];
        if (c->line != line)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "at", c->at);
        cJSON_AddStringToObject(o, "kind", c->kind);
        add_dec_or_null(o, "old_quantity", c->old_delivered, 3);
        add_dec(o, "new_quantity", c->new_delivered, 3, 0);
        add_dec_or_null(o, "old_weight", c->old_weight, 3);
        add_dec_or_null(o, "new_weight", c->new_weight, 3);
        cJSON_AddNumberToObject(o, "old_line_excl_vat_cents", (double)c->old_net);
        cJSON_AddNumberToObject(o, "new_line_excl_vat_cents", (double)c->new_net);
        cJSON_AddStringToObject(o, "reason", c->reason);
        cJSON_AddItemToArray(list, o);
    }
}

static cJSON *json_line(const order_line *l, const order_delivery *d)
{
    cJSON *x = cJSON_CreateObject();
    cJSON_AddNumberToObject(x, "line_id", (double)l->line_id);
    cJSON_AddStringToObject(x, "producer", l->producer);
    cJSON_AddStringToObject(x, "sku", l->sku);
    cJSON_AddStringToObject(x, "name", l->name);
    cJSON_AddStringToObject(x, "unit", l->unit);
    add_dec(x, "quantity", l->quantity, 3, 0);
    add_price4(x, "unit_price_excl_vat_cents", l->unit_price);
    cJSON_AddNumberToObject(x, "unit_price_incl_vat_cents", (double)l->unit_price_incl);
    add_dec(x, "vat_rate", l->vat_rate, 2, 0);
    cJSON_AddNumberToObject(x, "line_excl_vat_cents", (double)l->net);
    if (l->measure)
        add_weighed(x, l->measure, l->measure_price, l->vat_rate, l->measure_estimate);
    else
        cJSON_AddNullToObject(x, "weighed");
    cJSON_AddBoolToObject(x, "substitute", l->substitute);
    cJSON *dl = cJSON_AddObjectToObject(x, "delivered");
    add_dec(dl, "quantity", l->delivered, 3, 0);
    add_dec_or_null(dl, "weight", l->measure ? l->weight : -1, 3);
    cJSON_AddNumberToObject(dl, "line_excl_vat_cents", (double)l->delivered_net);
    add_changes(x, l->line_id, d);
    return x;
}

static cJSON *json_substitution(const substitution *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)s->id);
    cJSON_AddStringToObject(o, "state", s->state);
    cJSON_AddStringToObject(o, "replaces", s->short_name);
    cJSON_AddStringToObject(o, "name", s->name);
    cJSON_AddStringToObject(o, "producer_name", s->producer_name);
    cJSON_AddStringToObject(o, "unit", s->unit);
    add_dec(o, "quantity", s->quantity, 3, 0);
    cJSON_AddNumberToObject(o, "line_excl_vat_cents", (double)s->net);
    cJSON_AddStringToObject(o, "reason", s->reason);
    return o;
}

cJSON *json_order_delivered(const order *o, const order_delivery *d)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *j = cJSON_AddObjectToObject(root, "order");
    cJSON_AddNumberToObject(j, "id", (double)o->id);
    cJSON_AddNumberToObject(j, "cycle", (double)o->cycle);
    cJSON_AddStringToObject(j, "cycle_state", o->state ? o->state : "");
    cJSON_AddStringToObject(j, "pickup_point", o->pickup_point);
    cJSON *lines = cJSON_AddArrayToObject(j, "lines");
    for (size_t i = 0; i < o->nlines; i++)
        cJSON_AddItemToArray(lines, json_line(&o->lines[i], d));
    /* the hub's fee per order (schema/023), as the cycle froze it; charged: the order
     * holds something (as delivered), so the totals count it */
    cJSON *fee = cJSON_AddObjectToObject(j, "order_fee");
    cJSON_AddNumberToObject(fee, "excl_vat_cents", (double)o->fee_net);
    add_dec(fee, "vat_rate", o->fee_rate, 2, 0);
    cJSON_AddNumberToObject(fee, "incl_vat_cents",
                            (double)(o->fee_net + money_vat(o->fee_net, o->fee_rate)));
    cJSON_AddBoolToObject(fee, "charged", o->fee_ordered);
    cJSON_AddBoolToObject(fee, "charged_as_delivered", o->fee_delivered);
    add_totals(j, &o->totals);
    /* a weighed product not weighed yet: its amount, and the total, are estimates */
    cJSON_AddBoolToObject(j, "estimate", o->estimate);
    cJSON_AddBoolToObject(j, "changed", o->changed);
    add_totals(cJSON_AddObjectToObject(j, "delivered"), &o->delivered_totals);
    if (o->invoiced)
        cJSON_AddNumberToObject(j, "invoiced_incl_vat_cents", (double)o->invoiced_incl);
    else
        cJSON_AddNullToObject(j, "invoiced_incl_vat_cents");
    cJSON_AddNumberToObject(j, "final_incl_vat_cents",
                            (double)(o->invoiced ? o->invoiced_incl : o->delivered_totals.incl));
    cJSON *subs = cJSON_AddArrayToObject(j, "substitutions");
    for (size_t i = 0; d && i < d->nsubstitutions; i++)
        cJSON_AddItemToArray(subs, json_substitution(&d->substitutions[i]));
    add_dec(j, "weight_kg", o->weight_g, 3, 0);
    cJSON_AddBoolToObject(j, "editable", o->editable);
    cJSON_AddStringToObject(j, "updated_at", o->updated_at ? o->updated_at : "");
    if (o->payment_method && *o->payment_method)
        cJSON_AddStringToObject(j, "payment_method", o->payment_method);
    /* typed by a coordinator for the customer (phone, paper form): who and when */
    if (o->entered_by) {
        cJSON_AddNumberToObject(j, "entered_by", (double)o->entered_by);
        cJSON_AddStringToObject(j, "entered_at", o->entered_at ? o->entered_at : "");
    }
    return root;
}

cJSON *json_order(const order *o)
{
    return json_order_delivered(o, NULL);
}
