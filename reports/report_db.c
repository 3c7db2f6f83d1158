/*
 * reports/report_db.c — the SQL of the documents: one statement per document.
 *
 * Each document is one query returning its rows already in print order, so a
 * generator only walks the result (no query per line). Bag numbers are computed
 * here, the same way for every document and the weigh-in (core/bags.h): per cycle,
 * from 1, along the rounds (round seq), their stops (stop seq), then customers by name
 * in French collation, then order id. They are numbered over the whole cycle before
 * any filter, so a filtered sheet shows the same numbers as the full one.
 *
 * Parameters of the document statements: $1 cycle, $2 hub, then the filters as
 * ids (0 = none), resolved beforehand by rpt_db_context.
 */
#include "../core/bags.h"
#include "report_int.h"

#include <ctype.h>
#include <string.h>

/* French alphabetical order (accents after their letter, case ignored); the ICU
 * collation ships with PostgreSQL builds that have ICU (Debian's do). */
#define FR     " COLLATE \"fr-x-icu\""
#define ISO(x) "to_char(" x ", 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"

/* SQL is laid out by hand: clang-format cannot read macros between literals. */
/* clang-format off */
/* the one numbering of the bags (core/bags.h), shared with the weigh-in */
#define BAGS BAGS_CTE

DB_STMT(rpt_context,
        "SELECT h.slug AS hub_slug, h.name AS hub_name, h.legal_form AS hub_legal_form,"
        " h.siret AS hub_siret, h.vat_number AS hub_vat_number, h.address AS hub_address,"
        " h.email AS hub_email, h.phone AS hub_phone, h.depot_lat, h.depot_lon,"
        " " ISO("now()") " AS generated_at,"
        " c.id AS cycle_id, c.name AS cycle_name, c.state AS cycle_state, c.seller_mode,"
        " to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date,"
        " extract(isodow FROM c.delivery_date)::int AS delivery_dow,"
        " p.id AS producer_id, pp.id AS pickup_id, r.id AS round_id"
        " FROM hubs h"
        " LEFT JOIN cycles c ON c.hub_id = h.id AND c.id = $2::bigint"
        " LEFT JOIN producers p ON p.hub_id = h.id AND p.slug = $3"
        " LEFT JOIN pickup_points pp ON pp.hub_id = h.id AND pp.slug = $4"
        " LEFT JOIN rounds r ON r.cycle_id = c.id AND r.id = $5::bigint"
        " WHERE h.id = $1::bigint");

/* What each producer brings, per product and round. */
DB_STMT(rpt_collection_rows,
        "SELECT pr.id AS producer_id, pr.slug AS producer, pr.name AS producer_name,"
        " pr.address AS producer_address, f.id AS offer_id, f.sku, f.name AS product, f.category,"
        " f.unit, f.weight_g, r.id AS round_id, r.seq AS round_seq, v.slug AS vehicle,"
        " v.name AS vehicle_name, " ISO("r.departs_at") " AS departs_at,"
        " sum(l.quantity_milli)::bigint AS quantity_milli, count(*)::int AS orders,"
        " sum(coalesce(l.delivered_milli, l.quantity_milli))::bigint AS delivered_milli,"
        " (SELECT string_agg(DISTINCT dc.reason, ' ; ') FROM delivery_changes dc"
        "   WHERE dc.cycle_id = $1::bigint AND dc.offer_id = f.id"
        "   AND dc.kind IN ('shortage', 'line')) AS reasons"
        " FROM order_stops os JOIN order_lines l ON l.order_id = os.order_id"
        " JOIN offers f ON f.id = l.offer_id JOIN producers pr ON pr.id = f.producer_id"
        " JOIN rounds r ON r.id = os.round_id JOIN vehicles v ON v.id = r.vehicle_id"
        " WHERE os.cycle_id = $1::bigint AND os.hub_id = $2::bigint"
        " AND ($3::bigint = 0 OR f.producer_id = $3::bigint)"
        " AND ($4::bigint = 0 OR os.round_id = $4::bigint)"
        " GROUP BY pr.id, f.id, r.id, v.id"
        " ORDER BY pr.name" FR ", pr.id, f.name" FR ", f.id, r.seq");

/* Every line of every bag, bag by bag; items in producer then product order, ranked
 * once over the cycle's few offers so that the big sort is on integers. */
DB_STMT(rpt_picking_rows,
        "WITH " BAGS ","
        " items AS (SELECT f.id, row_number() OVER (ORDER BY pr.name" FR ", f.name" FR ", f.id)"
        "   AS rank FROM offers f JOIN producers pr ON pr.id = f.producer_id"
        "   WHERE f.cycle_id = $1)"
        " SELECT r.id AS round_id, r.seq AS round_seq, v.slug AS vehicle, v.name AS vehicle_name,"
        " " ISO("r.departs_at") " AS departs_at, s.id AS stop_id, s.seq AS stop_seq, s.part,"
        " s.parts, " ISO("s.eta") " AS eta, pp.slug AS pickup, pp.name AS pickup_name,"
        " pp.address AS pickup_address, pp.opening, b.bag, b.order_id,"
        " c.kind AS customer_kind, c.name AS customer_name, c.phone, c.email = '' AS paper,"
        " pr.slug AS producer, pr.name AS producer_name, f.sku, f.name AS product, f.unit,"
        " l.quantity_milli, f.weight_g,"
        " coalesce(l.delivered_milli, l.quantity_milli) AS delivered_milli, f.measure,"
        " coalesce(f.measure_estimate_milli, 0) AS estimate_milli,"
        " coalesce(l.weighed_milli, 0) AS weighed_milli,"
        " l.substitutes_offer_id IS NOT NULL AS substitute,"
        " (SELECT dc.reason FROM delivery_changes dc WHERE dc.order_id = l.order_id"
        "   AND dc.line_id = l.id AND dc.kind <> 'weight' ORDER BY dc.id DESC LIMIT 1) AS reason"
        " FROM bags b JOIN rounds r ON r.id = b.round_id JOIN vehicles v ON v.id = r.vehicle_id"
        " JOIN round_stops s ON s.id = b.stop_id JOIN pickup_points pp ON pp.id = s.pickup_point_id"
        " JOIN orders o ON o.id = b.order_id JOIN customers c ON c.id = o.customer_id"
        " JOIN order_lines l ON l.order_id = b.order_id JOIN offers f ON f.id = l.offer_id"
        " JOIN producers pr ON pr.id = f.producer_id JOIN items i ON i.id = f.id"
        " WHERE ($3::bigint = 0 OR b.round_id = $3::bigint)"
        " AND ($4::bigint = 0 OR s.pickup_point_id = $4::bigint)"
        " ORDER BY b.bag, i.rank");

/* One row per order, pickup points in driving order (their first bag), customers
 * alphabetical. nets holds "seller rate net" triples summed per producer and VAT
 * rate: the generator totals them with money_totals_compute, as invoices will. */
DB_STMT(rpt_delivery_rows,
        "WITH " BAGS ","
        " nets AS (SELECT l.order_id, f.producer_id, l.vat_rate_bp,"
        "   sum(coalesce(l.delivered_net_cents, l.line_excl_vat_cents)) AS net, count(*) AS n,"
        "   bool_or(f.measure IS NOT NULL AND l.weighed_milli IS NULL"
        "     AND coalesce(l.delivered_milli, l.quantity_milli) > 0) AS estimate"
        "   FROM bags b JOIN order_lines l ON l.order_id = b.order_id"
        "   JOIN offers f ON f.id = l.offer_id GROUP BY 1, 2, 3),"
        " per_order AS (SELECT order_id, sum(n)::int AS items, bool_or(estimate) AS estimate,"
        "   string_agg(producer_id || ' ' || vat_rate_bp || ' ' || net, ' ') AS nets"
        "   FROM nets GROUP BY order_id)"
        " SELECT pp.id AS pickup_id, pp.slug AS pickup, pp.name AS pickup_name,"
        " pp.address AS pickup_address, pp.opening, pp.opening_dow,"
        " to_char(pp.opening_start, 'HH24:MI') AS opening_start,"
        " to_char(pp.opening_end, 'HH24:MI') AS opening_end,"
        " r.id AS round_id, r.seq AS round_seq, v.name AS vehicle_name, s.id AS stop_id,"
        " s.seq AS stop_seq, s.part, s.parts, " ISO("s.eta") " AS eta,"
        " b.bag, b.order_id, c.kind AS customer_kind, c.name AS customer_name, c.legal_name,"
        " c.phone, c.email = '' AS paper, po.items, po.nets, po.estimate,"
        " (SELECT count(*) FROM delivery_changes dc WHERE dc.order_id = b.order_id"
        "   AND dc.kind <> 'weight')::int AS changes,"
        " o.payment_method, pd.due_cents AS to_collect,"
        " coalesce((SELECT -sum(l.amount_cents) FROM ledger_lines l JOIN ledger_entries e"
        "   ON e.id = l.entry_id WHERE l.order_id = b.order_id AND l.account IN ('411', '4191')"
        "   AND e.method IN ('cash', 'cheque', 'card')), 0) AS collected"
        " FROM bags b JOIN round_stops s ON s.id = b.stop_id"
        " JOIN pickup_points pp ON pp.id = s.pickup_point_id JOIN rounds r ON r.id = b.round_id"
        " JOIN vehicles v ON v.id = r.vehicle_id JOIN orders o ON o.id = b.order_id"
        " JOIN customers c ON c.id = o.customer_id JOIN per_order po ON po.order_id = b.order_id"
        " JOIN order_dues pd ON pd.order_id = b.order_id AND pd.cycle_id = $1::bigint"
        "   AND pd.hub_id = $2::bigint"
        " WHERE ($3::bigint = 0 OR pp.id = $3::bigint)"
        " AND ($4::bigint = 0 OR pp.id IN (SELECT rs.pickup_point_id FROM round_stops rs"
        "   WHERE rs.round_id = $4::bigint))"
        " ORDER BY min(b.bag) OVER (PARTITION BY pp.id), c.name" FR ", b.order_id");

/* One row per stop, rounds in order, with the stop's bags. */
DB_STMT(rpt_route_rows,
        "WITH " BAGS ","
        " per_stop AS (SELECT stop_id, count(*)::int AS bags, min(bag) AS first_bag,"
        "   max(bag) AS last_bag FROM bags GROUP BY stop_id)"
        " SELECT r.id AS round_id, r.seq AS round_seq, v.slug AS vehicle, v.name AS vehicle_name,"
        " " ISO("r.departs_at") " AS departs_at, " ISO("r.returns_at") " AS returns_at,"
        " r.distance_m, r.load_g AS round_load_g, r.capacity_g, s.id AS stop_id, s.seq AS stop_seq,"
        " s.part, s.parts, " ISO("s.eta") " AS eta, s.late, s.leg_m, s.load_g,"
        " coalesce(ps.bags, 0) AS bags, ps.first_bag, ps.last_bag, pp.slug AS pickup,"
        " pp.name AS pickup_name, pp.address AS pickup_address, pp.opening"
        " FROM rounds r JOIN vehicles v ON v.id = r.vehicle_id"
        " JOIN round_stops s ON s.round_id = r.id JOIN pickup_points pp ON pp.id = s.pickup_point_id"
        " LEFT JOIN per_stop ps ON ps.stop_id = s.id"
        " WHERE r.cycle_id = $1::bigint AND r.hub_id = $2::bigint"
        " AND ($3::bigint = 0 OR r.id = $3::bigint)"
        " ORDER BY r.seq, s.seq");

/* The receipts put in the bags of paper customers (no e-mail: schema/017_paper.sql):
 * every line of their orders, bag by bag, with what the invoice will carry. */
DB_STMT(rpt_receipts_rows,
        "WITH " BAGS
        " SELECT b.bag, b.order_id, c.name AS customer_name, c.phone, pp.slug AS pickup,"
        " pp.name AS pickup_name, pp.address AS pickup_address, pp.opening,"
        " f.producer_id, pr.name AS producer_name, f.sku, f.name AS product, f.unit,"
        " l.quantity_milli, l.unit_price_excl_vat_e4, l.vat_rate_bp, l.line_excl_vat_cents"
        " FROM bags b JOIN round_stops s ON s.id = b.stop_id"
        " JOIN pickup_points pp ON pp.id = s.pickup_point_id"
        " JOIN orders o ON o.id = b.order_id JOIN customers c ON c.id = o.customer_id"
        " JOIN order_lines l ON l.order_id = b.order_id JOIN offers f ON f.id = l.offer_id"
        " JOIN producers pr ON pr.id = f.producer_id"
        " WHERE c.email = ''"
        " AND ($3::bigint = 0 OR b.round_id = $3::bigint)"
        " AND ($4::bigint = 0 OR s.pickup_point_id = $4::bigint)"
        " ORDER BY b.bag, pr.name" FR ", f.name" FR ", f.id");

/* The order form's window and what it says about the hub (the offers and pickup
 * points come through core/orderform.c and core/shop.c, which the desk shares). */
DB_STMT(rpt_orderform_window,
        "SELECT " ISO("c.opens_at") " AS opens_at, " ISO("c.closes_at") " AS closes_at,"
        " extract(isodow FROM c.closes_at)::int AS closes_day"
        " FROM cycles c WHERE c.id = $1::bigint AND c.hub_id = $2::bigint");

/* The desk's lists, alphabetical; rounds by number. */
DB_STMT(rpt_desk_rows,
        "SELECT 'cycle' AS kind, c.name AS value, c.state AS label,"
        " to_char(c.delivery_date, 'YYYY-MM-DD') AS extra, 0 AS ord, ''" FR " AS sort"
        " FROM cycles c WHERE c.id = $1::bigint AND c.hub_id = $2::bigint"
        " UNION ALL"
        " SELECT 'producer', p.slug, p.name, '', 1, p.name" FR " FROM cycle_producers cp"
        " JOIN producers p ON p.id = cp.producer_id"
        " WHERE cp.cycle_id = $1::bigint AND cp.hub_id = $2::bigint"
        " UNION ALL"
        " SELECT 'pickup', pp.slug, pp.name, '', 2, pp.name" FR " FROM cycle_pickup_points cpp"
        " JOIN pickup_points pp ON pp.id = cpp.pickup_point_id"
        " WHERE cpp.cycle_id = $1::bigint AND cpp.hub_id = $2::bigint"
        " UNION ALL"
        " SELECT 'round', r.id::text, r.seq || ' · ' || v.name, '', 3, lpad(r.seq::text, 9, '0')" FR
        " FROM rounds r JOIN vehicles v ON v.id = r.vehicle_id"
        " WHERE r.cycle_id = $1::bigint AND r.hub_id = $2::bigint"
        " ORDER BY ord, sort, value");
/* clang-format on */

db_status rpt_db_context(db_conn *c, arena *a, int64_t hub, int64_t cycle, const char *producer,
                         const char *pickup, int64_t round, PGresult **r)
{
    return db_run_a(c, a, &rpt_context, r,
                    DB_P(db_i64(a, hub), db_i64(a, cycle), producer ? producer : "",
                         pickup ? pickup : "", db_i64(a, round)));
}

static db_status run_doc(rpt_ctx *ctx, db_stmt *s, int64_t f1, int64_t f2, PGresult **r)
{
    arena *a = ctx->mem;
    return db_run_a(
        ctx->db, a, s, r,
        DB_P(db_i64(a, ctx->cycle_id), db_i64(a, ctx->hub_id), db_i64(a, f1), db_i64(a, f2)));
}

db_status rpt_db_collection(rpt_ctx *ctx, PGresult **r)
{
    return run_doc(ctx, &rpt_collection_rows, ctx->producer_id, ctx->round_id, r);
}

db_status rpt_db_picking(rpt_ctx *ctx, PGresult **r)
{
    return run_doc(ctx, &rpt_picking_rows, ctx->round_id, ctx->pickup_id, r);
}

db_status rpt_db_delivery(rpt_ctx *ctx, PGresult **r)
{
    return run_doc(ctx, &rpt_delivery_rows, ctx->pickup_id, ctx->round_id, r);
}

db_status rpt_db_route(rpt_ctx *ctx, PGresult **r)
{
    arena *a = ctx->mem;
    return db_run_a(
        ctx->db, a, &rpt_route_rows, r,
        DB_P(db_i64(a, ctx->cycle_id), db_i64(a, ctx->hub_id), db_i64(a, ctx->round_id)));
}

db_status rpt_db_receipts(rpt_ctx *ctx, PGresult **r)
{
    return run_doc(ctx, &rpt_receipts_rows, ctx->round_id, ctx->pickup_id, r);
}

db_status rpt_db_orderform_window(rpt_ctx *ctx, PGresult **r)
{
    arena *a = ctx->mem;
    return db_run_a(ctx->db, a, &rpt_orderform_window, r,
                    DB_P(db_i64(a, ctx->cycle_id), db_i64(a, ctx->hub_id)));
}

db_status rpt_db_desk(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r)
{
    return db_run_a(c, a, &rpt_desk_rows, r, DB_P(db_i64(a, cycle), db_i64(a, hub)));
}

void rpt_db_query_text(const rpt_ctx *ctx, const char *kind, buf *out)
{
    if (!strcmp(kind, "invoices")) {
        /* not one row query: the stored invoices are read whole (core/invoice_db.c) */
        buf_printf(out, "-- invoices of cycle %lld are read as stored, through core/invoice_db.c\n",
                   (long long)ctx->cycle_id);
        return;
    }
    if (!strcmp(kind, "orderform")) {
        buf_printf(out, "-- the order form of cycle %lld is read through core/orderform.c\n",
                   (long long)ctx->cycle_id);
        return;
    }
    const db_stmt *s = &rpt_picking_rows;
    int64_t p[4] = {ctx->cycle_id, ctx->hub_id, ctx->round_id, ctx->pickup_id};
    if (!strcmp(kind, "collection")) {
        s = &rpt_collection_rows;
        p[2] = ctx->producer_id;
        p[3] = ctx->round_id;
    } else if (!strcmp(kind, "delivery")) {
        s = &rpt_delivery_rows;
        p[2] = ctx->pickup_id;
        p[3] = ctx->round_id;
    } else if (!strcmp(kind, "route")) {
        s = &rpt_route_rows;
    } else if (!strcmp(kind, "receipts")) {
        s = &rpt_receipts_rows;
    }
    for (const char *q = s->sql; *q; q++) {
        if (*q == '$' && q[1] >= '1' && q[1] <= '4' && !isdigit((unsigned char)q[2])) {
            buf_printf(out, "%lld", (long long)p[q[1] - '1']);
            q++;
        } else {
            buf_putc(out, *q);
        }
    }
}
