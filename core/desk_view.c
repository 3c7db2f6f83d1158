/*
 * core/desk_view.c — the desk's summaries (core/desk_view.h).
 */
#include "desk_view.h"
#include "util.h"

#include <stdlib.h>

DB_STMT(invoice_summary,
        "SELECT i.seller_key, min(i.seller ->> 'name') AS name,"
        "       count(*) FILTER (WHERE i.type_code = 380) AS invoices,"
        "       count(*) FILTER (WHERE i.type_code = 381) AS credit_notes,"
        "       sum(CASE i.type_code WHEN 381 THEN -1 ELSE 1 END * i.total_incl_vat_cents) AS incl"
        "  FROM invoices i WHERE i.hub_id = $1 AND i.cycle_id = $2"
        " GROUP BY i.seller_key ORDER BY min(i.seller ->> 'name') COLLATE \"fr-x-icu\","
        " i.seller_key");
DB_STMT(invoice_page,
        "SELECT i.number, i.type_code, i.seller ->> 'name' AS seller_name,"
        "       i.buyer ->> 'name' AS buyer_name, i.total_incl_vat_cents,"
        "       coalesce(i.buyer ->> 'email', '') = '' AS paper"
        "  FROM invoices i WHERE i.hub_id = $1 AND i.cycle_id = $2"
        " ORDER BY i.seller ->> 'name' COLLATE \"fr-x-icu\", i.seller_key, i.year, i.seq"
        " LIMIT 50 OFFSET $3::bigint * 50");
DB_STMT(overlaps, "SELECT x.id AS first, x.name AS first_name, x.state AS first_state,"
                  "       y.id AS second, y.name AS second_name, y.state AS second_state,"
                  "       to_char(x.delivery_date, 'YYYY-MM-DD') AS delivery_date"
                  "  FROM cycles x JOIN cycles y ON y.hub_id = x.hub_id"
                  "   AND y.delivery_date = x.delivery_date AND y.id > x.id"
                  " WHERE x.hub_id = $1 AND x.state <> 'invoiced' AND y.state <> 'invoiced'"
                  "   AND (x.state IN ('draft', 'open') OR y.state IN ('draft', 'open'))"
                  " ORDER BY x.delivery_date, x.id, y.id LIMIT 20");
DB_STMT(before_date, "SELECT (now() AT TIME ZONE 'Europe/Paris')::date < $1::date AS before");
DB_STMT(cycle_orders,
        "SELECT count(DISTINCT o.id) AS orders, coalesce(sum(l.line_excl_vat_cents), 0) AS excl"
        "  FROM orders o LEFT JOIN order_lines l ON l.order_id = o.id"
        " WHERE o.hub_id = $1 AND o.cycle_id = $2");

_Static_assert(DESK_INVOICE_PAGE == 50, "invoice_page's LIMIT");

db_status desk_invoice_summary_load(db_conn *c, arena *a, int64_t hub, int64_t cycle,
                                    desk_invoice_summary *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &invoice_summary, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    if (st != DB_OK)
        return st;
    int n = PQntuples(r);
    *out = (desk_invoice_summary){0};
    out->sellers = arena_alloc(a, (size_t)(n ? n : 1) * sizeof *out->sellers);
    out->nsellers = (size_t)n;
    for (int i = 0; i < n; i++) {
        desk_seller_total *s = &out->sellers[i];
        *s = (desk_seller_total){db_val(r, i, "seller_key"), db_val(r, i, "name"),
                                 db_int(r, i, "invoices"), db_int(r, i, "credit_notes"),
                                 db_int(r, i, "incl")};
        out->invoices += s->invoices;
        out->credit_notes += s->credit_notes;
        out->incl += s->incl;
    }
    return DB_OK;
}

db_status desk_invoice_page(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t page,
                            desk_invoice **out, size_t *n)
{
    PGresult *r;
    db_status st =
        db_run_a(c, a, &invoice_page, &r, DB_P(db_i64(a, hub), db_i64(a, cycle), db_i64(a, page)));
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    desk_invoice *d = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *d);
    for (int i = 0; i < rows; i++)
        d[i] = (desk_invoice){db_val(r, i, "number"),
                              db_val(r, i, "seller_name"),
                              db_val(r, i, "buyer_name"),
                              (int)db_int(r, i, "type_code"),
                              db_int(r, i, "total_incl_vat_cents"),
                              db_bool(r, i, "paper")};
    *out = d;
    *n = (size_t)rows;
    return DB_OK;
}

db_status desk_overlaps(db_conn *c, arena *a, int64_t hub, desk_overlap **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &overlaps, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    desk_overlap *o = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *o);
    for (int i = 0; i < rows; i++)
        o[i] = (desk_overlap){db_int(r, i, "first"),        db_int(r, i, "second"),
                              db_val(r, i, "first_name"),   db_val(r, i, "second_name"),
                              db_val(r, i, "first_state"),  db_val(r, i, "second_state"),
                              db_val(r, i, "delivery_date")};
    *out = o;
    *n = (size_t)rows;
    return DB_OK;
}

db_status desk_before(db_conn *c, arena *a, const char *date, bool *before)
{
    PGresult *r;
    *before = false;
    db_status st = db_run_a(c, a, &before_date, &r, DB_P(date));
    if (st == DB_OK)
        *before = db_bool(r, 0, "before");
    return st;
}

db_status desk_cycle_orders(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t *orders,
                            cents_t *excl)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &cycle_orders, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    if (st != DB_OK)
        return st;
    *orders = db_int(r, 0, "orders");
    *excl = db_int(r, 0, "excl");
    return DB_OK;
}
