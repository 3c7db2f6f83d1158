/*
 * importers/hub_seed.h — load a hub's producers, pickup points and vehicles from CSV.
 */
#ifndef KM0_HUB_SEED_H
#define KM0_HUB_SEED_H

#include "../core/buf.h"
#include "../core/db.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { HUB_SEED_OK = 0, HUB_SEED_REFUSED = 1, HUB_SEED_DB = 2 };

typedef struct {
    int64_t hub_id;
    size_t producers, pickup_points, vehicles;
} hub_seed_counts;

/* Check every file of dir, then upsert everything in one transaction. Problems go
 * to errors, one per line as DIR/FILE:LINE:COLUMN: message. */
int hub_seed(db_conn *c, const char *dir, buf *errors, hub_seed_counts *counts);

#endif
