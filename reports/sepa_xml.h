/*
 * reports/sepa_xml.h — what the two SEPA initiation files write alike: pain.001 (credit
 * transfers paying producers, reports/pain001.c) and pain.008 (direct debits collecting
 * from customers, reports/pain008.c).
 *
 * Both are ISO 20022 customer initiation messages of the same shape: a document in the
 * message's namespace, a group header (message id, creation time, number of
 * transactions, control sum, initiating party), then payment information blocks
 * opening alike, naming parties, accounts (IBAN) and banks (BIC, or NOTPROVIDED) the
 * same way. Written here once so that the two files cannot drift apart; each file keeps
 * only what its message has of its own. Writing goes through libxml2's xmlTextWriter,
 * in the order the schemas declare the elements.
 */
#ifndef KM0_SEPA_XML_H
#define KM0_SEPA_XML_H

#include "../core/buf.h"
#include "../core/money.h"

#include <libxml/xmlwriter.h>
#include <stdbool.h>
#include <stddef.h>

/* A file being written: the writer, its memory, and whether the document started. */
typedef struct sepa_xml {
    xmlBufferPtr xb;
    xmlTextWriterPtr w;
    int rc; /* -1 once the document could not be started */
} sepa_xml;

/* The document in urn:iso:std:iso:20022:tech:xsd:MESSAGE (e.g. "pain.008.001.02"),
 * opened down to its message element root (e.g. "CstmrDrctDbtInitn"). -1 when libxml2
 * could not make a writer (nothing to finish then). */
int sepa_xml_begin(sepa_xml *x, const char *message, const char *root);
/* Closes every element still open and appends the file to out unless writing failed:
 * 0, or -1. Frees the writer either way. */
int sepa_xml_finish(sepa_xml *x, buf *out);

/* <name>text</name> */
void sepa_xml_el(xmlTextWriterPtr w, const char *name, const char *text);
void sepa_xml_start(xmlTextWriterPtr w, const char *name);
void sepa_xml_end(xmlTextWriterPtr w);
/* A text in the SEPA character set, at most max characters ("-" when nothing is left). */
void sepa_xml_text_el(xmlTextWriterPtr w, const char *name, const char *text, size_t max);
/* An amount in euros with two decimals, with Ccy="EUR" when currency. */
void sepa_xml_amount(xmlTextWriterPtr w, const char *name, cents_t v, bool currency);

/* <GrpHdr>: the message id, its creation time (ISO 8601), n transactions adding up to
 * sum, and who initiates it (the hub). */
void sepa_xml_group_header(xmlTextWriterPtr w, const char *message_id, const char *created_at,
                           size_t n, cents_t sum, const char *initiator);
/* Opens a <PmtInf> (the caller writes the rest and closes it): its id, the method
 * ("TRF", "DD"), batch booking, n transactions adding up to sum, and the payment type:
 * the SEPA service level, then the local instrument ("CORE") and the sequence type
 * ("FRST", "RCUR") when not NULL. */
void sepa_xml_payment_info(xmlTextWriterPtr w, const char *id, const char *method, size_t n,
                           cents_t sum, const char *local_instrument, const char *sequence);
/* A party by its name (<Dbtr>, <Cdtr>, <InitgPty>): <Nm>, 70 characters at most. */
void sepa_xml_party(xmlTextWriterPtr w, const char *name, const char *party);
/* An account by its IBAN (<DbtrAcct>, <CdtrAcct>). */
void sepa_xml_account(xmlTextWriterPtr w, const char *name, const char *iban);
/* A bank (<DbtrAgt>, <CdtrAgt>): its BIC, in <BICFI> in the newer versions (bicfi) and
 * <BIC> in the older ones, or <Othr><Id>NOTPROVIDED</Id></Othr> when bic is NULL or "". */
void sepa_xml_agent(xmlTextWriterPtr w, const char *name, bool bicfi, const char *bic);

#endif
