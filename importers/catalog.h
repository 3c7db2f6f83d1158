/*
 * importers/catalog.h — a producer's catalog as parsed from any format.
 *
 * Every importer (CSV with its dialects, the Open Food Network template, DFC
 * JSON-LD) turns bytes into an imp_catalog: products with exact values and the
 * complete list of problems found, each located by line and column. Parsing
 * never touches the database; importers/catalog_db.c writes a problem-free
 * catalog in one transaction.
 */
#ifndef KM0_IMP_CATALOG_H
#define KM0_IMP_CATALOG_H

#include "../core/arena.h"
#include "../core/money.h"

#include <stdbool.h>
#include <stddef.h>

typedef enum { IMP_FORMAT_AUTO = 0, IMP_FORMAT_CSV, IMP_FORMAT_OFN, IMP_FORMAT_DFC } imp_format;
typedef enum { IMP_ENC_AUTO = 0, IMP_ENC_UTF8, IMP_ENC_WINDOWS_1252 } imp_encoding;

struct imp_catalog;
struct imp_product;

typedef struct imp_options {
    imp_format format;
    imp_encoding encoding;
    bool franchise;         /* producer under the VAT franchise: VAT must be empty or 0 */
    size_t max_bytes;       /* refuse larger files (0 = 10 MB) */
    size_t max_rows;        /* refuse more products (0 = 100 000) */
    size_t max_field_bytes; /* refuse longer fields (0 = 4 096) */
    /* Called with each product as the parser keeps it, after its checks and with
     * the problems found so far in cat: an importer may start writing before the
     * file ends (and give up at the first problem). NULL: nobody is told. */
    void (*on_product)(void *arg, const struct imp_catalog *cat, const struct imp_product *p);
    void *on_product_arg;
} imp_options;

/* What food law asks a shop to show (core/product_info.h), as a file states it. */
typedef struct imp_info {
    const char *kind;        /* fresh, prepacked, loose, alcohol, nonfood; "" not stated */
    const char *ingredients; /* "" when absent; allergens marked _so_ or in CAPITALS */
    int64_t allergens;       /* mask of core/product_info.h allergens; -1 not stated, 0 none */
    uint32_t traces;         /* may contain */
    milli_t net_quantity;    /* thousandths of net_unit; -1 not stated */
    const char *net_unit;    /* g, kg, ml, cl, l; "" when not stated */
    const char *origin;      /* ISO 3166 alpha-2 or EU; "" not stated */
    const char *region;      /* "" when absent */
    uint32_t labels;         /* mask of core/product_info.h labels */
    const char *certifier;   /* organic control body, "FR-BIO-01"; "" */
    int alcohol_bp;          /* % vol in hundredths; -1 not stated */
    const char *storage;     /* "" when absent */
    /* read from the database only: what the law asks for and the product lacks, as a
     * text[] literal ("{ingredients,allergens}"; "{}" nothing), product_info_missing */
    const char *missing;
} imp_info;

typedef struct imp_product {
    int line;        /* file line where the record starts (header = 1); DFC: item position */
    int row;         /* CSV: record number (header = 1), the row a spreadsheet shows; it
                        differs from line after a cell holding line breaks. DFC: = line */
    const char *sku; /* UTF-8, never NULL once valid */
    const char *name;
    const char *category;    /* "" when absent */
    const char *unit;        /* canonical unit code (core/unit.h) */
    const char *description; /* "" when absent */
    price4_t price_excl_vat; /* 4 decimals, derived from price_incl_vat when only that is given */
    cents_t price_incl_vat;  /* as stated, or -1 when the file gave the price excl. VAT */
    vat_bp_t vat_rate;
    int64_t weight_g; /* per unit; -1 when unknown */
    milli_t stock;    /* per cycle; -1 = unlimited */
    milli_t step;     /* order step, default 1000 (one unit) */
    int organic;      /* 1 yes, 0 no, -1 not stated */
    bool active;
    /* Sold per unit (a piece) but priced by the kg or litre (importers/catalog_weighed.c):
     * measure "kg" or "l", NULL for a plain product; the price per measure excl. VAT; the
     * estimate of one unit in thousandths of the measure. price_excl_vat is then the
     * estimated price of one unit. */
    const char *measure;
    price4_t measure_price;
    milli_t measure_estimate;
    imp_info info;
} imp_product;

typedef struct imp_problem {
    int line;           /* 0 when the problem is about the whole file */
    int row;            /* CSV: record number as a spreadsheet numbers rows (see imp_product) */
    const char *column; /* header as written in the file, or NULL */
    const char *code;   /* stable machine code: missing_sku, bad_price, ... */
    const char *message_fr;
    const char *message_en;
} imp_problem;

typedef struct imp_catalog {
    arena *mem;           /* owns every string and array below */
    imp_format format;    /* what was detected or forced */
    const char *encoding; /* "UTF-8", "UTF-8 with BOM", "Windows-1252", "UTF-16LE"/"BE" */
    char separator;       /* CSV only: ',', ';' or '\t' */
    imp_product *products;
    size_t nproducts;
    imp_problem *problems;
    size_t nproblems;
    const char **ignored_columns; /* CSV headers that name no field km0 knows, as written */
    size_t nignored_columns;
    /* The encoding was a guess: no BOM and not UTF-8, so Windows-1252 was assumed
     * (every byte means something there, right or not): a person should look. */
    bool encoding_guessed;
    /* The producer the file names (Open Food Network's producer column), "" when none:
     * a file of another producer's is worth a second look before import. */
    const char *producer_name;
} imp_catalog;

/* Parse data into cat (cat->mem must be an arena the caller owns). Returns the number
 * of problems; 0 means every product is valid and may be written. */
size_t imp_parse(const char *data, size_t len, const imp_options *opt, imp_catalog *cat);

const char *imp_format_name(imp_format f);

#endif
