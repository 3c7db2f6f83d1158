/*
 * tests/unit/test_catalog_storable.c — the database's own limits checked before an
 * import writes (imp_check_storable), and the words a summary is told in
 * (imp_field_label, imp_value_text). No database needed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalog_db.h"
#include "../core/buf.h"
#include "../core/util.h"

#include <string.h>

static size_t parse(imp_catalog *cat, const char *csv)
{
    cat->mem = arena_new();
    imp_options o = {0};
    return imp_parse(csv, strlen(csv), &o, cat);
}

static void test_lengths_the_database_keeps(void **state)
{
    (void)state;
    buf csv = BUF_INIT;
    buf_puts(&csv, "sku,name,unit,price_excl_vat,vat_rate,description\n");
    buf_puts(&csv, "OK-1,Radis,bunch,1.42,5.5,\n");
    /* 65-character sku (in characters: é counts once), 201-character name */
    buf_puts(&csv, "ÉÉÉÉÉ");
    for (int i = 0; i < 60; i++)
        buf_putc(&csv, 'X');
    buf_puts(&csv, ",");
    for (int i = 0; i < 201; i++)
        buf_putc(&csv, 'n');
    buf_puts(&csv, ",kg,2.00,5.5,\n");
    /* 64 characters of sku and 200 of name are fine; a price over 100 000 EUR is not */
    for (int i = 0; i < 64; i++)
        buf_putc(&csv, 'S');
    buf_puts(&csv, ",");
    for (int i = 0; i < 200; i++)
        buf_puts(&csv, "é");
    buf_puts(&csv, ",kg,150000.00,5.5,\n");
    imp_catalog cat;
    assert_int_equal(parse(&cat, buf_str(&csv)), 0);
    assert_int_equal(imp_check_storable(&cat), 3);
    assert_int_equal(cat.nproblems, 3);
    assert_int_equal(cat.problems[0].line, 3);
    assert_string_equal(cat.problems[0].column, "sku");
    assert_string_equal(cat.problems[0].code, "field_too_long");
    assert_string_equal(cat.problems[0].message_en,
                        "the sku is 65 characters long, more than the 64 km0 keeps");
    assert_int_equal(cat.problems[1].line, 3);
    assert_string_equal(cat.problems[1].column, "name");
    assert_int_equal(cat.problems[2].line, 4);
    assert_string_equal(cat.problems[2].code, "bad_price");
    assert_string_equal(cat.problems[2].message_en,
                        "price excl. VAT 150000.00: km0 takes at most 100 000 EUR a unit");
    arena_free(cat.mem);
    buf_free(&csv);
}

static void test_merged_in_line_order(void **state)
{
    (void)state;
    buf csv = BUF_INIT;
    buf_puts(&csv, "sku,name,unit,price_excl_vat,vat_rate\n");
    buf_puts(&csv, "A,Un,kg,1.00,5.5\n");
    for (int i = 0; i < 70; i++)
        buf_putc(&csv, 'B');
    buf_puts(&csv, ",Deux,kg,1.00,5.5\n");
    buf_puts(&csv, "C,Trois,furlong,1.00,5.5\n");
    imp_catalog cat;
    assert_int_equal(parse(&cat, buf_str(&csv)), 1); /* the unknown unit, line 4 */
    assert_int_equal(imp_check_storable(&cat), 1);   /* the long sku, line 3 */
    assert_int_equal(cat.nproblems, 2);
    assert_int_equal(cat.problems[0].line, 3);
    assert_string_equal(cat.problems[0].code, "field_too_long");
    assert_int_equal(cat.problems[1].line, 4);
    assert_string_equal(cat.problems[1].code, "unknown_unit");
    assert_int_equal(cat.problems[1].row, 4);
    arena_free(cat.mem);
    buf_free(&csv);
}

static void test_words(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(imp_field_label("price", true), "prix HT");
    assert_string_equal(imp_field_label("price_incl_vat", false), "price incl. VAT");
    assert_string_equal(imp_value_text(a, "price", "2.37", true), "2,37");
    assert_string_equal(imp_value_text(a, "price", "2.37", false), "2.37");
    assert_string_equal(imp_value_text(a, "vat_rate", "5.5", true), "5,5 %");
    assert_string_equal(imp_value_text(a, "stock", NULL, false), "unlimited");
    assert_string_equal(imp_value_text(a, "stock", NULL, true), "illimité");
    assert_string_equal(imp_value_text(a, "organic", NULL, true), "non précisé");
    assert_string_equal(imp_value_text(a, "active", "false", true), "non");
    assert_string_equal(imp_value_text(a, "name", "Poireaux", true), "« Poireaux »");
    assert_string_equal(imp_value_text(a, "description", "deux\nlignes", false), "\"deux lignes\"");
    /* a long description is cut to about 60 characters, never inside a character */
    const char *long_text = "ééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé";
    const char *cut = imp_value_text(a, "description", long_text, false);
    assert_int_equal(strncmp(cut + strlen(cut) - 4, "…\"", 4), 0);
    assert_true(utf8_valid(cut, strlen(cut)));
    assert_int_equal(utf8_len(cut), 1 + 60 + 1 + 1); /* quotes, 60 characters, the ellipsis */
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lengths_the_database_keeps),
        cmocka_unit_test(test_merged_in_line_order),
        cmocka_unit_test(test_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
