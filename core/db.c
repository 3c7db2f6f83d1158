/*
 * core/db.c — libpq connections, lazily prepared statements, transactions.
 *
 * A lost connection is told apart by what it may have cost. Inside a transaction,
 * PostgreSQL rolled it back: DB_DOWN, nothing written. Outside one, a statement that
 * was sent may have run and committed before the connection broke: it is sent again
 * only when that is harmless (a read, BEGIN); otherwise, as for a lost COMMIT, the
 * outcome is unknown (DB_UNKNOWN) and the caller says so rather than guess.
 *
 * With PostgreSQL in failover (docs/operations.md), the URL names every node and
 * target_session_attrs=read-write lets libpq pick the primary at each (re)connection.
 * Two more cases then matter: a server that refuses writes as read-only (25006, a
 * node turned standby or read-only under a session) has its connection opened again,
 * and the refused statement or transaction, which wrote nothing, is sent once more on
 * the new one; and a COMMIT that returns with a warning (the wait for the synchronous
 * standby cancelled, by an administrator's pg_cancel_backend: committed here, perhaps
 * on no other machine) is not reported as done but as unknown. (statement_timeout
 * never ends that wait: PostgreSQL disarms it before committing.)
 */
#include "db.h"
#include "buf.h"
#include "config.h"
#include "log.h"
#include "util.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define DB_MAX_STMTS   1024
#define DB_TX_ATTEMPTS 8

struct db_conn {
    PGconn *pg;
    bool prepared[DB_MAX_STMTS];
    db_error err;
    size_t copy_queued; /* COPY bytes handed to libpq and perhaps not yet on the socket */
    unsigned warnings;  /* WARNING notices received on this connection (see db_exec_sql) */
    bool read_only;     /* a write was refused with 25006 since the flag was last cleared */
};

static atomic_int next_stmt_id = 1;
/* Each thread's connection, closed by the key's destructor when the thread exits
 * (MHD's pool threads at shutdown), so nothing leaks. */
static pthread_key_t conn_key, read_conn_key;
static pthread_once_t conn_key_once = PTHREAD_ONCE_INIT;

static void close_at_thread_exit(void *p)
{
    db_close(p);
}

static void make_conn_key(void)
{
    if (pthread_key_create(&conn_key, close_at_thread_exit) != 0 ||
        pthread_key_create(&read_conn_key, close_at_thread_exit) != 0)
        die("pthread_key_create failed");
}

static void clear_error(db_conn *c)
{
    memset(&c->err, 0, sizeof c->err);
}

static void set_error_from(db_conn *c, const PGresult *r)
{
    const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
    const char *cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    snprintf(c->err.sqlstate, sizeof c->err.sqlstate, "%s", state ? state : "08000");
    snprintf(c->err.constraint, sizeof c->err.constraint, "%s", cons ? cons : "");
    snprintf(c->err.message, sizeof c->err.message, "%s",
             msg ? msg : (c->pg ? PQerrorMessage(c->pg) : "no connection"));
}

static db_status session_setup(db_conn *c)
{
    char set[160];
    snprintf(set, sizeof set,
             "SET statement_timeout = %d; SET lock_timeout = %d; SET TIME ZONE 'Europe/Paris'",
             g_config.statement_timeout_ms, g_config.statement_timeout_ms);
    PGresult *r = PQexec(c->pg, set);
    db_status st = PQresultStatus(r) == PGRES_COMMAND_OK ? DB_OK : DB_DOWN;
    if (st != DB_OK)
        set_error_from(c, r);
    PQclear(r);
    return st;
}

/* PostgreSQL's notices and warnings (and libpq's own, such as a message arriving
 * while idle) go to the log as structured lines instead of libpq's default stderr. */
static void log_notice(const PGresult *r)
{
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const char *msg = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
    char q[512];
    log_quote(q, sizeof q, msg ? msg : PQresultErrorMessage(r));
    log_event(sev && (!strcmp(sev, "WARNING") || !strcmp(sev, "FATAL") || !strcmp(sev, "ERROR"))
                  ? LOG_WARN
                  : LOG_INFO,
              "db.notice", "severity=%s sqlstate=%s message=%s", sev ? sev : "libpq",
              state ? state : "-", q);
}

static void on_notice(void *arg, const PGresult *r)
{
    db_conn *c = arg;
    const char *sev = PQresultErrorField(r, PG_DIAG_SEVERITY_NONLOCALIZED);
    if (sev && !strcmp(sev, "WARNING"))
        c->warnings++;
    log_notice(r);
}

static void on_notice_only(void *arg, const PGresult *r)
{
    (void)arg;
    log_notice(r);
}

void db_log_notices(PGconn *pg)
{
    PQsetNoticeReceiver(pg, on_notice_only, NULL);
}

/* Which node a connection reached: with several in the URL, the one libpq chose. */
static void log_connected(const char *event, PGconn *pg)
{
    char host[300];
    log_quote(host, sizeof host, PQhost(pg) ? PQhost(pg) : "-");
    log_event(LOG_INFO, event, "host=%s port=%s", host, PQport(pg) ? PQport(pg) : "-");
}

static void reset_connection(db_conn *c)
{
    PQreset(c->pg);
    memset(c->prepared, 0, sizeof c->prepared);
    c->read_only = false;
    if (PQstatus(c->pg) == CONNECTION_OK && session_setup(c) == DB_OK)
        log_connected("db.reconnected", c->pg);
}

/* The server refused a write as read-only: this connection leads to a node that no
 * longer takes writes. Open it again, letting libpq choose among the URL's nodes. */
static void reopen_for_writes(db_conn *c)
{
    log_event(LOG_WARN, "db.reconnect", "reason=read_only");
    reset_connection(c);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        char q[600];
        log_quote(q, sizeof q, PQerrorMessage(c->pg));
        log_event(LOG_WARN, "db.unavailable", "error=%s", q);
    }
}

/* An idle connection that the server closed (a restart, an administrator's
 * pg_terminate_backend) has its goodbye waiting on the socket: read it before
 * sending anything, and reconnect while nothing has been sent. */
static void check_idle_connection(db_conn *c)
{
    /* only a connection seen idle: one lost inside a transaction stays lost, so
     * that the transaction's next statement fails instead of running alone */
    if (PQstatus(c->pg) != CONNECTION_OK || PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return;
    struct pollfd p = {PQsocket(c->pg), POLLIN, 0};
    if (poll(&p, 1, 0) <= 0)
        return;
    PQconsumeInput(c->pg);
    PGnotify *n;
    while ((n = PQnotifies(c->pg)) != NULL)
        PQfreemem(n);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        log_event(LOG_WARN, "db.connection_lost", "when=idle");
        reset_connection(c);
    }
}

/* PostgreSQL says committed, with a warning: in practice the wait for the synchronous
 * standby was cancelled (pg_cancel_backend), so the transaction is durable here and
 * perhaps on no other machine. Not what "saved" promises: the outcome is unknown. */
static db_status unconfirmed_commit(db_conn *c)
{
    log_event(LOG_WARN, "db.commit_unconfirmed", "reason=warning");
    snprintf(c->err.sqlstate, sizeof c->err.sqlstate, "01000");
    snprintf(c->err.message, sizeof c->err.message,
             "the commit returned with a warning: not confirmed by the synchronous standby");
    return DB_UNKNOWN;
}

/* Is sending this statement twice the same as sending it once? A SELECT whose
 * text writes nothing; anything else is a write unless declared otherwise. */
static bool text_is_read_only(const char *sql)
{
    while (*sql == ' ' || *sql == '\n' || *sql == '(')
        sql++;
    if (strncasecmp(sql, "SELECT", 6) != 0)
        return false;
    static const char *const writes[] = {"INSERT",      "UPDATE",    "DELETE",       "MERGE",
                                         "TRUNCATE",    "COPY",      "nextval",      "setval",
                                         "pg_advisory", "pg_notify", "pg_terminate", "pg_cancel"};
    for (size_t i = 0; i < ARRAY_LEN(writes); i++)
        for (const char *p = sql; *p; p++)
            if (!strncasecmp(p, writes[i], strlen(writes[i])))
                return false;
    return true;
}

static bool stmt_replayable(db_stmt *s)
{
    int r = __atomic_load_n(&s->replay, __ATOMIC_RELAXED);
    if (r == 0) {
        r = text_is_read_only(s->sql) ? 1 : -1;
        __atomic_store_n(&s->replay, r, __ATOMIC_RELAXED);
    }
    return r > 0;
}

/* After a failure: was the connection lost, and what does that mean? The statement
 * was sent in state `before`. Returns true when the caller may send it again on the
 * fresh connection (reads outside a transaction); otherwise *st says DB_DOWN (a
 * transaction was lost, rolled back) or DB_UNKNOWN (a write outside one may have run). */
static bool revive(db_conn *c, PGTransactionStatusType before, bool replayable, db_status *st)
{
    if (*st != DB_DOWN || PQstatus(c->pg) == CONNECTION_OK)
        return false;
    if (before != PQTRANS_IDLE) {
        log_event(LOG_WARN, "db.connection_lost", "when=transaction sqlstate=%s", c->err.sqlstate);
        return false; /* the transaction is gone with its connection */
    }
    if (!replayable) {
        log_event(LOG_WARN, "db.connection_lost", "when=write outcome=unknown sqlstate=%s",
                  c->err.sqlstate);
        *st = DB_UNKNOWN;
        reset_connection(c);
        return false;
    }
    log_event(LOG_WARN, "db.connection_lost", "when=read outcome=resent sqlstate=%s",
              c->err.sqlstate);
    reset_connection(c);
    return PQstatus(c->pg) == CONNECTION_OK;
}

db_conn *db_connect(const char *url, char *err, size_t errlen)
{
    char timeout[16];
    snprintf(timeout, sizeof timeout, "%d",
             g_config.db_connect_timeout_s > 0 ? g_config.db_connect_timeout_s : 5);
    const char *keys[] = {"dbname", "connect_timeout", "application_name", NULL};
    const char *vals[] = {url, timeout, "km0", NULL};
    /* expand_dbname=1: url may be a conninfo string or a postgresql:// URI */
    PGconn *pg = PQconnectdbParams(keys, vals, 1);
    if (PQstatus(pg) != CONNECTION_OK) {
        snprintf(err, errlen, "%s", PQerrorMessage(pg));
        size_t n = strlen(err);
        while (n && (err[n - 1] == '\n' || err[n - 1] == ' '))
            err[--n] = '\0';
        PQfinish(pg);
        return NULL;
    }
    db_conn *c = xcalloc(1, sizeof *c);
    c->pg = pg;
    PQsetNoticeReceiver(pg, on_notice, c); /* kept by PQreset with the PGconn */
    if (session_setup(c) != DB_OK) {
        snprintf(err, errlen, "%s", c->err.message);
        db_close(c);
        return NULL;
    }
    return c;
}

void db_close(db_conn *c)
{
    if (!c)
        return;
    PQfinish(c->pg);
    free(c);
}

/* The thread's connection under *key to url, opened again when it was lost (the key
 * by address: it exists only once pthread_once has run). */
static db_conn *thread_conn(const pthread_key_t *keyp, const char *url, const char *which)
{
    pthread_once(&conn_key_once, make_conn_key);
    pthread_key_t key = *keyp;
    db_conn *c = pthread_getspecific(key);
    if (c && PQstatus(c->pg) == CONNECTION_OK)
        return c;
    if (c) {
        log_event(LOG_WARN, "db.reconnect", "reason=connection_lost%s", which);
        db_close(c);
        pthread_setspecific(key, NULL);
    }
    char err[512], q[600];
    c = db_connect(url, err, sizeof err);
    if (!c) {
        log_quote(q, sizeof q, err);
        log_event(LOG_WARN, "db.unavailable", "error=%s%s", q, which);
    } else {
        char host[300];
        log_quote(host, sizeof host, PQhost(c->pg) ? PQhost(c->pg) : "-");
        log_event(LOG_INFO, "db.connected", "host=%s port=%s%s", host,
                  PQport(c->pg) ? PQport(c->pg) : "-", which);
    }
    pthread_setspecific(key, c);
    return c;
}

db_conn *db_thread_conn(void)
{
    return thread_conn(&conn_key, g_config.database_url, "");
}

db_conn *db_thread_read_conn(void)
{
    if (!g_config.database_read_url[0])
        return NULL;
    return thread_conn(&read_conn_key, g_config.database_read_url, " use=read");
}

void db_thread_release(void)
{
    pthread_once(&conn_key_once, make_conn_key);
    db_close(pthread_getspecific(conn_key));
    pthread_setspecific(conn_key, NULL);
    db_close(pthread_getspecific(read_conn_key));
    pthread_setspecific(read_conn_key, NULL);
}

PGconn *db_pg(db_conn *c)
{
    return c->pg;
}

const db_error *db_last_error(const db_conn *c)
{
    return &c->err;
}

bool db_error_is_constraint(const db_conn *c, const char *constraint)
{
    if (strncmp(c->err.sqlstate, "23", 2) != 0)
        return false;
    return !constraint || strcmp(c->err.constraint, constraint) == 0;
}

static db_status status_of(db_conn *c, PGresult *r)
{
    ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_COPY_IN)
        return DB_OK;
    set_error_from(c, r);
    if (PQstatus(c->pg) != CONNECTION_OK)
        return DB_DOWN;
    if (!strcmp(c->err.sqlstate, "40001") || !strcmp(c->err.sqlstate, "40P01"))
        return DB_RETRY;
    if (!strcmp(c->err.sqlstate, "25006")) /* read_only_sql_transaction */
        c->read_only = true;
    if (!strncmp(c->err.sqlstate, "08", 2) || !strcmp(c->err.sqlstate, "57P01") ||
        !strcmp(c->err.sqlstate, "57P02") || !strcmp(c->err.sqlstate, "57P03"))
        return DB_DOWN;
    return DB_ERROR;
}

static db_status ensure_prepared(db_conn *c, db_stmt *s)
{
    int id = __atomic_load_n(&s->id, __ATOMIC_ACQUIRE);
    if (id == 0) {
        int fresh = atomic_fetch_add(&next_stmt_id, 1), expected = 0;
        if (fresh >= DB_MAX_STMTS)
            die("more than %d SQL statements", DB_MAX_STMTS);
        /* another thread may have numbered it meanwhile: keep the first number */
        id = __atomic_compare_exchange_n(&s->id, &expected, fresh, false, __ATOMIC_ACQ_REL,
                                         __ATOMIC_ACQUIRE)
                 ? fresh
                 : expected;
    }
    if (c->prepared[id])
        return DB_OK;
    /* named by number: two files may well both have a statement called lock_cycle */
    char name[16];
    snprintf(name, sizeof name, "s%d", id);
    PGresult *r = PQprepare(c->pg, name, s->sql, 0, NULL);
    db_status st = status_of(c, r);
    PQclear(r);
    if (st == DB_OK)
        c->prepared[id] = true;
    else if (st != DB_DOWN) /* a lost connection is db_run's to report */
        log_event(LOG_ERROR, "db.prepare_failed", "stmt=%s sqlstate=%s", s->name, c->err.sqlstate);
    return st;
}

static db_status run_once(db_conn *c, db_stmt *s, PGresult **res, int nparams,
                          const char *const *params)
{
    db_status st = ensure_prepared(c, s);
    if (st != DB_OK)
        return st;
    char name[16];
    snprintf(name, sizeof name, "s%d", s->id);
    PGresult *r = PQexecPrepared(c->pg, name, nparams, params, NULL, NULL, 0);
    st = status_of(c, r);
    if (st != DB_OK) {
        PQclear(r);
        return st;
    }
    *res = r;
    return DB_OK;
}

db_status db_run(db_conn *c, db_stmt *s, PGresult **res, int nparams, const char *const *params)
{
    clear_error(c);
    *res = NULL;
    check_idle_connection(c);
    PGTransactionStatusType before = PQtransactionStatus(c->pg);
    if (before == PQTRANS_IDLE) /* in a transaction, db_transaction clears it at BEGIN */
        c->read_only = false;
    unsigned warned = c->warnings;
    db_status st = run_once(c, s, res, nparams, params);
    if (revive(c, before, stmt_replayable(s), &st))
        st = run_once(c, s, res, nparams, params);
    if (st == DB_ERROR && c->read_only && before == PQTRANS_IDLE) {
        /* refused alone, so nothing was written: once more where writes are taken (in a
         * transaction, db_transaction replays the whole of it instead) */
        reopen_for_writes(c);
        if (PQstatus(c->pg) == CONNECTION_OK) {
            st = run_once(c, s, res, nparams, params);
        } else {
            set_error_from(c, NULL);
            st = DB_DOWN;
        }
    }
    if (st == DB_OK && before == PQTRANS_IDLE && c->warnings != warned && !stmt_replayable(s)) {
        /* a write alone is its own COMMIT: the same doubt as in db_exec_sql */
        PQclear(*res);
        *res = NULL;
        st = unconfirmed_commit(c);
    }
    if (st == DB_ERROR)
        log_event(LOG_INFO, "db.statement_failed", "stmt=%s sqlstate=%s constraint=%s", s->name,
                  c->err.sqlstate, c->err.constraint[0] ? c->err.constraint : "-");
    else if (st == DB_DOWN || st == DB_UNKNOWN)
        log_event(LOG_WARN, st == DB_DOWN ? "db.statement_lost" : "db.outcome_unknown",
                  "stmt=%s sqlstate=%s", s->name, c->err.sqlstate);
    return st;
}

static void clear_result(void *p)
{
    PQclear(p);
}

db_status db_run_a(db_conn *c, arena *a, db_stmt *s, PGresult **res, int nparams,
                   const char *const *params)
{
    db_status st = db_run(c, s, res, nparams, params);
    if (st == DB_OK)
        arena_defer(a, clear_result, *res);
    return st;
}

db_status db_do(db_conn *c, db_stmt *s, int nparams, const char *const *params)
{
    PGresult *r;
    db_status st = db_run(c, s, &r, nparams, params);
    PQclear(r);
    return st;
}

db_status db_exec_sql(db_conn *c, const char *sql)
{
    clear_error(c);
    check_idle_connection(c);
    PGTransactionStatusType before = PQtransactionStatus(c->pg);
    unsigned warned = c->warnings;
    PGresult *r = PQexec(c->pg, sql);
    db_status st = status_of(c, r);
    PQclear(r);
    bool commit = !strncasecmp(sql, "COMMIT", 6);
    if (commit && st == DB_OK && c->warnings != warned)
        return unconfirmed_commit(c);
    bool replayable =
        !strncasecmp(sql, "BEGIN", 5) || !strncasecmp(sql, "SET ", 4) || text_is_read_only(sql);
    if (commit && st == DB_DOWN && PQstatus(c->pg) != CONNECTION_OK) {
        /* sent, perhaps received and made durable, answer lost: nobody can say */
        log_event(LOG_WARN, "db.connection_lost", "when=commit outcome=unknown sqlstate=%s",
                  c->err.sqlstate);
        return DB_UNKNOWN;
    }
    if (revive(c, before, replayable, &st)) {
        r = PQexec(c->pg, sql);
        st = status_of(c, r);
        PQclear(r);
    }
    return st;
}

int db_transaction(db_conn *c, bool serializable, db_tx_fn fn, void *ctx)
{
    const char *begin = serializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE" : "BEGIN";
    bool reopened = false;
    for (int attempt = 1;; attempt++) {
        c->read_only = false;
        db_status st = db_exec_sql(c, begin);
        if (st != DB_OK)
            return st;
        int rc = fn(c, ctx);
        bool read_only = c->read_only; /* fn's statements met a read-only server */
        if (rc == 0) {
            st = db_exec_sql(c, "COMMIT");
            if (st == DB_OK)
                return 0;
            rc = st; /* DB_UNKNOWN when the connection was lost once COMMIT was sent */
        } else {
            /* keep fn's error: ROLLBACK must not overwrite it */
            db_error saved = c->err;
            if (PQstatus(c->pg) == CONNECTION_OK) {
                PGresult *r = PQexec(c->pg, "ROLLBACK");
                PQclear(r);
            }
            c->err = saved;
        }
        if (read_only && rc < 0 && rc != DB_UNKNOWN && !reopened && attempt < DB_TX_ATTEMPTS) {
            /* rolled back, nothing written: replay it once on a connection opened anew */
            reopened = true;
            reopen_for_writes(c);
            if (PQstatus(c->pg) != CONNECTION_OK) {
                set_error_from(c, NULL);
                return DB_DOWN;
            }
            continue;
        }
        if (rc != DB_RETRY || attempt >= DB_TX_ATTEMPTS)
            return rc;
        log_event(LOG_INFO, "db.retry", "attempt=%d sqlstate=%s", attempt, c->err.sqlstate);
    }
}

const char *db_val(const PGresult *r, int row, const char *col)
{
    int f = PQfnumber(r, col);
    if (f < 0)
        die("no column %s in result", col);
    return PQgetvalue(r, row, f);
}

bool db_null(const PGresult *r, int row, const char *col)
{
    int f = PQfnumber(r, col);
    if (f < 0)
        die("no column %s in result", col);
    return PQgetisnull(r, row, f);
}

int64_t db_int(const PGresult *r, int row, const char *col)
{
    return strtoll(db_val(r, row, col), NULL, 10);
}

bool db_bool(const PGresult *r, int row, const char *col)
{
    return db_val(r, row, col)[0] == 't';
}

double db_double(const PGresult *r, int row, const char *col)
{
    return strtod(db_val(r, row, col), NULL);
}

char *db_i64(arena *a, int64_t v)
{
    return arena_printf(a, "%lld", (long long)v);
}

char *db_text_array(arena *a, const char *const *items, size_t n)
{
    buf b = BUF_INIT;
    buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        buf_putc(&b, '"');
        for (const char *p = items[i]; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_putc(&b, '\\');
            buf_putc(&b, *p);
        }
        buf_putc(&b, '"');
    }
    buf_putc(&b, '}');
    char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

char *db_int_array(arena *a, const int64_t *items, size_t n)
{
    buf b = BUF_INIT;
    buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, i ? ",%lld" : "%lld", (long long)items[i]);
    buf_putc(&b, '}');
    char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

/*
 * COPY data goes out without blocking: PQputCopyData queues it and PQflush puts on
 * the socket what the socket takes, so the caller goes on producing rows (parsing the
 * file) while PostgreSQL writes the previous ones — on two cores, both at once. A
 * blocking send would wait for PostgreSQL to take in each piece before the next one
 * is even made. What is queued is bounded: past COPY_QUEUE_MAX the sender waits.
 */
#define COPY_QUEUE_MAX (4u << 20)

/* Wait until everything queued is on the socket. */
static db_status copy_drain(db_conn *c)
{
    int r;
    while ((r = PQflush(c->pg)) == 1) {
        struct pollfd p = {PQsocket(c->pg), POLLOUT | POLLIN, 0};
        if (poll(&p, 1, -1) < 0 && errno != EINTR)
            break;
        /* the server may speak meanwhile (an error, a notice): read it so it can go on */
        if ((p.revents & POLLIN) && !PQconsumeInput(c->pg)) {
            r = -1;
            break;
        }
    }
    if (r != 0) {
        set_error_from(c, NULL);
        return DB_DOWN;
    }
    c->copy_queued = 0;
    return DB_OK;
}

db_status db_copy_begin(db_conn *c, db_stmt *s)
{
    PGresult *r;
    db_status st = db_run(c, s, &r, DB_NOPARAMS);
    if (st == DB_OK && PQresultStatus(r) != PGRES_COPY_IN) {
        snprintf(c->err.message, sizeof c->err.message, "%s is not COPY FROM STDIN", s->name);
        st = DB_ERROR;
    }
    PQclear(r);
    c->copy_queued = 0;
    if (st == DB_OK && PQsetnonblocking(c->pg, 1) != 0) {
        set_error_from(c, NULL);
        st = DB_DOWN;
    }
    return st;
}

db_status db_copy_send(db_conn *c, const char *data, size_t len)
{
    /* libpq takes an int length: hand over large buffers in pieces */
    while (len > 0) {
        int n = len > (1u << 30) ? 1 << 30 : (int)len;
        int put = PQputCopyData(c->pg, data, n);
        if (put == 0) { /* no room left to queue it: make some */
            if (copy_drain(c) != DB_OK)
                return DB_DOWN;
            continue;
        }
        if (put != 1) { /* the server ended the COPY (an error it sent), or is gone */
            set_error_from(c, NULL);
            return PQstatus(c->pg) == CONNECTION_OK ? DB_ERROR : DB_DOWN;
        }
        data += n;
        len -= (size_t)n;
        c->copy_queued += (size_t)n;
    }
    int left = PQflush(c->pg); /* what the socket takes now, without waiting */
    if (left < 0) {
        set_error_from(c, NULL);
        return DB_DOWN;
    }
    if (left == 0)
        c->copy_queued = 0;
    else if (c->copy_queued > COPY_QUEUE_MAX)
        return copy_drain(c);
    return DB_OK;
}

static db_status copy_finish(db_conn *c, const char *cancel)
{
    db_status st = DB_OK;
    if (PQisnonblocking(c->pg)) { /* back to blocking, everything sent */
        st = copy_drain(c);
        if (PQsetnonblocking(c->pg, 0) != 0 && st == DB_OK) {
            set_error_from(c, NULL);
            st = DB_DOWN;
        }
    }
    /* ACTIVE: the COPY began and waits for its end (not so after a failed begin) */
    if (st == DB_OK && PQtransactionStatus(c->pg) == PQTRANS_ACTIVE) {
        /* refused when the server already ended the COPY with an error: the result
         * drained below says which */
        if (PQputCopyEnd(c->pg, cancel) != 1 && PQstatus(c->pg) != CONNECTION_OK) {
            set_error_from(c, NULL);
            st = DB_DOWN;
        }
    }
    /* the statement's own outcome, then nothing: drain every result */
    PGresult *r;
    bool first = true;
    while ((r = PQgetResult(c->pg)) != NULL) {
        if (first && st == DB_OK)
            st = status_of(c, r);
        first = false;
        PQclear(r);
    }
    if (st != DB_OK && !cancel)
        log_event(LOG_INFO, "db.copy_failed", "sqlstate=%s", c->err.sqlstate);
    return st;
}

db_status db_copy_end(db_conn *c)
{
    return copy_finish(c, NULL);
}

void db_copy_cancel(db_conn *c, const char *why)
{
    db_error saved = c->err; /* the statement's failure is the expected outcome, not news */
    (void)copy_finish(c, why);
    c->err = saved;
}
