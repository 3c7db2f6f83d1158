/*
 * reports/facturx.c — Factur-X post-processing of a PDF/A-3 with libqpdf and libxml2.
 *
 * What FOP 2.8 leaves to fix, and why each matters:
 *  - the file specification says /AFRelationship /Data; the EN 16931 profile
 *    of Factur-X wants /Alternative (the XML is the invoice, the PDF its view);
 *  - the embedded file stream says /Subtype /application#2Foctet-stream;
 *    Factur-X wants text/xml, and PDF/A-3 a real MIME type;
 *  - the XMP metadata has no fx: properties, which is how readers find out the
 *    PDF is a Factur-X invoice, and PDF/A-3 only accepts them together with an
 *    extension schema describing them.
 * The catalog's /AF array and the /EmbeddedFiles name tree are made to name the
 * one file specification, whether FOP embedded the file or not.
 */
#include "facturx.h"

#include "buf.h"
#include "util.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlsave.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FX_FILE "factur-x.xml"

#define NS_RDF      "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
#define NS_PDFAID   "http://www.aiim.org/pdfa/ns/id/"
#define NS_PDFAEXT  "http://www.aiim.org/pdfa/ns/extension/"
#define NS_PDFASCH  "http://www.aiim.org/pdfa/ns/schema#"
#define NS_PDFAPROP "http://www.aiim.org/pdfa/ns/property#"
#define NS_FX       "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* ---- XMP ---------------------------------------------------------------------- */

static bool is_el(const xmlNode *n, const char *ns, const char *name)
{
    return n && n->type == XML_ELEMENT_NODE && n->ns && str_eq((const char *)n->ns->href, ns) &&
           str_eq((const char *)n->name, name);
}

static xmlNode *find_el(xmlNode *n, const char *ns, const char *name)
{
    for (; n; n = n->next) {
        if (is_el(n, ns, name))
            return n;
        xmlNode *in = find_el(n->children, ns, name);
        if (in)
            return in;
    }
    return NULL;
}

/* Whether desc says ns:name = value, as a child element or as an attribute. */
static bool property_is(xmlNode *desc, const char *ns, const char *name, const char *value)
{
    xmlChar *a = xmlGetNsProp(desc, BAD_CAST name, BAD_CAST ns);
    bool yes = a && str_eq((const char *)a, value);
    xmlFree(a);
    for (xmlNode *c = desc->children; c && !yes; c = c->next) {
        if (!is_el(c, ns, name))
            continue;
        xmlChar *t = xmlNodeGetContent(c);
        yes = t && str_eq((const char *)t, value);
        xmlFree(t);
    }
    return yes;
}

/* Drop fx: properties written as elements or attributes, so that a second run
 * (or an FO that carried its own) leaves exactly one set. */
static void remove_fx(xmlNode *rdf)
{
    for (xmlNode *d = rdf->children; d; d = d->next) {
        if (d->type != XML_ELEMENT_NODE)
            continue;
        for (xmlNode *c = d->children, *next; c; c = next) {
            next = c->next;
            if (c->type == XML_ELEMENT_NODE && c->ns && str_eq((const char *)c->ns->href, NS_FX)) {
                xmlUnlinkNode(c);
                xmlFreeNode(c);
            }
        }
        for (xmlAttr *a = d->properties, *next; a; a = next) {
            next = a->next;
            if (a->ns && str_eq((const char *)a->ns->href, NS_FX))
                xmlRemoveProp(a);
        }
    }
}

static xmlNode *child(xmlNode *parent, xmlNs *ns, const char *name, const char *content)
{
    return xmlNewTextChild(parent, ns, BAD_CAST name, content ? BAD_CAST content : NULL);
}

static void add_fx_property(xmlNode *seq, xmlNs *rdf, xmlNs *prop, const char *name,
                            const char *description)
{
    xmlNode *li = child(seq, rdf, "li", NULL);
    xmlNewNsProp(li, rdf, BAD_CAST "parseType", BAD_CAST "Resource");
    child(li, prop, "name", name);
    child(li, prop, "valueType", "Text");
    child(li, prop, "category", "external");
    child(li, prop, "description", description);
}

/* The pdfaExtension:schemas entry declaring fx:, in the existing bag if there
 * is one (a second schemas property would be invalid XMP), replacing any
 * earlier declaration of fx:. */
static void add_extension_schema(xmlNode *rdf, xmlNs *rdfns, const char *about)
{
    xmlNode *bag = NULL;
    xmlNode *schemas = find_el(rdf->children, NS_PDFAEXT, "schemas");
    if (schemas)
        bag = find_el(schemas->children, NS_RDF, "Bag");
    if (bag) {
        for (xmlNode *li = bag->children, *next; li; li = next) {
            next = li->next;
            xmlNode *uri = find_el(li->children, NS_PDFASCH, "namespaceURI");
            xmlChar *t = uri ? xmlNodeGetContent(uri) : NULL;
            if (t && str_eq((const char *)t, NS_FX)) {
                xmlUnlinkNode(li);
                xmlFreeNode(li);
            }
            xmlFree(t);
        }
    } else {
        xmlNode *d = child(rdf, rdfns, "Description", NULL);
        xmlNewNsProp(d, rdfns, BAD_CAST "about", BAD_CAST about);
        xmlNs *ext = xmlNewNs(d, BAD_CAST NS_PDFAEXT, BAD_CAST "pdfaExtension");
        schemas = child(d, ext, "schemas", NULL);
        bag = child(schemas, rdfns, "Bag", NULL);
    }
    xmlNode *li = child(bag, rdfns, "li", NULL);
    xmlNs *sch = xmlNewNs(li, BAD_CAST NS_PDFASCH, BAD_CAST "pdfaSchema");
    xmlNs *prop = xmlNewNs(li, BAD_CAST NS_PDFAPROP, BAD_CAST "pdfaProperty");
    xmlNewNsProp(li, rdfns, BAD_CAST "parseType", BAD_CAST "Resource");
    child(li, sch, "schema", "Factur-X PDFA Extension Schema");
    child(li, sch, "namespaceURI", NS_FX);
    child(li, sch, "prefix", "fx");
    xmlNode *seq = child(child(li, sch, "property", NULL), rdfns, "Seq", NULL);
    add_fx_property(seq, rdfns, prop, "DocumentFileName", "name of the embedded XML invoice file");
    add_fx_property(seq, rdfns, prop, "DocumentType", "type of the hybrid document: INVOICE");
    add_fx_property(seq, rdfns, prop, "Version", "version of the Factur-X XML schema");
    add_fx_property(seq, rdfns, prop, "ConformanceLevel", "Factur-X profile of the XML file");
}

static void add_fx(xmlNode *rdf, xmlNs *rdfns, const char *about)
{
    xmlNode *d = child(rdf, rdfns, "Description", NULL);
    xmlNewNsProp(d, rdfns, BAD_CAST "about", BAD_CAST about);
    xmlNs *fx = xmlNewNs(d, BAD_CAST NS_FX, BAD_CAST "fx");
    child(d, fx, "DocumentType", "INVOICE");
    child(d, fx, "DocumentFileName", FX_FILE);
    child(d, fx, "Version", "1.0");
    child(d, fx, "ConformanceLevel", "EN 16931");
}

/* Rewrite the XMP packet in (len bytes) into out. Returns 0 or -1 with err. */
static int xmp_update(const char *in, size_t len, buf *out, char *err, size_t errlen)
{
    xmlDoc *doc = xmlReadMemory(in, (int)len, "xmp", NULL, XML_PARSE_NONET | XML_PARSE_NOBLANKS);
    if (!doc) {
        set_err(err, errlen, "the PDF's XMP metadata is not well-formed XML");
        return -1;
    }
    int rc = -1;
    xmlNode *rdf = find_el(xmlDocGetRootElement(doc), NS_RDF, "RDF");
    xmlNs *rdfns = rdf ? rdf->ns : NULL;
    bool pdfa3 = false;
    for (xmlNode *d = rdf ? rdf->children : NULL; d && !pdfa3; d = d->next)
        pdfa3 = is_el(d, NS_RDF, "Description") && property_is(d, NS_PDFAID, "part", "3");
    if (!rdf) {
        set_err(err, errlen, "the PDF's XMP metadata has no rdf:RDF element");
        goto out;
    }
    if (!pdfa3) {
        set_err(err, errlen,
                "the PDF is not PDF/A-3 (no pdfaid:part 3 in its metadata): render it with "
                "FOP's -pdfprofile \"PDF/A-3b\"");
        goto out;
    }
    /* Every rdf:Description of a packet describes the same resource. */
    xmlNode *first = find_el(rdf->children, NS_RDF, "Description");
    xmlChar *about = first ? xmlGetNsProp(first, BAD_CAST "about", BAD_CAST NS_RDF) : NULL;
    const char *ab = about ? (const char *)about : "";
    remove_fx(rdf);
    add_extension_schema(rdf, rdfns, ab);
    add_fx(rdf, rdfns, ab);
    xmlFree(about);

    /* No XML declaration: the packet starts with its <?xpacket begin?>. */
    xmlBuffer *xb = xmlBufferCreate();
    xmlSaveCtxt *ctx = xb ? xmlSaveToBuffer(xb, "UTF-8", XML_SAVE_NO_DECL | XML_SAVE_FORMAT) : NULL;
    if (ctx && xmlSaveDoc(ctx, doc) >= 0 && xmlSaveClose(ctx) >= 0) {
        buf_append(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
        rc = 0;
    } else {
        if (ctx)
            xmlSaveClose(ctx);
        set_err(err, errlen, "cannot serialise the XMP metadata");
    }
    if (xb)
        xmlBufferFree(xb);
out:
    xmlFreeDoc(doc);
    return rc;
}

/* ---- PDF objects ------------------------------------------------------------------ */

static int fix_metadata(qpdf_data q, qpdf_oh root, char *err, size_t errlen)
{
    qpdf_oh md = qpdf_oh_get_key(q, root, "/Metadata");
    if (!qpdf_oh_is_stream(q, md)) {
        set_err(err, errlen, "the PDF has no XMP metadata: it is not PDF/A");
        return -1;
    }
    unsigned char *data = NULL;
    size_t len = 0;
    QPDF_BOOL filtered = QPDF_FALSE;
    if ((qpdf_oh_get_stream_data(q, md, qpdf_dl_generalized, &filtered, &data, &len) &
         QPDF_ERRORS) ||
        !filtered) {
        free(data);
        set_err(err, errlen, "cannot decode the PDF's XMP metadata stream");
        return -1;
    }
    buf xmp = BUF_INIT;
    int rc = xmp_update((const char *)data, len, &xmp, err, errlen);
    free(data);
    if (rc == 0) {
        /* PDF/A: the metadata stream stays unfiltered, readable as text. */
        qpdf_oh_replace_stream_data(q, md, (const unsigned char *)xmp.data, xmp.len,
                                    qpdf_oh_new_null(q), qpdf_oh_new_null(q));
        qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, md), "/Type", qpdf_oh_new_name(q, "/Metadata"));
        qpdf_oh_replace_key(q, qpdf_oh_get_dict(q, md), "/Subtype", qpdf_oh_new_name(q, "/XML"));
    }
    buf_free(&xmp);
    return rc;
}

/* A name tree's entries, flattened: /Names pairs at any depth of /Kids. */
typedef struct entry {
    char *key; /* raw string bytes, NUL-terminated (names are text here) */
    qpdf_oh value;
} entry;

typedef struct entries {
    entry *v;
    size_t n, cap;
} entries;

static void collect(qpdf_data q, qpdf_oh node, entries *e, int depth)
{
    if (depth > 16 || !qpdf_oh_is_dictionary(q, node))
        return;
    qpdf_oh names = qpdf_oh_get_key(q, node, "/Names");
    int n = qpdf_oh_is_array(q, names) ? qpdf_oh_get_array_n_items(q, names) : 0;
    for (int i = 0; i + 1 < n; i += 2) {
        qpdf_oh k = qpdf_oh_get_array_item(q, names, i);
        if (!qpdf_oh_is_string(q, k))
            continue;
        if (e->n == e->cap) {
            e->cap = e->cap ? 2 * e->cap : 8;
            e->v = xrealloc(e->v, e->cap * sizeof *e->v);
        }
        e->v[e->n++] = (entry){xstrdup(qpdf_oh_get_string_value(q, k)),
                               qpdf_oh_get_array_item(q, names, i + 1)};
    }
    qpdf_oh kids = qpdf_oh_get_key(q, node, "/Kids");
    n = qpdf_oh_is_array(q, kids) ? qpdf_oh_get_array_n_items(q, kids) : 0;
    for (int i = 0; i < n; i++)
        collect(q, qpdf_oh_get_array_item(q, kids, i), e, depth + 1);
}

/* A PDF date for /ModDate: the PDF's own date when it has one, so that the
 * output depends only on the input, else now. */
static qpdf_oh mod_date(qpdf_data q, qpdf_oh params)
{
    qpdf_oh d = qpdf_oh_get_key(q, params, "/ModDate");
    if (qpdf_oh_is_string(q, d))
        return d;
    qpdf_oh info = qpdf_oh_get_key(q, qpdf_get_trailer(q), "/Info");
    d = qpdf_oh_get_key(q, info, "/CreationDate");
    if (qpdf_oh_is_string(q, d))
        return d;
    char s[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(s, sizeof s, "D:%Y%m%d%H%M%SZ", gmtime_r(&t, &tm));
    return qpdf_oh_new_string(q, s);
}

/* Make fs the Factur-X file specification, its stream holding exactly xml. */
static void fix_filespec(qpdf_data q, qpdf_oh fs, const char *xml, size_t xml_len)
{
    qpdf_oh ef = qpdf_oh_get_key(q, fs, "/EF");
    qpdf_oh st = qpdf_oh_get_key(q, ef, "/F");
    if (!qpdf_oh_is_stream(q, st))
        st = qpdf_oh_get_key(q, ef, "/UF");
    if (!qpdf_oh_is_stream(q, st))
        st = qpdf_oh_new_stream(q);
    qpdf_oh_replace_stream_data(q, st, (const unsigned char *)xml, xml_len, qpdf_oh_new_null(q),
                                qpdf_oh_new_null(q));
    qpdf_oh sd = qpdf_oh_get_dict(q, st);
    qpdf_oh_replace_key(q, sd, "/Type", qpdf_oh_new_name(q, "/EmbeddedFile"));
    qpdf_oh_replace_key(q, sd, "/Subtype", qpdf_oh_new_name(q, "/text/xml"));
    qpdf_oh params = qpdf_oh_get_key(q, sd, "/Params");
    if (!qpdf_oh_is_dictionary(q, params))
        params = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, params, "/ModDate", mod_date(q, params));
    qpdf_oh_replace_key(q, params, "/Size", qpdf_oh_new_integer(q, (long long)xml_len));
    qpdf_oh_remove_key(q, params, "/CheckSum"); /* it was the old content's */
    qpdf_oh_replace_key(q, sd, "/Params", params);

    ef = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, ef, "/F", st);
    qpdf_oh_replace_key(q, ef, "/UF", st);
    qpdf_oh_replace_key(q, fs, "/Type", qpdf_oh_new_name(q, "/Filespec"));
    qpdf_oh_replace_key(q, fs, "/F", qpdf_oh_new_string(q, FX_FILE));
    qpdf_oh_replace_key(q, fs, "/UF", qpdf_oh_new_unicode_string(q, FX_FILE));
    if (!qpdf_oh_is_string(q, qpdf_oh_get_key(q, fs, "/Desc")))
        qpdf_oh_replace_key(q, fs, "/Desc", qpdf_oh_new_string(q, "Factur-X invoice (EN 16931)"));
    qpdf_oh_replace_key(q, fs, "/AFRelationship", qpdf_oh_new_name(q, "/Alternative"));
    qpdf_oh_replace_key(q, fs, "/EF", ef);
}

/* The factur-x.xml file specification (FOP's, or a new one), as an indirect
 * object named in a flat, sorted /EmbeddedFiles name tree. */
static qpdf_oh attach(qpdf_data q, qpdf_oh root, const char *xml, size_t xml_len)
{
    qpdf_oh names = qpdf_oh_get_key(q, root, "/Names");
    if (!qpdf_oh_is_dictionary(q, names)) {
        names = qpdf_oh_new_dictionary(q);
        qpdf_oh_replace_key(q, root, "/Names", names);
    }
    entries e = {NULL, 0, 0};
    collect(q, qpdf_oh_get_key(q, names, "/EmbeddedFiles"), &e, 0);

    /* FOP's file specification is kept (other objects may point at it). */
    qpdf_oh fs = 0;
    bool found = false;
    for (size_t i = 0; i < e.n && !found; i++)
        if (str_eq(e.v[i].key, FX_FILE) && qpdf_oh_is_dictionary(q, e.v[i].value)) {
            fs = e.v[i].value;
            found = true;
        }
    if (!found)
        fs = qpdf_oh_new_dictionary(q);
    if (!qpdf_oh_is_indirect(q, fs))
        fs = qpdf_make_indirect_object(q, fs);
    fix_filespec(q, fs, xml, xml_len);

    qpdf_oh arr = qpdf_oh_new_array(q);
    bool placed = false;
    for (size_t i = 0; i <= e.n; i++) {
        /* Name trees are sorted: ours goes before the first key after it. */
        if (!placed && (i == e.n || strcmp(e.v[i].key, FX_FILE) >= 0)) {
            qpdf_oh_append_item(q, arr, qpdf_oh_new_string(q, FX_FILE));
            qpdf_oh_append_item(q, arr, fs);
            placed = true;
        }
        if (i < e.n && !str_eq(e.v[i].key, FX_FILE)) {
            qpdf_oh_append_item(q, arr, qpdf_oh_new_string(q, e.v[i].key));
            qpdf_oh_append_item(q, arr, e.v[i].value);
        }
    }
    for (size_t i = 0; i < e.n; i++)
        free(e.v[i].key);
    free(e.v);
    qpdf_oh tree = qpdf_oh_new_dictionary(q);
    qpdf_oh_replace_key(q, tree, "/Names", arr);
    qpdf_oh_replace_key(q, names, "/EmbeddedFiles", tree);
    return fs;
}

/* The catalog's associated files (PDF/A-3 /AF) include fs exactly once. */
static void associate(qpdf_data q, qpdf_oh root, qpdf_oh fs)
{
    qpdf_oh af = qpdf_oh_get_key(q, root, "/AF");
    if (!qpdf_oh_is_array(q, af)) {
        af = qpdf_oh_new_array(q);
        qpdf_oh_replace_key(q, root, "/AF", af);
    }
    int id = qpdf_oh_get_object_id(q, fs);
    int n = qpdf_oh_get_array_n_items(q, af);
    for (int i = 0; i < n; i++)
        if (qpdf_oh_get_object_id(q, qpdf_oh_get_array_item(q, af, i)) == id)
            return;
    qpdf_oh_append_item(q, af, fs);
}

static void qpdf_err(qpdf_data q, char *err, size_t errlen, const char *what)
{
    qpdf_error e = qpdf_get_error(q);
    set_err(err, errlen, "%s: %s", what, e ? qpdf_get_error_full_text(q, e) : "unknown error");
}

int rpt_facturx_apply(qpdf_data q, const char *xml, size_t xml_len, char *err, size_t errlen)
{
    qpdf_oh root = qpdf_get_root(q);
    if (fix_metadata(q, root, err, errlen) != 0)
        return -1;
    qpdf_oh fs = attach(q, root, xml, xml_len);
    associate(q, root, fs);
    if (qpdf_has_error(q)) {
        qpdf_err(q, err, errlen, "cannot update the PDF");
        return -1;
    }
    return 0;
}

int rpt_facturx_make(const char *pdf_path, const char *xml, size_t xml_len, const char *out_path,
                     char *err, size_t errlen)
{
    set_err(err, errlen, "%s", "");
    qpdf_data q = qpdf_init();
    qpdf_silence_errors(q);
    qpdf_set_suppress_warnings(q, QPDF_TRUE);
    char *tmp = NULL;
    int rc = -1;
    if (qpdf_read(q, pdf_path, NULL) & QPDF_ERRORS) {
        qpdf_err(q, err, errlen, "cannot read the PDF");
        goto out;
    }
    if (rpt_facturx_apply(q, xml, xml_len, err, errlen) != 0)
        goto out;
    /* Written beside the target then renamed: out_path is never half-written,
     * and may be pdf_path itself (qpdf reads the input lazily). */
    size_t n = strlen(out_path) + 32;
    tmp = xmalloc(n);
    snprintf(tmp, n, "%s.%ld.tmp", out_path, (long)getpid());
    if ((qpdf_init_write(q, tmp) & QPDF_ERRORS) || (qpdf_write(q) & QPDF_ERRORS)) {
        qpdf_err(q, err, errlen, "cannot write the PDF");
        unlink(tmp);
        goto out;
    }
    if (rename(tmp, out_path) != 0) {
        set_err(err, errlen, "cannot rename %s to %s", tmp, out_path);
        unlink(tmp);
        goto out;
    }
    rc = 0;
out:
    free(tmp);
    qpdf_cleanup(&q);
    return rc;
}
