/*
 * server/h_orders.c — /api/v1/cycles/{id}/order: the caller's order, set whole.
 */
#include "../core/order.h"
#include "handlers.h"
#include "json_out.h"
#include "order_body.h" /* the body reader, apart to be fuzzed alone */
#include "pay_json.h"

#include <string.h>

/* The order with how to pay it ("payment": core/payment.h's instructions), and what was
 * delivered when d is given. */
static void reply_order(http_req *req, const order *o, const order_delivery *d)
{
    pay_instr p;
    bool found;
    /* read after the order's transaction: when the database is out of reach by then, the
     * order is still saved and said so (200); only its payment block is left out, and
     * GET gives it back (a saved write never reads as a failure) */
    int st = pay_order_instructions(req->db, req->mem, req->hub_id, o->id,
                                    req->session->customer_id, &p, &found);
    cJSON *root = json_order_delivered(o, d);
    if (st == DB_OK && found)
        cJSON_AddItemToObject(cJSON_GetObjectItemCaseSensitive(root, "order"), "payment",
                              json_pay_instr(&p));
    http_reply_json(req, 200, root);
}

/* PUT /api/v1/cycles/{id}/order — set the whole order; 200 with totals, 409 out of
 * stock, 422 invalid, 403 when the cycle is not open. */
void h_order_put(http_req *req)
{
    order_in in = {req->hub_id, 0, req->session->customer_id, NULL, NULL, 0, NULL, 0};
    cJSON *body;
    if (!http_id_or_reply(req, "id", &in.cycle) || !(body = http_json_body(req)) ||
        !order_body_or_reply(req, body, &in))
        return;
    order o;
    refusal why = {0};
    int st = order_put(req->db, req->mem, &in, &o, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_order(req, &o, NULL);
}

bool caller_order_or_reply(http_req *req, const char *param, order *o)
{
    int64_t cycle;
    if (!http_id_or_reply(req, param, &cycle))
        return false;
    bool found;
    int st = order_get(req->db, req->mem, req->hub_id, cycle, req->session->customer_id, o, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "no_order",
                         req->lang[0] == 'f' ? "Vous n’avez pas de commande dans ce cycle."
                                             : "You have no order in this cycle.",
                         NULL);
        return false;
    }
    return true;
}

bool order_delivery_or_reply(http_req *req, const order *o, order_delivery *d)
{
    *d = (order_delivery){0};
    if (o->editable || !strcmp(o->state, "draft") || !strcmp(o->state, "open"))
        return true; /* nothing is delivered before the orders close */
    delivery_change *ch;
    substitution *subs;
    size_t n, ns;
    int st = delivery_changes_list(req->db, req->mem, req->hub_id, o->cycle, o->id, &ch, &n);
    if (st == DB_OK)
        st = delivery_substitutions(req->db, req->mem, req->hub_id, o->id, &subs, &ns);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    *d = (order_delivery){ch, n, subs, ns};
    return true;
}

/* GET /api/v1/cycles/{id}/order — 404 when the caller has none; with what was
 * delivered, each change and its reason, and the final amount. */
void h_order_get(http_req *req)
{
    order o;
    order_delivery d;
    if (caller_order_or_reply(req, "id", &o) && order_delivery_or_reply(req, &o, &d))
        reply_order(req, &o, &d);
}

/* DELETE /api/v1/cycles/{id}/order — cancel, releasing the stock; 204. */
void h_order_delete(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    refusal why = {0};
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
        cJSON_AddNumberToObject(o, "changes", (double)db_int(r, i, "changes"));
        if (db_null(r, i, "invoiced_incl"))
            cJSON_AddNullToObject(o, "invoiced_incl_vat_cents");
        else
            cJSON_AddNumberToObject(o, "invoiced_incl_vat_cents",
                                    (double)db_int(r, i, "invoiced_incl"));
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}
