/*
 * core/legal.h — checks on French legal identifiers (SIRET, VAT numbers).
 */
#ifndef KM0_LEGAL_H
#define KM0_LEGAL_H

#include <stdbool.h>
#include <stddef.h>

/* 14 digits passing the Luhn check (La Poste's establishments excepted, as INSEE does). */
bool siret_valid(const char *s);
/* French VAT number: FR, a 2-digit key, the 9-digit SIREN, key = (12 + 3 x (SIREN mod 97)) mod 97.
 */
bool fr_vat_valid(const char *v);
/* Any EU-style VAT number: two letters then 2 to 13 letters or digits; French ones checked. */
bool vat_number_valid(const char *v);

/* IBANs: core/bank_id.h (bank_iban_normalize), shared with the payments. */

/* French legal forms km0 knows, by the code the forms and the API use ("sarl",
 * "sas", "association"...). A company (rcs true) states its trade register city and
 * its share capital on its documents (Code de commerce, R123-237); an association or
 * a sole trader has neither. */
typedef struct legal_form_def {
    const char *code, *label; /* label: as documents print it, "SARL", "Association" */
    bool rcs;
} legal_form_def;

size_t legal_form_count(void);
const legal_form_def *legal_form_at(size_t i);
/* The form whose code or label is s (case-insensitive), or NULL. */
const legal_form_def *legal_form_find(const char *s);

#endif
