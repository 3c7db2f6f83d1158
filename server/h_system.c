/*
 * server/h_system.c — GET /healthz and GET /metrics.
 */
#include "handlers.h"
#include "metrics.h"

#include <stdio.h>
#include <string.h>

DB_STMT(ping, "SELECT 1");

/* GET /healthz — 200 when the database answers, 503 otherwise. */
void h_healthz(http_req *req)
{
    if (!req->db) {
        http_reply_json_text(req, 503, "{\"status\":\"unavailable\",\"database\":\"down\"}");
        return;
    }
    PGresult *r;
    if (db_run(req->db, &ping, &r, DB_NOPARAMS) != DB_OK) {
        http_reply_json_text(req, 503, "{\"status\":\"unavailable\",\"database\":\"down\"}");
        return;
    }
    PQclear(r);
    http_reply_json_text(req, 200, "{\"status\":\"ok\",\"database\":\"ok\"}");
}

static long resident_bytes(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, rss = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
            rss = 0;
        fclose(f);
    }
    return rss * 4096L;
}

/* GET /metrics — Prometheus text format. */
void h_metrics(http_req *req)
{
    buf b = BUF_INIT;
    metrics_render(&b);
    buf_printf(&b,
               "# HELP km0_process_resident_memory_bytes Resident set size.\n"
               "# TYPE km0_process_resident_memory_bytes gauge\n"
               "km0_process_resident_memory_bytes %ld\n",
               resident_bytes());
    http_reply_text(req, 200, "text/plain; version=0.0.4; charset=utf-8", buf_str(&b));
    buf_free(&b);
}
