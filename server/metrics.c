/*
 * server/metrics.c — Prometheus text exposition of km0's own counters.
 *
 * Counters are plain atomics in a table sized once at start-up: counting a
 * request costs a few relaxed increments and no lock.
 */
#include "metrics.h"
#include "../core/util.h"
#include "../core/archive_cache.h"
#include "../reports/report.h"
#include "http.h"
#include "render_pool.h"

#include <stdatomic.h>
#include <stdio.h>
#include <time.h>

static const int statuses[] = {200, 201, 204, 303, 304, 400, 401, 403, 404, 405,
                               409, 413, 415, 422, 429, 499, 500, 503, 0 /* other */};
#define NSTATUS (int)ARRAY_LEN(statuses)
static const double bounds_s[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                  0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
#define NBOUNDS (int)ARRAY_LEN(bounds_s)

typedef struct {
    atomic_ullong by_status[NSTATUS];
    atomic_ullong buckets[NBOUNDS + 1]; /* last = +Inf */
    atomic_ullong sum_us;
} route_stats;

static route_stats *stats; /* index 0 = unmatched, i+1 = route i */
static int nstats;
static time_t started;

void metrics_init(int nroutes)
{
    nstats = nroutes + 1;
    stats = xcalloc((size_t)nstats, sizeof *stats);
    started = time(NULL);
}

void metrics_count(int route, int status, int64_t micros)
{
    if (!stats || route + 1 >= nstats)
        return;
    route_stats *s = &stats[route + 1];
    int k = NSTATUS - 1;
    for (int i = 0; i < NSTATUS - 1; i++)
        if (statuses[i] == status)
            k = i;
    atomic_fetch_add_explicit(&s->by_status[k], 1, memory_order_relaxed);
    int b = NBOUNDS;
    for (int i = 0; i < NBOUNDS; i++)
        if ((double)micros / 1e6 <= bounds_s[i]) {
            b = i;
            break;
        }
    atomic_fetch_add_explicit(&s->buckets[b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&s->sum_us, (unsigned long long)micros, memory_order_relaxed);
}

static const char *route_label(int i)
{
    return i == 0 ? "none" : http_routes[i - 1].pattern;
}

static const char *method_label(int i)
{
    return i == 0 ? "-" : http_routes[i - 1].method;
}

void metrics_render(buf *out)
{
    buf_puts(out, "# HELP km0_http_requests_total HTTP requests answered, by route and status.\n"
                  "# TYPE km0_http_requests_total counter\n");
    for (int i = 0; stats && i < nstats; i++)
        for (int k = 0; k < NSTATUS; k++) {
            unsigned long long n = atomic_load(&stats[i].by_status[k]);
            if (!n)
                continue;
            if (statuses[k])
                buf_printf(
                    out, "km0_http_requests_total{method=\"%s\",route=\"%s\",status=\"%d\"} %llu\n",
                    method_label(i), route_label(i), statuses[k], n);
            else
                buf_printf(out,
                           "km0_http_requests_total{method=\"%s\",route=\"%s\",status=\"other\"} "
                           "%llu\n",
                           method_label(i), route_label(i), n);
        }
    buf_puts(out, "# HELP km0_http_request_duration_seconds Time from request to reply.\n"
                  "# TYPE km0_http_request_duration_seconds histogram\n");
    for (int i = 0; stats && i < nstats; i++) {
        unsigned long long cum = 0;
        for (int b = 0; b <= NBOUNDS; b++)
            cum += atomic_load(&stats[i].buckets[b]);
        if (!cum)
            continue;
        unsigned long long total = cum;
        cum = 0;
        for (int b = 0; b < NBOUNDS; b++) {
            cum += atomic_load(&stats[i].buckets[b]);
            buf_printf(
                out,
                "km0_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"} "
                "%llu\n",
                method_label(i), route_label(i), bounds_s[b], cum);
        }
        buf_printf(
            out,
            "km0_http_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} "
            "%llu\n"
            "km0_http_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n"
            "km0_http_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
            method_label(i), route_label(i), total, method_label(i), route_label(i),
            (double)atomic_load(&stats[i].sum_us) / 1e6, method_label(i), route_label(i), total);
    }
    buf_printf(out,
               "# HELP km0_render_slots FOP runs this process makes at once (render_slots).\n"
               "# TYPE km0_render_slots gauge\nkm0_render_slots %d\n"
               "# HELP km0_render_busy FOP runs going on now.\n"
               "# TYPE km0_render_busy gauge\nkm0_render_busy %d\n"
               "# HELP km0_render_queued HTTP renderings waiting for a renderer.\n"
               "# TYPE km0_render_queued gauge\nkm0_render_queued %d\n"
               "# HELP km0_archive_cache_bytes Archived invoice files kept in memory.\n"
               "# TYPE km0_archive_cache_bytes gauge\nkm0_archive_cache_bytes %zu\n",
               rpt_render_slots(), rpt_render_busy(), render_pool_queued(), archive_cache_bytes());
    buf_printf(out,
               "# HELP km0_start_time_seconds When this process started.\n"
               "# TYPE km0_start_time_seconds gauge\nkm0_start_time_seconds %lld\n",
               (long long)started);
}
