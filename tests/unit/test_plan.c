/*
 * tests/unit/test_plan.c — the delivery-round planner.
 *
 * Hand-checked cases first (expected values worked out in the comments), then
 * properties over a few hundred seeded random instances: every order placed at
 * most once and exactly once when the plan is feasible, capacities, pins, parts,
 * ETAs, 2-opt never worse than nearest neighbour, determinism and independence
 * from the input order, and overflow_g against brute force on small cycles. The
 * timing case only prints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "arena.h"
#include "plan.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KM_PER_DEG (6371.0 * 3.14159265358979323846 / 180.0)

/* cmocka 1.1 compares floats only, and single precision is too coarse for km. */
#define assert_near(a, b, eps) near_or_fail((a), (b), (eps), __FILE__, __LINE__)

static void near_or_fail(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps))
        fail_msg("%s:%d: %.17g is not %.17g within %g", file, line, a, b, eps);
}

/* ---- Building inputs -------------------------------------------------------- */

static plan_order *orders(arena *a, int64_t first_id, size_t n, int64_t weight_g)
{
    plan_order *o = arena_alloc(a, n * sizeof *o);
    for (size_t k = 0; k < n; k++)
        o[k] = (plan_order){first_id + (int64_t)k, weight_g};
    return o;
}

static plan_point point(int64_t id, double lat, double lon, const plan_order *o, size_t n)
{
    return (plan_point){id, lat, lon, -1, -1, 0, o, n};
}

static plan_vehicle vehicle(int64_t id, int64_t capacity_g)
{
    return (plan_vehicle){id, capacity_g, 60, 10, 600};
}

static const plan_round *round_of(const plan_result *r, int64_t vehicle_id)
{
    for (size_t k = 0; k < r->nrounds; k++)
        if (r->rounds[k].vehicle_id == vehicle_id)
            return &r->rounds[k];
    return NULL;
}

static const plan_stop *stop_of(const plan_round *r, int64_t point_id)
{
    for (size_t k = 0; r && k < r->nstops; k++)
        if (r->stops[k].point_id == point_id)
            return &r->stops[k];
    return NULL;
}

/* ---- Invariants every plan must satisfy ------------------------------------ */

typedef struct {
    int64_t id, weight_g;
    size_t point;
    int seen;
} order_ref;

static int cmp_ref(const void *a, const void *b)
{
    const order_ref *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

static order_ref *find_ref(order_ref *refs, size_t n, int64_t id)
{
    order_ref key = {.id = id};
    return bsearch(&key, refs, n, sizeof *refs, cmp_ref);
}

static const plan_point *find_point(const plan_point *p, size_t np, int64_t id, size_t *index)
{
    for (size_t i = 0; i < np; i++)
        if (p[i].id == id) {
            *index = i;
            return &p[i];
        }
    fail_msg("stop at unknown point %lld", (long long)id);
    return NULL;
}

static int cmp_point_id(const void *a, const void *b)
{
    const plan_point *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The round's route is exactly plan_route_order's on its points sorted by id, and
 * 2-opt did not make it longer than nearest neighbour. */
static void check_route(const plan_depot *depot, const plan_point *p, size_t np,
                        const plan_round *r)
{
    plan_point *sorted = xmalloc(r->nstops * sizeof *sorted);
    size_t *order = xmalloc(r->nstops * sizeof *order), idx;
    for (size_t k = 0; k < r->nstops; k++)
        sorted[k] = *find_point(p, np, r->stops[k].point_id, &idx);
    qsort(sorted, r->nstops, sizeof *sorted, cmp_point_id);
    double nn = plan_route_order(depot, sorted, r->nstops, false, order);
    double km = plan_route_order(depot, sorted, r->nstops, true, order);
    assert_true(km <= nn + 1e-9);
    assert_true(km == r->km);
    for (size_t k = 0; k < r->nstops; k++)
        assert_int_equal(sorted[order[k]].id, r->stops[k].point_id);
    free(sorted);
    free(order);
}

static void check_stop_orders(const plan_stop *st, size_t pi, order_ref *refs, size_t nrefs)
{
    int64_t sum = 0;
    for (size_t o = 0; o < st->norders; o++) {
        order_ref *ref = find_ref(refs, nrefs, st->order_ids[o]);
        assert_non_null(ref);
        assert_int_equal(ref->point, pi);
        assert_true(o == 0 || st->order_ids[o] > st->order_ids[o - 1]);
        ref->seen++;
        sum += ref->weight_g;
    }
    assert_int_equal(sum, st->weight_g);
}

static void check_round(const plan_depot *depot, const plan_vehicle *veh, const plan_point *p,
                        size_t np, const plan_round *r, order_ref *refs, size_t nrefs)
{
    assert_true(r->nstops > 0);
    double km = 0, lat = depot->lat, lon = depot->lon;
    int64_t load = 0;
    for (size_t k = 0; k < r->nstops; k++) {
        const plan_stop *st = &r->stops[k];
        size_t pi;
        const plan_point *pt = find_point(p, np, st->point_id, &pi);
        for (size_t q = 0; q < k; q++)
            assert_int_not_equal(r->stops[q].point_id, st->point_id);
        if (pt->fixed_vehicle)
            assert_int_equal(pt->fixed_vehicle, veh->id);
        assert_true(st->part >= 1 && st->part <= st->parts);
        check_stop_orders(st, pi, refs, nrefs);
        load += st->weight_g;
        double leg = plan_distance_km(lat, lon, pt->lat, pt->lon);
        assert_near(st->leg_km, leg, 1e-9);
        km += st->leg_km;
        lat = pt->lat;
        lon = pt->lon;
        int eta =
            veh->depart_min + (int)lround(km * 60.0 / veh->speed_kmh) + veh->stop_minutes * (int)k;
        assert_int_equal(st->eta_min, eta);
        assert_int_equal(st->late, pt->close_min >= 0 && eta > pt->close_min);
    }
    km += plan_distance_km(lat, lon, depot->lat, depot->lon);
    assert_near(r->km, km, 1e-9);
    assert_int_equal(r->return_min, veh->depart_min + (int)lround(r->km * 60.0 / veh->speed_kmh) +
                                        veh->stop_minutes * (int)r->nstops);
    assert_int_equal(r->load_g, load);
    assert_true(load <= veh->capacity_g);
    check_route(depot, p, np, r);
}

/* Parts of one point: numbered 1..n once each, all saying n, orders ascending
 * from one part to the next. */
static void check_parts(const plan_result *r, int64_t point_id)
{
    int parts = 0, count = 0;
    int64_t first[64] = {0}, last[64] = {0};
    bool seen[64] = {false};
    for (size_t i = 0; i < r->nrounds; i++) {
        const plan_stop *st = stop_of(&r->rounds[i], point_id);
        if (!st)
            continue;
        assert_true(count == 0 || parts == st->parts);
        parts = st->parts;
        assert_true(parts < 64 && !seen[st->part]);
        seen[st->part] = true;
        first[st->part] = st->order_ids[0];
        last[st->part] = st->order_ids[st->norders - 1];
        count++;
    }
    assert_int_equal(count, parts);
    for (int k = 2; k <= parts; k++)
        assert_true(first[k] > last[k - 1]);
}

static void check_plan(const plan_depot *depot, const plan_vehicle *v, size_t nv,
                       const plan_point *p, size_t np, int status, const plan_result *r)
{
    assert_true(status == PLAN_OK || status == PLAN_INFEASIBLE);
    size_t nrefs = 0;
    for (size_t i = 0; i < np; i++)
        nrefs += p[i].norders;
    order_ref *refs = xcalloc(nrefs + 1, sizeof *refs);
    for (size_t i = 0, n = 0; i < np; i++)
        for (size_t o = 0; o < p[i].norders; o++)
            refs[n++] = (order_ref){p[i].orders[o].order_id, p[i].orders[o].weight_g, i, 0};
    qsort(refs, nrefs, sizeof *refs, cmp_ref);
    double km = 0;
    for (size_t k = 0; k < r->nrounds; k++) {
        const plan_vehicle *veh = NULL;
        for (size_t q = 0; q < nv; q++)
            if (v[q].id == r->rounds[k].vehicle_id)
                veh = &v[q];
        assert_non_null(veh);
        assert_true(k == 0 || r->rounds[k - 1].vehicle_id < veh->id);
        check_round(depot, veh, p, np, &r->rounds[k], refs, nrefs);
        km += r->rounds[k].km;
    }
    assert_near(r->km, km, 1e-6);
    int64_t unplaced = 0;
    bool *left = xcalloc(np + 1, sizeof *left);
    for (size_t n = 0; n < nrefs; n++) {
        assert_true(refs[n].seen <= 1);
        if (!refs[n].seen) {
            unplaced += refs[n].weight_g;
            left[refs[n].point] = true;
        }
    }
    size_t nleft = 0;
    for (size_t i = 0; i < np; i++) {
        if (left[i]) {
            nleft++;
            bool listed = false;
            for (size_t k = 0; k < r->nleft; k++)
                listed = listed || r->left_points[k] == p[i].id;
            assert_true(listed);
        }
        check_parts(r, p[i].id);
    }
    for (size_t k = 1; k < r->nleft; k++)
        assert_true(r->left_points[k - 1] < r->left_points[k]);
    assert_int_equal(r->nleft, nleft);
    assert_int_equal(r->overflow_g, unplaced);
    assert_int_equal(status, nleft ? PLAN_INFEASIBLE : PLAN_OK);
    free(refs);
    free(left);
}

/* ---- Hand-checked cases ----------------------------------------------------- */

static void test_distance(void **state)
{
    (void)state;
    /* A degree along the equator or a meridian is R * pi / 180. */
    assert_near(plan_distance_km(0, 0, 0, 1), KM_PER_DEG, 1e-9);
    assert_near(plan_distance_km(10, 5, 11, 5), KM_PER_DEG, 1e-9);
    assert_true(plan_distance_km(44.7, 5.0, 44.7, 5.0) == 0);
    /* Paris - Lyon, checked against an independent haversine: 391.499 km. */
    assert_near(plan_distance_km(48.8566, 2.3522, 45.764, 4.8357), 391.4989316742569, 1e-6);
    assert_true(plan_distance_km(44.7, 5.0, 45.1, 4.2) == plan_distance_km(45.1, 4.2, 44.7, 5.0));
    /* Antipodes: half the circumference, no NaN from rounding past 1. */
    assert_near(plan_distance_km(0, 0, 0, 180), 180 * KM_PER_DEG, 1e-6);
}

/* Three towns north of the depot on one meridian, given out of order. */
static void test_towns_on_a_line(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    plan_point p[] = {point(20, 45.3, 5.0, orders(a, 1, 1, 10000), 1),
                      point(30, 45.1, 5.0, orders(a, 2, 1, 10000), 1),
                      point(10, 45.2, 5.0, orders(a, 3, 1, 10000), 1)};
    plan_vehicle v[] = {vehicle(7, 1000000)};
    plan_result r;
    int status = plan_make(&depot, v, 1, p, 3, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 1, p, 3, status, &r);
    assert_int_equal(r.nrounds, 1);
    const plan_round *rd = &r.rounds[0];
    assert_int_equal(rd->vehicle_id, 7);
    assert_int_equal(rd->nstops, 3);
    int64_t want[] = {30, 10, 20};
    double leg = 0.1 * KM_PER_DEG; /* 11.1195 km */
    for (size_t k = 0; k < 3; k++) {
        assert_int_equal(rd->stops[k].point_id, want[k]);
        assert_near(rd->stops[k].leg_km, leg, 1e-6);
        assert_int_equal(rd->stops[k].part, 1);
        assert_int_equal(rd->stops[k].parts, 1);
    }
    assert_near(rd->km, 6 * leg, 1e-6);
    /* 60 km/h is a km a minute; 10 minutes per earlier stop. */
    assert_int_equal(rd->stops[0].eta_min, 600 + 11);
    assert_int_equal(rd->stops[1].eta_min, 600 + 22 + 10);
    assert_int_equal(rd->stops[2].eta_min, 600 + 33 + 20);
    assert_int_equal(rd->return_min, 600 + 67 + 30);
    assert_int_equal(rd->load_g, 30000);

    /* Two towns north, two south, two vans that each hold two: one van per side,
     * 4 x 0.2 degrees in all. */
    plan_point q[] = {point(1, 45.1, 5.0, orders(a, 10, 2, 10000), 2),
                      point(2, 44.9, 5.0, orders(a, 20, 2, 10000), 2),
                      point(3, 45.2, 5.0, orders(a, 30, 2, 10000), 2),
                      point(4, 44.8, 5.0, orders(a, 40, 2, 10000), 2)};
    plan_vehicle w[] = {vehicle(1, 40000), vehicle(2, 40000)};
    status = plan_make(&depot, w, 2, q, 4, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, w, 2, q, 4, status, &r);
    assert_int_equal(r.nrounds, 2);
    assert_near(r.km, 0.8 * KM_PER_DEG, 1e-6);
    for (size_t k = 0; k < 2; k++) {
        bool north = r.rounds[k].stops[0].point_id == 1 || r.rounds[k].stops[0].point_id == 3;
        for (size_t s = 0; s < 2; s++) {
            int64_t id = r.rounds[k].stops[s].point_id;
            assert_int_equal(north, id == 1 || id == 3);
        }
    }
    arena_free(a);
}

/* Four corners of a square around the depot, two vans holding two corners each:
 * each van takes two neighbouring corners, never a diagonal pair. */
static void test_square(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {0, 0};
    plan_point p[] = {
        point(1, 0.1, 0.1, orders(a, 1, 1, 500), 1), point(2, -0.1, -0.1, orders(a, 2, 1, 500), 1),
        point(3, 0.1, -0.1, orders(a, 3, 1, 500), 1), point(4, -0.1, 0.1, orders(a, 4, 1, 500), 1)};
    plan_vehicle v[] = {vehicle(1, 1000), vehicle(2, 1000)};
    plan_result r;
    int status = plan_make(&depot, v, 2, p, 4, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 2, p, 4, status, &r);
    assert_int_equal(r.nrounds, 2);
    double half_diag = plan_distance_km(0, 0, 0.1, 0.1);
    /* The north side (latitude 0.1) is a touch shorter than the west side; both
     * pairings along a side cost 2 half-diagonals + a side per van. */
    double north = plan_distance_km(0.1, -0.1, 0.1, 0.1);
    double south = plan_distance_km(-0.1, -0.1, -0.1, 0.1);
    double west = plan_distance_km(-0.1, -0.1, 0.1, -0.1);
    double best = 4 * half_diag + (north + south < 2 * west ? north + south : 2 * west);
    assert_near(r.km, best, 1e-9);
    for (size_t k = 0; k < 2; k++) {
        const plan_round *rd = &r.rounds[k];
        assert_int_equal(rd->nstops, 2);
        /* Diagonal pairs are {1, 2} and {3, 4}: ids summing to 3 or 7. */
        int64_t sum = rd->stops[0].point_id + rd->stops[1].point_id;
        assert_true(sum != 3 && sum != 7);
    }

    /* One van for the four: the route is the perimeter. */
    plan_vehicle one[] = {vehicle(9, 2000)};
    status = plan_make(&depot, one, 1, p, 4, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, one, 1, p, 4, status, &r);
    assert_near(r.km,
                2 * half_diag + 2 * (north < west ? north : west) + (north < west ? west : north),
                1e-9);
    arena_free(a);
}

/* Nearest neighbour from the depot runs 0, 2, 3, 1 and crosses itself; 2-opt
 * uncrosses it into the optimum 0, 2, 1, 3 (checked by brute force over the 24
 * orders with an independent implementation). */
static void test_two_opt(void **state)
{
    (void)state;
    plan_depot depot = {0, 0};
    plan_point p[] = {point(1, 0.2, 0.1, NULL, 0), point(2, -0.3, 0.3, NULL, 0),
                      point(3, 0.0, 0.3, NULL, 0), point(4, -0.2, 0.2, NULL, 0)};
    size_t order[4];
    double nn = plan_route_order(&depot, p, 4, false, order);
    assert_near(nn, 144.07967118555058, 1e-6);
    size_t want_nn[] = {0, 2, 3, 1};
    for (size_t k = 0; k < 4; k++)
        assert_int_equal(order[k], want_nn[k]);
    double opt = plan_route_order(&depot, p, 4, true, order);
    assert_near(opt, 136.84895631723552, 1e-6);
    size_t want[] = {0, 2, 1, 3};
    for (size_t k = 0; k < 4; k++)
        assert_int_equal(order[k], want[k]);
    assert_true(plan_route_order(&depot, p, 0, true, order) == 0);
    /* One stop: there and back. */
    assert_near(plan_route_order(&depot, p, 1, true, order), 2 * plan_distance_km(0, 0, 0.2, 0.1),
                1e-12);
}

/* Three pickup points in one market square: visited by id, no driving between. */
static void test_same_place(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {44.9, 4.9};
    plan_point p[] = {point(5, 45.0, 5.0, orders(a, 1, 3, 1000), 3),
                      point(3, 45.0, 5.0, orders(a, 4, 1, 1000), 1),
                      point(9, 45.0, 5.0, orders(a, 5, 2, 1000), 2)};
    plan_vehicle v[] = {vehicle(1, 100000)};
    plan_result r;
    int status = plan_make(&depot, v, 1, p, 3, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 1, p, 3, status, &r);
    const plan_round *rd = &r.rounds[0];
    assert_int_equal(rd->nstops, 3);
    assert_int_equal(rd->stops[0].point_id, 3);
    assert_int_equal(rd->stops[1].point_id, 5);
    assert_int_equal(rd->stops[2].point_id, 9);
    assert_true(rd->stops[1].leg_km == 0 && rd->stops[2].leg_km == 0);
    assert_int_equal(rd->stops[1].eta_min, rd->stops[0].eta_min + 10);
    assert_int_equal(rd->stops[2].eta_min, rd->stops[0].eta_min + 20);
    assert_int_equal(rd->stops[1].norders, 3);
    assert_int_equal(rd->load_g, 6000);
    /* At the depot itself: zero km. */
    plan_point q[] = {point(1, 44.9, 4.9, orders(a, 1, 1, 1), 1)};
    status = plan_make(&depot, v, 1, q, 1, a, &r);
    assert_int_equal(status, PLAN_OK);
    assert_true(r.km == 0);
    arena_free(a);
}

/* A 200 kg point, vans of 120 and 100 kg: part 1 fills the 120 kg van with orders
 * 101..106, part 2 (107..110, 80 kg) rides with the 15 kg point in the other. */
static void test_split_heavy_point(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    plan_point p[] = {point(7, 45.1, 5.1, orders(a, 101, 10, 20000), 10),
                      point(8, 45.1, 5.2, orders(a, 201, 3, 5000), 3)};
    plan_vehicle v[] = {vehicle(2, 100000), vehicle(1, 120000)};
    plan_result r;
    int status = plan_make(&depot, v, 2, p, 2, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 2, p, 2, status, &r);
    const plan_stop *s1 = stop_of(round_of(&r, 1), 7), *s2 = stop_of(round_of(&r, 2), 7);
    assert_non_null(s1);
    assert_non_null(s2);
    assert_int_equal(s1->part, 1);
    assert_int_equal(s1->parts, 2);
    assert_int_equal(s1->norders, 6);
    assert_int_equal(s1->order_ids[0], 101);
    assert_int_equal(s1->order_ids[5], 106);
    assert_int_equal(s1->weight_g, 120000);
    assert_int_equal(s2->part, 2);
    assert_int_equal(s2->parts, 2);
    assert_int_equal(s2->norders, 4);
    assert_int_equal(s2->order_ids[0], 107);
    assert_int_equal(s2->weight_g, 80000);
    assert_non_null(stop_of(round_of(&r, 2), 8));
    assert_int_equal(round_of(&r, 2)->load_g, 95000);

    /* 25 orders of 10 kg, three 100 kg vans: 100 + 100 + 50. */
    plan_point q[] = {point(1, 45.2, 5.0, orders(a, 1, 25, 10000), 25)};
    plan_vehicle w[] = {vehicle(1, 100000), vehicle(2, 100000), vehicle(3, 100000)};
    status = plan_make(&depot, w, 3, q, 1, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, w, 3, q, 1, status, &r);
    assert_int_equal(r.nrounds, 3);
    int64_t loads[3] = {r.rounds[0].load_g, r.rounds[1].load_g, r.rounds[2].load_g};
    assert_int_equal(loads[0] + loads[1] + loads[2], 250000);
    for (size_t k = 0; k < 3; k++)
        assert_int_equal(r.rounds[k].stops[0].parts, 3);
    arena_free(a);
}

/* A 500 kg order cannot ride in a 100 kg van: exactly its grams are over, and the
 * point's other orders still go, together, as one stop. */
static void test_order_heavier_than_any_vehicle(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    plan_order o[] = {{1, 10000}, {2, 500000}, {3, 10000}};
    plan_point p[] = {point(4, 45.1, 5.0, o, 3), point(5, 45.2, 5.0, orders(a, 9, 1, 1000), 1)};
    plan_vehicle v[] = {vehicle(1, 100000)};
    plan_result r;
    int status = plan_make(&depot, v, 1, p, 2, a, &r);
    assert_int_equal(status, PLAN_INFEASIBLE);
    check_plan(&depot, v, 1, p, 2, status, &r);
    assert_int_equal(r.overflow_g, 500000);
    assert_int_equal(r.nleft, 1);
    assert_int_equal(r.left_points[0], 4);
    const plan_stop *st = stop_of(round_of(&r, 1), 4);
    assert_non_null(st);
    assert_int_equal(st->norders, 2);
    assert_int_equal(st->order_ids[0], 1);
    assert_int_equal(st->order_ids[1], 3);
    assert_int_equal(st->parts, 1);
    arena_free(a);
}

/* Two 100 kg vans, points of 60, 60, 50 and 30 kg (200 kg): no two of 60, 60, 50
 * share a van, so at best {60, 30} + {60} go and the 50 kg point is over. */
static void test_infeasible(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    plan_point p[] = {point(1, 45.1, 5.0, orders(a, 10, 6, 10000), 6),
                      point(2, 44.9, 5.0, orders(a, 20, 6, 10000), 6),
                      point(3, 45.0, 5.1, orders(a, 30, 5, 10000), 5),
                      point(4, 45.0, 4.9, orders(a, 40, 3, 10000), 3)};
    plan_vehicle v[] = {vehicle(1, 100000), vehicle(2, 100000)};
    plan_result r;
    int status = plan_make(&depot, v, 2, p, 4, a, &r);
    assert_int_equal(status, PLAN_INFEASIBLE);
    check_plan(&depot, v, 2, p, 4, status, &r);
    assert_int_equal(r.overflow_g, 50000);
    assert_int_equal(r.nleft, 1);
    assert_int_equal(r.left_points[0], 3);
    assert_int_equal(r.nrounds, 2);
    assert_int_equal(r.rounds[0].load_g + r.rounds[1].load_g, 150000);

    /* No vehicle at all: everything is over. */
    status = plan_make(&depot, v, 0, p, 4, a, &r);
    assert_int_equal(status, PLAN_INFEASIBLE);
    check_plan(&depot, v, 0, p, 4, status, &r);
    assert_int_equal(r.overflow_g, 200000);
    assert_int_equal(r.nleft, 4);
    assert_int_equal(r.nrounds, 0);
    arena_free(a);
}

static void test_pinned(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    /* Four points in a cluster north; one big van would take them all, but point 3
     * is pinned to the small van. */
    plan_point p[] = {point(1, 45.1, 5.00, orders(a, 10, 1, 10000), 1),
                      point(2, 45.1, 5.01, orders(a, 20, 1, 10000), 1),
                      point(3, 45.1, 5.02, orders(a, 30, 1, 10000), 1),
                      point(4, 45.1, 5.03, orders(a, 40, 1, 10000), 1)};
    p[2].fixed_vehicle = 2;
    plan_vehicle v[] = {vehicle(1, 1000000), vehicle(2, 20000)};
    plan_result r;
    int status = plan_make(&depot, v, 2, p, 4, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 2, p, 4, status, &r);
    assert_non_null(stop_of(round_of(&r, 2), 3));

    /* Pinned beyond the van's capacity: the 100 kg van carries 70 + 30 kg pinned,
     * the 50 kg pinned point stays whole and is over, though the big van is empty. */
    plan_point q[] = {point(1, 45.1, 5.0, orders(a, 10, 7, 10000), 7),
                      point(2, 45.2, 5.0, orders(a, 20, 5, 10000), 5),
                      point(3, 45.3, 5.0, orders(a, 30, 3, 10000), 3)};
    for (size_t k = 0; k < 3; k++)
        q[k].fixed_vehicle = 5;
    plan_vehicle w[] = {vehicle(5, 100000), vehicle(6, 1000000)};
    status = plan_make(&depot, w, 2, q, 3, a, &r);
    assert_int_equal(status, PLAN_INFEASIBLE);
    check_plan(&depot, w, 2, q, 3, status, &r);
    assert_int_equal(r.overflow_g, 50000);
    assert_int_equal(r.nleft, 1);
    assert_int_equal(r.left_points[0], 2);
    assert_null(round_of(&r, 6));

    /* A pinned point heavier than its van: its first orders that fit go, the rest
     * is over rather than moved to another van. */
    plan_point h[] = {point(1, 45.1, 5.0, orders(a, 10, 3, 40000), 3)};
    h[0].fixed_vehicle = 5;
    status = plan_make(&depot, w, 2, h, 1, a, &r);
    assert_int_equal(status, PLAN_INFEASIBLE);
    check_plan(&depot, w, 2, h, 1, status, &r);
    assert_int_equal(r.overflow_g, 40000);
    const plan_stop *st = stop_of(round_of(&r, 5), 1);
    assert_non_null(st);
    assert_int_equal(st->norders, 2);
    assert_int_equal(st->order_ids[1], 11);
    arena_free(a);
}

static void test_late(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    /* Half a degree north is 55.6 km: 56 minutes at 60 km/h, arrival 10:56. */
    plan_point p[] = {point(1, 45.5, 5.0, orders(a, 1, 1, 1000), 1)};
    plan_vehicle v[] = {vehicle(1, 100000)};
    plan_result r;
    int closes[] = {655, 656, -1};
    bool late[] = {true, false, false};
    for (size_t k = 0; k < 3; k++) {
        p[0].open_min = 540;
        p[0].close_min = closes[k];
        int status = plan_make(&depot, v, 1, p, 1, a, &r);
        assert_int_equal(status, PLAN_OK);
        check_plan(&depot, v, 1, p, 1, status, &r);
        assert_int_equal(r.rounds[0].stops[0].eta_min, 656);
        assert_int_equal(r.rounds[0].stops[0].late, late[k]);
    }
    /* Arriving before the opening is not late, and the van does not wait. */
    p[0].open_min = 900;
    p[0].close_min = 960;
    assert_int_equal(plan_make(&depot, v, 1, p, 1, a, &r), PLAN_OK);
    assert_false(r.rounds[0].stops[0].late);
    assert_int_equal(r.rounds[0].return_min, 600 + 111 + 10);
    arena_free(a);
}

static void test_empty(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    plan_vehicle v[] = {vehicle(1, 1000)};
    plan_result r;
    assert_int_equal(plan_make(&depot, v, 1, NULL, 0, a, &r), PLAN_OK);
    assert_int_equal(r.nrounds, 0);
    assert_int_equal(r.nleft, 0);
    assert_int_equal(r.overflow_g, 0);
    assert_true(r.km == 0);
    assert_int_equal(plan_make(&depot, NULL, 0, NULL, 0, a, &r), PLAN_OK);
    /* Points without orders are not visited, even when pinned. */
    plan_point p[] = {point(1, 45.1, 5.0, NULL, 0), point(2, 45.2, 5.0, NULL, 0)};
    p[1].fixed_vehicle = 1;
    assert_int_equal(plan_make(&depot, v, 1, p, 2, a, &r), PLAN_OK);
    assert_int_equal(r.nrounds, 0);
    /* Orders that weigh nothing still need a visit. */
    plan_order zero[] = {{1, 0}};
    p[0] = point(1, 45.1, 5.0, zero, 1);
    assert_int_equal(plan_make(&depot, v, 1, p, 2, a, &r), PLAN_OK);
    assert_int_equal(r.nrounds, 1);
    assert_int_equal(r.rounds[0].nstops, 1);
    arena_free(a);
}

static void test_invalid(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {45.0, 5.0};
    plan_order unsorted[] = {{2, 10}, {1, 10}}, negative[] = {{1, -1}};
    plan_vehicle v[] = {vehicle(1, 1000), vehicle(2, 1000)};
    plan_result r;
    struct {
        plan_point p;
        const char *why;
    } bad[] = {
        {point(1, 45.1, 5.0, unsorted, 2), "orders out of order"},
        {point(1, 45.1, 5.0, negative, 1), "negative weight"},
        {point(1, 91, 5.0, NULL, 0), "latitude"},
        {point(1, NAN, 5.0, NULL, 0), "NaN"},
        {point(1, 45.1, 5.0, NULL, 3), "no order array"},
    };
    for (size_t k = 0; k < ARRAY_LEN(bad); k++) {
        assert_int_equal(plan_make(&depot, v, 2, &bad[k].p, 1, a, &r), PLAN_INVALID);
        assert_non_null(r.error);
        assert_int_equal(r.nrounds, 0);
    }
    plan_point twice[] = {point(3, 45.1, 5.0, NULL, 0), point(3, 45.2, 5.0, NULL, 0)};
    assert_int_equal(plan_make(&depot, v, 2, twice, 2, a, &r), PLAN_INVALID);
    assert_non_null(strstr(r.error, "3"));
    plan_point pinned = point(1, 45.1, 5.0, NULL, 0);
    pinned.fixed_vehicle = 42;
    assert_int_equal(plan_make(&depot, v, 2, &pinned, 1, a, &r), PLAN_INVALID);
    assert_non_null(strstr(r.error, "42"));
    plan_vehicle slow[] = {{1, 1000, 0, 10, 600}}, dup[] = {vehicle(4, 1), vehicle(4, 1)},
                 zero_id[] = {vehicle(0, 1)};
    assert_int_equal(plan_make(&depot, slow, 1, NULL, 0, a, &r), PLAN_INVALID);
    assert_int_equal(plan_make(&depot, dup, 2, NULL, 0, a, &r), PLAN_INVALID);
    assert_int_equal(plan_make(&depot, zero_id, 1, NULL, 0, a, &r), PLAN_INVALID);
    plan_depot nowhere = {0, 200};
    assert_int_equal(plan_make(&nowhere, v, 2, NULL, 0, a, &r), PLAN_INVALID);
    arena_free(a);
}

/* Eight towns on a circle, four vans holding two each: the sweep pairs
 * neighbours, which is optimal: 4 x (2 radii + one chord). */
static void test_ring(void **state)
{
    (void)state;
    arena *a = arena_new();
    plan_depot depot = {0, 0};
    plan_point p[8];
    for (size_t k = 0; k < 8; k++) {
        double t = (double)k * 3.14159265358979323846 / 4;
        p[k] = point((int64_t)(k * 7 % 8) + 1, 0.3 * sin(t), 0.3 * cos(t),
                     orders(a, (int64_t)k * 10, 2, 1000), 2);
    }
    plan_vehicle v[] = {vehicle(4, 4000), vehicle(3, 4000), vehicle(2, 4000), vehicle(1, 4000)};
    plan_result r;
    int status = plan_make(&depot, v, 4, p, 8, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 4, p, 8, status, &r);
    assert_int_equal(r.nrounds, 4);
    double best = 0;
    for (size_t k = 0; k < 8; k += 2)
        best += plan_distance_km(0, 0, p[k].lat, p[k].lon) +
                plan_distance_km(p[k].lat, p[k].lon, p[k + 1].lat, p[k + 1].lon) +
                plan_distance_km(p[k + 1].lat, p[k + 1].lon, 0, 0);
    double other = 0; /* the other neighbour pairing: (1,2), (3,4), ... (7,0) */
    for (size_t k = 1; k < 9; k += 2) {
        const plan_point *x = &p[k % 8], *y = &p[(k + 1) % 8];
        other += plan_distance_km(0, 0, x->lat, x->lon) +
                 plan_distance_km(x->lat, x->lon, y->lat, y->lon) +
                 plan_distance_km(y->lat, y->lon, 0, 0);
    }
    assert_near(r.km, best < other ? best : other, 1e-9);
    arena_free(a);
}

/* ---- Random instances -------------------------------------------------------- */

typedef struct {
    uint64_t s;
} prng;

static uint64_t next(prng *g) /* splitmix64 */
{
    uint64_t z = (g->s += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int64_t uniform(prng *g, int64_t lo, int64_t hi) /* inclusive */
{
    return lo + (int64_t)(next(g) % (uint64_t)(hi - lo + 1));
}

static double unit(prng *g)
{
    return (double)(next(g) >> 11) / 9007199254740992.0;
}

typedef struct {
    plan_depot depot;
    plan_vehicle *v;
    size_t nv;
    plan_point *p;
    size_t np;
    plan_order *orders;
    bool pins;
} instance;

static void make_instance(instance *in, uint64_t seed)
{
    prng g = {seed};
    in->depot = (plan_depot){44.0 + unit(&g), 4.0 + unit(&g)};
    in->nv = (size_t)uniform(&g, 0, 6);
    in->np = (size_t)uniform(&g, 0, 40);
    in->v = xcalloc(in->nv + 1, sizeof *in->v);
    in->p = xcalloc(in->np + 1, sizeof *in->p);
    int64_t base = uniform(&g, 20, 400) * 1000;
    for (size_t k = 0; k < in->nv; k++)
        in->v[k] = (plan_vehicle){(int64_t)(k * 37 % 101) + 1, base * uniform(&g, 1, 3),
                                  (int)uniform(&g, 20, 80), (int)uniform(&g, 0, 20),
                                  (int)uniform(&g, 360, 900)};
    size_t *count = xcalloc(in->np + 1, sizeof *count), total = 0;
    for (size_t i = 0; i < in->np; i++) {
        count[i] = (size_t)uniform(&g, 0, 15);
        if (uniform(&g, 0, 20) == 0)
            count[i] = (size_t)uniform(&g, 30, 120); /* a big point that may need splitting */
        total += count[i];
    }
    in->orders = xcalloc(total + 1, sizeof *in->orders);
    in->pins = in->nv > 0 && uniform(&g, 0, 4) == 0;
    int64_t order_id = 1000;
    double spread = uniform(&g, 0, 3) == 0 ? 0.01 : 0.5;
    for (size_t i = 0, n = 0; i < in->np; i++) {
        plan_order *o = in->orders + n;
        int64_t heavy = uniform(&g, 0, 9) == 0 ? base / 4 : base / 30;
        for (size_t k = 0; k < count[i]; k++) {
            order_id += uniform(&g, 1, 3);
            int64_t w = uniform(&g, 0, heavy);
            if (uniform(&g, 0, 2000) == 0)
                w = base * 4; /* heavier than any vehicle */
            o[k] = (plan_order){order_id, w};
        }
        n += count[i];
        /* Some points share a place with the previous one. */
        bool same = i > 0 && uniform(&g, 0, 8) == 0;
        double lat = same ? in->p[i - 1].lat : in->depot.lat + (unit(&g) - 0.5) * spread;
        double lon = same ? in->p[i - 1].lon : in->depot.lon + (unit(&g) - 0.5) * spread;
        int open = uniform(&g, 0, 1) ? (int)uniform(&g, 600, 800) : -1;
        in->p[i] = (plan_point){(int64_t)(i * 53 % 211) + 1,
                                lat,
                                lon,
                                open,
                                open < 0 ? -1 : open + (int)uniform(&g, 30, 120),
                                0,
                                o,
                                count[i]};
        if (in->pins && uniform(&g, 0, 5) == 0)
            in->p[i].fixed_vehicle = in->v[uniform(&g, 0, (int64_t)in->nv - 1)].id;
    }
    free(count);
}

static void free_instance(instance *in)
{
    free(in->v);
    free(in->p);
    free(in->orders);
}

static void same_result(const plan_result *x, const plan_result *y)
{
    assert_int_equal(x->nrounds, y->nrounds);
    assert_int_equal(x->nleft, y->nleft);
    assert_int_equal(x->overflow_g, y->overflow_g);
    assert_memory_equal(&x->km, &y->km, sizeof x->km);
    for (size_t k = 0; k < x->nleft; k++)
        assert_int_equal(x->left_points[k], y->left_points[k]);
    for (size_t k = 0; k < x->nrounds; k++) {
        const plan_round *a = &x->rounds[k], *b = &y->rounds[k];
        assert_int_equal(a->vehicle_id, b->vehicle_id);
        assert_int_equal(a->nstops, b->nstops);
        assert_int_equal(a->load_g, b->load_g);
        assert_memory_equal(&a->km, &b->km, sizeof a->km);
        assert_int_equal(a->return_min, b->return_min);
        for (size_t s = 0; s < a->nstops; s++) {
            const plan_stop *p = &a->stops[s], *q = &b->stops[s];
            assert_int_equal(p->point_id, q->point_id);
            assert_int_equal(p->part, q->part);
            assert_int_equal(p->parts, q->parts);
            assert_int_equal(p->weight_g, q->weight_g);
            assert_int_equal(p->norders, q->norders);
            assert_memory_equal(p->order_ids, q->order_ids, p->norders * sizeof *p->order_ids);
            assert_int_equal(p->eta_min, q->eta_min);
            assert_int_equal(p->late, q->late);
            assert_memory_equal(&p->leg_km, &q->leg_km, sizeof p->leg_km);
        }
    }
}

static void shuffle(prng *g, void *base, size_t n, size_t size)
{
    unsigned char *b = base, tmp[sizeof(plan_point)];
    for (size_t k = n; k > 1; k--) {
        size_t j = (size_t)(next(g) % k);
        memcpy(tmp, b + (k - 1) * size, size);
        memcpy(b + (k - 1) * size, b + j * size, size);
        memcpy(b + j * size, tmp, size);
    }
}

static void test_random_properties(void **state)
{
    (void)state;
    int feasible = 0, infeasible = 0, splits = 0;
    for (uint64_t seed = 1; seed <= 300; seed++) {
        instance in;
        make_instance(&in, seed);
        arena *a = arena_new(), *b = arena_new();
        plan_result r, again;
        int status = plan_make(&in.depot, in.v, in.nv, in.p, in.np, a, &r);
        check_plan(&in.depot, in.v, in.nv, in.p, in.np, status, &r);
        feasible += status == PLAN_OK;
        infeasible += status == PLAN_INFEASIBLE;

        /* Without pins and without a point heavier than every vehicle, no point is
         * split; with vehicles big enough for everything, everything goes. */
        int64_t maxcap = 0, heaviest = 0, total = 0;
        for (size_t k = 0; k < in.nv; k++)
            maxcap = in.v[k].capacity_g > maxcap ? in.v[k].capacity_g : maxcap;
        for (size_t i = 0; i < in.np; i++) {
            int64_t w = 0;
            for (size_t o = 0; o < in.p[i].norders; o++)
                w += in.p[i].orders[o].weight_g;
            heaviest = w > heaviest ? w : heaviest;
            total += w;
        }
        for (size_t k = 0; k < r.nrounds; k++)
            for (size_t s = 0; s < r.rounds[k].nstops; s++) {
                splits += r.rounds[k].stops[s].part == 2;
                if (!in.pins && heaviest <= maxcap)
                    assert_int_equal(r.rounds[k].stops[s].parts, 1);
            }
        if (!in.pins && in.nv > 0 && total <= maxcap)
            assert_int_equal(status, PLAN_OK);

        /* Determinism, also with the input arrays in another order. */
        prng g = {seed * 7919};
        shuffle(&g, in.p, in.np, sizeof *in.p);
        shuffle(&g, in.v, in.nv, sizeof *in.v);
        assert_int_equal(plan_make(&in.depot, in.v, in.nv, in.p, in.np, b, &again), status);
        same_result(&r, &again);
        arena_reset(b);
        assert_int_equal(plan_make(&in.depot, in.v, in.nv, in.p, in.np, b, &again), status);
        same_result(&r, &again);
        arena_free(a);
        arena_free(b);
        free_instance(&in);
    }
    /* The generator must exercise both outcomes and splitting. */
    assert_true(feasible > 50);
    assert_true(infeasible > 20);
    assert_true(splits > 5);
    printf("[ INFO     ] 300 instances: %d feasible, %d infeasible, %d split points\n", feasible,
           infeasible, splits);
}

static void test_random_routes(void **state)
{
    (void)state;
    prng g = {42};
    plan_point p[40];
    size_t order[40];
    for (int t = 0; t < 300; t++) {
        plan_depot depot = {unit(&g) * 2 - 1, unit(&g) * 2 - 1};
        size_t n = (size_t)uniform(&g, 1, 40);
        for (size_t k = 0; k < n; k++)
            p[k] = point((int64_t)k + 1, unit(&g) * 2 - 1, unit(&g) * 2 - 1, NULL, 0);
        double nn = plan_route_order(&depot, p, n, false, order);
        double opt = plan_route_order(&depot, p, n, true, order);
        assert_true(opt <= nn + 1e-9);
        /* A permutation, and its length is the one returned. */
        bool *seen = xcalloc(n, sizeof *seen);
        double km = 0, lat = depot.lat, lon = depot.lon;
        for (size_t k = 0; k < n; k++) {
            assert_true(order[k] < n && !seen[order[k]]);
            seen[order[k]] = true;
            km += plan_distance_km(lat, lon, p[order[k]].lat, p[order[k]].lon);
            lat = p[order[k]].lat;
            lon = p[order[k]].lon;
        }
        km += plan_distance_km(lat, lon, depot.lat, depot.lon);
        assert_near(km, opt, 1e-9);
        free(seen);
    }
}

/* Most grams that fit, over every assignment of n whole points to k vans. */
static int64_t best_packing(const int64_t *w, size_t n, const int64_t *cap, size_t k)
{
    size_t combos = 1;
    for (size_t i = 0; i < n; i++)
        combos *= k + 1;
    int64_t best = 0;
    for (size_t c = 0; c < combos; c++) {
        int64_t load[4] = {0}, placed = 0;
        bool ok = true;
        for (size_t i = 0, code = c; i < n && ok; i++, code /= k + 1) {
            size_t v = code % (k + 1);
            if (v == k)
                continue;
            load[v] += w[i];
            placed += w[i];
            ok = load[v] <= cap[v];
        }
        if (ok && placed > best)
            best = placed;
    }
    return best;
}

/* Small tight cycles against brute force: overflow_g is exactly the least possible
 * (the grams that no assignment of whole points to vans can place), in every one of
 * 300 cycles of 1 to 8 points and 1 to 3 vans. */
static void test_overflow_small(void **state)
{
    (void)state;
    prng g = {99};
    for (int t = 0; t < 300; t++) {
        size_t n = (size_t)uniform(&g, 1, 8), k = (size_t)uniform(&g, 1, 3);
        plan_vehicle v[3];
        int64_t cap[3], w[8];
        plan_order o[8];
        plan_point p[8];
        for (size_t q = 0; q < k; q++) {
            cap[q] = uniform(&g, 50, 100) * 1000;
            v[q] = vehicle((int64_t)q + 1, cap[q]);
        }
        int64_t sum = 0;
        for (size_t i = 0; i < n; i++) {
            w[i] = uniform(&g, 10, 50) * 1000; /* fits every van whole */
            sum += w[i];
            o[i] = (plan_order){(int64_t)i + 1, w[i]};
            p[i] = point((int64_t)i + 1, 45 + unit(&g) - 0.5, 5 + unit(&g) - 0.5, o + i, 1);
        }
        arena *a = arena_new();
        plan_result r;
        plan_depot depot = {45, 5};
        int status = plan_make(&depot, v, k, p, n, a, &r);
        check_plan(&depot, v, k, p, n, status, &r);
        int64_t least = sum - best_packing(w, n, cap, k);
        assert_int_equal(r.overflow_g, least);
        arena_free(a);
    }
}

/* 600 points, 2 vans: rounds of 300 stops, where the planner thins its sweeps and
 * caps its local search; the result must still hold every invariant. */
static void test_long_rounds(void **state)
{
    (void)state;
    prng g = {77};
    size_t np = 600;
    plan_order *o = xmalloc(np * sizeof *o);
    plan_point *p = xmalloc(np * sizeof *p);
    plan_depot depot = {45.0, 5.0};
    for (size_t i = 0; i < np; i++) {
        o[i] = (plan_order){(int64_t)i + 1, uniform(&g, 1000, 5000)};
        p[i] = point((int64_t)i + 1, 45.0 + (unit(&g) - 0.5), 5.0 + (unit(&g) - 0.5), o + i, 1);
    }
    plan_vehicle v[] = {vehicle(1, 1000000), vehicle(2, 1000000)};
    arena *a = arena_new(), *b = arena_new();
    plan_result r, again;
    int status = plan_make(&depot, v, 2, p, np, a, &r);
    assert_int_equal(status, PLAN_OK);
    check_plan(&depot, v, 2, p, np, status, &r);
    assert_int_equal(plan_make(&depot, v, 2, p, np, b, &again), status);
    same_result(&r, &again);
    arena_free(a);
    arena_free(b);
    free(o);
    free(p);
}

/* 100 000 orders over 200 points and 20 vehicles, around 70 % full. Prints the
 * time; a shared CI machine is no place to assert on it. */
static void test_timing(void **state)
{
    (void)state;
    prng g = {2024};
    size_t np = 200, nv = 20, per = 500;
    plan_order *o = xmalloc(np * per * sizeof *o);
    plan_point *p = xmalloc(np * sizeof *p);
    plan_vehicle v[20];
    plan_depot depot = {44.93, 4.89};
    for (size_t i = 0; i < np; i++) {
        for (size_t k = 0; k < per; k++)
            o[i * per + k] = (plan_order){(int64_t)(i * per + k) + 1, uniform(&g, 50, 300)};
        p[i] = point((int64_t)i + 1, depot.lat + (unit(&g) - 0.5) * 0.8,
                     depot.lon + (unit(&g) - 0.5) * 0.8, o + i * per, per);
        p[i].close_min = 19 * 60;
    }
    for (size_t k = 0; k < nv; k++)
        v[k] = (plan_vehicle){(int64_t)k + 1, uniform(&g, 1000, 1400) * 1000, 50, 12, 13 * 60};
    int64_t best = INT64_MAX;
    for (int run = 0; run < 5; run++) {
        arena *a = arena_new();
        plan_result r;
        int64_t t0 = now_us();
        int status = plan_make(&depot, v, nv, p, np, a, &r);
        int64_t us = now_us() - t0;
        best = us < best ? us : best;
        assert_int_equal(status, PLAN_OK);
        if (run == 0) {
            check_plan(&depot, v, nv, p, np, status, &r);
            printf("[ INFO     ] 100k orders / 200 points / 20 vehicles: %zu rounds, %.1f km\n",
                   r.nrounds, r.km);
        }
        arena_free(a);
    }
    printf("[ INFO     ] plan_make best of 5: %.2f ms\n", (double)best / 1000.0);
    free(o);
    free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance),
        cmocka_unit_test(test_towns_on_a_line),
        cmocka_unit_test(test_square),
        cmocka_unit_test(test_two_opt),
        cmocka_unit_test(test_same_place),
        cmocka_unit_test(test_split_heavy_point),
        cmocka_unit_test(test_order_heavier_than_any_vehicle),
        cmocka_unit_test(test_infeasible),
        cmocka_unit_test(test_pinned),
        cmocka_unit_test(test_late),
        cmocka_unit_test(test_empty),
        cmocka_unit_test(test_invalid),
        cmocka_unit_test(test_ring),
        cmocka_unit_test(test_random_properties),
        cmocka_unit_test(test_random_routes),
        cmocka_unit_test(test_overflow_small),
        cmocka_unit_test(test_long_rounds),
        cmocka_unit_test(test_timing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
