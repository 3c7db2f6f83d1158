/*
 * importers/catalog_db.c — apply a parsed catalog to a producer's products.
 *
 * One READ COMMITTED transaction per import:
 *   1. the producer row FOR NO KEY UPDATE, so two imports for one producer take
 *      turns (cycle creation, which only takes KEY SHARE on it, is not held up),
 *   2. every stored product of the producer, in one query,
 *   3. the comparison in C, through a hash of skus: new, changed (which fields),
 *      unchanged, and stored products the file no longer mentions,
 *   4. unless it is a dry run: new products by COPY straight into products,
 *      changed ones by one UPDATE over unnest() arrays, absent ones deactivated
 *      by one UPDATE when asked. Unchanged rows are not written at all, so
 *      re-importing a file leaves updated_at (and the table) as it was.
 * A dry run runs 1-3 and rolls back. No statement is issued per product: 100 000
 * products cost a handful of round trips, and the time goes to PostgreSQL's own
 * index and foreign-key work (bench/import.sh).
 */
#include "catalog_db.h"
#include "../core/config.h"
#include "../core/log.h"
#include "../core/product_info_sql.h"
#include "../core/util.h"
#include "catalog_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DB_STMT(producer_by_slug, "SELECT id, slug, name, vat_regime = 'franchise' AS franchise"
                          "  FROM producers WHERE hub_id = $1 AND slug = $2");
DB_STMT(hub_producers, "SELECT id, slug, name, vat_regime = 'franchise' AS franchise"
                       "  FROM producers WHERE hub_id = $1 ORDER BY name, slug");
DB_STMT(lock_producer, "SELECT id FROM producers WHERE id = $1 FOR NO KEY UPDATE");
DB_STMT(stored_products, "SELECT " PRODUCT_COLUMNS " FROM products WHERE producer_id = $1");
DB_STMT(list_products, "SELECT " PRODUCT_COLUMNS ", " PRODUCT_INFO_MISSING_OF_P " AS missing"
                       " FROM products p WHERE producer_id = $1 ORDER BY category, name, sku");
DB_STMT(one_product, "SELECT " PRODUCT_COLUMNS ", photo, " PRODUCT_INFO_MISSING_OF_P " AS missing"
                     " FROM products p WHERE producer_id = $1 AND sku = $2");
DB_STMT(deactivate_absent, "UPDATE products SET active = false, updated_at = now()"
                           " WHERE producer_id = $1 AND sku = ANY($2::text[]) AND active");

/* the transaction callback's "roll back": all went well, or the file has problems */
#define DRY_RUN_DONE 1
#define REFUSED      2

/* ---- reading products --------------------------------------------------- */

enum {
    C_SKU,
    C_NAME,
    C_CAT,
    C_UNIT,
    C_EXCL,
    C_INCL,
    C_VAT,
    C_WEIGHT,
    C_STOCK,
    C_STEP,
    C_ORGANIC,
    C_DESC,
    C_ACTIVE,
    C_MEASURE,
    C_MPRICE,
    C_ESTIMATE,
    C_COUNT
};
static const char *const column_names[C_COUNT] = {"sku",
                                                  "name",
                                                  "category",
                                                  "unit",
                                                  "price_excl_vat_e4",
                                                  "price_incl_vat_cents",
                                                  "vat_rate_bp",
                                                  "weight_g",
                                                  "stock_milli",
                                                  "step_milli",
                                                  "organic",
                                                  "description",
                                                  "active",
                                                  "measure",
                                                  "measure_price_excl_vat_e4",
                                                  "measure_estimate_milli"};

static void column_numbers(const PGresult *r, int *col)
{
    for (int i = 0; i < C_COUNT; i++)
        if ((col[i] = PQfnumber(r, column_names[i])) < 0)
            die("no column %s in result", column_names[i]);
}

/* -1 for NULL: unknown weight, unlimited stock, price not stated including VAT. */
static int64_t int_or_none(const PGresult *r, int row, int col)
{
    return PQgetisnull(r, row, col) ? -1 : strtoll(PQgetvalue(r, row, col), NULL, 10);
}

/* A stored row as an imp_product; strings point into r (which the arena owns). */
static void row_product(const PGresult *r, int row, const int *col, imp_product *p)
{
    memset(p, 0, sizeof *p);
    p->line = p->row = row + 1;
    p->sku = PQgetvalue(r, row, col[C_SKU]);
    p->name = PQgetvalue(r, row, col[C_NAME]);
    p->category = PQgetvalue(r, row, col[C_CAT]);
    p->unit = PQgetvalue(r, row, col[C_UNIT]);
    p->description = PQgetvalue(r, row, col[C_DESC]);
    p->price_excl_vat = int_or_none(r, row, col[C_EXCL]);
    p->price_incl_vat = int_or_none(r, row, col[C_INCL]);
    p->vat_rate = (vat_bp_t)int_or_none(r, row, col[C_VAT]);
    p->weight_g = int_or_none(r, row, col[C_WEIGHT]);
    p->stock = int_or_none(r, row, col[C_STOCK]);
    p->step = int_or_none(r, row, col[C_STEP]);
    p->organic =
        PQgetisnull(r, row, col[C_ORGANIC]) ? -1 : PQgetvalue(r, row, col[C_ORGANIC])[0] == 't';
    p->active = PQgetvalue(r, row, col[C_ACTIVE])[0] == 't';
    p->measure = PQgetisnull(r, row, col[C_MEASURE]) ? NULL : PQgetvalue(r, row, col[C_MEASURE]);
    p->measure_price = p->measure ? int_or_none(r, row, col[C_MPRICE]) : 0;
    p->measure_estimate = p->measure ? int_or_none(r, row, col[C_ESTIMATE]) : 0;
    imp_info_from_row(r, row, &p->info);
}

db_status imp_producer_find(db_conn *c, arena *a, int64_t hub, const char *slug, imp_producer *p,
                            bool *found)
{
    PGresult *r;
    memset(p, 0, sizeof *p);
    *found = false;
    if (!slug || !slug_valid(slug))
        return DB_OK; /* not a slug: certainly no producer, and no query */
    db_status st = db_run_a(c, a, &producer_by_slug, &r, DB_P(db_i64(a, hub), slug));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    p->id = db_int(r, 0, "id");
    p->slug = db_val(r, 0, "slug");
    p->name = db_val(r, 0, "name");
    p->franchise = db_bool(r, 0, "franchise");
    *found = true;
    return DB_OK;
}

db_status imp_producer_list(db_conn *c, arena *a, int64_t hub, imp_producer **producers, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &hub_producers, &r, DB_P(db_i64(a, hub)));
    *producers = NULL;
    *n = 0;
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    imp_producer *out = arena_alloc(a, ((size_t)rows + 1) * sizeof *out);
    for (int i = 0; i < rows; i++)
        out[i] = (imp_producer){db_int(r, i, "id"), db_val(r, i, "slug"), db_val(r, i, "name"),
                                db_bool(r, i, "franchise")};
    *producers = out;
    *n = (size_t)rows;
    return DB_OK;
}

db_status imp_catalog_list(db_conn *c, arena *a, int64_t producer_id, imp_product **products,
                           size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &list_products, &r, DB_P(db_i64(a, producer_id)));
    *products = NULL;
    *n = 0;
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r), col[C_COUNT];
    column_numbers(r, col);
    imp_product *out = arena_alloc(a, ((size_t)rows + 1) * sizeof *out);
    for (int i = 0; i < rows; i++)
        row_product(r, i, col, &out[i]);
    *products = out;
    *n = (size_t)rows;
    return DB_OK;
}

db_status imp_product_get(db_conn *c, arena *a, int64_t producer_id, const char *sku,
                          imp_product *p, const char **photo, bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &one_product, &r, DB_P(db_i64(a, producer_id), sku));
    if (st != DB_OK || PQntuples(r) != 1)
        return st;
    int col[C_COUNT];
    column_numbers(r, col);
    row_product(r, 0, col, p);
    *photo = db_val(r, 0, "photo");
    *found = true;
    return DB_OK;
}

/* ---- comparing the file with what is stored ----------------------------- */

typedef struct {
    imp_product p;
    bool seen; /* the file has it */
} stored_product;

/* Stored products by sku: open addressing over indexes into rows. */
typedef struct {
    stored_product *rows;
    size_t n;
    int32_t *slots; /* -1: empty */
    size_t mask;
} stored_set;

static uint64_t sku_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void stored_load(arena *a, const PGresult *r, stored_set *s)
{
    int col[C_COUNT];
    column_numbers(r, col);
    s->n = (size_t)PQntuples(r);
    s->rows = arena_alloc(a, (s->n + 1) * sizeof *s->rows);
    size_t cap = 16;
    while (cap < 2 * s->n)
        cap *= 2;
    s->slots = arena_alloc(a, cap * sizeof *s->slots);
    memset(s->slots, 0xff, cap * sizeof *s->slots);
    s->mask = cap - 1;
    for (size_t i = 0; i < s->n; i++) {
        stored_product *sp = &s->rows[i];
        row_product(r, (int)i, col, &sp->p);
        size_t k = sku_hash(sp->p.sku) & s->mask;
        while (s->slots[k] >= 0)
            k = (k + 1) & s->mask;
        s->slots[k] = (int32_t)i;
    }
}

static stored_product *stored_find(const stored_set *s, const char *sku)
{
    for (size_t k = sku_hash(sku) & s->mask; s->slots[k] >= 0; k = (k + 1) & s->mask)
        if (strcmp(s->rows[s->slots[k]].p.sku, sku) == 0)
            return &s->rows[s->slots[k]];
    return NULL;
}

#define MAX_CHANGES 29

typedef struct {
    arena *a;
    imp_change v[MAX_CHANGES];
    size_t n;
} change_list;

static void changed(change_list *l, const char *field, const char *old_value, const char *new_value)
{
    l->v[l->n++] = (imp_change){field, old_value, new_value};
}

static void info_changed(void *arg, const char *field, const char *old_value, const char *new_value)
{
    changed(arg, field, old_value, new_value);
}

/* v / 10^scale as text, NULL for "none" (v < 0 where -1 means unknown or unlimited). */
static const char *dec_text(arena *a, int64_t v, int scale, int min_decimals)
{
    char b[32];
    return v < 0 ? NULL : arena_strdup(a, dec_format(b, v, scale, min_decimals));
}

static const char *bool_text(int v)
{
    return v < 0 ? NULL : v ? "true" : "false";
}

static void compare_text(change_list *l, const char *field, const char *was, const char *now)
{
    if (strcmp(was, now) != 0)
        changed(l, field, was, now);
}

static void compare_number(change_list *l, const char *field, int64_t was, int64_t now, int scale,
                           int min_decimals)
{
    if (was != now)
        changed(l, field, dec_text(l->a, was, scale, min_decimals),
                dec_text(l->a, now, scale, min_decimals));
}

/* What the file changes in a stored product. A price stated including VAT is
 * compared as stated: its four-decimal price excluding VAT follows from it and
 * the rate, so it is named only when nothing else explains its change. */
static void compare_product(const imp_product *was, const imp_product *now, change_list *l)
{
    compare_text(l, "name", was->name, now->name);
    compare_text(l, "category", was->category, now->category);
    compare_text(l, "unit", was->unit, now->unit);
    bool both_incl = was->price_incl_vat >= 0 && now->price_incl_vat >= 0;
    bool explained =
        both_incl && (was->price_incl_vat != now->price_incl_vat || was->vat_rate != now->vat_rate);
    if (!explained)
        compare_number(l, "price", was->price_excl_vat, now->price_excl_vat, 4, 2);
    compare_number(l, "price_incl_vat", was->price_incl_vat, now->price_incl_vat, 2, 2);
    compare_number(l, "vat_rate", was->vat_rate, now->vat_rate, 2, 0);
    compare_number(l, "weight_kg", was->weight_g, now->weight_g, 3, 0);
    compare_number(l, "stock", was->stock, now->stock, 3, 0);
    compare_number(l, "step", was->step, now->step, 3, 0);
    if (was->organic != now->organic)
        changed(l, "organic", bool_text(was->organic), bool_text(now->organic));
    compare_text(l, "description", was->description, now->description);
    /* priced by the kg or litre: by which, at what price, for what estimate a unit */
    if (strcmp(was->measure ? was->measure : "", now->measure ? now->measure : "") != 0)
        changed(l, "measure", was->measure, now->measure);
    compare_number(l, "measure_price", was->measure ? was->measure_price : -1,
                   now->measure ? now->measure_price : -1, 4, 2);
    compare_number(l, "estimate", was->measure ? was->measure_estimate : -1,
                   now->measure ? now->measure_estimate : -1, 3, 0);
    if (was->active != now->active)
        changed(l, "active", bool_text(was->active), bool_text(now->active));
    imp_info_compare(l->a, &was->info, &now->info, info_changed, l);
    /* a stored row that differs in a way none of the above shows (an excl. price
     * edited by hand, say) still differs: say so rather than hide the write */
    if (l->n == 0 && was->price_excl_vat != now->price_excl_vat)
        compare_number(l, "price", was->price_excl_vat, now->price_excl_vat, 4, 2);
}

static int absent_order(const void *x, const void *y)
{
    return strcmp(((const imp_absent *)x)->sku, ((const imp_absent *)y)->sku);
}

/* What the transaction needs, and what it found. */
typedef struct {
    arena *a;
    int64_t hub;
    const imp_producer *producer;
    imp_options opt;
    imp_catalog *cat;
    const imp_request *in;
    imp_summary *sum;
    const char **absent_skus; /* of summary->absent, for the UPDATE */
    bool parsed;              /* the file was read (in the transaction) */
    const stored_set *stored;
    imp_copy copy;  /* new products, on their way in as the file is read */
    bool streaming; /* still sending: a real import, no problem so far */
} apply_ctx;

/* Read the file (and check what the database will take), telling on_product. */
static void parse(apply_ctx *x, const imp_options *opt)
{
    x->cat->mem = x->a;
    imp_parse(x->in->data ? x->in->data : "", x->in->data ? x->in->len : 0, opt, x->cat);
    imp_check_storable(x->cat);
    x->parsed = true;
}

/* The parser keeps a product: a new one goes into the COPY at once, unless the file
 * already has a problem (then it will be refused, and nothing more is sent). */
static void stream_product(void *arg, const imp_catalog *cat, const imp_product *p)
{
    apply_ctx *x = arg;
    if (!x->streaming)
        return;
    if (cat->nproblems) {
        x->streaming = false;
        return;
    }
    if (!stored_find(x->stored, p->sku))
        imp_copy_add(&x->copy, p);
}

static void summarize(apply_ctx *x, stored_set *stored)
{
    imp_summary *sum = x->sum;
    const imp_catalog *cat = x->cat;
    size_t n = cat->nproducts;
    sum->created = arena_alloc(x->a, (n + 1) * sizeof *sum->created);
    sum->changed = arena_alloc(x->a, (n + 1) * sizeof *sum->changed);
    for (size_t i = 0; i < n; i++) {
        const imp_product *p = &cat->products[i];
        stored_product *s = stored_find(stored, p->sku);
        if (!s) {
            sum->created[sum->ncreated++] = p;
            continue;
        }
        s->seen = true;
        change_list l = {.a = x->a};
        compare_product(&s->p, p, &l);
        if (l.n == 0) {
            sum->nunchanged++;
            continue;
        }
        imp_change *v = arena_alloc(x->a, l.n * sizeof *v);
        memcpy(v, l.v, l.n * sizeof *v);
        sum->changed[sum->nchanged++] = (imp_changed){p, v, l.n};
    }
    imp_absent *abs = arena_alloc(x->a, (stored->n + 1) * sizeof *abs);
    size_t na = 0;
    for (size_t i = 0; i < stored->n; i++)
        if (!stored->rows[i].seen && stored->rows[i].p.active)
            abs[na++] = (imp_absent){stored->rows[i].p.sku, stored->rows[i].p.name};
    qsort(abs, na, sizeof *abs, absent_order);
    sum->absent = abs;
    x->absent_skus = arena_alloc(x->a, (na + 1) * sizeof *x->absent_skus);
    for (size_t i = 0; i < na; i++)
        x->absent_skus[i] = abs[i].sku;
    sum->nabsent = na;
}

/* Lock the producer, read what is stored, then read the file while its new products
 * are COPYed in; compare, update the changed ones, deactivate the missing ones. One
 * problem in the file and the whole transaction rolls back (REFUSED). */
static int apply_tx(db_conn *c, void *p)
{
    apply_ctx *x = p;
    imp_summary *sum = x->sum;
    bool dry = sum->dry_run, deactivate = sum->deactivate_missing;
    memset(sum, 0, sizeof *sum); /* a replayed transaction starts over */
    sum->dry_run = dry;
    sum->deactivate_missing = deactivate;
    x->parsed = false;
    const char *producer = db_i64(x->a, x->producer->id);
    PGresult *r;
    int st = db_run_a(c, x->a, &lock_producer, &r, DB_P(producer));
    if (st == DB_OK)
        st = db_run_a(c, x->a, &stored_products, &r, DB_P(producer));
    if (st != DB_OK)
        return st;
    stored_set stored;
    stored_load(x->a, r, &stored);
    x->stored = &stored;
    imp_copy_init(&x->copy, c, x->hub, x->producer->id);
    x->streaming = !dry;
    imp_options opt = x->opt;
    opt.on_product = stream_product;
    opt.on_product_arg = x;
    parse(x, &opt);
    x->stored = NULL;
    if (x->cat->nproblems) {
        imp_copy_cancel(&x->copy);
        return REFUSED;
    }
    summarize(x, &stored);
    if (dry)
        return DRY_RUN_DONE;
    if ((st = imp_copy_finish(&x->copy)) != DB_OK)
        return st;
    if (x->copy.rows != sum->ncreated) { /* they are the same rule: it cannot differ */
        log_event(LOG_ERROR, "catalog.copy_mismatch", "copied=%zu new=%zu", x->copy.rows,
                  sum->ncreated);
        return DB_ERROR;
    }
    if (sum->nchanged &&
        ((st = imp_write_changed(c, x->a, x->producer->id, sum->changed, sum->nchanged)) != DB_OK ||
         (st = imp_write_changed_info(c, x->a, x->producer->id, sum->changed, sum->nchanged)) !=
             DB_OK))
        return st;
    if (deactivate && sum->nabsent)
        st = db_do(c, &deactivate_absent,
                   DB_P(producer, db_text_array(x->a, x->absent_skus, sum->nabsent)));
    return st;
}

/* ---- the whole import --------------------------------------------------- */

int imp_catalog_import(db_conn *c, arena *a, int64_t hub, const imp_request *in, imp_result *res,
                       refusal *why)
{
    int64_t started = now_us();
    memset(res, 0, sizeof *res);
    bool found;
    int st = imp_producer_find(c, a, hub, in->producer_slug, &res->producer, &found);
    if (st != DB_OK)
        return st;
    if (!found) {
        bool quotable = in->producer_slug && slug_valid(in->producer_slug);
        return refuse(
            why, 404, "unknown_producer", "producer",
            quotable ? arena_printf(a, "Il n’y a pas de producteur « %s » ici.", in->producer_slug)
                     : "Ce producteur n’existe pas.",
            quotable ? arena_printf(a, "There is no producer \"%s\" here.", in->producer_slug)
                     : "There is no such producer.");
    }
    imp_options opt = {in->format,
                       in->encoding,
                       res->producer.franchise,
                       g_config.catalog_max_bytes,
                       g_config.catalog_max_rows > 0 ? (size_t)g_config.catalog_max_rows : 0,
                       g_config.catalog_max_field_bytes,
                       NULL,
                       NULL};
    res->summary.dry_run = in->dry_run;
    res->summary.deactivate_missing = in->deactivate_missing;
    apply_ctx x = {.a = a,
                   .hub = hub,
                   .producer = &res->producer,
                   .opt = opt,
                   .cat = &res->catalog,
                   .in = in,
                   .sum = &res->summary};
    st = db_transaction(c, false, apply_tx, &x);
    if (st < 0 && !x.parsed)
        parse(&x, &opt); /* the database failed first: the file's problems still come first */
    if (x.parsed && res->catalog.nproblems) {
        size_t n = res->catalog.nproblems;
        log_event(LOG_INFO, "catalog.refused", "producer=%lld problems=%zu bytes=%zu",
                  (long long)res->producer.id, n, in->len);
        return refuse(
            why, 422, "invalid_catalog", NULL,
            n == 1 ? "Le catalogue a un problème ; rien n’a été importé."
                   : arena_printf(a, "Le catalogue a %zu problèmes ; rien n’a été importé.", n),
            n == 1 ? "The catalog has one problem; nothing was imported."
                   : arena_printf(a, "The catalog has %zu problems; nothing was imported.", n));
    }
    if (st == DRY_RUN_DONE)
        st = 0;
    if (st == 0) {
        const imp_summary *s = &res->summary;
        log_event(LOG_INFO, "catalog.imported",
                  "producer=%lld dry_run=%d products=%zu new=%zu changed=%zu unchanged=%zu "
                  "absent=%zu deactivated=%d us=%lld",
                  (long long)res->producer.id, s->dry_run, res->catalog.nproducts, s->ncreated,
                  s->nchanged, s->nunchanged, s->nabsent, s->deactivate_missing,
                  (long long)(now_us() - started));
    }
    return st;
}
