/*
 * core/orderform.h — the offers of a cycle as the paper order form lists them.
 *
 * The paper form (reports/rpt_orderform.c) and the desk page where a coordinator
 * types it back (server/p_desk_orders.c) read the same list in the same order,
 * producer by producer, category by category, product by product, each with its
 * number on the form: the coordinator types the quantities down the paper in the
 * order they are written.
 */
#ifndef KM0_ORDERFORM_H
#define KM0_ORDERFORM_H

#include "db.h"
#include "money.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct orderform_offer {
    int number; /* on the form, from 1 */
    int64_t id;
    const char *producer, *producer_name; /* slug, name */
    const char *category, *sku, *name, *unit;
    price4_t price; /* excl. VAT */
    vat_bp_t rate;
    cents_t price_incl; /* as the shop shows it */
    milli_t step;
    milli_t left; /* -1: unlimited */
    int64_t weight_g;
    int organic; /* 1 yes, 0 no, -1 not said */
    /* the price per kg or per litre incl. VAT when the unit is not one already and it
     * can be known (weight or volume units, or a weight per piece); ref_unit NULL else */
    cents_t ref_price;
    const char *ref_unit; /* "kg" or "l" */
} orderform_offer;

/* Every offer of the hub's cycle in the form's order; n 0 for a cycle without
 * offers or of another hub. Allocated from a. */
db_status orderform_offers(db_conn *c, arena *a, int64_t hub, int64_t cycle, orderform_offer **out,
                           size_t *n);

/* The price per kg or litre of a unit price incl. VAT (see ref_price): true and
 * *per, *ref_unit when it is meaningful. Pure. */
bool orderform_ref_price(const char *unit, int64_t weight_g, cents_t price_incl, cents_t *per,
                         const char **ref_unit);

#endif
