/*
 * core/producer_week.c — a producer's recent cycles, orders and invoices
 * (core/producer_week.h). Three statements whatever the number of cycles.
 */
#include "producer_week.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>

DB_STMT(pw_cycles,
        "SELECT c.id, c.name, c.state,"
        "       to_char(c.closes_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS closes_at,"
        "       to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date"
        "  FROM cycles c JOIN cycle_producers cp ON cp.cycle_id = c.id AND cp.producer_id = $2"
        " WHERE c.hub_id = $1 AND c.state <> 'draft'"
        " ORDER BY c.delivery_date DESC, c.id DESC LIMIT 4");
/* per offer of those cycles that was ordered; the first PW_LINES_PER_WEEK by name */
DB_STMT(pw_lines,
        "SELECT cycle_id, name, unit, quantity, orders, excl, products, total FROM ("
        "  SELECT o.cycle_id, o.name, o.unit, sum(l.quantity_milli) AS quantity,"
        "         count(*) AS orders, sum(l.line_excl_vat_cents) AS excl,"
        "         row_number() OVER (PARTITION BY o.cycle_id ORDER BY o.name COLLATE \"fr-x-icu\","
        "                            o.id) AS k,"
        "         count(*) OVER (PARTITION BY o.cycle_id) AS products,"
        "         sum(sum(l.line_excl_vat_cents)) OVER (PARTITION BY o.cycle_id) AS total"
        "    FROM offers o JOIN order_lines l ON l.offer_id = o.id"
        "   WHERE o.hub_id = $1 AND o.producer_id = $2 AND o.cycle_id = ANY($3::bigint[])"
        "   GROUP BY o.cycle_id, o.id, o.name, o.unit) x"
        " WHERE k <= 100 ORDER BY cycle_id, k");
DB_STMT(pw_invoices,
        "SELECT i.number, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date,"
        "       i.buyer ->> 'name' AS buyer_name, i.type_code, i.total_incl_vat_cents,"
        "       count(*) OVER () AS total"
        "  FROM invoices i WHERE i.hub_id = $1 AND i.seller_key = 'producer:' || $2::bigint"
        " ORDER BY i.issued_at DESC, i.id DESC LIMIT 20");

_Static_assert(PW_CYCLES == 4 && PW_LINES_PER_WEEK == 100 && PW_INVOICES == 20,
               "the LIMITs of the statements above");

db_status pw_cycles_load(db_conn *c, arena *a, int64_t hub, int64_t producer, pw_cycle **out,
                         size_t *n)
{
    PGresult *r, *l;
    char *h = db_i64(a, hub), *p = db_i64(a, producer);
    db_status st = db_run_a(c, a, &pw_cycles, &r, DB_P(h, p));
    if (st != DB_OK)
        return st;
    int nc = PQntuples(r);
    pw_cycle *cy = arena_alloc(a, (size_t)(nc ? nc : 1) * sizeof *cy);
    int64_t ids[PW_CYCLES];
    for (int i = 0; i < nc; i++) {
        cy[i] = (pw_cycle){.id = db_int(r, i, "id"),
                           .name = db_val(r, i, "name"),
                           .state = db_val(r, i, "state"),
                           .closes_at = db_val(r, i, "closes_at"),
                           .delivery_date = db_val(r, i, "delivery_date")};
        cy[i].lines = arena_alloc(a, PW_LINES_PER_WEEK * sizeof *cy[i].lines);
        ids[i] = cy[i].id;
    }
    *out = cy;
    *n = (size_t)nc;
    if (nc == 0)
        return DB_OK;
    st = db_run_a(c, a, &pw_lines, &l, DB_P(h, p, db_int_array(a, ids, (size_t)nc)));
    if (st != DB_OK)
        return st;
    for (int k = 0; k < PQntuples(l); k++) {
        int64_t cycle = db_int(l, k, "cycle_id");
        for (int i = 0; i < nc; i++) {
            if (cy[i].id != cycle || cy[i].nlines == PW_LINES_PER_WEEK)
                continue;
            cy[i].products = db_int(l, k, "products");
            cy[i].excl = db_int(l, k, "total");
            cy[i].lines[cy[i].nlines++] =
                (pw_line){db_val(l, k, "name"), db_val(l, k, "unit"), db_int(l, k, "quantity"),
                          db_int(l, k, "orders"), db_int(l, k, "excl")};
        }
    }
    return DB_OK;
}

db_status pw_invoices_load(db_conn *c, arena *a, int64_t hub, int64_t producer, pw_invoice **out,
                           size_t *n, int64_t *total)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &pw_invoices, &r, DB_P(db_i64(a, hub), db_i64(a, producer)));
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    pw_invoice *v = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *v);
    for (int i = 0; i < rows; i++)
        v[i] = (pw_invoice){db_val(r, i, "number"), db_val(r, i, "issue_date"),
                            db_val(r, i, "buyer_name"), (int)db_int(r, i, "type_code"),
                            db_int(r, i, "total_incl_vat_cents")};
    *out = v;
    *n = (size_t)rows;
    *total = rows ? db_int(r, 0, "total") : 0;
    return DB_OK;
}
