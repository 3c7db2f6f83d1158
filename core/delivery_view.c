/*
 * core/delivery_view.c — reading what was delivered: a cycle's lines for the packing
 * table and the API, the trail of changes per order (for the customer's page and for the
 * messages that tell customers what changed), and an order's substitutions.
 */
#include "bags.h"
#include "delivery_int.h"
#include "util.h"

#include <string.h>

#define ISO(x) "to_char(" x ", 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM')"

DB_STMT(lines_head,
        "SELECT c.state, c.name, to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date,"
        " c.shortage_rule, (SELECT count(*) FROM orders o JOIN order_lines l ON l.order_id = o.id"
        "   JOIN offers f ON f.id = l.offer_id WHERE o.cycle_id = c.id"
        "   AND ($3::bigint = 0 OR f.producer_id = $3::bigint) AND f.measure IS NOT NULL"
        "   AND coalesce(l.delivered_milli, l.quantity_milli) > 0 AND l.weighed_milli IS NULL)"
        "   AS to_weigh"
        " FROM cycles c WHERE c.hub_id = $1 AND c.id = $2");
/* clang-format off */
DB_STMT(lines_of_cycle,
        "WITH " BAGS_CTE
        " SELECT l.id, l.order_id, coalesce(b.bag, 0) AS bag, c.name AS customer,"
        " p.slug AS producer, p.name AS producer_name, f.sku, f.name, f.unit, f.measure,"
        " f.measure_price_excl_vat_e4, f.measure_estimate_milli, l.quantity_milli,"
        " coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
        " coalesce(l.weighed_milli, -1) AS weighed,"
        " coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS net,"
        " l.substitutes_offer_id IS NOT NULL AS substitute"
        " FROM orders o JOIN order_lines l ON l.order_id = o.id"
        " JOIN customers c ON c.id = o.customer_id JOIN offers f ON f.id = l.offer_id"
        " JOIN producers p ON p.id = f.producer_id LEFT JOIN bags b ON b.order_id = o.id"
        " WHERE o.cycle_id = $1 AND o.hub_id = $2"
        " AND ($3::bigint = 0 OR f.producer_id = $3::bigint)"
        " AND (NOT $4::boolean OR f.measure IS NOT NULL) AND coalesce(b.bag, 0) >= $5::bigint"
        " ORDER BY coalesce(b.bag, 0), c.name COLLATE \"fr-x-icu\", o.id,"
        " p.name COLLATE \"fr-x-icu\", f.name COLLATE \"fr-x-icu\", l.id"
        " LIMIT nullif($6::bigint, 0)");
DB_STMT(changes_of,
        "SELECT d.order_id, d.line_id, o.customer_id, " ISO("d.changed_at") " AS at, d.kind,"
        " f.name AS product, p.name AS producer_name, f.unit, f.measure,"
        " coalesce(d.old_delivered_milli, -1) AS old_delivered, d.new_delivered_milli,"
        " coalesce(d.old_weighed_milli, -1) AS old_weighed,"
        " coalesce(d.new_weighed_milli, -1) AS new_weighed, coalesce(d.old_net_cents, 0) AS old_net,"
        " d.new_net_cents, d.reason, coalesce(u.email, '') AS by"
        " FROM delivery_changes d JOIN orders o ON o.id = d.order_id"
        " JOIN offers f ON f.id = d.offer_id JOIN producers p ON p.id = f.producer_id"
        " LEFT JOIN users u ON u.id = d.user_id"
        " WHERE d.hub_id = $1 AND d.cycle_id = $2 AND ($3::bigint = 0 OR d.order_id = $3::bigint)"
        " ORDER BY d.order_id, d.id");
DB_STMT(substitutions_of,
        "SELECT s.id, s.state, s.reason, sf.name AS short_name, f.name, p.name AS producer_name,"
        " f.unit, s.quantity_milli, f.price_excl_vat_e4, f.vat_rate_bp"
        " FROM substitutions s JOIN offers f ON f.id = s.substitute_offer_id"
        " JOIN offers sf ON sf.id = s.offer_id JOIN producers p ON p.id = f.producer_id"
        " WHERE s.hub_id = $1 AND s.order_id = $2 ORDER BY s.id");
DB_STMT(products_of,
        "SELECT p.slug AS producer, p.name AS producer_name, f.sku, f.name, f.unit, f.measure,"
        " f.step_milli, sum(l.quantity_milli) AS ordered,"
        " sum(coalesce(l.delivered_milli, l.quantity_milli)) AS delivered, count(*) AS orders"
        " FROM offers f JOIN producers p ON p.id = f.producer_id"
        " JOIN order_lines l ON l.offer_id = f.id AND l.substitutes_offer_id IS NULL"
        " WHERE f.cycle_id = $1 AND f.hub_id = $2 AND ($3::bigint = 0 OR f.producer_id = $3::bigint)"
        " GROUP BY p.id, f.id"
        " ORDER BY p.name COLLATE \"fr-x-icu\", f.name COLLATE \"fr-x-icu\", f.id");
/* clang-format on */

db_status delivery_products(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t producer,
                            delivery_product **out, size_t *n)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    db_status st = db_run_a(c, a, &products_of, &r,
                            DB_P(db_i64(a, cycle), db_i64(a, hub), db_i64(a, producer)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        (*out)[i] = (delivery_product){
            .producer = db_val(r, k, "producer"),
            .producer_name = db_val(r, k, "producer_name"),
            .sku = db_val(r, k, "sku"),
            .name = db_val(r, k, "name"),
            .unit = db_val(r, k, "unit"),
            .measure = db_null(r, k, "measure") ? NULL : db_val(r, k, "measure"),
            .step = db_int(r, k, "step_milli"),
            .ordered = db_int(r, k, "ordered"),
            .delivered = db_int(r, k, "delivered"),
            .orders = db_int(r, k, "orders"),
        };
    }
    return DB_OK;
}

int delivery_lines(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t producer,
                   bool weighed_only, int64_t from, size_t limit, delivery_list *out, refusal *why)
{
    *out = (delivery_list){0};
    PGresult *h, *r;
    const char *hs = db_i64(a, hub), *cs = db_i64(a, cycle), *ps = db_i64(a, producer);
    int st = db_run_a(c, a, &lines_head, &h, DB_P(hs, cs, ps));
    if (st != DB_OK)
        return st;
    if (PQntuples(h) == 0)
        return refuse(why, 404, "cycle_not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    out->state = db_val(h, 0, "state");
    out->cycle_name = db_val(h, 0, "name");
    out->delivery_date = db_val(h, 0, "delivery_date");
    shortage_rule_parse(db_val(h, 0, "shortage_rule"), &out->rule);
    out->to_weigh = (size_t)db_int(h, 0, "to_weigh");
    if ((st = db_run_a(c, a, &lines_of_cycle, &r,
                       DB_P(cs, hs, ps, weighed_only ? "t" : "f", db_i64(a, from),
                            db_i64(a, (int64_t)limit)))) != DB_OK)
        return st;
    out->nlines = (size_t)PQntuples(r);
    out->lines = arena_alloc(a, (out->nlines + 1) * sizeof *out->lines);
    for (size_t i = 0; i < out->nlines; i++) {
        int k = (int)i;
        delivery_line *l = &out->lines[i];
        *l = (delivery_line){
            .line = db_int(r, k, "id"),
            .order = db_int(r, k, "order_id"),
            .bag = db_int(r, k, "bag"),
            .customer = db_val(r, k, "customer"),
            .producer = db_val(r, k, "producer"),
            .producer_name = db_val(r, k, "producer_name"),
            .sku = db_val(r, k, "sku"),
            .name = db_val(r, k, "name"),
            .unit = db_val(r, k, "unit"),
            .measure = db_null(r, k, "measure") ? NULL : db_val(r, k, "measure"),
            .ordered = db_int(r, k, "quantity_milli"),
            .delivered = db_int(r, k, "delivered"),
            .weight = db_int(r, k, "weighed"),
            .measure_price = db_int(r, k, "measure_price_excl_vat_e4"),
            .net = db_int(r, k, "net"),
            .substitute = db_bool(r, k, "substitute"),
        };
        if (l->measure)
            l->estimate = money_weight_g(l->delivered, db_int(r, k, "measure_estimate_milli"));
    }
    return 0;
}

db_status delivery_changes_list(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t order,
                                delivery_change **out, size_t *n)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    db_status st =
        db_run_a(c, a, &changes_of, &r, DB_P(db_i64(a, hub), db_i64(a, cycle), db_i64(a, order)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        (*out)[i] = (delivery_change){
            .order = db_int(r, k, "order_id"),
            .line = db_int(r, k, "line_id"),
            .customer = db_int(r, k, "customer_id"),
            .at = db_val(r, k, "at"),
            .kind = db_val(r, k, "kind"),
            .product = db_val(r, k, "product"),
            .producer_name = db_val(r, k, "producer_name"),
            .unit = db_val(r, k, "unit"),
            .measure = db_null(r, k, "measure") ? NULL : db_val(r, k, "measure"),
            .old_delivered = db_int(r, k, "old_delivered"),
            .new_delivered = db_int(r, k, "new_delivered_milli"),
            .old_weight = db_int(r, k, "old_weighed"),
            .new_weight = db_int(r, k, "new_weighed"),
            .old_net = db_int(r, k, "old_net"),
            .new_net = db_int(r, k, "new_net_cents"),
            .reason = db_val(r, k, "reason"),
            .by = db_val(r, k, "by"),
        };
    }
    return DB_OK;
}

db_status delivery_substitutions(db_conn *c, arena *a, int64_t hub, int64_t order,
                                 substitution **out, size_t *n)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    db_status st = db_run_a(c, a, &substitutions_of, &r, DB_P(db_i64(a, hub), db_i64(a, order)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        price4_t price = db_int(r, k, "price_excl_vat_e4");
        milli_t q = db_int(r, k, "quantity_milli");
        (*out)[i] = (substitution){
            .id = db_int(r, k, "id"),
            .state = db_val(r, k, "state"),
            .reason = db_val(r, k, "reason"),
            .short_name = db_val(r, k, "short_name"),
            .name = db_val(r, k, "name"),
            .producer_name = db_val(r, k, "producer_name"),
            .unit = db_val(r, k, "unit"),
            .quantity = q,
            .net = money_line_net(q, price),
            .unit_incl = money_price_incl(price, (vat_bp_t)db_int(r, k, "vat_rate_bp")),
        };
    }
    return DB_OK;
}

const char *delivery_kind_label(const char *kind, bool fr)
{
    static const struct {
        const char *kind, *fr, *en;
    } labels[] = {
        {"shortage", "livré en moins", "delivered short"},
        {"line", "ligne corrigée", "line corrected"},
        {"weight", "pesé", "weighed"},
        {"estimate", "estimation retenue", "estimate kept"},
        {"substitution", "remplacement accepté", "substitute accepted"},
        {"credit", "avoir", "credit note"},
    };
    for (size_t i = 0; i < ARRAY_LEN(labels); i++)
        if (str_eq(labels[i].kind, kind))
            return fr ? labels[i].fr : labels[i].en;
    return kind;
}

const char *shortage_rule_label(shortage_rule r, bool fr)
{
    if (r == SHORTAGE_PRO_RATA)
        return fr ? "au prorata, par pas entiers" : "pro rata, in whole steps";
    return fr ? "les dernières commandes d’abord" : "the orders placed last first";
}
