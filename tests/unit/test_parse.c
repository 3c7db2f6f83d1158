/*
 * tests/unit/test_parse.c — the strict value parsers (core/parse.c) and the text
 * check (core/text.c), by example: what each accepts, what it refuses and why
 * (syntax or range), and the canonical text handed to PostgreSQL. The fuzz target
 * tests/fuzz/fuzz_parse.c checks their invariants on arbitrary bytes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "parse.h"
#include "text.h"

#include <string.h>

static parse_status ts(const char *s, char *text)
{
    parse_ts t;
    parse_status st = parse_timestamp(s, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &t);
    if (st == PARSE_OK && text)
        parse_ts_text(text, &t);
    return st;
}

static void test_timestamp(void **state)
{
    (void)state;
    char text[40];
    assert_int_equal(ts("2026-03-05T18:00", text), PARSE_OK);
    assert_string_equal(text, "2026-03-05 18:00:00"); /* no offset: Paris time */
    assert_int_equal(ts("2026-03-05T18:00:30+01", text), PARSE_OK);
    assert_string_equal(text, "2026-03-05 18:00:30+01:00");
    assert_int_equal(ts("2026-03-05 18:00:30.25-05:30", text), PARSE_OK);
    assert_string_equal(text, "2026-03-05 18:00:30.250000-05:30");
    assert_int_equal(ts("2026-03-05T18:00:00Z", text), PARSE_OK);
    assert_string_equal(text, "2026-03-05 18:00:00+00:00");
    assert_int_equal(ts("2026-03-05T18:00:00.123456+0100", text), PARSE_OK);
    assert_string_equal(text, "2026-03-05 18:00:00.123456+01:00");
    assert_int_equal(ts("2024-02-29T00:00", NULL), PARSE_OK); /* a leap day */
    assert_int_equal(ts("2100-12-31T23:59:59+14:00", NULL), PARSE_OK);
    assert_int_equal(ts("2000-01-01T00:00-14:00", NULL), PARSE_OK);

    /* what PostgreSQL would have read as a timestamp, and km0 must not */
    assert_int_equal(ts("infinity", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("-infinity", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("now", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("epoch", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("294276-01-01T00:00", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-01-01T00:00 BC", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-01-01 BC", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05", NULL), PARSE_SYNTAX); /* a date is not a time */
    assert_int_equal(ts("2026-3-5T18:00", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18:00:00.", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18:00:00.1234567", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18:00+1", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18:00+01:0", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18:00 ", NULL), PARSE_SYNTAX);
    assert_int_equal(ts(" 2026-03-05T18:00", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("2026-03-05T18:00Europe/Paris", NULL), PARSE_SYNTAX);
    assert_int_equal(ts("", NULL), PARSE_EMPTY);
    assert_int_equal(ts(NULL, NULL), PARSE_EMPTY);

    /* well written, out of range */
    assert_int_equal(ts("1999-12-31T23:59", NULL), PARSE_RANGE);
    assert_int_equal(ts("2101-01-01T00:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("9999-12-31T23:59", NULL), PARSE_RANGE);
    assert_int_equal(ts("2025-02-29T00:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-04-31T00:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-13-01T00:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-00-01T00:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-03-05T24:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-03-05T18:60", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-03-05T18:00:60", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-03-05T18:00+15:00", NULL), PARSE_RANGE);
    assert_int_equal(ts("2026-03-05T18:00+01:60", NULL), PARSE_RANGE);
}

static void test_date(void **state)
{
    (void)state;
    parse_date d;
    char text[40];
    assert_int_equal(parse_date_iso("2026-03-05", 2000, 2100, &d), PARSE_OK);
    assert_string_equal(parse_date_text(text, &d), "2026-03-05");
    assert_int_equal(parse_date_iso("2000-02-29", 2000, 2100, &d), PARSE_OK);
    assert_int_equal(parse_date_iso("2100-02-29", 2000, 2100, &d), PARSE_RANGE); /* not leap */
    assert_int_equal(parse_date_iso("294276-01-01", 2000, 2100, &d), PARSE_SYNTAX);
    assert_int_equal(parse_date_iso("2026-01-01 BC", 2000, 2100, &d), PARSE_SYNTAX);
    assert_int_equal(parse_date_iso("infinity", 2000, 2100, &d), PARSE_SYNTAX);
    assert_int_equal(parse_date_iso("today", 2000, 2100, &d), PARSE_SYNTAX);
    assert_int_equal(parse_date_iso("05/03/2026", 2000, 2100, &d), PARSE_SYNTAX);
    assert_int_equal(parse_date_iso("2026-03-05T00:00", 2000, 2100, &d), PARSE_SYNTAX);
    assert_int_equal(parse_date_iso("0001-01-01", 2000, 2100, &d), PARSE_RANGE);
    assert_int_equal(parse_date_iso("2026-02-30", 2000, 2100, &d), PARSE_RANGE);
    assert_int_equal(parse_date_iso("", 2000, 2100, &d), PARSE_EMPTY);
}

static void test_int(void **state)
{
    (void)state;
    int64_t v = -1;
    assert_int_equal(parse_int("5", 1, 100000, &v), PARSE_OK);
    assert_int_equal(v, 5);
    assert_int_equal(parse_int("0", 0, 10, &v), PARSE_OK);
    assert_int_equal(v, 0);
    assert_int_equal(parse_int("-12", -20, 0, &v), PARSE_OK);
    assert_int_equal(v, -12);
    assert_int_equal(parse_int("9223372036854775807", 1, INT64_MAX, &v), PARSE_OK);
    assert_int_equal(v, INT64_MAX);
    assert_int_equal(parse_int("5.0", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("5,0", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("+5", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int(" 5", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("5 ", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("05", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("1e3", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("0x10", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("-", 1, 100000, &v), PARSE_SYNTAX);
    assert_int_equal(parse_int("", 1, 100000, &v), PARSE_EMPTY);
    assert_int_equal(parse_int("0", 1, 100000, &v), PARSE_RANGE);
    assert_int_equal(parse_int("100001", 1, 100000, &v), PARSE_RANGE);
    assert_int_equal(parse_int("9223372036854775808", 1, INT64_MAX, &v), PARSE_RANGE);
    assert_int_equal(parse_int("99999999999999999999999999999", 1, INT64_MAX, &v), PARSE_RANGE);
    assert_int_equal(parse_int("99999999999999999999999999999x", 1, INT64_MAX, &v), PARSE_SYNTAX);
}

static void test_decimal(void **state)
{
    (void)state;
    int64_t v = 0;
    assert_int_equal(parse_quantity("1.5", &v), PARSE_OK);
    assert_int_equal(v, 1500);
    assert_int_equal(parse_quantity("1,5", &v), PARSE_OK); /* a French comma */
    assert_int_equal(v, 1500);
    assert_int_equal(parse_quantity(" 2 ", &v), PARSE_OK); /* what a form field holds */
    assert_int_equal(v, 2000);
    assert_int_equal(parse_quantity("0.2500", &v), PARSE_OK); /* zeros past the scale */
    assert_int_equal(v, 250);
    assert_int_equal(parse_quantity(".5", &v), PARSE_OK);
    assert_int_equal(v, 500);
    assert_int_equal(parse_quantity("-1", &v), PARSE_OK); /* the order says why not */
    assert_int_equal(v, -1000);
    assert_int_equal(parse_quantity("1.2345", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity("1e3", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity("NaN", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity("inf", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity("1.5.0", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity("1 5", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity(".", &v), PARSE_SYNTAX);
    assert_int_equal(parse_quantity("  ", &v), PARSE_EMPTY);
    assert_int_equal(parse_quantity("10000000000000000000000000", &v), PARSE_RANGE);
    assert_int_equal(parse_quantity("1000000000.001", &v), PARSE_RANGE);
    assert_int_equal(parse_decimal("12.34", 2, 0, 100000, &v), PARSE_OK); /* an amount */
    assert_int_equal(v, 1234);
    assert_int_equal(parse_decimal("1000.01", 2, 0, 100000, &v), PARSE_RANGE);
}

static void test_time_and_degrees(void **state)
{
    (void)state;
    int m = -1;
    assert_int_equal(parse_time_of_day("17:30", &m), PARSE_OK);
    assert_int_equal(m, 17 * 60 + 30);
    assert_int_equal(parse_time_of_day("7:05", &m), PARSE_OK);
    assert_int_equal(m, 7 * 60 + 5);
    assert_int_equal(parse_time_of_day("00:00", &m), PARSE_OK);
    assert_int_equal(m, 0);
    assert_int_equal(parse_time_of_day("24:00", &m), PARSE_RANGE);
    assert_int_equal(parse_time_of_day("12:60", &m), PARSE_RANGE);
    assert_int_equal(parse_time_of_day("-1:30", &m), PARSE_SYNTAX);
    assert_int_equal(parse_time_of_day("7: 5", &m), PARSE_SYNTAX);
    assert_int_equal(parse_time_of_day("17:30:00", &m), PARSE_SYNTAX);
    assert_int_equal(parse_time_of_day("17h30", &m), PARSE_SYNTAX);
    assert_int_equal(parse_time_of_day("", &m), PARSE_EMPTY);

    int64_t e7 = 0;
    assert_int_equal(parse_degrees("44.729", true, &e7), PARSE_OK);
    assert_int_equal(e7, 447290000);
    assert_int_equal(parse_degrees("-180", false, &e7), PARSE_OK);
    assert_int_equal(e7, -1800000000);
    assert_int_equal(parse_degrees("90.0000001", true, &e7), PARSE_RANGE);
    assert_int_equal(parse_degrees("120", true, &e7), PARSE_RANGE);
    assert_int_equal(parse_degrees("120", false, &e7), PARSE_OK);
    assert_int_equal(parse_degrees("nan", true, &e7), PARSE_SYNTAX);
    assert_int_equal(parse_degrees("4.5e1", true, &e7), PARSE_SYNTAX);
    assert_int_equal(parse_degrees("0x1p3", true, &e7), PARSE_SYNTAX);
}

static void test_text_counts_characters(void **state)
{
    (void)state;
    char e60[121], e101[203], big[161];
    for (int i = 0; i < 60; i++)
        memcpy(e60 + 2 * i, "\xC3\xA9", 2); /* é */
    e60[120] = '\0';
    for (int i = 0; i < 101; i++)
        memcpy(e101 + 2 * i, "\xC3\xA9", 2);
    e101[202] = '\0';
    for (int i = 0; i < 40; i++)
        memcpy(big + 4 * i, "\xF0\x9F\xA5\x95", 4); /* a carrot, four bytes */
    big[160] = '\0';
    assert_int_equal(text_check(e60, 0, 100, TEXT_LINE), TEXT_OK);
    assert_int_equal(text_check(e101, 0, 100, TEXT_LINE), TEXT_TOO_LONG);
    assert_int_equal(text_check(big, 0, 40, TEXT_LINE), TEXT_OK);
    assert_int_equal(text_check(big, 0, 39, TEXT_LINE), TEXT_TOO_LONG);
    assert_int_equal(text_chars(big, strlen(big)), 40);
    assert_int_equal(text_check("", 1, 10, TEXT_LINE), TEXT_TOO_SHORT);
    assert_int_equal(text_check(NULL, 0, 10, TEXT_LINE), TEXT_OK);
}

static void test_text_characters(void **state)
{
    (void)state;
    assert_int_equal(text_check("a\xEF\xBF\xBE", 0, 10, TEXT_LINES), TEXT_BAD_CHAR);    /* U+FFFE */
    assert_int_equal(text_check("a\xEF\xBF\xBF", 0, 10, TEXT_LINES), TEXT_BAD_CHAR);    /* U+FFFF */
    assert_int_equal(text_check("\xEF\xB7\x90", 0, 10, TEXT_LINES), TEXT_BAD_CHAR);     /* U+FDD0 */
    assert_int_equal(text_check("\xF0\x9F\xBF\xBF", 0, 10, TEXT_LINES), TEXT_BAD_CHAR); /* 1FFFF */
    assert_int_equal(text_check("bell\a", 0, 10, TEXT_LINES), TEXT_BAD_CHAR);
    assert_int_equal(text_check("del\x7F", 0, 10, TEXT_LINES), TEXT_BAD_CHAR);
    assert_int_equal(text_check("c1\xC2\x85", 0, 10, TEXT_LINES), TEXT_BAD_CHAR); /* U+0085 */
    assert_int_equal(text_check("a\tb", 0, 10, TEXT_LINE), TEXT_BAD_CHAR);
    assert_int_equal(text_check("a\tb", 0, 10, TEXT_TAB), TEXT_OK);
    assert_int_equal(text_check("a\nb", 0, 10, TEXT_TAB), TEXT_BAD_CHAR);
    assert_int_equal(text_check("a\r\nb", 0, 10, TEXT_LINES), TEXT_OK);
    assert_int_equal(text_check("\xEF\xBF\xBD", 0, 10, TEXT_LINE), TEXT_OK); /* U+FFFD is fine */
    assert_int_equal(text_check("\xF4\x8F\xBF\xBD", 0, 10, TEXT_LINE), TEXT_OK); /* U+10FFFD */
    assert_int_equal(text_check("\xC3\x28", 0, 10, TEXT_LINE), TEXT_BAD_ENCODING);
    assert_int_equal(text_check("\xED\xA0\x80", 0, 10, TEXT_LINE), TEXT_BAD_ENCODING); /* D800 */
    assert_int_equal(text_bad_char("ok\xEF\xBF\xBEx", 6, TEXT_LINE), 0xFFFE);
    assert_int_equal(text_bad_char("ok", 2, TEXT_LINE), -1);
}

static void test_xml_safe(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *clean = "Légumes 🥕\tet\nfruits";
    assert_ptr_equal(text_xml_safe(a, clean), clean); /* no copy when nothing to do */
    assert_string_equal(text_xml_safe(a, "a\xEF\xBF\xBE"
                                         "b\xEF\xBF\xBF"
                                         "c\x01"
                                         "d"),
                        "a b c d");
    assert_string_equal(text_xml_safe(a, "x\xC3\x28y"), "x (y"); /* a stray byte */
    assert_string_equal(text_xml_safe(a, NULL), "");
    arena_free(a);
}

static void test_refusals_name_the_field(void **state)
{
    (void)state;
    arena *a = arena_new();
    refusal why = {0};
    assert_int_equal(parse_refuse(&why, a, "closes", "La clôture", "closes", PARSE_KIND_TIMESTAMP,
                                  PARSE_SYNTAX, 2000, 2100),
                     1);
    assert_int_equal(why.status, 422);
    assert_string_equal(why.code, "invalid_field");
    assert_string_equal(why.field, "closes");
    assert_non_null(strstr(why.en, "2000 to 2100"));
    assert_string_equal(why.fr, "La clôture n’est pas une date et heure valide, de 2000 à 2100, "
                                "écrite comme 2026-03-05T18:00+01:00 (sans décalage : heure de "
                                "Paris).");
    assert_int_equal(
        parse_refuse(&why, a, "opens", NULL, NULL, PARSE_KIND_TIMESTAMP, PARSE_EMPTY, 2000, 2100),
        1);
    assert_string_equal(why.code, "missing_field");
    assert_non_null(strstr(why.en, "\"opens\" is not a valid date and time"));
    assert_int_equal(
        text_or_refuse(&why, a, "name", "x\xEF\xBF\xBF", 0, 100, TEXT_LINE, NULL, NULL), 1);
    assert_string_equal(why.code, "invalid_text");
    assert_string_equal(why.field, "name");
    assert_int_equal(text_or_refuse(&why, a, "name", "abc", 0, 2, TEXT_LINE, NULL, NULL), 1);
    assert_string_equal(why.code, "invalid_field");
    assert_string_equal(why.en, "The field \"name\" has at most 2 characters.");
    assert_int_equal(text_or_refuse(&why, a, "name", "abc", 0, 3, TEXT_LINE, NULL, NULL), 0);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_timestamp),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_decimal),
        cmocka_unit_test(test_time_and_degrees),
        cmocka_unit_test(test_text_counts_characters),
        cmocka_unit_test(test_text_characters),
        cmocka_unit_test(test_xml_safe),
        cmocka_unit_test(test_refusals_name_the_field),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
