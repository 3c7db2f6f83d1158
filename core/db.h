/*
 * core/db.h — PostgreSQL access: one connection per thread, statements prepared
 * once per connection, transactions retried on serialization failures.
 *
 * Every SQL statement of km0 is a static db_stmt in the db file of its aggregate
 * (core/cycle_db.c, core/order_db.c, ...), parameterised and prepared the first
 * time a connection runs it. Parameters travel out of line as text; no SQL is
 * ever assembled from input.
 *
 *   DB_STMT(cycle_get, "SELECT id, name, state FROM cycles WHERE hub_id = $1 AND id = $2");
 *   PGresult *r;
 *   if (db_run(c, &cycle_get, &r, DB_P(hub, id)) != DB_OK) ...
 *   const char *name = db_val(r, 0, "name");
 *   PQclear(r);
 */
#ifndef KM0_DB_H
#define KM0_DB_H

#include "arena.h"

#include <libpq-fe.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct db_stmt {
    const char *name;
    const char *sql;
    int id;     /* assigned on first use; indexes each connection's prepared set */
    int replay; /* 0: not yet known, 1: safe to send twice (reads only), -1: not */
} db_stmt;

/* A statement is sent a second time after a lost connection only when running it
 * twice cannot differ from running it once: a SELECT that writes nothing (found from
 * its text, see core/db.c), or one declared so with DB_STMT_IDEMPOTENT. */
#define DB_STMT(var, text)            static db_stmt var = {"km0_" #var, text, 0, 0}
#define DB_STMT_IDEMPOTENT(var, text) static db_stmt var = {"km0_" #var, text, 0, 1}
/* Parameter list: count and array, e.g. db_run(c, &s, &r, DB_P(a, b)). */
#define DB_P(...)                                                                                  \
    (int)(sizeof((const char *[]){__VA_ARGS__}) / sizeof(const char *)), (const char *[])          \
    {                                                                                              \
        __VA_ARGS__                                                                                \
    }
#define DB_NOPARAMS 0, NULL

typedef enum {
    DB_OK = 0,
    DB_RETRY = -1,  /* serialization failure or deadlock: the transaction may be replayed */
    DB_ERROR = -2,  /* the statement failed (constraint, bad input, ...): see db_error */
    DB_DOWN = -3,   /* no usable connection, nothing written: the database is unreachable */
    DB_UNKNOWN = -4 /* the connection was lost after a write (or its COMMIT) was sent: it may
                       have taken effect or not, and km0 cannot tell */
} db_status;

typedef struct db_conn db_conn;

typedef struct db_error {
    char sqlstate[6];
    char constraint[64];
    char message[512];
} db_error;

/* Open a connection (conninfo or URL); NULL with a message in err on failure. */
db_conn *db_connect(const char *url, char *err, size_t errlen);
/* For a connection opened outside db_connect (a LISTEN connection): PostgreSQL's notices
 * and libpq's own (a FATAL arriving while idle) go to the log as structured lines, not
 * to libpq's default stderr. */
void db_log_notices(PGconn *pg);
void db_close(db_conn *c);
/* This thread's connection to g_config.database_url, (re)connected as needed;
 * NULL when the database cannot be reached right now. */
db_conn *db_thread_conn(void);
/* This thread's connection to g_config.database_read_url, for reads that may be a
 * moment stale (documents, the shop's catalog): a standby when the URL prefers one.
 * NULL when no such URL is configured or it cannot be reached now: use the main one. */
db_conn *db_thread_read_conn(void);
/* Close this thread's connections (thread exit, shutdown). */
void db_thread_release(void);
PGconn *db_pg(db_conn *c);
const db_error *db_last_error(const db_conn *c);
/* True when the last error was a unique/check/foreign-key violation (SQLSTATE class 23). */
bool db_error_is_constraint(const db_conn *c, const char *constraint);

/* Run a prepared statement. On DB_OK *res holds the result (caller PQclears it, or
 * passes an arena to db_run_a). */
db_status db_run(db_conn *c, db_stmt *s, PGresult **res, int nparams, const char *const *params);
/* Same, with the result freed when the arena is. */
db_status db_run_a(db_conn *c, arena *a, db_stmt *s, PGresult **res, int nparams,
                   const char *const *params);
/* Run a statement whose result is not needed. */
db_status db_do(db_conn *c, db_stmt *s, int nparams, const char *const *params);
/* Run trusted SQL text with no parameters (migrations, BEGIN/COMMIT). Only BEGIN,
 * SET and SELECT are sent again after a lost connection; a lost COMMIT is DB_UNKNOWN. */
db_status db_exec_sql(db_conn *c, const char *sql);

/* Transaction runner. fn returns 0 to commit, > 0 to roll back a refused request
 * (its own error is in ctx), or a db_status < 0. DB_RETRY replays the whole
 * transaction up to 8 times. Returns 0, fn's refusal, or the final db_status:
 * DB_DOWN when the connection was lost before COMMIT (rolled back, nothing written),
 * DB_UNKNOWN when it was lost once COMMIT was sent (written or not: ask again). */
typedef int (*db_tx_fn)(db_conn *c, void *ctx);
int db_transaction(db_conn *c, bool serializable, db_tx_fn fn, void *ctx);

/* Column access by name; "" for NULL. */
const char *db_val(const PGresult *r, int row, const char *col);
bool db_null(const PGresult *r, int row, const char *col);
int64_t db_int(const PGresult *r, int row, const char *col);
bool db_bool(const PGresult *r, int row, const char *col);
double db_double(const PGresult *r, int row, const char *col);

/* Decimal text of v, from the arena, for parameters. */
char *db_i64(arena *a, int64_t v);
/* PostgreSQL array literals for one parameter ($n::text[] / $n::bigint[]): every
 * element quoted and escaped, so any text travels intact. */
char *db_text_array(arena *a, const char *const *items, size_t n);
char *db_int_array(arena *a, const int64_t *items, size_t n);

/* Bulk load with COPY … FROM STDIN (s is such a statement): begin, send rows in
 * COPY text format in as many pieces as convenient, then end, which reports the
 * statement's outcome (a constraint it broke, for instance). After a failed
 * begin or send, call db_copy_end all the same: it leaves the connection usable. */
db_status db_copy_begin(db_conn *c, db_stmt *s);
db_status db_copy_send(db_conn *c, const char *data, size_t len);
db_status db_copy_end(db_conn *c);
/* End a COPY FROM STDIN by cancelling it (PostgreSQL discards every row sent and
 * fails the statement, so the transaction must roll back); the connection stays usable. */
void db_copy_cancel(db_conn *c, const char *why);

#endif
