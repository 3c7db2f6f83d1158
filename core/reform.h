/*
 * core/reform.h — what the French e-invoicing reform (2026) adds to an invoice, as
 * notes the invoice stores and every export reads back.
 *
 * The nature of the operation (goods, services, or both) and the option for VAT on
 * debits (services whose VAT is due when invoiced, not when paid) are written as
 * notes of the issued invoice, so a document rendered years later says what the
 * original said; the CII writer (reports/cii.c) derives from the same notes the
 * business process (BT-23: "B1" goods, "S1" services, "M1" both) and the VAT point
 * code (BT-8 = 5, date of invoice). A producer's billing mandate (the hub invoices
 * in its name) is a note too. Pure functions, no database.
 */
#ifndef KM0_REFORM_H
#define KM0_REFORM_H

#include "arena.h"
#include "invoice.h"

#include <stdbool.h>

#define REFORM_NATURE_GOODS    "Nature de l'opération : livraison de biens."
#define REFORM_NATURE_SERVICES "Nature de l'opération : prestation de services."
#define REFORM_NATURE_BOTH     "Nature de l'opération : livraison de biens et prestation de services."
#define REFORM_VAT_ON_DEBITS   "Option pour le paiement de la taxe d'après les débits."

/* Append the notes of a commission invoice (services, VAT on debits, withheld from
 * the settlement of the sales from..to, ISO dates). */
void reform_commission_notes(arena *a, invoice *inv, const char *from, const char *to);

/* Append the notes of a sale of goods: the nature, and the billing mandate when
 * mandate_hub is not NULL (the hub's name, the mandate's ISO date signed_on). */
void reform_sale_notes(arena *a, invoice *inv, const char *mandate_hub, const char *signed_on);

/* Same, with the nature given: 'B' goods, 'S' services (the hub's fee per order on an
 * invoice of its own), 'M' both (the fee on the hub's invoice of goods). */
void reform_sale_notes_nature(arena *a, invoice *inv, char nature, const char *mandate_hub,
                              const char *signed_on);

/* From the notes: 'B', 'S', 'M', or 0 when the invoice predates the notes. */
char reform_nature(const invoice *inv);
/* BT-23 for the nature: "B1", "S1", "M1", or NULL. */
const char *reform_business_process(const invoice *inv);
bool reform_vat_on_debits(const invoice *inv);

#endif
