/*
 * server/render_pool.h — PDF rendering off the HTTP worker threads, bounded.
 *
 * A PDF means a Java VM for about a second (FOP). An HTTP worker thread that
 * waited for it would stop answering its other connections — /healthz and the
 * shop among them. So a handler prepares what needs the database (the XML, the
 * FO), hands the FOP part to this pool and returns; its connection is suspended
 * (MHD_suspend_connection) until a renderer thread is done, then resumed, and the
 * handler's finish function replies on the HTTP thread, with the database again.
 *
 * render_slots renderer threads (the FOP runs a process may make at once,
 * reports/report.h) take jobs in order; at most render_queue wait. A job past
 * the queue, or one that waited render_wait_s for a renderer, is answered
 * 503 {"error":{"code":"busy"}} with Retry-After.
 */
#ifndef KM0_RENDER_POOL_H
#define KM0_RENDER_POOL_H

#include "http.h"
#include "../reports/report.h"

#include <stdatomic.h>
#include <stdint.h>

/* The FOP part, on a renderer thread: deadline_us is when waiting for a FOP slot
 * must give up and cancel turns true when the server stops (pass both to
 * rpt_pdf); nothing of the request may be touched but what job holds. */
typedef void (*render_work_fn)(void *job, int64_t deadline_us, const atomic_bool *cancel);
/* On the HTTP thread, the connection resumed: reply (busy: the job never ran,
 * http_reply_busy it). */
typedef void (*render_finish_fn)(http_req *req, void *job, bool busy);

/* Suspend req's connection and queue work; finish always runs once, later. job
 * belongs to the caller (allocate it from req->mem). */
void render_async(http_req *req, render_work_fn work, render_finish_fn finish, void *job);

/* The common case on top of render_async: a PDF prepared as pdf (its FO, and its
 * attachment for PDF/A: rpt_*_pdf_job) is rendered by a renderer and sent as the
 * download name, or answered 503 busy, or with the rendering's error. pdf's buffers
 * move into a job of the request (freed with it); *pdf is left empty. */
void render_pdf_reply(http_req *req, rpt_pdf_job *pdf, const char *name);

/* 503 busy with Retry-After, in the request's language. */
void http_reply_busy(http_req *req);

/* Start render_slots threads (km0 serve); stop: queued jobs are answered busy,
 * running ones finish, then wait (bounded) until every suspended connection has
 * been resumed and answered. */
void render_pool_start(void);
void render_pool_stop(void);

/* For /metrics: jobs waiting, suspended connections. */
int render_pool_queued(void);
int render_pool_suspended(void);

#endif
