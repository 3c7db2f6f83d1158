/*
 * core/invoice_build.h — an invoice made from what was sold: VAT categories,
 * the VAT breakdown, totals, payment terms and the French legal mentions.
 *
 * Pure functions over core/invoice.h, no database: the issuing code
 * (core/invoice_issue.c) loads what was sold, calls these, checks the result
 * with rpt_cii_check and only then stores it. The rounding is EN 16931's and
 * core/money.h's: each line net to the cent (as the order already holds it),
 * then the VAT of each category and rate on the sum of that rate's nets, so an
 * order's invoices add up to exactly what money_totals_compute showed the buyer.
 */
#ifndef KM0_INVOICE_BUILD_H
#define KM0_INVOICE_BUILD_H

#include "arena.h"
#include "invoice.h"

#include <stdbool.h>
#include <stdint.h>

#define INV_FRANCHISE_CODE "VATEX-FR-FRANCHISE"
#define INV_FRANCHISE_TEXT "TVA non applicable, art. 293 B du CGI"

typedef struct inv_terms {
    const char *number;     /* "" while not yet numbered */
    const char *issue_date; /* YYYY-MM-DD */
    const char *due_date;   /* YYYY-MM-DD, issue date + payment_days */
    int payment_days;       /* config payment_days: 0 = payable on receipt */
} inv_terms;

/* Complete an invoice (type 380) whose parties, delivery date, order reference
 * and lines (sku, description, producer, unit, quantity, unit_price, vat_rate,
 * net) are set: line numbers, UN/ECE unit codes, VAT categories (E for a seller
 * under the franchise, Z for a 0 % rate, S otherwise), the VAT breakdown,
 * totals, payment terms and one note per legal mention. Strings come from a. */
void invoice_complete(arena *a, invoice *inv, const inv_terms *t);

/* A full credit note (type 381) for orig: same parties, lines and amounts,
 * positive as EN 16931 wants them, naming orig; reason may be NULL or "". */
void invoice_credit_note(arena *a, const invoice *orig, const inv_terms *t, const char *reason,
                         invoice *out);
/* A credit note for orig giving back lines[0..n) (each naming the line it credits in
 * credits_line_no, quantity and net as given back), numbered 1..n, with its own VAT
 * breakdown and totals; full says whether it cancels the whole invoice (its note says
 * "annulant") or part of it ("partiel", naming the lines). */
void invoice_credit_note_lines(arena *a, const invoice *orig, const inv_line *lines, size_t n,
                               const inv_terms *t, const char *reason, bool full, invoice *out);

/* The number prefix of a producer's invoices: the initials of its slug's words
 * that start with a letter (at most four, upper case) followed by its id, so
 * two producers never share one: "ferme-trois-chenes", 7 -> "FTC7". */
char *invoice_producer_prefix(arena *a, const char *slug, int64_t id);

/* "2026-000123", or with a prefix "FTC7-2026-000123" (six digits at least). */
char *invoice_number(arena *a, const char *prefix, int year, int seq);

/* "13/04/2026" from "2026-04-13", as French invoices write dates. */
char *invoice_date_fr(arena *a, const char *iso);

#endif
