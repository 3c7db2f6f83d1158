/*
 * tests/unit/test_weigh_csv.c — a scale's CSV read into weigh rows
 * (importers/weigh_csv.c), by example: headers French and English or none, the
 * separators and encodings spreadsheets write, every way a weight is written, and each
 * problem at its line and column. tests/fuzz/fuzz_weigh.c checks the invariants on
 * arbitrary bytes. Last, the problems of a weigh-in listed in the file's order
 * (core/delivery_db.c), as a file of many wrong rows produces them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/delivery_int.h"
#include "weigh_csv.h"

#include <string.h>

static size_t parse(arena *a, const char *text, weigh_file *f)
{
    return weigh_csv_parse(text, strlen(text), "scale.csv", a, f);
}

static void french_header(void **state)
{
    (void)state;
    arena *a = arena_new();
    weigh_file f;
    /* the BOM a spreadsheet writes, semicolons, the header's own words */
    assert_int_equal(parse(a,
                           "\xEF\xBB\xBFN° sac;Référence;Poids (kg)\r\n12;POULET;2,14\r\n\r\n"
                           "13;ROTI;0.8 kg\r\n14;POULET;2140 g\r\n",
                           &f),
                     0);
    assert_true(f.header);
    assert_int_equal(f.separator, ';');
    assert_int_equal(f.nrows, 3);
    assert_int_equal(f.rows[0].bag, 12);
    assert_string_equal(f.rows[0].sku, "POULET");
    assert_int_equal(f.rows[0].weight, 2140);
    assert_int_equal(f.rows[1].weight, 800);
    assert_int_equal(f.rows[2].weight, 2140);
    assert_null(f.rows[0].producer);
    assert_string_equal(f.rows[0].at_weight, "scale.csv:2:Poids (kg)");
    assert_string_equal(f.rows[1].at_bag, "scale.csv:4:N° sac"); /* a blank line in between */
    arena_free(a);
}

static void english_header_with_producer_and_line(void **state)
{
    (void)state;
    arena *a = arena_new();
    weigh_file f;
    assert_int_equal(parse(a, "weight,sku,bag,producer\n1.5,EGG,3,oeufs-puy\n", &f), 0);
    assert_int_equal(f.rows[0].bag, 3);
    assert_string_equal(f.rows[0].producer, "oeufs-puy");
    assert_int_equal(f.rows[0].weight, 1500);
    /* a line by its number needs no bag nor sku */
    assert_int_equal(parse(a, "line;weight\n41;2.2\n", &f), 0);
    assert_int_equal(f.rows[0].line, 41);
    assert_int_equal(f.rows[0].weight, 2200);
    arena_free(a);
}

static void no_header(void **state)
{
    (void)state;
    arena *a = arena_new();
    weigh_file f;
    assert_int_equal(parse(a, "1\tPOULET\t2.140\n1\tPOULET\t1.98\n", &f), 0);
    assert_false(f.header);
    assert_int_equal(f.separator, '\t');
    assert_int_equal(f.nrows, 2); /* rows of one bag and sku add up later, in the core */
    assert_string_equal(f.rows[1].at_weight, "scale.csv:2:3");
    arena_free(a);
}

static void windows_1252(void **state)
{
    (void)state;
    arena *a = arena_new();
    weigh_file f;
    /* "Référence" and "Poids" as French Excel saves them */
    assert_int_equal(parse(a,
                           "Sac;R\xE9"
                           "f\xE9rence;Poids\n2;POULET;4,1\n",
                           &f),
                     0);
    assert_int_equal(f.rows[0].weight, 4100);
    assert_string_equal(f.rows[0].at_sku, "scale.csv:2:Référence");
    arena_free(a);
}

static const weigh_problem *problem(const weigh_file *f, const char *code)
{
    for (size_t i = 0; i < f->nproblems; i++)
        if (!strcmp(f->problems[i].code, code))
            return &f->problems[i];
    return NULL;
}

static void every_problem_at_its_place(void **state)
{
    (void)state;
    arena *a = arena_new();
    weigh_file f;
    assert_int_equal(parse(a,
                           "sac;référence;poids\n;POULET;2\nx;POULET;2\n3;;2\n4;POULET;\n"
                           "5;POULET;-1\n6;POULET;deux\n7;POULET;0\n8;POU\x01LET;2\n",
                           &f),
                     8);
    assert_int_equal(f.nrows, 0); /* nothing is kept from a file with problems */
    const weigh_problem *p = problem(&f, "missing_bag");
    assert_non_null(p);
    assert_string_equal(p->where, "scale.csv:2:sac");
    assert_string_equal(problem(&f, "invalid_bag")->where, "scale.csv:3:sac");
    assert_string_equal(problem(&f, "missing_sku")->where, "scale.csv:4:référence");
    assert_string_equal(problem(&f, "missing_weight")->where, "scale.csv:5:poids");
    p = problem(&f, "invalid_weight");
    assert_string_equal(p->where, "scale.csv:6:poids");
    assert_string_equal(p->fr, "le poids « -1 » doit être positif");
    assert_string_equal(p->en, "weight \"-1\" must be positive");
    assert_string_equal(problem(&f, "invalid_sku")->where, "scale.csv:9:référence");
    /* a header naming none of the three columns it needs */
    assert_int_equal(parse(a, "sac;poids\n1;2\n", &f), 1);
    assert_string_equal(f.problems[0].code, "missing_column");
    assert_int_equal(parse(a, "", &f), 1);
    assert_string_equal(f.problems[0].code, "no_rows");
    assert_int_equal(parse(a, "1;POULET;\"2\n", &f), 1);
    assert_string_equal(f.problems[0].code, "unterminated_quote");
    arena_free(a);
}

static void weights_as_written(void **state)
{
    (void)state;
    int64_t g;
    assert_true(weigh_value("2,14", &g) && g == 2140);
    assert_true(weigh_value("2.14", &g) && g == 2140);
    assert_true(weigh_value("2.14 kg", &g) && g == 2140);
    assert_true(weigh_value("2140g", &g) && g == 2140);
    assert_true(weigh_value("-1", &g) && g == -1000); /* the caller checks the sign */
    assert_false(weigh_value("2.1415", &g));          /* finer than a gram */
    assert_false(weigh_value("2,5 g", &g));           /* grams are whole */
    assert_false(weigh_value("two", &g));
    assert_false(weigh_value("", &g));
    assert_false(weigh_value("1e3", &g));
}

/* The plausibility checks add their problems line by line, not row by row: the list
 * the reply gives is in the file's order, problems of one row in the order found, the
 * worst status wins, and a file of thousands of wrong rows in reverse is no slower than
 * a sort (an insertion sort here took quadratic time). */
static void problems_in_file_order(void **state)
{
    (void)state;
    arena *a = arena_new();
    dl_problems p = {.a = a};
    refusal why = {0};
    assert_int_equal(dl_problems_refuse(&p, &why), 0);
    enum { N = 20000 };
    for (int i = N - 1; i >= 0; i--) {
        p.row = i;
        dl_problem(&p, 422, "implausible_weight", arena_printf(a, "w%d", i), "fr", "en");
    }
    p.row = 7; /* a second problem of row 7, found later: after the first */
    dl_problem(&p, 403, "not_your_product", "second-of-7", "fr", "en");
    p.row = 3;
    dl_problem(&p, 404, "unknown_bag", "second-of-3", "fr", "en");
    assert_int_equal(dl_problems_refuse(&p, &why), 1);
    assert_int_equal(why.status, 422);
    assert_int_equal(why.ndetails, N + 2);
    assert_string_equal(why.details[0].field, "w0");
    assert_string_equal(why.details[3].field, "w3");
    assert_string_equal(why.details[4].field, "second-of-3");
    assert_string_equal(why.details[8].field, "w7");
    assert_string_equal(why.details[9].field, "second-of-7");
    assert_string_equal(why.details[N + 1].field, arena_printf(a, "w%d", N - 1));
    for (int i = 8; i < N; i++) /* past the two second problems, two places on */
        assert_string_equal(why.details[i + 2].field, arena_printf(a, "w%d", i));
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(french_header),
        cmocka_unit_test(english_header_with_producer_and_line),
        cmocka_unit_test(no_header),
        cmocka_unit_test(windows_1252),
        cmocka_unit_test(every_problem_at_its_place),
        cmocka_unit_test(weights_as_written),
        cmocka_unit_test(problems_in_file_order),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
