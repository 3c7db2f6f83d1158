/*
 * reports/pain001.h — a SEPA credit transfer initiation file (ISO 20022 pain.001,
 * versions .001.03 and .001.09) paying producers their settlements (core/transfer.h).
 *
 * One group header, one payment information block (the hub's account, SEPA service
 * level, execution date, charges shared: SLEV), one transfer per producer: end-to-end
 * id, amount, the producer's bank (its BIC when known; omitted otherwise, which SEPA
 * allows), name, IBAN and what it pays. Names and texts in the SEPA character set.
 * Tests validate every file against the official XSD.
 */
#ifndef KM0_PAIN001_H
#define KM0_PAIN001_H

#include "../core/buf.h"
#include "../core/transfer.h"

/* The file into out (UTF-8 XML). 0, or -1 when libxml2 could not write it. */
int rpt_pain001(const transfer_doc *d, buf *out);
/* "pain.001.001.03" / "pain.001.001.09" */
const char *rpt_pain001_name(int version);

#endif
