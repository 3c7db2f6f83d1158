/*
 * core/product_info.h — what food law asks a shop to say about a product, as data.
 *
 * Regulation (EU) 1169/2011 (art. 9 and 14) wants, before a distance sale, the
 * ingredients with the allergens emphasised, the 14 allergens of its annex II, the
 * net quantity, the origin where required, the alcohol strength above 1.2 % vol and
 * storage conditions; décret 2015-447 wants the allergens of non-packed food too, and
 * French price rules the price per kilogram or litre next to the sale price. This
 * module holds the fixed code lists (allergens, labels, kinds of product), reads them
 * as producers write them ("gluten, œuf, fruits à coque"), and computes the price per
 * kg or litre. Pure functions: the importers, the pages and the unit tests share them.
 * What each kind of product must carry is said once, in SQL
 * (schema/013_product_info.sql, product_info_missing).
 */
#ifndef KM0_PRODUCT_INFO_H
#define KM0_PRODUCT_INFO_H

#include "arena.h"
#include "buf.h"
#include "money.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PI_NALLERGENS 14
#define PI_NLABELS    7

typedef struct pi_allergen {
    const char *code; /* gluten, crustaceans, eggs ... (schema/013 allergen_codes()) */
    const char *fr, *en;
    const char *dfc; /* the DFC measures' allergen dimension: CerealsWithGluten ... */
} pi_allergen;

typedef struct pi_label {
    const char *code; /* organic, aop, aoc, igp, stg, label_rouge, hve */
    const char *fr, *en;
    const char *dfc; /* a DFC facet (dfc-f:), NULL where DFC has none */
} pi_label;

const pi_allergen *pi_allergen_at(size_t i); /* bit i of a mask; NULL past the end */
const pi_label *pi_label_at(size_t i);
/* The bit of an allergen or label code (exact), -1 when unknown. */
int pi_allergen_bit(const char *code);
int pi_label_bit(const char *code);

/* Kinds of product: what each must carry is in product_info_missing (schema/013). */
typedef struct pi_kind {
    const char *code; /* fresh, prepacked, loose, alcohol, nonfood */
    const char *fr, *en;
} pi_kind;
const pi_kind *pi_kind_at(size_t i);
const pi_kind *pi_kind_by_code(const char *code);
/* The kind a producer's word names ("préemballé", "vrac", "frais"...), or NULL. */
const pi_kind *pi_kind_find(const char *text);

/* ---- reading what producers write ---- */

/* A list of allergens: "gluten, œuf, fruits à coque", "lait et soja", "Aucun".
 * Items are separated by , ; / + or the words et / and; each is an allergen's
 * code, its French or English name, a common word for it (blé, noisettes,
 * sulfites...) or a DFC dimension name. An item starting "traces de", "peut
 * contenir" or "may contain" goes to *traces. "aucun", "none", "sans", "néant"
 * alone state that there is none. Returns true when every item is known; else
 * false with *bad pointing to a copy of the first unknown item (in a). */
bool pi_allergens_parse(arena *a, const char *text, uint32_t *contains, uint32_t *traces,
                        const char **bad);
/* A list of labels: "AB, Label Rouge", "AOP", "bio". Same separators; false with
 * *bad for an unknown one. */
bool pi_labels_parse(arena *a, const char *text, uint32_t *labels, const char **bad);
/* "500 g", "0,75 l", "75cl", "1 kg": the amount in thousandths of the unit and the
 * unit's code (g, kg, ml, cl, l). false when it is not one. */
bool pi_net_quantity_parse(const char *text, int64_t *milli, const char **unit);
/* "12,5", "12.5 % vol", "12,5°", "4.5%": hundredths of a percent, 0..10000. */
bool pi_alcohol_parse(const char *text, int *bp);
/* An organic control body's code: "FR-BIO-01", "DE-ÖKO-001" (spaces and case
 * tolerated; out gets it in capitals with dashes, at most 15 bytes). */
bool pi_certifier_parse(const char *text, char out[16]);

/* ---- database text ---- */

/* A mask as a PostgreSQL text[] literal "{gluten,milk}" (in a). */
const char *pi_allergens_array(arena *a, uint32_t mask);
const char *pi_labels_array(arena *a, uint32_t mask);
/* The same, appended to b. */
void pi_allergens_put(buf *b, uint32_t mask);
void pi_labels_put(buf *b, uint32_t mask);
/* A text[] literal back to a mask; unknown codes are ignored. */
uint32_t pi_allergens_from_array(const char *literal);
uint32_t pi_labels_from_array(const char *literal);

/* ---- showing it ---- */

/* "gluten, lait" / "gluten, milk": the names of a mask's allergens, in order. */
void pi_allergen_names(buf *b, uint32_t mask, bool fr);
/* Ingredients as HTML: escaped, with the allergens the producer emphasised —
 * _word_ or a word in CAPITALS (two letters or more) — in <strong>. */
void pi_ingredients_html(buf *b, const char *text);
/* The price per kilogram or litre of a unit sold at price_incl cents: from the
 * sale unit itself (g, cl, ml) or, for a unit sold whole (a bottle, a jar), from its
 * net quantity. false when there is none to show (sold per kg or litre already, no
 * net quantity, or a net quantity counted in pieces). *per is "kg" or "L". */
bool pi_unit_price(cents_t price_incl, const char *sale_unit, int64_t net_milli,
                   const char *net_unit, cents_t *out, const char **per);

#endif
