/*
 * core/people.h — the hub's people for its coordinators: customers found by name or
 * e-mail a page at a time, a customer's orders, a business buyer's details marked
 * verified, and the coordinator role given and removed (never from the last
 * coordinator), every change of role recorded (user_role_changes).
 */
#ifndef KM0_PEOPLE_H
#define KM0_PEOPLE_H

#include "db.h"
#include "money.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PEOPLE_PAGE 25

typedef struct people_customer {
    int64_t id, user_id; /* user_id 0: no account */
    const char *kind;    /* "person" or "business" */
    const char *name, *email, *phone, *legal_name, *siret, *vat_number, *address;
    const char *role;        /* the account's role, "" without an account */
    const char *verified_at; /* ISO 8601, "" when not verified */
    const char *verified_by; /* the coordinator's e-mail */
    int64_t orders;
} people_customer;

typedef struct people_order {
    int64_t cycle;
    const char *cycle_name, *state, *delivery_date, *pickup_point;
    int64_t lines;
    cents_t excl; /* lines excl. VAT */
} people_order;

typedef struct people_coordinator {
    int64_t user_id;
    const char *email, *name;
} people_coordinator;

typedef struct people_role_change {
    const char *changed_at, *email, *old_role, *new_role, *by, *via;
} people_role_change;

/* Customers whose name, e-mail or legal name holds q (any case; "" for all), or whose
 * phone number ends with the digits of q (core/phone.h: "56 78", "+33 6 12…"), by name,
 * page (from 0) of PEOPLE_PAGE; *more tells whether another page follows. */
db_status people_search(db_conn *c, arena *a, int64_t hub, const char *q, int64_t page,
                        people_customer **out, size_t *n, bool *more);
/* One customer (found false when the hub has no such customer). */
db_status people_customer_get(db_conn *c, arena *a, int64_t hub, int64_t id, people_customer *out,
                              bool *found);
/* Its orders, the latest cycle first (at most 100). */
db_status people_orders(db_conn *c, arena *a, int64_t hub, int64_t customer, people_order **out,
                        size_t *n);
/* Mark a business buyer's details verified (by user), or not; 404 for no such
 * customer, 422 not_business for a person. */
int people_verify(db_conn *c, arena *a, int64_t hub, int64_t customer, bool verified, int64_t by,
                  refusal *why);

db_status people_coordinators(db_conn *c, arena *a, int64_t hub, people_coordinator **out,
                              size_t *n);
db_status people_role_changes(db_conn *c, arena *a, int64_t hub, int limit,
                              people_role_change **out, size_t *n);
/* Give the coordinator role to the account of this hub with that e-mail (a consumer
 * keeps its customer, to be one again), or remove it (user_id; the account becomes a
 * consumer, with a customer made from its name and e-mail if it had none). Refused:
 * no such account (404), a producer's account (409 producer_account), removing the
 * last coordinator (409 last_coordinator). Recorded, by user "by" through via. */
int people_make_coordinator(db_conn *c, arena *a, int64_t hub, const char *email, int64_t by,
                            const char *via, int64_t *user_id, refusal *why);
int people_remove_coordinator(db_conn *c, arena *a, int64_t hub, int64_t user_id, int64_t by,
                              const char *via, refusal *why);
/* Record a role given (old NULL: the account was made with it), in the caller's
 * transaction. */
db_status people_role_record(db_conn *c, arena *a, int64_t hub, int64_t user, int64_t by,
                             const char *old_role, const char *new_role, const char *via);

#endif
