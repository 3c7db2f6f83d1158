/*
 * tests/unit/test_phone.c — phone numbers as people type them (core/phone.c): what
 * is a number, the form it is stored in, and the key a search compares, so that a
 * customer registered by phone is found again however the number is typed.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "phone.h"

#include <string.h>

static void accepted(const char *typed, const char *stored)
{
    char out[PHONE_MAX];
    if (!phone_parse(typed, out))
        fail_msg("refused: \"%s\"", typed);
    assert_string_equal(out, stored);
}

static void refused(const char *typed)
{
    char out[PHONE_MAX];
    if (phone_parse(typed, out))
        fail_msg("accepted: \"%s\" as \"%s\"", typed, out);
}

static void test_french_numbers(void **state)
{
    (void)state;
    accepted("0612345678", "06 12 34 56 78");
    accepted("06 12 34 56 78", "06 12 34 56 78");
    accepted("06.12.34.56.78", "06 12 34 56 78");
    accepted("06-12-34-56-78", "06 12 34 56 78");
    accepted("+33 6 12 34 56 78", "06 12 34 56 78");
    accepted("+33 (0)6 12 34 56 78", "06 12 34 56 78"); /* the (0) some write after +33 */
}

static void test_international_and_refused(void **state)
{
    (void)state;
    accepted("0033475251033", "04 75 25 10 33");
    accepted("+44 20 7946 0958", "+442079460958");
    accepted("+32 2 123 45 67", "+3221234567");
    refused("");
    refused("12");
    refused("06 12 34 56 7");      /* nine digits */
    refused("06 12 34 56 78 9");   /* eleven */
    refused("00 12 34 56 78");     /* no number starts 00 then a national form */
    refused("+33 0 12 34 56 78");  /* +33 then a 0 */
    refused("+33 6 12 34 56");     /* France, too short */
    refused("+1 234");             /* too short for anywhere */
    refused("+1234567890123456");  /* longer than E.164 */
    refused("06 12 34 56 78 ext"); /* letters */
    refused("06+12345678");        /* + only in front */
    refused("téléphone");
}

static void test_search_key(void **state)
{
    (void)state;
    char k[PHONE_MAX];
    phone_key("06 12 34 56 78", k);
    assert_string_equal(k, "612345678");
    phone_key("+33 6 12 34 56 78", k);
    assert_string_equal(k, "33612345678");
    phone_key("56 78", k);
    assert_string_equal(k, "5678");
    phone_key("678", k); /* too few digits to mean anything */
    assert_string_equal(k, "");
    phone_key("Durand", k);
    assert_string_equal(k, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_numbers),
        cmocka_unit_test(test_international_and_refused),
        cmocka_unit_test(test_search_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
