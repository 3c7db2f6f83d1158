/*
 * importers/catalog_values.c — numbers, rates and yes/no as producers type them.
 *
 * A price cell may read "3,20 €", "€ 3.20", "3.20 EUR" or "1 234,50"; a VAT
 * cell "5,5%", "5.5" or, when a spreadsheet stored a percentage, "0.055". These
 * parsers accept what is unambiguous and nothing else: "3 20" is refused
 * rather than read as 320, and "1,234" is one euro and 234 thousandths (a
 * French decimal comma), never a thousands separator.
 */
#include "catalog_parse.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define NUM_MAX 96 /* no number a producer writes is longer */

/* Spaces a spreadsheet may put in numbers: ASCII, no-break, narrow and thin. */
static size_t space_at(const char *s)
{
    if (*s == ' ' || *s == '\t')
        return 1;
    if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0)
        return 2;
    if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x80 &&
        ((unsigned char)s[2] == 0xAF || (unsigned char)s[2] == 0x89))
        return 3;
    return 0;
}

/* Currency marks around a price: € (and ¤, which is what an ISO-8859-15 euro sign
 * becomes when read as Windows-1252). */
static size_t currency_at(const char *s)
{
    if ((unsigned char)s[0] == 0xE2 && (unsigned char)s[1] == 0x82 && (unsigned char)s[2] == 0xAC)
        return 3;
    if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA4)
        return 2;
    return 0;
}

static bool strip_word(char *t, size_t *n, const char *word, bool at_end)
{
    size_t w = strlen(word);
    if (*n < w)
        return false;
    const char *at = at_end ? t + *n - w : t;
    for (size_t i = 0; i < w; i++)
        if (tolower((unsigned char)at[i]) != word[i])
            return false;
    if (at_end && *n > w && isalpha((unsigned char)t[*n - w - 1]))
        return false;
    if (!at_end && *n > w && isalpha((unsigned char)t[w]))
        return false;
    if (!at_end)
        memmove(t, t + w, *n - w);
    *n -= w;
    t[*n] = '\0';
    return true;
}

static void trim_spaces(char *t, size_t *n)
{
    size_t a = 0;
    while (a < *n && t[a] == ' ')
        a++;
    while (*n > a && t[*n - 1] == ' ')
        (*n)--;
    memmove(t, t + a, *n - a);
    *n -= a;
    t[*n] = '\0';
}

/* Copy s into t with every kind of space as ' ' and, when money, without currency
 * marks or the words EUR/euro(s). Returns false when s is too long to be a number. */
static bool simplify(const char *s, bool money, char *t, size_t *n)
{
    *n = 0;
    while (*s) {
        size_t k;
        if ((k = space_at(s)) > 0) {
            t[(*n)++] = ' ';
            s += k;
        } else if (money && (k = currency_at(s)) > 0) {
            t[(*n)++] = ' ';
            s += k;
        } else {
            t[(*n)++] = *s++;
        }
        if (*n >= NUM_MAX - 1)
            return false;
    }
    t[*n] = '\0';
    trim_spaces(t, n);
    if (money) {
        static const char *const words[] = {"euros", "euro", "eur"};
        for (size_t i = 0; i < 3; i++)
            if (strip_word(t, n, words[i], true) || strip_word(t, n, words[i], false))
                break;
        trim_spaces(t, n);
    }
    return true;
}

/* Remove thousands separators (spaces, or '.'/',' when the other one is the decimal
 * mark), checking each is followed by exactly three digits. The decimal mark that
 * remains may be ',' or '.', as dec_parse accepts. */
static bool drop_grouping(char *t)
{
    char *comma = strrchr(t, ','), *dot = strrchr(t, '.');
    char group = 0;
    if (comma && dot)
        group = comma > dot ? '.' : ',';
    else if (comma && strchr(t, ',') != comma)
        group = ','; /* "1,234,567": commas can only be grouping */
    else if (dot && strchr(t, '.') != dot)
        group = '.';
    char *o = t;
    for (char *p = t; *p; p++) {
        if (*p == ' ' || *p == group) {
            if (p == t || !isdigit((unsigned char)p[-1]))
                return false;
            int digits = 0;
            while (isdigit((unsigned char)p[1 + digits]))
                digits++;
            char after = p[1 + digits];
            if (digits != 3 ||
                (after && after != ' ' && after != group && after != ',' && after != '.'))
                return false;
            continue;
        }
        *o++ = *p;
    }
    *o = '\0';
    return true;
}

static dec_status parse_number(const char *s, bool money, int scale, int64_t *out)
{
    char t[NUM_MAX];
    size_t n;
    if (!simplify(s, money, t, &n))
        return DEC_SYNTAX;
    if (n == 0)
        return DEC_EMPTY;
    if (!drop_grouping(t))
        return DEC_SYNTAX;
    return dec_parse(t, scale, out);
}

dec_status imp_value_money(const char *s, int scale, int64_t *out)
{
    return parse_number(s, true, scale, out);
}

dec_status imp_value_milli(const char *s, int64_t *out)
{
    return parse_number(s, false, 3, out);
}

dec_status imp_value_percent(const char *s, vat_bp_t *out)
{
    char t[NUM_MAX];
    size_t n;
    int64_t v;
    if (!simplify(s, false, t, &n))
        return DEC_SYNTAX;
    bool percent = n > 0 && t[n - 1] == '%';
    if (percent) {
        t[--n] = '\0';
        trim_spaces(t, &n);
    }
    if (n == 0)
        return percent ? DEC_SYNTAX : DEC_EMPTY;
    /* Four decimals: enough for a fraction (0.055) and for hundredths of a percent. */
    dec_status st = dec_parse(t, 4, &v);
    if (st != DEC_OK)
        return st;
    if (v > 1000000 || v < -1000000)
        return DEC_RANGE;
    if (!percent && v < 10000 && v > -10000) {
        *out = (vat_bp_t)v; /* a fraction of one: 0.055 is 550 bp */
        return DEC_OK;
    }
    if (v % 100 != 0)
        return DEC_PRECISION;
    *out = (vat_bp_t)(v / 100);
    return DEC_OK;
}

bool imp_value_vat_name(const char *s, vat_bp_t *out)
{
    /* A number anywhere in the name wins: "TVA 5.5", "Reduced 5.5%", "FR 20 %". */
    for (const char *p = s; *p; p++) {
        if (!isdigit((unsigned char)*p))
            continue;
        char num[NUM_MAX];
        size_t n = 0;
        while (n < sizeof num - 2 &&
               (isdigit((unsigned char)p[n]) ||
                ((p[n] == '.' || p[n] == ',') && isdigit((unsigned char)p[n + 1])))) {
            num[n] = p[n];
            n++;
        }
        num[n] = '\0';
        return imp_value_percent(num, out) == DEC_OK;
    }
    char key[128];
    unit_fold(s, key, sizeof key);
    static const struct {
        const char *word;
        vat_bp_t rate;
    } names[] = {{"superreduit", 210}, {"particulier", 210}, {"intermediaire", 1000},
                 {"normal", 2000},     {"standard", 2000},   {"exonere", 0},
                 {"exempt", 0},        {"franchise", 0},     {"nonapplicable", 0},
                 {"sanstva", 0},       {"novat", 0},         {"zero", 0}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strstr(key, names[i].word)) {
            *out = names[i].rate;
            return true;
        }
    }
    return false;
}

int imp_value_bool(const char *s)
{
    static const char *const yes[] = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"};
    static const char *const no[] = {"non", "n", "no", "0", "faux", "false"};
    char key[16];
    while (*s == ' ')
        s++;
    if (strncmp(s, "\xE2\x9C\x93", 3) == 0 || strncmp(s, "\xE2\x9C\x94", 3) == 0)
        return 1; /* ✓ ✔ */
    if (strlen(s) >= sizeof key)
        return -1;
    unit_fold(s, key, sizeof key);
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        if (strcmp(key, yes[i]) == 0)
            return 1;
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (strcmp(key, no[i]) == 0)
            return 0;
    return -1;
}

bool imp_value_unlimited(const char *s)
{
    static const char *const words[] = {"illimite", "illimitee", "unlimited", "infini",
                                        "infinite", "ondemand",  "surdemande"};
    char key[32];
    while (*s == ' ')
        s++;
    if (strncmp(s, "\xE2\x88\x9E", 3) == 0)
        return true; /* ∞ */
    if (strlen(s) >= sizeof key)
        return false;
    unit_fold(s, key, sizeof key);
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(key, words[i]) == 0)
            return true;
    return false;
}

const char *imp_fmt(imp_ctx *c, int64_t v, int scale, int min_decimals)
{
    char out[32];
    return arena_strdup(c->mem, dec_format(out, v, scale, min_decimals));
}

const char *imp_fmt_fr(imp_ctx *c, int64_t v, int scale, int min_decimals)
{
    char out[32];
    char *dot = strchr(dec_format(out, v, scale, min_decimals), '.');
    if (dot)
        *dot = ',';
    return arena_strdup(c->mem, out);
}
