/*
 * server/render_pool.c — renderer threads, a bounded queue, suspended connections.
 *
 * A job record lives in the request's arena: the connection is suspended while
 * the job waits or runs, so nothing frees it meanwhile. The renderer thread
 * touches the record only until it resumes the connection, its very last act;
 * from then on the HTTP thread owns it again (and may free it: a client gone
 * away ends the request without the finish function).
 */
#include "render_pool.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../reports/report.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RETRY_AFTER_S 5

typedef struct render_job {
    http_req *req;
    struct MHD_Connection *conn;
    render_work_fn work;
    render_finish_fn finish;
    void *job;
    int64_t deadline_us;
    bool busy; /* never ran: the queue's wait ran out, or the server is stopping */
    struct render_job *next;
} render_job;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER;
static render_job *head, *tail;
static int npending, nidle, nthreads, nrunning;
static atomic_int nsuspended;
static bool stopping;
static atomic_bool cancel_all;
static pthread_t *threads;

void http_reply_busy(http_req *req)
{
    req->retry_after_s = RETRY_AFTER_S;
    http_reply_error(req, 503, "busy",
                     req->lang[0] == 'f'
                         ? "Tous les documents en préparation occupent le serveur ; réessayez "
                           "dans quelques secondes."
                         : "The server is busy making other documents; try again in a few "
                           "seconds.",
                     NULL);
}

/* On the HTTP thread, the connection resumed. */
static void resumed(http_req *req)
{
    render_job *r = req->async;
    req->async = NULL;
    r->finish(req, r->job, r->busy);
}

/* The renderer's last act on a job. */
static void hand_back(render_job *r)
{
    struct MHD_Connection *conn = r->conn;
    atomic_fetch_sub(&nsuspended, 1);
    MHD_resume_connection(conn);
}

static void *renderer(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!head && !stopping) {
            nidle++;
            pthread_cond_wait(&work_ready, &lock);
            nidle--;
        }
        if (!head)
            break; /* stopping, nothing left */
        render_job *r = head;
        head = r->next;
        if (!head)
            tail = NULL;
        npending--;
        nrunning++;
        pthread_mutex_unlock(&lock);
        r->busy = stopping || now_us() > r->deadline_us;
        if (!r->busy)
            r->work(r->job, r->deadline_us, &cancel_all);
        hand_back(r);
        pthread_mutex_lock(&lock);
        nrunning--;
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

void render_async(http_req *req, render_work_fn work, render_finish_fn finish, void *job)
{
    render_job *r = arena_alloc(req->mem, sizeof *r);
    *r = (render_job){.req = req,
                      .conn = req->conn,
                      .work = work,
                      .finish = finish,
                      .job = job,
                      .deadline_us = now_us() + (int64_t)g_config.render_wait_s * 1000000};
    req->async = r;
    req->resume = resumed;
    req->suspended = true;
    atomic_fetch_add(&nsuspended, 1);
    /* suspended before a renderer can see it: resuming a connection not yet
     * suspended would be lost */
    MHD_suspend_connection(req->conn);
    pthread_mutex_lock(&lock);
    bool take = !stopping && npending < nidle + g_config.render_queue;
    if (take) {
        if (tail)
            tail->next = r;
        else
            head = r;
        tail = r;
        npending++;
        pthread_cond_signal(&work_ready);
    }
    pthread_mutex_unlock(&lock);
    if (!take) {
        r->busy = true;
        hand_back(r);
    }
}

void render_pool_start(void)
{
    nthreads = rpt_render_slots();
    threads = xcalloc((size_t)nthreads, sizeof *threads);
    for (int i = 0; i < nthreads; i++)
        if (pthread_create(&threads[i], NULL, renderer, NULL) != 0)
            die("cannot start a renderer thread");
}

void render_pool_stop(void)
{
    if (!threads)
        return;
    pthread_mutex_lock(&lock);
    stopping = true;
    pthread_cond_broadcast(&work_ready);
    pthread_mutex_unlock(&lock);
    atomic_store(&cancel_all, true); /* FOP runs in progress end now */
    for (int i = 0; i < nthreads; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    threads = NULL;
    /* the last resumed connections get their reply from the HTTP threads */
    for (int i = 0; i < 50 && atomic_load(&nsuspended) > 0; i++) {
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    struct timespec ts = {0, 100 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

int render_pool_queued(void)
{
    pthread_mutex_lock(&lock);
    int n = npending;
    pthread_mutex_unlock(&lock);
    return n;
}

int render_pool_suspended(void)
{
    return atomic_load(&nsuspended);
}

/* ---- render_pdf_reply ------------------------------------------------------ */

typedef struct pdf_reply_job {
    rpt_pdf_job pdf;
    int rc;
    char name[128];
} pdf_reply_job;

static void pdf_reply_free(void *p)
{
    rpt_pdf_job_free(&((pdf_reply_job *)p)->pdf);
}

static void pdf_reply_work(void *p, int64_t deadline_us, const atomic_bool *cancel)
{
    pdf_reply_job *j = p;
    j->rc = rpt_pdf_job_run(&j->pdf, deadline_us, cancel);
}

static void pdf_reply_finish(http_req *req, void *p, bool busy)
{
    pdf_reply_job *j = p;
    if (busy || (j->rc != 0 && str_eq(j->pdf.err.code, "busy")))
        http_reply_busy(req);
    else if (j->rc != 0)
        http_reply_error(req, j->pdf.err.status, j->pdf.err.code, j->pdf.err.message, NULL);
    else
        http_reply_document(req, 200, "application/pdf", j->pdf.pdf.data, j->pdf.pdf.len, j->name);
}

void render_pdf_reply(http_req *req, rpt_pdf_job *pdf, const char *name)
{
    pdf_reply_job *j = arena_alloc(req->mem, sizeof *j);
    memset(j, 0, sizeof *j);
    j->pdf = *pdf;
    memset(pdf, 0, sizeof *pdf);
    snprintf(j->name, sizeof j->name, "%s", name);
    arena_defer(req->mem, pdf_reply_free, j);
    render_async(req, pdf_reply_work, pdf_reply_finish, j);
}
