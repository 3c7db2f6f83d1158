/*
 * reports/report_int.h — what the document generators share inside reports/.
 *
 * A generator (rpt_KIND.c) gets an rpt_ctx whose request is checked and whose
 * filters are resolved to ids, runs its one query (report_db.c) and writes the
 * body of the document with the rpt_xml_* helpers; report.c has already written
 * the root element and <head>, and closes them.
 */
#ifndef KM0_REPORT_INT_H
#define KM0_REPORT_INT_H

#include "../core/arena.h"
#include "report.h"

#include <libxml/xmlwriter.h>

typedef struct rpt_ctx {
    db_conn *db;
    arena *mem; /* freed when the document is done */
    const rpt_request *rq;
    xmlTextWriterPtr w;
    bool xml_failed; /* a writer call failed (out of memory): the document is void */
    /* the request, resolved: 0 = not filtered */
    int64_t hub_id, cycle_id, producer_id, pickup_id, round_id;
    bool seller_is_hub;   /* the cycle's seller mode is hub: one seller (0) for every line */
    const PGresult *head; /* hub, cycle and filters (report_db.c rpt_db_context) */
} rpt_ctx;

typedef db_status (*rpt_generate_fn)(rpt_ctx *ctx);

struct rpt_kind {
    const char *name; /* also the names of its XSD and stylesheets */
    const char *title_fr, *title_en;
    unsigned filters; /* RPT_BY_* it accepts */
    rpt_generate_fn generate;
    bool before_batch; /* made for a cycle in any state (the order form), not only batched */
};

/* The generators, one file each. */
db_status rpt_collection(rpt_ctx *ctx);
db_status rpt_picking(rpt_ctx *ctx);
db_status rpt_delivery(rpt_ctx *ctx);
db_status rpt_route(rpt_ctx *ctx);
db_status rpt_invoices(rpt_ctx *ctx);
db_status rpt_orderform(rpt_ctx *ctx); /* rpt_orderform.c */
db_status rpt_receipts(rpt_ctx *ctx);  /* rpt_receipts.c */
/* rpt_invoices.c: one stored invoice as an <invoice> element (also used by
 * invoice_doc.c for a single invoice's document). */
struct inv_stored;
void rpt_xml_invoice(rpt_ctx *ctx, const struct inv_stored *s);

/* ---- report_db.c: every statement of the documents ---------------------- */

/* One row: hub identity, the cycle (NULL columns when the hub has no such cycle),
 * the filters resolved (producer_id, pickup_id, round_id NULL when unknown). */
db_status rpt_db_context(db_conn *c, arena *a, int64_t hub, int64_t cycle, const char *producer,
                         const char *pickup, int64_t round, PGresult **r);
/* The rows of each document; the result is freed with ctx->mem. */
db_status rpt_db_collection(rpt_ctx *ctx, PGresult **r);
db_status rpt_db_picking(rpt_ctx *ctx, PGresult **r);
db_status rpt_db_delivery(rpt_ctx *ctx, PGresult **r);
db_status rpt_db_route(rpt_ctx *ctx, PGresult **r);
db_status rpt_db_receipts(rpt_ctx *ctx, PGresult **r);
db_status rpt_db_orderform_window(rpt_ctx *ctx, PGresult **r); /* opens_at, closes_at */
/* The statement of document kind with ctx's parameters in place of $1, $2...
 * (all are integers, so no quoting is involved). */
void rpt_db_query_text(const rpt_ctx *ctx, const char *kind, buf *out);
/* The desk's lists: kind ('producer' | 'pickup' | 'round'), value, label; plus
 * one 'cycle' row (value = name, label = state, extra = delivery date). */
db_status rpt_db_desk(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r);

/* ---- report_xml.c: writing the document --------------------------------- */

/* A writer appending to out; NULL only when libxml2 cannot allocate. */
xmlTextWriterPtr rpt_xml_writer(buf *out);
/* Flush and free the writer; false when anything failed. */
bool rpt_xml_finish(rpt_ctx *ctx);
void rpt_xml_start(rpt_ctx *ctx, const char *element);
void rpt_xml_end(rpt_ctx *ctx);
/* Attribute; a NULL value writes nothing. Control characters XML cannot hold
 * become spaces. */
void rpt_xml_attr(rpt_ctx *ctx, const char *name, const char *value);
void rpt_xml_attr_int(rpt_ctx *ctx, const char *name, int64_t v);
void rpt_xml_attr_milli(rpt_ctx *ctx, const char *name, int64_t milli); /* 1500 -> "1.5" */
void rpt_xml_attr_bool(rpt_ctx *ctx, const char *name, bool v);
void rpt_xml_text(rpt_ctx *ctx, const char *text); /* character data */
/* <element>text</element>, written even when text is "". */
void rpt_xml_element(rpt_ctx *ctx, const char *element, const char *text);
/* The document's root element with its namespace, and <head>. */
void rpt_xml_begin(rpt_ctx *ctx, const char *root);

/* ---- column access by index, resolved once per result ------------------- */

typedef struct rpt_cols {
    const PGresult *r;
    int idx[48];
} rpt_cols;

/* Resolve names (NULL-terminated, at most 48) in r; dies on a missing column, a
 * programming error. Column i of the list is then rpt_v(&c, row, i). */
void rpt_cols_init(rpt_cols *c, const PGresult *r, const char *const *names);
const char *rpt_v(const rpt_cols *c, int row, int col);
int64_t rpt_i(const rpt_cols *c, int row, int col);
bool rpt_null(const rpt_cols *c, int row, int col);
/* End of the run of rows from `from` with the same value in column col. */
int rpt_run_end(const rpt_cols *c, int from, int col);

#endif
