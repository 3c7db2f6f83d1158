/*
 * tests/fuzz/fuzz_legal.c — libFuzzer entry point for the identity checks a hub,
 * its producers and its buyers go through (core/legal.c) and the host names that
 * lead to a hub (host_name_valid, core/util.c).
 *
 * The bytes, as one string, go through every check. Invariants: no crash; what is
 * accepted fits what the database's CHECK constraints allow (schema/001, 014),
 * checked here byte by byte and not with the code under test, so that an accepted
 * value can never make a write fail half-way; an IBAN's normal form is accepted
 * again unchanged and passes ISO 13616 computed here another way (nine digits at a
 * time); a legal form found by its code or label is found again by either.
 */
#include "../../core/bank_id.h"
#include "../../core/legal.h"
#include "../../core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static bool upper(char c)
{
    return c >= 'A' && c <= 'Z';
}
static bool digit(char c)
{
    return c >= '0' && c <= '9';
}
static bool lower_or_digit(char c)
{
    return (c >= 'a' && c <= 'z') || digit(c);
}

/* producers.iban: ^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$ */
static bool iban_column_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 15 || n > 34 || !upper(s[0]) || !upper(s[1]) || !digit(s[2]) || !digit(s[3]))
        return false;
    for (size_t i = 4; i < n; i++)
        if (!upper(s[i]) && !digit(s[i]))
            return false;
    return true;
}

/* ISO 13616: the first four characters moved to the end, letters as 10..35, the
 * number modulo 97 is 1. Here the digits are gathered first, then reduced nine at a
 * time. */
static bool iban_mod97_ok(const char *s)
{
    char digits[34 * 2 + 1];
    size_t n = strlen(s), k = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[(i + 4) % n];
        if (digit(c))
            digits[k++] = c;
        else {
            int v = c - 'A' + 10;
            digits[k++] = (char)('0' + v / 10);
            digits[k++] = (char)('0' + v % 10);
        }
    }
    digits[k] = '\0';
    uint64_t rem = 0;
    for (size_t i = 0; i < k; i += 7) {
        char chunk[16];
        int m = snprintf(chunk, sizeof chunk, "%02u%.7s", (unsigned)rem, digits + i);
        require(m > 0, "chunk");
        rem = strtoull(chunk, NULL, 10) % 97;
    }
    return rem == 1;
}

/* hub_hosts.host: labels of [a-z0-9-], 1 to 63 long, no dash at either end; 253 in all */
static bool host_column_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 253)
        return false;
    const char *label = s;
    for (;;) {
        size_t len = strcspn(label, ".");
        if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
            return false;
        for (size_t i = 0; i < len; i++)
            if (!lower_or_digit(label[i]) && label[i] != '-')
                return false;
        if (!label[len])
            return true;
        label += len + 1;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';

    if (siret_valid(s)) {
        require(strlen(s) == 14, "a SIRET has 14 characters");
        for (size_t i = 0; i < 14; i++)
            require(digit(s[i]), "a SIRET is digits");
    }
    if (vat_number_valid(s)) {
        size_t n = strlen(s);
        require(n >= 4 && n <= 15 && upper(s[0]) && upper(s[1]), "VAT number: country, length");
        for (size_t i = 2; i < n; i++)
            require(upper(s[i]) || digit(s[i]), "VAT number: letters and digits");
    }
    if (fr_vat_valid(s))
        require(vat_number_valid(s), "a French VAT number is a VAT number");

    char iban[35], again[35];
    if (bank_iban_normalize(s, iban)) {
        require(iban_column_ok(iban), "a normal IBAN fits producers.iban");
        require(iban_mod97_ok(iban), "a normal IBAN passes ISO 13616");
        require(bank_iban_normalize(iban, again) && !strcmp(iban, again),
                "IBAN normal form is stable");
    }

    if (host_name_valid(s))
        require(host_column_ok(s), "a host name fits hub_hosts.host");

    const legal_form_def *f = legal_form_find(s);
    if (f)
        require(legal_form_find(f->code) == f && legal_form_find(f->label) == f,
                "a legal form is found by its code and its label");

    free(s);
    return 0;
}
