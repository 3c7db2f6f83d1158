/*
 * core/plan_route.c — the rounds once assigned: distances, the visiting order,
 * moving stops between rounds, and the timed stops of the result.
 *
 * Visiting order is nearest neighbour from the depot then 2-opt. That is not
 * optimal, but a round holds a dozen stops or so, where it usually lands within a
 * few percent of the best tour, and it is cheap enough that the planner routes
 * every candidate plan it weighs (see plan.c). Ties go to the lower site number
 * (points are numbered in id order) and a 2-opt move must gain more than
 * PLAN_GAIN_EPS, so the result is deterministic and the loop ends.
 *
 * The local search then takes each free item in turn and estimates, by cheapest
 * insertion, the best move into a round that serves one of its NEAR nearest sites
 * (or into an empty vehicle), alone or swapped with a free stop of that round. It
 * keeps the move only if the two rounds, routed again from scratch, are shorter:
 * the km that decide are always those of the routes the result will show. Last,
 * an item the chosen candidate left out is placed if the moves made room for it.
 */
#include "plan_int.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define EARTH_KM      6371.0
#define RAD           (3.14159265358979323846 / 180.0)
#define SEARCH_PASSES 8
#define NEAR          10
/* Local-search effort cap in estimated distance look-ups, so that very long rounds
 * still return promptly; deterministic, unlike a clock. Routing n stops costs about
 * 8 n^2 look-ups (n^2 / 2 for nearest neighbour, a few 2-opt passes of 2 n^2). */
#define SEARCH_BUDGET 5e7

/* Kept apart so that the matrix, which caches the cosines, gives bit for bit the
 * distances plan_distance_km gives. */
static double haversine(double phi1, double cos1, double lam1, double phi2, double cos2,
                        double lam2)
{
    double sphi = sin((phi2 - phi1) / 2), slam = sin((lam2 - lam1) / 2);
    double h = sphi * sphi + cos1 * cos2 * slam * slam;
    return 2 * EARTH_KM * asin(sqrt(h < 1 ? h : 1));
}

double plan_distance_km(double lat1, double lon1, double lat2, double lon2)
{
    double phi1 = lat1 * RAD, phi2 = lat2 * RAD;
    return haversine(phi1, cos(phi1), lon1 * RAD, phi2, cos(phi2), lon2 * RAD);
}

void plan_distance_matrix(const double *lat, const double *lon, size_t n, double *dist)
{
    double *cs = xmalloc(n * sizeof *cs);
    for (size_t a = 0; a < n; a++)
        cs[a] = cos(lat[a] * RAD);
    for (size_t a = 0; a < n; a++) {
        dist[a * n + a] = 0;
        for (size_t b = a + 1; b < n; b++) {
            double d =
                haversine(lat[a] * RAD, cs[a], lon[a] * RAD, lat[b] * RAD, cs[b], lon[b] * RAD);
            dist[a * n + b] = dist[b * n + a] = d;
        }
    }
    free(cs);
}

/* Site at position i of the tour, the depot before the first and after the last. */
static size_t site_at(const size_t *sites, const size_t *order, size_t n, size_t i)
{
    return i == 0 || i > n ? 0 : sites[order[i - 1]];
}

static void nearest_neighbour(const double *dist, size_t stride, const size_t *sites, size_t n,
                              size_t *order)
{
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    size_t here = 0;
    for (size_t t = 0; t < n; t++) {
        const double *row = dist + here * stride;
        size_t best = t;
        double db = row[sites[order[t]]];
        for (size_t q = t + 1; q < n; q++) {
            double dq = row[sites[order[q]]];
            if (dq < db || (dq == db && sites[order[q]] < sites[order[best]])) {
                best = q;
                db = dq;
            }
        }
        size_t tmp = order[t];
        order[t] = order[best];
        order[best] = tmp;
        here = sites[order[t]];
    }
}

/* Reverse tour positions i..j (1-based) whenever that shortens the tour, until no
 * reversal does. Each move strictly shortens, so this ends. */
static void two_opt(const double *dist, size_t stride, const size_t *sites, size_t n, size_t *order)
{
    bool improved = true;
    while (improved) {
        improved = false;
        for (size_t i = 1; i < n; i++) {
            for (size_t j = i + 1; j <= n; j++) {
                size_t a = site_at(sites, order, n, i - 1), b = site_at(sites, order, n, i);
                size_t c = site_at(sites, order, n, j), e = site_at(sites, order, n, j + 1);
                double gain = dist[a * stride + b] + dist[c * stride + e] - dist[a * stride + c] -
                              dist[b * stride + e];
                if (gain <= PLAN_GAIN_EPS)
                    continue;
                for (size_t lo = i - 1, hi = j - 1; lo < hi; lo++, hi--) {
                    size_t tmp = order[lo];
                    order[lo] = order[hi];
                    order[hi] = tmp;
                }
                improved = true;
            }
        }
    }
}

double plan_route_matrix(const double *dist, size_t stride, const size_t *sites, size_t n,
                         bool improve, size_t *order)
{
    if (n == 0)
        return 0;
    nearest_neighbour(dist, stride, sites, n, order);
    if (improve)
        two_opt(dist, stride, sites, n, order);
    double km = 0;
    for (size_t i = 1; i <= n + 1; i++)
        km += dist[site_at(sites, order, n, i - 1) * stride + site_at(sites, order, n, i)];
    return km;
}

double plan_route_order(const plan_depot *depot, const plan_point *p, size_t n, bool improve,
                        size_t *order)
{
    double *lat = xmalloc((n + 1) * sizeof *lat), *lon = xmalloc((n + 1) * sizeof *lon);
    double *dist = xmalloc((n + 1) * (n + 1) * sizeof *dist);
    size_t *sites = xmalloc((n + 1) * sizeof *sites);
    lat[0] = depot->lat;
    lon[0] = depot->lon;
    for (size_t i = 0; i < n; i++) {
        lat[i + 1] = p[i].lat;
        lon[i + 1] = p[i].lon;
        sites[i] = i + 1;
    }
    plan_distance_matrix(lat, lon, n + 1, dist);
    double km = plan_route_matrix(dist, n + 1, sites, n, improve, order);
    free(lat);
    free(lon);
    free(dist);
    free(sites);
    return km;
}

/* ---- Rounds of a candidate ----------------------------------------------- */

/* Total km of the rounds when free item j goes to vehicle veh[j]. */
double plan_km(planner *pl, const int *veh, bool improve)
{
    size_t nv = pl->nv, *start = pl->start;
    memset(start, 0, (nv + 1) * sizeof *start);
    for (size_t j = 0; j < pl->nitems; j++)
        if (pl->items[j].vehicle >= 0)
            start[pl->items[j].vehicle + 1]++;
    for (size_t j = 0; j < pl->nloose; j++)
        if (veh[j] >= 0)
            start[veh[j] + 1]++;
    for (size_t k = 0; k < nv; k++)
        start[k + 1] += start[k];
    size_t *fill = pl->fill;
    memcpy(fill, start, nv * sizeof *fill);
    for (size_t j = 0; j < pl->nitems; j++)
        if (pl->items[j].vehicle >= 0)
            pl->sites[fill[pl->items[j].vehicle]++] = pl->items[j].point + 1;
    for (size_t j = 0; j < pl->nloose; j++)
        if (veh[j] >= 0)
            pl->sites[fill[veh[j]]++] = pl->items[pl->loose[j]].point + 1;
    double km = 0;
    for (size_t k = 0; k < nv; k++)
        km += plan_route_matrix(pl->dist, pl->np + 1, pl->sites + start[k], start[k + 1] - start[k],
                                improve, pl->order + start[k]);
    return km;
}

/* ---- Local search ---------------------------------------------------------- */

/* Site at 1-based position pos of the tour; the depot before the first stop and
 * after the last. */
static size_t tour_site(const planner *pl, const plan_tour *t, size_t pos)
{
    return pos == 0 || pos > t->n ? 0 : pl->items[t->stop[pos - 1]].point + 1;
}

static void locate(planner *pl, const plan_tour *t, int v)
{
    for (size_t k = 0; k < t->n; k++) {
        pl->where[t->stop[k]] = v;
        pl->pos[t->stop[k]] = k + 1;
    }
}

static void route_tour(planner *pl, plan_tour *t, int v)
{
    for (size_t k = 0; k < t->n; k++)
        pl->sites[k] = pl->items[t->stop[k]].point + 1;
    t->km = plan_route_matrix(pl->dist, pl->np + 1, pl->sites, t->n, true, pl->order);
    for (size_t k = 0; k < t->n; k++)
        pl->perm[k] = t->stop[pl->order[k]];
    memcpy(t->stop, pl->perm, t->n * sizeof *t->stop);
    locate(pl, t, v);
    pl->work += 8.0 * (double)t->n * (double)t->n;
}

plan_tour *plan_tours(planner *pl, const int *veh)
{
    plan_tour *tours = arena_alloc(pl->tmp, pl->nv * sizeof *tours);
    for (size_t k = 0; k < pl->nv; k++) {
        tours[k].stop = arena_alloc(pl->tmp, pl->nitems * sizeof *tours[k].stop);
        tours[k].room = pl->room[k];
    }
    for (size_t j = 0; j < pl->nitems; j++) {
        int v = pl->items[j].vehicle;
        if (v >= 0)
            tours[v].stop[tours[v].n++] = j;
    }
    for (size_t j = 0; j < pl->nloose; j++) {
        pl->where[pl->loose[j]] = -1;
        if (veh[j] < 0)
            continue;
        tours[veh[j]].stop[tours[veh[j]].n++] = pl->loose[j];
        tours[veh[j]].room -= pl->items[pl->loose[j]].weight_g;
    }
    for (size_t k = 0; k < pl->nv; k++)
        route_tour(pl, &tours[k], (int)k);
    return tours;
}

typedef struct {
    int to;      /* vehicle index, -1 = no move */
    size_t with; /* the item swapped with, SIZE_MAX for a plain move */
    double gain; /* estimated, before rerouting */
} move;

/* Added km when the stop at pos of t gives way to site s, the rest unchanged. */
static double replace_cost(const planner *pl, const plan_tour *t, size_t pos, size_t s)
{
    size_t a = tour_site(pl, t, pos - 1), b = tour_site(pl, t, pos), c = tour_site(pl, t, pos + 1);
    return plan_dist(pl, a, s) + plan_dist(pl, s, c) - plan_dist(pl, a, b) - plan_dist(pl, b, c);
}

static double insert_cost(const planner *pl, const plan_tour *t, size_t s)
{
    double best = INFINITY;
    for (size_t q = 1; q <= t->n + 1; q++) {
        size_t u = tour_site(pl, t, q - 1), w = tour_site(pl, t, q);
        double c = plan_dist(pl, u, s) + plan_dist(pl, s, w) - plan_dist(pl, u, w);
        best = c < best ? c : best;
    }
    return best;
}

/* For each site, the NEAR nearest other sites, nearest first, ties to the lower
 * site; 0 (the depot) ends a shorter list. Moves are only sought towards these:
 * a stop seldom belongs in a round that passes nowhere near it, and scanning every
 * round for every stop is what would make the search quadratic. */
static size_t *nearest_sites(const planner *pl)
{
    size_t ns = pl->np + 1, *near = arena_alloc(pl->tmp, ns * NEAR * sizeof *near);
    for (size_t s = 1; s < ns; s++) {
        size_t *row = near + s * NEAR, n = 0;
        for (size_t t = 1; t < ns; t++) {
            double d = plan_dist(pl, s, t);
            if (t == s || (n == NEAR && d >= plan_dist(pl, s, row[NEAR - 1])))
                continue;
            size_t q = n < NEAR ? n++ : NEAR - 1;
            for (; q > 0 && plan_dist(pl, s, row[q - 1]) > d; q--)
                row[q] = row[q - 1];
            row[q] = t;
        }
    }
    return near;
}

/* Estimated gains of moving item i (at position p of round a) into round b, or of
 * swapping it with one of b's free items; the best so far stays in *best. */
static void try_round(const planner *pl, const plan_tour *tours, size_t i, double removal, int b,
                      move *best)
{
    const plan_item *it = &pl->items[i];
    int a = pl->where[i];
    const plan_tour *ta = &tours[a], *tb = &tours[b];
    size_t s = it->point + 1;
    if (plan_barred(pl, i, b))
        return;
    double gain = removal - insert_cost(pl, tb, s);
    if (tb->room >= it->weight_g && gain > best->gain)
        *best = (move){b, SIZE_MAX, gain};
    for (size_t q = 0; q < tb->n; q++) {
        size_t j = tb->stop[q];
        const plan_item *jt = &pl->items[j];
        if (jt->vehicle >= 0 || ta->room + it->weight_g < jt->weight_g ||
            tb->room + jt->weight_g < it->weight_g || plan_barred(pl, j, a))
            continue;
        gain = -replace_cost(pl, ta, pl->pos[i], jt->point + 1) - replace_cost(pl, tb, q + 1, s);
        if (gain > best->gain)
            *best = (move){b, j, gain};
    }
}

/* The most promising move of item i, by cheap insertion estimates, to a round that
 * serves one of its nearest sites or to the first empty vehicle that can take it,
 * alone or swapped with a free item of that round. */
static move best_move(const planner *pl, const plan_tour *tours, size_t i, size_t *seen)
{
    int a = pl->where[i];
    size_t p = pl->pos[i], s = pl->items[i].point + 1;
    size_t pa = tour_site(pl, &tours[a], p - 1), na = tour_site(pl, &tours[a], p + 1);
    double removal = plan_dist(pl, pa, s) + plan_dist(pl, s, na) - plan_dist(pl, pa, na);
    move best = {-1, SIZE_MAX, 0};
    for (size_t b = 0; b < pl->nv; b++)
        if (tours[b].n == 0 && tours[b].room >= pl->items[i].weight_g) {
            try_round(pl, tours, i, removal, (int)b, &best);
            break;
        }
    const size_t *near = pl->near + s * NEAR;
    for (size_t k = 0; k < NEAR && near[k]; k++)
        for (size_t j = pl->first_item[near[k] - 1];
             j < pl->nitems && pl->items[j].point == near[k] - 1; j++) {
            int b = pl->where[j];
            if (b >= 0 && b != a && seen[b] != i + 1)
                try_round(pl, tours, i, removal, b, &best);
            if (b >= 0)
                seen[b] = i + 1;
        }
    return best;
}

static void transfer(planner *pl, plan_tour *from, plan_tour *to, size_t i)
{
    size_t p = pl->pos[i];
    memmove(from->stop + p - 1, from->stop + p, (from->n - p) * sizeof *from->stop);
    from->n--;
    to->stop[to->n++] = i;
    from->room += pl->items[i].weight_g;
    to->room -= pl->items[i].weight_g;
}

/* Make the move if the two rounds, rerouted from scratch, are really shorter. */
static bool try_move(planner *pl, plan_tour *tours, size_t i, move mv, size_t *save)
{
    int a = pl->where[i], b = mv.to;
    plan_tour *ta = &tours[a], *tb = &tours[b], old_a = *ta, old_b = *tb;
    memcpy(save, ta->stop, ta->n * sizeof *save);
    memcpy(save + pl->nitems, tb->stop, tb->n * sizeof *save);
    transfer(pl, ta, tb, i);
    if (mv.with != SIZE_MAX)
        transfer(pl, tb, ta, mv.with); /* its position is unchanged by an append */
    route_tour(pl, ta, a);
    route_tour(pl, tb, b);
    if (ta->km + tb->km < old_a.km + old_b.km - PLAN_GAIN_EPS)
        return true;
    *ta = old_a;
    *tb = old_b;
    memcpy(ta->stop, save, ta->n * sizeof *save);
    memcpy(tb->stop, save + pl->nitems, tb->n * sizeof *save);
    locate(pl, ta, a);
    locate(pl, tb, b);
    return false;
}

/* Moves and swaps change the room left in each vehicle, so an item the chosen
 * candidate left out may fit now: put it where it adds the fewest km. */
static void place_left_out(planner *pl, plan_tour *tours)
{
    for (size_t jj = 0; jj < pl->nloose; jj++) {
        size_t i = pl->loose[jj], s = pl->items[i].point + 1;
        if (pl->where[i] >= 0)
            continue;
        int best = -1;
        double best_cost = 0;
        for (size_t b = 0; b < pl->nv; b++) {
            if (tours[b].room < pl->items[i].weight_g || plan_barred(pl, i, (int)b))
                continue;
            double cost = insert_cost(pl, &tours[b], s);
            if (best < 0 || cost < best_cost) {
                best = (int)b;
                best_cost = cost;
            }
        }
        if (best < 0)
            continue;
        tours[best].stop[tours[best].n++] = i;
        tours[best].room -= pl->items[i].weight_g;
        route_tour(pl, &tours[best], best);
    }
}

void plan_search(planner *pl, plan_tour *tours)
{
    size_t *save = arena_alloc(pl->tmp, 2 * pl->nitems * sizeof *save);
    size_t *seen = arena_alloc(pl->tmp, pl->nv * sizeof *seen);
    pl->near = nearest_sites(pl);
    pl->first_item = arena_alloc(pl->tmp, pl->np * sizeof *pl->first_item);
    for (size_t i = 0; i < pl->np; i++)
        pl->first_item[i] = SIZE_MAX;
    for (size_t j = pl->nitems; j-- > 0;)
        pl->first_item[pl->items[j].point] = j;
    pl->work += 2.0 * (double)pl->np * (double)pl->np;
    for (int pass = 0; pass < SEARCH_PASSES; pass++) {
        bool moved = false;
        for (size_t jj = 0; jj < pl->nloose && pl->work < SEARCH_BUDGET; jj++) {
            size_t i = pl->loose[jj];
            if (pl->where[i] < 0)
                continue;
            move mv = best_move(pl, tours, i, seen);
            pl->work += 8.0 * NEAR * (double)(pl->nitems / (pl->nv ? pl->nv : 1) + 2);
            if (mv.to >= 0 && mv.gain > PLAN_GAIN_EPS && try_move(pl, tours, i, mv, save))
                moved = true;
        }
        if (!moved)
            break;
    }
    place_left_out(pl, tours);
}

/* ---- Result ---------------------------------------------------------------- */

static int arrival(const plan_vehicle *v, double km, size_t stops_before)
{
    return v->depart_min + (int)lround(km * 60.0 / v->speed_kmh) +
           v->stop_minutes * (int)stops_before;
}

static void emit_round(const planner *pl, const plan_tour *t, size_t v, const int *part,
                       const int *parts, arena *mem, plan_round *r)
{
    const plan_vehicle *veh = pl->veh[v];
    r->vehicle_id = veh->id;
    r->nstops = t->n;
    r->stops = arena_alloc(mem, t->n * sizeof *r->stops);
    double km = 0;
    size_t here = 0;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = t->stop[k];
        const plan_item *it = &pl->items[i];
        const plan_point *p = pl->pts[it->point];
        int64_t *ids = arena_alloc(mem, it->n * sizeof *ids);
        for (size_t o = 0; o < it->n; o++)
            ids[o] = pl->ord[it->point][it->first + o].order_id;
        double leg = plan_dist(pl, here, it->point + 1);
        km += leg;
        here = it->point + 1;
        int eta = arrival(veh, km, k);
        r->stops[k] = (plan_stop){.point_id = p->id,
                                  .part = part[i],
                                  .parts = parts[i],
                                  .weight_g = it->weight_g,
                                  .norders = it->n,
                                  .order_ids = ids,
                                  .eta_min = eta,
                                  .late = p->close_min >= 0 && eta > p->close_min,
                                  .leg_km = leg};
        r->load_g += it->weight_g;
    }
    r->km = km + plan_dist(pl, here, 0);
    r->return_min = arrival(veh, r->km, t->n);
}

int plan_emit(planner *pl, const plan_tour *tours, arena *mem, plan_result *out)
{
    size_t n = pl->nitems;
    int *part = arena_alloc(pl->tmp, n * sizeof *part),
        *parts = arena_alloc(pl->tmp, n * sizeof *parts);
    for (size_t a = 0, b; a < n; a = b) {
        int count = 0;
        for (b = a; b < n && pl->items[b].point == pl->items[a].point; b++) {
            if (pl->where[b] >= 0)
                part[b] = ++count;
            else {
                pl->left[pl->items[b].point] = true;
                pl->left_g += pl->items[b].weight_g;
            }
        }
        for (size_t k = a; k < b; k++)
            parts[k] = count;
    }
    for (size_t v = 0; v < pl->nv; v++)
        out->nrounds += tours[v].n > 0;
    out->rounds = arena_alloc(mem, out->nrounds * sizeof *out->rounds);
    for (size_t v = 0, r = 0; v < pl->nv; v++) {
        if (tours[v].n == 0)
            continue;
        emit_round(pl, &tours[v], v, part, parts, mem, &out->rounds[r]);
        out->km += out->rounds[r++].km;
    }
    for (size_t i = 0; i < pl->np; i++)
        out->nleft += pl->left[i];
    out->left_points = arena_alloc(mem, out->nleft * sizeof *out->left_points);
    for (size_t i = 0, k = 0; i < pl->np; i++)
        if (pl->left[i])
            out->left_points[k++] = pl->pts[i]->id;
    out->overflow_g = pl->left_g;
    return out->nleft ? PLAN_INFEASIBLE : PLAN_OK;
}
