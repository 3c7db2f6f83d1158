/*
 * core/country.h — countries of origin: ISO 3166-1 alpha-2 codes and their names.
 *
 * A product's origin is stored as the code ("FR", or "EU" for the European Union,
 * which regulation (EU) 1169/2011 allows for blends) and shown by name in the
 * page's language. Producers write either: "FR", "France", "Espagne", "Spain".
 */
#ifndef KM0_COUNTRY_H
#define KM0_COUNTRY_H

#include <stdbool.h>

/* The name of a code in French or English; NULL for a code km0 does not know. */
const char *country_name(const char *code, bool fr);
/* The code a producer's text names (a code in any case, or a French or English name,
 * accents and case ignored): out gets "FR"; false when it names no country. */
bool country_find(const char *text, char out[3]);

#endif
