/*
 * core/bank_id.h — the identifiers of SEPA payments, checked and made: IBAN (ISO 13616),
 * BIC (ISO 9362), SEPA creditor identifier (ICS, EPC262-08), creditor reference (RF,
 * ISO 11649), and the text SEPA files may carry.
 *
 * Pure functions without allocation (outputs in caller buffers), unit-tested
 * (tests/unit/test_bank_id.c) and fuzzed through the statement parsers.
 *
 * km0's payment references are RF creditor references (ISO 11649): "RF", two check
 * digits, then a body of digits that says what is paid: "1" and an order's id for an
 * order (and its invoices), "2" and a customer's id for a top-up of the customer's
 * prepaid balance. A bank app that reads the EPC QR code carries it as the structured
 * reference; a customer who types it carries it in the free text, where km0 finds it
 * again whatever the spaces and the case, and the check digits catch a typo.
 */
#ifndef KM0_BANK_ID_H
#define KM0_BANK_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IBAN_MAX 34
#define RF_MAX   25 /* "RF" + 2 check digits + 21 characters */

/* An IBAN as people write it ("FR76 3000 6000 0112 3456 7890 189", lower case, blanks or
 * dashes) into its stored form in out (IBAN_MAX + 1 bytes): upper case, nothing else.
 * false when it is not two letters, two digits and 11 to 30 letters or digits, or when
 * its check (the number read in base 36 with the first four characters moved to the
 * end, modulo 97) is not 1. */
bool bank_iban_normalize(const char *in, char out[IBAN_MAX + 1]);
/* "FR76 3000 6000 0112 3456 7890 189": the stored form in groups of four. out needs 48 bytes. */
char *bank_iban_grouped(const char *iban, char out[48]);

/* A BIC: 8 or 11 characters, 4 letters (bank), 2 letters (country), 2 letters or digits
 * (place), optionally 3 (branch). In out (12 bytes), upper case, blanks removed. */
bool bic_normalize(const char *in, char out[12]);

/* A SEPA creditor identifier: country, 2 check digits, a 3-character business code
 * (not part of the check), then the national identifier (France: 6 characters). The
 * check digits are 98 minus (national identifier + country + "00", letters as 10..35,
 * modulo 97). Stored form in out (36 bytes). */
bool ics_normalize(const char *in, char out[36]);

/* The RF reference with body (1 to 21 letters or digits, upper case) into out
 * (RF_MAX + 1 bytes); false when the body is not one. */
bool rf_make(const char *body, char out[RF_MAX + 1]);
/* Whether s (blanks allowed, any case) is an RF reference whose check digits hold;
 * its compact upper-case form in out. */
bool rf_normalize(const char *s, char out[RF_MAX + 1]);
/* "RF18 1000 41": the compact form in groups of four. out needs 32 bytes. */
char *rf_grouped(const char *rf, char out[32]);

typedef enum { RF_NONE = 0, RF_ORDER = 1, RF_TOPUP = 2 } rf_kind;
/* km0's reference for an order or for a customer's top-ups. */
void rf_for(rf_kind kind, int64_t id, char out[RF_MAX + 1]);
/* What one of km0's references is for: the kind and the id, or RF_NONE. */
rf_kind rf_parse(const char *rf, int64_t *id);
/* km0's references found in a text (a transfer's remittance, written by a person:
 * "Commande RF76 1100 042 merci", "rf761100042 le 12/05"), checked, at most max of them
 * into out, the fewest digits first: "RF" then its digits as they were typed, group of
 * digits after group of digits (blanks between groups), each candidate kept when its
 * check digits hold. Digits typed after the reference (a date, an amount) make longer
 * candidates that rarely hold (1 in 97); the importer keeps the first that names an
 * order or a customer of the hub. Returns how many. */
size_t rf_find_all(const char *text, char (*out)[RF_MAX + 1], size_t max);
/* The first of them; false when none. */
bool rf_find(const char *text, char out[RF_MAX + 1]);

/* s as the SEPA character set allows (a-z A-Z 0-9 / - ? : ( ) . , ' + and space):
 * Latin letters with accents lose them ("é" -> "e", "œ" -> "oe", "ß" -> "ss"), anything
 * else becomes a space; cut at max characters (and at the end of out, size bytes). */
char *sepa_text(const char *s, size_t max, char *out, size_t size);

/* A name compared with another: lower case, accents removed, runs of anything that is
 * not a letter or a digit as one space, trimmed ("  Éloïse  DURAND-Petit" -> "eloise
 * durand petit"). */
char *name_fold(const char *s, char *out, size_t size);
/* Whether two names are the same person's as a bank writes them: every word of the
 * shorter (of at least 2 letters) is a word of the longer, in any order ("DURAND
 * ELOISE" and "Éloïse Durand", "M OU MME DURAND ELOISE"). At least one word must match. */
bool name_matches(const char *a, const char *b);
/* The same on names already folded by name_fold (matching many names against many). */
bool name_matches_folded(const char *fa, const char *fb);

#endif
