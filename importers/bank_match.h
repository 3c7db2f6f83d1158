/*
 * importers/bank_match.h — whose money a bank line is, and the ledger entry that says so.
 *
 * Pure: given what the database holds about the lines of one import (the orders their
 * references name, the customers whose top-up references they carry, the direct
 * debits and batches they settle, the orders still due), bm_match decides each line
 * in file order and builds its entry; what it allocates is taken off the dues it was
 * given, so two transfers for one order are not both taken as paying all of it.
 *
 * Credits, in this order:
 *   1. km0's RF reference of an order: the order's due, the rest to the customer's
 *      balance (an overpayment is kept, never lost); of a customer's top-ups: all to
 *      the balance.
 *   2. Direct debits collected: every end-to-end id of the line is one of km0's debits
 *      and they add up to it, or the line names a batch (its payment information id)
 *      for what the batch still has in collection: 5113 settled into the bank.
 *   3. No reference: the amount is what exactly one order is due and the payer's name
 *      is its customer's (every word of the shorter name in the longer); or the amount
 *      is all that one customer of that name owes (oldest orders first).
 *   4. Anything else waits on the suspense account (471) for a coordinator.
 * Debits: a direct debit returned (its end-to-end id, once) is owed again: an order's
 * due on 411, a contract instalment's advance taken back from 4191; bank charges
 * (bank transaction code family CHRG, or a label saying "frais", "commission",
 * "cotisation") go to 627; anything else waits on 471.
 */
#ifndef KM0_BANK_MATCH_H
#define KM0_BANK_MATCH_H

#include "../core/ledger.h"
#include "statement.h"

typedef struct bm_due {
    int64_t order, customer, cycle;
    cents_t due;
    const char *name, *legal_name;     /* the customer's */
    long rank;                         /* among the open dues, oldest delivery first; -1: not one */
    const char *folded, *folded_legal; /* bm_prepare: the names as name_fold writes them */
    cents_t loaded;                    /* bm_prepare: the due as loaded, the open dues' order */
} bm_due;

typedef struct bm_debit {
    int64_t id, batch, order, customer, cycle;
    cents_t amount;
    const char *end_to_end_id;
    int64_t subscription, instalment; /* a contract instalment's debit (0: an order's) */
    bool returned;                    /* bm_match: returned by a line of this import */
} bm_debit;

typedef struct bm_batch {
    int64_t id;
    const char *message_id;
    cents_t pending; /* still in collection (5113) */
} bm_batch;

typedef struct bm_input {
    bm_due *dues; /* orders named by references, and the open dues (rank >= 0), once each */
    size_t ndues;
    int64_t *topups; /* customers named by top-up references, sorted */
    size_t ntopups;
    bm_debit *debits; /* sorted by end-to-end id */
    size_t ndebits;
    bm_batch *batches;
    size_t nbatches;
    size_t *open; /* bm_prepare: indexes of dues with rank >= 0, by due then rank */
    size_t nopen;
    struct bm_customer *customers; /* bm_prepare: customers of the open dues, by id */
    size_t ncustomers;
} bm_input;

typedef enum { BM_UNMATCHED, BM_ORDER, BM_TOPUP, BM_SETTLED, BM_RETURN, BM_FEE } bm_kind;

typedef struct bm_outcome {
    bm_kind kind;
    int64_t order, customer, batch; /* what it was matched to (0 = none) */
    int64_t debit;                  /* BM_RETURN: the debit returned */
    cents_t to_balance;             /* part of a credit kept as the customer's credit */
    ledger_entry_in entry;          /* to post; lines from the arena */
} bm_outcome;

/* Decide line e (bank_entry: its id once stored) and build its entry. */
void bm_match(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in, bm_outcome *out);
/* Sort what bm_match searches (dues by order, top-ups, debits) and list the open dues
 * by rank (from the arena). Dues must name each order once. */
void bm_prepare(arena *a, bm_input *in);
/* "matched", "unmatched", "fee"... for printing. */
const char *bm_kind_name(bm_kind k);

#endif
