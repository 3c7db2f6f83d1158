/*
 * server/h_system.c — GET /healthz and GET /metrics.
 */
#include "../core/config.h"
#include "handlers.h"
#include "metrics.h"
#include "session.h"

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
/* Who may read them is metrics_access: "coordinator" (default: a coordinator's
 * session), "anonymous" (anyone who reaches the server: restrict it in the proxy) or
 * "off" (404). The route needs no database, so the session is only looked up here. */
static bool metrics_allowed_or_reply(http_req *req)
{
    bool fr = req->lang[0] == 'f';
    if (!strcmp(g_config.metrics_access, "anonymous"))
        return true;
    if (!strcmp(g_config.metrics_access, "off")) {
        http_reply_error(req, 404, "not_found", "There is nothing at this address.", NULL);
        return false;
    }
    if (!(req->db = db_thread_conn())) {
        http_reply_db_error(req, DB_DOWN);
        return false;
    }
    int st = session_load(req);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!req->session) {
        http_reply_error(req, 401, "unauthenticated",
                         fr ? "Connectez-vous d’abord." : "Log in first.", NULL);
        return false;
    }
    if (req->session->role != ROLE_COORDINATOR) {
        http_reply_error(req, 403, "forbidden",
                         fr ? "Votre compte n’a pas accès à cette page."
                            : "Your account may not access this.",
                         NULL);
        return false;
    }
    return true;
}

void h_metrics(http_req *req)
{
    if (!metrics_allowed_or_reply(req))
        return;
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
