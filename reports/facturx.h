/*
 * reports/facturx.h — turning a PDF/A-3 invoice into a Factur-X invoice.
 *
 * A Factur-X invoice (profile EN 16931) is a PDF/A-3 whose catalog carries the
 * CII XML as an associated file named factur-x.xml, with the relationship
 * /Alternative, the MIME type text/xml, and XMP metadata saying so in the fx:
 * schema (declared as a PDF/A extension schema). Apache FOP renders the PDF/A-3
 * and can embed the file, but marks it /Data and application/octet-stream and
 * writes no fx: metadata; this module fixes the file with libqpdf.
 */
#ifndef KM0_FACTURX_H
#define KM0_FACTURX_H

#include <qpdf/qpdf-c.h>
#include <stddef.h>

/* Read the PDF/A-3 at pdf_path and write out_path (which may be the same
 * path) as Factur-X, its factur-x.xml being exactly the xml_len bytes at xml:
 * an attachment of that name (FOP's) is corrected and its content replaced,
 * or one is added. The XMP metadata gains the fx: properties and their
 * extension schema, once however often this runs. out_path is replaced only
 * when everything succeeded. Returns 0, or -1 with a message in err (when
 * errlen > 0). A PDF that does not claim PDF/A-3 (pdfaid:part 3) is refused:
 * Factur-X requires it, and only the renderer can make a file PDF/A. */
int rpt_facturx_make(const char *pdf_path, const char *xml, size_t xml_len, const char *out_path,
                     char *err, size_t errlen);

/* The same on a PDF already open in q (the archive's parts, made in memory:
 * reports/archive_render.c); q is left for the caller to write. */
int rpt_facturx_apply(qpdf_data q, const char *xml, size_t xml_len, char *err, size_t errlen);

#endif
