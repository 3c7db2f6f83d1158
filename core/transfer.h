/*
 * core/transfer.h — paying producers their settlements by SEPA credit transfer: one
 * batch (a pain.001 file, reports/pain001.c) with one transfer per producer, recorded
 * with the ledger entries that pay the producers (467 to 512) in one transaction.
 *
 * A batch takes every settlement not paid yet whose amount is above zero (whose
 * period ends between from and to, when given), adds up each producer's, and refuses
 * the whole batch when one of those producers has no IBAN, or the hub has none.
 */
#ifndef KM0_TRANSFER_H
#define KM0_TRANSFER_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stddef.h>
#include <stdint.h>

typedef struct transfer_doc_item {
    int64_t producer_id;
    const char *end_to_end; /* "KM0-B12-P7" */
    const char *name, *iban, *bic, *remittance;
    cents_t amount;
} transfer_doc_item;

typedef struct transfer_doc {
    int64_t batch;
    int version;            /* 3 (pain.001.001.03) or 9 (pain.001.001.09) */
    const char *message_id; /* unique per hub */
    const char *created_at; /* ISO 8601 */
    const char *execute_on; /* YYYY-MM-DD */
    const char *debtor, *debtor_iban, *debtor_bic;
    cents_t total;
    transfer_doc_item *items;
    size_t n;
} transfer_doc;

/* Record a batch for execute_on (YYYY-MM-DD, today or later; NULL = next day) of the
 * settlements unpaid (period ending in from..to, either NULL = open); version 3 or 9.
 * Refusals: 422 invalid_field (dates), 409 nothing_to_pay, 409 hub_without_iban,
 * 409 producer_without_iban (naming the producer). */
int transfer_batch(db_conn *c, arena *a, int64_t hub, const char *from, const char *to,
                   const char *execute_on, int version, const char *via, transfer_doc *out,
                   refusal *why);

/* The document of a recorded batch (to download it again); *found false if none. */
db_status transfer_doc_load(db_conn *c, arena *a, int64_t hub, int64_t batch, transfer_doc *out,
                            bool *found);

/* A batch as the desk lists it, newest first. */
typedef struct transfer_batch_info {
    int64_t id;
    const char *message_id, *execute_on, *created_at;
    int version;
    int64_t transfers;
    cents_t total;
} transfer_batch_info;

/* The hub's batches, newest first (at most 100). */
db_status transfer_batches(db_conn *c, arena *a, int64_t hub, transfer_batch_info **out, size_t *n);

#endif
