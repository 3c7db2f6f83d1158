/*
 * core/fees.h — the hub's fee (a share of its producers' sales excl. VAT), each
 * producer's own rate when it differs, its bank account (to be paid by transfer)
 * and its billing mandate (schema/019).
 *
 * Rates are percentages with at most two decimals, 0 to 100 ("12.5"), stored in
 * basis points. The hub's rate is a hub setting: its changes are recorded with the
 * others (hub_settings_changes, setting "fee_percent"). Every cycle freezes its
 * producers' rates when it opens (a trigger), so a change applies to cycles opened
 * afterwards.
 */
#ifndef KM0_FEES_H
#define KM0_FEES_H

#include "db.h"
#include "refusal.h"

#include <stdint.h>

typedef struct fee_producer {
    int64_t id;
    const char *slug, *name;
    int fee_bp; /* -1: the hub's rate */
    const char *iban, *bic;
    const char *mandate_on, *mandate_scope, *mandate_by; /* "" when no mandate */
} fee_producer;

/* The hub's rate and every producer's settings, by name. */
db_status fees_get(db_conn *c, arena *a, int64_t hub, int *hub_bp, fee_producer **out, size_t *n);

/* "12.5" (percent, two decimals at most, 0..100) into basis points; 422 naming field. */
int fees_parse_percent(const char *s, const char *field, arena *a, int *bp, refusal *why);

/* The hub's rate; user 0 for the command line, via "api", "desk" or "seed". */
int fees_set_hub(db_conn *c, arena *a, int64_t hub, int bp, int64_t user, const char *via,
                 refusal *why);

/* A producer's rate (bp -1: the hub's; -2: unchanged), IBAN and BIC (NULL:
 * unchanged; "" removes). 404 producer_not_found, 422 invalid_field (iban, bic). */
int fees_set_producer(db_conn *c, arena *a, int64_t hub, const char *slug, int bp, const char *iban,
                      const char *bic, refusal *why);

/* The hub's fixed fee per order, charged to the customer (schema/023): an amount excl.
 * VAT in cents (0 = none, at most ORDER_FEE_MAX_CENTS) and its VAT rate in basis
 * points (0, 210, 550, 1000 or 2000). Copied onto each cycle when it opens. */
#define ORDER_FEE_MAX_CENTS 100000
typedef struct order_fee {
    int64_t cents;
    int vat_bp;
} order_fee;

db_status fees_order_get(db_conn *c, arena *a, int64_t hub, order_fee *out);

/* "1.50" (euros excl. VAT, two decimals at most) and "20" (percent) into *out; 422
 * naming order_fee or order_fee_vat_rate. Either text may be NULL: left as it is. */
int fees_order_parse(const char *amount, const char *vat_rate, order_fee *out, refusal *why);

/* Set it, recording the change ("order_fee", "order_fee_vat_rate") like the others. */
int fees_order_set(db_conn *c, arena *a, int64_t hub, const order_fee *f, int64_t user,
                   const char *via, refusal *why);

/* Record a billing mandate: signed_on YYYY-MM-DD, scope (1..300 characters),
 * accepted_by (who accepted it for the producer, 1..200). 404 producer_not_found,
 * 422 for a bad field, 409 duplicate_mandate (same producer and date). */
int fees_mandate_add(db_conn *c, arena *a, int64_t hub, const char *slug, const char *signed_on,
                     const char *scope, const char *accepted_by, refusal *why);

#endif
