/*
 * server/h_payments.c — /api/v1/payments and /api/v1/balance: what is owed, payments
 * recorded by hand, bank statements imported, lines waiting to be matched, and a
 * customer's own money.
 *
 * The same core functions as the desk's pages and km0 payments. A statement travels as
 * the request's body, as it came from the bank (XML or CSV), with the X-CSRF-Token
 * header of the session (server/csrf.c); it is imported whole or not at all.
 */
#include "../core/config.h"
#include "../core/parse.h"
#include "../core/payment.h"
#include "../core/sha256.h"
#include "../importers/bank_import.h"
#include "handlers.h"
#include "json_in.h"

#include <string.h>

static cJSON *json_due(const pay_due *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "customer_id", (double)d->customer_id);
    cJSON_AddStringToObject(o, "customer", d->customer_name);
    cJSON_AddStringToObject(o, "email", d->customer_email);
    cJSON_AddNumberToObject(o, "cycle", (double)d->cycle_id);
    cJSON_AddStringToObject(o, "cycle_name", d->cycle_name);
    cJSON_AddStringToObject(o, "delivery_date", d->delivery_date);
    cJSON_AddNumberToObject(o, "order", (double)d->order_id);
    cJSON_AddStringToObject(o, "payment_method", pay_method_name(d->method));
    cJSON_AddStringToObject(o, "reference", d->reference);
    cJSON_AddBoolToObject(o, "invoiced", d->invoiced);
    cJSON_AddNumberToObject(o, "amount_cents", (double)d->amount);
    cJSON_AddNumberToObject(o, "paid_cents", (double)d->paid);
    cJSON_AddNumberToObject(o, "due_cents", (double)d->due);
    return o;
}

/* GET /api/v1/payments/outstanding[?cycle=ID][&format=csv] */
void h_payments_outstanding(http_req *req)
{
    int64_t cycle = 0;
    const char *cs = http_query(req, "cycle"), *format = http_query(req, "format");
    if (cs && parse_int(cs, 1, INT64_MAX, &cycle) != PARSE_OK) {
        http_reply_error(req, 422, "invalid_field",
                         req->lang[0] == 'f' ? "Un numéro de cycle." : "A cycle number.", "cycle");
        return;
    }
    if (format && strcmp(format, "csv") != 0 && strcmp(format, "json") != 0) {
        http_reply_error(req, 422, "invalid_field", "json, csv", "format");
        return;
    }
    pay_due *rows;
    size_t n;
    int st = pay_outstanding(req->db, req->mem, req->hub_id, cycle, &rows, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (format && !strcmp(format, "csv")) {
        buf csv = BUF_INIT;
        pay_outstanding_csv(&csv, rows, n);
        http_reply_bytes(req, 200, "text/csv; charset=utf-8", csv.data, csv.len, "outstanding.csv");
        buf_free(&csv);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "outstanding");
    cents_t due = 0;
    for (size_t i = 0; i < n; i++) {
        cJSON_AddItemToArray(list, json_due(&rows[i]));
        due += rows[i].due;
    }
    cJSON_AddNumberToObject(root, "due_cents", (double)due);
    http_reply_json(req, 200, root);
}

/* POST /api/v1/payments — {"order": 41, "amount_cents": 1234, "method": "cash",
 * "cheque_number": "…", "key": "…"} (or "customer" instead of "order": a top-up) */
void h_payment_record(http_req *req)
{
    cJSON *body = http_json_body(req);
    int64_t order = 0, customer = 0, amount = 0;
    const char *method, *cheque, *key;
    if (!body || !json_int_or_reply(req, body, "order", 1, INT64_MAX, false, &order) ||
        !json_int_or_reply(req, body, "customer", 1, INT64_MAX, false, &customer) ||
        !json_int_or_reply(req, body, "amount_cents", 1, PAY_AMOUNT_MAX, true, &amount) ||
        !json_str_or_reply(req, body, "method", 10, true, &method) ||
        !json_str_or_reply(req, body, "cheque_number", 30, false, &cheque) ||
        !json_str_or_reply(req, body, "key", 64, false, &key))
        return;
    pay_in in = {order, customer, amount, method, cheque, key, NULL};
    pay_result r;
    refusal why = {0};
    int st =
        pay_record(req->db, req->mem, req->hub_id, req->session->user_id, "api", &in, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *p = cJSON_AddObjectToObject(root, "payment");
    cJSON_AddBoolToObject(p, "recorded", r.recorded);
    cJSON_AddNumberToObject(p, "customer", (double)r.customer);
    cJSON_AddNumberToObject(p, "to_order_cents", (double)r.to_order);
    cJSON_AddNumberToObject(p, "to_balance_cents", (double)r.to_balance);
    http_reply_json(req, r.recorded ? 201 : 200, root);
}

/* POST /api/v1/payments/statements — the statement file as the body */
void h_payments_import(http_req *req)
{
    stmt_file f;
    refusal why = {0};
    int st = bank_parse_file(req->mem, buf_str(&req->body), req->body.len,
                             g_config.iso20022_schemas, &f, &why);
    bank_import_result r = {0};
    if (st == 0) {
        char sha[65];
        sha256_hex_of(buf_str(&req->body), req->body.len, sha);
        st = bank_import(req->db, req->mem, req->hub_id, req->session->user_id, "api", &f, sha, &r,
                         &why);
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *o = cJSON_AddObjectToObject(root, "import");
    cJSON_AddStringToObject(o, "format", r.format);
    cJSON_AddStringToObject(o, "account", r.account);
    cJSON_AddNumberToObject(o, "entries", (double)r.entries);
    cJSON_AddNumberToObject(o, "new_entries", (double)r.new_entries);
    cJSON_AddNumberToObject(o, "not_booked", (double)r.not_booked);
    cJSON_AddNumberToObject(o, "matched", (double)r.matched);
    cJSON_AddNumberToObject(o, "unmatched", (double)r.unmatched);
    cJSON *lines = cJSON_AddArrayToObject(o, "lines");
    for (size_t i = 0; i < r.nlines; i++) {
        const bank_line *l = &r.lines[i];
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "entry", l->entry->number);
        cJSON_AddStringToObject(x, "booked_on", l->entry->booked_on);
        cJSON_AddNumberToObject(x, "amount_cents", (double)l->entry->amount);
        cJSON_AddStringToObject(x, "outcome", bm_kind_name(l->kind));
        cJSON_AddNumberToObject(x, "order", (double)l->order);
        cJSON_AddNumberToObject(x, "customer", (double)l->customer);
        cJSON_AddNumberToObject(x, "to_balance_cents", (double)l->to_balance);
        cJSON_AddItemToArray(lines, x);
    }
    http_reply_json(req, 201, root);
}

/* GET /api/v1/payments/unmatched */
void h_payments_unmatched(http_req *req)
{
    bank_waiting *w;
    size_t n;
    int st = bank_unmatched(req->db, req->mem, req->hub_id, &w, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *list = cJSON_AddArrayToObject(root, "unmatched");
    for (size_t i = 0; i < n; i++) {
        cJSON *x = cJSON_CreateObject();
        cJSON_AddNumberToObject(x, "id", (double)w[i].id);
        cJSON_AddStringToObject(x, "booked_on", w[i].booked_on);
        cJSON_AddNumberToObject(x, "amount_cents", (double)w[i].amount);
        cJSON_AddNumberToObject(x, "waiting_cents", (double)w[i].waiting);
        cJSON_AddStringToObject(x, "counterparty", w[i].counterparty);
        cJSON_AddStringToObject(x, "remittance", w[i].remittance);
        cJSON_AddItemToArray(list, x);
    }
    http_reply_json(req, 200, root);
}

/* GET /api/v1/balance — the caller's prepaid balance and what they owe, per order */
void h_balance(http_req *req)
{
    ledger_customer m;
    pay_due *dues;
    size_t n;
    int64_t me = req->session->customer_id;
    int st = ledger_customer_get(req->db, req->mem, req->hub_id, me, &m);
    if (st == DB_OK)
        st = pay_customer_dues(req->db, req->mem, req->hub_id, me, &dues, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON_AddNumberToObject(root, "balance_cents", (double)m.balance);
    cJSON_AddNumberToObject(root, "owed_cents", (double)m.owed);
    cJSON_AddNumberToObject(root, "overpaid_cents", (double)m.credit);
    char rf[RF_MAX + 1], grouped[32];
    rf_for(RF_TOPUP, me, rf);
    cJSON_AddStringToObject(root, "topup_reference", rf_grouped(rf, grouped));
    cJSON *list = cJSON_AddArrayToObject(root, "orders");
    for (size_t i = 0; i < n; i++) {
        cJSON *x = json_due(&dues[i]);
        cJSON_DeleteItemFromObject(x, "email");
        cJSON_AddItemToArray(list, x);
    }
    http_reply_json(req, 200, root);
}
