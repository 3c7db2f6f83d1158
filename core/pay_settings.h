/*
 * core/pay_settings.h — how a hub is paid: its payment methods, the overdraft of
 * prepaid balances, its bank account and its SEPA creditor identifier.
 *
 * Settings of the hub like those of core/hub_settings.h: the same table (hub_settings,
 * columns of schema/016), every change recorded in hub_settings_changes (who, when,
 * old, new), edited on the desk (/desk/settings/payments) and through
 * GET/PATCH /api/v1/hub/settings. The methods and the overdraft are frozen on a cycle
 * when it opens (a trigger of schema/016): a cycle's orders choose among the cycle's
 * own copy (pay_cycle_methods). The bank account is the hub's current one: a transfer
 * is asked to it, a statement must be of it.
 */
#ifndef KM0_PAY_SETTINGS_H
#define KM0_PAY_SETTINGS_H

#include "bank_id.h"
#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    PAY_ONSITE = 0, /* at the pickup: cash, cheque or card on a terminal */
    PAY_TRANSFER,   /* bank transfer with the order's reference */
    PAY_SEPA_DEBIT, /* SEPA direct debit under the customer's mandate */
    PAY_BALANCE,    /* from the customer's prepaid balance */
    PAY_METHODS
} pay_method;

#define PAY_OVERDRAFT_MAX 100000000 /* 1 000 000 €, as the schema's CHECK */

typedef struct pay_settings {
    pay_method methods[PAY_METHODS]; /* offered, the first is the default */
    int nmethods;
    cents_t overdraft_cents; /* how far below zero a balance may go for an order */
    char iban[IBAN_MAX + 1]; /* "" until given */
    char bic[12];
    char creditor_id[36]; /* SEPA creditor identifier (ICS) */
} pay_settings;

/* A change asked for: only what is flagged changes. */
typedef struct pay_settings_patch {
    bool set_methods, set_overdraft, set_iban, set_bic, set_creditor_id;
    pay_settings to;
} pay_settings_patch;

const char *pay_method_name(pay_method m); /* "onsite", "transfer", "sepa_debit", "balance" */
bool pay_method_parse(const char *s, pay_method *out);
/* A method as a customer reads it. */
const char *pay_method_label(pay_method m, const char *lang);
/* "onsite,transfer" into methods (no repeat, at least one); false when not that. */
bool pay_methods_parse(const char *list, pay_settings *out);
/* "onsite,transfer", from the arena. */
const char *pay_methods_text(arena *a, const pay_settings *s);
bool pay_offers(const pay_settings *s, pay_method m);

/* The hub's payment settings. */
db_status pay_settings_get(db_conn *c, arena *a, int64_t hub, pay_settings *out);
/* A cycle's frozen methods and overdraft (iban and the rest: the hub's, as now).
 * *found false when the cycle is not the hub's. */
db_status pay_cycle_settings(db_conn *c, arena *a, int64_t hub, int64_t cycle, pay_settings *out,
                             bool *found);
/* Check everything: IBAN, BIC and ICS with their check digits; a transfer needs the
 * IBAN, a direct debit the IBAN and the ICS (422 naming the field as the API does). */
int pay_settings_check(const pay_settings *s, refusal *why);
/* Apply a patch inside the caller's transaction (the settings row locked), recording
 * each value that changes (user 0: the command line; via as hub_settings_changes). */
int pay_settings_update_in_tx(db_conn *c, arena *a, int64_t hub, const pay_settings_patch *p,
                              int64_t user, const char *via, pay_settings *out, refusal *why);
int pay_settings_update(db_conn *c, arena *a, int64_t hub, const pay_settings_patch *p,
                        int64_t user, const char *via, pay_settings *out, refusal *why);

#endif
