/*
 * core/settlement.c — settling a cycle or a month with every producer, all or none.
 *
 * One transaction, a fixed number of statements: lock the hub's settings row (two
 * settlements of one hub queue), refuse a period holding a cycle whose invoices are
 * not issued, sum each producer's unsettled invoices and credit notes per cycle with
 * the fee rate that cycle froze (one query), number and build the commission
 * invoices (core/invoice_int.h: the sequence "commission" is locked like a seller's,
 * so numbers have no gap), store them in one statement, then the settlements, the
 * invoices they cover and the fee's ledger entries in one more.
 */
#include "settlement.h"
#include "invoice_build.h"
#include "invoice_int.h"
#include "log.h"
#include "parse.h"
#include "reform.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define COMMISSION_KEY    "commission"
#define COMMISSION_VAT_BP 2000

/* clang-format off */
DB_STMT(lock_hub, "SELECT fee_bp FROM hub_settings WHERE hub_id = $1 FOR UPDATE");
DB_STMT(cycle_row,
        "SELECT to_char(delivery_date, 'YYYY-MM-DD') AS d FROM cycles WHERE hub_id = $1 AND id = $2");
/* A cycle of the period that has orders but no invoices yet. */
DB_STMT(uninvoiced,
        "SELECT c.id, c.name, c.state FROM cycles c WHERE c.hub_id = $1 AND c.state <> 'invoiced'"
        " AND CASE WHEN $2::bigint > 0 THEN c.id = $2"
        "     ELSE c.delivery_date BETWEEN $3::date AND $4::date END"
        " AND EXISTS (SELECT 1 FROM orders o WHERE o.cycle_id = c.id)"
        " ORDER BY c.delivery_date, c.id LIMIT 1");
DB_STMT(hub_row,
        "SELECT id, slug, name, legal_form, siret, vat_number, address, email, phone, depot_lat,"
        " depot_lon FROM hubs WHERE id = $1");
/* Each producer's unsettled invoices (380) and credit notes (381) of the period,
 * summed per cycle, the fee at the rate the cycle froze for that producer. */
DB_STMT(totals,
        "WITH inv AS (SELECT i.id, substr(i.seller_key, 10)::bigint AS producer_id, i.type_code,"
        "   i.cycle_id, i.total_excl_vat_cents AS excl, i.total_incl_vat_cents AS incl"
        "   FROM invoices i WHERE i.hub_id = $1 AND i.seller_key LIKE 'producer:%'"
        "   AND i.order_id IS NOT NULL"
        "   AND CASE WHEN $2::bigint > 0 THEN i.cycle_id = $2"
        "       ELSE i.issue_date BETWEEN $3::date AND $4::date END"
        "   AND NOT EXISTS (SELECT 1 FROM settlement_invoices s WHERE s.invoice_id = i.id)),"
        " per_cycle AS (SELECT inv.producer_id, inv.cycle_id, coalesce(cp.fee_bp, 0) AS fee_bp,"
        "   coalesce(sum(excl) FILTER (WHERE type_code = 380), 0) AS s_excl,"
        "   coalesce(sum(incl) FILTER (WHERE type_code = 380), 0) AS s_incl,"
        "   coalesce(sum(excl) FILTER (WHERE type_code = 381), 0) AS c_excl,"
        "   coalesce(sum(incl) FILTER (WHERE type_code = 381), 0) AS c_incl"
        "   FROM inv LEFT JOIN cycle_producers cp"
        "   ON cp.cycle_id = inv.cycle_id AND cp.producer_id = inv.producer_id"
        "   GROUP BY 1, 2, 3)"
        " SELECT p.id, p.slug, p.name, p.legal_form, p.siret, p.vat_number, p.address, p.email,"
        "   sum(s_excl)::bigint AS sales_excl, sum(s_incl)::bigint AS sales_incl,"
        "   sum(c_excl)::bigint AS credits_excl, sum(c_incl)::bigint AS credits_incl,"
        "   sum(round((pc.s_excl - pc.c_excl) * pc.fee_bp / 10000.0))::bigint AS fee_excl,"
        "   min(pc.fee_bp) AS fee_min, max(pc.fee_bp) AS fee_max,"
        "   (SELECT array_agg(inv.id ORDER BY inv.id) FROM inv WHERE inv.producer_id = p.id)::text"
        "   AS ids"
        " FROM per_cycle pc JOIN producers p ON p.id = pc.producer_id"
        " GROUP BY p.id ORDER BY p.name COLLATE \"fr-x-icu\", p.id");
DB_STMT(store,
        "WITH src AS (SELECT * FROM jsonb_to_recordset($2::jsonb) AS x(producer_id bigint,"
        "   sales_excl bigint, sales_incl bigint, credits_excl bigint, credits_incl bigint,"
        "   fee_excl bigint, fee_vat bigint, number text, ids text)),"
        " st AS (INSERT INTO settlements (hub_id, producer_id, period_from, period_to, cycle_id,"
        "   sales_excl_cents, sales_incl_cents, credits_excl_cents, credits_incl_cents,"
        "   fee_excl_cents, fee_vat_cents, due_cents, commission_invoice_id)"
        "   SELECT $1::bigint, s.producer_id, $3::date, $4::date, nullif($5::bigint, 0),"
        "   s.sales_excl, s.sales_incl, s.credits_excl, s.credits_incl, s.fee_excl, s.fee_vat,"
        "   s.sales_incl - s.credits_incl - s.fee_excl - s.fee_vat,"
        "   (SELECT i.id FROM invoices i WHERE i.hub_id = $1 AND i.number = s.number)"
        "   FROM src s ORDER BY s.producer_id"
        "   RETURNING id, producer_id, commission_invoice_id, fee_excl_cents, fee_vat_cents),"
        " si AS (INSERT INTO settlement_invoices (settlement_id, invoice_id)"
        "   SELECT st.id, unnest(s.ids::bigint[]) FROM st JOIN src s USING (producer_id)"
        "   RETURNING 1),"
        " le AS (INSERT INTO ledger_entries (hub_id, kind, booked_on, via, invoice_id, memo)"
        "   SELECT $1::bigint, 'fee', $6::date, $7, st.commission_invoice_id,"
        "   'settlement ' || st.id FROM st WHERE st.fee_excl_cents > 0 ORDER BY st.id"
        "   RETURNING id, invoice_id),"
        " ll AS (INSERT INTO ledger_lines (hub_id, entry_id, line_no, account, amount_cents,"
        "   producer_id)"
        "   SELECT $1::bigint, le.id, l.no, l.account, l.amount,"
        "   CASE WHEN l.account = '467' THEN st.producer_id END"
        "   FROM le JOIN st ON st.commission_invoice_id = le.invoice_id"
        "   CROSS JOIN LATERAL (VALUES (1, '467', st.fee_excl_cents + st.fee_vat_cents),"
        "     (2, '706', -st.fee_excl_cents), (3, '4457', -st.fee_vat_cents)) l(no, account, amount)"
        "   WHERE l.amount <> 0 RETURNING 1)"
        " SELECT array_agg(st.id)::text AS ids, (SELECT count(*) FROM si) AS covered,"
        " (SELECT count(*) FROM ll) AS lines FROM st");

#define SETTLEMENT_SELECT                                                                          \
    "SELECT s.id, s.producer_id, coalesce(s.cycle_id, 0) AS cycle_id, p.slug, p.name,"           \
    " to_char(s.period_from, 'YYYY-MM-DD') AS period_from,"                                       \
    " to_char(s.period_to, 'YYYY-MM-DD') AS period_to, s.sales_excl_cents, s.sales_incl_cents,"   \
    " s.credits_excl_cents, s.credits_incl_cents, s.fee_excl_cents, s.fee_vat_cents,"             \
    " s.due_cents, coalesce(i.number, '') AS commission_number,"                                  \
    " coalesce(s.transfer_batch_id, 0) AS transfer_batch_id,"                                     \
    " to_char(s.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS created_at"                         \
    " FROM settlements s JOIN producers p ON p.id = s.producer_id"                                \
    " LEFT JOIN invoices i ON i.id = s.commission_invoice_id"
DB_STMT(list_all, SETTLEMENT_SELECT
        " WHERE s.hub_id = $1 AND ($2::bigint = 0 OR s.producer_id = $2)"
        " AND ($3::bigint[] IS NULL OR s.id = ANY($3::bigint[]))"
        " ORDER BY s.id DESC");
DB_STMT(covered,
        "SELECT i.number, to_char(i.issue_date, 'YYYY-MM-DD') AS issue_date, i.type_code,"
        " coalesce(i.cycle_id, 0) AS cycle_id, coalesce(cp.fee_bp, 0) AS fee_bp,"
        " i.total_excl_vat_cents, i.total_incl_vat_cents"
        " FROM settlement_invoices si JOIN invoices i ON i.id = si.invoice_id"
        " JOIN settlements s ON s.id = si.settlement_id"
        " LEFT JOIN cycle_producers cp ON cp.cycle_id = i.cycle_id AND cp.producer_id = s.producer_id"
        " WHERE si.settlement_id = $1 ORDER BY i.issue_date, i.seq");
/* clang-format on */

typedef struct settle_ctx {
    arena *a;
    int64_t hub, cycle;
    const char *from, *to, *via;
    settlement **out;
    size_t *n;
    refusal *why;
} settle_ctx;

static void row_to(const PGresult *r, int i, settlement *s)
{
    *s = (settlement){.id = db_int(r, i, "id"),
                      .producer_id = db_int(r, i, "producer_id"),
                      .cycle_id = db_int(r, i, "cycle_id"),
                      .producer_slug = db_val(r, i, "slug"),
                      .producer_name = db_val(r, i, "name"),
                      .period_from = db_val(r, i, "period_from"),
                      .period_to = db_val(r, i, "period_to"),
                      .sales_excl = db_int(r, i, "sales_excl_cents"),
                      .sales_incl = db_int(r, i, "sales_incl_cents"),
                      .credits_excl = db_int(r, i, "credits_excl_cents"),
                      .credits_incl = db_int(r, i, "credits_incl_cents"),
                      .fee_excl = db_int(r, i, "fee_excl_cents"),
                      .fee_vat = db_int(r, i, "fee_vat_cents"),
                      .due = db_int(r, i, "due_cents"),
                      .commission_number = db_val(r, i, "commission_number"),
                      .transfer_batch = db_int(r, i, "transfer_batch_id"),
                      .created_at = db_val(r, i, "created_at")};
}

static db_status list(db_conn *c, arena *a, int64_t hub, int64_t producer, const char *ids,
                      settlement **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &list_all, &r, DB_P(db_i64(a, hub), db_i64(a, producer), ids));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n ? *n : 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        row_to(r, (int)i, &(*out)[i]);
    return DB_OK;
}

db_status settlement_list(db_conn *c, arena *a, int64_t hub, int64_t producer, settlement **out,
                          size_t *n)
{
    return list(c, a, hub, producer, NULL, out, n);
}

db_status settlement_find(db_conn *c, arena *a, int64_t hub, int64_t id, settlement *out,
                          settlement_invoice **inv, size_t *ninv, bool *found)
{
    settlement *s;
    size_t n;
    *found = false;
    db_status st = list(c, a, hub, 0, arena_printf(a, "{%lld}", (long long)id), &s, &n);
    if (st != DB_OK || n == 0)
        return st;
    *out = s[0];
    *found = true;
    PGresult *r;
    if ((st = db_run_a(c, a, &covered, &r, DB_P(db_i64(a, id)))) != DB_OK)
        return st;
    *ninv = (size_t)PQntuples(r);
    *inv = arena_alloc(a, (*ninv ? *ninv : 1) * sizeof **inv);
    for (size_t i = 0; i < *ninv; i++)
        (*inv)[i] = (settlement_invoice){.number = db_val(r, (int)i, "number"),
                                         .issue_date = db_val(r, (int)i, "issue_date"),
                                         .type_code = (int)db_int(r, (int)i, "type_code"),
                                         .cycle_id = db_int(r, (int)i, "cycle_id"),
                                         .fee_bp = (int)db_int(r, (int)i, "fee_bp"),
                                         .excl = db_int(r, (int)i, "total_excl_vat_cents"),
                                         .incl = db_int(r, (int)i, "total_incl_vat_cents")};
    return DB_OK;
}

/* ---- the commission invoice ---------------------------------------------------------- */

static char *party_json(arena *a, const char *kind, const PGresult *r, int64_t id, bool hub)
{
    buf b = BUF_INIT;
    buf_printf(&b, "{\"kind\":\"%s\"", kind);
    inv_json_int(&b, hub ? "id" : "producer_id", id);
    inv_json_str(&b, "slug", db_val(r, 0, "slug"));
    inv_json_str(&b, "name", db_val(r, 0, "name"));
    inv_json_str(&b, "legal_form", db_val(r, 0, "legal_form"));
    inv_json_str(&b, "siret", db_val(r, 0, "siret"));
    inv_json_str(&b, "vat_number", db_val(r, 0, "vat_number"));
    inv_json_str(&b, "vat_regime", "standard");
    inv_json_str(&b, "address", db_val(r, 0, "address"));
    inv_json_str(&b, "country", "FR");
    inv_json_str(&b, "email", db_val(r, 0, "email"));
    inv_json_str(&b, "phone", hub ? db_val(r, 0, "phone") : "");
    if (hub)
        buf_printf(&b, ",\"depot_lat\":%s,\"depot_lon\":%s", db_val(r, 0, "depot_lat"),
                   db_val(r, 0, "depot_lon"));
    buf_putc(&b, '}');
    char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

/* A producer's row of the totals query as a one-row result view: the columns
 * party_json reads, at row 0. */
static char *producer_json(arena *a, const PGresult *r, int row)
{
    buf b = BUF_INIT;
    buf_puts(&b, "{\"kind\":\"business\"");
    inv_json_int(&b, "producer_id", db_int(r, row, "id"));
    inv_json_str(&b, "slug", db_val(r, row, "slug"));
    inv_json_str(&b, "name", db_val(r, row, "name"));
    inv_json_str(&b, "legal_form", db_val(r, row, "legal_form"));
    inv_json_str(&b, "siret", db_val(r, row, "siret"));
    inv_json_str(&b, "vat_number", db_val(r, row, "vat_number"));
    inv_json_str(&b, "address", db_val(r, row, "address"));
    inv_json_str(&b, "country", "FR");
    inv_json_str(&b, "email", db_val(r, row, "email"));
    inv_json_str(&b, "phone", "");
    buf_putc(&b, '}');
    char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

static void commission(settle_ctx *x, invoice *inv, const inv_party *hub, const PGresult *r,
                       int row, const inv_today *d, const char *number)
{
    arena *a = x->a;
    cents_t fee = db_int(r, row, "fee_excl");
    int lo = (int)db_int(r, row, "fee_min"), hi = (int)db_int(r, row, "fee_max");
    char rate[16];
    dec_format(rate, lo, 2, 0);
    char *dot = strchr(rate, '.');
    if (dot)
        *dot = ','; /* French: "12,5 %" */
    const char *what = lo == hi
                           ? arena_printf(a, "Commission de %s %% sur vos ventes du %s au %s", rate,
                                          invoice_date_fr(a, x->from), invoice_date_fr(a, x->to))
                           : arena_printf(a, "Commission sur vos ventes du %s au %s",
                                          invoice_date_fr(a, x->from), invoice_date_fr(a, x->to));
    *inv = (invoice){.delivery_date = x->to,
                     .order_ref = "",
                     .seller = *hub,
                     .buyer = (inv_party){.name = db_val(r, row, "name"),
                                          .legal_form = db_val(r, row, "legal_form"),
                                          .address = {db_val(r, row, "address"), "", "", "FR"},
                                          .siret = db_val(r, row, "siret"),
                                          .vat_number = db_val(r, row, "vat_number"),
                                          .email = db_val(r, row, "email"),
                                          .phone = "",
                                          .business = true},
                     .delivery_place = "",
                     .delivery_place_address = ""};
    inv->lines = arena_alloc(a, sizeof *inv->lines);
    inv->nlines = 1;
    inv->lines[0] = (inv_line){.sku = "COMMISSION",
                               .description = what,
                               .producer = "",
                               .unit = "piece",
                               .quantity = 1000,
                               .unit_price = fee * 100,
                               .vat_rate = COMMISSION_VAT_BP,
                               .net = fee};
    inv_terms t = {number, d->issue_date, d->issue_date, 0};
    invoice_complete(a, inv, &t);
    reform_commission_notes(a, inv, x->from, x->to);
}

/* ---- the run ------------------------------------------------------------------------- */

static int check_period(db_conn *c, settle_ctx *x)
{
    PGresult *r;
    const char *hub = db_i64(x->a, x->hub), *cycle = db_i64(x->a, x->cycle);
    int st;
    if (x->cycle) {
        if ((st = db_run_a(c, x->a, &cycle_row, &r, DB_P(hub, cycle))) != DB_OK)
            return st;
        if (PQntuples(r) == 0)
            return refuse(x->why, 404, "cycle_not_found", "cycle", "Ce cycle n’existe pas.",
                          "There is no such cycle.");
        x->from = x->to = db_val(r, 0, "d");
    }
    if ((st = db_run_a(c, x->a, &uninvoiced, &r, DB_P(hub, cycle, x->from, x->to))) != DB_OK)
        return st;
    if (PQntuples(r) > 0)
        return refuse(
            x->why, 409, "uninvoiced_cycle", x->cycle ? "cycle" : "month",
            arena_printf(x->a,
                         "Le cycle « %s » (n° %s) de cette période n’est pas facturé (%s) : "
                         "émettez ses factures avant de régler les producteurs.",
                         db_val(r, 0, "name"), db_val(r, 0, "id"), db_val(r, 0, "state")),
            arena_printf(x->a,
                         "Cycle \"%s\" (no. %s) of this period is not invoiced (%s): issue its "
                         "invoices before settling with the producers.",
                         db_val(r, 0, "name"), db_val(r, 0, "id"), db_val(r, 0, "state")));
    return 0;
}

static int settle_tx(db_conn *c, void *p)
{
    settle_ctx *x = p;
    arena *a = x->a;
    PGresult *r, *hr, *tr;
    const char *hub = db_i64(a, x->hub);
    int st = db_run_a(c, a, &lock_hub, &r, DB_P(hub));
    if (st != DB_OK || (st = check_period(c, x)) != 0)
        return st;
    if ((st = db_run_a(c, a, &totals, &tr, DB_P(hub, db_i64(a, x->cycle), x->from, x->to))) !=
            DB_OK ||
        (st = db_run_a(c, a, &hub_row, &hr, DB_P(hub))) != DB_OK)
        return st;
    int rows = PQntuples(tr);
    if (rows == 0)
        return refuse(x->why, 409, "nothing_to_settle", x->cycle ? "cycle" : "month",
                      "Aucune facture de producteur à régler sur cette période.",
                      "No producer invoice left to settle in this period.");
    int64_t fees = 0;
    for (int i = 0; i < rows; i++) {
        cents_t fee = db_int(tr, i, "fee_excl");
        if (fee < 0)
            return refuse(x->why, 409, "negative_fee", x->cycle ? "cycle" : "month",
                          arena_printf(a,
                                       "Les avoirs de %s dépassent ses ventes de la période : "
                                       "réglez-le sur une période qui couvre les factures "
                                       "annulées.",
                                       db_val(tr, i, "name")),
                          arena_printf(a,
                                       "%s's credit notes exceed its sales of the period: settle "
                                       "over a period covering the invoices they cancel.",
                                       db_val(tr, i, "name")));
        fees += fee > 0;
    }
    if (fees && !*db_val(hr, 0, "vat_number"))
        return refuse(x->why, 409, "hub_not_vat_registered", "vat_number",
                      "Le hub n’a pas de numéro de TVA : il ne peut pas facturer sa commission "
                      "à 20 %.",
                      "The hub has no VAT number: it cannot invoice its fee at 20 % VAT.");
    inv_today before, d;
    int64_t last = 0;
    const char *key = COMMISSION_KEY;
    if ((st = inv_db_today(c, a, 0, &before)) != DB_OK)
        return st;
    if (fees && (st = inv_db_reserve(c, a, x->hub, before.year, &key, &fees, 1, &last)) != DB_OK)
        return st;
    if ((st = inv_db_today(c, a, 0, &d)) != DB_OK)
        return st;
    if (!str_eq(d.issue_date, before.issue_date))
        return DB_RETRY;
    inv_party hp = {.name = db_val(hr, 0, "name"),
                    .legal_form = db_val(hr, 0, "legal_form"),
                    .address = {db_val(hr, 0, "address"), "", "", "FR"},
                    .siret = db_val(hr, 0, "siret"),
                    .vat_number = db_val(hr, 0, "vat_number"),
                    .email = db_val(hr, 0, "email"),
                    .phone = db_val(hr, 0, "phone")};
    buf parties = BUF_INIT, records = BUF_INIT, set = BUF_INIT;
    buf_printf(&parties, "{\"h\":%s", party_json(a, "hub", hr, x->hub, true));
    buf_putc(&records, '[');
    buf_putc(&set, '[');
    int seq = (int)(last - fees + 1), written = 0;
    for (int i = 0; i < rows && st == 0; i++) {
        cents_t fee = db_int(tr, i, "fee_excl");
        const char *number = "";
        cents_t vat = 0;
        if (fee > 0) {
            invoice inv;
            number = invoice_number(a, "COM", d.year, seq);
            commission(x, &inv, &hp, tr, i, &d, number);
            if ((st = inv_check_or_refuse(a, &inv, x->why)) != 0)
                break;
            vat = inv.total_vat;
            const char *ref = arena_printf(a, "p%s", db_val(tr, i, "id"));
            buf_printf(&parties, ",\"%s\":%s", ref, producer_json(a, tr, i));
            inv_record rec = {&inv, COMMISSION_KEY, d.year, seq++, 0, 0, 0, "h", ref, NULL};
            if (written++)
                buf_putc(&records, ',');
            inv_json_record(&records, &rec);
        }
        buf_printf(&set, "%s{\"producer_id\":%s", i ? "," : "", db_val(tr, i, "id"));
        inv_json_int(&set, "sales_excl", db_int(tr, i, "sales_excl"));
        inv_json_int(&set, "sales_incl", db_int(tr, i, "sales_incl"));
        inv_json_int(&set, "credits_excl", db_int(tr, i, "credits_excl"));
        inv_json_int(&set, "credits_incl", db_int(tr, i, "credits_incl"));
        inv_json_int(&set, "fee_excl", fee);
        inv_json_int(&set, "fee_vat", vat);
        inv_json_str(&set, "number", number);
        inv_json_str(&set, "ids", db_val(tr, i, "ids"));
        buf_putc(&set, '}');
    }
    buf_putc(&parties, '}');
    buf_putc(&records, ']');
    buf_putc(&set, ']');
    int64_t stored = 0;
    if (st == 0 && written)
        st = inv_db_insert(c, a, x->hub, d.at, buf_str(&records), buf_str(&parties), &stored);
    if (st == 0 && stored != written)
        st = DB_ERROR;
    if (st == 0)
        st = db_run_a(
            c, a, &store, &r,
            DB_P(hub, buf_str(&set), x->from, x->to, db_i64(a, x->cycle), d.issue_date, x->via));
    buf_free(&parties);
    buf_free(&records);
    buf_free(&set);
    if (st != 0)
        return st;
    return list(c, a, x->hub, 0, db_val(r, 0, "ids"), x->out, x->n);
}

int settlement_run(db_conn *c, arena *a, int64_t hub, int64_t cycle, const char *month,
                   const char *via, settlement **out, size_t *n, refusal *why)
{
    settle_ctx x = {.a = a, .hub = hub, .cycle = cycle, .via = via, .out = out, .n = n, .why = why};
    *n = 0;
    if (!cycle) {
        parse_date pd;
        char first[40];
        parse_status ps = PARSE_SYNTAX;
        if (month && strlen(month) == 7)
            ps = parse_date_iso(arena_printf(a, "%s-01", month), PARSE_YEAR_MIN, PARSE_YEAR_MAX,
                                &pd);
        if (ps != PARSE_OK)
            return refuse(why, 422, month && *month ? "invalid_field" : "missing_field", "month",
                          "Le mois s’écrit AAAA-MM, par exemple 2026-03 (ou donnez un cycle).",
                          "A month is written YYYY-MM, e.g. 2026-03 (or give a cycle).");
        x.from = arena_strdup(a, parse_date_text(first, &pd));
        static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
        int last = days[pd.month - 1] +
                   (pd.month == 2 && pd.year % 4 == 0 && (pd.year % 100 || pd.year % 400 == 0));
        x.to = arena_printf(a, "%04d-%02d-%02d", pd.year, pd.month, last);
    }
    int st = db_transaction(c, false, settle_tx, &x);
    if (st == 0) {
        cents_t due = 0;
        for (size_t i = 0; i < *n; i++)
            due += (*out)[i].due;
        log_event(LOG_INFO, "settlement.done",
                  "hub=%lld cycle=%lld from=%s to=%s producers=%zu "
                  "due_cents=%lld",
                  (long long)hub, (long long)cycle, x.from, x.to, *n, (long long)due);
    }
    return st;
}
