/*
 * core/ledger.c — posting entries to the ledger in one statement, and reading sums.
 *
 * ledger_post writes any number of entries with one INSERT of entries and one of their
 * lines (data-modifying CTEs fed with arrays, one per column: PostgreSQL reads array
 * literals faster than JSON): ids are drawn from the entries' sequence first, so that the lines
 * know their entry without a round trip, however many there are (a bank statement of ten thousand
 * lines posts them at once). The schema checks at commit that every entry balances.
 */
#include "ledger.h"
#include "buf.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
DB_STMT(post_entries,
        "WITH src AS MATERIALIZED (SELECT u.*,"
        "   nextval(pg_get_serial_sequence('ledger_entries', 'id')) AS id"
        "   FROM unnest($5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],"
        "     $11::bigint[], $12::bigint[], $13::text[]) WITH ORDINALITY"
        "     AS u(k, d, m, cq, mb, ck, be, sb, memo, o)"
        "   WHERE u.ck = '' OR NOT EXISTS (SELECT 1 FROM ledger_entries e"
        "     WHERE e.hub_id = $1::bigint AND e.client_key = u.ck) ORDER BY u.o),"
        " e AS (INSERT INTO ledger_entries (id, hub_id, kind, booked_on, via, user_id, method,"
        "   cheque_number, matched_by, client_key, bank_entry_id, sepa_batch_id, memo)"
        "   OVERRIDING SYSTEM VALUE"
        "   SELECT id, $1::bigint, k,"
        "   coalesce(nullif(d, '')::date, (now() AT TIME ZONE 'Europe/Paris')::date), $2,"
        "   nullif($4, '0')::bigint, nullif(m, ''), nullif(cq, ''), nullif(mb, ''), nullif(ck, ''),"
        "   nullif(be, 0), nullif(sb, 0), memo FROM src RETURNING 1),"
        " l AS (INSERT INTO ledger_lines (hub_id, entry_id, line_no, account, amount_cents,"
        "   customer_id, producer_id, order_id, cycle_id)"
        "   SELECT $1::bigint, src.id, t.n, t.a, t.v, nullif(t.cu, 0), nullif(t.p, 0),"
        "   nullif(t.ord, 0), nullif(t.cy, 0)"
        "   FROM unnest($3::bigint[], $14::bigint[], $15::text[], $16::bigint[], $17::bigint[],"
        "     $18::bigint[], $19::bigint[], $20::bigint[]) AS t(eo, n, a, v, cu, p, ord, cy)"
        "   JOIN src ON src.o = t.eo RETURNING 1)"
        " SELECT (SELECT count(*) FROM e) AS entries, (SELECT count(*) FROM l) AS lines");
/* Two-key advisory locks are a key space of their own (the migrations' and the cycle
 * gates' locks are one bigint): 17 is the payments', the hub the second key. */
DB_STMT(lock_payments, "SELECT pg_advisory_xact_lock(17, $1::int)");
DB_STMT(customer_money,
        "SELECT coalesce(-(SELECT sum(l.amount_cents) FROM ledger_lines l"
        "   WHERE l.hub_id = $1 AND l.customer_id = $2 AND l.account = '4191'), 0) AS balance,"
        " coalesce(sum(d.due_cents) FILTER (WHERE d.due_cents > 0), 0) AS owed,"
        " coalesce(-sum(d.due_cents) FILTER (WHERE d.due_cents < 0), 0) AS credit"
        " FROM order_dues d JOIN cycles c ON c.id = d.cycle_id"
        " WHERE d.hub_id = $1 AND d.customer_id = $2 AND (c.state <> 'open' OR d.invoiced)");
DB_STMT(account_sum, "SELECT coalesce(sum(amount_cents), 0) AS total FROM ledger_lines"
                     " WHERE hub_id = $1 AND account = $2");
DB_STMT(check_totals,
        "SELECT (SELECT count(*) FROM ledger_entries WHERE hub_id = $1) AS entries,"
        " count(*) AS lines, coalesce(sum(amount_cents), 0) AS total,"
        " coalesce(sum(amount_cents) FILTER (WHERE account = '411'), 0) AS receivable,"
        " coalesce(-sum(amount_cents) FILTER (WHERE account = '4191'), 0) AS balances,"
        " coalesce(sum(amount_cents) FILTER (WHERE account = '512'), 0) AS bank,"
        " coalesce(sum(amount_cents) FILTER (WHERE account = '471'), 0) AS suspense,"
        " coalesce(sum(amount_cents) FILTER (WHERE account = '5113'), 0) AS in_collection"
        " FROM ledger_lines WHERE hub_id = $1");
DB_STMT(check_unbalanced,
        "SELECT entry_id, sum(amount_cents) AS total, count(*) AS n FROM ledger_lines"
        " WHERE hub_id = $1 GROUP BY entry_id HAVING sum(amount_cents) <> 0 OR count(*) < 2"
        " ORDER BY entry_id LIMIT 20");
/* Each invoice posted once, for its total: a customer's on 411 (invoice, credit note),
 * a producer's commission invoice (schema/019) on 467, where the fee entry puts it. */
DB_STMT(check_invoices,
        "SELECT i.number, w.account, count(DISTINCT e.id) AS entries,"
        " coalesce(sum(l.amount_cents), 0) AS posted,"
        " CASE WHEN i.type_code = 380 THEN i.total_incl_vat_cents"
        "      ELSE -i.total_incl_vat_cents END AS expected"
        " FROM invoices i CROSS JOIN LATERAL (SELECT CASE WHEN EXISTS (SELECT 1 FROM settlements s"
        "   WHERE s.commission_invoice_id = i.id) THEN '467' ELSE '411' END AS account) w"
        " LEFT JOIN ledger_entries e ON e.invoice_id = i.id"
        "   AND e.kind IN ('invoice', 'credit_note', 'fee')"
        " LEFT JOIN ledger_lines l ON l.entry_id = e.id AND l.account = w.account"
        " WHERE i.hub_id = $1 AND i.total_incl_vat_cents <> 0 GROUP BY i.id, w.account"
        " HAVING count(DISTINCT e.id) <> 1 OR coalesce(sum(l.amount_cents), 0) <>"
        "   CASE WHEN i.type_code = 380 THEN i.total_incl_vat_cents ELSE -i.total_incl_vat_cents END"
        " ORDER BY i.number LIMIT 20");
/* Each bank line moved the bank account by its amount, once; what went to the suspense
 * account for it stays between nothing and all of it. */
DB_STMT(check_bank,
        "SELECT b.bank_ref, b.amount_cents,"
        " coalesce(sum(l.amount_cents) FILTER (WHERE l.account = '512'), 0) AS bank,"
        " coalesce(sum(l.amount_cents) FILTER (WHERE l.account = '471'), 0) AS suspense"
        " FROM bank_entries b LEFT JOIN ledger_entries e ON e.bank_entry_id = b.id"
        " LEFT JOIN ledger_lines l ON l.entry_id = e.id WHERE b.hub_id = $1 GROUP BY b.id"
        " HAVING coalesce(sum(l.amount_cents) FILTER (WHERE l.account = '512'), 0) <> b.amount_cents"
        "   OR (b.amount_cents > 0 AND coalesce(sum(l.amount_cents) FILTER (WHERE l.account = '471'), 0)"
        "       NOT BETWEEN -b.amount_cents AND 0)"
        "   OR (b.amount_cents < 0 AND coalesce(sum(l.amount_cents) FILTER (WHERE l.account = '471'), 0)"
        "       NOT BETWEEN 0 AND -b.amount_cents)"
        " ORDER BY b.id LIMIT 20");
/* What a batch put in collection is its debits' sum; what was settled of it, no more. */
DB_STMT(check_batches,
        "SELECT sb.message_id, sb.total_cents,"
        " (SELECT coalesce(sum(d.amount_cents), 0) FROM sepa_debits d WHERE d.batch_id = sb.id) AS debits,"
        " (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger_entries e JOIN ledger_lines l"
        "   ON l.entry_id = e.id WHERE e.sepa_batch_id = sb.id AND l.account = '5113') AS pending"
        " FROM sepa_batches sb WHERE sb.hub_id = $1 AND (sb.total_cents <>"
        "   (SELECT coalesce(sum(d.amount_cents), 0) FROM sepa_debits d WHERE d.batch_id = sb.id)"
        "   OR (SELECT coalesce(sum(l.amount_cents), 0) FROM ledger_entries e JOIN ledger_lines l"
        "     ON l.entry_id = e.id WHERE e.sepa_batch_id = sb.id AND l.account = '5113')"
        "     NOT BETWEEN 0 AND sb.total_cents) ORDER BY sb.id LIMIT 20");
/* A producer's settlement against the invoices it covers: its sales and credit notes
 * (incl. VAT) summed again from them (what it pays out follows: a CHECK ties due_cents
 * to these and the fee). */
DB_STMT(check_settlements,
        "SELECT s.id, p.slug, s.sales_incl_cents, s.credits_incl_cents, x.sales, x.credits"
        " FROM settlements s JOIN producers p ON p.id = s.producer_id"
        " CROSS JOIN LATERAL (SELECT"
        "   coalesce(sum(i.total_incl_vat_cents) FILTER (WHERE i.type_code = 380), 0) AS sales,"
        "   coalesce(sum(i.total_incl_vat_cents) FILTER (WHERE i.type_code <> 380), 0) AS credits"
        "   FROM settlement_invoices si JOIN invoices i ON i.id = si.invoice_id"
        "   WHERE si.settlement_id = s.id) x"
        " WHERE s.hub_id = $1 AND (x.sales <> s.sales_incl_cents OR x.credits <> s.credits_incl_cents)"
        " ORDER BY s.id LIMIT 20");
/* clang-format on */

static const char *or_empty(const char *s)
{
    return s ? s : "";
}

db_status ledger_post(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                      const ledger_entry_in *e, size_t n, int64_t *posted)
{
    *posted = 0;
    if (n == 0)
        return DB_OK;
    /* entries: one element per entry in each array; lines: one per line, with the
     * ordinal (from 1) of its entry. "" and 0 stand for NULL (no column takes them). */
    const char **k = arena_alloc(a, 7 * n * sizeof *k);
    const char **d = k + n, **m = d + n, **cq = m + n, **mb = cq + n, **ck = mb + n,
               **memo = ck + n;
    int64_t *be = arena_alloc(a, 2 * n * sizeof *be), *sb = be + n;
    size_t nl = 0;
    for (size_t i = 0; i < n; i++)
        nl += e[i].nlines;
    const char **acc = arena_alloc(a, (nl ? nl : 1) * sizeof *acc);
    int64_t *li = arena_alloc(a, 7 * (nl ? nl : 1) * sizeof *li);
    int64_t *eo = li, *no = eo + nl, *v = no + nl, *cu = v + nl, *pr = cu + nl, *ord = pr + nl,
            *cy = ord + nl;
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        k[i] = or_empty(e[i].kind);
        d[i] = or_empty(e[i].booked_on);
        m[i] = or_empty(e[i].method);
        cq[i] = or_empty(e[i].cheque_number);
        mb[i] = or_empty(e[i].matched_by);
        ck[i] = or_empty(e[i].client_key);
        memo[i] = or_empty(e[i].memo);
        be[i] = e[i].bank_entry;
        sb[i] = e[i].sepa_batch;
        for (size_t x = 0; x < e[i].nlines; x++, j++) {
            const ledger_line_in *l = &e[i].lines[x];
            eo[j] = (int64_t)i + 1;
            no[j] = (int64_t)x + 1;
            acc[j] = l->account;
            v[j] = l->amount;
            cu[j] = l->customer;
            pr[j] = l->producer;
            ord[j] = l->order;
            cy[j] = l->cycle;
        }
    }
    PGresult *r;
    db_status st = db_run_a(
        c, a, &post_entries, &r,
        DB_P(db_i64(a, hub), via, db_int_array(a, eo, nl), db_i64(a, user), db_text_array(a, k, n),
             db_text_array(a, d, n), db_text_array(a, m, n), db_text_array(a, cq, n),
             db_text_array(a, mb, n), db_text_array(a, ck, n), db_int_array(a, be, n),
             db_int_array(a, sb, n), db_text_array(a, memo, n), db_int_array(a, no, nl),
             db_text_array(a, acc, nl), db_int_array(a, v, nl), db_int_array(a, cu, nl),
             db_int_array(a, pr, nl), db_int_array(a, ord, nl), db_int_array(a, cy, nl)));
    if (st == DB_OK)
        *posted = db_int(r, 0, "entries");
    return st;
}

db_status ledger_lock(db_conn *c, arena *a, int64_t hub)
{
    return db_do(c, &lock_payments, DB_P(db_i64(a, hub)));
}

db_status ledger_customer_get(db_conn *c, arena *a, int64_t hub, int64_t customer,
                              ledger_customer *out)
{
    PGresult *r;
    *out = (ledger_customer){0};
    db_status st = db_run_a(c, a, &customer_money, &r, DB_P(db_i64(a, hub), db_i64(a, customer)));
    if (st != DB_OK)
        return st;
    out->balance = db_int(r, 0, "balance");
    out->owed = db_int(r, 0, "owed");
    out->credit = db_int(r, 0, "credit");
    return DB_OK;
}

db_status ledger_account_balance(db_conn *c, arena *a, int64_t hub, const char *account,
                                 cents_t *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &account_sum, &r, DB_P(db_i64(a, hub), account));
    *out = st == DB_OK ? db_int(r, 0, "total") : 0;
    return st;
}

static void problem(ledger_check_result *out, buf *b, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(ledger_check_result *out, buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
    buf_putc(b, '\n');
    out->problems++;
}

db_status ledger_check(db_conn *c, arena *a, int64_t hub, ledger_check_result *out, char **problems)
{
    *out = (ledger_check_result){0};
    *problems = "";
    const char *h = db_i64(a, hub);
    PGresult *r;
    db_status st = db_run_a(c, a, &check_totals, &r, DB_P(h));
    if (st != DB_OK)
        return st;
    buf b = BUF_INIT;
    out->entries = db_int(r, 0, "entries");
    out->lines = db_int(r, 0, "lines");
    out->receivable = db_int(r, 0, "receivable");
    out->balances = db_int(r, 0, "balances");
    out->bank = db_int(r, 0, "bank");
    out->suspense = db_int(r, 0, "suspense");
    out->in_collection = db_int(r, 0, "in_collection");
    if (db_int(r, 0, "total") != 0)
        problem(out, &b, "the ledger's lines sum to %lld cents, not 0",
                (long long)db_int(r, 0, "total"));
    if ((st = db_run_a(c, a, &check_unbalanced, &r, DB_P(h))) != DB_OK)
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        problem(out, &b, "entry %s: %s lines summing to %s cents", db_val(r, i, "entry_id"),
                db_val(r, i, "n"), db_val(r, i, "total"));
    if ((st = db_run_a(c, a, &check_invoices, &r, DB_P(h))) != DB_OK)
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        problem(out, &b, "invoice %s: %s entries posting %s cents to %s, %s expected",
                db_val(r, i, "number"), db_val(r, i, "entries"), db_val(r, i, "posted"),
                db_val(r, i, "account"), db_val(r, i, "expected"));
    if ((st = db_run_a(c, a, &check_bank, &r, DB_P(h))) != DB_OK)
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        problem(out, &b, "bank line %s of %s cents: %s cents posted to 512, %s to 471",
                db_val(r, i, "bank_ref"), db_val(r, i, "amount_cents"), db_val(r, i, "bank"),
                db_val(r, i, "suspense"));
    if ((st = db_run_a(c, a, &check_batches, &r, DB_P(h))) != DB_OK)
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        problem(out, &b, "direct debit batch %s of %s cents: debits %s, in collection %s",
                db_val(r, i, "message_id"), db_val(r, i, "total_cents"), db_val(r, i, "debits"),
                db_val(r, i, "pending"));
    if ((st = db_run_a(c, a, &check_settlements, &r, DB_P(h))) != DB_OK)
        goto out;
    for (int i = 0; i < PQntuples(r); i++)
        problem(out, &b,
                "settlement %s (%s): sales %s and credit notes %s cents recorded, its invoices "
                "add up to %s and %s",
                db_val(r, i, "id"), db_val(r, i, "slug"), db_val(r, i, "sales_incl_cents"),
                db_val(r, i, "credits_incl_cents"), db_val(r, i, "sales"), db_val(r, i, "credits"));
out:
    *problems = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return st;
}
