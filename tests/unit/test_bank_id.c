/*
 * tests/unit/test_bank_id.c — bank identifiers (core/bank_id.c) and the EPC QR payload
 * (core/epc_qr.c), by example: published IBANs, BICs, creditor identifiers and RF
 * references (ISO 13616, ISO 9362, EPC262-08, ISO 11649), check digits computed by hand
 * (MOD 97-10) for km0's own references, the SEPA character set, names as banks write
 * them, and the payload EPC069-12 describes, line by line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "bank_id.h"
#include "buf.h"
#include "epc_qr.h"

#include <string.h>

static void test_iban(void **state)
{
    (void)state;
    char out[IBAN_MAX + 1], g[48];
    assert_true(bank_iban_normalize("FR76 3000 6000 0112 3456 7890 189", out));
    assert_string_equal(out, "FR7630006000011234567890189");
    assert_string_equal(bank_iban_grouped(out, g), "FR76 3000 6000 0112 3456 7890 189");
    assert_true(bank_iban_normalize("gb82 west 1234 5698 7654 32", out));
    assert_string_equal(out, "GB82WEST12345698765432");
    assert_true(bank_iban_normalize("DE89-3704-0044-0532-0130-00", out));
    assert_true(bank_iban_normalize("NL91ABNA0417164300", out));
    assert_true(bank_iban_normalize("FR1420041010050500013M02606", out)); /* letters in the BBAN */
    /* one digit off, two digits swapped, wrong shape */
    assert_false(bank_iban_normalize("FR7630006000011234567890188", out));
    assert_false(bank_iban_normalize("FR7630006000011234567809189", out));
    assert_false(bank_iban_normalize("7630006000011234567890189", out));
    assert_false(bank_iban_normalize("FR76", out));
    assert_false(bank_iban_normalize("FR76 3000 6000 0112 3456 7890 1899 9999 9999 9", out));
    assert_false(bank_iban_normalize("FR76 3000 6000 0112 3456 7890 18é", out));
    assert_false(bank_iban_normalize("", out));
}

static void test_bic_and_ics(void **state)
{
    (void)state;
    char out[36];
    assert_true(bic_normalize("AGRIFRPP", out));
    assert_true(bic_normalize("agri frpp 882", out));
    assert_string_equal(out, "AGRIFRPP882");
    assert_false(bic_normalize("AGRI1RPP", out));
    assert_false(bic_normalize("AGRIFRPP88", out));
    /* FR, 2 check digits, business code ZZZ (not checked), national id */
    assert_true(ics_normalize("FR72ZZZ123456", out));
    assert_true(ics_normalize("fr72 abc 123456", out)); /* another business code, same check */
    assert_true(ics_normalize("FR39ZZZ4F2E1D", out));
    assert_false(ics_normalize("FR73ZZZ123456", out));
    assert_false(ics_normalize("FR72ZZZ12345", out)); /* France: 6 characters */
}

static void test_rf(void **state)
{
    (void)state;
    char out[RF_MAX + 1], g[32];
    int64_t id;
    /* ISO 11649's own example */
    assert_true(rf_normalize("RF18 5390 0754 7034", out));
    assert_string_equal(out, "RF18539007547034");
    assert_false(rf_normalize("RF19 5390 0754 7034", out));
    assert_false(rf_normalize("RF18 5390 0754 7043", out));
    /* km0's: 1 and the order's id, 2 and the customer's (check digits by hand) */
    rf_for(RF_ORDER, 41, out);
    assert_string_equal(out, "RF77141");
    assert_string_equal(rf_grouped(out, g), "RF77 141");
    rf_for(RF_TOPUP, 1, out);
    assert_string_equal(out, "RF1921");
    rf_for(RF_ORDER, 100042, out);
    assert_string_equal(out, "RF761100042");
    assert_int_equal(rf_parse("rf76 1100 042", &id), RF_ORDER);
    assert_int_equal(id, 100042);
    assert_int_equal(rf_parse("RF1921", &id), RF_TOPUP);
    assert_int_equal(id, 1);
    assert_int_equal(rf_parse("RF18539007547034", &id), RF_NONE); /* valid, not km0's */
    assert_int_equal(rf_parse("RF76110004", &id), RF_NONE);       /* a digit lost */
}

static void test_rf_in_text(void **state)
{
    (void)state;
    char out[RF_MAX + 1];
    assert_true(rf_find("VIR SEPA DURAND /MOTIF Commande RF76 1100 042 merci", out));
    assert_string_equal(out, "RF761100042");
    assert_true(rf_find("commande rf761100042", out));
    /* digits typed after it (a date, an amount) do not hide it: every candidate whose
     * check digits hold, fewest digits first (here a longer one holds too, by chance) */
    assert_true(rf_find("RF76 1100 042 2026 12", out));
    assert_string_equal(out, "RF761100042");
    char all[4][RF_MAX + 1];
    assert_int_equal(rf_find_all("RF76 1100 042 2026 12", all, 4), 2);
    assert_string_equal(all[0], "RF761100042");
    assert_string_equal(all[1], "RF7611000422026");
    assert_int_equal(rf_find_all("Commande RF77 141, et RF1921 pour le solde", all, 4), 2);
    assert_string_equal(all[1], "RF1921");
    /* a typo: the check digits catch it */
    assert_false(rf_find("RF76 1100 043", out));
    /* inside a word, or nothing */
    assert_false(rf_find("SURF761100042", out));
    assert_false(rf_find("", out));
    assert_false(rf_find(NULL, out));
}

static void test_text_and_names(void **state)
{
    (void)state;
    char t[64];
    assert_string_equal(sepa_text("Éloïse & Œuvre — ß", 70, t, sizeof t), "Eloise   OEuvre   ss");
    assert_string_equal(sepa_text("Ferme d'en Haut (Crest) 26/1", 70, t, sizeof t),
                        "Ferme d'en Haut (Crest) 26/1");
    assert_string_equal(sepa_text("abcdef", 3, t, sizeof t), "abc");
    assert_string_equal(name_fold("  Éloïse  DURAND-Petit ", t, sizeof t), "eloise durand petit");
    assert_true(name_matches("Éloïse Durand", "M OU MME DURAND ELOISE"));
    assert_true(name_matches("DURAND ELOISE", "Éloïse Durand"));
    assert_false(name_matches("Jean Dupont", "DUPONT MARIE"));
    assert_false(name_matches("Jean Dupont", ""));
    assert_false(name_matches("M", "M"));
}

static void test_epc_payload(void **state)
{
    (void)state;
    arena *a = arena_new();
    const char *p = epc_payload(a, "Drôme Paysanne", "FR7630006000011234567890189", "AGRIFRPP882",
                                1234, "RF77141", NULL);
    assert_string_equal(p, "BCD\n002\n1\nSCT\nAGRIFRPP882\nDrôme Paysanne\n"
                           "FR7630006000011234567890189\nEUR12.34\n\nRF77141\n");
    /* BIC optional in version 002; an unstructured text when there is no reference */
    p = epc_payload(a, "Hub", "FR7630006000011234567890189", "", 500, NULL, "Commande\n41");
    assert_string_equal(p, "BCD\n002\n1\nSCT\n\nHub\nFR7630006000011234567890189\nEUR5.00\n\n\n"
                           "Commande 41");
    /* the name is cut at 70 characters, whole characters */
    char name[200] = "";
    for (int i = 0; i < 80; i++)
        strcat(name, "é");
    p = epc_payload(a, name, "FR7630006000011234567890189", "", 100, "RF77141", NULL);
    assert_non_null(strstr(p, "\n\nRF77141"));
    assert_int_equal(strlen(strchr(strstr(p, "SCT\n\n") + 5, '\n')) > 0, 1);
    /* what cannot go in a transfer */
    assert_null(epc_payload(a, "Hub", "", "", 100, "RF77141", NULL));
    assert_null(epc_payload(a, "Hub", "FR7630006000011234567890189", "", 0, "RF77141", NULL));
    assert_null(
        epc_payload(a, "Hub", "FR7630006000011234567890189", "", 100000000000LL, NULL, NULL));
    /* the symbol: a path of modules in a square with its quiet zone */
    buf d = BUF_INIT;
    int size = 0;
    assert_int_equal(
        epc_qr_path(&d,
                    "BCD\n002\n1\nSCT\n\nHub\nFR7630006000011234567890189\nEUR5.00\n\nRF77141\n",
                    &size),
        0);
    assert_true(size >= 25 + 8 && (size - 8 - 17) % 4 == 0); /* a QR version: 17 + 4v modules */
    assert_int_equal(strncmp(buf_str(&d), "M4 4h7v1h-7z", 12),
                     0); /* the finder pattern's top row */
    buf_free(&d);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iban),
        cmocka_unit_test(test_bic_and_ics),
        cmocka_unit_test(test_rf),
        cmocka_unit_test(test_rf_in_text),
        cmocka_unit_test(test_text_and_names),
        cmocka_unit_test(test_epc_payload),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
