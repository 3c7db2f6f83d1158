/*
 * core/invoice_credit.c — credit notes for an issued invoice: full, or for some lines.
 *
 * An issued invoice is never changed: a mistake is corrected by a credit note
 * (type 381) that names it (EN 16931 BG-3) and gives back what it should not have
 * charged, with its own number in the seller's sequence for the year it is issued.
 * The parties are the original's snapshots, copied as stored: the credit note undoes
 * (part of) that transaction between those parties.
 *
 * A partial credit note names the lines and the quantities given back: a chicken
 * invoiced at 2.14 kg that weighed 1.90 kg is credited 0.24 kg of that line, nothing
 * else. Several may follow one another; together they never give back more than a
 * line invoiced, in quantity or in amount (checked here with a message, and by the
 * invoice_credits_within trigger of schema/010 whatever the code). Its lines are
 * priced as the invoice's (quantity × the same unit price, BT-131), and the order's
 * delivered quantities follow it, with the credit note's number in their trail
 * (core/delivery.h), so the customer's page says what changed and why.
 *
 * A full credit note gives back what every line still holds: the whole invoice when
 * nothing was credited before. The original row is locked while a credit note is
 * made, so two credit notes of one invoice take turns.
 */
#include "delivery.h"
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
/* What earlier credit notes gave back, per line of the invoice. Asked after the lock,
 * in a statement of its own: under READ COMMITTED it then sees a credit note committed
 * by whoever held the lock before us. Credit notes issued before schema/010 carry no
 * credits_line_no: they copied every line under its own number. */
DB_STMT(credited, "SELECT coalesce(l.credits_line_no, l.line_no) AS line_no,"
                  " sum(l.quantity_milli) AS quantity, sum(l.line_excl_vat_cents) AS net"
                  " FROM invoices k JOIN invoice_lines l ON l.invoice_id = k.id"
                  " WHERE k.corrects_invoice_id = $1 AND k.type_code = 381 GROUP BY 1");

typedef struct credit_ctx {
    arena *a;
    int64_t hub, user;
    const char *number, *reason, *via;
    const inv_credit_line *asked;
    size_t nasked;
    const char *credit_number;
    refusal *why;
} credit_ctx;

/* A line of the invoice, with what is left of it to give back. */
typedef struct left {
    const inv_line *line;
    milli_t quantity;
    cents_t net;
} left;

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

static int check_original(credit_ctx *x, const PGresult *r)
{
    if (PQntuples(r) == 0)
        return refuse(x->why, 404, "invoice_not_found", "number",
                      arena_printf(x->a, "Aucune facture n° %s.", x->number),
                      arena_printf(x->a, "No invoice %s.", x->number));
    if (db_int(r, 0, "type_code") != 380)
        return refuse(x->why, 409, "not_an_invoice", "number",
                      "Un avoir ne se corrige pas par un avoir.",
                      "A credit note cannot itself be credited.");
    return 0;
}

/* Each line of the invoice with what earlier credit notes left of it. */
static db_status load_left(db_conn *c, credit_ctx *x, const inv_stored *o, left *l)
{
    PGresult *r;
    db_status st = db_run_a(c, x->a, &credited, &r, DB_P(db_i64(x->a, o->id)));
    if (st != DB_OK)
        return st;
    for (size_t i = 0; i < o->inv.nlines; i++) {
        const inv_line *line = &o->inv.lines[i];
        l[i] = (left){line, line->quantity, line->net};
        for (int k = 0; k < PQntuples(r); k++)
            if (db_int(r, k, "line_no") == line->line_no) {
                l[i].quantity -= db_int(r, k, "quantity");
                l[i].net -= db_int(r, k, "net");
            }
    }
    return DB_OK;
}

/* The line given back: quantity at the invoice's unit price. */
static inv_line credit_line(const left *l, milli_t q)
{
    inv_line c = *l->line;
    c.credits_line_no = l->line->line_no;
    c.quantity = q;
    c.net = money_line_net(q, l->line->unit_price);
    return c;
}

static int more_than_left(credit_ctx *x, const char *field, const left *l, milli_t q)
{
    char dq[32], dl[32];
    dec_format(dq, q, 3, 0);
    dec_format(dl, l->quantity, 3, 0);
    return refuse(x->why, 422, "more_than_invoiced", field,
                  arena_printf(x->a,
                               "La ligne %d (%s) n’a plus que %s %s à créditer (%s demandés, "
                               "montant arrondi compris).",
                               l->line->line_no, l->line->description, dl, l->line->unit, dq),
                  arena_printf(x->a,
                               "Line %d (%s) has only %s %s left to credit (%s asked, rounded "
                               "amount included).",
                               l->line->line_no, l->line->description, dl, l->line->unit, dq));
}

/* The lines of the credit note: every line's remainder (full), or those asked. */
static int choose(credit_ctx *x, const inv_stored *o, const left *l, inv_line *out, size_t *n)
{
    *n = 0;
    if (x->nasked == 0) {
        for (size_t i = 0; i < o->inv.nlines; i++) {
            if (l[i].quantity <= 0 && l[i].net <= 0)
                continue;
            out[*n] = credit_line(&l[i], l[i].quantity);
            if (out[*n].net > l[i].net)
                return more_than_left(x, "number", &l[i], l[i].quantity);
            (*n)++;
        }
        if (*n == 0)
            return refuse(
                x->why, 409, "already_credited", "number",
                arena_printf(x->a, "La facture %s est déjà entièrement créditée.", x->number),
                arena_printf(x->a, "Invoice %s has already been credited in full.", x->number));
        return 0;
    }
    for (size_t k = 0; k < x->nasked; k++) {
        const inv_credit_line *q = &x->asked[k];
        const char *f = arena_printf(x->a, "lines[%zu].line_no", k);
        const char *fq = arena_printf(x->a, "lines[%zu].quantity", k);
        const left *found = NULL;
        for (size_t i = 0; i < o->inv.nlines; i++)
            if (l[i].line->line_no == q->line_no)
                found = &l[i];
        for (size_t j = 0; j < k; j++)
            if (x->asked[j].line_no == q->line_no)
                return refuse(x->why, 422, "duplicate_line", f, "Cette ligne est nommée deux fois.",
                              "This line is named twice.");
        if (!found)
            return refuse(
                x->why, 422, "unknown_line", f,
                arena_printf(x->a, "La facture %s n’a pas de ligne %d.", x->number, q->line_no),
                arena_printf(x->a, "Invoice %s has no line %d.", x->number, q->line_no));
        if (q->quantity <= 0)
            return refuse(x->why, 422, "invalid_quantity", fq,
                          "La quantité à créditer est positive.",
                          "The quantity to credit is positive.");
        out[*n] = credit_line(found, q->quantity);
        if (q->quantity > found->quantity || out[*n].net > found->net)
            return more_than_left(x, fq, found, q->quantity);
        (*n)++;
    }
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

/* A partial credit note changes what the order says was delivered, line by line. */
static db_status record_on_order(db_conn *c, credit_ctx *x, const inv_stored *o, const invoice *cn)
{
    int64_t *lines = arena_alloc(x->a, (cn->nlines + 1) * sizeof *lines);
    milli_t *qty = arena_alloc(x->a, (cn->nlines + 1) * sizeof *qty);
    cents_t *net = arena_alloc(x->a, (cn->nlines + 1) * sizeof *net);
    size_t n = 0;
    for (size_t i = 0; i < cn->nlines; i++)
        if (cn->lines[i].order_line) { /* invoices issued before schema/010 name none */
            lines[n] = cn->lines[i].order_line;
            qty[n] = cn->lines[i].quantity;
            net[n++] = cn->lines[i].net;
        }
    return delivery_record_credit(c, x->a, o->cycle_id, cn->number, x->reason, x->user, x->via,
                                  lines, qty, net, n);
}

static int credit_tx(db_conn *c, void *p)
{
    credit_ctx *x = p;
    PGresult *r;
    int st = db_run_a(c, x->a, &lock_invoice, &r, DB_P(db_i64(x->a, x->hub), x->number));
    if (st != DB_OK || (st = check_original(x, r)) != 0)
        return st;
    inv_stored o;
    bool found;
    if ((st = invoice_find(c, x->a, x->hub, x->number, &o, &found)) != DB_OK)
        return st;
    left *l = arena_alloc(x->a, (o.inv.nlines + 1) * sizeof *l);
    inv_line *lines = arena_alloc(x->a, (o.inv.nlines + x->nasked + 1) * sizeof *lines);
    size_t n;
    if ((st = load_left(c, x, &o, l)) != DB_OK || (st = choose(x, &o, l, lines, &n)) != 0)
        return st;
    bool full = x->nasked == 0;
    for (size_t i = 0; full && i < o.inv.nlines; i++)
        full = l[i].quantity == o.inv.lines[i].quantity; /* nothing credited before */
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
    invoice_credit_note_lines(x->a, &o.inv, lines, n, &t, x->reason, full, &cn);
    if ((st = inv_check_or_refuse(x->a, &cn, x->why)) != 0 ||
        (st = store(c, x, &o, &cn, &d, (int)last)) != 0)
        return st;
    if (x->nasked && (st = record_on_order(c, x, &o, &cn)) != DB_OK)
        return st;
    x->credit_number = cn.number;
    return 0;
}

int invoice_credit(db_conn *c, arena *a, int64_t hub, const char *number, const char *reason,
                   const inv_credit_line *lines, size_t nlines, int64_t user, const char *via,
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
    if (nlines > 1000)
        return refuse(why, 422, "too_many_lines", "lines", "Trop de lignes.", "Too many lines.");
    credit_ctx x = {a,      hub,  user, number ? number : "", reason, via ? via : "cli", lines,
                    nlines, NULL, why};
    int st = db_transaction(c, false, credit_tx, &x);
    if (st == 0) {
        *credit_number = x.credit_number;
        log_event(LOG_INFO, "invoice.credited", "invoice=%s credit_note=%s lines=%zu", x.number,
                  x.credit_number, nlines);
    }
    return st;
}
