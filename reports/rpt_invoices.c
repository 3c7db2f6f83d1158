/*
 * reports/rpt_invoices.c — invoices as km0 XML: the cycle's "invoices" document,
 * and the <invoice> element every invoice document is made of.
 *
 *   <invoice number type-code issue-date delivery-date due-date currency order seller-key>
 *     <corrects number issue-date/>                        credit notes only
 *     <seller franchise> party </seller> <buyer kind> party </buyer>
 *     <intermediary> party </intermediary>                 when the hub sells for the seller
 *     <delivery-place><name/><address/></delivery-place>   the pickup point
 *     <line no sku unit unece quantity unit-price vat-category vat-rate net-cents>
 *       <description/><producer/></line> ...
 *     <vat category rate base-cents vat-cents exemption-code>exemption text</vat> ...
 *     <totals excl-cents vat-cents incl-cents/>
 *     <payment-terms/>
 *     <transfer iban bic reference amount-cents beneficiary>   invoices, when the hub gave its IBAN
 *       <qr size d/></transfer>                            the EPC QR code as an SVG path
 *     <note/> ...
 *   </invoice>
 *   party: <name/> <legal-form/> <siret/> <vat-number/> <address country/> <email/> <phone/>
 *
 * Everything comes from the stored invoice (core/invoicing.h), never from
 * today's catalog, producers or customers. Amounts are integer cents; prices,
 * quantities and rates decimal text exactly as stored ("4.1234", "1.5", "5.5").
 */
#include "../core/bank_id.h"
#include "../core/epc_qr.h"
#include "../core/invoicing.h"
#include "../core/money.h"
#include "../core/util.h"
#include "report_int.h"

#include <stdio.h>

static void party(rpt_ctx *ctx, const char *tag, const inv_party *p)
{
    rpt_xml_start(ctx, tag);
    if (str_eq(tag, "seller"))
        rpt_xml_attr_bool(ctx, "franchise", p->franchise);
    if (str_eq(tag, "buyer"))
        rpt_xml_attr(ctx, "kind", p->business ? "business" : "person");
    rpt_xml_element(ctx, "name", p->name);
    rpt_xml_element(ctx, "legal-form", p->legal_form);
    rpt_xml_element(ctx, "siret", p->siret);
    rpt_xml_element(ctx, "vat-number", p->vat_number);
    rpt_xml_start(ctx, "address");
    rpt_xml_attr(ctx, "country", p->address.country);
    rpt_xml_text(ctx, p->address.line1 ? p->address.line1 : "");
    rpt_xml_end(ctx);
    rpt_xml_element(ctx, "email", p->email);
    rpt_xml_element(ctx, "phone", p->phone);
    rpt_xml_end(ctx);
}

static void line(rpt_ctx *ctx, const inv_line *l)
{
    char s[32], cat[2] = {l->vat_category, 0};
    rpt_xml_start(ctx, "line");
    rpt_xml_attr_int(ctx, "no", l->line_no);
    rpt_xml_attr(ctx, "sku", l->sku);
    rpt_xml_attr(ctx, "unit", l->unit);
    rpt_xml_attr(ctx, "unece", l->unece);
    rpt_xml_attr_milli(ctx, "quantity", l->quantity);
    rpt_xml_attr(ctx, "unit-price", dec_format(s, l->unit_price, 4, 2));
    rpt_xml_attr(ctx, "vat-category", cat);
    rpt_xml_attr(ctx, "vat-rate", dec_format(s, l->vat_rate, 2, 0));
    rpt_xml_attr_int(ctx, "net-cents", l->net);
    rpt_xml_element(ctx, "description", l->description);
    if (l->producer && *l->producer)
        rpt_xml_element(ctx, "producer", l->producer);
    rpt_xml_end(ctx);
}

static void vat(rpt_ctx *ctx, const inv_vat *v)
{
    char s[32], cat[2] = {v->category, 0};
    rpt_xml_start(ctx, "vat");
    rpt_xml_attr(ctx, "category", cat);
    rpt_xml_attr(ctx, "rate", dec_format(s, v->rate, 2, 0));
    rpt_xml_attr_int(ctx, "base-cents", v->base);
    rpt_xml_attr_int(ctx, "vat-cents", v->vat);
    if (v->exemption_code && *v->exemption_code)
        rpt_xml_attr(ctx, "exemption-code", v->exemption_code);
    rpt_xml_text(ctx, v->exemption_text ? v->exemption_text : "");
    rpt_xml_end(ctx);
}

/* How to pay an invoice by transfer: the hub's account as the invoice was issued with
 * it, the order's reference (core/bank_id.h), the invoice's total, and the EPC QR code a
 * banking app scans (core/epc_qr.h). Invoices only: a credit note asks for nothing. */
static void transfer(rpt_ctx *ctx, const inv_stored *s)
{
    const invoice *inv = &s->inv;
    if (inv->type_code != 380 || !s->payment_iban || !*s->payment_iban || !s->order_id ||
        inv->total_incl <= 0)
        return;
    char rf[RF_MAX + 1], grouped[32], iban[48];
    rf_for(RF_ORDER, s->order_id, rf);
    const char *beneficiary = s->hub && s->hub->name ? s->hub->name : inv->seller.name;
    const char *payload = epc_payload(ctx->mem, beneficiary, s->payment_iban, s->payment_bic,
                                      inv->total_incl, rf, NULL);
    rpt_xml_start(ctx, "transfer");
    rpt_xml_attr(ctx, "iban", bank_iban_grouped(s->payment_iban, iban));
    if (s->payment_bic && *s->payment_bic)
        rpt_xml_attr(ctx, "bic", s->payment_bic);
    rpt_xml_attr(ctx, "reference", rf_grouped(rf, grouped));
    rpt_xml_attr_int(ctx, "amount-cents", inv->total_incl);
    rpt_xml_attr(ctx, "beneficiary", beneficiary);
    buf d = BUF_INIT;
    int size;
    if (payload && epc_qr_path(&d, payload, &size) == 0) {
        rpt_xml_start(ctx, "qr");
        rpt_xml_attr_int(ctx, "size", size);
        rpt_xml_attr(ctx, "d", buf_str(&d));
        rpt_xml_end(ctx);
    }
    buf_free(&d);
    rpt_xml_end(ctx);
}

void rpt_xml_invoice(rpt_ctx *ctx, const inv_stored *s)
{
    const invoice *inv = &s->inv;
    rpt_xml_start(ctx, "invoice");
    rpt_xml_attr(ctx, "number", inv->number);
    rpt_xml_attr_int(ctx, "type-code", inv->type_code);
    rpt_xml_attr(ctx, "issue-date", inv->issue_date);
    rpt_xml_attr(ctx, "delivery-date", inv->delivery_date);
    rpt_xml_attr(ctx, "due-date", inv->due_date);
    rpt_xml_attr(ctx, "currency", inv->currency);
    if (s->order_id)
        rpt_xml_attr_int(ctx, "order", s->order_id);
    rpt_xml_attr(ctx, "seller-key", s->seller_key);
    if (inv->corrects_number && *inv->corrects_number) {
        rpt_xml_start(ctx, "corrects");
        rpt_xml_attr(ctx, "number", inv->corrects_number);
        rpt_xml_attr(ctx, "issue-date", inv->corrects_date);
        rpt_xml_end(ctx);
    }
    party(ctx, "seller", &inv->seller);
    party(ctx, "buyer", &inv->buyer);
    if (inv->has_intermediary)
        party(ctx, "intermediary", &inv->intermediary);
    if (inv->delivery_place && *inv->delivery_place) {
        rpt_xml_start(ctx, "delivery-place");
        rpt_xml_element(ctx, "name", inv->delivery_place);
        rpt_xml_element(ctx, "address", inv->delivery_place_address);
        rpt_xml_end(ctx);
    }
    for (size_t i = 0; i < inv->nlines; i++)
        line(ctx, &inv->lines[i]);
    for (size_t i = 0; i < inv->nvat; i++)
        vat(ctx, &inv->vat[i]);
    rpt_xml_start(ctx, "totals");
    rpt_xml_attr_int(ctx, "excl-cents", inv->total_excl);
    rpt_xml_attr_int(ctx, "vat-cents", inv->total_vat);
    rpt_xml_attr_int(ctx, "incl-cents", inv->total_incl);
    rpt_xml_end(ctx);
    rpt_xml_element(ctx, "payment-terms", inv->payment_terms);
    transfer(ctx, s);
    for (size_t i = 0; i < inv->nnotes; i++)
        rpt_xml_element(ctx, "note", inv->notes[i]);
    rpt_xml_end(ctx);
}

/* The cycle's document: every invoice and credit note, by seller then number;
 * producer keeps that seller's, pickup those of the orders collected there. */
db_status rpt_invoices(rpt_ctx *ctx)
{
    inv_stored *s;
    size_t n;
    db_status st = invoice_load_cycle(ctx->db, ctx->mem, ctx->hub_id, ctx->cycle_id,
                                      ctx->producer_id, ctx->pickup_id, &s, &n);
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        rpt_xml_invoice(ctx, &s[i]);
    return DB_OK;
}
