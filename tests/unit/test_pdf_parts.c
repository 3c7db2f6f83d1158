/*
 * tests/unit/test_pdf_parts.c — cutting a book of documents into one PDF each
 * (reports/pdf_parts.c), on small books built here with libqpdf.
 *
 * Each page's content stream names it ("% page 7"), so a part's pages can be read
 * back and compared. The books carry their marks as FOP writes them (a /Dests name
 * tree whose leaves map km0-s-i / km0-e-i to [page /XYZ …]), split across /Kids,
 * some behind a dictionary's /D; and wrongly: a mark missing, documents that
 * overlap, a page left out, the last document ending early. The real FOP output is
 * cut in tests/integration/archive.test.mjs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/buf.h"
#include "../../core/util.h"
#include "../../reports/pdf_parts.h"

#include <qpdf/qpdf-c.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char xmp[] = "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF "
                          "xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
                          "<rdf:Description rdf:about=\"\" "
                          "xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\" pdfaid:part=\"3\" "
                          "pdfaid:conformance=\"B\"/></rdf:RDF></x:xmpmeta>";

typedef struct mark {
    const char *name;
    int page;      /* 0-based */
    bool via_dict; /* {/D [page …]} instead of [page …] */
} mark;

static qpdf_oh dest(qpdf_data q, qpdf_oh page, bool via_dict)
{
    qpdf_oh a = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, a, page);
    qpdf_oh_append_item(q, a, qpdf_oh_new_name(q, "/XYZ"));
    for (int i = 0; i < 3; i++)
        qpdf_oh_append_item(q, a, qpdf_oh_new_integer(q, 0));
    if (!via_dict)
        return a;
    qpdf_oh d = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, d, "/D", a);
    return d;
}

/* A book of npages pages and these marks, the name tree in two kids, into out. */
static void make_book(int npages, const mark *marks, size_t nmarks, buf *out)
{
    qpdf_data q = qpdf_init();
    assert_false(qpdf_empty_pdf(q) & QPDF_ERRORS);
    for (int k = 0; k < npages; k++) {
        char text[32];
        snprintf(text, sizeof text, "%% page %d\n", k);
        qpdf_oh page = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, page, "/Type", qpdf_oh_new_name(q, "/Page"));
        qpdf_oh box = qpdf_oh_new_array(q);
        int dims[] = {0, 0, 200, 200};
        for (int i = 0; i < 4; i++)
            qpdf_oh_append_item(q, box, qpdf_oh_new_integer(q, dims[i]));
        qpdf_oh_replace_key(q, page, "/MediaBox", box);
        qpdf_oh content = qpdf_oh_new_stream(q);
        qpdf_oh_replace_stream_data(q, content, (const unsigned char *)text, strlen(text),
                                    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
        qpdf_oh_replace_key(q, page, "/Contents", content);
        assert_false(qpdf_add_page(q, q, qpdf_make_indirect_object(q, page), QPDF_FALSE) &
                     QPDF_ERRORS);
    }
    qpdf_oh root = qpdf_get_root(q);
    qpdf_oh md = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, md, (const unsigned char *)xmp, strlen(xmp), qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, md), "/Type", qpdf_oh_new_name(q, "/Metadata"));
    qpdf_oh_replace_key(q, root, "/Metadata", md);
    qpdf_oh intent = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, intent, "/S", qpdf_oh_new_name(q, "/GTS_PDFA1"));
    qpdf_oh_replace_key(q, intent, "/OutputConditionIdentifier", qpdf_oh_new_string(q, "sRGB"));
    qpdf_oh intents = qpdf_oh_new_array(q);
    qpdf_oh_append_item(q, intents, qpdf_make_indirect_object(q, intent));
    qpdf_oh_replace_key(q, root, "/OutputIntents", intents); /* direct, as FOP writes it */
    qpdf_oh_replace_key(q, root, "/Lang", qpdf_oh_new_string(q, "fr"));
    qpdf_oh info = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, info, "/Producer", qpdf_oh_new_string(q, "km0 test"));
    qpdf_oh_replace_key(q, qpdf_get_trailer(q), "/Info", qpdf_make_indirect_object(q, info));
    /* the name tree: a root with two kids, half the marks each */
    qpdf_oh kids = qpdf_oh_new_array(q);
    for (size_t half = 0; half < 2; half++) {
        qpdf_oh names = qpdf_oh_new_array(q);
        for (size_t i = half; i < nmarks; i += 2) {
            qpdf_oh_append_item(q, names, qpdf_oh_new_string(q, marks[i].name));
            qpdf_oh_append_item(
                q, names,
                qpdf_make_indirect_object(
                    q, dest(q, qpdf_get_page_n(q, (size_t)marks[i].page), marks[i].via_dict)));
        }
        qpdf_oh leaf = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, leaf, "/Names", names);
        qpdf_oh_append_item(q, kids, qpdf_make_indirect_object(q, leaf));
    }
    qpdf_oh tree = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, tree, "/Kids", kids);
    qpdf_oh name_dict = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, name_dict, "/Dests", qpdf_make_indirect_object(q, tree));
    qpdf_oh_replace_key(q, root, "/Names", name_dict);
    char err[300];
    assert_int_equal(rpt_pdf_write(q, "1.4", out, err, sizeof err), 0);
    qpdf_cleanup(&q);
}

/* The page numbers a PDF's content streams name, in order ("3 4 5"). */
static void pages_of(const buf *pdf, char *out, size_t size)
{
    qpdf_data q = qpdf_init();
    assert_false(qpdf_read_memory(q, "part", pdf->data, pdf->len, NULL) & QPDF_ERRORS);
    out[0] = '\0';
    for (int k = 0, n = qpdf_get_num_pages(q); k < n; k++) {
        unsigned char *data = NULL;
        size_t len = 0;
        qpdf_oh c = qpdf_oh_get_key(q, qpdf_get_page_n(q, (size_t)k), "/Contents");
        assert_false(qpdf_oh_get_stream_data(q, c, qpdf_dl_generalized, NULL, &data, &len) &
                     QPDF_ERRORS);
        int page = -1;
        assert_int_equal(sscanf((const char *)data, "%% page %d", &page), 1);
        free(data);
        snprintf(out + strlen(out), size - strlen(out), "%s%d", k ? " " : "", page);
    }
    qpdf_oh root = qpdf_get_root(q);
    /* what makes the whole a PDF/A came along */
    assert_true(qpdf_oh_is_stream(q, qpdf_oh_get_key(q, root, "/Metadata")));
    assert_true(qpdf_oh_is_array(q, qpdf_oh_get_key(q, root, "/OutputIntents")));
    assert_string_equal(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, root, "/Lang")), "fr");
    qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
    assert_string_equal(qpdf_oh_get_utf8_value(q, qpdf_oh_get_key(q, info, "/Producer")),
                        "km0 test");
    assert_false(qpdf_oh_is_dictionary(q, qpdf_oh_get_key(q, root, "/Names")));
    qpdf_cleanup(&q);
}

static void test_cut_by_marks(void **state)
{
    (void)state;
    /* three documents: pages 0, 1-3, 4-5 */
    const mark marks[] = {{"km0-s-1", 0, false},   {"km0-e-1", 0, false}, {"km0-s-2", 1, true},
                          {"km0-e-2", 3, false},   {"km0-s-3", 4, false}, {"km0-e-3", 5, true},
                          {"other-name", 2, false}};
    buf book = BUF_INIT;
    make_book(6, marks, ARRAY_LEN(marks), &book);
    char err[300];
    rpt_book *b = rpt_book_open(book.data, book.len, 3, err, sizeof err);
    assert_non_null(b);
    assert_string_equal(rpt_book_version(b), "1.4");
    static const char *const want[] = {"0", "1 2 3", "4 5"};
    for (size_t i = 0; i < 3; i++) {
        int first, last;
        rpt_book_range(b, i, &first, &last);
        qpdf_data part = rpt_book_part(b, i, err, sizeof err);
        assert_non_null(part);
        buf out = BUF_INIT;
        assert_int_equal(rpt_pdf_write(part, rpt_book_version(b), &out, err, sizeof err), 0);
        qpdf_cleanup(&part);
        char got[64];
        pages_of(&out, got, sizeof got);
        assert_string_equal(got, want[i]);
        /* the same part twice is the same bytes: the /ID comes from the content */
        buf again = BUF_INIT;
        part = rpt_book_part(b, i, err, sizeof err);
        assert_int_equal(rpt_pdf_write(part, rpt_book_version(b), &again, err, sizeof err), 0);
        qpdf_cleanup(&part);
        assert_int_equal(again.len, out.len);
        assert_memory_equal(again.data, out.data, out.len);
        buf_free(&again);
        buf_free(&out);
    }
    rpt_book_close(b);
    buf_free(&book);
}

/* A book whose marks do not tile its pages is refused, saying why. */
static void refused(int npages, const mark *marks, size_t nmarks, size_t ndocs, const char *why)
{
    buf book = BUF_INIT;
    make_book(npages, marks, nmarks, &book);
    char err[300];
    rpt_book *b = rpt_book_open(book.data, book.len, ndocs, err, sizeof err);
    assert_null(b);
    if (!strstr(err, why))
        fail_msg("expected \"%s\" in \"%s\"", why, err);
    buf_free(&book);
}

static void test_refuses_what_does_not_tile(void **state)
{
    (void)state;
    const mark no_end[] = {{"km0-s-1", 0, false}, {"km0-s-2", 1, false}, {"km0-e-2", 2, false}};
    refused(3, no_end, ARRAY_LEN(no_end), 2, "document 1 of 2 has no end mark");
    const mark overlap[] = {
        {"km0-s-1", 0, false}, {"km0-e-1", 2, false}, {"km0-s-2", 2, false}, {"km0-e-2", 3, false}};
    refused(4, overlap, ARRAY_LEN(overlap), 2, "document 2 runs from page 3 to 4 where page 4");
    const mark gap[] = {
        {"km0-s-1", 0, false}, {"km0-e-1", 0, false}, {"km0-s-2", 2, false}, {"km0-e-2", 3, false}};
    refused(4, gap, ARRAY_LEN(gap), 2, "where page 2 was expected");
    const mark short_end[] = {{"km0-s-1", 0, false}, {"km0-e-1", 1, false}};
    refused(3, short_end, ARRAY_LEN(short_end), 1, "the last document ends on page 2 of 3");
    const mark backwards[] = {{"km0-s-1", 1, false}, {"km0-e-1", 0, false}};
    refused(2, backwards, ARRAY_LEN(backwards), 1, "document 1 runs from page 2 to 1");
    /* a book with more documents than marks */
    const mark one[] = {{"km0-s-1", 0, false}, {"km0-e-1", 0, false}};
    refused(1, one, ARRAY_LEN(one), 2, "document 2 of 2 has no start mark");
    char err[300];
    assert_null(rpt_book_open("not a pdf", 9, 1, err, sizeof err));
    assert_non_null(strstr(err, "cannot read the PDF"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cut_by_marks),
        cmocka_unit_test(test_refuses_what_does_not_tile),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
