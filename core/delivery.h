/*
 * core/delivery.h — what was really delivered: weights, shortages, substitutions.
 *
 * An order line keeps what was ordered (quantity, frozen price, amount); beside it
 * (schema/010) live the units delivered, the weight weighed for a product priced by the
 * kg or litre, and the line's delivered amount, which is what the invoice carries. Each
 * change is one transaction that
 *   1. takes the cycle row FOR SHARE (invoicing and batching take it FOR UPDATE, so a
 *      change and an issue never interleave) and checks its state: closed or batched —
 *      not before the orders close, never once invoiced (a correction after issue is a
 *      credit note, core/invoicing.h);
 *   2. locks the order lines it touches FOR UPDATE, in id order;
 *   3. checks every row it was given, collecting every problem (a file is all or
 *      nothing, each problem named by its line and column, in French and English);
 *   4. writes every line with one UPDATE over arrays, after stating who, how and why
 *      (set_config, core/delivery_db.c): a trigger on order_lines writes one
 *      delivery_changes row per line changed and refuses a change without them.
 * Amounts are computed here, in C, with core/money.h: a weighed line is its weight ×
 * the price per kg (or litre), rounded once; a plain line its delivered units × its
 * unit price.
 *
 * The packing-table page (server/p_weigh.c), the JSON API (server/h_deliveries.c) and
 * the command line (km0 weigh, km0 shortage) all call these functions.
 */
#ifndef KM0_DELIVERY_H
#define KM0_DELIVERY_H

#include "db.h"
#include "hub_settings.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DELIVERY_MAX_ROWS   100000 /* rows of one weigh-in (a scale's file, a JSON body) */
#define DELIVERY_REASON_MAX 500    /* characters */
/* A weight further than this factor from the estimate is refused as a mistake. */
#define DELIVERY_WEIGHT_FACTOR 3

/* Who changes something, and through what. */
typedef struct delivery_actor {
    int64_t user;     /* 0: the command line */
    int64_t producer; /* a producer changes only their own lines; 0: a coordinator */
    const char *via;  /* "page", "api" or "cli" */
} delivery_actor;

/* ---- weigh-in ----------------------------------------------------------------------- */

/* One weight: of the line with this id, or of the product sku (of producer, when two
 * producers of a bag share the sku) in bag number bag. Several rows for one line add
 * up (a scale that weighs each piece). The at_ texts say where each value came from
 * ("scale.csv:5:3", "weights[2].bag"), and are the field of the problems about it. */
typedef struct weigh_row {
    int64_t line; /* 0: find it by bag and sku */
    int64_t bag;
    const char *producer; /* slug, or NULL */
    const char *sku;
    milli_t weight; /* thousandths of the measure: grams of a kg, millilitres of a litre */
    const char *at_line, *at_bag, *at_sku, *at_weight;
} weigh_row;

typedef struct weigh_in {
    int64_t hub, cycle;
    delivery_actor who;
    const weigh_row *rows;
    size_t nrows;
    const char *reason; /* NULL or "": "Pesée · Weighed" */
} weigh_in;

/* A line as weighed (in the reply). */
typedef struct weighed_line {
    int64_t line, bag; /* bag 0: the cycle has no rounds yet */
    const char *producer, *sku, *name, *measure;
    milli_t pieces, weight, estimate; /* estimate: of the pieces, in the measure */
    cents_t net;                      /* excl. VAT, as delivered */
    bool changed;                     /* the weight differs from what was recorded */
} weighed_line;

typedef struct weigh_result {
    weighed_line *lines; /* by bag, then line id */
    size_t nlines, changed;
} weigh_result;

/* Record the weights, all or none. Refusals (every problem in why->details, fields
 * from the rows' at_ texts): 404 cycle_not_found; 409 cycle_not_closed, cycle_invoiced;
 * 422 no_rows, unknown_bag, unknown_line, unknown_product, ambiguous_sku, not_weighed,
 * nothing_delivered, invalid_weight, implausible_weight; 403 not_your_product. */
int delivery_weigh(db_conn *c, arena *a, const weigh_in *in, weigh_result *out, refusal *why);

/* ---- shortages ---------------------------------------------------------------------- */

typedef struct shortage_in {
    int64_t hub, cycle;
    delivery_actor who;
    /* either a product short by `missing` units, split by the cycle's rule... */
    const char *producer, *sku;
    milli_t missing;
    /* ...or one line (line > 0) set to `delivered` units (0: nothing delivered) */
    int64_t line;
    milli_t delivered;
    const char *reason; /* NULL or "": "Livré en moins · Delivered short" */
} shortage_in;

/* One line a shortage changed. */
typedef struct shortage_change {
    int64_t line, order;
    milli_t before, after;
    cents_t net_before, net_after;
} shortage_change;

typedef struct shortage_result {
    shortage_rule rule; /* the cycle's (for a product) */
    const char *name, *unit;
    milli_t missing; /* units taken in all */
    shortage_change *changes;
    size_t nchanges;
} shortage_result;

/* Apply a shortage, all or none. Refusals: 404 cycle_not_found, unknown_product,
 * unknown_line; 409 cycle_not_closed, cycle_invoiced; 403 not_your_product; 422
 * invalid_quantity (not positive, not in whole steps or units), shortage_too_large
 * (more than the lines hold), more_than_ordered (a line set above what was ordered),
 * invalid_reason. A line's weight, if it had one and its units change, is cleared: it
 * must be weighed again (or its estimate accepted). */
int delivery_shortage(db_conn *c, arena *a, const shortage_in *in, shortage_result *out,
                      refusal *why);

/* ---- substitutions ------------------------------------------------------------------ */

typedef struct substitution_in {
    int64_t hub, cycle;
    delivery_actor who;
    int64_t line;               /* the line delivered short */
    const char *producer, *sku; /* the substitute, an offer of the same cycle */
    milli_t quantity;
    const char *reason;
} substitution_in;

/* Propose a substitute to the line's customer; *id gets the proposal. Refusals: 404
 * unknown_line, unknown_product; 409 cycle_not_closed, cycle_invoiced,
 * already_in_order (the order holds that product already), already_proposed; 403
 * not_your_product; 422 invalid_quantity, invalid_reason. */
int delivery_substitute(db_conn *c, arena *a, const substitution_in *in, int64_t *id, refusal *why);

/* The customer answers a proposal of their order: accepted, it becomes a line of the
 * order (ordered 0, delivered its quantity at the substitute's frozen price, audited);
 * declined, nothing is delivered. Refusals: 404 unknown_substitution; 409
 * cycle_invoiced, already_answered. */
int delivery_substitution_answer(db_conn *c, arena *a, int64_t hub, int64_t customer, int64_t user,
                                 const char *via, int64_t id, bool accept, refusal *why);

/* ---- invoicing ---------------------------------------------------------------------- */

/* Inside the issuing transaction, the cycle locked: the weighed lines with units
 * delivered and no weight. Without accept, a 409 weights_missing listing them (bag,
 * product; up to 20 in details). With accept, each takes its estimate as weight
 * (audited as kind "estimate" by user via `via`), and the cycle records who accepted
 * and when. *accepted counts the lines. */
int delivery_before_issue(db_conn *c, arena *a, int64_t hub, int64_t cycle, bool accept,
                          int64_t user, const char *via, int64_t *accepted, refusal *why);

/* Inside a credit note's transaction: the order lines the credit note's lines give back
 * lose what they credit (units, or weight for a weighed line, and amount), audited as
 * kind "credit" with the credit note's number in the reason, under the cycle's delivery
 * lock. lines/qty/net are order line ids and what is credited on each. */
db_status delivery_record_credit(db_conn *c, arena *a, int64_t cycle, const char *credit_number,
                                 const char *reason, int64_t user, const char *via,
                                 const int64_t *lines, const milli_t *qty, const cents_t *net,
                                 size_t n);

/* ---- what was delivered, for pages, documents and messages -------------------------- */

/* One recorded change of a line (delivery_changes). */
typedef struct delivery_change {
    int64_t order, line, customer;
    const char *at;   /* ISO 8601 */
    const char *kind; /* shortage, line, weight, estimate, substitution, credit */
    const char *product, *producer_name, *unit, *measure;
    milli_t old_delivered, new_delivered; /* old -1: the line was added (a substitute) */
    milli_t old_weight, new_weight;       /* -1: not weighed */
    cents_t old_net, new_net;
    const char *reason;
    const char *by; /* the user's e-mail, "" for the command line (not for customers) */
} delivery_change;

/* What changed in one order (order > 0) or in every order of the cycle (order 0), in
 * order then time: the data a message to each customer needs (issue 18). */
db_status delivery_changes_list(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t order,
                                delivery_change **out, size_t *n);

/* A line to weigh, as the packing-table page and GET …/deliveries list them. */
typedef struct delivery_line {
    int64_t line, order, bag; /* bag 0: not batched yet */
    const char *customer, *producer, *producer_name, *sku, *name, *unit;
    const char *measure;                /* "kg", "l", or NULL for a plain product */
    milli_t ordered, delivered, weight; /* weight -1: not weighed */
    milli_t estimate;                   /* weighed: the measure expected for the units delivered */
    price4_t measure_price;             /* weighed: excl. VAT per kg or litre */
    cents_t net;                        /* as delivered now (an estimate when not weighed) */
    bool substitute;
} delivery_line;

typedef struct delivery_list {
    const char *state, *cycle_name, *delivery_date;
    shortage_rule rule;
    delivery_line *lines;
    size_t nlines;
    size_t to_weigh; /* weighed lines with units delivered and no weight */
} delivery_list;

/* The lines of a cycle (a producer's when producer > 0; only weighed ones when
 * weighed_only), by bag then product, from bag `from` on, at most limit (0: all).
 * Refusal 404 cycle_not_found. */
int delivery_lines(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t producer,
                   bool weighed_only, int64_t from, size_t limit, delivery_list *out, refusal *why);

/* A product of the cycle with orders, and what of it is delivered (the shortage form). */
typedef struct delivery_product {
    const char *producer, *producer_name, *sku, *name, *unit, *measure;
    milli_t step, ordered, delivered;
    int64_t orders;
} delivery_product;

/* The products ordered in a cycle (a producer's when producer > 0), by producer then
 * name. */
db_status delivery_products(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t producer,
                            delivery_product **out, size_t *n);

/* A pending or answered substitution of an order, for its customer. */
typedef struct substitution {
    int64_t id;
    const char *state, *reason;
    const char *short_name, *name, *producer_name, *unit;
    milli_t quantity;
    cents_t net; /* at the substitute's frozen price, excl. VAT */
    cents_t unit_incl;
} substitution;

db_status delivery_substitutions(db_conn *c, arena *a, int64_t hub, int64_t order,
                                 substitution **out, size_t *n);

/* "2 pièces" / "2 pieces", "0,5 kg": an amount of a unit as words say it. */
const char *delivery_amount_text(arena *a, milli_t q, const char *unit, bool fr);

/* Labels for people: a change's kind ("pesée" / "weighed"), a rule's name. */
const char *delivery_kind_label(const char *kind, bool fr);
const char *shortage_rule_label(shortage_rule r, bool fr);

#endif
