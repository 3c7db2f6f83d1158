/*
 * core/desk_view.h — the coordinator desk's reads that summarise: a cycle's invoices
 * by seller and one page of them, what closing a cycle would freeze, and weeks that
 * deliver on the same day.
 *
 * Typed rows for server/p_desk*.c; the pages stay bounded however many orders and
 * invoices a week has.
 */
#ifndef KM0_DESK_VIEW_H
#define KM0_DESK_VIEW_H

#include "db.h"
#include "money.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DESK_INVOICE_PAGE 50

typedef struct desk_seller_total {
    const char *seller_key, *name;
    int64_t invoices, credit_notes;
    cents_t incl; /* invoiced, credit notes deducted */
} desk_seller_total;

typedef struct desk_invoice_summary {
    int64_t invoices, credit_notes;
    cents_t incl; /* credit notes deducted */
    desk_seller_total *sellers;
    size_t nsellers;
} desk_invoice_summary;

typedef struct desk_invoice {
    const char *number, *seller_name, *buyer_name;
    int type_code; /* 380 invoice, 381 credit note */
    cents_t incl;
    bool paper; /* the buyer has no e-mail: printed and handed over, not sent */
} desk_invoice;

typedef struct desk_overlap {
    int64_t first, second; /* cycle ids, first < second */
    const char *first_name, *second_name, *first_state, *second_state;
    const char *delivery_date;
} desk_overlap;

db_status desk_invoice_summary_load(db_conn *c, arena *a, int64_t hub, int64_t cycle,
                                    desk_invoice_summary *out);
/* Page `page` (from 0) of the cycle's invoices, DESK_INVOICE_PAGE at most, in the
 * order of the invoices document (seller, then number). */
db_status desk_invoice_page(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t page,
                            desk_invoice **out, size_t *n);
/* Live cycles (not yet invoiced, one of them draft or open) that deliver on the same
 * day: the week generator's double, or a slip of the hand. */
db_status desk_overlaps(db_conn *c, arena *a, int64_t hub, desk_overlap **out, size_t *n);
/* Is today (Paris time) before this date (YYYY-MM-DD)? */
db_status desk_before(db_conn *c, arena *a, const char *date, bool *before);
/* What a cycle holds: its orders, customers' lines excl. VAT. */
db_status desk_cycle_orders(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t *orders,
                            cents_t *excl);

#endif
