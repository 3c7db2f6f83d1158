/*
 * server/h_batch.c — /api/v1/cycles/{id}/batch and /rounds: batch a closed cycle
 * into delivery rounds, and read the rounds stored.
 *
 * Both answer the same shape (docs/api.md), built from core/batch.h's
 * batch_result; kg and km travel as decimal strings like every quantity of the API.
 */
#include "../core/batch.h"
#include "handlers.h"

static void add_dec(cJSON *o, const char *key, char *(*fmt)(char *, int64_t), int64_t v)
{
    char b[32];
    cJSON_AddStringToObject(o, key, fmt(b, v));
}

static cJSON *json_stop(const batch_stop *s)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "seq", s->seq);
    cJSON_AddStringToObject(j, "pickup_point", s->pickup_point);
    cJSON_AddStringToObject(j, "name", s->name);
    cJSON_AddStringToObject(j, "address", s->address);
    cJSON_AddNumberToObject(j, "part", s->part);
    cJSON_AddNumberToObject(j, "parts", s->parts);
    cJSON_AddStringToObject(j, "eta", s->eta);
    cJSON_AddBoolToObject(j, "late", s->late);
    add_dec(j, "leg_km", batch_km, s->leg_m);
    add_dec(j, "load_kg", batch_kg, s->load_g);
    cJSON_AddNumberToObject(j, "orders", s->orders);
    return j;
}

static cJSON *json_round(const batch_round *rd)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)rd->id);
    cJSON_AddNumberToObject(j, "seq", rd->seq);
    cJSON_AddStringToObject(j, "vehicle", rd->vehicle);
    cJSON_AddStringToObject(j, "vehicle_name", rd->vehicle_name);
    cJSON_AddStringToObject(j, "departs_at", rd->departs_at);
    cJSON_AddStringToObject(j, "returns_at", rd->returns_at);
    add_dec(j, "km", batch_km, rd->distance_m);
    add_dec(j, "return_km", batch_km, rd->return_m);
    add_dec(j, "load_kg", batch_kg, rd->load_g);
    add_dec(j, "capacity_kg", batch_kg, rd->capacity_g);
    cJSON *stops = cJSON_AddArrayToObject(j, "stops");
    for (size_t k = 0; k < rd->nstops; k++)
        cJSON_AddItemToArray(stops, json_stop(&rd->stops[k]));
    return j;
}

static void reply_rounds(http_req *req, const batch_result *b)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "cycle", (double)b->cycle);
    cJSON_AddStringToObject(root, "state", b->state);
    cJSON_AddStringToObject(root, "delivery_date", b->delivery_date);
    cJSON *rounds = cJSON_AddArrayToObject(root, "rounds");
    for (size_t i = 0; i < b->nrounds; i++)
        cJSON_AddItemToArray(rounds, json_round(&b->rounds[i]));
    add_dec(root, "total_km", batch_km, b->distance_m);
    add_dec(root, "load_kg", batch_kg, b->load_g);
    cJSON_AddNumberToObject(root, "orders", (double)b->orders);
    cJSON_AddNumberToObject(root, "late_stops", b->late);
    http_reply_json(req, 200, root);
}

/* POST /api/v1/cycles/{id}/batch — (re)batch a closed cycle; 200 with the rounds,
 * 409 when the cycle is not closed, is invoiced, or does not fit the vehicles. */
void h_cycle_batch(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    batch_result b;
    refusal why = {0};
    int st = batch_cycle(req->db, req->mem, req->hub_id, id, &b, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_rounds(req, &b);
}

/* GET /api/v1/cycles/{id}/rounds — the rounds stored by the last batch (none yet
 * when the cycle has not been batched). */
void h_cycle_rounds(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    batch_result b;
    refusal why = {0};
    int st = batch_rounds(req->db, req->mem, req->hub_id, id, &b, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_rounds(req, &b);
}
