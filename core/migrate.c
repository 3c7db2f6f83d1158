/*
 * core/migrate.c — numbered SQL migrations, recorded in schema_migrations.
 *
 * Each file runs in its own transaction together with the row recording it, so
 * a migration is applied entirely or not at all, and exactly once. An advisory
 * lock makes concurrent "km0 migrate" runs (several servers starting) wait for
 * each other instead of racing. Migrations are additive, so servers of the
 * previous version keep working while the next one migrates.
 *
 * A migration may read the configuration that runs it: km0.seller_mode,
 * km0.payment_days and km0.resale_vat_rate_bp (schema/006 makes them per-hub
 * settings and takes the configuration's values as the existing hubs' first ones).
 */
#include "migrate.h"
#include "buf.h"
#include "config.h"
#include "files.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MIGRATION_LOCK "7305730573057305"

DB_STMT(is_applied, "SELECT 1 FROM schema_migrations WHERE version = $1");
DB_STMT(record, "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)");
/* For this transaction only (set_config's third argument). */
DB_STMT(config_values, "SELECT set_config('km0.seller_mode', $1, true),"
                       " set_config('km0.payment_days', $2, true),"
                       " set_config('km0.resale_vat_rate_bp', $3, true)");

static int version_of(const char *name);

static int cmp_names(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    int vx = version_of(x), vy = version_of(y);
    return vx != vy ? (vx > vy) - (vx < vy) : strcmp(x, y);
}

/* Migration files are NNN_name.sql with NNN >= 1. */
static int version_of(const char *name)
{
    char *end;
    long v = strtol(name, &end, 10);
    size_t len = strlen(name);
    if (end == name || *end != '_' || v <= 0 || len < 5 || strcmp(name + len - 4, ".sql") != 0)
        return -1;
    return (int)v;
}

static int apply_one(db_conn *c, const char *dir, const char *name, int version, bool *done)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    char vtext[16];
    snprintf(vtext, sizeof vtext, "%d", version);
    *done = false;
    if (db_exec_sql(c, "BEGIN") != DB_OK ||
        db_exec_sql(c, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")") != DB_OK)
        goto fail;
    PGresult *r;
    if (db_run(c, &is_applied, &r, DB_P(vtext)) != DB_OK)
        goto fail;
    bool applied = PQntuples(r) > 0;
    PQclear(r);
    if (applied) {
        db_exec_sql(c, "COMMIT");
        return 0;
    }
    buf file = BUF_INIT;
    if (file_read(path, &file, 0) != 0) {
        buf_free(&file);
        fprintf(stderr, "km0 migrate: %s: %s\n", path, strerror(errno));
        db_exec_sql(c, "ROLLBACK");
        return 1;
    }
    char days[16], rate[16];
    snprintf(days, sizeof days, "%d", g_config.payment_days);
    snprintf(rate, sizeof rate, "%d", g_config.resale_vat_rate_bp);
    db_status st = db_do(c, &config_values, DB_P(g_config.seller_mode, days, rate));
    if (st == DB_OK)
        st = db_exec_sql(c, buf_str(&file));
    buf_free(&file);
    if (st != DB_OK)
        goto fail;
    if (db_do(c, &record, DB_P(vtext, name)) != DB_OK || db_exec_sql(c, "COMMIT") != DB_OK)
        goto fail;
    *done = true;
    printf("applied %s\n", name);
    return 0;
fail:
    fprintf(stderr, "km0 migrate: %s: %s\n", name, db_last_error(c)->message);
    db_exec_sql(c, "ROLLBACK");
    return 1;
}

int migrate_apply(db_conn *c, const char *dir, int *applied)
{
    *applied = 0;
    /* under the lock too: two first runs at once would race on CREATE TABLE */
    if (db_exec_sql(c, "BEGIN") != DB_OK ||
        db_exec_sql(c, "SELECT pg_advisory_xact_lock(" MIGRATION_LOCK ")") != DB_OK ||
        db_exec_sql(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version integer PRIMARY KEY,"
                       " name text NOT NULL,"
                       " applied_at timestamptz NOT NULL DEFAULT now())") != DB_OK ||
        db_exec_sql(c, "COMMIT") != DB_OK) {
        fprintf(stderr, "km0 migrate: %s\n", db_last_error(c)->message);
        db_exec_sql(c, "ROLLBACK");
        return 1;
    }
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "km0 migrate: cannot read %s: %s\n", dir, strerror(errno));
        return 1;
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (version_of(e->d_name) < 0)
            continue;
        names = xrealloc(names, (n + 1) * sizeof *names);
        names[n++] = xstrdup(e->d_name);
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, cmp_names);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        if (i > 0 && version_of(names[i]) == version_of(names[i - 1])) {
            fprintf(stderr, "km0 migrate: %s and %s have the same number\n", names[i - 1],
                    names[i]);
            rc = 1;
            break;
        }
        bool done;
        rc = apply_one(c, dir, names[i], version_of(names[i]), &done);
        *applied += done;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    return rc;
}
