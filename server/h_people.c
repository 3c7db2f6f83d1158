/*
 * server/h_people.c — /api/v1/customers and /api/v1/coordinators for scripts, the
 * same core functions as the desk's "People" pages (core/people.h).
 *
 *   GET    /api/v1/customers?q=&page=     a page of customers (name or e-mail holding q)
 *   GET    /api/v1/customers/{id}         one, with its orders
 *   PATCH  /api/v1/customers/{id}         {"verified": true|false} (business buyers)
 *   GET    /api/v1/coordinators           who coordinates, and the record of role changes
 *   POST   /api/v1/coordinators           {"email"}: give the role to that account
 *   DELETE /api/v1/coordinators/{id}      remove it (never from the last one)
 */
#include "../core/parse.h"
#include "../core/people.h"
#include "../core/text.h"
#include "admin_io.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static cJSON *customer_json(const people_customer *c)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)c->id);
    cJSON_AddStringToObject(o, "kind", c->kind);
    cJSON_AddStringToObject(o, "name", c->name);
    cJSON_AddStringToObject(o, "email", c->email);
    cJSON_AddStringToObject(o, "phone", c->phone);
    /* no e-mail: registered by phone, documents printed (schema/017_paper.sql) */
    cJSON_AddBoolToObject(o, "paper", !*c->email);
    if (!strcmp(c->kind, "business")) {
        cJSON_AddStringToObject(o, "legal_name", c->legal_name);
        cJSON_AddStringToObject(o, "siret", c->siret);
        cJSON_AddStringToObject(o, "vat_number", c->vat_number);
        cJSON_AddStringToObject(o, "address", c->address);
        if (*c->verified_at) {
            cJSON_AddStringToObject(o, "verified_at", c->verified_at);
            cJSON_AddStringToObject(o, "verified_by", c->verified_by);
        } else {
            cJSON_AddNullToObject(o, "verified_at");
        }
    }
    if (*c->role)
        cJSON_AddStringToObject(o, "role", c->role);
    else
        cJSON_AddNullToObject(o, "role");
    cJSON_AddNumberToObject(o, "orders", (double)c->orders);
    return o;
}

/* GET /api/v1/customers?q=&page= */
void h_customers_list(http_req *req)
{
    const char *q = http_query(req, "q"), *pg = http_query(req, "page");
    int64_t page = 0;
    if (q && text_check(q, 0, 200, TEXT_LINE) != TEXT_OK) {
        http_reply_error(req, 400, "invalid_query",
                         TR(req, "La recherche compte 200 caractères au plus, sur une ligne.",
                            "The search has at most 200 characters, on one line."),
                         "q");
        return;
    }
    if (pg && parse_int(pg, 0, 100000, &page) != PARSE_OK) {
        http_reply_error(req, 400, "invalid_query",
                         TR(req, "La page est un entier de 0 à 100000.",
                            "The page is a whole number from 0 to 100000."),
                         "page");
        return;
    }
    people_customer *c;
    size_t n;
    bool more;
    int st = people_search(req->db, req->mem, req->hub_id, q ? q : "", page, &c, &n, &more);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "customers");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, customer_json(&c[i]));
    cJSON_AddNumberToObject(root, "page", (double)page);
    cJSON_AddBoolToObject(root, "more", more);
    http_reply_json(req, 200, root);
}

static bool customer_or_reply(http_req *req, people_customer *c)
{
    int64_t id;
    bool found = false;
    int st = DB_OK;
    if (parse_int(http_param(req, "id"), 1, INT64_MAX, &id) == PARSE_OK)
        st = people_customer_get(req->db, req->mem, req->hub_id, id, c, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found)
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce client n’existe pas.", "There is no such customer."), "id");
    return found;
}

static void reply_customer(http_req *req, const people_customer *c)
{
    people_order *o;
    size_t n;
    int st = people_orders(req->db, req->mem, req->hub_id, c->id, &o, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *cu = customer_json(c);
    cJSON_AddItemToObject(root, "customer", cu);
    cJSON *list = cJSON_AddArrayToObject(cu, "order_list");
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "cycle", (double)o[i].cycle);
        cJSON_AddStringToObject(x, "cycle_name", o[i].cycle_name);
        cJSON_AddStringToObject(x, "state", o[i].state);
        cJSON_AddStringToObject(x, "delivery_date", o[i].delivery_date);
        cJSON_AddStringToObject(x, "pickup_point", o[i].pickup_point);
        cJSON_AddNumberToObject(x, "lines", (double)o[i].lines);
        cJSON_AddNumberToObject(x, "total_excl_vat_cents", (double)o[i].excl);
        cJSON_AddItemToArray(list, x);
    }
    http_reply_json(req, 200, root);
}

/* GET /api/v1/customers/{id} */
void h_customer_get(http_req *req)
{
    people_customer c;
    if (customer_or_reply(req, &c))
        reply_customer(req, &c);
}

/* PATCH /api/v1/customers/{id} {"verified": true|false} */
void h_customer_patch(http_req *req)
{
    static const char *const keys[] = {"verified"};
    people_customer c;
    const char *v;
    bool on;
    cJSON *body = admin_json_object_or_reply(req);
    if (!body || !admin_json_fields_or_reply(req, body, keys, 1, &v))
        return;
    if (!admin_bool(v, &on)) {
        http_reply_error(req, 422, "invalid_field", TR(req, "true ou false.", "true or false."),
                         "verified");
        return;
    }
    if (!customer_or_reply(req, &c))
        return;
    refusal why = {0};
    int st = people_verify(req->db, req->mem, req->hub_id, c.id, on, req->session->user_id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    if (customer_or_reply(req, &c))
        reply_customer(req, &c);
}

static void reply_coordinators(http_req *req, int status)
{
    people_coordinator *c;
    people_role_change *ch;
    size_t n, nch;
    int st = people_coordinators(req->db, req->mem, req->hub_id, &c, &n);
    if (st == DB_OK)
        st = people_role_changes(req->db, req->mem, req->hub_id, 50, &ch, &nch);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "coordinators");
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "id", (double)c[i].user_id);
        cJSON_AddStringToObject(x, "email", c[i].email);
        cJSON_AddStringToObject(x, "name", c[i].name);
        cJSON_AddItemToArray(list, x);
    }
    cJSON *changes = cJSON_AddArrayToObject(root, "role_changes");
    for (size_t i = 0; i < nch; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddStringToObject(x, "changed_at", ch[i].changed_at);
        cJSON_AddStringToObject(x, "account", ch[i].email);
        if (*ch[i].old_role)
            cJSON_AddStringToObject(x, "old", ch[i].old_role);
        else
            cJSON_AddNullToObject(x, "old");
        cJSON_AddStringToObject(x, "new", ch[i].new_role);
        if (*ch[i].by)
            cJSON_AddStringToObject(x, "by", ch[i].by);
        else
            cJSON_AddNullToObject(x, "by");
        cJSON_AddStringToObject(x, "via", ch[i].via);
        cJSON_AddItemToArray(changes, x);
    }
    http_reply_json(req, status, root);
}

/* GET /api/v1/coordinators */
void h_coordinators_list(http_req *req)
{
    reply_coordinators(req, 200);
}

/* POST /api/v1/coordinators {"email"} */
void h_coordinator_add(http_req *req)
{
    static const char *const keys[] = {"email"};
    const char *email;
    cJSON *body = admin_json_object_or_reply(req);
    if (!body || !admin_json_fields_or_reply(req, body, keys, 1, &email))
        return;
    refusal why = {0};
    int64_t id;
    int st = people_make_coordinator(req->db, req->mem, req->hub_id, email, req->session->user_id,
                                     "api", &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_coordinators(req, 200);
}

/* DELETE /api/v1/coordinators/{id} */
void h_coordinator_remove(http_req *req)
{
    int64_t id;
    if (parse_int(http_param(req, "id"), 1, INT64_MAX, &id) != PARSE_OK) {
        http_reply_error(req, 404, "not_found", TR(req, "Introuvable.", "Not found."), "id");
        return;
    }
    refusal why = {0};
    int st = people_remove_coordinator(req->db, req->mem, req->hub_id, id, req->session->user_id,
                                       "api", &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_coordinators(req, 200);
}
