/*
 * tests/unit/test_invoice_build.c — the invoice builder (core/invoice_build.c) and
 * the check the issuing code runs on each invoice before storing it.
 *
 * Good inputs give invoices rpt_cii_check accepts, with the rounding of EN 16931
 * (VAT per rate on the sum of the nets, not per line) so that an order's invoices
 * add up to money_totals_compute's figure. Bad inputs — what a bug upstream would
 * feed the builder — are refused by inv_check_or_refuse, the gate before storing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/invoice_build.h"
#include "../../core/invoice_int.h"
#include "../../core/money.h"
#include "../../core/util.h"
#include "../../reports/cii.h"
#include "vat_oracle.h"

#include <stdio.h>
#include <string.h>

typedef struct spec {
    const char *sku, *unit;
    milli_t quantity;
    price4_t price;
    vat_bp_t rate;
} spec;

static inv_party farm(void)
{
    return (inv_party){.name = "Ferme des Trois Chênes",
                       .legal_form = "GAEC",
                       .address = {"10 Chemin des Chênes, 26400 Eurre", "", "", "FR"},
                       .siret = "71106658903512",
                       .vat_number = "FR29711066589",
                       .email = "contact@ferme.example",
                       .phone = ""};
}

static inv_party orchard(void)
{
    inv_party p = farm();
    p.name = "Vergers de Grane";
    p.siret = "26644338184752";
    p.vat_number = "";
    p.franchise = true;
    return p;
}

static inv_party hub(void)
{
    return (inv_party){.name = "Drôme Paysanne (SCIC)",
                       .address = {"ZA des Gaulois, 26400 Crest", "", "", "FR"},
                       .siret = "52601815500014",
                       .vat_number = "FR83526018155"};
}

static inv_party restaurant(void)
{
    return (inv_party){.name = "L'Étape & Fils SARL",
                       .address = {"5 rue de l'Hôtel de Ville, 26400 Crest", "", "", "FR"},
                       .siret = "73282932000074",
                       .vat_number = "FR44732829320",
                       .business = true};
}

static inv_party person(void)
{
    return (inv_party){.name = "Zoé O'Brien", .address = {"", "", "", "FR"}};
}

static const inv_terms terms = {"FTC7-2026-000001", "2026-03-06", "2026-03-06", 0};

/* An invoice as the issuing code builds it: lines with the nets the order holds. */
static invoice build(arena *a, inv_party seller, inv_party buyer, bool via_hub, const spec *s,
                     size_t n)
{
    invoice inv = {.delivery_date = "2026-03-05",
                   .order_ref = "41",
                   .seller = seller,
                   .buyer = buyer,
                   .has_intermediary = via_hub,
                   .intermediary = hub()};
    inv.lines = arena_alloc(a, n * sizeof *inv.lines);
    inv.nlines = n;
    for (size_t i = 0; i < n; i++)
        inv.lines[i] = (inv_line){.sku = s[i].sku,
                                  .description = s[i].sku,
                                  .producer = "",
                                  .unit = s[i].unit,
                                  .quantity = s[i].quantity,
                                  .unit_price = s[i].price,
                                  .vat_rate = s[i].rate,
                                  .net = money_line_net(s[i].quantity, s[i].price)};
    invoice_complete(a, &inv, &terms);
    return inv;
}

static bool has_note(const invoice *inv, const char *words)
{
    for (size_t i = 0; i < inv->nnotes; i++)
        if (strstr(inv->notes[i], words))
            return true;
    return false;
}

static int problems(const invoice *inv, const char *rule)
{
    buf p = BUF_INIT;
    int n = rpt_cii_check(inv, &p);
    if (rule && !strstr(buf_str(&p), rule))
        fail_msg("expected %s, got:\n%s", rule, buf_str(&p));
    if (!rule && n)
        fail_msg("unexpected problems:\n%s", buf_str(&p));
    buf_free(&p);
    return n;
}

/* 5.5, 10 and 20 % at one producer, kg by decimals, a business buyer. */
static const spec three_rates[] = {
    {"CAR", "kg", 1235, 41234, 550},
    {"SOU", "piece", 3000, 31818, 1000},
    {"JUS", "bottle", 6000, 25000, 2000},
    {"POI", "kg", 750, 28400, 550},
};

static void numbers_and_prefixes(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_string_equal(invoice_producer_prefix(a, "ferme-trois-chenes", 7), "FTC7");
    assert_string_equal(invoice_producer_prefix(a, "les-2-vallees-du-diois-bio", 12), "LVDD12");
    assert_string_equal(invoice_producer_prefix(a, "2026", 3), "P3");
    assert_string_equal(invoice_number(a, "FTC7", 2026, 12), "FTC7-2026-000012");
    assert_string_equal(invoice_number(a, "", 2026, 123), "2026-000123");
    assert_string_equal(invoice_number(a, NULL, 2026, 1234567), "2026-1234567");
    assert_string_equal(invoice_date_fr(a, "2026-04-13"), "13/04/2026");
    arena_free(a);
}

static void three_rates_one_invoice(void **state)
{
    (void)state;
    arena *a = arena_new();
    invoice inv = build(a, farm(), restaurant(), true, three_rates, ARRAY_LEN(three_rates));
    problems(&inv, NULL);
    assert_int_equal(inv.type_code, 380);
    assert_int_equal(inv.nvat, 3);
    assert_int_equal(inv.vat[0].rate, 550);
    assert_int_equal(inv.vat[1].rate, 1000);
    assert_int_equal(inv.vat[2].rate, 2000);
    for (size_t i = 0; i < inv.nlines; i++) {
        assert_int_equal(inv.lines[i].line_no, (int)i + 1);
        assert_int_equal(inv.lines[i].vat_category, 'S');
    }
    assert_string_equal(inv.lines[0].unece, "KGM");
    assert_string_equal(inv.lines[2].unece, "XBO");
    /* 5.5 %: 5.09 + 2.13 = 7.22, VAT 0.40 on the sum (0.28 + 0.12 per line) */
    assert_int_equal(inv.vat[0].base, 722);
    assert_int_equal(inv.vat[0].vat, 40);
    assert_int_equal(inv.total_excl, 722 + 955 + 1500);
    assert_int_equal(inv.total_vat, 40 + 96 + 300);
    assert_int_equal(inv.total_incl, inv.total_excl + inv.total_vat);
    assert_true(has_note(&inv, "Pénalités de retard"));
    assert_true(has_note(&inv, "40\u00a0€"));
    assert_true(has_note(&inv, "escompte"));
    assert_true(has_note(&inv, "Vendu par l'intermédiaire de Drôme Paysanne (SCIC)"));
    assert_string_equal(inv.payment_terms, "Paiement à réception de la facture.");
    buf xml = BUF_INIT;
    assert_int_equal(rpt_cii_write(&inv, &xml), 0);
    assert_non_null(strstr(buf_str(&xml), "<ram:SubjectCode>PMT</ram:SubjectCode>"));
    buf_free(&xml);
    arena_free(a);
}

static void franchise_is_exempt(void **state)
{
    (void)state;
    arena *a = arena_new();
    static const spec apples[] = {{"POM", "kg", 2500, 26000, 0}};
    invoice inv = build(a, orchard(), person(), true, apples, 1);
    problems(&inv, NULL);
    assert_int_equal(inv.lines[0].vat_category, 'E');
    assert_int_equal(inv.nvat, 1);
    assert_string_equal(inv.vat[0].exemption_code, INV_FRANCHISE_CODE);
    assert_int_equal(inv.total_vat, 0);
    assert_true(has_note(&inv, INV_FRANCHISE_TEXT));
    assert_false(has_note(&inv, "40\u00a0€")); /* a person owes no recovery indemnity */
    arena_free(a);
}

static void payment_days_give_a_due_date(void **state)
{
    (void)state;
    arena *a = arena_new();
    inv_terms t = {"2026-000001", "2026-03-06", "2026-04-05", 30};
    invoice inv = {.delivery_date = "2026-03-05", .seller = hub(), .buyer = person()};
    static const spec one[] = {{"CAR", "kg", 1000, 23700, 550}};
    inv.lines = arena_alloc(a, sizeof *inv.lines);
    inv.nlines = 1;
    inv.lines[0] = (inv_line){.sku = "CAR",
                              .description = "Carottes",
                              .producer = "Ferme",
                              .unit = one[0].unit,
                              .quantity = one[0].quantity,
                              .unit_price = one[0].price,
                              .vat_rate = one[0].rate,
                              .net = money_line_net(one[0].quantity, one[0].price)};
    invoice_complete(a, &inv, &t);
    problems(&inv, NULL);
    assert_string_equal(inv.due_date, "2026-04-05");
    assert_string_equal(inv.payment_terms, "Paiement à 30 jours, au plus tard le 05/04/2026.");
    arena_free(a);
}

/* What the buyer was shown (money_totals_compute, per seller and rate) is what the
 * invoices of the order add up to, where per-line rounding would differ. */
static void invoices_add_up_to_the_order(void **state)
{
    (void)state;
    arena *a = arena_new();
    static const spec farm_lines[] = {{"A", "piece", 1000, 10400, 550},
                                      {"B", "piece", 1000, 10400, 550},
                                      {"C", "piece", 1000, 10400, 550}};
    static const spec orchard_lines[] = {{"D", "kg", 1500, 26000, 0}};
    invoice f = build(a, farm(), person(), true, farm_lines, 3);
    invoice o = build(a, orchard(), person(), true, orchard_lines, 1);
    money_line ml[4];
    for (int i = 0; i < 3; i++)
        ml[i] = (money_line){7, 550, f.lines[i].net};
    ml[3] = (money_line){4, 0, o.lines[0].net};
    money_totals t;
    money_totals_compute(ml, 4, &t);
    assert_int_equal(f.total_incl + o.total_incl, t.incl);
    assert_int_equal(f.total_vat, 17); /* 3.12 x 5.5 % = 0.1716; per line 3 x 0.06 = 0.18 */
    arena_free(a);
}

static void credit_note_gives_everything_back(void **state)
{
    (void)state;
    arena *a = arena_new();
    invoice inv = build(a, farm(), restaurant(), true, three_rates, ARRAY_LEN(three_rates));
    inv_terms t = {"FTC7-2026-000002", "2026-03-09", "2026-03-09", 0};
    invoice cn;
    invoice_credit_note(a, &inv, &t, "Erreur de pesée", &cn);
    problems(&cn, NULL);
    assert_int_equal(cn.type_code, 381);
    assert_string_equal(cn.corrects_number, "FTC7-2026-000001");
    assert_string_equal(cn.corrects_date, "2026-03-06");
    assert_int_equal(cn.total_incl, inv.total_incl);
    assert_int_equal(cn.nlines, inv.nlines);
    assert_true(has_note(&cn, "Motif : Erreur de pesée"));
    assert_true(has_note(&cn, "Avoir annulant la facture FTC7-2026-000001 du 06/03/2026."));
    arena_free(a);
}

/* A late correction: 0.24 kg of the carrots line and the whole juice line given back, a
 * credit note of its own numbering that names what it credits and passes every rule. */
static void partial_credit_note(void **state)
{
    (void)state;
    arena *a = arena_new();
    invoice inv = build(a, farm(), restaurant(), true, three_rates, ARRAY_LEN(three_rates));
    inv_terms t = {"FTC7-2026-000003", "2026-03-10", "2026-03-10", 0};
    inv_line lines[2] = {inv.lines[0], inv.lines[2]};
    lines[0].quantity = 240;
    lines[0].net = money_line_net(240, lines[0].unit_price);
    lines[0].credits_line_no = 1;
    lines[1].credits_line_no = 3;
    invoice cn;
    invoice_credit_note_lines(a, &inv, lines, 2, &t, "Pesée reprise", false, &cn);
    problems(&cn, NULL);
    assert_int_equal(cn.type_code, 381);
    assert_string_equal(cn.corrects_number, "FTC7-2026-000001");
    assert_int_equal(cn.nlines, 2);
    assert_int_equal(cn.lines[0].line_no, 1);
    assert_int_equal(cn.lines[1].line_no, 2);
    assert_int_equal(cn.lines[1].credits_line_no, 3);
    assert_true(has_note(&cn, "Avoir partiel sur la facture FTC7-2026-000001 du 06/03/2026 : "
                              "lignes 1, 3."));
    /* its own breakdown: 5.5 % on 0.24 kg of carrots, 20 % on the juice */
    assert_int_equal(cn.nvat, 2);
    cents_t carrots = money_line_net(240, 41234), juice = money_line_net(6000, 25000);
    assert_int_equal(cn.vat[0].base, carrots);
    assert_int_equal(cn.vat[1].base, juice);
    assert_int_equal(cn.total_excl, carrots + juice);
    assert_int_equal(cn.total_vat, money_vat(carrots, 550) + money_vat(juice, 2000));
    arena_free(a);
}

/* A seeded generator (PCG's multiplier): the same invoices every run. */
static unsigned long long next_below(uint64_t *seed, uint64_t n)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return (unsigned long long)((*seed >> 33) % n);
}

/* Random invoices (seeded) against the oracle of vat_oracle.h, which works from the
 * decimal text and shares no code with the builder: every line's net, every entry of
 * the breakdown (category, rate, base, VAT, in order) and the totals. Rates include 0
 * (category Z) and 2.1 %; nets go up to about 100 000 EUR so that the sums are wide. */
static void breakdown_matches_the_oracle(void **state)
{
    (void)state;
    static const vat_bp_t rates[] = {0, 210, 550, 1000, 2000};
    uint64_t seed = 20260306;
#define NEXT(n) next_below(&seed, n)
    for (int round = 0; round < 500; round++) {
        arena *a = arena_new();
        size_t n = 1 + (size_t)NEXT(12);
        spec *s = arena_alloc(a, n * sizeof *s);
        oracle_line *ol = arena_alloc(a, n * sizeof *ol);
        for (size_t i = 0; i < n; i++) {
            /* the text a person reads, parsed by the code on one side, the oracle on the other */
            char qtext[32], ptext[32];
            snprintf(qtext, sizeof qtext, "%llu.%03llu", NEXT(100), NEXT(1000));
            snprintf(ptext, sizeof ptext, "%llu.%04llu", NEXT(1000), NEXT(10000));
            int64_t q = 0, p = 0;
            assert_int_equal(dec_parse(qtext, 3, &q), DEC_OK);
            assert_int_equal(dec_parse(ptext, 4, &p), DEC_OK);
            vat_bp_t rate = rates[NEXT(ARRAY_LEN(rates))];
            s[i] = (spec){"X", "kg", q, p, rate};
            ol[i] = (oracle_line){rate == 0 ? 'Z' : 'S', rate, oracle_line_cents(qtext, ptext)};
        }
        invoice inv = build(a, farm(), person(), false, s, n);
        oracle_totals t;
        oracle_breakdown(ol, n, &t);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(inv.lines[i].net, ol[i].net_cents);
        assert_int_equal(inv.nvat, t.nentries);
        for (size_t j = 0; j < t.nentries; j++) {
            assert_int_equal(inv.vat[j].category, t.entry[j].category);
            assert_int_equal(inv.vat[j].rate, t.entry[j].rate_bp);
            assert_int_equal(inv.vat[j].base, t.entry[j].base_cents);
            assert_int_equal(inv.vat[j].vat, t.entry[j].vat_cents);
        }
        assert_int_equal(inv.total_excl, t.excl_cents);
        assert_int_equal(inv.total_vat, t.vat_cents);
        assert_int_equal(inv.total_incl, t.incl_cents);
        arena_free(a);
    }
#undef NEXT
}

/* The oracle itself, on amounts worked out by hand. */
static void oracle_by_hand(void **state)
{
    (void)state;
    assert_int_equal(oracle_line_cents("1.235", "4.1234"), 509); /* 5.092399 */
    assert_int_equal(oracle_line_cents("0.333", "12.99"), 433);  /* 4.32567 */
    assert_int_equal(oracle_line_cents("1", "0.4286"), 43);      /* 0.4286 */
    assert_int_equal(oracle_line_cents("1.5", "2.37"), 356);     /* 3.555: the half goes up */
    assert_int_equal(oracle_line_cents("2,5", "1"), 250);        /* a decimal comma */
    assert_int_equal(oracle_vat_cents(734, 550), 40);            /* 0.4037 */
    assert_int_equal(oracle_vat_cents(312, 550), 17);            /* 0.1716 */
    assert_int_equal(oracle_vat_cents(10, 550), 1);              /* 0.055 */
    assert_int_equal(oracle_vat_cents(-10, 550), -1);            /* away from zero */
    oracle_line l[] = {{'S', 2000, 1500}, {'S', 550, 509}, {'Z', 0, 100}, {'S', 550, 213}};
    oracle_totals t;
    oracle_breakdown(l, ARRAY_LEN(l), &t);
    assert_int_equal(t.nentries, 3);
    assert_int_equal(t.entry[0].rate_bp, 0);
    assert_int_equal(t.entry[1].base_cents, 722);
    assert_int_equal(t.entry[1].vat_cents, 40); /* 7.22 x 5.5 % = 0.3971 */
    assert_int_equal(t.entry[2].vat_cents, 300);
    assert_int_equal(t.incl_cents, 100 + 722 + 40 + 1500 + 300);
}

/* ---- bad inputs: each is refused before anything is stored ------------------------- */

static void refused(const invoice *inv, const char *rule)
{
    arena *a = arena_new();
    refusal why;
    assert_true(problems(inv, rule) > 0);
    assert_int_equal(inv_check_or_refuse(a, inv, &why), 1);
    assert_int_equal(why.status, 500);
    assert_string_equal(why.code, "invoice_check_failed");
    assert_non_null(strstr(why.en, rule));
    arena_free(a);
}

static void bad_inputs_are_caught(void **state)
{
    (void)state;
    arena *a = arena_new();
    /* a franchise producer's goods at 5.5 % (a catalog that slipped past the importer) */
    static const spec vat_in_franchise[] = {{"POM", "kg", 2500, 26000, 550}};
    invoice inv = build(a, orchard(), person(), true, vat_in_franchise, 1);
    refused(&inv, "BR-E-05");
    /* an order line whose stored net is not quantity x price */
    inv = build(a, farm(), person(), true, three_rates, ARRAY_LEN(three_rates));
    inv.lines[0].net += 1;
    inv.vat[0].base += 1;
    inv.total_excl += 1;
    inv.total_incl += 1;
    refused(&inv, "BT-131");
    /* a VAT-registered seller whose VAT number went missing */
    inv_party no_vat = farm();
    no_vat.vat_number = "";
    inv = build(a, no_vat, person(), true, three_rates, ARRAY_LEN(three_rates));
    refused(&inv, "BR-S-02");
    /* a unit km0 does not know */
    static const spec odd_unit[] = {{"X", "furlong", 1000, 10000, 550}};
    inv = build(a, farm(), person(), true, odd_unit, 1);
    refused(&inv, "BR-23");
    /* a buyer without a country */
    inv_party nowhere = person();
    nowhere.address.country = "";
    inv = build(a, farm(), nowhere, true, three_rates, ARRAY_LEN(three_rates));
    refused(&inv, "BR-11");
    /* no line at all */
    inv = build(a, farm(), person(), true, three_rates, 0);
    refused(&inv, "BR-16");
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(numbers_and_prefixes),
        cmocka_unit_test(three_rates_one_invoice),
        cmocka_unit_test(franchise_is_exempt),
        cmocka_unit_test(payment_days_give_a_due_date),
        cmocka_unit_test(invoices_add_up_to_the_order),
        cmocka_unit_test(credit_note_gives_everything_back),
        cmocka_unit_test(partial_credit_note),
        cmocka_unit_test(breakdown_matches_the_oracle),
        cmocka_unit_test(oracle_by_hand),
        cmocka_unit_test(bad_inputs_are_caught),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
