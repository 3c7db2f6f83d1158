/*
 * core/delivery_int.h — what the delivery modules share (core/delivery_*.c).
 *
 * Every change of what was delivered runs under two locks taken in this order: the
 * cycle's delivery lock (an advisory lock per cycle, exclusive: changes of one cycle
 * take turns, which people typing at a packing table never notice) and the cycle row
 * FOR SHARE (invoicing and batching take it FOR UPDATE). Lines are then read without
 * row locks, since nobody else writes them, and written with one UPDATE.
 */
#ifndef KM0_DELIVERY_INT_H
#define KM0_DELIVERY_INT_H

#include "delivery.h"

typedef struct dl_cycle {
    const char *state;
    shortage_rule rule;
} dl_cycle;

/* The two locks, then the state: closed or batched. Refusals: 404 cycle_not_found,
 * 409 cycle_not_closed (draft, open), 409 cycle_invoiced. */
int dl_lock_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, dl_cycle *out, refusal *why);
/* The cycle's delivery lock alone (a credit note after issue). */
db_status dl_lock_deliveries(db_conn *c, arena *a, int64_t cycle);

/* Who, how and why for the changes of cycle's lines the transaction writes next (the
 * trigger of schema/010 reads them). */
db_status dl_trail(db_conn *c, arena *a, int64_t cycle, const delivery_actor *who, const char *kind,
                   const char *reason);

/* Set the three delivered columns of lines ids[i]: delivered units, weight, amount;
 * -1 writes NULL (delivered: as ordered; weight: not weighed). One statement. */
db_status dl_write(db_conn *c, arena *a, const int64_t *ids, const int64_t *delivered,
                   const int64_t *weighed, const int64_t *net, size_t n);

/* An int array literal where -1 is NULL. */
char *dl_array(arena *a, const int64_t *v, size_t n);

/* The reason given (checked: one to DELIVERY_REASON_MAX characters, one paragraph),
 * or dflt when none was. 0 or a 422 invalid_reason. */
int dl_reason(arena *a, const char *given, const char *dflt, const char **out, refusal *why);

/* Problems collected over every row, so a file or a form names them all at once. */
typedef struct dl_problems {
    arena *a;
    refusal_detail *d;
    int *rows; /* the row each problem is about, to list them in the file's order */
    size_t n, cap;
    int status; /* the worst so far: 422 outranks 403, which outranks 404 */
    int row;    /* the row the next problems are about (set by the caller) */
} dl_problems;

void dl_problem(dl_problems *p, int status, const char *code, const char *field, const char *fr,
                const char *en);
/* 0 when there was none; else fills why (the problems in row order, the first as
 * headline) and returns 1. */
int dl_problems_refuse(dl_problems *p, refusal *why);

/* "2,14 kg" / "2.14 kg", "3 pièces" / "3 pieces": an amount as messages say it. */
const char *dl_amount(arena *a, milli_t q, const char *unit, bool fr);

#endif
