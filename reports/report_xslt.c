/*
 * reports/report_xslt.c — XSLT and XSD in process (libxslt, libxml2).
 *
 * Stylesheets and schemas are compiled once per process, on first use, and then
 * shared by every thread: a compiled stylesheet is read-only during a
 * transformation (libxslt keeps per-run state in the transform context), so
 * only the cache itself needs the lock. Stylesheets may read files (their
 * labels) and nothing else: no writing, no network.
 */
#include "../core/config.h"
#include "../core/log.h"
#include "../core/paths.h"
#include "../core/util.h"
#include "report.h"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <libxslt/security.h>
#include <libxslt/transform.h>
#include <libxslt/variables.h>
#include <libxslt/xsltInternals.h>
#include <libxslt/xsltutils.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define MAX_CACHED 32

typedef struct {
    char name[64];
    void *compiled; /* xsltStylesheetPtr or xmlSchemaPtr */
} cached;

static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static cached sheets[MAX_CACHED], schemas[MAX_CACHED];
static pthread_once_t init_once = PTHREAD_ONCE_INIT;

static void init_libs(void)
{
    xmlInitParser();
}

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

/* Names come from code, but are checked anyway: they become file names. */
static bool name_ok(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n >= 64)
        return false;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
            return false;
    return true;
}

/* reports_dir/SUB/NAME.EXT, reports_dir relative to the project directory. */
static void file_path(char *out, size_t size, const char *sub, const char *name, const char *ext)
{
    const char *dir = g_config.reports_dir[0] ? g_config.reports_dir : "reports";
    if (dir[0] == '/')
        snprintf(out, size, "%s/%s/%s.%s", dir, sub, name, ext);
    else
        snprintf(out, size, "%s/%s/%s/%s.%s", km0_home(), dir, sub, name, ext);
}

static void *cache_get(cached *cache, const char *name, void *(*load)(const char *name))
{
    void *found = NULL;
    pthread_mutex_lock(&cache_lock);
    int i = 0;
    for (; i < MAX_CACHED && cache[i].compiled; i++)
        if (!strcmp(cache[i].name, name)) {
            found = cache[i].compiled;
            break;
        }
    if (!found && i < MAX_CACHED) {
        found = load(name);
        if (found) {
            snprintf(cache[i].name, sizeof cache[i].name, "%s", name);
            cache[i].compiled = found;
        }
    }
    pthread_mutex_unlock(&cache_lock);
    return found;
}

static void *load_sheet(const char *name)
{
    char path[1200];
    file_path(path, sizeof path, "xsl", name, "xsl");
    xsltStylesheetPtr s = xsltParseStylesheetFile(BAD_CAST path);
    if (!s)
        log_event(LOG_ERROR, "report.stylesheet_invalid", "path=%s", path);
    return s;
}

static void *load_schema(const char *name)
{
    char path[1200];
    file_path(path, sizeof path, "xsd", name, "xsd");
    xmlSchemaParserCtxtPtr pc = xmlSchemaNewParserCtxt(path);
    xmlSchemaPtr s = pc ? xmlSchemaParse(pc) : NULL;
    xmlSchemaFreeParserCtxt(pc);
    if (!s)
        log_event(LOG_ERROR, "report.schema_invalid", "path=%s", path);
    return s;
}

/* Error messages of one run, kept for the reply (the first one is enough). */
typedef struct {
    char first[256];
} run_errors;

static void keep_error(void *ctx, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void keep_error(void *ctx, const char *fmt, ...)
{
    run_errors *e = ctx;
    if (e->first[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->first, sizeof e->first, fmt, ap);
    va_end(ap);
    size_t n = strlen(e->first);
    while (n && (e->first[n - 1] == '\n' || e->first[n - 1] == ' '))
        e->first[--n] = '\0';
}

static xmlDocPtr parse(const char *xml, size_t len)
{
    return xmlReadMemory(xml, (int)len, "document.xml", NULL,
                         XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                             XML_PARSE_HUGE);
}

static xsltSecurityPrefsPtr read_only_prefs(void)
{
    xsltSecurityPrefsPtr p = xsltNewSecurityPrefs();
    if (!p)
        return NULL;
    xsltSetSecurityPrefs(p, XSLT_SECPREF_WRITE_FILE, xsltSecurityForbid);
    xsltSetSecurityPrefs(p, XSLT_SECPREF_CREATE_DIRECTORY, xsltSecurityForbid);
    xsltSetSecurityPrefs(p, XSLT_SECPREF_READ_NETWORK, xsltSecurityForbid);
    xsltSetSecurityPrefs(p, XSLT_SECPREF_WRITE_NETWORK, xsltSecurityForbid);
    return p;
}

int rpt_transform(const char *xml, size_t len, const char *stylesheet, const char *const *params,
                  buf *out, rpt_error *err)
{
    pthread_once(&init_once, init_libs);
    if (!name_ok(stylesheet))
        return fail(err, "render_failed", "bad stylesheet name \"%s\"", stylesheet);
    xsltStylesheetPtr sheet = cache_get(sheets, stylesheet, load_sheet);
    if (!sheet)
        return fail(err, "render_failed", "the stylesheet %s.xsl cannot be loaded (reports_dir %s)",
                    stylesheet, g_config.reports_dir);
    xmlDocPtr doc = parse(xml, len);
    if (!doc)
        return fail(err, "render_failed", "the document is not well-formed XML");
    int rc = -1;
    run_errors errors = {""};
    xsltSecurityPrefsPtr prefs = read_only_prefs();
    xsltTransformContextPtr tc = xsltNewTransformContext(sheet, doc);
    xmlDocPtr res = NULL;
    if (!tc || !prefs || xsltSetCtxtSecurityPrefs(prefs, tc) != 0) {
        fail(err, "render_failed", "out of memory");
        goto out;
    }
    xsltSetTransformErrorFunc(tc, &errors, keep_error);
    /* values are strings, not XPath expressions: quote them */
    xsltQuoteUserParams(tc, (const char **)params);
    res = xsltApplyStylesheetUser(sheet, doc, NULL, NULL, NULL, tc);
    if (!res || tc->state != XSLT_STATE_OK) {
        fail(err, "render_failed", "%s.xsl failed: %s", stylesheet,
             errors.first[0] ? errors.first : "no result");
        goto out;
    }
    xmlChar *text = NULL;
    int n = 0;
    if (xsltSaveResultToString(&text, &n, res, sheet) != 0 || !text) {
        fail(err, "render_failed", "%s.xsl: the result cannot be serialised", stylesheet);
        goto out;
    }
    buf_append(out, text, (size_t)n);
    xmlFree(text);
    rc = 0;
out:
    xmlFreeDoc(res);
    if (tc)
        xsltFreeTransformContext(tc);
    if (prefs)
        xsltFreeSecurityPrefs(prefs);
    xmlFreeDoc(doc);
    return rc;
}

int rpt_validate(const char *xml, size_t len, const char *schema, rpt_error *err)
{
    pthread_once(&init_once, init_libs);
    if (!name_ok(schema))
        return fail(err, "invalid_document", "bad schema name \"%s\"", schema);
    xmlSchemaPtr s = cache_get(schemas, schema, load_schema);
    if (!s)
        return fail(err, "invalid_document", "the schema %s.xsd cannot be loaded", schema);
    xmlDocPtr doc = parse(xml, len);
    if (!doc)
        return fail(err, "invalid_document", "the document is not well-formed XML");
    /* a validation context is per run: the compiled schema is shared */
    xmlSchemaValidCtxtPtr vc = xmlSchemaNewValidCtxt(s);
    run_errors errors = {""};
    int rc = -1;
    if (vc) {
        xmlSchemaSetValidErrors(vc, keep_error, keep_error, &errors);
        rc = xmlSchemaValidateDoc(vc, doc);
        xmlSchemaFreeValidCtxt(vc);
    }
    xmlFreeDoc(doc);
    if (rc != 0)
        return fail(err, "invalid_document", "the document does not follow %s.xsd: %s", schema,
                    errors.first[0] ? errors.first : "validation failed");
    return 0;
}
