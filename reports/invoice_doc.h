/*
 * reports/invoice_doc.h — one issued invoice in every format it is handed out in.
 *
 *   cii      UN/CEFACT CII D16B, EN 16931 profile (rpt_cii_write)
 *   xml      km0's invoice document: an <invoices> document holding this one
 *            invoice (reports/xsd/invoices.xsd), the same XML the cycle's
 *            "invoices" report is made of
 *   html     that document as a printable page (reports/xsl/invoices-html.xsl)
 *   pdf      that document through XSL-FO and FOP (reports/xsl/invoices-fo.xsl)
 *   facturx  the PDF as PDF/A-3b carrying the CII as factur-x.xml, with the
 *            Factur-X XMP metadata: the file the archive keeps
 *            (reports/archive_render.h), rendered the same way
 *
 * Everything is rendered from the stored invoice (core/invoicing.h,
 * invoice_find), so exporting the same invoice twice gives the same CII, XML
 * and HTML byte for byte (the document's "generated-at" is the time it was
 * issued), whatever happened to the catalog, producers or customers since.
 */
#ifndef KM0_INVOICE_DOC_H
#define KM0_INVOICE_DOC_H

#include "../core/invoicing.h"
#include "report.h"

typedef enum { INV_CII = 0, INV_XML, INV_HTML, INV_PDF, INV_FACTURX } inv_format;

bool rpt_invoice_format_parse(const char *s, inv_format *f); /* "cii", "xml", ... */
const char *rpt_invoice_format_name(inv_format f);
const char *rpt_invoice_content_type(inv_format f);
/* "FTC7-2026-000012.pdf", "…-cii.xml", "…-facturx.pdf" into out (128 bytes). */
char *rpt_invoice_file_name(char *out, const char *number, inv_format f);

/* Append the invoice in format f to out; lang "fr" (default) or "en" for the
 * document's labels (the legal mentions stay French). Returns 0, or -1 with
 * *err filled (5xx: the stored invoice could not be rendered) and out
 * untouched. */
int rpt_invoice_render(db_conn *c, const inv_stored *s, inv_format f, const char *lang, buf *out,
                       rpt_error *err);

/* The pdf format in two halves (server/render_pool.h): the FO into job here,
 * FOP by rpt_pdf_job_run. */
int rpt_invoice_pdf_job(const inv_stored *s, const char *lang, rpt_pdf_job *job, rpt_error *err);

/* The km0 XML document <invoices> holding s[0 .. n) (one hub's), its head
 * written from s[0]; checked against reports/xsd/invoices.xsd. */
int rpt_invoice_xml(const inv_stored *s, size_t n, const char *lang, buf *xml, rpt_error *err);

#endif
