/*
 * server/archive_thread.h — km0 serve's archive worker (config archive_workers).
 *
 * A thread with its own database connection renders what issuing runs queue,
 * as soon as they commit (LISTEN km0_archive, and a look every few seconds in
 * case a notification was missed), batch by batch (reports/archive_worker.h).
 * Stopping cancels the batch in progress: its jobs stay queued for the next
 * worker, as they would if the server were killed.
 */
#ifndef KM0_ARCHIVE_THREAD_H
#define KM0_ARCHIVE_THREAD_H

void archive_thread_start(void);
void archive_thread_stop(void);

#endif
