/*
 * reports/pain001.c — writing pain.001 (SEPA credit transfer initiation) with
 * libxml2's xmlTextWriter, in the order the schemas declare the elements.
 *
 * The versions differ where a bank is named (.001.03 <BIC>, .001.09 <BICFI>) and in
 * the requested execution date (.001.09 wraps it in <Dt>). The debtor's bank is
 * NOTPROVIDED when the hub gave no BIC.
 */
#include "pain001.h"
#include "../core/bank_id.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>

const char *rpt_pain001_name(int version)
{
    return version == 9 ? "pain.001.001.09" : "pain.001.001.03";
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

static void agent(xmlTextWriterPtr w, const char *name, int version, const char *bic)
{
    start(w, name);
    start(w, "FinInstnId");
    if (bic && *bic) {
        el(w, version == 9 ? "BICFI" : "BIC", bic);
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

static void transfer(xmlTextWriterPtr w, const transfer_doc *d, const transfer_doc_item *t)
{
    start(w, "CdtTrfTxInf");
    start(w, "PmtId");
    el(w, "EndToEndId", t->end_to_end);
    end(w);
    start(w, "Amt");
    amount_el(w, "InstdAmt", t->amount, true);
    end(w);
    if (t->bic && *t->bic)
        agent(w, "CdtrAgt", d->version, t->bic);
    start(w, "Cdtr");
    sepa_el(w, "Nm", t->name, 70);
    end(w);
    account(w, "CdtrAcct", t->iban);
    start(w, "RmtInf");
    sepa_el(w, "Ustrd", t->remittance, 140);
    end(w);
    end(w);
}

int rpt_pain001(const transfer_doc *d, buf *out)
{
    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    if (!w) {
        if (xb)
            xmlBufferFree(xb);
        return -1;
    }
    char ns[80], count[24], id[64];
    snprintf(ns, sizeof ns, "urn:iso:std:iso:20022:tech:xsd:%s", rpt_pain001_name(d->version));
    snprintf(count, sizeof count, "%zu", d->n);
    snprintf(id, sizeof id, "%s-1", d->message_id);
    cents_t sum = 0;
    for (size_t i = 0; i < d->n; i++)
        sum += d->items[i].amount;
    int rc = xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
    start(w, "Document");
    xmlTextWriterWriteAttribute(w, (const xmlChar *)"xmlns", (const xmlChar *)ns);
    start(w, "CstmrCdtTrfInitn");
    start(w, "GrpHdr");
    el(w, "MsgId", d->message_id);
    el(w, "CreDtTm", d->created_at);
    el(w, "NbOfTxs", count);
    amount_el(w, "CtrlSum", sum, false);
    start(w, "InitgPty");
    sepa_el(w, "Nm", d->debtor, 70);
    end(w);
    end(w);
    start(w, "PmtInf");
    el(w, "PmtInfId", id);
    el(w, "PmtMtd", "TRF");
    el(w, "BtchBookg", "true");
    el(w, "NbOfTxs", count);
    amount_el(w, "CtrlSum", sum, false);
    start(w, "PmtTpInf");
    start(w, "SvcLvl");
    el(w, "Cd", "SEPA");
    end(w);
    end(w);
    if (d->version == 9) {
        start(w, "ReqdExctnDt");
        el(w, "Dt", d->execute_on);
        end(w);
    } else {
        el(w, "ReqdExctnDt", d->execute_on);
    }
    start(w, "Dbtr");
    sepa_el(w, "Nm", d->debtor, 70);
    end(w);
    account(w, "DbtrAcct", d->debtor_iban);
    agent(w, "DbtrAgt", d->version, d->debtor_bic);
    el(w, "ChrgBr", "SLEV");
    for (size_t i = 0; i < d->n; i++)
        transfer(w, d, &d->items[i]);
    end(w);
    if (xmlTextWriterEndDocument(w) < 0)
        rc = -1;
    xmlFreeTextWriter(w);
    if (rc == 0)
        buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    return rc;
}
