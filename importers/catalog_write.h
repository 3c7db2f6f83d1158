/*
 * importers/catalog_write.h — the set-based writes of a catalog import (internal to
 * importers/catalog_db.c and importers/catalog_write.c).
 */
#ifndef KM0_IMP_CATALOG_WRITE_H
#define KM0_IMP_CATALOG_WRITE_H

#include "catalog_db.h"

/* The columns of products an import sets, in this order everywhere. */
#define PRODUCT_COLUMNS                                                                            \
    "sku, name, category, unit, price_excl_vat_e4, price_incl_vat_cents, vat_rate_bp, weight_g,"   \
    " stock_milli, step_milli, organic, description, active"

/* COPY the products in, all new for this producer (the caller compared first). */
db_status imp_write_created(db_conn *c, int64_t hub, int64_t producer,
                            const imp_product *const *products, size_t n);
/* Set every column of the stored products ids[i] to changed[i].product's values. */
db_status imp_write_changed(db_conn *c, arena *a, int64_t producer, const imp_changed *changed,
                            const int64_t *ids, size_t n);

#endif
