/*
 * tests/unit/test_product_info.c — allergens, labels, quantities and prices as
 * producers write them and consumers read them (core/product_info.h, core/country.h).
 *
 * Expected values are worked out by hand: 3.50 EUR for a 33 cl bottle is 10.61 EUR the
 * litre (3.50 / 0.33 = 10.606...), a 500 g loaf at 5.50 EUR is 11.00 EUR the kilogram.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "country.h"
#include "product_info.h"

#include <string.h>

static uint32_t bit(const char *code)
{
    int b = pi_allergen_bit(code);
    assert_true(b >= 0);
    return 1u << b;
}

static void test_allergens_in_french_words(void **state)
{
    (void)state;
    arena *a = arena_new();
    uint32_t c, t;
    const char *bad;
    assert_true(pi_allergens_parse(a, "gluten, œuf, fruits à coque", &c, &t, &bad));
    assert_int_equal(c, bit("gluten") | bit("eggs") | bit("nuts"));
    assert_int_equal(t, 0);
    assert_true(pi_allergens_parse(a, "Lait et SOJA; céleri-rave / moutarde de Dijon + Œufs", &c,
                                   &t, &bad));
    assert_int_equal(c,
                     bit("milk") | bit("soybeans") | bit("celery") | bit("mustard") | bit("eggs"));
    /* "peut contenir" sends the rest of the list to the traces */
    assert_true(
        pi_allergens_parse(a, "blé, peut contenir des traces de noisettes, sésame", &c, &t, &bad));
    assert_int_equal(c, bit("gluten"));
    assert_int_equal(t, bit("nuts") | bit("sesame"));
    /* codes, English names and DFC dimensions are the same allergens */
    assert_true(
        pi_allergens_parse(a, "sulphites, CerealsWithGluten, LactoseMilks, Fishs", &c, &t, &bad));
    assert_int_equal(c, bit("sulphites") | bit("gluten") | bit("milk") | bit("fish"));
    /* "none" is a statement, not an absence of one */
    assert_true(pi_allergens_parse(a, "Aucun", &c, &t, &bad));
    assert_int_equal(c | t, 0);
    /* an unknown word is refused, never dropped */
    assert_false(pi_allergens_parse(a, "gluten, poivre, lait", &c, &t, &bad));
    assert_string_equal(bad, "poivre");
    assert_false(pi_allergens_parse(a, "sans gluten", &c, &t, &bad));
    arena_free(a);
}

static void test_labels_kinds_countries(void **state)
{
    (void)state;
    arena *a = arena_new();
    uint32_t m;
    const char *bad;
    assert_true(pi_labels_parse(a, "AB, Label Rouge, AOP", &m, &bad));
    assert_int_equal(m, 1u << pi_label_bit("organic") | 1u << pi_label_bit("label_rouge") |
                            1u << pi_label_bit("aop"));
    assert_false(pi_labels_parse(a, "Nature et Progrès", &m, &bad));
    assert_string_equal(bad, "Nature"); /* "et" separates: the first unknown piece is named */
    assert_string_equal(pi_kind_find("Préemballée")->code, "prepacked");
    assert_string_equal(pi_kind_find("vrac")->code, "loose");
    assert_null(pi_kind_find("emballé sous vide"));
    char code[3];
    assert_true(country_find("Espagne", code));
    assert_string_equal(code, "ES");
    assert_true(country_find("côte d'ivoire", code));
    assert_string_equal(code, "CI");
    assert_true(country_find("fr", code));
    assert_string_equal(code, "FR");
    assert_true(country_find("UE", code));
    assert_string_equal(code, "EU");
    assert_false(country_find("Atlantide", code));
    assert_false(country_find("XX", code));
    assert_string_equal(country_name("DE", true), "Allemagne");
    assert_string_equal(country_name("DE", false), "Germany");
    arena_free(a);
}

static void test_quantities_and_codes(void **state)
{
    (void)state;
    int64_t q;
    const char *u;
    assert_true(pi_net_quantity_parse("75 cl", &q, &u));
    assert_int_equal(q, 75000);
    assert_string_equal(u, "cl");
    assert_true(pi_net_quantity_parse("0,5kg", &q, &u));
    assert_int_equal(q, 500);
    assert_string_equal(u, "kg");
    assert_false(pi_net_quantity_parse("6 pièces", &q, &u)); /* a count is not a net quantity */
    assert_false(pi_net_quantity_parse("beaucoup", &q, &u));
    assert_false(pi_net_quantity_parse("0 g", &q, &u));
    int bp;
    assert_true(pi_alcohol_parse("12,5 % vol", &bp));
    assert_int_equal(bp, 1250);
    assert_true(pi_alcohol_parse("4.5°", &bp));
    assert_int_equal(bp, 450);
    assert_false(pi_alcohol_parse("101", &bp));
    assert_false(pi_alcohol_parse("douze", &bp));
    char c[16];
    assert_true(pi_certifier_parse("fr bio 01", c));
    assert_string_equal(c, "FR-BIO-01");
    assert_true(pi_certifier_parse("DE-ÖKO-001", c));
    assert_string_equal(c, "DE-ÖKO-001");
    assert_false(pi_certifier_parse("Ecocert", c));
    assert_false(pi_certifier_parse("FR-BIO-1", c));
    arena *a = arena_new();
    uint32_t m = bit("gluten") | bit("molluscs");
    assert_string_equal(pi_allergens_array(a, m), "{gluten,molluscs}");
    assert_int_equal(pi_allergens_from_array("{gluten,molluscs}"), m);
    assert_string_equal(pi_allergens_array(a, 0), "{}");
    arena_free(a);
}

static void test_price_per_kg_or_litre(void **state)
{
    (void)state;
    cents_t per;
    const char *base;
    assert_true(pi_unit_price(350, "bottle", 33000, "cl", &per, &base));
    assert_int_equal(per, 1061);
    assert_string_equal(base, "L");
    assert_true(pi_unit_price(550, "piece", 500000, "g", &per, &base));
    assert_int_equal(per, 1100);
    assert_string_equal(base, "kg");
    assert_true(pi_unit_price(480, "jar", 250, "kg", &per, &base)); /* 250 g jar: 19.20 /kg */
    assert_int_equal(per, 1920);
    assert_true(pi_unit_price(299, "bottle", 750, "l", &per, &base)); /* 0.75 l: 3.99 /L */
    assert_int_equal(per, 399);
    assert_true(pi_unit_price(12, "g", -1, "", &per, &base)); /* sold by the gram */
    assert_int_equal(per, 12000);
    assert_false(pi_unit_price(250, "kg", -1, "", &per, &base));    /* already per kg */
    assert_false(pi_unit_price(250, "bunch", -1, "", &per, &base)); /* nothing to divide by */
}

static void test_ingredients_emphasis(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    pi_ingredients_html(&b, "Farine de BLÉ, _noix_, œufs, ŒUFS, sel <b>, E330, SO2");
    assert_string_equal(buf_str(&b), "Farine de <strong>BLÉ</strong>, <strong>noix</strong>, "
                                     "œufs, <strong>ŒUFS</strong>, sel &lt;b&gt;, E330, "
                                     "<strong>SO</strong>2");
    buf_free(&b);
    b = (buf)BUF_INIT;
    pi_ingredients_html(&b, "un_mot_composé et _deux mots_ puis _ouvert");
    assert_string_equal(buf_str(&b), "un_mot_composé et <strong>deux mots</strong> puis _ouvert");
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_allergens_in_french_words),
        cmocka_unit_test(test_labels_kinds_countries),
        cmocka_unit_test(test_quantities_and_codes),
        cmocka_unit_test(test_price_per_kg_or_litre),
        cmocka_unit_test(test_ingredients_emphasis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
