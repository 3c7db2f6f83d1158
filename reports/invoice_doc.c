/*
 * reports/invoice_doc.c — one stored invoice as CII, km0 XML, HTML, PDF or Factur-X.
 *
 * The km0 XML of one invoice is an <invoices> document with a single
 * <invoice> (rpt_xml_invoice, the element the cycle's report repeats), so one
 * schema and one pair of stylesheets serve both. Its <head> is written from
 * the invoice itself — the hub as the invoice's snapshot names it, the time it
 * was issued as "generated-at" — so the document never changes once issued.
 *
 * Factur-X is what the archive keeps (reports/archive_render.c): rendered here
 * as a batch of one when asked for directly, the same way the archive renders
 * its batches.
 */
#include "invoice_doc.h"
#include "../core/util.h"
#include "archive_render.h"
#include "cii.h"
#include "report_int.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const names[] = {"cii", "xml", "html", "pdf", "facturx"};
static const char *const types[] = {"application/xml; charset=utf-8",
                                    "application/xml; charset=utf-8", "text/html; charset=utf-8",
                                    "application/pdf", "application/pdf"};
static const char *const suffixes[] = {"-cii.xml", ".xml", ".html", ".pdf", "-facturx.pdf"};

bool rpt_invoice_format_parse(const char *s, inv_format *f)
{
    for (size_t i = 0; s && i < ARRAY_LEN(names); i++)
        if (str_eq(s, names[i])) {
            *f = (inv_format)i;
            return true;
        }
    return false;
}

const char *rpt_invoice_format_name(inv_format f)
{
    return names[f];
}

const char *rpt_invoice_content_type(inv_format f)
{
    return types[f];
}

char *rpt_invoice_file_name(char *out, const char *number, inv_format f)
{
    snprintf(out, 128, "%.80s%s", number, suffixes[f]);
    return out;
}

static int fail(rpt_error *err, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(rpt_error *err, const char *code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = 500;
    err->code = code;
    err->field = NULL;
    return -1;
}

/* ---- the km0 XML document ---------------------------------------------------------- */

static void write_head(rpt_ctx *ctx, const inv_stored *s)
{
    const inv_party *h = s->hub;
    char num[32];
    rpt_xml_start(ctx, "head");
    rpt_xml_element(ctx, "generated-at", s->issued_at);
    rpt_xml_element(ctx, "lang", ctx->rq->lang);
    rpt_xml_start(ctx, "hub");
    rpt_xml_attr(ctx, "slug", s->hub_slug);
    rpt_xml_element(ctx, "name", h->name);
    rpt_xml_element(ctx, "legal-form", h->legal_form);
    rpt_xml_element(ctx, "siret", h->siret);
    rpt_xml_element(ctx, "vat-number", h->vat_number);
    rpt_xml_element(ctx, "address", h->address.line1);
    rpt_xml_element(ctx, "email", h->email);
    rpt_xml_element(ctx, "phone", h->phone);
    rpt_xml_start(ctx, "depot");
    snprintf(num, sizeof num, "%.15g", s->hub_lat);
    rpt_xml_attr(ctx, "lat", num);
    snprintf(num, sizeof num, "%.15g", s->hub_lon);
    rpt_xml_attr(ctx, "lon", num);
    rpt_xml_end(ctx);
    rpt_xml_end(ctx); /* hub */
    rpt_xml_start(ctx, "cycle");
    rpt_xml_attr_int(ctx, "id", s->cycle_id);
    rpt_xml_attr(ctx, "state", s->cycle_state);
    rpt_xml_element(ctx, "name", s->cycle_name);
    rpt_xml_start(ctx, "delivery-date");
    rpt_xml_attr_int(ctx, "day", s->delivery_dow);
    rpt_xml_text(ctx, s->inv.delivery_date);
    rpt_xml_end(ctx);
    rpt_xml_end(ctx); /* cycle */
    /* who sold, as this invoice says, not as the configuration says today */
    rpt_xml_element(ctx, "seller-mode", s->inv.has_intermediary ? "producers" : "hub");
    rpt_xml_end(ctx); /* head */
}

int rpt_invoice_xml(const inv_stored *s, size_t n, const char *lang, buf *xml, rpt_error *err)
{
    rpt_request rq = {.kind = "invoices", .lang = lang};
    rpt_ctx ctx = {.mem = arena_new(), .rq = &rq};
    ctx.w = rpt_xml_writer(xml);
    if (!ctx.w) {
        arena_free(ctx.mem);
        return fail(err, "render_failed", "out of memory");
    }
    if (xmlTextWriterStartDocument(ctx.w, "1.0", "UTF-8", NULL) < 0)
        ctx.xml_failed = true;
    rpt_xml_start(&ctx, "invoices");
    rpt_xml_attr(&ctx, "xmlns", RPT_NAMESPACE);
    rpt_xml_attr(&ctx, "version", "1");
    write_head(&ctx, s);
    for (size_t i = 0; i < n; i++)
        rpt_xml_invoice(&ctx, &s[i]);
    rpt_xml_end(&ctx);
    bool ok = rpt_xml_finish(&ctx);
    arena_free(ctx.mem);
    if (!ok)
        return fail(err, "render_failed", "the invoice document could not be written");
    /* cheap next to FOP, and a document that breaks its schema is a bug to stop at */
    return rpt_validate(xml->data, xml->len, "invoices", err);
}

/* ---- formats ------------------------------------------------------------------------- */

static int render(const inv_stored *s, inv_format f, const char *lang, buf *out, rpt_error *err)
{
    buf cii = BUF_INIT, xml = BUF_INIT, fo = BUF_INIT;
    int rc = 0;
    if (f == INV_FACTURX) {
        rpt_archived made = {BUF_INIT, {0}};
        rc = rpt_archive_render(s, 1, NULL, &made, err);
        if (rc == 0)
            buf_append(out, made.pdf.data, made.pdf.len);
        buf_free(&made.pdf);
        return rc;
    }
    if (f == INV_CII && rpt_cii_write(&s->inv, &cii) != 0)
        rc = fail(err, "render_failed", "invoice %s does not pass the EN 16931 checks",
                  s->inv.number);
    if (rc == 0 && f != INV_CII)
        rc = rpt_invoice_xml(s, 1, lang, &xml, err);
    if (rc != 0)
        goto out;
    switch (f) {
    case INV_CII:
        buf_append(out, cii.data, cii.len);
        break;
    case INV_XML:
        buf_append(out, xml.data, xml.len);
        break;
    case INV_HTML: {
        const char *params[] = {"lang", lang, NULL};
        rc = rpt_transform(xml.data, xml.len, "invoices-html", params, out, err);
        break;
    }
    case INV_PDF: {
        const char *params[] = {"lang", lang, NULL};
        if ((rc = rpt_transform(xml.data, xml.len, "invoices-fo", params, &fo, err)) == 0)
            rc = rpt_pdf(fo.data, fo.len, NULL, out, err);
        break;
    }
    case INV_FACTURX:
        break; /* above */
    }
out:
    buf_free(&cii);
    buf_free(&xml);
    buf_free(&fo);
    return rc;
}

int rpt_invoice_pdf_job(const inv_stored *s, const char *lang, rpt_pdf_job *job, rpt_error *err)
{
    memset(job, 0, sizeof *job);
    memset(err, 0, sizeof *err);
    if (!lang || !str_eq(lang, "en"))
        lang = "fr";
    buf xml = BUF_INIT;
    const char *params[] = {"lang", lang, NULL};
    int rc = rpt_invoice_xml(s, 1, lang, &xml, err);
    if (rc == 0)
        rc = rpt_transform(xml.data, xml.len, "invoices-fo", params, &job->fo, err);
    buf_free(&xml);
    if (rc != 0)
        rpt_pdf_job_free(job);
    return rc;
}

/* libxml2 sets up its tables on first use, which two threads must not race
 * to do (a CII export may be a server's first use of it). */
static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

static void libxml_init(void)
{
    xmlInitParser();
}

int rpt_invoice_render(db_conn *c, const inv_stored *s, inv_format f, const char *lang, buf *out,
                       rpt_error *err)
{
    (void)c; /* everything needed was loaded with the invoice */
    pthread_once(&libxml_once, libxml_init);
    memset(err, 0, sizeof *err);
    if (!lang || !str_eq(lang, "en"))
        lang = "fr";
    buf doc = BUF_INIT;
    int rc = render(s, f, lang, &doc, err);
    if (rc == 0)
        buf_append(out, doc.data ? doc.data : "", doc.len);
    buf_free(&doc);
    return rc;
}
