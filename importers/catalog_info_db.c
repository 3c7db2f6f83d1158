/*
 * importers/catalog_info_db.c — the product information columns of products, read,
 * compared and written by a catalog import (importers/catalog_db.c).
 *
 * Kept apart from the price and stock columns so that the import's comparison and
 * its set-based writes stay as they were for those: the information is one more
 * group of columns in the same COPY, and one more UPDATE over arrays, in the same
 * transaction, for the changed products only.
 */
#include "../core/product_info.h"
#include "../core/util.h"
#include "catalog_write.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DB_STMT(update_changed_info,
        "UPDATE products p SET kind = nullif(v.kind, ''), ingredients = v.ingredients,"
        "       allergens = CASE WHEN v.stated THEN v.allergens::text[] END,"
        "       allergen_traces = v.traces::text[], net_quantity_milli = v.net,"
        "       net_unit = nullif(v.net_unit, ''), origin_country = nullif(v.origin, ''),"
        "       origin_region = v.region, labels = v.labels::text[], certifier = v.certifier,"
        "       alcohol_bp = v.alcohol, storage = v.storage"
        "  FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[], $6::text[],"
        "              $7::text[], $8::bigint[], $9::text[], $10::text[], $11::text[],"
        "              $12::text[], $13::text[], $14::int[], $15::text[])"
        "       AS v(sku, kind, ingredients, stated, allergens, traces, net, net_unit, origin,"
        "            region, labels, certifier, alcohol, storage)"
        " WHERE p.producer_id = $1 AND p.sku = v.sku");

/* COPY text format (as importers/catalog_write.c writes its columns). */
static void copy_text(buf *b, const char *s)
{
    buf_putc(b, '\t');
    for (; *s; s++) {
        if (*s == '\\')
            buf_puts(b, "\\\\");
        else if (*s == '\t')
            buf_puts(b, "\\t");
        else if (*s == '\n')
            buf_puts(b, "\\n");
        else if (*s == '\r')
            buf_puts(b, "\\r");
        else
            buf_putc(b, *s);
    }
}

static void copy_or_null(buf *b, const char *s)
{
    if (*s)
        copy_text(b, s);
    else
        buf_puts(b, "\t\\N");
}

void imp_info_copy(buf *b, const imp_info *i)
{
    copy_or_null(b, i->kind);
    copy_text(b, i->ingredients);
    buf_putc(b, '\t'); /* array literals hold no character COPY escapes */
    if (i->allergens < 0)
        buf_puts(b, "\\N");
    else
        pi_allergens_put(b, (uint32_t)i->allergens);
    buf_putc(b, '\t');
    pi_allergens_put(b, i->traces);
    if (i->net_quantity < 0)
        buf_puts(b, "\t\\N\t\\N");
    else
        buf_printf(b, "\t%lld\t%s", (long long)i->net_quantity, i->net_unit);
    copy_or_null(b, i->origin);
    copy_text(b, i->region);
    buf_putc(b, '\t');
    pi_labels_put(b, i->labels);
    copy_text(b, i->certifier);
    if (i->alcohol_bp < 0)
        buf_puts(b, "\t\\N");
    else
        buf_printf(b, "\t%d", i->alcohol_bp);
    copy_text(b, i->storage);
}

void imp_info_from_row(const PGresult *r, int row, imp_info *i)
{
    int c_all = PQfnumber(r, "allergens"), c_net = PQfnumber(r, "net_quantity_milli"),
        c_alc = PQfnumber(r, "alcohol_bp");
    *i = (imp_info){
        .kind = db_val(r, row, "kind"),
        .ingredients = db_val(r, row, "ingredients"),
        .allergens = PQgetisnull(r, row, c_all)
                         ? -1
                         : (int64_t)pi_allergens_from_array(PQgetvalue(r, row, c_all)),
        .traces = pi_allergens_from_array(db_val(r, row, "allergen_traces")),
        .net_quantity =
            PQgetisnull(r, row, c_net) ? -1 : strtoll(PQgetvalue(r, row, c_net), NULL, 10),
        .net_unit = db_val(r, row, "net_unit"),
        .origin = db_val(r, row, "origin_country"),
        .region = db_val(r, row, "origin_region"),
        .labels = pi_labels_from_array(db_val(r, row, "labels")),
        .certifier = db_val(r, row, "certifier"),
        .alcohol_bp = PQgetisnull(r, row, c_alc) ? -1 : atoi(PQgetvalue(r, row, c_alc)),
        .storage = db_val(r, row, "storage"),
        .missing = PQfnumber(r, "missing") >= 0 ? db_val(r, row, "missing") : "{}",
    };
}

/* Neutral text for a summary: codes joined by ", ", decimals with '.'. */
static const char *codes_text(arena *a, uint32_t mask, bool allergen)
{
    const char *lit = allergen ? pi_allergens_array(a, mask) : pi_labels_array(a, mask);
    char *t = arena_strndup(a, lit + 1, strlen(lit) - 2);
    buf b = BUF_INIT;
    for (const char *s = t; *s; s++) {
        if (*s == ',')
            buf_puts(&b, ", ");
        else
            buf_putc(&b, *s);
    }
    const char *out = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return out;
}

void imp_info_compare(arena *a, const imp_info *was, const imp_info *now, imp_info_changed fn,
                      void *arg)
{
    char d[32];
#define TEXT(field, member)                                                                        \
    if (strcmp(was->member, now->member))                                                          \
        fn(arg, field, *was->member ? was->member : NULL, *now->member ? now->member : NULL);
    TEXT("kind", kind)
    TEXT("ingredients", ingredients)
    if (was->allergens != now->allergens)
        fn(arg, "allergens",
           was->allergens < 0 ? NULL : codes_text(a, (uint32_t)was->allergens, true),
           now->allergens < 0 ? NULL : codes_text(a, (uint32_t)now->allergens, true));
    if (was->traces != now->traces)
        fn(arg, "traces", codes_text(a, was->traces, true), codes_text(a, now->traces, true));
    if (was->net_quantity != now->net_quantity || strcmp(was->net_unit, now->net_unit)) {
        const char *o =
            was->net_quantity < 0
                ? NULL
                : arena_printf(a, "%s %s", dec_format(d, was->net_quantity, 3, 0), was->net_unit);
        fn(arg, "net_quantity", o,
           now->net_quantity < 0
               ? NULL
               : arena_printf(a, "%s %s", dec_format(d, now->net_quantity, 3, 0), now->net_unit));
    }
    TEXT("origin", origin)
    TEXT("region", region)
    if (was->labels != now->labels)
        fn(arg, "labels", codes_text(a, was->labels, false), codes_text(a, now->labels, false));
    TEXT("certifier", certifier)
    if (was->alcohol_bp != now->alcohol_bp) {
        const char *o =
            was->alcohol_bp < 0 ? NULL : arena_strdup(a, dec_format(d, was->alcohol_bp, 2, 0));
        fn(arg, "alcohol", o,
           now->alcohol_bp < 0 ? NULL : arena_strdup(a, dec_format(d, now->alcohol_bp, 2, 0)));
    }
    TEXT("storage", storage)
#undef TEXT
}

/* Array literals for unnest(): text elements quoted, "" standing for NULL where the
 * statement says so (nullif), NULL elements for numbers. */
static void arr_text(buf *b, const char *s)
{
    buf_putc(b, b->len ? ',' : '{');
    buf_putc(b, '"');
    for (; *s; s++) {
        if (*s == '"' || *s == '\\')
            buf_putc(b, '\\');
        buf_putc(b, *s);
    }
    buf_putc(b, '"');
}

static void arr_raw(buf *b, const char *s)
{
    buf_putc(b, b->len ? ',' : '{');
    buf_puts(b, s);
}

enum {
    X_SKU,
    X_KIND,
    X_ING,
    X_STATED,
    X_ALL,
    X_TR,
    X_NET,
    X_NETU,
    X_ORI,
    X_REG,
    X_LAB,
    X_CERT,
    X_ALC,
    X_STO,
    X_COUNT
};

db_status imp_write_changed_info(db_conn *c, arena *a, int64_t producer, const imp_changed *changed,
                                 size_t n)
{
    buf col[X_COUNT];
    for (int k = 0; k < X_COUNT; k++)
        col[k] = (buf)BUF_INIT;
    for (size_t k = 0; k < n; k++) {
        const imp_product *p = changed[k].product;
        const imp_info *i = &p->info;
        arr_text(&col[X_SKU], p->sku);
        arr_text(&col[X_KIND], i->kind);
        arr_text(&col[X_ING], i->ingredients);
        arr_raw(&col[X_STATED], i->allergens >= 0 ? "t" : "f");
        arr_text(&col[X_ALL],
                 pi_allergens_array(a, i->allergens >= 0 ? (uint32_t)i->allergens : 0));
        arr_text(&col[X_TR], pi_allergens_array(a, i->traces));
        arr_raw(&col[X_NET],
                i->net_quantity < 0 ? "NULL" : arena_printf(a, "%lld", (long long)i->net_quantity));
        arr_text(&col[X_NETU], i->net_unit);
        arr_text(&col[X_ORI], i->origin);
        arr_text(&col[X_REG], i->region);
        arr_text(&col[X_LAB], pi_labels_array(a, i->labels));
        arr_text(&col[X_CERT], i->certifier);
        arr_raw(&col[X_ALC], i->alcohol_bp < 0 ? "NULL" : arena_printf(a, "%d", i->alcohol_bp));
        arr_text(&col[X_STO], i->storage);
    }
    const char *v[X_COUNT];
    for (int k = 0; k < X_COUNT; k++) {
        buf_putc(&col[k], '}');
        v[k] = arena_strdup(a, buf_str(&col[k]));
        buf_free(&col[k]);
    }
    return db_do(c, &update_changed_info,
                 DB_P(db_i64(a, producer), v[X_SKU], v[X_KIND], v[X_ING], v[X_STATED], v[X_ALL],
                      v[X_TR], v[X_NET], v[X_NETU], v[X_ORI], v[X_REG], v[X_LAB], v[X_CERT],
                      v[X_ALC], v[X_STO]));
}
