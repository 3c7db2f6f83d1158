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
 */
#include "pain008.h"
#include "../core/bank_id.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

const char *rpt_pain008_name(int version)
{
    return version == 8 ? "pain.008.001.08" : "pain.008.001.02";
}

static void el(xmlTextWriterPtr w, const char *name, const char *text)
{
    xmlTextWriterWriteElement(w, (const xmlChar *)name, (const xmlChar *)text);
}

static void start(xmlTextWriterPtr w, const char *name)
{
    xmlTextWriterStartElement(w, (const xmlChar *)name);
}

static void end(xmlTextWriterPtr w)
{
    xmlTextWriterEndElement(w);
}

/* A text in the SEPA character set, at most max characters. */
static void sepa_el(xmlTextWriterPtr w, const char *name, const char *text, size_t max)
{
    char t[160];
    sepa_text(text, max, t, sizeof t);
    el(w, name, *t ? t : "-");
}

static void amount_el(xmlTextWriterPtr w, const char *name, cents_t v, bool currency)
{
    char d[32];
    dec_format(d, v, 2, 2);
    start(w, name);
    if (currency)
        xmlTextWriterWriteAttribute(w, (const xmlChar *)"Ccy", (const xmlChar *)"EUR");
    xmlTextWriterWriteString(w, (const xmlChar *)d);
    end(w);
}

/* <FinInstnId>: the BIC, or NOTPROVIDED. */
static void agent(xmlTextWriterPtr w, const char *name, int version, const char *bic)
{
    start(w, name);
    start(w, "FinInstnId");
    if (bic && *bic) {
        el(w, version == 8 ? "BICFI" : "BIC", bic);
    } else {
        start(w, "Othr");
        el(w, "Id", "NOTPROVIDED");
        end(w);
    }
    end(w);
    end(w);
}

static void account(xmlTextWriterPtr w, const char *name, const char *iban)
{
    start(w, name);
    start(w, "Id");
    el(w, "IBAN", iban);
    end(w);
    end(w);
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
    char id[64], count[24];
    if (!strcmp(date, b->collect_on))
        snprintf(id, sizeof id, "%s-%s", b->message_id, first ? "FRST" : "RCUR");
    else
        snprintf(id, sizeof id, "%s-%s-%.4s%.2s%.2s", b->message_id, first ? "FRST" : "RCUR", date,
                 date + 5, date + 8);
    snprintf(count, sizeof count, "%zu", n);
    start(w, "PmtInf");
    el(w, "PmtInfId", id);
    el(w, "PmtMtd", "DD");
    el(w, "BtchBookg", "true");
    el(w, "NbOfTxs", count);
    amount_el(w, "CtrlSum", sum, false);
    start(w, "PmtTpInf");
    start(w, "SvcLvl");
    el(w, "Cd", "SEPA");
    end(w);
    start(w, "LclInstrm");
    el(w, "Cd", "CORE");
    end(w);
    el(w, "SeqTp", first ? "FRST" : "RCUR");
    end(w);
    el(w, "ReqdColltnDt", date);
    start(w, "Cdtr");
    sepa_el(w, "Nm", b->creditor, 70);
    end(w);
    account(w, "CdtrAcct", b->creditor_iban);
    agent(w, "CdtrAgt", b->version, b->creditor_bic);
    el(w, "ChrgBr", "SLEV");
    start(w, "CdtrSchmeId");
    start(w, "Id");
    start(w, "PrvtId");
    start(w, "Othr");
    el(w, "Id", b->creditor_id);
    start(w, "SchmeNm");
    el(w, "Prtry", "SEPA");
    end(w);
    end(w);
    end(w);
    end(w);
    end(w);
    for (size_t i = 0; i < b->n; i++) {
        const sepa_debit_doc *d = &b->debits[i];
        if (!in_block(b, d, first, date))
            continue;
        start(w, "DrctDbtTxInf");
        start(w, "PmtId");
        el(w, "EndToEndId", d->end_to_end_id);
        end(w);
        amount_el(w, "InstdAmt", d->amount, true);
        start(w, "DrctDbtTx");
        start(w, "MndtRltdInf");
        el(w, "MndtId", d->mandate);
        el(w, "DtOfSgntr", d->signed_on);
        end(w);
        end(w);
        agent(w, "DbtrAgt", b->version, d->bic);
        start(w, "Dbtr");
        sepa_el(w, "Nm", d->debtor, 70);
        end(w);
        account(w, "DbtrAcct", d->iban);
        start(w, "RmtInf");
        sepa_el(w, "Ustrd", d->remittance, 140);
        end(w);
        end(w);
    }
    end(w);
}

int rpt_pain008(const sepa_batch_doc *b, buf *out)
{
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    if (!w) {
        if (xb)
            xmlBufferFree(xb);
        return -1;
    }
    char ns[80], count[24];
    snprintf(ns, sizeof ns, "urn:iso:std:iso:20022:tech:xsd:%s", rpt_pain008_name(b->version));
    cents_t sum = 0;
    for (size_t i = 0; i < b->n; i++)
        sum += b->debits[i].amount;
    snprintf(count, sizeof count, "%zu", b->n);
    int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
    start(w, "Document");
    xmlTextWriterWriteAttribute(w, (const xmlChar *)"xmlns", (const xmlChar *)ns);
    start(w, "CstmrDrctDbtInitn");
    start(w, "GrpHdr");
    el(w, "MsgId", b->message_id);
    el(w, "CreDtTm", b->created_at);
    el(w, "NbOfTxs", count);
    amount_el(w, "CtrlSum", sum, false);
    start(w, "InitgPty");
    sepa_el(w, "Nm", b->creditor, 70);
    end(w);
    end(w);
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
            block(w, b, f == 1, next);
            last = next;
        }
    }
    if (xmlTextWriterEndDocument(w) < 0)
        rc = -1;
    xmlFreeTextWriter(w);
    if (rc == 0)
        buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    return rc;
}
