/*
 * tests/fuzz/fuzz_weigh.c — libFuzzer entry point for a scale's CSV
 * (importers/weigh_csv.c).
 *
 * Whatever the bytes: no crash, and every problem has its place and both messages in
 * UTF-8. A file accepted holds only rows the weigh-in can take: a positive weight of at
 * most WEIGH_MAX_MILLI thousandths, and either a line number or a bag number with an
 * SKU of 1 to 64 characters of printable UTF-8 (checked here byte by byte), each value
 * with the place it came from.
 */
#include "../../core/util.h"
#include "../../importers/weigh_csv.h"

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

static bool printable(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return utf8_valid(s, strlen(s));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    weigh_file f;
    size_t n = weigh_csv_parse((const char *)data, size, "fuzz.csv", a, &f);
    require(n == f.nproblems, "the count is the problems'");
    for (size_t i = 0; i < f.nproblems; i++) {
        const weigh_problem *p = &f.problems[i];
        require(p->where && p->code && p->fr && p->en, "a problem says where and what");
        require(utf8_valid(p->fr, strlen(p->fr)) && utf8_valid(p->en, strlen(p->en)),
                "messages are UTF-8");
        require(utf8_valid(p->where, strlen(p->where)), "places are UTF-8");
    }
    if (n == 0) {
        require(f.nrows > 0 && f.nrows <= DELIVERY_MAX_ROWS, "an accepted file has rows");
        for (size_t i = 0; i < f.nrows; i++) {
            const weigh_row *r = &f.rows[i];
            require(r->weight > 0 && r->weight <= (int64_t)WEIGH_MAX_MILLI * 1000,
                    "a positive, bounded weight");
            require(r->at_line && r->at_bag && r->at_sku && r->at_weight, "every value's place");
            if (r->line > 0)
                continue;
            require(r->bag >= 1, "a bag number");
            size_t len = r->sku ? strlen(r->sku) : 0;
            require(len >= 1 && len <= 256 && printable(r->sku), "a printable sku");
            require(utf8_len(r->sku) <= 64, "at most 64 characters");
            require(!r->producer || slug_valid(r->producer), "a producer's slug");
        }
    }
    arena_free(a);
    return 0;
}
