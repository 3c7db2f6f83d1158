/*
 * tests/unit/test_hub_admin.c — the pure checks behind the desk's admin forms: IBAN
 * (ISO 13616 mod 97), legal forms that need an RCS city, host names, communes' keys
 * and the gazetteer's lookups on a small file made here.
 *
 * The IBANs are the published examples of their countries' formats (valid), each
 * with one digit changed (invalid): the expected answers come from the standard's
 * definition, not from km0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/arena.h"
#include "../../core/bank_id.h"
#include "../../core/gazetteer.h"
#include "../../core/hub_identity.h"
#include "../../core/legal.h"
#include "../../core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void iban_checks(void **state)
{
    (void)state;
    char out[35];
    assert_true(bank_iban_normalize("FR76 3000 6000 0112 3456 7890 189", out));
    assert_string_equal(out, "FR7630006000011234567890189");
    assert_true(bank_iban_normalize("de89 3704 0044 0532 0130 00", out));
    assert_true(bank_iban_normalize("GB82WEST12345698765432", out));
    assert_false(bank_iban_normalize("FR76 3000 6000 0112 3456 7890 188", out)); /* one digit off */
    assert_false(bank_iban_normalize("GB82WEST12345698765433", out));
    assert_false(bank_iban_normalize("FR76", out));
    assert_false(bank_iban_normalize("7630006000011234567890189", out)); /* no country */
    assert_false(bank_iban_normalize("FR76 3000 6000 0112 3456 7890 189 0000 0000 0000 0000", out));
    assert_false(bank_iban_normalize("FR76-3000\xc3\xa9", out));
}

static void legal_forms(void **state)
{
    (void)state;
    assert_true(legal_form_find("sarl")->rcs);
    assert_true(legal_form_find("SCIC SAS")->rcs);
    assert_false(legal_form_find("Association")->rcs);
    assert_false(legal_form_find("ei")->rcs);
    assert_null(legal_form_find("Société anonyme de fantaisie"));
    assert_true(siret_valid("52601815500014"));
    assert_false(siret_valid("52601815500015"));
}

static void host_names(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(hub_host_normalize(a, " HTTPS://Paniers.Example.org./panier"),
                        "paniers.example.org");
    assert_string_equal(hub_host_normalize(a, "paniers.example.org:8443"), "paniers.example.org");
    assert_null(hub_host_normalize(a, "not a host"));
    assert_null(hub_host_normalize(a, "-bad.example.org"));
    assert_null(hub_host_normalize(a, "a..b"));
    assert_null(hub_host_normalize(a, ""));
    arena_free(a);
}

static void commune_keys(void **state)
{
    (void)state;
    char k[128];
    gazetteer_key("Saint-Étienne", k, sizeof k);
    assert_string_equal(k, "saint etienne");
    gazetteer_key("St Étienne", k, sizeof k);
    assert_string_equal(k, "saint etienne");
    gazetteer_key("L’Île-d’Yeu", k, sizeof k);
    assert_string_equal(k, "l ile d yeu");
    gazetteer_key("  Œuilly ", k, sizeof k);
    assert_string_equal(k, "oeuilly");
}

static void lookups(void **state)
{
    (void)state;
    /* mkstemp replaces the six final characters, which must be capital X */
    char path[] = "/tmp/km0-gaz-......";
    memset(strchr(path, '.'), 'X', 6);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char *rows = "26108\t26400\tCrest\t26\t44.72639\t5.01517\n"
                       "26362\t26000\tValence\t26\t44.92560\t4.90956\n"
                       "82186\t82400\tValence\t82\t44.10823\t0.89101\n"
                       "not a commune\n";
    assert_int_equal(write(fd, rows, strlen(rows)), (ssize_t)strlen(rows));
    close(fd);
    assert_int_equal(gazetteer_load(path), 3);
    unlink(path);
    arena *a = arena_new();
    const gaz_commune *c;
    assert_int_equal(gazetteer_locate(a, "Place du Marché, 26400 Crest", &c), GAZ_FOUND);
    assert_int_equal(c->lat_e7, 447263900);
    assert_int_equal(gazetteer_find("Valence", NULL, &c), GAZ_AMBIGUOUS);
    assert_int_equal(gazetteer_find("valence", "82400", &c), GAZ_FOUND);
    assert_string_equal(c->dept, "82");
    assert_int_equal(gazetteer_locate(a, "1 rue, 26150 Die", &c), GAZ_NONE);
    assert_int_equal(gazetteer_locate(a, "somewhere", &c), GAZ_NO_TOWN);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(iban_checks),  cmocka_unit_test(legal_forms), cmocka_unit_test(host_names),
        cmocka_unit_test(commune_keys), cmocka_unit_test(lookups),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
