/*
 * server/h_orders.c — /api/v1/cycles/{id}/order: the caller's order, set whole.
 */
#include "../core/order.h"
#include "handlers.h"
#include "json_in.h"
#include "json_out.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* A quantity as a decimal string ("1.5", "1,5") or a JSON number with at most three
 * decimals; false after a 422 naming the field. */
static bool quantity_or_reply(http_req *req, const cJSON *v, const char *field, milli_t *out)
{
    bool fr = req->lang[0] == 'f';
    const char *msg =
        fr ? "La quantité est un nombre décimal (ex. \"1.5\"), trois décimales au plus."
           : "The quantity is a decimal number (e.g. \"1.5\") with at most three "
             "decimals.";
    if (cJSON_IsString(v)) {
        int64_t q;
        if (strlen(v->valuestring) > 24 || dec_parse(v->valuestring, 3, &q) != DEC_OK)
            return json_field_error(req, field, "invalid_quantity", msg);
        *out = q;
        return true;
    }
    if (cJSON_IsNumber(v)) {
        double m = v->valuedouble * 1000.0;
        if (!(fabs(m) < 9e15) || fabs(m - round(m)) > 1e-6)
            return json_field_error(req, field, "invalid_quantity", msg);
        *out = (milli_t)llround(m);
        return true;
    }
    return json_field_error(req, field, "invalid_quantity", msg);
}

/* The order request body: {"pickup_point": slug, "lines": [{producer, sku, quantity}]} */
static bool order_body_or_reply(http_req *req, const cJSON *body, order_in *in)
{
    const char *pickup;
    if (!json_str_or_reply(req, body, "pickup_point", 64, true, &pickup))
        return false;
    in->pickup_point = pickup;
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(body, "lines");
    if (!cJSON_IsArray(lines))
        return json_field_error(req, "lines", "invalid_field",
                                req->lang[0] == 'f' ? "« lines » doit être une liste."
                                                    : "\"lines\" must be an array.");
    int n = cJSON_GetArraySize(lines);
    if (n > ORDER_MAX_LINES)
        return json_field_error(req, "lines", "too_many_lines", "Too many lines.");
    order_line_in *l = arena_alloc(req->mem, ((size_t)n + 1) * sizeof *l);
    for (int i = 0; i < n; i++) {
        const cJSON *it = cJSON_GetArrayItem(lines, i);
        char f[48];
        if (!cJSON_IsObject(it)) {
            snprintf(f, sizeof f, "lines[%d]", i);
            return json_field_error(req, arena_strdup(req->mem, f), "invalid_field",
                                    "Each line is an object {producer, sku, quantity}.");
        }
        const char *producer, *sku;
        const char *fp = arena_printf(req->mem, "lines[%d].producer", i);
        const char *fs = arena_printf(req->mem, "lines[%d].sku", i);
        if (!json_str_at_or_reply(req, it, "producer", fp, 64, true, &producer) ||
            !json_str_at_or_reply(req, it, "sku", fs, 64, true, &sku))
            return false;
        snprintf(f, sizeof f, "lines[%d].quantity", i);
        if (!quantity_or_reply(req, cJSON_GetObjectItemCaseSensitive(it, "quantity"),
                               arena_strdup(req->mem, f), &l[i].quantity))
            return false;
        l[i].producer = producer;
        l[i].sku = sku;
    }
    in->lines = l;
    in->nlines = (size_t)n;
    return true;
}

/* PUT /api/v1/cycles/{id}/order — set the whole order; 200 with totals, 409 out of
 * stock, 422 invalid, 403 when the cycle is not open. */
void h_order_put(http_req *req)
{
    order_in in = {req->hub_id, 0, req->session->customer_id, NULL, NULL, 0};
    cJSON *body;
    if (!http_id_or_reply(req, "id", &in.cycle) || !(body = http_json_body(req)) ||
        !order_body_or_reply(req, body, &in))
        return;
    order o;
    refusal why;
    int st = order_put(req->db, req->mem, &in, &o, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json(req, 200, json_order(&o));
}

/* GET /api/v1/cycles/{id}/order — 404 when the caller has none. */
void h_order_get(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    order o;
    bool found;
    int st =
        order_get(req->db, req->mem, req->hub_id, cycle, req->session->customer_id, &o, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "no_order",
                         req->lang[0] == 'f' ? "Vous n’avez pas de commande dans ce cycle."
                                             : "You have no order in this cycle.",
                         NULL);
        return;
    }
    http_reply_json(req, 200, json_order(&o));
}

/* DELETE /api/v1/cycles/{id}/order — cancel, releasing the stock; 204. */
void h_order_delete(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    refusal why;
    int st = order_delete(req->db, req->mem, req->hub_id, cycle, req->session->customer_id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_bytes(req, 204, "application/json", "", 0, NULL);
}

/* GET /api/v1/orders — the caller's orders across cycles. */
void h_orders_mine(http_req *req)
{
    PGresult *r;
    int st = order_list(req->db, req->mem, req->hub_id, req->session->customer_id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "orders");
    for (int i = 0; i < PQntuples(r); i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, "id"));
        cJSON_AddNumberToObject(o, "cycle", (double)db_int(r, i, "cycle"));
        cJSON_AddStringToObject(o, "cycle_name", db_val(r, i, "cycle_name"));
        cJSON_AddStringToObject(o, "cycle_state", db_val(r, i, "state"));
        cJSON_AddStringToObject(o, "delivery_date", db_val(r, i, "delivery_date"));
        cJSON_AddStringToObject(o, "pickup_point", db_val(r, i, "pickup_name"));
        cJSON_AddNumberToObject(o, "lines", (double)db_int(r, i, "lines"));
        cJSON_AddBoolToObject(o, "editable", db_bool(r, i, "editable"));
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}
