/*
 * importers/catalog_write.c — new and changed products into the table, whatever their number.
 *
 * The writing half of importers/catalog_db.c, inside its transaction. New products
 * go straight into products with COPY, row by row as the parser keeps them, sent in
 * pieces of 64 KB without waiting (core/db.c): PostgreSQL takes them in while the
 * parser reads the next part of the file. Changed products are one UPDATE joining
 * unnest() over one array per column, matched by sku. Either way a handful of round
 * trips, never a statement per product.
 */
#include "catalog_write.h"
#include "../core/buf.h"

#include <stdio.h>
#include <string.h>

DB_STMT(copy_new, "COPY products (hub_id, producer_id, " PRODUCT_COLUMNS ") FROM STDIN");
DB_STMT(update_changed,
        "UPDATE products p SET name = v.name, category = v.category, unit = v.unit,"
        "       price_excl_vat_e4 = v.excl, price_incl_vat_cents = v.incl, vat_rate_bp = v.vat,"
        "       weight_g = v.weight, stock_milli = v.stock, step_milli = v.step,"
        "       organic = v.organic, description = v.description, active = v.active,"
        "       measure = v.measure, measure_price_excl_vat_e4 = v.mprice,"
        "       measure_estimate_milli = v.estimate, updated_at = now()"
        "  FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[],"
        "              $7::bigint[], $8::int[], $9::bigint[], $10::bigint[], $11::bigint[],"
        "              $12::boolean[], $13::text[], $14::boolean[], $15::text[], $16::bigint[],"
        "              $17::bigint[])"
        "       AS v(sku, name, category, unit, excl, incl, vat, weight, stock, step, organic,"
        "            description, active, measure, mprice, estimate)"
        " WHERE p.producer_id = $1 AND p.sku = v.sku");

#define COPY_CHUNK (64 << 10) /* small pieces keep the socket full while parsing goes on */

static void put_int(buf *b, int64_t v)
{
    char d[24], *p = d + sizeof d;
    uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    buf_append(b, p, (size_t)(d + sizeof d - p));
}

/* COPY text format: backslash, tab and line ends escaped; \N is NULL. */
static void copy_text(buf *b, const char *s)
{
    const char *run = s;
    for (; *s; s++) {
        const char *esc = *s == '\\'   ? "\\\\"
                          : *s == '\t' ? "\\t"
                          : *s == '\n' ? "\\n"
                          : *s == '\r' ? "\\r"
                                       : NULL;
        if (!esc)
            continue;
        buf_append(b, run, (size_t)(s - run));
        buf_puts(b, esc);
        run = s + 1;
    }
    buf_append(b, run, (size_t)(s - run));
}

static void copy_int(buf *b, int64_t v, bool none_is_null)
{
    if (none_is_null && v < 0)
        buf_puts(b, "\\N");
    else
        put_int(b, v);
}

static void copy_row(buf *b, const char *prefix, const imp_product *p)
{
    buf_puts(b, prefix);
    copy_text(b, p->sku);
    buf_putc(b, '\t');
    copy_text(b, p->name);
    buf_putc(b, '\t');
    copy_text(b, p->category);
    buf_putc(b, '\t');
    copy_text(b, p->unit);
    buf_putc(b, '\t');
    copy_int(b, p->price_excl_vat, false);
    buf_putc(b, '\t');
    copy_int(b, p->price_incl_vat, true);
    buf_putc(b, '\t');
    copy_int(b, p->vat_rate, false);
    buf_putc(b, '\t');
    copy_int(b, p->weight_g, true);
    buf_putc(b, '\t');
    copy_int(b, p->stock, true);
    buf_putc(b, '\t');
    copy_int(b, p->step, false);
    buf_puts(b, p->organic < 0 ? "\t\\N\t" : p->organic ? "\tt\t" : "\tf\t");
    copy_text(b, p->description);
    buf_puts(b, p->active ? "\tt\t" : "\tf\t");
    /* priced by the kg or litre (importers/catalog_weighed.c), or three NULLs */
    if (p->measure) {
        copy_text(b, p->measure);
        buf_putc(b, '\t');
        copy_int(b, p->measure_price, false);
        buf_putc(b, '\t');
        copy_int(b, p->measure_estimate, false);
    } else {
        buf_puts(b, "\\N\t\\N\t\\N");
    }
    imp_info_copy(b, &p->info);
    buf_putc(b, '\n');
}

void imp_copy_init(imp_copy *w, db_conn *c, int64_t hub, int64_t producer)
{
    memset(w, 0, sizeof *w);
    w->c = c;
    w->b = (buf)BUF_INIT;
    snprintf(w->prefix, sizeof w->prefix, "%lld\t%lld\t", (long long)hub, (long long)producer);
}

void imp_copy_add(imp_copy *w, const imp_product *p)
{
    if (w->st != DB_OK)
        return; /* the COPY failed: imp_copy_finish says so */
    if (!w->open) {
        w->open = true;
        if ((w->st = db_copy_begin(w->c, &copy_new)) != DB_OK)
            return;
    }
    copy_row(&w->b, w->prefix, p);
    w->rows++;
    if (w->b.len >= COPY_CHUNK) {
        w->st = db_copy_send(w->c, w->b.data, w->b.len);
        buf_reset(&w->b);
    }
}

db_status imp_copy_finish(imp_copy *w)
{
    db_status st = w->st;
    if (w->open) {
        if (st == DB_OK && w->b.len)
            st = db_copy_send(w->c, w->b.data, w->b.len);
        db_status end = db_copy_end(w->c);
        if (st == DB_OK)
            st = end;
    }
    buf_free(&w->b);
    w->open = false;
    return st;
}

void imp_copy_cancel(imp_copy *w)
{
    if (w->open)
        db_copy_cancel(w->c, "the catalog was refused");
    buf_free(&w->b);
    w->open = false;
}

/* Array literals for unnest(): one per column, NULL elements where -1 means none. */
static void arr_sep(buf *b)
{
    buf_putc(b, b->len == 0 ? '{' : ',');
}

static void arr_text(buf *b, const char *s)
{
    arr_sep(b);
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void arr_int(buf *b, int64_t v, bool none_is_null)
{
    arr_sep(b);
    if (none_is_null && v < 0)
        buf_puts(b, "NULL");
    else
        put_int(b, v);
}

static void arr_bool(buf *b, int v)
{
    arr_sep(b);
    buf_puts(b, v < 0 ? "NULL" : v ? "t" : "f");
}

enum {
    A_SKU,
    A_NAME,
    A_CAT,
    A_UNIT,
    A_EXCL,
    A_INCL,
    A_VAT,
    A_WEIGHT,
    A_STOCK,
    A_STEP,
    A_ORGANIC,
    A_DESC,
    A_ACTIVE,
    A_MEASURE,
    A_MPRICE,
    A_ESTIMATE,
    A_COUNT
};

db_status imp_write_changed(db_conn *c, arena *a, int64_t producer, const imp_changed *changed,
                            size_t n)
{
    buf col[A_COUNT];
    for (int k = 0; k < A_COUNT; k++)
        col[k] = (buf)BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        const imp_product *p = changed[i].product;
        arr_text(&col[A_SKU], p->sku);
        arr_text(&col[A_NAME], p->name);
        arr_text(&col[A_CAT], p->category);
        arr_text(&col[A_UNIT], p->unit);
        arr_int(&col[A_EXCL], p->price_excl_vat, false);
        arr_int(&col[A_INCL], p->price_incl_vat, true);
        arr_int(&col[A_VAT], p->vat_rate, false);
        arr_int(&col[A_WEIGHT], p->weight_g, true);
        arr_int(&col[A_STOCK], p->stock, true);
        arr_int(&col[A_STEP], p->step, false);
        arr_bool(&col[A_ORGANIC], p->organic);
        arr_text(&col[A_DESC], p->description);
        arr_bool(&col[A_ACTIVE], p->active);
        if (p->measure)
            arr_text(&col[A_MEASURE], p->measure);
        else
            arr_int(&col[A_MEASURE], -1, true);
        arr_int(&col[A_MPRICE], p->measure ? p->measure_price : -1, true);
        arr_int(&col[A_ESTIMATE], p->measure ? p->measure_estimate : -1, true);
    }
    const char *v[A_COUNT];
    for (int k = 0; k < A_COUNT; k++) {
        buf_putc(&col[k], '}');
        v[k] = col[k].data;
    }
    db_status st =
        db_do(c, &update_changed,
              DB_P(db_i64(a, producer), v[A_SKU], v[A_NAME], v[A_CAT], v[A_UNIT], v[A_EXCL],
                   v[A_INCL], v[A_VAT], v[A_WEIGHT], v[A_STOCK], v[A_STEP], v[A_ORGANIC], v[A_DESC],
                   v[A_ACTIVE], v[A_MEASURE], v[A_MPRICE], v[A_ESTIMATE]));
    for (int k = 0; k < A_COUNT; k++)
        buf_free(&col[k]);
    return st;
}
