/*
 * server/h_subscriptions.c — /api/v1/subscriptions: the caller's standing orders
 * (subscribe, pause, cancel, list) and, for the coordinator, what a cycle's opening
 * did with the subscriptions due (/api/v1/cycles/{id}/subscriptions).
 */
#include "../core/subscription.h"
#include "handlers.h"
#include "json_in.h"
#include "order_body.h"

static cJSON *json_subscription(const subscription *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)s->id);
    cJSON_AddStringToObject(o, "pickup_point", s->pickup_point);
    cJSON_AddStringToObject(o, "pickup_name", s->pickup_name);
    if (s->every_weeks)
        cJSON_AddNumberToObject(o, "every_weeks", s->every_weeks);
    cJSON_AddStringToObject(o, "starts_on", s->starts_on);
    cJSON_AddBoolToObject(o, "cancelled", s->cancelled);
    if (s->contract) {
        cJSON *k = cJSON_AddObjectToObject(o, "contract");
        cJSON_AddNumberToObject(k, "id", (double)s->contract);
        cJSON_AddStringToObject(k, "name", s->contract_name);
        cJSON_AddStringToObject(k, "basket", s->basket_label);
        cJSON_AddNumberToObject(k, "price_excl_vat_e4", (double)s->contract_price);
        cJSON_AddNumberToObject(k, "instalments", s->instalments);
        cJSON_AddStringToObject(k, "payment_method", s->payment_method);
        cJSON_AddNumberToObject(k, "carried", s->carried);
    }
    cJSON *lines = cJSON_AddArrayToObject(o, "lines");
    for (size_t i = 0; i < s->nlines; i++) {
        cJSON *l = cJSON_CreateObject();
        cJSON_AddStringToObject(l, "producer", s->lines[i].producer);
        cJSON_AddStringToObject(l, "sku", s->lines[i].sku);
        cJSON_AddStringToObject(l, "name", s->lines[i].name);
        cJSON_AddStringToObject(l, "unit", s->lines[i].unit);
        cJSON_AddNumberToObject(l, "quantity_milli", (double)s->lines[i].quantity);
        cJSON_AddItemToArray(lines, l);
    }
    cJSON *pauses = cJSON_AddArrayToObject(o, "pauses");
    for (size_t i = 0; i < s->npauses; i++) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "from", s->pauses[i].starts_on);
        cJSON_AddStringToObject(p, "until", s->pauses[i].ends_on);
        cJSON_AddItemToArray(pauses, p);
    }
    cJSON *runs = cJSON_AddArrayToObject(o, "runs");
    for (size_t i = 0; i < s->nruns; i++) {
        cJSON *r = cJSON_CreateObject();
        cJSON_AddNumberToObject(r, "cycle", (double)s->runs[i].cycle);
        cJSON_AddStringToObject(r, "delivery_date", s->runs[i].delivery_date);
        cJSON_AddStringToObject(r, "outcome", s->runs[i].outcome);
        cJSON_AddStringToObject(r, "misses", s->runs[i].misses);
        cJSON_AddItemToArray(runs, r);
    }
    return o;
}

/* GET /api/v1/subscriptions — the caller's, live ones first. */
void h_subscriptions_mine(http_req *req)
{
    subscription *s;
    size_t n;
    int st = sub_list(req->db, req->mem, req->hub_id, req->session->customer_id, &s, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "subscriptions");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, json_subscription(&s[i]));
    http_reply_json(req, 200, root);
}

/* The body of POST /api/v1/subscriptions mapped to what core/subscription.h checks
 * (sub_new_check): only the JSON's shapes and sizes here. false after a 422. */
static bool sub_body_or_reply(http_req *req, const cJSON *body, sub_new *in)
{
    int64_t every = 0, from_cycle = 0;
    if (!json_int_or_reply(req, body, "every_weeks", SUB_EVERY_WEEKS_MIN, SUB_EVERY_WEEKS_MAX, true,
                           &every) ||
        !json_str_or_reply(req, body, "starts_on", 10, false, &in->starts_on) ||
        !json_int_or_reply(req, body, "from_cycle", 1, INT64_MAX, false, &from_cycle))
        return false;
    in->every_weeks = (int)every;
    in->from_cycle = from_cycle;
    if (cJSON_GetObjectItemCaseSensitive(body, "lines")) {
        order_in lines = {0};
        if (!order_body_or_reply(req, body, &lines))
            return false;
        in->pickup_point = lines.pickup_point;
        in->lines = lines.lines;
        in->nlines = lines.nlines;
        return true;
    }
    return json_str_or_reply(req, body, "pickup_point", 64, false, &in->pickup_point);
}

/* POST /api/v1/subscriptions — {every_weeks, starts_on?, pickup_point, lines} or
 * {every_weeks, starts_on?, from_cycle, pickup_point?}: 201 with the subscription. */
void h_subscription_create(http_req *req)
{
    sub_new in = {.hub = req->hub_id, .customer = req->session->customer_id};
    cJSON *body = http_json_body(req);
    if (!body || !sub_body_or_reply(req, body, &in))
        return;
    int64_t id;
    refusal why = {0};
    int st = sub_create(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    subscription *s;
    size_t n;
    if ((st = sub_list(req->db, req->mem, req->hub_id, in.customer, &s, &n)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    for (size_t i = 0; i < n; i++)
        if (s[i].id == id)
            cJSON_AddItemToObject(root, "subscription", json_subscription(&s[i]));
    http_reply_json(req, 201, root);
}

/* POST /api/v1/subscriptions/{id}/pauses — {from, until}: 201. */
void h_subscription_pause(http_req *req)
{
    int64_t id;
    cJSON *body;
    const char *from, *until;
    if (!http_id_or_reply(req, "id", &id) || !(body = http_json_body(req)) ||
        !json_str_or_reply(req, body, "from", 10, true, &from) ||
        !json_str_or_reply(req, body, "until", 10, true, &until))
        return;
    refusal why = {0};
    int st =
        sub_pause(req->db, req->mem, req->hub_id, req->session->customer_id, id, from, until, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 201, "{\"paused\": true}");
}

/* DELETE /api/v1/subscriptions/{id} — cancel: 204. */
void h_subscription_cancel(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    refusal why = {0};
    int st = sub_cancel(req->db, req->mem, req->hub_id, req->session->customer_id, id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_bytes(req, 204, "application/json", "", 0, NULL);
}

/* GET /api/v1/cycles/{id}/subscriptions — what the opening placed and what it could
 * not, and why. */
void h_cycle_subscriptions(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    sub_report_row *rows;
    size_t n;
    bool found;
    int st = sub_cycle_report(req->db, req->mem, req->hub_id, cycle, &rows, &n, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         req->lang[0] == 'f' ? "Ce cycle n’existe pas." : "There is no such cycle.",
                         "id");
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "subscriptions");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "subscription", (double)rows[i].subscription);
        cJSON_AddNumberToObject(o, "customer", (double)rows[i].customer);
        cJSON_AddStringToObject(o, "customer_name", rows[i].customer_name);
        cJSON_AddStringToObject(o, "pickup_point", rows[i].pickup_name);
        cJSON_AddStringToObject(o, "outcome", rows[i].outcome);
        cJSON_AddStringToObject(o, "contract", rows[i].contract_name);
        cJSON_AddStringToObject(o, "misses", rows[i].misses);
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}
