/*
 * core/contract.h — AMAP contracts: a season of deliveries with a producer, baskets at
 * a fixed price, a subscription window, a minimum commitment, instalment plans and the
 * rule for a missed delivery.
 *
 * A consumer's contract subscription is a subscription (core/subscription.h) whose one
 * line is the basket: each delivery of the season becomes an order line of the cycle
 * of that date, at the contract's price, when that cycle opens. The season's price,
 * VAT included, is split into the instalments chosen; an instalment paid is a payment
 * into the customer's prepaid balance in the ledger (core/ledger.h), and a direct
 * debit's instalment is collected under the customer's SEPA mandate.
 */
#ifndef KM0_CONTRACT_H
#define KM0_CONTRACT_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

#define CONTRACT_MAX_DELIVERIES 60
#define CONTRACT_MAX_BASKETS    6

typedef struct contract_basket_in {
    const char *sku, *label;
    price4_t price; /* excl. VAT, e4 */
} contract_basket_in;

typedef struct contract_new {
    int64_t hub;
    const char *producer; /* slug */
    const char *name;
    const char *window_opens, *window_closes; /* dates */
    const char *const *deliveries;            /* dates */
    size_t ndeliveries;
    const contract_basket_in *baskets;
    size_t nbaskets;
    int min_deliveries;
    const char *missed_rule; /* "neighbour", "hub", "carry_over" */
    const int64_t *plans;    /* numbers of instalments offered, 1..52 */
    size_t nplans;
    const char *const *methods; /* "cheque", "sepa_debit" */
    size_t nmethods;
} contract_new;

/* Define a contract; 0 and *id, a refusal naming the field, or a db_status. A basket
 * whose season overlaps another contract's season for the same product is refused. */
int contract_create(db_conn *c, arena *a, const contract_new *in, int64_t *id, refusal *why);

typedef struct contract_sub_in {
    int64_t hub, customer, contract, basket;
    milli_t quantity;         /* whole baskets, in thousandths */
    const char *pickup_point; /* slug */
    int instalments;
    const char *payment_method; /* "cheque" or "sepa_debit" */
} contract_sub_in;

/* Subscribe during the window: the remaining deliveries (at least the minimum), the
 * instalments written with their amounts and dates. */
int contract_subscribe(db_conn *c, arena *a, const contract_sub_in *in, int64_t *id, refusal *why);

/* Record instalment number of subscription sub as paid (method "cheque" or
 * "sepa_debit"): a payment into the customer's balance, in the ledger, once. */
int contract_instalment_paid(db_conn *c, arena *a, int64_t hub, int64_t user, int64_t contract,
                             int64_t sub, int number, refusal *why);

/* Views, as result sets freed with the arena:
 * contracts: id, name, producer, producer_name, window_opens, window_closes, open (the
 *   window is open today), min_deliveries, missed_rule, plans, methods, deliveries
 *   (dates, comma-separated), baskets (id:label:price_e4:vat_bp;…), subscribers. */
db_status contract_list(db_conn *c, arena *a, int64_t hub, PGresult **r);
/* Who is in: subscription, customer_name, pickup_name, basket, quantity_milli,
 *   instalments, paid (instalments paid), due_cents (what remains), cancelled. */
db_status contract_members(db_conn *c, arena *a, int64_t hub, int64_t contract, PGresult **r);
/* Per delivery and pickup point, the baskets: delivery_date, pickup_name, basket,
 *   subscribed_milli (live subscriptions present that day), placed_milli (order lines
 *   of the cycle delivering that day, once it opened). */
db_status contract_deliveries_view(db_conn *c, arena *a, int64_t hub, int64_t contract,
                                   PGresult **r);
/* The producer of a contract (0 when not this hub's). */
db_status contract_producer(db_conn *c, arena *a, int64_t hub, int64_t contract, int64_t *producer);

#endif
