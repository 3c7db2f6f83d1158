/*
 * reports/settlement_doc.h — a settlement statement (relevé de reversement) as km0
 * XML (urn:km0:settlement:1, reports/xsd/settlement.xsd), XSL-FO or PDF through the
 * documents pipeline (reports/xsl/settlement-fo.xsl, FOP).
 */
#ifndef KM0_SETTLEMENT_DOC_H
#define KM0_SETTLEMENT_DOC_H

#include "../core/settlement.h"
#include "report.h"

typedef struct rpt_settlement_hub {
    const char *name, *siret, *address;
} rpt_settlement_hub;

/* The statement of s (with the invoices it covers) in format xml, fo or pdf, in
 * lang "fr" or "en"; the XML is checked against its XSD first. 0, or -1 with err. */
int rpt_settlement_render(const rpt_settlement_hub *hub, const settlement *s,
                          const settlement_invoice *inv, size_t ninv, rpt_format f,
                          const char *lang, buf *out, rpt_error *err);

/* Load settlement id of hub with its hub's identity and render it (404 when the hub
 * has no such settlement, or producer > 0 and it is another producer's). */
int rpt_settlement_load_render(db_conn *c, int64_t hub, int64_t id, int64_t producer, rpt_format f,
                               const char *lang, buf *out, rpt_error *err);

#endif
