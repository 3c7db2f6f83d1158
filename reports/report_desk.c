/*
 * reports/report_desk.c — what the coordinator desk offers for a cycle: the
 * kinds of documents and the values each filter can take.
 *
 * The desk page (server/) renders a link per document and filter from this;
 * GET /api/v1/cycles/{id}/reports gives the same as JSON.
 */
#include "report_int.h"

#include <string.h>

db_status rpt_desk_load(db_conn *c, arena *a, int64_t hub_id, int64_t cycle_id, rpt_desk *out,
                        bool *found)
{
    memset(out, 0, sizeof *out);
    *found = false;
    PGresult *r;
    db_status st = rpt_db_desk(c, a, hub_id, cycle_id, &r);
    if (st != DB_OK)
        return st;
    int n = PQntuples(r);
    if (n == 0 || strcmp(db_val(r, 0, "kind"), "cycle") != 0)
        return DB_OK;
    *found = true;
    out->cycle_id = cycle_id;
    out->cycle_name = db_val(r, 0, "value");
    out->state = db_val(r, 0, "label");
    out->delivery_date = db_val(r, 0, "extra");
    out->ready = !strcmp(out->state, "batched") || !strcmp(out->state, "invoiced");
    /* at most n choices per list; the arena makes the slack free */
    out->producers = arena_alloc(a, sizeof(rpt_choice) * (size_t)n);
    out->pickups = arena_alloc(a, sizeof(rpt_choice) * (size_t)n);
    out->rounds = arena_alloc(a, sizeof(rpt_choice) * (size_t)n);
    for (int i = 1; i < n; i++) {
        const char *kind = db_val(r, i, "kind");
        rpt_choice ch = {db_val(r, i, "value"), db_val(r, i, "label")};
        if (!strcmp(kind, "producer"))
            out->producers[out->nproducers++] = ch;
        else if (!strcmp(kind, "pickup"))
            out->pickups[out->npickups++] = ch;
        else if (!strcmp(kind, "round"))
            out->rounds[out->nrounds++] = ch;
    }
    return DB_OK;
}
