/*
 * core/phone.h — phone numbers: one stored form per number, and the key a search
 * by phone compares (see core/phone.c).
 */
#ifndef KM0_PHONE_H
#define KM0_PHONE_H

#include <stdbool.h>

#define PHONE_MAX 24 /* bytes of a normalised number or key, NUL included */

/* A phone number as people write it ("06 12 34 56 78", "06.12.34.56.78",
 * "+33 6 12 34 56 78", "0033612345678", "+44 20 7946 0958") into its stored form:
 * a French number as "06 12 34 56 78", any other as "+" and its digits. Spaces, dots,
 * dashes and brackets are ignored; anything else, or a wrong number of digits, is not
 * a phone number (false). Pure, for the fuzzer. */
bool phone_parse(const char *in, char out[PHONE_MAX]);

/* The digits a search by phone matches: those of s without the leading zeros of the
 * national form ("06 12" -> "612"); "" when s has fewer than 4 digits or anything but
 * digits and separators. Pure. */
void phone_key(const char *s, char out[PHONE_MAX]);

#endif
