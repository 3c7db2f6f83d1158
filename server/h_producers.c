/*
 * server/h_producers.c — /api/v1/producers: the hub's producers for scripts, the same
 * core functions as the desk's pages (core/producer_admin.h, core/invite.h).
 *
 *   GET   /api/v1/producers                  coordinators: every producer
 *   POST  /api/v1/producers                  a new producer → 201
 *   GET   /api/v1/producers/{slug}           a coordinator, or the producer itself
 *   PATCH /api/v1/producers/{slug}           identity (coordinator); description and
 *                                            contact (the producer itself); or alone
 *                                            {"active": false, "confirm": true}
 *   POST  /api/v1/producers/{slug}/invitations {"email"} → 201 the one-time link
 */
#include "../core/config.h"
#include "../core/hub_identity.h"
#include "../core/invite.h"
#include "../core/producer_admin.h"
#include "admin_io.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static const char *const keys[] = {"slug",       "name",        "legal_form", "siret", "vat_regime",
                                   "vat_number", "address",     "town",       "email", "phone",
                                   "website",    "description", "iban",       "lat",   "lon",
                                   "active",     "confirm"};
#define NKEYS (sizeof keys / sizeof keys[0])

static cJSON *producer_json(http_req *req, const producer_record *p, bool full)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "slug", p->slug);
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "legal_form", p->legal_form);
    cJSON_AddStringToObject(o, "siret", p->siret);
    cJSON_AddStringToObject(o, "vat_regime", p->vat_regime);
    cJSON_AddStringToObject(o, "vat_number", p->vat_number);
    cJSON_AddStringToObject(o, "address", p->address);
    cJSON_AddStringToObject(o, "town", p->town);
    cJSON_AddStringToObject(o, "email", p->email);
    cJSON_AddStringToObject(o, "phone", p->phone);
    cJSON_AddStringToObject(o, "website", p->website);
    cJSON_AddStringToObject(o, "description", p->description);
    if (full)
        cJSON_AddStringToObject(o, "iban", p->iban);
    if (p->has_position) {
        cJSON_AddStringToObject(o, "lat", hub_degrees_text(req->mem, p->lat_e7));
        cJSON_AddStringToObject(o, "lon", hub_degrees_text(req->mem, p->lon_e7));
    } else {
        cJSON_AddNullToObject(o, "lat");
        cJSON_AddNullToObject(o, "lon");
    }
    cJSON_AddBoolToObject(o, "active", p->active);
    cJSON_AddNumberToObject(o, "products", (double)p->products);
    cJSON_AddNumberToObject(o, "accounts", (double)p->accounts);
    cJSON_AddNumberToObject(o, "invitations_pending", (double)p->invitations_pending);
    return o;
}

static void reply_one(http_req *req, int status, const char *slug)
{
    producer_record p;
    bool found;
    int st = producer_get(req->db, req->mem, req->hub_id, slug, &p, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce producteur n’existe pas.", "There is no such producer."),
                         "slug");
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "producer",
                          producer_json(req, &p, req->session->role == ROLE_COORDINATOR));
    http_reply_json(req, status, root);
}

/* A producer may only read or change its own. */
static bool own_or_reply(http_req *req, const char *slug)
{
    if (req->session->role == ROLE_COORDINATOR || !strcmp(req->session->producer_slug, slug))
        return true;
    http_reply_error(
        req, 403, "forbidden",
        TR(req, "Ce n’est pas votre espace producteur.", "This is not your producer space."), NULL);
    return false;
}

/* GET /api/v1/producers */
void h_producers_list(http_req *req)
{
    producer_record *p;
    size_t n;
    int st = producer_list(req->db, req->mem, req->hub_id, &p, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *list = cJSON_AddArrayToObject(root, "producers");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, producer_json(req, &p[i], true));
    http_reply_json(req, 200, root);
}

static producer_in in_from(const char **v)
{
    return (producer_in){v[0], v[1], v[2],  v[3],  v[4],  v[5],  v[6], v[7],
                         v[8], v[9], v[10], v[11], v[12], v[13], v[14]};
}

/* POST /api/v1/producers */
void h_producer_create(http_req *req)
{
    cJSON *body = admin_json_object_or_reply(req);
    const char *v[NKEYS];
    if (!body || !admin_json_fields_or_reply(req, body, keys, NKEYS - 2, v))
        return;
    producer_in in = in_from(v);
    refusal why = {0};
    int st = producer_create(req->db, req->mem, req->hub_id, &in, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_one(req, 201, v[0]);
}

/* GET /api/v1/producers/{slug} */
void h_producer_get(http_req *req)
{
    const char *slug = http_param(req, "slug");
    if (own_or_reply(req, slug))
        reply_one(req, 200, slug);
}

static void reply_impact(http_req *req, const refusal *why, const producer_impact *im)
{
    cJSON *root = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", why->code);
    cJSON_AddStringToObject(e, "message", refusal_text(why, req->lang));
    cJSON_AddStringToObject(e, "field", "confirm");
    cJSON *i = cJSON_AddObjectToObject(root, "impact");
    cJSON_AddNumberToObject(i, "open_cycles", (double)im->cycles);
    cJSON_AddNumberToObject(i, "orders", (double)im->orders);
    cJSON_AddNumberToObject(i, "lines", (double)im->lines);
    cJSON_AddNumberToObject(i, "excl_vat_cents", (double)im->excl);
    cJSON_AddStringToObject(i, "lines_become",
                            "kept: delivered and invoiced; nothing more can be ordered");
    http_reply_json(req, 409, root);
}

/* PATCH /api/v1/producers/{slug} */
void h_producer_patch(http_req *req)
{
    const char *slug = http_param(req, "slug");
    producer_record p;
    bool found;
    if (!own_or_reply(req, slug))
        return;
    int st = producer_get(req->db, req->mem, req->hub_id, slug, &p, &found);
    if (st != DB_OK || !found) { /* another hub's producer is none of this one's */
        if (st != DB_OK)
            http_reply_db_error(req, st);
        else
            http_reply_error(req, 404, "not_found",
                             TR(req, "Ce producteur n’existe pas.", "There is no such producer."),
                             "slug");
        return;
    }
    cJSON *body = admin_json_object_or_reply(req);
    const char *v[NKEYS];
    if (!body || !admin_json_fields_or_reply(req, body, keys, NKEYS, v))
        return;
    const char *active = v[NKEYS - 2], *confirm = v[NKEYS - 1];
    refusal why = {0};
    if (active || confirm) {
        bool on, yes = false;
        if (req->session->role != ROLE_COORDINATOR) {
            http_reply_error(req, 403, "forbidden_field",
                             TR(req, "Seul le groupement suspend un producteur.",
                                "Only the hub suspends a producer."),
                             "active");
            return;
        }
        if (!admin_bool(active, &on) || (confirm && !admin_bool(confirm, &yes)) ||
            cJSON_GetArraySize(body) != (confirm ? 2 : 1)) {
            http_reply_error(req, 422, "invalid_field",
                             TR(req, "« active » (true ou false), seul ou avec « confirm ».",
                                "\"active\" (true or false), alone or with \"confirm\"."),
                             "active");
            return;
        }
        producer_impact im;
        st = producer_set_active(req->db, req->mem, req->hub_id, slug, on, yes, &im, &why);
        if (st > 0 && !strcmp(why.code, "confirmation_needed")) {
            reply_impact(req, &why, &im);
            return;
        }
    } else {
        producer_in in = in_from(v);
        st = producer_update(req->db, req->mem, req->hub_id, slug, &in,
                             req->session->role != ROLE_COORDINATOR, &why);
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_one(req, 200, slug);
}

/* POST /api/v1/producers/{slug}/invitations {"email"} */
void h_producer_invite(http_req *req)
{
    static const char *const ikeys[] = {"email"};
    cJSON *body = admin_json_object_or_reply(req);
    const char *email;
    if (!body || !admin_json_fields_or_reply(req, body, ikeys, 1, &email))
        return;
    invite_sent sent;
    refusal why = {0};
    int st = invite_create(req->db, req->mem, req->hub_id, "producer", http_param(req, "slug"),
                           email, g_config.invitation_days, req->session->user_id, &sent, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *i = cJSON_AddObjectToObject(root, "invitation");
    cJSON_AddStringToObject(i, "email", sent.email);
    cJSON_AddStringToObject(
        i, "link", arena_printf(req->mem, "%s/invitation?t=%s", g_config.public_url, sent.token));
    cJSON_AddStringToObject(i, "expires_at", sent.expires_at);
    cJSON_AddBoolToObject(i, "mailed", sent.mailed);
    http_reply_json(req, 201, root);
}
