/*
 * core/unsubscribe.h — the signed links of optional messages (RFC 8058 one-click
 * unsubscribe): whoever holds the link may stop that one kind of message for that one
 * account, and nothing else.
 *
 * The token is HMAC-SHA256(secret, "unsubscribe:HUB:USER:KIND") in base64url; the
 * secret is made at random on first use and kept in the database (km0_secrets), so
 * every km0 process signs and checks alike.
 */
#ifndef KM0_UNSUBSCRIBE_H
#define KM0_UNSUBSCRIBE_H

#include "db.h"

#include <stdbool.h>
#include <stdint.h>

#define UNSUB_TOKEN_LEN 43

/* The token for (hub, user, kind) into out (at least 48 bytes). */
db_status unsub_token(db_conn *c, int64_t hub, int64_t user, const char *kind, char *out);
/* Does token sign (hub, user, kind)? Constant time. */
db_status unsub_check(db_conn *c, int64_t hub, int64_t user, const char *kind, const char *token,
                      bool *ok);

#endif
