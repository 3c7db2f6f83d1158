/*
 * importers/catalog_db.h — a producer's catalog file into the database, whole or not at all.
 *
 * imp_catalog_import is what `km0 import catalog`, PUT /api/v1/producers/{slug}/catalog
 * and the producer page all call: it finds the producer, parses the bytes with the
 * configured limits (importers/catalog.h), refuses the file with every problem when
 * there is one, and otherwise compares the file with the stored products and
 * applies the difference in one transaction. A dry run does the same comparison and
 * writes nothing. Offers of cycles already open are never touched: they were frozen
 * from the catalog when their cycle opened.
 */
#ifndef KM0_IMP_CATALOG_DB_H
#define KM0_IMP_CATALOG_DB_H

#include "../core/db.h"
#include "../core/refusal.h"
#include "catalog.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct imp_producer {
    int64_t id;
    const char *slug, *name;
    bool franchise; /* under the VAT franchise: the catalog states no VAT */
} imp_producer;

/* One field of a product that the file changes. Values are neutral text for any
 * reader to format: decimals with '.', booleans "true"/"false", NULL for "not
 * stated" (organic, weight, a price stated including VAT) or "unlimited" (stock).
 * field is one of name, category, unit, price (excl. VAT), price_incl_vat (as
 * stated), vat_rate, weight_kg, stock, step, organic, description, active. */
typedef struct imp_change {
    const char *field;
    const char *old_value, *new_value;
} imp_change;

typedef struct imp_changed {
    const imp_product *product; /* as the file has it */
    const imp_change *changes;
    size_t nchanges;
} imp_changed;

/* A stored product the file does not mention. */
typedef struct imp_absent {
    const char *sku, *name;
} imp_absent;

typedef struct imp_summary {
    bool dry_run;            /* nothing was written */
    bool deactivate_missing; /* absent products were (or would be) deactivated */
    size_t ncreated, nchanged, nunchanged;
    const imp_product **created; /* in file order */
    imp_changed *changed;        /* in file order */
    /* active stored products missing from the file: deactivated when
     * deactivate_missing, else kept as they are; ordered by sku */
    imp_absent *absent;
    size_t nabsent;
} imp_summary;

typedef struct imp_request {
    const char *producer_slug;
    const char *data; /* the file's bytes, as received */
    size_t len;
    imp_format format;
    imp_encoding encoding;
    bool dry_run;
    bool deactivate_missing;
} imp_request;

typedef struct imp_result {
    imp_producer producer;
    imp_catalog catalog; /* what was read; its problems when the file is refused */
    imp_summary summary; /* when it was not */
} imp_result;

/* Parse, check and apply. Returns 0 with res filled; a refusal (> 0, why set):
 * 404 unknown_producer, 422 invalid_catalog with every problem in
 * res->catalog.problems (line order); or a db_status (< 0). Everything lives in a. */
int imp_catalog_import(db_conn *c, arena *a, int64_t hub, const imp_request *in, imp_result *res,
                       refusal *why);

/* The producer of this hub with that slug; *found false when there is none. */
db_status imp_producer_find(db_conn *c, arena *a, int64_t hub, const char *slug, imp_producer *p,
                            bool *found);

/* The hub's producers, by name. */
db_status imp_producer_list(db_conn *c, arena *a, int64_t hub, imp_producer **producers, size_t *n);

/* Every product of the producer, active or not, as imp_products (line = position),
 * ordered by category, name and sku. */
db_status imp_catalog_list(db_conn *c, arena *a, int64_t producer_id, imp_product **products,
                           size_t *n);

/* One product of the producer, with its photo's digest ("" none); *found false when
 * there is no such sku. */
db_status imp_product_get(db_conn *c, arena *a, int64_t producer_id, const char *sku,
                          imp_product *p, const char **photo, bool *found);

/* For people (importers/catalog_words.c): a changed field's name and one of its
 * values in French or English — "prix HT", "2,37"; "stock", "unlimited"; text
 * values quoted. */
const char *imp_field_label(const char *field, bool fr);
const char *imp_value_text(arena *a, const char *field, const char *value, bool fr);

/* The product limits the database enforces (sku 64 characters, name 200, category
 * 100, description 4 000, price excl. VAT 100 000 EUR), checked so that a file
 * breaking them is refused with its lines rather than failing in the database.
 * Adds problems to cat (kept in line order); returns how many. */
size_t imp_check_storable(imp_catalog *cat);

#endif
