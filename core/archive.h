/*
 * core/archive.h — the invoice archive in the database: the Factur-X file of each
 * issued invoice, kept once, and the queue of those still to render (schema/012).
 *
 * Issuing queues a job per invoice in its own transaction (a trigger on invoices).
 * A worker (reports/archive_worker.c) claims a batch of one hub's jobs with
 * FOR UPDATE SKIP LOCKED inside a transaction it keeps open while it renders, then
 * stores the files and deletes the jobs in that same transaction: a worker that
 * dies leaves its jobs to the next one, two workers never take the same job, and
 * invoice_files' primary key keeps one file per invoice whatever happens.
 *
 * Readers: the HTTP download and km0 invoice export (archive_get), the desk
 * (archive_cycle_state), km0 invoice verify (archive_files_page, archive_missing).
 * archive_get is also what another module reads an archived invoice's bytes with
 * (an e-mail carrying the Factur-X, for instance).
 */
#ifndef KM0_ARCHIVE_H
#define KM0_ARCHIVE_H

#include "db.h"
#include "refusal.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An invoice rendered by itself failed this many times: given up (failed), shown on
 * the desk, retried by km0 invoice archive --retry. */
#define ARCHIVE_MAX_ATTEMPTS 5

/* What a cycle's archive holds: invoices and credit notes with their file, queued,
 * given up. */
typedef struct archive_state {
    int64_t done, pending, failed;
    const char *last_error; /* a failed (or retried) job's message, "" when none */
} archive_state;

db_status archive_cycle_state(db_conn *c, arena *a, int64_t hub, int64_t cycle, archive_state *out);

/* One invoice's archive entry. */
typedef struct archive_file {
    int64_t invoice_id;
    const char *number;
    int type_code;              /* 380 invoice, 381 credit note */
    int64_t seller_producer_id; /* who may read it: the producer selling (0: the hub), */
    int64_t customer_id;        /* the buyer (0: none recorded) */
    int64_t buyer_producer_id;  /* a commission invoice's buyer, a producer (0: none) */
    bool archived;              /* its file is stored */
    bool failed;                /* no file, and its job gave up (last_error says why) */
    const char *last_error;
    char sha256_hex[65];      /* the file's SHA-256, "" when not archived */
    const unsigned char *pdf; /* the file (arena), NULL unless archived and asked for */
    size_t len;
} archive_file;

/* The archive entry of invoice number in hub; with_bytes false leaves the file
 * itself out (enough to answer If-None-Match). *found false: no such invoice. */
db_status archive_get(db_conn *c, arena *a, int64_t hub, const char *number, bool with_bytes,
                      archive_file *out, bool *found);

/* Is a worker rendering this invoice right now (its job locked)? */
db_status archive_job_busy(db_conn *c, arena *a, int64_t invoice_id, bool *busy);

/* A file to store: bytes and their SHA-256. */
typedef struct archive_blob {
    int64_t invoice_id;
    const void *data;
    size_t len;
    const unsigned char *sha256; /* 32 bytes */
} archive_blob;

typedef enum {
    ARCHIVE_STORED, /* this file is now the invoice's */
    ARCHIVE_EXISTS, /* another was stored first: that one is the invoice's */
    ARCHIVE_BUSY    /* a worker is rendering it: nothing stored */
} archive_outcome;

/* Store a file rendered outside the workers (a download that came first), in its
 * own transaction, unless a worker holds the job; the job goes when a file is
 * stored. */
int archive_store_one(db_conn *c, arena *a, int64_t hub, const archive_blob *file,
                      archive_outcome *out);

/* ---- the workers' side: call inside one transaction ---------------------------------- */

typedef struct archive_batch {
    int64_t hub;
    int64_t *ids; /* by id; the rows stay locked until the transaction ends */
    size_t n;     /* 0: nothing to do now */
    bool alone;   /* a job retried by itself */
} archive_batch;

/* Claim up to max jobs ready now, all of one hub: the hub of the oldest ready job
 * (hub 0: any hub; cycle 0: any cycle). A job retried alone is claimed by itself. */
db_status archive_claim(db_conn *c, arena *a, int64_t hub, int64_t cycle, int max,
                        archive_batch *out);
/* Store the files of claimed jobs and delete the jobs. *stored: files inserted (a
 * file already there is kept). */
db_status archive_store(db_conn *c, arena *a, int64_t hub, const archive_blob *files, size_t n,
                        int64_t *stored);

/* After a failed rendering, in a transaction of its own: a batch's jobs are retried
 * alone at once; a job that failed alone waits longer each time, and is given up
 * after ARCHIVE_MAX_ATTEMPTS. error is the reason (kept, 500 characters). */
db_status archive_failed(db_conn *c, arena *a, const int64_t *ids, size_t n, bool alone,
                         const char *error);
/* Jobs given up become pending again (hub 0 / cycle 0: all); *n how many. */
db_status archive_retry(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t *n);
/* Jobs not given up (waiting for a retry included), and the soonest a waiting one
 * may go (seconds from now, 0 when one is ready). */
db_status archive_pending(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t *n,
                          int64_t *wait_s);

/* LISTEN for issuing runs (NOTIFY km0_archive); again after each reconnection. */
db_status archive_listen(db_conn *c);
/* Wait, sending nothing, until a notification arrives, timeout_ms passes or *stop
 * turns true (checked every 200 ms). A notification the db layer read and dropped
 * before a statement is no loss: that statement saw the jobs it announced. */
db_status archive_wait(db_conn *c, int timeout_ms, const atomic_bool *stop);

/* ---- reading the archive back (km0 invoice verify) ----------------------------------- */

typedef struct archive_entry {
    int64_t invoice_id;
    const char *number;
    unsigned char sha256[32]; /* as stored */
    const unsigned char *pdf; /* arena */
    size_t len;
} archive_entry;

/* Up to limit files of the hub (cycle 0: every cycle) with invoice_id > after, by id. */
db_status archive_files_page(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t after,
                             int limit, archive_entry **out, size_t *n);

typedef struct archive_missing_row {
    const char *number;
    bool failed;
    const char *last_error;
} archive_missing_row;

/* The invoices of the hub (cycle 0: all) without a file, by number. */
db_status archive_missing(db_conn *c, arena *a, int64_t hub, int64_t cycle,
                          archive_missing_row **out, size_t *n);

#endif
