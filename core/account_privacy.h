/*
 * core/account_privacy.h — what a user decides about their data: the messages they
 * get, a copy of everything km0 holds about them, closing the account; and the purge
 * of accounts left unused (GDPR articles 15, 17, 20 and 5(1)(e)).
 *
 * Closing erases or pseudonymises the account's personal data in one transaction:
 * the user and customer rows stay (orders and invoices point at them) with the name,
 * address, phone and e-mail replaced; sessions, tokens, drafts and the messages
 * waiting for or sent to the account go. Issued invoices are immutable and keep the
 * buyer as issued: the law asks for it (ten years, Code de commerce L123-22).
 */
#ifndef KM0_ACCOUNT_PRIVACY_H
#define KM0_ACCOUNT_PRIVACY_H

#include "account.h"

typedef struct account_prefs {
    const char *lang; /* "fr" or "en" */
    bool shop_open, shop_closing;
    bool verified;
    const char *email, *name;
} account_prefs;

/* The optional messages (their kinds, as in unsubscribe links). */
#define ACCOUNT_OPTIONAL_KINDS "shop_open shop_closing"
bool account_optional_kind(const char *kind);

db_status account_prefs_get(db_conn *c, arena *a, int64_t user, account_prefs *out);
/* Set the language and the optional messages: 0 or a refusal (422 on "lang"). */
int account_prefs_set(db_conn *c, arena *a, int64_t user, const account_prefs *p, refusal *why);
/* Stop one optional message kind for user (an unsubscribe link): 0, 404 unknown kind. */
int account_unsubscribe(db_conn *c, arena *a, int64_t hub, int64_t user, const char *kind,
                        refusal *why);

/* Everything km0 holds about user, as one JSON document (text from a). */
db_status account_export(db_conn *c, arena *a, int64_t user, const char **json);

/* Close user's account (see above): 0, or a refusal (404 no such open account, 409 the
 * hub's last coordinator). */
int account_close(db_conn *c, arena *a, int64_t hub, int64_t user, refusal *why);

/* Close every consumer account of every hub with no login nor order for years; *n how
 * many. */
db_status account_purge_idle(db_conn *c, arena *a, int years, int64_t *n);

#endif
