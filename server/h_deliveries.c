/*
 * server/h_deliveries.c — what was delivered, over the JSON API (core/delivery.h).
 *
 *   GET  /api/v1/cycles/{id}/deliveries     the cycle's lines as delivered, in bag order
 *                                           (?producer=SLUG, ?weighed=1, ?from=BAG,
 *                                           ?limit=N); a producer sees their own
 *   POST /api/v1/cycles/{id}/weights        {"weights": [{"line": 12, "weight": "2.14"} |
 *                                           {"bag": 3, "sku": "POULET", "producer": "…",
 *                                           "weight": "2.14"}], "reason": "…"}, or a
 *                                           scale's CSV as the body (text/csv)
 *   POST /api/v1/cycles/{id}/shortages      {"producer", "sku", "missing"} or {"line",
 *                                           "delivered"}, with an optional "reason"
 *   POST /api/v1/cycles/{id}/substitutions  {"line", "producer", "sku", "quantity",
 *                                           "reason"}: proposed to the line's customer
 *   POST /api/v1/cycles/{id}/order/substitutions/{sid}  {"accept": true|false}, the
 *                                           customer's answer; replies with the order
 *
 * The producer role changes only its own lines (the core refuses the others: 403); a
 * coordinator changes any. Quantities and weights travel as decimal strings, amounts as
 * integer cents.
 */
#include "../core/delivery.h"
#include "../core/order.h"
#include "../core/parse.h"
#include "../importers/catalog_db.h"
#include "../importers/weigh_csv.h"
#include "handlers.h"
#include "json_in.h"
#include "json_out.h"

#include <string.h>

#define LIST_LIMIT 5000

static bool fr(const http_req *req)
{
    return req->lang[0] == 'f';
}

static void add_dec(cJSON *o, const char *key, int64_t v, int scale)
{
    char b[32];
    cJSON_AddStringToObject(o, key, dec_format(b, v, scale, 0));
}

static void add_dec_or_null(cJSON *o, const char *key, int64_t v, int scale)
{
    if (v < 0)
        cJSON_AddNullToObject(o, key);
    else
        add_dec(o, key, v, scale);
}

static delivery_actor actor(const http_req *req)
{
    const http_session *s = req->session;
    return (delivery_actor){s->user_id, s->role == ROLE_PRODUCER ? s->producer_id : 0, "api"};
}

/* ---- GET …/deliveries ------------------------------------------------------------- */

static cJSON *json_delivery_line(const delivery_line *l)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "line_id", (double)l->line);
    cJSON_AddNumberToObject(o, "order", (double)l->order);
    if (l->bag)
        cJSON_AddNumberToObject(o, "bag", (double)l->bag);
    else
        cJSON_AddNullToObject(o, "bag");
    cJSON_AddStringToObject(o, "customer", l->customer);
    cJSON_AddStringToObject(o, "producer", l->producer);
    cJSON_AddStringToObject(o, "sku", l->sku);
    cJSON_AddStringToObject(o, "name", l->name);
    cJSON_AddStringToObject(o, "unit", l->unit);
    add_dec(o, "ordered", l->ordered, 3);
    add_dec(o, "delivered", l->delivered, 3);
    if (l->measure) {
        cJSON_AddStringToObject(o, "measure", l->measure);
        add_dec(o, "estimate", l->estimate, 3);
        add_dec_or_null(o, "weight", l->weight, 3);
    } else {
        cJSON_AddNullToObject(o, "measure");
    }
    cJSON_AddNumberToObject(o, "line_excl_vat_cents", (double)l->net);
    cJSON_AddBoolToObject(o, "substitute", l->substitute);
    return o;
}

/* ?producer=SLUG for a coordinator; a producer is always their own. false after a reply. */
static bool producer_filter(http_req *req, int64_t *producer)
{
    *producer = req->session->role == ROLE_PRODUCER ? req->session->producer_id : 0;
    const char *slug = http_query(req, "producer");
    if (*producer || !slug || !*slug)
        return true;
    imp_producer p;
    bool found;
    int st = imp_producer_find(req->db, req->mem, req->hub_id, slug, &p, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    *producer = found ? p.id : 0;
    if (!found) {
        http_reply_error(req, 404, "unknown_producer",
                         fr(req) ? "Aucun producteur de ce nom." : "No such producer.", "producer");
        return false;
    }
    return true;
}

/* GET /api/v1/cycles/{id}/deliveries */
void h_deliveries_get(http_req *req)
{
    int64_t cycle, producer, from = 0, limit = LIST_LIMIT;
    const char *q;
    if (!http_id_or_reply(req, "id", &cycle) || !producer_filter(req, &producer))
        return;
    if ((q = http_query(req, "from")) && parse_int(q, 0, INT32_MAX, &from) != PARSE_OK) {
        http_reply_error(req, 400, "invalid_field",
                         fr(req) ? "from est un numéro de sac." : "from is a bag number.", "from");
        return;
    }
    if ((q = http_query(req, "limit")) && parse_int(q, 1, LIST_LIMIT, &limit) != PARSE_OK) {
        http_reply_error(req, 400, "invalid_field",
                         fr(req) ? "limit va de 1 à 5000." : "limit is from 1 to 5000.", "limit");
        return;
    }
    q = http_query(req, "weighed");
    bool weighed_only = q && !strcmp(q, "1");
    delivery_list dl;
    refusal why = {0};
    int st = delivery_lines(req->db, req->mem, req->hub_id, cycle, producer, weighed_only, from,
                            (size_t)limit, &dl, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "cycle", (double)cycle);
    cJSON_AddStringToObject(root, "state", dl.state);
    cJSON_AddStringToObject(root, "shortage_rule", shortage_rule_name(dl.rule));
    cJSON_AddNumberToObject(root, "to_weigh", (double)dl.to_weigh);
    cJSON *lines = cJSON_AddArrayToObject(root, "lines");
    for (size_t i = 0; i < dl.nlines; i++)
        cJSON_AddItemToArray(lines, json_delivery_line(&dl.lines[i]));
    http_reply_json(req, 200, root);
}

/* ---- POST …/weights ----------------------------------------------------------------- */

static bool weight_row_or_reply(http_req *req, const cJSON *o, size_t i, weigh_row *w)
{
    const char *f = arena_printf(req->mem, "weights[%zu]", i);
    if (!cJSON_IsObject(o))
        return json_field_error(req, f, "invalid_field",
                                fr(req) ? "Chaque pesée est un objet."
                                        : "Each weight is an object.");
    *w = (weigh_row){.at_line = arena_printf(req->mem, "%s.line", f),
                     .at_bag = arena_printf(req->mem, "%s.bag", f),
                     .at_sku = arena_printf(req->mem, "%s.sku", f),
                     .at_weight = arena_printf(req->mem, "%s.weight", f)};
    const cJSON *line = cJSON_GetObjectItemCaseSensitive(o, "line");
    const char *wt;
    if (line && !cJSON_IsNull(line)) {
        if (!json_int_or_reply(req, o, "line", 1, INT64_MAX / 2, true, &w->line))
            return false;
    } else {
        const char *sku, *producer;
        if (!json_int_or_reply(req, o, "bag", 1, 100000000, true, &w->bag) ||
            !json_str_at_or_reply(req, o, "sku", w->at_sku, 64, true, &sku) ||
            !json_str_at_or_reply(req, o, "producer", arena_printf(req->mem, "%s.producer", f), 64,
                                  false, &producer))
            return false;
        w->sku = sku;
        w->producer = *producer ? producer : NULL;
    }
    if (!json_str_at_or_reply(req, o, "weight", w->at_weight, 32, true, &wt))
        return false;
    if (!weigh_value(wt, &w->weight) || w->weight <= 0)
        return json_field_error(req, w->at_weight, "invalid_weight",
                                fr(req) ? "Un poids positif en kg, en texte : \"2.14\"."
                                        : "A positive weight in kg, as a string: \"2.14\".");
    return true;
}

static bool weights_from_json(http_req *req, weigh_in *in)
{
    cJSON *body = http_json_body(req);
    if (!body)
        return false;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, "weights");
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > DELIVERY_MAX_ROWS)
        return json_field_error(req, "weights", "invalid_field",
                                fr(req) ? "weights est une liste de pesées."
                                        : "weights is a list of weights.");
    const char *reason;
    if (!json_str_or_reply(req, body, "reason", DELIVERY_REASON_MAX, false, &reason))
        return false;
    in->reason = reason;
    in->nrows = (size_t)cJSON_GetArraySize(arr);
    weigh_row *rows = arena_alloc(req->mem, (in->nrows + 1) * sizeof *rows);
    size_t i = 0;
    const cJSON *o;
    cJSON_ArrayForEach(o, arr)
    {
        if (!weight_row_or_reply(req, o, i, &rows[i]))
            return false;
        i++;
    }
    in->rows = rows;
    return true;
}

/* A scale's CSV as the body: every problem at its line and column, or the rows. */
static bool weights_from_csv(http_req *req, weigh_in *in)
{
    weigh_file f;
    if (weigh_csv_parse(req->body.data ? req->body.data : "", req->body.len, "body", req->mem,
                        &f) == 0) {
        in->rows = f.rows;
        in->nrows = f.nrows;
        return true;
    }
    cJSON *details = cJSON_CreateArray();
    for (size_t i = 0; i < f.nproblems; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "code", f.problems[i].code);
        cJSON_AddStringToObject(d, "message", fr(req) ? f.problems[i].fr : f.problems[i].en);
        cJSON_AddStringToObject(d, "field", f.problems[i].where);
        cJSON_AddItemToArray(details, d);
    }
    http_reply_error_details(req, 422, "invalid_file",
                             fr(req) ? "Le fichier a des problèmes : rien n’a été enregistré."
                                     : "The file has problems: nothing was recorded.",
                             details);
    return false;
}

static cJSON *json_weighed(const weigh_result *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "weighed", (double)r->nlines);
    cJSON_AddNumberToObject(root, "changed", (double)r->changed);
    cJSON *lines = cJSON_AddArrayToObject(root, "lines");
    for (size_t i = 0; i < r->nlines; i++) {
        const weighed_line *l = &r->lines[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line_id", (double)l->line);
        if (l->bag)
            cJSON_AddNumberToObject(o, "bag", (double)l->bag);
        else
            cJSON_AddNullToObject(o, "bag");
        cJSON_AddStringToObject(o, "producer", l->producer);
        cJSON_AddStringToObject(o, "sku", l->sku);
        cJSON_AddStringToObject(o, "name", l->name);
        cJSON_AddStringToObject(o, "measure", l->measure);
        add_dec(o, "delivered", l->pieces, 3);
        add_dec(o, "weight", l->weight, 3);
        add_dec(o, "estimate", l->estimate, 3);
        cJSON_AddNumberToObject(o, "line_excl_vat_cents", (double)l->net);
        cJSON_AddBoolToObject(o, "changed", l->changed);
        cJSON_AddItemToArray(lines, o);
    }
    return root;
}

/* POST /api/v1/cycles/{id}/weights */
void h_weights_post(http_req *req)
{
    weigh_in in = {.hub = req->hub_id, .who = actor(req)};
    if (!http_id_or_reply(req, "id", &in.cycle))
        return;
    const char *ct = http_header(req, "Content-Type");
    bool csv = ct && (!strncmp(ct, "text/csv", 8) || !strncmp(ct, "text/plain", 10));
    if (!(csv ? weights_from_csv(req, &in) : weights_from_json(req, &in)))
        return;
    weigh_result r;
    refusal why = {0};
    int st = delivery_weigh(req->db, req->mem, &in, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json(req, 200, json_weighed(&r));
}

/* ---- POST …/shortages ---------------------------------------------------------------- */

/* A decimal string in [min, max] thousandths; false after a 422. */
static bool quantity_or_reply(http_req *req, const cJSON *body, const char *key, int64_t min,
                              milli_t *out)
{
    const char *s;
    if (!json_str_or_reply(req, body, key, 32, true, &s))
        return false;
    if (parse_decimal(s, 3, min, PARSE_QUANTITY_MAX, out) != PARSE_OK)
        return json_field_error(req, key, "invalid_quantity",
                                fr(req)
                                    ? "Une quantité décimale en texte, comme \"2\" ou \"0.5\"."
                                    : "A decimal quantity as a string, such as \"2\" or \"0.5\".");
    return true;
}

/* POST /api/v1/cycles/{id}/shortages */
void h_shortages_post(http_req *req)
{
    shortage_in in = {.hub = req->hub_id, .who = actor(req)};
    cJSON *body;
    if (!http_id_or_reply(req, "id", &in.cycle) || !(body = http_json_body(req)))
        return;
    const char *reason;
    if (!json_str_or_reply(req, body, "reason", DELIVERY_REASON_MAX, false, &reason))
        return;
    in.reason = reason;
    if (cJSON_GetObjectItemCaseSensitive(body, "line")) {
        if (!json_int_or_reply(req, body, "line", 1, INT64_MAX / 2, true, &in.line) ||
            !quantity_or_reply(req, body, "delivered", 0, &in.delivered))
            return;
    } else {
        const char *producer, *sku;
        if (!json_str_or_reply(req, body, "producer", 64, true, &producer) ||
            !json_str_or_reply(req, body, "sku", 64, true, &sku) ||
            !quantity_or_reply(req, body, "missing", 1, &in.missing))
            return;
        in.producer = producer;
        in.sku = sku;
    }
    shortage_result r;
    refusal why = {0};
    int st = delivery_shortage(req->db, req->mem, &in, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "name", r.name ? r.name : "");
    cJSON_AddStringToObject(root, "unit", r.unit ? r.unit : "");
    cJSON_AddStringToObject(root, "rule", shortage_rule_name(r.rule));
    add_dec(root, "missing", r.missing, 3);
    cJSON *list = cJSON_AddArrayToObject(root, "changes");
    for (size_t i = 0; i < r.nchanges; i++) {
        const shortage_change *c = &r.changes[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line_id", (double)c->line);
        cJSON_AddNumberToObject(o, "order", (double)c->order);
        add_dec(o, "before", c->before, 3);
        add_dec(o, "after", c->after, 3);
        cJSON_AddNumberToObject(o, "line_excl_vat_cents_before", (double)c->net_before);
        cJSON_AddNumberToObject(o, "line_excl_vat_cents_after", (double)c->net_after);
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}

/* ---- substitutions ----------------------------------------------------------------- */

/* POST /api/v1/cycles/{id}/substitutions */
void h_substitutions_post(http_req *req)
{
    substitution_in in = {.hub = req->hub_id, .who = actor(req)};
    cJSON *body;
    const char *producer, *sku, *reason;
    if (!http_id_or_reply(req, "id", &in.cycle) || !(body = http_json_body(req)) ||
        !json_int_or_reply(req, body, "line", 1, INT64_MAX / 2, true, &in.line) ||
        !json_str_or_reply(req, body, "producer", 64, true, &producer) ||
        !json_str_or_reply(req, body, "sku", 64, true, &sku) ||
        !quantity_or_reply(req, body, "quantity", 1, &in.quantity) ||
        !json_str_or_reply(req, body, "reason", DELIVERY_REASON_MAX, false, &reason))
        return;
    in.producer = producer;
    in.sku = sku;
    in.reason = reason;
    int64_t id;
    refusal why = {0};
    int st = delivery_substitute(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *s = cJSON_AddObjectToObject(root, "substitution");
    cJSON_AddNumberToObject(s, "id", (double)id);
    cJSON_AddStringToObject(s, "state", "proposed");
    http_reply_json(req, 201, root);
}

/* POST /api/v1/cycles/{id}/order/substitutions/{sid} — the customer's answer. */
void h_substitution_answer(http_req *req)
{
    int64_t cycle, sid;
    cJSON *body;
    if (!http_id_or_reply(req, "id", &cycle) || !http_id_or_reply(req, "sid", &sid) ||
        !(body = http_json_body(req)))
        return;
    const cJSON *accept = cJSON_GetObjectItemCaseSensitive(body, "accept");
    if (!cJSON_IsBool(accept)) {
        json_field_error(req, "accept", "invalid_field",
                         fr(req) ? "accept vaut true ou false." : "accept is true or false.");
        return;
    }
    refusal why = {0};
    int st =
        delivery_substitution_answer(req->db, req->mem, req->hub_id, req->session->customer_id,
                                     req->session->user_id, "api", sid, cJSON_IsTrue(accept), &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    order o;
    order_delivery d;
    if (caller_order_or_reply(req, "id", &o) && order_delivery_or_reply(req, &o, &d))
        http_reply_json(req, 200, json_order_delivered(&o, &d));
}
