/*
 * server/h_customers.c — the coordinator's JSON for customers without internet and
 * the orders typed for them:
 *
 *   POST /api/v1/customers                     {name, phone, email?} → 201 the customer
 *   PUT  /api/v1/cycles/{id}/orders/{customer} the customer's whole order, as the
 *                                              shop's PUT .../order (same body, same
 *                                              rules), recorded as typed by the caller
 *   GET  /api/v1/cycles/{id}/orders/{customer}
 *
 * (GET /api/v1/customers?q= finds them by name, e-mail or phone: server/h_people.c.)
 * Only customers of the caller's hub exist here: another hub's is a 404 on
 * "customer", exactly as one that does not exist.
 */
#include "../core/customer_offline.h"
#include "../core/order.h"
#include "handlers.h"
#include "json_in.h"
#include "json_out.h"
#include "order_body.h"

static cJSON *json_customer(const customer_row *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)c->id);
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddStringToObject(o, "phone", c->phone);
    cJSON_AddStringToObject(o, "email", c->email);
    cJSON_AddBoolToObject(o, "has_account", c->has_account);
    cJSON_AddBoolToObject(o, "paper", c->paper);
    return o;
}

/* POST /api/v1/customers — register a customer by phone; no account, no login. */
void h_customer_create(http_req *req)
{
    cJSON *body = http_json_body(req);
    customer_new in = {0};
    if (!body || !json_str_or_reply(req, body, "name", 200, false, &in.name) ||
        !json_str_or_reply(req, body, "phone", 40, false, &in.phone) ||
        !json_str_or_reply(req, body, "email", 254, false, &in.email))
        return;
    refusal why = {0};
    int64_t id;
    int st =
        customer_register(req->db, req->mem, req->hub_id, req->session->user_id, &in, &id, &why);
    customer_row c;
    bool found = false;
    if (st == 0)
        st = customer_find(req->db, req->mem, req->hub_id, id, &c, &found);
    if (st != 0 || !found) {
        http_reply_failure(req, st ? st : DB_ERROR, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "customer", json_customer(&c));
    http_reply_json(req, 201, root);
}

/* {id} and {customer} of the path, the customer being of this hub; false after a
 * reply. */
static bool cycle_customer_or_reply(http_req *req, int64_t *cycle, int64_t *customer)
{
    if (!http_id_or_reply(req, "id", cycle) || !http_id_or_reply(req, "customer", customer))
        return false;
    customer_row c;
    bool found;
    int st = customer_find(req->db, req->mem, req->hub_id, *customer, &c, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        refusal why = {0};
        customer_refuse_unknown(&why, "customer");
        http_reply_refusal(req, &why);
        return false;
    }
    return true;
}

/* PUT /api/v1/cycles/{id}/orders/{customer} — 200 with totals, 409 out of stock,
 * 422 invalid, 403 when the cycle is not open, 404 for another hub's customer. */
void h_order_put_for(http_req *req)
{
    order_in in = {req->hub_id, 0, 0, NULL, NULL, 0, NULL, req->session->user_id};
    cJSON *body;
    if (!cycle_customer_or_reply(req, &in.cycle, &in.customer) || !(body = http_json_body(req)) ||
        !order_body_or_reply(req, body, &in))
        return;
    order o;
    refusal why = {0};
    int st = order_put(req->db, req->mem, &in, &o, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json(req, 200, json_order(&o));
}

/* GET /api/v1/cycles/{id}/orders/{customer} — 404 no_order when there is none. */
void h_order_get_for(http_req *req)
{
    int64_t cycle, customer;
    if (!cycle_customer_or_reply(req, &cycle, &customer))
        return;
    order o;
    bool found;
    int st = order_get(req->db, req->mem, req->hub_id, cycle, customer, &o, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "no_order",
                         req->lang[0] == 'f' ? "Ce client n’a pas de commande dans ce cycle."
                                             : "This customer has no order in this cycle.",
                         NULL);
        return;
    }
    http_reply_json(req, 200, json_order(&o));
}
