/*
 * importers/catalog_write.h — the set-based writes of a catalog import (internal to
 * importers/catalog_db.c and importers/catalog_write.c).
 */
#ifndef KM0_IMP_CATALOG_WRITE_H
#define KM0_IMP_CATALOG_WRITE_H

#include "../core/buf.h"
#include "catalog_db.h"

/* The columns of products an import sets, in this order everywhere. */
#define PRODUCT_COLUMNS                                                                            \
    "sku, name, category, unit, price_excl_vat_e4, price_incl_vat_cents, vat_rate_bp, weight_g,"   \
    " stock_milli, step_milli, organic, description, active, measure, measure_price_excl_vat_e4,"  \
    " measure_estimate_milli, " PRODUCT_INFO_COLUMNS
/* The product information (importers/catalog_info_db.c), in this order. */
#define PRODUCT_INFO_COLUMNS                                                                       \
    "kind, ingredients, allergens, allergen_traces, net_quantity_milli, net_unit,"                 \
    " origin_country, origin_region, labels, certifier, alcohol_bp, storage"

/* New products, COPYed in as they come: the COPY begins with the first row and
 * sends every 64 KB, so PostgreSQL writes while the caller goes on parsing. */
typedef struct imp_copy {
    db_conn *c;
    char prefix[48]; /* "hub\tproducer\t" */
    buf b;
    size_t rows;
    bool open;    /* the COPY has begun */
    db_status st; /* its first failure */
} imp_copy;

void imp_copy_init(imp_copy *w, db_conn *c, int64_t hub, int64_t producer);
/* One more new product (of w's producer, which the caller compared first). */
void imp_copy_add(imp_copy *w, const imp_product *p);
/* End the COPY: DB_OK when every row went in (or there was none). */
db_status imp_copy_finish(imp_copy *w);
/* The file was refused: cancel the COPY (the caller rolls back). */
void imp_copy_cancel(imp_copy *w);

/* Set every column of the producer's stored products changed[i].product->sku to
 * changed[i].product's values. */
db_status imp_write_changed(db_conn *c, arena *a, int64_t producer, const imp_changed *changed,
                            size_t n);

/* ---- product information (importers/catalog_info_db.c) ---- */
/* The information columns of a COPY row, each after a tab. */
void imp_info_copy(buf *b, const imp_info *i);
/* A stored row's information (columns PRODUCT_INFO_COLUMNS, read by name). */
void imp_info_from_row(const PGresult *r, int row, imp_info *i);
/* Each information field that differs, as neutral text (NULL: not stated). */
typedef void (*imp_info_changed)(void *arg, const char *field, const char *old_value,
                                 const char *new_value);
void imp_info_compare(arena *a, const imp_info *was, const imp_info *now, imp_info_changed fn,
                      void *arg);
/* The information of the changed products, in one UPDATE over arrays. */
db_status imp_write_changed_info(db_conn *c, arena *a, int64_t producer, const imp_changed *changed,
                                 size_t n);

#endif
