/*
 * core/invoicing.h — issuing a cycle's invoices, credit notes, and reading them back.
 *
 * Who sells follows the cycle's seller mode, the hub's setting when the cycle
 * opened (core/hub_settings.h): "producers", one invoice per producer per order,
 * the producer as seller and the hub as intermediary; "hub", one invoice per
 * order, the hub as seller. The due date too is the cycle's payment days. Numbers run per seller
 * and year without gap or duplicate ("2026-000123" for the hub, "FTC7-2026-000123" for a producer):
 * the invoice_sequences row of each seller is locked in the issuing transaction, so two servers
 * issuing at once queue on it.
 *
 * An issued invoice never changes (the invoices_immutable trigger refuses it):
 * its parties are stored as JSON snapshots, its lines and VAT breakdown as
 * issued, and every document is rendered from those rows through
 * invoice_find / invoice_load_cycle. A correction is a credit note.
 */
#ifndef KM0_INVOICING_H
#define KM0_INVOICING_H

#include "db.h"
#include "invoice.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

/* The numbers one seller got in an issuing run. */
typedef struct inv_seller_run {
    const char *seller_key; /* "hub" or "producer:<id>" */
    const char *name;
    const char *first, *last; /* first and last numbers issued */
    int count;
} inv_seller_run;

/* How a cycle's invoices are issued: accept_estimates lets the weighed lines left
 * without a weight be invoiced at their estimate (recorded as user's, via "page",
 * "api" or "cli"; core/delivery.h). NULL: no estimates, the command line. */
typedef struct inv_issue_opts {
    bool accept_estimates;
    int64_t user; /* 0: the command line */
    const char *via;
} inv_issue_opts;

typedef struct inv_issue_result {
    int64_t cycle;
    int64_t estimates_accepted; /* weighed lines invoiced at their estimate */
    const char *issue_date;
    size_t invoices, orders;
    cents_t excl, vat, incl; /* sums over the invoices issued */
    inv_seller_run *sellers; /* by seller key */
    size_t nsellers;
} inv_issue_result;

/* Issue every invoice of a batched cycle in one transaction, all or none; the
 * cycle becomes invoiced. The invoices carry what was delivered (core/delivery.h):
 * units delivered, weighed lines at their weight × their price per kg or litre, lines
 * delivered as nothing left out. Refusals: 404 cycle_not_found, 409
 * cycle_not_batched, 409 already_invoiced, 409 weights_missing (weighed lines without a
 * weight, unless opts accept the estimates), 500 invoice_check_failed (an
 * invoice broke an EN 16931 rule: a bug, nothing is stored). */
int invoice_issue_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle,
                        const inv_issue_opts *opts, inv_issue_result *out, refusal *why);

/* One line of a partial credit note: the invoice's line line_no, quantity given back
 * (in the line's unit: kg for a weighed product). */
typedef struct inv_credit_line {
    int line_no;
    milli_t quantity;
} inv_credit_line;

/* Issue a credit note (type 381, naming the invoice: EN 16931 BG-3) for invoice
 * number; *credit_number gets its number. Without lines, a full credit note: every
 * line for what no earlier credit note gave back. With lines, a partial one for exactly
 * those lines and quantities, and the order's delivered quantities follow (the trail
 * says "credit" with the number; core/delivery.h). Credit notes never give back more
 * than a line invoiced (a trigger of schema/010 holds it too). Refusals: 404
 * invoice_not_found, 409 not_an_invoice (a credit note), 409 already_credited (nothing
 * left to give back), 422 unknown_line, invalid_quantity, more_than_invoiced,
 * invalid_reason. reason (may be NULL) goes in a note. user/via: who (0: the command
 * line). */
int invoice_credit(db_conn *c, arena *a, int64_t hub, const char *number, const char *reason,
                   const inv_credit_line *lines, size_t nlines, int64_t user, const char *via,
                   const char **credit_number, refusal *why);

/* An invoice as stored, with what access checks and documents need. */
typedef struct inv_stored {
    invoice inv;
    int64_t id, cycle_id, order_id;
    int64_t customer_id;        /* the buyer's customer (0 when unknown) */
    int64_t seller_producer_id; /* the producer who sells, 0 when the hub does */
    int64_t buyer_producer_id;  /* a commission invoice's buyer (core/settlement.h), else 0 */
    const char *seller_key;
    const char *issued_at; /* ISO 8601 with offset */
    const char *cycle_name, *cycle_state;
    int delivery_dow;          /* ISO day of the delivery date */
    const char *buyer_kind;    /* "person" or "business" */
    const char *buyer_trading; /* a business buyer's usual name ("" otherwise) */
    const inv_party *hub;      /* the hub as the invoice names it (seller or intermediary) */
    const char *hub_slug;      /* from the same snapshot */
    double hub_lat, hub_lon;   /* the hub's depot, for the document head */
    const char *seller_json;   /* the snapshots as stored, for a credit note */
    const char *buyer_json;
    const char *intermediary_json; /* NULL when none */
    /* the hub's bank account when the invoice was issued (schema/016), to pay it by
     * transfer: "" when the hub had none */
    const char *payment_iban, *payment_bic;
} inv_stored;

/* One invoice by number; *found false when this hub has none. */
db_status invoice_find(db_conn *c, arena *a, int64_t hub, const char *number, inv_stored *out,
                       bool *found);

/* Every invoice and credit note of a cycle, by seller name then number;
 * producer (seller) and pickup (the order's pickup point) filter, 0 = all. */
db_status invoice_load_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t producer,
                             int64_t pickup, inv_stored **out, size_t *n);

/* The invoices and credit notes of the hub among ids, by id (the archive renders
 * them in batches: reports/archive_render.c); ids of another hub are left out. */
db_status invoice_load_ids(db_conn *c, arena *a, int64_t hub, const int64_t *ids, size_t nids,
                           inv_stored **out, size_t *n);

/* A cycle's invoices for lists: number, type_code, issue_date, order_id,
 * seller_key, seller_name, buyer_name, total_excl_vat_cents, total_vat_cents,
 * total_incl_vat_cents, corrects (number or ""); by seller name, then number. */
db_status invoice_list_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r);

/* The invoices of an order whose buyer is customer (same columns). */
db_status invoice_list_order(db_conn *c, arena *a, int64_t hub, int64_t order, int64_t customer,
                             PGresult **r);

#endif
