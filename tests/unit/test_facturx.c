/*
 * tests/unit/test_facturx.c — Factur-X post-processing on small PDFs built with libqpdf.
 *
 * The inputs stand in for what FOP writes (tests/integration/cii.test.mjs runs
 * the real FOP): a PDF/A-3 without attachment, one with FOP's attachment
 * (/Data, application/octet-stream, stale content) among other attachments,
 * and a PDF that is not PDF/A-3. The outputs are read back with libqpdf.
 *
 * With KM0_FACTURX_IN, KM0_FACTURX_XML and KM0_FACTURX_OUT set, the program
 * runs no test: it applies rpt_facturx_make to those files (for the
 * integration test) and exits 0, or 1 with the error on stderr.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/buf.h"
#include "../../core/files.h"
#include "../../core/util.h"
#include "../../reports/facturx.h"

#include <libxml/parser.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char xml[] = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                          "<rsm:CrossIndustryInvoice xmlns:rsm=\"urn:un:unece:uncefact:data:"
                          "standard:CrossIndustryInvoice:100\">Goût &amp; Œufs</rsm:"
                          "CrossIndustryInvoice>\n";

static const char xmp_pdfa3[] =
    "<?xpacket begin=\"\xef\xbb\xbf\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"
    "  <rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"
    "    <rdf:Description xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" rdf:about=\"\">\n"
    "      <pdfaid:conformance>B</pdfaid:conformance>\n"
    "      <pdfaid:part>3</pdfaid:part>\n"
    "    </rdf:Description>\n"
    "    <rdf:Description xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" rdf:about=\"\" "
    "xmp:CreatorTool=\"km0 test\"/>\n"
    "  </rdf:RDF>\n"
    "</x:xmpmeta><?xpacket end=\"r\"?>";

/* PDF/A-1b: part 1, so Factur-X must be refused. */
static const char xmp_pdfa1[] =
    "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
    "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\"><rdf:Description rdf:about=\"\" "
    "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" pdfaid:part=\"1\" "
    "pdfaid:conformance=\"B\"/></rdf:RDF></x:xmpmeta>";

typedef struct dir {
    char path[64];
} dir;

static int setup(void **state)
{
    dir *d = xcalloc(1, sizeof *d);
    if (temp_dir_make(d->path, sizeof d->path, "km0-facturx") != 0)
        return -1;
    *state = d;
    return 0;
}

static int teardown(void **state)
{
    dir *d = *state;
    static const char *const names[] = {"in.pdf", "out.pdf", "again.pdf"};
    for (size_t i = 0; i < ARRAY_LEN(names); i++) {
        char p[128];
        snprintf(p, sizeof p, "%s/%s", d->path, names[i]);
        unlink(p);
    }
    rmdir(d->path);
    free(d);
    return 0;
}

static char *path_in(void **state, const char *name)
{
    dir *d = *state;
    static char p[4][128];
    static int next;
    char *r = p[next++ % 4];
    snprintf(r, 128, "%s/%s", d->path, name);
    return r;
}

static qpdf_oh new_stream(qpdf_data q, const char *data, const char *dict)
{
    qpdf_oh s = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, s, (const unsigned char *)data, strlen(data),
                                qpdf_oh_new_null(q), qpdf_oh_new_null(q));
    qpdf_oh d = qpdf_oh_parse(q, dict);
    qpdf_oh sd = qpdf_oh_get_dict(q, s);
    for (qpdf_oh_begin_dict_key_iter(q, d); qpdf_oh_dict_more_keys(q);) {
        const char *k = qpdf_oh_dict_next_key(q);
        qpdf_oh_replace_key(q, sd, k, qpdf_oh_get_key(q, d, k));
    }
    return s;
}

static qpdf_oh filespec(qpdf_data q, const char *name, qpdf_oh stream, const char *rel)
{
    char text[256];
    snprintf(text, sizeof text, "<< /Type /Filespec /F (%s) /UF (%s) /AFRelationship /%s >>", name,
             name, rel);
    qpdf_oh fs = qpdf_make_indirect_object(q, qpdf_oh_parse(q, text));
    qpdf_oh ef = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, ef, "/F", stream);
    qpdf_oh_replace_key(q, fs, "/EF", ef);
    return fs;
}

typedef enum { PLAIN_PDFA3, FOP_LIKE, PDFA1 } input_kind;

/* An input PDF: one empty page, XMP metadata, and for FOP_LIKE what FOP 2.8
 * writes for an embedded factur-x.xml, between two other attachments. */
static void make_input(const char *path, input_kind kind)
{
    qpdf_data q = qpdf_init();
    assert_int_equal(qpdf_empty_pdf(q), 0);
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh page = qpdf_make_indirect_object(
        q, qpdf_oh_parse(q, "<< /Type /Page /MediaBox [0 0 595 842] /Resources << >> >>"));
    qpdf_oh pages = qpdf_oh_get_key(q, root, "/Pages");
    qpdf_oh_replace_key(q, page, "/Parent", pages);
    qpdf_oh_append_item(q, qpdf_oh_get_key(q, pages, "/Kids"), page);
    qpdf_oh_replace_key(q, pages, "/Count", qpdf_oh_new_integer(q, 1));
    qpdf_oh md =
        new_stream(q, kind == PDFA1 ? xmp_pdfa1 : xmp_pdfa3, "<< /Type /Metadata /Subtype /XML >>");
    qpdf_oh_replace_key(q, root, "/Metadata", md);
    if (kind == FOP_LIKE) {
        qpdf_oh stale = new_stream(q, "<stale/>",
                                   "<< /Type /EmbeddedFile /Subtype "
                                   "/application#2Foctet-stream /Params << /Size "
                                   "8 /ModDate (D:20250314120000Z) >> >>");
        qpdf_oh fx = filespec(q, "factur-x.xml", stale, "Data");
        qpdf_oh a = filespec(q, "annexe.txt", new_stream(q, "annexe", "<< /Type /EmbeddedFile >>"),
                             "Supplement");
        qpdf_oh z =
            filespec(q, "zz.txt", new_stream(q, "zz", "<< /Type /EmbeddedFile >>"), "Supplement");
        qpdf_oh arr = qpdf_oh_new_array(q);
        const char *keys[] = {"annexe.txt", "factur-x.xml", "zz.txt"};
        qpdf_oh vals[] = {a, fx, z};
        for (int i = 0; i < 3; i++) {
            qpdf_oh_append_item(q, arr, qpdf_oh_new_string(q, keys[i]));
            qpdf_oh_append_item(q, arr, vals[i]);
        }
        qpdf_oh tree = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, tree, "/Names", arr);
        qpdf_oh names = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, names, "/EmbeddedFiles", tree);
        qpdf_oh_replace_key(q, root, "/Names", names);
        qpdf_oh af = qpdf_oh_new_array(q);
        qpdf_oh_append_item(q, af, fx);
        qpdf_oh_replace_key(q, root, "/AF", af);
    }
    assert_int_equal(qpdf_init_write(q, path) & QPDF_ERRORS, 0);
    assert_int_equal(qpdf_write(q) & QPDF_ERRORS, 0);
    qpdf_cleanup(&q);
}

static bool name_is(qpdf_data q, qpdf_oh dict, const char *key, const char *name)
{
    return qpdf_oh_is_name_and_equals(q, qpdf_oh_get_key(q, dict, key), name);
}

/* How many times an XPath expression matches in the XMP packet. */
static int xmp_count(const unsigned char *data, size_t len, const char *expr)
{
    xmlDoc *doc = xmlReadMemory((const char *)data, (int)len, "xmp", NULL, XML_PARSE_NONET);
    assert_non_null(doc);
    xmlXPathContext *ctx = xmlXPathNewContext(doc);
    xmlXPathRegisterNs(ctx, BAD_CAST "rdf", BAD_CAST "http://www.w3.org/1999/02/22-rdf-syntax-ns#");
    xmlXPathRegisterNs(ctx, BAD_CAST "fx",
                       BAD_CAST "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#");
    xmlXPathRegisterNs(ctx, BAD_CAST "pdfaid", BAD_CAST "http://www.aiim.org/pdfa/ns/id/");
    xmlXPathRegisterNs(ctx, BAD_CAST "pdfaExtension",
                       BAD_CAST "http://www.aiim.org/pdfa/ns/extension/");
    xmlXPathRegisterNs(ctx, BAD_CAST "pdfaSchema", BAD_CAST "http://www.aiim.org/pdfa/ns/schema#");
    xmlXPathRegisterNs(ctx, BAD_CAST "pdfaProperty",
                       BAD_CAST "http://www.aiim.org/pdfa/ns/property#");
    xmlXPathObject *r = xmlXPathEvalExpression(BAD_CAST expr, ctx);
    assert_non_null(r);
    int n = r->nodesetval ? r->nodesetval->nodeNr : 0;
    xmlXPathFreeObject(r);
    xmlXPathFreeContext(ctx);
    xmlFreeDoc(doc);
    return n;
}

/* Everything Factur-X asks of the output, read back with libqpdf. */
static void assert_facturx(const char *path, int attachments)
{
    qpdf_data q = qpdf_init();
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    assert_int_equal(qpdf_read(q, path, NULL), QPDF_SUCCESS);
    qpdf_oh root = qpdf_get_root(q);

    qpdf_oh af = qpdf_oh_get_key(q, root, "/AF");
    assert_true(qpdf_oh_is_array(q, af));
    assert_int_equal(qpdf_oh_get_array_n_items(q, af), 1);
    qpdf_oh fs = qpdf_oh_get_array_item(q, af, 0);
    assert_true(name_is(q, fs, "/AFRelationship", "/Alternative"));
    assert_true(name_is(q, fs, "/Type", "/Filespec"));
    assert_string_equal(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, fs, "/F")), "factur-x.xml");
    assert_string_equal(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, fs, "/UF")), "factur-x.xml");

    qpdf_oh st = qpdf_oh_get_key(q, qpdf_oh_get_key(q, fs, "/EF"), "/F");
    assert_true(qpdf_oh_is_stream(q, st));
    qpdf_oh sd = qpdf_oh_get_dict(q, st);
    assert_true(name_is(q, sd, "/Subtype", "/text/xml"));
    assert_true(name_is(q, sd, "/Type", "/EmbeddedFile"));
    qpdf_oh params = qpdf_oh_get_key(q, sd, "/Params");
    assert_int_equal(qpdf_oh_get_int_value(q, qpdf_oh_get_key(q, params, "/Size")),
                     (long long)strlen(xml));
    assert_true(qpdf_oh_is_string(q, qpdf_oh_get_key(q, params, "/ModDate")));
    unsigned char *data = NULL;
    size_t len = 0;
    assert_int_equal(qpdf_oh_get_stream_data(q, st, qpdf_dl_generalized, NULL, &data, &len), 0);
    assert_int_equal(len, strlen(xml));
    assert_memory_equal(data, xml, len); /* byte for byte */
    free(data);

    /* named in the name tree, once, in order, next to the other attachments */
    qpdf_oh names = qpdf_oh_get_key(
        q, qpdf_oh_get_key(q, qpdf_oh_get_key(q, root, "/Names"), "/EmbeddedFiles"), "/Names");
    assert_int_equal(qpdf_oh_get_array_n_items(q, names), 2 * attachments);
    int found = 0;
    for (int i = 0; i < 2 * attachments; i += 2) {
        const char *k = qpdf_oh_get_utf8_value(q, qpdf_oh_get_array_item(q, names, i));
        if (str_eq(k, "factur-x.xml")) {
            found++;
            assert_int_equal(qpdf_oh_get_object_id(q, qpdf_oh_get_array_item(q, names, i + 1)),
                             qpdf_oh_get_object_id(q, fs));
        }
        if (i > 0) {
            char prev[64];
            snprintf(prev, sizeof prev, "%s",
                     qpdf_oh_get_utf8_value(q, qpdf_oh_get_array_item(q, names, i - 2)));
            assert_true(
                strcmp(prev, qpdf_oh_get_utf8_value(q, qpdf_oh_get_array_item(q, names, i))) < 0);
        }
    }
    assert_int_equal(found, 1);

    /* XMP: the fx: properties once, their extension schema once, PDF/A kept */
    qpdf_oh md = qpdf_oh_get_key(q, root, "/Metadata");
    assert_false(qpdf_oh_has_key(q, qpdf_oh_get_dict(q, md), "/Filter"));
    assert_int_equal(qpdf_oh_get_stream_data(q, md, qpdf_dl_none, NULL, &data, &len), 0);
    assert_true(len > 14 && memcmp(data, "<?xpacket begin", 15) == 0);
    assert_int_equal(xmp_count(data, len, "//fx:DocumentType[.='INVOICE']"), 1);
    assert_int_equal(xmp_count(data, len, "//fx:DocumentFileName[.='factur-x.xml']"), 1);
    assert_int_equal(xmp_count(data, len, "//fx:Version[.='1.0']"), 1);
    assert_int_equal(xmp_count(data, len, "//fx:ConformanceLevel[.='EN 16931']"), 1);
    assert_int_equal(xmp_count(data, len, "//fx:*"), 4);
    assert_int_equal(xmp_count(data, len, "//pdfaExtension:schemas"), 1);
    assert_int_equal(xmp_count(data, len,
                               "//pdfaSchema:namespaceURI[.='urn:factur-x:pdfa:"
                               "CrossIndustryDocument:invoice:1p0#']/../pdfaSchema:prefix[.='fx']"),
                     1);
    assert_int_equal(xmp_count(data, len, "//pdfaProperty:name"), 4);
    assert_int_equal(xmp_count(data, len, "//pdfaid:part[.='3']"), 1);
    free(data);
    qpdf_cleanup(&q);
}

static void embeds_into_a_plain_pdfa3(void **state)
{
    char err[256];
    make_input(path_in(state, "in.pdf"), PLAIN_PDFA3);
    assert_int_equal(rpt_facturx_make(path_in(state, "in.pdf"), xml, strlen(xml),
                                      path_in(state, "out.pdf"), err, sizeof err),
                     0);
    assert_string_equal(err, "");
    assert_facturx(path_in(state, "out.pdf"), 1);
}

static void fixes_what_fop_writes(void **state)
{
    char err[256];
    make_input(path_in(state, "in.pdf"), FOP_LIKE);
    assert_int_equal(rpt_facturx_make(path_in(state, "in.pdf"), xml, strlen(xml),
                                      path_in(state, "out.pdf"), err, sizeof err),
                     0);
    assert_facturx(path_in(state, "out.pdf"), 3);
}

static void runs_twice_to_the_same_result(void **state)
{
    char err[256];
    make_input(path_in(state, "in.pdf"), FOP_LIKE);
    assert_int_equal(rpt_facturx_make(path_in(state, "in.pdf"), xml, strlen(xml),
                                      path_in(state, "out.pdf"), err, sizeof err),
                     0);
    /* in place, on its own output */
    assert_int_equal(rpt_facturx_make(path_in(state, "out.pdf"), xml, strlen(xml),
                                      path_in(state, "out.pdf"), err, sizeof err),
                     0);
    assert_facturx(path_in(state, "out.pdf"), 3);
}

static void refuses_what_is_not_pdfa3(void **state)
{
    char err[256];
    make_input(path_in(state, "in.pdf"), PDFA1);
    assert_int_equal(rpt_facturx_make(path_in(state, "in.pdf"), xml, strlen(xml),
                                      path_in(state, "again.pdf"), err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "not PDF/A-3"));
    assert_int_equal(access(path_in(state, "again.pdf"), F_OK), -1); /* nothing written */

    assert_int_equal(rpt_facturx_make(path_in(state, "missing.pdf"), xml, strlen(xml),
                                      path_in(state, "again.pdf"), err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "cannot read the PDF"));
    assert_int_equal(access(path_in(state, "again.pdf"), F_OK), -1);
    /* no room for a message is fine too */
    assert_int_equal(rpt_facturx_make(path_in(state, "missing.pdf"), xml, strlen(xml),
                                      path_in(state, "again.pdf"), NULL, 0),
                     -1);
}

/* KM0_FACTURX_* mode, for the integration test with the real FOP. */
static int make_from_env(const char *in, const char *xml_path, const char *out)
{
    buf x = BUF_INIT;
    FILE *fp = fopen(xml_path, "rb");
    if (!fp) {
        fprintf(stderr, "cannot open %s\n", xml_path);
        return 1;
    }
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, fp)) > 0)
        buf_append(&x, chunk, n);
    fclose(fp);
    char err[512];
    int rc = rpt_facturx_make(in, x.data, x.len, out, err, sizeof err);
    if (rc != 0)
        fprintf(stderr, "factur-x: %s\n", err);
    buf_free(&x);
    return rc == 0 ? 0 : 1;
}

int main(void)
{
    const char *in = getenv("KM0_FACTURX_IN"), *x = getenv("KM0_FACTURX_XML"),
               *out = getenv("KM0_FACTURX_OUT");
    if (in && x && out)
        return make_from_env(in, x, out);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(embeds_into_a_plain_pdfa3, setup, teardown),
        cmocka_unit_test_setup_teardown(fixes_what_fop_writes, setup, teardown),
        cmocka_unit_test_setup_teardown(runs_twice_to_the_same_result, setup, teardown),
        cmocka_unit_test_setup_teardown(refuses_what_is_not_pdfa3, setup, teardown),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    xmlCleanupParser();
    return rc;
}
