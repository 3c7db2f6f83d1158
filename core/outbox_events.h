/*
 * core/outbox_events.h — the events other parts of km0 raise, with their checks:
 * a coordinator's message, payment reminders, what changed at weigh-in, the "closes
 * soon" reminders that come due. (Orders, accounts and cycles raise theirs where they
 * happen: core/order.c, core/account*.c, the cycles trigger of schema/011.)
 */
#ifndef KM0_OUTBOX_EVENTS_H
#define KM0_OUTBOX_EVENTS_H

#include "money.h"
#include "outbox.h"

/* A coordinator writes to the customers of a cycle (those with an order in it, at the
 * pickup point when one is named) or of a pickup point (those whose latest order was
 * there). cycle 0 / pickup NULL or "": not named; one of them must be. The subject is
 * one line (CR and LF refused: no header injection), the text paragraphs. */
typedef struct outbox_broadcast {
    int64_t cycle;
    const char *pickup; /* slug */
    const char *subject, *text;
} outbox_broadcast;
int outbox_coordinator_message(db_conn *c, arena *a, int64_t hub, const outbox_broadcast *b,
                               refusal *why);

/* Remind every customer of an invoiced cycle of what they owe on its invoices:
 * 0, or a refusal (404 no such cycle, 409 not invoiced). */
int outbox_payment_reminders(db_conn *c, arena *a, int64_t hub, int64_t cycle, refusal *why);

/* What changed for one order when it was weighed (issue 16's weigh-in calls this in
 * its transaction): each product whose delivered quantity differs from the ordered. */
typedef struct outbox_weighin_change {
    const char *name, *unit; /* the offer's name and unit code */
    milli_t ordered, delivered;
} outbox_weighin_change;
db_status outbox_weighin_changes(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t customer,
                                 const outbox_weighin_change *ch, size_t n);

/* Queue the "closes soon" messages of every open cycle whose reminder time has come
 * (the hub's closing_reminder_hours before its close), once per cycle; *n cycles. */
db_status outbox_closing_reminders(db_conn *c, int64_t *n);

#endif
