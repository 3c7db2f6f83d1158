/*
 * core/hub.h — the hub's people and places: producers and pickup points, as the
 * coordinator lists, edits and deactivates them; and the live figures of a cycle.
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

/* Columns: id, slug, name, legal_form, siret, vat_number, vat_regime, address, town,
 * email, active, products (active products in the catalog). */
db_status hub_producers(db_conn *c, arena *a, int64_t hub, PGresult **r);
db_status hub_producer(db_conn *c, arena *a, int64_t hub, const char *slug, PGresult **r);
/* Columns: id, slug, name, address, opening, capacity_orders, lat, lon, active. */
db_status hub_pickup_points(db_conn *c, arena *a, int64_t hub, PGresult **r);
db_status hub_pickup_point(db_conn *c, arena *a, int64_t hub, const char *slug, PGresult **r);

typedef struct hub_producer_edit {
    const char *name, *email, *address, *town;
} hub_producer_edit;

typedef struct hub_pickup_edit {
    const char *name, *address, *opening, *capacity; /* capacity "" = unlimited */
} hub_pickup_edit;

/* Edit or (de)activate; a refusal names the field. */
int hub_producer_update(db_conn *c, arena *a, int64_t hub, const char *slug,
                        const hub_producer_edit *e, refusal *why);
int hub_pickup_update(db_conn *c, arena *a, int64_t hub, const char *slug, const hub_pickup_edit *e,
                      refusal *why);
int hub_set_active(db_conn *c, arena *a, int64_t hub, const char *kind, const char *slug,
                   bool active, refusal *why);

/* A cycle as it fills: per offer (producer_name, name, unit, stock_milli, sold_milli,
 * excl_cents, orders), ordered by producer then product. */
db_status hub_cycle_demand(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r);
/* Per producer: producer, producer_name, orders, excl_cents. */
db_status hub_cycle_by_producer(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r);

#endif
