/*
 * core/subscription.h — standing orders: subscribe, pause, cancel, list; and placing
 * the subscriptions due when a cycle opens (core/subscription_place.c).
 *
 * A standing order repeats these lines at this pickup point every week or every
 * second week from a date, until cancelled; a pause skips the deliveries dated within
 * it. Contract (AMAP) subscriptions are subscriptions too (core/contract.h): the same
 * placing, on the contract's delivery dates, at the contract's price.
 */
#ifndef KM0_SUBSCRIPTION_H
#define KM0_SUBSCRIPTION_H

#include "db.h"
#include "money.h"
#include "order.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

/* The weeks between two deliveries of a standing order: every week or every second. */
#define SUB_EVERY_WEEKS_MIN 1
#define SUB_EVERY_WEEKS_MAX 2

/* What a person gives to subscribe. The JSON API (server/h_subscriptions.c) and the
 * form on an order's page (server/p_subscriptions.c) each map their own format to
 * this and nothing more; sub_new_check says what is wrong with it, for both. */
typedef struct sub_new {
    int64_t hub, customer;
    const char *pickup_point; /* slug; NULL or "" = the order's (from_cycle) */
    int every_weeks;          /* 1 or 2 */
    const char *starts_on;    /* YYYY-MM-DD; NULL or "" = today (Paris) */
    const order_line_in *lines;
    size_t nlines;
    int64_t from_cycle; /* with no lines: the customer's order of this cycle, repeated */
} sub_new;

/* Check what can be checked without the database: the frequency, the start date
 * (made canonical in place, "" when none), and lines or the order to repeat. 0, or a
 * refusal (> 0: 422 naming the field, in French and English). sub_create calls it
 * first; pure, for unit tests. */
int sub_new_check(arena *a, sub_new *in, refusal *why);
/* Subscribe (after sub_new_check): 0 and *id, a refusal (> 0) or a db_status. Products must be this
 * hub's active catalog, quantities in their steps; one live standing order per customer. */
int sub_create(db_conn *c, arena *a, const sub_new *in, int64_t *id, refusal *why);
/* An absence from..until (dates, both included) on one of the customer's subscriptions
 * (customer 0: any of the hub's, the coordinator). */
int sub_pause(db_conn *c, arena *a, int64_t hub, int64_t customer, int64_t id, const char *from,
              const char *until, refusal *why);
/* Cancel it: later cycles place nothing (orders already placed stay, as orders). */
int sub_cancel(db_conn *c, arena *a, int64_t hub, int64_t customer, int64_t id, refusal *why);

typedef struct sub_line {
    const char *producer, *producer_name, *sku, *name, *unit;
    milli_t quantity;
} sub_line;

typedef struct sub_pause_view {
    const char *starts_on, *ends_on;
} sub_pause_view;

typedef struct sub_run_view {
    int64_t cycle;
    const char *cycle_name, *delivery_date, *outcome;
    const char *misses; /* "out_of_stock: Carottes (2 kg); …", "" when none */
} sub_run_view;

typedef struct subscription {
    int64_t id;
    const char *pickup_point, *pickup_name;
    int every_weeks; /* 0 for a contract's */
    const char *starts_on, *created_at;
    bool cancelled;
    int64_t contract; /* 0 = a standing order */
    const char *contract_name, *basket_label;
    price4_t contract_price;
    int instalments, carried;
    const char *payment_method;
    sub_line *lines;
    size_t nlines;
    sub_pause_view *pauses;
    size_t npauses;
    sub_run_view *runs; /* the latest first, at most 10 */
    size_t nruns;
} subscription;

/* The customer's subscriptions, live ones first (then the cancelled, newest first). */
int sub_list(db_conn *c, arena *a, int64_t hub, int64_t customer, subscription **out, size_t *n);

/* What a cycle's opening did with each subscription due: the coordinator's view. */
typedef struct sub_report_row {
    int64_t subscription, customer;
    const char *customer_name, *pickup_name, *outcome, *contract_name, *misses;
} sub_report_row;
/* Rows ordered by outcome (the problems first) then customer name; *found false when
 * the cycle is not this hub's. */
int sub_cycle_report(db_conn *c, arena *a, int64_t hub, int64_t cycle, sub_report_row **rows,
                     size_t *n, bool *found);

/* Inside the opening's transaction of cycle (its id as text): place every subscription
 * due on its delivery date (core/subscription_place.c). *placed counts the orders
 * written, *missed the subscriptions not placed whole. */
db_status sub_place_cycle(db_conn *c, const char *cycle, int *placed, int *missed);

/* Why a subscription's line was not placed (subscription_misses.reason, "out_of_stock",
 * "pickup_full"...: the first len bytes of code) in words, French or English; NULL
 * for a code km0 does not know. The customer's page and the e-mails both say it so. */
const char *sub_miss_reason(const char *code, size_t len, bool english);

#endif
