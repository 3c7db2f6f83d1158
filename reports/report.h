/*
 * reports/report.h — the printed documents of a cycle, and the pipeline that makes them.
 *
 * Coordinators print the week on Thursday morning: what each producer brings
 * (collection), each customer's bag (picking), the sheet signed at each pickup
 * point (delivery), and each driver's route (route). Every document goes the
 * same way (docs/reports.md):
 *
 *   one SQL query ─▶ km0 XML (urn:km0:report:1, reports/xsd/KIND.xsd)
 *                     ─XSLT 1.0─▶ XSL-FO (reports/xsl/KIND-fo.xsl) ─FOP─▶ PDF
 *                     ─XSLT 1.0─▶ printable HTML (reports/xsl/KIND-html.xsl)
 *
 * A new kind is a generator (reports/rpt_KIND.c: one function writing the body
 * of the XML document), a line in the kind table (reports/report.c), an XSD and
 * two stylesheets. The lower layers (rpt_transform, rpt_validate, rpt_pdf) are
 * public for documents that are not per cycle, such as one invoice.
 */
#ifndef KM0_REPORT_H
#define KM0_REPORT_H

#include "../core/buf.h"
#include "../core/db.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RPT_NAMESPACE "urn:km0:report:1"

typedef enum { RPT_XML = 0, RPT_FO, RPT_PDF, RPT_HTML } rpt_format;

/* The filters a kind accepts (rpt_kind.filters). */
enum { RPT_BY_PRODUCER = 1, RPT_BY_PICKUP = 2, RPT_BY_ROUND = 4 };

/* Why a document was not made. status is an HTTP status: 4xx the request is
 * refused (the CLI exits 1), 5xx something failed on our side. */
typedef struct rpt_error {
    int status;
    const char *code;  /* stable: unknown_report, cycle_not_found, cycle_not_batched, ... */
    const char *field; /* the parameter at fault ("producer", "round", ...) or NULL */
    char message[512]; /* for a person, in the request's language */
} rpt_error;

typedef struct rpt_request {
    int64_t hub_id;
    int64_t cycle_id;
    const char *kind;     /* "collection", "picking", "delivery", "route" */
    const char *producer; /* producer slug; NULL or "" for every producer */
    const char *pickup;   /* pickup point slug; NULL or "" for all */
    int64_t round;        /* round id; 0 for all */
    rpt_format format;
    const char *lang; /* "fr" (default) or "en": labels of the document and error messages */
    bool pdfa;        /* format pdf: PDF/A-3b with the XML document embedded */
    bool validate;    /* check the XML against its XSD before going on (500 if invalid) */
} rpt_request;

typedef struct rpt_kind rpt_kind; /* opaque: see rpt_kind_name and friends */

/* Make the document rq asks for, appending its bytes to out. Returns 0, or -1 with
 * *err filled; then out holds nothing of the document. Runs two queries (the
 * cycle with the filters, then the document's rows) and, for PDF, FOP. */
int rpt_render(db_conn *c, const rpt_request *rq, buf *out, rpt_error *err);

/* rpt_render of a PDF in two halves, so that FOP can run on another thread than
 * the one holding the database connection (server/render_pool.h): first
 * everything but FOP (checks, queries, XML, FO) into job, then FOP on it. */
typedef struct rpt_pdf_job {
    buf fo;
    buf attachment; /* the XML document, embedded when pdfa */
    char attachment_name[64];
    bool pdfa;
    buf pdf;       /* rpt_pdf_job_run's result */
    rpt_error err; /* and its failure */
} rpt_pdf_job;

int rpt_render_pdf_job(db_conn *c, const rpt_request *rq, rpt_pdf_job *job, rpt_error *err);
/* FOP on a prepared job: 0 and job->pdf, or -1 and job->err. deadline_us and
 * cancel as in rpt_pdf_options. */
int rpt_pdf_job_run(rpt_pdf_job *job, int64_t deadline_us, const atomic_bool *cancel);
void rpt_pdf_job_free(rpt_pdf_job *job);

/* The document's one query with its parameters written in as literals, for
 * EXPLAIN and for comparing with psql's \copy (bench/). Same checks as rpt_render. */
int rpt_query_text(db_conn *c, const rpt_request *rq, buf *out, rpt_error *err);

/* The kinds, in a stable order: rpt_kind_at(0 .. rpt_kind_count() - 1). */
size_t rpt_kind_count(void);
const rpt_kind *rpt_kind_at(size_t i);
const rpt_kind *rpt_kind_find(const char *name); /* NULL when unknown */
const char *rpt_kind_name(const rpt_kind *k);
const char *rpt_kind_title(const rpt_kind *k, const char *lang);
unsigned rpt_kind_filters(const rpt_kind *k); /* RPT_BY_* */

bool rpt_format_parse(const char *s, rpt_format *f); /* "xml", "fo", "pdf", "html" */
const char *rpt_format_name(rpt_format f);
const char *rpt_content_type(rpt_format f);
/* A file name for the document: "km0-picking-c12-r3.pdf" (static storage is not
 * used: written into out, 128 bytes). */
char *rpt_file_name(char *out, const rpt_request *rq);

/* ---- the layers below rpt_render, for documents of their own --------------- */

/* Apply reports_dir/xsl/STYLESHEET.xsl (compiled once per process) to an XML
 * document. params: NULL-terminated name, value, name, value... (values are plain
 * strings, quoted here). Appends the result to out. */
int rpt_transform(const char *xml, size_t len, const char *stylesheet, const char *const *params,
                  buf *out, rpt_error *err);

/* Validate an XML document against reports_dir/xsd/SCHEMA.xsd. */
int rpt_validate(const char *xml, size_t len, const char *schema, rpt_error *err);

/* A file embedded in a PDF. The FO refers to it by name, relative:
 *   <fo:declarations><pdf:embedded-file filename="factur-x.xml" src="url(factur-x.xml)"
 *     description="…"/></fo:declarations>
 * (pdf = http://xmlgraphics.apache.org/fop/extensions/pdf). */
typedef struct rpt_attachment {
    const char *name; /* a plain file name: letters, digits, '.', '-', '_' */
    const void *data;
    size_t len;
} rpt_attachment;

typedef struct rpt_pdf_options {
    const char *profile; /* NULL, or a FOP PDF profile such as "PDF/A-3b" */
    const rpt_attachment *attachments;
    size_t nattachments;
    int64_t deadline_us;       /* now_us() time past which waiting for a slot gives up; 0 = none */
    const atomic_bool *cancel; /* when it turns true, FOP is killed (a server stopping) */
} rpt_pdf_options;

/* Run FOP (config key fop) on an XSL-FO document in a private directory under
 * $TMPDIR, removed afterwards; appends the PDF to out. A failure leaves out
 * untouched and says why (the end of FOP's messages). Fonts come from
 * reports_dir/fop.xconf when it exists. At most rpt_render_slots() runs go at
 * once in the process: past the deadline spent waiting for one, the error is
 * 503 "busy" (a cancel: 503 "cancelled"). */
int rpt_pdf(const char *fo, size_t len, const rpt_pdf_options *opt, buf *out, rpt_error *err);
/* FOP runs at once in this process: config render_slots, or the number of cores. */
int rpt_render_slots(void);
/* FOP runs going on now. */
int rpt_render_busy(void);

/* ---- what the coordinator desk lists for a cycle --------------------------- */

typedef struct rpt_choice {
    const char *value; /* the filter value: producer or pickup point slug, round id */
    const char *label; /* producer or pickup point name; "1 · Renault Kangoo" for a round */
} rpt_choice;

typedef struct rpt_desk {
    int64_t cycle_id;
    const char *cycle_name, *state, *delivery_date;
    bool ready; /* batched or invoiced: the documents can be made */
    rpt_choice *producers, *pickups, *rounds;
    size_t nproducers, npickups, nrounds;
} rpt_desk;

/* What the desk page needs to offer the documents of a cycle: every kind
 * (rpt_kind_at), the producers, pickup points and rounds of the cycle in the
 * order the documents list them. *found is false when the hub has no such cycle.
 * Everything is allocated from a. Link: /api/v1/cycles/ID/reports/KIND?format=pdf
 * [&producer=SLUG | &pickup=SLUG | &round=ID] (only the filters the kind accepts). */
db_status rpt_desk_load(db_conn *c, arena *a, int64_t hub_id, int64_t cycle_id, rpt_desk *out,
                        bool *found);

#endif
