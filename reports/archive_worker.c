/*
 * reports/archive_worker.c — claim, render, store: one transaction per batch.
 *
 * The transaction stays open while FOP renders (seconds, a minute for a batch of
 * thousands): its row locks are the claim. If this process dies, PostgreSQL ends
 * the transaction and the jobs are free for the next worker; if the rendering
 * fails, the transaction rolls back and the failure is written on the jobs in a
 * statement of its own (a batch's jobs are then tried one by one, so that one bad
 * invoice cannot hold back the others).
 */
#include "archive_worker.h"
#include "../core/archive.h"
#include "../core/config.h"
#include "../core/invoicing.h"
#include "../core/log.h"
#include "../core/util.h"
#include "archive_render.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct step_ctx {
    int64_t hub, cycle;
    int batch;
    const atomic_bool *stop;
    arena *a; /* the transaction's: reset on a replay */
    archive_batch claim;
    rpt_archive_step *step;
    rpt_error err;
    bool render_failed;
} step_ctx;

static int step_tx(db_conn *c, void *p)
{
    step_ctx *x = p;
    arena_free(x->a);
    x->a = arena_new();
    x->render_failed = false;
    x->step->claimed = x->step->stored = 0;
    db_status st = archive_claim(c, x->a, x->hub, x->cycle, x->batch, &x->claim);
    if (st != DB_OK || x->claim.n == 0)
        return st;
    x->step->claimed = x->claim.n;
    log_event(LOG_INFO, "archive.rendering", "hub=%lld invoices=%zu alone=%d",
              (long long)x->claim.hub, x->claim.n, x->claim.alone);
    inv_stored *s;
    size_t n;
    if ((st = invoice_load_ids(c, x->a, x->claim.hub, x->claim.ids, x->claim.n, &s, &n)) != DB_OK)
        return st;
    if (n != x->claim.n)
        return DB_ERROR; /* a job whose invoice is not its hub's: the foreign key forbids it */
    rpt_archived *made = xcalloc(n, sizeof *made);
    rpt_pdf_options run = {.cancel = x->stop};
    if (rpt_archive_render(s, n, &run, made, &x->err) != 0) {
        free(made);
        x->render_failed = true;
        return 1; /* roll back: the claim goes, the failure is recorded after */
    }
    archive_blob *files = arena_alloc(x->a, n * sizeof *files);
    for (size_t i = 0; i < n; i++)
        files[i] = (archive_blob){s[i].id, made[i].pdf.data, made[i].pdf.len, made[i].sha256};
    int64_t stored = 0;
    st = archive_store(c, x->a, x->claim.hub, files, n, &stored);
    for (size_t i = 0; i < n; i++)
        buf_free(&made[i].pdf);
    free(made);
    x->step->stored = (size_t)stored;
    return st;
}

int rpt_archive_step_run(db_conn *c, int64_t hub, int64_t cycle, int batch, const atomic_bool *stop,
                         rpt_archive_step *step)
{
    memset(step, 0, sizeof *step);
    step_ctx x = {.hub = hub,
                  .cycle = cycle,
                  .batch = batch > 0 ? batch : 1,
                  .stop = stop,
                  .a = arena_new(),
                  .step = step};
    int64_t t0 = now_us();
    int st = db_transaction(c, false, step_tx, &x);
    if (st == 1 && x.render_failed) {
        st = 0;
        bool cancelled = x.err.code && str_eq(x.err.code, "cancelled");
        if (!cancelled) {
            step->failed = true;
            snprintf(step->message, sizeof step->message, "%s", x.err.message);
            /* the code only: FOP's own words may quote the document; they are kept
             * on the jobs (last_error), where the desk shows them */
            log_event(LOG_ERROR, "archive.failed", "hub=%lld invoices=%zu alone=%d code=%s",
                      (long long)x.claim.hub, x.claim.n, x.claim.alone,
                      x.err.code ? x.err.code : "-");
            st = archive_failed(c, x.a, x.claim.ids, x.claim.n, x.claim.alone, x.err.message);
        }
        step->claimed = cancelled ? 0 : step->claimed;
    } else if (st == 0 && step->claimed) {
        log_event(LOG_INFO, "archive.stored", "hub=%lld invoices=%zu stored=%zu ms=%lld",
                  (long long)x.claim.hub, step->claimed, step->stored,
                  (long long)(now_us() - t0) / 1000);
    }
    arena_free(x.a);
    return st;
}

typedef struct lane {
    db_conn *c; /* NULL: the lane could not connect, it does nothing */
    int64_t hub, cycle;
    int batch;
    const atomic_bool *stop;
    int64_t stored, failed;
    int status;
} lane;

static void lane_run(lane *l)
{
    for (;;) {
        if (l->stop && atomic_load(l->stop))
            return;
        rpt_archive_step step;
        l->status = rpt_archive_step_run(l->c, l->hub, l->cycle, l->batch, l->stop, &step);
        if (l->status != 0 || step.claimed == 0)
            return;
        l->stored += (int64_t)step.stored;
        l->failed += step.failed ? (int64_t)step.claimed : 0;
    }
}

static void *lane_thread(void *p)
{
    lane_run(p);
    return NULL;
}

int rpt_archive_drain(db_conn *c, int64_t hub, int64_t cycle, int batch, int lanes,
                      const atomic_bool *stop, int64_t *stored, int64_t *failed)
{
    if (lanes < 1)
        lanes = 1;
    if (batch < 1)
        batch = 1;
    if (lanes > 1) {
        /* share what is queued between the lanes, so that each has a batch */
        arena *a = arena_new();
        int64_t pending = 0, wait_s = 0;
        int st = archive_pending(c, a, hub, cycle, &pending, &wait_s);
        arena_free(a);
        if (st != DB_OK)
            return st;
        int64_t share = (pending + lanes - 1) / lanes;
        if (share < batch)
            batch = share > 0 ? (int)share : 1;
    }
    lane *l = xcalloc((size_t)lanes, sizeof *l);
    pthread_t *t = xcalloc((size_t)lanes, sizeof *t);
    for (int i = 0; i < lanes; i++) {
        l[i] = (lane){.hub = hub, .cycle = cycle, .batch = batch, .stop = stop};
        if (i == 0) {
            l[i].c = c;
            continue;
        }
        char err[300];
        l[i].c = db_connect(g_config.database_url, err, sizeof err);
        if (l[i].c && pthread_create(&t[i], NULL, lane_thread, &l[i]) != 0) {
            db_close(l[i].c);
            l[i].c = NULL;
        }
    }
    lane_run(&l[0]);
    int st = l[0].status;
    for (int i = 0; i < lanes; i++) {
        if (i > 0 && l[i].c) {
            pthread_join(t[i], NULL);
            db_close(l[i].c);
            if (st == 0)
                st = l[i].status;
        }
        *stored += l[i].stored;
        *failed += l[i].failed;
    }
    free(l);
    free(t);
    return st;
}

/* Render the invoice now and make it the archive's (unless a worker is at it). */
static int render_and_store(db_conn *c, arena *a, int64_t hub, int64_t invoice_id,
                            archive_outcome *outcome, rpt_error *err)
{
    inv_stored *s;
    size_t n;
    int st = invoice_load_ids(c, a, hub, &invoice_id, 1, &s, &n);
    if (st != DB_OK || n != 1)
        return st != DB_OK ? st : DB_ERROR;
    rpt_archived made = {BUF_INIT, {0}};
    if (rpt_archive_render(s, 1, NULL, &made, err) != 0)
        return 1;
    archive_blob blob = {invoice_id, made.pdf.data, made.pdf.len, made.sha256};
    st = archive_store_one(c, a, hub, &blob, outcome);
    buf_free(&made.pdf);
    return st;
}

int rpt_archive_fetch(db_conn *c, arena *a, int64_t hub, const char *number, int wait_s,
                      archive_file *out, bool *found, rpt_error *err)
{
    memset(err, 0, sizeof *err);
    time_t until = time(NULL) + wait_s;
    for (;;) {
        bool busy = false;
        int st = archive_get(c, a, hub, number, true, out, found);
        if (st != DB_OK || !*found || out->archived)
            return st;
        if ((st = archive_job_busy(c, a, out->invoice_id, &busy)) != DB_OK)
            return st;
        archive_outcome outcome = ARCHIVE_BUSY;
        if (!busy && (st = render_and_store(c, a, hub, out->invoice_id, &outcome, err)) != 0)
            return st;
        if (outcome != ARCHIVE_BUSY)
            continue; /* stored, by us or by someone first: read it back */
        if (time(NULL) >= until) {
            snprintf(err->message, sizeof err->message,
                     "invoice %s is still being archived by a worker; try again", number);
            err->status = 503;
            err->code = "busy";
            return 1;
        }
        struct timespec ts = {0, 500 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}
