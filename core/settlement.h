/*
 * core/settlement.h — paying producers back: what the hub collected in their name,
 * less credit notes, less its fee, for a cycle or a month (schema/019).
 *
 * When the hub sells in its producers' name (seller mode "producers"), the money of
 * their invoices reaches the hub's account (467 in the ledger). A settlement says,
 * for one producer and period, what the hub owes back: the invoices (incl. VAT) it
 * covers, less the credit notes, less the fee — the cycle's frozen rate on the sales
 * excl. VAT, per cycle, rounded half away from zero — with 20 % VAT on the fee. The
 * fee is invoiced to the producer by a commission invoice (EN 16931, seller the hub,
 * its own gap-free sequence "COM-2026-000001"), issued in the same transaction.
 * Each invoice is settled at most once: a month's settlement takes what a cycle's
 * settlement left (a credit note issued later, for instance).
 */
#ifndef KM0_SETTLEMENT_H
#define KM0_SETTLEMENT_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct settlement {
    int64_t id, producer_id, cycle_id; /* cycle_id 0 for a month */
    const char *producer_slug, *producer_name;
    const char *period_from, *period_to; /* YYYY-MM-DD */
    cents_t sales_excl, sales_incl, credits_excl, credits_incl;
    cents_t fee_excl, fee_vat, due;
    const char *commission_number; /* "" when no fee */
    int64_t transfer_batch;        /* 0 while not paid */
    const char *created_at;
} settlement;

typedef struct settlement_invoice {
    const char *number, *issue_date;
    int type_code;
    int64_t cycle_id;
    int fee_bp;
    cents_t excl, incl;
} settlement_invoice;

/* Settle a cycle (cycle > 0) or a month (month "YYYY-MM") for every producer with
 * invoices not settled yet, in one transaction; *out gets the settlements written
 * (by producer name). via: "cli", "api" or "desk" (the ledger's entry). Refusals:
 * 422 invalid_field (month), 404 cycle_not_found, 409 uninvoiced_cycle (the period
 * holds a cycle whose invoices are not issued), 409 nothing_to_settle, 409
 * hub_not_vat_registered (a fee to invoice, the hub has no VAT number), 409
 * negative_fee (credit notes exceed the sales a fee was due on). */
int settlement_run(db_conn *c, arena *a, int64_t hub, int64_t cycle, const char *month,
                   const char *via, settlement **out, size_t *n, refusal *why);

/* The hub's settlements, newest first; producer 0 = every producer. */
db_status settlement_list(db_conn *c, arena *a, int64_t hub, int64_t producer, settlement **out,
                          size_t *n);

/* One settlement with the invoices it covers (by number). */
db_status settlement_find(db_conn *c, arena *a, int64_t hub, int64_t id, settlement *out,
                          settlement_invoice **inv, size_t *ninv, bool *found);

#endif
