/*
 * reports/archive_render.h — issued invoices rendered as the Factur-X files the
 * archive keeps, many per FOP run.
 *
 * A batch of stored invoices becomes one km0 XML document (<invoices>, the same
 * elements the cycle's "invoices" report repeats), one XSL-FO document with a
 * page sequence per invoice and marks where each starts and ends
 * (reports/xsl/invoices-fo.xsl, archive=1), one FOP run as PDF/A-3b, then one
 * PDF per invoice cut from it (reports/pdf_parts.h) carrying the invoice's CII
 * as factur-x.xml with the Factur-X metadata (reports/facturx.h). The CII is
 * rpt_cii_write of the stored invoice: byte for byte what km0 invoice export
 * --format cii gives. The labels are French: the archived invoice is the one
 * issued, whoever reads it later.
 *
 * One invoice (a download before the archive got to it) goes the same way, as a
 * batch of one, so that a file looks the same whichever path made it.
 */
#ifndef KM0_ARCHIVE_RENDER_H
#define KM0_ARCHIVE_RENDER_H

#include "../core/invoicing.h"
#include "report.h"

typedef struct rpt_archived {
    buf pdf; /* the Factur-X file; the caller frees it (buf_free) */
    unsigned char sha256[32];
} rpt_archived;

/* Render s[0 .. n) (invoices of one hub) into out[0 .. n), which the caller
 * provides zeroed. run: FOP's deadline and cancel flag (its profile and
 * attachments are set here); NULL for none. Returns 0, or -1 with err filled
 * and nothing in out (err->status 503 "busy" when no renderer was free in
 * time, 503 "cancelled" when run->cancel turned true). */
int rpt_archive_render(const inv_stored *s, size_t n, const rpt_pdf_options *run, rpt_archived *out,
                       rpt_error *err);

#endif
