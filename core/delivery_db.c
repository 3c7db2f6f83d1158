/*
 * core/delivery_db.c — the locks, the trail and the one write the delivery modules share
 * (core/delivery_int.h).
 */
#include "buf.h"
#include "cycle.h"
#include "delivery_int.h"
#include "text.h"
#include "unit.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The delivery lock of a cycle: an advisory lock keyed by a constant and the cycle id,
 * in the two-integer key space (the cycle's order gate uses single bigint keys). */
DB_STMT(delivery_lock, "SELECT pg_advisory_xact_lock(7030016, ($1::bigint % 2147483647)::int)");
DB_STMT(cycle_share, "SELECT state, shortage_rule FROM cycles WHERE hub_id = $1 AND id = $2"
                     " FOR SHARE");
/* set_config(…, true): for this transaction only; the trigger of schema/010 reads them */
DB_STMT(trail, "SELECT set_config('km0.delivery_kind', $1, true),"
               " set_config('km0.delivery_reason', $2, true),"
               " set_config('km0.delivery_via', $3, true),"
               " set_config('km0.delivery_user', $4, true),"
               " set_config('km0.delivery_cycle', $5, true)");
DB_STMT(write_lines,
        "UPDATE order_lines l SET delivered_milli = v.d, weighed_milli = v.w,"
        " delivered_net_cents = v.net"
        " FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[]) AS v(id, d, w, net)"
        " WHERE l.id = v.id");

db_status dl_lock_deliveries(db_conn *c, arena *a, int64_t cycle)
{
    return db_do(c, &delivery_lock, DB_P(db_i64(a, cycle)));
}

int dl_lock_cycle(db_conn *c, arena *a, int64_t hub, int64_t cycle, dl_cycle *out, refusal *why)
{
    PGresult *r;
    int st = dl_lock_deliveries(c, a, cycle);
    if (st != DB_OK ||
        (st = db_run_a(c, a, &cycle_share, &r, DB_P(db_i64(a, hub), db_i64(a, cycle)))) != DB_OK)
        return st;
    if (PQntuples(r) == 0)
        return refuse(why, 404, "cycle_not_found", "cycle", "Ce cycle n’existe pas.",
                      "There is no such cycle.");
    out->state = db_val(r, 0, "state");
    shortage_rule_parse(db_val(r, 0, "shortage_rule"), &out->rule);
    if (str_eq(out->state, "invoiced"))
        return refuse(why, 409, "cycle_invoiced", "cycle",
                      "Les factures de ce cycle sont émises : une correction passe désormais par "
                      "un avoir sur les lignes concernées.",
                      "This cycle's invoices are issued: a correction is now a credit note for "
                      "the lines concerned.");
    if (!str_eq(out->state, "closed") && !str_eq(out->state, "batched"))
        return refuse(why, 409, "cycle_not_closed", "cycle",
                      "Les commandes de ce cycle ne sont pas encore closes : on pèse et on "
                      "déclare les manques une fois le cycle clos, avant la facturation.",
                      "This cycle still takes orders: weights and shortages are recorded once it "
                      "has closed, before invoicing.");
    return 0;
}

db_status dl_trail(db_conn *c, arena *a, int64_t cycle, const delivery_actor *who, const char *kind,
                   const char *reason)
{
    return db_do(
        c, &trail,
        DB_P(kind, reason, who->via, who->user ? db_i64(a, who->user) : "", db_i64(a, cycle)));
}

char *dl_array(arena *a, const int64_t *v, size_t n)
{
    buf b = BUF_INIT;
    buf_reserve(&b, n * 8 + 2);
    buf_putc(&b, '{');
    for (size_t i = 0; i < n; i++) {
        if (i)
            buf_putc(&b, ',');
        if (v[i] < 0)
            buf_lit(&b, "NULL");
        else
            buf_int(&b, v[i]);
    }
    buf_putc(&b, '}');
    char *s = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return s;
}

db_status dl_write(db_conn *c, arena *a, const int64_t *ids, const int64_t *delivered,
                   const int64_t *weighed, const int64_t *net, size_t n)
{
    if (n == 0)
        return DB_OK;
    return db_do(c, &write_lines,
                 DB_P(dl_array(a, ids, n), dl_array(a, delivered, n), dl_array(a, weighed, n),
                      dl_array(a, net, n)));
}

int dl_reason(arena *a, const char *given, const char *dflt, const char **out, refusal *why)
{
    if (!given || !*given) {
        *out = dflt;
        return 0;
    }
    *out = given;
    return text_or_refuse(why, a, "reason", given, 1, DELIVERY_REASON_MAX, TEXT_TAB,
                          "Le motif compte au plus 500 caractères, sur une ligne.",
                          "The reason has at most 500 characters, on one line.");
}

void dl_problem(dl_problems *p, int status, const char *code, const char *field, const char *fr,
                const char *en)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? p->cap * 2 : 16;
        refusal_detail *d = arena_alloc(p->a, cap * sizeof *d);
        int *rows = arena_alloc(p->a, cap * sizeof *rows);
        if (p->n) {
            memcpy(d, p->d, p->n * sizeof *d);
            memcpy(rows, p->rows, p->n * sizeof *rows);
        }
        p->d = d;
        p->rows = rows;
        p->cap = cap;
    }
    p->rows[p->n] = p->row;
    p->d[p->n++] = (refusal_detail){code, field, fr, en};
    int rank_new = status == 422 ? 3 : status == 403 ? 2 : 1;
    int rank_old = p->status == 422 ? 3 : p->status == 403 ? 2 : p->status ? 1 : 0;
    if (rank_new > rank_old)
        p->status = status;
}

/* Problems are added row by row, then the plausibility checks add theirs in the order
 * of the lines (bag, SKU): a file of many wrong rows in reverse order must not sort in
 * quadratic time, so an index is sorted, the rank where each was added breaking ties. */
typedef struct {
    int row;
    size_t at;
} dl_rank;

static int by_row(const void *a, const void *b)
{
    const dl_rank *x = a, *y = b;
    if (x->row != y->row)
        return x->row < y->row ? -1 : 1;
    return (x->at > y->at) - (x->at < y->at);
}

int dl_problems_refuse(dl_problems *p, refusal *why)
{
    if (p->n == 0)
        return 0;
    dl_rank *rank = arena_alloc(p->a, p->n * sizeof *rank);
    for (size_t i = 0; i < p->n; i++)
        rank[i] = (dl_rank){p->rows[i], i};
    qsort(rank, p->n, sizeof *rank, by_row); /* stable by the tie-break: one row keeps order */
    refusal_detail *d = arena_alloc(p->a, p->n * sizeof *d);
    for (size_t i = 0; i < p->n; i++)
        d[i] = p->d[rank[i].at];
    refuse(why, p->status, d[0].code, d[0].field, d[0].fr, d[0].en);
    why->details = d;
    why->ndetails = p->n;
    return 1;
}

const char *dl_amount(arena *a, milli_t q, const char *unit, bool fr)
{
    char d[32];
    dec_format(d, q, 3, 0);
    if (fr)
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    const unit_def *u = unit ? unit_by_code(unit) : NULL;
    if (!u)
        return arena_printf(a, "%s %s", d, unit ? unit : "");
    if (u->kind != UNIT_COUNT)
        return arena_printf(a, "%s %s", d, u->code);
    const char *label = fr ? u->label_fr : u->label_en;
    size_t n = strlen(label);
    if (q <= 1000 || label[n - 1] == 's' || label[n - 1] == 'x')
        return arena_printf(a, "%s %s", d, label);
    /* French words in -eau take an x: "28 plateaux" */
    bool x = fr && n > 3 && !strcmp(label + n - 3, "eau");
    return arena_printf(a, "%s %s%s", d, label, x ? "x" : "s");
}

const char *delivery_amount_text(arena *a, milli_t q, const char *unit, bool fr)
{
    return dl_amount(a, q, unit, fr);
}
