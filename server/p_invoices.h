/*
 * server/p_invoices.h — the invoice parts of the desk's cycle page and of the
 * consumer's order page (server/p_invoices.c).
 */
#ifndef KM0_P_INVOICES_H
#define KM0_P_INVOICES_H

#include "http.h"

#include <stdint.h>

/* The desk cycle page's "Factures" section: for a batched cycle the button that
 * issues its invoices (POST /desk/cycles/{id}/invoices, CSRF-protected, back to
 * the page with ?done=invoiced); for an invoiced cycle the list of invoices
 * (number, seller, buyer, total) with links to PDF, Factur-X and CII. Writes
 * nothing for a cycle in another state. */
void desk_invoices_section(buf *b, http_req *req, int64_t cycle, const char *state);

/* The consumer's own invoices for an order (links to PDF and Factur-X);
 * nothing when there are none (yet). The buyer is the session's customer. */
void order_invoices_section(buf *b, http_req *req, int64_t order_id);

#endif
