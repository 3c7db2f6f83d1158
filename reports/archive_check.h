/*
 * reports/archive_check.h — is an archived invoice file still what was archived?
 *
 * km0 invoice verify reads every file back and asks, of each:
 *   - its SHA-256 is the one stored with it (any changed byte shows here);
 *   - qpdf reads it whole without an error (what qpdf --check does: the file's
 *     structure, and every stream decoded);
 *   - it is a PDF/A-3 Factur-X: XMP metadata saying pdfaid:part 3 and the fx:
 *     properties (INVOICE, factur-x.xml, version 1.0, EN 16931) with their
 *     extension schema, an output intent, and factur-x.xml embedded as
 *     text/xml, /AFRelationship /Alternative, named in the catalog's /AF;
 *   - that factur-x.xml is byte for byte the CII the database would export now
 *     (rpt_cii_write of the stored invoice).
 * veraPDF is not packaged for Debian: PDF/A conformance as such is FOP's; these
 * are the structural checks.
 */
#ifndef KM0_ARCHIVE_CHECK_H
#define KM0_ARCHIVE_CHECK_H

#include "../core/buf.h"

#include <stddef.h>

/* Check the file (len bytes at pdf) against the SHA-256 stored with it and the
 * CII expected inside. Returns the number of problems found, each described in
 * problems (a list for a person, "; " between them). */
int rpt_archive_check(const void *pdf, size_t len, const unsigned char stored_sha256[32],
                      const char *cii, size_t cii_len, buf *problems);

#endif
