/*
 * server/metrics.h — request counters and latency histograms per route.
 */
#ifndef KM0_METRICS_H
#define KM0_METRICS_H

#include "../core/buf.h"

#include <stdint.h>

void metrics_init(int nroutes);
/* route -1 = no route matched */
void metrics_count(int route, int status, int64_t micros);
void metrics_render(buf *out);

#endif
