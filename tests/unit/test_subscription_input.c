/*
 * tests/unit/test_subscription_input.c — what a person gives to subscribe is checked
 * in one place (sub_new_check) for the JSON API and the form alike: each refusal names
 * the field both use, in French and English, and the start date comes out canonical.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/subscription.h"

#include <string.h>

static const order_line_in line = {"ferme", "POM", 1000};

/* in refused with a 422 naming field and code. */
static void refused(arena *a, sub_new in, const char *field, const char *code)
{
    refusal why = {0};
    assert_int_equal(sub_new_check(a, &in, &why), 1);
    assert_int_equal(why.status, 422);
    assert_string_equal(why.field, field);
    assert_string_equal(why.code, code);
    assert_true(why.fr && *why.fr);
    assert_true(why.en && *why.en);
}

static void each_field_is_named(void **state)
{
    (void)state;
    arena *a = arena_new();
    sub_new good = {.hub = 1, .customer = 2, .every_weeks = 1, .lines = &line, .nlines = 1};
    sub_new s = good;
    s.every_weeks = 0;
    refused(a, s, "every_weeks", "invalid_field");
    s.every_weeks = SUB_EVERY_WEEKS_MAX + 1;
    refused(a, s, "every_weeks", "invalid_field");
    s = good, s.starts_on = "2026-02-30";
    refused(a, s, "starts_on", "invalid_field");
    s = good, s.nlines = 0, s.lines = NULL;
    refused(a, s, "lines", "empty_order");
    s.from_cycle = -4;
    refused(a, s, "lines", "empty_order");
    arena_free(a);
}

static void what_passes_comes_out_canonical(void **state)
{
    (void)state;
    arena *a = arena_new();
    refusal why = {0};
    sub_new s = {.every_weeks = SUB_EVERY_WEEKS_MAX, .from_cycle = 7};
    assert_int_equal(sub_new_check(a, &s, &why), 0);
    assert_string_equal(s.starts_on, ""); /* none: today, in the database */
    s.starts_on = "2027-03-01";
    assert_int_equal(sub_new_check(a, &s, &why), 0);
    assert_string_equal(s.starts_on, "2027-03-01");
    s = (sub_new){.every_weeks = 1, .starts_on = "", .lines = &line, .nlines = 1};
    assert_int_equal(sub_new_check(a, &s, &why), 0);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_field_is_named),
        cmocka_unit_test(what_passes_comes_out_canonical),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
