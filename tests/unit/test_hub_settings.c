/*
 * tests/unit/test_hub_settings.c — a hub's settings are checked whole, each refusal
 * naming the field the JSON API and the desk use, and the seller mode reads back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/hub_settings.h"

#include <string.h>

static const hub_settings good = {SELLER_HUB, 30, 550, 15000, 20000, 25};

/* s refused, naming field. */
static void refused(hub_settings s, const char *field)
{
    refusal why = {0};
    assert_int_equal(hub_settings_check(&s, &why), 1);
    assert_int_equal(why.status, 422);
    assert_string_equal(why.field, field);
    assert_non_null(why.fr);
    assert_non_null(why.en);
}

static void each_field_has_its_range(void **state)
{
    (void)state;
    refusal why = {0};
    assert_int_equal(hub_settings_check(&good, &why), 0);
    hub_settings none = {SELLER_PRODUCERS, 0, 2000, 0, 0, 0}; /* no limit at all */
    assert_int_equal(hub_settings_check(&none, &why), 0);
    hub_settings s = good;
    s.seller = (seller_mode)7;
    refused(s, "seller_mode");
    s = good, s.payment_days = 61;
    refused(s, "payment_days");
    s = good, s.payment_days = -1;
    refused(s, "payment_days");
    for (vat_bp_t rate = -10; rate <= 2100; rate += 10) {
        s = good, s.resale_vat_rate = rate;
        bool french = rate == 210 || rate == 550 || rate == 1000 || rate == 2000;
        if (french)
            assert_int_equal(hub_settings_check(&s, &why), 0);
        else
            refused(s, "resale_vat_rate");
    }
    s = good, s.max_order_cents = -1;
    refused(s, "max_order_cents");
    s = good, s.max_order_cents = HUB_MAX_ORDER_CENTS + 1;
    refused(s, "max_order_cents");
    s = good, s.max_line_milli = HUB_MAX_LINE_MILLI + 1;
    refused(s, "max_line_quantity");
    s = good, s.max_offer_share_pct = 101;
    refused(s, "max_offer_share_percent");
}

static void seller_modes_read_back(void **state)
{
    (void)state;
    seller_mode m = SELLER_PRODUCERS;
    assert_true(seller_mode_parse("hub", &m));
    assert_int_equal(m, SELLER_HUB);
    assert_string_equal(seller_mode_name(m), "hub");
    assert_true(seller_mode_parse("producers", &m));
    assert_string_equal(seller_mode_name(m), "producers");
    assert_false(seller_mode_parse("Hub", &m));
    assert_false(seller_mode_parse("", &m));
    assert_false(seller_mode_parse(NULL, &m));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_field_has_its_range),
        cmocka_unit_test(seller_modes_read_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
