/*
 * core/account_tokens.h — what an account proves by e-mail: its address (verification
 * at sign-up) and its owner (password reset); and the password changed while logged in.
 *
 * Tokens are 32 random bytes, written into the message as it leaves (mail/) and kept
 * as their SHA-256 only (account_tokens): single use, a reset valid one hour, a
 * verification seven days. A reset asked for an address answers the same whether an
 * account has it or not, and is throttled per address (reset_attempts). A password
 * set by reset or by change ends every other session of the account.
 */
#ifndef KM0_ACCOUNT_TOKENS_H
#define KM0_ACCOUNT_TOKENS_H

#include "account.h"

#define ACCOUNT_RESET_TTL_MIN     60
#define ACCOUNT_VERIFY_TTL_MIN    (7 * 24 * 60)
#define ACCOUNT_RESETS_PER_HOUR   5
#define ACCOUNT_TOKEN_PLACEHOLDER "@@km0-token@@"

/* Make a token for user (purpose "verify" or "reset"), its hash stored; raw (out, at
 * least 48 bytes) goes into the message only. Called by the sender as a message
 * with such a link leaves. */
db_status account_token_make(db_conn *c, arena *a, int64_t hub, int64_t user, const char *purpose,
                             char *raw);

/* Confirm the address with a verification token: 0, or a refusal (404 unknown or
 * used, 410 expired). *user_id gets the account. */
int account_verify(db_conn *c, arena *a, const char *token, int64_t *user_id, refusal *why);

/* Ask for a reset link for email in hub: 0 whatever the address (a message is queued
 * only when an active account has it), 429 past ACCOUNT_RESETS_PER_HOUR requests for
 * this address in the hour, or a db_status. */
int account_reset_request(db_conn *c, arena *a, int64_t hub, const char *email, refusal *why);

/* Is this reset token usable? (For the form: 0, or a refusal as below.) */
int account_reset_check(db_conn *c, arena *a, const char *token, refusal *why);
/* Set a new password with a reset token: the token is used up, every session of the
 * account ends, the address counts as verified (the link reached it). 0, or a refusal
 * (422 unknown or used, 410 expired, 422 weak password on "password"). */
int account_reset_password(db_conn *c, arena *a, const char *token, const char *password,
                           refusal *why);

/* Change the password of a logged-in user: the current one must be right (401 on
 * "current_password"), the new one good (422 on "password"); every other session of the
 * account ends (keep_session: the one making the change; 0 = none kept). */
int account_change_password(db_conn *c, arena *a, int64_t user, int64_t keep_session,
                            const char *current, const char *password, refusal *why);

/* The user may place a first order: the hub does not ask for a verified address, or
 * the address is verified, or the customer ordered before. */
db_status account_may_order(db_conn *c, arena *a, int64_t hub, int64_t customer, bool *ok);

/* Activity that keeps an account from the idle purge (a login, an order). */
db_status account_touch(db_conn *c, arena *a, int64_t user);
db_status account_touch_customer(db_conn *c, arena *a, int64_t hub, int64_t customer);

#endif
