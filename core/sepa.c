/*
 * core/sepa.c — mandates, and a direct debit batch in one transaction: what is due read
 * under the hub's payments lock, the batch and its debits stored with one statement
 * each, the ledger entry posted, and the file's content returned for
 * reports/pain008.c to write.
 */
#include "sepa.h"
#include "bank_id.h"
#include "ledger.h"
#include "parse.h"
#include "pay_settings.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

/* clang-format off */
DB_STMT(customer_here, "SELECT name FROM customers WHERE hub_id = $1 AND id = $2");
DB_STMT(not_future, "SELECT $1::date <= (now() AT TIME ZONE 'Europe/Paris')::date AS ok");
DB_STMT(mandate_taken,
        "SELECT EXISTS (SELECT 1 FROM sepa_mandates WHERE hub_id = $1 AND reference = $2) AS taken,"
        " EXISTS (SELECT 1 FROM sepa_mandates WHERE hub_id = $1 AND customer_id = $3"
        "   AND revoked_at IS NULL) AS in_force");
DB_STMT(mandate_insert,
        "INSERT INTO sepa_mandates (hub_id, customer_id, reference, signed_on, iban, bic,"
        " debtor_name, created_by) VALUES ($1, $2, $3, $4::date, $5, $6, $7, nullif($8, '0')::bigint)"
        " RETURNING id");
DB_STMT(mandate_revoke,
        "UPDATE sepa_mandates SET revoked_at = now() WHERE hub_id = $1 AND reference = $2"
        " AND revoked_at IS NULL RETURNING id");
DB_STMT(mandate_exists, "SELECT 1 FROM sepa_mandates WHERE hub_id = $1 AND reference = $2");
DB_STMT(mandate_list,
        "SELECT m.id, m.customer_id, cu.name AS customer_name, m.reference,"
        " to_char(m.signed_on, 'YYYY-MM-DD') AS signed_on, m.iban, m.bic, m.debtor_name,"
        " coalesce(to_char(m.revoked_at, 'YYYY-MM-DD'), '') AS revoked_at,"
        " (SELECT count(*) FROM sepa_debits d WHERE d.mandate_id = m.id) AS debits"
        " FROM sepa_mandates m JOIN customers cu ON cu.id = m.customer_id WHERE m.hub_id = $1"
        " ORDER BY m.revoked_at IS NOT NULL, cu.name COLLATE \"fr-x-icu\", m.id");
DB_STMT(collect_date,
        "SELECT $1::date > (now() AT TIME ZONE 'Europe/Paris')::date AS later,"
        " to_char(now(), 'YYYY-MM-DD\"T\"HH24:MI:SS') AS created_at,"
        " nextval(pg_get_serial_sequence('sepa_batches', 'id')) AS batch");
/* What is owed by direct debit under a customer's mandate in force: orders paid that
 * way with something due, their cycle past its order window (collected on the batch's
 * date $2), and contract instalments (schema/022) falling due by $2 not paid yet
 * (collected on their due date when it is still to come, else on $2). A mandate never
 * used before is first; its earliest collection is its FRST. */
#define DUE_MANDATE                                                                                \
    " m.id AS mandate_id, m.reference, to_char(m.signed_on, 'YYYY-MM-DD') AS signed_on, m.iban,"   \
    " m.bic, m.debtor_name,"                                                                       \
    " NOT EXISTS (SELECT 1 FROM sepa_debits s WHERE s.mandate_id = m.id) AS first_ever"
DB_STMT(batch_dues,
        "SELECT u.*, to_char(u.collect, 'YYYY-MM-DD') AS collect_day,"
        " to_char(u.due, 'YYYY-MM-DD') AS due_day FROM ("
        " SELECT d.order_id, 0::bigint AS subscription_id, 0 AS instalment, 0 AS instalments,"
        " d.customer_id, d.cycle_id, d.due_cents, $2::date AS collect, c.delivery_date AS due,"
        " c.name AS label," DUE_MANDATE
        " FROM order_dues d JOIN cycles c ON c.id = d.cycle_id"
        " JOIN sepa_mandates m ON m.hub_id = d.hub_id AND m.customer_id = d.customer_id"
        "   AND m.revoked_at IS NULL"
        " WHERE d.hub_id = $1 AND d.payment_method = 'sepa_debit' AND d.due_cents > 0"
        " AND c.state <> 'open'"
        " UNION ALL"
        " SELECT 0, i.subscription_id, i.number, s.instalments, s.customer_id, 0, i.amount_cents,"
        " CASE WHEN i.due_on > (now() AT TIME ZONE 'Europe/Paris')::date THEN i.due_on"
        "   ELSE $2::date END, i.due_on, k.name," DUE_MANDATE
        " FROM contract_instalments i JOIN subscriptions s ON s.id = i.subscription_id"
        " JOIN contracts k ON k.id = s.contract_id"
        " JOIN sepa_mandates m ON m.hub_id = s.hub_id AND m.customer_id = s.customer_id"
        "   AND m.revoked_at IS NULL"
        " WHERE s.hub_id = $1 AND s.payment_method = 'sepa_debit' AND s.cancelled_at IS NULL"
        " AND i.ledger_entry_id IS NULL AND i.due_on <= $2::date"
        " AND NOT EXISTS (SELECT 1 FROM sepa_debits x WHERE x.subscription_id = i.subscription_id"
        "   AND x.instalment = i.number"
        "   AND NOT EXISTS (SELECT 1 FROM sepa_debit_returns r WHERE r.debit_id = x.id))) u"
        " ORDER BY mandate_id, collect, due, order_id, subscription_id, instalment");
DB_STMT(batch_insert,
        "INSERT INTO sepa_batches (id, hub_id, message_id, collect_on, version, debits, total_cents,"
        " created_by) OVERRIDING SYSTEM VALUE VALUES ($1, $2, $3, $4::date, $5, $6::int, $7::bigint,"
        " nullif($8, '0')::bigint)");
DB_STMT(debits_insert,
        "INSERT INTO sepa_debits (hub_id, batch_id, mandate_id, customer_id, order_id, cycle_id,"
        " subscription_id, instalment, collect_on, amount_cents, sequence, end_to_end_id, attempt)"
        " SELECT $1, $2, u.m, u.cu, nullif(u.o, 0), nullif(u.cy, 0), nullif(u.su, 0),"
        " nullif(u.n, 0), CASE WHEN u.su = 0 THEN NULL ELSE u.d END, u.v, u.s, u.e,"
        /* an instalment debited again after a return: its next attempt (schema/025) */
        " CASE WHEN u.su = 0 THEN 1 ELSE 1 + (SELECT count(*) FROM sepa_debits x"
        "   WHERE x.subscription_id = u.su AND x.instalment = u.n)::int END"
        " FROM unnest($3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[],"
        "   $8::text[], $9::text[], $10::bigint[], $11::int[], $12::date[])"
        "   AS u(m, cu, o, cy, v, s, e, su, n, d)");
/* The instalments just debited are paid by the batch's ledger entry. */
DB_STMT(instalments_paid,
        "UPDATE contract_instalments i SET ledger_entry_id ="
        " (SELECT min(e.id) FROM ledger_entries e WHERE e.hub_id = $1 AND e.sepa_batch_id = $2)"
        " FROM sepa_debits d WHERE d.hub_id = $1 AND d.batch_id = $2"
        " AND d.subscription_id = i.subscription_id AND d.instalment = i.number");
DB_STMT(hub_name_of, "SELECT name FROM hubs WHERE id = $1");
DB_STMT(batch_head,
        "SELECT b.message_id, to_char(b.collect_on, 'YYYY-MM-DD') AS collect_on, b.version,"
        " to_char(b.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS') AS created_at, h.name,"
        " s.bank_iban, s.bank_bic, s.sepa_creditor_id FROM sepa_batches b"
        " JOIN hubs h ON h.id = b.hub_id JOIN hub_settings s ON s.hub_id = b.hub_id"
        " WHERE b.hub_id = $1 AND b.id = $2");
DB_STMT(batch_lines,
        "SELECT d.end_to_end_id, d.amount_cents, d.sequence = 'FRST' AS first, m.reference,"
        " to_char(m.signed_on, 'YYYY-MM-DD') AS signed_on, m.debtor_name, m.iban, m.bic,"
        " coalesce(d.order_id, 0) AS order_id, coalesce(c.name, k.name) AS label,"
        " coalesce(d.instalment, 0) AS instalment, coalesce(s.instalments, 0) AS instalments,"
        " coalesce(to_char(i.due_on, 'YYYY-MM-DD'), '') AS due_day,"
        " coalesce(to_char(d.collect_on, 'YYYY-MM-DD'), '') AS collect_day FROM sepa_debits d"
        " JOIN sepa_mandates m ON m.id = d.mandate_id LEFT JOIN cycles c ON c.id = d.cycle_id"
        " LEFT JOIN subscriptions s ON s.id = d.subscription_id"
        " LEFT JOIN contracts k ON k.id = s.contract_id"
        " LEFT JOIN contract_instalments i ON i.subscription_id = d.subscription_id"
        "   AND i.number = d.instalment"
        " WHERE d.hub_id = $1 AND d.batch_id = $2 ORDER BY d.id");
DB_STMT(batch_list,
        "SELECT b.id, b.message_id, to_char(b.collect_on, 'YYYY-MM-DD') AS collect_on, b.version,"
        " to_char(b.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SSTZH:TZM') AS created_at, b.debits,"
        " b.total_cents, coalesce((SELECT sum(l.amount_cents) FROM ledger_entries e"
        "   JOIN ledger_lines l ON l.entry_id = e.id WHERE e.sepa_batch_id = b.id"
        "   AND l.account = '5113'), 0) AS pending"
        " FROM sepa_batches b WHERE b.hub_id = $1 ORDER BY b.id DESC LIMIT 50");
/* clang-format on */

static const char *mandate_ref_chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                       "0123456789+?/:().,' -";

typedef struct {
    arena *a;
    int64_t hub, user;
    const sepa_mandate_in *in;
    const char *iban, *bic;
    int64_t *id;
    refusal *why;
} add_ctx;

static int add_tx(db_conn *c, void *p)
{
    add_ctx *x = p;
    arena *a = x->a;
    const char *h = db_i64(a, x->hub), *cu = db_i64(a, x->in->customer);
    PGresult *r;
    int st = db_run_a(c, a, &customer_here, &r, DB_P(h, cu));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "customer_not_found", "customer", "Ce client n’existe pas.",
                      "There is no such customer.");
    const char *debtor = x->in->debtor_name && *x->in->debtor_name
                             ? x->in->debtor_name
                             : arena_strndup(a, db_val(r, 0, "name"), 70);
    if ((st = db_run_a(c, a, &not_future, &r, DB_P(x->in->signed_on))) != DB_OK)
        return st;
    if (!db_bool(r, 0, "ok"))
        return refuse(x->why, 422, "invalid_date", "signed_on",
                      "Un mandat se signe au plus tard aujourd’hui.",
                      "A mandate is signed today at the latest.");
    if ((st = db_run_a(c, a, &mandate_taken, &r, DB_P(h, x->in->reference, cu))) != DB_OK)
        return st;
    if (db_bool(r, 0, "taken"))
        return refuse(
            x->why, 409, "duplicate_mandate", "reference",
            arena_printf(a, "La référence de mandat « %s » est déjà prise.", x->in->reference),
            arena_printf(a, "The mandate reference \"%s\" is taken already.", x->in->reference));
    if (db_bool(r, 0, "in_force"))
        return refuse(x->why, 409, "mandate_in_force", "customer",
                      "Ce client a déjà un mandat en vigueur : révoquez-le d’abord.",
                      "This customer has a mandate in force already: revoke it first.");
    st = db_run_a(c, a, &mandate_insert, &r,
                  DB_P(h, cu, x->in->reference, x->in->signed_on, x->iban, x->bic, debtor,
                       db_i64(a, x->user)));
    if (st == DB_ERROR && db_error_is_constraint(c, "sepa_mandates_hub_id_reference_key"))
        return refuse(x->why, 409, "duplicate_mandate", "reference",
                      "Cette référence de mandat est déjà prise.",
                      "This mandate reference is taken already.");
    if (st != DB_OK)
        return st;
    *x->id = db_int(r, 0, "id");
    return 0;
}

/* 1 to 35 characters of the SEPA set, not starting with a blank: 0, or 1 refused. */
static int reference_ok(const char *ref, refusal *why)
{
    size_t n = strlen(ref);
    if (n == 0 || n > 35 || strspn(ref, mandate_ref_chars) != n || ref[0] == ' ')
        return refuse(
            why, 422, "invalid_reference", "reference",
            "La référence de mandat compte 1 à 35 lettres, chiffres ou + ? / - : ( ) . , ' "
            "et espaces.",
            "The mandate reference has 1 to 35 letters, digits or + ? / - : ( ) . , ' and "
            "spaces.");
    return 0;
}

int sepa_mandate_add(db_conn *c, arena *a, int64_t hub, int64_t user, const sepa_mandate_in *in,
                     int64_t *id, refusal *why)
{
    const char *ref = in->reference ? in->reference : "";
    if (reference_ok(ref, why))
        return 1;
    parse_date d;
    if (!in->signed_on || parse_date_iso(in->signed_on, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d))
        return refuse(why, 422, "invalid_date", "signed_on",
                      "La date de signature s’écrit AAAA-MM-JJ.",
                      "The signature date is YYYY-MM-DD.");
    char iban[IBAN_MAX + 1], bic[12] = "";
    if (!bank_iban_normalize(in->iban, iban))
        return refuse(why, 422, "invalid_iban", "iban",
                      "Cet IBAN n’est pas valide (sa clé de contrôle ne correspond pas).",
                      "This IBAN is not valid (its check digits do not match).");
    if (in->bic && *in->bic && !bic_normalize(in->bic, bic))
        return refuse(why, 422, "invalid_bic", "bic",
                      "Ce BIC n’est pas valide : 8 ou 11 lettres et chiffres.",
                      "This BIC is not valid: 8 or 11 letters and digits.");
    int st = in->debtor_name && *in->debtor_name
                 ? text_or_refuse(why, a, "debtor_name", in->debtor_name, 1, 70, 0,
                                  "Le nom du débiteur compte 1 à 70 caractères.",
                                  "The debtor's name has 1 to 70 characters.")
                 : 0;
    if (st)
        return st;
    add_ctx x = {a, hub, user, in, iban, bic, id, why};
    return db_transaction(c, false, add_tx, &x);
}

int sepa_mandate_revoke(db_conn *c, arena *a, int64_t hub, const char *reference, refusal *why)
{
    if (reference_ok(reference, why))
        return 1;
    PGresult *r;
    const char *h = db_i64(a, hub);
    db_status st = db_run_a(c, a, &mandate_revoke, &r, DB_P(h, reference));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        return 0;
    if ((st = db_run_a(c, a, &mandate_exists, &r, DB_P(h, reference))) != DB_OK)
        return st;
    return PQntuples(r)
               ? refuse(why, 409, "already_revoked", "reference", "Ce mandat est déjà révoqué.",
                        "This mandate is revoked already.")
               : refuse(why, 404, "mandate_not_found", "reference",
                        "Aucun mandat de cette référence.", "No mandate of that reference.");
}

db_status sepa_mandates(db_conn *c, arena *a, int64_t hub, sepa_mandate **out, size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &mandate_list, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        (*out)[i] = (sepa_mandate){
            db_int(r, k, "id"),        db_int(r, k, "customer_id"), db_val(r, k, "customer_name"),
            db_val(r, k, "reference"), db_val(r, k, "signed_on"),   db_val(r, k, "iban"),
            db_val(r, k, "bic"),       db_val(r, k, "debtor_name"), db_val(r, k, "revoked_at"),
            db_int(r, k, "debits")};
    }
    return DB_OK;
}

/* What a debit pays for, on the customer's bank statement: the order's reference, or
 * the contract, the instalment and its due date (row k of a batch_dues or batch_lines
 * result). */
static const char *remittance(arena *a, const PGresult *r, int k)
{
    int64_t order = db_int(r, k, "order_id");
    if (order == 0)
        return arena_printf(a, "Contrat %s échéance %lld/%lld du %s", db_val(r, k, "label"),
                            (long long)db_int(r, k, "instalment"),
                            (long long)db_int(r, k, "instalments"), db_val(r, k, "due_day"));
    char rf[RF_MAX + 1], grouped[32];
    rf_for(RF_ORDER, order, rf);
    return arena_printf(a, "%s commande %lld %s", rf_grouped(rf, grouped), (long long)order,
                        db_val(r, k, "label"));
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const char *collect_on;
    int version;
    sepa_batch_result *out;
    refusal *why;
} batch_ctx;

/* Store the batch, its debits and its ledger entry. */
static int record(db_conn *c, batch_ctx *x, const PGresult *r, int64_t batch)
{
    arena *a = x->a;
    sepa_batch_doc *d = &x->out->doc;
    size_t n = d->n;
    int64_t *mandates = arena_alloc(a, n * sizeof *mandates),
            *customers = arena_alloc(a, n * sizeof *customers),
            *orders = arena_alloc(a, n * sizeof *orders),
            *cycles = arena_alloc(a, n * sizeof *cycles),
            *amounts = arena_alloc(a, n * sizeof *amounts),
            *subs = arena_alloc(a, n * sizeof *subs),
            *numbers = arena_alloc(a, n * sizeof *numbers);
    const char **seq = arena_alloc(a, n * sizeof *seq), **e2e = arena_alloc(a, n * sizeof *e2e),
               **dates = arena_alloc(a, n * sizeof *dates);
    size_t instalments = 0;
    ledger_line_in *lines = arena_alloc(a, (n + 1) * sizeof *lines);
    lines[0] = (ledger_line_in){"5113", x->out->total, 0, 0, 0, 0};
    for (size_t i = 0; i < n; i++) {
        int k = (int)i;
        mandates[i] = db_int(r, k, "mandate_id");
        customers[i] = db_int(r, k, "customer_id");
        orders[i] = db_int(r, k, "order_id");
        cycles[i] = db_int(r, k, "cycle_id");
        amounts[i] = d->debits[i].amount;
        seq[i] = d->debits[i].first ? "FRST" : "RCUR";
        e2e[i] = d->debits[i].end_to_end_id;
        subs[i] = db_int(r, k, "subscription_id");
        numbers[i] = db_int(r, k, "instalment");
        dates[i] = d->debits[i].collect_on;
        /* an order's debit settles what it owes (411); an instalment is a payment in
         * advance, to the customer's prepaid balance (4191), as core/contract.c posts
         * one paid by cheque */
        lines[i + 1] =
            subs[i] ? (ledger_line_in){"4191", -amounts[i], customers[i], 0, 0, 0}
                    : (ledger_line_in){"411", -amounts[i], customers[i], 0, orders[i], cycles[i]};
        instalments += subs[i] != 0;
    }
    const char *h = db_i64(a, x->hub), *b = db_i64(a, batch);
    int st = db_do(c, &batch_insert,
                   DB_P(b, h, d->message_id, d->collect_on,
                        x->version == 8 ? "pain.008.001.08" : "pain.008.001.02",
                        db_i64(a, (int64_t)n), db_i64(a, x->out->total), db_i64(a, x->user)));
    if (st != DB_OK ||
        (st = db_do(c, &debits_insert,
                    DB_P(h, b, db_int_array(a, mandates, n), db_int_array(a, customers, n),
                         db_int_array(a, orders, n), db_int_array(a, cycles, n),
                         db_int_array(a, amounts, n), db_text_array(a, seq, n),
                         db_text_array(a, e2e, n), db_int_array(a, subs, n),
                         db_int_array(a, numbers, n), db_text_array(a, dates, n)))) != DB_OK)
        return st;
    ledger_entry_in e = {.kind = "direct_debit",
                         .booked_on = d->collect_on,
                         .method = "sepa_debit",
                         .sepa_batch = batch,
                         .memo = d->message_id,
                         .lines = lines,
                         .nlines = n + 1};
    int64_t posted;
    if ((st = ledger_post(c, a, x->hub, x->user, "cli", &e, 1, &posted)) != DB_OK)
        return st;
    return instalments ? db_do(c, &instalments_paid, DB_P(h, b)) : DB_OK;
}

static int batch_tx(db_conn *c, void *p)
{
    batch_ctx *x = p;
    arena *a = x->a;
    const char *h = db_i64(a, x->hub);
    pay_settings s;
    PGresult *r, *dues;
    int st = ledger_lock(c, a, x->hub);
    if (st != DB_OK || (st = pay_settings_get(c, a, x->hub, &s)) != DB_OK)
        return st;
    if (!s.iban[0] || !s.creditor_id[0])
        return refuse(x->why, 422, "no_creditor_id", "sepa_creditor_id",
                      "Le prélèvement demande l’IBAN et l’identifiant créancier SEPA (ICS) du "
                      "groupement (Réglages > Paiements).",
                      "Direct debits need the hub's IBAN and SEPA creditor identifier (Settings > "
                      "Payments).");
    if ((st = db_run_a(c, a, &collect_date, &r, DB_P(x->collect_on))) != DB_OK)
        return st;
    if (!db_bool(r, 0, "later"))
        return refuse(x->why, 422, "invalid_date", "collect",
                      "La date d’encaissement est après aujourd’hui.",
                      "The collection date is after today.");
    int64_t batch = db_int(r, 0, "batch");
    sepa_batch_doc *d = &x->out->doc;
    *d = (sepa_batch_doc){.version = x->version,
                          .message_id =
                              arena_printf(a, "KM0-%lld-%.4s%.2s%.2s", (long long)batch,
                                           x->collect_on, x->collect_on + 5, x->collect_on + 8),
                          .created_at = db_val(r, 0, "created_at"),
                          .collect_on = x->collect_on,
                          .creditor_iban = arena_strdup(a, s.iban),
                          .creditor_bic = arena_strdup(a, s.bic),
                          .creditor_id = arena_strdup(a, s.creditor_id)};
    if ((st = db_run_a(c, a, &hub_name_of, &r, DB_P(h))) != DB_OK ||
        (st = db_run_a(c, a, &batch_dues, &dues, DB_P(h, x->collect_on))) != DB_OK)
        return st;
    d->creditor = db_val(r, 0, "name");
    d->n = (size_t)PQntuples(dues);
    if (d->n == 0)
        return 0; /* nothing to collect: nothing recorded */
    d->debits = arena_alloc(a, d->n * sizeof *d->debits);
    int64_t last_mandate = 0;
    for (size_t i = 0; i < d->n; i++) {
        int k = (int)i;
        int64_t mandate = db_int(dues, k, "mandate_id"), order = db_int(dues, k, "order_id"),
                sub = db_int(dues, k, "subscription_id");
        sepa_debit_doc *o = &d->debits[i];
        *o = (sepa_debit_doc){
            .end_to_end_id =
                sub ? arena_printf(a, "KM0-%lld-C%lld-%lld", (long long)batch, (long long)sub,
                                   (long long)db_int(dues, k, "instalment"))
                    : arena_printf(a, "KM0-%lld-%lld", (long long)batch, (long long)order),
            .collect_on = db_val(dues, k, "collect_day"),
            .amount = db_int(dues, k, "due_cents"),
            .first = db_bool(dues, k, "first_ever") && mandate != last_mandate,
            .mandate = db_val(dues, k, "reference"),
            .signed_on = db_val(dues, k, "signed_on"),
            .debtor = db_val(dues, k, "debtor_name"),
            .iban = db_val(dues, k, "iban"),
            .bic = db_val(dues, k, "bic"),
            .remittance = remittance(a, dues, k)};
        last_mandate = mandate;
        x->out->total += o->amount;
        x->out->first += o->first;
    }
    x->out->batch = batch;
    return record(c, x, dues, batch);
}

int sepa_debit_batch(db_conn *c, arena *a, int64_t hub, int64_t user, const char *collect_on,
                     int version, sepa_batch_result *out, refusal *why)
{
    memset(out, 0, sizeof *out);
    parse_date d;
    if (!collect_on || parse_date_iso(collect_on, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d))
        return refuse(why, 422, "invalid_date", "collect",
                      "La date d’encaissement s’écrit AAAA-MM-JJ.",
                      "The collection date is YYYY-MM-DD.");
    if (version != 2 && version != 8)
        return refuse(why, 422, "invalid_field", "version", "La version de pain.008 est 02 ou 08.",
                      "The pain.008 version is 02 or 08.");
    batch_ctx x = {a, hub, user, collect_on, version, out, why};
    int st = db_transaction(c, false, batch_tx, &x);
    if (st != 0)
        memset(out, 0, sizeof *out);
    return st;
}

db_status sepa_batch_load(db_conn *c, arena *a, int64_t hub, int64_t batch, sepa_batch_doc *out,
                          bool *found)
{
    PGresult *h, *r;
    const char *hs = db_i64(a, hub), *b = db_i64(a, batch);
    db_status st = db_run_a(c, a, &batch_head, &h, DB_P(hs, b));
    *found = st == DB_OK && PQntuples(h) == 1;
    if (!*found || (st = db_run_a(c, a, &batch_lines, &r, DB_P(hs, b))) != DB_OK)
        return st;
    *out = (sepa_batch_doc){.version = str_eq(db_val(h, 0, "version"), "pain.008.001.08") ? 8 : 2,
                            .message_id = db_val(h, 0, "message_id"),
                            .created_at = db_val(h, 0, "created_at"),
                            .collect_on = db_val(h, 0, "collect_on"),
                            .creditor = db_val(h, 0, "name"),
                            .creditor_iban = db_val(h, 0, "bank_iban"),
                            .creditor_bic = db_val(h, 0, "bank_bic"),
                            .creditor_id = db_val(h, 0, "sepa_creditor_id"),
                            .n = (size_t)PQntuples(r)};
    out->debits = arena_alloc(a, (out->n + 1) * sizeof *out->debits);
    for (size_t i = 0; i < out->n; i++) {
        int k = (int)i;
        out->debits[i] = (sepa_debit_doc){.end_to_end_id = db_val(r, k, "end_to_end_id"),
                                          .amount = db_int(r, k, "amount_cents"),
                                          .first = db_bool(r, k, "first"),
                                          .mandate = db_val(r, k, "reference"),
                                          .signed_on = db_val(r, k, "signed_on"),
                                          .debtor = db_val(r, k, "debtor_name"),
                                          .iban = db_val(r, k, "iban"),
                                          .bic = db_val(r, k, "bic"),
                                          .collect_on = *db_val(r, k, "collect_day")
                                                            ? db_val(r, k, "collect_day")
                                                            : out->collect_on,
                                          .remittance = remittance(a, r, k)};
    }
    return DB_OK;
}

db_status sepa_batches(db_conn *c, arena *a, int64_t hub, sepa_batch_info **out, size_t *n)
{
    PGresult *r;
    *n = 0;
    db_status st = db_run_a(c, a, &batch_list, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int k = (int)i;
        (*out)[i] = (sepa_batch_info){db_int(r, k, "id"),          db_val(r, k, "message_id"),
                                      db_val(r, k, "collect_on"),  db_val(r, k, "version"),
                                      db_val(r, k, "created_at"),  db_int(r, k, "debits"),
                                      db_int(r, k, "total_cents"), db_int(r, k, "pending")};
    }
    return DB_OK;
}
