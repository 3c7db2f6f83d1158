/*
 * core/batch.h — batching a closed cycle into delivery rounds, and reading them.
 *
 * batch_cycle loads the cycle's orders (with their weights), the pickup points,
 * the active vehicles, the depot and the coordinator's pinned assignments in a
 * few set-based queries, lets the planner (core/plan.h) choose the rounds, and
 * replaces the cycle's stored rounds in the same transaction: the coordinator
 * sees either the whole new batch or the previous one, never a mix. The HTTP API,
 * the command line and the desk page all read the stored rounds through
 * batch_rounds, so they show the same thing.
 */
#ifndef KM0_BATCH_H
#define KM0_BATCH_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct batch_stop {
    int seq; /* 1-based, driving order */
    int64_t pickup_point_id;
    const char *pickup_point; /* slug */
    const char *name, *address, *opening;
    double lat, lon;
    int part, parts;    /* 1/1 unless the point is split across rounds */
    const char *eta;    /* RFC 3339, Paris time: 2026-12-10T17:05:00+01:00 */
    const char *eta_hm; /* "17:05", Paris time, for people */
    bool late;          /* arrives after the slot closes on its day */
    int64_t leg_m;      /* from the previous stop, or from the depot for the first */
    int64_t load_g;
    int orders;
} batch_stop;

typedef struct batch_round {
    int64_t id;
    int seq;
    const char *vehicle, *vehicle_name;  /* slug and name */
    const char *departs_at, *returns_at; /* RFC 3339, Paris time */
    const char *departs_hm, *returns_hm; /* Paris time */
    int64_t distance_m;                  /* the stops' legs plus return_m */
    int64_t return_m;                    /* last stop back to the depot */
    int64_t load_g, capacity_g;
    batch_stop *stops;
    size_t nstops;
} batch_round;

/* A cycle's rounds as stored. Everything lives in the arena given to the call. */
typedef struct batch_result {
    int64_t cycle;
    const char *state;         /* the cycle's state */
    const char *delivery_date; /* YYYY-MM-DD */
    double depot_lat, depot_lon;
    batch_round *rounds; /* by seq */
    size_t nrounds;
    int64_t distance_m, load_g;
    int64_t orders; /* orders in the rounds */
    int late;       /* stops arriving after their slot */
} batch_result;

/*
 * Batch cycle `cycle` of `hub` into rounds, replacing any previous batch, and set
 * it to "batched". One transaction holding the cycle row FOR UPDATE, so two
 * batches of one cycle run one after the other and invoicing cannot start in
 * between; an open cycle past its closing time is closed in it. Returns 0 with
 * *out filled (read back from what was stored), a refusal
 * (> 0: 404 no such cycle; 409 cycle_not_closed, cycle_invoiced, cycle_does_not_fit
 * with the kg over and the pickup points left out, or cycle_not_plannable), or a
 * db_status. A refused batch writes nothing.
 */
int batch_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, batch_result *out, refusal *why);

/* The cycle's stored rounds with their stops (none when it is not batched): 0, a
 * 404 refusal, or a db_status. One query. */
int batch_rounds(db_conn *c, arena *a, int64_t hub, int64_t cycle, batch_result *out, refusal *why);

/* Metres as km with three decimals ("12.345") and grams as kg ("450" or "12.5"),
 * into out (32 bytes); returns out. What the API, CLI and pages print. */
char *batch_km(char *out, int64_t metres);
char *batch_kg(char *out, int64_t grams);

#endif
