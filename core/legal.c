/*
 * core/legal.c — SIRET and VAT number checks.
 */
#include "legal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool siret_valid(const char *s)
{
    if (strlen(s) != 14)
        return false;
    int sum = 0;
    for (int i = 0; i < 14; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        int d = s[i] - '0';
        if (i % 2 == 0) {
            d *= 2;
            if (d > 9)
                d -= 9;
        }
        sum += d;
    }
    return sum % 10 == 0 || strncmp(s, "356000000", 9) == 0;
}

bool fr_vat_valid(const char *v)
{
    if (strlen(v) != 13 || strncmp(v, "FR", 2) != 0)
        return false;
    for (int i = 2; i < 13; i++)
        if (v[i] < '0' || v[i] > '9')
            return false;
    long siren = strtol(v + 4, NULL, 10);
    int key = (v[2] - '0') * 10 + (v[3] - '0');
    return key == (12 + 3 * (siren % 97)) % 97;
}

bool vat_number_valid(const char *v)
{
    size_t n = strlen(v);
    if (n < 4 || n > 15 || v[0] < 'A' || v[0] > 'Z' || v[1] < 'A' || v[1] > 'Z')
        return false;
    for (size_t i = 2; i < n; i++)
        if (!((v[i] >= 'A' && v[i] <= 'Z') || (v[i] >= '0' && v[i] <= '9')))
            return false;
    return strncmp(v, "FR", 2) != 0 || fr_vat_valid(v);
}

static const legal_form_def forms[] = {
    {"association", "Association", false},
    {"ei", "Entreprise individuelle", false},
    {"micro", "Micro-entreprise", false},
    {"earl", "EARL", true},
    {"gaec", "GAEC", true},
    {"scea", "SCEA", true},
    {"sarl", "SARL", true},
    {"eurl", "EURL", true},
    {"sas", "SAS", true},
    {"sasu", "SASU", true},
    {"sa", "SA", true},
    {"snc", "SNC", true},
    {"scop", "SCOP", true},
    {"scic", "SCIC", true},
    {"scic-sas", "SCIC SAS", true},
    {"scic-sarl", "SCIC SARL", true},
    {"cooperative", "Société coopérative agricole", true},
};

size_t legal_form_count(void)
{
    return sizeof forms / sizeof forms[0];
}

const legal_form_def *legal_form_at(size_t i)
{
    return i < legal_form_count() ? &forms[i] : NULL;
}

const legal_form_def *legal_form_find(const char *s)
{
    for (size_t i = 0; s && i < legal_form_count(); i++)
        if (!strcasecmp(s, forms[i].code) || !strcasecmp(s, forms[i].label))
            return &forms[i];
    return NULL;
}
