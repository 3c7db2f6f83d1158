/*
 * core/legal.h — checks on French legal identifiers (SIRET, VAT numbers).
 */
#ifndef KM0_LEGAL_H
#define KM0_LEGAL_H

#include <stdbool.h>

/* 14 digits passing the Luhn check (La Poste's establishments excepted, as INSEE does). */
bool siret_valid(const char *s);
/* French VAT number: FR, a 2-digit key, the 9-digit SIREN, key = (12 + 3 x (SIREN mod 97)) mod 97.
 */
bool fr_vat_valid(const char *v);
/* Any EU-style VAT number: two letters then 2 to 13 letters or digits; French ones checked. */
bool vat_number_valid(const char *v);

#endif
