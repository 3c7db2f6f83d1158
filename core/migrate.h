/*
 * core/migrate.h — apply schema/NNN_*.sql migrations in order, each once.
 */
#ifndef KM0_MIGRATE_H
#define KM0_MIGRATE_H

#include "db.h"

/* Apply pending migrations from dir. Prints one line per applied file to stdout;
 * errors (naming the file) to stderr. Returns 0 or 1. */
int migrate_apply(db_conn *c, const char *dir, int *applied);

#endif
