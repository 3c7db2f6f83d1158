/*
 * reports/pdf_parts.c — cutting FOP's book of invoices into one PDF per invoice.
 *
 * The marks are named destinations (reports/pdf_parts.h). FOP writes them into
 * /Root /Names /Dests, a name tree whose leaves map "km0-s-12" to a destination:
 * an array [page /XYZ left top zoom], possibly behind a dictionary's /D. The page
 * is found among the document's pages (qpdf's page cache), giving the ranges,
 * which must tile the book exactly.
 */
#include "pdf_parts.h"
#include "../core/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rpt_book {
    qpdf_data q;
    size_t ndocs;
    int *first, *last; /* per document, 0-based page indexes */
};

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

static void qpdf_message(qpdf_data q, char *err, size_t errlen, const char *what)
{
    qpdf_error e = qpdf_get_error(q);
    set_err(err, errlen, "%s: %s", what, e ? qpdf_get_error_full_text(q, e) : "unknown error");
}

/* "km0-s-12" -> ('s', 12); anything else -> false. */
static bool mark_of(const char *name, char *kind, size_t *doc)
{
    if (strncmp(name, "km0-", 4) != 0 || (name[4] != 's' && name[4] != 'e') || name[5] != '-')
        return false;
    char *end;
    unsigned long long n = strtoull(name + 6, &end, 10);
    if (end == name + 6 || *end || n == 0)
        return false;
    *kind = name[4];
    *doc = (size_t)n;
    return true;
}

/* The page index a destination points to, or -1. */
static int dest_page(qpdf_data q, qpdf_oh dest)
{
    if (qpdf_oh_is_dictionary(q, dest))
        dest = qpdf_oh_get_key(q, dest, "/D");
    if (!qpdf_oh_is_array(q, dest) || qpdf_oh_get_array_n_items(q, dest) < 1)
        return -1;
    qpdf_oh page = qpdf_oh_get_array_item(q, dest, 0);
    if (!qpdf_oh_is_dictionary(q, page))
        return -1;
    int at = qpdf_find_page_by_oh(q, page);
    if (at < 0)
        qpdf_get_error(q); /* not a page of the document: forget the error */
    return at;
}

/* Walk a name tree (leaves /Names [key value ...], nodes /Kids), recording our marks. */
static void walk(rpt_book *b, qpdf_oh node, int depth)
{
    qpdf_data q = b->q;
    if (depth > 32 || !qpdf_oh_is_dictionary(q, node))
        return;
    qpdf_oh names = qpdf_oh_get_key(q, node, "/Names");
    int n = qpdf_oh_is_array(q, names) ? qpdf_oh_get_array_n_items(q, names) : 0;
    for (int i = 0; i + 1 < n; i += 2) {
        qpdf_oh key = qpdf_oh_get_array_item(q, names, i);
        char kind;
        size_t doc;
        if (!qpdf_oh_is_string(q, key) || !mark_of(qpdf_oh_get_string_value(q, key), &kind, &doc) ||
            doc > b->ndocs)
            continue;
        int page = dest_page(q, qpdf_oh_get_array_item(q, names, i + 1));
        if (kind == 's')
            b->first[doc - 1] = page;
        else
            b->last[doc - 1] = page;
    }
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/Kids");
    n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < n; i++)
        walk(b, qpdf_oh_get_array_item(q, kids, i), depth + 1);
}

/* The ranges must tile the pages: doc 1 starts on page 0, each next one on the
 * page after the previous ended, the last ends on the last page. */
static int check_ranges(const rpt_book *b, int pages, char *err, size_t errlen)
{
    for (size_t i = 0; i < b->ndocs; i++) {
        int expect = i == 0 ? 0 : b->last[i - 1] + 1;
        if (b->first[i] < 0 || b->last[i] < 0) {
            set_err(err, errlen, "document %zu of %zu has no %s mark in the PDF", i + 1, b->ndocs,
                    b->first[i] < 0 ? "start" : "end");
            return -1;
        }
        if (b->first[i] != expect || b->last[i] < b->first[i]) {
            set_err(err, errlen, "document %zu runs from page %d to %d where page %d was expected",
                    i + 1, b->first[i] + 1, b->last[i] + 1, expect + 1);
            return -1;
        }
    }
    if (b->ndocs && b->last[b->ndocs - 1] != pages - 1) {
        set_err(err, errlen, "the last document ends on page %d of %d", b->last[b->ndocs - 1] + 1,
                pages);
        return -1;
    }
    return 0;
}

rpt_book *rpt_book_open(const void *pdf, size_t len, size_t ndocs, char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    rpt_book *b = xcalloc(1, sizeof *b);
    b->ndocs = ndocs;
    b->first = xmalloc((ndocs ? ndocs : 1) * sizeof *b->first);
    b->last = xmalloc((ndocs ? ndocs : 1) * sizeof *b->last);
    for (size_t i = 0; i < ndocs; i++)
        b->first[i] = b->last[i] = -1;
    b->q = qpdf_init();
    qpdf_silence_errors(b->q);
    qpdf_set_suppress_warnings(b->q, QPDF_TRUE);
    if (qpdf_read_memory(b->q, "book.pdf", pdf, len, NULL) & QPDF_ERRORS) {
        qpdf_message(b->q, err, errlen, "cannot read the PDF");
        rpt_book_close(b);
        return NULL;
    }
    int pages = qpdf_get_num_pages(b->q);
    /* pages copied to another file must carry what they inherit from /Pages */
    if (pages < 0 || (qpdf_push_inherited_attributes_to_page(b->q) & QPDF_ERRORS)) {
        qpdf_message(b->q, err, errlen, "cannot read the PDF's pages");
        rpt_book_close(b);
        return NULL;
    }
    qpdf_oh root = qpdf_get_root(b->q);
    walk(b, qpdf_oh_get_key(b->q, qpdf_oh_get_key(b->q, root, "/Names"), "/Dests"), 0);
    if (check_ranges(b, pages, err, errlen) != 0) {
        rpt_book_close(b);
        return NULL;
    }
    return b;
}

void rpt_book_range(const rpt_book *b, size_t i, int *first, int *last)
{
    *first = b->first[i];
    *last = b->last[i];
}

/* A value of the book as a value of the part. qpdf copies indirect objects (and
 * all they refer to) only: a direct array is rebuilt item by item, a direct
 * dictionary made indirect in the book first, a scalar written out and read back. */
static qpdf_oh copy_value(qpdf_data part, qpdf_data book, qpdf_oh v, int depth)
{
    if (qpdf_oh_is_indirect(book, v))
        return qpdf_oh_copy_foreign_object(part, book, v);
    if (qpdf_oh_is_array(book, v) && depth < 8) {
        qpdf_oh a = qpdf_oh_new_array(part);
        int n = qpdf_oh_get_array_n_items(book, v);
        for (int i = 0; i < n; i++)
            qpdf_oh_append_item(
                part, a, copy_value(part, book, qpdf_oh_get_array_item(book, v, i), depth + 1));
        return a;
    }
    if (qpdf_oh_is_dictionary(book, v) || qpdf_oh_is_array(book, v))
        return qpdf_oh_copy_foreign_object(part, book, qpdf_make_indirect_object(book, v));
    return qpdf_oh_parse(part, qpdf_oh_unparse_binary(book, v));
}

/* key of the book's catalog into the part's. */
static void carry(qpdf_data part, qpdf_oh to, qpdf_data book, qpdf_oh from, const char *key)
{
    qpdf_oh v = qpdf_oh_get_key(book, from, key);
    if (qpdf_oh_is_null(book, v))
        return;
    qpdf_oh_replace_key(part, to, key, copy_value(part, book, v, 0));
}

qpdf_data rpt_book_part(rpt_book *b, size_t i, char *err, size_t errlen)
{
    qpdf_data p = qpdf_init();
    qpdf_silence_errors(p);
    qpdf_set_suppress_warnings(p, QPDF_TRUE);
    if (qpdf_empty_pdf(p) & QPDF_ERRORS) {
        qpdf_message(p, err, errlen, "cannot make a PDF");
        qpdf_cleanup(&p);
        return NULL;
    }
    for (int k = b->first[i]; k <= b->last[i]; k++)
        if (qpdf_add_page(p, b->q, qpdf_get_page_n(b->q, (size_t)k), QPDF_FALSE) & QPDF_ERRORS) {
            qpdf_message(p, err, errlen, "cannot copy a page");
            qpdf_cleanup(&p);
            return NULL;
        }
    qpdf_oh from = qpdf_get_root(b->q), to = qpdf_get_root(p);
    carry(p, to, b->q, from, "/Metadata");
    carry(p, to, b->q, from, "/OutputIntents");
    carry(p, to, b->q, from, "/Lang");
    carry(p, to, b->q, from, "/MarkInfo");
    carry(p, to, b->q, from, "/ViewerPreferences");
    /* PDF/A: the document information must agree with the XMP, which is the book's */
    qpdf_oh info = qpdf_oh_get_key(b->q, qpdf_get_trailer(b->q), "/Info");
    if (qpdf_oh_is_dictionary(b->q, info))
        qpdf_oh_replace_key(p, qpdf_get_trailer(p), "/Info",
                            qpdf_make_indirect_object(p, copy_value(p, b->q, info, 0)));
    if (qpdf_has_error(p)) {
        qpdf_message(p, err, errlen, "cannot copy the document's catalog");
        qpdf_cleanup(&p);
        return NULL;
    }
    return p;
}

void rpt_book_close(rpt_book *b)
{
    if (!b)
        return;
    if (b->q)
        qpdf_cleanup(&b->q);
    free(b->first);
    free(b->last);
    free(b);
}

const char *rpt_book_version(const rpt_book *b)
{
    return qpdf_get_pdf_version(b->q);
}

int rpt_pdf_write(qpdf_data q, const char *version, buf *out, char *err, size_t errlen)
{
    if (qpdf_init_write_memory(q) & QPDF_ERRORS) {
        qpdf_message(q, err, errlen, "cannot write the PDF");
        return -1;
    }
    qpdf_set_deterministic_ID(q, QPDF_TRUE);
    if (version)
        qpdf_set_minimum_pdf_version(q, version);
    if (qpdf_write(q) & QPDF_ERRORS) {
        qpdf_message(q, err, errlen, "cannot write the PDF");
        return -1;
    }
    buf_append(out, qpdf_get_buffer(q), qpdf_get_buffer_length(q));
    return 0;
}
