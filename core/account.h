/*
 * core/account.h — users, sessions and login throttling (the "account" aggregate).
 */
#ifndef KM0_ACCOUNT_H
#define KM0_ACCOUNT_H

#include "arena.h"
#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct account_user {
    int64_t id, hub_id, producer_id, customer_id;
    const char *email, *name, *role, *producer_slug;
} account_user;

typedef struct account_session {
    int64_t id;
    account_user user;
    const char *csrf;
    int64_t expires_in_s; /* seconds left before the session expires */
} account_session;

/* Role names as stored, and their bit (server/http.h ROLE_*). */
int account_role_bit(const char *role);

/* The hub named by slug, or the only hub when slug is "" (0 when none / ambiguous). */
db_status account_hub_id(db_conn *c, const char *slug, int64_t *hub_id);
/* The hub a host name leads to (hub_hosts, as compared: lower case, no port), or 0. */
db_status account_hub_by_host(db_conn *c, const char *host, int64_t *hub_id);

typedef enum {
    LOGIN_OK = 0,
    LOGIN_BAD,       /* unknown email or wrong password (never say which) */
    LOGIN_THROTTLED, /* too many failures for this email recently */
} login_result;

/* Check credentials; on success fills *user. Counts failures for throttling. */
db_status account_login(db_conn *c, arena *a, int64_t hub_id, const char *email,
                        const char *password, account_user *user, login_result *result);

/* Create a session; token (out, 44 bytes) is the cookie value, only its SHA-256 is stored. */
db_status account_session_create(db_conn *c, arena *a, const account_user *user, char *token,
                                 const char **csrf);
db_status account_session_find(db_conn *c, arena *a, const char *token, account_session *s,
                               bool *found);
db_status account_session_delete(db_conn *c, const char *token);
/* Delete expired sessions and old login failures; returns rows removed via *n. */
db_status account_cleanup(db_conn *c, int64_t *n);

/* Create a user (password hashed here). role: consumer|producer|coordinator.
 * For a consumer a customer row is created with name and email. On refusal returns
 * DB_ERROR with a message in err. */
db_status account_user_add(db_conn *c, arena *a, int64_t hub_id, const char *email,
                           const char *password, const char *role, const char *producer_slug,
                           const char *name, int64_t customer_id, int64_t *user_id, char *err,
                           size_t errlen);

typedef struct account_signup_in {
    const char *email, *password, *name, *phone;
    /* a business buyer (restaurant, canteen) adds what its invoices need */
    const char *legal_name, *siret, *vat_number, *address;
    const char *lang; /* the language of the messages: "fr" or "en" (NULL = fr) */
} account_signup_in;

/* Create a consumer account and its customer in one transaction, checking every
 * field; 0 and *user filled, a refusal (> 0) naming the field, or a db_status. The
 * address is not verified yet: the same transaction queues the message that asks to
 * confirm it (core/outbox.h). */
int account_signup(db_conn *c, arena *a, int64_t hub, const account_signup_in *in,
                   account_user *user, refusal *why);

/* Lowercase and trim an email; NULL if it does not look like one. */
char *account_normalize_email(arena *a, const char *email);

#endif
