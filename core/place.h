/*
 * core/place.h — where the week happens: pickup points (position, slots, capacity)
 * and the vans that deliver them (capacity, departure, speed), as coordinators add,
 * edit and deactivate them.
 *
 * A pickup point opens in one to PICKUP_SLOTS_MAX slots a week (pickup_point_slots).
 * The point's own opening columns keep its first slot of the week — what batching
 * aims the round at and the order page announces — and its opening text lists them
 * all. Its position is typed, or the commune's from the address (core/gazetteer.h).
 * Deactivating keeps history: the point or van stays in past cycles' documents but
 * takes part in no cycle made afterwards.
 */
#ifndef KM0_PLACE_H
#define KM0_PLACE_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PICKUP_SLOTS_MAX 4

typedef struct pickup_slot {
    int dow, start_min, end_min; /* ISO day, minutes after midnight */
} pickup_slot;

typedef struct pickup_record {
    int64_t id;
    const char *slug, *name, *address, *opening;
    int64_t lat_e7, lon_e7;
    int64_t capacity; /* orders per cycle, 0: no limit */
    bool active;
    pickup_slot slots[PICKUP_SLOTS_MAX];
    size_t nslots;
} pickup_record;

/* As typed; NULL leaves a field (a new point needs slug, name and a slot). Slots:
 * rows of day ("1".."7" or a day's name), from and to ("17:00"); an empty row is
 * skipped; set_slots replaces them all. lat and lon empty: from the address. */
typedef struct pickup_in {
    const char *slug, *name, *address, *lat, *lon, *capacity;
    bool set_slots;
    const char *const *slot_day, *const *slot_from, *const *slot_to;
    size_t nslots;
    /* or the slots as one text, as scripts of the previous release send them: "jeudi
     * 17:00-19:00, samedi 10:00-12:00" (a problem names "opening"); "" is none given */
    const char *opening;
} pickup_in;

typedef struct vehicle_record {
    int64_t id;
    const char *slug, *name;
    int64_t capacity_g, capacity_crates; /* crates 0: not counted */
    int speed_kmh, stop_minutes, departs_min;
    bool active;
} vehicle_record;

typedef struct vehicle_in {
    const char *slug, *name, *capacity_kg, *capacity_crates, *speed_kmh, *stop_minutes, *departs;
} vehicle_in;

/* "jeudi" / "thursday" / "4" → 4; 0 when it is none. */
int place_parse_day(const char *s);
/* The slots as the opening text: "jeudi 17:00-19:00, samedi 10:00-12:00". */
const char *place_opening_text(arena *a, const pickup_slot *s, size_t n);

db_status pickup_list(db_conn *c, arena *a, int64_t hub, pickup_record **out, size_t *n);
db_status pickup_get(db_conn *c, arena *a, int64_t hub, const char *slug, pickup_record *out,
                     bool *found);
int pickup_create(db_conn *c, arena *a, int64_t hub, const pickup_in *in, refusal *why);
int pickup_update(db_conn *c, arena *a, int64_t hub, const char *slug, const pickup_in *in,
                  refusal *why);
int pickup_set_active(db_conn *c, arena *a, int64_t hub, const char *slug, bool active,
                      refusal *why);

db_status vehicle_list(db_conn *c, arena *a, int64_t hub, vehicle_record **out, size_t *n);
db_status vehicle_get(db_conn *c, arena *a, int64_t hub, const char *slug, vehicle_record *out,
                      bool *found);
int vehicle_create(db_conn *c, arena *a, int64_t hub, const vehicle_in *in, refusal *why);
int vehicle_update(db_conn *c, arena *a, int64_t hub, const char *slug, const vehicle_in *in,
                   refusal *why);
int vehicle_set_active(db_conn *c, arena *a, int64_t hub, const char *slug, bool active,
                       refusal *why);

#endif
