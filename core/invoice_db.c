/*
 * core/invoice_db.c — numbering, dating and storing invoices (shared by issuing
 * and credit notes).
 *
 * Storing is one statement whatever the number of invoices: the documents
 * travel as one JSON array (jsonb_to_recordset), the parties they refer to as
 * one JSON object, and data-modifying CTEs insert the invoices, then their
 * lines and VAT breakdown joined on the numbers just inserted.
 */
#include "invoice_int.h"
#include "log.h"
#include "money.h"
#include "util.h"

#include "cii.h"

#include <string.h>

/* clang-format off */
DB_STMT(today,
        "SELECT to_char(d, 'YYYY-MM-DD') AS issue_date,"
        " to_char(d + $1::int, 'YYYY-MM-DD') AS due_date, extract(year FROM d)::int AS year,"
        " to_char(t, 'YYYY-MM-DD\"T\"HH24:MI:SS.USOF') AS at"
        " FROM (SELECT clock_timestamp() AS t) c,"
        " LATERAL (SELECT (c.t AT TIME ZONE 'Europe/Paris')::date AS d) x");

DB_STMT(reserve,
        "INSERT INTO invoice_sequences AS s (hub_id, seller_key, year, last_number)"
        " SELECT $1::bigint, u.k, $2::int, u.n FROM unnest($3::text[], $4::int[]) AS u(k, n)"
        " ORDER BY u.k"
        " ON CONFLICT (hub_id, seller_key, year)"
        " DO UPDATE SET last_number = s.last_number + EXCLUDED.last_number"
        " RETURNING s.seller_key, s.last_number");

DB_STMT(insert_all,
        "WITH src AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(number text,"
        "   seller_key text, year int, seq int, type_code int, cycle_id bigint, order_id bigint,"
        "   corrects_invoice_id bigint, issue_date date, delivery_date date, due_date date,"
        "   seller text, buyer text, intermediary text, payment_terms text, notes jsonb,"
        "   total_excl bigint, total_vat bigint, total_incl bigint, lines jsonb, vat jsonb)),"
        " inv AS (INSERT INTO invoices (hub_id, number, seller_key, year, seq, type_code, cycle_id,"
        "   order_id, corrects_invoice_id, issue_date, delivery_date, due_date, seller, buyer,"
        "   intermediary, payment_terms, notes, total_excl_vat_cents, total_vat_cents,"
        "   total_incl_vat_cents, issued_at)"
        "   SELECT $1::bigint, number, seller_key, year, seq, type_code, cycle_id, order_id,"
        "   corrects_invoice_id, issue_date, delivery_date, due_date, $3::jsonb -> seller,"
        "   $3::jsonb -> buyer, $3::jsonb -> intermediary, payment_terms, notes, total_excl,"
        "   total_vat, total_incl, $4::timestamptz FROM src ORDER BY seller_key, year, seq"
        "   RETURNING id, number),"
        " li AS (INSERT INTO invoice_lines (hub_id, invoice_id, line_no, sku, description,"
        "   producer_name, unit, unece, quantity_milli, unit_price_excl_vat_e4, vat_category,"
        "   vat_rate_bp, line_excl_vat_cents, order_line_id, credits_line_no)"
        "   SELECT $1::bigint, inv.id, l.line_no, l.sku, l.description, l.producer_name, l.unit,"
        "   l.unece, l.quantity_milli, l.unit_price_excl_vat_e4, l.vat_category, l.vat_rate_bp,"
        "   l.line_excl_vat_cents, l.order_line_id, l.credits_line_no"
        "   FROM src JOIN inv ON inv.number = src.number"
        "   CROSS JOIN LATERAL jsonb_to_recordset(src.lines) AS l(line_no int, sku text,"
        "   description text, producer_name text, unit text, unece text, quantity_milli bigint,"
        "   unit_price_excl_vat_e4 bigint, vat_category text, vat_rate_bp int,"
        "   line_excl_vat_cents bigint, order_line_id bigint, credits_line_no int) RETURNING 1),"
        " va AS (INSERT INTO invoice_vat (hub_id, invoice_id, vat_category, vat_rate_bp,"
        "   base_cents, vat_cents)"
        "   SELECT $1::bigint, inv.id, v.vat_category, v.vat_rate_bp, v.base_cents, v.vat_cents"
        "   FROM src JOIN inv ON inv.number = src.number"
        "   CROSS JOIN LATERAL jsonb_to_recordset(src.vat) AS v(vat_category text,"
        "   vat_rate_bp int, base_cents bigint, vat_cents bigint) RETURNING 1)"
        " SELECT (SELECT count(*) FROM inv) AS invoices, (SELECT count(*) FROM li) AS lines,"
        " (SELECT count(*) FROM va) AS vat");
/* clang-format on */

db_status inv_db_today(db_conn *c, arena *a, int payment_days, inv_today *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &today, &r, DB_P(db_i64(a, payment_days)));
    if (st != DB_OK)
        return st;
    out->issue_date = db_val(r, 0, "issue_date");
    out->due_date = db_val(r, 0, "due_date");
    out->year = (int)db_int(r, 0, "year");
    out->at = db_val(r, 0, "at");
    return DB_OK;
}

db_status inv_db_reserve(db_conn *c, arena *a, int64_t hub, int year, const char *const *keys,
                         const int64_t *counts, size_t n, int64_t *last)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &reserve, &r,
                            DB_P(db_i64(a, hub), db_i64(a, year), db_text_array(a, keys, n),
                                 db_int_array(a, counts, n)));
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        last[i] = 0;
        for (int row = 0; row < PQntuples(r); row++)
            if (str_eq(db_val(r, row, "seller_key"), keys[i]))
                last[i] = db_int(r, row, "last_number");
    }
    return DB_OK;
}

db_status inv_db_insert(db_conn *c, arena *a, int64_t hub, const char *issued_at,
                        const char *records, const char *parties, int64_t *stored)
{
    PGresult *r;
    db_status st =
        db_run_a(c, a, &insert_all, &r, DB_P(db_i64(a, hub), records, parties, issued_at));
    if (st == DB_OK)
        *stored = db_int(r, 0, "invoices");
    return st;
}

int inv_check_or_refuse(arena *a, const invoice *inv, refusal *why)
{
    buf problems = BUF_INIT;
    int n = rpt_cii_check(inv, &problems);
    if (n == 0) {
        buf_free(&problems);
        return 0;
    }
    const char *all = buf_str(&problems), *nl = strchr(all, '\n');
    const char *first = arena_strndup(a, all, nl ? (size_t)(nl - all) : strlen(all));
    char quoted[512];
    log_event(LOG_ERROR, "invoice.check_failed", "number=%s problems=%d first=%s", inv->number, n,
              log_quote(quoted, sizeof quoted, first));
    buf_free(&problems);
    return refuse(why, 500, "invoice_check_failed", NULL,
                  arena_printf(a,
                               "La facture %s enfreint une règle EN 16931 (%s) : rien n’a été "
                               "émis.",
                               inv->number, first),
                  arena_printf(a, "Invoice %s breaks an EN 16931 rule (%s): nothing was issued.",
                               inv->number, first));
}

/* ---- JSON ------------------------------------------------------------------------ */

void inv_json_str(buf *b, const char *key, const char *value)
{
    buf_printf(b, ",\"%s\":\"", key);
    buf_json_str(b, value ? value : "");
    buf_putc(b, '"');
}

void inv_json_int(buf *b, const char *key, int64_t value)
{
    buf_printf(b, ",\"%s\":", key);
    buf_int(b, value);
}

static void json_ref(buf *b, const char *key, const char *ref)
{
    if (ref)
        inv_json_str(b, key, ref);
    else
        buf_printf(b, ",\"%s\":null", key);
}

static void json_id(buf *b, const char *key, int64_t id)
{
    if (id)
        inv_json_int(b, key, id);
    else
        buf_printf(b, ",\"%s\":null", key);
}

static void json_lines(buf *b, const invoice *inv)
{
    buf_puts(b, ",\"lines\":[");
    for (size_t i = 0; i < inv->nlines; i++) {
        const inv_line *l = &inv->lines[i];
        char cat[2] = {l->vat_category, 0};
        buf_printf(b, "%s{\"line_no\":%d", i ? "," : "", l->line_no);
        inv_json_str(b, "sku", l->sku);
        inv_json_str(b, "description", l->description);
        inv_json_str(b, "producer_name", l->producer);
        inv_json_str(b, "unit", l->unit);
        inv_json_str(b, "unece", l->unece);
        inv_json_int(b, "quantity_milli", l->quantity);
        inv_json_int(b, "unit_price_excl_vat_e4", l->unit_price);
        inv_json_str(b, "vat_category", cat);
        inv_json_int(b, "vat_rate_bp", l->vat_rate);
        inv_json_int(b, "line_excl_vat_cents", l->net);
        json_id(b, "order_line_id", l->order_line);
        json_id(b, "credits_line_no", l->credits_line_no);
        buf_putc(b, '}');
    }
    buf_puts(b, "],\"vat\":[");
    for (size_t i = 0; i < inv->nvat; i++) {
        const inv_vat *v = &inv->vat[i];
        buf_printf(b, "%s{\"vat_category\":\"%c\"", i ? "," : "", v->category);
        inv_json_int(b, "vat_rate_bp", v->rate);
        inv_json_int(b, "base_cents", v->base);
        inv_json_int(b, "vat_cents", v->vat);
        buf_putc(b, '}');
    }
    buf_putc(b, ']');
}

void inv_json_record(buf *b, const inv_record *r)
{
    const invoice *inv = r->inv;
    buf_puts(b, "{\"number\":\"");
    buf_json_str(b, inv->number);
    buf_putc(b, '"');
    inv_json_str(b, "seller_key", r->seller_key);
    inv_json_int(b, "year", r->year);
    inv_json_int(b, "seq", r->seq);
    inv_json_int(b, "type_code", inv->type_code);
    json_id(b, "cycle_id", r->cycle_id);
    json_id(b, "order_id", r->order_id);
    json_id(b, "corrects_invoice_id", r->corrects_id);
    inv_json_str(b, "issue_date", inv->issue_date);
    inv_json_str(b, "delivery_date", inv->delivery_date);
    inv_json_str(b, "due_date", inv->due_date);
    json_ref(b, "seller", r->seller_ref);
    json_ref(b, "buyer", r->buyer_ref);
    json_ref(b, "intermediary", r->intermediary_ref);
    inv_json_str(b, "payment_terms", inv->payment_terms);
    buf_puts(b, ",\"notes\":[");
    for (size_t i = 0; i < inv->nnotes; i++) {
        buf_puts(b, i ? ",\"" : "\"");
        buf_json_str(b, inv->notes[i]);
        buf_putc(b, '"');
    }
    buf_putc(b, ']');
    inv_json_int(b, "total_excl", inv->total_excl);
    inv_json_int(b, "total_vat", inv->total_vat);
    inv_json_int(b, "total_incl", inv->total_incl);
    json_lines(b, inv);
    buf_putc(b, '}');
}
