/*
 * server/h_cycles.c — /api/v1/cycles: list, read with offers, create, change state.
 */
#include "../core/cycle.h"
#include "../core/parse.h"
#include "handlers.h"
#include "json_in.h"
#include "json_out.h"

#include <stdlib.h>
#include <string.h>

static bool is_coordinator(const http_req *req)
{
    return req->session && req->session->role == ROLE_COORDINATOR;
}

/* {id} of the path, or a 404 reply. Written only one way, in canonical decimal
 * ("1", never "+1", "01" or " 1"): one resource, one address, for caches, logs and
 * access rules alike. */
bool http_id_text(const char *s, int64_t *id)
{
    return parse_int(s, 1, INT64_MAX, id) == PARSE_OK;
}

bool http_id_or_reply(http_req *req, const char *name, int64_t *id)
{
    int64_t v;
    if (parse_int(http_param(req, name), 1, INT64_MAX, &v) != PARSE_OK) {
        http_reply_error(req, 404, "not_found", "There is nothing at this address.", NULL);
        return false;
    }
    *id = v;
    return true;
}

/* GET /api/v1/cycles — the hub's cycles, newest first (drafts for coordinators only). */
void h_cycles_list(http_req *req)
{
    PGresult *r;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = cycle_list(req->db, req->mem, req->hub_id, is_coordinator(req), &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "cycles");
    for (int i = 0; i < PQntuples(r); i++)
        cJSON_AddItemToArray(list, json_cycle(r, i, is_coordinator(req)));
    http_reply_json(req, 200, root);
}

/* The offers travel in pages (a cycle may have 100 000 of them): ?limit= (default
 * OFFERS_PAGE_DEFAULT, at most OFFERS_PAGE_MAX) and ?after= (the last offer id of the
 * previous page, which the reply's offers_next link carries). */
#define OFFERS_PAGE_DEFAULT 200
#define OFFERS_PAGE_MAX     1000

typedef struct {
    int64_t after;
    int limit;
} offers_page;

static bool page_or_reply(http_req *req, offers_page *pg)
{
    pg->after = 0;
    pg->limit = OFFERS_PAGE_DEFAULT;
    const char *after = http_query(req, "after"), *limit = http_query(req, "limit");
    char *end;
    if (after) {
        long long v = strtoll(after, &end, 10);
        if (!*after || *end || !(after[0] >= '0' && after[0] <= '9') || v < 0 ||
            strlen(after) > 18) {
            http_reply_error(req, 400, "invalid_parameter",
                             req->lang[0] == 'f' ? "« after » est l’identifiant d’une offre."
                                                 : "\"after\" is the id of an offer.",
                             "after");
            return false;
        }
        pg->after = v;
    }
    if (limit) {
        long v = strtol(limit, &end, 10);
        if (!*limit || *end || !(limit[0] >= '0' && limit[0] <= '9') || v < 1 ||
            v > OFFERS_PAGE_MAX) {
            http_reply_error(req, 400, "invalid_parameter",
                             arena_printf(req->mem,
                                          req->lang[0] == 'f'
                                              ? "« limit » va de 1 à %d offres par page."
                                              : "\"limit\" is 1 to %d offers a page.",
                                          OFFERS_PAGE_MAX),
                             "limit");
            return false;
        }
        pg->limit = (int)v;
    }
    return true;
}

static void reply_cycle(http_req *req, int64_t id, int status)
{
    PGresult *r, *offers, *pickups;
    offers_page pg;
    if (!page_or_reply(req, &pg))
        return;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = cycle_get(req->db, req->mem, req->hub_id, id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (PQntuples(r) == 0 || (!is_coordinator(req) && !strcmp(db_val(r, 0, "state"), "draft"))) {
        http_reply_error(req, 404, "not_found",
                         req->lang[0] == 'f' ? "Ce cycle n’existe pas." : "There is no such cycle.",
                         NULL);
        return;
    }
    /* one more than the page: whether there is a next one */
    if ((st = cycle_offers_page(req->db, req->mem, id, pg.after, pg.limit + 1, &offers)) != DB_OK ||
        (st = cycle_pickup_points(req->db, req->mem, id, &pickups)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *c = json_cycle(r, 0, is_coordinator(req));
    cJSON_AddItemToObject(root, "cycle", c);
    cJSON *pp = cJSON_AddArrayToObject(c, "pickup_points");
    for (int i = 0; i < PQntuples(pickups); i++)
        cJSON_AddItemToArray(pp, json_pickup_point(pickups, i, is_coordinator(req)));
    cJSON *of = cJSON_AddArrayToObject(c, "offers");
    int n = PQntuples(offers) > pg.limit ? pg.limit : PQntuples(offers);
    for (int i = 0; i < n; i++)
        cJSON_AddItemToArray(of, json_offer(offers, i));
    if (PQntuples(offers) > pg.limit)
        cJSON_AddStringToObject(c, "offers_next",
                                arena_printf(req->mem, "/api/v1/cycles/%lld?after=%s&limit=%d",
                                             (long long)id, db_val(offers, n - 1, "id"), pg.limit));
    else
        cJSON_AddNullToObject(c, "offers_next");
    http_reply_json(req, status, root);
}

/* GET /api/v1/cycles/{id} — the cycle with its pickup points and offers. */
void h_cycle_get(http_req *req)
{
    int64_t id;
    if (http_id_or_reply(req, "id", &id))
        reply_cycle(req, id, 200);
}

/* A JSON array of slugs, or NULL when absent; false after a 422 reply. */
static bool slug_list_or_reply(http_req *req, const cJSON *body, const char *field,
                               const char ***out, size_t *n)
{
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(body, field);
    *out = NULL;
    *n = 0;
    if (!arr || cJSON_IsNull(arr))
        return true;
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > 1000)
        return json_field_error(req, field, "invalid_field", "Expected an array of slugs.");
    *out = arena_alloc(req->mem, ((size_t)cJSON_GetArraySize(arr) + 1) * sizeof **out);
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        if (!cJSON_IsString(it) || strlen(it->valuestring) > 64)
            return json_field_error(req, field, "invalid_field", "Expected an array of slugs.");
        (*out)[(*n)++] = it->valuestring;
    }
    return true;
}

static bool cycle_fields_or_reply(http_req *req, const cJSON *body, cycle_new *in, bool required)
{
    memset(in, 0, sizeof *in);
    const char *name, *opens, *closes, *delivery;
    if (!json_str_or_reply(req, body, "name", 100, false, &name) ||
        !json_str_or_reply(req, body, "opens", 64, required, &opens) ||
        !json_str_or_reply(req, body, "closes", 64, required, &closes) ||
        !json_str_or_reply(req, body, "delivery", 32, required, &delivery) ||
        !slug_list_or_reply(req, body, "producers", (const char ***)&in->producers,
                            &in->nproducers) ||
        !slug_list_or_reply(req, body, "pickup_points", (const char ***)&in->pickup_points,
                            &in->npickup_points))
        return false;
    in->name = name;
    in->opens = *opens ? opens : NULL;
    in->closes = *closes ? closes : NULL;
    in->delivery = *delivery ? delivery : NULL;
    return true;
}

/* POST /api/v1/cycles — {opens, closes, delivery, name?, producers?, pickup_points?}
 * or {"from_template": true, "weeks": N}. */
void h_cycle_create(http_req *req)
{
    cJSON *body = http_json_body(req);
    if (!body)
        return;
    refusal why = {0};
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(body, "from_template"))) {
        int64_t weeks = 1, ids[16];
        int n;
        if (!json_int_or_reply(req, body, "weeks", 1, 12, false, &weeks))
            return;
        int st = cycle_generate(req->db, req->mem, req->hub_id, (int)weeks, ids, &n, &why);
        if (st != 0) {
            http_reply_failure(req, st, &why);
            return;
        }
        cJSON *root = cJSON_CreateObject();
        cJSON *list = cJSON_AddArrayToObject(root, "cycles");
        for (int i = 0; i < n; i++) {
            PGresult *r;
            if ((st = cycle_get(req->db, req->mem, req->hub_id, ids[i], &r)) != DB_OK) {
                cJSON_Delete(root);
                http_reply_db_error(req, st);
                return;
            }
            cJSON_AddItemToArray(list, json_cycle(r, 0, true));
        }
        http_reply_json(req, 201, root);
        return;
    }
    cycle_new in;
    if (!cycle_fields_or_reply(req, body, &in, true))
        return;
    int64_t id;
    int st = cycle_create(req->db, req->mem, req->hub_id, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_cycle(req, id, 201);
}

/* PATCH /api/v1/cycles/{id} — {"state": "open"|"closed"} and/or new name and times
 * for a draft. */
void h_cycle_patch(http_req *req)
{
    int64_t id;
    cJSON *body;
    if (!http_id_or_reply(req, "id", &id) || !(body = http_json_body(req)))
        return;
    const char *state;
    if (!json_str_or_reply(req, body, "state", 16, false, &state))
        return;
    cycle_new in;
    if (!cycle_fields_or_reply(req, body, &in, false))
        return;
    refusal why = {0};
    int st = 0;
    if (in.name[0] || in.opens || in.closes || in.delivery)
        st = cycle_update(req->db, req->mem, req->hub_id, id, &in, &why);
    if (st == 0 && *state)
        st = cycle_set_state(req->db, req->mem, req->hub_id, id, state, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_cycle(req, id, 200);
}
