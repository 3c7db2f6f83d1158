/*
 * reports/cii.c — the CrossIndustryInvoice (CII D16B) writer, EN 16931 profile.
 *
 * Elements come out in the order the D16B schema's sequences impose, only
 * those EN 16931 uses (the CII-SR-* rules warn about any other). Amounts are
 * written with exactly two decimals, quantities with up to three, net prices
 * with two to four: each value is the exact integer km0 stored, so nothing is
 * rounded here. Text goes through libxml2's writer, which escapes it; control
 * characters XML 1.0 cannot carry become spaces.
 */
#include "cii.h"

#include "address.h"
#include "arena.h"
#include "money.h"
#include "reform.h"
#include "text.h"
#include "util.h"

#include <libxml/xmlwriter.h>
#include <stdio.h>
#include <string.h>

#define NS_RSM "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
#define NS_RAM "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
#define NS_QDT "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
#define NS_UDT "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"

#define PROFILE_EN16931 "urn:cen.eu:en16931:2017"
#define FRANCHISE_TEXT  "TVA non applicable, art. 293 B du CGI"

/* ICD (ISO 6523) schemes: 0009 is the SIRET (an establishment), 0002 the
 * SIRENE register, which French practice uses for the SIREN (the company). */
#define SCHEME_SIRET "0009"
#define SCHEME_SIREN "0002"

typedef struct writer {
    xmlTextWriterPtr w;
    arena *a;
    int failed; /* a libxml2 call failed: the document is incomplete */
} writer;

static const char *nz(const char *s)
{
    return s ? s : "";
}

/* The text as XML 1.0 can carry it: C0 controls other than tab and line breaks,
 * U+FFFE and U+FFFF have no representation, even escaped (core/text.h). */
static const char *xml_text(writer *x, const char *s)
{
    return text_xml_safe(x->a, nz(s));
}

static void start(writer *x, const char *name)
{
    if (xmlTextWriterStartElement(x->w, BAD_CAST name) < 0)
        x->failed = 1;
}

static void end(writer *x)
{
    if (xmlTextWriterEndElement(x->w) < 0)
        x->failed = 1;
}

static void attr(writer *x, const char *name, const char *value)
{
    if (xmlTextWriterWriteAttribute(x->w, BAD_CAST name, BAD_CAST xml_text(x, value)) < 0)
        x->failed = 1;
}

static void text(writer *x, const char *value)
{
    if (xmlTextWriterWriteString(x->w, BAD_CAST xml_text(x, value)) < 0)
        x->failed = 1;
}

/* <name>value</name>, or <name attr_name="attr_value">value</name>. */
static void element(writer *x, const char *name, const char *value)
{
    start(x, name);
    text(x, value);
    end(x);
}

static void element_attr(writer *x, const char *name, const char *attr_name, const char *attr_value,
                         const char *value)
{
    start(x, name);
    attr(x, attr_name, attr_value);
    text(x, value);
    end(x);
}

/* Optional business terms are left out rather than written empty. */
static void element_opt(writer *x, const char *name, const char *value)
{
    if (value && *value)
        element(x, name, value);
}

static void amount(writer *x, const char *name, cents_t v)
{
    char s[32];
    element(x, name, dec_format(s, v, 2, 2));
}

static const char *percent(char *s, vat_bp_t rate)
{
    return dec_format(s, rate, 2, 0);
}

/* <name><prefix:DateTimeString format="102">YYYYMMDD</...></name> from "YYYY-MM-DD". */
static void date(writer *x, const char *name, const char *prefix, const char *iso)
{
    char d[9], inner[40];
    iso = nz(iso);
    snprintf(d, sizeof d, "%.4s%.2s%.2s", iso, strlen(iso) >= 7 ? iso + 5 : "",
             strlen(iso) >= 10 ? iso + 8 : "");
    snprintf(inner, sizeof inner, "%s:DateTimeString", prefix);
    start(x, name);
    element_attr(x, inner, "format", "102", d);
    end(x);
}

/* ---- header: context and document ------------------------------------------------ */

typedef struct note {
    const char *subject, *text;
} note;

const char *rpt_cii_note_subject(const char *text, unsigned *used)
{
    /* Keywords without their accents, matched case-insensitively, so that
     * "Pénalités", "pénalité" and "penalites" are all recognised. */
    static const struct {
        const char *code;
        const char *words[3];
    } kinds[] = {
        {"AAB", {"escompte", "discount", NULL}},
        {"PMD", {"nalit", "penalt", NULL}},
        {"PMT", {"indemnit", "recouvrement", NULL}},
        {"REG", {"293 b", NULL, NULL}},
    };
    for (size_t k = 0; k < ARRAY_LEN(kinds); k++) {
        for (size_t i = 0; i < 3 && kinds[k].words[i]; i++) {
            if (!strcasestr(nz(text), kinds[k].words[i]))
                continue;
            if (k < 3 && (*used & (1u << k)))
                return "AAI"; /* PMD, PMT and AAB appear once; repeats are plain notes */
            *used |= 1u << k;
            return kinds[k].code;
        }
    }
    return "AAI";
}

static bool any_note_contains(const invoice *inv, const char *word)
{
    for (size_t i = 0; i < inv->nnotes; i++)
        if (strcasestr(nz(inv->notes[i]), word))
            return true;
    return false;
}

/* The invoice's own notes, then the mentions the struct carries as flags when
 * no note says them already: the VAT franchise, and the hub as intermediary
 * (EN 16931 has no party for a marketplace or a sales agent, so French
 * practice names it in a note). */
static size_t collect_notes(writer *x, const invoice *inv, note *out)
{
    size_t n = 0;
    unsigned used = 0;
    for (size_t i = 0; i < inv->nnotes; i++) {
        const char *t = nz(inv->notes[i]);
        if (*t)
            out[n++] = (note){rpt_cii_note_subject(t, &used), t};
    }
    if (inv->seller.franchise && !any_note_contains(inv, "293 B"))
        out[n++] = (note){"REG", FRANCHISE_TEXT};
    if (inv->has_intermediary && !any_note_contains(inv, "interm")) {
        const inv_party *h = &inv->intermediary;
        buf b = BUF_INIT;
        buf_printf(&b, "Vendu par l'intermédiaire de %s", nz(h->name));
        if (h->siret && *h->siret)
            buf_printf(&b, " (SIRET %s)", h->siret);
        out[n++] = (note){"AAI", arena_strdup(x->a, buf_str(&b))};
        buf_free(&b);
    }
    return n;
}

static void write_document(writer *x, const invoice *inv)
{
    start(x, "rsm:ExchangedDocumentContext");
    const char *process = reform_business_process(inv);
    if (process) { /* BT-23: the 2026 reform's nature of the operation (B1, S1, M1) */
        start(x, "ram:BusinessProcessSpecifiedDocumentContextParameter");
        element(x, "ram:ID", process);
        end(x);
    }
    start(x, "ram:GuidelineSpecifiedDocumentContextParameter");
    element(x, "ram:ID", PROFILE_EN16931); /* BT-24 */
    end(x);
    end(x);

    char type[16];
    snprintf(type, sizeof type, "%d", inv->type_code);
    start(x, "rsm:ExchangedDocument");
    element(x, "ram:ID", inv->number);                    /* BT-1 */
    element(x, "ram:TypeCode", type);                     /* BT-3 */
    date(x, "ram:IssueDateTime", "udt", inv->issue_date); /* BT-2 */
    note *notes = arena_alloc(x->a, (inv->nnotes + 2) * sizeof *notes);
    size_t n = collect_notes(x, inv, notes);
    for (size_t i = 0; i < n; i++) {
        start(x, "ram:IncludedNote");
        element(x, "ram:Content", notes[i].text);        /* BT-22 */
        element(x, "ram:SubjectCode", notes[i].subject); /* BT-21 */
        end(x);
    }
    end(x);
}

/* ---- lines ---------------------------------------------------------------------- */

static void write_line(writer *x, const inv_line *l)
{
    char s[32];
    start(x, "ram:IncludedSupplyChainTradeLineItem");

    start(x, "ram:AssociatedDocumentLineDocument");
    snprintf(s, sizeof s, "%d", l->line_no);
    element(x, "ram:LineID", s); /* BT-126 */
    if (l->producer && *l->producer) {
        /* The hub resells: who made it is worth telling the buyer (BT-127). */
        start(x, "ram:IncludedNote");
        element(x, "ram:Content", arena_printf(x->a, "Producteur : %s", l->producer));
        end(x);
    }
    end(x);

    start(x, "ram:SpecifiedTradeProduct");
    element_opt(x, "ram:SellerAssignedID", l->sku); /* BT-155 */
    element(x, "ram:Name", l->description);         /* BT-153 */
    end(x);

    start(x, "ram:SpecifiedLineTradeAgreement");
    start(x, "ram:NetPriceProductTradePrice");
    element(x, "ram:ChargeAmount", dec_format(s, l->unit_price, 4, 2)); /* BT-146 */
    end(x);
    end(x);

    start(x, "ram:SpecifiedLineTradeDelivery");
    element_attr(x, "ram:BilledQuantity", "unitCode", l->unece, /* BT-129, BT-130 */
                 dec_format(s, l->quantity, 3, 0));
    end(x);

    start(x, "ram:SpecifiedLineTradeSettlement");
    start(x, "ram:ApplicableTradeTax");
    element(x, "ram:TypeCode", "VAT");
    char cat[2] = {l->vat_category, 0};
    element(x, "ram:CategoryCode", cat);                              /* BT-151 */
    element(x, "ram:RateApplicablePercent", percent(s, l->vat_rate)); /* BT-152 */
    end(x);
    start(x, "ram:SpecifiedTradeSettlementLineMonetarySummation");
    amount(x, "ram:LineTotalAmount", l->net); /* BT-131 */
    end(x);
    end(x);

    end(x);
}

/* ---- parties ---------------------------------------------------------------------- */

static bool is_siret(const char *s)
{
    if (!s || strlen(s) != 14)
        return false;
    for (int i = 0; i < 14; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static void write_address(writer *x, const inv_address *ad)
{
    inv_address a = *ad;
    /* An address kept on one line is split here rather than sent whole as
     * LineOne: buyers' systems match on postcode and city. */
    if (!(a.postcode && *a.postcode) && !(a.city && *a.city)) {
        address_parts p;
        if (address_split(x->a, a.line1, &p)) {
            a.line1 = p.line;
            a.postcode = p.postcode;
            a.city = p.city;
        }
    }
    start(x, "ram:PostalTradeAddress");
    element_opt(x, "ram:PostcodeCode", a.postcode); /* BT-38, BT-53 */
    element_opt(x, "ram:LineOne", a.line1);         /* BT-35, BT-50 */
    element_opt(x, "ram:CityName", a.city);         /* BT-37, BT-52 */
    element(x, "ram:CountryID", a.country);         /* BT-40, BT-55 */
    end(x);
}

typedef enum { ROLE_SELLER, ROLE_BUYER } party_role;

static void write_party(writer *x, const char *tag, const inv_party *p, party_role role)
{
    bool seller = role == ROLE_SELLER;
    /* A private buyer's SIRET, email and phone have no business on the
     * e-invoice; a business buyer's identifiers route and match it. */
    bool business = seller || p->business;
    bool siret = business && is_siret(p->siret);
    start(x, tag);
    if (siret)
        element_attr(x, "ram:GlobalID", "schemeID", SCHEME_SIRET, p->siret); /* BT-29, BT-46 */
    element(x, "ram:Name", p->name);                                         /* BT-27, BT-44 */
    if (seller)
        element_opt(x, "ram:Description", p->legal_form); /* BT-33 */
    if (siret) {
        char siren[10];
        memcpy(siren, p->siret, 9);
        siren[9] = 0;
        start(x, "ram:SpecifiedLegalOrganization");
        element_attr(x, "ram:ID", "schemeID", SCHEME_SIREN, siren); /* BT-30, BT-47 */
        end(x);
    }
    if (seller && ((p->phone && *p->phone) || (p->email && *p->email))) {
        start(x, "ram:DefinedTradeContact"); /* BG-6 */
        if (p->phone && *p->phone) {
            start(x, "ram:TelephoneUniversalCommunication");
            element(x, "ram:CompleteNumber", p->phone); /* BT-42 */
            end(x);
        }
        if (p->email && *p->email) {
            start(x, "ram:EmailURIUniversalCommunication");
            element(x, "ram:URIID", p->email); /* BT-43 */
            end(x);
        }
        end(x);
    }
    write_address(x, &p->address);
    if (business && p->email && *p->email) {
        start(x, "ram:URIUniversalCommunication");
        element_attr(x, "ram:URIID", "schemeID", "EM", p->email); /* BT-34, BT-49 */
        end(x);
    }
    if (business && p->vat_number && *p->vat_number) {
        start(x, "ram:SpecifiedTaxRegistration");
        element_attr(x, "ram:ID", "schemeID", "VA", p->vat_number); /* BT-31, BT-48 */
        end(x);
    } else if (seller && siret) {
        /* A seller under the VAT franchise usually has no VAT number, yet
         * BR-E-02 wants a tax identifier: the SIREN is how the French tax
         * administration identifies a business (BT-32, "FC"). */
        start(x, "ram:SpecifiedTaxRegistration");
        element_attr(x, "ram:ID", "schemeID", "FC", arena_strndup(x->a, p->siret, 9));
        end(x);
    }
    end(x);
}

/* ---- settlement ------------------------------------------------------------------ */

static void write_vat(writer *x, const inv_vat *v, bool on_debits)
{
    char s[32], cat[2] = {v->category, 0};
    start(x, "ram:ApplicableTradeTax");
    amount(x, "ram:CalculatedAmount", v->vat); /* BT-117 */
    element(x, "ram:TypeCode", "VAT");
    element_opt(x, "ram:ExemptionReason", v->exemption_text);     /* BT-120 */
    amount(x, "ram:BasisAmount", v->base);                        /* BT-116 */
    element(x, "ram:CategoryCode", cat);                          /* BT-118 */
    element_opt(x, "ram:ExemptionReasonCode", v->exemption_code); /* BT-121 */
    if (on_debits)
        element(x, "ram:DueDateTypeCode", "5"); /* BT-8: VAT on debits, due when invoiced */
    element(x, "ram:RateApplicablePercent", percent(s, v->rate)); /* BT-119 */
    end(x);
}

static void write_settlement(writer *x, const invoice *inv)
{
    start(x, "ram:ApplicableHeaderTradeSettlement");
    element(x, "ram:InvoiceCurrencyCode", inv->currency); /* BT-5 */
    for (size_t i = 0; i < inv->nvat; i++)
        write_vat(x, &inv->vat[i], reform_vat_on_debits(inv)); /* BG-23 */
    bool terms = inv->payment_terms && *inv->payment_terms;
    bool due = inv->due_date && *inv->due_date;
    if (terms || due) {
        start(x, "ram:SpecifiedTradePaymentTerms");
        if (terms)
            element(x, "ram:Description", inv->payment_terms); /* BT-20 */
        if (due)
            date(x, "ram:DueDateDateTime", "udt", inv->due_date); /* BT-9 */
        end(x);
    }
    cents_t lines = 0;
    for (size_t i = 0; i < inv->nlines; i++)
        lines += inv->lines[i].net;
    start(x, "ram:SpecifiedTradeSettlementHeaderMonetarySummation");
    amount(x, "ram:LineTotalAmount", lines);               /* BT-106 */
    amount(x, "ram:TaxBasisTotalAmount", inv->total_excl); /* BT-109 */
    char s[32];
    element_attr(x, "ram:TaxTotalAmount", "currencyID", inv->currency, /* BT-110 */
                 dec_format(s, inv->total_vat, 2, 2));
    amount(x, "ram:GrandTotalAmount", inv->total_incl); /* BT-112 */
    amount(x, "ram:DuePayableAmount", inv->total_incl); /* BT-115: nothing prepaid */
    end(x);
    if (inv->corrects_number && *inv->corrects_number) {
        start(x, "ram:InvoiceReferencedDocument");                /* BG-3 */
        element(x, "ram:IssuerAssignedID", inv->corrects_number); /* BT-25 */
        if (inv->corrects_date && *inv->corrects_date)
            date(x, "ram:FormattedIssueDateTime", "qdt", inv->corrects_date); /* BT-26 */
        end(x);
    }
    end(x);
}

static void write_transaction(writer *x, const invoice *inv)
{
    start(x, "rsm:SupplyChainTradeTransaction");
    for (size_t i = 0; i < inv->nlines; i++)
        write_line(x, &inv->lines[i]);

    start(x, "ram:ApplicableHeaderTradeAgreement");
    write_party(x, "ram:SellerTradeParty", &inv->seller, ROLE_SELLER);
    write_party(x, "ram:BuyerTradeParty", &inv->buyer, ROLE_BUYER);
    if (inv->order_ref && *inv->order_ref) {
        start(x, "ram:BuyerOrderReferencedDocument");
        element(x, "ram:IssuerAssignedID", inv->order_ref); /* BT-13 */
        end(x);
    }
    end(x);

    start(x, "ram:ApplicableHeaderTradeDelivery");
    if (inv->delivery_place && *inv->delivery_place) {
        /* BG-13: where the goods are delivered, the pickup point (2026 reform) */
        start(x, "ram:ShipToTradeParty");
        element(x, "ram:Name", inv->delivery_place); /* BT-70 */
        inv_address ad = {nz(inv->delivery_place_address), "", "", "FR"};
        write_address(x, &ad); /* BG-15 */
        end(x);
    }
    if (inv->delivery_date && *inv->delivery_date) {
        start(x, "ram:ActualDeliverySupplyChainEvent");
        date(x, "ram:OccurrenceDateTime", "udt", inv->delivery_date); /* BT-72 */
        end(x);
    }
    end(x);

    write_settlement(x, inv);
    end(x);
}

int rpt_cii_write(const invoice *inv, buf *out)
{
    buf problems = BUF_INIT;
    int n = rpt_cii_check(inv, &problems);
    buf_free(&problems);
    if (n > 0)
        return -1;

    xmlBufferPtr xb = xmlBufferCreate();
    xmlTextWriterPtr w = xb ? xmlNewTextWriterMemory(xb, 0) : NULL;
    if (!w) {
        if (xb)
            xmlBufferFree(xb);
        return -1;
    }
    writer x = {w, arena_new(), 0};
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST "  ");
    if (xmlTextWriterStartDocument(w, "1.0", "UTF-8", NULL) < 0)
        x.failed = 1;
    start(&x, "rsm:CrossIndustryInvoice");
    attr(&x, "xmlns:rsm", NS_RSM);
    attr(&x, "xmlns:ram", NS_RAM);
    attr(&x, "xmlns:qdt", NS_QDT);
    attr(&x, "xmlns:udt", NS_UDT);
    write_document(&x, inv);
    write_transaction(&x, inv);
    end(&x);
    if (xmlTextWriterEndDocument(w) < 0)
        x.failed = 1;
    xmlFreeTextWriter(w); /* flushes into xb */
    if (!x.failed)
        buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
    xmlBufferFree(xb);
    arena_free(x.a);
    return x.failed ? -1 : 0;
}
