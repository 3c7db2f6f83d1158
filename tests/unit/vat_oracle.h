/*
 * tests/unit/vat_oracle.h — invoice amounts worked out a second way, for tests to
 * compare the issuing code with.
 *
 * A test that computes its expected VAT breakdown with a copy of the code it tests
 * agrees with that code whatever it does. This oracle starts from the decimal text
 * a person reads on the order (quantity "1.235", price "4.1234") and uses none of
 * core/money.c or core/invoice_build.c: long multiplication on whole numbers of
 * the text's own scale, rounding written out as quotient and remainder. The rules
 * are EN 16931's: a line net is quantity x net price rounded to the cent; each VAT
 * category and rate gets one entry whose VAT is rounded once on the sum of its
 * nets (BR-CO-17), entries by ascending rate; totals are sums. Rounding is half
 * away from zero. Header-only, included by the tests that need it.
 */
#ifndef KM0_TEST_VAT_ORACLE_H
#define KM0_TEST_VAT_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* The decimal text ("12", "0.333", "2,5") as a whole number of 10^-scale. Aborts on
 * anything else: the tests give it their own literals. */
static inline int64_t oracle_scaled(const char *text, int *scale)
{
    int64_t v = 0;
    int decimals = -1;
    for (const char *p = text; *p; p++) {
        if ((*p == '.' || *p == ',') && decimals < 0) {
            decimals = 0;
            continue;
        }
        if (*p < '0' || *p > '9' || v > INT64_MAX / 100)
            abort();
        v = v * 10 + (*p - '0');
        if (decimals >= 0)
            decimals++;
    }
    *scale = decimals < 0 ? 0 : decimals;
    return v;
}

/* v / 10^drop, the half (and more) rounded away from zero. */
static inline int64_t oracle_round(__int128 v, int drop)
{
    if (drop <= 0) {
        for (; drop < 0; drop++)
            v *= 10;
        return (int64_t)v;
    }
    __int128 unit = 1;
    for (int i = 0; i < drop; i++)
        unit *= 10;
    __int128 magnitude = v < 0 ? -v : v;
    __int128 q = magnitude / unit, r = magnitude % unit;
    if (r * 2 >= unit)
        q++;
    return (int64_t)(v < 0 ? -q : q);
}

/* A line's net in cents: quantity x price, both as written, rounded once. */
static inline int64_t oracle_line_cents(const char *quantity, const char *price)
{
    int sq, sp;
    int64_t q = oracle_scaled(quantity, &sq), p = oracle_scaled(price, &sp);
    return oracle_round((__int128)q * p, sq + sp - 2);
}

/* The VAT on a base in cents at a rate in basis points (550 = 5.5 %). */
static inline int64_t oracle_vat_cents(int64_t base_cents, int rate_bp)
{
    return oracle_round((__int128)base_cents * rate_bp, 4);
}

typedef struct oracle_line {
    char category;
    int rate_bp;
    int64_t net_cents;
} oracle_line;

typedef struct oracle_entry {
    char category;
    int rate_bp;
    int64_t base_cents, vat_cents;
} oracle_entry;

typedef struct oracle_totals {
    oracle_entry entry[16];
    size_t nentries;
    int64_t excl_cents, vat_cents, incl_cents;
} oracle_totals;

/* The breakdown of n lines: the keys (rate, then category) are taken smallest
 * first, each one's base summed over every line that has it. */
static inline void oracle_breakdown(const oracle_line *line, size_t n, oracle_totals *t)
{
    *t = (oracle_totals){0};
    for (;;) {
        const oracle_line *next = NULL;
        for (size_t i = 0; i < n; i++) {
            const oracle_line *l = &line[i];
            bool seen = false;
            for (size_t e = 0; e < t->nentries; e++)
                seen = seen ||
                       (t->entry[e].rate_bp == l->rate_bp && t->entry[e].category == l->category);
            if (!seen && (!next || l->rate_bp < next->rate_bp ||
                          (l->rate_bp == next->rate_bp && l->category < next->category)))
                next = l;
        }
        if (!next)
            break;
        if (t->nentries == sizeof t->entry / sizeof t->entry[0])
            abort();
        oracle_entry *e = &t->entry[t->nentries++];
        *e = (oracle_entry){next->category, next->rate_bp, 0, 0};
        for (size_t i = 0; i < n; i++)
            if (line[i].rate_bp == e->rate_bp && line[i].category == e->category)
                e->base_cents += line[i].net_cents;
        e->vat_cents = oracle_vat_cents(e->base_cents, e->rate_bp);
        t->excl_cents += e->base_cents;
        t->vat_cents += e->vat_cents;
    }
    t->incl_cents = t->excl_cents + t->vat_cents;
}

#endif
