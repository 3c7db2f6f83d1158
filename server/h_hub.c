/*
 * server/h_hub.c — /api/v1/hub/settings: a hub's settings for its coordinators.
 *
 * GET answers the settings, the hub's identity, its weekly template and host names,
 * and their latest changes; PATCH changes the fields it names (null clears a limit),
 * of any of these, in one transaction recorded as the caller's (core/hub_identity.h),
 * and answers like GET. The same core functions serve the desk's settings page
 * (server/p_desk_settings.c). A change applies to cycles opened afterwards: an open
 * cycle keeps the copy it took when it opened.
 */
#include "../core/hub_identity.h"
#include "../core/hub_settings.h"
#include "admin_io.h"
#include "desk.h"
#include "handlers.h"
#include "json_in.h"
#include "pay_json.h"

#include <string.h>

#define CHANGES_SHOWN 50

static void add_limit(cJSON *o, const char *key, int64_t v)
{
    if (v)
        cJSON_AddNumberToObject(o, key, (double)v);
    else
        cJSON_AddNullToObject(o, key);
}

static void add_text_or_null(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *json_hub_settings(const hub_settings *s, const char *updated_at)
{
    char d[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "seller_mode", seller_mode_name(s->seller));
    cJSON_AddNumberToObject(o, "payment_days", s->payment_days);
    cJSON_AddStringToObject(o, "resale_vat_rate", dec_format(d, s->resale_vat_rate, 2, 0));
    add_limit(o, "max_order_cents", s->max_order_cents);
    if (s->max_line_milli)
        cJSON_AddStringToObject(o, "max_line_quantity", dec_format(d, s->max_line_milli, 3, 0));
    else
        cJSON_AddNullToObject(o, "max_line_quantity");
    add_limit(o, "max_offer_share_percent", s->max_offer_share_pct);
    cJSON_AddStringToObject(o, "shortage_rule", shortage_rule_name(s->shortage));
    cJSON_AddBoolToObject(o, "require_verified_email", s->require_verified_email);
    cJSON_AddNumberToObject(o, "closing_reminder_hours", s->closing_reminder_hours);
    cJSON_AddBoolToObject(o, "hide_incomplete", s->hide_incomplete);
    cJSON_AddBoolToObject(o, "shop_thumbnails", s->shop_thumbnails);
    if (updated_at)
        cJSON_AddStringToObject(o, "updated_at", updated_at);
    return o;
}

static cJSON *json_identity(http_req *req, const hub_identity *h)
{
    char d[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "slug", h->slug);
    cJSON_AddStringToObject(o, "name", h->name);
    cJSON_AddStringToObject(o, "legal_form", h->legal_form);
    cJSON_AddStringToObject(o, "siret", h->siret);
    cJSON_AddStringToObject(o, "vat_number", h->vat_number);
    cJSON_AddStringToObject(o, "address", h->address);
    cJSON_AddStringToObject(o, "rcs_city", h->rcs_city);
    if (h->share_capital_cents >= 0)
        cJSON_AddStringToObject(o, "share_capital", dec_format(d, h->share_capital_cents, 2, 2));
    else
        cJSON_AddNullToObject(o, "share_capital");
    cJSON_AddStringToObject(o, "email", h->email);
    cJSON_AddStringToObject(o, "phone", h->phone);
    cJSON_AddStringToObject(o, "depot_lat", hub_degrees_text(req->mem, h->depot_lat_e7));
    cJSON_AddStringToObject(o, "depot_lon", hub_degrees_text(req->mem, h->depot_lon_e7));
    return o;
}

static cJSON *json_template(http_req *req, const hub_template *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "template_opens_day", t->opens_dow);
    cJSON_AddStringToObject(o, "template_opens_time", hub_time_text(req->mem, t->opens_min));
    cJSON_AddNumberToObject(o, "template_closes_day", t->closes_dow);
    cJSON_AddStringToObject(o, "template_closes_time", hub_time_text(req->mem, t->closes_min));
    cJSON_AddNumberToObject(o, "template_delivery_day", t->delivery_dow);
    return o;
}

static void reply_settings(http_req *req)
{
    hub_settings s;
    pay_settings pay;
    const char *updated_at;
    hub_settings_change *ch;
    hub_identity h;
    hub_template t;
    const char **hosts;
    size_t n, nhosts;
    int st = hub_settings_get(req->db, req->mem, req->hub_id, &s, &updated_at);
    if (st == DB_OK)
        st = pay_settings_get(req->db, req->mem, req->hub_id, &pay);
    if (st == DB_OK)
        st = hub_settings_changes(req->db, req->mem, req->hub_id, CHANGES_SHOWN, &ch, &n);
    if (st == DB_OK)
        st = hub_identity_get(req->db, req->mem, req->hub_id, &h);
    if (st == DB_OK)
        st = hub_template_get(req->db, req->mem, req->hub_id, &t);
    if (st == DB_OK)
        st = hub_hosts_get(req->db, req->mem, req->hub_id, &hosts, &nhosts);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *settings = json_hub_settings(&s, updated_at);
    json_add_pay_settings(settings, &pay);
    cJSON_AddItemToObject(root, "settings", settings);
    cJSON_AddItemToObject(root, "identity", json_identity(req, &h));
    cJSON_AddItemToObject(root, "template", json_template(req, &t));
    cJSON *hl = cJSON_AddArrayToObject(root, "hosts");
    for (size_t i = 0; i < nhosts; i++)
        cJSON_AddItemToArray(hl, cJSON_CreateString(hosts[i]));
    cJSON *list = cJSON_AddArrayToObject(root, "changes");
    for (size_t i = 0; i < n; i++) {
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "changed_at", ch[i].changed_at);
        cJSON_AddStringToObject(c, "setting", ch[i].setting);
        add_text_or_null(c, "old", ch[i].old_value);
        add_text_or_null(c, "new", ch[i].new_value);
        cJSON_AddStringToObject(c, "via", ch[i].via);
        add_text_or_null(c, "by", *ch[i].user_email ? ch[i].user_email : NULL);
        cJSON_AddItemToArray(list, c);
    }
    http_reply_json(req, 200, root);
}

/* GET /api/v1/hub/settings */
void h_hub_settings_get(http_req *req)
{
    reply_settings(req);
}

static bool bad(http_req *req, const char *field, const char *fr, const char *en)
{
    return json_field_error(req, field, "invalid_field", req->lang[0] == 'f' ? fr : en);
}

/* A decimal string of at most scale decimals, within [1, max]; null clears (0). */
static bool decimal_or_null(http_req *req, const cJSON *v, const char *field, int scale,
                            int64_t max, int64_t *out)
{
    int64_t n;
    if (cJSON_IsNull(v)) {
        *out = 0;
        return true;
    }
    if (!cJSON_IsString(v) || strlen(v->valuestring) > 32 ||
        dec_parse(v->valuestring, scale, &n) != DEC_OK || n < 1 || n > max)
        return bad(req, field, "Une quantité décimale positive en texte, comme \"2.5\", ou null.",
                   "A positive decimal quantity as a string, such as \"2.5\", or null.");
    *out = n;
    return true;
}

/* A whole number within [min, max]; null clears (0) when nullable. */
static bool whole(http_req *req, const cJSON *v, const char *field, int64_t min, int64_t max,
                  bool nullable, int64_t *out)
{
    if (nullable && cJSON_IsNull(v)) {
        *out = 0;
        return true;
    }
    double d = cJSON_IsNumber(v) ? v->valuedouble : -1;
    if (!cJSON_IsNumber(v) || d != (double)(int64_t)d || d < (double)min || d > (double)max)
        return bad(req, field,
                   arena_printf(req->mem, "Un nombre entier de %lld à %lld%s.", (long long)min,
                                (long long)max, nullable ? ", ou null" : ""),
                   arena_printf(req->mem, "A whole number from %lld to %lld%s.", (long long)min,
                                (long long)max, nullable ? ", or null" : ""));
    *out = (int64_t)d;
    return true;
}

static const char *const admin_keys[] = {"name",
                                         "legal_form",
                                         "siret",
                                         "vat_number",
                                         "address",
                                         "rcs_city",
                                         "share_capital",
                                         "email",
                                         "phone",
                                         "depot_lat",
                                         "depot_lon",
                                         "template_opens_day",
                                         "template_opens_time",
                                         "template_closes_day",
                                         "template_closes_time",
                                         "template_delivery_day"};
#define NADMIN (sizeof admin_keys / sizeof admin_keys[0])

static bool is_admin_key(const char *k)
{
    for (size_t i = 0; i < NADMIN; i++)
        if (!strcmp(admin_keys[i], k))
            return true;
    return !strcmp(k, "hosts");
}

/* The identity, template and host fields into p (the settings are read below). */
static bool admin_or_reply(http_req *req, const cJSON *body, hub_admin_patch *p)
{
    cJSON *mine = cJSON_CreateObject();
    const cJSON *v;
    cJSON_ArrayForEach(v, body)
    {
        if (is_admin_key(v->string) && strcmp(v->string, "hosts"))
            cJSON_AddItemToObject(mine, v->string, cJSON_Duplicate(v, 1));
    }
    const char *f[NADMIN];
    bool ok = admin_json_fields_or_reply(req, mine, admin_keys, NADMIN, f);
    cJSON_Delete(mine);
    if (!ok)
        return false;
    p->identity =
        (hub_identity_in){f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]};
    p->tmpl = (hub_template_in){f[11], f[12], f[13], f[14], f[15]};
    const cJSON *hosts = cJSON_GetObjectItemCaseSensitive(body, "hosts");
    if (!hosts)
        return true;
    int n = cJSON_GetArraySize(hosts);
    if (!cJSON_IsArray(hosts) || n > HUB_HOSTS_MAX)
        return bad(req, "hosts", "Une liste de noms d’hôte (20 au plus).",
                   "A list of host names (at most 20).");
    const char **h = arena_alloc(req->mem, (size_t)(n + 1) * sizeof *h);
    for (int i = 0; i < n; i++) {
        const cJSON *x = cJSON_GetArrayItem(hosts, i);
        if (!cJSON_IsString(x) || strlen(x->valuestring) > 300)
            return bad(req, "hosts", "Une liste de noms d’hôte (20 au plus).",
                       "A list of host names (at most 20).");
        h[i] = x->valuestring;
    }
    p->set_hosts = true;
    p->hosts = h;
    p->nhosts = (size_t)n;
    return true;
}

/* The body's fields into a patch; false after a 422 naming the field. */
static bool patch_or_reply(http_req *req, const cJSON *body, hub_settings_patch *p,
                           pay_settings_patch *pay)
{
    memset(p, 0, sizeof *p);
    memset(pay, 0, sizeof *pay);
    const cJSON *v;
    int64_t n;
    cJSON_ArrayForEach(v, body)
    {
        const char *k = v->string;
        if (!strcmp(k, "seller_mode")) {
            if (!cJSON_IsString(v) || !seller_mode_parse(v->valuestring, &p->to.seller))
                return bad(req, k, "« producers » ou « hub ».", "\"producers\" or \"hub\".");
            p->set_seller = true;
        } else if (!strcmp(k, "payment_days")) {
            if (!whole(req, v, k, 0, HUB_PAYMENT_DAYS_MAX, false, &n))
                return false;
            p->to.payment_days = (int)n;
            p->set_payment_days = true;
        } else if (!strcmp(k, "resale_vat_rate")) {
            if (!cJSON_IsString(v) || strlen(v->valuestring) > 8 ||
                dec_parse(v->valuestring, 2, &n) != DEC_OK)
                return bad(req, k, "Un taux en texte : \"2.1\", \"5.5\", \"10\" ou \"20\".",
                           "A rate as a string: \"2.1\", \"5.5\", \"10\" or \"20\".");
            p->to.resale_vat_rate = (vat_bp_t)n;
            p->set_resale_vat_rate = true;
        } else if (!strcmp(k, "max_order_cents")) {
            if (!whole(req, v, k, 1, HUB_MAX_ORDER_CENTS, true, &n))
                return false;
            p->to.max_order_cents = n;
            p->set_max_order = true;
        } else if (!strcmp(k, "max_line_quantity")) {
            if (!decimal_or_null(req, v, k, 3, HUB_MAX_LINE_MILLI, &n))
                return false;
            p->to.max_line_milli = n;
            p->set_max_line = true;
        } else if (!strcmp(k, "max_offer_share_percent")) {
            if (!whole(req, v, k, 1, 100, true, &n))
                return false;
            p->to.max_offer_share_pct = (int)n;
            p->set_max_share = true;
        } else if (!strcmp(k, "shortage_rule")) {
            if (!cJSON_IsString(v) || !shortage_rule_parse(v->valuestring, &p->to.shortage))
                return bad(req, k, "« last_orders_first » ou « pro_rata ».",
                           "\"last_orders_first\" or \"pro_rata\".");
            p->set_shortage = true;
        } else if (!strcmp(k, "require_verified_email")) {
            if (!cJSON_IsBool(v))
                return bad(req, k, "true ou false.", "true or false.");
            p->to.require_verified_email = cJSON_IsTrue(v);
            p->set_require_verified = true;
        } else if (!strcmp(k, "closing_reminder_hours")) {
            if (!whole(req, v, k, 0, HUB_CLOSING_REMINDER_MAX, false, &n))
                return false;
            p->to.closing_reminder_hours = (int)n;
            p->set_closing_hours = true;
        } else if (!strcmp(k, "hide_incomplete") || !strcmp(k, "shop_thumbnails")) {
            if (!cJSON_IsBool(v))
                return bad(req, k, "true ou false.", "true or false.");
            bool hide = !strcmp(k, "hide_incomplete");
            *(hide ? &p->to.hide_incomplete : &p->to.shop_thumbnails) = cJSON_IsTrue(v);
            *(hide ? &p->set_hide_incomplete : &p->set_shop_thumbnails) = true;
        } else if ((n = json_pay_setting(req, k, v, pay)) != 0) {
            if (n < 0)
                return false;
        } else if (!is_admin_key(k)) {
            return json_field_error(req, k, "unknown_field",
                                    req->lang[0] == 'f' ? "Ce réglage n’existe pas."
                                                        : "There is no such setting.");
        }
    }
    return true;
}

/* The hub's settings, identity, template and hosts, and how it is paid, in one
 * transaction: all the fields of a PATCH, or none. */
typedef struct {
    http_req *req;
    const hub_admin_patch *p;
    const pay_settings_patch *pay;
    refusal *why;
} patch_ctx;

static int patch_tx(db_conn *c, void *arg)
{
    patch_ctx *x = arg;
    pay_settings pay_now = {0};
    int st = hub_admin_update_in_tx(c, x->req->mem, x->req->hub_id, x->p, x->req->session->user_id,
                                    "api", x->why);
    return st ? st
              : pay_settings_update_in_tx(c, x->req->mem, x->req->hub_id, x->pay,
                                          x->req->session->user_id, "api", &pay_now, x->why);
}

/* PATCH /api/v1/hub/settings — {"seller_mode": "hub", "max_order_cents": 20000, ...} */
void h_hub_settings_patch(http_req *req)
{
    cJSON *body = http_json_body(req);
    if (!body)
        return;
    if (!cJSON_IsObject(body)) {
        http_reply_error(req, 422, "invalid_body",
                         req->lang[0] == 'f' ? "Envoyez un objet JSON." : "Send a JSON object.",
                         NULL);
        return;
    }
    hub_admin_patch p = {0};
    pay_settings_patch pay;
    if (!patch_or_reply(req, body, &p.settings, &pay) || !admin_or_reply(req, body, &p))
        return;
    refusal why = {0};
    int st = p.set_hosts ? desk_hosts_free(req, p.hosts, p.nhosts, &why) : 0;
    patch_ctx x = {req, &p, &pay, &why};
    if (st == 0)
        st = db_transaction(req->db, false, patch_tx, &x);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reply_settings(req);
}
