/*
 * tests/unit/cii_samples.h — the invoices the e-invoicing tests export and validate.
 *
 * Their amounts are not computed by the code under test: line nets, the VAT
 * breakdown and the totals come from the independent oracle of vat_oracle.h
 * (decimal text multiplied out, VAT per category and rate on the sum of the nets),
 * so an export or a check that disagrees with EN 16931 cannot agree with them.
 * Together they cover what EN 16931 validation must see pass: a hub invoice
 * with 5.5, 10 and 20 % in one document, a producer selling through the hub,
 * a producer under the VAT franchise (category E), a credit note, every sale
 * unit km0 knows (their UN/ECE codes), rounding per rate rather than per line,
 * a business buyer (SIRET, VAT number) and private ones, and names with
 * accents, ampersands, quotes and angle brackets. Included by test_cii.c only.
 */
#ifndef KM0_TEST_CII_SAMPLES_H
#define KM0_TEST_CII_SAMPLES_H

#include "../../core/arena.h"
#include "../../core/invoice.h"
#include "../../core/money.h"
#include "../../core/unit.h"
#include "../../core/util.h"
#include "vat_oracle.h"

#include <stdlib.h>
#include <string.h>

typedef struct line_spec {
    const char *sku, *description, *producer, *unece;
    const char *quantity; /* decimal text, as a consumer types it */
    const char *price;    /* net unit price, up to 4 decimals */
    char category;
    vat_bp_t rate;
} line_spec;

typedef struct sample {
    const char *name;
    invoice inv;
} sample;

#define SAMPLE_COUNT 6

static const char *const notes_business[] = {
    "Pénalités de retard : trois fois le taux d'intérêt légal dès l'échéance.",
    "Indemnité forfaitaire pour frais de recouvrement en cas de retard : 40 €.",
    "Pas d'escompte pour paiement anticipé.",
};
static const char *const notes_person[] = {
    "Pénalités de retard : trois fois le taux d'intérêt légal.",
    "Pas d'escompte pour paiement anticipé.",
};

static inv_party sample_hub(void)
{
    return (inv_party){.name = "Drôme Paysanne (SCIC)",
                       .legal_form = "SCIC SAS",
                       .address = {"ZA des Gaulois", "26400", "Crest", "FR"},
                       .siret = "52601815500014",
                       .vat_number = "FR83526018155",
                       .email = "contact@drome-paysanne.example",
                       .phone = "+33 4 75 00 00 00"};
}

/* Its address as the producers table keeps it: one line, split by the writer. */
static inv_party sample_farm(void)
{
    return (inv_party){.name = "Ferme des Trois Chênes",
                       .legal_form = "GAEC",
                       .address = {"10 Chemin des Chênes, 26400 Eurre", "", "", "FR"},
                       .siret = "71106658903512",
                       .vat_number = "FR29711066589",
                       .email = "contact@ferme-trois-chenes.example",
                       .phone = ""};
}

static inv_party sample_eggs(void)
{
    return (inv_party){.name = "Les Œufs de Puy-Saint-Martin",
                       .legal_form = "EI",
                       .address = {"73 Route de Manas", "26450", "Puy-Saint-Martin", "FR"},
                       .siret = "25709012686108",
                       .vat_number = "",
                       .email = "contact@oeufs-puy.example",
                       .phone = "",
                       .franchise = true};
}

static inv_party sample_restaurant(void)
{
    return (inv_party){.name = "Restaurant \"Le Goût & l'Été\" <Crest>",
                       .legal_form = "SARL",
                       .address = {"5 Rue de l'Hôtel de Ville", "26400", "Crest", "FR"},
                       .siret = "73282932000074",
                       .vat_number = "FR44732829320",
                       .email = "compta@le-gout.example",
                       .phone = "",
                       .business = true};
}

static inv_party sample_person(void)
{
    return (inv_party){.name = "Zoé O'Brien & Loïc Müller",
                       .legal_form = "",
                       .address = {"3 place de l'Église", "26400", "Crest", "FR"},
                       .siret = "",
                       .vat_number = "",
                       .email = "zoe@example.org",
                       .phone = "06 00 00 00 00"};
}

static int64_t sample_dec(const char *s, int scale)
{
    int64_t v = 0;
    if (dec_parse(s, scale, &v) != DEC_OK)
        abort();
    return v;
}

/* The VAT breakdown and totals, from the oracle (vat_oracle.h). */
static void sample_totals(arena *a, invoice *inv)
{
    oracle_line *ol = arena_alloc(a, inv->nlines * sizeof *ol);
    for (size_t i = 0; i < inv->nlines; i++)
        ol[i] =
            (oracle_line){inv->lines[i].vat_category, inv->lines[i].vat_rate, inv->lines[i].net};
    oracle_totals t;
    oracle_breakdown(ol, inv->nlines, &t);
    inv->vat = arena_alloc(a, t.nentries * sizeof *inv->vat);
    inv->nvat = t.nentries;
    for (size_t j = 0; j < t.nentries; j++) {
        bool e = t.entry[j].category == 'E';
        inv->vat[j] = (inv_vat){.category = t.entry[j].category,
                                .rate = t.entry[j].rate_bp,
                                .base = t.entry[j].base_cents,
                                .vat = t.entry[j].vat_cents,
                                .exemption_code = e ? "VATEX-FR-FRANCHISE" : "",
                                .exemption_text = e ? "TVA non applicable, art. 293 B du CGI" : ""};
    }
    inv->total_excl = t.excl_cents;
    inv->total_vat = t.vat_cents;
    inv->total_incl = t.incl_cents;
}

static invoice sample_invoice(arena *a, const char *number, inv_party seller, inv_party buyer,
                              const line_spec *ls, size_t n)
{
    invoice inv = {.number = number,
                   .type_code = 380,
                   .issue_date = "2025-03-14",
                   .delivery_date = "2025-03-13",
                   .due_date = "2025-04-13",
                   .currency = "EUR",
                   .order_ref = "41",
                   .corrects_number = "",
                   .corrects_date = "",
                   .seller = seller,
                   .buyer = buyer,
                   .payment_terms = "Paiement à 30 jours fin de livraison, par virement."};
    const char *const *notes = buyer.business ? notes_business : notes_person;
    inv.nnotes = buyer.business ? ARRAY_LEN(notes_business) : ARRAY_LEN(notes_person);
    inv.notes = (const char **)notes;
    inv.lines = arena_alloc(a, n * sizeof *inv.lines);
    inv.nlines = n;
    for (size_t i = 0; i < n; i++) {
        inv_line *l = &inv.lines[i];
        *l = (inv_line){.line_no = (int)i + 1,
                        .sku = ls[i].sku,
                        .description = ls[i].description,
                        .producer = ls[i].producer ? ls[i].producer : "",
                        .unit = "",
                        .unece = ls[i].unece,
                        .quantity = sample_dec(ls[i].quantity, 3),
                        .unit_price = sample_dec(ls[i].price, 4),
                        .vat_category = ls[i].category,
                        .vat_rate = ls[i].rate};
        l->net = oracle_line_cents(ls[i].quantity, ls[i].price);
    }
    sample_totals(a, &inv);
    return inv;
}

static const line_spec hub_lines[] = {
    {"LEG-CAR-1KG", "Carottes des sables", "Ferme des Trois Chênes", "KGM", "1.235", "4.1234", 'S',
     550},
    {"TAR-POM", "Tarte pommes & cannelle (part)", "Le Fournil de Saillans", "H87", "2", "3.1818",
     'S', 1000},
    {"BIE-BLO-33", "Bière blonde \"La Tour\" 33 cl", "Brasserie de la Tour de Crest", "XBO", "6",
     "2.5", 'S', 2000},
    {"MIE-LAV", "Miel de lavande 500 g", "Miellerie du Diois", "XJR", "1", "8.5308", 'S', 550},
    {"SAV-ANE", "Savon au lait d'ânesse", "Savonnerie de Dieulefit", "H87", "3", "4.1667", 'S',
     2000},
};

static const line_spec farm_lines[] = {
    {"LEG-CAR-1KG", "Carottes", NULL, "KGM", "1.5", "2.37", 'S', 550},
    {"LEG-POI", "Poireaux (botte)", NULL, "XBH", "2", "1.8957", 'S', 550},
};

static const line_spec egg_lines[] = {
    {"OEU-6", "Œufs plein air (boîte de 6)", NULL, "XBX", "3", "2.1", 'E', 0},
    {"OEU-30", "Œufs plein air (plateau de 30)", NULL, "XPU", "1", "9.5", 'E', 0},
};

static const line_spec credit_lines[] = {
    {"LEG-CAR-1KG", "Carottes des sables (manquant)", "Ferme des Trois Chênes", "KGM", "0.235",
     "4.1234", 'S', 550},
    {"BIE-BLO-33", "Bière blonde \"La Tour\" 33 cl (cassée)", "Brasserie de la Tour de Crest",
     "XBO", "1", "2.5", 'S', 2000},
};

/* Seven lines of 0.43 and one of 4.33: VAT rounded per line would total 0.38,
 * rounded once on the 7.34 of the rate it is 0.40 (BR-CO-17). */
static const line_spec rounding_lines[] = {
    {"RAD", "Radis rose", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"RAD", "Radis noir", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"RAD", "Radis blanc", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"RAD", "Radis violet", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"RAD", "Radis jaune", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"RAD", "Radis vert", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"RAD", "Radis rouge", NULL, "XBH", "1", "0.4286", 'S', 550},
    {"FRO-COM", "Comté 18 mois", NULL, "KGM", "0.333", "12.99", 'S', 550},
};

/* One line per sale unit, the rates taking turns: every unit code is checked
 * against the UN/ECE Rec. 20/21 list by the validation artefacts. */
static line_spec *every_unit_lines(arena *a, size_t *n)
{
    static const vat_bp_t rates[] = {210, 550, 1000, 2000};
    *n = unit_count();
    line_spec *ls = arena_alloc(a, *n * sizeof *ls);
    for (size_t i = 0; i < *n; i++) {
        const unit_def *u = unit_at(i);
        ls[i] = (line_spec){arena_printf(a, "U-%s", u->code),
                            arena_printf(a, "Article vendu au %s", u->label_fr),
                            NULL,
                            u->unece,
                            unit_is_measure(u) ? "1.5" : "2",
                            "1.2345",
                            'S',
                            rates[i % 4]};
    }
    return ls;
}

/* All samples, allocated in a. out has SAMPLE_COUNT entries. */
static void samples_build(arena *a, sample *out)
{
    out[0] =
        (sample){"hub-rates", sample_invoice(a, "DP-2025-000123", sample_hub(), sample_restaurant(),
                                             hub_lines, ARRAY_LEN(hub_lines))};

    invoice farm = sample_invoice(a, "FTC-2025-000042", sample_farm(), sample_person(), farm_lines,
                                  ARRAY_LEN(farm_lines));
    farm.has_intermediary = true;
    farm.intermediary = sample_hub();
    out[1] = (sample){"producer-via-hub", farm};

    invoice eggs = sample_invoice(a, "OPS-2025-000007", sample_eggs(), sample_restaurant(),
                                  egg_lines, ARRAY_LEN(egg_lines));
    eggs.has_intermediary = true;
    eggs.intermediary = sample_hub();
    out[2] = (sample){"franchise", eggs};

    static const char *const credit_notes[] = {
        "Avoir : 235 g de carottes manquants et une bouteille cassée à la livraison."};
    invoice credit = sample_invoice(a, "DP-2025-000131", sample_hub(), sample_restaurant(),
                                    credit_lines, ARRAY_LEN(credit_lines));
    credit.type_code = 381;
    credit.corrects_number = "DP-2025-000123";
    credit.corrects_date = "2025-03-14";
    credit.issue_date = "2025-03-20";
    credit.due_date = "2025-03-20";
    credit.payment_terms = "Remboursement par virement sous 8 jours.";
    credit.notes = (const char **)credit_notes;
    credit.nnotes = 1;
    out[3] = (sample){"credit-note", credit};

    size_t n;
    line_spec *units = every_unit_lines(a, &n);
    out[4] = (sample){"every-unit",
                      sample_invoice(a, "DP-2025-000140", sample_hub(), sample_person(), units, n)};

    out[5] =
        (sample){"rounding", sample_invoice(a, "DP-2025-000141", sample_hub(), sample_restaurant(),
                                            rounding_lines, ARRAY_LEN(rounding_lines))};
}

#endif
