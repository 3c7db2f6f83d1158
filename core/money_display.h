/*
 * core/money_display.h — amounts including VAT as a consumer reads them, adding up
 * to the cent to what the invoices will say.
 *
 * The invoices (EN 16931) carry each line excluding VAT and compute the VAT once
 * per seller and rate, on the sum of those lines (core/money.h). A consumer reads
 * prices including VAT and checks a line by hand: 1,5 kg × 2,50 € = 3,75 €. The
 * rule that reconciles the two:
 *
 *   1. each line shows quantity × unit price incl. VAT (as the shop shows it, to
 *      the cent), rounded to the cent half away from zero: what a reader computes;
 *   2. per seller and rate, the lines must add up to the invoice's amount for
 *      them: base + VAT(base). The difference D (a cent or a few, from rounding
 *      the unit prices, each line excl. VAT and the VAT on the sum to the cent)
 *      is carried one cent at a time by
 *      the lines whose exact amount (line excl. VAT × (1 + rate)) lies furthest
 *      from the rounded one in D's direction; such a line is marked as carrying
 *      a rounding.
 *
 * So the lines shown always add up to the total shown, which is the invoices'
 * total, and a line differs from the hand computation only where it says so.
 */
#ifndef KM0_MONEY_DISPLAY_H
#define KM0_MONEY_DISPLAY_H

#include "money.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct money_shown {
    /* in */
    int64_t seller; /* as for money_totals_compute: 0 for the hub, else the producer */
    vat_bp_t rate;
    cents_t net;       /* the line excl. VAT, as stored and invoiced */
    milli_t quantity;  /* thousandths */
    cents_t unit_incl; /* the unit price incl. VAT as shown (money_price_incl) */
    /* out */
    cents_t hand; /* quantity × unit_incl, rounded: what a reader computes */
    cents_t incl; /* the line incl. VAT as shown */
} money_shown;

/* Fill hand and incl of every line (see above). The sum of incl equals the incl of
 * money_totals_compute over the same lines. */
void money_shown_lines(money_shown *lines, size_t n);

#endif
