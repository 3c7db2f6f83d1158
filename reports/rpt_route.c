/*
 * reports/rpt_route.c — the route sheet: each round's stops in driving order.
 *
 *   <round id seq vehicle vehicle-name departs-at returns-at distance-m load-g
 *          capacity-g stops bags>
 *     <stop id seq part parts eta late leg-m cumulative-m load-g bags first-bag last-bag>
 *       <pickup-point slug name address opening/>
 *     </stop>
 *     <return leg-m cumulative-m at/>
 *   </round>
 *
 * Bags are numbered along the stops, so a stop's bags are the range
 * first-bag..last-bag. The loading order (last stop loaded first) is the stops
 * reversed; the stylesheets print it, the document does not repeat it.
 */
#include "report_int.h"

static const char *const cols[] = {
    "round_id",   "round_seq",   "vehicle",        "vehicle_name", "departs_at",
    "returns_at", "distance_m",  "round_load_g",   "capacity_g",   "stop_id",
    "stop_seq",   "part",        "parts",          "eta",          "late",
    "leg_m",      "load_g",      "bags",           "first_bag",    "last_bag",
    "pickup",     "pickup_name", "pickup_address", "opening",      NULL};
enum {
    C_ROUND,
    C_ROUND_SEQ,
    C_VEHICLE,
    C_VEHICLE_NAME,
    C_DEPARTS,
    C_RETURNS,
    C_DISTANCE,
    C_ROUND_LOAD,
    C_CAPACITY,
    C_STOP,
    C_STOP_SEQ,
    C_PART,
    C_PARTS,
    C_ETA,
    C_LATE,
    C_LEG,
    C_LOAD,
    C_BAGS,
    C_FIRST_BAG,
    C_LAST_BAG,
    C_PICKUP,
    C_PICKUP_NAME,
    C_PICKUP_ADDRESS,
    C_OPENING
};

static void write_round(rpt_ctx *ctx, const rpt_cols *c, int from, int to)
{
    int64_t bags = 0;
    for (int i = from; i < to; i++)
        bags += rpt_i(c, i, C_BAGS);
    rpt_xml_start(ctx, "round");
    rpt_xml_attr(ctx, "id", rpt_v(c, from, C_ROUND));
    rpt_xml_attr(ctx, "seq", rpt_v(c, from, C_ROUND_SEQ));
    rpt_xml_attr(ctx, "vehicle", rpt_v(c, from, C_VEHICLE));
    rpt_xml_attr(ctx, "vehicle-name", rpt_v(c, from, C_VEHICLE_NAME));
    rpt_xml_attr(ctx, "departs-at", rpt_v(c, from, C_DEPARTS));
    rpt_xml_attr(ctx, "returns-at", rpt_v(c, from, C_RETURNS));
    rpt_xml_attr(ctx, "distance-m", rpt_v(c, from, C_DISTANCE));
    rpt_xml_attr(ctx, "load-g", rpt_v(c, from, C_ROUND_LOAD));
    rpt_xml_attr(ctx, "capacity-g", rpt_v(c, from, C_CAPACITY));
    rpt_xml_attr_int(ctx, "stops", to - from);
    rpt_xml_attr_int(ctx, "bags", bags);
    int64_t cumulative = 0;
    for (int i = from; i < to; i++) {
        cumulative += rpt_i(c, i, C_LEG);
        rpt_xml_start(ctx, "stop");
        rpt_xml_attr(ctx, "id", rpt_v(c, i, C_STOP));
        rpt_xml_attr(ctx, "seq", rpt_v(c, i, C_STOP_SEQ));
        rpt_xml_attr(ctx, "part", rpt_v(c, i, C_PART));
        rpt_xml_attr(ctx, "parts", rpt_v(c, i, C_PARTS));
        rpt_xml_attr(ctx, "eta", rpt_v(c, i, C_ETA));
        rpt_xml_attr_bool(ctx, "late", rpt_v(c, i, C_LATE)[0] == 't');
        rpt_xml_attr(ctx, "leg-m", rpt_v(c, i, C_LEG));
        rpt_xml_attr_int(ctx, "cumulative-m", cumulative);
        rpt_xml_attr(ctx, "load-g", rpt_v(c, i, C_LOAD));
        rpt_xml_attr(ctx, "bags", rpt_v(c, i, C_BAGS));
        if (!rpt_null(c, i, C_FIRST_BAG)) {
            rpt_xml_attr(ctx, "first-bag", rpt_v(c, i, C_FIRST_BAG));
            rpt_xml_attr(ctx, "last-bag", rpt_v(c, i, C_LAST_BAG));
        }
        rpt_xml_start(ctx, "pickup-point");
        rpt_xml_attr(ctx, "slug", rpt_v(c, i, C_PICKUP));
        rpt_xml_attr(ctx, "name", rpt_v(c, i, C_PICKUP_NAME));
        rpt_xml_attr(ctx, "address", rpt_v(c, i, C_PICKUP_ADDRESS));
        rpt_xml_attr(ctx, "opening", rpt_v(c, i, C_OPENING));
        rpt_xml_end(ctx);
        rpt_xml_end(ctx);
    }
    /* the way back to the depot: what the round's distance has beyond the legs */
    int64_t back = rpt_i(c, from, C_DISTANCE) - cumulative;
    rpt_xml_start(ctx, "return");
    rpt_xml_attr_int(ctx, "leg-m", back > 0 ? back : 0);
    rpt_xml_attr_int(ctx, "cumulative-m", cumulative + (back > 0 ? back : 0));
    rpt_xml_attr(ctx, "at", rpt_v(c, from, C_RETURNS));
    rpt_xml_end(ctx);
    rpt_xml_end(ctx);
}

db_status rpt_route(rpt_ctx *ctx)
{
    PGresult *r;
    db_status st = rpt_db_route(ctx, &r);
    if (st != DB_OK)
        return st;
    rpt_cols c;
    rpt_cols_init(&c, r, cols);
    int n = PQntuples(r);
    for (int i = 0; i < n;) {
        int end = rpt_run_end(&c, i, C_ROUND);
        write_round(ctx, &c, i, end);
        i = end;
    }
    return DB_OK;
}
