/*
 * core/plan.h — the delivery-round planner: which vehicle serves which pickup
 * points, in what order, within capacity.
 *
 * Pure computation: the caller loads a closed cycle's pickup points, orders and
 * vehicles, calls plan_make and stores the rounds. No I/O and no global state;
 * the same input gives the same output bit for bit, whatever the order of the
 * points and vehicles in the input arrays. Weights are integer grams throughout;
 * doubles appear only for coordinates and distances.
 */
#ifndef KM0_PLAN_H
#define KM0_PLAN_H

#include "arena.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* No real order or vehicle comes near these; they keep every sum far from overflow. */
#define PLAN_MAX_ORDER_G    INT64_C(1000000000)    /* 1000 t */
#define PLAN_MAX_CAPACITY_G INT64_C(1000000000000) /* 1 000 000 t */

typedef struct {
    int64_t order_id;
    int64_t weight_g; /* >= 0 */
} plan_order;

typedef struct {
    int64_t id;               /* unique among the points */
    double lat, lon;          /* degrees */
    int open_min, close_min;  /* slot on the delivery day, minutes after midnight; -1 = none */
    int64_t fixed_vehicle;    /* vehicle a coordinator pinned the point to; 0 = free */
    const plan_order *orders; /* strictly increasing order_id */
    size_t norders;           /* 0: the point is not visited */
} plan_point;

typedef struct {
    int64_t id;         /* > 0 and unique */
    int64_t capacity_g; /* 0 .. PLAN_MAX_CAPACITY_G */
    int speed_kmh;      /* > 0, average over the round */
    int stop_minutes;   /* 0 .. 1440, spent at each stop */
    int depart_min;     /* 0 .. 1440, leaves the depot, minutes after midnight */
} plan_vehicle;

typedef struct {
    double lat, lon;
} plan_depot;

typedef struct {
    int64_t point_id;
    int part, parts; /* 1/1 unless the point is split across rounds */
    int64_t weight_g;
    size_t norders;
    const int64_t *order_ids; /* this stop's orders, ascending; always filled */
    int eta_min;              /* minutes after midnight */
    bool late;                /* eta_min > close_min (arriving before opening is not late) */
    double leg_km;            /* from the previous stop, or from the depot for the first */
} plan_stop;

typedef struct {
    int64_t vehicle_id;
    plan_stop *stops; /* in visiting order */
    size_t nstops;
    int64_t load_g;
    double km;      /* depot -> stops -> depot */
    int return_min; /* back at the depot */
} plan_round;

typedef struct {
    plan_round *rounds; /* ascending vehicle id; vehicles with nothing to carry have none */
    size_t nrounds;
    double km; /* sum of the rounds' km */
    /* PLAN_INFEASIBLE: grams of orders in no round (see plan_make), and the ids of the
     * points with at least one such order, ascending. The rounds are then the best
     * partial plan found, worth showing to the coordinator but not a delivery plan. */
    int64_t overflow_g;
    int64_t *left_points;
    size_t nleft;
    const char *error; /* PLAN_INVALID: what is wrong with the input, for a person */
} plan_result;

enum {
    PLAN_OK = 0,         /* every order is in a round */
    PLAN_INFEASIBLE = 1, /* some orders do not fit the vehicles */
    PLAN_INVALID = 2     /* the input breaks a rule of this header; nothing planned */
};

/*
 * Plan the rounds of one delivery day. Every order lands in exactly one round,
 * each vehicle makes at most one round and carries no more than its capacity.
 *
 * The orders of a point travel together unless the point fits whole in no
 * vehicle's remaining room when its turn comes (heaviest points first; room is
 * capacity less the points pinned to the vehicle and the parts of heavier split
 * points). Such a point is split by whole orders, in order_id order, into parts
 * 1..n, each carried by a different vehicle: part after part fills the roomiest
 * vehicle until the rest fits whole somewhere, and the rest is planned like any
 * point. A pinned point is carried by its vehicle only: if it is heavier than
 * that vehicle, its first orders that fit go and the rest is left over; if it
 * merely does not fit beside the other points pinned there (heaviest placed
 * first), it is left over whole. An order heavier than every vehicle is left
 * over; its point's other orders are planned as usual.
 *
 * A stop's eta_min is the departure, plus the driving time from the depot at
 * speed_kmh rounded to the nearest minute, plus stop_minutes per earlier stop;
 * the vehicle does not wait for a point to open.
 *
 * overflow_g is the total weight of the orders in no round: what no plan can carry
 * (orders heavier than every vehicle, pinned excess) plus the free points the best
 * packing found leaves out. That packing is exact for small cycles; packing is
 * NP-hard, so a large, very tight cycle may leave out a little more than the true
 * minimum (see plan.c): PLAN_OK is never wrong, PLAN_INFEASIBLE may then be.
 *
 * Returns PLAN_OK, PLAN_INFEASIBLE or PLAN_INVALID. *out and everything it points
 * to is allocated from mem (order ids are copied: the input may be freed after).
 * Allocation failure aborts.
 */
int plan_make(const plan_depot *depot, const plan_vehicle *v, size_t nv, const plan_point *p,
              size_t np, arena *mem, plan_result *out);

/* Great-circle distance in km (haversine, R = 6371 km). */
double plan_distance_km(double lat1, double lon1, double lat2, double lon2);

/*
 * The route plan_make gives a vehicle carrying points p[0..n-1] (only lat and lon
 * are read): nearest neighbour from the depot, ties to the lower index, then 2-opt
 * when improve is true. Writes the visiting order, a permutation of 0..n-1, to
 * order and returns the km of depot -> stops -> depot. Points sorted by id get the
 * same route as in plan_make.
 */
double plan_route_order(const plan_depot *depot, const plan_point *p, size_t n, bool improve,
                        size_t *order);

/*
 * The same on a distance matrix, for callers holding one: dist[a * stride + b] is
 * the km between sites a and b, site 0 is the depot; sites[0..n-1] (distinct,
 * none 0) are the sites to visit. Ties go to the lower site number.
 */
double plan_route_matrix(const double *dist, size_t stride, const size_t *sites, size_t n,
                         bool improve, size_t *order);

/* Fill dist (n x n, row-major) with plan_distance_km between the n sites given. */
void plan_distance_matrix(const double *lat, const double *lon, size_t n, double *dist);

#endif
