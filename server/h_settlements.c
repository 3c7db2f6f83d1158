/*
 * server/h_settlements.c — producers paid back over the API: fees, billing mandates,
 * settlements and their statements, SEPA transfers (pain.001), the FEC and its chart
 * of accounts. The same core functions as km0 settle / fees / sepa transfer / fec.
 *
 * A producer reads its own settlements and statements; everything else is the
 * coordinator's. Amounts are integer cents, rates percentages as decimal strings.
 */
#include "../core/fec.h"
#include "../core/fees.h"
#include "../core/money.h"
#include "../core/parse.h"
#include "../core/settlement.h"
#include "../core/transfer.h"
#include "../core/util.h"
#include "../reports/pain001.h"
#include "../reports/settlement_doc.h"
#include "handlers.h"
#include "render_pool.h"
#include "json_in.h"

#include <string.h>

static cJSON *json_settlement(const settlement *s)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "id", (double)s->id);
    cJSON_AddStringToObject(o, "producer", s->producer_slug);
    cJSON_AddStringToObject(o, "producer_name", s->producer_name);
    cJSON_AddStringToObject(o, "from", s->period_from);
    cJSON_AddStringToObject(o, "to", s->period_to);
    if (s->cycle_id)
        cJSON_AddNumberToObject(o, "cycle", (double)s->cycle_id);
    else
        cJSON_AddNullToObject(o, "cycle");
    cJSON_AddNumberToObject(o, "sales_excl_vat_cents", (double)s->sales_excl);
    cJSON_AddNumberToObject(o, "sales_incl_vat_cents", (double)s->sales_incl);
    cJSON_AddNumberToObject(o, "credits_excl_vat_cents", (double)s->credits_excl);
    cJSON_AddNumberToObject(o, "credits_incl_vat_cents", (double)s->credits_incl);
    cJSON_AddNumberToObject(o, "fee_excl_vat_cents", (double)s->fee_excl);
    cJSON_AddNumberToObject(o, "fee_vat_cents", (double)s->fee_vat);
    cJSON_AddNumberToObject(o, "due_cents", (double)s->due);
    cJSON_AddStringToObject(o, "commission_invoice", s->commission_number);
    cJSON_AddBoolToObject(o, "paid", s->transfer_batch != 0);
    cJSON_AddStringToObject(o, "created_at", s->created_at);
    return o;
}

static void reply_settlements(http_req *req, int status, const settlement *s, size_t n)
{
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "settlements");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(list, json_settlement(&s[i]));
    http_reply_json(req, status, root);
}

/* GET /api/v1/settlements — a producer sees its own */
void h_settlements_list(http_req *req)
{
    settlement *s;
    size_t n;
    int64_t producer = req->session->role == ROLE_PRODUCER ? req->session->producer_id : 0;
    int st = settlement_list(http_read_db(req), req->mem, req->hub_id, producer, &s, &n);
    if (st != DB_OK)
        http_reply_db_error(req, st);
    else
        reply_settlements(req, 200, s, n);
}

/* POST /api/v1/settlements — {"cycle": 12} or {"month": "2026-03"} */
void h_settlements_create(http_req *req)
{
    cJSON *body = http_json_body(req);
    int64_t cycle = 0;
    const char *month = NULL;
    if (!body || !json_int_or_reply(req, body, "cycle", 1, INT64_MAX, false, &cycle) ||
        !json_str_or_reply(req, body, "month", 7, false, &month))
        return;
    if (month && !*month)
        month = NULL; /* absent */
    if (!cycle == !month) {
        json_field_error(req, "month", "missing_field",
                         req->lang[0] == 'f' ? "Un cycle ou un mois (AAAA-MM), l’un des deux."
                                             : "A cycle or a month (YYYY-MM), one of the two.");
        return;
    }
    settlement *s;
    size_t n;
    refusal why = {0};
    int st = settlement_run(req->db, req->mem, req->hub_id, cycle, month, "api", &s, &n, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        reply_settlements(req, 201, s, n);
}

/* A statement's PDF: the FO made here (the database), FOP run by a renderer thread
 * (server/render_pool.h), never on an HTTP worker thread. */
typedef struct statement_job {
    rpt_pdf_job pdf;
    int rc;
    char name[64];
} statement_job;

static void free_statement_job(void *p)
{
    rpt_pdf_job_free(&((statement_job *)p)->pdf);
}

static void statement_work(void *p, int64_t deadline_us, const atomic_bool *cancel)
{
    statement_job *j = p;
    j->rc = rpt_pdf_job_run(&j->pdf, deadline_us, cancel);
}

static void statement_finish(http_req *req, void *p, bool busy)
{
    statement_job *j = p;
    if (busy || (j->rc != 0 && str_eq(j->pdf.err.code, "busy")))
        http_reply_busy(req);
    else if (j->rc != 0)
        http_reply_error(req, j->pdf.err.status, j->pdf.err.code, j->pdf.err.message, NULL);
    else
        http_reply_bytes(req, 200, rpt_content_type(RPT_PDF), j->pdf.pdf.data, j->pdf.pdf.len,
                         j->name);
}

/* GET /api/v1/settlements/{id}/statement?format=pdf|xml[&lang=en] */
void h_settlement_statement(http_req *req)
{
    int64_t id;
    rpt_format f = RPT_PDF;
    const char *fs = http_query(req, "format");
    if (parse_int(http_param(req, "id"), 1, INT64_MAX, &id) != PARSE_OK) {
        http_reply_error(req, 404, "settlement_not_found", "?", "id");
        return;
    }
    if (fs && (!rpt_format_parse(fs, &f) || f == RPT_HTML)) {
        http_reply_error(req, 422, "invalid_field", "xml, fo, pdf", "format");
        return;
    }
    int64_t producer = req->session->role == ROLE_PRODUCER ? req->session->producer_id : 0;
    statement_job *j = arena_alloc(req->mem, sizeof *j);
    memset(j, 0, sizeof *j);
    arena_defer(req->mem, free_statement_job, j);
    rpt_error err = {0};
    /* a PDF starts as the FO, which a renderer turns into the PDF; XML and FO are sent
     * as made */
    buf *doc = f == RPT_PDF ? &j->pdf.fo : &j->pdf.pdf;
    if (rpt_settlement_load_render(http_read_db(req), req->hub_id, id, producer,
                                   f == RPT_PDF ? RPT_FO : f, req->lang, doc, &err) != 0) {
        http_reply_error(req, err.status, err.code, err.message, err.field);
        return;
    }
    snprintf(j->name, sizeof j->name, "km0-releve-%lld.%s", (long long)id, rpt_format_name(f));
    if (f == RPT_PDF)
        render_async(req, statement_work, statement_finish, j);
    else
        http_reply_bytes(req, 200, rpt_content_type(f), doc->data, doc->len, j->name);
}

/* POST /api/v1/payments/transfers — {"from", "to", "execute_on", "version": "03"|"09"} */
void h_transfers_create(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *from, *to, *exec, *version;
    if (!body || !json_str_or_reply(req, body, "from", 10, false, &from) ||
        !json_str_or_reply(req, body, "to", 10, false, &to) ||
        !json_str_or_reply(req, body, "execute_on", 10, false, &exec) ||
        !json_str_or_reply(req, body, "version", 2, false, &version))
        return;
    if (*version && strcmp(version, "03") != 0 && strcmp(version, "09") != 0) {
        json_field_error(req, "version", "invalid_field", "03, 09");
        return;
    }
    transfer_doc d;
    refusal why = {0};
    int st = transfer_batch(req->db, req->mem, req->hub_id, from, to, exec,
                            !strcmp(version, "09") ? 9 : 3, "api", &d, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *b = cJSON_AddObjectToObject(root, "batch");
    cJSON_AddNumberToObject(b, "id", (double)d.batch);
    cJSON_AddStringToObject(b, "message_id", d.message_id);
    cJSON_AddStringToObject(b, "format", rpt_pain001_name(d.version));
    cJSON_AddStringToObject(b, "execute_on", d.execute_on);
    cJSON_AddNumberToObject(b, "transfers", (double)d.n);
    cJSON_AddNumberToObject(b, "total_cents", (double)d.total);
    cJSON_AddStringToObject(
        b, "file", arena_printf(req->mem, "/api/v1/payments/transfers/%lld", (long long)d.batch));
    http_reply_json(req, 201, root);
}

/* GET /api/v1/payments/transfers/{id} — the pain.001 file */
void h_transfer_file(http_req *req)
{
    int64_t id = 0;
    transfer_doc d;
    bool found = false;
    int st = DB_OK;
    if (parse_int(http_param(req, "id"), 1, INT64_MAX, &id) == PARSE_OK)
        st = transfer_doc_load(req->db, req->mem, req->hub_id, id, &d, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf out = BUF_INIT;
    if (!found)
        http_reply_error(req, 404, "transfer_not_found",
                         req->lang[0] == 'f' ? "Aucun lot de virements de ce numéro."
                                             : "No transfer batch of this number.",
                         "id");
    else if (rpt_pain001(&d, &out) != 0)
        http_reply_error(req, 500, "internal", "pain.001", NULL);
    else
        http_reply_bytes(req, 200, "application/xml", out.data, out.len,
                         arena_printf(req->mem, "%s.xml", d.message_id));
    buf_free(&out);
}

/* ---- fees and mandates ------------------------------------------------------------------ */

static void reply_fees(http_req *req)
{
    int bp;
    fee_producer *p;
    size_t n;
    int st = fees_get(req->db, req->mem, req->hub_id, &bp, &p, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    order_fee of;
    if ((st = fees_order_get(req->db, req->mem, req->hub_id, &of)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    char t[32];
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "fee_percent", dec_format(t, bp, 2, 0));
    cJSON_AddStringToObject(root, "order_fee", dec_format(t, of.cents, 2, 2));
    cJSON_AddStringToObject(root, "order_fee_vat_rate", dec_format(t, of.vat_bp, 2, 0));
    cJSON_AddStringToObject(root, "order_fee_incl_vat",
                            dec_format(t, of.cents + money_vat(of.cents, of.vat_bp), 2, 2));
    cJSON *list = cJSON_AddArrayToObject(root, "producers");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "producer", p[i].slug);
        cJSON_AddStringToObject(o, "name", p[i].name);
        if (p[i].fee_bp < 0)
            cJSON_AddNullToObject(o, "fee_percent");
        else
            cJSON_AddStringToObject(o, "fee_percent", dec_format(t, p[i].fee_bp, 2, 0));
        cJSON_AddStringToObject(o, "iban", p[i].iban);
        cJSON_AddStringToObject(o, "bic", p[i].bic);
        if (*p[i].mandate_on) {
            cJSON *m = cJSON_AddObjectToObject(o, "billing_mandate");
            cJSON_AddStringToObject(m, "signed_on", p[i].mandate_on);
            cJSON_AddStringToObject(m, "scope", p[i].mandate_scope);
            cJSON_AddStringToObject(m, "accepted_by", p[i].mandate_by);
        } else {
            cJSON_AddNullToObject(o, "billing_mandate");
        }
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}

/* GET /api/v1/hub/fees */
void h_fees_get(http_req *req)
{
    reply_fees(req);
}

/* PATCH /api/v1/hub/fees — {"fee_percent": "12.5", "order_fee": "1.50",
 * "order_fee_vat_rate": "20"}, each optional (absent: unchanged); all checked before
 * anything is written. */
void h_fees_patch(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *pct, *amount, *rate;
    int bp = -1;
    refusal why = {0};
    if (!body || !json_str_or_reply(req, body, "fee_percent", 8, false, &pct) ||
        !json_str_or_reply(req, body, "order_fee", 10, false, &amount) ||
        !json_str_or_reply(req, body, "order_fee_vat_rate", 6, false, &rate))
        return;
    bool has_pct = cJSON_GetObjectItemCaseSensitive(body, "fee_percent") != NULL;
    bool has_amount = cJSON_GetObjectItemCaseSensitive(body, "order_fee") != NULL;
    bool has_rate = cJSON_GetObjectItemCaseSensitive(body, "order_fee_vat_rate") != NULL;
    order_fee of;
    int st = 0;
    if (!has_pct && !has_amount && !has_rate)
        st = refuse(&why, 422, "missing_field", "fee_percent",
                    "Indiquez la commission, les frais par commande ou leur taux de TVA.",
                    "Give the fee, the fee per order or its VAT rate.");
    if (st == 0 && has_pct)
        st = fees_parse_percent(pct, "fee_percent", req->mem, &bp, &why);
    if (st == 0 && (has_amount || has_rate)) {
        st = fees_order_get(req->db, req->mem, req->hub_id, &of);
        if (st == 0)
            st = fees_order_parse(has_amount ? amount : NULL, has_rate ? rate : NULL, &of, &why);
    }
    if (st == 0 && has_pct)
        st = fees_set_hub(req->db, req->mem, req->hub_id, bp, req->session->user_id, "api", &why);
    if (st == 0 && (has_amount || has_rate))
        st =
            fees_order_set(req->db, req->mem, req->hub_id, &of, req->session->user_id, "api", &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        reply_fees(req);
}

/* PATCH /api/v1/producers/{slug}/fees — {"fee_percent": "8" | null, "iban", "bic"} */
void h_producer_fees_patch(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *pct = NULL, *iban, *bic;
    int bp = -2;
    refusal why = {0};
    if (!body)
        return;
    const cJSON *fee = cJSON_GetObjectItemCaseSensitive(body, "fee_percent");
    if (cJSON_IsNull(fee))
        bp = -1;
    else if (fee && !json_str_or_reply(req, body, "fee_percent", 8, true, &pct))
        return;
    if (!json_str_or_reply(req, body, "iban", 50, false, &iban) ||
        !json_str_or_reply(req, body, "bic", 11, false, &bic))
        return;
    /* absent: unchanged; "" (or null): removed */
    if (!cJSON_GetObjectItemCaseSensitive(body, "iban"))
        iban = NULL;
    if (!cJSON_GetObjectItemCaseSensitive(body, "bic"))
        bic = NULL;
    int st = pct ? fees_parse_percent(pct, "fee_percent", req->mem, &bp, &why) : 0;
    if (st == 0)
        st = fees_set_producer(req->db, req->mem, req->hub_id, http_param(req, "slug"), bp, iban,
                               bic, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        reply_fees(req);
}

/* POST /api/v1/producers/{slug}/billing-mandates — {"signed_on", "scope", "accepted_by"} */
void h_billing_mandate_add(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *on, *scope, *by;
    refusal why = {0};
    if (!body || !json_str_or_reply(req, body, "signed_on", 10, true, &on) ||
        !json_str_or_reply(req, body, "scope", 300, true, &scope) ||
        !json_str_or_reply(req, body, "accepted_by", 200, true, &by))
        return;
    int st = fees_mandate_add(req->db, req->mem, req->hub_id, http_param(req, "slug"), on, scope,
                              by, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        http_reply_json_text(req, 201, "{\"billing_mandate\":{\"recorded\":true}}");
}

/* ---- accounting ---------------------------------------------------------------------- */

/* GET /api/v1/accounting/accounts */
void h_accounts_chart(http_req *req)
{
    fec_account *a;
    size_t n;
    int st = fec_accounts(req->db, req->mem, req->hub_id, &a, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "accounts");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "account", a[i].account);
        cJSON_AddStringToObject(o, "number", a[i].number);
        cJSON_AddStringToObject(o, "label", a[i].label);
        cJSON_AddBoolToObject(o, "custom", a[i].custom);
        cJSON_AddItemToArray(list, o);
    }
    http_reply_json(req, 200, root);
}

/* PUT /api/v1/accounting/accounts/{account} — {"number": "706100", "label": "…"} */
void h_account_chart_put(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *number, *label;
    refusal why = {0};
    if (!body || !json_str_or_reply(req, body, "number", 20, true, &number) ||
        !json_str_or_reply(req, body, "label", 100, true, &label))
        return;
    int st = fec_account_set(req->db, req->mem, req->hub_id, http_param(req, "account"), number,
                             label, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        h_accounts_chart(req);
}

static int to_buf(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* POST /api/v1/accounting/fec — {"from", "to", "separator": "tab"|"pipe", "close": false}:
 * the file itself (text/plain) */
void h_fec_export(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *from, *to, *sep;
    if (!body || !json_str_or_reply(req, body, "from", 10, true, &from) ||
        !json_str_or_reply(req, body, "to", 10, true, &to) ||
        !json_str_or_reply(req, body, "separator", 4, false, &sep))
        return;
    const cJSON *close = cJSON_GetObjectItemCaseSensitive(body, "close");
    if (close && !cJSON_IsBool(close)) {
        json_field_error(req, "close", "invalid_field", "true, false");
        return;
    }
    if (*sep && strcmp(sep, "tab") != 0 && strcmp(sep, "pipe") != 0) {
        json_field_error(req, "separator", "invalid_field", "tab, pipe");
        return;
    }
    fec_request rq = {from, to, !strcmp(sep, "pipe") ? '|' : '\t', cJSON_IsTrue(close)};
    buf out = BUF_INIT;
    refusal why = {0};
    int64_t lines;
    int st = fec_export(req->db, req->mem, req->hub_id, &rq, to_buf, &out, &lines, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        http_reply_bytes(req, 200, "text/plain; charset=utf-8", out.data, out.len,
                         arena_printf(req->mem, "FEC-%s-%s.txt", from, to));
    buf_free(&out);
}
