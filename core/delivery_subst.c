/*
 * core/delivery_subst.c — a substitute for a product delivered short, as the customer
 * accepts it.
 *
 * A producer or the coordinator proposes another product of the cycle in place of a
 * line delivered short; nothing is delivered until the customer says yes on their order
 * page (or through the API). Accepted, the substitute becomes a line of the order,
 * ordered as 0 and delivered as proposed, at the substitute offer's frozen price, with
 * its trail row; declined, it stays a declined proposal. The stock counters of the
 * offers are left alone: they count what was ordered, and the cycle is closed.
 */
#include "cycle.h"
#include "delivery_int.h"
#include "util.h"

DB_STMT(subst_line_of,
        "SELECT l.order_id, l.offer_id, f.producer_id, f.name"
        " FROM order_lines l JOIN orders o ON o.id = l.order_id JOIN offers f ON f.id = l.offer_id"
        " WHERE l.id = $1 AND o.cycle_id = $2 AND o.hub_id = $3");
DB_STMT(subst_offer,
        "SELECT f.id, f.producer_id, f.name, f.unit, f.step_milli,"
        " EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = $5 AND l.offer_id = f.id) AS held,"
        " EXISTS (SELECT 1 FROM substitutions s WHERE s.order_id = $5"
        "         AND s.substitute_offer_id = f.id) AS proposed"
        " FROM offers f JOIN producers p ON p.id = f.producer_id"
        " WHERE f.cycle_id = $1 AND f.hub_id = $2 AND p.slug = $3 AND f.sku = $4");
DB_STMT(subst_insert,
        "INSERT INTO substitutions (hub_id, cycle_id, order_id, offer_id, substitute_offer_id,"
        " quantity_milli, reason, proposed_by) VALUES ($1, $2, $3, $4, $5, $6, $7,"
        " nullif($8, '0')::bigint) RETURNING id");
DB_STMT(subst_of_customer,
        "SELECT s.id, s.state, s.cycle_id, s.order_id, s.offer_id, s.substitute_offer_id,"
        " s.quantity_milli, s.reason, f.price_excl_vat_e4, f.vat_rate_bp"
        " FROM substitutions s JOIN orders o ON o.id = s.order_id"
        " JOIN offers f ON f.id = s.substitute_offer_id"
        " WHERE s.hub_id = $1 AND s.id = $2 AND o.customer_id = $3");
DB_STMT(subst_answer, "UPDATE substitutions SET state = $2, answered_at = now()"
                      " WHERE id = $1 AND state = 'proposed'");
/* The accepted substitute as a line, and its trail row (an insert: the trigger of
 * schema/010 watches updates). */
DB_STMT(
    subst_accept,
    "WITH l AS (INSERT INTO order_lines (hub_id, order_id, offer_id, quantity_milli,"
    "   unit_price_excl_vat_e4, vat_rate_bp, line_excl_vat_cents, delivered_milli,"
    "   delivered_net_cents, substitutes_offer_id)"
    "   VALUES ($1, $2, $3, 0, $4, $5, 0, $6, $7, $8) RETURNING id, hub_id, order_id, offer_id)"
    " INSERT INTO delivery_changes (hub_id, cycle_id, order_id, offer_id, line_id, user_id, via,"
    "   kind, old_delivered_milli, new_delivered_milli, old_net_cents, new_net_cents, reason)"
    " SELECT l.hub_id, $9, l.order_id, l.offer_id, l.id, nullif($10, '0')::bigint, $11,"
    "   'substitution', NULL, $6, NULL, $7, $12 FROM l");

typedef struct propose_ctx {
    arena *a;
    const substitution_in *in;
    const char *reason;
    int64_t id;
    refusal *why;
} propose_ctx;

static int propose_tx(db_conn *c, void *p)
{
    propose_ctx *x = p;
    const substitution_in *in = x->in;
    arena *a = x->a;
    dl_cycle cy;
    PGresult *line, *offer;
    int st = dl_lock_cycle(c, a, in->hub, in->cycle, &cy, x->why);
    if (st != 0 || (st = db_run_a(c, a, &subst_line_of, &line,
                                  DB_P(db_i64(a, in->line), db_i64(a, in->cycle),
                                       db_i64(a, in->hub)))) != DB_OK)
        return st;
    if (PQntuples(line) == 0)
        return refuse(x->why, 404, "unknown_line", "line",
                      arena_printf(a, "Aucune ligne n° %lld dans les commandes de ce cycle.",
                                   (long long)in->line),
                      arena_printf(a, "No line %lld in this cycle's orders.", (long long)in->line));
    const char *order = db_val(line, 0, "order_id");
    if ((st = db_run_a(c, a, &subst_offer, &offer,
                       DB_P(db_i64(a, in->cycle), db_i64(a, in->hub),
                            in->producer ? in->producer : "", in->sku ? in->sku : "", order))) !=
        DB_OK)
        return st;
    if (PQntuples(offer) == 0)
        return refuse(x->why, 404, "unknown_product", "sku",
                      "Le produit de remplacement n’est pas proposé dans ce cycle.",
                      "The substitute is not offered in this cycle.");
    const char *name = db_val(offer, 0, "name"), *unit = db_val(offer, 0, "unit");
    if (in->who.producer && (db_int(line, 0, "producer_id") != in->who.producer ||
                             db_int(offer, 0, "producer_id") != in->who.producer))
        return refuse(x->why, 403, "not_your_product", "sku",
                      "Vous ne remplacez que vos produits par vos produits.",
                      "You substitute only your products with your products.");
    if (db_bool(offer, 0, "held"))
        return refuse(x->why, 409, "already_in_order", "sku",
                      arena_printf(a, "La commande contient déjà « %s ».", name),
                      arena_printf(a, "The order already holds \"%s\".", name));
    if (db_bool(offer, 0, "proposed"))
        return refuse(x->why, 409, "already_proposed", "sku",
                      arena_printf(a, "« %s » a déjà été proposé à ce client.", name),
                      arena_printf(a, "\"%s\" was already proposed to this customer.", name));
    milli_t step = db_int(offer, 0, "step_milli");
    if (in->quantity <= 0 || in->quantity % step != 0)
        return refuse(
            x->why, 422, "invalid_quantity", "quantity",
            arena_printf(a, "%s se vend par %s.", name, dl_amount(a, step, unit, true)),
            arena_printf(a, "%s is sold in steps of %s.", name, dl_amount(a, step, unit, false)));
    PGresult *r;
    if ((st = db_run_a(c, a, &subst_insert, &r,
                       DB_P(db_i64(a, in->hub), db_i64(a, in->cycle), order,
                            db_val(line, 0, "offer_id"), db_val(offer, 0, "id"),
                            db_i64(a, in->quantity), x->reason, db_i64(a, in->who.user)))) != DB_OK)
        return st;
    x->id = db_int(r, 0, "id");
    return 0;
}

int delivery_substitute(db_conn *c, arena *a, const substitution_in *in, int64_t *id, refusal *why)
{
    *id = 0;
    propose_ctx x = {a, in, NULL, 0, why};
    int st = dl_reason(a, in->reason, "Produit manquant · Product missing", &x.reason, why);
    if (st != 0 || (st = cycle_catch_up(c, in->hub)) != DB_OK)
        return st;
    if ((st = db_transaction(c, false, propose_tx, &x)) == 0)
        *id = x.id;
    return st;
}

typedef struct answer_ctx {
    arena *a;
    int64_t hub, customer, user, id;
    const char *via;
    bool accept;
    refusal *why;
} answer_ctx;

static int answer_tx(db_conn *c, void *p)
{
    answer_ctx *x = p;
    arena *a = x->a;
    PGresult *s;
    int st = db_run_a(c, a, &subst_of_customer, &s,
                      DB_P(db_i64(a, x->hub), db_i64(a, x->id), db_i64(a, x->customer)));
    if (st != DB_OK)
        return st;
    if (PQntuples(s) == 0)
        return refuse(x->why, 404, "unknown_substitution", "substitution",
                      "Aucune proposition de remplacement de ce numéro pour vous.",
                      "No such substitution was proposed to you.");
    dl_cycle cy;
    if ((st = dl_lock_cycle(c, a, x->hub, db_int(s, 0, "cycle_id"), &cy, x->why)) != 0)
        return st;
    PGresult *u;
    if ((st = db_run_a(c, a, &subst_answer, &u,
                       DB_P(db_val(s, 0, "id"), x->accept ? "accepted" : "declined"))) != DB_OK)
        return st;
    if (!str_eq(PQcmdTuples(u), "1"))
        return refuse(x->why, 409, "already_answered", "substitution",
                      "Vous avez déjà répondu à cette proposition.",
                      "You have already answered this proposal.");
    if (!x->accept)
        return 0;
    milli_t q = db_int(s, 0, "quantity_milli");
    cents_t net = money_line_net(q, db_int(s, 0, "price_excl_vat_e4"));
    return db_do(c, &subst_accept,
                 DB_P(db_i64(a, x->hub), db_val(s, 0, "order_id"),
                      db_val(s, 0, "substitute_offer_id"), db_val(s, 0, "price_excl_vat_e4"),
                      db_val(s, 0, "vat_rate_bp"), db_i64(a, q), db_i64(a, net),
                      db_val(s, 0, "offer_id"), db_val(s, 0, "cycle_id"), db_i64(a, x->user),
                      x->via, db_val(s, 0, "reason")));
}

int delivery_substitution_answer(db_conn *c, arena *a, int64_t hub, int64_t customer, int64_t user,
                                 const char *via, int64_t id, bool accept, refusal *why)
{
    answer_ctx x = {a, hub, customer, user, id, via, accept, why};
    int st = cycle_catch_up(c, hub);
    return st != DB_OK ? st : db_transaction(c, false, answer_tx, &x);
}
