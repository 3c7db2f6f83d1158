/*
 * core/delivery_invoice.c — what invoicing asks of the delivered quantities: every
 * weighed piece weighed (or its estimate accepted by a coordinator, on the record), and
 * after issue, the lines a credit note gives back.
 */
#include "bags.h"
#include "delivery_int.h"
#include "util.h"

#include <string.h>

#define MISSING_LISTED 20

/* Weighed lines with pieces delivered and no weight, in bag order. */
DB_STMT(missing_weights,
        "WITH " BAGS_CTE " SELECT l.id, coalesce(b.bag, 0) AS bag, f.name, c.name AS customer,"
        " coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
        " coalesce(l.delivered_milli, -1) AS delivered_set, f.measure_estimate_milli,"
        " f.measure_price_excl_vat_e4"
        " FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN offers f ON f.id = l.offer_id"
        " JOIN customers c ON c.id = o.customer_id LEFT JOIN bags b ON b.order_id = o.id"
        " WHERE o.cycle_id = $1 AND o.hub_id = $2 AND f.measure IS NOT NULL"
        " AND coalesce(l.delivered_milli, l.quantity_milli) > 0 AND l.weighed_milli IS NULL"
        " ORDER BY 2, l.id");
DB_STMT(mark_accepted, "UPDATE cycles SET estimates_accepted_at = now(),"
                       " estimates_accepted_by = nullif($2, '0')::bigint WHERE id = $1");
DB_STMT(
    credited_lines,
    "SELECT l.id, coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
    " coalesce(l.delivered_milli, -1) AS delivered_set, coalesce(l.weighed_milli, -1) AS weighed,"
    " coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS net,"
    " f.measure IS NOT NULL AS weighs"
    " FROM order_lines l JOIN offers f ON f.id = l.offer_id"
    " WHERE l.id IN (SELECT unnest($1::bigint[])) ORDER BY l.id");

static int refuse_missing(arena *a, const PGresult *r, refusal *why)
{
    int n = PQntuples(r);
    size_t listed = n < MISSING_LISTED ? (size_t)n : MISSING_LISTED;
    refusal_detail *d = arena_alloc(a, (listed + 1) * sizeof *d);
    for (size_t i = 0; i < listed; i++) {
        int k = (int)i;
        int64_t bag = db_int(r, k, "bag");
        const char *where_fr = bag ? arena_printf(a, "sac %lld", (long long)bag)
                                   : arena_printf(a, "ligne %s", db_val(r, k, "id"));
        const char *where_en = bag ? arena_printf(a, "bag %lld", (long long)bag)
                                   : arena_printf(a, "line %s", db_val(r, k, "id"));
        d[i] = (refusal_detail){"weight_missing", arena_printf(a, "lines[%s]", db_val(r, k, "id")),
                                arena_printf(a, "%s : %s (%s) n’est pas pesé.", where_fr,
                                             db_val(r, k, "name"), db_val(r, k, "customer")),
                                arena_printf(a, "%s: %s (%s) is not weighed.", where_en,
                                             db_val(r, k, "name"), db_val(r, k, "customer"))};
    }
    refuse(why, 409, "weights_missing", "accept_estimates",
           arena_printf(a,
                        "%d ligne%s à peser n’%s pas de poids (%s). Pesez-les, ou acceptez les "
                        "estimations pour le reste.",
                        n, n > 1 ? "s" : "", n > 1 ? "ont" : "a", d[0].fr),
           arena_printf(a,
                        "%d weighed line%s ha%s no weight (%s). Weigh them, or accept the "
                        "estimates for the rest.",
                        n, n > 1 ? "s" : "", n > 1 ? "ve" : "s", d[0].en));
    why->details = d;
    why->ndetails = listed;
    return 1;
}

int delivery_before_issue(db_conn *c, arena *a, int64_t hub, int64_t cycle, bool accept,
                          int64_t user, const char *via, int64_t *accepted, refusal *why)
{
    PGresult *r;
    *accepted = 0;
    int st = db_run_a(c, a, &missing_weights, &r, DB_P(db_i64(a, cycle), db_i64(a, hub)));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    if (!accept)
        return refuse_missing(a, r, why);
    size_t n = (size_t)PQntuples(r);
    int64_t *ids = arena_alloc(a, n * sizeof *ids), *del = arena_alloc(a, n * sizeof *del);
    int64_t *wei = arena_alloc(a, n * sizeof *wei), *net = arena_alloc(a, n * sizeof *net);
    for (size_t i = 0; i < n; i++) {
        int k = (int)i;
        ids[i] = db_int(r, k, "id");
        del[i] = db_int(r, k, "delivered_set");
        wei[i] = money_weight_g(db_int(r, k, "delivered"), db_int(r, k, "measure_estimate_milli"));
        if (wei[i] < 1)
            wei[i] = 1; /* a weight is positive: a gram for a crumb */
        net[i] = money_line_net(wei[i], db_int(r, k, "measure_price_excl_vat_e4"));
    }
    delivery_actor who = {user, 0, via};
    if ((st = dl_trail(c, a, cycle, &who, "estimate",
                       "Estimation retenue à la facturation · Estimate accepted at invoicing")) !=
            DB_OK ||
        (st = dl_write(c, a, ids, del, wei, net, n)) != DB_OK ||
        (st = db_do(c, &mark_accepted, DB_P(db_i64(a, cycle), db_i64(a, user)))) != DB_OK)
        return st;
    *accepted = (int64_t)n;
    return 0;
}

db_status delivery_record_credit(db_conn *c, arena *a, int64_t cycle, const char *credit_number,
                                 const char *reason, int64_t user, const char *via,
                                 const int64_t *lines, const milli_t *qty, const cents_t *net,
                                 size_t n)
{
    if (n == 0)
        return DB_OK;
    PGresult *r;
    db_status st = dl_lock_deliveries(c, a, cycle);
    if (st != DB_OK ||
        (st = db_run_a(c, a, &credited_lines, &r, DB_P(db_int_array(a, lines, n)))) != DB_OK)
        return st;
    size_t m = (size_t)PQntuples(r);
    int64_t *ids = arena_alloc(a, (m + 1) * sizeof *ids),
            *del = arena_alloc(a, (m + 1) * sizeof *del);
    int64_t *wei = arena_alloc(a, (m + 1) * sizeof *wei),
            *amt = arena_alloc(a, (m + 1) * sizeof *amt);
    for (size_t i = 0; i < m; i++) {
        int k = (int)i;
        ids[i] = db_int(r, k, "id");
        milli_t q = 0;
        cents_t v = 0;
        for (size_t j = 0; j < n; j++) /* a line credited by several lines adds up */
            if (lines[j] == ids[i]) {
                q += qty[j];
                v += net[j];
            }
        milli_t d = db_int(r, k, "delivered"), w = db_int(r, k, "weighed");
        del[i] = db_int(r, k, "delivered_set");
        wei[i] = w;
        if (db_bool(r, k, "weighs") && w > 0) {
            wei[i] = w - q > 0 ? w - q : -1;
            if (wei[i] < 0)
                del[i] = 0; /* the whole weight given back: nothing was delivered */
        } else {
            del[i] = d - q > 0 ? d - q : 0;
        }
        amt[i] = db_int(r, k, "net") - v > 0 ? db_int(r, k, "net") - v : 0;
    }
    delivery_actor who = {user, 0, via};
    /* the trail keeps 500 characters: the reason is cut to fit after the number */
    size_t keep = 0, chars = 0;
    for (const char *p = reason ? reason : ""; p[keep] && chars < 440; keep++)
        chars += ((unsigned char)p[keep] & 0xc0) != 0x80;
    while (reason && reason[keep] && ((unsigned char)reason[keep] & 0xc0) == 0x80)
        keep++;
    const char *why = arena_printf(a, "Avoir %s%s%.*s", credit_number, keep ? " : " : "", (int)keep,
                                   keep ? reason : "");
    if ((st = dl_trail(c, a, cycle, &who, "credit", why)) != DB_OK)
        return st;
    return dl_write(c, a, ids, del, wei, amt, m);
}
