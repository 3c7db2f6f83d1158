/*
 * importers/weigh_csv.h — what a scale exports, read as weights to record.
 *
 * A packing-table scale (or a spreadsheet typed beside it) writes one row per bag and
 * product weighed: the bag number of the picking sheet, the product's SKU, the weight
 * in kg. weigh_csv_parse reads such a file into core/delivery.h's weigh rows, or says
 * everything wrong with it, each problem at its line and column, in French and
 * English: the file is recorded whole or not at all. Pure (no database): fuzzed by
 * tests/fuzz/fuzz_weigh.c, unit-tested by tests/unit/test_weigh_csv.c.
 *
 * Accepted: UTF-8 (with or without BOM), Windows-1252, UTF-16; separators , ; or tab;
 * a header naming the columns (bag / sac / n° sac, sku / référence / code, weight /
 * poids / poids (kg), and optionally producer / producteur, line / ligne), or no header
 * at all, then the columns are bag, SKU, weight in that order. A weight is "2,14",
 * "2.14", "2.14 kg" or "2140 g"; rows of one bag and SKU add up (pieces weighed one by
 * one). Blank lines are skipped.
 */
#ifndef KM0_WEIGH_CSV_H
#define KM0_WEIGH_CSV_H

#include "../core/arena.h"
#include "../core/delivery.h"

#include <stddef.h>

#define WEIGH_MAX_BYTES    (4u << 20) /* a week's scale file is kilobytes */
#define WEIGH_MAX_PROBLEMS 200
/* The most a row may say a line weighs: a whole calf is not sold by the piece. */
#define WEIGH_MAX_MILLI 1000000

typedef struct weigh_problem {
    int line;           /* file line, 0: the whole file */
    const char *column; /* header as written, or its number ("3") without header */
    const char *where;  /* "name:line:column" or "name:line" or "name" */
    const char *code;
    const char *fr, *en;
} weigh_problem;

typedef struct weigh_file {
    weigh_row *rows; /* at_* are "name:line:column" texts */
    size_t nrows;
    weigh_problem *problems;
    size_t nproblems;
    char separator;
    bool header; /* the first row named the columns */
} weigh_file;

/* A weight as people write it: "2,14", "2.14", "2.14 kg", "2140 g" (kg otherwise), into
 * thousandths of the measure (grams); false when it is not one (its sign is the
 * caller's to check). The forms and the JSON API read weights with it too. */
bool weigh_value(const char *text, int64_t *thousandths);

/* Parse len bytes named name (for the places in messages). Returns the number of
 * problems; 0 means rows are ready for delivery_weigh. Everything lives in a. */
size_t weigh_csv_parse(const char *data, size_t len, const char *name, arena *a, weigh_file *out);

#endif
