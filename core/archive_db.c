/*
 * core/archive_db.c — every statement of the invoice archive (core/archive.h).
 *
 * Files travel as hexadecimal text both ways (decode(…, 'hex') going in, bytea's
 * own hex output coming back), decoded here into the caller's arena: twice the
 * bytes on the socket, and no binary-format path in the db layer to maintain.
 * Storing is set-based: the files of a batch go in a few INSERTs of arrays,
 * each under STORE_CHUNK_BYTES of text so that none nears statement_timeout.
 */
#include "archive.h"
#include "buf.h"
#include "util.h"

#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STORE_CHUNK_BYTES (8u << 20)

/* clang-format off */
DB_STMT(cycle_state,
        "SELECT (SELECT count(*) FROM invoice_files f JOIN invoices i ON i.id = f.invoice_id"
        "        WHERE i.hub_id = $1 AND i.cycle_id = $2) AS done,"
        " count(*) FILTER (WHERE NOT j.failed) AS pending,"
        " count(*) FILTER (WHERE j.failed) AS failed,"
        " coalesce((array_agg(j.last_error ORDER BY j.failed DESC, j.invoice_id)"
        "           FILTER (WHERE j.last_error IS NOT NULL))[1], '') AS last_error"
        " FROM invoice_archive_jobs j WHERE j.hub_id = $1 AND j.cycle_id = $2");
#define ENTRY_SELECT                                                                               \
    "SELECT i.id, i.number, i.type_code,"                                                          \
    " CASE WHEN i.seller ->> 'kind' = 'producer' THEN (i.seller ->> 'id')::bigint ELSE 0 END"      \
    "   AS seller_producer_id,"                                                                    \
    " coalesce((i.buyer ->> 'customer_id')::bigint, 0) AS customer_id,"                            \
    " coalesce((i.buyer ->> 'producer_id')::bigint, 0) AS buyer_producer_id,"                      \
    " f.invoice_id IS NOT NULL AS archived, coalesce(encode(f.sha256, 'hex'), '') AS sha256,"      \
    " coalesce(j.failed, false) AS failed, coalesce(j.last_error, '') AS last_error"
#define ENTRY_FROM                                                                                 \
    " FROM invoices i LEFT JOIN invoice_files f ON f.invoice_id = i.id"                            \
    " LEFT JOIN invoice_archive_jobs j ON j.invoice_id = i.id"                                     \
    " WHERE i.hub_id = $1 AND i.number = $2"
DB_STMT(entry_meta, ENTRY_SELECT ENTRY_FROM);
DB_STMT(entry_full, ENTRY_SELECT ", f.pdf" ENTRY_FROM);
/* autocommit: the row lock is let go at once; what counts is whether it was free */
DB_STMT(job_free,
        "SELECT count(*) AS free FROM (SELECT 1 FROM invoice_archive_jobs WHERE invoice_id = $1"
        " FOR UPDATE SKIP LOCKED) s");
DB_STMT(job_exists, "SELECT count(*) AS n FROM invoice_archive_jobs WHERE invoice_id = $1");
DB_STMT(job_lock,
        "SELECT invoice_id FROM invoice_archive_jobs WHERE invoice_id = $1 FOR UPDATE SKIP LOCKED");
DB_STMT(claim_first,
        "SELECT invoice_id, hub_id, alone FROM invoice_archive_jobs"
        " WHERE NOT failed AND not_before <= now() AND ($1::bigint = 0 OR hub_id = $1)"
        " AND ($2::bigint = 0 OR cycle_id = $2)"
        " ORDER BY alone, invoice_id LIMIT 1 FOR UPDATE SKIP LOCKED");
DB_STMT(claim_more,
        "SELECT invoice_id FROM invoice_archive_jobs"
        " WHERE hub_id = $1 AND NOT failed AND NOT alone AND not_before <= now()"
        " AND ($2::bigint = 0 OR cycle_id = $2) AND invoice_id > $3"
        " ORDER BY invoice_id LIMIT $4 FOR UPDATE SKIP LOCKED");
DB_STMT(store_files,
        "WITH u AS (SELECT id, decode(sha, 'hex') AS sha, decode(pdf, 'hex') AS pdf"
        "           FROM unnest($2::bigint[], $3::text[], $4::text[]) AS x(id, sha, pdf))"
        " INSERT INTO invoice_files (invoice_id, hub_id, sha256, size_bytes, pdf)"
        " SELECT u.id, $1, u.sha, length(u.pdf), u.pdf FROM u"
        " ON CONFLICT (invoice_id) DO NOTHING RETURNING invoice_id");
DB_STMT(delete_jobs, "DELETE FROM invoice_archive_jobs WHERE invoice_id = ANY($1::bigint[])");
DB_STMT(batch_failed,
        "UPDATE invoice_archive_jobs SET alone = true, not_before = now(), last_error = left($2, 500)"
        " WHERE invoice_id = ANY($1::bigint[])");
DB_STMT(alone_failed,
        "UPDATE invoice_archive_jobs SET attempts = attempts + 1, last_error = left($2, 500),"
        " failed = attempts + 1 >= $3::int,"
        " not_before = now() + least(interval '1 hour', interval '10 seconds' * power(2, attempts))"
        " WHERE invoice_id = ANY($1::bigint[])");
DB_STMT(retry_failed,
        "UPDATE invoice_archive_jobs SET failed = false, attempts = 0, not_before = now()"
        " WHERE failed AND ($1::bigint = 0 OR hub_id = $1) AND ($2::bigint = 0 OR cycle_id = $2)");
DB_STMT(pending,
        "SELECT count(*) AS n,"
        " coalesce(ceil(extract(epoch FROM greatest(min(not_before) - now(), interval '0'))), 0)::bigint"
        "   AS wait_s"
        " FROM invoice_archive_jobs WHERE NOT failed AND ($1::bigint = 0 OR hub_id = $1)"
        " AND ($2::bigint = 0 OR cycle_id = $2)");
DB_STMT(files_page,
        "SELECT f.invoice_id, i.number, encode(f.sha256, 'hex') AS sha256, f.pdf"
        " FROM invoice_files f JOIN invoices i ON i.id = f.invoice_id"
        " WHERE f.hub_id = $1 AND ($2::bigint = 0 OR i.cycle_id = $2) AND f.invoice_id > $3"
        " ORDER BY f.invoice_id LIMIT $4");
DB_STMT(missing,
        "SELECT i.number, coalesce(j.failed, false) AS failed, coalesce(j.last_error, '') AS last_error"
        " FROM invoices i LEFT JOIN invoice_archive_jobs j ON j.invoice_id = i.id"
        " WHERE i.hub_id = $1 AND ($2::bigint = 0 OR i.cycle_id = $2)"
        " AND NOT EXISTS (SELECT 1 FROM invoice_files f WHERE f.invoice_id = i.id)"
        " ORDER BY i.number");
/* clang-format on */

/* ---- hex ------------------------------------------------------------------------------ */

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Each byte's value as a hex digit, 16 when it is not one (lower case: bytea's). */
static unsigned char hex_value[256];
static pthread_once_t hex_once = PTHREAD_ONCE_INIT;

static void hex_table(void)
{
    memset(hex_value, 16, sizeof hex_value);
    for (int i = 0; i < 16; i++)
        hex_value[(unsigned char)"0123456789abcdef"[i]] = (unsigned char)i;
}

/* bytea's text output ("\x0a1b…") into the arena; false when it is not that. A
 * download decodes some 100 KB of it: a table, no branch per digit. */
static bool bytea_decode(arena *a, const char *s, size_t slen, const unsigned char **out,
                         size_t *len)
{
    if (slen < 2 || s[0] != '\\' || s[1] != 'x' || slen % 2)
        return false;
    pthread_once(&hex_once, hex_table);
    size_t n = (slen - 2) / 2;
    unsigned char *b = arena_alloc(a, n ? n : 1);
    const unsigned char *p = (const unsigned char *)s + 2;
    unsigned bad = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned hi = hex_value[p[2 * i]], lo = hex_value[p[2 * i + 1]];
        bad |= (hi | lo) & 16;
        b[i] = (unsigned char)(hi << 4 | (lo & 15));
    }
    *out = b;
    *len = n;
    return bad == 0;
}

static bool sha_decode(const char *hex, unsigned char out[32])
{
    if (strlen(hex) != 64)
        return false;
    for (int i = 0; i < 32; i++) {
        int hi = nibble(hex[2 * i]), lo = nibble(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return true;
}

static void hex_append(buf *b, const void *data, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        char two[2] = {hex[p[i] >> 4], hex[p[i] & 15]};
        buf_append(b, two, 2);
    }
}

/* ---- state and entries ------------------------------------------------------------------ */

db_status archive_cycle_state(db_conn *c, arena *a, int64_t hub, int64_t cycle, archive_state *out)
{
    PGresult *r;
    memset(out, 0, sizeof *out);
    out->last_error = "";
    db_status st = db_run_a(c, a, &cycle_state, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    if (st != DB_OK)
        return st;
    out->done = db_int(r, 0, "done");
    out->pending = db_int(r, 0, "pending");
    out->failed = db_int(r, 0, "failed");
    out->last_error = db_val(r, 0, "last_error");
    return DB_OK;
}

db_status archive_get(db_conn *c, arena *a, int64_t hub, const char *number, bool with_bytes,
                      archive_file *out, bool *found)
{
    PGresult *r;
    memset(out, 0, sizeof *out);
    *found = false;
    db_status st = db_run_a(c, a, with_bytes ? &entry_full : &entry_meta, &r,
                            DB_P(db_i64(a, hub), number ? number : ""));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    *found = true;
    out->invoice_id = db_int(r, 0, "id");
    out->number = db_val(r, 0, "number");
    out->type_code = (int)db_int(r, 0, "type_code");
    out->seller_producer_id = db_int(r, 0, "seller_producer_id");
    out->customer_id = db_int(r, 0, "customer_id");
    out->buyer_producer_id = db_int(r, 0, "buyer_producer_id");
    out->archived = db_bool(r, 0, "archived");
    out->failed = !out->archived && db_bool(r, 0, "failed");
    out->last_error = db_val(r, 0, "last_error");
    snprintf(out->sha256_hex, sizeof out->sha256_hex, "%s", db_val(r, 0, "sha256"));
    if (with_bytes && out->archived) {
        int f = PQfnumber(r, "pdf");
        if (!bytea_decode(a, PQgetvalue(r, 0, f), (size_t)PQgetlength(r, 0, f), &out->pdf,
                          &out->len))
            return DB_ERROR; /* not bytea's hex output: bytea_output was changed */
    }
    return DB_OK;
}

db_status archive_job_busy(db_conn *c, arena *a, int64_t invoice_id, bool *busy)
{
    PGresult *r;
    const char *id = db_i64(a, invoice_id);
    *busy = false;
    db_status st = db_run_a(c, a, &job_free, &r, DB_P(id));
    if (st != DB_OK || db_int(r, 0, "free") > 0)
        return st;
    if ((st = db_run_a(c, a, &job_exists, &r, DB_P(id))) != DB_OK)
        return st;
    *busy = db_int(r, 0, "n") > 0;
    return DB_OK;
}

/* ---- storing ---------------------------------------------------------------------------- */

/* One INSERT for files[from .. to). */
static db_status store_chunk(db_conn *c, arena *a, int64_t hub, const archive_blob *files,
                             size_t from, size_t to, int64_t *stored)
{
    buf ids = BUF_INIT, shas = BUF_INIT, pdfs = BUF_INIT;
    buf_putc(&ids, '{');
    buf_putc(&shas, '{');
    buf_putc(&pdfs, '{');
    for (size_t i = from; i < to; i++) {
        const char *sep = i > from ? "," : "";
        buf_printf(&ids, "%s%lld", sep, (long long)files[i].invoice_id);
        buf_puts(&shas, sep);
        hex_append(&shas, files[i].sha256, 32);
        buf_puts(&pdfs, sep);
        hex_append(&pdfs, files[i].data, files[i].len);
    }
    buf_putc(&ids, '}');
    buf_putc(&shas, '}');
    buf_putc(&pdfs, '}');
    PGresult *r;
    db_status st = db_run(c, &store_files, &r,
                          DB_P(db_i64(a, hub), buf_str(&ids), buf_str(&shas), buf_str(&pdfs)));
    if (st == DB_OK) {
        *stored += PQntuples(r);
        PQclear(r);
    }
    buf_free(&ids);
    buf_free(&shas);
    buf_free(&pdfs);
    return st;
}

db_status archive_store(db_conn *c, arena *a, int64_t hub, const archive_blob *files, size_t n,
                        int64_t *stored)
{
    *stored = 0;
    db_status st = DB_OK;
    for (size_t from = 0; from < n && st == DB_OK;) {
        size_t to = from, bytes = 0;
        while (to < n && (to == from || bytes + 2 * files[to].len < STORE_CHUNK_BYTES))
            bytes += 2 * files[to++].len;
        st = store_chunk(c, a, hub, files, from, to, stored);
        from = to;
    }
    if (st != DB_OK || n == 0)
        return st;
    int64_t *ids = arena_alloc(a, n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = files[i].invoice_id;
    return db_do(c, &delete_jobs, DB_P(db_int_array(a, ids, n)));
}

typedef struct store_one_ctx {
    arena *a;
    int64_t hub;
    const archive_blob *file;
    archive_outcome out;
} store_one_ctx;

static int store_one_tx(db_conn *c, void *p)
{
    store_one_ctx *x = p;
    const char *id = db_i64(x->a, x->file->invoice_id);
    PGresult *r;
    db_status st = db_run_a(c, x->a, &job_lock, &r, DB_P(id));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0) {
        if ((st = db_run_a(c, x->a, &job_exists, &r, DB_P(id))) != DB_OK)
            return st;
        if (db_int(r, 0, "n") > 0) {
            x->out = ARCHIVE_BUSY; /* a worker holds it: it stores its own */
            return 0;
        }
    }
    int64_t stored = 0;
    if ((st = archive_store(c, x->a, x->hub, x->file, 1, &stored)) != DB_OK)
        return st;
    x->out = stored ? ARCHIVE_STORED : ARCHIVE_EXISTS;
    return 0;
}

int archive_store_one(db_conn *c, arena *a, int64_t hub, const archive_blob *file,
                      archive_outcome *out)
{
    store_one_ctx x = {a, hub, file, ARCHIVE_BUSY};
    int st = db_transaction(c, false, store_one_tx, &x);
    *out = x.out;
    return st;
}

/* ---- the workers' side ---------------------------------------------------------------------- */

db_status archive_claim(db_conn *c, arena *a, int64_t hub, int64_t cycle, int max,
                        archive_batch *out)
{
    memset(out, 0, sizeof *out);
    PGresult *r;
    const char *cy = db_i64(a, cycle);
    db_status st = db_run_a(c, a, &claim_first, &r, DB_P(db_i64(a, hub), cy));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    out->hub = db_int(r, 0, "hub_id");
    out->alone = db_bool(r, 0, "alone");
    int64_t first = db_int(r, 0, "invoice_id");
    PGresult *more = NULL;
    if (!out->alone && max > 1 &&
        (st = db_run_a(c, a, &claim_more, &more,
                       DB_P(db_i64(a, out->hub), cy, db_i64(a, first), db_i64(a, max - 1)))) !=
            DB_OK)
        return st;
    size_t extra = more ? (size_t)PQntuples(more) : 0;
    out->ids = arena_alloc(a, (1 + extra) * sizeof *out->ids);
    out->ids[0] = first;
    for (size_t i = 0; i < extra; i++)
        out->ids[1 + i] = db_int(more, (int)i, "invoice_id");
    out->n = 1 + extra;
    return DB_OK;
}

db_status archive_failed(db_conn *c, arena *a, const int64_t *ids, size_t n, bool alone,
                         const char *error)
{
    const char *arr = db_int_array(a, ids, n), *why = error ? error : "";
    if (alone)
        return db_do(c, &alone_failed, DB_P(arr, why, db_i64(a, ARCHIVE_MAX_ATTEMPTS)));
    return db_do(c, &batch_failed, DB_P(arr, why));
}

db_status archive_retry(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &retry_failed, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    *n = st == DB_OK ? strtoll(PQcmdTuples(r), NULL, 10) : 0;
    return st;
}

db_status archive_pending(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t *n,
                          int64_t *wait_s)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &pending, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    *n = st == DB_OK ? db_int(r, 0, "n") : 0;
    *wait_s = st == DB_OK ? db_int(r, 0, "wait_s") : 0;
    return st;
}

db_status archive_listen(db_conn *c)
{
    return db_exec_sql(c, "LISTEN km0_archive");
}

db_status archive_wait(db_conn *c, int timeout_ms, const atomic_bool *stop)
{
    PGconn *pg = db_pg(c);
    for (int waited = 0; waited < timeout_ms && !(stop && atomic_load(stop)); waited += 200) {
        struct pollfd p = {PQsocket(pg), POLLIN, 0};
        if (poll(&p, 1, 200) <= 0)
            continue;
        if (!PQconsumeInput(pg))
            return DB_DOWN;
        PGnotify *note, *any = NULL;
        while ((note = PQnotifies(pg)) != NULL) {
            if (any)
                PQfreemem(any);
            any = note;
        }
        if (any) {
            PQfreemem(any);
            return DB_OK;
        }
    }
    return DB_OK;
}

/* ---- reading back ------------------------------------------------------------------------ */

db_status archive_files_page(db_conn *c, arena *a, int64_t hub, int64_t cycle, int64_t after,
                             int limit, archive_entry **out, size_t *n)
{
    PGresult *r;
    *out = NULL;
    *n = 0;
    db_status st =
        db_run_a(c, a, &files_page, &r,
                 DB_P(db_i64(a, hub), db_i64(a, cycle), db_i64(a, after), db_i64(a, limit)));
    if (st != DB_OK)
        return st;
    size_t rows = (size_t)PQntuples(r);
    archive_entry *e = arena_alloc(a, (rows ? rows : 1) * sizeof *e);
    int f = PQfnumber(r, "pdf");
    for (size_t i = 0; i < rows; i++) {
        e[i].invoice_id = db_int(r, (int)i, "invoice_id");
        e[i].number = db_val(r, (int)i, "number");
        if (!sha_decode(db_val(r, (int)i, "sha256"), e[i].sha256) ||
            !bytea_decode(a, PQgetvalue(r, (int)i, f), (size_t)PQgetlength(r, (int)i, f), &e[i].pdf,
                          &e[i].len))
            return DB_ERROR;
    }
    *out = e;
    *n = rows;
    return DB_OK;
}

db_status archive_missing(db_conn *c, arena *a, int64_t hub, int64_t cycle,
                          archive_missing_row **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &missing, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)));
    *out = NULL;
    *n = 0;
    if (st != DB_OK)
        return st;
    size_t rows = (size_t)PQntuples(r);
    archive_missing_row *m = arena_alloc(a, (rows ? rows : 1) * sizeof *m);
    for (size_t i = 0; i < rows; i++)
        m[i] = (archive_missing_row){db_val(r, (int)i, "number"), db_bool(r, (int)i, "failed"),
                                     db_val(r, (int)i, "last_error")};
    *out = m;
    *n = rows;
    return DB_OK;
}
