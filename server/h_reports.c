/*
 * server/h_reports.c — the documents of a cycle over HTTP.
 *
 *   GET /api/v1/cycles/{id}/reports         what can be printed (desk data, JSON)
 *   GET /api/v1/cycles/{id}/reports/{kind}  one document:
 *       ?format=pdf|xml|fo|html (pdf by default) &producer=SLUG &pickup=SLUG
 *       &round=ID &pdfa=1 &lang=fr|en
 *
 * Coordinators get every document; a producer gets its own collection list
 * only (the producer filter is then implied). Refusals are the JSON errors of
 * reports/report.h; a document is sent only once it is complete. A PDF is
 * prepared here and rendered by FOP on a renderer thread, the connection
 * waiting apart (server/render_pool.h): 503 busy with Retry-After when every
 * renderer is taken.
 */
#include "../core/log.h"
#include "../core/parse.h"
#include "../reports/report.h"
#include "../core/util.h"
#include "handlers.h"
#include "render_pool.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool query_round_or_reply(http_req *req, int64_t *round)
{
    const char *s = http_query(req, "round");
    *round = 0;
    if (!s || !*s)
        return true;
    int64_t v;
    if (parse_int(s, 1, INT64_MAX, &v) != PARSE_OK) {
        http_reply_error(req, 400, "unknown_round",
                         req->lang[0] == 'f' ? "round est le numéro d’une tournée du cycle."
                                             : "round is the id of a round of the cycle.",
                         "round");
        return false;
    }
    *round = v;
    return true;
}

/* A producer may print its own collection list, nothing else. */
static bool producer_scope_or_reply(http_req *req, rpt_request *rq)
{
    const http_session *s = req->session;
    if (!s || s->role != ROLE_PRODUCER)
        return true;
    bool fr = req->lang[0] == 'f';
    const char *own = s->producer_slug ? s->producer_slug : "";
    if (strcmp(rq->kind, "collection") != 0 ||
        (rq->producer && *rq->producer && strcmp(rq->producer, own) != 0)) {
        http_reply_error(req, 403, "forbidden",
                         fr ? "Un producteur ne peut imprimer que son propre bon d’apport."
                            : "A producer may print its own collection list only.",
                         NULL);
        return false;
    }
    rq->producer = own;
    return true;
}

/* A PDF, FOP's part run by a renderer (server/render_pool.h). */
typedef struct report_job {
    rpt_pdf_job pdf;
    int rc;
    char name[128];
    const char *kind;
    int64_t cycle;
} report_job;

static void free_report_job(void *p)
{
    rpt_pdf_job_free(&((report_job *)p)->pdf);
}

static void report_work(void *p, int64_t deadline_us, const atomic_bool *cancel)
{
    report_job *j = p;
    j->rc = rpt_pdf_job_run(&j->pdf, deadline_us, cancel);
}

static void report_finish(http_req *req, void *p, bool busy)
{
    report_job *j = p;
    if (busy || (j->rc != 0 && str_eq(j->pdf.err.code, "busy"))) {
        http_reply_busy(req);
    } else if (j->rc != 0) {
        log_event(LOG_ERROR, "report.failed", "req=%s kind=%s cycle=%lld code=%s", req->id, j->kind,
                  (long long)j->cycle, j->pdf.err.code);
        http_reply_error(req, j->pdf.err.status, j->pdf.err.code, j->pdf.err.message, NULL);
    } else {
        http_reply_document(req, 200, rpt_content_type(RPT_PDF), j->pdf.pdf.data, j->pdf.pdf.len,
                            j->name);
    }
}

/* GET /api/v1/cycles/{id}/reports/{kind} */
void h_report_get(http_req *req)
{
    rpt_request rq = {.hub_id = req->hub_id, .lang = req->lang, .format = RPT_PDF};
    if (!http_id_or_reply(req, "id", &rq.cycle_id))
        return;
    rq.kind = http_param(req, "kind");
    const char *format = http_query(req, "format");
    if (format && !rpt_format_parse(format, &rq.format)) {
        http_reply_error(req, 400, "bad_format",
                         req->lang[0] == 'f' ? "format vaut pdf, xml, fo ou html."
                                             : "format is pdf, xml, fo or html.",
                         "format");
        return;
    }
    rq.producer = http_query(req, "producer");
    rq.pickup = http_query(req, "pickup");
    const char *pdfa = http_query(req, "pdfa");
    rq.pdfa = pdfa && !strcmp(pdfa, "1") && rq.format == RPT_PDF;
    if (!query_round_or_reply(req, &rq.round) || !producer_scope_or_reply(req, &rq))
        return;
    buf doc = BUF_INIT;
    rpt_error err;
    /* a document reads what was written before it was asked for: a standby will do */
    if (rq.format == RPT_PDF) {
        report_job *j = arena_alloc(req->mem, sizeof *j);
        memset(j, 0, sizeof *j);
        j->kind = rq.kind;
        j->cycle = rq.cycle_id;
        rpt_file_name(j->name, &rq);
        if (rpt_render_pdf_job(http_read_db(req), &rq, &j->pdf, &err) != 0) {
            if (err.status >= 500)
                log_event(LOG_ERROR, "report.failed", "req=%s kind=%s cycle=%lld code=%s", req->id,
                          rq.kind, (long long)rq.cycle_id, err.code);
            http_reply_error(req, err.status, err.code, err.message, err.field);
            return;
        }
        arena_defer(req->mem, free_report_job, j);
        render_async(req, report_work, report_finish, j);
        return;
    }
    if (rpt_render(http_read_db(req), &rq, &doc, &err) != 0) {
        if (err.status >= 500)
            log_event(LOG_ERROR, "report.failed", "req=%s kind=%s cycle=%lld code=%s", req->id,
                      rq.kind, (long long)rq.cycle_id, err.code);
        http_reply_error(req, err.status, err.code, err.message, err.field);
    } else {
        char name[128];
        http_reply_document(req, 200, rpt_content_type(rq.format), doc.data ? doc.data : "",
                            doc.len, rpt_file_name(name, &rq));
    }
    buf_free(&doc);
}

static cJSON *choices(const rpt_choice *c, size_t n, const char *value_key)
{
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        if (!strcmp(value_key, "id"))
            cJSON_AddNumberToObject(o, "id", strtod(c[i].value, NULL));
        else
            cJSON_AddStringToObject(o, value_key, c[i].value);
        cJSON_AddStringToObject(o, strcmp(value_key, "id") ? "name" : "label", c[i].label);
        cJSON_AddItemToArray(list, o);
    }
    return list;
}

/* GET /api/v1/cycles/{id}/reports — the documents and the values of their filters. */
void h_reports_list(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    rpt_desk desk;
    bool found;
    int st = rpt_desk_load(req->db, req->mem, req->hub_id, cycle, &desk, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "cycle_not_found",
                         req->lang[0] == 'f' ? "Aucun cycle de ce numéro." : "No such cycle.",
                         NULL);
        return;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(root, "cycle");
    cJSON_AddNumberToObject(c, "id", (double)cycle);
    cJSON_AddStringToObject(c, "name", desk.cycle_name);
    cJSON_AddStringToObject(c, "state", desk.state);
    cJSON_AddStringToObject(c, "delivery_date", desk.delivery_date);
    cJSON_AddBoolToObject(c, "ready", desk.ready);
    cJSON *docs = cJSON_AddArrayToObject(root, "documents");
    static const char *const filter_names[] = {"producer", "pickup", "round"};
    for (size_t i = 0; i < rpt_kind_count(); i++) {
        const rpt_kind *k = rpt_kind_at(i);
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "kind", rpt_kind_name(k));
        cJSON_AddStringToObject(d, "title", rpt_kind_title(k, req->lang));
        cJSON *f = cJSON_AddArrayToObject(d, "filters");
        for (unsigned b = 0; b < 3; b++)
            if (rpt_kind_filters(k) & (1u << b))
                cJSON_AddItemToArray(f, cJSON_CreateString(filter_names[b]));
        buf url = BUF_INIT;
        buf_printf(&url, "/api/v1/cycles/%lld/reports/%s", (long long)cycle, rpt_kind_name(k));
        cJSON_AddStringToObject(d, "url", buf_str(&url));
        buf_free(&url);
        cJSON_AddItemToArray(docs, d);
    }
    cJSON_AddItemToObject(root, "producers", choices(desk.producers, desk.nproducers, "slug"));
    cJSON_AddItemToObject(root, "pickup_points", choices(desk.pickups, desk.npickups, "slug"));
    cJSON_AddItemToObject(root, "rounds", choices(desk.rounds, desk.nrounds, "id"));
    http_reply_json(req, 200, root);
}
