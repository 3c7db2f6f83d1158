/*
 * reports/report_xml.c — writing km0 XML documents with libxml2's xmlTextWriter.
 *
 * The writer streams straight into a buf (no tree is built), which is what keeps
 * a 10 000-order picking list close to the speed of PostgreSQL's own COPY. The
 * helpers remember the first failure instead of making every caller check.
 */
#include "../core/money.h"
#include "../core/text.h"
#include "../core/util.h"
#include "report_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int write_to_buf(void *ctx, const char *data, int len)
{
    buf_append(ctx, data, (size_t)len);
    return len;
}

static int close_nothing(void *ctx)
{
    (void)ctx;
    return 0;
}

xmlTextWriterPtr rpt_xml_writer(buf *out)
{
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(write_to_buf, close_nothing, out, NULL);
    if (!ob)
        return NULL;
    xmlTextWriterPtr w = xmlNewTextWriter(ob); /* owns ob from here on */
    if (!w) {
        xmlOutputBufferClose(ob);
        return NULL;
    }
    xmlTextWriterSetIndent(w, 1);
    xmlTextWriterSetIndentString(w, BAD_CAST " ");
    return w;
}

static void check(rpt_ctx *ctx, int rc)
{
    if (rc < 0)
        ctx->xml_failed = true;
}

bool rpt_xml_finish(rpt_ctx *ctx)
{
    check(ctx, xmlTextWriterEndDocument(ctx->w));
    xmlFreeTextWriter(ctx->w);
    ctx->w = NULL;
    return !ctx->xml_failed;
}

void rpt_xml_start(rpt_ctx *ctx, const char *element)
{
    check(ctx, xmlTextWriterStartElement(ctx->w, BAD_CAST element));
}

void rpt_xml_end(rpt_ctx *ctx)
{
    check(ctx, xmlTextWriterEndElement(ctx->w));
}

/* XML 1.0 cannot carry C0 controls other than tab and line breaks, nor U+FFFE and
 * U+FFFF, even escaped: input refuses them (core/text.h), and what the database held
 * before that still prints, as spaces, rather than making the document unreadable. */
static const char *xml_safe(rpt_ctx *ctx, const char *s)
{
    return text_xml_safe(ctx->mem, s);
}

void rpt_xml_attr(rpt_ctx *ctx, const char *name, const char *value)
{
    if (!value)
        return;
    check(ctx, xmlTextWriterWriteAttribute(ctx->w, BAD_CAST name, BAD_CAST xml_safe(ctx, value)));
}

void rpt_xml_attr_int(rpt_ctx *ctx, const char *name, int64_t v)
{
    char s[24];
    snprintf(s, sizeof s, "%lld", (long long)v);
    check(ctx, xmlTextWriterWriteAttribute(ctx->w, BAD_CAST name, BAD_CAST s));
}

void rpt_xml_attr_milli(rpt_ctx *ctx, const char *name, int64_t milli)
{
    char s[32];
    check(ctx,
          xmlTextWriterWriteAttribute(ctx->w, BAD_CAST name, BAD_CAST dec_format(s, milli, 3, 0)));
}

void rpt_xml_attr_bool(rpt_ctx *ctx, const char *name, bool v)
{
    check(ctx, xmlTextWriterWriteAttribute(ctx->w, BAD_CAST name, BAD_CAST(v ? "true" : "false")));
}

void rpt_xml_text(rpt_ctx *ctx, const char *text)
{
    check(ctx, xmlTextWriterWriteString(ctx->w, BAD_CAST xml_safe(ctx, text)));
}

void rpt_xml_element(rpt_ctx *ctx, const char *element, const char *text)
{
    check(ctx, xmlTextWriterWriteElement(ctx->w, BAD_CAST element,
                                         BAD_CAST xml_safe(ctx, text ? text : "")));
}

/* <head>: what the document is, for whom, when; enough to print it alone. */
static void write_head(rpt_ctx *ctx)
{
    const PGresult *h = ctx->head;
    rpt_xml_start(ctx, "head");
    rpt_xml_element(ctx, "generated-at", db_val(h, 0, "generated_at"));
    rpt_xml_element(ctx, "lang", ctx->rq->lang);
    rpt_xml_start(ctx, "hub");
    rpt_xml_attr(ctx, "slug", db_val(h, 0, "hub_slug"));
    rpt_xml_element(ctx, "name", db_val(h, 0, "hub_name"));
    rpt_xml_element(ctx, "legal-form", db_val(h, 0, "hub_legal_form"));
    rpt_xml_element(ctx, "siret", db_val(h, 0, "hub_siret"));
    rpt_xml_element(ctx, "vat-number", db_val(h, 0, "hub_vat_number"));
    rpt_xml_element(ctx, "address", db_val(h, 0, "hub_address"));
    rpt_xml_element(ctx, "email", db_val(h, 0, "hub_email"));
    rpt_xml_element(ctx, "phone", db_val(h, 0, "hub_phone"));
    rpt_xml_start(ctx, "depot");
    rpt_xml_attr(ctx, "lat", db_val(h, 0, "depot_lat"));
    rpt_xml_attr(ctx, "lon", db_val(h, 0, "depot_lon"));
    rpt_xml_end(ctx);
    rpt_xml_end(ctx); /* hub */
    rpt_xml_start(ctx, "cycle");
    rpt_xml_attr(ctx, "id", db_val(h, 0, "cycle_id"));
    rpt_xml_attr(ctx, "state", db_val(h, 0, "cycle_state"));
    rpt_xml_element(ctx, "name", db_val(h, 0, "cycle_name"));
    rpt_xml_start(ctx, "delivery-date");
    rpt_xml_attr(ctx, "day", db_val(h, 0, "delivery_dow"));
    rpt_xml_text(ctx, db_val(h, 0, "delivery_date"));
    rpt_xml_end(ctx);
    rpt_xml_end(ctx); /* cycle */
    rpt_xml_element(ctx, "seller-mode", db_val(h, 0, "seller_mode"));
    const rpt_request *rq = ctx->rq;
    if (ctx->producer_id || ctx->pickup_id || ctx->round_id) {
        rpt_xml_start(ctx, "filter");
        if (ctx->producer_id)
            rpt_xml_attr(ctx, "producer", rq->producer);
        if (ctx->pickup_id)
            rpt_xml_attr(ctx, "pickup", rq->pickup);
        if (ctx->round_id)
            rpt_xml_attr_int(ctx, "round", ctx->round_id);
        rpt_xml_end(ctx);
    }
    rpt_xml_end(ctx); /* head */
}

void rpt_xml_begin(rpt_ctx *ctx, const char *root)
{
    check(ctx, xmlTextWriterStartDocument(ctx->w, "1.0", "UTF-8", NULL));
    rpt_xml_start(ctx, root);
    rpt_xml_attr(ctx, "xmlns", RPT_NAMESPACE);
    rpt_xml_attr(ctx, "version", "1");
    write_head(ctx);
}

/* ---- columns ------------------------------------------------------------- */

void rpt_cols_init(rpt_cols *c, const PGresult *r, const char *const *names)
{
    c->r = r;
    for (int i = 0; names[i]; i++) {
        if (i >= (int)ARRAY_LEN(c->idx))
            die("rpt_cols_init: too many columns");
        c->idx[i] = PQfnumber(r, names[i]);
        if (c->idx[i] < 0)
            die("no column %s in result", names[i]);
    }
}

const char *rpt_v(const rpt_cols *c, int row, int col)
{
    return PQgetvalue(c->r, row, c->idx[col]);
}

int64_t rpt_i(const rpt_cols *c, int row, int col)
{
    return strtoll(PQgetvalue(c->r, row, c->idx[col]), NULL, 10);
}

bool rpt_null(const rpt_cols *c, int row, int col)
{
    return PQgetisnull(c->r, row, c->idx[col]);
}

int rpt_run_end(const rpt_cols *c, int from, int col)
{
    int n = PQntuples(c->r), end = from + 1;
    const char *v = rpt_v(c, from, col);
    while (end < n && strcmp(rpt_v(c, end, col), v) == 0)
        end++;
    return end;
}
