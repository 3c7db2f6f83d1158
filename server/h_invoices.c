/*
 * server/h_invoices.c — invoices over HTTP.
 *
 *   POST /api/v1/cycles/{id}/invoices          issue a batched cycle's invoices (coordinator);
 *                                              {"accept_estimates": true} lets weighed lines
 *                                              without a weight go at their estimate
 *   GET  /api/v1/cycles/{id}/invoices          list them, with the state of their archive
 *                                              (coordinator)
 *   GET  /api/v1/invoices/{number}?format=json|cii|xml|pdf|facturx|html&lang=fr|en
 *                                              one invoice: the coordinator, the producer
 *                                              who sells it, the customer who buys it
 *   POST /api/v1/invoices/{number}/credit-note {"reason": "...", "lines": [{"line_no": 2,
 *                                              "quantity": "0.24"}]} (coordinator): without
 *                                              lines, a full credit note
 *
 * Anyone else asking for an invoice gets 404, as for a number that does not
 * exist: numbers are guessable and must not tell whether they were issued.
 *
 * facturx, and pdf unless ?lang=en asks for English labels, are the invoice's
 * archived file (core/archive.h): its stored bytes with their SHA-256 as a
 * strong ETag, 304 on If-None-Match. An invoice not archived yet is rendered
 * now by the renderer pool (server/render_pool.h), becomes the archive's file
 * and is served; one a worker is rendering at that moment gets 503 busy with
 * Retry-After.
 */
#include "../core/archive.h"
#include "../core/archive_cache.h"
#include "../core/cycle.h"
#include "../core/invoicing.h"
#include "../core/log.h"
#include "../core/parse.h"
#include "../core/sha256.h"
#include "../core/util.h"
#include "../reports/archive_render.h"
#include "../reports/invoice_doc.h"
#include "handlers.h"
#include "json_in.h"
#include "negotiate.h"
#include "render_pool.h"

#include <string.h>

static void add_dec(cJSON *o, const char *key, int64_t v, int scale, int min)
{
    char s[32];
    cJSON_AddStringToObject(o, key, dec_format(s, v, scale, min));
}

static cJSON *json_party(const inv_party *p, bool seller)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", p->name);
    if (seller)
        cJSON_AddStringToObject(o, "legal_form", p->legal_form);
    cJSON_AddStringToObject(o, "siret", p->siret);
    cJSON_AddStringToObject(o, "vat_number", p->vat_number);
    cJSON_AddStringToObject(o, "address", p->address.line1);
    cJSON_AddStringToObject(o, "country", p->address.country);
    if (seller)
        cJSON_AddBoolToObject(o, "vat_franchise", p->franchise);
    else
        cJSON_AddStringToObject(o, "kind", p->business ? "business" : "person");
    return o;
}

static cJSON *json_lines(const invoice *inv)
{
    cJSON *lines = cJSON_CreateArray();
    for (size_t i = 0; i < inv->nlines; i++) {
        const inv_line *l = &inv->lines[i];
        char cat[2] = {l->vat_category, 0};
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "line_no", l->line_no);
        cJSON_AddStringToObject(o, "sku", l->sku);
        cJSON_AddStringToObject(o, "description", l->description);
        if (l->producer && *l->producer)
            cJSON_AddStringToObject(o, "producer", l->producer);
        cJSON_AddStringToObject(o, "unit", l->unit);
        add_dec(o, "quantity", l->quantity, 3, 0);
        add_dec(o, "unit_price_excl_vat", l->unit_price, 4, 2);
        cJSON_AddStringToObject(o, "vat_category", cat);
        add_dec(o, "vat_rate", l->vat_rate, 2, 0);
        cJSON_AddNumberToObject(o, "line_excl_vat_cents", (double)l->net);
        if (l->credits_line_no)
            cJSON_AddNumberToObject(o, "credits_line_no", l->credits_line_no);
        cJSON_AddItemToArray(lines, o);
    }
    return lines;
}

static cJSON *json_invoice(const inv_stored *s)
{
    const invoice *inv = &s->inv;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "number", inv->number);
    cJSON_AddNumberToObject(o, "type_code", inv->type_code);
    cJSON_AddStringToObject(o, "issue_date", inv->issue_date);
    cJSON_AddStringToObject(o, "delivery_date", inv->delivery_date);
    cJSON_AddStringToObject(o, "due_date", inv->due_date);
    cJSON_AddStringToObject(o, "currency", inv->currency);
    cJSON_AddNumberToObject(o, "cycle", (double)s->cycle_id);
    cJSON_AddNumberToObject(o, "order", (double)s->order_id);
    if (*inv->corrects_number)
        cJSON_AddStringToObject(o, "corrects", inv->corrects_number);
    else
        cJSON_AddNullToObject(o, "corrects");
    cJSON_AddItemToObject(o, "seller", json_party(&inv->seller, true));
    cJSON_AddItemToObject(o, "buyer", json_party(&inv->buyer, false));
    if (inv->has_intermediary)
        cJSON_AddItemToObject(o, "intermediary", json_party(&inv->intermediary, true));
    else
        cJSON_AddNullToObject(o, "intermediary");
    cJSON_AddItemToObject(o, "lines", json_lines(inv));
    cJSON *vat = cJSON_AddArrayToObject(o, "vat");
    for (size_t i = 0; i < inv->nvat; i++) {
        char cat[2] = {inv->vat[i].category, 0};
        cJSON *v = cJSON_CreateObject();
        cJSON_AddStringToObject(v, "category", cat);
        add_dec(v, "rate", inv->vat[i].rate, 2, 0);
        cJSON_AddNumberToObject(v, "base_cents", (double)inv->vat[i].base);
        cJSON_AddNumberToObject(v, "amount_cents", (double)inv->vat[i].vat);
        cJSON_AddItemToArray(vat, v);
    }
    cJSON_AddNumberToObject(o, "total_excl_vat_cents", (double)inv->total_excl);
    cJSON_AddNumberToObject(o, "total_vat_cents", (double)inv->total_vat);
    cJSON_AddNumberToObject(o, "total_incl_vat_cents", (double)inv->total_incl);
    cJSON_AddStringToObject(o, "payment_terms", inv->payment_terms);
    cJSON *notes = cJSON_AddArrayToObject(o, "notes");
    for (size_t i = 0; i < inv->nnotes; i++)
        cJSON_AddItemToArray(notes, cJSON_CreateString(inv->notes[i]));
    return o;
}

/* Who may see an invoice: the coordinator, its seller, its buyer (a customer, or the
 * producer a commission invoice is addressed to). */
static bool may_see_ids(const http_req *req, int64_t seller_producer_id, int64_t customer_id,
                        int64_t buyer_producer_id)
{
    const http_session *u = req->session;
    if (!u)
        return false;
    if (u->role == ROLE_COORDINATOR)
        return true;
    if (u->role == ROLE_PRODUCER)
        return (seller_producer_id && seller_producer_id == u->producer_id) ||
               (buyer_producer_id && buyer_producer_id == u->producer_id);
    return u->role == ROLE_CONSUMER && customer_id && customer_id == u->customer_id;
}

static bool may_see(const http_req *req, const inv_stored *s)
{
    return may_see_ids(req, s->seller_producer_id, s->customer_id, s->buyer_producer_id);
}

static void reply_not_found(http_req *req, const char *number)
{
    http_reply_error(req, 404, "invoice_not_found",
                     arena_printf(req->mem,
                                  req->lang[0] == 'f' ? "Aucune facture n° %s." : "No invoice %s.",
                                  number),
                     "number");
}

/* ---- the archived file -------------------------------------------------------------- */

static void reply_being_archived(http_req *req)
{
    req->retry_after_s = 5;
    http_reply_error(req, 503, "busy",
                     req->lang[0] == 'f'
                         ? "Cette facture est en cours d’archivage ; réessayez dans quelques "
                           "secondes."
                         : "This invoice is being archived; try again in a few seconds.",
                     NULL);
}

static void reply_file(http_req *req, const char *number, inv_format f, const char *sha_hex,
                       const void *pdf, size_t len)
{
    char name[128], etag[70];
    snprintf(etag, sizeof etag, "\"%s\"", sha_hex);
    http_reply_stored(req, "application/pdf", pdf, len, rpt_invoice_file_name(name, number, f),
                      etag);
}

/* An invoice rendered now: the archive's file once stored. */
typedef struct invoice_job {
    const inv_stored *s; /* in req->mem */
    inv_format format;
    rpt_archived made;
    rpt_error err;
    int rc;
} invoice_job;

static void free_invoice_job(void *p)
{
    buf_free(&((invoice_job *)p)->made.pdf);
}

static void invoice_work(void *p, int64_t deadline_us, const atomic_bool *cancel)
{
    invoice_job *j = p;
    rpt_pdf_options run = {.deadline_us = deadline_us, .cancel = cancel};
    j->rc = rpt_archive_render(j->s, 1, &run, &j->made, &j->err);
}

static void invoice_finish(http_req *req, void *p, bool busy)
{
    invoice_job *j = p;
    const char *number = j->s->inv.number;
    if (busy || (j->rc != 0 && str_eq(j->err.code, "busy"))) {
        http_reply_busy(req);
        return;
    }
    if (j->rc != 0) {
        log_event(LOG_ERROR, "invoice.render_failed", "req=%s number=%s code=%s", req->id, number,
                  j->err.code);
        http_reply_error(req, j->err.status, j->err.code, j->err.message, NULL);
        return;
    }
    if (!req->db) {
        http_reply_db_error(req, DB_DOWN);
        return;
    }
    archive_blob file = {j->s->id, j->made.pdf.data, j->made.pdf.len, j->made.sha256};
    archive_outcome outcome;
    int st = archive_store_one(req->db, req->mem, req->hub_id, &file, &outcome);
    if (st != 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (outcome == ARCHIVE_BUSY) {
        reply_being_archived(req);
    } else if (outcome == ARCHIVE_STORED) {
        char hex[65];
        reply_file(req, number, j->format, sha256_hex(j->made.sha256, hex), j->made.pdf.data,
                   j->made.pdf.len);
    } else { /* another file was stored first: that one is the invoice's */
        archive_file a;
        bool found;
        if ((st = archive_get(req->db, req->mem, req->hub_id, number, true, &a, &found)) != DB_OK ||
            !found || !a.archived)
            http_reply_db_error(req, st != DB_OK ? st : DB_ERROR);
        else
            reply_file(req, number, j->format, a.sha256_hex, a.pdf, a.len);
    }
}

/* pdf and facturx: the archived file. */
static void get_archived(http_req *req, const char *number, inv_format f)
{
    const char *inm = http_header(req, "If-None-Match");
    archive_file a;
    bool found = true, busy;
    int st = DB_OK;
    /* a file once read is kept (core/archive_cache.h); else a revalidation first
     * asks whether the ETag still matches, without the bytes */
    if (!archive_cache_get(req->mem, req->hub_id, number, &a)) {
        st = archive_get(req->db, req->mem, req->hub_id, number, inm == NULL, &a, &found);
        if (st == DB_OK && found && a.pdf)
            archive_cache_put(req->hub_id, &a);
    }
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found || !may_see_ids(req, a.seller_producer_id, a.customer_id, a.buyer_producer_id)) {
        reply_not_found(req, number);
        return;
    }
    if (a.archived) {
        char etag[70];
        snprintf(etag, sizeof etag, "\"%s\"", a.sha256_hex);
        if (!a.pdf && !neg_etag_matches(inm, etag)) {
            if ((st = archive_get(req->db, req->mem, req->hub_id, number, true, &a, &found)) !=
                DB_OK) {
                http_reply_db_error(req, st);
                return;
            }
            archive_cache_put(req->hub_id, &a);
        }
        reply_file(req, number, f, a.sha256_hex, a.pdf, a.len);
        return;
    }
    if ((st = archive_job_busy(req->db, req->mem, a.invoice_id, &busy)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (busy) {
        reply_being_archived(req);
        return;
    }
    inv_stored *s;
    size_t n;
    st = invoice_load_ids(req->db, req->mem, req->hub_id, &a.invoice_id, 1, &s, &n);
    if (st != DB_OK || n != 1) {
        http_reply_db_error(req, st != DB_OK ? st : DB_ERROR);
        return;
    }
    invoice_job *j = arena_alloc(req->mem, sizeof *j);
    memset(j, 0, sizeof *j);
    j->s = s;
    j->format = f;
    arena_defer(req->mem, free_invoice_job, j);
    render_async(req, invoice_work, invoice_finish, j);
}

/* GET /api/v1/invoices/{number} */
void h_invoice_get(http_req *req)
{
    const char *number = http_param(req, "number"), *format = http_query(req, "format");
    inv_format f = INV_PDF;
    bool json = !format || !*format || str_eq(format, "json");
    if (!json && !rpt_invoice_format_parse(format, &f)) {
        http_reply_error(req, 400, "bad_format",
                         req->lang[0] == 'f' ? "format vaut json, cii, xml, pdf, facturx ou html."
                                             : "format is json, cii, xml, pdf, facturx or html.",
                         "format");
        return;
    }
    const char *lang_asked = http_query(req, "lang");
    bool english = lang_asked && str_eq(lang_asked, "en");
    if (!json && (f == INV_FACTURX || (f == INV_PDF && !english))) {
        get_archived(req, number, f);
        return;
    }
    inv_stored s;
    bool found;
    /* an issued invoice never changes: a standby's copy is the invoice */
    db_conn *rd = http_read_db(req);
    int st = invoice_find(rd, req->mem, req->hub_id, number, &s, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found || !may_see(req, &s)) {
        reply_not_found(req, number);
        return;
    }
    if (json) {
        cJSON *root = cJSON_CreateObject();
        cJSON_AddItemToObject(root, "invoice", json_invoice(&s));
        http_reply_json(req, 200, root);
        return;
    }
    buf doc = BUF_INIT;
    rpt_error err;
    if (f == INV_PDF) {
        /* a PDF in English labels: made now, not kept (the archive's is the one issued) */
        rpt_pdf_job pdf = {0};
        char name[128];
        rpt_invoice_file_name(name, number, f);
        if (rpt_invoice_pdf_job(&s, "en", &pdf, &err) != 0) {
            rpt_pdf_job_free(&pdf);
            http_reply_error(req, err.status, err.code, err.message, NULL);
            return;
        }
        render_pdf_reply(req, &pdf, name);
        return;
    }
    if (rpt_invoice_render(rd, &s, f, req->lang, &doc, &err) != 0) {
        log_event(LOG_ERROR, "invoice.render_failed", "req=%s number=%s format=%s code=%s", req->id,
                  number, format, err.code);
        http_reply_error(req, err.status, err.code, err.message, NULL);
    } else {
        char name[128];
        http_reply_document(req, 200, rpt_invoice_content_type(f), doc.data ? doc.data : "",
                            doc.len, rpt_invoice_file_name(name, number, f));
    }
    buf_free(&doc);
}

static cJSON *json_summary(const inv_issue_result *r)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "cycle", (double)r->cycle);
    cJSON_AddStringToObject(root, "state", "invoiced");
    cJSON_AddStringToObject(root, "issue_date", r->issue_date);
    cJSON_AddNumberToObject(root, "invoices", (double)r->invoices);
    cJSON_AddNumberToObject(root, "orders", (double)r->orders);
    cJSON_AddNumberToObject(root, "total_excl_vat_cents", (double)r->excl);
    cJSON_AddNumberToObject(root, "total_vat_cents", (double)r->vat);
    cJSON_AddNumberToObject(root, "total_incl_vat_cents", (double)r->incl);
    cJSON_AddNumberToObject(root, "estimates_accepted", (double)r->estimates_accepted);
    cJSON *sellers = cJSON_AddArrayToObject(root, "sellers");
    for (size_t i = 0; i < r->nsellers; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "seller_key", r->sellers[i].seller_key);
        cJSON_AddStringToObject(o, "name", r->sellers[i].name);
        cJSON_AddNumberToObject(o, "count", r->sellers[i].count);
        cJSON_AddStringToObject(o, "first", r->sellers[i].first);
        cJSON_AddStringToObject(o, "last", r->sellers[i].last);
        cJSON_AddItemToArray(sellers, o);
    }
    return root;
}

/* POST /api/v1/cycles/{id}/invoices — 201 with what was issued; 409 when the
 * cycle is not batched or already invoiced (issuing is not repeated). */
void h_cycle_invoices_issue(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    inv_issue_opts opts = {false, req->session->user_id, "api"};
    if (req->body.len > 0) {
        cJSON *body = http_json_body(req);
        if (!body)
            return;
        const cJSON *v;
        cJSON_ArrayForEach(v, body)
        {
            if (strcmp(v->string, "accept_estimates") != 0 || !cJSON_IsBool(v)) {
                json_field_error(req, v->string, "invalid_field",
                                 req->lang[0] == 'f'
                                     ? "Seul accept_estimates (true ou false) est attendu."
                                     : "Only accept_estimates (true or false) is expected.");
                return;
            }
            opts.accept_estimates = cJSON_IsTrue(v);
        }
    }
    inv_issue_result r;
    refusal why = {0};
    int st = invoice_issue_cycle(req->db, req->mem, req->hub_id, id, &opts, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_json(req, 201, json_summary(&r));
}

/* GET /api/v1/cycles/{id}/invoices */
void h_cycle_invoices_list(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    PGresult *c, *r;
    int st = cycle_get(req->db, req->mem, req->hub_id, id, &c);
    if (st == DB_OK && PQntuples(c) == 1)
        st = invoice_list_cycle(req->db, req->mem, req->hub_id, id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (PQntuples(c) == 0) {
        http_reply_error(req, 404, "cycle_not_found",
                         req->lang[0] == 'f' ? "Ce cycle n’existe pas." : "There is no such cycle.",
                         "id");
        return;
    }
    archive_state arch;
    if ((st = archive_cycle_state(req->db, req->mem, req->hub_id, id, &arch)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "cycle", (double)id);
    cJSON_AddStringToObject(root, "state", db_val(c, 0, "state"));
    cJSON *a = cJSON_AddObjectToObject(root, "archive");
    cJSON_AddNumberToObject(a, "done", (double)arch.done);
    cJSON_AddNumberToObject(a, "pending", (double)arch.pending);
    cJSON_AddNumberToObject(a, "failed", (double)arch.failed);
    if (*arch.last_error)
        cJSON_AddStringToObject(a, "last_error", arch.last_error);
    else
        cJSON_AddNullToObject(a, "last_error");
    cJSON *list = cJSON_AddArrayToObject(root, "invoices");
    for (int i = 0; i < PQntuples(r); i++) {
        cJSON *o = cJSON_CreateObject();
        const char *number = db_val(r, i, "number");
        cJSON_AddStringToObject(o, "number", number);
        cJSON_AddNumberToObject(o, "type_code", (double)db_int(r, i, "type_code"));
        cJSON_AddStringToObject(o, "issue_date", db_val(r, i, "issue_date"));
        cJSON_AddNumberToObject(o, "order", (double)db_int(r, i, "order_id"));
        cJSON_AddStringToObject(o, "seller_key", db_val(r, i, "seller_key"));
        cJSON_AddStringToObject(o, "seller", db_val(r, i, "seller_name"));
        cJSON_AddStringToObject(o, "buyer", db_val(r, i, "buyer_name"));
        cJSON_AddNumberToObject(o, "total_excl_vat_cents",
                                (double)db_int(r, i, "total_excl_vat_cents"));
        cJSON_AddNumberToObject(o, "total_vat_cents", (double)db_int(r, i, "total_vat_cents"));
        cJSON_AddNumberToObject(o, "total_incl_vat_cents",
                                (double)db_int(r, i, "total_incl_vat_cents"));
        if (*db_val(r, i, "corrects"))
            cJSON_AddStringToObject(o, "corrects", db_val(r, i, "corrects"));
        else
            cJSON_AddNullToObject(o, "corrects");
        cJSON_AddStringToObject(o, "url", arena_printf(req->mem, "/api/v1/invoices/%s", number));
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}

/* The lines of a partial credit note: [{"line_no": 2, "quantity": "0.24"}], at most 1000;
 * false after a 422 naming the field. */
static bool credit_lines_or_reply(http_req *req, const cJSON *arr, inv_credit_line **out, size_t *n)
{
    bool fr = req->lang[0] == 'f';
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) > 1000)
        return json_field_error(req, "lines", "invalid_field",
                                fr ? "lines est une liste de 1000 lignes au plus."
                                   : "lines is a list of at most 1000 lines.");
    *n = (size_t)cJSON_GetArraySize(arr);
    *out = arena_alloc(req->mem, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        const cJSON *o = cJSON_GetArrayItem(arr, (int)i);
        int64_t no;
        const char *q;
        if (!cJSON_IsObject(o))
            return json_field_error(req, arena_printf(req->mem, "lines[%zu]", i), "invalid_field",
                                    fr ? "Chaque ligne est un objet." : "Each line is an object.");
        if (!json_int_or_reply(req, o, "line_no", 1, 100000, true, &no) ||
            !json_str_at_or_reply(req, o, "quantity",
                                  arena_printf(req->mem, "lines[%zu].quantity", i), 32, true, &q))
            return false;
        if (parse_quantity(q, &(*out)[i].quantity) != PARSE_OK)
            return json_field_error(req, arena_printf(req->mem, "lines[%zu].quantity", i),
                                    "invalid_quantity",
                                    fr ? "Une quantité positive en texte, comme \"0.24\"."
                                       : "A positive quantity as a string, such as \"0.24\".");
        (*out)[i].line_no = (int)no;
    }
    return true;
}

/* POST /api/v1/invoices/{number}/credit-note — 201 {"credit_note": {...}}. */
void h_invoice_credit(http_req *req)
{
    const char *number = http_param(req, "number"), *reason = NULL;
    inv_credit_line *lines = NULL;
    size_t nlines = 0;
    if (req->body.len > 0) {
        cJSON *body = http_json_body(req);
        if (!body)
            return;
        const cJSON *r = cJSON_GetObjectItemCaseSensitive(body, "reason");
        if (r && !cJSON_IsString(r) && !cJSON_IsNull(r)) {
            http_reply_error(req, 422, "invalid_reason",
                             req->lang[0] == 'f' ? "reason est un texte." : "reason is a text.",
                             "reason");
            return;
        }
        reason = cJSON_IsString(r) ? r->valuestring : NULL;
        const cJSON *l = cJSON_GetObjectItemCaseSensitive(body, "lines");
        if (l && !cJSON_IsNull(l) && !credit_lines_or_reply(req, l, &lines, &nlines))
            return;
    }
    const char *credit;
    refusal why = {0};
    int st = invoice_credit(req->db, req->mem, req->hub_id, number, reason, lines, nlines,
                            req->session->user_id, "api", &credit, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    inv_stored s;
    bool found;
    st = invoice_find(req->db, req->mem, req->hub_id, credit, &s, &found);
    if (st != DB_OK || !found) {
        http_reply_db_error(req, st != DB_OK ? st : DB_ERROR);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "credit_note", json_invoice(&s));
    http_reply_json(req, 201, root);
}
