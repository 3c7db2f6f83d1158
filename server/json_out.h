/*
 * server/json_out.h — JSON renderings shared by the API handlers.
 */
#ifndef KM0_JSON_OUT_H
#define KM0_JSON_OUT_H

#include "../core/db.h"
#include "../core/delivery.h"
#include "../core/order.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* Rows from core/cycle.h result sets. */
cJSON *json_cycle(const PGresult *r, int row, bool coordinator);
cJSON *json_offer(const PGresult *r, int row);
cJSON *json_pickup_point(const PGresult *r, int row, bool coordinator);
/* What was delivered beside an order: its changes and substitutions (core/delivery.h). */
typedef struct order_delivery {
    const delivery_change *changes;
    size_t nchanges;
    const substitution *substitutions;
    size_t nsubstitutions;
} order_delivery;

/* {"order": {...}} as in DESIGN.md, each line with what was delivered (the same as
 * ordered until something changes) and, from d, its changes; the totals as delivered
 * and the final amount (docs/api.md). d may be NULL (no change read). */
cJSON *json_order_delivered(const order *o, const order_delivery *d);
cJSON *json_order(const order *o);

#endif
