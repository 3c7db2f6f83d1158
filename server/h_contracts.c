/*
 * server/h_contracts.c — /api/v1/contracts: AMAP contracts (core/contract.h).
 *
 *   GET  /api/v1/contracts                         the hub's contracts (any user)
 *   POST /api/v1/contracts                         define one (coordinator)
 *   GET  /api/v1/contracts/{id}/members            who is in, who paid what (coordinator)
 *   GET  /api/v1/contracts/{id}/deliveries         baskets per delivery and pickup point
 *                                                  (coordinator, the contract's producer)
 *   POST /api/v1/contracts/{id}/subscriptions      subscribe (consumer)
 *   POST /api/v1/contracts/{id}/instalments        record an instalment paid (coordinator)
 */
#include "../core/contract.h"
#include "../core/parse.h"
#include "handlers.h"
#include "json_in.h"

#include <stdlib.h>
#include <string.h>

/* A JSON array of strings (each at most max characters) into *out; false after a 422. */
static bool strings_or_reply(http_req *req, const cJSON *body, const char *field, size_t max,
                             const char ***out, size_t *n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, field);
    *out = NULL;
    *n = 0;
    if (!v)
        return true;
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 100)
        return json_field_error(req, field, "invalid_field",
                                req->lang[0] == 'f' ? "Une liste est attendue."
                                                    : "A list is expected.");
    int k = cJSON_GetArraySize(v);
    const char **s = arena_alloc(req->mem, ((size_t)k + 1) * sizeof *s);
    for (int i = 0; i < k; i++) {
        const cJSON *it = cJSON_GetArrayItem(v, i);
        if (!cJSON_IsString(it) || strlen(it->valuestring) > max)
            return json_field_error(req, arena_printf(req->mem, "%s[%d]", field, i),
                                    "invalid_field",
                                    req->lang[0] == 'f' ? "Une chaîne courte est attendue."
                                                        : "A short string is expected.");
        s[i] = it->valuestring;
    }
    *out = s;
    *n = (size_t)k;
    return true;
}

static bool baskets_or_reply(http_req *req, const cJSON *body, contract_new *in)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, "baskets");
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > CONTRACT_MAX_BASKETS)
        return json_field_error(req, "baskets", "invalid_baskets",
                                req->lang[0] == 'f' ? "De 1 à 6 paniers {sku, label, price}."
                                                    : "From 1 to 6 baskets {sku, label, price}.");
    int k = cJSON_GetArraySize(v);
    contract_basket_in *b = arena_alloc(req->mem, ((size_t)k + 1) * sizeof *b);
    for (int i = 0; i < k; i++) {
        const cJSON *it = cJSON_GetArrayItem(v, i);
        const char *price;
        if (!cJSON_IsObject(it) ||
            !json_str_at_or_reply(req, it, "sku", arena_printf(req->mem, "baskets[%d].sku", i), 64,
                                  true, &b[i].sku) ||
            !json_str_at_or_reply(req, it, "label", arena_printf(req->mem, "baskets[%d].label", i),
                                  100, true, &b[i].label) ||
            !json_str_at_or_reply(req, it, "price", arena_printf(req->mem, "baskets[%d].price", i),
                                  20, true, &price))
            return cJSON_IsObject(it) ? false
                                      : json_field_error(req, "baskets", "invalid_baskets",
                                                         "Each basket is {sku, label, price}.");
        if (parse_decimal(price, 4, 1, 100000000, &b[i].price) != PARSE_OK)
            return json_field_error(
                req, arena_printf(req->mem, "baskets[%d].price", i), "invalid_price",
                req->lang[0] == 'f' ? "Le prix HT s’écrit « 8.50 », quatre décimales au plus."
                                    : "The price excl. VAT is written \"8.50\", at most four "
                                      "decimals.");
    }
    in->baskets = b;
    in->nbaskets = (size_t)k;
    return true;
}

/* POST /api/v1/contracts — {producer, name, window_opens, window_closes, deliveries[],
 * baskets[{sku, label, price}], min_deliveries, missed_rule, instalment_plans[],
 * payment_methods[]}: 201 {"contract": {"id"}}. */
void h_contract_create(http_req *req)
{
    contract_new in = {.hub = req->hub_id};
    cJSON *body = http_json_body(req);
    int64_t min = 1;
    const char **methods;
    size_t nmethods;
    if (!body || !json_str_or_reply(req, body, "producer", 64, true, &in.producer) ||
        !json_str_or_reply(req, body, "name", 100, true, &in.name) ||
        !json_str_or_reply(req, body, "window_opens", 10, true, &in.window_opens) ||
        !json_str_or_reply(req, body, "window_closes", 10, true, &in.window_closes) ||
        !json_int_or_reply(req, body, "min_deliveries", 1, 60, false, &min) ||
        !json_str_or_reply(req, body, "missed_rule", 16, false, &in.missed_rule) ||
        !strings_or_reply(req, body, "deliveries", 10, (const char ***)&in.deliveries,
                          &in.ndeliveries) ||
        !strings_or_reply(req, body, "payment_methods", 16, &methods, &nmethods) ||
        !baskets_or_reply(req, body, &in))
        return;
    in.min_deliveries = (int)min;
    if (!*in.missed_rule)
        in.missed_rule = "neighbour";
    static const char *const cheque[] = {"cheque"};
    in.methods = nmethods ? methods : cheque;
    in.nmethods = nmethods ? nmethods : 1;
    const cJSON *plans = cJSON_GetObjectItemCaseSensitive(body, "instalment_plans");
    static const int64_t one[] = {1};
    in.plans = one;
    in.nplans = 1;
    if (plans) {
        if (!cJSON_IsArray(plans) || cJSON_GetArraySize(plans) > 12)
            return (void)json_field_error(req, "instalment_plans", "invalid_field",
                                          "A list of 1 to 12 whole numbers.");
        int k = cJSON_GetArraySize(plans);
        int64_t *p = arena_alloc(req->mem, ((size_t)k + 1) * sizeof *p);
        for (int i = 0; i < k; i++) {
            const cJSON *it = cJSON_GetArrayItem(plans, i);
            if (!cJSON_IsNumber(it) || it->valuedouble != (double)(int)it->valuedouble)
                return (void)json_field_error(req, "instalment_plans", "invalid_field",
                                              "A list of 1 to 12 whole numbers.");
            p[i] = (int64_t)it->valuedouble;
        }
        in.plans = p;
        in.nplans = (size_t)k;
    }
    int64_t id;
    refusal why = {0};
    int st = contract_create(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(root, "contract"), "id", (double)id);
    http_reply_json(req, 201, root);
}

/* GET /api/v1/contracts */
void h_contracts_list(http_req *req)
{
    PGresult *r;
    int st = contract_list(req->db, req->mem, req->hub_id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "contracts");
    for (int i = 0; i < PQntuples(r); i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)db_int(r, i, "id"));
        static const char *const text[] = {
            "name",        "producer", "producer_name", "window_opens", "window_closes",
            "missed_rule", "plans",    "methods",       "deliveries",   "baskets"};
        for (size_t k = 0; k < sizeof text / sizeof text[0]; k++)
            cJSON_AddStringToObject(o, text[k], db_val(r, i, text[k]));
        cJSON_AddBoolToObject(o, "open", db_bool(r, i, "open"));
        cJSON_AddNumberToObject(o, "min_deliveries", (double)db_int(r, i, "min_deliveries"));
        cJSON_AddNumberToObject(o, "subscribers", (double)db_int(r, i, "subscribers"));
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}

/* The rows as a JSON array of objects, numbers where the column is one. */
static cJSON *rows_json(PGresult *r)
{
    cJSON *list = cJSON_CreateArray();
    for (int i = 0; i < PQntuples(r); i++) {
        cJSON *o = cJSON_CreateObject();
        for (int k = 0; k < PQnfields(r); k++) {
            const char *name = PQfname(r, k);
            Oid t = PQftype(r, k);
            if (PQgetisnull(r, i, k))
                cJSON_AddNullToObject(o, name);
            else if (t == 20 || t == 23 || t == 1700) /* int8, int4, numeric */
                cJSON_AddNumberToObject(o, name, strtod(PQgetvalue(r, i, k), NULL));
            else if (t == 16)
                cJSON_AddBoolToObject(o, name, PQgetvalue(r, i, k)[0] == 't');
            else
                cJSON_AddStringToObject(o, name, PQgetvalue(r, i, k));
        }
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

/* GET /api/v1/contracts/{id}/members */
void h_contract_members(http_req *req)
{
    int64_t id, producer;
    if (!http_id_or_reply(req, "id", &id))
        return;
    PGresult *r;
    int st = contract_producer(req->db, req->mem, req->hub_id, id, &producer);
    if (st == DB_OK && producer == 0) {
        http_reply_error(
            req, 404, "not_found",
            req->lang[0] == 'f' ? "Ce contrat n’existe pas." : "There is no such contract.", "id");
        return;
    }
    if (st == DB_OK)
        st = contract_members(req->db, req->mem, req->hub_id, id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "members", rows_json(r));
    http_reply_json(req, 200, root);
}

/* GET /api/v1/contracts/{id}/deliveries — a producer sees its own contracts only. */
void h_contract_deliveries(http_req *req)
{
    int64_t id, producer;
    if (!http_id_or_reply(req, "id", &id))
        return;
    int st = contract_producer(req->db, req->mem, req->hub_id, id, &producer);
    if (st == DB_OK && (producer == 0 || (req->session->role == ROLE_PRODUCER &&
                                          producer != req->session->producer_id))) {
        http_reply_error(
            req, 404, "not_found",
            req->lang[0] == 'f' ? "Ce contrat n’existe pas." : "There is no such contract.", "id");
        return;
    }
    PGresult *r;
    if (st == DB_OK)
        st = contract_deliveries_view(req->db, req->mem, req->hub_id, id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "deliveries", rows_json(r));
    http_reply_json(req, 200, root);
}

/* POST /api/v1/contracts/{id}/subscriptions — {basket, quantity?, pickup_point,
 * instalments, payment_method}: 201 {"subscription": {"id"}}. */
void h_contract_subscribe(http_req *req)
{
    contract_sub_in in = {.hub = req->hub_id, .customer = req->session->customer_id};
    cJSON *body;
    int64_t quantity = 1, n = 0;
    if (!http_id_or_reply(req, "id", &in.contract) || !(body = http_json_body(req)) ||
        !json_int_or_reply(req, body, "basket", 1, INT64_MAX, true, &in.basket) ||
        !json_int_or_reply(req, body, "quantity", 1, 10, false, &quantity) ||
        !json_str_or_reply(req, body, "pickup_point", 64, true, &in.pickup_point) ||
        !json_int_or_reply(req, body, "instalments", 1, 52, true, &n) ||
        !json_str_or_reply(req, body, "payment_method", 16, true, &in.payment_method))
        return;
    in.quantity = quantity * 1000;
    in.instalments = (int)n;
    int64_t id;
    refusal why = {0};
    int st = contract_subscribe(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(root, "subscription"), "id", (double)id);
    http_reply_json(req, 201, root);
}

/* POST /api/v1/contracts/{id}/instalments — {subscription, number}: 201. */
void h_contract_instalment(http_req *req)
{
    int64_t id, sub, number;
    cJSON *body;
    if (!http_id_or_reply(req, "id", &id) || !(body = http_json_body(req)) ||
        !json_int_or_reply(req, body, "subscription", 1, INT64_MAX, true, &sub) ||
        !json_int_or_reply(req, body, "number", 1, 52, true, &number))
        return;
    refusal why = {0};
    int st = contract_instalment_paid(req->db, req->mem, req->hub_id, req->session->user_id, id,
                                      sub, (int)number, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json_text(req, 201, "{\"paid\": true}");
}
