/*
 * tests/fuzz/fuzz_check.h — the invariants both fuzz targets check.
 *
 * A header with static functions so that each target stays one file to
 * compile; abort() is how libFuzzer learns that an invariant broke.
 */
#ifndef KM0_FUZZ_CHECK_H
#define KM0_FUZZ_CHECK_H

#include "catalog.h"
#include "dfc_export.h"
#include "../core/unit.h"
#include "../core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fuzz_require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static bool fuzz_text_ok(const char *s)
{
    return s && utf8_valid(s, strlen(s));
}

/* What may be stored and printed: UTF-8 without the characters XML 1.0 cannot carry
 * (C0 controls but tab and line breaks, U+FFFE, U+FFFF), checked byte by byte. */
static bool fuzz_stored_ok(const char *s)
{
    if (!fuzz_text_ok(s))
        return false;
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; u[i]; i++)
        if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') ||
            (u[i] == 0xEF && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF)))
            return false;
    return true;
}

static void fuzz_check_accepted(const imp_catalog *cat)
{
    for (size_t i = 0; i < cat->nproducts; i++) {
        const imp_product *p = &cat->products[i];
        fuzz_require(fuzz_stored_ok(p->sku) && *p->sku, "sku");
        fuzz_require(fuzz_stored_ok(p->name) && *p->name, "name");
        fuzz_require(fuzz_stored_ok(p->category), "category");
        fuzz_require(fuzz_stored_ok(p->description), "description");
        fuzz_require(unit_by_code(p->unit) != NULL, "unit");
        fuzz_require(p->price_excl_vat > 0, "price");
        fuzz_require(vat_rate_valid(p->vat_rate), "vat");
        fuzz_require(p->price_incl_vat < 0 ||
                         money_price_incl(p->price_excl_vat, p->vat_rate) == p->price_incl_vat,
                     "incl agrees with excl");
        fuzz_require(p->weight_g >= -1 && p->stock >= -1 && p->step > 0, "quantities");
        /* priced by the kg or litre: a piece of a count unit, its price the estimate's */
        if (p->measure) {
            fuzz_require(!strcmp(p->measure, "kg") || !strcmp(p->measure, "l"), "measure");
            fuzz_require(unit_by_code(p->unit)->kind == UNIT_COUNT, "weighed by the piece");
            fuzz_require(p->measure_price > 0 && p->measure_estimate > 0 &&
                             p->measure_estimate <= 1000000,
                         "measure price and estimate");
            fuzz_require(p->price_excl_vat ==
                             div_round(p->measure_price * p->measure_estimate, 1000),
                         "a piece at its estimate");
        }
    }
}

static void fuzz_same(const imp_product *x, const imp_product *y)
{
    fuzz_require(strcmp(x->sku, y->sku) == 0 && strcmp(x->name, y->name) == 0 &&
                     strcmp(x->category, y->category) == 0 && strcmp(x->unit, y->unit) == 0 &&
                     strcmp(x->description, y->description) == 0,
                 "round trip: text");
    fuzz_require(x->price_excl_vat == y->price_excl_vat && x->price_incl_vat == y->price_incl_vat &&
                     x->vat_rate == y->vat_rate && x->weight_g == y->weight_g &&
                     x->stock == y->stock && x->step == y->step && x->organic == y->organic &&
                     x->active == y->active,
                 "round trip: values");
    fuzz_require((!x->measure && !y->measure) ||
                     (x->measure && y->measure && !strcmp(x->measure, y->measure) &&
                      x->measure_price == y->measure_price &&
                      x->measure_estimate == y->measure_estimate),
                 "round trip: priced by measure");
}

static void fuzz_parse_and_check(const char *data, size_t size, const imp_options *opt)
{
    imp_catalog cat = {.mem = arena_new()};
    size_t n = imp_parse(data, size, opt, &cat);
    fuzz_require(n == cat.nproblems, "count");
    for (size_t i = 0; i < cat.nproblems; i++)
        fuzz_require(cat.problems[i].code && fuzz_text_ok(cat.problems[i].message_fr) &&
                         fuzz_text_ok(cat.problems[i].message_en),
                     "problem");
    if (n == 0) {
        fuzz_check_accepted(&cat);
        char *json = imp_dfc_export("https://hub.example", "p", "P", cat.products, cat.nproducts);
        imp_options back_opt = *opt;
        back_opt.format = IMP_FORMAT_DFC;
        back_opt.encoding = IMP_ENC_AUTO;
        back_opt.max_bytes = 0;
        imp_catalog back = {.mem = arena_new()};
        size_t m = imp_parse(json, strlen(json), &back_opt, &back);
        fuzz_require(m == 0 && back.nproducts == cat.nproducts, "round trip: accepted");
        for (size_t i = 0; i < cat.nproducts; i++)
            fuzz_same(&cat.products[i], &back.products[i]);
        arena_free(back.mem);
        free(json);
    }
    arena_free(cat.mem);
}

#endif
