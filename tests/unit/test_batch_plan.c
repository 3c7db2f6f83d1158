/*
 * tests/unit/test_batch_plan.c — planning from point totals (core/batch_plan.c)
 * gives exactly the plan plan_make gives with every order known.
 *
 * Seeded random cycles, from roomy to hopeless: few or many points, one to six
 * vehicles of unequal sizes, points heavier than any vehicle, single orders
 * heavier than every vehicle, pinned points, empty points. For each, the plan
 * from totals (orders fetched through the callback only for points left over)
 * must equal plan_make's field by field, except that the stops of points never
 * fetched carry no order ids, and the callback must never be asked for a point
 * twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"
#include "batch_plan.h"
#include "plan.h"

#include <string.h>

typedef struct {
    uint64_t s;
} prng;

static uint64_t next(prng *g)
{
    g->s = g->s * 6364136223846793005ULL + 1442695040888963407ULL;
    return g->s >> 33;
}

static int64_t uniform(prng *g, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next(g) % (uint64_t)(hi - lo + 1));
}

typedef struct {
    plan_depot depot;
    plan_vehicle v[6];
    size_t nv;
    plan_point p[40];
    size_t np;
    plan_order *o[40];
} cycle;

static void make_cycle(prng *g, arena *a, cycle *c)
{
    memset(c, 0, sizeof *c);
    c->depot = (plan_depot){44.73, 5.0};
    c->nv = (size_t)uniform(g, 1, 6);
    int64_t tight = uniform(g, 1, 4); /* 1: roomy ... 4: hopeless */
    for (size_t k = 0; k < c->nv; k++)
        c->v[k] = (plan_vehicle){(int64_t)k + 1, uniform(g, 200, 2000) * 1000 / tight,
                                 (int)uniform(g, 30, 70), (int)uniform(g, 0, 20),
                                 (int)uniform(g, 360, 900)};
    c->np = (size_t)uniform(g, 1, 40);
    int64_t id = 1;
    for (size_t i = 0; i < c->np; i++) {
        size_t n = (size_t)uniform(g, 0, 60);
        c->o[i] = arena_alloc(a, (n + 1) * sizeof *c->o[i]);
        for (size_t k = 0; k < n; k++) {
            int64_t w = uniform(g, 0, 25000);
            if (uniform(g, 1, 400) == 1)
                w = 3000000; /* heavier than every vehicle */
            c->o[i][k] = (plan_order){id, w};
            id += uniform(g, 1, 3);
        }
        c->p[i] = (plan_point){(int64_t)(i * 3 + 1),
                               44.5 + (double)uniform(g, 0, 10000) / 20000.0,
                               4.8 + (double)uniform(g, 0, 10000) / 20000.0,
                               uniform(g, 0, 1) ? 16 * 60 : -1,
                               uniform(g, 0, 1) ? 19 * 60 : -1,
                               uniform(g, 1, 8) == 1 ? uniform(g, 1, (int64_t)c->nv) : 0,
                               c->o[i],
                               n};
    }
}

typedef struct {
    const cycle *c;
    int calls;
    bool asked[40];
} source;

static int fetch(void *ctx, batch_point *points, const size_t *idx, size_t n)
{
    source *s = ctx;
    s->calls++;
    for (size_t k = 0; k < n; k++) {
        size_t i = idx[k];
        assert_false(s->asked[i]);
        assert_false(points[i].detailed);
        s->asked[i] = true;
        points[i].plan.orders = s->c->o[i];
        points[i].plan.norders = s->c->p[i].norders;
        points[i].detailed = true;
    }
    return 0;
}

static void same_stop(const plan_stop *x, const plan_stop *y, bool detailed)
{
    assert_int_equal(x->point_id, y->point_id);
    assert_int_equal(x->part, y->part);
    assert_int_equal(x->parts, y->parts);
    assert_int_equal(x->weight_g, y->weight_g);
    assert_int_equal(x->norders, y->norders);
    assert_int_equal(x->eta_min, y->eta_min);
    assert_int_equal(x->late, y->late);
    assert_true(x->leg_km == y->leg_km);
    if (detailed)
        assert_memory_equal(x->order_ids, y->order_ids, x->norders * sizeof *x->order_ids);
    else
        assert_null(y->order_ids);
}

static void same_plan(const plan_result *x, const plan_result *y, const batch_point *bp, size_t np)
{
    assert_int_equal(x->nrounds, y->nrounds);
    assert_true(x->km == y->km);
    assert_int_equal(x->overflow_g, y->overflow_g);
    assert_int_equal(x->nleft, y->nleft);
    for (size_t i = 0; i < x->nleft; i++)
        assert_int_equal(x->left_points[i], y->left_points[i]);
    for (size_t i = 0; i < x->nrounds; i++) {
        const plan_round *a = &x->rounds[i], *b = &y->rounds[i];
        assert_int_equal(a->vehicle_id, b->vehicle_id);
        assert_int_equal(a->nstops, b->nstops);
        assert_int_equal(a->load_g, b->load_g);
        assert_true(a->km == b->km);
        assert_int_equal(a->return_min, b->return_min);
        for (size_t k = 0; k < a->nstops; k++) {
            bool detailed = false;
            for (size_t j = 0; j < np; j++)
                if (bp[j].plan.id == a->stops[k].point_id)
                    detailed = bp[j].detailed;
            same_stop(&a->stops[k], &b->stops[k], detailed);
        }
    }
}

static void check_one(uint64_t seed, int *infeasible, int *split)
{
    prng g = {seed};
    arena *a = arena_new();
    cycle c;
    make_cycle(&g, a, &c);
    plan_result full, part;
    int fs = plan_make(&c.depot, c.v, c.nv, c.p, c.np, a, &full);
    batch_point bp[40];
    for (size_t i = 0; i < c.np; i++) {
        int64_t w = 0;
        for (size_t k = 0; k < c.p[i].norders; k++)
            w += c.o[i][k].weight_g;
        bp[i] = (batch_point){c.p[i], w, c.p[i].norders, false};
        bp[i].plan.orders = NULL;
        bp[i].plan.norders = 0;
    }
    source src = {&c, 0, {false}};
    int ps;
    assert_int_equal(batch_plan(&c.depot, c.v, c.nv, bp, c.np, fetch, &src, a, &part, &ps), 0);
    assert_int_equal(fs, ps);
    same_plan(&full, &part, bp, c.np);
    *infeasible += fs == PLAN_INFEASIBLE;
    for (size_t i = 0; i < full.nrounds; i++)
        for (size_t k = 0; k < full.rounds[i].nstops; k++)
            *split += full.rounds[i].stops[k].parts > 1;
    arena_free(a);
}

static void test_same_as_full_plan(void **state)
{
    (void)state;
    int infeasible = 0, split = 0;
    for (uint64_t seed = 1; seed <= 600; seed++)
        check_one(seed, &infeasible, &split);
    /* the instances must exercise both cases the detail exists for */
    assert_true(infeasible > 50);
    assert_true(split > 50);
}

/* A roomy cycle is planned without fetching a single order. */
static void test_roomy_fetches_nothing(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot d = {44.73, 5.0};
    plan_vehicle v[2] = {{1, 500000, 50, 10, 600}, {2, 500000, 50, 10, 600}};
    batch_point bp[3];
    for (int i = 0; i < 3; i++)
        bp[i] = (batch_point){{i + 1, 44.7 + i * 0.05, 5.0, -1, -1, 0, NULL, 0}, 100000, 40, false};
    source src = {NULL, 0, {false}};
    plan_result r;
    int st;
    assert_int_equal(batch_plan(&d, v, 2, bp, 3, fetch, &src, a, &r, &st), 0);
    assert_int_equal(st, PLAN_OK);
    assert_int_equal(src.calls, 0);
    size_t orders = 0;
    for (size_t i = 0; i < r.nrounds; i++)
        for (size_t k = 0; k < r.rounds[i].nstops; k++)
            orders += r.rounds[i].stops[k].norders;
    assert_int_equal(orders, 120);
    arena_free(a);
}

static int fail_fetch(void *ctx, batch_point *points, const size_t *idx, size_t n)
{
    (void)ctx, (void)points, (void)idx, (void)n;
    return -2;
}

/* The callback's failure comes back as is. */
static void test_fetch_failure(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot d = {44.73, 5.0};
    plan_vehicle v[1] = {{1, 1000, 50, 10, 600}};
    batch_point bp[1] = {{{1, 44.7, 5.0, -1, -1, 0, NULL, 0}, 5000, 5, false}};
    plan_result r;
    int st;
    assert_int_equal(batch_plan(&d, v, 1, bp, 1, fail_fetch, NULL, a, &r, &st), -2);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_full_plan),
        cmocka_unit_test(test_roomy_fetches_nothing),
        cmocka_unit_test(test_fetch_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
