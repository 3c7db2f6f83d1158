/*
 * core/invoice_credit.c — a full credit note for an issued invoice.
 *
 * An issued invoice is never changed: a mistake is corrected by a credit note
 * (type 381) that names it and gives back everything it charged, with its own
 * number in the seller's sequence for the year it is issued. The parties are
 * the original's snapshots, copied as stored: the credit note undoes that
 * transaction between those parties. The original row is locked while the
 * credit note is made, and a unique index (schema/002_invoices.sql) keeps an
 * invoice from being credited twice.
 */
#include "invoice_build.h"
#include "invoice_int.h"
#include "invoicing.h"
#include "log.h"
#include "text.h"
#include "util.h"

#include <string.h>

#define REASON_MAX 500 /* characters: a note, not a letter */

DB_STMT(lock_invoice, "SELECT i.id, i.type_code FROM invoices i"
                      " WHERE i.hub_id = $1 AND i.number = $2 FOR UPDATE");
/* Asked after the lock, in a statement of its own: under READ COMMITTED it then
 * sees a credit note committed by whoever held the lock before us. */
DB_STMT(credited, "SELECT EXISTS (SELECT 1 FROM invoices WHERE corrects_invoice_id = $1) AS yes");

typedef struct credit_ctx {
    arena *a;
    int64_t hub;
    const char *number, *reason;
    const char *credit_number;
    refusal *why;
} credit_ctx;

/* The seller's prefix, as its invoices already carry it: what comes before
 * "-YYYY-NNNNNN" ("FTC7-2026-000004" -> "FTC7", "2026-000004" -> ""). */
static const char *prefix_of(arena *a, const char *number)
{
    const char *year_dash = NULL, *p = strrchr(number, '-');
    for (const char *q = number; p && q < p; q++)
        if (*q == '-')
            year_dash = q;
    return year_dash ? arena_strndup(a, number, (size_t)(year_dash - number)) : "";
}

static int check_original(db_conn *c, credit_ctx *x, const PGresult *r)
{
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "invoice_not_found", "number",
                      arena_printf(x->a, "Aucune facture n° %s.", x->number),
                      arena_printf(x->a, "No invoice %s.", x->number));
    if (db_int(r, 0, "type_code") != 380)
        return refuse(x->why, 409, "not_an_invoice", "number",
                      "Un avoir ne se corrige pas par un avoir.",
                      "A credit note cannot itself be credited.");
    PGresult *k;
    int st = db_run_a(c, x->a, &credited, &k, DB_P(db_val(r, 0, "id")));
    if (st != DB_OK)
        return st;
    if (db_bool(k, 0, "yes"))
        return refuse(x->why, 409, "already_credited", "number",
                      arena_printf(x->a, "La facture %s a déjà son avoir.", x->number),
                      arena_printf(x->a, "Invoice %s has already been credited.", x->number));
    return 0;
}

static int store(db_conn *c, credit_ctx *x, const inv_stored *o, const invoice *cn,
                 const inv_today *d, int seq)
{
    buf parties = BUF_INIT, record = BUF_INIT;
    buf_printf(&parties, "{\"s\":%s,\"b\":%s", o->seller_json, o->buyer_json);
    if (o->intermediary_json)
        buf_printf(&parties, ",\"i\":%s", o->intermediary_json);
    buf_putc(&parties, '}');
    inv_record rec = {cn,          o->seller_key, d->year, seq, o->cycle_id,
                      o->order_id, o->id,         "s",     "b", o->intermediary_json ? "i" : NULL};
    buf_putc(&record, '[');
    inv_json_record(&record, &rec);
    buf_putc(&record, ']');
    int64_t stored = 0;
    int st = inv_db_insert(c, x->a, x->hub, d->at, buf_str(&record), buf_str(&parties), &stored);
    buf_free(&parties);
    buf_free(&record);
    return st == DB_OK && stored != 1 ? DB_ERROR : st;
}

static int credit_tx(db_conn *c, void *p)
{
    credit_ctx *x = p;
    PGresult *r;
    int st = db_run_a(c, x->a, &lock_invoice, &r, DB_P(db_i64(x->a, x->hub), x->number));
    if (st != DB_OK || (st = check_original(c, x, r)) != 0)
        return st;
    inv_stored o;
    bool found;
    if ((st = invoice_find(c, x->a, x->hub, x->number, &o, &found)) != DB_OK)
        return st;
    inv_today before, d;
    int64_t one = 1, last = 0;
    const char *key = o.seller_key;
    if ((st = inv_db_today(c, x->a, 0, &before)) != DB_OK ||
        (st = inv_db_reserve(c, x->a, x->hub, before.year, &key, &one, 1, &last)) != DB_OK ||
        (st = inv_db_today(c, x->a, 0, &d)) != DB_OK)
        return st;
    if (!str_eq(before.issue_date, d.issue_date))
        return DB_RETRY; /* midnight passed while waiting for the sequence */
    inv_terms t = {invoice_number(x->a, prefix_of(x->a, o.inv.number), d.year, (int)last),
                   d.issue_date, d.issue_date, 0};
    invoice cn;
    invoice_credit_note(x->a, &o.inv, &t, x->reason, &cn);
    if ((st = inv_check_or_refuse(x->a, &cn, x->why)) != 0 ||
        (st = store(c, x, &o, &cn, &d, (int)last)) != 0)
        return st;
    x->credit_number = cn.number;
    return 0;
}

int invoice_credit(db_conn *c, arena *a, int64_t hub, const char *number, const char *reason,
                   const char **credit_number, refusal *why)
{
    *credit_number = NULL;
    /* the reason is printed on the credit note and carried by its CII (a note may
     * span lines); the invoice's own parties were checked when they were stored */
    text_status ts = text_check(reason, 0, REASON_MAX, TEXT_LINES);
    if (ts == TEXT_TOO_LONG)
        return refuse(why, 422, "invalid_reason", "reason",
                      "Le motif compte au plus 500 caractères.",
                      "The reason has at most 500 characters.");
    if (ts != TEXT_OK)
        return text_refuse(why, a, "reason", ts, 0, REASON_MAX, NULL, NULL);
    credit_ctx x = {a, hub, number ? number : "", reason, NULL, why};
    int st = db_transaction(c, false, credit_tx, &x);
    if (st == 0) {
        *credit_number = x.credit_number;
        log_event(LOG_INFO, "invoice.credited", "invoice=%s credit_note=%s", x.number,
                  x.credit_number);
    }
    return st;
}
