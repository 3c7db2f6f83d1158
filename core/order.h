/*
 * core/order.h — a consumer's order for a cycle: set it whole, read it, cancel it.
 *
 * The web form and the JSON API both call these functions, so the amounts a
 * consumer sees are the same everywhere and equal what the invoices will carry.
 */
#ifndef KM0_ORDER_H
#define KM0_ORDER_H

#include "db.h"
#include "hub_settings.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

#define ORDER_MAX_LINES    500
#define ORDER_MAX_QUANTITY 10000000 /* thousandths: 10 000 units or kg per line */

typedef struct order_line_in {
    const char *producer; /* slug */
    const char *sku;
    milli_t quantity;
} order_line_in;

typedef struct order_in {
    int64_t hub, cycle, customer;
    const char *pickup_point; /* slug */
    const order_line_in *lines;
    size_t nlines;
    /* how it is paid: one of the cycle's methods (core/payment.h); NULL keeps the
     * order's, or gives a new order its cycle's first */
    const char *payment_method;
    /* the coordinator typing the order for the customer (phone, paper form), 0 when
     * the customer does it: recorded on the order with the time */
    int64_t entered_by;
} order_in;

typedef struct order_line {
    int64_t offer_id, producer_id;
    const char *producer, *producer_name, *sku, *name, *unit;
    milli_t quantity;
    price4_t unit_price; /* excl. VAT */
    cents_t unit_price_incl;
    vat_bp_t vat_rate;
    cents_t net;      /* excl. VAT, as ordered (an estimate for a weighed offer) */
    int64_t weight_g; /* of the line */
    /* a weighed offer (core/delivery.h): sold per unit, priced per kg or litre */
    const char *measure; /* "kg", "l", NULL for a plain offer */
    price4_t measure_price;
    cents_t measure_price_incl;
    milli_t measure_estimate; /* of one unit, thousandths of the measure */
    /* as delivered, once the cycle is closed: the same as ordered until something changes */
    int64_t line_id;
    milli_t delivered;     /* units */
    milli_t weight;        /* weighed, thousandths of the measure; -1: not weighed */
    cents_t delivered_net; /* excl. VAT: what the invoice carries */
    bool substitute;       /* a substitute the customer accepted (ordered as 0) */
} order_line;

typedef struct order {
    int64_t id, cycle;
    seller_mode seller; /* the cycle's: who the totals are computed per */
    const char *pickup_point, *pickup_name, *pickup_address, *pickup_opening;
    const char *cycle_name, *delivery_date, *closes_at, *updated_at;
    bool editable;              /* the cycle is still open */
    const char *state;          /* the cycle's */
    const char *payment_method; /* "onsite", "transfer", "sepa_debit" or "balance" */
    order_line *lines;
    size_t nlines;
    money_totals totals; /* as ordered */
    int64_t weight_g;
    /* what the order comes to as delivered (core/delivery.h), seller by seller as the
     * invoices compute it; the same as totals until something changes */
    money_totals delivered_totals;
    bool changed;          /* a line delivered otherwise than ordered */
    bool estimate;         /* weighed units without their weight: the total is an estimate */
    bool invoiced;         /* its invoices are issued: */
    cents_t invoiced_incl; /* their total incl. VAT, less the credit notes */
    /* the hub's fixed fee per order, as the cycle froze it (schema/023): excl. VAT and
     * its rate; counted in totals (fee_ordered) and delivered_totals (fee_delivered)
     * when the order holds something, as invoiced by the hub (seller 0) */
    cents_t fee_net;
    vat_bp_t fee_rate;
    bool fee_ordered, fee_delivered;
    int64_t entered_by;     /* the coordinator who typed it last, 0 for the customer */
    const char *entered_at; /* when, ISO 8601; "" with entered_by 0 */
} order;

/* Set the caller's whole order for the cycle (create or replace): 0 and *out filled,
 * a refusal (> 0: why says which line or field), or a db_status. Stock taken and
 * released atomically; safe under any concurrency. The cycle's limits hold: a line
 * past max_line_milli or the share of a stock is refused with 422 over_line_limit on
 * lines[i].quantity, a whole order past max_order_cents with 422 over_order_limit. */
int order_put(db_conn *c, arena *a, const order_in *in, order *out, refusal *why);
/* The customer's order for the cycle, with what was delivered; *found false when there
 * is none. */
int order_get(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer, order *out,
              bool *found);
/* Cancel it, releasing its stock; a refusal when the cycle is closed or there is none. */
int order_delete(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer, refusal *why);
/* The customer's orders across cycles, newest first: id, cycle, cycle_name, state,
 * delivery_date, pickup_name, lines, editable, changes (of what was delivered),
 * invoiced_incl (invoices less credit notes, NULL before the invoices). */
db_status order_list(db_conn *c, arena *a, int64_t hub, int64_t customer, PGresult **r);

/* The most one order may hold of an offer under the cycle's limits, 0 for no limit: the
 * quantity per line, and the share of a limited stock (rounded down to the step, but at
 * least one step, so a scarce product can still be ordered). A subscription placed when
 * a cycle opens is held to the same (core/subscription_place.c). */
milli_t order_line_most(const hub_settings *lim, bool limited, milli_t stock, milli_t step);

/* The seller of an offer's line on the invoices under a cycle's seller mode: 0 (the
 * hub) or the producer. */
int64_t order_seller(seller_mode m, int64_t producer_id);

#endif
