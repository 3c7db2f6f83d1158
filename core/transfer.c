/*
 * core/transfer.c — a batch of SEPA credit transfers to producers (core/transfer.h).
 *
 * One transaction: lock the hub's settings row (two batches queue), read the unpaid
 * settlements with their producers' accounts (refusing before anything is written
 * when one has no IBAN), insert the batch, mark the settlements paid by it and post
 * one ledger entry per producer (debit 467, what the hub owed; credit 512, the
 * bank), all in one statement. The document is read back from the rows, so the
 * file downloaded again later is the same.
 */
#include "transfer.h"
#include "parse.h"
#include "util.h"

#include <string.h>

/* clang-format off */
DB_STMT(lock_hub,
        "SELECT s.bank_iban, s.bank_bic, h.name,"
        " to_char((now() AT TIME ZONE 'Europe/Paris')::date + 1, 'YYYY-MM-DD') AS tomorrow,"
        " to_char((now() AT TIME ZONE 'Europe/Paris')::date, 'YYYY-MM-DD') AS today"
        " FROM hub_settings s JOIN hubs h ON h.id = s.hub_id WHERE s.hub_id = $1 FOR UPDATE OF s");
DB_STMT(unpaid,
        "SELECT p.id, p.name, p.iban, count(*) AS n, sum(s.due_cents)::bigint AS due"
        " FROM settlements s JOIN producers p ON p.id = s.producer_id"
        " WHERE s.hub_id = $1 AND s.transfer_batch_id IS NULL AND s.due_cents > 0"
        " AND ($2::date IS NULL OR s.period_to >= $2::date)"
        " AND ($3::date IS NULL OR s.period_to <= $3::date)"
        " GROUP BY p.id ORDER BY p.iban = '' DESC, p.name COLLATE \"fr-x-icu\", p.id");
DB_STMT(record,
        "WITH b AS (INSERT INTO transfer_batches (hub_id, message_id, version, execute_on,"
        "   transfers, total_cents)"
        "   SELECT $1::bigint, 'KM0-TRF-' || to_char(clock_timestamp(), 'YYYYMMDDHH24MISS') || '-'"
        "   || (SELECT count(*) + 1 FROM transfer_batches WHERE hub_id = $1), $4, $5::date,"
        "   $6::int, $7::bigint RETURNING id),"
        " s AS (UPDATE settlements st SET transfer_batch_id = b.id FROM b"
        "   WHERE st.hub_id = $1 AND st.transfer_batch_id IS NULL AND st.due_cents > 0"
        "   AND ($2::date IS NULL OR st.period_to >= $2::date)"
        "   AND ($3::date IS NULL OR st.period_to <= $3::date)"
        "   RETURNING st.producer_id, st.due_cents),"
        " per AS (SELECT producer_id, sum(due_cents)::bigint AS due FROM s GROUP BY 1),"
        " e AS (INSERT INTO ledger_entries (hub_id, kind, booked_on, via, method, memo)"
        "   SELECT $1::bigint, 'settlement', $5::date, $8, 'transfer',"
        "   'transfer batch ' || b.id || ' producer ' || per.producer_id"
        "   FROM per, b ORDER BY per.producer_id RETURNING id, memo),"
        " l AS (INSERT INTO ledger_lines (hub_id, entry_id, line_no, account, amount_cents,"
        "   producer_id)"
        "   SELECT $1::bigint, e.id, x.no, x.account, x.amount,"
        "   CASE WHEN x.account = '467' THEN per.producer_id END"
        "   FROM e JOIN per ON e.memo LIKE '% producer ' || per.producer_id"
        "   CROSS JOIN LATERAL (VALUES (1, '467', per.due), (2, '512', -per.due)) x(no, account,"
        "   amount) RETURNING 1)"
        " SELECT b.id, (SELECT sum(due) FROM per)::bigint AS total, (SELECT count(*) FROM l) AS lines"
        " FROM b");
DB_STMT(batch_doc,
        "SELECT b.id, b.message_id, b.version, to_char(b.execute_on, 'YYYY-MM-DD') AS execute_on,"
        " to_char(b.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS created_at,"
        " b.total_cents, h.name AS debtor, s.bank_iban, s.bank_bic"
        " FROM transfer_batches b JOIN hubs h ON h.id = b.hub_id"
        " JOIN hub_settings s ON s.hub_id = b.hub_id WHERE b.hub_id = $1 AND b.id = $2");
DB_STMT(batch_items,
        "SELECT p.id, p.name, p.iban, p.bic, sum(st.due_cents)::bigint AS due,"
        " string_agg('S' || st.id, ' ' ORDER BY st.id) AS ids,"
        " to_char(min(st.period_from), 'DD/MM/YYYY') AS from_d,"
        " to_char(max(st.period_to), 'DD/MM/YYYY') AS to_d"
        " FROM settlements st JOIN producers p ON p.id = st.producer_id"
        " WHERE st.hub_id = $1 AND st.transfer_batch_id = $2"
        " GROUP BY p.id ORDER BY p.name COLLATE \"fr-x-icu\", p.id");
/* clang-format on */

db_status transfer_doc_load(db_conn *c, arena *a, int64_t hub, int64_t batch, transfer_doc *out,
                            bool *found)
{
    PGresult *r, *it;
    const char *h = db_i64(a, hub), *b = db_i64(a, batch);
    *found = false;
    db_status st = db_run_a(c, a, &batch_doc, &r, DB_P(h, b));
    if (st != DB_OK || !PQntuples(r))
        return st;
    if ((st = db_run_a(c, a, &batch_items, &it, DB_P(h, b))) != DB_OK)
        return st;
    *found = true;
    *out = (transfer_doc){.batch = batch,
                          .version = str_eq(db_val(r, 0, "version"), "09") ? 9 : 3,
                          .message_id = db_val(r, 0, "message_id"),
                          .created_at = db_val(r, 0, "created_at"),
                          .execute_on = db_val(r, 0, "execute_on"),
                          .debtor = db_val(r, 0, "debtor"),
                          .debtor_iban = db_val(r, 0, "bank_iban"),
                          .debtor_bic = db_val(r, 0, "bank_bic"),
                          .total = db_int(r, 0, "total_cents"),
                          .n = (size_t)PQntuples(it)};
    out->items = arena_alloc(a, (out->n ? out->n : 1) * sizeof *out->items);
    for (int i = 0; i < (int)out->n; i++)
        out->items[i] = (transfer_doc_item){
            .producer_id = db_int(it, i, "id"),
            .end_to_end = arena_printf(a, "KM0-B%lld-P%s", (long long)batch, db_val(it, i, "id")),
            .name = db_val(it, i, "name"),
            .iban = db_val(it, i, "iban"),
            .bic = db_val(it, i, "bic"),
            .remittance =
                arena_printf(a, "Reversement ventes du %s au %s (%s)", db_val(it, i, "from_d"),
                             db_val(it, i, "to_d"), db_val(it, i, "ids")),
            .amount = db_int(it, i, "due")};
    return DB_OK;
}

typedef struct tr_ctx {
    arena *a;
    int64_t hub;
    const char *from, *to, *execute_on, *via;
    int version;
    int64_t batch;
    refusal *why;
} tr_ctx;

static int transfer_tx(db_conn *c, void *p)
{
    tr_ctx *x = p;
    PGresult *hr, *r;
    const char *h = db_i64(x->a, x->hub);
    int st = db_run_a(c, x->a, &lock_hub, &hr, DB_P(h));
    if (st != DB_OK)
        return st;
    if (!x->execute_on)
        x->execute_on = db_val(hr, 0, "tomorrow");
    else if (strcmp(x->execute_on, db_val(hr, 0, "today")) < 0)
        return refuse(x->why, 422, "invalid_field", "execute_on",
                      "La date d’exécution ne peut pas être passée.",
                      "The execution date cannot be in the past.");
    if ((st = db_run_a(c, x->a, &unpaid, &r, DB_P(h, x->from, x->to))) != DB_OK)
        return st;
    int n = PQntuples(r);
    if (n == 0)
        return refuse(x->why, 409, "nothing_to_pay", NULL,
                      "Aucun reversement à payer : pas de relevé non payé au montant positif.",
                      "Nothing to pay: no unpaid settlement with a positive amount.");
    if (!*db_val(hr, 0, "bank_iban"))
        return refuse(x->why, 409, "hub_without_iban", "bank_iban",
                      "Le hub n’a pas d’IBAN : renseignez-le dans les réglages des paiements.",
                      "The hub has no IBAN: set it in the payment settings.");
    if (!*db_val(r, 0, "iban")) /* ordered: producers without IBAN first */
        return refuse(
            x->why, 409, "producer_without_iban", "iban",
            arena_printf(x->a, "%s n’a pas d’IBAN : aucun virement n’a été préparé.",
                         db_val(r, 0, "name")),
            arena_printf(x->a, "%s has no IBAN: no transfer was prepared.", db_val(r, 0, "name")));
    cents_t total = 0;
    for (int i = 0; i < n; i++)
        total += db_int(r, i, "due");
    if ((st = db_run_a(c, x->a, &record, &r,
                       DB_P(h, x->from, x->to, x->version == 9 ? "09" : "03", x->execute_on,
                            db_i64(x->a, n), db_i64(x->a, total), x->via))) != DB_OK)
        return st;
    if (db_int(r, 0, "total") != total || db_int(r, 0, "lines") != 2 * n)
        return DB_ERROR; /* the same snapshot read twice cannot disagree */
    x->batch = db_int(r, 0, "id");
    return 0;
}

static int date_or_refuse(refusal *why, arena *a, const char *field, const char **v)
{
    if (!*v || !**v) {
        *v = NULL;
        return 0;
    }
    parse_date d;
    char t[40];
    parse_status ps = parse_date_iso(*v, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d);
    if (ps != PARSE_OK)
        return parse_refuse(why, a, field, NULL, NULL, PARSE_KIND_DATE, ps, PARSE_YEAR_MIN,
                            PARSE_YEAR_MAX);
    *v = arena_strdup(a, parse_date_text(t, &d));
    return 0;
}

int transfer_batch(db_conn *c, arena *a, int64_t hub, const char *from, const char *to,
                   const char *execute_on, int version, const char *via, transfer_doc *out,
                   refusal *why)
{
    tr_ctx x = {.a = a,
                .hub = hub,
                .from = from,
                .to = to,
                .execute_on = execute_on,
                .via = via,
                .version = version == 9 ? 9 : 3,
                .why = why};
    if (date_or_refuse(why, a, "from", &x.from) || date_or_refuse(why, a, "to", &x.to) ||
        date_or_refuse(why, a, "execute_on", &x.execute_on))
        return 1;
    int st = db_transaction(c, false, transfer_tx, &x);
    if (st != 0)
        return st;
    bool found;
    st = transfer_doc_load(c, a, hub, x.batch, out, &found);
    return st != DB_OK ? st : found ? 0 : DB_ERROR;
}

/* clang-format off */
DB_STMT(batch_list,
        "SELECT id, message_id, version::int AS version, to_char(execute_on, 'YYYY-MM-DD') AS execute_on,"
        " to_char(created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS created_at, transfers, total_cents"
        " FROM transfer_batches WHERE hub_id = $1 ORDER BY id DESC LIMIT 100");
/* clang-format on */

db_status transfer_batches(db_conn *c, arena *a, int64_t hub, transfer_batch_info **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &batch_list, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (int i = 0; i < (int)*n; i++)
        (*out)[i] = (transfer_batch_info){.id = db_int(r, i, "id"),
                                          .message_id = db_val(r, i, "message_id"),
                                          .execute_on = db_val(r, i, "execute_on"),
                                          .created_at = db_val(r, i, "created_at"),
                                          .version = (int)db_int(r, i, "version"),
                                          .transfers = db_int(r, i, "transfers"),
                                          .total = db_int(r, i, "total_cents")};
    return DB_OK;
}
