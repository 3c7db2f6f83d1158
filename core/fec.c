/*
 * core/fec.c — the FEC export and the hub's chart of accounts (core/fec.h).
 *
 * COPY cannot take bind parameters, so the hub and the period travel as settings of
 * the transaction (set_config(..., true), read back with current_setting) set by a
 * prepared statement: no value is ever written into SQL text. Text fields lose any
 * separator, backslash or line break they could hold (translate), so that COPY's
 * text format has nothing to escape and each line has exactly 18 fields.
 */
#include "fec.h"
#include "buf.h"
#include "log.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <libpq-fe.h>
#include <stdio.h>
#include <string.h>

/* clang-format off */
DB_STMT(lock_exports,
        "SELECT period_from, period_to FROM fec_exports WHERE hub_id = $1 AND closed"
        " AND period_from <= $3::date AND period_to >= $2::date"
        " ORDER BY period_from LIMIT 1 FOR UPDATE");
DB_STMT(lock_hub, "SELECT 1 FROM hub_settings WHERE hub_id = $1 FOR UPDATE");
DB_STMT(set_period,
        "SELECT set_config('km0.fec_hub', $1, true), set_config('km0.fec_from', $2, true),"
        " set_config('km0.fec_to', $3, true)");
DB_STMT(record_export,
        "INSERT INTO fec_exports (hub_id, period_from, period_to, closed, lines)"
        " VALUES ($1, $2::date, $3::date, $4::boolean, $5::bigint)");
DB_STMT(accounts_of,
        "SELECT la.code, coalesce(ha.number, la.code) AS number,"
        " coalesce(ha.label, la.name_fr) AS label, ha.account IS NOT NULL AS custom"
        " FROM ledger_accounts la LEFT JOIN hub_accounts ha"
        " ON ha.account = la.code AND ha.hub_id = $1 ORDER BY la.code");
DB_STMT(account_exists, "SELECT 1 FROM ledger_accounts WHERE code = $1");
DB_STMT(account_set,
        "INSERT INTO hub_accounts (hub_id, account, number, label) VALUES ($1, $2, $3, $4)"
        " ON CONFLICT (hub_id, account) DO UPDATE SET number = EXCLUDED.number,"
        " label = EXCLUDED.label");
/* clang-format on */

/* The rows, raw: PostgreSQL joins, filters and sorts; km0 formats (fec_format_row),
 * which costs far less than the same formatting in SQL (to_char, translate per row). */
static const char COPY_ROWS[] =
    "COPY (SELECT e.id, e.booked_on, (e.created_at AT TIME ZONE 'Europe/Paris')::date, e.kind,"
    " coalesce(e.method, ''), coalesce(i.number, ''), e.memo, l.account, l.amount_cents,"
    " coalesce(l.customer_id, 0), coalesce(l.producer_id, 0), coalesce(cu.name, p.name, '')"
    " FROM ledger_entries e JOIN ledger_lines l ON l.entry_id = e.id"
    " LEFT JOIN customers cu ON cu.id = l.customer_id"
    " LEFT JOIN producers p ON p.id = l.producer_id"
    " LEFT JOIN invoices i ON i.id = e.invoice_id"
    " WHERE e.hub_id = current_setting('km0.fec_hub')::bigint"
    " AND e.booked_on BETWEEN current_setting('km0.fec_from')::date"
    " AND current_setting('km0.fec_to')::date"
    " ORDER BY e.booked_on, e.id, l.line_no) TO STDOUT";

static const char *const HEADER[] = {
    "JournalCode", "JournalLib",  "EcritureNum", "EcritureDate", "CompteNum",     "CompteLib",
    "CompAuxNum",  "CompAuxLib",  "PieceRef",    "PieceDate",    "EcritureLib",   "Debit",
    "Credit",      "EcritureLet", "DateLet",     "ValidDate",    "Montantdevise", "Idevise"};

typedef struct fec_ctx {
    arena *a;
    int64_t hub;
    const fec_request *rq;
    fec_chart chart;
    const char *from, *to;
    fec_sink sink;
    void *ctx;
    int64_t lines;
    refusal *why;
} fec_ctx;

/* COPY … TO STDOUT: every row formatted, to the sink in pieces of about 256 KB. */
static int copy_out(db_conn *c, fec_ctx *x)
{
    PGconn *pg = db_pg(c);
    PGresult *r = PQexec(pg, COPY_ROWS);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        log_event(LOG_ERROR, "fec.copy_failed", "sqlstate=%s",
                  PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE)
                                                          : "none");
        PQclear(r);
        return DB_ERROR;
    }
    PQclear(r);
    char *row;
    int len, stop = 0;
    buf out = BUF_INIT;
    while ((len = PQgetCopyData(pg, &row, 0)) > 0) {
        /* after a failure, drain the rest: the connection must come back usable */
        if (!stop && fec_format_row(row, (size_t)len, x->rq->separator, &x->chart, &out) != 0)
            stop = 1;
        PQfreemem(row);
        x->lines++;
        if (!stop && out.len >= (256u << 10)) {
            stop = x->sink(x->ctx, out.data, out.len) != 0;
            buf_reset(&out);
        }
    }
    if (!stop && out.len)
        stop = x->sink(x->ctx, out.data, out.len) != 0;
    buf_free(&out);
    int st = len == -1 ? DB_OK : DB_ERROR;
    while ((r = PQgetResult(pg)) != NULL) {
        if (PQresultStatus(r) != PGRES_COMMAND_OK)
            st = DB_ERROR;
        PQclear(r);
    }
    return stop ? DB_ERROR : st;
}

static int fec_tx(db_conn *c, void *p)
{
    fec_ctx *x = p;
    PGresult *r;
    const char *h = db_i64(x->a, x->hub);
    int st = db_run_a(c, x->a, &lock_hub, &r, DB_P(h));
    if (st != DB_OK ||
        (st = db_run_a(c, x->a, &lock_exports, &r, DB_P(h, x->from, x->to))) != DB_OK)
        return st;
    if (PQntuples(r))
        return refuse(x->why, 409, "period_closed", "from",
                      arena_printf(x->a,
                                   "La période du %s au %s est déjà exportée et close : un FEC ne "
                                   "peut pas la chevaucher.",
                                   db_val(r, 0, "period_from"), db_val(r, 0, "period_to")),
                      arena_printf(x->a,
                                   "The period %s to %s is already exported and closed: a FEC "
                                   "cannot overlap it.",
                                   db_val(r, 0, "period_from"), db_val(r, 0, "period_to")));
    fec_account *acc;
    size_t nacc;
    if ((st = db_run_a(c, x->a, &set_period, &r, DB_P(h, x->from, x->to))) != DB_OK ||
        (st = fec_accounts(c, x->a, x->hub, &acc, &nacc)) != DB_OK)
        return st;
    x->chart = (fec_chart){acc, nacc};
    buf head = BUF_INIT;
    for (size_t i = 0; i < ARRAY_LEN(HEADER); i++) {
        if (i)
            buf_putc(&head, x->rq->separator);
        buf_puts(&head, HEADER[i]);
    }
    buf_putc(&head, '\n');
    int rc = x->sink(x->ctx, head.data, head.len);
    buf_free(&head);
    x->lines = 0;
    if (rc != 0)
        return DB_ERROR;
    if ((st = copy_out(c, x)) != DB_OK)
        return st;
    return db_do(c, &record_export,
                 DB_P(h, x->from, x->to, x->rq->close ? "t" : "f", db_i64(x->a, x->lines)));
}

static int date_arg(refusal *why, arena *a, const char *field, const char *in, const char **out)
{
    parse_date d;
    char t[40];
    parse_status ps = parse_date_iso(in, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d);
    if (ps != PARSE_OK)
        return parse_refuse(why, a, field, NULL, NULL, PARSE_KIND_DATE, ps, PARSE_YEAR_MIN,
                            PARSE_YEAR_MAX);
    *out = arena_strdup(a, parse_date_text(t, &d));
    return 0;
}

int fec_export(db_conn *c, arena *a, int64_t hub, const fec_request *rq, fec_sink sink, void *ctx,
               int64_t *lines, refusal *why)
{
    fec_ctx x = {.a = a, .hub = hub, .rq = rq, .sink = sink, .ctx = ctx, .why = why};
    if (date_arg(why, a, "from", rq->from, &x.from) || date_arg(why, a, "to", rq->to, &x.to))
        return 1;
    if (strcmp(x.from, x.to) > 0)
        return refuse(why, 422, "invalid_field", "to", "La fin de la période précède son début.",
                      "The period ends before it starts.");
    if (rq->separator != '\t' && rq->separator != '|')
        return refuse(why, 422, "invalid_field", "separator",
                      "Le séparateur est la tabulation ou la barre verticale (|).",
                      "The separator is a tab or a pipe (|).");
    int64_t started = now_us();
    int st = db_transaction(c, false, fec_tx, &x);
    *lines = x.lines;
    if (st == 0)
        log_event(LOG_INFO, "fec.exported", "hub=%lld from=%s to=%s lines=%lld closed=%d ms=%lld",
                  (long long)hub, x.from, x.to, (long long)x.lines, rq->close ? 1 : 0,
                  (long long)((now_us() - started) / 1000));
    return st;
}

db_status fec_accounts(db_conn *c, arena *a, int64_t hub, fec_account **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &accounts_of, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (int i = 0; i < (int)*n; i++)
        (*out)[i] = (fec_account){db_val(r, i, "code"), db_val(r, i, "number"),
                                  db_val(r, i, "label"), db_bool(r, i, "custom")};
    return DB_OK;
}

static bool number_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 3 || n > 20 || s[0] < '0' || s[0] > '9')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'A' && s[i] <= 'Z')))
            return false;
    return true;
}

int fec_account_set(db_conn *c, arena *a, int64_t hub, const char *account, const char *number,
                    const char *label, refusal *why)
{
    if (!number_ok(number))
        return refuse(why, 422, "invalid_field", "number",
                      "Un numéro de compte a 3 à 20 caractères, chiffres et majuscules, et "
                      "commence par un chiffre.",
                      "An account number has 3 to 20 characters, digits and capitals, and "
                      "starts with a digit.");
    if (text_or_refuse(why, a, "label", label, 1, 100, TEXT_LINE, NULL, NULL))
        return 1;
    PGresult *r;
    int st = db_run_a(c, a, &account_exists, &r, DB_P(account));
    if (st != DB_OK)
        return st;
    if (!PQntuples(r))
        return refuse(why, 404, "unknown_account", "account",
                      "km0 n’a pas ce compte (411, 467, 512, 706…).",
                      "km0 has no such account (411, 467, 512, 706...).");
    return db_do(c, &account_set, DB_P(db_i64(a, hub), account, number, label));
}
