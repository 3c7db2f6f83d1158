/*
 * core/sepa.h — SEPA direct debit: customers' mandates, and the batch that collects what
 * is owed by the customers paying that way.
 *
 * A mandate (reference unique per hub, signature date, IBAN with its check digits,
 * BIC optional, the debtor's name) is in force until revoked; a customer has at most
 * one. A batch, for one collection date, takes every order paid by direct debit with
 * something due (its cycle past its order window), one debit per order under its
 * customer's mandate: FRST for a mandate's first collection, RCUR after. It takes too
 * the contract instalments paid by direct debit falling due by its collection date and
 * not paid yet, each collected on its due date when that is still to come, else on the
 * batch's date (reports/pain008.c writes one payment information block per sequence
 * and date). Creating it records the batch and its debits and posts one ledger entry
 * (5113 direct debits in collection, against each order's 411, or each instalment's
 * 4191, the customer's prepaid balance, the instalment marked paid by that entry):
 * the orders and instalments are paid as far as the customer is concerned, and the bank statement
 * settles 5113 when the money comes in (or puts a returned debit back on the order).
 * reports/pain008.c writes the file from sepa_batch_doc.
 */
#ifndef KM0_SEPA_H
#define KM0_SEPA_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct sepa_mandate {
    int64_t id, customer;
    const char *customer_name;
    const char *reference, *signed_on, *iban, *bic, *debtor_name;
    const char *revoked_at; /* "" while in force */
    int64_t debits;         /* collections made under it */
} sepa_mandate;

typedef struct sepa_mandate_in {
    int64_t customer;
    const char *reference, *signed_on, *iban, *bic, *debtor_name;
} sepa_mandate_in;

/* Add a mandate. Refusals (422 naming the field, or 409): invalid_reference,
 * invalid_date (not a date, or after today), invalid_iban (check digits), invalid_bic,
 * invalid_field (debtor name), customer_not_found (404), duplicate_mandate (409, the
 * reference is taken), mandate_in_force (409, the customer has one: revoke it first). */
int sepa_mandate_add(db_conn *c, arena *a, int64_t hub, int64_t user, const sepa_mandate_in *in,
                     int64_t *id, refusal *why);
/* Revoke the mandate of that reference (404 mandate_not_found, 409 already_revoked). */
int sepa_mandate_revoke(db_conn *c, arena *a, int64_t hub, const char *reference, refusal *why);
/* Every mandate of the hub, in force first, by customer name. */
db_status sepa_mandates(db_conn *c, arena *a, int64_t hub, sepa_mandate **out, size_t *n);

/* One debit of a file, and the file: what reports/pain008.c writes. */
typedef struct sepa_debit_doc {
    const char *end_to_end_id;
    cents_t amount;
    bool first; /* FRST, else RCUR */
    const char *mandate, *signed_on;
    const char *debtor, *iban, *bic; /* bic "" when not given */
    const char *remittance;
    const char *collect_on; /* YYYY-MM-DD: the batch's, or a later instalment's due date */
} sepa_debit_doc;

typedef struct sepa_batch_doc {
    int version;            /* 2 (pain.008.001.02) or 8 (pain.008.001.08) */
    const char *message_id; /* unique per hub */
    const char *created_at; /* ISO 8601 */
    const char *collect_on; /* YYYY-MM-DD */
    const char *creditor, *creditor_iban, *creditor_bic, *creditor_id;
    sepa_debit_doc *debits;
    size_t n;
} sepa_batch_doc;

typedef struct sepa_batch_result {
    int64_t batch; /* 0: nothing to collect, nothing recorded */
    size_t first;  /* FRST debits among doc.n */
    cents_t total;
    sepa_batch_doc doc;
} sepa_batch_result;

/* Collect on collect_on (YYYY-MM-DD, after today) what is owed by direct debit, in one
 * transaction; version 2 or 8. Refusals: 422 invalid_date, 422 no_creditor_id (the hub
 * has no IBAN or no creditor identifier). Nothing due: 0 with batch 0. */
int sepa_debit_batch(db_conn *c, arena *a, int64_t hub, int64_t user, const char *collect_on,
                     int version, sepa_batch_result *out, refusal *why);

/* A recorded batch's file content again (to download it once more); *found false when
 * the hub has no such batch. */
db_status sepa_batch_load(db_conn *c, arena *a, int64_t hub, int64_t batch, sepa_batch_doc *out,
                          bool *found);

typedef struct sepa_batch_info {
    int64_t id;
    const char *message_id, *collect_on, *version, *created_at;
    int64_t debits;
    cents_t total, pending; /* pending: still in collection (5113) */
} sepa_batch_info;
/* The hub's batches, newest first (at most 50). */
db_status sepa_batches(db_conn *c, arena *a, int64_t hub, sepa_batch_info **out, size_t *n);

#endif
