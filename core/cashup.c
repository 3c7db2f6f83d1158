/*
 * core/cashup.c — a cycle's bags with what each owes and what the pickup collected.
 *
 * The bag numbers are those of the documents (reports/report_db.c numbers them the same
 * way: per cycle, along the rounds and their stops, then customer names in French
 * order, then order ids), so the number on the bag is the number on the phone.
 */
#include "cashup.h"
#include "util.h"

/* clang-format off */
DB_STMT(cycle_here, "SELECT state FROM cycles WHERE hub_id = $1 AND id = $2");
DB_STMT(cashup_list,
        "WITH bags AS (SELECT os.order_id,"
        "   row_number() OVER (ORDER BY r.seq, s.seq, c.name COLLATE \"fr-x-icu\", o.id) AS bag"
        "   FROM order_stops os JOIN rounds r ON r.id = os.round_id"
        "   JOIN round_stops s ON s.id = os.stop_id JOIN orders o ON o.id = os.order_id"
        "   JOIN customers c ON c.id = o.customer_id WHERE os.cycle_id = $2 AND os.hub_id = $1)"
        " SELECT coalesce(b.bag, 0) AS bag, d.order_id, d.customer_id, cu.name AS customer_name,"
        " cu.phone, pp.slug AS pickup, pp.name AS pickup_name, d.payment_method, d.amount_cents,"
        " d.paid_cents, d.due_cents,"
        " coalesce((SELECT -sum(l.amount_cents) FROM ledger_lines l JOIN ledger_entries e"
        "   ON e.id = l.entry_id WHERE l.order_id = d.order_id AND l.account IN ('411', '4191')"
        "   AND e.method IN ('cash', 'cheque', 'card')), 0) AS collected"
        " FROM order_dues d JOIN orders o ON o.id = d.order_id"
        " JOIN customers cu ON cu.id = d.customer_id"
        " JOIN pickup_points pp ON pp.id = o.pickup_point_id"
        " LEFT JOIN bags b ON b.order_id = d.order_id"
        " WHERE d.hub_id = $1 AND d.cycle_id = $2 AND ($3::bigint = 0 OR o.pickup_point_id = $3::bigint)"
        " ORDER BY b.bag NULLS LAST, cu.name COLLATE \"fr-x-icu\", d.order_id");
/* clang-format on */

db_status cashup_rows(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t pickup,
                      cashup_row **out, size_t *n, bool *found)
{
    PGresult *r;
    const char *h = db_i64(a, hub), *cy = db_i64(a, cycle);
    *n = 0;
    db_status st = db_run_a(c, a, &cycle_here, &r, DB_P(h, cy));
    *found = st == DB_OK && PQntuples(r) == 1;
    if (!*found)
        return st;
    if ((st = db_run_a(c, a, &cashup_list, &r, DB_P(h, cy, db_i64(a, pickup)))) != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        cashup_row *x = &(*out)[i];
        *x = (cashup_row){.bag = db_int(r, k, "bag"),
                          .order_id = db_int(r, k, "order_id"),
                          .customer_id = db_int(r, k, "customer_id"),
                          .customer_name = db_val(r, k, "customer_name"),
                          .phone = db_val(r, k, "phone"),
                          .pickup = db_val(r, k, "pickup"),
                          .pickup_name = db_val(r, k, "pickup_name"),
                          .amount = db_int(r, k, "amount_cents"),
                          .paid = db_int(r, k, "paid_cents"),
                          .due = db_int(r, k, "due_cents"),
                          .collected = db_int(r, k, "collected")};
        pay_method_parse(db_val(r, k, "payment_method"), &x->method);
    }
    return DB_OK;
}
