/*
 * core/cashup.h — the pickup's cash-up: each bag of a batched cycle (or of one of its
 * pickup points) in bag-number order, with what its customer owes, for the desk's
 * phone page where each payment is recorded in a few seconds (core/payment.h
 * pay_record), and for the delivery sheet's "collected" column.
 */
#ifndef KM0_CASHUP_H
#define KM0_CASHUP_H

#include "db.h"
#include "money.h"
#include "pay_settings.h"

typedef struct cashup_row {
    int64_t bag; /* 0 when the cycle is not batched yet (no bag numbers) */
    int64_t order_id, customer_id;
    const char *customer_name, *phone, *pickup, *pickup_name;
    pay_method method;
    cents_t amount, paid, due;
    cents_t collected; /* recorded at the pickup (cash, cheque, card) for this order */
} cashup_row;

/* The rows of a cycle, pickup 0 for every point; *found false when the cycle is not the
 * hub's. Bags are numbered as the documents number them (per cycle, from 1, along the
 * rounds, their stops, then customers by name). */
db_status cashup_rows(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t pickup,
                      cashup_row **out, size_t *n, bool *found);

#endif
