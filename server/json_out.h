/*
 * server/json_out.h — JSON renderings shared by the API handlers.
 */
#ifndef KM0_JSON_OUT_H
#define KM0_JSON_OUT_H

#include "../core/db.h"
#include "../core/order.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

/* Rows from core/cycle.h result sets. */
cJSON *json_cycle(const PGresult *r, int row, bool coordinator);
cJSON *json_offer(const PGresult *r, int row);
cJSON *json_pickup_point(const PGresult *r, int row, bool coordinator);
/* {"order": {...}} as in DESIGN.md. */
cJSON *json_order(const order *o);

#endif
