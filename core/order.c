/*
 * core/order.c — placing, reading and cancelling orders.
 *
 * Setting an order is one READ COMMITTED transaction:
 *   1. the cycle's gate, shared (core/cycle.c: a coordinator's close queues there
 *      ahead of the orders that come after it), then the cycle row FOR SHARE (we
 *      see a close that won) with the cycle's own settings (core/hub_settings.h),
 *   2. the customer's current order FOR UPDATE (a double submit serialises here),
 *   3. every offer involved, old and new, FOR UPDATE in id order (no deadlock
 *      between two orders sharing products),
 *   4. checks in C against the locked rows: step, stock left (counting what
 *      this order already holds), the cycle's limits per line and per order,
 *      pickup point capacity,
 *   5. one UPDATE per offer whose quantity changes, by the difference (the UPDATE
 *      re-checks the stock, and the offers_not_oversold constraint a third time);
 *      an offer written twice in one transaction would have its foreign keys
 *      checked again, and its row copied twice,
 *   6. the order and its lines with prices and VAT frozen from the offers.
 *   7. the order as stored, read back in the same transaction for the reply.
 * COMMIT returns after the WAL is flushed (synchronous_commit = on), so an
 * order acknowledged to a client survives a crash of km0 or PostgreSQL. Nothing is
 * read after COMMIT: a reply built from a second statement could fail on its own
 * (the connection lost just after the commit) and tell the client that an order it
 * placed was not. If the connection is lost at COMMIT itself, nobody knows whether
 * the order was saved: order_put says DB_UNKNOWN, and the client may send the same
 * PUT again, which sets the same whole order whatever happened the first time.
 */
#include "order.h"
#include "account_tokens.h"
#include "outbox.h"
#include "payment.h"
#include "cycle.h"
#include "hub_settings.h"
#include "unit.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DB_STMT(lock_cycle, "SELECT state, (now() >= opens_at AND now() < closes_at) AS in_window,"
                    " seller_mode, payment_days, resale_vat_rate_bp, max_order_cents,"
                    " max_line_milli, max_offer_share_pct"
                    "  FROM cycles WHERE hub_id = $1 AND id = $2 FOR SHARE");
DB_STMT(find_pickup,
        "SELECT pp.id FROM cycle_pickup_points x JOIN pickup_points pp ON pp.id = x.pickup_point_id"
        " WHERE x.cycle_id = $1 AND pp.slug = $2");
DB_STMT(lock_order, "SELECT id, pickup_point_id FROM orders"
                    " WHERE cycle_id = $1 AND customer_id = $2 FOR UPDATE");
DB_STMT(lock_offers,
        "SELECT o.id, o.producer_id, p.slug AS producer, p.name AS producer_name, o.sku, o.name,"
        "       o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.weight_g, o.step_milli,"
        "       o.stock_milli, o.sold_milli,"
        "       coalesce((SELECT l.quantity_milli FROM order_lines l"
        "                  WHERE l.order_id = $4 AND l.offer_id = o.id), 0) AS mine"
        "  FROM offers o JOIN producers p ON p.id = o.producer_id"
        " WHERE o.cycle_id = $1"
        "   AND ((p.slug, o.sku) IN (SELECT * FROM unnest($2::text[], $3::text[]))"
        "        OR o.id IN (SELECT offer_id FROM order_lines WHERE order_id = $4))"
        " ORDER BY o.id FOR UPDATE OF o");
/* Rows every writer locks in one order, offers (by id) before pickup counters (by
 * id), so that concurrent orders queue instead of deadlocking: a cancel releasing
 * its lines, and an order moving between two pickup points while another moves the
 * other way, took them in whatever order the plan gave. */
DB_STMT(lock_order_offers, "SELECT o.id FROM offers o"
                           " WHERE o.id IN (SELECT offer_id FROM order_lines WHERE order_id = $1)"
                           " ORDER BY o.id FOR UPDATE");
DB_STMT(lock_pickups, "SELECT pickup_point_id FROM cycle_pickup_points"
                      " WHERE cycle_id = $1 AND pickup_point_id IN ($2::bigint, $3::bigint)"
                      " ORDER BY pickup_point_id FOR NO KEY UPDATE");
DB_STMT(release_lines, "UPDATE offers o SET sold_milli = o.sold_milli - l.quantity_milli"
                       "  FROM order_lines l WHERE l.order_id = $1 AND o.id = l.offer_id");
DB_STMT(delete_lines, "DELETE FROM order_lines WHERE order_id = $1");
/* What each offer's sold quantity moves by: positive takes stock (within what is
 * left), negative gives it back. */
DB_STMT(move_stock,
        "UPDATE offers o SET sold_milli = o.sold_milli + v.d"
        "  FROM unnest($1::bigint[], $2::bigint[]) AS v(id, d)"
        " WHERE o.id = v.id"
        "   AND (v.d < 0 OR o.stock_milli IS NULL OR o.sold_milli + v.d <= o.stock_milli)");
DB_STMT(pickup_take, "UPDATE cycle_pickup_points SET orders_count = orders_count + 1"
                     " WHERE cycle_id = $1 AND pickup_point_id = $2"
                     "   AND (capacity_orders IS NULL OR orders_count < capacity_orders)");
DB_STMT(pickup_release, "UPDATE cycle_pickup_points SET orders_count = orders_count - 1"
                        " WHERE cycle_id = $1 AND pickup_point_id = $2");
/* entered_by: the coordinator typing the order ($5, 0 for the customer's own) */
DB_STMT(
    insert_order,
    "INSERT INTO orders (hub_id, cycle_id, customer_id, pickup_point_id, entered_by, entered_at)"
    " VALUES ($1, $2, $3, $4, nullif($5::bigint, 0), CASE WHEN $5::bigint <> 0 THEN now() END)"
    " RETURNING id");
DB_STMT(update_order, "UPDATE orders SET pickup_point_id = $2, updated_at = now(),"
                      " entered_by = nullif($3::bigint, 0),"
                      " entered_at = CASE WHEN $3::bigint <> 0 THEN now() END WHERE id = $1");
DB_STMT(delete_order, "DELETE FROM orders WHERE id = $1");
DB_STMT(insert_lines,
        "INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli,"
        "                         unit_price_excl_vat_e4, vat_rate_bp, line_excl_vat_cents)"
        " SELECT $1, $2, o.id, v.q, o.price_excl_vat_e4, o.vat_rate_bp, v.net"
        "   FROM unnest($3::bigint[], $4::bigint[], $5::bigint[]) AS v(id, q, net)"
        "   JOIN offers o ON o.id = v.id");
/* The order and its lines in one round trip: the header columns repeat on each line. */
DB_STMT(
    get_order,
    "SELECT o.id, o.cycle_id, c.seller_mode, pp.slug AS pickup, pp.name AS pickup_name,"
    "       pp.address AS pickup_address, pp.opening AS pickup_opening, c.name AS cycle_name,"
    "       to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date,"
    "       to_char(c.closes_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS closes_at,"
    "       to_char(o.updated_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS updated_at,"
    "       (c.state = 'open' AND now() < c.closes_at) AS editable, c.state,"
    "       o.payment_method, coalesce(o.entered_by, 0) AS entered_by,"
    "       c.order_fee_cents, c.order_fee_vat_bp,"
    "       coalesce(to_char(o.entered_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'), '') AS entered_at,"
    "       (SELECT sum(CASE WHEN i.type_code = 381 THEN -i.total_incl_vat_cents"
    "                   ELSE i.total_incl_vat_cents END) FROM invoices i"
    "         WHERE i.order_id = o.id) AS invoiced_incl,"
    "       l.offer_id, f.producer_id, p.slug AS producer, p.name AS producer_name,"
    "       f.sku, f.name, f.unit, l.quantity_milli, l.unit_price_excl_vat_e4,"
    "       l.vat_rate_bp, l.line_excl_vat_cents, f.weight_g, f.measure,"
    "       f.measure_price_excl_vat_e4, f.measure_estimate_milli, l.id AS line_id,"
    "       coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
    "       coalesce(l.weighed_milli, -1) AS weighed,"
    "       coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS delivered_net,"
    "       l.substitutes_offer_id IS NOT NULL AS substitute"
    "  FROM orders o JOIN pickup_points pp ON pp.id = o.pickup_point_id"
    "  JOIN cycles c ON c.id = o.cycle_id"
    "  LEFT JOIN order_lines l ON l.order_id = o.id"
    "  LEFT JOIN offers f ON f.id = l.offer_id"
    "  LEFT JOIN producers p ON p.id = f.producer_id"
    " WHERE o.hub_id = $1 AND o.cycle_id = $2 AND o.customer_id = $3"
    " ORDER BY p.name COLLATE \"fr-x-icu\", f.name COLLATE \"fr-x-icu\", f.id");
DB_STMT(list_orders,
        "SELECT o.id, o.cycle_id AS cycle, c.name AS cycle_name, c.state,"
        "       to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date, pp.name AS pickup_name,"
        "       (SELECT count(*) FROM order_lines l WHERE l.order_id = o.id) AS lines,"
        "       (c.state = 'open' AND now() < c.closes_at) AS editable,"
        "       (SELECT count(*) FROM delivery_changes d WHERE d.order_id = o.id) AS changes,"
        "       (SELECT sum(CASE WHEN i.type_code = 381 THEN -i.total_incl_vat_cents"
        "                   ELSE i.total_incl_vat_cents END) FROM invoices i"
        "         WHERE i.order_id = o.id) AS invoiced_incl"
        "  FROM orders o JOIN cycles c ON c.id = o.cycle_id"
        "  JOIN pickup_points pp ON pp.id = o.pickup_point_id"
        " WHERE o.hub_id = $1 AND o.customer_id = $2 ORDER BY c.delivery_date DESC, o.id DESC"
        " LIMIT 100");

int64_t order_seller(seller_mode m, int64_t producer_id)
{
    return m == SELLER_HUB ? 0 : producer_id;
}

/* Fill the totals and weight from the lines, exactly as invoices will compute them
 * (seller by seller, as the cycle's seller mode says): as ordered, and as delivered. */
static void finish(order *o)
{
    money_line *ml = xcalloc(o->nlines + 1, sizeof *ml);
    money_line *dl = xcalloc(o->nlines + 1, sizeof *dl);
    o->weight_g = 0;
    o->changed = o->estimate = false;
    o->fee_ordered = o->fee_delivered = false;
    for (size_t i = 0; i < o->nlines; i++) {
        const order_line *l = &o->lines[i];
        int64_t seller = order_seller(o->seller, l->producer_id);
        ml[i] = (money_line){seller, l->vat_rate, l->net};
        dl[i] = (money_line){seller, l->vat_rate, l->delivered_net};
        o->weight_g += l->weight_g;
        o->changed = o->changed || l->delivered != l->quantity || l->delivered_net != l->net;
        o->estimate = o->estimate || (l->measure && l->delivered > 0 && l->weight < 0);
        o->fee_ordered = o->fee_ordered || l->quantity > 0;
        o->fee_delivered = o->fee_delivered || l->delivered > 0;
    }
    /* the hub's fee per order (schema/023): the hub's, in its VAT group of that rate,
     * for an order that holds something */
    o->fee_ordered = o->fee_ordered && o->fee_net > 0;
    o->fee_delivered = o->fee_delivered && o->fee_net > 0;
    if (o->fee_ordered)
        ml[o->nlines] = (money_line){0, o->fee_rate, o->fee_net};
    if (o->fee_delivered)
        dl[o->nlines] = (money_line){0, o->fee_rate, o->fee_net};
    money_totals_compute(ml, o->nlines + o->fee_ordered, &o->totals);
    money_totals_compute(dl, o->nlines + o->fee_delivered, &o->delivered_totals);
    free(ml);
    free(dl);
}

/* "0,5 kg", "3 pièces" / "0.5 kg", "3 pieces": a quantity as a message says it. */
static const char *amount_text(arena *a, milli_t q, const char *code, bool fr)
{
    char d[32];
    dec_format(d, q, 3, 0);
    if (fr)
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    const unit_def *u = unit_by_code(code);
    if (!u)
        return arena_printf(a, "%s %s", d, code);
    if (u->kind != UNIT_COUNT)
        return arena_printf(a, "%s %s", d, u->code);
    const char *label = fr ? u->label_fr : u->label_en;
    size_t n = strlen(label);
    bool plural = q > 1000 && label[n - 1] != 's' && label[n - 1] != 'x';
    return arena_printf(a, "%s %s%s", d, label, plural ? "s" : "");
}

static int cycle_refusal(refusal *why, const char *state)
{
    if (!state)
        return refuse(why, 404, "not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    return refuse(why, 403, "cycle_not_open", "cycle", "Les commandes de ce cycle sont fermées.",
                  "This cycle is not open for orders.");
}

typedef struct {
    arena *a;
    const order_in *in;
    order *out;
    refusal *why;
    bool opening_due;    /* a draft whose opening time has come: the timer has not run yet */
    hub_settings limits; /* the cycle's copy of its hub's settings */
} put_ctx;

/* Record one problem of a line; all are collected so a form can mark every field. */
static void line_problem(put_ctx *x, refusal_detail *d, size_t *n, int *worst, int status,
                         const char *code, const char *field, const char *fr, const char *en)
{
    d[*n] = (refusal_detail){code, field, fr, en};
    (*n)++;
    /* an invalid request (422) outranks a conflict with the stock (409) */
    if (*worst == 0 || (status == 422 && *worst == 409))
        *worst = status;
    (void)x;
}

milli_t order_line_most(const hub_settings *lim, bool limited, milli_t stock, milli_t step)
{
    milli_t most = lim->max_line_milli;
    if (lim->max_offer_share_pct && limited) {
        milli_t share = stock * lim->max_offer_share_pct / 100;
        share = share / step * step;
        if (share < step)
            share = step;
        if (!most || share < most)
            most = share;
    }
    return most;
}

static milli_t line_limit(const hub_settings *lim, PGresult *offers, int r)
{
    bool limited = !db_null(offers, r, "stock_milli");
    return order_line_most(lim, limited, limited ? db_int(offers, r, "stock_milli") : 0,
                           db_int(offers, r, "step_milli"));
}

static int check_lines(put_ctx *x, PGresult *offers, int *row_of)
{
    const order_in *in = x->in;
    refusal_detail *d = arena_alloc(x->a, (in->nlines + 1) * sizeof *d);
    size_t n = 0;
    int worst = 0;
    for (size_t i = 0; i < in->nlines; i++) {
        const order_line_in *l = &in->lines[i];
        const char *f = arena_printf(x->a, "lines[%zu].quantity", i);
        const char *fs = arena_printf(x->a, "lines[%zu].sku", i);
        bool dup = false;
        row_of[i] = -1;
        for (int r = 0; r < PQntuples(offers); r++)
            if (!strcmp(db_val(offers, r, "producer"), l->producer) &&
                !strcmp(db_val(offers, r, "sku"), l->sku))
                row_of[i] = r;
        for (size_t k = 0; k < i; k++)
            dup = dup || (!strcmp(in->lines[k].producer, l->producer) &&
                          !strcmp(in->lines[k].sku, l->sku));
        if (dup) {
            line_problem(x, d, &n, &worst, 422, "duplicate_line", fs,
                         "Ce produit figure deux fois dans la commande.",
                         "This product is twice in the order.");
            continue;
        }
        if (row_of[i] < 0) {
            line_problem(x, d, &n, &worst, 422, "unknown_product", fs,
                         arena_printf(x->a, "« %s » n’est pas proposé dans ce cycle.", l->sku),
                         arena_printf(x->a, "\"%s\" is not offered in this cycle.", l->sku));
            continue;
        }
        int r = row_of[i];
        const char *name = db_val(offers, r, "name"), *unit = db_val(offers, r, "unit");
        milli_t step = db_int(offers, r, "step_milli");
        if (l->quantity <= 0 || l->quantity > ORDER_MAX_QUANTITY) {
            line_problem(x, d, &n, &worst, 422, "invalid_quantity", f,
                         "La quantité doit être positive et raisonnable.",
                         "The quantity must be positive and reasonable.");
            continue;
        }
        if (l->quantity % step != 0) {
            line_problem(x, d, &n, &worst, 422, "invalid_quantity", f,
                         arena_printf(x->a, "%s se commande par %s.", name,
                                      amount_text(x->a, step, unit, true)),
                         arena_printf(x->a, "%s is sold in steps of %s.", name,
                                      amount_text(x->a, step, unit, false)));
            continue;
        }
        milli_t most = line_limit(&x->limits, offers, r);
        if (most && l->quantity > most) {
            line_problem(x, d, &n, &worst, 422, "over_line_limit", f,
                         arena_printf(x->a, "Une commande prend au plus %s de %s.",
                                      amount_text(x->a, most, unit, true), name),
                         arena_printf(x->a, "An order takes at most %s of %s.",
                                      amount_text(x->a, most, unit, false), name));
            continue;
        }
        if (db_null(offers, r, "stock_milli"))
            continue;
        milli_t left = db_int(offers, r, "stock_milli") - db_int(offers, r, "sold_milli") +
                       db_int(offers, r, "mine");
        if (l->quantity <= left)
            continue;
        line_problem(x, d, &n, &worst, 409, "out_of_stock", f,
                     left > 0 ? arena_printf(x->a, "Il ne reste que %s de %s.",
                                             amount_text(x->a, left, unit, true), name)
                              : arena_printf(x->a, "%s est épuisé.", name),
                     left > 0 ? arena_printf(x->a, "Only %s of %s left.",
                                             amount_text(x->a, left, unit, false), name)
                              : arena_printf(x->a, "%s is sold out.", name));
    }
    if (n == 0)
        return 0;
    /* the headline is the first problem of the worst kind */
    size_t first = 0;
    while (first < n && worst == 422 && !strcmp(d[first].code, "out_of_stock"))
        first++;
    refuse(x->why, worst, d[first].code, d[first].field, d[first].fr, d[first].en);
    x->why->details = d;
    x->why->ndetails = n;
    return 1;
}

static void fill_lines(put_ctx *x, PGresult *offers, const int *row_of)
{
    order *o = x->out;
    o->nlines = x->in->nlines;
    o->lines = arena_alloc(x->a, (o->nlines ? o->nlines : 1) * sizeof *o->lines);
    for (size_t i = 0; i < o->nlines; i++) {
        int r = row_of[i];
        order_line *l = &o->lines[i];
        l->offer_id = db_int(offers, r, "id");
        l->producer_id = db_int(offers, r, "producer_id");
        l->producer = arena_strdup(x->a, db_val(offers, r, "producer"));
        l->producer_name = arena_strdup(x->a, db_val(offers, r, "producer_name"));
        l->sku = arena_strdup(x->a, db_val(offers, r, "sku"));
        l->name = arena_strdup(x->a, db_val(offers, r, "name"));
        l->unit = arena_strdup(x->a, db_val(offers, r, "unit"));
        l->quantity = x->in->lines[i].quantity;
        l->unit_price = db_int(offers, r, "price_excl_vat_e4");
        l->vat_rate = (vat_bp_t)db_int(offers, r, "vat_rate_bp");
        l->unit_price_incl = money_price_incl(l->unit_price, l->vat_rate);
        l->net = money_line_net(l->quantity, l->unit_price);
        l->weight_g = money_weight_g(l->quantity, db_int(offers, r, "weight_g"));
    }
}

/* "172,62 €" / "172.62 €" */
static const char *euros(arena *a, cents_t v, bool fr)
{
    char d[32];
    dec_format(d, v, 2, 2);
    if (fr)
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    return arena_printf(a, "%s €", d);
}

/* The whole order, VAT included as the buyer sees it, within the cycle's limit. */
static int check_order_limit(put_ctx *x)
{
    cents_t most = x->limits.max_order_cents;
    if (!most)
        return 0;
    money_totals t;
    money_line *ml = arena_alloc(x->a, (x->out->nlines + 1) * sizeof *ml);
    for (size_t i = 0; i < x->out->nlines; i++)
        ml[i] = (money_line){order_seller(x->limits.seller, x->out->lines[i].producer_id),
                             x->out->lines[i].vat_rate, x->out->lines[i].net};
    money_totals_compute(ml, x->out->nlines, &t);
    if (t.incl <= most)
        return 0;
    return refuse(x->why, 422, "over_order_limit", "lines",
                  arena_printf(x->a, "Une commande compte au plus %s TTC ; celle-ci fait %s.",
                               euros(x->a, most, true), euros(x->a, t.incl, true)),
                  arena_printf(x->a, "An order comes to at most %s incl. VAT; this one is %s.",
                               euros(x->a, most, false), euros(x->a, t.incl, false)));
}

/* One UPDATE for every offer whose quantity in this order changes, by the difference
 * between the new quantity and what the order held (rows of offers are the locked
 * offers, old and new; row_of maps each new line to its row). */
static int move_stock_by_difference(db_conn *c, put_ctx *x, PGresult *offers, const int *row_of)
{
    int rows = PQntuples(offers);
    int64_t *want = arena_alloc(x->a, ((size_t)rows + 1) * sizeof *want);
    memset(want, 0, ((size_t)rows + 1) * sizeof *want);
    for (size_t i = 0; i < x->in->nlines; i++)
        want[row_of[i]] = x->in->lines[i].quantity; /* duplicates were refused */
    int64_t *ids = arena_alloc(x->a, ((size_t)rows + 1) * sizeof *ids);
    int64_t *delta = arena_alloc(x->a, ((size_t)rows + 1) * sizeof *delta);
    size_t n = 0;
    for (int r = 0; r < rows; r++) {
        int64_t d = want[r] - db_int(offers, r, "mine");
        if (d == 0)
            continue;
        ids[n] = db_int(offers, r, "id");
        delta[n++] = d;
    }
    if (n == 0)
        return 0;
    PGresult *res;
    int st = db_run_a(c, x->a, &move_stock, &res,
                      DB_P(db_int_array(x->a, ids, n), db_int_array(x->a, delta, n)));
    if (st != DB_OK)
        return st;
    if (strtoul(PQcmdTuples(res), NULL, 10) != n) /* locked and checked above: cannot happen */
        return refuse(x->why, 409, "out_of_stock", "lines", "Un produit vient d’être épuisé.",
                      "A product has just sold out.");
    return 0;
}

/* Does the order asked for hold other quantities than the one stored (offers: the
 * lock_offers rows, "mine" the stored quantity)? An order sent again unchanged is
 * no event: no "order changed" message for it. */
static bool quantities_differ(const put_ctx *x, PGresult *offers, const int *row_of)
{
    int rows = PQntuples(offers);
    int64_t total_mine = 0, total_want = 0;
    for (int r = 0; r < rows; r++)
        total_mine += db_int(offers, r, "mine") != 0;
    for (size_t i = 0; i < x->in->nlines; i++) {
        total_want++;
        if (db_int(offers, row_of[i], "mine") != x->in->lines[i].quantity)
            return true;
    }
    return total_mine != total_want;
}

static int put_tx(db_conn *c, void *p)
{
    put_ctx *x = p;
    const order_in *in = x->in;
    arena *a = x->a;
    char *hub = db_i64(a, in->hub), *cycle = db_i64(a, in->cycle),
         *customer = db_i64(a, in->customer), *entered_by = db_i64(a, in->entered_by);
    PGresult *r;
    int st;
    if ((st = cycle_gate_enter(c, a, in->cycle)) != DB_OK ||
        (st = db_run_a(c, a, &lock_cycle, &r, DB_P(hub, cycle))) != DB_OK)
        return st;
    if (PQntuples(r) == 0 || strcmp(db_val(r, 0, "state"), "open") != 0 ||
        !db_bool(r, 0, "in_window")) {
        x->opening_due =
            PQntuples(r) && !strcmp(db_val(r, 0, "state"), "draft") && db_bool(r, 0, "in_window");
        return cycle_refusal(x->why, PQntuples(r) ? db_val(r, 0, "state") : NULL);
    }
    hub_settings_from_row(r, 0, &x->limits);
    if ((st = db_run_a(c, a, &find_pickup, &r, DB_P(cycle, in->pickup_point))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 422, "unknown_pickup_point", "pickup_point",
                      "Choisissez un point de retrait de ce cycle.",
                      "Choose a pickup point of this cycle.");
    char *pickup = arena_strdup(a, db_val(r, 0, "id"));
    if ((st = db_run_a(c, a, &lock_order, &r, DB_P(cycle, customer))) != DB_OK)
        return st;
    bool exists = PQntuples(r) == 1;
    char *order_id = exists ? arena_strdup(a, db_val(r, 0, "id")) : "0";
    if (!exists && !in->entered_by) {
        /* the hub may ask a new account to confirm its address before a first order;
         * an order a coordinator types (phone, paper form) is vouched for by them, and
         * its customer may have no address at all (schema/017_paper.sql) */
        bool may;
        if ((st = account_may_order(c, a, in->hub, in->customer, &may)) != DB_OK)
            return st;
        if (!may)
            return refuse(x->why, 403, "email_not_verified", "email",
                          "Confirmez d’abord votre adresse e-mail : ouvrez le lien du message "
                          "reçu à l’inscription.",
                          "Confirm your email address first: open the link in the message you "
                          "received when you signed up.");
    }
    char *old_pickup = exists ? arena_strdup(a, db_val(r, 0, "pickup_point_id")) : NULL;

    const char **producers = arena_alloc(a, (in->nlines + 1) * sizeof *producers);
    const char **skus = arena_alloc(a, (in->nlines + 1) * sizeof *skus);
    for (size_t i = 0; i < in->nlines; i++) {
        producers[i] = in->lines[i].producer;
        skus[i] = in->lines[i].sku;
    }
    PGresult *offers;
    if ((st = db_run_a(c, a, &lock_offers, &offers,
                       DB_P(cycle, db_text_array(a, producers, in->nlines),
                            db_text_array(a, skus, in->nlines), order_id))) != DB_OK)
        return st;
    int *row_of = arena_alloc(a, (in->nlines + 1) * sizeof *row_of);
    if ((st = check_lines(x, offers, row_of)) != 0)
        return st;

    bool differs = !exists || quantities_differ(x, offers, row_of);
    fill_lines(x, offers, row_of);
    x->out->seller = x->limits.seller;
    if ((st = check_order_limit(x)) != 0 || (st = move_stock_by_difference(c, x, offers, row_of)))
        return st;
    if (exists && (st = db_do(c, &delete_lines, DB_P(order_id))) != DB_OK)
        return st;
    int64_t *ids = arena_alloc(a, (in->nlines + 1) * sizeof *ids);
    int64_t *qty = arena_alloc(a, (in->nlines + 1) * sizeof *qty);
    int64_t *net = arena_alloc(a, (in->nlines + 1) * sizeof *net);
    for (size_t i = 0; i < in->nlines; i++) {
        ids[i] = x->out->lines[i].offer_id;
        qty[i] = x->out->lines[i].quantity;
        net[i] = x->out->lines[i].net;
    }
    char *ids_a = db_int_array(a, ids, in->nlines), *qty_a = db_int_array(a, qty, in->nlines);
    differs = differs || strcmp(old_pickup, pickup) != 0;
    if (!exists || strcmp(old_pickup, pickup) != 0) {
        if (exists && ((st = db_do(c, &lock_pickups, DB_P(cycle, old_pickup, pickup))) != DB_OK ||
                       (st = db_do(c, &pickup_release, DB_P(cycle, old_pickup))) != DB_OK))
            return st;
        if ((st = db_run_a(c, a, &pickup_take, &r, DB_P(cycle, pickup))) != DB_OK)
            return st;
        if (strcmp(PQcmdTuples(r), "1") != 0)
            return refuse(x->why, 409, "pickup_point_full", "pickup_point",
                          "Ce point de retrait est complet pour ce cycle ; choisissez-en un autre.",
                          "This pickup point is full for this cycle; choose another one.");
    }
    if (exists) {
        if ((st = db_do(c, &update_order, DB_P(order_id, pickup, entered_by))) != DB_OK)
            return st;
    } else {
        st = db_run_a(c, a, &insert_order, &r, DB_P(hub, cycle, customer, pickup, entered_by));
        /* the same customer's first order, submitted twice at once: replay, and the
         * replay will find the order the other request created */
        if (st == DB_ERROR && db_error_is_constraint(c, "orders_cycle_id_customer_id_key"))
            return DB_RETRY;
        if (st != DB_OK)
            return st;
        order_id = arena_strdup(a, db_val(r, 0, "id"));
    }
    if ((st = db_do(c, &insert_lines,
                    DB_P(hub, order_id, ids_a, qty_a, db_int_array(a, net, in->nlines)))) != DB_OK)
        return st;
    /* how it is paid, checked against its lines as written (a balance must cover them) */
    if ((st = pay_order_method(c, a, in->hub, in->cycle, strtoll(order_id, NULL, 10), in->customer,
                               in->payment_method, x->why)) != 0)
        return st;
    /* the confirmation leaves with the order, or neither does; an order sent again
     * unchanged is no event */
    const char *payload = arena_printf(a, "{\"cycle\": %s, \"customer\": %s, \"order\": %s}", cycle,
                                       customer, order_id);
    if (differs && (st = outbox_event(c, a, in->hub, exists ? "order_changed" : "order_placed",
                                      payload)) != DB_OK)
        return st;
    if ((st = account_touch_customer(c, a, in->hub, in->customer)) != DB_OK)
        return st;
    /* the reply: the order as this transaction stored it */
    bool found;
    if ((st = order_get(c, a, in->hub, in->cycle, in->customer, x->out, &found)) != DB_OK)
        return st;
    return found ? 0 : DB_ERROR; /* written just above: cannot be missing */
}

int order_put(db_conn *c, arena *a, const order_in *in, order *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    if (in->nlines == 0)
        return refuse(why, 422, "empty_order", "lines",
                      "La commande est vide : choisissez au moins un produit.",
                      "The order is empty: choose at least one product.");
    if (in->nlines > ORDER_MAX_LINES)
        return refuse(why, 422, "too_many_lines", "lines", "Trop de lignes dans la commande.",
                      "Too many lines in the order.");
    put_ctx x = {a, in, out, why, false};
    int st = db_transaction(c, false, put_tx, &x);
    if (st > 0 && x.opening_due && (st = cycle_catch_up(c, in->hub)) == DB_OK)
        st = db_transaction(c, false, put_tx, &x);
    return st;
}

int order_get(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer, order *out,
              bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    PGresult *r;
    int st =
        db_run_a(c, a, &get_order, &r, DB_P(db_i64(a, hub), db_i64(a, cycle), db_i64(a, customer)));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    *found = true;
    out->id = db_int(r, 0, "id");
    out->cycle = db_int(r, 0, "cycle_id");
    seller_mode_parse(db_val(r, 0, "seller_mode"), &out->seller);
    out->pickup_point = db_val(r, 0, "pickup");
    out->pickup_name = db_val(r, 0, "pickup_name");
    out->pickup_address = db_val(r, 0, "pickup_address");
    out->pickup_opening = db_val(r, 0, "pickup_opening");
    out->cycle_name = db_val(r, 0, "cycle_name");
    out->delivery_date = db_val(r, 0, "delivery_date");
    out->closes_at = db_val(r, 0, "closes_at");
    out->updated_at = db_val(r, 0, "updated_at");
    out->editable = db_bool(r, 0, "editable");
    out->payment_method = db_val(r, 0, "payment_method");
    out->entered_by = db_int(r, 0, "entered_by");
    out->fee_net = db_int(r, 0, "order_fee_cents");
    out->fee_rate = (vat_bp_t)db_int(r, 0, "order_fee_vat_bp");
    out->entered_at = db_val(r, 0, "entered_at");
    out->nlines = db_null(r, 0, "offer_id") ? 0 : (size_t)PQntuples(r);
    out->lines = arena_alloc(a, (out->nlines + 1) * sizeof *out->lines);
    for (size_t i = 0; i < out->nlines; i++) {
        order_line *l = &out->lines[i];
        int k = (int)i;
        l->offer_id = db_int(r, k, "offer_id");
        l->producer_id = db_int(r, k, "producer_id");
        l->producer = db_val(r, k, "producer");
        l->producer_name = db_val(r, k, "producer_name");
        l->sku = db_val(r, k, "sku");
        l->name = db_val(r, k, "name");
        l->unit = db_val(r, k, "unit");
        l->quantity = db_int(r, k, "quantity_milli");
        l->unit_price = db_int(r, k, "unit_price_excl_vat_e4");
        l->vat_rate = (vat_bp_t)db_int(r, k, "vat_rate_bp");
        l->unit_price_incl = money_price_incl(l->unit_price, l->vat_rate);
        l->net = db_int(r, k, "line_excl_vat_cents");
        l->weight_g = money_weight_g(l->quantity, db_int(r, k, "weight_g"));
        l->measure = db_null(r, k, "measure") ? NULL : db_val(r, k, "measure");
        l->measure_price = db_int(r, k, "measure_price_excl_vat_e4");
        l->measure_price_incl = money_price_incl(l->measure_price, l->vat_rate);
        l->measure_estimate = db_int(r, k, "measure_estimate_milli");
        l->line_id = db_int(r, k, "line_id");
        l->delivered = db_int(r, k, "delivered");
        l->weight = db_int(r, k, "weighed");
        l->delivered_net = db_int(r, k, "delivered_net");
        l->substitute = db_bool(r, k, "substitute");
    }
    out->state = db_val(r, 0, "state");
    out->invoiced = !db_null(r, 0, "invoiced_incl");
    out->invoiced_incl = db_int(r, 0, "invoiced_incl");
    finish(out);
    return DB_OK;
}

typedef struct {
    arena *a;
    int64_t hub, cycle, customer;
    refusal *why;
} delete_ctx;

static int delete_tx(db_conn *c, void *p)
{
    delete_ctx *x = p;
    arena *a = x->a;
    char *cycle = db_i64(a, x->cycle);
    PGresult *r;
    int st = cycle_gate_enter(c, a, x->cycle);
    if (st != DB_OK ||
        (st = db_run_a(c, a, &lock_cycle, &r, DB_P(db_i64(a, x->hub), cycle))) != DB_OK)
        return st;
    if (PQntuples(r) == 0 || strcmp(db_val(r, 0, "state"), "open") != 0 ||
        !db_bool(r, 0, "in_window"))
        return cycle_refusal(x->why, PQntuples(r) ? db_val(r, 0, "state") : NULL);
    if ((st = db_run_a(c, a, &lock_order, &r, DB_P(cycle, db_i64(a, x->customer)))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "no_order", NULL, "Vous n’avez pas de commande dans ce cycle.",
                      "You have no order in this cycle.");
    const char *id = arena_strdup(a, db_val(r, 0, "id"));
    const char *pickup = arena_strdup(a, db_val(r, 0, "pickup_point_id"));
    if ((st = db_do(c, &lock_order_offers, DB_P(id))) != DB_OK ||
        (st = db_do(c, &release_lines, DB_P(id))) != DB_OK ||
        (st = db_do(c, &pickup_release, DB_P(cycle, pickup))) != DB_OK ||
        (st = db_do(c, &delete_order, DB_P(id))) != DB_OK)
        return st;
    return outbox_event(
        c, a, x->hub, "order_cancelled",
        arena_printf(a, "{\"cycle\": %s, \"customer\": %lld}", cycle, (long long)x->customer));
}

int order_delete(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer, refusal *why)
{
    delete_ctx x = {a, hub, cycle, customer, why};
    return db_transaction(c, false, delete_tx, &x);
}

db_status order_list(db_conn *c, arena *a, int64_t hub, int64_t customer, PGresult **r)
{
    return db_run_a(c, a, &list_orders, r, DB_P(db_i64(a, hub), db_i64(a, customer)));
}
