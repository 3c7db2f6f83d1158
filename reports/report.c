/*
 * reports/report.c — the kinds of documents and the pipeline that renders them.
 *
 * rpt_render checks the request (kind, filters, cycle of this hub, batched),
 * writes the XML document (root, <head>, then the kind's generator), and hands
 * it to the layer the format needs: nothing for xml, XSLT for fo and html, XSLT
 * then FOP for pdf. Everything of one request lives in one arena.
 */
#include "../core/log.h"
#include "../core/util.h"
#include "report_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* A new kind: its generator, a line here, reports/xsd/NAME.xsd,
 * reports/xsl/NAME-fo.xsl and reports/xsl/NAME-html.xsl. */
static const rpt_kind kinds[] = {
    {"collection", "Bon d’apport", "Collection list", RPT_BY_PRODUCER | RPT_BY_ROUND,
     rpt_collection, false},
    {"picking", "Liste de préparation", "Picking list", RPT_BY_PICKUP | RPT_BY_ROUND, rpt_picking,
     false},
    {"delivery", "Feuille de distribution", "Delivery sheet", RPT_BY_PICKUP | RPT_BY_ROUND,
     rpt_delivery, false},
    {"route", "Feuille de route", "Route sheet", RPT_BY_ROUND, rpt_route, false},
    {"invoices", "Factures", "Invoices", RPT_BY_PRODUCER | RPT_BY_PICKUP, rpt_invoices, false},
    {"receipts", "Reçus des commandes papier", "Paper order receipts", RPT_BY_PICKUP | RPT_BY_ROUND,
     rpt_receipts, false},
    /* the week's paper order form: printed while the cycle is open, or before */
    {"orderform", "Bon de commande", "Order form", 0, rpt_orderform, true},
};

size_t rpt_kind_count(void)
{
    return ARRAY_LEN(kinds);
}

const rpt_kind *rpt_kind_at(size_t i)
{
    return i < ARRAY_LEN(kinds) ? &kinds[i] : NULL;
}

const rpt_kind *rpt_kind_find(const char *name)
{
    for (size_t i = 0; name && i < ARRAY_LEN(kinds); i++)
        if (!strcmp(kinds[i].name, name))
            return &kinds[i];
    return NULL;
}

const char *rpt_kind_name(const rpt_kind *k)
{
    return k->name;
}

const char *rpt_kind_title(const rpt_kind *k, const char *lang)
{
    return lang && !strcmp(lang, "en") ? k->title_en : k->title_fr;
}

unsigned rpt_kind_filters(const rpt_kind *k)
{
    return k->filters;
}

static const char *const format_names[] = {"xml", "fo", "pdf", "html"};
static const char *const content_types[] = {"application/xml; charset=utf-8",
                                            "application/xslfo+xml; charset=utf-8",
                                            "application/pdf", "text/html; charset=utf-8"};

bool rpt_format_parse(const char *s, rpt_format *f)
{
    for (size_t i = 0; s && i < ARRAY_LEN(format_names); i++)
        if (!strcmp(s, format_names[i])) {
            *f = (rpt_format)i;
            return true;
        }
    return false;
}

const char *rpt_format_name(rpt_format f)
{
    return format_names[f];
}

const char *rpt_content_type(rpt_format f)
{
    return content_types[f];
}

char *rpt_file_name(char *out, const rpt_request *rq)
{
    int n = snprintf(out, 128, "km0-%s-c%lld", rq->kind, (long long)rq->cycle_id);
    if (rq->producer && *rq->producer && n < 128)
        n += snprintf(out + n, 128 - (size_t)n, "-%s", rq->producer);
    if (rq->pickup && *rq->pickup && n < 128)
        n += snprintf(out + n, 128 - (size_t)n, "-%s", rq->pickup);
    if (rq->round && n < 128)
        n += snprintf(out + n, 128 - (size_t)n, "-r%lld", (long long)rq->round);
    if (n < 128)
        snprintf(out + n, 128 - (size_t)n, ".%s", format_names[rq->format]);
    return out;
}

/* ---- refusing a request -------------------------------------------------- */

static int refuse(rpt_error *err, int status, const char *code, const char *field, const char *fmt,
                  ...) __attribute__((format(printf, 5, 6)));

static int refuse(rpt_error *err, int status, const char *code, const char *field, const char *fmt,
                  ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    err->status = status;
    err->code = code;
    err->field = field;
    return -1;
}

static int db_failure(rpt_error *err, db_conn *c, db_status st, bool fr)
{
    if (st == DB_DOWN)
        return refuse(err, 503, "database_unavailable", NULL, "%s",
                      fr ? "La base de données ne répond pas ; réessayez dans un instant."
                         : "The database is not answering; try again in a moment.");
    /* the database's own message is for the log, not for the person asking */
    const db_error *e = db_last_error(c);
    log_event(LOG_ERROR, "report.db_error", "sqlstate=%s", e->sqlstate);
    if (!strcmp(e->sqlstate, "57014"))
        return refuse(err, 503, "timeout", NULL, "%s",
                      fr ? "La base de données a mis trop de temps à répondre ; réessayez."
                         : "The database took too long to answer; try again.");
    return refuse(err, 500, "database_error", NULL, "%s",
                  fr ? "Erreur de la base de données ; le document n’a pas été fait."
                     : "Database error; the document was not made.");
}

static bool given(const char *s)
{
    return s && *s;
}

static int check_filters(const rpt_kind *k, const rpt_request *rq, bool fr, rpt_error *err)
{
    static const struct {
        unsigned bit;
        const char *field;
    } f[] = {{RPT_BY_PRODUCER, "producer"}, {RPT_BY_PICKUP, "pickup"}, {RPT_BY_ROUND, "round"}};
    for (size_t i = 0; i < ARRAY_LEN(f); i++) {
        bool set = f[i].bit == RPT_BY_PRODUCER ? given(rq->producer)
                   : f[i].bit == RPT_BY_PICKUP ? given(rq->pickup)
                                               : rq->round != 0;
        if (set && !(k->filters & f[i].bit))
            return refuse(err, 400, "filter_not_accepted", f[i].field,
                          fr ? "Le document « %s » ne se filtre pas par %s."
                             : "The %s document cannot be filtered by %s.",
                          k->name, f[i].field);
    }
    if (rq->round < 0)
        return refuse(err, 400, "unknown_round", "round",
                      fr ? "Tournée inconnue : %lld." : "No round %lld.", (long long)rq->round);
    return 0;
}

/* Load hub, cycle and filters into ctx, refusing what does not exist. */
static int load_context(rpt_ctx *ctx, const rpt_kind *k, bool fr, rpt_error *err)
{
    const rpt_request *rq = ctx->rq;
    PGresult *r;
    db_status st = rpt_db_context(ctx->db, ctx->mem, rq->hub_id, rq->cycle_id, rq->producer,
                                  rq->pickup, rq->round, &r);
    if (st != DB_OK)
        return db_failure(err, ctx->db, st, fr);
    if (PQntuples(r) != 1 || db_null(r, 0, "cycle_id"))
        return refuse(err, 404, "cycle_not_found", "cycle",
                      fr ? "Aucun cycle %lld pour ce pôle." : "This hub has no cycle %lld.",
                      (long long)rq->cycle_id);
    const char *state = db_val(r, 0, "cycle_state");
    if (!k->before_batch && strcmp(state, "batched") != 0 && strcmp(state, "invoiced") != 0)
        return refuse(err, 409, "cycle_not_batched", "cycle",
                      fr ? "Le cycle %lld est « %s » : les documents existent une fois les "
                           "tournées calculées (km0 batch --cycle %lld)."
                         : "Cycle %lld is %s: its documents exist once it is batched "
                           "(km0 batch --cycle %lld).",
                      (long long)rq->cycle_id, state, (long long)rq->cycle_id);
    if (given(rq->producer) && db_null(r, 0, "producer_id"))
        return refuse(err, 400, "unknown_producer", "producer",
                      fr ? "Aucun producteur « %s »." : "No producer \"%s\".", rq->producer);
    if (given(rq->pickup) && db_null(r, 0, "pickup_id"))
        return refuse(err, 400, "unknown_pickup", "pickup",
                      fr ? "Aucun point de retrait « %s »." : "No pickup point \"%s\".",
                      rq->pickup);
    if (rq->round && db_null(r, 0, "round_id"))
        return refuse(err, 400, "unknown_round", "round",
                      fr ? "Le cycle %lld n’a pas de tournée %lld."
                         : "Cycle %lld has no round %lld.",
                      (long long)rq->cycle_id, (long long)rq->round);
    ctx->head = r;
    ctx->hub_id = rq->hub_id;
    ctx->cycle_id = rq->cycle_id;
    ctx->producer_id = given(rq->producer) ? db_int(r, 0, "producer_id") : 0;
    ctx->pickup_id = given(rq->pickup) ? db_int(r, 0, "pickup_id") : 0;
    ctx->round_id = rq->round ? db_int(r, 0, "round_id") : 0;
    ctx->seller_is_hub = !strcmp(db_val(r, 0, "seller_mode"), "hub");
    return 0;
}

static int make_xml(rpt_ctx *ctx, const rpt_kind *k, buf *xml, bool fr, rpt_error *err)
{
    ctx->w = rpt_xml_writer(xml);
    if (!ctx->w)
        return refuse(err, 500, "render_failed", NULL, "out of memory");
    rpt_xml_begin(ctx, k->name);
    db_status st = k->generate(ctx);
    rpt_xml_end(ctx); /* the root */
    bool ok = rpt_xml_finish(ctx);
    if (st != DB_OK)
        return db_failure(err, ctx->db, st, fr);
    if (!ok)
        return refuse(err, 500, "render_failed", NULL, "the XML document could not be written");
    return 0;
}

/* Everything but FOP: the XML, its check, then the FO for pdf into job (the XML
 * kept as its attachment for PDF/A), or the document itself into out. */
static int render(rpt_ctx *ctx, const rpt_kind *k, buf *out, rpt_pdf_job *job, bool fr,
                  rpt_error *err)
{
    const rpt_request *rq = ctx->rq;
    buf xml = BUF_INIT;
    int rc = make_xml(ctx, k, &xml, fr, err);
    if (rc == 0 && rq->validate)
        rc = rpt_validate(xml.data, xml.len, k->name, err);
    if (rc != 0)
        goto out;
    char sheet[64], attachment[64];
    snprintf(attachment, sizeof attachment, "km0-%s.xml", k->name);
    const char *params[] = {"lang", rq->lang, "attachment", rq->pdfa ? attachment : "", NULL};
    switch (rq->format) {
    case RPT_XML:
        buf_append(out, xml.data, xml.len);
        break;
    case RPT_HTML:
    case RPT_FO:
        snprintf(sheet, sizeof sheet, "%s-%s", k->name, rq->format == RPT_HTML ? "html" : "fo");
        rc = rpt_transform(xml.data, xml.len, sheet, params, out, err);
        break;
    case RPT_PDF:
        snprintf(sheet, sizeof sheet, "%s-fo", k->name);
        rc = rpt_transform(xml.data, xml.len, sheet, params, &job->fo, err);
        /* PDF/A-3 carries the document it was made from, as Factur-X carries its XML */
        if (rc == 0 && rq->pdfa) {
            snprintf(job->attachment_name, sizeof job->attachment_name, "%s", attachment);
            buf_append(&job->attachment, xml.data, xml.len);
            job->pdfa = true;
        }
        break;
    }
out:
    buf_free(&xml);
    return rc;
}

int rpt_pdf_job_run(rpt_pdf_job *job, int64_t deadline_us, const atomic_bool *cancel)
{
    rpt_attachment att = {job->attachment_name, job->attachment.data, job->attachment.len};
    rpt_pdf_options opt = {job->pdfa ? "PDF/A-3b" : NULL, job->pdfa ? &att : NULL,
                           job->pdfa ? 1u : 0u, deadline_us, cancel};
    memset(&job->err, 0, sizeof job->err);
    return rpt_pdf(job->fo.data, job->fo.len, &opt, &job->pdf, &job->err);
}

void rpt_pdf_job_free(rpt_pdf_job *job)
{
    buf_free(&job->fo);
    buf_free(&job->attachment);
    buf_free(&job->pdf);
}

/* What rpt_render and rpt_query_text share: the request checked, its filters
 * resolved into ctx. rq is the caller's copy, its lang normalised. */
static int begin(db_conn *c, rpt_request *rq, rpt_ctx *ctx, const rpt_kind **k, rpt_error *err)
{
    if (!rq->lang || strcmp(rq->lang, "en") != 0)
        rq->lang = "fr";
    bool fr = rq->lang[0] == 'f';
    memset(err, 0, sizeof *err);
    *k = rpt_kind_find(rq->kind);
    if (!*k) {
        char names[200] = "";
        for (size_t i = 0; i < ARRAY_LEN(kinds); i++)
            snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s", i ? ", " : "",
                     kinds[i].name);
        return refuse(err, 404, "unknown_report", "kind",
                      fr ? "Document inconnu « %s » ; les documents sont : %s."
                         : "Unknown document \"%s\"; the documents are: %s.",
                      rq->kind ? rq->kind : "", names);
    }
    if (check_filters(*k, rq, fr, err) != 0)
        return -1;
    *ctx = (rpt_ctx){.db = c, .mem = arena_new(), .rq = rq};
    return load_context(ctx, *k, fr, err);
}

int rpt_render(db_conn *c, const rpt_request *req, buf *out, rpt_error *err)
{
    rpt_request rq = *req;
    rpt_ctx ctx = {0};
    rpt_pdf_job job = {0};
    const rpt_kind *k;
    int rc = begin(c, &rq, &ctx, &k, err);
    if (rc == 0)
        rc = render(&ctx, k, out, &job, rq.lang[0] == 'f', err);
    if (rc == 0 && rq.format == RPT_PDF) {
        rc = rpt_pdf_job_run(&job, 0, NULL);
        if (rc == 0)
            buf_append(out, job.pdf.data, job.pdf.len);
        else
            *err = job.err;
    }
    rpt_pdf_job_free(&job);
    arena_free(ctx.mem);
    return rc;
}

int rpt_render_pdf_job(db_conn *c, const rpt_request *req, rpt_pdf_job *job, rpt_error *err)
{
    rpt_request rq = *req;
    rq.format = RPT_PDF;
    rpt_ctx ctx = {0};
    const rpt_kind *k;
    memset(job, 0, sizeof *job);
    int rc = begin(c, &rq, &ctx, &k, err);
    if (rc == 0)
        rc = render(&ctx, k, NULL, job, rq.lang[0] == 'f', err);
    arena_free(ctx.mem);
    if (rc != 0)
        rpt_pdf_job_free(job);
    return rc;
}

int rpt_query_text(db_conn *c, const rpt_request *req, buf *out, rpt_error *err)
{
    rpt_request rq = *req;
    rpt_ctx ctx = {0};
    const rpt_kind *k;
    int rc = begin(c, &rq, &ctx, &k, err);
    if (rc == 0)
        rpt_db_query_text(&ctx, k->name, out);
    arena_free(ctx.mem);
    return rc;
}
