/*
 * reports/settlement_doc.c — the settlement statement: km0 XML written here from the
 * stored settlement, validated against its XSD, then XSLT to XSL-FO and FOP to PDF,
 * the way every km0 document is made (reports/report.h).
 */
#include "settlement_doc.h"
#include "../core/money.h"
#include "../core/text.h"
#include "../core/util.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
DB_STMT(hub_identity, "SELECT name, siret, address FROM hubs WHERE id = $1");
/* clang-format on */

static void attr(buf *b, arena *a, const char *name, const char *value)
{
    buf_printf(b, " %s=\"", name);
    buf_html(b, text_xml_safe(a, value ? value : ""));
    buf_putc(b, '"');
}

static void cents_attr(buf *b, const char *name, cents_t v)
{
    buf_printf(b, " %s=\"%lld\"", name, (long long)v);
}

static void write_xml(arena *a, const rpt_settlement_hub *hub, const settlement *s,
                      const settlement_invoice *inv, size_t ninv, buf *b)
{
    buf_printf(b,
               "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<settlement "
               "xmlns=\"urn:km0:settlement:1\" id=\"%lld\"",
               (long long)s->id);
    attr(b, a, "from", s->period_from);
    attr(b, a, "to", s->period_to);
    buf_printf(b, " cycle=\"%lld\"", (long long)s->cycle_id);
    attr(b, a, "created-at", s->created_at);
    buf_puts(b, ">\n<hub");
    attr(b, a, "name", hub->name);
    attr(b, a, "siret", hub->siret);
    attr(b, a, "address", hub->address);
    buf_puts(b, "/>\n<producer");
    attr(b, a, "slug", s->producer_slug);
    attr(b, a, "name", s->producer_name);
    buf_puts(b, "/>\n");
    for (size_t i = 0; i < ninv; i++) {
        char pct[32];
        buf_puts(b, "<invoice");
        attr(b, a, "number", inv[i].number);
        attr(b, a, "date", inv[i].issue_date);
        attr(b, a, "kind", inv[i].type_code == 381 ? "credit-note" : "invoice");
        attr(b, a, "fee-percent", dec_format(pct, inv[i].fee_bp, 2, 0));
        cents_attr(b, "excl-cents", inv[i].excl);
        cents_attr(b, "incl-cents", inv[i].incl);
        buf_puts(b, "/>\n");
    }
    buf_puts(b, "<totals");
    cents_attr(b, "sales-excl-cents", s->sales_excl);
    cents_attr(b, "sales-incl-cents", s->sales_incl);
    cents_attr(b, "credits-excl-cents", s->credits_excl);
    cents_attr(b, "credits-incl-cents", s->credits_incl);
    cents_attr(b, "fee-excl-cents", s->fee_excl);
    cents_attr(b, "fee-vat-cents", s->fee_vat);
    cents_attr(b, "due-cents", s->due);
    attr(b, a, "commission-invoice", s->commission_number);
    buf_puts(b, "/>\n</settlement>\n");
}

int rpt_settlement_render(const rpt_settlement_hub *hub, const settlement *s,
                          const settlement_invoice *inv, size_t ninv, rpt_format f,
                          const char *lang, buf *out, rpt_error *err)
{
    arena *a = arena_new();
    buf xml = BUF_INIT, fo = BUF_INIT;
    int rc = -1;
    write_xml(a, hub, s, inv, ninv, &xml);
    const char *params[] = {"lang", lang && str_eq(lang, "en") ? "en" : "fr", NULL};
    if (rpt_validate(xml.data, xml.len, "settlement", err) != 0) {
        /* our own document failing its schema is a bug: err says so (500) */
    } else if (f == RPT_XML) {
        buf_append(out, xml.data, xml.len);
        rc = 0;
    } else if (f != RPT_FO && f != RPT_PDF) {
        *err = (rpt_error){.status = 422, .code = "unknown_format", .field = "format"};
        snprintf(err->message, sizeof err->message, "format: xml, fo, pdf");
    } else if (rpt_transform(xml.data, xml.len, "settlement-fo", params, &fo, err) == 0) {
        if (f == RPT_FO) {
            buf_append(out, fo.data, fo.len);
            rc = 0;
        } else {
            rpt_pdf_options opt = {0};
            rc = rpt_pdf(fo.data, fo.len, &opt, out, err);
        }
    }
    buf_free(&xml);
    buf_free(&fo);
    arena_free(a);
    return rc;
}

int rpt_settlement_load_render(db_conn *c, int64_t hub, int64_t id, int64_t producer, rpt_format f,
                               const char *lang, buf *out, rpt_error *err)
{
    arena *a = arena_new();
    settlement s;
    settlement_invoice *inv = NULL;
    size_t ninv = 0;
    bool found = false;
    PGresult *r;
    int rc = -1;
    db_status st = settlement_find(c, a, hub, id, &s, &inv, &ninv, &found);
    if (st == DB_OK && found && (!producer || s.producer_id == producer))
        st = db_run_a(c, a, &hub_identity, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK) {
        *err = (rpt_error){.status = 503, .code = "database_unavailable"};
        snprintf(err->message, sizeof err->message, "%s", "database unavailable");
    } else if (!found || (producer && s.producer_id != producer)) {
        *err = (rpt_error){.status = 404, .code = "settlement_not_found", .field = "id"};
        snprintf(err->message, sizeof err->message,
                 str_eq(lang, "en") ? "There is no such settlement."
                                    : "Ce relevé de reversement n’existe pas.");
    } else {
        rpt_settlement_hub h = {db_val(r, 0, "name"), db_val(r, 0, "siret"),
                                db_val(r, 0, "address")};
        rc = rpt_settlement_render(&h, &s, inv, ninv, f, lang, out, err);
    }
    arena_free(a);
    return rc;
}
