/*
 * core/batch_plan.c — planning from point totals, with orders fetched only for the
 * points left over (see batch_plan.h for why the result is plan_make's).
 *
 * Each round: every point not yet detailed stands as one pseudo-order of its total
 * weight. The planner cannot split a one-order point, so a point that needs its
 * real orders is necessarily among those it leaves over; they are detailed and
 * the plan made again. The detailed set only grows, so this ends after at most
 * np + 1 plans; in practice after one or two, as only points that really do not
 * fit whole get detailed.
 */
#include "batch_plan.h"

#include <string.h>

/* The points not detailed among those the plan left over, into idx; their count. */
static size_t undetailed_left(const plan_result *r, const batch_point *p, size_t np, size_t *idx)
{
    size_t n = 0, k = 0;
    for (size_t i = 0; i < r->nleft; i++) {
        while (k < np && p[k].plan.id < r->left_points[i])
            k++;
        if (k < np && p[k].plan.id == r->left_points[i] && !p[k].detailed)
            idx[n++] = k;
    }
    return n;
}

static const batch_point *find(const batch_point *p, size_t np, int64_t id)
{
    size_t lo = 0, hi = np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p[mid].plan.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < np && p[lo].plan.id == id ? &p[lo] : NULL;
}

int batch_plan(const plan_depot *depot, const plan_vehicle *v, size_t nv, batch_point *points,
               size_t np, batch_detail_fn detail, void *ctx, arena *mem, plan_result *out,
               int *status)
{
    plan_point *pp = arena_alloc(mem, (np + 1) * sizeof *pp);
    plan_order *pseudo = arena_alloc(mem, (np + 1) * sizeof *pseudo);
    size_t *idx = arena_alloc(mem, (np + 1) * sizeof *idx);
    /* a total beyond what the planner accepts for one order must be seen in detail */
    size_t n = 0;
    for (size_t k = 0; k < np; k++)
        if (!points[k].detailed && points[k].norders > 0 && points[k].weight_g > PLAN_MAX_ORDER_G)
            idx[n++] = k;
    for (;;) {
        if (n > 0) {
            int st = detail(ctx, points, idx, n);
            if (st != 0)
                return st;
        }
        for (size_t k = 0; k < np; k++) {
            pp[k] = points[k].plan;
            if (points[k].detailed)
                continue;
            pseudo[k] = (plan_order){points[k].plan.id, points[k].weight_g};
            pp[k].orders = &pseudo[k];
            pp[k].norders = points[k].norders > 0;
        }
        *status = plan_make(depot, v, nv, pp, np, mem, out);
        n = *status == PLAN_INFEASIBLE ? undetailed_left(out, points, np, idx) : 0;
        if (n == 0)
            break;
    }
    /* a pseudo-order stands for all the point's orders */
    for (size_t i = 0; i < out->nrounds; i++)
        for (size_t k = 0; k < out->rounds[i].nstops; k++) {
            plan_stop *s = &out->rounds[i].stops[k];
            const batch_point *p = find(points, np, s->point_id);
            if (p && !p->detailed) {
                s->norders = p->norders;
                s->order_ids = NULL;
            }
        }
    return 0;
}
