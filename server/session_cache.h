/*
 * server/session_cache.h — the sessions a server has looked up, kept in memory for a
 * few seconds (session_cache_s), so that a request does not ask PostgreSQL who its
 * cookie belongs to every time (an archived invoice served from memory spent most of
 * its time on that one query: bench/archive_download.sh).
 *
 * Never a revoked session: every entry is tied to an epoch, and the epoch moves (which
 * forgets every entry at once) when
 *   - this server finishes a request that may have written (any method but GET, HEAD,
 *     OPTIONS), before its reply leaves: a logout, a password change, a role changed
 *     here are seen by the very next request;
 *   - PostgreSQL notifies km0_sessions (schema/021: a session ended or changed, a user's
 *     role, hub, producer, customer, name, e-mail or "active" changed), whichever server
 *     or command line did it: a thread LISTENs on its own connection (a producer's slug,
 *     which km0 never changes, changed by hand is seen within session_cache_s);
 *   - that connection is lost: until it listens again, nothing is served from memory.
 * A lookup that started before the epoch moved is not kept. Roles are still checked
 * on every request, on the session as it was read.
 */
#ifndef KM0_SESSION_CACHE_H
#define KM0_SESSION_CACHE_H

#include "../core/account.h"

#include <stdbool.h>
#include <stdint.h>

/* The epoch to give session_cache_put for a lookup starting now. */
uint64_t session_cache_epoch(void);
/* The session of token, copied into a; false when not kept (or not listening). */
bool session_cache_get(const char *token, arena *a, account_session *out);
/* Keep s for token, unless the epoch moved since epoch was read. */
void session_cache_put(const char *token, uint64_t epoch, const account_session *s);
/* Forget every session kept. */
void session_cache_flush(void);

/* The listening thread (database_url), and its end (which forgets everything). */
void session_cache_start(void);
void session_cache_stop(void);

#endif
