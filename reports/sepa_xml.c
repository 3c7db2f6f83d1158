/*
 * reports/sepa_xml.c — the parts pain.001 and pain.008 write alike (reports/sepa_xml.h):
 * the document, the group header, the opening of a payment information block, and
 * the party, account and bank blocks.
 *
 * As the files always did, a failure of libxml2 in the middle is not checked at each
 * element: a writer that failed keeps failing, and ending the document says so.
 */
#include "sepa_xml.h"
#include "../core/bank_id.h"

#include <stdio.h>

int sepa_xml_begin(sepa_xml *x, const char *message, const char *root)
{
    x->xb = xmlBufferCreate();
    x->w = x->xb ? xmlNewTextWriterMemory(x->xb, 0) : NULL;
    if (!x->w) {
        if (x->xb)
            xmlBufferFree(x->xb);
        x->xb = NULL;
        return -1;
    }
    char ns[80];
    snprintf(ns, sizeof ns, "urn:iso:std:iso:20022:tech:xsd:%s", message);
    x->rc = xmlTextWriterStartDocument(x->w, "1.0", "UTF-8", NULL) < 0 ? -1 : 0;
    sepa_xml_start(x->w, "Document");
    xmlTextWriterWriteAttribute(x->w, (const xmlChar *)"xmlns", (const xmlChar *)ns);
    sepa_xml_start(x->w, root);
    return 0;
}

int sepa_xml_finish(sepa_xml *x, buf *out)
{
    int rc = x->rc;
    if (xmlTextWriterEndDocument(x->w) < 0)
        rc = -1;
    xmlFreeTextWriter(x->w);
    if (rc == 0)
        buf_append(out, xmlBufferContent(x->xb), (size_t)xmlBufferLength(x->xb));
    xmlBufferFree(x->xb);
    x->w = NULL;
    x->xb = NULL;
    return rc;
}

void sepa_xml_el(xmlTextWriterPtr w, const char *name, const char *text)
{
    xmlTextWriterWriteElement(w, (const xmlChar *)name, (const xmlChar *)text);
}

void sepa_xml_start(xmlTextWriterPtr w, const char *name)
{
    xmlTextWriterStartElement(w, (const xmlChar *)name);
}

void sepa_xml_end(xmlTextWriterPtr w)
{
    xmlTextWriterEndElement(w);
}

void sepa_xml_text_el(xmlTextWriterPtr w, const char *name, const char *text, size_t max)
{
    char t[160];
    sepa_text(text, max, t, sizeof t);
    sepa_xml_el(w, name, *t ? t : "-");
}

void sepa_xml_amount(xmlTextWriterPtr w, const char *name, cents_t v, bool currency)
{
    char d[32];
    dec_format(d, v, 2, 2);
    sepa_xml_start(w, name);
    if (currency)
        xmlTextWriterWriteAttribute(w, (const xmlChar *)"Ccy", (const xmlChar *)"EUR");
    xmlTextWriterWriteString(w, (const xmlChar *)d);
    sepa_xml_end(w);
}

void sepa_xml_group_header(xmlTextWriterPtr w, const char *message_id, const char *created_at,
                           size_t n, cents_t sum, const char *initiator)
{
    char count[24];
    snprintf(count, sizeof count, "%zu", n);
    sepa_xml_start(w, "GrpHdr");
    sepa_xml_el(w, "MsgId", message_id);
    sepa_xml_el(w, "CreDtTm", created_at);
    sepa_xml_el(w, "NbOfTxs", count);
    sepa_xml_amount(w, "CtrlSum", sum, false);
    sepa_xml_party(w, "InitgPty", initiator);
    sepa_xml_end(w);
}

void sepa_xml_payment_info(xmlTextWriterPtr w, const char *id, const char *method, size_t n,
                           cents_t sum, const char *local_instrument, const char *sequence)
{
    char count[24];
    snprintf(count, sizeof count, "%zu", n);
    sepa_xml_start(w, "PmtInf");
    sepa_xml_el(w, "PmtInfId", id);
    sepa_xml_el(w, "PmtMtd", method);
    sepa_xml_el(w, "BtchBookg", "true");
    sepa_xml_el(w, "NbOfTxs", count);
    sepa_xml_amount(w, "CtrlSum", sum, false);
    sepa_xml_start(w, "PmtTpInf");
    sepa_xml_start(w, "SvcLvl");
    sepa_xml_el(w, "Cd", "SEPA");
    sepa_xml_end(w);
    if (local_instrument) {
        sepa_xml_start(w, "LclInstrm");
        sepa_xml_el(w, "Cd", local_instrument);
        sepa_xml_end(w);
    }
    if (sequence)
        sepa_xml_el(w, "SeqTp", sequence);
    sepa_xml_end(w);
}

void sepa_xml_party(xmlTextWriterPtr w, const char *name, const char *party)
{
    sepa_xml_start(w, name);
    sepa_xml_text_el(w, "Nm", party, 70);
    sepa_xml_end(w);
}

void sepa_xml_account(xmlTextWriterPtr w, const char *name, const char *iban)
{
    sepa_xml_start(w, name);
    sepa_xml_start(w, "Id");
    sepa_xml_el(w, "IBAN", iban);
    sepa_xml_end(w);
    sepa_xml_end(w);
}

void sepa_xml_agent(xmlTextWriterPtr w, const char *name, bool bicfi, const char *bic)
{
    sepa_xml_start(w, name);
    sepa_xml_start(w, "FinInstnId");
    if (bic && *bic) {
        sepa_xml_el(w, bicfi ? "BICFI" : "BIC", bic);
    } else {
        sepa_xml_start(w, "Othr");
        sepa_xml_el(w, "Id", "NOTPROVIDED");
        sepa_xml_end(w);
    }
    sepa_xml_end(w);
    sepa_xml_end(w);
}
