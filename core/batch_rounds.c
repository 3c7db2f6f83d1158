/*
 * core/batch_rounds.c — a cycle's stored rounds, as the API, the command line and
 * the desk page show them.
 *
 * One query from the cycle row down to the stops (LEFT JOINs, so a cycle without
 * rounds still answers with its state and depot), folded into rounds in C.
 * Times are formatted by PostgreSQL in Paris time, the only time zone a hub's
 * drivers and consumers use.
 */
#include "batch.h"
#include "money.h"

#include <string.h>

/* RFC 3339 with the offset as +01:00, which every parser reads (JavaScript's Date
 * does not read +01); the session's time zone is Paris (core/db.c). */
#define ISO_TS "'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM'"

DB_STMT(stored_rounds,
        "SELECT c.state, to_char(c.delivery_date, 'YYYY-MM-DD') AS delivery_date,"
        "       h.depot_lat, h.depot_lon,"
        "       r.id AS round_id, r.seq AS round_seq, v.slug AS vehicle, v.name AS vehicle_name,"
        "       to_char(r.departs_at, " ISO_TS ") AS departs_at,"
        "       to_char(r.returns_at, " ISO_TS ") AS returns_at,"
        "       to_char(r.departs_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS departs_hm,"
        "       to_char(r.returns_at AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS returns_hm,"
        "       r.distance_m, r.load_g AS round_load_g, r.capacity_g,"
        "       s.seq AS stop_seq, pp.id AS pickup_point_id, pp.slug AS pickup_point, pp.name,"
        "       pp.address, pp.opening, pp.lat, pp.lon, s.part, s.parts,"
        "       to_char(s.eta, " ISO_TS ") AS eta,"
        "       to_char(s.eta AT TIME ZONE 'Europe/Paris', 'HH24:MI') AS eta_hm,"
        "       s.late, s.leg_m, s.load_g, s.orders_count"
        "  FROM cycles c JOIN hubs h ON h.id = c.hub_id"
        "  LEFT JOIN rounds r ON r.cycle_id = c.id"
        "  LEFT JOIN vehicles v ON v.id = r.vehicle_id"
        "  LEFT JOIN round_stops s ON s.round_id = r.id"
        "  LEFT JOIN pickup_points pp ON pp.id = s.pickup_point_id"
        " WHERE c.hub_id = $1 AND c.id = $2"
        " ORDER BY r.seq, s.seq");

/* Columns are read by name: cheap at the few hundred rows a cycle's stops make. The
 * strings are copied so the result can be freed at once. */
static char *dup(arena *a, const PGresult *r, int row, const char *col)
{
    return arena_strdup(a, db_val(r, row, col));
}

static void read_round(arena *a, const PGresult *r, int row, batch_round *rd)
{
    rd->id = db_int(r, row, "round_id");
    rd->seq = (int)db_int(r, row, "round_seq");
    rd->vehicle = dup(a, r, row, "vehicle");
    rd->vehicle_name = dup(a, r, row, "vehicle_name");
    rd->departs_at = dup(a, r, row, "departs_at");
    rd->returns_at = dup(a, r, row, "returns_at");
    rd->departs_hm = dup(a, r, row, "departs_hm");
    rd->returns_hm = dup(a, r, row, "returns_hm");
    rd->distance_m = db_int(r, row, "distance_m");
    rd->return_m = rd->distance_m;
    rd->load_g = db_int(r, row, "round_load_g");
    rd->capacity_g = db_int(r, row, "capacity_g");
}

static void read_stop(arena *a, const PGresult *r, int row, batch_stop *s)
{
    s->seq = (int)db_int(r, row, "stop_seq");
    s->pickup_point_id = db_int(r, row, "pickup_point_id");
    s->pickup_point = dup(a, r, row, "pickup_point");
    s->name = dup(a, r, row, "name");
    s->address = dup(a, r, row, "address");
    s->opening = dup(a, r, row, "opening");
    s->lat = db_double(r, row, "lat");
    s->lon = db_double(r, row, "lon");
    s->part = (int)db_int(r, row, "part");
    s->parts = (int)db_int(r, row, "parts");
    s->eta = dup(a, r, row, "eta");
    s->eta_hm = dup(a, r, row, "eta_hm");
    s->late = db_bool(r, row, "late");
    s->leg_m = db_int(r, row, "leg_m");
    s->load_g = db_int(r, row, "load_g");
    s->orders = (int)db_int(r, row, "orders_count");
}

int batch_rounds(db_conn *c, arena *a, int64_t hub, int64_t cycle, batch_result *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    PGresult *r;
    int st = db_run(c, &stored_rounds, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    if (st != DB_OK)
        return st;
    int n = PQntuples(r);
    if (n == 0) {
        PQclear(r);
        return refuse(why, 404, "not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    }
    out->cycle = cycle;
    out->state = dup(a, r, 0, "state");
    out->delivery_date = dup(a, r, 0, "delivery_date");
    out->depot_lat = db_double(r, 0, "depot_lat");
    out->depot_lon = db_double(r, 0, "depot_lon");
    /* rows are stops, grouped by round: at most n rounds and n stops */
    out->rounds = arena_alloc(a, (size_t)n * sizeof *out->rounds);
    batch_stop *stops = arena_alloc(a, (size_t)n * sizeof *stops);
    size_t ns = 0;
    batch_round *rd = NULL;
    for (int i = 0; i < n; i++) {
        if (db_null(r, i, "round_id"))
            continue;
        if (!rd || rd->id != db_int(r, i, "round_id")) {
            rd = &out->rounds[out->nrounds++];
            read_round(a, r, i, rd);
            rd->stops = &stops[ns];
            out->distance_m += rd->distance_m;
            out->load_g += rd->load_g;
        }
        if (db_null(r, i, "stop_seq"))
            continue;
        batch_stop *s = &stops[ns++];
        read_stop(a, r, i, s);
        rd->nstops++;
        rd->return_m -= s->leg_m;
        out->orders += s->orders;
        out->late += s->late;
    }
    PQclear(r);
    return 0;
}

char *batch_km(char *out, int64_t metres)
{
    return dec_format(out, metres, 3, 1);
}

char *batch_kg(char *out, int64_t grams)
{
    return dec_format(out, grams, 3, 0);
}
