/*
 * core/subscription_place.c — placing the subscriptions due when a cycle opens.
 *
 * Runs inside the opening's transaction (core/cycle.c, open_locked), right after the
 * offers are frozen: the cycle row is locked and still 'draft' for whoever else tries
 * to open it, so two servers opening the same cycle place it once (the other finds it
 * open and does nothing); orders(cycle_id, customer_id) and subscription_runs' key
 * are the last line of defence.
 *
 * One statement reads every due line with its offer, its pickup point and the
 * cycle's limits; the choices are made here, in memory, as a person ordering would
 * meet them, one customer after the other: customers with a contract delivery first
 * (their baskets are already paid for), then by their oldest subscription (first
 * subscribed, first served). A customer's due subscriptions make one order, at the
 * pickup point of the first one present. Each line is held to the offer's step, the
 * cycle's line limits and the stock left; a line that fails is recorded and the rest
 * placed; the order as a whole to the pickup point's capacity (taken once) and the
 * cycle's order limit. Then a fixed handful of set-based statements write it all:
 * orders, lines, stock, pickup counts, what became of each subscription and why, and
 * when something was missed one mail event that tells each customer concerned and the
 * coordinators (mail/compose_subscription.c).
 *
 * Absences: a paused standing order is skipped; a contract's missed delivery follows
 * its rule (neighbour: placed as usual; hub: kept by the hub; carry_over: the basket
 * is added to the next delivery the customer is present for).
 */
#include "subscription.h"
#include "hub_settings.h"
#include "log.h"
#include "money.h"
#include "order.h"
#include "outbox.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

DB_STMT(
    due_lines,
    "WITH cy AS (SELECT id, hub_id, delivery_date FROM cycles WHERE id = $1),"
    " due AS ("
    "  SELECT s.id, s.customer_id, s.pickup_point_id, s.contract_id, s.basket_id, s.carried,"
    "         EXISTS (SELECT 1 FROM subscription_pauses p WHERE p.subscription_id = s.id"
    "                    AND cy.delivery_date BETWEEN p.starts_on AND p.ends_on) AS absent"
    "    FROM subscriptions s JOIN cy ON s.hub_id = cy.hub_id"
    "   WHERE s.cancelled_at IS NULL AND s.starts_on <= cy.delivery_date"
    "     AND CASE WHEN s.contract_id IS NULL"
    "              THEN (cy.delivery_date - s.starts_on) / 7 % s.every_weeks = 0"
    "              ELSE EXISTS (SELECT 1 FROM contract_deliveries d"
    "                            WHERE d.contract_id = s.contract_id"
    "                              AND d.delivery_date = cy.delivery_date) END)"
    " SELECT d.id AS sub, d.customer_id, d.pickup_point_id, d.contract_id IS NOT NULL AS contract,"
    "        coalesce(k.missed_rule, '') AS missed_rule, d.carried, d.absent,"
    "        x.pickup_point_id IS NOT NULL AS served, x.capacity_orders,"
    "        coalesce(x.orders_count, 0) AS orders_count,"
    "        l.producer_id, l.sku, l.quantity_milli, o.id AS offer_id, o.step_milli,"
    "        o.stock_milli, o.sold_milli,"
    "        coalesce(b.price_excl_vat_e4, o.price_excl_vat_e4) AS price, o.vat_rate_bp"
    "   FROM due d JOIN subscription_lines l ON l.subscription_id = d.id"
    "   LEFT JOIN contracts k ON k.id = d.contract_id"
    "   LEFT JOIN contract_baskets b ON b.id = d.basket_id"
    "   LEFT JOIN offers o ON o.cycle_id = $1 AND o.producer_id = l.producer_id"
    "                     AND o.sku = l.sku"
    "   LEFT JOIN cycle_pickup_points x ON x.cycle_id = $1"
    "                                  AND x.pickup_point_id = d.pickup_point_id"
    " ORDER BY bool_or(d.contract_id IS NOT NULL AND NOT d.absent)"
    "            OVER (PARTITION BY d.customer_id) DESC,"
    "          min(d.id) OVER (PARTITION BY d.customer_id), d.customer_id,"
    "          d.contract_id IS NULL, d.id, l.producer_id, l.sku");
DB_STMT(cycle_limits, "SELECT hub_id, seller_mode, payment_days, resale_vat_rate_bp,"
                      " max_order_cents, max_line_milli, max_offer_share_pct"
                      " FROM cycles WHERE id = $1");
DB_STMT(insert_orders, "INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id)"
                       " SELECT $1, $2, v.c, v.p FROM unnest($3::bigint[], $4::bigint[]) v(c, p)");
DB_STMT(insert_lines,
        "INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli,"
        "                         unit_price_excl_vat_e4, vat_rate_bp, line_excl_vat_cents)"
        " SELECT $1, o.id, v.f, v.q, v.price, f.vat_rate_bp, v.net"
        "   FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[])"
        "        AS v(c, f, q, price, net)"
        "   JOIN orders o ON o.cycle_id = $2 AND o.customer_id = v.c"
        "   JOIN offers f ON f.id = v.f");
DB_STMT(take_stock, "UPDATE offers o SET sold_milli = o.sold_milli + v.d"
                    "  FROM unnest($1::bigint[], $2::bigint[]) AS v(id, d) WHERE o.id = v.id");
DB_STMT(take_pickups, "UPDATE cycle_pickup_points x SET orders_count = x.orders_count + v.n"
                      "  FROM unnest($2::bigint[], $3::bigint[]) AS v(id, n)"
                      " WHERE x.cycle_id = $1 AND x.pickup_point_id = v.id");
DB_STMT(insert_runs,
        "INSERT INTO subscription_runs (hub_id, cycle_id, subscription_id, outcome, order_id)"
        " SELECT $1, $2, v.s, v.outcome, o.id"
        "   FROM unnest($3::bigint[], $4::text[], $5::bigint[]) AS v(s, outcome, c)"
        "   LEFT JOIN orders o ON o.cycle_id = $2 AND o.customer_id = v.c"
        "                     AND v.outcome IN ('placed', 'partial')");
DB_STMT(insert_misses,
        "INSERT INTO subscription_misses (hub_id, cycle_id, subscription_id, producer_id, sku,"
        "                                 quantity_milli, reason)"
        " SELECT $1, $2, v.s, nullif(v.p, 0), nullif(v.sku, ''), nullif(v.q, 0), v.reason"
        "   FROM unnest($3::bigint[], $4::bigint[], $5::text[], $6::bigint[], $7::text[])"
        "        AS v(s, p, sku, q, reason)");
DB_STMT(set_carried, "UPDATE subscriptions s SET carried = v.n"
                     "  FROM unnest($1::bigint[], $2::bigint[]) AS v(id, n) WHERE s.id = v.id");

/* A growable array of int64 or text, in the arena. */
typedef struct {
    int64_t *v;
    size_t n, cap;
} ivec;
typedef struct {
    const char **v;
    size_t n, cap;
} svec;

static void ipush(arena *a, ivec *x, int64_t v)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        int64_t *n = arena_alloc(a, cap * sizeof *n);
        if (x->n)
            memcpy(n, x->v, x->n * sizeof *n);
        x->v = n;
        x->cap = cap;
    }
    x->v[x->n++] = v;
}

static void spush(arena *a, svec *x, const char *v)
{
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        const char **n = arena_alloc(a, cap * sizeof *n);
        if (x->n)
            memcpy(n, x->v, x->n * sizeof *n);
        x->v = n;
        x->cap = cap;
    }
    x->v[x->n++] = v;
}

/* What is left of a stock or a capacity, by id: open addressing over a power of two. */
typedef struct {
    int64_t id;
    int64_t left;  /* < 0: unlimited */
    int64_t taken; /* by this opening */
} slot;
typedef struct {
    slot *s;
    size_t mask;
} table;

static void table_init(arena *a, table *t, size_t n)
{
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    t->s = arena_alloc(a, cap * sizeof *t->s);
    memset(t->s, 0, cap * sizeof *t->s);
    t->mask = cap - 1;
}

/* The slot of id; a new one starts with left (ids are positive, 0 marks a free slot). */
static slot *table_get(table *t, int64_t id, int64_t left)
{
    size_t i = (size_t)((uint64_t)id * 0x9E3779B97F4A7C15ull >> 17) & t->mask;
    while (t->s[i].id && t->s[i].id != id)
        i = (i + 1) & t->mask;
    if (!t->s[i].id)
        t->s[i] = (slot){id, left, 0};
    return &t->s[i];
}

typedef struct {
    arena *a;
    hub_settings lim;
    table offers, pickups;
    /* what will be written */
    ivec o_cust, o_pick;                         /* orders */
    ivec l_cust, l_offer, l_qty, l_price, l_net; /* their lines */
    ivec r_sub, r_cust;                          /* runs */
    svec r_outcome;
    ivec m_sub, m_prod, m_qty; /* misses (m_prod: the producer) */
    svec m_sku, m_reason;
    ivec c_sub, c_n; /* carried baskets */
    int placed, missed;
} place_ctx;

static void miss(place_ctx *x, int64_t sub, int64_t producer, const char *sku, milli_t q,
                 const char *reason)
{
    ipush(x->a, &x->m_sub, sub);
    ipush(x->a, &x->m_prod, producer);
    spush(x->a, &x->m_sku, sku);
    ipush(x->a, &x->m_qty, q);
    spush(x->a, &x->m_reason, reason);
}

static void run(place_ctx *x, int64_t sub, int64_t customer, const char *outcome)
{
    ipush(x->a, &x->r_sub, sub);
    ipush(x->a, &x->r_cust, customer);
    spush(x->a, &x->r_outcome, outcome);
}

/* A line the customer's order may take: why not, or NULL (and the stock taken). */
static const char *try_line(place_ctx *x, PGresult *r, int row, milli_t q)
{
    if (db_null(r, row, "offer_id"))
        return "product_gone";
    milli_t step = db_int(r, row, "step_milli");
    if (q % step != 0)
        return "step";
    bool limited = !db_null(r, row, "stock_milli");
    milli_t stock = limited ? db_int(r, row, "stock_milli") : 0;
    milli_t most = order_line_most(&x->lim, limited, stock, step);
    if (most && q > most)
        return "over_line_limit";
    slot *s = table_get(&x->offers, db_int(r, row, "offer_id"),
                        limited ? stock - db_int(r, row, "sold_milli") : -1);
    if (s->left >= 0 && q > s->left)
        return "out_of_stock";
    if (s->left >= 0)
        s->left -= q;
    s->taken += q;
    return NULL;
}

/* Rows [from, to) are one customer's due lines, subscription by subscription. */
static void place_customer(place_ctx *x, PGresult *r, int from, int to)
{
    arena *a = x->a;
    int64_t customer = db_int(r, from, "customer_id");
    int64_t pickup = 0;
    int pickup_row = -1;
    size_t first_line = x->l_cust.n, first_miss = x->m_sub.n;
    /* the subscriptions present (rows where each starts), to settle once the order is */
    int *present = arena_alloc(a, (size_t)(to - from + 1) * sizeof *present);
    int npresent = 0;
    for (int i = from; i < to;) {
        int64_t sub = db_int(r, i, "sub");
        int end = i;
        while (end < to && db_int(r, end, "sub") == sub)
            end++;
        bool contract = db_bool(r, i, "contract"), absent = db_bool(r, i, "absent");
        const char *rule = db_val(r, i, "missed_rule");
        int64_t carried = db_int(r, i, "carried");
        if (absent && (!contract || strcmp(rule, "neighbour") != 0)) {
            if (!contract) {
                run(x, sub, customer, "absent");
            } else if (!strcmp(rule, "hub")) {
                run(x, sub, customer, "kept_by_hub");
            } else {
                run(x, sub, customer, "carried_over");
                ipush(a, &x->c_sub, sub);
                ipush(a, &x->c_n, carried + 1);
            }
            i = end;
            continue;
        }
        present[npresent++] = i;
        if (pickup_row < 0) {
            pickup_row = i;
            pickup = db_int(r, i, "pickup_point_id");
        }
        i = end;
    }
    if (npresent == 0)
        return;
    /* the order's pickup point: served by the cycle, and with room for one more */
    const char *whole = NULL;
    slot *pp = NULL;
    if (!db_bool(r, pickup_row, "served")) {
        whole = "pickup_gone";
    } else {
        pp = table_get(&x->pickups, pickup,
                       db_null(r, pickup_row, "capacity_orders")
                           ? -1
                           : db_int(r, pickup_row, "capacity_orders") -
                                 db_int(r, pickup_row, "orders_count"));
        if (pp->left == 0)
            whole = "pickup_full";
    }
    /* the lines, subscription by subscription */
    money_line *ml = arena_alloc(a, (size_t)(to - from + 1) * sizeof *ml);
    size_t nml = 0;
    int *sub_taken = arena_alloc(a, (size_t)npresent * sizeof *sub_taken);
    for (int k = 0; k < npresent; k++) {
        int i = present[k];
        int64_t sub = db_int(r, i, "sub");
        int64_t times = db_bool(r, i, "contract") ? 1 + db_int(r, i, "carried") : 1;
        sub_taken[k] = 0;
        for (; i < to && db_int(r, i, "sub") == sub; i++) {
            milli_t q = db_int(r, i, "quantity_milli") * times;
            int64_t producer = db_int(r, i, "producer_id");
            const char *why = whole ? NULL : try_line(x, r, i, q);
            if (whole)
                continue;
            if (why) {
                miss(x, sub, producer, db_val(r, i, "sku"), q, why);
                continue;
            }
            price4_t price = db_int(r, i, "price");
            cents_t net = money_line_net(q, price);
            ipush(a, &x->l_cust, customer);
            ipush(a, &x->l_offer, db_int(r, i, "offer_id"));
            ipush(a, &x->l_qty, q);
            ipush(a, &x->l_price, price);
            ipush(a, &x->l_net, net);
            ml[nml++] = (money_line){order_seller(x->lim.seller, producer),
                                     (vat_bp_t)db_int(r, i, "vat_rate_bp"), net};
            sub_taken[k]++;
        }
    }
    if (!whole && nml > 0 && x->lim.max_order_cents) {
        money_totals t;
        money_totals_compute(ml, nml, &t);
        if (t.incl > x->lim.max_order_cents)
            whole = "over_order_limit";
    }
    if (whole && x->l_cust.n > first_line) {
        /* give back what the lines took: the order is not placed */
        for (size_t l = first_line; l < x->l_cust.n; l++) {
            slot *s = table_get(&x->offers, x->l_offer.v[l], -1);
            if (s->left >= 0)
                s->left += x->l_qty.v[l];
            s->taken -= x->l_qty.v[l];
        }
        x->l_cust.n = x->l_offer.n = x->l_qty.n = x->l_price.n = x->l_net.n = first_line;
        x->m_sub.n = x->m_prod.n = x->m_sku.n = x->m_qty.n = x->m_reason.n = first_miss;
    }
    bool placed = !whole && nml > 0;
    if (placed) {
        if (pp->left > 0)
            pp->left--;
        pp->taken++;
        ipush(a, &x->o_cust, customer);
        ipush(a, &x->o_pick, pickup);
        x->placed++;
    }
    for (int k = 0; k < npresent; k++) {
        int i = present[k];
        int64_t sub = db_int(r, i, "sub");
        if (whole)
            miss(x, sub, 0, "", 0, whole);
        const char *outcome = !placed || sub_taken[k] == 0 ? "not_placed" : "partial";
        if (placed && sub_taken[k] > 0) {
            bool all = true;
            for (size_t m = first_miss; m < x->m_sub.n; m++)
                all = all && x->m_sub.v[m] != sub;
            outcome = all ? "placed" : "partial";
        }
        if (strcmp(outcome, "placed") != 0)
            x->missed++;
        run(x, sub, customer, outcome);
        /* a contract's carried baskets went with this delivery */
        if (placed && sub_taken[k] > 0 && db_bool(r, i, "contract") && db_int(r, i, "carried")) {
            ipush(a, &x->c_sub, sub);
            ipush(a, &x->c_n, 0);
        }
    }
}

/* Each table's total taken, for one UPDATE: ids and amounts of the slots used. */
static void taken(arena *a, const table *t, ivec *ids, ivec *n)
{
    for (size_t i = 0; i <= t->mask; i++)
        if (t->s[i].id && t->s[i].taken) {
            ipush(a, ids, t->s[i].id);
            ipush(a, n, t->s[i].taken);
        }
}

static db_status write_all(db_conn *c, place_ctx *x, const char *hub, const char *cycle)
{
    arena *a = x->a;
    db_status st = DB_OK;
    ivec ids = {0}, n = {0}, pids = {0}, pn = {0};
    taken(a, &x->offers, &ids, &n);
    taken(a, &x->pickups, &pids, &pn);
#define A(w) db_int_array(a, (w).v, (w).n)
#define S(w) db_text_array(a, (w).v, (w).n)
    if (x->o_cust.n &&
        ((st = db_do(c, &insert_orders, DB_P(hub, cycle, A(x->o_cust), A(x->o_pick)))) != DB_OK ||
         (st = db_do(c, &insert_lines,
                     DB_P(hub, cycle, A(x->l_cust), A(x->l_offer), A(x->l_qty), A(x->l_price),
                          A(x->l_net)))) != DB_OK ||
         (st = db_do(c, &take_stock, DB_P(A(ids), A(n)))) != DB_OK ||
         (st = db_do(c, &take_pickups, DB_P(cycle, A(pids), A(pn)))) != DB_OK))
        return st;
    if (x->r_sub.n &&
        (st = db_do(c, &insert_runs,
                    DB_P(hub, cycle, A(x->r_sub), S(x->r_outcome), A(x->r_cust)))) != DB_OK)
        return st;
    if (x->m_sub.n && (st = db_do(c, &insert_misses,
                                  DB_P(hub, cycle, A(x->m_sub), A(x->m_prod), S(x->m_sku),
                                       A(x->m_qty), S(x->m_reason)))) != DB_OK)
        return st;
    if (x->c_sub.n && (st = db_do(c, &set_carried, DB_P(A(x->c_sub), A(x->c_n)))) != DB_OK)
        return st;
#undef A
#undef S
    return DB_OK;
}

db_status sub_place_cycle(db_conn *c, const char *cycle, int *placed, int *missed)
{
    place_ctx x = {.a = arena_new()};
    *placed = *missed = 0;
    PGresult *lim, *r;
    db_status st = db_run_a(c, x.a, &cycle_limits, &lim, DB_P(cycle));
    if (st == DB_OK && PQntuples(lim) == 1)
        st = db_run_a(c, x.a, &due_lines, &r, DB_P(cycle));
    if (st != DB_OK || PQntuples(lim) != 1) {
        arena_free(x.a);
        return st;
    }
    hub_settings_from_row(lim, 0, &x.lim);
    int rows = PQntuples(r);
    table_init(x.a, &x.offers, (size_t)rows + 1);
    table_init(x.a, &x.pickups, 64);
    for (int i = 0; i < rows;) {
        int end = i;
        while (end < rows && !strcmp(PQgetvalue(r, end, 1), PQgetvalue(r, i, 1)))
            end++;
        place_customer(&x, r, i, end);
        i = end;
    }
    st = write_all(c, &x, db_val(lim, 0, "hub_id"), cycle);
    /* what could not be placed is told to each customer concerned and to the
     * coordinators (mail/compose_subscription.c): one event, in this transaction */
    if (st == DB_OK && x.m_sub.n)
        st = outbox_event(c, x.a, db_int(lim, 0, "hub_id"), "subscription_misses",
                          arena_printf(x.a, "{\"cycle\": %lld}", (long long)atoll(cycle)));
    if (st == DB_OK && x.r_sub.n)
        log_event(LOG_INFO, "subscriptions.placed", "cycle=%s due=%zu orders=%d missed=%d", cycle,
                  x.r_sub.n, x.placed, x.missed);
    *placed = x.placed;
    *missed = x.missed;
    arena_free(x.a);
    return st;
}
