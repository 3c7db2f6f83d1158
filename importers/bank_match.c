/*
 * importers/bank_match.c — matching bank lines to orders, customers and direct debits
 * (the rules are in bank_match.h), and the ledger entry of each.
 */
#include "bank_match.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

static int cmp_due(const void *a, const void *b)
{
    int64_t x = ((const bm_due *)a)->order, y = ((const bm_due *)b)->order;
    return (x > y) - (x < y);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_debit(const void *a, const void *b)
{
    return strcmp(((const bm_debit *)a)->end_to_end_id, ((const bm_debit *)b)->end_to_end_id);
}

typedef struct bm_customer {
    int64_t id;
    cents_t owed; /* over its open dues, as allocations go */
    const char *folded, *folded_legal;
} bm_customer;

/* Open dues by amount due (as loaded), then oldest first. */
static int cmp_open(const void *a, const void *b, void *dues)
{
    const bm_due *x = &((const bm_due *)dues)[*(const size_t *)a],
                 *y = &((const bm_due *)dues)[*(const size_t *)b];
    if (x->loaded != y->loaded)
        return (x->loaded > y->loaded) - (x->loaded < y->loaded);
    return (x->rank > y->rank) - (x->rank < y->rank);
}

static int cmp_customer(const void *a, const void *b)
{
    int64_t x = ((const bm_customer *)a)->id, y = ((const bm_customer *)b)->id;
    return (x > y) - (x < y);
}

static const char *fold(arena *a, const char *s)
{
    char f[256];
    return s && *s ? arena_strdup(a, name_fold(s, f, sizeof f)) : "";
}

void bm_prepare(arena *a, bm_input *in)
{
    if (in->ndues)
        qsort(in->dues, in->ndues, sizeof *in->dues, cmp_due);
    size_t cap = in->ndues ? in->ndues : 1;
    in->open = arena_alloc(a, cap * sizeof *in->open);
    in->customers = arena_alloc(a, cap * sizeof *in->customers);
    in->nopen = in->ncustomers = 0;
    for (size_t i = 0; i < in->ndues; i++) {
        bm_due *d = &in->dues[i];
        d->folded = fold(a, d->name);
        d->folded_legal = fold(a, d->legal_name);
        d->loaded = d->due;
        if (d->rank < 0 || d->due <= 0)
            continue;
        in->open[in->nopen++] = i;
        in->customers[in->ncustomers++] =
            (bm_customer){d->customer, d->due, d->folded, d->folded_legal};
    }
    qsort_r(in->open, in->nopen, sizeof *in->open, cmp_open, in->dues);
    /* one row per customer, owing the sum of its open dues */
    qsort(in->customers, in->ncustomers, sizeof *in->customers, cmp_customer);
    size_t k = 0;
    for (size_t i = 0; i < in->ncustomers; i++) {
        if (k && in->customers[k - 1].id == in->customers[i].id)
            in->customers[k - 1].owed += in->customers[i].owed;
        else
            in->customers[k++] = in->customers[i];
    }
    in->ncustomers = k;
    if (in->ntopups)
        qsort(in->topups, in->ntopups, sizeof *in->topups, cmp_i64);
    if (in->ndebits)
        qsort(in->debits, in->ndebits, sizeof *in->debits, cmp_debit);
}

static bm_customer *find_customer(bm_input *in, int64_t id)
{
    bm_customer key = {.id = id};
    return in->ncustomers ? bsearch(&key, in->customers, in->ncustomers, sizeof key, cmp_customer)
                          : NULL;
}

const char *bm_kind_name(bm_kind k)
{
    static const char *const names[] = {"unmatched", "order",    "topup",
                                        "settled",   "returned", "fee"};
    return names[k];
}

static bm_debit *find_debit(bm_input *in, const char *e2e)
{
    bm_debit key = {.end_to_end_id = e2e};
    return in->ndebits ? bsearch(&key, in->debits, in->ndebits, sizeof key, cmp_debit) : NULL;
}

/* A two- or three-line entry from the arena. */
static void entry(arena *a, bm_outcome *o, const char *kind, const char *matched_by,
                  int64_t bank_entry, const char *booked_on, size_t n)
{
    o->entry = (ledger_entry_in){.kind = kind,
                                 .booked_on = booked_on,
                                 .method = NULL,
                                 .matched_by = matched_by,
                                 .bank_entry = bank_entry,
                                 .lines = arena_alloc(a, n * sizeof(ledger_line_in)),
                                 .nlines = 0};
}

static void line(bm_outcome *o, const char *account, cents_t amount, int64_t customer,
                 int64_t order, int64_t cycle)
{
    if (amount)
        o->entry.lines[o->entry.nlines++] =
            (ledger_line_in){account, amount, customer, 0, order, cycle};
}

/* A credit paying due d (NULL: a customer's balance only) with what exceeds its due
 * kept as the customer's credit. */
static void pay(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in, bm_due *d,
                int64_t customer, const char *matched_by, bm_outcome *o)
{
    cents_t to_order = d && d->due > 0 ? (e->amount < d->due ? e->amount : d->due) : 0;
    entry(a, o, d ? "payment" : "topup", matched_by, bank_entry, e->booked_on, 3);
    o->entry.method = "transfer";
    o->kind = d ? BM_ORDER : BM_TOPUP;
    o->order = d ? d->order : 0;
    o->customer = customer;
    o->to_balance = e->amount - to_order;
    line(o, "512", e->amount, 0, 0, 0);
    if (to_order) {
        line(o, "411", -to_order, customer, d->order, d->cycle);
        bool open = d->rank >= 0;
        d->due -= to_order;
        bm_customer *c = open ? find_customer(in, customer) : NULL;
        if (c)
            c->owed -= to_order;
    }
    line(o, "4191", -o->to_balance, customer, d ? d->order : 0, d ? d->cycle : 0);
}

static bool by_reference(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in,
                         bm_outcome *o)
{
    int64_t id;
    rf_kind k = *e->reference ? rf_parse(e->reference, &id) : RF_NONE;
    if (k == RF_ORDER) {
        bm_due key = {.order = id};
        bm_due *d = in->ndues ? bsearch(&key, in->dues, in->ndues, sizeof key, cmp_due) : NULL;
        if (!d)
            return false;
        pay(a, e, bank_entry, in, d, d->customer, "reference", o);
        return true;
    }
    if (k == RF_TOPUP && in->ntopups && bsearch(&id, in->topups, in->ntopups, sizeof id, cmp_i64)) {
        pay(a, e, bank_entry, in, NULL, id, "reference", o);
        return true;
    }
    return false;
}

/* Every end-to-end id one of km0's debits, adding up to the line: settled (a credit) or
 * returned (a debit, one debit). */
static bool by_debits(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in,
                      bm_outcome *o)
{
    if (!e->nend_to_end)
        return false;
    cents_t sum = 0;
    for (size_t i = 0; i < e->nend_to_end; i++) {
        bm_debit *d = find_debit(in, e->end_to_end_ids[i]);
        if (!d)
            return false;
        sum += d->amount;
    }
    bm_debit *first = find_debit(in, e->end_to_end_ids[0]);
    if (e->amount > 0 && sum == e->amount) {
        entry(a, o, "debit_settled", "direct_debit", bank_entry, e->booked_on, 2);
        o->entry.sepa_batch = first->batch;
        o->entry.method = "sepa_debit";
        o->kind = BM_SETTLED;
        o->batch = first->batch;
        line(o, "512", e->amount, 0, 0, 0);
        line(o, "5113", -e->amount, 0, 0, 0);
        for (size_t i = 0; i < in->nbatches; i++)
            if (in->batches[i].id == first->batch)
                in->batches[i].pending -= e->amount;
        return true;
    }
    if (e->amount < 0 && e->nend_to_end == 1 && -e->amount == first->amount && !first->returned) {
        entry(a, o, "debit_return", "direct_debit", bank_entry, e->booked_on, 2);
        o->entry.sepa_batch = first->batch;
        o->entry.method = "sepa_debit";
        o->kind = BM_RETURN;
        o->order = first->order;
        o->customer = first->customer;
        o->batch = first->batch;
        o->debit = first->id;
        first->returned = true;
        /* an order's due is owed again; an instalment was taken as an advance (4191):
         * the advance goes, and the instalment is unpaid again (bank_import.c) */
        if (first->subscription)
            line(o, "4191", first->amount, first->customer, 0, 0);
        else
            line(o, "411", first->amount, first->customer, first->order, first->cycle);
        line(o, "512", e->amount, 0, 0, 0);
        return true;
    }
    return false;
}

/* A batch booked as one credit naming its payment information ("<message id>-FRST"). */
static bool by_batch(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in, bm_outcome *o)
{
    if (e->amount <= 0)
        return false;
    for (size_t i = 0; i < in->nbatches; i++) {
        bm_batch *b = &in->batches[i];
        size_t n = strlen(b->message_id);
        bool named = (*e->payment_info_id && !strncmp(e->payment_info_id, b->message_id, n)) ||
                     strstr(e->remittance, b->message_id);
        if (!named || b->pending < e->amount)
            continue;
        entry(a, o, "debit_settled", "direct_debit", bank_entry, e->booked_on, 2);
        o->entry.sepa_batch = b->id;
        o->entry.method = "sepa_debit";
        o->kind = BM_SETTLED;
        o->batch = b->id;
        line(o, "512", e->amount, 0, 0, 0);
        line(o, "5113", -e->amount, 0, 0, 0);
        b->pending -= e->amount;
        return true;
    }
    return false;
}

static bool name_of(const char *folded, const char *folded_legal, const char *payer)
{
    return (*folded && name_matches_folded(folded, payer)) ||
           (*folded_legal && name_matches_folded(folded_legal, payer));
}

static bool by_amount_and_name(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in,
                               bm_outcome *o)
{
    if (e->amount <= 0 || !*e->counterparty)
        return false;
    char payer[256];
    name_fold(e->counterparty, payer, sizeof payer);
    /* one order of this amount whose customer has this name (several of one customer:
     * the oldest); the open dues are sorted by the amount they were due when loaded */
    size_t lo = 0, hi = in->nopen;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (in->dues[in->open[mid]].loaded < e->amount)
            lo = mid + 1;
        else
            hi = mid;
    }
    bm_due *hit = NULL;
    for (size_t i = lo; i < in->nopen && in->dues[in->open[i]].loaded == e->amount; i++) {
        bm_due *d = &in->dues[in->open[i]];
        if (d->due != e->amount || !name_of(d->folded, d->folded_legal, payer))
            continue;
        if (hit && hit->customer != d->customer)
            return false; /* two customers of that name owe that much: a person decides */
        if (!hit)
            hit = d;
    }
    if (hit) {
        pay(a, e, bank_entry, in, hit, hit->customer, "amount_name", o);
        return true;
    }
    /* all that one customer of that name owes, oldest first */
    bm_customer *who = NULL;
    for (size_t i = 0; i < in->ncustomers; i++) {
        bm_customer *c = &in->customers[i];
        if (c->owed != e->amount || !name_of(c->folded, c->folded_legal, payer))
            continue;
        if (who)
            return false;
        who = c;
    }
    if (!who)
        return false;
    size_t n = 0;
    for (size_t i = 0; i < in->nopen; i++)
        n += in->dues[in->open[i]].customer == who->id && in->dues[in->open[i]].due > 0;
    entry(a, o, "payment", "amount_name", bank_entry, e->booked_on, n + 1);
    o->entry.method = "transfer";
    o->kind = BM_ORDER;
    o->customer = who->id;
    line(o, "512", e->amount, 0, 0, 0);
    for (size_t i = 0; i < in->nopen; i++) {
        bm_due *d = &in->dues[in->open[i]];
        if (d->customer != who->id || d->due <= 0)
            continue;
        if (!o->order)
            o->order = d->order;
        line(o, "411", -d->due, who->id, d->order, d->cycle);
        d->due = 0;
    }
    who->owed = 0;
    return true;
}

static bool is_fee(const stmt_entry *e)
{
    if (strstr(e->bank_code, "/CHRG/") || !strncmp(e->bank_code, "ACMT/", 5))
        return true;
    char f[512];
    name_fold(e->remittance, f, sizeof f);
    return strstr(f, "frais") || strstr(f, "commission") || strstr(f, "cotisation");
}

void bm_match(arena *a, const stmt_entry *e, int64_t bank_entry, bm_input *in, bm_outcome *o)
{
    *o = (bm_outcome){0};
    if (!e->reversal) {
        if (e->amount > 0 &&
            (by_reference(a, e, bank_entry, in, o) || by_debits(a, e, bank_entry, in, o) ||
             by_batch(a, e, bank_entry, in, o) || by_amount_and_name(a, e, bank_entry, in, o)))
            return;
        if (e->amount < 0 && by_debits(a, e, bank_entry, in, o))
            return;
        if (e->amount < 0 && is_fee(e)) {
            entry(a, o, "bank_fee", NULL, bank_entry, e->booked_on, 2);
            o->kind = BM_FEE;
            line(o, "627", -e->amount, 0, 0, 0);
            line(o, "512", e->amount, 0, 0, 0);
            return;
        }
    }
    entry(a, o, e->amount > 0 ? "bank_receipt" : "bank_payment", NULL, bank_entry, e->booked_on, 2);
    o->kind = BM_UNMATCHED;
    line(o, "512", e->amount, 0, 0, 0);
    line(o, "471", -e->amount, 0, 0, 0);
}
