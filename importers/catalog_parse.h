/*
 * importers/catalog_parse.h — what the catalog importers share (internal).
 *
 * Every format reduces a product to cells of text, each with the column (or
 * JSON property) it came from, and hands them to the checks below. The checks
 * turn text into exact values and report each problem where it is, so that
 * "price 3,20 €" means the same thing and fails the same way in a CSV file, an
 * Open Food Network template and a DFC catalog. Value parsers are exposed for
 * the unit tests.
 */
#ifndef KM0_IMP_CATALOG_PARSE_H
#define KM0_IMP_CATALOG_PARSE_H

#include "../core/unit.h"
#include "catalog.h"
#include "csv.h"

#include <stdbool.h>
#include <stddef.h>

#define IMP_DEFAULT_MAX_BYTES (10u * 1024 * 1024)
#define IMP_DEFAULT_MAX_ROWS  100000u
/* a guard on the file: the longest field, 4 000 characters, may take 16 000 bytes */
#define IMP_DEFAULT_MAX_FIELD  16384u
#define IMP_MAX_COLUMNS        1000u /* a wider header is not a catalog */
#define IMP_MAX_PROBLEMS       1000u /* past this many, one more tells how many were left */
#define IMP_HEADER_SEARCH_ROWS 10    /* title rows a header may sit under */

/* Where a value sits: line as in the file (the record's first line), row as a
 * spreadsheet numbers it (they differ after a cell holding line breaks). */
typedef struct imp_loc {
    int line, row;
} imp_loc;

/* One value as the file gave it. text NULL: the column is not in the file. */
typedef struct imp_cell {
    const char *text;
    size_t len;
    const char *column; /* header as written, or JSON property name */
} imp_cell;

typedef struct imp_sku_slot {
    const char *sku;
    int line;
} imp_sku_slot;

typedef struct imp_ctx {
    imp_catalog *cat;
    arena *mem;
    imp_options opt;     /* with defaults filled in */
    bool replaced_bytes; /* U+FFFD in the text marks bytes that could not be decoded */
    bool mixed_encoding; /* ... in a file that is otherwise UTF-8 */
    size_t cap_products, cap_problems;
    size_t problems_dropped; /* past IMP_MAX_PROBLEMS */
    imp_sku_slot *skus;      /* open addressing, for duplicate detection */
    size_t sku_cap, sku_count;
    bool stop; /* a limit was hit: no more products are read */
} imp_ctx;

/* ---- problems ---- */
void imp_report(imp_ctx *c, imp_loc at, const char *column, const char *code,
                const char *message_fr, const char *message_en);
/* A problem about the whole file (line 0). */
void imp_report_file(imp_ctx *c, const char *code, const char *message_fr, const char *message_en);

/* ---- products ---- */
/* A product with the defaults (no weight, unlimited stock, step 1, active). */
void imp_product_init(imp_product *p, imp_loc at);
/* Keep p, after the duplicate-sku check; false once max_rows is reached. */
bool imp_product_add(imp_ctx *c, imp_product *p, imp_loc at, const char *sku_column);

/* ---- checks: each reports its own problems and returns false on one ---- */
enum { IMP_TEXT_REQUIRED = 1, IMP_TEXT_MULTILINE = 2 };
/* Trimmed, checked text in the arena ("" when empty); NULL after a problem. The
 * code reported for an empty required cell is missing_<what> ("missing_sku"). */
const char *imp_check_text(imp_ctx *c, imp_loc at, const imp_cell *cell, unsigned flags,
                           const char *what_fr, const char *what_en, const char *what_code);
const unit_def *imp_check_unit(imp_ctx *c, imp_loc at, const imp_cell *cell);
/* named: the cell names a rate in words (an OFN tax category) rather than giving it. */
bool imp_check_vat(imp_ctx *c, imp_loc at, const imp_cell *cell, bool named, vat_bp_t *rate);
/* Prices: excl and/or incl (either may be absent); fills price_excl_vat and
 * price_incl_vat. rate_ok false: the rate is unknown, skip what depends on it. */
bool imp_check_prices(imp_ctx *c, imp_loc at, const imp_cell *excl, const imp_cell *incl,
                      vat_bp_t rate, bool rate_ok, imp_product *p);
/* Weight per unit, in grams; scale_g is 1000 for a value in kg, 1 in g. Empty keeps
 * what the unit implies (1 kg for kg). */
bool imp_check_weight(imp_ctx *c, imp_loc at, const imp_cell *cell, int64_t scale_g,
                      const unit_def *u, imp_product *p);
bool imp_check_stock(imp_ctx *c, imp_loc at, const imp_cell *cell, milli_t *stock);
bool imp_check_step(imp_ctx *c, imp_loc at, const imp_cell *cell, const unit_def *u, milli_t *step);
/* A yes/no cell: 1, 0, or dflt when empty. */
bool imp_check_bool(imp_ctx *c, imp_loc at, const imp_cell *cell, int dflt, int *out);

/* A product sold per unit but priced by the kg or litre (importers/catalog_weighed.c). */
typedef enum {
    IMP_WEIGHED_NO = 0, /* no price per kg or litre: a plain product, priced as usual */
    IMP_WEIGHED_YES,    /* priced by measure: measure, its price, the estimate and the
                           estimated price of a unit are set */
    IMP_WEIGHED_BAD     /* priced by measure, with a problem reported */
} imp_weighed;
/* per_kg, per_l: the cells of a price per kg or per litre excl. VAT; estimate: the
 * estimate of one unit, in kg or litres (empty: the unit's weight for kg, or a volume
 * the format stated, p->measure_estimate on entry, for litres); piece_price: a price of
 * the unit was given too (refused: one price or the other); u: the sale unit, which
 * must count pieces. */
imp_weighed imp_check_weighed(imp_ctx *c, imp_loc at, const imp_cell *per_kg, const imp_cell *per_l,
                              const imp_cell *estimate, bool piece_price, const unit_def *u,
                              imp_product *p);
/* A header (folded) naming a column of products priced by measure, in km0's CSV and
 * added to an Open Food Network template alike: 1 the price per kg, 2 the price per
 * litre, 3 the estimate of a piece; 0 for any other header. */
int imp_weighed_column(const char *folded);
/* Whether a cell holds something other than blanks. */
bool imp_cell_given(const imp_cell *cell);

/* ---- product information (importers/catalog_info.c) ---- */
enum {
    IMP_INFO_KIND,
    IMP_INFO_INGREDIENTS,
    IMP_INFO_ALLERGENS,
    IMP_INFO_TRACES,
    IMP_INFO_NET_QUANTITY,
    IMP_INFO_ORIGIN,
    IMP_INFO_REGION,
    IMP_INFO_LABELS,
    IMP_INFO_CERTIFIER,
    IMP_INFO_ALCOHOL,
    IMP_INFO_STORAGE,
    IMP_INFO_FIELDS
};
/* The information field a folded header names (Allergènes, Ingrédients, Origine...),
 * or -1. */
int imp_info_field(const char *folded);
/* Check cells[IMP_INFO_FIELDS] (text NULL where the file has no such column) into
 * p->info, and make organic and the organic label agree. lenient_labels: a label
 * km0 does not know is skipped rather than refused (a DFC facet it has no use for). */
void imp_check_info(imp_ctx *c, imp_loc at, const imp_cell *cells, bool lenient_labels,
                    imp_product *p);
/* A French region as DFC's facets name them ("AuvergneRhoneAlpes"), or NULL. */
const char *imp_dfc_region(const char *local_name);

/* ---- value syntax (no problems reported) ---- */
/* Money as written by producers: "3,20 €", "€3.20", "3.20 EUR", "1 234,50", "1.234,50".
 * scale 4 for a unit price, 2 for cents. */
dec_status imp_value_money(const char *s, int scale, int64_t *out);
/* A VAT rate: "5,5%", "5.5", "5,5 %", "20", or a fraction "0.055" (= 5.5 %). */
dec_status imp_value_percent(const char *s, vat_bp_t *out);
/* A rate named in words, as Open Food Network tax categories are: "TVA 5.5",
 * "Reduced 5.5%", "taux normal", "exonéré". false when no rate is named. */
bool imp_value_vat_name(const char *s, vat_bp_t *out);
/* oui/non/yes/no/1/0/vrai/faux/true/false/x: 1 or 0; -1 when not a boolean. */
int imp_value_bool(const char *s);
/* A quantity in thousandths: "12", "0,5", "1 000". */
dec_status imp_value_milli(const char *s, int64_t *out);
/* "illimité", "unlimited", "∞"...: stock without limit. */
bool imp_value_unlimited(const char *s);

/* Format v / 10^scale for messages: "2.00" in English, "2,00" in French. */
const char *imp_fmt(imp_ctx *c, int64_t v, int scale, int min_decimals);
const char *imp_fmt_fr(imp_ctx *c, int64_t v, int scale, int min_decimals);

/* ---- formats ---- */
void imp_parse_csv(imp_ctx *c, const csv_text *text); /* km0 columns or OFN template */
void imp_parse_dfc(imp_ctx *c, const csv_text *text);

#endif
