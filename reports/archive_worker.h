/*
 * reports/archive_worker.h — rendering what the issuing queued into the archive.
 *
 * One step claims a batch of jobs of one hub (core/archive.h), loads those
 * invoices, renders them with one FOP run (reports/archive_render.h) and stores
 * the files, all inside the one transaction that holds the claim. Run by a
 * thread of km0 serve (server/archive_thread.c), by km0 invoice archive, and by
 * km0 invoice issue and credit before they exit (these on as many lanes as FOP
 * may run at once: two batches rendering side by side keep two cores busy,
 * where one FOP run leaves the second waiting).
 */
#ifndef KM0_ARCHIVE_WORKER_H
#define KM0_ARCHIVE_WORKER_H

#include "../core/archive.h"
#include "../core/db.h"
#include "report.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct rpt_archive_step {
    size_t claimed;    /* jobs taken: 0 when nothing was ready */
    size_t stored;     /* files stored */
    bool failed;       /* the rendering failed (recorded on the jobs) */
    char message[512]; /* why, when it failed */
} rpt_archive_step;

/* One batch of at most batch invoices of hub (0: any) and cycle (0: any). Returns
 * 0 (see *step), or a db_status < 0. stop, when it turns true, kills FOP and the
 * batch is left as it was. */
int rpt_archive_step_run(db_conn *c, int64_t hub, int64_t cycle, int batch, const atomic_bool *stop,
                         rpt_archive_step *step);

/* Steps until nothing is ready, on lanes connections at once (c and lanes - 1
 * more, each a thread; what is queued is shared so that each lane has a batch,
 * at most batch invoices). *stored and *failed add up what they did (jobs whose
 * rendering failed). Returns 0 or a db_status < 0. */
int rpt_archive_drain(db_conn *c, int64_t hub, int64_t cycle, int batch, int lanes,
                      const atomic_bool *stop, int64_t *stored, int64_t *failed);

/* The archived file of invoice number, with its bytes: rendered now (as a batch of
 * one) and made the archive's if it is not archived yet; when a worker is
 * rendering it, waiting up to wait_s seconds for that worker's file. For a thread
 * that may wait: the command line, a sender of e-mails — not an HTTP worker thread
 * (server/h_invoices.c hands the rendering to the renderer pool instead).
 * Returns 0 (*found false: no such invoice in hub), > 0 with err filled when it
 * could not be rendered or the wait ran out (err->code "busy"), or a db_status. */
int rpt_archive_fetch(db_conn *c, arena *a, int64_t hub, const char *number, int wait_s,
                      archive_file *out, bool *found, rpt_error *err);

#endif
