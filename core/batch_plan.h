/*
 * core/batch_plan.h — plan a cycle from its pickup points' totals, fetching the
 * orders of only the points that have to be split.
 *
 * The planner (core/plan.h) keeps a point's orders together unless the point fits
 * whole in no vehicle's remaining room when its turn comes; a point that travels
 * whole is planned by its total weight alone. So a cycle can be planned with each
 * point as one pseudo-order of its total weight; the points that plan leaves over
 * are the only ones that may need their real orders (to be split, or because one
 * order is heavier than every vehicle). They are fetched and the plan is made
 * again, until every point left over has its real orders. The result is the plan
 * plan_make gives with every order known (tests/unit/test_batch_plan.c checks it
 * on random cycles), for the cost of a GROUP BY per point instead of per order:
 * on 100 000 orders that is most of a batch's time.
 *
 * Pure computation apart from the callback; no I/O of its own.
 */
#ifndef KM0_BATCH_PLAN_H
#define KM0_BATCH_PLAN_H

#include "plan.h"

typedef struct batch_point {
    plan_point plan;  /* orders/norders: filled by the detail callback, else ignored */
    int64_t weight_g; /* total weight of the point's orders */
    size_t norders;   /* their number (0: the point is not visited) */
    bool detailed;    /* plan.orders holds the real orders */
} batch_point;

/* Load the real orders of points[idx[0..n-1]]: set plan.orders (ascending order
 * id), plan.norders and detailed. Returns 0, or a negative status that
 * batch_plan hands back at once. */
typedef int (*batch_detail_fn)(void *ctx, batch_point *points, const size_t *idx, size_t n);

/*
 * Plan the rounds of points[0..np-1] (ascending plan.id) on the vehicles, as
 * plan_make would with every order known. *status is plan_make's status; *out as
 * plan_make fills it, except that a stop of a point never detailed carries the
 * point's order count with no order ids (an unsplit stop takes all its point's
 * orders). Returns 0 or the callback's negative status. Everything in *out is
 * allocated from mem.
 */
int batch_plan(const plan_depot *depot, const plan_vehicle *v, size_t nv, batch_point *points,
               size_t np, batch_detail_fn detail, void *ctx, arena *mem, plan_result *out,
               int *status);

#endif
