/*
 * core/unit.h — the sale units km0 knows, and how producers write them.
 *
 * A product is sold per unit: a kilogram of carrots, a bunch of radishes, a jar
 * of honey. Each unit has one canonical code stored in the database, French and
 * English labels for documents, the UN/ECE Recommendation 20 code that
 * EN 16931 invoices carry (Rec. 21 package codes take an "X" prefix there), and
 * the Data Food Consortium measure name used in DFC exports. Producers write
 * units in many ways (pièce, pc, u, unité, kilo, botte, plateaux...): unit_find
 * accepts any known spelling, whatever the case, accents, spaces or plural.
 */
#ifndef KM0_UNIT_H
#define KM0_UNIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
    UNIT_COUNT = 0, /* pieces, bunches, jars...: the weight per unit is the product's */
    UNIT_WEIGHT,    /* kg, g: one unit weighs a known number of grams */
    UNIT_VOLUME     /* l, cl, ml: the weight depends on what is inside */
} unit_kind;

typedef struct unit_def {
    const char *code;     /* canonical code stored in the database: "kg", "piece", "bunch" */
    const char *label_fr; /* singular, lower case: "kilogramme", "pièce", "botte" */
    const char *label_en; /* singular, lower case: "kilogram", "piece", "bunch" */
    const char *unece;    /* UN/ECE Rec. 20 code for invoices: "KGM", "H87", "XBH" */
    const char *dfc;      /* DFC measure (local name in dfc-m:), e.g. "Kilogram" */
    unit_kind kind;
    int64_t amount; /* grams in one unit (weight), millilitres (volume), 1 (count) */
} unit_def;

/* The unit a producer's text names, or NULL when it names none ("furlong", "").
 * Case, accents, surrounding spaces, punctuation, a plural and a leading
 * "au", "le", "par", "€/"... are ignored: "Pièces", "au kilo", "€/kg" all match. */
const unit_def *unit_find(const char *text);
/* The unit with this canonical code (exact match), or NULL. */
const unit_def *unit_by_code(const char *code);
/* Every unit, in a stable order (for documentation and forms): unit_at(0) ..
 * unit_at(unit_count() - 1); NULL past the end. */
size_t unit_count(void);
const unit_def *unit_at(size_t i);

/* Fold text the way unit_find compares it: lower-case ASCII letters and digits only
 * ("Poids (kg)" -> "poidskg", "Pièce" -> "piece", "Œufs" -> "oeufs"). Writes at most
 * size - 1 characters and a NUL into out; returns the length written. */
size_t unit_fold(const char *text, char *out, size_t size);

/* Grams in one unit for a weight unit (kg: 1000), -1 for the others. */
int64_t unit_weight_g(const unit_def *u);
bool unit_is_measure(const unit_def *u); /* weight or volume: may be ordered by fractions */

#endif
