/*
 * reports/pain001.c — writing pain.001 (SEPA credit transfer initiation) with
 * libxml2's xmlTextWriter, in the order the schemas declare the elements.
 *
 * The versions differ where a bank is named (.001.03 <BIC>, .001.09 <BICFI>) and in
 * the requested execution date (.001.09 wraps it in <Dt>). The debtor's bank is
 * NOTPROVIDED when the hub gave no BIC. What pain.008 writes alike (the document, the
 * group header, the parties, accounts and banks) is reports/sepa_xml.c's.
 */
#include "pain001.h"
#include "sepa_xml.h"

#include <stdio.h>

const char *rpt_pain001_name(int version)
{
    return version == 9 ? "pain.001.001.09" : "pain.001.001.03";
}

static void transfer(xmlTextWriterPtr w, const transfer_doc *d, const transfer_doc_item *t)
{
    sepa_xml_start(w, "CdtTrfTxInf");
    sepa_xml_start(w, "PmtId");
    sepa_xml_el(w, "EndToEndId", t->end_to_end);
    sepa_xml_end(w);
    sepa_xml_start(w, "Amt");
    sepa_xml_amount(w, "InstdAmt", t->amount, true);
    sepa_xml_end(w);
    if (t->bic && *t->bic)
        sepa_xml_agent(w, "CdtrAgt", d->version == 9, t->bic);
    sepa_xml_party(w, "Cdtr", t->name);
    sepa_xml_account(w, "CdtrAcct", t->iban);
    sepa_xml_start(w, "RmtInf");
    sepa_xml_text_el(w, "Ustrd", t->remittance, 140);
    sepa_xml_end(w);
    sepa_xml_end(w);
}

int rpt_pain001(const transfer_doc *d, buf *out)
{
    sepa_xml x;
    if (sepa_xml_begin(&x, rpt_pain001_name(d->version), "CstmrCdtTrfInitn") != 0)
        return -1;
    xmlTextWriterPtr w = x.w;
    char id[64];
    snprintf(id, sizeof id, "%s-1", d->message_id);
    cents_t sum = 0;
    for (size_t i = 0; i < d->n; i++)
        sum += d->items[i].amount;
    sepa_xml_group_header(w, d->message_id, d->created_at, d->n, sum, d->debtor);
    sepa_xml_payment_info(w, id, "TRF", d->n, sum, NULL, NULL);
    if (d->version == 9) {
        sepa_xml_start(w, "ReqdExctnDt");
        sepa_xml_el(w, "Dt", d->execute_on);
        sepa_xml_end(w);
    } else {
        sepa_xml_el(w, "ReqdExctnDt", d->execute_on);
    }
    sepa_xml_party(w, "Dbtr", d->debtor);
    sepa_xml_account(w, "DbtrAcct", d->debtor_iban);
    sepa_xml_agent(w, "DbtrAgt", d->version == 9, d->debtor_bic);
    sepa_xml_el(w, "ChrgBr", "SLEV");
    for (size_t i = 0; i < d->n; i++)
        transfer(w, d, &d->items[i]);
    sepa_xml_end(w);
    return sepa_xml_finish(&x, out);
}
