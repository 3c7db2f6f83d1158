/*
 * reports/archive_render.c — a batch of issued invoices, one FOP run, one Factur-X
 * file each (reports/archive_render.h).
 *
 * Everything but FOP happens in this process: the CII of each invoice first (an
 * invoice that fails the EN 16931 checks stops the batch before any rendering),
 * the XML and the FO in memory, then FOP once, then the cut and the Factur-X
 * finishing with libqpdf, a millisecond or so per invoice.
 */
#include "archive_render.h"
#include "../core/log.h"
#include "../core/sha256.h"
#include "../core/util.h"
#include "cii.h"
#include "facturx.h"
#include "invoice_doc.h"
#include "pdf_parts.h"

#include <libxml/parser.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Cut the book into out[], each part carrying its CII. */
static int cut(const buf *pdf, const buf *cii, size_t n, rpt_archived *out, rpt_error *err)
{
    char msg[400];
    rpt_book *book = rpt_book_open(pdf->data, pdf->len, n, msg, sizeof msg);
    if (!book)
        return fail(err, "archive_failed", "the rendered PDF cannot be cut: %s", msg);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        qpdf_data part = rpt_book_part(book, i, msg, sizeof msg);
        if (!part) {
            rc = fail(err, "archive_failed", "part %zu: %s", i + 1, msg);
            break;
        }
        if (rpt_facturx_apply(part, cii[i].data, cii[i].len, msg, sizeof msg) != 0 ||
            rpt_pdf_write(part, rpt_book_version(book), &out[i].pdf, msg, sizeof msg) != 0)
            rc = fail(err, "facturx_failed", "part %zu: %s", i + 1, msg);
        else
            sha256(out[i].pdf.data, out[i].pdf.len, out[i].sha256);
        qpdf_cleanup(&part);
    }
    rpt_book_close(book);
    return rc;
}

/* libxml2 sets up its tables once, before threads use it side by side. */
static pthread_once_t libxml_once = PTHREAD_ONCE_INIT;

static void libxml_init(void)
{
    xmlInitParser();
}

int rpt_archive_render(const inv_stored *s, size_t n, const rpt_pdf_options *run, rpt_archived *out,
                       rpt_error *err)
{
    pthread_once(&libxml_once, libxml_init);
    memset(err, 0, sizeof *err);
    if (n == 0)
        return 0;
    int64_t t0 = now_us();
    buf *cii = xcalloc(n, sizeof *cii);
    buf xml = BUF_INIT, fo = BUF_INIT, pdf = BUF_INIT;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        if (rpt_cii_write(&s[i].inv, &cii[i]) != 0)
            rc = fail(err, "render_failed", "invoice %s does not pass the EN 16931 checks",
                      s[i].inv.number);
    const char *params[] = {"lang", "fr", "archive", "1", NULL};
    rpt_pdf_options opt = {.profile = "PDF/A-3b"};
    if (run) {
        opt.deadline_us = run->deadline_us;
        opt.cancel = run->cancel;
    }
    if (rc == 0)
        rc = rpt_invoice_xml(s, n, "fr", &xml, err);
    if (rc == 0)
        rc = rpt_transform(xml.data, xml.len, "invoices-fo", params, &fo, err);
    buf_free(&xml);
    int64_t t1 = now_us();
    if (rc == 0)
        rc = rpt_pdf(fo.data, fo.len, &opt, &pdf, err);
    buf_free(&fo);
    int64_t t2 = now_us();
    if (rc == 0)
        rc = cut(&pdf, cii, n, out, err);
    if (rc != 0)
        for (size_t i = 0; i < n; i++)
            buf_free(&out[i].pdf);
    else
        log_event(LOG_INFO, "archive.rendered",
                  "invoices=%zu prepare_ms=%lld fop_ms=%lld cut_ms=%lld bytes=%zu", n,
                  (long long)(t1 - t0) / 1000, (long long)(t2 - t1) / 1000,
                  (long long)(now_us() - t2) / 1000, pdf.len);
    buf_free(&pdf);
    for (size_t i = 0; i < n; i++)
        buf_free(&cii[i]);
    free(cii);
    return rc;
}
