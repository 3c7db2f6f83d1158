/*
 * reports/archive_check.c — the checks km0 invoice verify runs on each archived file.
 *
 * Each check that fails adds a sentence to the report and the checks go on, so
 * that one run says everything wrong with a file. Structure is read with libqpdf
 * (the library qpdf --check is made of), the XMP metadata with libxml2's XPath,
 * properties accepted as elements or as attributes (both are XMP).
 */
#include "archive_check.h"
#include "../core/sha256.h"
#include "../core/util.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <qpdf/qpdf-c.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FX_FILE "factur-x.xml"
#define NS_FX   "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

static void problem(buf *out, int *count, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void problem(buf *out, int *count, const char *fmt, ...)
{
    if ((*count)++)
        buf_puts(out, "; ");
    va_list ap;
    va_start(ap, fmt);
    char line[600];
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    buf_puts(out, line);
}

/* ---- XMP ------------------------------------------------------------------------ */

/* The value of prefix:name on any rdf:Description, element or attribute ("" if none). */
static char *xmp_value(xmlXPathContext *x, const char *qname)
{
    char expr[200];
    snprintf(expr, sizeof expr, "string((//rdf:Description/%s | //rdf:Description/@%s)[1])", qname,
             qname);
    xmlXPathObject *o = xmlXPathEvalExpression(BAD_CAST expr, x);
    char *v = xstrdup(o && o->stringval ? (const char *)o->stringval : "");
    xmlXPathFreeObject(o);
    return v;
}

static void check_xmp(const unsigned char *xmp, size_t len, buf *out, int *count)
{
    xmlDoc *doc = xmlReadMemory((const char *)xmp, (int)len, "xmp", NULL,
                                XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!doc) {
        problem(out, count, "its XMP metadata is not well-formed XML");
        return;
    }
    xmlXPathContext *x = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(x, BAD_CAST "rdf", BAD_CAST "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
    xmlXPathRegisterNs(x, BAD_CAST "pdfaid", BAD_CAST "http://www.aiim.org/pdfa/ns/id/");
    xmlXPathRegisterNs(x, BAD_CAST "fx", BAD_CAST NS_FX);
    xmlXPathRegisterNs(x, BAD_CAST "pdfaSchema", BAD_CAST "http://www.aiim.org/pdfa/ns/schema#");
    static const char *const want[][2] = {
        {"pdfaid:part", "3"},           {"pdfaid:conformance", "B"},
        {"fx:DocumentType", "INVOICE"}, {"fx:DocumentFileName", FX_FILE},
        {"fx:Version", "1.0"},          {"fx:ConformanceLevel", "EN 16931"},
    };
    for (size_t i = 0; i < ARRAY_LEN(want); i++) {
        char *v = xmp_value(x, want[i][0]);
        if (!str_eq(v, want[i][1]))
            problem(out, count, "its XMP metadata says %s \"%s\" instead of \"%s\"", want[i][0], v,
                    want[i][1]);
        free(v);
    }
    xmlXPathObject *o = xmlXPathEvalExpression(
        BAD_CAST "count(//pdfaSchema:namespaceURI[normalize-space(.) = '" NS_FX "'])", x);
    if (!o || o->floatval != 1)
        problem(out, count, "its XMP metadata does not declare the fx: extension schema once");
    xmlXPathFreeObject(o);
    xmlXPathFreeContext(x);
    xmlFreeDoc(doc);
}

/* ---- PDF structure -------------------------------------------------------------------- */

/* The file specification named factur-x.xml in the /EmbeddedFiles name tree. */
static qpdf_oh find_filespec(qpdf_data q, qpdf_oh node, int depth, bool *found)
{
    if (depth > 16 || !qpdf_oh_is_dictionary(q, node))
        return node;
    qpdf_oh names = qpdf_oh_get_key(q, node, "/Names");
    int n = qpdf_oh_is_array(q, names) ? qpdf_oh_get_array_n_items(q, names) : 0;
    for (int i = 0; i + 1 < n; i += 2) {
        qpdf_oh k = qpdf_oh_get_array_item(q, names, i);
        if (qpdf_oh_is_string(q, k) && str_eq(qpdf_oh_get_string_value(q, k), FX_FILE)) {
            *found = true;
            return qpdf_oh_get_array_item(q, names, i + 1);
        }
    }
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/Kids");
    n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < n && !*found; i++) {
        qpdf_oh fs = find_filespec(q, qpdf_oh_get_array_item(q, kids, i), depth + 1, found);
        if (*found)
            return fs;
    }
    return node;
}

static bool in_af(qpdf_data q, qpdf_oh root, qpdf_oh fs)
{
    qpdf_oh af = qpdf_oh_get_key(q, root, "/AF");
    int n = qpdf_oh_is_array(q, af) ? qpdf_oh_get_array_n_items(q, af) : 0;
    for (int i = 0; i < n; i++)
        if (qpdf_oh_get_object_id(q, qpdf_oh_get_array_item(q, af, i)) ==
            qpdf_oh_get_object_id(q, fs))
            return true;
    return false;
}

/* The stream's data decoded (malloc'd), or NULL. */
static unsigned char *stream_data(qpdf_data q, qpdf_oh st, size_t *len)
{
    unsigned char *data = NULL;
    QPDF_BOOL filtered = QPDF_FALSE;
    if (!qpdf_oh_is_stream(q, st) ||
        (qpdf_oh_get_stream_data(q, st, qpdf_dl_generalized, &filtered, &data, len) &
         QPDF_ERRORS) ||
        !filtered) {
        free(data);
        return NULL;
    }
    return data;
}

static void check_attachment(qpdf_data q, qpdf_oh root, const char *cii, size_t cii_len, buf *out,
                             int *count)
{
    bool found = false;
    qpdf_oh embedded = qpdf_oh_get_key(q, qpdf_oh_get_key(q, root, "/Names"), "/EmbeddedFiles");
    qpdf_oh fs = find_filespec(q, embedded, 0, &found);
    if (!found || !qpdf_oh_is_dictionary(q, fs)) {
        problem(out, count, "no embedded file is named " FX_FILE);
        return;
    }
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, fs, "/AFRelationship"), "/Alternative"))
        problem(out, count, FX_FILE " is not attached as /AFRelationship /Alternative");
    if (!in_af(q, root, fs))
        problem(out, count, FX_FILE " is not among the catalog's associated files (/AF)");
    qpdf_oh st = qpdf_oh_get_key(q, qpdf_oh_get_key(q, fs, "/EF"), "/F");
    if (!qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, qpdf_oh_get_dict(q, st), "/Subtype"),
                                    "/text/xml"))
        problem(out, count, FX_FILE " is not marked text/xml");
    size_t len = 0;
    unsigned char *xml = stream_data(q, st, &len);
    if (!xml)
        problem(out, count, FX_FILE " cannot be read");
    else if (len != cii_len || memcmp(xml, cii, len) != 0)
        problem(out, count,
                FX_FILE " differs from the invoice's CII export (%zu bytes, %zu expected)", len,
                cii_len);
    free(xml);
}

static void check_structure(qpdf_data q, const char *cii, size_t cii_len, buf *out, int *count)
{
    qpdf_oh root = qpdf_get_root(q);
    if (!qpdf_oh_is_array(q, qpdf_oh_get_key(q, root, "/OutputIntents")))
        problem(out, count, "it has no output intent (PDF/A)");
    size_t len = 0;
    unsigned char *xmp = stream_data(q, qpdf_oh_get_key(q, root, "/Metadata"), &len);
    if (!xmp)
        problem(out, count, "it has no readable XMP metadata (PDF/A)");
    else
        check_xmp(xmp, len, out, count);
    free(xmp);
    check_attachment(q, root, cii, cii_len, out, count);
}

int rpt_archive_check(const void *pdf, size_t len, const unsigned char stored_sha256[32],
                      const char *cii, size_t cii_len, buf *problems)
{
    int count = 0;
    unsigned char sha[32];
    sha256(pdf, len, sha);
    if (memcmp(sha, stored_sha256, 32) != 0)
        problem(problems, &count, "its SHA-256 is not the one stored with it: the bytes changed");
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    if ((qpdf_read_memory(q, "archived.pdf", pdf, len, NULL) & QPDF_ERRORS) ||
        (qpdf_check_pdf(q) & QPDF_ERRORS)) {
        qpdf_error e = qpdf_get_error(q);
        problem(problems, &count, "qpdf cannot read it: %s",
                e ? qpdf_get_error_full_text(q, e) : "unknown error");
        qpdf_cleanup(&q);
        return count;
    }
    while (qpdf_more_warnings(q)) {
        qpdf_error w = qpdf_next_warning(q);
        problem(problems, &count, "qpdf: %s", qpdf_get_error_full_text(q, w));
    }
    check_structure(q, cii, cii_len, problems, &count);
    if (qpdf_has_error(q)) {
        qpdf_error e = qpdf_get_error(q);
        problem(problems, &count, "qpdf: %s", e ? qpdf_get_error_full_text(q, e) : "error");
    }
    qpdf_cleanup(&q);
    return count;
}
