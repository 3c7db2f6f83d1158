/*
 * core/cycle.h — order cycles: creation, the weekly template, state transitions.
 *
 * draft -> open -> closed -> batched -> invoiced. Opening freezes the offers
 * (price, VAT, step, stock, and for a product priced by the kg its price per kg and
 * estimate) from the products of the producers taking part, and the hub's settings
 * (the shortage rule among them); later catalog changes never touch an open cycle. Opening and
 * closing happen by time (the server's timer, and any request that finds a cycle due) or by a
 * coordinator; batching and invoicing move the later states.
 */
#ifndef KM0_CYCLE_H
#define KM0_CYCLE_H

#include "db.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct cycle_new {
    const char *name;             /* "" = named after the delivery date */
    const char *opens, *closes;   /* timestamps as PostgreSQL reads them (ISO 8601) */
    const char *delivery;         /* date YYYY-MM-DD */
    const char *const *producers; /* slugs, or NULL = every active producer */
    size_t nproducers;
    const char *const *pickup_points; /* slugs, or NULL = every active pickup point */
    size_t npickup_points;
} cycle_new;

/* Create a draft cycle; 0, a refusal (> 0) or a db_status. Runs its own transaction. */
int cycle_create(db_conn *c, arena *a, int64_t hub, const cycle_new *in, int64_t *id, refusal *why);

/* Coordinator's transitions: "open" (now, freezing offers) or "closed" (now). */
int cycle_set_state(db_conn *c, arena *a, int64_t hub, int64_t id, const char *state, refusal *why);

/* Edit a draft cycle's name and times (NULL = unchanged). */
int cycle_update(db_conn *c, arena *a, int64_t hub, int64_t id, const cycle_new *in, refusal *why);

/* Apply the transitions that are due (hub 0 = every hub). *changed counts them. */
db_status cycle_advance(db_conn *c, int64_t hub, int *changed);

#define CYCLE_GENERATE_MAX 12

/* Create the next weeks' cycles from the hub's weekly template (a default one if the
 * hub has none), all in one transaction; weeks that already have their cycle are
 * skipped, also when several generations run at once. ids (room for
 * CYCLE_GENERATE_MAX) gets the new ones. */
int cycle_generate(db_conn *c, arena *a, int64_t hub, int weeks, int64_t *ids, int *nids,
                   refusal *why);

/* Result sets (freed with the arena). Columns: id, name, state, opens_at, closes_at,
 * delivery_date (ISO 8601), due (a time transition is pending), orders, producers,
 * pickup_points. Drafts only when include_drafts. */
db_status cycle_list(db_conn *c, arena *a, int64_t hub, bool include_drafts, PGresult **r);
/* One cycle (same columns), 0 rows when not in this hub. */
db_status cycle_get(db_conn *c, arena *a, int64_t hub, int64_t id, PGresult **r);
/* The cycle's offers with what is left: id, producer, producer_name, sku, name, category,
 * unit, price_excl_vat_e4, vat_rate_bp, weight_g, step_milli, stock_milli (NULL =
 * unlimited), sold_milli, left_milli (NULL = unlimited), organic, description,
 * producer_id, measure, measure_price_excl_vat_e4, measure_estimate_milli (NULL unless
 * priced by the kg or litre); ordered
 * by producer name, category, name; read through the one-second cache (core/rcache.h):
 * the shop's view. */
db_status cycle_offers_cached(db_conn *c, arena *a, int64_t id, PGresult **r);
/* Same columns, at most limit offers with an id above after, in id order (API pages). */
db_status cycle_offers_page(db_conn *c, arena *a, int64_t id, int64_t after, int limit,
                            PGresult **r);
/* The cycle's pickup points: id, slug, name, address, opening, capacity_orders,
 * orders_count, lat, lon. */
db_status cycle_pickup_points(db_conn *c, arena *a, int64_t id, PGresult **r);
/* Same as cycle_pickup_points, through the one-second cache. */
db_status cycle_pickup_points_cached(db_conn *c, arena *a, int64_t id, PGresult **r);
/* A cycle's head without the counts (id, name, state, opens_at, closes_at,
 * delivery_date): the shop's query. id 0 = the cycle whose window is open now — a
 * draft there means its opening is due: the caller applies it (cycle_catch_up). */
db_status cycle_head(db_conn *c, arena *a, int64_t hub, int64_t id, PGresult **r);
/* The open cycle consumers order in now (the one closing first), 0 when none. */
db_status cycle_current(db_conn *c, int64_t hub, int64_t *id);

/* Inside an order's transaction, before it reads the cycle: wait while a coordinator
 * opens or closes it (they take the gate exclusively, first come first served). */
db_status cycle_gate_enter(db_conn *c, arena *a, int64_t cycle);

/* Apply the hub's pending time transitions, if any (one cheap query when none):
 * what every request about cycles calls first, so no one sees a stale state. */
db_status cycle_catch_up(db_conn *c, int64_t hub);

#endif
