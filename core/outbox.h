/*
 * core/outbox.h — messages that must not get lost: events, the outbox, its states.
 *
 * Whatever must tell someone something writes an event in its own transaction
 * (outbox_event): an order placed, a password reset asked, invoices issued. The mail
 * worker (mail/mail_worker.c) turns each event into its messages in a transaction of
 * its own and sends them; a message is one outbox row per recipient, in the
 * recipient's language, as it will be sent. Code that has its words ready (an
 * invitation, say) queues a message directly with outbox_queue_notice, in its own
 * transaction too.
 *
 * A message goes waiting -> sending (claimed by one sender, its PostgreSQL backend's
 * pid on the row) -> sent; a temporary failure puts it back to waiting later, a
 * permanent one (an SMTP 5xx) marks it failed, shown on the desk, where a coordinator
 * may send it again. A claim whose backend is gone (the sender was killed) is void:
 * outbox_recover puts the message back to waiting.
 */
#ifndef KM0_OUTBOX_H
#define KM0_OUTBOX_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

/* Queue an event of hub (in the caller's transaction). kind: lower-case letters and
 * '_'; payload: a JSON object's text, built by the caller from ids and checked
 * values (NULL = {}). */
db_status outbox_event(db_conn *c, arena *a, int64_t hub, const char *kind, const char *payload);

/* A message ready to go. Every header value is checked (outbox_add refuses CR, LF and
 * other controls, an address that is not one). */
typedef struct outbox_msg {
    int64_t hub, event_id, user_id; /* 0 when none */
    const char *kind;
    const char *to_address, *to_name, *lang;
    const char *subject, *text, *html;
    const char *attachments;   /* JSON array text, NULL = [] (mail/mail_attach.c) */
    const char *token_purpose; /* NULL, "verify", "reset", "invite": link made as it leaves */
    bool optional;             /* carries List-Unsubscribe (RFC 8058) */
} outbox_msg;

/* Check n messages and queue them in one statement (the caller's transaction): 0, or
 * a refusal (422) naming the first header value at fault, or a db_status. */
int outbox_add(db_conn *c, arena *a, const outbox_msg *m, size_t n, refusal *why);

/* A message whose words are ready: subject and text in the recipient's language, an
 * optional link under the text. The HTML part is made from the text. For other
 * modules (an invitation to a producer, a coordinator's notice): call it inside the
 * transaction that makes the reason to write. */
typedef struct outbox_notice {
    int64_t user_id;                   /* 0 when the recipient has no account */
    const char *to_address, *to_name;  /* to_name may be NULL */
    const char *lang;                  /* "fr" or "en" */
    const char *subject;               /* one line, at most 200 characters */
    const char *text;                  /* paragraphs separated by blank lines */
    const char *link_label, *link_url; /* both NULL, or a label and an https?:// address */
    const char *kind;                  /* NULL = "notice" */
    const char *token_purpose; /* NULL, or "invite": link_url holds ACCOUNT_TOKEN_PLACEHOLDER */
} outbox_notice;
int outbox_queue_notice(db_conn *c, arena *a, int64_t hub, const outbox_notice *n, refusal *why);

/* ---- the sender's side ------------------------------------------------------ */

typedef struct outbox_item {
    int64_t id, hub, user_id;
    const char *kind, *to_address, *to_name, *lang, *subject, *text, *html;
    const char *attachments, *token_purpose, *created_epoch, *hub_slug, *hub_name;
    bool optional;
    int attempts;
} outbox_item;

/* Claim up to limit messages due now for this connection's backend (committed at
 * once). Items come from a. */
db_status outbox_claim(db_conn *c, arena *a, int limit, outbox_item **items, size_t *n);
/* The claim of message id ends: sent; or back to waiting after delay_s (given up, as
 * failed, once the message is older than max_age_s); or failed. error: a short
 * reason (no personal data), kept for the desk. */
db_status outbox_mark_sent(db_conn *c, int64_t id);
db_status outbox_mark_retry(db_conn *c, arena *a, int64_t id, int delay_s, int max_age_s,
                            const char *error);
db_status outbox_mark_failed(db_conn *c, arena *a, int64_t id, const char *error);
/* Give claimed messages back untried (the relay could not be reached): waiting again,
 * their attempt not counted. ids: a PostgreSQL bigint array literal. */
db_status outbox_release(db_conn *c, const char *ids);
/* Claims whose backend is gone go back to waiting; *n how many. */
db_status outbox_recover(db_conn *c, int64_t *n);
/* Sent messages older than days lose their rows (what was sent is not kept longer
 * than it is useful); *n how many. */
db_status outbox_prune(db_conn *c, int days, int64_t *n);

/* ---- the events' side ---------------------------------------------------------- */

typedef struct outbox_pending_event {
    int64_t id, hub;
    const char *kind, *payload;
} outbox_pending_event;

/* Take the oldest event due, locked for this transaction (SKIP LOCKED: several
 * workers share the work); *found false when none. Run inside db_transaction. */
db_status outbox_event_take(db_conn *c, arena *a, outbox_pending_event *ev, bool *found);
/* The event made its messages (same transaction). */
db_status outbox_event_done(db_conn *c, arena *a, int64_t id, int messages);
/* The event cannot make its messages yet: look again in delay_s. */
db_status outbox_event_later(db_conn *c, arena *a, int64_t id, int delay_s);

/* ---- what the desk and km0 mail queue show ---------------------------------------- */

typedef struct outbox_row {
    int64_t id;
    const char *kind, *to_address, *subject, *state, *last_error, *created_at, *next_attempt_at;
    int attempts;
} outbox_row;

typedef struct outbox_counts {
    int64_t events, waiting, sending, sent, failed;
} outbox_counts;

/* hub 0: every hub. */
db_status outbox_count(db_conn *c, arena *a, int64_t hub, outbox_counts *out);
/* Messages not sent (waiting, sending, failed), failed first, at most limit. */
db_status outbox_unsent(db_conn *c, arena *a, int64_t hub, int limit, outbox_row **rows, size_t *n);
/* A failed (or waiting) message is due now: 0, or a refusal (404 unknown, 409 sent or
 * being sent). */
int outbox_retry(db_conn *c, arena *a, int64_t hub, int64_t id, refusal *why);

/* The address check of every recipient: what account_normalize_email accepts, and no
 * character a header could be split with. */
bool outbox_address_ok(const char *address);

#endif
