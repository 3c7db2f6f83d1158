/*
 * server/h_catalog.c — /api/v1/producers/{slug}/catalog: a producer's catalog, read and replaced.
 *
 * PUT takes the file itself as the body, whatever its content type (a CSV, an
 * Open Food Network template, DFC JSON-LD), so a producer's tool can send what
 * it exports unchanged. A browser form cannot send PUT and a cross-site script
 * would need a CORS preflight km0 never grants, so no CSRF token is asked for.
 * The producer themselves or a coordinator of the hub may read and replace it.
 */
#include "../core/config.h"
#include "../core/money.h"
#include "../importers/catalog_db.h"
#include "../importers/dfc_export.h"
#include "handlers.h"
#include "../core/product_info.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define FR(req) ((req)->lang[0] == 'f')

/* The producer's own catalog, or any of the hub's for a coordinator; false after a 403. */
static bool catalog_access_or_reply(http_req *req, const char *slug)
{
    const http_session *s = req->session;
    if (s && (s->role == ROLE_COORDINATOR ||
              (s->role == ROLE_PRODUCER && s->producer_slug && !strcmp(s->producer_slug, slug))))
        return true;
    http_reply_error(req, 403, "forbidden",
                     FR(req) ? "Seul le producteur ou un coordinateur peut voir ou changer ce "
                               "catalogue."
                             : "Only the producer or a coordinator may see or change this catalog.",
                     NULL);
    return false;
}

static bool bad_parameter(http_req *req, const char *name, const char *fr, const char *en)
{
    http_reply_error(req, 400, "invalid_parameter", FR(req) ? fr : en, name);
    return false;
}

/* ?name=1|true|yes / 0|false|no; absent = false. */
static bool flag_or_reply(http_req *req, const char *name, bool *out)
{
    const char *v = http_query(req, name);
    *out = false;
    if (!v || !*v || !strcmp(v, "0") || !strcasecmp(v, "false") || !strcasecmp(v, "no"))
        return true;
    if (!strcmp(v, "1") || !strcasecmp(v, "true") || !strcasecmp(v, "yes")) {
        *out = true;
        return true;
    }
    return bad_parameter(req, name, "Ce paramètre vaut 1 ou 0.", "This parameter is 1 or 0.");
}

static bool options_or_reply(http_req *req, imp_request *in)
{
    const char *format = http_query(req, "format"), *encoding = http_query(req, "encoding");
    if (format && *format) {
        if (!strcasecmp(format, "auto"))
            in->format = IMP_FORMAT_AUTO;
        else if (!strcasecmp(format, "csv"))
            in->format = IMP_FORMAT_CSV;
        else if (!strcasecmp(format, "ofn"))
            in->format = IMP_FORMAT_OFN;
        else if (!strcasecmp(format, "dfc"))
            in->format = IMP_FORMAT_DFC;
        else
            return bad_parameter(req, "format", "format vaut auto, csv, ofn ou dfc.",
                                 "format is auto, csv, ofn or dfc.");
    }
    if (encoding && *encoding) {
        if (!strcasecmp(encoding, "auto"))
            in->encoding = IMP_ENC_AUTO;
        else if (!strcasecmp(encoding, "utf-8") || !strcasecmp(encoding, "utf8"))
            in->encoding = IMP_ENC_UTF8;
        else if (!strcasecmp(encoding, "windows-1252") || !strcasecmp(encoding, "cp1252"))
            in->encoding = IMP_ENC_WINDOWS_1252;
        else
            return bad_parameter(req, "encoding", "encoding vaut auto, utf-8 ou windows-1252.",
                                 "encoding is auto, utf-8 or windows-1252.");
    }
    return flag_or_reply(req, "dry_run", &in->dry_run) &&
           flag_or_reply(req, "deactivate_missing", &in->deactivate_missing);
}

/* A unit price in cents with up to two more decimals: a whole number when it is one
 * (the convention of server/json_out.c). */
static void add_price4(cJSON *o, const char *key, price4_t p)
{
    char b[32];
    if (p % 100 == 0)
        cJSON_AddNumberToObject(o, key, (double)(p / 100));
    else
        cJSON_AddItemToObject(o, key, cJSON_CreateRaw(dec_format(b, p, 2, 0)));
}

/* A decimal string, or null for -1 (unknown weight, unlimited stock). */
static void add_dec_or_null(cJSON *o, const char *key, int64_t v, int scale)
{
    char b[32];
    if (v < 0)
        cJSON_AddNullToObject(o, key);
    else
        cJSON_AddStringToObject(o, key, dec_format(b, v, scale, 0));
}

/* "0.75 l" */
static const char *net_text(char *out, size_t size, int64_t q, const char *unit)
{
    char d[32];
    snprintf(out, size, "%s %s", dec_format(d, q, 3, 0), unit);
    return out;
}

static cJSON *code_list(uint32_t mask, bool allergen)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; i < 32; i++) {
        const char *code = allergen ? (pi_allergen_at(i) ? pi_allergen_at(i)->code : NULL)
                                    : (pi_label_at(i) ? pi_label_at(i)->code : NULL);
        if (!code)
            break;
        if (mask & (1u << i))
            cJSON_AddItemToArray(a, cJSON_CreateString(code));
    }
    return a;
}

static void text_or_null(cJSON *o, const char *key, const char *v)
{
    if (*v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

/* The information food law asks for; null where not stated (docs/api.md). */
static void product_info_json(cJSON *o, const imp_info *i)
{
    char b[32];
    text_or_null(o, "kind", i->kind);
    cJSON_AddStringToObject(o, "ingredients", i->ingredients);
    if (i->allergens < 0)
        cJSON_AddNullToObject(o, "allergens");
    else
        cJSON_AddItemToObject(o, "allergens", code_list((uint32_t)i->allergens, true));
    cJSON_AddItemToObject(o, "may_contain", code_list(i->traces, true));
    if (i->net_quantity < 0)
        cJSON_AddNullToObject(o, "net_quantity");
    else
        cJSON_AddStringToObject(o, "net_quantity",
                                net_text(b, sizeof b, i->net_quantity, i->net_unit));
    text_or_null(o, "origin_country", i->origin);
    cJSON_AddStringToObject(o, "origin_region", i->region);
    cJSON_AddItemToObject(o, "labels", code_list(i->labels, false));
    cJSON_AddStringToObject(o, "certifier", i->certifier);
    add_dec_or_null(o, "alcohol_percent", i->alcohol_bp, 2);
    cJSON_AddStringToObject(o, "storage", i->storage);
    cJSON *missing = cJSON_Parse("[]");
    for (const char *s = i->missing; s && *s;) {
        while (*s == '{' || *s == ',' || *s == '}')
            s++;
        size_t n = strcspn(s, ",}");
        if (!n)
            break;
        char code[32];
        snprintf(code, sizeof code, "%.*s", (int)n, s);
        cJSON_AddItemToArray(missing, cJSON_CreateString(code));
        s += n;
    }
    cJSON_AddItemToObject(o, "missing_information", missing);
}

static cJSON *json_product(const imp_product *p)
{
    char b[32];
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "sku", p->sku);
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "category", p->category);
    cJSON_AddStringToObject(o, "unit", p->unit);
    add_price4(o, "unit_price_excl_vat_cents", p->price_excl_vat);
    cJSON_AddNumberToObject(o, "unit_price_incl_vat_cents",
                            (double)(p->price_incl_vat >= 0
                                         ? p->price_incl_vat
                                         : money_price_incl(p->price_excl_vat, p->vat_rate)));
    cJSON_AddStringToObject(o, "vat_rate", dec_format(b, p->vat_rate, 2, 0));
    add_dec_or_null(o, "weight_kg", p->weight_g, 3);
    add_dec_or_null(o, "stock", p->stock, 3);
    cJSON_AddStringToObject(o, "step", dec_format(b, p->step, 3, 0));
    if (p->organic < 0)
        cJSON_AddNullToObject(o, "organic");
    else
        cJSON_AddBoolToObject(o, "organic", p->organic);
    cJSON_AddStringToObject(o, "description", p->description);
    product_info_json(o, &p->info);
    cJSON_AddBoolToObject(o, "active", p->active);
    if (p->measure) { /* sold by the piece, priced by the kg or litre (docs/api.md) */
        cJSON *w = cJSON_AddObjectToObject(o, "weighed");
        cJSON_AddStringToObject(w, "measure", p->measure);
        add_price4(w, "price_excl_vat_cents", p->measure_price);
        cJSON_AddNumberToObject(w, "price_incl_vat_cents",
                                (double)money_price_incl(p->measure_price, p->vat_rate));
        cJSON_AddStringToObject(w, "estimate", dec_format(b, p->measure_estimate, 3, 0));
    } else {
        cJSON_AddNullToObject(o, "weighed");
    }
    return o;
}

static void add_text_or_null(cJSON *o, const char *key, const char *v)
{
    if (v)
        cJSON_AddStringToObject(o, key, v);
    else
        cJSON_AddNullToObject(o, key);
}

static cJSON *json_summary(const imp_result *res)
{
    const imp_catalog *cat = &res->catalog;
    const imp_summary *s = &res->summary;
    cJSON *root = cJSON_CreateObject();
    cJSON *j = cJSON_AddObjectToObject(root, "import");
    cJSON_AddStringToObject(j, "producer", res->producer.slug);
    cJSON_AddBoolToObject(j, "dry_run", s->dry_run);
    cJSON_AddBoolToObject(j, "deactivate_missing", s->deactivate_missing);
    cJSON_AddStringToObject(j, "format", imp_format_name(cat->format));
    cJSON_AddStringToObject(j, "encoding", cat->encoding);
    char sep[2] = {cat->separator, '\0'};
    add_text_or_null(j, "separator", cat->separator ? sep : NULL);
    cJSON *ignored = cJSON_AddArrayToObject(j, "ignored_columns");
    for (size_t i = 0; i < cat->nignored_columns; i++)
        cJSON_AddItemToArray(ignored, cJSON_CreateString(cat->ignored_columns[i]));
    cJSON_AddNumberToObject(j, "products", (double)cat->nproducts);
    cJSON_AddNumberToObject(j, "new", (double)s->ncreated);
    cJSON_AddNumberToObject(j, "changed", (double)s->nchanged);
    cJSON_AddNumberToObject(j, "unchanged", (double)s->nunchanged);
    cJSON_AddNumberToObject(j, "deactivated", (double)(s->deactivate_missing ? s->nabsent : 0));
    cJSON_AddNumberToObject(j, "absent", (double)s->nabsent);
    cJSON *created = cJSON_AddArrayToObject(j, "new_products");
    for (size_t i = 0; i < s->ncreated; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line", s->created[i]->line);
        cJSON_AddStringToObject(o, "sku", s->created[i]->sku);
        cJSON_AddStringToObject(o, "name", s->created[i]->name);
        cJSON_AddItemToArray(created, o);
    }
    cJSON *changed = cJSON_AddArrayToObject(j, "changed_products");
    for (size_t i = 0; i < s->nchanged; i++) {
        const imp_changed *ch = &s->changed[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line", ch->product->line);
        cJSON_AddStringToObject(o, "sku", ch->product->sku);
        cJSON_AddStringToObject(o, "name", ch->product->name);
        cJSON *list = cJSON_AddArrayToObject(o, "changes");
        for (size_t k = 0; k < ch->nchanges; k++) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "field", ch->changes[k].field);
            add_text_or_null(c, "old", ch->changes[k].old_value);
            add_text_or_null(c, "new", ch->changes[k].new_value);
            cJSON_AddItemToArray(list, c);
        }
        cJSON_AddItemToArray(changed, o);
    }
    cJSON *absent = cJSON_AddArrayToObject(j, "absent_products");
    for (size_t i = 0; i < s->nabsent; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "sku", s->absent[i].sku);
        cJSON_AddStringToObject(o, "name", s->absent[i].name);
        cJSON_AddItemToArray(absent, o);
    }
    return root;
}

static void reply_problems(http_req *req, const refusal *why, const imp_catalog *cat)
{
    cJSON *details = cJSON_CreateArray();
    for (size_t i = 0; i < cat->nproblems; i++) {
        const imp_problem *p = &cat->problems[i];
        cJSON *d = cJSON_CreateObject();
        cJSON_AddNumberToObject(d, "line", p->line);
        cJSON_AddNumberToObject(d, "row", p->row);
        add_text_or_null(d, "column", p->column);
        cJSON_AddStringToObject(d, "code", p->code);
        cJSON_AddStringToObject(d, "message", FR(req) ? p->message_fr : p->message_en);
        cJSON_AddItemToArray(details, d);
    }
    http_reply_error_details(req, why->status, why->code, refusal_text(why, req->lang), details);
}

/* PUT /api/v1/producers/{slug}/catalog[?dry_run=1&format=&encoding=&deactivate_missing=1]
 * — 200 with what changed (or would), 422 with every problem, nothing written. */
void h_catalog_put(http_req *req)
{
    const char *slug = http_param(req, "slug");
    imp_request in = {.producer_slug = slug};
    if (!catalog_access_or_reply(req, slug) || !options_or_reply(req, &in))
        return;
    in.data = req->body.data ? req->body.data : "";
    in.len = req->body.len;
    imp_result res;
    refusal why = {0};
    int st = imp_catalog_import(req->db, req->mem, req->hub_id, &in, &res, &why);
    if (st < 0)
        http_reply_db_error(req, st);
    else if (st > 0 && why.status == 422)
        reply_problems(req, &why, &res.catalog);
    else if (st > 0)
        http_reply_refusal(req, &why);
    else
        http_reply_json(req, 200, json_summary(&res));
}

/* GET /api/v1/producers/{slug}/catalog[?format=json|dfc] — every product, active or not. */
void h_catalog_get(http_req *req)
{
    const char *slug = http_param(req, "slug"), *format = http_query(req, "format");
    if (!catalog_access_or_reply(req, slug))
        return;
    bool dfc = format && !strcasecmp(format, "dfc");
    if (format && *format && !dfc && strcasecmp(format, "json") != 0) {
        bad_parameter(req, "format", "format vaut json ou dfc.", "format is json or dfc.");
        return;
    }
    imp_producer producer;
    bool found;
    int st = imp_producer_find(req->db, req->mem, req->hub_id, slug, &producer, &found);
    if (st == DB_OK && !found) {
        http_reply_error(req, 404, "unknown_producer",
                         FR(req) ? "Ce producteur n’existe pas." : "There is no such producer.",
                         NULL);
        return;
    }
    imp_product *products = NULL;
    size_t n = 0;
    if (st == DB_OK)
        st = imp_catalog_list(req->db, req->mem, producer.id, &products, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (dfc) {
        char *doc = imp_dfc_export(g_config.public_url, producer.slug, producer.name, products, n);
        http_reply_bytes(req, 200, "application/ld+json; charset=utf-8", doc, strlen(doc), NULL);
        free(doc);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *p = cJSON_AddObjectToObject(root, "producer");
    cJSON_AddStringToObject(p, "slug", producer.slug);
    cJSON_AddStringToObject(p, "name", producer.name);
    cJSON *list = cJSON_AddArrayToObject(root, "products");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, json_product(&products[i]));
    http_reply_json(req, 200, root);
}
