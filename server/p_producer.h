/*
 * server/p_producer.h — the producer page's week (server/p_producer_week.c).
 */
#ifndef KM0_P_PRODUCER_H
#define KM0_P_PRODUCER_H

#include "http.h"

#include <stdint.h>

/* "Ma semaine" and "Mes factures": for each recent cycle what was ordered from the
 * producer (live while the cycle is open) with their collection list once the
 * rounds are planned, then their latest invoices. A line saying so when reading
 * them failed; the rest of the page is still shown. */
void producer_week_sections(buf *b, http_req *req, int64_t producer, const char *slug);

#endif
