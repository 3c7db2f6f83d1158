/*
 * core/rcache.h — a one-second cache of read-only query results, per process.
 *
 * The shop page of a busy hub shows the same offers to everyone; reading them
 * once a second instead of once a page halves the database's work per page.
 * What may be cached: data that is frozen (offers' prices) or whose staleness
 * for a second is harmless to show (stock left — order_put checks the truth
 * under locks). Nothing here is state another km0 process would need.
 * While one reader refreshes an expired entry, the others read the previous
 * result (five seconds old at most) rather than all running the statement.
 */
#ifndef KM0_RCACHE_H
#define KM0_RCACHE_H

#include "arena.h"
#include "db.h"

#include <stdint.h>

/* Run stmt with one id parameter through the cache: *r stays valid until the
 * arena is freed. kind distinguishes statements sharing ids. */
db_status rcache_run(db_conn *c, arena *a, int kind, db_stmt *stmt, int64_t id, PGresult **r);

/* Drop every entry (server shutdown). */
void rcache_clear(void);

#endif
