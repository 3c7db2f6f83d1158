/*
 * core/archive_cache.h — archived invoice files kept in memory, per process.
 *
 * An archived file never changes (schema/012 forbids it), nor do the invoice's
 * seller and buyer that decide who may read it: once read, an entry is good for
 * as long as the process lives. Downloads come in rushes (the invoices of the
 * week, the day they are issued), so the most recently used files are kept, up to
 * archive_cache_mb megabytes (config; 0 turns the cache off), and a download then costs
 * no query at all (its session too is kept: server/session_cache.h). Nothing here is
 * state another km0 process needs.
 */
#ifndef KM0_ARCHIVE_CACHE_H
#define KM0_ARCHIVE_CACHE_H

#include "archive.h"

/* The archived entry of invoice number of hub in out (its strings copied into a, its
 * bytes shared: out->pdf stays valid until a is freed); false when it is not cached. */
bool archive_cache_get(arena *a, int64_t hub, const char *number, archive_file *out);
/* Keep an archived entry with its bytes (anything else is ignored). */
void archive_cache_put(int64_t hub, const archive_file *f);
/* Bytes held now (for /metrics), and everything dropped (shutdown). */
size_t archive_cache_bytes(void);
void archive_cache_clear(void);

#endif
