/*
 * core/delivery_weigh.c — recording what weighed products really weighed.
 *
 * A weigh-in names lines by id (the packing-table page, the API) or by bag number and
 * sku (a scale's file, the API), the bag numbers being the documents' (core/bags.h).
 * One query reads every line those rows may mean; they are matched in C, every row
 * checked, and the weights written at once. A line's amount becomes its weight × the
 * price per kg (or litre) frozen on the offer; its units stay as they are.
 */
#include "bags.h"
#include "cycle.h"
#include "delivery_int.h"
#include "log.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* The lines of the bags and ids asked for, each with its bag (0 before batching). */
DB_STMT(bag_count, "SELECT count(*) AS n FROM order_stops WHERE cycle_id = $1 AND hub_id = $2");
/* The lines are first narrowed to the products named (through the lines' offer index)
 * and the line ids given, so that only those are joined to their bags: a scale's file
 * names one product of a cycle whose orders hold many (bench/delivered.sh). */
DB_STMT(weigh_candidates,
        "WITH " BAGS_CTE ","
        " named AS (SELECT l.id FROM offers f JOIN order_lines l ON l.offer_id = f.id"
        "            WHERE f.cycle_id = $1 AND f.hub_id = $2 AND f.sku = ANY($5::text[])"
        "           UNION SELECT unnest($4::bigint[]))"
        " SELECT l.id, coalesce(b.bag, 0) AS bag, f.producer_id, p.slug AS producer, f.sku,"
        " f.name, f.unit, f.measure, f.measure_price_excl_vat_e4, f.measure_estimate_milli,"
        " coalesce(l.delivered_milli, l.quantity_milli) AS delivered,"
        " coalesce(l.delivered_milli, -1) AS delivered_set, coalesce(l.weighed_milli, -1) AS"
        " weighed FROM named n JOIN order_lines l ON l.id = n.id"
        " JOIN orders o ON o.id = l.order_id"
        " JOIN offers f ON f.id = l.offer_id JOIN producers p ON p.id = f.producer_id"
        " LEFT JOIN bags b ON b.order_id = o.id"
        " WHERE o.cycle_id = $1 AND o.hub_id = $2"
        " AND ((b.bag IN (SELECT unnest($3::bigint[])) AND f.sku = ANY($5::text[]))"
        "      OR l.id IN (SELECT unnest($4::bigint[])))");

typedef struct cand {
    int64_t id, bag, producer_id;
    const char *producer, *sku, *name, *unit, *measure;
    price4_t measure_price;
    milli_t estimate_unit, delivered, delivered_set, weighed;
    milli_t sum;   /* weights given in this weigh-in */
    int first_row; /* the first row naming it, -1 for none */
} cand;

static int by_bag_sku(const void *a, const void *b)
{
    const cand *x = a, *y = b;
    if (x->bag != y->bag)
        return x->bag < y->bag ? -1 : 1;
    int k = strcmp(x->sku, y->sku);
    return k ? k : (x->id > y->id) - (x->id < y->id);
}

typedef struct weigh_ctx {
    db_conn *c;
    arena *a;
    const weigh_in *in;
    weigh_result *out;
    refusal *why;
    cand *cands;
    size_t ncands;
    dl_problems problems;
    int64_t bags; /* how many bags the cycle has (numbered 1..bags), -1 until asked */
    int64_t read_us, check_us, write_us; /* where the time went (the log line) */
    int st;                              /* a database failure met while resolving rows */
} weigh_ctx;

static cand *find_id(weigh_ctx *x, int64_t id)
{
    for (size_t i = 0; i < x->ncands; i++) /* ids are few when asked for by id */
        if (x->cands[i].id == id)
            return &x->cands[i];
    return NULL;
}

/* The first candidate at or after (bag, sku) in the sorted array; sku NULL: the first
 * of the bag. */
static size_t lower_bound(weigh_ctx *x, int64_t bag, const char *sku)
{
    size_t lo = 0, hi = x->ncands;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const cand *m = &x->cands[mid];
        int k = m->bag != bag ? (m->bag < bag ? -1 : 1) : sku ? strcmp(m->sku, sku) : 0;
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The line a row means, or NULL after recording why not. */
static cand *resolve(weigh_ctx *x, const weigh_row *w)
{
    arena *a = x->a;
    if (w->line > 0) {
        cand *k = find_id(x, w->line);
        if (!k)
            dl_problem(&x->problems, 404, "unknown_line", w->at_line,
                       arena_printf(a, "Aucune ligne n° %lld dans les commandes de ce cycle.",
                                    (long long)w->line),
                       arena_printf(a, "No line %lld in this cycle's orders.", (long long)w->line));
        return k;
    }
    size_t i = lower_bound(x, w->bag, w->sku);
    size_t j = i, found = 0;
    cand *k = NULL;
    for (; j < x->ncands && x->cands[j].bag == w->bag && str_eq(x->cands[j].sku, w->sku); j++)
        if (!w->producer || !*w->producer || str_eq(w->producer, x->cands[j].producer)) {
            k = &x->cands[j];
            found++;
        }
    if (found == 1)
        return k;
    if (found > 1) {
        dl_problem(&x->problems, 422, "ambiguous_sku", w->at_sku,
                   arena_printf(a,
                                "Le sac %lld contient « %s » de plusieurs producteurs : "
                                "ajoutez la colonne producteur.",
                                (long long)w->bag, w->sku),
                   arena_printf(a,
                                "Bag %lld holds \"%s\" from several producers: add the producer "
                                "column.",
                                (long long)w->bag, w->sku));
        return NULL;
    }
    if (x->bags < 0) { /* bags are numbered 1..n: is this one of them? */
        PGresult *r;
        x->st =
            db_run_a(x->c, a, &bag_count, &r, DB_P(db_i64(a, x->in->cycle), db_i64(a, x->in->hub)));
        x->bags = x->st == DB_OK ? db_int(r, 0, "n") : 0;
    }
    if (w->bag <= x->bags)
        dl_problem(
            &x->problems, 422, "unknown_product", w->at_sku,
            arena_printf(a, "Le sac %lld ne contient pas « %s ».", (long long)w->bag, w->sku),
            arena_printf(a, "Bag %lld holds no \"%s\".", (long long)w->bag, w->sku));
    else if (x->bags == 0)
        dl_problem(&x->problems, 422, "unknown_bag", w->at_bag,
                   "Les sacs sont numérotés une fois les tournées calculées : nommez la ligne "
                   "par son numéro, ou calculez les tournées d’abord.",
                   "Bags are numbered once the rounds are planned: name the line by its number, "
                   "or plan the rounds first.");
    else
        dl_problem(&x->problems, 422, "unknown_bag", w->at_bag,
                   arena_printf(a, "Aucun sac n° %lld dans ce cycle.", (long long)w->bag),
                   arena_printf(a, "No bag %lld in this cycle.", (long long)w->bag));
    return NULL;
}

/* Whether the line may take a weight from this actor; records why not. */
static bool weighable(weigh_ctx *x, const weigh_row *w, const cand *k)
{
    arena *a = x->a;
    const char *at = w->line > 0 ? w->at_line : w->at_sku;
    if (x->in->who.producer && k->producer_id != x->in->who.producer) {
        dl_problem(&x->problems, 403, "not_your_product", at,
                   arena_printf(a, "« %s » n’est pas l’un de vos produits.", k->name),
                   arena_printf(a, "\"%s\" is not one of your products.", k->name));
        return false;
    }
    if (!k->measure || !*k->measure) {
        dl_problem(&x->problems, 422, "not_weighed", at,
                   arena_printf(a,
                                "« %s » n’est pas un produit à peser (il n’a pas de prix au kilo "
                                "ni au litre) : corrigez sa quantité par un manque.",
                                k->name),
                   arena_printf(a,
                                "\"%s\" is not weighed (it has no price per kg or litre): "
                                "correct its quantity with a shortage.",
                                k->name));
        return false;
    }
    if (k->delivered <= 0) {
        dl_problem(
            &x->problems, 422, "nothing_delivered", at,
            arena_printf(a, "Rien n’est livré sur cette ligne de « %s » : rien à peser.", k->name),
            arena_printf(a, "Nothing is delivered on this line of \"%s\": nothing to weigh.",
                         k->name));
        return false;
    }
    if (w->weight <= 0) {
        dl_problem(&x->problems, 422, "invalid_weight", w->at_weight, "Le poids doit être positif.",
                   "The weight must be positive.");
        return false;
    }
    return true;
}

/* A weight within DELIVERY_WEIGHT_FACTOR of the estimate of the units delivered. */
static void check_plausible(weigh_ctx *x, const cand *k)
{
    arena *a = x->a;
    milli_t est = money_weight_g(k->delivered, k->estimate_unit);
    const weigh_row *w = &x->in->rows[k->first_row];
    if (est <= 0 ||
        (k->sum <= DELIVERY_WEIGHT_FACTOR * est && DELIVERY_WEIGHT_FACTOR * k->sum >= est))
        return;
    bool high = k->sum > DELIVERY_WEIGHT_FACTOR * est;
    dl_problem(
        &x->problems, 422, "implausible_weight", w->at_weight,
        arena_printf(a, "%s%s : %s pour %s, soit %s attendus : %s. Vérifiez la pesée.",
                     k->bag ? arena_printf(a, "Sac %lld, ", (long long)k->bag) : "", k->name,
                     dl_amount(a, k->sum, k->measure, true),
                     dl_amount(a, k->delivered, k->unit, true), dl_amount(a, est, k->measure, true),
                     high ? "plus de trois fois l’estimation" : "moins du tiers de l’estimation"),
        arena_printf(
            a, "%s%s: %s for %s, %s expected: %s. Check the weighing.",
            k->bag ? arena_printf(a, "Bag %lld, ", (long long)k->bag) : "", k->name,
            dl_amount(a, k->sum, k->measure, false), dl_amount(a, k->delivered, k->unit, false),
            dl_amount(a, est, k->measure, false),
            high ? "more than three times the estimate" : "less than a third of the estimate"));
}

static void load(weigh_ctx *x, const PGresult *r)
{
    /* ten thousand rows for a big file: each column looked up once */
    enum {
        ID,
        BAG,
        PRODUCER_ID,
        PRODUCER,
        SKU,
        NAME,
        UNIT,
        MEASURE,
        PRICE,
        ESTIMATE,
        DELIVERED,
        DELIVERED_SET,
        WEIGHED,
        NCOLS
    };
    static const char *const names[NCOLS] = {"id",
                                             "bag",
                                             "producer_id",
                                             "producer",
                                             "sku",
                                             "name",
                                             "unit",
                                             "measure",
                                             "measure_price_excl_vat_e4",
                                             "measure_estimate_milli",
                                             "delivered",
                                             "delivered_set",
                                             "weighed"};
    int col[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        col[k] = PQfnumber(r, names[k]);
    x->ncands = (size_t)PQntuples(r);
    x->cands = arena_alloc(x->a, (x->ncands + 1) * sizeof *x->cands);
#define NUM(k) strtoll(PQgetvalue(r, i, col[k]), NULL, 10)
    for (int i = 0; i < (int)x->ncands; i++)
        x->cands[i] = (cand){
            .id = NUM(ID),
            .bag = NUM(BAG),
            .producer_id = NUM(PRODUCER_ID),
            .producer = PQgetvalue(r, i, col[PRODUCER]),
            .sku = PQgetvalue(r, i, col[SKU]),
            .name = PQgetvalue(r, i, col[NAME]),
            .unit = PQgetvalue(r, i, col[UNIT]),
            .measure = PQgetisnull(r, i, col[MEASURE]) ? NULL : PQgetvalue(r, i, col[MEASURE]),
            .measure_price = NUM(PRICE),
            .estimate_unit = NUM(ESTIMATE),
            .delivered = NUM(DELIVERED),
            .delivered_set = NUM(DELIVERED_SET),
            .weighed = NUM(WEIGHED),
            .first_row = -1,
        };
#undef NUM
    qsort(x->cands, x->ncands, sizeof *x->cands, by_bag_sku);
}

static int by_text(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static db_status read_candidates(db_conn *c, weigh_ctx *x)
{
    const weigh_in *in = x->in;
    int64_t *bags = arena_alloc(x->a, (in->nrows + 1) * sizeof *bags);
    int64_t *ids = arena_alloc(x->a, (in->nrows + 1) * sizeof *ids);
    const char **skus = arena_alloc(x->a, (in->nrows + 1) * sizeof *skus);
    size_t nb = 0, ni = 0, ns = 0;
    for (size_t i = 0; i < in->nrows; i++) {
        if (in->rows[i].line > 0) {
            ids[ni++] = in->rows[i].line;
            continue;
        }
        bags[nb++] = in->rows[i].bag;
        skus[ns++] = in->rows[i].sku;
    }
    /* the products named, each once (a scale's file names one or two, a long file
     * many times) */
    qsort(skus, ns, sizeof *skus, by_text);
    size_t unique = 0;
    for (size_t i = 0; i < ns; i++)
        if (!unique || strcmp(skus[unique - 1], skus[i]) != 0)
            skus[unique++] = skus[i];
    ns = unique;
    PGresult *r;
    db_status st =
        db_run_a(c, x->a, &weigh_candidates, &r,
                 DB_P(db_i64(x->a, in->cycle), db_i64(x->a, in->hub), db_int_array(x->a, bags, nb),
                      db_int_array(x->a, ids, ni), db_text_array(x->a, skus, ns)));
    if (st == DB_OK)
        load(x, r);
    return st;
}

static int cmp_line(const void *a, const void *b)
{
    const weighed_line *x = a, *y = b;
    if (x->bag != y->bag)
        return x->bag < y->bag ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

/* Write the lines whose weight changes, and describe every line weighed. */
static int write_all(db_conn *c, weigh_ctx *x, const char *reason)
{
    size_t n = 0;
    for (size_t i = 0; i < x->ncands; i++)
        n += x->cands[i].first_row >= 0;
    int64_t *ids = arena_alloc(x->a, (n + 1) * sizeof *ids);
    int64_t *del = arena_alloc(x->a, (n + 1) * sizeof *del);
    int64_t *wei = arena_alloc(x->a, (n + 1) * sizeof *wei);
    int64_t *net = arena_alloc(x->a, (n + 1) * sizeof *net);
    weigh_result *o = x->out;
    o->lines = arena_alloc(x->a, (n + 1) * sizeof *o->lines);
    size_t w = 0;
    for (size_t i = 0; i < x->ncands; i++) {
        const cand *k = &x->cands[i];
        if (k->first_row < 0)
            continue;
        cents_t amount = money_line_net(k->sum, k->measure_price);
        bool changed = k->sum != k->weighed;
        o->lines[o->nlines++] =
            (weighed_line){k->id,        k->bag,  k->producer,
                           k->sku,       k->name, k->measure,
                           k->delivered, k->sum,  money_weight_g(k->delivered, k->estimate_unit),
                           amount,       changed};
        if (!changed)
            continue;
        ids[w] = k->id;
        del[w] = k->delivered_set;
        wei[w] = k->sum;
        net[w++] = amount;
    }
    o->changed = w;
    qsort(o->lines, o->nlines, sizeof *o->lines, cmp_line);
    int st = w ? dl_trail(c, x->a, x->in->cycle, &x->in->who, "weight", reason) : DB_OK;
    return st == DB_OK ? dl_write(c, x->a, ids, del, wei, net, w) : st;
}

typedef struct {
    weigh_ctx *x;
    const char *reason;
} tx_arg;

static int weigh_tx(db_conn *c, void *p)
{
    tx_arg *t = p;
    weigh_ctx *x = t->x;
    const weigh_in *in = x->in;
    *x->out = (weigh_result){0};
    x->problems = (dl_problems){.a = x->a};
    x->c = c;
    x->bags = -1;
    x->st = DB_OK;
    dl_cycle cy;
    int64_t t0 = now_us();
    int st = dl_lock_cycle(c, x->a, in->hub, in->cycle, &cy, x->why);
    if (st != 0 || (st = read_candidates(c, x)) != DB_OK)
        return st;
    int64_t t1 = now_us();
    x->read_us = t1 - t0;
    for (size_t i = 0; i < in->nrows; i++) {
        const weigh_row *w = &in->rows[i];
        x->problems.row = (int)i;
        cand *k = resolve(x, w);
        if (!k || !weighable(x, w, k))
            continue;
        if (k->first_row < 0) {
            k->first_row = (int)i;
            k->sum = 0;
        }
        k->sum += w->weight;
    }
    for (size_t i = 0; i < x->ncands; i++)
        if (x->cands[i].first_row >= 0) {
            x->problems.row = x->cands[i].first_row;
            check_plausible(x, &x->cands[i]);
        }
    if (x->st != DB_OK)
        return x->st;
    if ((st = dl_problems_refuse(&x->problems, x->why)) != 0)
        return st;
    int64_t t2 = now_us();
    x->check_us = t2 - t1;
    st = write_all(c, x, t->reason);
    x->write_us = now_us() - t2;
    return st;
}

int delivery_weigh(db_conn *c, arena *a, const weigh_in *in, weigh_result *out, refusal *why)
{
    *out = (weigh_result){0};
    if (in->nrows == 0)
        return refuse(why, 422, "no_rows", "weights", "Aucune pesée à enregistrer.",
                      "No weight to record.");
    if (in->nrows > DELIVERY_MAX_ROWS)
        return refuse(why, 422, "too_many_rows", "weights",
                      "Trop de pesées d’un coup (100 000 au plus).",
                      "Too many weights at once (100 000 at most).");
    const char *reason;
    int st = dl_reason(a, in->reason, "Pesée · Weighed", &reason, why);
    if (st != 0 || (st = cycle_catch_up(c, in->hub)) != DB_OK)
        return st;
    weigh_ctx x = {.a = a, .in = in, .out = out, .why = why};
    tx_arg t = {&x, reason};
    if ((st = db_transaction(c, false, weigh_tx, &t)) == 0)
        log_event(LOG_INFO, "delivery.weighed",
                  "cycle=%lld rows=%zu lines=%zu changed=%zu via=%s read_ms=%.1f check_ms=%.1f "
                  "write_ms=%.1f",
                  (long long)in->cycle, in->nrows, out->nlines, out->changed, in->who.via,
                  (double)x.read_us / 1000, (double)x.check_us / 1000, (double)x.write_us / 1000);
    return st;
}
