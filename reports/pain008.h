/*
 * reports/pain008.h — a SEPA Core direct debit initiation file (ISO 20022 pain.008,
 * versions .001.02 and .001.08) that a hub uploads to its bank.
 *
 * One group header, then one payment information block per sequence type (FRST for a
 * mandate's first collection, RCUR after), each with the creditor (name, IBAN, BIC or
 * NOTPROVIDED, its SEPA creditor identifier) and the debits: end-to-end id, amount,
 * mandate reference and signature date, debtor's bank (BIC or NOTPROVIDED), name and
 * IBAN, and what it pays for. Names and texts are written in the SEPA character set
 * (core/bank_id.h sepa_text). Tests validate every file against the official XSD.
 */
#ifndef KM0_PAIN008_H
#define KM0_PAIN008_H

#include "../core/buf.h"
#include "../core/sepa.h"

/* The file into out (UTF-8 XML). 0, or -1 when libxml2 could not write it. */
int rpt_pain008(const sepa_batch_doc *b, buf *out);
/* "pain.008.001.02" / "pain.008.001.08" */
const char *rpt_pain008_name(int version);

#endif
