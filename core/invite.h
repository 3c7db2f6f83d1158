/*
 * core/invite.h — invitations: a one-time link that lets a producer (or a new
 * coordinator) choose the password of the account the hub opens for them.
 *
 * The token is 32 random bytes (base64url); the database keeps only its SHA-256, so
 * a copy of the table opens no account. A link serves once (the account it made is
 * recorded on it, in the transaction that makes the account) and expires after
 * invitation_days (config). Inviting again gives a new link; the old ones stay valid
 * until they expire or one of them is used, which spends them all. With a mail relay
 * configured, the invitation also leaves by e-mail (its own sibling link, made as the
 * message leaves); the link shown to the coordinator stays the fallback.
 */
#ifndef KM0_INVITE_H
#define KM0_INVITE_H

#include "account.h"
#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct invite_sent {
    char token[48];         /* the secret the link carries; shown once, never stored */
    const char *email;      /* whom it is for */
    const char *expires_at; /* ISO 8601 */
    bool mailed; /* queued as an e-mail (a relay is configured); the link is shown either way */
} invite_sent;

typedef struct invite_info {
    bool found, used, expired;
    int64_t hub_id;
    const char *role, *email, *producer_slug, *producer_name, *hub_name, *expires_at;
} invite_info;

/* A new invitation to the producer's account (role "producer", producer_slug) or to
 * the coordinator role (producer_slug NULL), for email (NULL or "": the producer's own
 * e-mail), valid days days, made by user by. Refused: no such producer (404), no
 * e-mail (422 naming "email"), an account with that e-mail already in the hub (409
 * email_taken). */
int invite_create(db_conn *c, arena *a, int64_t hub, const char *role, const char *producer_slug,
                  const char *email, int days, int64_t by, invite_sent *out, refusal *why);
/* What a token opens (found false for none). */
db_status invite_find(db_conn *c, arena *a, const char *token, invite_info *out);
/* Use the invitation: make the account with this password (and name), spend the
 * invitation and its siblings, record the role. 410 unknown, used or expired (a link that is not,
 * or no longer, one), 422 weak password, 409 email_taken. */
int invite_accept(db_conn *c, arena *a, const char *token, const char *password, const char *name,
                  account_user *user, refusal *why);

/* The link of an invitation's message, made by the sender as the message leaves
 * (token_purpose "invite"): a new token (raw, at least 48 bytes) for the invitation
 * queued with outbox message outbox_id, only its hash stored. *found false when that
 * invitation was used or has expired: the message has no point any more. */
db_status invite_token_for_message(db_conn *c, arena *a, int64_t outbox_id, char *raw, bool *found);

#endif
