/*
 * cli/cmd_invoice_archive.c — the invoice archive on the command line.
 *
 *   km0 invoice archive [--cycle ID] [--retry]   render what is queued, now
 *   km0 invoice verify [--cycle ID]              re-read every archived file
 *
 * and what km0 invoice issue, credit and export need of it: issuing renders the
 * cycle's invoices before the command exits (unless --no-archive leaves them to
 * km0 serve's worker), an export of pdf or facturx gives the archived bytes.
 * Several of these may run beside servers: the queue is shared
 * (core/archive.h), nothing is rendered twice.
 */
#include "../core/archive.h"
#include "../core/config.h"
#include "../core/invoicing.h"
#include "../core/log.h"
#include "../core/util.h"
#include "../reports/archive_check.h"
#include "../reports/archive_render.h"
#include "../reports/archive_worker.h"
#include "../reports/cii.h"
#include "../reports/report.h"
#include "cli.h"

#include <stdio.h>
#include <string.h>

#define VERIFY_PAGE 200 /* files read at once by verify */
#define BUSY_WAIT_S 600 /* an export waits this long for a worker rendering its invoice */

static int db_failed(db_conn *c, const char *what)
{
    fprintf(stderr, "km0 invoice %s: database error: %s\n", what, db_last_error(c)->message);
    return EXIT_REFUSED;
}

/* What is left of the queue for hub and cycle, said on stderr; true when nothing. */
static bool report_left(db_conn *c, int64_t hub, int64_t cycle, const char *what)
{
    arena *a = arena_new();
    int64_t pending = 0, wait_s = 0;
    archive_state s = {0};
    bool clean = archive_pending(c, a, hub, cycle, &pending, &wait_s) == DB_OK &&
                 (!cycle || archive_cycle_state(c, a, hub, cycle, &s) == DB_OK);
    if (clean && pending)
        fprintf(stderr,
                "km0 invoice %s: %lld invoices wait for another try in %lld s (%s); "
                "km0 serve or km0 invoice archive will render them\n",
                what, (long long)pending, (long long)wait_s, s.last_error[0] ? s.last_error : "");
    if (clean && s.failed)
        fprintf(stderr,
                "km0 invoice %s: %lld invoices could not be archived (%s); fix the cause, then "
                "km0 invoice archive --retry\n",
                what, (long long)s.failed, s.last_error);
    arena_free(a);
    return clean && !pending && !s.failed;
}

int cli_invoice_archive_after(db_conn *c, int64_t hub, int64_t cycle, const char *what)
{
    int64_t stored = 0, failed = 0;
    int st = rpt_archive_drain(c, hub, cycle, g_config.archive_batch, rpt_render_slots(), NULL,
                               &stored, &failed);
    if (st != 0)
        return db_failed(c, what);
    printf("archived %lld invoice files (Factur-X)\n", (long long)stored);
    report_left(c, hub, cycle, what);
    return EXIT_OK;
}

int cli_invoice_archive(db_conn *c, int64_t hub, int64_t cycle, bool retry)
{
    arena *a = arena_new();
    int64_t again = 0;
    int st = retry ? archive_retry(c, a, hub, cycle, &again) : DB_OK;
    arena_free(a);
    if (st != DB_OK)
        return db_failed(c, "archive");
    if (retry)
        printf("%lld invoices given up before are tried again\n", (long long)again);
    int64_t stored = 0, failed = 0;
    if (rpt_archive_drain(c, hub, cycle, g_config.archive_batch, rpt_render_slots(), NULL, &stored,
                          &failed) != 0)
        return db_failed(c, "archive");
    printf("archived %lld invoice files (Factur-X)\n", (long long)stored);
    return report_left(c, hub, cycle, "archive") ? EXIT_OK : EXIT_REFUSED;
}

/* ---- export ---------------------------------------------------------------------------- */

int cli_invoice_archived(db_conn *c, int64_t hub, const char *number, buf *out)
{
    arena *a = arena_new();
    archive_file f;
    bool found;
    rpt_error err;
    int st = rpt_archive_fetch(c, a, hub, number, BUSY_WAIT_S, &f, &found, &err);
    int rc = EXIT_REFUSED;
    if (st < 0)
        rc = db_failed(c, "export");
    else if (st > 0)
        fprintf(stderr, "km0 invoice export: %s\n", err.message);
    else if (!found)
        fprintf(stderr, "km0 invoice export: no invoice %s\n", number);
    else {
        buf_append(out, f.pdf, f.len);
        rc = EXIT_OK;
    }
    arena_free(a);
    return rc;
}

/* ---- verify ---------------------------------------------------------------------------- */

typedef struct verify_totals {
    int64_t good, damaged;
} verify_totals;

/* Check one page of files against the CII of their invoices as stored. */
static int verify_page(db_conn *c, arena *a, int64_t hub, const archive_entry *e, size_t n,
                       verify_totals *t)
{
    int64_t *ids = arena_alloc(a, n * sizeof *ids);
    for (size_t i = 0; i < n; i++)
        ids[i] = e[i].invoice_id;
    inv_stored *s;
    size_t ns;
    if (invoice_load_ids(c, a, hub, ids, n, &s, &ns) != DB_OK)
        return -1;
    for (size_t i = 0, k = 0; i < n; i++) {
        while (k < ns && s[k].id < e[i].invoice_id)
            k++;
        buf cii = BUF_INIT, problems = BUF_INIT;
        bool have = k < ns && s[k].id == e[i].invoice_id && rpt_cii_write(&s[k].inv, &cii) == 0;
        if (!have)
            buf_puts(&problems, "its invoice cannot be exported as CII to compare; ");
        int bad = rpt_archive_check(e[i].pdf, e[i].len, e[i].sha256, cii.data ? cii.data : "",
                                    cii.len, &problems);
        if (bad || !have) {
            printf("%s\tdamaged\t%s\n", e[i].number, buf_str(&problems));
            t->damaged++;
        } else {
            t->good++;
        }
        buf_free(&cii);
        buf_free(&problems);
    }
    return 0;
}

int cli_invoice_verify(db_conn *c, int64_t hub, int64_t cycle)
{
    verify_totals t = {0, 0};
    int64_t after = 0;
    for (;;) {
        arena *a = arena_new();
        archive_entry *e;
        size_t n;
        int st = archive_files_page(c, a, hub, cycle, after, VERIFY_PAGE, &e, &n);
        if (st == DB_OK && n)
            st = verify_page(c, a, hub, e, n, &t) == 0 ? DB_OK : DB_ERROR;
        if (n)
            after = e[n - 1].invoice_id;
        arena_free(a);
        if (st != DB_OK)
            return db_failed(c, "verify");
        if (n < VERIFY_PAGE)
            break;
    }
    arena *a = arena_new();
    archive_missing_row *m;
    size_t nm;
    if (archive_missing(c, a, hub, cycle, &m, &nm) != DB_OK) {
        arena_free(a);
        return db_failed(c, "verify");
    }
    for (size_t i = 0; i < nm; i++)
        printf("%s\t%s\t%s\n", m[i].number, m[i].failed ? "failed" : "pending",
               m[i].failed ? m[i].last_error : "not archived yet");
    printf("%lld archived files verified: %lld good, %lld damaged; %zu invoices not archived "
           "yet\n",
           (long long)(t.good + t.damaged), (long long)t.good, (long long)t.damaged, nm);
    arena_free(a);
    if (t.damaged)
        fprintf(stderr, "km0 invoice verify: %lld damaged files (listed on stdout)\n",
                (long long)t.damaged);
    return t.damaged ? EXIT_REFUSED : EXIT_OK;
}
