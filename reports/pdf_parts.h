/*
 * reports/pdf_parts.h — one PDF holding many documents, cut back into one PDF each.
 *
 * Starting FOP's Java VM costs about a second; rendering a page, a hundredth of
 * one. So the archive renders a batch of invoices as one FO document, a page
 * sequence each (reports/archive_render.c), and cuts the PDF FOP makes into one
 * file per invoice here, with libqpdf.
 *
 * Where each document starts and ends is not guessed from page counts: the FO
 * marks the first and the last block of document i (1-based) with the ids
 * "km0-s-i" and "km0-e-i" and declares both as named destinations
 * (fox:destination), which FOP writes into the PDF's /Dests name tree with the
 * page each falls on. Every document must start on the page after the previous
 * one ended, and the last end on the last page, or the book is refused: a
 * misplaced page would put one buyer's invoice into another's file.
 *
 * A part keeps its pages (with the fonts and images they use) and what makes the
 * whole a PDF/A: the XMP metadata, the output intent, the document language and
 * the document information, so it claims what the whole claimed. Its /ID is
 * computed from its content (qpdf's deterministic ID).
 */
#ifndef KM0_PDF_PARTS_H
#define KM0_PDF_PARTS_H

#include "../core/buf.h"

#include <qpdf/qpdf-c.h>
#include <stddef.h>

typedef struct rpt_book rpt_book;

/* Open the PDF (len bytes at pdf, which must outlive the book) holding ndocs
 * documents marked as above. Returns NULL with a message in err when it cannot
 * be read or its marks are missing, out of order or leave pages out. */
rpt_book *rpt_book_open(const void *pdf, size_t len, size_t ndocs, char *err, size_t errlen);
/* Pages of document i (0-based), first and last, 0-based. */
void rpt_book_range(const rpt_book *b, size_t i, int *first, int *last);
/* Document i as a PDF of its own, for the caller to finish (rpt_facturx_apply)
 * and write (rpt_pdf_write); qpdf_cleanup it, before rpt_book_close. NULL with a
 * message in err on failure. */
qpdf_data rpt_book_part(rpt_book *b, size_t i, char *err, size_t errlen);
void rpt_book_close(rpt_book *b);
/* The book's PDF version ("1.4"): its parts' headers say the same. */
const char *rpt_book_version(const rpt_book *b);

/* Write q as a PDF appended to out, with a header of at least version (NULL: as
 * q's objects need) and a /ID computed from the content. */
int rpt_pdf_write(qpdf_data q, const char *version, buf *out, char *err, size_t errlen);

#endif
