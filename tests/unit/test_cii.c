/*
 * tests/unit/test_cii.c — the CII D16B export (EN 16931 profile).
 *
 * The samples (cii_samples.h) are exported and read back with XPath, and
 * validated against the CII D16B schema when ../shared/standards is there
 * (KM0_STANDARDS overrides). The rules on wrong invoices: test_cii_check.c.
 *
 * With KM0_CII_OUT=DIR set, the program runs no test: it writes each sample as
 * DIR/<name>.xml for tests/integration/cii.test.mjs, which runs the official
 * Schematron (XSLT 2.0, Saxon) on them.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/address.h"
#include "../../core/buf.h"
#include "../../core/util.h"
#include "../../reports/cii.h"
#include "cii_fixture.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The exported document, parsed; the caller frees it. */
static xmlDoc *export_doc(const invoice *inv, buf *xml)
{
    assert_int_equal(rpt_cii_write(inv, xml), 0);
    xmlDoc *doc = xmlReadMemory(xml->data, (int)xml->len, "cii.xml", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    return doc;
}

/* The string value of an XPath expression over a CII document ("" when none). */
static char *xp(xmlDoc *doc, const char *expr, char *out, size_t size)
{
    xmlXPathContext *ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "rsm",
                       BAD_CAST "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100");
    xmlXPathRegisterNs(ctx, BAD_CAST "ram",
                       BAD_CAST "urn:un:unece:uncefact:data:standard:"
                                "ReusableAggregateBusinessInformationEntity:100");
    xmlXPathRegisterNs(ctx, BAD_CAST "udt",
                       BAD_CAST "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100");
    xmlXPathRegisterNs(ctx, BAD_CAST "qdt",
                       BAD_CAST "urn:un:unece:uncefact:data:standard:QualifiedDataType:100");
    xmlXPathObject *r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(r);
    xmlChar *s = xmlXPathCastToString(r);
    snprintf(out, size, "%s", (const char *)s);
    xmlFree(s);
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    return out;
}

#define XP(doc, expr) xp((doc), (expr), (char[512]){0}, 512)

#define SETTLEMENT "//ram:ApplicableHeaderTradeSettlement/"
#define TOTALS     SETTLEMENT "ram:SpecifiedTradeSettlementHeaderMonetarySummation/"
#define SELLER     "//ram:SellerTradeParty/"
#define BUYER      "//ram:BuyerTradeParty/"
#define LINE(n)    "//ram:IncludedSupplyChainTradeLineItem[" #n "]/"

static void address_split_handles_french_shapes(void **state)
{
    (void)state;
    arena *a = arena_new();
    address_parts p;
    assert_true(address_split(a, "10 Chemin des Chênes, 26400 Eurre", &p));
    assert_string_equal(p.line, "10 Chemin des Chênes");
    assert_string_equal(p.postcode, "26400");
    assert_string_equal(p.city, "Eurre");
    assert_true(address_split(a, "Quartier la Sye 26400 Aouste-sur-Sye", &p));
    assert_string_equal(p.line, "Quartier la Sye");
    assert_string_equal(p.city, "Aouste-sur-Sye");
    /* the last postcode wins; a box number or street number is not one */
    assert_true(address_split(a, " BP 12345, 26400 Crest Cedex , France", &p));
    assert_string_equal(p.line, "BP 12345");
    assert_string_equal(p.postcode, "26400");
    assert_string_equal(p.city, "Crest Cedex");
    assert_true(address_split(a, "26150 Die", &p));
    assert_string_equal(p.line, "");
    assert_string_equal(p.city, "Die");
    assert_true(address_split(a, "1 rue X\n26220 Dieulefit", &p));
    assert_string_equal(p.line, "1 rue X");
    assert_false(address_split(a, "Lieu-dit Les Blaches", &p));
    assert_string_equal(p.line, "Lieu-dit Les Blaches");
    assert_string_equal(p.postcode, "");
    assert_false(address_split(a, "12 rue du 11 novembre 1918", &p));
    assert_false(address_split(a, "", &p));
    assert_false(address_split(a, NULL, &p));
    arena_free(a);
}

static void header_and_notes(void **state)
{
    buf xml = BUF_INIT;
    xmlDoc *d = export_doc(named(state, "hub-rates"), &xml);
    assert_string_equal(XP(d, "//rsm:ExchangedDocumentContext/"
                              "ram:GuidelineSpecifiedDocumentContextParameter/ram:ID"),
                        "urn:cen.eu:en16931:2017");
    assert_string_equal(XP(d, "//rsm:ExchangedDocument/ram:ID"), "DP-2025-000123");
    assert_string_equal(XP(d, "//rsm:ExchangedDocument/ram:TypeCode"), "380");
    assert_string_equal(XP(d, "//ram:IssueDateTime/udt:DateTimeString[@format='102']"), "20250314");
    assert_string_equal(XP(d, "//ram:IncludedNote[ram:SubjectCode='PMD']/ram:Content"),
                        notes_business[0]);
    assert_string_equal(XP(d, "//ram:IncludedNote[ram:SubjectCode='PMT']/ram:Content"),
                        notes_business[1]);
    assert_string_equal(XP(d, "//ram:IncludedNote[ram:SubjectCode='AAB']/ram:Content"),
                        notes_business[2]);
    assert_string_equal(XP(d, "count(//rsm:ExchangedDocument/ram:IncludedNote)"), "3");
    assert_string_equal(XP(d, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID"), "41");
    assert_string_equal(XP(d, "//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/"
                              "udt:DateTimeString"),
                        "20250313");
    assert_string_equal(XP(d, SETTLEMENT "ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/"
                                         "udt:DateTimeString"),
                        "20250413");
    assert_string_equal(XP(d, SETTLEMENT "ram:SpecifiedTradePaymentTerms/ram:Description"),
                        "Paiement à 30 jours fin de livraison, par virement.");
    /* the producer of a resold line is told in the line note */
    assert_string_equal(XP(d, LINE(1) "ram:AssociatedDocumentLineDocument/ram:IncludedNote/"
                                      "ram:Content"),
                        "Producteur : Ferme des Trois Chênes");
    assert_string_equal(XP(d, "count(//ram:InvoiceReferencedDocument)"), "0");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void amounts_quantities_and_prices(void **state)
{
    buf xml = BUF_INIT;
    xmlDoc *d = export_doc(named(state, "hub-rates"), &xml);
    /* 1.235 kg at 4.1234 = 5.092399 -> 5.09 */
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
                        "1.235");
    assert_string_equal(
        XP(d, LINE(1) "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity/@unitCode"), "KGM");
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeAgreement/"
                                      "ram:NetPriceProductTradePrice/ram:ChargeAmount"),
                        "4.1234");
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeSettlement/"
                                      "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                      "ram:LineTotalAmount"),
                        "5.09");
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedTradeProduct/ram:SellerAssignedID"),
                        "LEG-CAR-1KG");
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                                      "ram:RateApplicablePercent"),
                        "5.5");
    /* whole quantities without decimals, prices with at least two */
    assert_string_equal(XP(d, LINE(3) "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"), "6");
    assert_string_equal(XP(d, LINE(3) "ram:SpecifiedLineTradeAgreement/"
                                      "ram:NetPriceProductTradePrice/ram:ChargeAmount"),
                        "2.50");
    assert_string_equal(XP(d, LINE(3) "ram:SpecifiedLineTradeSettlement/"
                                      "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                      "ram:LineTotalAmount"),
                        "15.00");
    /* one breakdown per rate, ascending as issued: 5.5 %, 10 %, 20 % */
    assert_string_equal(XP(d, "count(" SETTLEMENT "ram:ApplicableTradeTax)"), "3");
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax[ram:RateApplicablePercent='5.5']"
                                         "/ram:BasisAmount"),
                        "13.62"); /* 5.09 + 8.53 */
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax[ram:RateApplicablePercent='5.5']"
                                         "/ram:CalculatedAmount"),
                        "0.75");
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax[ram:RateApplicablePercent='10']"
                                         "/ram:CalculatedAmount"),
                        "0.64"); /* 6.36 x 10 % */
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax[ram:RateApplicablePercent='20']"
                                         "/ram:BasisAmount"),
                        "27.50"); /* 15.00 + 12.50 */
    assert_string_equal(XP(d, TOTALS "ram:LineTotalAmount"), "47.48");
    assert_string_equal(XP(d, TOTALS "ram:TaxBasisTotalAmount"), "47.48");
    assert_string_equal(XP(d, TOTALS "ram:TaxTotalAmount"), "6.89");
    assert_string_equal(XP(d, TOTALS "ram:TaxTotalAmount/@currencyID"), "EUR");
    assert_string_equal(XP(d, TOTALS "ram:GrandTotalAmount"), "54.37");
    assert_string_equal(XP(d, TOTALS "ram:DuePayableAmount"), "54.37");
    xmlFreeDoc(d);
    buf_free(&xml);

    /* VAT is rounded once per rate, not per line */
    d = export_doc(named(state, "rounding"), &xml);
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax/ram:BasisAmount"), "7.34");
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax/ram:CalculatedAmount"), "0.40");
    assert_string_equal(XP(d, LINE(8) "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity"),
                        "0.333");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void text_is_escaped(void **state)
{
    buf xml = BUF_INIT;
    invoice inv = *named(state, "hub-rates");
    inv.payment_terms = "Virement\x01 à réception"; /* a control character XML cannot carry */
    xmlDoc *d = export_doc(&inv, &xml);
    assert_string_equal(XP(d, BUYER "ram:Name"), "Restaurant \"Le Goût & l'Été\" <Crest>");
    assert_non_null(
        strstr(buf_str(&xml), "Restaurant &quot;Le Goût &amp; l'Été&quot; &lt;Crest&gt;"));
    assert_string_equal(XP(d, LINE(3) "ram:SpecifiedTradeProduct/ram:Name"),
                        "Bière blonde \"La Tour\" 33 cl");
    assert_string_equal(XP(d, SETTLEMENT "ram:SpecifiedTradePaymentTerms/ram:Description"),
                        "Virement  à réception");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void party_identifiers(void **state)
{
    buf xml = BUF_INIT;
    xmlDoc *d = export_doc(named(state, "hub-rates"), &xml);
    assert_string_equal(XP(d, SELLER "ram:Name"), "Drôme Paysanne (SCIC)");
    assert_string_equal(XP(d, SELLER "ram:GlobalID[@schemeID='0009']"), "52601815500014");
    assert_string_equal(XP(d, SELLER "ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']"),
                        "526018155");
    assert_string_equal(XP(d, SELLER "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
                        "FR83526018155");
    assert_string_equal(XP(d, SELLER "ram:Description"), "SCIC SAS");
    assert_string_equal(XP(d, SELLER "ram:URIUniversalCommunication/ram:URIID[@schemeID='EM']"),
                        "contact@drome-paysanne.example");
    assert_string_equal(XP(d, SELLER "ram:PostalTradeAddress/ram:CityName"), "Crest");
    assert_string_equal(XP(d, SELLER "ram:PostalTradeAddress/ram:CountryID"), "FR");
    assert_string_equal(XP(d, BUYER "ram:GlobalID[@schemeID='0009']"), "73282932000074");
    assert_string_equal(XP(d, BUYER "ram:SpecifiedLegalOrganization/ram:ID"), "732829320");
    assert_string_equal(XP(d, BUYER "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"),
                        "FR44732829320");
    assert_string_equal(XP(d, "count(" BUYER "ram:Description)"), "0");
    xmlFreeDoc(d);
    buf_free(&xml);

    /* a private buyer: name and address only; the seller's one-line address is split */
    d = export_doc(named(state, "producer-via-hub"), &xml);
    assert_string_equal(XP(d, BUYER "ram:Name"), "Zoé O'Brien & Loïc Müller");
    assert_string_equal(XP(d, "count(" BUYER "*)"), "2");
    assert_string_equal(XP(d, SELLER "ram:PostalTradeAddress/ram:LineOne"), "10 Chemin des Chênes");
    assert_string_equal(XP(d, SELLER "ram:PostalTradeAddress/ram:PostcodeCode"), "26400");
    assert_string_equal(XP(d, SELLER "ram:PostalTradeAddress/ram:CityName"), "Eurre");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void intermediary_is_a_note(void **state)
{
    buf xml = BUF_INIT;
    xmlDoc *d = export_doc(named(state, "producer-via-hub"), &xml);
    assert_string_equal(XP(d, SELLER "ram:Name"), "Ferme des Trois Chênes");
    assert_string_equal(XP(d, "//ram:IncludedNote[ram:SubjectCode='AAI']/ram:Content"),
                        "Vendu par l'intermédiaire de Drôme Paysanne (SCIC) (SIRET "
                        "52601815500014)");
    /* no party element EN 16931 does not know */
    assert_string_equal(XP(d, "count(//ram:SalesAgentTradeParty)"), "0");
    /* the design's example: 1.5 kg at 2.37 = 3.56, VAT 5.5 % = 0.20 */
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeSettlement/"
                                      "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                      "ram:LineTotalAmount"),
                        "3.56");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void franchise_is_exempt(void **state)
{
    buf xml = BUF_INIT;
    xmlDoc *d = export_doc(named(state, "franchise"), &xml);
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                                      "ram:CategoryCode"),
                        "E");
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                                      "ram:RateApplicablePercent"),
                        "0");
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax/ram:ExemptionReasonCode"),
                        "VATEX-FR-FRANCHISE");
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax/ram:ExemptionReason"),
                        "TVA non applicable, art. 293 B du CGI");
    assert_string_equal(XP(d, SETTLEMENT "ram:ApplicableTradeTax/ram:CalculatedAmount"), "0.00");
    assert_string_equal(XP(d, TOTALS "ram:GrandTotalAmount"), "15.80");
    /* no VAT number: the SIREN as tax identifier (BR-E-02) */
    assert_string_equal(XP(d, SELLER "ram:SpecifiedTaxRegistration/ram:ID[@schemeID='FC']"),
                        "257090126");
    assert_string_equal(XP(d, "//ram:IncludedNote[ram:SubjectCode='REG']/ram:Content"),
                        "TVA non applicable, art. 293 B du CGI");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void credit_note_references_the_invoice(void **state)
{
    buf xml = BUF_INIT;
    xmlDoc *d = export_doc(named(state, "credit-note"), &xml);
    assert_string_equal(XP(d, "//rsm:ExchangedDocument/ram:TypeCode"), "381");
    assert_string_equal(XP(d, SETTLEMENT "ram:InvoiceReferencedDocument/ram:IssuerAssignedID"),
                        "DP-2025-000123");
    assert_string_equal(XP(d, SETTLEMENT "ram:InvoiceReferencedDocument/"
                                         "ram:FormattedIssueDateTime/qdt:DateTimeString"),
                        "20250314");
    /* credit notes carry positive amounts: the type code says which way */
    assert_string_equal(XP(d, LINE(1) "ram:SpecifiedLineTradeSettlement/"
                                      "ram:SpecifiedTradeSettlementLineMonetarySummation/"
                                      "ram:LineTotalAmount"),
                        "0.97");
    assert_string_equal(XP(d, TOTALS "ram:GrandTotalAmount"), "4.02");
    assert_string_equal(XP(d, "//ram:IncludedNote/ram:SubjectCode"), "AAI");
    xmlFreeDoc(d);
    buf_free(&xml);
}

static void note_subject_codes(void **state)
{
    (void)state;
    unsigned used = 0;
    assert_string_equal(rpt_cii_note_subject("PÉNALITÉS de retard : 10 %", &used), "PMD");
    assert_string_equal(rpt_cii_note_subject("Indemnité forfaitaire : 40 €", &used), "PMT");
    assert_string_equal(rpt_cii_note_subject("Aucun escompte", &used), "AAB");
    assert_string_equal(rpt_cii_note_subject("TVA non applicable, art. 293 B du CGI", &used),
                        "REG");
    assert_string_equal(rpt_cii_note_subject("Merci de votre confiance", &used), "AAI");
    assert_string_equal(rpt_cii_note_subject("Pénalités : encore", &used), "AAI"); /* once */
    assert_string_equal(rpt_cii_note_subject(NULL, &used), "AAI");
}

/* ---- the CII D16B schema --------------------------------------------------------- */

static const char *standards_dir(void)
{
    const char *d = getenv("KM0_STANDARDS");
    return d && *d ? d : "../shared/standards";
}

static void samples_are_valid_cii_d16b(void **state)
{
    fixture *f = *state;
    char xsd[1024];
    snprintf(xsd, sizeof xsd,
             "%s/en16931-cii/xsd/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd",
             standards_dir());
    if (access(xsd, R_OK) != 0) {
        print_message("skipped: %s not found (the standards are not part of km0; set "
                      "KM0_STANDARDS)\n",
                      xsd);
        skip();
    }
    xmlSchemaParserCtxt *pc = xmlSchemaNewParserCtxt(xsd);
    xmlSchema *schema = xmlSchemaParse(pc);
    assert_non_null(schema);
    for (int i = 0; i < SAMPLE_COUNT; i++) {
        buf xml = BUF_INIT;
        xmlDoc *d = export_doc(&f->s[i].inv, &xml);
        xmlSchemaValidCtxt *vc = xmlSchemaNewValidCtxt(schema);
        int rc = xmlSchemaValidateDoc(vc, d);
        if (rc != 0)
            fail_msg("%s is not valid CII D16B:\n%s", f->s[i].name, buf_str(&xml));
        xmlSchemaFreeValidCtxt(vc);
        xmlFreeDoc(d);
        buf_free(&xml);
    }
    xmlSchemaFree(schema);
    xmlSchemaFreeParserCtxt(pc);
}

/* KM0_CII_OUT mode: the samples as files for the Schematron run. */
static int write_samples(const char *dir)
{
    arena *a = arena_new();
    sample s[SAMPLE_COUNT];
    samples_build(a, s);
    int rc = 0;
    for (int i = 0; i < SAMPLE_COUNT && rc == 0; i++) {
        buf xml = BUF_INIT, problems = BUF_INIT;
        char *path = arena_printf(a, "%s/%s.xml", dir, s[i].name);
        FILE *fp = NULL;
        if (rpt_cii_write(&s[i].inv, &xml) != 0) {
            rpt_cii_check(&s[i].inv, &problems);
            fprintf(stderr, "%s: not exported:\n%s", s[i].name, buf_str(&problems));
            rc = 1;
        } else if (!(fp = fopen(path, "wb")) || fwrite(xml.data, 1, xml.len, fp) != xml.len) {
            fprintf(stderr, "cannot write %s\n", path);
            rc = 1;
        }
        if (fp && fclose(fp) != 0)
            rc = 1;
        buf_free(&xml);
        buf_free(&problems);
    }
    arena_free(a);
    return rc;
}

int main(void)
{
    const char *out = getenv("KM0_CII_OUT");
    if (out && *out)
        return write_samples(out);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(address_split_handles_french_shapes),
        cmocka_unit_test(header_and_notes),
        cmocka_unit_test(amounts_quantities_and_prices),
        cmocka_unit_test(text_is_escaped),
        cmocka_unit_test(party_identifiers),
        cmocka_unit_test(intermediary_is_a_note),
        cmocka_unit_test(franchise_is_exempt),
        cmocka_unit_test(credit_note_references_the_invoice),
        cmocka_unit_test(note_subject_codes),
        cmocka_unit_test(samples_are_valid_cii_d16b),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    xmlCleanupParser();
    return rc;
}
