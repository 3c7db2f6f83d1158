/*
 * core/money.c — fixed-point parsing, formatting and the VAT rounding rules.
 */
#include "money.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

dec_status dec_parse(const char *s, int scale, int64_t *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return DEC_EMPTY;
    int neg = 0;
    if (*s == '+' || *s == '-')
        neg = *s++ == '-';
    __int128 v = 0;
    int digits = 0, decimals = 0, seen_sep = 0;
    const __int128 limit = (__int128)INT64_MAX;
    for (; *s; s++) {
        if (isdigit((unsigned char)*s)) {
            int d = *s - '0';
            digits++;
            if (seen_sep) {
                if (decimals >= scale) {
                    if (d != 0)
                        return DEC_PRECISION;
                    continue;
                }
                decimals++;
            }
            v = v * 10 + d;
            if (v > limit)
                return DEC_RANGE;
        } else if ((*s == '.' || *s == ',') && !seen_sep) {
            seen_sep = 1;
        } else {
            break;
        }
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s || digits == 0)
        return DEC_SYNTAX;
    for (; decimals < scale; decimals++) {
        v *= 10;
        if (v > limit)
            return DEC_RANGE;
    }
    *out = neg ? -(int64_t)v : (int64_t)v;
    return DEC_OK;
}

char *dec_format(char *out, int64_t v, int scale, int min_decimals)
{
    /* by hand rather than with snprintf: pages format hundreds of these */
    if (scale < 0 || scale > 9)
        scale = scale < 0 ? 0 : 9;
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char digits[32];
    int n = 0;
    do {
        digits[n++] = (char)('0' + a % 10);
        a /= 10;
    } while (a || n <= scale);
    int keep = scale; /* decimals kept: drop trailing zeros down to min_decimals */
    while (keep > min_decimals && digits[scale - keep] == '0')
        keep--;
    char *o = out;
    if (v < 0)
        *o++ = '-';
    for (int i = n - 1; i >= scale; i--)
        *o++ = digits[i];
    if (keep > 0) {
        *o++ = '.';
        for (int i = scale - 1; i >= scale - keep; i--)
            *o++ = digits[i];
    }
    *o = '\0';
    return out;
}

int64_t div_round(int64_t num, int64_t den)
{
    __int128 n = num, d = den;
    __int128 q = (n < 0 ? -n : n) * 2 + d;
    q /= 2 * d;
    return (int64_t)(n < 0 ? -q : q);
}

static int64_t mul_div_round(int64_t a, int64_t b, int64_t den)
{
    __int128 p = (__int128)a * b;
    __int128 ap = p < 0 ? -p : p;
    __int128 q = (ap * 2 + den) / (2 * (__int128)den);
    return (int64_t)(p < 0 ? -q : q);
}

cents_t money_line_net(milli_t quantity, price4_t unit_price)
{
    /* milli x e-4 EUR = e-7 EUR; cents are e-2 */
    return mul_div_round(quantity, unit_price, 100000);
}

cents_t money_vat(cents_t base, vat_bp_t rate)
{
    return mul_div_round(base, rate, 10000);
}

cents_t money_price_incl(price4_t excl, vat_bp_t rate)
{
    return mul_div_round(excl, 10000 + rate, 1000000);
}

price4_t money_price_excl_from_incl(cents_t incl, vat_bp_t rate)
{
    return mul_div_round(incl, 1000000, 10000 + rate);
}

int64_t money_weight_g(milli_t quantity, int64_t unit_g)
{
    return mul_div_round(quantity, unit_g, 1000);
}

bool vat_rate_valid(vat_bp_t rate)
{
    return rate == 0 || rate == 210 || rate == 550 || rate == 1000 || rate == 2000;
}

static int cmp_line(const void *a, const void *b)
{
    const money_line *x = a, *y = b;
    if (x->seller != y->seller)
        return x->seller < y->seller ? -1 : 1;
    return (x->rate > y->rate) - (x->rate < y->rate);
}

static void add_rate(money_totals *t, vat_bp_t rate, cents_t base, cents_t vat)
{
    int i = 0;
    while (i < t->nrates && t->rates[i].rate < rate)
        i++;
    if (i < t->nrates && t->rates[i].rate == rate) {
        t->rates[i].base += base;
        t->rates[i].vat += vat;
        return;
    }
    if (t->nrates == MONEY_MAX_RATES)
        abort(); /* vat_rate_valid admits five rates */
    memmove(&t->rates[i + 1], &t->rates[i], sizeof(vat_total) * (size_t)(t->nrates - i));
    t->rates[i] = (vat_total){rate, base, vat};
    t->nrates++;
}

void money_totals_compute(const money_line *lines, size_t n, money_totals *out)
{
    memset(out, 0, sizeof *out);
    if (n == 0)
        return;
    money_line *sorted = malloc(n * sizeof *sorted);
    if (!sorted)
        abort();
    memcpy(sorted, lines, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_line);
    size_t i = 0;
    while (i < n) {
        size_t j = i;
        cents_t base = 0;
        while (j < n && sorted[j].seller == sorted[i].seller && sorted[j].rate == sorted[i].rate)
            base += sorted[j++].net;
        cents_t vat = money_vat(base, sorted[i].rate);
        add_rate(out, sorted[i].rate, base, vat);
        out->excl += base;
        out->vat += vat;
        i = j;
    }
    out->incl = out->excl + out->vat;
    free(sorted);
}
