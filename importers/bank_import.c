/*
 * importers/bank_import.c — a bank statement into the ledger, in one transaction.
 *
 * Under the hub's payments lock (core/ledger.h): the file must be of the hub's account;
 * the lines already known (by the bank's reference, or for a line without one a
 * fingerprint of its content and its rank among identical lines of the file) are left
 * out; the new ones are stored in one statement, what matching needs is read in a few
 * set-based queries (the orders the references name, the direct debits, the orders
 * still due), each line is matched in memory (importers/bank_match.c) and every entry
 * is posted in one statement. A refusal anywhere leaves nothing behind.
 */
#include "bank_import.h"
#include "../core/ledger.h"
#include "../core/log.h"
#include "../core/pay_settings.h"
#include "../core/sha256.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

/* clang-format off */
DB_STMT(known_refs, "SELECT bank_ref FROM bank_entries WHERE hub_id = $1 AND bank_ref = ANY($2::text[])");
DB_STMT(insert_import,
        "INSERT INTO bank_imports (hub_id, user_id, via, format, file_sha256, account_iban, entries,"
        " new_entries) VALUES ($1, nullif($2, '0')::bigint, $3, $4, decode($5, 'hex'), $6, $7::int,"
        " $8::int) RETURNING id");
DB_STMT(insert_entries,
        "WITH src AS MATERIALIZED (SELECT u.*,"
        "   nextval(pg_get_serial_sequence('bank_entries', 'id')) AS id"
        "   FROM unnest($3::text[], $4::date[], $5::text[], $6::bigint[], $7::text[], $8::text[],"
        "     $9::text[], $10::text[], $11::text[], $12::text[]) WITH ORDINALITY"
        "     AS u(ref, booked, value, amount, cp, cpi, rem, e2e, rf, code, ord) ORDER BY ord),"
        " ins AS (INSERT INTO bank_entries (id, hub_id, import_id, bank_ref, booked_on, value_on,"
        "   amount_cents, counterparty, counterparty_iban, remittance, end_to_end_id, reference,"
        "   bank_code) OVERRIDING SYSTEM VALUE"
        "   SELECT id, $1::bigint, $2::bigint, ref, booked, nullif(value, '')::date, amount, cp, cpi,"
        "   rem, e2e, rf, code FROM src RETURNING 1)"
        " SELECT id FROM src ORDER BY ord");
#define DUE_ROW "SELECT o.id AS order_id, o.customer_id, o.cycle_id, x.due, cu.name, cu.legal_name"
/* What the orders named by references are due (whatever it is, even nothing). */
DB_STMT(dues_named,
        DUE_ROW ", -1 AS rank FROM (SELECT d.order_id, d.due_cents AS due FROM order_dues d"
        "   WHERE d.hub_id = $1 AND d.order_id = ANY($2::bigint[])) x"
        " JOIN orders o ON o.id = x.order_id JOIN customers cu ON cu.id = o.customer_id");
/* Every order with something due (order_dues aggregates the hub's rows at once),
 * oldest delivery first. */
DB_STMT(dues_open,
        DUE_ROW ", row_number() OVER (ORDER BY c.delivery_date, o.id) AS rank"
        " FROM (SELECT d.order_id, d.due_cents AS due FROM order_dues d"
        "   WHERE d.hub_id = $1 AND d.due_cents > 0) x"
        " JOIN orders o ON o.id = x.order_id JOIN cycles c ON c.id = o.cycle_id"
        " JOIN customers cu ON cu.id = o.customer_id ORDER BY c.delivery_date, o.id");
DB_STMT(topup_customers, "SELECT id FROM customers WHERE hub_id = $1 AND id = ANY($2::bigint[])");
/* The debits named by the lines (not those already returned: a debit is returned once). */
DB_STMT(debits_named,
        "SELECT d.id, d.batch_id, coalesce(d.order_id, 0) AS order_id, d.customer_id,"
        " coalesce(d.cycle_id, 0) AS cycle_id, d.amount_cents, d.end_to_end_id,"
        " coalesce(d.subscription_id, 0) AS subscription_id, coalesce(d.instalment, 0) AS instalment"
        " FROM sepa_debits d WHERE d.hub_id = $1 AND d.end_to_end_id = ANY($2::text[])"
        " AND NOT EXISTS (SELECT 1 FROM sepa_debit_returns r WHERE r.debit_id = d.id)");
/* Debits returned by lines of this import; the instalments they paid are unpaid again
 * (a later batch collects them anew, schema/025). */
DB_STMT(debits_returned,
        "INSERT INTO sepa_debit_returns (debit_id, hub_id, bank_entry_id)"
        " SELECT u.d, $1, u.b FROM unnest($2::bigint[], $3::bigint[]) AS u(d, b)");
DB_STMT(instalments_unpaid,
        "UPDATE contract_instalments i SET ledger_entry_id = NULL FROM sepa_debits d"
        " WHERE d.hub_id = $1 AND d.id = ANY($2::bigint[])"
        " AND i.subscription_id = d.subscription_id AND i.number = d.instalment");
DB_STMT(batches_pending,
        "SELECT b.id, b.message_id, sum(l.amount_cents) AS pending FROM sepa_batches b"
        " JOIN ledger_entries e ON e.sepa_batch_id = b.id JOIN ledger_lines l ON l.entry_id = e.id"
        " WHERE b.hub_id = $1 AND l.account = '5113' GROUP BY b.id HAVING sum(l.amount_cents) > 0");
#define WAITING                                                                                    \
    "SELECT b.id, to_char(b.booked_on, 'YYYY-MM-DD') AS booked_on, b.counterparty,"                 \
    " b.counterparty_iban, b.remittance, b.reference, b.amount_cents, -w.s AS waiting"             \
    " FROM (SELECT e.bank_entry_id, sum(l.amount_cents) AS s FROM ledger_entries e"                \
    "   JOIN ledger_lines l ON l.entry_id = e.id WHERE e.hub_id = $1 AND l.account = '471'"        \
    "   AND e.bank_entry_id IS NOT NULL AND ($2::bigint = 0 OR e.bank_entry_id = $2::bigint)"      \
    "   GROUP BY 1 HAVING sum(l.amount_cents) <> 0) w JOIN bank_entries b ON b.id = w.bank_entry_id"
DB_STMT(waiting_lines, WAITING " ORDER BY b.booked_on, b.id");
DB_STMT(bank_entry_exists, "SELECT 1 FROM bank_entries WHERE hub_id = $1 AND id = $2");
DB_STMT(customer_dues,
        "SELECT d.order_id, d.cycle_id, d.due_cents FROM order_dues d JOIN cycles c ON c.id = d.cycle_id"
        " WHERE d.hub_id = $1 AND d.customer_id = $2 AND d.due_cents > 0"
        " ORDER BY (d.order_id = $3::bigint) DESC, c.delivery_date, d.order_id");
DB_STMT(customer_in_hub, "SELECT 1 FROM customers WHERE hub_id = $1 AND id = $2");
/* clang-format on */

int bank_parse_file(arena *a, const char *data, size_t len, const char *xsd_dir, stmt_file *out,
                    refusal *why)
{
    size_t i = 0;
    if (len >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3))
        i = 3;
    while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
        i++;
    if (i < len && data[i] == '<') {
        bool checked;
        int st = camt_validate(a, data, len, xsd_dir, &checked, why);
        return st ? st : camt_parse(a, data, len, out, why);
    }
    return bank_csv_parse(a, data, len, out, why);
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const char *via, *sha;
    const stmt_file *f;
    const char **refs; /* each entry's bank reference, given or made */
    bank_import_result *out;
    refusal *why;
} import_ctx;

static int cmp_strp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int cmp_str_at(const void *x, const void *y, void *refs)
{
    const char *const *r = refs;
    return strcmp(r[*(const size_t *)x], r[*(const size_t *)y]);
}

/* The bank's reference, or "h:" and a fingerprint of the line's content with its rank
 * among the lines of the file with the same content: the same file read again gives
 * the same references, two identical transfers of one day stay two. Two lines with one
 * reference given by the bank: refused. */
static int make_refs(import_ctx *x)
{
    const stmt_file *f = x->f;
    size_t n = f->n;
    const char **content = arena_alloc(x->a, (n ? n : 1) * sizeof *content);
    x->refs = arena_alloc(x->a, (n ? n : 1) * sizeof *x->refs);
    for (size_t i = 0; i < n; i++) {
        const stmt_entry *e = &f->entries[i];
        char hex[65];
        const char *text =
            arena_printf(x->a, "%s|%lld|%s|%s|%s|%s|%s|%s|%s", e->booked_on, (long long)e->amount,
                         e->value_on, e->counterparty, e->counterparty_iban, e->remittance,
                         e->end_to_end_id, e->payment_info_id, e->bank_code);
        content[i] = *e->bank_ref
                         ? e->bank_ref
                         : arena_printf(x->a, "h:%.40s", sha256_hex_of(text, strlen(text), hex));
    }
    size_t *order = arena_alloc(x->a, (n ? n : 1) * sizeof *order);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    qsort_r(order, n, sizeof *order, cmp_str_at, content);
    for (size_t k = 0; k < n;) {
        size_t j = k;
        while (j < n && !strcmp(content[order[j]], content[order[k]]))
            j++;
        const stmt_entry *first = &f->entries[order[k]];
        if (j - k > 1 && *first->bank_ref) {
            const stmt_entry *second = &f->entries[order[k + 1]];
            return stmt_refuse(
                x->why, x->a, second->number, second->line,
                arena_printf(x->a, "elle porte la même référence de banque (%s) que l’écriture %d.",
                             first->bank_ref, first->number),
                arena_printf(x->a, "it carries the same bank reference (%s) as entry %d.",
                             first->bank_ref, first->number));
        }
        /* identical lines in file order: ranks 1, 2, ... */
        for (size_t r = k; r < j; r++) {
            size_t rank = 1;
            for (size_t q = k; q < j; q++)
                rank += order[q] < order[r];
            x->refs[order[r]] = j - k > 1 ? arena_printf(x->a, "%s-%zu", content[order[r]], rank)
                                          : content[order[r]];
        }
        k = j;
    }
    return 0;
}

static int check_account(db_conn *c, import_ctx *x)
{
    pay_settings s;
    int st = pay_settings_get(c, x->a, x->hub, &s);
    if (st != DB_OK)
        return st;
    if (!s.iban[0])
        return refuse(x->why, 422, "no_hub_iban", "bank_iban",
                      "Le groupement n’a pas encore d’IBAN : donnez-le dans Réglages > Paiements "
                      "avant d’importer ses relevés.",
                      "The hub has no IBAN yet: give it in Settings > Payments before importing "
                      "its statements.");
    const char *acct = x->f->account_iban;
    if (*acct && strcmp(acct, s.iban) != 0)
        return refuse(x->why, 422, "other_account", "file",
                      arena_printf(x->a,
                                   "Ce relevé est celui du compte %s, pas de celui du groupement "
                                   "(%s) : rien n’a été importé.",
                                   acct, s.iban),
                      arena_printf(x->a,
                                   "This statement is of account %s, not of the hub's (%s): "
                                   "nothing was imported.",
                                   acct, s.iban));
    return 0;
}

/* Which entries are new: their references unknown to the hub. */
static int new_entries(db_conn *c, import_ctx *x, bool *is_new, size_t *count)
{
    PGresult *r;
    int st = db_run_a(c, x->a, &known_refs, &r,
                      DB_P(db_i64(x->a, x->hub), db_text_array(x->a, x->refs, x->f->n)));
    if (st != DB_OK)
        return st;
    const char **known = arena_alloc(x->a, ((size_t)PQntuples(r) + 1) * sizeof *known);
    for (int i = 0; i < PQntuples(r); i++)
        known[i] = db_val(r, i, "bank_ref");
    size_t nk = (size_t)PQntuples(r);
    qsort(known, nk, sizeof *known, cmp_strp);
    *count = 0;
    for (size_t i = 0; i < x->f->n; i++) {
        is_new[i] = !nk || !bsearch(&x->refs[i], known, nk, sizeof *known, cmp_strp);
        *count += is_new[i];
    }
    return 0;
}

/* The new entries in one statement; ids[k] for the k-th new one. */
static int store(db_conn *c, import_ctx *x, const bool *is_new, size_t count, int64_t *ids)
{
    arena *a = x->a;
    const char **cols[10];
    for (int k = 0; k < 10; k++)
        cols[k] = arena_alloc(a, (count ? count : 1) * sizeof(const char *));
    int64_t *amounts = arena_alloc(a, (count ? count : 1) * sizeof *amounts);
    size_t j = 0;
    for (size_t i = 0; i < x->f->n; i++) {
        if (!is_new[i])
            continue;
        const stmt_entry *e = &x->f->entries[i];
        const char *v[10] = {x->refs[i],      e->booked_on,         e->value_on,   "",
                             e->counterparty, e->counterparty_iban, e->remittance, e->end_to_end_id,
                             e->reference,    e->bank_code};
        for (int k = 0; k < 10; k++)
            cols[k][j] = v[k];
        amounts[j++] = e->amount;
    }
    PGresult *r;
    int st =
        db_run_a(c, a, &insert_import, &r,
                 DB_P(db_i64(a, x->hub), db_i64(a, x->user), x->via, x->f->format, x->sha,
                      x->f->account_iban, db_i64(a, (int64_t)x->f->n), db_i64(a, (int64_t)count)));
    if (st != DB_OK)
        return st;
    x->out->import_id = db_int(r, 0, "id");
    if (count == 0)
        return 0;
    st = db_run_a(c, a, &insert_entries, &r,
                  DB_P(db_i64(a, x->hub), db_i64(a, x->out->import_id),
                       db_text_array(a, cols[0], count), db_text_array(a, cols[1], count),
                       db_text_array(a, cols[2], count), db_int_array(a, amounts, count),
                       db_text_array(a, cols[4], count), db_text_array(a, cols[5], count),
                       db_text_array(a, cols[6], count), db_text_array(a, cols[7], count),
                       db_text_array(a, cols[8], count), db_text_array(a, cols[9], count)));
    if (st != DB_OK)
        return st;
    for (size_t k = 0; k < count; k++)
        ids[k] = db_int(r, (int)k, "id");
    return 0;
}

static void dues_from(const PGresult *r, bm_due *to, size_t *n)
{
    for (int i = 0; i < PQntuples(r); i++)
        to[(*n)++] = (bm_due){.order = db_int(r, i, "order_id"),
                              .customer = db_int(r, i, "customer_id"),
                              .cycle = db_int(r, i, "cycle_id"),
                              .due = db_int(r, i, "due"),
                              .name = db_val(r, i, "name"),
                              .legal_name = db_val(r, i, "legal_name"),
                              .rank = db_int(r, i, "rank")};
}

/* What matching needs, read for the new lines only. */
static int load_matching(db_conn *c, import_ctx *x, const bool *is_new, bm_input *in)
{
    arena *a = x->a;
    const char *h = db_i64(a, x->hub);
    size_t n = x->f->n;
    int64_t *orders = arena_alloc(a, (n + 1) * sizeof *orders);
    int64_t *customers = arena_alloc(a, (n + 1) * sizeof *customers);
    const char **e2e = NULL;
    size_t norders = 0, ncustomers = 0, ne2e = 0, e2e_cap = 0;
    bool need_open = false, need_batches = false;
    for (size_t i = 0; i < n; i++) {
        if (!is_new[i])
            continue;
        const stmt_entry *e = &x->f->entries[i];
        int64_t id;
        rf_kind k = *e->reference ? rf_parse(e->reference, &id) : RF_NONE;
        if (k == RF_ORDER)
            orders[norders++] = id;
        else if (k == RF_TOPUP)
            customers[ncustomers++] = id;
        else if (e->amount > 0 && !e->nend_to_end)
            need_open = true;
        need_batches = need_batches || (e->amount > 0 && !e->nend_to_end && k == RF_NONE);
        e2e_cap += e->nend_to_end;
    }
    e2e = arena_alloc(a, (e2e_cap + 1) * sizeof *e2e);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; is_new[i] && k < x->f->entries[i].nend_to_end; k++)
            e2e[ne2e++] = x->f->entries[i].end_to_end_ids[k];
    PGresult *named = NULL, *open = NULL, *r;
    int st;
    if (norders && (st = db_run_a(c, a, &dues_named, &named,
                                  DB_P(h, db_int_array(a, orders, norders)))) != DB_OK)
        return st;
    if (need_open && (st = db_run_a(c, a, &dues_open, &open, DB_P(h))) != DB_OK)
        return st;
    size_t cap = (named ? (size_t)PQntuples(named) : 0) + (open ? (size_t)PQntuples(open) : 0);
    in->dues = arena_alloc(a, (cap + 1) * sizeof *in->dues);
    in->ndues = 0;
    if (open)
        dues_from(open, in->dues, &in->ndues);
    /* a named order already among the open dues is that one: once each */
    if (named) {
        size_t from = in->ndues;
        dues_from(named, in->dues, &in->ndues);
        for (size_t i = from; i < in->ndues; i++)
            for (size_t k = 0; k < from; k++)
                if (in->dues[k].order == in->dues[i].order) {
                    in->dues[i--] = in->dues[--in->ndues];
                    break;
                }
    }
    if (ncustomers) {
        if ((st = db_run_a(c, a, &topup_customers, &r,
                           DB_P(h, db_int_array(a, customers, ncustomers)))) != DB_OK)
            return st;
        in->ntopups = (size_t)PQntuples(r);
        in->topups = arena_alloc(a, (in->ntopups + 1) * sizeof *in->topups);
        for (size_t i = 0; i < in->ntopups; i++)
            in->topups[i] = db_int(r, (int)i, "id");
    }
    if (ne2e) {
        if ((st = db_run_a(c, a, &debits_named, &r, DB_P(h, db_text_array(a, e2e, ne2e)))) != DB_OK)
            return st;
        in->ndebits = (size_t)PQntuples(r);
        in->debits = arena_alloc(a, (in->ndebits + 1) * sizeof *in->debits);
        for (size_t i = 0; i < in->ndebits; i++)
            in->debits[i] = (bm_debit){.id = db_int(r, (int)i, "id"),
                                       .batch = db_int(r, (int)i, "batch_id"),
                                       .order = db_int(r, (int)i, "order_id"),
                                       .customer = db_int(r, (int)i, "customer_id"),
                                       .cycle = db_int(r, (int)i, "cycle_id"),
                                       .amount = db_int(r, (int)i, "amount_cents"),
                                       .end_to_end_id = db_val(r, (int)i, "end_to_end_id"),
                                       .subscription = db_int(r, (int)i, "subscription_id"),
                                       .instalment = db_int(r, (int)i, "instalment")};
    }
    if (need_batches) {
        if ((st = db_run_a(c, a, &batches_pending, &r, DB_P(h))) != DB_OK)
            return st;
        in->nbatches = (size_t)PQntuples(r);
        in->batches = arena_alloc(a, (in->nbatches + 1) * sizeof *in->batches);
        for (size_t i = 0; i < in->nbatches; i++)
            in->batches[i] = (bm_batch){db_int(r, (int)i, "id"), db_val(r, (int)i, "message_id"),
                                        db_int(r, (int)i, "pending")};
    }
    bm_prepare(a, in);
    return 0;
}

static int import_tx(db_conn *c, void *p)
{
    import_ctx *x = p;
    arena *a = x->a;
    const stmt_file *f = x->f;
    bank_import_result *o = x->out;
    *o = (bank_import_result){.format = f->format,
                              .account = f->account_iban,
                              .entries = f->n,
                              .not_booked = f->not_booked};
    int st = ledger_lock(c, a, x->hub);
    if (st != DB_OK || (st = check_account(c, x)) != 0 || (st = make_refs(x)) != 0)
        return st;
    bool *is_new = arena_alloc(a, (f->n + 1) * sizeof *is_new);
    size_t count;
    if ((st = new_entries(c, x, is_new, &count)) != 0)
        return st;
    int64_t *ids = arena_alloc(a, (count + 1) * sizeof *ids);
    if ((st = store(c, x, is_new, count, ids)) != 0)
        return st;
    o->new_entries = count;
    if (count == 0)
        return 0;
    bm_input in = {0};
    if ((st = load_matching(c, x, is_new, &in)) != 0)
        return st;
    ledger_entry_in *entries = arena_alloc(a, count * sizeof *entries);
    o->lines = arena_alloc(a, count * sizeof *o->lines);
    int64_t *returned = arena_alloc(a, count * sizeof *returned),
            *by = arena_alloc(a, count * sizeof *by);
    size_t nreturned = 0;
    for (size_t i = 0, k = 0; i < f->n; i++) {
        if (!is_new[i])
            continue;
        bm_outcome m;
        bm_match(a, &f->entries[i], ids[k], &in, &m);
        entries[k] = m.entry;
        o->lines[k] =
            (bank_line){&f->entries[i], m.kind, m.order, m.customer, m.batch, m.to_balance};
        if (m.kind == BM_UNMATCHED)
            o->unmatched++;
        else
            o->matched++;
        if (m.kind == BM_RETURN) {
            returned[nreturned] = m.debit;
            by[nreturned++] = ids[k];
        }
        k++;
    }
    o->nlines = count;
    int64_t posted;
    if ((st = ledger_post(c, a, x->hub, x->user, "import", entries, count, &posted)) != DB_OK)
        return st;
    if (posted != (int64_t)count)
        return DB_ERROR;
    if (nreturned) {
        const char *h = db_i64(a, x->hub), *d = db_int_array(a, returned, nreturned);
        if ((st = db_do(c, &debits_returned, DB_P(h, d, db_int_array(a, by, nreturned)))) !=
                DB_OK ||
            (st = db_do(c, &instalments_unpaid, DB_P(h, d))) != DB_OK)
            return st;
    }
    return 0;
}

int bank_import(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                const stmt_file *f, const char *file_sha256, bank_import_result *out, refusal *why)
{
    import_ctx x = {a, hub, user, via, file_sha256, f, NULL, out, why};
    int64_t started = now_us();
    int st = db_transaction(c, false, import_tx, &x);
    if (st == 0)
        log_event(LOG_INFO, "payments.imported",
                  "hub=%lld format=%s entries=%zu new=%zu matched=%zu unmatched=%zu ms=%lld",
                  (long long)hub, f->format, out->entries, out->new_entries, out->matched,
                  out->unmatched, (long long)((now_us() - started) / 1000));
    return st;
}

db_status bank_unmatched(db_conn *c, arena *a, int64_t hub, bank_waiting **out, size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &waiting_lines, &r, DB_P(db_i64(a, hub), "0"));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        (*out)[i] = (bank_waiting){db_int(r, k, "id"),           db_val(r, k, "booked_on"),
                                   db_val(r, k, "counterparty"), db_val(r, k, "counterparty_iban"),
                                   db_val(r, k, "remittance"),   db_val(r, k, "reference"),
                                   db_int(r, k, "amount_cents"), db_int(r, k, "waiting")};
    }
    return DB_OK;
}

typedef struct {
    arena *a;
    int64_t hub, user, bank_entry, customer, order;
    bool fee;
    const char *via;
    refusal *why;
} resolve_ctx;

static int resolve_tx(db_conn *c, void *p)
{
    resolve_ctx *x = p;
    arena *a = x->a;
    const char *h = db_i64(a, x->hub), *be = db_i64(a, x->bank_entry);
    PGresult *r;
    int st = ledger_lock(c, a, x->hub);
    if (st != DB_OK || (st = db_run_a(c, a, &bank_entry_exists, &r, DB_P(h, be))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "bank_entry_not_found", "bank_entry",
                      "Cette ligne de relevé n’existe pas.", "There is no such statement line.");
    if ((st = db_run_a(c, a, &waiting_lines, &r, DB_P(h, be))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 409, "already_resolved", "bank_entry",
                      "Cette ligne est déjà rapprochée.", "This line is matched already.");
    cents_t waiting = db_int(r, 0, "waiting");
    if (x->fee) {
        if (waiting > 0)
            return refuse(x->why, 422, "invalid_field", "fee",
                          "Un crédit n’est pas un frais bancaire.",
                          "A credit is not a bank charge.");
        ledger_line_in lines[2] = {{"627", -waiting, 0, 0, 0, 0}, {"471", waiting, 0, 0, 0, 0}};
        ledger_entry_in e = {.kind = "bank_fee",
                             .matched_by = "hand",
                             .bank_entry = x->bank_entry,
                             .lines = lines,
                             .nlines = 2};
        int64_t posted;
        return ledger_post(c, a, x->hub, x->user, x->via, &e, 1, &posted);
    }
    const char *cu = db_i64(a, x->customer);
    if ((st = db_run_a(c, a, &customer_in_hub, &r, DB_P(h, cu))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "customer_not_found", "customer", "Ce client n’existe pas.",
                      "There is no such customer.");
    if (waiting < 0) { /* money out: a refund paid to the customer, from its balance */
        ledger_line_in lines[2] = {{"4191", -waiting, x->customer, 0, 0, 0},
                                   {"471", waiting, 0, 0, 0, 0}};
        ledger_entry_in e = {.kind = "refund",
                             .method = "transfer",
                             .matched_by = "hand",
                             .bank_entry = x->bank_entry,
                             .lines = lines,
                             .nlines = 2};
        int64_t posted;
        return ledger_post(c, a, x->hub, x->user, x->via, &e, 1, &posted);
    }
    if ((st = db_run_a(c, a, &customer_dues, &r, DB_P(h, cu, db_i64(a, x->order)))) != DB_OK)
        return st;
    ledger_line_in *lines = arena_alloc(a, ((size_t)PQntuples(r) + 2) * sizeof *lines);
    size_t n = 0;
    lines[n++] = (ledger_line_in){"471", waiting, 0, 0, 0, 0};
    cents_t left = waiting;
    for (int i = 0; i < PQntuples(r) && left > 0; i++) {
        cents_t due = db_int(r, i, "due_cents"), take = due < left ? due : left;
        lines[n++] = (ledger_line_in){
            "411", -take, x->customer, 0, db_int(r, i, "order_id"), db_int(r, i, "cycle_id")};
        left -= take;
    }
    if (left)
        lines[n++] = (ledger_line_in){"4191", -left, x->customer, 0, 0, 0};
    ledger_entry_in e = {.kind = "allocation",
                         .method = "transfer",
                         .matched_by = "hand",
                         .bank_entry = x->bank_entry,
                         .lines = lines,
                         .nlines = n};
    int64_t posted;
    return ledger_post(c, a, x->hub, x->user, x->via, &e, 1, &posted);
}

int bank_resolve(db_conn *c, arena *a, int64_t hub, int64_t user, const char *via,
                 int64_t bank_entry, int64_t customer, int64_t order, bool fee, refusal *why)
{
    if (!fee && !customer)
        return refuse(why, 422, "missing_field", "customer",
                      "Dites de quel client est ce paiement, ou que c’est un frais bancaire.",
                      "Say which customer this payment is from, or that it is a bank charge.");
    resolve_ctx x = {a, hub, user, bank_entry, customer, order, fee, via, why};
    return db_transaction(c, false, resolve_tx, &x);
}
