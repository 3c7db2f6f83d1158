/*
 * tests/fuzz/fuzz_statement.c — the bank statement parsers (importers/camt.c,
 * importers/bank_csv.c) on arbitrary bytes, and the RF reference finder.
 *
 * Invariants on what they accept: every entry has a real booking date, a non-zero
 * amount that fits, strings the database will take (lengths of schema/016), a
 * reference only when its check digits hold and it is one of km0's; and a refusal
 * always says why, naming the file.
 */
#include "../../core/arena.h"
#include "../../core/bank_id.h"
#include "../../core/parse.h"
#include "../../importers/statement.h"

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
#define FUZZ_CHECK(cond) require((cond), #cond)

static void check_entry(const stmt_entry *e)
{
    parse_date d;
    FUZZ_CHECK(parse_date_iso(e->booked_on, 1990, 2200, &d) == PARSE_OK);
    FUZZ_CHECK(!*e->value_on || parse_date_iso(e->value_on, 1990, 2200, &d) == PARSE_OK);
    FUZZ_CHECK(e->amount != 0 && e->amount < 10000000000000LL && e->amount > -10000000000000LL);
    FUZZ_CHECK(strlen(e->counterparty) <= 140 * 4 && strlen(e->remittance) <= 500);
    FUZZ_CHECK(strlen(e->counterparty_iban) <= IBAN_MAX && strlen(e->end_to_end_id) <= 35);
    FUZZ_CHECK(strlen(e->bank_ref) <= 100 && strlen(e->bank_code) <= 40);
    if (*e->reference) {
        int64_t id;
        FUZZ_CHECK(rf_parse(e->reference, &id) != RF_NONE && id > 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena *a = arena_new();
    stmt_file f;
    refusal why = {0};
    const char *text = (const char *)data;
    int st = camt_format(text, size) ? camt_parse(a, text, size, &f, &why)
                                     : bank_csv_parse(a, text, size, &f, &why);
    if (st == 0) {
        for (size_t i = 0; i < f.n; i++)
            check_entry(&f.entries[i]);
    } else {
        FUZZ_CHECK(st == 1 && why.status == 422 && why.fr && why.en && why.field);
    }
    /* the finder on the same bytes as text */
    char *s = arena_strndup(a, text, size);
    char found[8][RF_MAX + 1];
    size_t n = rf_find_all(s, found, 8);
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        FUZZ_CHECK(rf_parse(found[i], &id) != RF_NONE);
    }
    arena_free(a);
    return 0;
}
