/*
 * core/delivery_shortage.c — a product delivered short, or one line set.
 *
 * A product short by N units: its lines are read with the rank of their order (when it
 * was placed), the cycle's rule splits the N units among them (core/shortage.h), and
 * the lines that lose something are written at once. One line set to a number of units
 * (zero: nothing delivered) is the same write for one line. A line's amount follows its
 * units at its frozen unit price; a weighed line whose units change loses its weight
 * (the pieces must be weighed again, or their estimate accepted at invoicing).
 */
#include "cycle.h"
#include "delivery_int.h"
#include "shortage.h"
#include "unit.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

DB_STMT(shortage_offer, "SELECT f.id, f.producer_id, f.name, f.unit, f.step_milli, f.measure"
                        " FROM offers f JOIN producers p ON p.id = f.producer_id"
                        " WHERE f.cycle_id = $1 AND f.hub_id = $2 AND p.slug = $3 AND f.sku = $4");
/* placed: when the order was placed, in microseconds; ranked in C (order id breaks ties) */
DB_STMT(shortage_lines, "SELECT l.id, l.order_id, l.quantity_milli,"
                        " coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
                        " coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS net,"
                        " l.unit_price_excl_vat_e4,"
                        " (extract(epoch FROM o.created_at) * 1000000)::bigint AS placed"
                        " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                        " WHERE l.offer_id = $1 AND l.substitutes_offer_id IS NULL");
DB_STMT(one_line, "SELECT l.id, l.order_id, l.quantity_milli,"
                  " coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
                  " coalesce(l.delivered_net_cents, l.line_excl_vat_cents) AS net,"
                  " l.unit_price_excl_vat_e4, l.substitutes_offer_id IS NOT NULL AS substitute,"
                  " f.producer_id, f.name, f.unit, f.step_milli, f.measure"
                  " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                  " JOIN offers f ON f.id = l.offer_id"
                  " WHERE l.id = $1 AND o.cycle_id = $2 AND o.hub_id = $3");

typedef struct shortage_ctx {
    arena *a;
    const shortage_in *in;
    shortage_result *out;
    refusal *why;
    const char *reason;
} shortage_ctx;

static int not_yours(shortage_ctx *x, const char *name)
{
    return refuse(x->why, 403, "not_your_product", x->in->line ? "line" : "sku",
                  arena_printf(x->a, "« %s » n’est pas l’un de vos produits.", name),
                  arena_printf(x->a, "\"%s\" is not one of your products.", name));
}

/* The amount of a line of d units: its frozen unit price (for a weighed offer, the
 * estimated price of a piece, until the pieces are weighed again). */
static cents_t amount_of(milli_t d, price4_t unit_price)
{
    return d > 0 ? money_line_net(d, unit_price) : 0;
}

/* Write the changes out->changes, after stating why. */
static int write_changes(db_conn *c, shortage_ctx *x, const char *kind, const int64_t *weighed)
{
    shortage_result *o = x->out;
    size_t n = o->nchanges;
    int64_t *ids = arena_alloc(x->a, (n + 1) * sizeof *ids);
    int64_t *del = arena_alloc(x->a, (n + 1) * sizeof *del);
    int64_t *net = arena_alloc(x->a, (n + 1) * sizeof *net);
    for (size_t i = 0; i < n; i++) {
        ids[i] = o->changes[i].line;
        del[i] = o->changes[i].after;
        net[i] = o->changes[i].net_after;
    }
    int st = n ? dl_trail(c, x->a, x->in->cycle, &x->in->who, kind, x->reason) : DB_OK;
    return st == DB_OK ? dl_write(c, x->a, ids, del, weighed, net, n) : st;
}

/* Each line with what it delivers and the rank of its order: 1 for the order placed
 * first (created_at, then order id), n for the last. */
typedef struct placed {
    int64_t at, order;
    size_t row;
} placed;

static int by_placing(const void *a, const void *b)
{
    const placed *x = a, *y = b;
    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return (x->order > y->order) - (x->order < y->order);
}

static void rank_lines(arena *a, const PGresult *r, shortage_line *sl, size_t n)
{
    placed *p = arena_alloc(a, (n + 1) * sizeof *p);
    for (size_t i = 0; i < n; i++)
        p[i] = (placed){db_int(r, (int)i, "placed"), db_int(r, (int)i, "order_id"), i};
    qsort(p, n, sizeof *p, by_placing);
    for (size_t k = 0; k < n; k++)
        sl[p[k].row] = (shortage_line){db_int(r, (int)p[k].row, "delivered"), (int64_t)k + 1};
}

static int product_short(db_conn *c, shortage_ctx *x, const dl_cycle *cy)
{
    const shortage_in *in = x->in;
    arena *a = x->a;
    PGresult *r, *lines;
    int st = db_run_a(c, a, &shortage_offer, &r,
                      DB_P(db_i64(a, in->cycle), db_i64(a, in->hub), in->producer, in->sku));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "unknown_product", "sku",
                      arena_printf(a, "« %s » de « %s » n’est pas proposé dans ce cycle.", in->sku,
                                   in->producer),
                      arena_printf(a, "\"%s\" of \"%s\" is not offered in this cycle.", in->sku,
                                   in->producer));
    const char *name = db_val(r, 0, "name"), *unit = db_val(r, 0, "unit");
    milli_t step = db_int(r, 0, "step_milli");
    x->out->name = name;
    x->out->unit = unit;
    x->out->rule = cy->rule;
    if (in->who.producer && db_int(r, 0, "producer_id") != in->who.producer)
        return not_yours(x, name);
    if (in->missing <= 0 || in->missing % step != 0)
        return refuse(
            x->why, 422, "invalid_quantity", "missing",
            arena_printf(a, "%s se vend par %s : le manque se compte ainsi, et est positif.", name,
                         dl_amount(a, step, unit, true)),
            arena_printf(a, "%s is sold in steps of %s: a shortage counts in them, above 0.", name,
                         dl_amount(a, step, unit, false)));
    if ((st = db_run_a(c, a, &shortage_lines, &lines, DB_P(db_val(r, 0, "id")))) != DB_OK)
        return st;
    size_t n = (size_t)PQntuples(lines);
    shortage_line *sl = arena_alloc(a, (n + 1) * sizeof *sl);
    rank_lines(a, lines, sl, n);
    milli_t can = shortage_available(sl, n, step);
    if (in->missing > can)
        return refuse(x->why, 422, "shortage_too_large", "missing",
                      arena_printf(a,
                                   "Il manque %s de %s, mais les commandes n’en attendent que %s.",
                                   dl_amount(a, in->missing, unit, true), name,
                                   dl_amount(a, can, unit, true)),
                      arena_printf(a, "%s of %s are missing, but the orders only expect %s.",
                                   dl_amount(a, in->missing, unit, false), name,
                                   dl_amount(a, can, unit, false)));
    milli_t *take = arena_alloc(a, (n + 1) * sizeof *take);
    if (shortage_split(cy->rule, sl, n, in->missing, step, take) != 0)
        return DB_ERROR; /* checked just above: cannot happen */
    shortage_result *o = x->out;
    o->missing = in->missing;
    o->changes = arena_alloc(a, (n + 1) * sizeof *o->changes);
    int64_t *weighed = arena_alloc(a, (n + 1) * sizeof *weighed);
    for (size_t i = 0; i < n; i++) {
        if (!take[i])
            continue;
        int k = (int)i;
        milli_t after = sl[i].have - take[i];
        weighed[o->nchanges] = -1; /* fewer pieces: weighed again, or the estimate */
        o->changes[o->nchanges++] = (shortage_change){
            .line = db_int(lines, k, "id"),
            .order = db_int(lines, k, "order_id"),
            .before = sl[i].have,
            .after = after,
            .net_before = db_int(lines, k, "net"),
            .net_after = amount_of(after, db_int(lines, k, "unit_price_excl_vat_e4"))};
    }
    return write_changes(c, x, "shortage", weighed);
}

static int line_set(db_conn *c, shortage_ctx *x)
{
    const shortage_in *in = x->in;
    arena *a = x->a;
    PGresult *r;
    int st = db_run_a(c, a, &one_line, &r,
                      DB_P(db_i64(a, in->line), db_i64(a, in->cycle), db_i64(a, in->hub)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "unknown_line", "line",
                      arena_printf(a, "Aucune ligne n° %lld dans les commandes de ce cycle.",
                                   (long long)in->line),
                      arena_printf(a, "No line %lld in this cycle's orders.", (long long)in->line));
    const char *name = db_val(r, 0, "name"), *unit = db_val(r, 0, "unit");
    x->out->name = name;
    x->out->unit = unit;
    if (in->who.producer && db_int(r, 0, "producer_id") != in->who.producer)
        return not_yours(x, name);
    milli_t ordered = db_int(r, 0, "quantity_milli"), have = db_int(r, 0, "delivered");
    bool substitute = db_bool(r, 0, "substitute");
    const unit_def *u = unit_by_code(unit);
    if (in->delivered < 0 || (u && u->kind == UNIT_COUNT && in->delivered % 1000 != 0))
        return refuse(x->why, 422, "invalid_quantity", "delivered",
                      arena_printf(a, "%s se livre par %s entier(s), zéro compris.", name,
                                   dl_amount(a, 1000, unit, true)),
                      arena_printf(a, "%s is delivered in whole %ss, zero included.", name,
                                   u ? u->label_en : unit));
    milli_t most = substitute ? have : ordered;
    if (in->delivered > most)
        return refuse(x->why, 422, "more_than_ordered", "delivered",
                      arena_printf(a, "Cette ligne de %s attend %s : on n’en livre pas plus.", name,
                                   dl_amount(a, most, unit, true)),
                      arena_printf(a, "This line of %s expects %s: no more is delivered.", name,
                                   dl_amount(a, most, unit, false)));
    if (in->delivered == have)
        return 0; /* nothing changes, nothing is written */
    shortage_result *o = x->out;
    o->missing = have - in->delivered;
    o->changes = arena_alloc(a, sizeof *o->changes);
    o->changes[0] = (shortage_change){
        .line = in->line,
        .order = db_int(r, 0, "order_id"),
        .before = have,
        .after = in->delivered,
        .net_before = db_int(r, 0, "net"),
        .net_after = amount_of(in->delivered, db_int(r, 0, "unit_price_excl_vat_e4"))};
    o->nchanges = 1;
    int64_t weighed = -1; /* other units: weighed again */
    return write_changes(c, x, "line", &weighed);
}

static int shortage_tx(db_conn *c, void *p)
{
    shortage_ctx *x = p;
    *x->out = (shortage_result){0};
    dl_cycle cy;
    int st = dl_lock_cycle(c, x->a, x->in->hub, x->in->cycle, &cy, x->why);
    if (st != 0)
        return st;
    x->out->rule = cy.rule;
    return x->in->line ? line_set(c, x) : product_short(c, x, &cy);
}

int delivery_shortage(db_conn *c, arena *a, const shortage_in *in, shortage_result *out,
                      refusal *why)
{
    *out = (shortage_result){0};
    if (!in->line && (!in->producer || !*in->producer || !in->sku || !*in->sku))
        return refuse(why, 422, "missing_field", "sku",
                      "Nommez le produit (producteur et référence) ou la ligne.",
                      "Name the product (producer and sku) or the line.");
    shortage_ctx x = {a, in, out, why, NULL};
    int st = dl_reason(a, in->reason, "Livré en moins · Delivered short", &x.reason, why);
    if (st != 0 || (st = cycle_catch_up(c, in->hub)) != DB_OK)
        return st;
    return db_transaction(c, false, shortage_tx, &x);
}
