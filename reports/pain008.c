/*
 * reports/pain008.c — writing pain.008 (SEPA Core direct debit initiation) with
 * libxml2's xmlTextWriter, in the order the schemas declare the elements.
 *
 * The two versions differ here only where a bank is named: .001.02 writes <BIC>,
 * .001.08 <BICFI>; both say <Othr><Id>NOTPROVIDED</Id></Othr> when the BIC is not
 * known (an IBAN-only SEPA payment).
 *
 * A payment information block (<PmtInf>) has one sequence type and one requested
 * collection date: debits are grouped by both, FRST first, dates in order. The block at
 * the batch's own date is "<message id>-FRST" or "-RCUR" (what bank statements name);
 * one at another date (a contract instalment collected on its due date) adds that date.
 * What pain.001 writes alike (the document, the group header, the opening of a block,
 * the parties, accounts and banks) is reports/sepa_xml.c's.
 */
#include "pain008.h"
#include "sepa_xml.h"

#include <stdio.h>
#include <string.h>

const char *rpt_pain008_name(int version)
{
    return version == 8 ? "pain.008.001.08" : "pain.008.001.02";
}

/* The collection date of a debit: its own, or the batch's. */
static const char *date_of(const sepa_batch_doc *b, const sepa_debit_doc *d)
{
    return d->collect_on && *d->collect_on ? d->collect_on : b->collect_on;
}

static bool in_block(const sepa_batch_doc *b, const sepa_debit_doc *d, bool first, const char *date)
{
    return d->first == first && !strcmp(date_of(b, d), date);
}

static void block(xmlTextWriterPtr w, const sepa_batch_doc *b, bool first, const char *date)
{
    size_t n = 0;
    cents_t sum = 0;
    for (size_t i = 0; i < b->n; i++)
        if (in_block(b, &b->debits[i], first, date)) {
            n++;
            sum += b->debits[i].amount;
        }
    if (n == 0)
        return;
    char id[64];
    if (!strcmp(date, b->collect_on))
        snprintf(id, sizeof id, "%s-%s", b->message_id, first ? "FRST" : "RCUR");
    else
        snprintf(id, sizeof id, "%s-%s-%.4s%.2s%.2s", b->message_id, first ? "FRST" : "RCUR", date,
                 date + 5, date + 8);
    bool bicfi = b->version == 8;
    sepa_xml_payment_info(w, id, "DD", n, sum, "CORE", first ? "FRST" : "RCUR");
    sepa_xml_el(w, "ReqdColltnDt", date);
    sepa_xml_party(w, "Cdtr", b->creditor);
    sepa_xml_account(w, "CdtrAcct", b->creditor_iban);
    sepa_xml_agent(w, "CdtrAgt", bicfi, b->creditor_bic);
    sepa_xml_el(w, "ChrgBr", "SLEV");
    sepa_xml_start(w, "CdtrSchmeId");
    sepa_xml_start(w, "Id");
    sepa_xml_start(w, "PrvtId");
    sepa_xml_start(w, "Othr");
    sepa_xml_el(w, "Id", b->creditor_id);
    sepa_xml_start(w, "SchmeNm");
    sepa_xml_el(w, "Prtry", "SEPA");
    sepa_xml_end(w);
    sepa_xml_end(w);
    sepa_xml_end(w);
    sepa_xml_end(w);
    sepa_xml_end(w);
    for (size_t i = 0; i < b->n; i++) {
        const sepa_debit_doc *d = &b->debits[i];
        if (!in_block(b, d, first, date))
            continue;
        sepa_xml_start(w, "DrctDbtTxInf");
        sepa_xml_start(w, "PmtId");
        sepa_xml_el(w, "EndToEndId", d->end_to_end_id);
        sepa_xml_end(w);
        sepa_xml_amount(w, "InstdAmt", d->amount, true);
        sepa_xml_start(w, "DrctDbtTx");
        sepa_xml_start(w, "MndtRltdInf");
        sepa_xml_el(w, "MndtId", d->mandate);
        sepa_xml_el(w, "DtOfSgntr", d->signed_on);
        sepa_xml_end(w);
        sepa_xml_end(w);
        sepa_xml_agent(w, "DbtrAgt", bicfi, d->bic);
        sepa_xml_party(w, "Dbtr", d->debtor);
        sepa_xml_account(w, "DbtrAcct", d->iban);
        sepa_xml_start(w, "RmtInf");
        sepa_xml_text_el(w, "Ustrd", d->remittance, 140);
        sepa_xml_end(w);
        sepa_xml_end(w);
    }
    sepa_xml_end(w);
}

int rpt_pain008(const sepa_batch_doc *b, buf *out)
{
    sepa_xml x;
    if (sepa_xml_begin(&x, rpt_pain008_name(b->version), "CstmrDrctDbtInitn") != 0)
        return -1;
    cents_t sum = 0;
    for (size_t i = 0; i < b->n; i++)
        sum += b->debits[i].amount;
    sepa_xml_group_header(x.w, b->message_id, b->created_at, b->n, sum, b->creditor);
    /* each sequence, then each of its dates in order (the smallest after the last one
     * written), so no block is written twice and the file is the same every time */
    for (int f = 1; f >= 0; f--) {
        const char *last = "";
        for (;;) {
            const char *next = NULL;
            for (size_t i = 0; i < b->n; i++) {
                const char *dt = date_of(b, &b->debits[i]);
                if (b->debits[i].first == (f == 1) && strcmp(dt, last) > 0 &&
                    (!next || strcmp(dt, next) < 0))
                    next = dt;
            }
            if (!next)
                break;
            block(x.w, b, f == 1, next);
            last = next;
        }
    }
    return sepa_xml_finish(&x, out);
}
