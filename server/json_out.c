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

cJSON *json_order(const order *o)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *j = cJSON_AddObjectToObject(root, "order");
    cJSON_AddNumberToObject(j, "id", (double)o->id);
    cJSON_AddNumberToObject(j, "cycle", (double)o->cycle);
    cJSON_AddStringToObject(j, "pickup_point", o->pickup_point);
    cJSON *lines = cJSON_AddArrayToObject(j, "lines");
    for (size_t i = 0; i < o->nlines; i++) {
        const order_line *l = &o->lines[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "producer", l->producer);
        cJSON_AddStringToObject(x, "sku", l->sku);
        cJSON_AddStringToObject(x, "name", l->name);
        cJSON_AddStringToObject(x, "unit", l->unit);
        add_dec(x, "quantity", l->quantity, 3, 0);
        add_price4(x, "unit_price_excl_vat_cents", l->unit_price);
        cJSON_AddNumberToObject(x, "unit_price_incl_vat_cents", (double)l->unit_price_incl);
        add_dec(x, "vat_rate", l->vat_rate, 2, 0);
        cJSON_AddNumberToObject(x, "line_excl_vat_cents", (double)l->net);
        cJSON_AddItemToArray(lines, x);
    }
    cJSON *vat = cJSON_AddArrayToObject(j, "vat");
    for (int i = 0; i < o->totals.nrates; i++) {
        cJSON *v = cJSON_CreateObject();
        add_dec(v, "rate", o->totals.rates[i].rate, 2, 0);
        cJSON_AddNumberToObject(v, "base_cents", (double)o->totals.rates[i].base);
        cJSON_AddNumberToObject(v, "amount_cents", (double)o->totals.rates[i].vat);
        cJSON_AddItemToArray(vat, v);
    }
    cJSON_AddNumberToObject(j, "total_excl_vat_cents", (double)o->totals.excl);
    cJSON_AddNumberToObject(j, "total_vat_cents", (double)o->totals.vat);
    cJSON_AddNumberToObject(j, "total_incl_vat_cents", (double)o->totals.incl);
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
