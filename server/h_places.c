/*
 * server/h_places.c — /api/v1/pickup-points and /api/v1/vehicles for scripts, the same
 * core functions as the desk's pages (core/place.h).
 *
 *   GET   /api/v1/pickup-points            POST /api/v1/pickup-points → 201
 *   GET   /api/v1/pickup-points/{slug}     PATCH /api/v1/pickup-points/{slug}
 *   GET   /api/v1/vehicles                 POST /api/v1/vehicles → 201
 *   GET   /api/v1/vehicles/{slug}          PATCH /api/v1/vehicles/{slug}
 * A pickup point's slots travel as [{"day": 4, "from": "17:00", "to": "19:00"}];
 * PATCH {"active": false} alone deactivates.
 */
#include "../core/hub_identity.h"
#include "../core/place.h"
#include "admin_io.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static bool is_vans(http_req *req)
{
    return strncmp(req->path, "/api/v1/vehicles", 16) == 0;
}

static cJSON *pickup_json(http_req *req, const pickup_record *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "slug", p->slug);
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "address", p->address);
    cJSON_AddStringToObject(o, "lat", hub_degrees_text(req->mem, p->lat_e7));
    cJSON_AddStringToObject(o, "lon", hub_degrees_text(req->mem, p->lon_e7));
    if (p->capacity)
        cJSON_AddNumberToObject(o, "capacity", (double)p->capacity);
    else
        cJSON_AddNullToObject(o, "capacity");
    cJSON *s = cJSON_AddArrayToObject(o, "slots");
    for (size_t i = 0; i < p->nslots; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "day", p->slots[i].dow);
        cJSON_AddStringToObject(x, "from", hub_time_text(req->mem, p->slots[i].start_min));
        cJSON_AddStringToObject(x, "to", hub_time_text(req->mem, p->slots[i].end_min));
        cJSON_AddItemToArray(s, x);
    }
    cJSON_AddStringToObject(o, "opening", p->opening);
    cJSON_AddBoolToObject(o, "active", p->active);
    return o;
}

static cJSON *vehicle_json(http_req *req, const vehicle_record *v)
{
    char d[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "slug", v->slug);
    cJSON_AddStringToObject(o, "name", v->name);
    cJSON_AddStringToObject(o, "capacity_kg", dec_format(d, v->capacity_g, 3, 0));
    if (v->capacity_crates)
        cJSON_AddNumberToObject(o, "capacity_crates", (double)v->capacity_crates);
    else
        cJSON_AddNullToObject(o, "capacity_crates");
    cJSON_AddNumberToObject(o, "speed_kmh", v->speed_kmh);
    cJSON_AddNumberToObject(o, "stop_minutes", v->stop_minutes);
    cJSON_AddStringToObject(o, "departs", hub_time_text(req->mem, v->departs_min));
    cJSON_AddBoolToObject(o, "active", v->active);
    return o;
}

static void reply_one(http_req *req, int status, const char *slug)
{
    bool found;
    int st;
    cJSON *item = NULL;
    if (is_vans(req)) {
        vehicle_record v;
        st = vehicle_get(req->db, req->mem, req->hub_id, slug, &v, &found);
        if (st == DB_OK && found)
            item = vehicle_json(req, &v);
    } else {
        pickup_record p;
        st = pickup_get(req->db, req->mem, req->hub_id, slug, &p, &found);
        if (st == DB_OK && found)
            item = pickup_json(req, &p);
    }
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!item) {
        http_reply_error(req, 404, "not_found", TR(req, "Introuvable.", "Not found."), "slug");
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, is_vans(req) ? "vehicle" : "pickup_point", item);
    http_reply_json(req, status, root);
}

/* GET /api/v1/pickup-points and /api/v1/vehicles */
void h_places_list(http_req *req)
{
    bool vans = is_vans(req);
    pickup_record *p = NULL;
    vehicle_record *v = NULL;
    size_t n;
    int st = vans ? vehicle_list(req->db, req->mem, req->hub_id, &v, &n)
                  : pickup_list(req->db, req->mem, req->hub_id, &p, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, vans ? "vehicles" : "pickup_points");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, vans ? vehicle_json(req, &v[i]) : pickup_json(req, &p[i]));
    http_reply_json(req, 200, root);
}

/* GET /api/v1/pickup-points/{slug} and /api/v1/vehicles/{slug} */
void h_place_get(http_req *req)
{
    reply_one(req, 200, http_param(req, "slug"));
}

static const char *const pickup_keys[] = {"slug", "name",     "address", "lat",
                                          "lon",  "capacity", "active"};
static const char *const vehicle_keys[] = {
    "slug",      "name",         "capacity_kg", "capacity_crates",
    "speed_kmh", "stop_minutes", "departs",     "active"};

/* "slots": [{"day", "from", "to"}] as the rows core/place.h reads; false after a 422. */
static bool slots_or_reply(http_req *req, const cJSON *slots, pickup_in *in)
{
    int n = cJSON_GetArraySize(slots);
    if (!cJSON_IsArray(slots) || n > 16) {
        http_reply_error(req, 422, "invalid_field",
                         TR(req, "« slots » est une liste de {day, from, to}.",
                            "\"slots\" is a list of {day, from, to}."),
                         "slots");
        return false;
    }
    const char **d = arena_alloc(req->mem, (size_t)(n + 1) * sizeof *d),
               **f = arena_alloc(req->mem, (size_t)(n + 1) * sizeof *f),
               **t = arena_alloc(req->mem, (size_t)(n + 1) * sizeof *t);
    static const char *const k[] = {"day", "from", "to"};
    for (int i = 0; i < n; i++) {
        const cJSON *s = cJSON_GetArrayItem(slots, i);
        const char *v[3];
        if (!cJSON_IsObject(s) || !admin_json_fields_or_reply(req, s, k, 3, v))
            return req->replied ? false
                                : (http_reply_error(req, 422, "invalid_field",
                                                    TR(req, "Un créneau est {day, from, to}.",
                                                       "A slot is {day, from, to}."),
                                                    "slots"),
                                   false);
        d[i] = v[0] ? v[0] : "";
        f[i] = v[1] ? v[1] : "";
        t[i] = v[2] ? v[2] : "";
    }
    in->set_slots = true;
    in->slot_day = d;
    in->slot_from = f;
    in->slot_to = t;
    in->nslots = (size_t)n;
    return true;
}

/* The body read into the fields; *active set when "active" was sent (alone). */
static bool read_or_reply(http_req *req, bool creating, pickup_in *p, vehicle_in *v,
                          const char **active)
{
    cJSON *body = admin_json_object_or_reply(req);
    if (!body)
        return false;
    bool vans = is_vans(req);
    const char *val[8];
    cJSON *rest = cJSON_Duplicate(body, 1), *slots = cJSON_DetachItemFromObject(rest, "slots");
    bool ok = admin_json_fields_or_reply(req, rest, vans ? vehicle_keys : pickup_keys,
                                         (vans ? 8 : 7) - (creating ? 1 : 0), val);
    cJSON_Delete(rest);
    if (ok && slots && vans) {
        http_reply_error(req, 422, "unknown_field",
                         TR(req, "Ce champ n’existe pas ici.", "There is no such field here."),
                         "slots");
        ok = false;
    }
    memset(p, 0, sizeof *p);
    memset(v, 0, sizeof *v);
    if (ok && slots)
        ok = slots_or_reply(req, slots, p);
    cJSON_Delete(slots);
    if (!ok)
        return false;
    *active = creating ? NULL : val[vans ? 7 : 6];
    if (*active && cJSON_GetArraySize(body) != 1) {
        http_reply_error(req, 422, "invalid_field",
                         TR(req, "Envoyez « active » seul.", "Send \"active\" alone."), "active");
        return false;
    }
    if (vans)
        *v = (vehicle_in){val[0], val[1], val[2], val[3], val[4], val[5], val[6]};
    else {
        p->slug = val[0];
        p->name = val[1];
        p->address = val[2];
        p->lat = val[3];
        p->lon = val[4];
        p->capacity = val[5];
    }
    return true;
}

/* POST /api/v1/pickup-points and /api/v1/vehicles */
void h_place_create(http_req *req)
{
    pickup_in p;
    vehicle_in v;
    const char *active;
    if (!read_or_reply(req, true, &p, &v, &active))
        return;
    refusal why = {0};
    int st = is_vans(req) ? vehicle_create(req->db, req->mem, req->hub_id, &v, &why)
                          : pickup_create(req->db, req->mem, req->hub_id, &p, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_one(req, 201, is_vans(req) ? v.slug : p.slug);
}

/* PATCH /api/v1/pickup-points/{slug} and /api/v1/vehicles/{slug} */
void h_place_patch(http_req *req)
{
    pickup_in p;
    vehicle_in v;
    const char *active;
    if (!read_or_reply(req, false, &p, &v, &active))
        return;
    const char *slug = http_param(req, "slug");
    refusal why = {0};
    int st;
    bool on;
    if (active) {
        if (!admin_bool(active, &on)) {
            http_reply_error(req, 422, "invalid_field", TR(req, "true ou false.", "true or false."),
                             "active");
            return;
        }
        st = is_vans(req) ? vehicle_set_active(req->db, req->mem, req->hub_id, slug, on, &why)
                          : pickup_set_active(req->db, req->mem, req->hub_id, slug, on, &why);
    } else if (p.slug || v.slug) {
        st = refuse(&why, 422, "invalid_field", "slug",
                    "L’identifiant ne change pas (les documents le portent).",
                    "The short name does not change (documents carry it).");
    } else {
        st = is_vans(req) ? vehicle_update(req->db, req->mem, req->hub_id, slug, &v, &why)
                          : pickup_update(req->db, req->mem, req->hub_id, slug, &p, &why);
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_one(req, 200, slug);
}
