/*
 * core/plan_int.h — what the planner's two files share; not for callers.
 *
 * plan.c turns the input into items and chooses which vehicle carries each;
 * plan_route.c orders the stops of each round, improves the rounds by moving
 * stops between them, and writes the result.
 */
#ifndef KM0_PLAN_INT_H
#define KM0_PLAN_INT_H

#include "plan.h"

/* A change must gain more than this many km to count, so that rounding noise can
 * neither flip a decision nor loop forever. */
#define PLAN_GAIN_EPS 1e-9

/* Orders of one pickup point that travel together: a whole point or one part. */
typedef struct {
    size_t point;    /* index into planner.pts */
    size_t first, n; /* orders [first, first + n) of planner.ord[point] */
    size_t group;    /* the point's first item; its items are consecutive */
    int64_t weight_g;
    int vehicle; /* fixed items: the vehicle index; free items: -1 */
} plan_item;

typedef struct {
    size_t *stop; /* item indexes in visiting order */
    size_t n;
    double km;
    int64_t room;
} plan_tour;

typedef struct {
    arena *tmp;
    const plan_point **pts; /* points with orders, ascending id */
    const plan_order **ord; /* their orders, less any heavier than every vehicle */
    size_t *nord;
    int64_t *weight_g; /* sum of ord */
    bool *left;        /* some of the point's orders are in no round */
    bool *split;       /* the point is more than one item */
    size_t np;
    const plan_vehicle **veh; /* ascending id */
    int64_t *room;            /* capacity left once the fixed items are on board */
    size_t nv;
    double *dist; /* (np + 1)^2 km; site 0 = depot, site i + 1 = pts[i] */
    plan_item *items;
    size_t nitems, cap;
    size_t *loose; /* indexes of the free items */
    size_t nloose;
    int64_t loose_g; /* their weight */
    int64_t left_g;
    int *where;           /* per item, after the search: vehicle index or -1 */
    size_t *pos;          /* per item: 1-based position in its tour */
    size_t *start, *fill; /* scratch: nv + 1 */
    size_t *sites;        /* scratch: nitems each */
    size_t *order;
    size_t *perm;
    double work;        /* distance look-ups spent, estimated, against the budgets */
    size_t *near;       /* local search: per site, its nearest sites (plan_route.c) */
    size_t *first_item; /* per point: its first item, SIZE_MAX when none */
} planner;

static inline double plan_dist(const planner *pl, size_t a, size_t b)
{
    return pl->dist[a * (pl->np + 1) + b];
}

/* Whether free item j may not ride in vehicle v (it carries another part of j's point). */
bool plan_barred(const planner *pl, size_t j, int v);
/* Total km of the rounds when free item j rides in vehicle veh[j] (-1: left out),
 * routed by nearest neighbour, then 2-opt when improve is set. */
double plan_km(planner *pl, const int *veh, bool improve);
/* Rounds with free item j in vehicle veh[j] (-1: left out), each routed. */
plan_tour *plan_tours(planner *pl, const int *veh);
/* Move and swap free items between rounds while the total km drops, then place
 * any left-out item that has come to fit. */
void plan_search(planner *pl, plan_tour *tours);
/* Fill out from the rounds; returns PLAN_OK or PLAN_INFEASIBLE. */
int plan_emit(planner *pl, const plan_tour *tours, arena *mem, plan_result *out);

#endif
