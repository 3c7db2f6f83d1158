/*
 * server/archive_thread.c — the archive worker thread of km0 serve.
 */
#include "archive_thread.h"
#include "../core/archive.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../reports/archive_worker.h"

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#define IDLE_LOOK_MS 5000 /* a look at the queue when no notification came */

static pthread_t thread;
static bool started;
static atomic_bool stop;

static void pause_ms(int ms)
{
    for (int waited = 0; waited < ms && !atomic_load(&stop); waited += 100) {
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static void *run(void *unused)
{
    (void)unused;
    while (!atomic_load(&stop)) {
        db_conn *c = db_thread_conn();
        if (!c || archive_listen(c) != DB_OK) {
            pause_ms(1000); /* the database is away: the jobs wait in it */
            continue;
        }
        rpt_archive_step step;
        int st = rpt_archive_step_run(c, 0, 0, g_config.archive_batch, &stop, &step);
        if (st != 0)
            pause_ms(1000);
        else if (step.claimed == 0)
            archive_wait(c, IDLE_LOOK_MS, &stop);
    }
    db_thread_release();
    return NULL;
}

void archive_thread_start(void)
{
    if (g_config.archive_workers < 1)
        return;
    atomic_store(&stop, false);
    if (pthread_create(&thread, NULL, run, NULL) != 0)
        die("cannot start the archive worker thread");
    started = true;
}

void archive_thread_stop(void)
{
    if (!started)
        return;
    atomic_store(&stop, true);
    pthread_join(thread, NULL);
    started = false;
}
