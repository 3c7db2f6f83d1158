/*
 * core/batch.c — batch a closed cycle into delivery rounds, all or nothing.
 *
 * One READ COMMITTED transaction:
 *   1. the cycle row FOR UPDATE: a second batch of the same cycle waits for this
 *      one, and invoicing (which moves the state on) cannot slip in between; an
 *      open cycle whose closing time has passed is closed there and then;
 *   2. set-based reads, none per order or per stop: the active vehicles, then the
 *      cycle's pickup points with their slot on the delivery day, pinned vehicle,
 *      and the number and total weight of their orders (one GROUP BY per point,
 *      which PostgreSQL runs in parallel);
 *   3. batch_plan (core/batch_plan.h) plans from those totals and asks, in one
 *      query, for the orders one by one of only the points it may have to split;
 *   4. DELETE the previous rounds (stops and split assignments cascade), INSERT
 *      the rounds and their stops in one statement from arrays, the orders of
 *      split stops in another, and the state "batched".
 * The reads of step 2 and 3 are separate statements, so under READ COMMITTED each
 * has its own snapshot; they agree because a closed cycle's orders no longer
 * change: placing or cancelling an order needs the cycle open and takes its row
 * FOR SHARE, which our FOR UPDATE holds off. (SERIALIZABLE would give one snapshot
 * at the price of predicate locks on every order line read.)
 *
 * A refusal rolls everything back, so a cycle that does not fit keeps its
 * previous batch. The result handed back is read from the stored rows inside the
 * same transaction, which is exactly what a later GET shows.
 *
 * Slots: the planner reasons in minutes after midnight of the delivery day. A
 * stop's slot counts only when its opening day is the delivery day's: a Friday
 * pickup point served on Thursday is stocked a day early, not late. Minutes are
 * turned back into timestamps by PostgreSQL in Paris time, DST included.
 */
#include "batch.h"
#include "batch_plan.h"
#include "buf.h"
#include "log.h"
#include "plan.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

DB_STMT(lock_cycle, "SELECT c.state, to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery,"
                    "       h.depot_lat, h.depot_lon,"
                    "       (c.state = 'open' AND c.closes_at <= now()) AS close_due"
                    "  FROM cycles c JOIN hubs h ON h.id = c.hub_id"
                    " WHERE c.hub_id = $1 AND c.id = $2 FOR UPDATE OF c");
DB_STMT(load_vehicles,
        "SELECT id, capacity_g, speed_kmh, stop_minutes,"
        "       (extract(hour FROM departs) * 60 + extract(minute FROM departs))::int AS depart_min"
        "  FROM vehicles WHERE hub_id = $1 AND active ORDER BY id");
/* The cycle's pickup points with their slot on the delivery day, pinned vehicle,
 * and the number and total weight of their orders: the one query that reads every
 * order line, aggregated per point as cheaply as PostgreSQL can (in parallel).
 * An order's weight is the sum of its lines' weights, each rounded half up to the
 * gram as money_weight_g does (all terms are non-negative, so +500 then integer
 * division is that rounding). A pin to a vehicle taken off the road is ignored
 * rather than refused: the coordinator's habit yields to the van in the garage. */
DB_STMT(load_points,
        "SELECT pp.id, pp.name, pp.slug, pp.lat, pp.lon,"
        "       CASE WHEN pp.opening_dow = extract(isodow FROM c.delivery_date)"
        "             AND pp.opening_start IS NOT NULL"
        "            THEN (extract(hour FROM pp.opening_start) * 60"
        "                  + extract(minute FROM pp.opening_start))::int ELSE -1 END AS open_min,"
        "       CASE WHEN pp.opening_dow = extract(isodow FROM c.delivery_date)"
        "             AND pp.opening_end IS NOT NULL"
        "            THEN (extract(hour FROM pp.opening_end) * 60"
        "                  + extract(minute FROM pp.opening_end))::int ELSE -1 END AS close_min,"
        "       coalesce(v.id, 0) AS fixed_vehicle,"
        "       coalesce(n.orders, 0) AS orders, coalesce(w.weight_g, 0) AS weight_g"
        "  FROM cycle_pickup_points x JOIN cycles c ON c.id = x.cycle_id"
        "  JOIN pickup_points pp ON pp.id = x.pickup_point_id"
        "  LEFT JOIN pickup_point_vehicles pv ON pv.pickup_point_id = pp.id"
        "  LEFT JOIN vehicles v ON v.id = pv.vehicle_id AND v.active"
        "  LEFT JOIN (SELECT pickup_point_id, count(*) AS orders FROM orders"
        "              WHERE cycle_id = $1 GROUP BY pickup_point_id) n"
        "         ON n.pickup_point_id = pp.id"
        "  LEFT JOIN (SELECT o.pickup_point_id,"
        "                    sum((l.quantity_milli * f.weight_g + 500) / 1000)::bigint AS weight_g"
        "               FROM orders o JOIN order_lines l ON l.order_id = o.id"
        "               JOIN offers f ON f.id = l.offer_id"
        "              WHERE o.cycle_id = $1 GROUP BY o.pickup_point_id) w"
        "         ON w.pickup_point_id = pp.id"
        " WHERE x.cycle_id = $1 ORDER BY pp.id");
/* Each order of some points with its weight, for the planner to split them. */
DB_STMT(load_orders,
        "SELECT o.pickup_point_id, o.id,"
        "       coalesce(sum((l.quantity_milli * f.weight_g + 500) / 1000), 0)::bigint AS weight_g"
        "  FROM orders o"
        "  LEFT JOIN order_lines l ON l.order_id = o.id"
        "  LEFT JOIN offers f ON f.id = l.offer_id"
        " WHERE o.cycle_id = $1 AND o.pickup_point_id = ANY ($2::bigint[])"
        " GROUP BY o.id ORDER BY o.pickup_point_id, o.id");
DB_STMT(delete_rounds, "DELETE FROM rounds WHERE hub_id = $1 AND cycle_id = $2");
/* Minutes after midnight of the delivery day become timestamps in Paris time. */
DB_STMT(insert_rounds,
        "WITH r AS ("
        " INSERT INTO rounds (hub_id, cycle_id, vehicle_id, seq, departs_at, returns_at,"
        "                     distance_m, load_g, capacity_g)"
        " SELECT $1, $2, v.vehicle, v.seq,"
        "        ($3::date + make_interval(mins => v.dep)) AT TIME ZONE 'Europe/Paris',"
        "        ($3::date + make_interval(mins => v.ret)) AT TIME ZONE 'Europe/Paris',"
        "        v.dist, v.load, v.cap"
        "   FROM unnest($4::bigint[], $5::int[], $6::int[], $7::int[], $8::bigint[],"
        "               $9::bigint[], $10::bigint[]) AS v(vehicle, seq, dep, ret, dist, load, cap)"
        " RETURNING id, seq)"
        " INSERT INTO round_stops (hub_id, round_id, cycle_id, pickup_point_id, seq, part, parts,"
        "                          eta, late, leg_m, load_g, orders_count)"
        " SELECT $1, r.id, $2, s.point, s.seq, s.part, s.parts,"
        "        ($3::date + make_interval(mins => s.eta)) AT TIME ZONE 'Europe/Paris',"
        "        s.late <> 0, s.leg, s.load, s.n"
        "   FROM unnest($11::int[], $12::bigint[], $13::int[], $14::int[], $15::int[], $16::int[],"
        "               $17::int[], $18::bigint[], $19::bigint[], $20::int[])"
        "        AS s(round_seq, point, seq, part, parts, eta, late, leg, load, n)"
        "   JOIN r ON r.seq = s.round_seq");
/* Only the orders of split stops are listed: an unsplit stop takes all its pickup
 * point's orders (the order_stops view resolves both). */
DB_STMT(insert_split_orders,
        "INSERT INTO round_stop_orders (hub_id, stop_id, order_id)"
        " SELECT $1, s.id, v.order_id"
        "   FROM unnest($3::bigint[], $4::int[], $5::bigint[]) AS v(point, part, order_id)"
        "   JOIN round_stops s ON s.cycle_id = $2 AND s.pickup_point_id = v.point"
        "    AND s.part = v.part");
DB_STMT(mark_closed, "UPDATE cycles SET state = 'closed' WHERE id = $1");
DB_STMT(mark_batched, "UPDATE cycles SET state = 'batched' WHERE id = $1");

typedef struct {
    arena *a;
    db_conn *c;
    int64_t hub, cycle;
    batch_result *out;
    refusal *why;
    const char *delivery;
    plan_depot depot;
    plan_vehicle *veh;
    size_t nv;
    batch_point *pts;            /* ascending id */
    const char **names, **slugs; /* per point */
    size_t np;
    size_t norders;  /* in the cycle */
    size_t detailed; /* of those, loaded one by one for the planner to split */
    bool closed_now; /* the cycle was open past its closing time: this batch closed it */
    int64_t load_us, detail_us, plan_us, write_us;
} batch_ctx;

static int col(const PGresult *r, const char *name)
{
    int f = PQfnumber(r, name);
    if (f < 0)
        die("no column %s in result", name);
    return f;
}

static int load_vehicles_into(db_conn *c, batch_ctx *x, const char *hub)
{
    PGresult *r;
    int st = db_run_a(c, x->a, &load_vehicles, &r, DB_P(hub));
    if (st != DB_OK)
        return st;
    x->nv = (size_t)PQntuples(r);
    x->veh = arena_alloc(x->a, (x->nv + 1) * sizeof *x->veh);
    for (size_t k = 0; k < x->nv; k++) {
        int i = (int)k;
        x->veh[k] = (plan_vehicle){
            db_int(r, i, "id"), db_int(r, i, "capacity_g"), (int)db_int(r, i, "speed_kmh"),
            (int)db_int(r, i, "stop_minutes"), (int)db_int(r, i, "depart_min")};
    }
    return 0;
}

static int load_points_into(db_conn *c, batch_ctx *x, const char *cycle)
{
    PGresult *r;
    int st = db_run_a(c, x->a, &load_points, &r, DB_P(cycle));
    if (st != DB_OK)
        return st;
    x->np = (size_t)PQntuples(r);
    x->pts = arena_alloc(x->a, (x->np + 1) * sizeof *x->pts);
    x->names = arena_alloc(x->a, (x->np + 1) * sizeof *x->names);
    x->slugs = arena_alloc(x->a, (x->np + 1) * sizeof *x->slugs);
    x->norders = 0;
    for (size_t k = 0; k < x->np; k++) {
        int i = (int)k;
        batch_point *p = &x->pts[k];
        p->plan = (plan_point){.id = db_int(r, i, "id"),
                               .lat = db_double(r, i, "lat"),
                               .lon = db_double(r, i, "lon"),
                               .open_min = (int)db_int(r, i, "open_min"),
                               .close_min = (int)db_int(r, i, "close_min"),
                               .fixed_vehicle = db_int(r, i, "fixed_vehicle")};
        p->weight_g = db_int(r, i, "weight_g");
        p->norders = (size_t)db_int(r, i, "orders");
        x->norders += p->norders;
        x->names[k] = db_val(r, i, "name");
        x->slugs[k] = db_val(r, i, "slug");
    }
    return 0;
}

/* batch_detail_fn: the orders of the points the planner may have to split, one
 * query for all of them. Rows come sorted by point and order id, the order
 * plan_make wants; columns are resolved once, as there may be many rows. */
static int load_orders_of(void *ctx, batch_point *pts, const size_t *idx, size_t n)
{
    batch_ctx *x = ctx;
    int64_t t0 = now_us();
    int64_t *ids = arena_alloc(x->a, n * sizeof *ids);
    for (size_t k = 0; k < n; k++)
        ids[k] = pts[idx[k]].plan.id;
    PGresult *r;
    int st = db_run_a(x->c, x->a, &load_orders, &r,
                      DB_P(db_i64(x->a, x->cycle), db_int_array(x->a, ids, n)));
    if (st != DB_OK)
        return st;
    size_t rows = (size_t)PQntuples(r);
    int fp = col(r, "pickup_point_id"), fo = col(r, "id"), fw = col(r, "weight_g");
    plan_order *ord = arena_alloc(x->a, (rows + 1) * sizeof *ord);
    for (size_t k = 0; k < n; k++) {
        pts[idx[k]].plan.orders = ord;
        pts[idx[k]].plan.norders = 0;
        pts[idx[k]].detailed = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < rows; i++) {
        int row = (int)i;
        int64_t point = strtoll(PQgetvalue(r, row, fp), NULL, 10);
        while (k < x->np && x->pts[k].plan.id < point)
            k++;
        if (k == x->np || x->pts[k].plan.id != point) /* the query asks for these points only */
            die("batch: order %s of a point not asked for", PQgetvalue(r, row, fo));
        ord[i] = (plan_order){strtoll(PQgetvalue(r, row, fo), NULL, 10),
                              strtoll(PQgetvalue(r, row, fw), NULL, 10)};
        if (x->pts[k].plan.norders == 0)
            x->pts[k].plan.orders = &ord[i];
        x->pts[k].plan.norders++;
    }
    x->detailed += rows;
    x->detail_us += now_us() - t0;
    return 0;
}

/* "12.5" as the French write it: "12,5". */
static char *kg_fr(char *s)
{
    char *dot = strchr(s, '.');
    if (dot)
        *dot = ',';
    return s;
}

static int refuse_infeasible(batch_ctx *x, const plan_result *p)
{
    buf names = BUF_INIT;
    refusal_detail *d = arena_alloc(x->a, (p->nleft + 1) * sizeof *d);
    for (size_t i = 0; i < p->nleft; i++) {
        size_t k = 0;
        while (k < x->np && x->pts[k].plan.id != p->left_points[i])
            k++;
        const char *name = k < x->np ? x->names[k] : "?";
        buf_printf(&names, "%s%s", i ? ", " : "", name);
        d[i] = (refusal_detail){"left_over", k < x->np ? x->slugs[k] : NULL, name, name};
    }
    char en[32], fr[32];
    batch_kg(en, p->overflow_g);
    kg_fr(batch_kg(fr, p->overflow_g));
    refuse(x->why, 409, "cycle_does_not_fit", "cycle",
           arena_printf(x->a,
                        "Les commandes ne tiennent pas dans les véhicules : %s kg de trop. "
                        "Points de retrait laissés de côté : %s.",
                        fr, buf_str(&names)),
           arena_printf(x->a,
                        "The orders do not fit in the vehicles: %s kg too many. "
                        "Pickup points left over: %s.",
                        en, buf_str(&names)));
    x->why->details = d;
    x->why->ndetails = p->nleft;
    buf_free(&names);
    return 1;
}

static int64_t metres(double km)
{
    return llround(km * 1000.0);
}

/* A vehicle of the plan: one the plan was given, so it is always found. */
static const plan_vehicle *vehicle_of(const batch_ctx *x, int64_t id)
{
    size_t k = 0;
    while (k + 1 < x->nv && x->veh[k].id != id)
        k++;
    return &x->veh[k];
}

/* A point of the plan, by binary search (points are in ascending id). */
static const plan_point *point_of(const batch_ctx *x, int64_t id)
{
    size_t lo = 0, hi = x->np;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x->pts[mid].plan.id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return &x->pts[lo].plan;
}

/* Columns of the rows to insert, as arrays: one statement for all rounds and
 * stops, one for all orders of split stops. */
typedef struct {
    int64_t *veh, *seq, *dep, *ret, *dist, *load, *cap;
    int64_t *s_round, *s_point, *s_seq, *s_part, *s_parts, *s_eta, *s_late, *s_leg, *s_load, *s_n;
    int64_t *o_point, *o_part, *o_id;
    size_t nr, ns, no;
} rows;

static void fill_rows(const batch_ctx *x, const plan_result *p, rows *w)
{
    arena *a = x->a;
    size_t nr = p->nrounds, ns = 0, no = 0;
    for (size_t i = 0; i < nr; i++) {
        ns += p->rounds[i].nstops;
        for (size_t k = 0; k < p->rounds[i].nstops; k++)
            no += p->rounds[i].stops[k].parts > 1 ? p->rounds[i].stops[k].norders : 0;
    }
    int64_t **cols[] = {&w->veh, &w->seq, &w->dep, &w->ret, &w->dist, &w->load, &w->cap};
    for (size_t k = 0; k < ARRAY_LEN(cols); k++)
        *cols[k] = arena_alloc(a, (nr + 1) * sizeof(int64_t));
    int64_t **scols[] = {&w->s_round, &w->s_point, &w->s_seq, &w->s_part, &w->s_parts,
                         &w->s_eta,   &w->s_late,  &w->s_leg, &w->s_load, &w->s_n};
    for (size_t k = 0; k < ARRAY_LEN(scols); k++)
        *scols[k] = arena_alloc(a, (ns + 1) * sizeof(int64_t));
    int64_t **ocols[] = {&w->o_point, &w->o_part, &w->o_id};
    for (size_t k = 0; k < ARRAY_LEN(ocols); k++)
        *ocols[k] = arena_alloc(a, (no + 1) * sizeof(int64_t));
    w->nr = nr;
    w->ns = w->no = 0;
    for (size_t i = 0; i < nr; i++) {
        const plan_round *rd = &p->rounds[i];
        /* distance_m is the sum of the stored legs and the return leg, so the
         * figures a driver adds up agree to the metre */
        int64_t dist = 0;
        for (size_t k = 0; k < rd->nstops; k++) {
            const plan_stop *s = &rd->stops[k];
            size_t j = w->ns++;
            w->s_round[j] = (int64_t)i + 1;
            w->s_point[j] = s->point_id;
            w->s_seq[j] = (int64_t)k + 1;
            w->s_part[j] = s->part;
            w->s_parts[j] = s->parts;
            w->s_eta[j] = s->eta_min;
            w->s_late[j] = s->late;
            w->s_leg[j] = metres(s->leg_km);
            w->s_load[j] = s->weight_g;
            w->s_n[j] = (int64_t)s->norders;
            dist += w->s_leg[j];
            for (size_t o = 0; s->parts > 1 && o < s->norders; o++) {
                w->o_point[w->no] = s->point_id;
                w->o_part[w->no] = s->part;
                w->o_id[w->no++] = s->order_ids[o];
            }
        }
        const plan_point *last = point_of(x, rd->stops[rd->nstops - 1].point_id);
        dist += metres(plan_distance_km(last->lat, last->lon, x->depot.lat, x->depot.lon));
        const plan_vehicle *v = vehicle_of(x, rd->vehicle_id);
        w->veh[i] = rd->vehicle_id;
        w->seq[i] = (int64_t)i + 1;
        w->dep[i] = v->depart_min;
        w->ret[i] = rd->return_min;
        w->dist[i] = dist;
        w->load[i] = rd->load_g;
        w->cap[i] = v->capacity_g;
    }
}

static int store(db_conn *c, batch_ctx *x, const plan_result *p, const char *hub, const char *cycle)
{
    rows w;
    fill_rows(x, p, &w);
    arena *a = x->a;
#define ARR(col, n) db_int_array(a, w.col, w.n)
    int st = db_do(c, &delete_rounds, DB_P(hub, cycle));
    if (st == DB_OK && w.nr > 0)
        st = db_do(c, &insert_rounds,
                   DB_P(hub, cycle, x->delivery, ARR(veh, nr), ARR(seq, nr), ARR(dep, nr),
                        ARR(ret, nr), ARR(dist, nr), ARR(load, nr), ARR(cap, nr), ARR(s_round, ns),
                        ARR(s_point, ns), ARR(s_seq, ns), ARR(s_part, ns), ARR(s_parts, ns),
                        ARR(s_eta, ns), ARR(s_late, ns), ARR(s_leg, ns), ARR(s_load, ns),
                        ARR(s_n, ns)));
    if (st == DB_OK && w.no > 0)
        st = db_do(c, &insert_split_orders,
                   DB_P(hub, cycle, ARR(o_point, no), ARR(o_part, no), ARR(o_id, no)));
#undef ARR
    if (st == DB_OK)
        st = db_do(c, &mark_batched, DB_P(cycle));
    return st;
}

static int check_state(batch_ctx *x, const char *state)
{
    if (!strcmp(state, "closed") || !strcmp(state, "batched"))
        return 0;
    if (!strcmp(state, "invoiced"))
        return refuse(x->why, 409, "cycle_invoiced", "cycle",
                      "Les factures de ce cycle sont émises : ses tournées ne changent plus.",
                      "This cycle's invoices are issued: its rounds can no longer change.");
    return refuse(x->why, 409, "cycle_not_closed", "cycle",
                  arena_printf(x->a,
                               "Seul un cycle clos se répartit en tournées (celui-ci est « %s ») : "
                               "fermez-le d’abord.",
                               state),
                  arena_printf(x->a,
                               "Only a closed cycle can be batched into rounds (this one is "
                               "\"%s\"): close it first.",
                               state));
}

static int batch_tx(db_conn *c, void *p)
{
    batch_ctx *x = p;
    int64_t t0 = now_us();
    char *hub = db_i64(x->a, x->hub), *cycle = db_i64(x->a, x->cycle);
    PGresult *r;
    int st = db_run_a(c, x->a, &lock_cycle, &r, DB_P(hub, cycle));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    /* Open past its closing time: the timer has not come round yet. Close it here,
     * under our lock, rather than refuse what is closed in all but name; orders
     * already stop at closes_at (order_put checks the window itself). */
    x->closed_now = db_bool(r, 0, "close_due");
    if (x->closed_now && (st = db_do(c, &mark_closed, DB_P(cycle))) != DB_OK)
        return st;
    if (!x->closed_now && (st = check_state(x, db_val(r, 0, "state"))) != 0)
        return st;
    x->delivery = db_val(r, 0, "delivery");
    x->depot = (plan_depot){db_double(r, 0, "depot_lat"), db_double(r, 0, "depot_lon")};
    if ((st = load_vehicles_into(c, x, hub)) != 0 || (st = load_points_into(c, x, cycle)) != 0)
        return st;
    int64_t t1 = now_us();
    plan_result plan;
    int ps;
    x->c = c;
    x->detailed = 0;
    x->detail_us = 0;
    if ((st = batch_plan(&x->depot, x->veh, x->nv, x->pts, x->np, load_orders_of, x, x->a, &plan,
                         &ps)) != 0)
        return st;
    int64_t t2 = now_us();
    x->load_us = t1 - t0;
    x->plan_us = t2 - t1 - x->detail_us;
    if (ps == PLAN_INFEASIBLE)
        return refuse_infeasible(x, &plan);
    if (ps == PLAN_INVALID)
        return refuse(
            x->why, 409, "cycle_not_plannable", "cycle",
            arena_printf(x->a, "Les tournées ne peuvent pas être calculées : %s.", plan.error),
            arena_printf(x->a, "The rounds cannot be planned: %s.", plan.error));
    if ((st = store(c, x, &plan, hub, cycle)) != DB_OK)
        return st;
    st = batch_rounds(c, x->a, x->hub, x->cycle, x->out, x->why);
    x->write_us = now_us() - t2;
    return st;
}

int batch_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, batch_result *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    batch_ctx x = {.a = a, .hub = hub, .cycle = cycle, .out = out, .why = why};
    int64_t t0 = now_us();
    int st = db_transaction(c, false, batch_tx, &x);
    if (st == 0 && x.closed_now)
        log_event(LOG_INFO, "cycle.state", "cycle=%lld state=closed by=batch", (long long)cycle);
    if (st == 0)
        log_event(LOG_INFO, "batch.done",
                  "cycle=%lld orders=%zu detailed=%zu points=%zu vehicles=%zu rounds=%zu km=%.1f "
                  "load_ms=%.1f detail_ms=%.1f plan_ms=%.1f write_ms=%.1f total_ms=%.1f",
                  (long long)cycle, x.norders, x.detailed, x.np, x.nv, out->nrounds,
                  (double)out->distance_m / 1000.0, (double)x.load_us / 1000.0,
                  (double)x.detail_us / 1000.0, (double)x.plan_us / 1000.0,
                  (double)x.write_us / 1000.0, (double)(now_us() - t0) / 1000.0);
    else if (st > 0)
        log_event(LOG_INFO, "batch.refused", "cycle=%lld code=%s", (long long)cycle, why->code);
    return st;
}
