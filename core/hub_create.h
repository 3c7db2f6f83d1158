/*
 * core/hub_create.h — a new hub and its first coordinator, from the command line
 * (km0 hub create) or the first-run page of a database that holds no hub yet.
 *
 * One transaction makes the hub (its identity checked as on the desk), its settings
 * (the configuration's first values, as km0 seed gives them), its weekly template and
 * the coordinator's account, whose role is recorded (user_role_changes). The
 * first-run page may only create the first hub: the check and the creation happen
 * under a lock on the hubs table, so two first runs at once make one hub, and a
 * one-time token (first_run_tokens), when the page is reached from another machine,
 * is spent by the same transaction.
 */
#ifndef KM0_HUB_CREATE_H
#define KM0_HUB_CREATE_H

#include "account.h"
#include "hub_identity.h"

typedef struct hub_new {
    const char *slug;
    hub_identity_in identity;
    const char *coordinator_email, *coordinator_name, *password;
} hub_new;

/* Create the hub. first_run: only when the database holds no hub (409 hub_exists
 * otherwise), spending token when not NULL (403 bad_token when it is not a live one).
 * A duplicate slug is 409 slug_taken; every other problem of what was typed a 422
 * naming its fields (all at once). via: "cli" or "setup". */
int hub_create(db_conn *c, arena *a, const hub_new *in, const char *via, bool first_run,
               const char *token, int64_t *hub_id, account_user *coordinator, refusal *why);

/* Whether the database holds any hub. */
db_status hub_any(db_conn *c, bool *any);
/* A new first-run token (valid 24 hours) into out (48 bytes): only its SHA-256 is kept. */
db_status hub_first_run_token_new(db_conn *c, char *out);
/* Whether token is a live first-run token (not spent, not expired). */
db_status hub_first_run_token_ok(db_conn *c, const char *token, bool *ok);

#endif
