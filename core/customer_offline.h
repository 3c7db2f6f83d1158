/*
 * core/customer_offline.h — customers without internet: registered at the desk with a
 * name and a phone number, found again by name or phone.
 *
 * Some of a rural hub's most loyal customers have no e-mail address or no wish to use
 * one: they phone the coordinator or hand in the paper order form. The coordinator
 * registers them here (e-mail optional, never a password: no users row, so no login),
 * and types their orders for them (core/order.h, order_in.entered_by). A customer
 * without e-mail is a "paper" customer: the cycle's documents mark their bag, a
 * printed receipt goes in it, and their invoice is printed rather than sent.
 */
#ifndef KM0_CUSTOMER_OFFLINE_H
#define KM0_CUSTOMER_OFFLINE_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CUSTOMER_SEARCH_MAX 50  /* rows a search returns */
#define CUSTOMER_QUERY_MAX  100 /* characters of a search */

typedef struct customer_new {
    const char *name, *phone, *email; /* email NULL or "" for none */
} customer_new;

typedef struct customer_row {
    int64_t id;
    const char *name, *phone, *email; /* email "" for a paper customer */
    bool has_account;                 /* a users row: the customer logs in */
    bool paper;                       /* no e-mail: documents printed for them */
} customer_row;

/* Register a customer of hub, by coordinator `by`: 0 and *id, a refusal naming every
 * field at fault (name, phone, email), or a db_status. */
int customer_register(db_conn *c, arena *a, int64_t hub, int64_t by, const customer_new *in,
                      int64_t *id, refusal *why);

/* The hub's customers whose name contains q (case ignored) or whose phone ends with
 * the digits of q, by name, at most CUSTOMER_SEARCH_MAX; q "" lists the most recently
 * registered. A refusal for a q that is too long or not text. */
int customer_search(db_conn *c, arena *a, int64_t hub, const char *q, customer_row **rows,
                    size_t *n, refusal *why);

/* One customer of hub; *found false for another hub's or none. */
int customer_find(db_conn *c, arena *a, int64_t hub, int64_t id, customer_row *out, bool *found);

/* A login attempted with a phone number instead of an e-mail address: customers
 * registered by phone have no account. 1 and a 422 refusal on "email" saying so (and
 * whom to call), 0 for anything else. Decided from the text alone, never from the
 * database, so it tells nobody whether such a customer exists. */
int customer_login_refusal(const char *identifier, refusal *why);

/* The customer as a refusal when missing: 404 unknown_customer on field. */
int customer_refuse_unknown(refusal *why, const char *field);

#endif
