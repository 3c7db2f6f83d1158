/*
 * core/hub.h — opening slots as written ("jeudi 17:00-19:00"), and the live figures
 * of a cycle for the desk.
 */
#ifndef KM0_HUB_H
#define KM0_HUB_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

/* "17:30" → minutes after midnight. */
bool hub_parse_hhmm(const char *s, int *minutes);
/* "jeudi 17:00-19:00" (French or English day) → ISO day and minutes. */
bool hub_parse_opening(const char *s, int *dow, int *start_min, int *end_min);

/* A cycle as it fills: per offer (producer_name, name, unit, stock_milli, sold_milli,
 * excl_cents, orders), ordered by producer then product. */
db_status hub_cycle_demand(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r);
/* Per producer: producer, producer_name, orders, excl_cents. */
db_status hub_cycle_by_producer(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r);

#endif
