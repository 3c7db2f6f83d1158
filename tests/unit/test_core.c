/*
 * tests/unit/test_core.c — money arithmetic, buffers, arenas, UTF-8, config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/arena.h"
#include "../../core/buf.h"
#include "../../core/config.h"
#include "../../core/files.h"
#include "../../core/money.h"
#include "../../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void dec_parse_accepts_both_separators(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(dec_parse("1.5", 3, &v), DEC_OK);
    assert_int_equal(v, 1500);
    assert_int_equal(dec_parse("1,5", 3, &v), DEC_OK);
    assert_int_equal(v, 1500);
    assert_int_equal(dec_parse(" -2,25 ", 2, &v), DEC_OK);
    assert_int_equal(v, -225);
    assert_int_equal(dec_parse("+7", 0, &v), DEC_OK);
    assert_int_equal(v, 7);
    assert_int_equal(dec_parse("3.", 2, &v), DEC_OK);
    assert_int_equal(v, 300);
    assert_int_equal(dec_parse(".5", 1, &v), DEC_OK);
    assert_int_equal(v, 5);
}

static void dec_parse_refuses_garbage(void **state)
{
    (void)state;
    int64_t v;
    assert_int_equal(dec_parse("", 2, &v), DEC_EMPTY);
    assert_int_equal(dec_parse("   ", 2, &v), DEC_EMPTY);
    assert_int_equal(dec_parse("abc", 2, &v), DEC_SYNTAX);
    assert_int_equal(dec_parse("1.2.3", 2, &v), DEC_SYNTAX);
    assert_int_equal(dec_parse("1,5kg", 2, &v), DEC_SYNTAX);
    assert_int_equal(dec_parse("-", 2, &v), DEC_SYNTAX);
    assert_int_equal(dec_parse("1.234", 2, &v), DEC_PRECISION);
    assert_int_equal(dec_parse("1.2300", 2, &v), DEC_OK); /* zeros are not precision */
    assert_int_equal(v, 123);
    assert_int_equal(dec_parse("99999999999999999999", 0, &v), DEC_RANGE);
    assert_int_equal(dec_parse("9223372036854775807", 2, &v), DEC_RANGE);
}

static void dec_format_trims_to_min_decimals(void **state)
{
    (void)state;
    char out[32];
    assert_string_equal(dec_format(out, 1500, 3, 0), "1.5");
    assert_string_equal(dec_format(out, 1000, 3, 0), "1");
    assert_string_equal(dec_format(out, 376, 2, 2), "3.76");
    assert_string_equal(dec_format(out, 300, 2, 2), "3.00");
    assert_string_equal(dec_format(out, 550, 2, 0), "5.5");
    assert_string_equal(dec_format(out, -5, 2, 2), "-0.05");
    assert_string_equal(dec_format(out, 199052, 4, 2), "19.9052");
    assert_string_equal(dec_format(out, 0, 2, 2), "0.00");
}

static void rounding_is_half_away_from_zero(void **state)
{
    (void)state;
    assert_int_equal(div_round(5, 10), 1);
    assert_int_equal(div_round(4, 10), 0);
    assert_int_equal(div_round(-5, 10), -1);
    assert_int_equal(div_round(-4, 10), 0);
    assert_int_equal(div_round(15, 10), 2);
}

/* DESIGN.md's example: 1.5 kg of carrots at 2.37 excl. VAT, 5.5 %. */
static void design_example_amounts(void **state)
{
    (void)state;
    cents_t net = money_line_net(1500, 23700);
    assert_int_equal(net, 356);                /* 355.5 rounds up */
    assert_int_equal(money_vat(net, 550), 20); /* 19.58 */
    money_line l = {1, 550, net};
    money_totals t;
    money_totals_compute(&l, 1, &t);
    assert_int_equal(t.excl, 356);
    assert_int_equal(t.vat, 20);
    assert_int_equal(t.incl, 376);
    assert_int_equal(t.nrates, 1);
    assert_int_equal(t.rates[0].rate, 550);
}

/* 21.00 incl. VAT at 5.5 % has no exact price in whole cents excl. VAT; four
 * decimals keep it exact, and every cent price comes back for every rate. */
static void incl_vat_prices_round_trip(void **state)
{
    (void)state;
    price4_t p = money_price_excl_from_incl(2100, 550);
    assert_int_equal(p, 199052);
    assert_int_equal(money_price_incl(p, 550), 2100);
    const vat_bp_t rates[] = {0, 210, 550, 1000, 2000};
    for (size_t r = 0; r < sizeof rates / sizeof rates[0]; r++)
        for (cents_t c = 1; c <= 200000; c++)
            assert_int_equal(money_price_incl(money_price_excl_from_incl(c, rates[r]), rates[r]),
                             c);
}

/* VAT is per seller and rate on the sum of nets, as each invoice computes it. */
static void totals_group_by_seller_then_rate(void **state)
{
    (void)state;
    /* three lines of 0.10 at 5.5 %: per line VAT would be 3 x 0.01, on the sum 0.02 */
    money_line same[] = {{1, 550, 10}, {1, 550, 10}, {1, 550, 10}};
    money_totals t;
    money_totals_compute(same, 3, &t);
    assert_int_equal(t.vat, 2);
    /* the same lines split over three sellers: three invoices, 0.01 each */
    money_line split[] = {{1, 550, 10}, {2, 550, 10}, {3, 550, 10}};
    money_totals_compute(split, 3, &t);
    assert_int_equal(t.vat, 3);
    assert_int_equal(t.nrates, 1);
    assert_int_equal(t.rates[0].base, 30);
    assert_int_equal(t.rates[0].vat, 3);
    /* several rates, sorted ascending */
    money_line mixed[] = {{1, 2000, 1000}, {1, 550, 1000}, {2, 0, 500}, {1, 1000, 333}};
    money_totals_compute(mixed, 4, &t);
    assert_int_equal(t.nrates, 4);
    assert_int_equal(t.rates[0].rate, 0);
    assert_int_equal(t.rates[1].rate, 550);
    assert_int_equal(t.rates[3].rate, 2000);
    assert_int_equal(t.rates[3].vat, 200);
    assert_int_equal(t.excl, 2833);
    assert_int_equal(t.vat, 200 + 55 + 33);
    assert_int_equal(t.incl, t.excl + t.vat);
    money_totals_compute(NULL, 0, &t);
    assert_int_equal(t.incl, 0);
}

static void weights_in_grams(void **state)
{
    (void)state;
    assert_int_equal(money_weight_g(1500, 1000), 1500);
    assert_int_equal(money_weight_g(3000, 55), 165);
    assert_int_equal(money_weight_g(1, 1), 0);
    assert_true(vat_rate_valid(550));
    assert_false(vat_rate_valid(700));
}

static void buf_escapes(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    buf_html(&b, "<a href=\"x\">Tom & 'Jerry'</a>");
    assert_string_equal(buf_str(&b),
                        "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
    buf_reset(&b);
    buf_json_str(&b, "a\"b\\c\n\x01<");
    assert_string_equal(buf_str(&b), "a\\\"b\\\\c\\n\\u0001\\u003c");
    buf_reset(&b);
    buf_url(&b, "/desk?x=é&y");
    assert_string_equal(buf_str(&b), "%2Fdesk%3Fx%3D%C3%A9%26y");
    buf_reset(&b);
    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "%d,", i);
    assert_true(b.len > 40000);
    assert_int_equal(b.data[b.len], '\0');
    buf_free(&b);
}

static void arena_allocates_and_defers(void **state)
{
    (void)state;
    arena *a = arena_new();
    int *counter = xcalloc(1, sizeof *counter);
    for (int i = 0; i < 1000; i++) {
        char *s = arena_printf(a, "item %d", i);
        assert_string_equal(s, arena_strdup(a, s));
    }
    void *big = arena_alloc(a, 1 << 20);
    memset(big, 1, 1 << 20);
    assert_true(arena_used(a) >= (1u << 20));
    arena_defer(a, free, counter);
    arena_reset(a);
    assert_int_equal(arena_used(a), 0);
    arena_free(a);
}

static void utf8_validation(void **state)
{
    (void)state;
    assert_true(utf8_valid("Chèvrerie Œufs", strlen("Chèvrerie Œufs")));
    assert_false(utf8_valid("Caf\xe9", 4));         /* Latin-1 é */
    assert_false(utf8_valid("\xc0\xaf", 2));        /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));    /* surrogate */
    assert_false(utf8_valid("a\0b", 3));            /* NUL */
    assert_false(utf8_valid("\xe2\x82", 2));        /* truncated */
    assert_true(utf8_valid("\xf0\x9f\x8d\x85", 4)); /* emoji */
    assert_int_equal(utf8_len("Œuf"), 3);
    assert_true(slug_valid("ferme-trois-chenes"));
    assert_false(slug_valid("Ferme"));
    assert_false(slug_valid("a--b"));
    assert_false(slug_valid("-a"));
    assert_false(slug_valid(""));
    char tok[64];
    random_token(tok, 32);
    assert_int_equal(strlen(tok), 43);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void config_file_and_environment(void **state)
{
    (void)state;
    char dir[256], path[300];
    assert_int_equal(temp_dir_make(dir, sizeof dir, "km0-conf"), 0);
    snprintf(path, sizeof path, "%s/km0.conf", dir);
    write_file(path, "# comment\nlisten = 0.0.0.0:9000\nthreads=3\nmax_body_bytes = 2M\n"
                     "database_url = \"dbname=x\"\nsecure_cookies = yes\n");
    unsetenv("KM0_DATABASE_URL");
    unsetenv("KM0_LISTEN");
    assert_int_equal(config_load(path), 0);
    assert_string_equal(g_config.listen, "0.0.0.0:9000");
    assert_int_equal(g_config.threads, 3);
    assert_int_equal(g_config.max_body_bytes, 2 << 20);
    assert_string_equal(g_config.database_url, "dbname=x");
    assert_true(g_config.secure_cookies);
    setenv("KM0_DATABASE_URL", "dbname=from_env", 1);
    assert_int_equal(config_load(path), 0);
    assert_string_equal(g_config.database_url, "dbname=from_env");
    unsetenv("KM0_DATABASE_URL");
    write_file(path, "threads = many\n");
    assert_int_equal(config_load(path), -1);
    write_file(path, "no_such_key = 1\n");
    assert_int_equal(config_load(path), -1);
    write_file(path, "seller_mode = shop\n");
    assert_int_equal(config_load(path), -1);
    assert_true(temp_dir_remove(dir));
    assert_int_equal(config_load("/nonexistent/km0.conf"), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dec_parse_accepts_both_separators),
        cmocka_unit_test(dec_parse_refuses_garbage),
        cmocka_unit_test(dec_format_trims_to_min_decimals),
        cmocka_unit_test(rounding_is_half_away_from_zero),
        cmocka_unit_test(design_example_amounts),
        cmocka_unit_test(incl_vat_prices_round_trip),
        cmocka_unit_test(totals_group_by_seller_then_rate),
        cmocka_unit_test(weights_in_grams),
        cmocka_unit_test(buf_escapes),
        cmocka_unit_test(arena_allocates_and_defers),
        cmocka_unit_test(utf8_validation),
        cmocka_unit_test(config_file_and_environment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
