/*
 * mail/mail_int.h — what the message makers share (mail/compose_*.c): the event being
 * turned into messages, its recipients, and the messages made so far.
 *
 * Each maker reads what its event is about, writes one message per recipient in the
 * recipient's language (mail/mail_text.h) and adds it with fo_add; the worker queues
 * them all in one statement, in the transaction that marks the event done.
 */
#ifndef KM0_MAIL_INT_H
#define KM0_MAIL_INT_H

#include "../core/db.h"
#include "../core/outbox.h"
#include "mail_text.h"

#include <cjson/cJSON.h>

typedef struct fanout {
    db_conn *c;
    arena *a;
    const outbox_pending_event *ev;
    cJSON *payload;
    const char *hub_name;
    outbox_msg *msgs;
    size_t n, cap;
    int later_s; /* > 0: the event cannot make its messages yet; look again then */
} fanout;

/* A recipient with an account. */
typedef struct mail_user {
    int64_t id, customer_id;
    const char *email, *name, *lang;
    bool verified;
} mail_user;

/* The number in the payload's field, 0 when missing. */
int64_t fo_int(const fanout *f, const char *field);
/* The payload's text field, NULL when missing. */
const char *fo_str(const fanout *f, const char *field);
/* The open account user_id of this event's hub; *found false when closed or gone. */
db_status fo_user(fanout *f, int64_t user_id, mail_user *u, bool *found);
/* The consumer account of a customer of this hub (the first open one). */
db_status fo_customer_user(fanout *f, int64_t customer, mail_user *u, bool *found);
/* Add a message for u made from m (finished with mt_end), with subject; the rest of
 * the fields (attachments, token, optional) from extra, which may be NULL. */
void fo_add(fanout *f, const mail_user *u, const char *kind, const char *subject, mail_text *m,
            const outbox_msg *extra);
/* The signed unsubscribe link of user for an optional kind. */
db_status fo_unsubscribe_url(fanout *f, int64_t user, const char *kind, const char **url);

/* The makers, one per event kind: >= 0 or a db_status. */
int compose_account_created(fanout *f);
int compose_password_reset(fanout *f);
int compose_password_changed(fanout *f);
int compose_order(fanout *f); /* order_placed, order_changed */
int compose_order_cancelled(fanout *f);
int compose_weighin(fanout *f);
int compose_cycle_open(fanout *f);
int compose_cycle_closing(fanout *f);
int compose_cycle_closed(fanout *f);
int compose_invoices(fanout *f);
int compose_payment_reminder(fanout *f);
int compose_coordinator_message(fanout *f);
int compose_subscription_misses(fanout *f); /* mail/compose_subscription.c */

#endif
