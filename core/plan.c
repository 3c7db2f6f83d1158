/*
 * core/plan.c — the delivery-round planner: which vehicle carries which pickup
 * points (the visiting order within a round is in plan_route.c).
 *
 * The work is cut into items: a pickup point's orders that travel together. Most
 * points are one item. Items fixed to a vehicle are placed first, heaviest points
 * first: points a coordinator pinned, then the parts of points too heavy for any
 * vehicle's remaining room, each part filling the roomiest vehicle not yet holding
 * a part of that point, by whole orders in order_id order, until the remainder
 * fits somewhere whole. That remainder and all other points are free items, and a
 * plan is a choice of vehicle for each of them.
 *
 * Candidate plans for the free items:
 *  - sweeps: items sorted by polar angle around the depot are poured into the
 *    vehicles one after the other, from every starting item, in both directions,
 *    with the vehicles by decreasing and by increasing room. Sweeps give compact,
 *    pie-slice rounds, which is what keeps routes short;
 *  - first-, best- and worst-fit decreasing, for when capacity is tight enough
 *    that no sweep fits everything;
 *  - when none of those carries everything, a branch and bound for the most grams
 *    (first-fit decreasing is its first descent, PACK_NODES bounds it).
 * Each candidate is scored by grams carried, then by km with nearest-neighbour
 * routes; the best SCREEN_KEEP distinct ones are routed again with 2-opt and the
 * shortest wins. Screening with nearest neighbour keeps the cost down when rounds
 * are long (few vehicles, many points), where 2-opt on hundreds of candidates
 * would dominate; on test instances routing all of them with 2-opt gained 0-3 %
 * for twice the time. A local search (plan_route.c) then moves one item to another
 * round, or swaps two, whenever the rerouted rounds get shorter: it repairs what a
 * sweep misses (pinned points sitting in another slice) and the scattered rounds
 * of a packing, which it shortens by up to half when capacity is tight.
 *
 * When the orders cannot all be carried, the plan chosen is the candidate that
 * carries the most grams; overflow_g is the total minus that, plus the orders that
 * no vehicle can take (heavier than every vehicle, or beyond a pinned vehicle).
 * Maximising the grams carried is a multiple-knapsack problem: the branch and
 * bound is exact on small cycles (test_overflow_small checks 300 against brute
 * force) and on large ones no worse than first-fit decreasing.
 *
 * Determinism: every sort is a total order ending in ids, the candidates are
 * taken in a fixed order and only a strictly better one replaces the incumbent;
 * nothing depends on addresses, time or randomness.
 *
 * Speed: 100 000 orders over 200 points and 20 vehicles plan in 8-11 ms on one
 * core (gcc -O2, busy 2-core x86-64 VM; test_timing in tests/unit/test_plan.c
 * prints the best of 5 runs timed with now_us). 1000 points on 10 vehicles take
 * about 0.2 s, where SWEEP_BUDGET and the search budget begin to bind.
 */
#include "plan_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCREEN_KEEP 12
#define PACK_NODES  200000
/* Sweep effort cap in estimated distance look-ups: deterministic, unlike a clock. It
 * does not bind for a hub (hundreds of points, a dozen per round); it thins the
 * starting points of a regional plan with thousands. */
#define SWEEP_BUDGET 1e7
#define RAD          (3.14159265358979323846 / 180.0)

typedef struct {
    int *veh; /* per free item: vehicle index, -1 when left out */
    int64_t placed_g;
    double km;
} cand;

static int cmp_i64(int64_t x, int64_t y)
{
    return (x > y) - (x < y);
}

static int cmp_point(const void *a, const void *b)
{
    return cmp_i64((*(const plan_point *const *)a)->id, (*(const plan_point *const *)b)->id);
}

static int cmp_vehicle(const void *a, const void *b)
{
    return cmp_i64((*(const plan_vehicle *const *)a)->id, (*(const plan_vehicle *const *)b)->id);
}

static int vehicle_index(const planner *pl, int64_t id)
{
    size_t lo = 0, hi = pl->nv;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl->veh[mid]->id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < pl->nv && pl->veh[lo]->id == id ? (int)lo : -1;
}

static bool bad_place(double lat, double lon)
{
    return !(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180); /* NaN too */
}

/* ---- Input ----------------------------------------------------------------- */

static const char *check_vehicle(const planner *pl, size_t i, arena *mem)
{
    const plan_vehicle *v = pl->veh[i];
    long long id = (long long)v->id;
    if (v->id <= 0)
        return arena_printf(mem, "vehicle id %lld is not positive", id);
    if (i > 0 && pl->veh[i - 1]->id == v->id)
        return arena_printf(mem, "vehicle %lld appears twice", id);
    if (v->capacity_g < 0 || v->capacity_g > PLAN_MAX_CAPACITY_G)
        return arena_printf(mem, "vehicle %lld has an impossible capacity", id);
    if (v->speed_kmh <= 0)
        return arena_printf(mem, "vehicle %lld has no positive speed", id);
    if (v->stop_minutes < 0 || v->stop_minutes > 24 * 60 || v->depart_min < 0 ||
        v->depart_min > 24 * 60)
        return arena_printf(mem, "vehicle %lld has an impossible stop time or departure", id);
    return NULL;
}

static const char *check_point(const planner *pl, const plan_point *const *all, size_t i,
                               arena *mem)
{
    const plan_point *p = all[i];
    long long id = (long long)p->id;
    if (i > 0 && all[i - 1]->id == p->id)
        return arena_printf(mem, "pickup point %lld appears twice", id);
    if (bad_place(p->lat, p->lon))
        return arena_printf(mem, "pickup point %lld has no valid coordinates", id);
    if (p->open_min < -1 || p->close_min < -1)
        return arena_printf(mem, "pickup point %lld has an impossible opening slot", id);
    if (p->fixed_vehicle != 0 && vehicle_index(pl, p->fixed_vehicle) < 0)
        return arena_printf(mem, "pickup point %lld is pinned to unknown vehicle %lld", id,
                            (long long)p->fixed_vehicle);
    if (p->norders > 0 && !p->orders)
        return arena_printf(mem, "pickup point %lld has no order array", id);
    for (size_t k = 0; k < p->norders; k++) {
        if (p->orders[k].weight_g < 0 || p->orders[k].weight_g > PLAN_MAX_ORDER_G)
            return arena_printf(mem, "order %lld has an impossible weight",
                                (long long)p->orders[k].order_id);
        if (k > 0 && p->orders[k].order_id <= p->orders[k - 1].order_id)
            return arena_printf(mem, "orders of pickup point %lld are not in ascending id order",
                                id);
    }
    return NULL;
}

/* Keep the points with orders, set aside the orders no vehicle can carry, and build
 * the distance matrix. */
static void load_points(planner *pl, const plan_depot *depot, const plan_point *const *all,
                        size_t np)
{
    int64_t maxcap = 0;
    for (size_t k = 0; k < pl->nv; k++)
        maxcap = pl->veh[k]->capacity_g > maxcap ? pl->veh[k]->capacity_g : maxcap;
    arena *t = pl->tmp;
    pl->pts = arena_alloc(t, np * sizeof *pl->pts);
    pl->ord = arena_alloc(t, np * sizeof *pl->ord);
    pl->nord = arena_alloc(t, np * sizeof *pl->nord);
    pl->weight_g = arena_alloc(t, np * sizeof *pl->weight_g);
    pl->left = arena_alloc(t, np * sizeof *pl->left);
    pl->split = arena_alloc(t, np * sizeof *pl->split);
    for (size_t k = 0; k < np; k++) {
        const plan_point *p = all[k];
        if (p->norders == 0)
            continue;
        size_t i = pl->np++;
        pl->pts[i] = p;
        pl->ord[i] = p->orders;
        pl->nord[i] = p->norders;
        for (size_t o = 0; o < p->norders; o++) {
            int64_t w = p->orders[o].weight_g;
            pl->left[i] = pl->left[i] || w > maxcap;
            *(w > maxcap ? &pl->left_g : &pl->weight_g[i]) += w;
        }
        if (!pl->left[i])
            continue;
        plan_order *kept = arena_alloc(t, p->norders * sizeof *kept);
        pl->ord[i] = kept;
        pl->nord[i] = 0;
        for (size_t o = 0; o < p->norders; o++)
            if (p->orders[o].weight_g <= maxcap)
                kept[pl->nord[i]++] = p->orders[o];
    }
    size_t ns = pl->np + 1;
    double *lat = arena_alloc(t, ns * sizeof *lat), *lon = arena_alloc(t, ns * sizeof *lon);
    lat[0] = depot->lat;
    lon[0] = depot->lon;
    for (size_t i = 0; i < pl->np; i++) {
        lat[i + 1] = pl->pts[i]->lat;
        lon[i + 1] = pl->pts[i]->lon;
    }
    pl->dist = arena_alloc(t, ns * ns * sizeof *pl->dist);
    plan_distance_matrix(lat, lon, ns, pl->dist);
}

static const char *load(planner *pl, const plan_depot *depot, const plan_vehicle *v, size_t nv,
                        const plan_point *p, size_t np, arena *mem)
{
    pl->veh = arena_alloc(pl->tmp, nv * sizeof *pl->veh);
    for (size_t k = 0; k < nv; k++)
        pl->veh[k] = &v[k];
    qsort(pl->veh, nv, sizeof *pl->veh, cmp_vehicle);
    pl->nv = nv;
    for (size_t k = 0; k < nv; k++) {
        const char *err = check_vehicle(pl, k, mem);
        if (err)
            return err;
    }
    if (bad_place(depot->lat, depot->lon))
        return "the depot has no valid coordinates";
    const plan_point **all = arena_alloc(pl->tmp, np * sizeof *all);
    for (size_t k = 0; k < np; k++)
        all[k] = &p[k];
    qsort(all, np, sizeof *all, cmp_point);
    for (size_t k = 0; k < np; k++) {
        const char *err = check_point(pl, all, k, mem);
        if (err)
            return err;
    }
    load_points(pl, depot, all, np);
    return NULL;
}

/* ---- Items ----------------------------------------------------------------- */

static void add_item(planner *pl, size_t point, size_t first, size_t n, int64_t w, int vehicle)
{
    if (pl->nitems == pl->cap) {
        pl->cap = pl->cap ? 2 * pl->cap : 64;
        pl->items = xrealloc(pl->items, pl->cap * sizeof *pl->items);
    }
    size_t group = pl->nitems;
    if (group > 0 && pl->items[group - 1].point == point)
        group = pl->items[group - 1].group;
    pl->items[pl->nitems++] = (plan_item){point, first, n, group, w, vehicle};
    if (vehicle >= 0)
        pl->room[vehicle] -= w;
}

/* How many orders from `first` on, in order_id order, fit in room grams. */
static size_t orders_fitting(const planner *pl, size_t i, size_t first, int64_t room, int64_t *got)
{
    const plan_order *o = pl->ord[i];
    size_t k = first;
    int64_t sum = 0;
    while (k < pl->nord[i] && sum + o[k].weight_g <= room)
        sum += o[k++].weight_g;
    *got = sum;
    return k - first;
}

/* Whether vehicle v already carries one of items[group..] (parts of one point):
 * a round visits a point once. */
static bool carries(const planner *pl, size_t group, int v)
{
    for (size_t g = group; g < pl->nitems && pl->items[g].point == pl->items[group].point; g++)
        if (pl->items[g].vehicle == v)
            return true;
    return false;
}

bool plan_barred(const planner *pl, size_t j, int v)
{
    return pl->split[pl->items[j].point] && carries(pl, pl->items[j].group, v);
}

/* The vehicle with the most room among those not carrying items[group..]. */
static int roomiest(const planner *pl, size_t group)
{
    int best = -1;
    for (size_t k = 0; k < pl->nv; k++)
        if (!carries(pl, group, (int)k) && (best < 0 || pl->room[k] > pl->room[best]))
            best = (int)k;
    return best;
}

static void place_pinned(planner *pl, size_t i)
{
    int v = vehicle_index(pl, pl->pts[i]->fixed_vehicle);
    int64_t w = pl->weight_g[i], got = w;
    size_t n = pl->nord[i];
    if (w > pl->room[v]) {
        /* Only a point heavier than its vehicle is cut; one that merely does not fit
         * beside the other pinned points stays whole, so it is left out whole. */
        n = 0;
        got = 0;
        if (w > pl->veh[v]->capacity_g)
            n = orders_fitting(pl, i, 0, pl->room[v], &got);
        pl->left[i] = true;
        pl->left_g += w - got;
    }
    if (n > 0)
        add_item(pl, i, 0, n, got, v);
}

static void place_free(planner *pl, size_t i)
{
    size_t first = 0, nord = pl->nord[i], group = pl->nitems;
    int64_t w = pl->weight_g[i];
    while (first < nord) {
        int v = roomiest(pl, group);
        if (v >= 0 && w <= pl->room[v]) {
            add_item(pl, i, first, nord - first, w, -1);
            return;
        }
        int64_t got = 0;
        size_t n = v < 0 ? 0 : orders_fitting(pl, i, first, pl->room[v], &got);
        if (n == 0) {
            pl->left[i] = true;
            pl->left_g += w;
            return;
        }
        add_item(pl, i, first, n, got, v);
        first += n;
        w -= got;
    }
}

typedef struct {
    int64_t w;
    size_t i;
} weighed;

static int cmp_heaviest(const void *a, const void *b)
{
    const weighed *x = a, *y = b;
    int c = cmp_i64(y->w, x->w);
    return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* Heaviest first, pinned before free: pinned points cannot go elsewhere, and big
 * points are the ones that need a vehicle to themselves. */
static void make_items(planner *pl)
{
    pl->room = arena_alloc(pl->tmp, pl->nv * sizeof *pl->room);
    for (size_t k = 0; k < pl->nv; k++)
        pl->room[k] = pl->veh[k]->capacity_g;
    weighed *by = arena_alloc(pl->tmp, pl->np * sizeof *by);
    for (size_t i = 0; i < pl->np; i++)
        by[i] = (weighed){pl->weight_g[i], i};
    qsort(by, pl->np, sizeof *by, cmp_heaviest);
    for (size_t k = 0; k < pl->np; k++)
        if (pl->pts[by[k].i]->fixed_vehicle)
            place_pinned(pl, by[k].i);
    for (size_t k = 0; k < pl->np; k++)
        if (!pl->pts[by[k].i]->fixed_vehicle)
            place_free(pl, by[k].i);
    size_t n = pl->nitems;
    pl->loose = arena_alloc(pl->tmp, n * sizeof *pl->loose);
    for (size_t j = 0; j < n; j++) {
        if (pl->items[j].vehicle < 0) {
            pl->loose[pl->nloose++] = j;
            pl->loose_g += pl->items[j].weight_g;
        }
        if (j > 0 && pl->items[j].point == pl->items[j - 1].point)
            pl->split[pl->items[j].point] = true;
    }
    pl->where = arena_alloc(pl->tmp, n * sizeof *pl->where);
    pl->pos = arena_alloc(pl->tmp, n * sizeof *pl->pos);
    pl->start = arena_alloc(pl->tmp, (pl->nv + 1) * sizeof *pl->start);
    pl->fill = arena_alloc(pl->tmp, (pl->nv + 1) * sizeof *pl->fill);
    pl->sites = arena_alloc(pl->tmp, n * sizeof *pl->sites);
    pl->order = arena_alloc(pl->tmp, n * sizeof *pl->order);
    pl->perm = arena_alloc(pl->tmp, n * sizeof *pl->perm);
}

/* ---- Candidate plans ------------------------------------------------------- */

static bool better(int64_t placed_g, double km, const cand *c)
{
    return placed_g > c->placed_g || (placed_g == c->placed_g && km < c->km);
}

/* Insert into the SCREEN_KEEP best so far (best first); an equal plan is kept once. */
static void keep(const planner *pl, cand *kept, size_t *nkept, const int *veh, int64_t placed_g,
                 double km)
{
    size_t m = pl->nloose, k = *nkept;
    for (size_t i = 0; i < k; i++)
        if (kept[i].placed_g == placed_g && kept[i].km == km &&
            memcmp(kept[i].veh, veh, m * sizeof *veh) == 0)
            return;
    if (k == SCREEN_KEEP) {
        if (!better(placed_g, km, &kept[k - 1]))
            return;
        k--;
    } else {
        (*nkept)++;
    }
    int *buf = kept[k].veh;
    for (; k > 0 && better(placed_g, km, &kept[k - 1]); k--)
        kept[k] = kept[k - 1];
    memcpy(buf, veh, m * sizeof *veh);
    kept[k] = (cand){buf, placed_g, km};
}

typedef struct {
    double angle, r;
    size_t point, j;
} polar;

static int cmp_polar(const void *a, const void *b)
{
    const polar *x = a, *y = b;
    if (x->angle != y->angle)
        return x->angle < y->angle ? -1 : 1;
    if (x->r != y->r)
        return x->r < y->r ? -1 : 1;
    return (x->point > y->point) - (x->point < y->point);
}

/* Pour the free items, in ring order from position s (backwards when dir is set),
 * into the vehicles in order vord: a vehicle is closed at the first item it cannot
 * take. Returns the grams placed. */
static int64_t sweep(const planner *pl, const polar *ring, const int *vord, int dir, size_t s,
                     int *veh, int64_t *room)
{
    size_t m = pl->nloose, nv = pl->nv, k = 0;
    int64_t placed_g = 0;
    memcpy(room, pl->room, nv * sizeof *room);
    for (size_t t = 0; t < m; t++) {
        size_t j = ring[dir ? (s + m - t) % m : (s + t) % m].j;
        int64_t w = pl->items[pl->loose[j]].weight_g;
        while (k < nv && room[vord[k]] < w)
            k++;
        size_t q = k; /* the rest of a split point may not join one of its parts */
        while (q < nv && (room[vord[q]] < w || plan_barred(pl, pl->loose[j], vord[q])))
            q++;
        veh[j] = q < nv ? vord[q] : -1;
        if (q < nv) {
            room[vord[q]] -= w;
            placed_g += w;
        }
    }
    return placed_g;
}

static void sweeps(planner *pl, const plan_depot *depot, int *const vord[2], int norders,
                   cand *kept, size_t *nkept)
{
    size_t m = pl->nloose, nv = pl->nv;
    polar *ring = arena_alloc(pl->tmp, m * sizeof *ring);
    double shrink = cos(depot->lat * RAD); /* a degree of longitude is shorter */
    for (size_t j = 0; j < m; j++) {
        const plan_point *p = pl->pts[pl->items[pl->loose[j]].point];
        double x = (p->lon - depot->lon) * shrink, y = p->lat - depot->lat;
        ring[j] = (polar){atan2(y, x), x * x + y * y, pl->items[pl->loose[j]].point, j};
    }
    qsort(ring, m, sizeof *ring, cmp_polar);
    /* Scoring a sweep routes rounds of about m / nv stops by nearest neighbour. */
    size_t rounds = nv < m ? nv : m;
    double per_round = rounds ? (double)m / (double)rounds : 0;
    double cost = 2.0 * norders * ((double)nv * per_round * per_round / 2 + (double)pl->nitems);
    size_t starts = m;
    if (cost * (double)m > SWEEP_BUDGET)
        starts = SWEEP_BUDGET / cost < 8 ? 8 : (size_t)(SWEEP_BUDGET / cost);
    starts = starts < m ? starts : m;
    int *veh = arena_alloc(pl->tmp, m * sizeof *veh);
    int64_t *room = arena_alloc(pl->tmp, nv * sizeof *room);
    for (int dir = 0; dir < 2; dir++)
        for (int o = 0; o < norders; o++)
            for (size_t t = 0; t < starts; t++) {
                int64_t placed_g = sweep(pl, ring, vord[o], dir, t * m / starts, veh, room);
                keep(pl, kept, nkept, veh, placed_g, plan_km(pl, veh, false));
            }
}

enum { FIRST_FIT, BEST_FIT, WORST_FIT };

static void packings(planner *pl, const int *vord, cand *kept, size_t *nkept)
{
    size_t m = pl->nloose, nv = pl->nv;
    weighed *by = arena_alloc(pl->tmp, m * sizeof *by);
    for (size_t j = 0; j < m; j++)
        by[j] = (weighed){pl->items[pl->loose[j]].weight_g, j};
    qsort(by, m, sizeof *by, cmp_heaviest);
    int *veh = arena_alloc(pl->tmp, m * sizeof *veh);
    int64_t *room = arena_alloc(pl->tmp, nv * sizeof *room);
    for (int rule = FIRST_FIT; rule <= WORST_FIT; rule++) {
        memcpy(room, pl->room, nv * sizeof *room);
        int64_t placed_g = 0;
        for (size_t t = 0; t < m; t++) {
            int pick = -1;
            for (size_t k = 0; k < nv; k++) {
                int v = vord[k];
                if (room[v] < by[t].w || plan_barred(pl, pl->loose[by[t].i], v))
                    continue;
                if (pick < 0 || (rule == BEST_FIT && room[v] < room[pick]) ||
                    (rule == WORST_FIT && room[v] > room[pick]))
                    pick = v;
                if (rule == FIRST_FIT)
                    break;
            }
            veh[by[t].i] = pick;
            if (pick >= 0) {
                room[pick] -= by[t].w;
                placed_g += by[t].w;
            }
        }
        keep(pl, kept, nkept, veh, placed_g, plan_km(pl, veh, false));
    }
}

/* Branch and bound over the free items, heaviest first, each into one of the vehicles
 * (in order vord, one of any vehicles with equal room) or left out, to carry the
 * most grams. Its first descent is first-fit decreasing; PACK_NODES keeps it
 * bounded and deterministic. Used only when no candidate carries everything. */
typedef struct {
    const planner *pl;
    const weighed *by;
    const int *vord;
    int64_t *room, *rest; /* rest[t]: grams of by[t..] */
    int *veh, *best_veh;
    int64_t placed_g, best_g, room_g;
    long nodes;
} packer;

static bool tried_alike(const packer *pk, size_t k, size_t j)
{
    for (size_t q = 0; q < k; q++)
        if (pk->room[pk->vord[q]] == pk->room[pk->vord[k]] &&
            !plan_barred(pk->pl, pk->pl->loose[j], pk->vord[q]))
            return true;
    return false;
}

static void pack_deep(packer *pk, size_t t)
{
    size_t m = pk->pl->nloose;
    if (pk->placed_g > pk->best_g) {
        pk->best_g = pk->placed_g;
        memcpy(pk->best_veh, pk->veh, m * sizeof *pk->veh);
    }
    int64_t bound = pk->rest[t] < pk->room_g ? pk->rest[t] : pk->room_g;
    if (t == m || pk->placed_g + bound <= pk->best_g || pk->nodes++ >= PACK_NODES)
        return;
    int64_t w = pk->by[t].w;
    size_t j = pk->by[t].i;
    for (size_t k = 0; k < pk->pl->nv; k++) {
        int v = pk->vord[k];
        if (pk->room[v] < w || plan_barred(pk->pl, pk->pl->loose[j], v) || tried_alike(pk, k, j))
            continue;
        pk->veh[j] = v;
        pk->room[v] -= w;
        pk->room_g -= w;
        pk->placed_g += w;
        pack_deep(pk, t + 1);
        pk->room[v] += w;
        pk->room_g += w;
        pk->placed_g -= w;
    }
    pk->veh[j] = -1;
    pack_deep(pk, t + 1);
}

static void pack_exactly(planner *pl, const int *vord, cand *kept, size_t *nkept)
{
    size_t m = pl->nloose, nv = pl->nv;
    weighed *by = arena_alloc(pl->tmp, m * sizeof *by);
    for (size_t j = 0; j < m; j++)
        by[j] = (weighed){pl->items[pl->loose[j]].weight_g, j};
    qsort(by, m, sizeof *by, cmp_heaviest);
    packer pk = {.pl = pl, .by = by, .vord = vord, .best_g = -1};
    pk.room = arena_alloc(pl->tmp, nv * sizeof *pk.room);
    pk.rest = arena_alloc(pl->tmp, (m + 1) * sizeof *pk.rest);
    pk.veh = arena_alloc(pl->tmp, m * sizeof *pk.veh);
    pk.best_veh = arena_alloc(pl->tmp, m * sizeof *pk.best_veh);
    for (size_t t = m; t-- > 0;)
        pk.rest[t] = pk.rest[t + 1] + by[t].w;
    for (size_t j = 0; j < m; j++)
        pk.veh[j] = -1; /* an item the search has not reached is left out */
    for (size_t k = 0; k < nv; k++) {
        pk.room[k] = pl->room[k];
        pk.room_g += pl->room[k];
    }
    pack_deep(&pk, 0);
    keep(pl, kept, nkept, pk.best_veh, pk.best_g, plan_km(pl, pk.best_veh, false));
}

/* The vehicle of each free item in the best candidate. */
static const int *choose(planner *pl, const plan_depot *depot)
{
    size_t m = pl->nloose, nv = pl->nv;
    /* Vehicles by decreasing room, then by increasing room; ties by id. */
    int *vord[2];
    weighed *by = arena_alloc(pl->tmp, nv * sizeof *by);
    for (int o = 0; o < 2; o++) {
        for (size_t k = 0; k < nv; k++)
            by[k] = (weighed){o ? -pl->room[k] : pl->room[k], k};
        qsort(by, nv, sizeof *by, cmp_heaviest);
        vord[o] = arena_alloc(pl->tmp, nv * sizeof *vord[o]);
        for (size_t k = 0; k < nv; k++)
            vord[o][k] = (int)by[k].i;
    }
    bool uniform = nv == 0 || pl->room[vord[0][0]] == pl->room[vord[0][nv - 1]];
    cand kept[SCREEN_KEEP];
    size_t nkept = 0;
    for (size_t i = 0; i < SCREEN_KEEP; i++)
        kept[i].veh = arena_alloc(pl->tmp, m * sizeof(int));
    sweeps(pl, depot, vord, uniform ? 1 : 2, kept, &nkept);
    packings(pl, vord[0], kept, &nkept);
    if (kept[0].placed_g < pl->loose_g)
        pack_exactly(pl, vord[0], kept, &nkept);
    size_t best = 0;
    double best_km = 0;
    for (size_t i = 0; i < nkept && kept[i].placed_g == kept[0].placed_g; i++) {
        double km = plan_km(pl, kept[i].veh, true);
        if (i == 0 || km < best_km) {
            best = i;
            best_km = km;
        }
    }
    return kept[best].veh;
}

int plan_make(const plan_depot *depot, const plan_vehicle *v, size_t nv, const plan_point *p,
              size_t np, arena *mem, plan_result *out)
{
    memset(out, 0, sizeof *out);
    planner pl = {.tmp = arena_new()};
    int status = PLAN_INVALID;
    out->error = load(&pl, depot, v, nv, p, np, mem);
    if (!out->error) {
        make_items(&pl);
        plan_tour *tours = plan_tours(&pl, choose(&pl, depot));
        plan_search(&pl, tours);
        status = plan_emit(&pl, tours, mem, out);
    }
    free(pl.items);
    arena_free(pl.tmp);
    return status;
}
