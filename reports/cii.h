/*
 * reports/cii.h — issued invoices as UN/CEFACT CII D16B, EN 16931 profile.
 *
 * The e-invoice of an invoice or credit note is generated from the same
 * in-memory invoice (core/invoice.h) as its PDF, so the two cannot disagree.
 * docs/einvoicing.md maps every business term (BT-n) to its element and says
 * what the issuing code must fill in for the document to pass the official
 * EN 16931 validation artefacts.
 */
#ifndef KM0_CII_H
#define KM0_CII_H

#include "buf.h"
#include "invoice.h"

/* Append inv to out as a CrossIndustryInvoice document (UTF-8, with an XML
 * declaration). Returns 0, or -1 with out unchanged when rpt_cii_check finds
 * any problem: km0 never emits an e-invoice it knows to be invalid. */
int rpt_cii_write(const invoice *inv, buf *out);

/* Check inv against the EN 16931 rules that can fail on km0's data: the
 * arithmetic (BR-CO-10 ... BR-CO-17, and per VAT category BR-S-08, BR-E-08,
 * BR-Z-08), each line net being quantity x net price rounded to the cent, the
 * VAT categories and rates (BR-S-*, BR-E-*, BR-Z-*), and the mandatory fields
 * (BR-01 ... BR-16). Appends one line per problem to problems, each starting
 * with the rule ("BR-CO-14: ..."). Returns the number of problems. */
int rpt_cii_check(const invoice *inv, buf *problems);

/* The UNTDID 4451 subject code km0 gives a free-text note: PMD for late
 * payment penalties, PMT for the fixed recovery indemnity, AAB for the
 * (absence of) discount for early payment, REG for the VAT franchise mention,
 * AAI otherwise. French practice wants each of PMD, PMT and AAB at most once:
 * *used remembers which were given (start with 0). */
const char *rpt_cii_note_subject(const char *text, unsigned *used);

#endif
