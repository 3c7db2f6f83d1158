/*
 * tests/unit/test_catalog_parse.c — imp_parse end to end: units, header
 * mapping, every fixture with every value, every refused file with its exact
 * problems, third-party payloads, limits, nasty inputs and the DFC export
 * round trip. Runs from the repository root (tests/data/...).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalog_parse.h"
#include "dfc_export.h"
#include "../core/buf.h"
#include "../core/util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CATALOGS "tests/data/catalogs/"

/* ---- helpers ---- */

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    buf b = BUF_INIT;
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    return buf_steal(&b);
}

typedef struct {
    imp_catalog cat;
    char *data;
} parsed;

static size_t parse_mem(parsed *p, const char *data, size_t len, const imp_options *opt)
{
    memset(p, 0, sizeof *p);
    p->cat.mem = arena_new();
    return imp_parse(data, len, opt, &p->cat);
}

static size_t parse_str(parsed *p, const char *text, bool franchise)
{
    imp_options o = {.franchise = franchise};
    return parse_mem(p, text, strlen(text), &o);
}

static size_t parse_file(parsed *p, const char *path, const imp_options *opt)
{
    size_t len = 0;
    char *data = slurp(path, &len);
    if (!data)
        fail_msg("cannot read %s (run the tests from the repository root)", path);
    size_t n = parse_mem(p, data, len, opt);
    p->data = data;
    return n;
}

static void done(parsed *p)
{
    arena_free(p->cat.mem);
    free(p->data);
}

static void dump_problems(const imp_catalog *cat)
{
    for (size_t i = 0; i < cat->nproblems; i++)
        print_message("  line %d [%s] %s: %s\n", cat->problems[i].line,
                      cat->problems[i].column ? cat->problems[i].column : "-",
                      cat->problems[i].code, cat->problems[i].message_en);
}

static void expect_no_problems(const imp_catalog *cat)
{
    if (cat->nproblems) {
        dump_problems(cat);
        fail_msg("%zu unexpected problems", cat->nproblems);
    }
}

/* The one problem with this code, or a failure. */
static const imp_problem *only_problem(const imp_catalog *cat, const char *code)
{
    if (cat->nproblems != 1 || strcmp(cat->problems[0].code, code) != 0) {
        dump_problems(cat);
        fail_msg("expected exactly one %s problem, got %zu", code, cat->nproblems);
    }
    return &cat->problems[0];
}

/* ---- units ---- */

static void test_units(void **state)
{
    (void)state;
    struct {
        const char *text, *code;
    } cases[] = {
        {"kg", "kg"},
        {"Kilo", "kg"},
        {"kilogramme", "kg"},
        {"KGS", "kg"},
        {"au kilo", "kg"},
        {"€/kg", "kg"},
        {"le kg", "kg"},
        {"g", "g"},
        {"grammes", "g"},
        {"litre", "l"},
        {"L", "l"},
        {"cl", "cl"},
        {"ml", "ml"},
        {"pièce", "piece"},
        {"Pièces", "piece"},
        {"pc", "piece"},
        {"u", "piece"},
        {"unité", "piece"},
        {"l'unité", "piece"},
        {"piece", "piece"},
        {"botte", "bunch"},
        {"bunch", "bunch"},
        {"boîte", "box"},
        {"Boite", "box"},
        {"plateau", "tray"},
        {"plateaux", "tray"},
        {"bouteille", "bottle"},
        {"bocal", "jar"},
        {"bocaux", "jar"},
        {"pot", "pot"},
        {"plant", "plant"},
        {"douzaine", "dozen"},
        {"sac", "bag"},
        {"panier", "basket"},
        {"lot", "pack"},
        {"barquette", "punnet"},
        {"cagette", "crate"},
        {" Kilogram ", "kg"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const unit_def *u = unit_find(cases[i].text);
        if (!u || strcmp(u->code, cases[i].code) != 0)
            fail_msg("\"%s\" gave %s, expected %s", cases[i].text, u ? u->code : "nothing",
                     cases[i].code);
    }
    assert_null(unit_find("furlong"));
    assert_null(unit_find(""));
    assert_null(unit_find("500 g"));

    const unit_def *kg = unit_by_code("kg");
    assert_string_equal(kg->unece, "KGM");
    assert_string_equal(kg->label_fr, "kilogramme");
    assert_int_equal(unit_weight_g(kg), 1000);
    assert_true(unit_is_measure(kg));
    assert_string_equal(unit_by_code("g")->unece, "GRM");
    assert_string_equal(unit_by_code("l")->unece, "LTR");
    assert_string_equal(unit_by_code("cl")->unece, "CLT");
    assert_string_equal(unit_by_code("ml")->unece, "MLT");
    assert_string_equal(unit_by_code("piece")->unece, "H87");
    assert_string_equal(unit_by_code("dozen")->unece, "DZN");
    assert_int_equal(unit_weight_g(unit_by_code("piece")), -1);
    assert_false(unit_is_measure(unit_by_code("bunch")));
    assert_null(unit_by_code("Kg"));
    /* every code is found by its own name and labels, and has an invoice code */
    for (size_t i = 0; i < unit_count(); i++) {
        const unit_def *u = unit_at(i);
        assert_ptr_equal(unit_find(u->code), u);
        assert_ptr_equal(unit_find(u->label_fr), u);
        assert_non_null(u->unece);
    }
    assert_null(unit_at(unit_count()));
}

/* ---- fixtures ---- */

typedef struct {
    const char *sku, *name, *category, *unit;
    price4_t excl; /* -1: derived from incl */
    cents_t incl;  /* -1: the file gave the price excl. VAT */
    vat_bp_t vat;
    int64_t weight; /* grams */
    milli_t stock, step;
    int organic;
    const char *description;
} want;

static void check_products(const imp_catalog *cat, const want *w, size_t n)
{
    assert_int_equal(cat->nproducts, n);
    for (size_t i = 0; i < n; i++) {
        const imp_product *p = &cat->products[i];
        assert_string_equal(p->sku, w[i].sku);
        assert_string_equal(p->name, w[i].name);
        assert_string_equal(p->category, w[i].category);
        assert_string_equal(p->unit, w[i].unit);
        assert_int_equal(p->price_incl_vat, w[i].incl);
        assert_int_equal(p->vat_rate, w[i].vat);
        if (w[i].excl >= 0) {
            assert_int_equal(p->price_excl_vat, w[i].excl);
        } else {
            /* stated incl. VAT: the 4-decimal price gives the stated cents back exactly */
            assert_int_equal(p->price_excl_vat, money_price_excl_from_incl(w[i].incl, w[i].vat));
            assert_int_equal(money_price_incl(p->price_excl_vat, p->vat_rate), w[i].incl);
        }
        assert_int_equal(p->weight_g, w[i].weight);
        assert_int_equal(p->stock, w[i].stock);
        assert_int_equal(p->step, w[i].step);
        assert_int_equal(p->organic, w[i].organic);
        assert_true(p->active);
        assert_string_equal(p->description, w[i].description ? w[i].description : "");
        assert_true(utf8_valid(p->name, strlen(p->name)));
    }
}

static void fixture(const char *file, bool franchise, const char *encoding, imp_format format,
                    char separator, const want *w, size_t n)
{
    parsed p;
    imp_options o = {.franchise = franchise};
    char path[256];
    snprintf(path, sizeof path, CATALOGS "%s", file);
    parse_file(&p, path, &o);
    expect_no_problems(&p.cat);
    assert_string_equal(p.cat.encoding, encoding);
    assert_int_equal(p.cat.format, format);
    assert_int_equal(p.cat.separator, separator);
    check_products(&p.cat, w, n);
    done(&p);
}

#define FIXTURE(file, franchise, enc, fmt, sep, w)                                                 \
    fixture(file, franchise, enc, fmt, sep, w, sizeof w / sizeof *w)

static void test_fixture_ferme_trois_chenes(void **state)
{
    (void)state;
    static const want w[] = {
        {"LEG-CAR-1KG", "Carottes des sables", "Légumes", "kg", 23700, -1, 550, 1000, 120000, 500,
         1, "Carottes nouvelles lavées"},
        {"LEG-POI-1KG", "Poireaux", "Légumes", "kg", 28400, -1, 550, 1000, 80000, 500, 1, NULL},
        {"LEG-CHOU-PC", "Chou kale", "Légumes", "piece", 23700, -1, 550, 400, 40000, 1000, 1,
         "Kale frisé, la pièce"},
        {"LEG-POT-BUT", "Courge butternut", "Légumes", "kg", 21300, -1, 550, 1000, 150000, 1000, 1,
         NULL},
        {"LEG-PDT-5KG", "Pommes de terre Agata (sac 5 kg)", "Légumes", "piece", 85300, -1, 550,
         5000, 30000, 1000, 1, "Sac de 5 kg"},
        {"LEG-SAL-PC", "Salade feuille de chêne", "Légumes", "piece", 13300, -1, 550, 300, -1, 1000,
         1, NULL},
        {"PAN-LEG-FAM", "Panier légumes famille", "Paniers", "piece", 237000, -1, 550, 6000, 25000,
         1000, 1, "Panier de saison : 6 à 7 légumes, environ 6 kg"},
        {"PAN-LEG-SOLO", "Panier légumes solo", "Paniers", "piece", 123200, -1, 550, 3000, 25000,
         1000, 1, "Panier de saison, environ 3 kg"},
    };
    FIXTURE("ferme-trois-chenes.csv", false, "UTF-8", IMP_FORMAT_CSV, ',', w);
}

static void test_fixture_chevrerie_gervanne(void **state)
{
    (void)state;
    static const want w[] = {
        {"PIC-FRAIS", "Picodon frais (AOP)", "Fromages", "piece", -1, 260, 550, 60, 200000, 1000, 1,
         NULL},
        {"PIC-AFFINE", "Picodon affiné (AOP)", "Fromages", "piece", -1, 290, 550, 50, 150000, 1000,
         1, NULL},
        {"TOM-CHEV", "Tomme de chèvre", "Fromages", "kg", -1, 2850, 550, 1000, 12000, 1000, 1,
         NULL},
        {"FAISS-500", "Faisselle de chèvre 500 g", "Frais", "piece", -1, 380, 550, 500, 60000, 1000,
         1, NULL},
        {"YAO-NAT-4", "Yaourts au lait de chèvre nature (x4)", "Frais", "piece", -1, 420, 550, 500,
         40000, 1000, 1, NULL},
        {"CHEV-BUCHE", "Bûche cendrée", "Fromages", "piece", -1, 640, 550, 200, 30000, 1000, 1,
         NULL},
    };
    FIXTURE("chevrerie-gervanne.csv", false, "Windows-1252", IMP_FORMAT_CSV, ';', w);
}

static void test_fixture_fournil_saillans(void **state)
{
    (void)state;
    static const want w[] = {
        {"PAIN-CAMP-1KG", "Pain de campagne au levain", "Pains", "piece", 52100, -1, 550, 1000,
         60000, 1000, -1, "Farine T80 du Moulin de Mirmande; levain naturel"},
        {"PAIN-SEIG-500", "Pain de seigle", "Pains", "piece", 37900, -1, 550, 500, 30000, 1000, -1,
         NULL},
        {"PAIN-EPEAU", "Pain au petit épeautre", "Pains", "piece", 61600, -1, 550, 750, 20000, 1000,
         -1, "Petit épeautre de Haute-Provence.\nCuit au feu de bois le mercredi."},
        {"BRIO-TRESS", "Brioche tressée", "Viennoiseries", "piece", 75800, -1, 550, 450, 15000,
         1000, -1, NULL},
        {"FOUG-OLIV", "Fougasse aux olives", "Pains", "piece", 33200, -1, 550, 300, 25000, 1000, -1,
         "Olives de Nyons \"AOP\""},
    };
    FIXTURE("fournil-saillans.csv", false, "UTF-8 with BOM", IMP_FORMAT_CSV, ';', w);
    /* after the two-line cell, file lines and spreadsheet rows part ways */
    parsed p;
    parse_file(&p, CATALOGS "fournil-saillans.csv", NULL);
    assert_int_equal(p.cat.products[3].line, 6);
    assert_int_equal(p.cat.products[3].row, 5);
    done(&p);
}

static void test_fixture_vergers_grane(void **state)
{
    (void)state;
    static const want w[] = {
        {"POM-GALA-KG", "Pommes Gala", "", "kg", 32000, -1, 0, 1000, 300000, 1000, -1, NULL},
        {"POM-REINE-KG", "Pommes Reine des reinettes", "", "kg", 34000, -1, 0, 1000, 200000, 1000,
         -1, NULL},
        {"POI-CONF-KG", "Poires Conférence", "", "kg", 39000, -1, 0, 1000, 120000, 1000, -1, NULL},
        {"JUS-POM-1L", "Jus de pomme 1 L", "", "bottle", 45000, -1, 0, 1400, 96000, 1000, -1, NULL},
        {"COMP-POM-BOC", "Compote pomme-poire 370 g", "", "jar", 36000, -1, 0, 550, 48000, 1000, -1,
         NULL},
    };
    FIXTURE("vergers-grane.csv", true, "UTF-8", IMP_FORMAT_CSV, ';', w);
    /* the same file for a producer who charges VAT: the rate is missing on every line */
    parsed p;
    imp_options o = {.franchise = false};
    parse_file(&p, CATALOGS "vergers-grane.csv", &o);
    assert_int_equal(p.cat.nproblems, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(p.cat.problems[i].code, "missing_vat_rate");
        assert_string_equal(p.cat.problems[i].column, "TVA");
    }
    done(&p);
}

static void test_fixture_brasserie_crest(void **state)
{
    (void)state;
    static const want w[] = {
        {"BLONDE-33", "Blonde de la Tour 33 cl", "", "bottle", -1, 320, 2000, 550, 240000, 1000, -1,
         NULL},
        {"AMBREE-33", "Ambrée aux châtaignes 33 cl", "", "bottle", -1, 350, 2000, 550, 120000, 1000,
         -1, NULL},
        {"IPA-75", "IPA des Trois Becs 75 cl", "", "bottle", -1, 790, 2000, 1250, 60000, 1000, -1,
         NULL},
        {"SIROP-ORG", "Sirop d'orgeat artisanal 50 cl", "", "bottle", -1, 650, 550, 800, 24000,
         1000, -1, NULL},
    };
    FIXTURE("brasserie-crest.tsv", false, "UTF-8", IMP_FORMAT_CSV, '\t', w);
}

static void test_fixture_savonnerie_dieulefit(void **state)
{
    (void)state;
    static const want w[] = {
        {"SAV-LAV-100", "Savon lavande 100 g", "", "piece", -1, 550, 2000, 100, 80000, 1000, -1,
         NULL},
        {"SAV-ARG-100", "Savon argile verte 100 g", "", "piece", -1, 550, 2000, 100, 60000, 1000,
         -1, NULL},
        {"SHAMP-SOL", "Shampoing solide ortie", "", "piece", -1, 890, 2000, 80, 40000, 1000, -1,
         NULL},
    };
    FIXTURE("savonnerie-dieulefit.csv", false, "Windows-1252", IMP_FORMAT_CSV, ';', w);
}

static void test_fixture_oeufs_puy(void **state)
{
    (void)state;
    static const want w[] = {
        {"OEUF-6", "Œufs plein air (boîte de 6)", "", "box", 24000, -1, 0, 400, 150000, 1000, -1,
         NULL},
        {"OEUF-12", "Œufs plein air (boîte de 12)", "", "box", 46000, -1, 0, 800, 80000, 1000, -1,
         NULL},
        {"OEUF-30", "Œufs plein air (plateau de 30)", "", "tray", 105000, -1, 0, 2000, 20000, 1000,
         -1, NULL},
    };
    FIXTURE("oeufs-puy.csv", true, "UTF-8", IMP_FORMAT_CSV, ';', w);
}

static void test_fixture_volailles_plein_champ(void **state)
{
    (void)state;
    static const want w[] = {
        {"POU-ENT", "Poulet fermier entier (1,8 à 2,2 kg)", "Volailles", "piece", -1, 2400, 550,
         2000, 20000, 1000, -1, "Prix fixe à la pièce, pesée moyenne 2 kg"},
        {"POU-FIL-500", "Filets de poulet 500 g", "Volailles", "piece", -1, 1250, 550, 500, 30000,
         1000, -1, NULL},
        {"POU-CUI-KG", "Cuisses de poulet", "Volailles", "kg", -1, 1390, 550, 1000, 25000, 500, -1,
         "Vendues au kilo par pas de 500 g"},
        {"PINT-ENT", "Pintade fermière", "Volailles", "piece", -1, 2100, 550, 1500, 10000, 1000, -1,
         NULL},
        {"RIL-POU", "Rillettes de poulet 180 g", "Épicerie", "piece", -1, 680, 550, 250, 40000,
         1000, -1, NULL},
    };
    FIXTURE("volailles-plein-champ.csv", false, "UTF-8", IMP_FORMAT_CSV, ',', w);
    /* 21.00 € incl. VAT at 5.5 % comes back as exactly 21.00 */
    parsed p;
    parse_file(&p, CATALOGS "volailles-plein-champ.csv", NULL);
    assert_int_equal(p.cat.products[3].price_excl_vat, 199052);
    assert_int_equal(money_price_incl(p.cat.products[3].price_excl_vat, 550), 2100);
    done(&p);
}

static void test_fixture_clairette_aouste(void **state)
{
    (void)state;
    static const want w[] = {
        {"CLAI-TRAD-75", "Clairette de Die Tradition AOP 75 cl", "", "bottle", -1, 1150, 2000, 1500,
         120000, 1000, -1, NULL},
        {"CREM-DIE-75", "Crémant de Die AOP brut 75 cl", "", "bottle", -1, 1290, 2000, 1500, 60000,
         1000, -1, NULL},
        {"JUS-RAIS-1L", "Jus de raisin muscat 1 L", "", "bottle", -1, 480, 550, 1600, 48000, 1000,
         -1, NULL},
    };
    FIXTURE("clairette-aouste.csv", false, "UTF-8", IMP_FORMAT_CSV, ';', w);
}

static void test_fixture_jardins_chabeuil_ofn(void **state)
{
    (void)state;
    static const want w[] = {
        {"JC-TOM-ANC", "Tomates anciennes", "Légumes", "kg", 46000, -1, 550, 1000, 45000, 1000, -1,
         "Variétés anciennes de plein champ"},
        {"JC-COUR", "Courgettes", "Légumes", "kg", 28000, -1, 550, 1000, 60000, 1000, -1, NULL},
        {"JC-BASI", "Basilic", "Aromatiques", "bunch", 15000, -1, 550, -1, -1, 1000, -1, NULL},
        {"JC-AIL", "Ail violet", "Légumes", "piece", 60000, -1, 550, 500, 20000, 1000, -1,
         "Tresse de 10 têtes"},
        {"JC-PLANT-TOM", "Plants de tomate", "Plants", "plant", 25000, -1, 1000, -1, 100000, 1000,
         -1, "En godet de 9 cm"},
    };
    FIXTURE("jardins-chabeuil.ofn.csv", false, "UTF-8", IMP_FORMAT_OFN, ',', w);
    parsed p;
    parse_file(&p, CATALOGS "jardins-chabeuil.ofn.csv", NULL);
    assert_int_equal(p.cat.nignored_columns, 2);
    assert_string_equal(p.cat.ignored_columns[0], "display_name");
    assert_string_equal(p.cat.ignored_columns[1], "shipping_category");
    /* the producer the file names, for the producer page to compare with its own */
    assert_string_equal(p.cat.producer_name, "Les Jardins de Chabeuil");
    assert_false(p.cat.encoding_guessed);
    done(&p);
}

/* An OFN file naming two producers is refused (the check never ran: a pointer was
 * tested where the string it points to was meant). */
static void test_ofn_mixed_producers(void **state)
{
    (void)state;
    parsed p;
    const char *text = "producer,sku,name,units,unit_type,price,tax_category\n"
                       "Ferme A,A1,Pommes,1,kg,2.00,TVA 5.5\n"
                       "Ferme B,B1,Poires,1,kg,2.50,TVA 5.5\n";
    assert_int_equal(parse_str(&p, text, false), 1);
    assert_string_equal(p.cat.problems[0].code, "mixed_producers");
    assert_int_equal(p.cat.problems[0].line, 3);
    assert_string_equal(p.cat.producer_name, "Ferme A");
    done(&p);
}

/* Windows-1252 read on a guess (no BOM, not UTF-8) is said so, for a person to look. */
static void test_encoding_guessed(void **state)
{
    (void)state;
    parsed p;
    assert_int_equal(
        parse_str(&p, "sku,name,unit,price,vat\nC,Caf\xe9 \xff\xfe,piece,4,5.5\n", false), 0);
    assert_true(p.cat.encoding_guessed);
    assert_string_equal(p.cat.products[0].name, "Café ÿþ");
    done(&p);
    assert_int_equal(parse_str(&p, "sku,name,unit,price,vat\nC,Café,piece,4,5.5\n", false), 0);
    assert_false(p.cat.encoding_guessed);
    done(&p);
}

static void test_fixture_moulin_mirmande_dfc(void **state)
{
    (void)state;
    static const want w[] = {
        {"FAR-T80-1KG", "Farine de blé T80 1 kg", "", "kg", 32000, -1, 550, 1000, 80000, 1000, -1,
         "Farine bise moulue sur meule de pierre"},
        {"FAR-T110-1KG", "Farine de blé T110 1 kg", "", "kg", 34000, -1, 550, 1000, 60000, 1000, -1,
         "Farine complète"},
        {"FAR-SEIG-1KG", "Farine de seigle 1 kg", "", "kg", 36000, -1, 550, 1000, 40000, 1000, -1,
         NULL},
        {"HUI-NOIX-50", "Huile de noix 50 cl", "", "piece", 149000, -1, 550, -1, -1, 1000, -1,
         "Pression à froid"},
        {"LENT-VER-500", "Lentilles vertes 500 g", "", "piece", 31000, -1, 550, 500, 100000, 1000,
         -1, NULL},
    };
    FIXTURE("moulin-mirmande.dfc.json", false, "UTF-8", IMP_FORMAT_DFC, 0, w);
    parsed p;
    parse_file(&p, CATALOGS "moulin-mirmande.dfc.json", NULL);
    assert_int_equal(p.cat.products[0].line, 3); /* the CatalogItem's place in @graph */
    assert_int_equal(p.cat.products[4].line, 15);
    done(&p);
}

/* ---- refused files ---- */

static void test_bad_errors_on_lines(void **state)
{
    (void)state;
    static const struct {
        int line;
        const char *column, *code;
    } expected[] = {
        {3, "sku", "missing_sku"},       {4, "price_excl_vat", "bad_price"},
        {5, "vat_rate", "bad_vat_rate"}, {6, "unit", "unknown_unit"},
        {7, "stock", "bad_stock"},       {8, "sku", "duplicate_sku"},
        {9, "name", "missing_name"},
    };
    parsed p;
    parse_file(&p, CATALOGS "bad/errors-on-lines.csv", NULL);
    if (p.cat.nproblems != 7)
        dump_problems(&p.cat);
    assert_int_equal(p.cat.nproblems, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(p.cat.problems[i].line, expected[i].line);
        assert_string_equal(p.cat.problems[i].column, expected[i].column);
        assert_string_equal(p.cat.problems[i].code, expected[i].code);
        assert_non_null(p.cat.problems[i].message_fr);
    }
    assert_string_equal(p.cat.problems[1].message_en, "negative price \"-2.00\"");
    assert_string_equal(p.cat.problems[2].message_en,
                        "VAT rate 7 is not a French rate (0, 2.1, 5.5, 10 or 20 %)");
    assert_string_equal(p.cat.problems[3].message_en, "unknown unit \"furlong\"");
    assert_string_equal(p.cat.problems[4].message_en, "stock \"beaucoup\" is not a number");
    assert_string_equal(p.cat.problems[5].message_en, "sku OK-1 already used on line 2");
    assert_string_equal(p.cat.problems[5].message_fr,
                        "la référence OK-1 est déjà utilisée ligne 2");
    done(&p);
}

static void test_bad_small_files(void **state)
{
    (void)state;
    parsed p;
    parse_file(&p, CATALOGS "bad/header-only.csv", NULL);
    assert_int_equal(only_problem(&p.cat, "no_products")->line, 0);
    done(&p);

    parse_file(&p, CATALOGS "bad/empty.csv", NULL);
    assert_string_equal(only_problem(&p.cat, "file_empty")->message_en, "the file is empty");
    done(&p);

    parse_file(&p, CATALOGS "bad/both-prices-disagree.csv", NULL);
    const imp_problem *pb = only_problem(&p.cat, "price_mismatch");
    assert_int_equal(pb->line, 2);
    assert_string_equal(pb->column, "price_incl_vat");
    assert_string_equal(pb->message_en,
                        "price excl. VAT 2.00 at 5.5 % gives 2.11 incl. VAT, not 3.00");
    assert_string_equal(pb->message_fr, "prix HT 2,00 à 5,5 % donne 2,11 TTC, pas 3,00");
    done(&p);
}

static void test_bad_not_text(void **state)
{
    (void)state;
    parsed p;
    /* auto: the file is not UTF-8 anywhere, so it is Windows-1252 as a whole, and says so */
    parse_file(&p, CATALOGS "bad/not-text.csv", NULL);
    expect_no_problems(&p.cat);
    assert_string_equal(p.cat.encoding, "Windows-1252");
    assert_string_equal(p.cat.products[0].name, "Café ÿþ invalide");
    done(&p);
    /* forced UTF-8: refused where the bad bytes are */
    imp_options o = {.encoding = IMP_ENC_UTF8};
    parse_file(&p, CATALOGS "bad/not-text.csv", &o);
    const imp_problem *pb = only_problem(&p.cat, "bad_encoding");
    assert_int_equal(pb->line, 2);
    assert_string_equal(pb->column, "name");
    done(&p);
}

/* ---- header mapping ---- */

static void test_header_french_spellings(void **state)
{
    (void)state;
    parsed p;
    const char *csv = "Catalogue d'automne\n\n"
                      "  RÉFÉRENCE ;Nom du produit;Catégorie;Unité de vente;PRIX (TTC);"
                      "Taux de TVA;Poids (g);Qté disponible;Pas de commande;AB;Descriptif;"
                      "Actif;Prix promo\n"
                      "A1;Miel de lavande;Miel;pot;8,50 €;5,5 %;500;12;1;oui;Récolte 2024;"
                      "non;7\n";
    parse_str(&p, csv, false);
    expect_no_problems(&p.cat);
    const imp_product *x = &p.cat.products[0];
    assert_int_equal(x->line, 4);
    assert_string_equal(x->sku, "A1");
    assert_string_equal(x->unit, "pot");
    assert_int_equal(x->price_incl_vat, 850);
    assert_int_equal(x->weight_g, 500);
    assert_int_equal(x->stock, 12000);
    assert_int_equal(x->organic, 1);
    assert_false(x->active);
    assert_int_equal(p.cat.nignored_columns, 1);
    assert_string_equal(p.cat.ignored_columns[0], "Prix promo");
    done(&p);

    /* a bare "Prix" is the price excluding VAT */
    parse_str(&p, "Référence;Désignation;Unité;Prix;TVA\nB;Beurre;pièce;3,00;5,5\n", false);
    expect_no_problems(&p.cat);
    assert_int_equal(p.cat.products[0].price_excl_vat, 30000);
    assert_int_equal(p.cat.products[0].price_incl_vat, -1);
    done(&p);
}

static void test_header_problems(void **state)
{
    (void)state;
    parsed p;
    parse_str(&p, "foo,bar,baz\n1,2,3\n", false);
    assert_int_equal(p.cat.nproblems, 5); /* sku, name, price, unit, VAT columns */
    for (size_t i = 0; i < p.cat.nproblems; i++) {
        assert_string_equal(p.cat.problems[i].code, "missing_column");
        assert_int_equal(p.cat.problems[i].line, 1);
    }
    assert_string_equal(p.cat.problems[0].message_en,
                        "no column for the sku (expected: sku, Référence, Réf, Code)");
    done(&p);

    parse_str(&p, "sku,name,unit,Prix HT,price_excl_vat,vat\nA,B,kg,1,1,5.5\n", false);
    const imp_problem *pb = only_problem(&p.cat, "duplicate_column");
    assert_string_equal(pb->column, "price_excl_vat");
    done(&p);

    parse_str(&p, "sku,name,unit,price\nA,B,kg,1\n", false);
    assert_string_equal(only_problem(&p.cat, "missing_column")->message_en,
                        "no column for the VAT rate (expected: vat_rate, TVA, Taux de TVA)");
    done(&p);
    parse_str(&p, "sku,name,unit,price\nA,B,kg,1\n", true); /* franchise: no VAT column needed */
    expect_no_problems(&p.cat);
    done(&p);
}

/* ---- value checks in context ---- */

static void test_row_checks(void **state)
{
    (void)state;
    parsed p;
    const char *csv = "sku,name,unit,price_excl_vat,vat_rate,weight_kg,stock,step,organic\n"
                      "A,Pomme,kg,2,5.5,0.5,1,1,oui\n"       /* kg weighs 1 kg */
                      "B,Poire,piece,2,5.5,-1,1,1,oui\n"     /* negative weight */
                      "C,Coing,piece,2,5.5,1,-3,1,oui\n"     /* negative stock */
                      "D,Noix,piece,2,5.5,1,1,0,oui\n"       /* step 0 */
                      "E,Noisette,piece,2,5.5,1,1,0.5,oui\n" /* half a piece */
                      "F,Kaki,piece,0,5.5,1,1,1,oui\n"       /* zero price */
                      "G,Figue,piece,deux,5.5,1,1,1,oui\n"   /* not a number */
                      "H,Prune,piece,2,5.5,1,1,1,peut-être\n"
                      "I,Nèfle,piece,2.12345,5.5,1,1,1,oui\n"
                      "J,Mûre,piece,2,5.5,lourd,1,1,oui\n";
    parse_str(&p, csv, false);
    static const struct {
        int line;
        const char *column, *code;
    } expected[] = {
        {2, "weight_kg", "bad_weight"},
        {3, "weight_kg", "bad_weight"},
        {4, "stock", "bad_stock"},
        {5, "step", "bad_step"},
        {6, "step", "bad_step"},
        {7, "price_excl_vat", "bad_price"},
        {8, "price_excl_vat", "bad_price"},
        {9, "organic", "bad_boolean"},
        {10, "price_excl_vat", "bad_price"},
        {11, "weight_kg", "bad_weight"},
    };
    if (p.cat.nproblems != 10)
        dump_problems(&p.cat);
    assert_int_equal(p.cat.nproblems, 10);
    for (size_t i = 0; i < 10; i++) {
        assert_int_equal(p.cat.problems[i].line, expected[i].line);
        assert_string_equal(p.cat.problems[i].column, expected[i].column);
        assert_string_equal(p.cat.problems[i].code, expected[i].code);
    }
    done(&p);
}

static void test_vat_rules(void **state)
{
    (void)state;
    parsed p;
    const char *csv = "sku;name;unit;prix;tva\nA;Pomme;kg;2;5,5\nB;Poire;kg;2;\nC;Coing;kg;2;0\n";
    parse_str(&p, csv, true); /* franchise: 5.5 refused, empty and 0 fine */
    assert_int_equal(only_problem(&p.cat, "vat_in_franchise")->line, 2);
    done(&p);
    parse_str(&p, csv, false); /* standard: empty refused, 0 is a French rate */
    assert_int_equal(only_problem(&p.cat, "missing_vat_rate")->line, 3);
    done(&p);
    parse_str(&p, "sku;name;unit;prix;tva\nA;Pomme;kg;2;0,055\nB;Poire;kg;2;2,1%\n", false);
    expect_no_problems(&p.cat);
    assert_int_equal(p.cat.products[0].vat_rate, 550);
    assert_int_equal(p.cat.products[1].vat_rate, 210);
    done(&p);
}

static void test_field_counts(void **state)
{
    (void)state;
    parsed p;
    /* trailing empty fields are fine; a missing or an extra value is not */
    parse_str(&p,
              "sku,name,unit,price,vat\nA,Pomme,kg,2,5.5,,\nB,Poire,kg,2\nC,Coing,kg,3,20,5.5\n",
              false);
    assert_int_equal(p.cat.nproblems, 2);
    assert_string_equal(p.cat.problems[0].code, "wrong_field_count");
    assert_int_equal(p.cat.problems[0].line, 3);
    assert_string_equal(p.cat.problems[0].message_en, "the line has 4 fields, the header has 5");
    assert_int_equal(p.cat.problems[1].line, 4);
    done(&p);
}

static void test_control_characters(void **state)
{
    (void)state;
    parsed p;
    const char csv[] = "sku,name,unit,price,vat\nA,Pom\0me,kg,2,5.5\nB,Poi\x01re,kg,2,5.5\n";
    imp_options o = {0};
    parse_mem(&p, csv, sizeof csv - 1, &o);
    assert_int_equal(p.cat.nproblems, 2);
    assert_string_equal(p.cat.problems[0].code, "control_character");
    assert_string_equal(p.cat.problems[0].column, "name");
    assert_int_equal(p.cat.problems[0].line, 2);
    assert_string_equal(p.cat.problems[1].message_en,
                        "the name holds a control character (U+0001)");
    done(&p);
}

static void test_encodings_in_context(void **state)
{
    (void)state;
    parsed p;
    /* UTF-8 file with one stray Windows-1252 byte: refused there, not garbled everywhere */
    const char mixed[] = "sku;name;unit;prix;tva\nA;Crème;kg;2;5,5\nB;Cr\xE8me;kg;2;5,5\n";
    parse_str(&p, mixed, false);
    const imp_problem *pb = only_problem(&p.cat, "bad_encoding");
    assert_int_equal(pb->line, 3);
    assert_string_equal(pb->column, "name");
    done(&p);
    /* Excel "Unicode text": UTF-16LE with BOM, tab-separated */
    const char *text = "sku\tname\tunit\tprice\tvat\nA\tÉpeautre\tkg\t4\t5.5\n";
    buf b = BUF_INIT;
    buf_append(&b, "\xFF\xFE", 2);
    for (const unsigned char *s = (const unsigned char *)text; *s; s++) {
        unsigned cp = *s;
        if (cp >= 0xC0) { /* two-byte UTF-8 */
            cp = ((cp & 0x1F) << 6) | (s[1] & 0x3F);
            s++;
        }
        char pair[2] = {(char)(cp & 0xFF), (char)(cp >> 8)};
        buf_append(&b, pair, 2);
    }
    imp_options o = {0};
    parse_mem(&p, b.data, b.len, &o);
    expect_no_problems(&p.cat);
    assert_string_equal(p.cat.encoding, "UTF-16LE");
    assert_string_equal(p.cat.products[0].name, "Épeautre");
    done(&p);
    buf_free(&b);
    /* CR-only line ends (old Mac) */
    parse_str(&p, "sku,name,unit,price,vat\rA,B,kg,1,5.5\rC,D,kg,2,5.5\r", false);
    expect_no_problems(&p.cat);
    assert_int_equal(p.cat.products[1].line, 3);
    done(&p);
}

/* ---- limits and nasty inputs ---- */

static void test_limits(void **state)
{
    (void)state;
    parsed p;
    const char *csv = "sku,name,unit,price,vat\nA,B,kg,1,5.5\nC,D,kg,1,5.5\nE,F,kg,1,5.5\n";
    imp_options o = {.max_bytes = 10};
    parse_mem(&p, csv, strlen(csv), &o);
    only_problem(&p.cat, "file_too_large");
    done(&p);
    o = (imp_options){.max_rows = 2};
    parse_mem(&p, csv, strlen(csv), &o);
    assert_int_equal(only_problem(&p.cat, "too_many_rows")->line, 4);
    assert_int_equal(p.cat.nproducts, 2);
    done(&p);
    o = (imp_options){.max_field_bytes = 4};
    csv = "sku,name,unit,prix,tva\nA,Pomme,kg,1,5.5\n";
    parse_mem(&p, csv, strlen(csv), &o);
    const imp_problem *pb = only_problem(&p.cat, "field_too_long");
    assert_string_equal(pb->column, "name");
    done(&p);

    /* thousands of bad rows: capped, with a count of the rest */
    buf b = BUF_INIT;
    buf_puts(&b, "sku,name,unit,price,vat\n");
    for (int i = 0; i < 3000; i++)
        buf_printf(&b, "S%d,,kg,1,5.5\n", i);
    o = (imp_options){0};
    parse_mem(&p, b.data, b.len, &o);
    assert_int_equal(p.cat.nproblems, IMP_MAX_PROBLEMS);
    const imp_problem *last = &p.cat.problems[IMP_MAX_PROBLEMS - 1];
    assert_string_equal(last->code, "too_many_problems");
    assert_string_equal(last->message_en, "and 2001 more problems: fix these first");
    done(&p);
    buf_free(&b);
}

static void test_nasty_inputs(void **state)
{
    (void)state;
    parsed p;
    parse_str(&p, "\xEF\xBB\xBF", false);
    only_problem(&p.cat, "file_empty");
    done(&p);
    parse_str(&p, ";;;;\r\n;;;;\r\n", false);
    only_problem(&p.cat, "file_empty");
    done(&p);
    parse_str(&p, "sku,name,unit,price,vat\nA,\"never closed,kg,1,5.5\nB,C,kg,1,5.5\n", false);
    assert_int_equal(only_problem(&p.cat, "unterminated_quote")->line, 2);
    done(&p);

    buf b = BUF_INIT;
    buf_puts(&b, "sku,name,unit,price,vat,description\nA,B,kg,1,5.5,\"");
    for (int i = 0; i < 1 << 20; i++)
        buf_putc(&b, i % 64 ? 'x' : '\n');
    buf_puts(&b, "\"\nC,D,kg,1,5.5,ok\n");
    imp_options o = {0};
    parse_mem(&p, b.data, b.len, &o);
    const imp_problem *pb = only_problem(&p.cat, "field_too_long");
    assert_int_equal(pb->line, 2);
    assert_string_equal(pb->column, "description");
    assert_int_equal(p.cat.nproducts, 1);
    assert_int_equal(p.cat.products[0].line, 2 + (1 << 20) / 64 + 1); /* lines still counted */
    done(&p);
    buf_free(&b);

    for (int i = 0; i < 10000; i++)
        buf_printf(&b, "c%d,", i);
    buf_puts(&b, "\n1,2\n");
    parse_mem(&p, b.data, b.len, &o);
    only_problem(&p.cat, "too_many_columns");
    done(&p);
    buf_free(&b);

    parse_str(&p, "PK\x03\x04 whatever", false);
    assert_string_equal(only_problem(&p.cat, "not_text")->message_en,
                        "this file is an Excel (.xlsx) or LibreOffice (.ods) workbook, or a zip "
                        "archive, not text: save it as CSV");
    done(&p);
    parse_str(&p, "{\"@graph\": [", false);
    only_problem(&p.cat, "bad_json");
    done(&p);
    parse_str(&p, "[1, \"a\", {\"b\": null}]", false);
    only_problem(&p.cat, "not_dfc");
    done(&p);
    parse_str(&p, "\"just a string\"", false); /* not JSON-looking: read as CSV, no header */
    assert_string_equal(p.cat.problems[0].code, "missing_column");
    done(&p);
}

/* ---- third-party payloads ---- */

static bool interop(parsed *p, const char *file, const imp_options *opt)
{
    /* third-party files, never committed: ../shared, or KM0_SHARED (scripts/test.sh sets it) */
    const char *shared = getenv("KM0_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/fixtures/interop/%s", shared && *shared ? shared : "../shared",
             file);
    size_t len;
    char *data = slurp(path, &len);
    if (!data) {
        print_message("skipped: %s absent (third-party payloads, not part of km0; set "
                      "KM0_SHARED)\n",
                      path);
        return false;
    }
    parse_mem(p, data, len, opt);
    p->data = data;
    return true;
}

static void test_interop_ofn_sample(void **state)
{
    (void)state;
    parsed p;
    imp_options franchise = {.franchise = true};
    if (!interop(&p, "ofn-product-import-sample.csv", &franchise)) {
        skip();
        return;
    }
    expect_no_problems(&p.cat);
    assert_int_equal(p.cat.format, IMP_FORMAT_OFN);
    assert_int_equal(p.cat.nproducts, 120);
    /* "1 g" is sold by the gram; "N g" is a piece weighing N g */
    assert_string_equal(p.cat.products[0].unit, "g");
    assert_int_equal(p.cat.products[0].weight_g, 1);
    for (size_t i = 1; i < 120; i++) {
        const imp_product *x = &p.cat.products[i];
        char sku[8], name[32];
        snprintf(sku, sizeof sku, "%zu", i + 1);
        snprintf(name, sizeof name, "Imported Product %zu", i + 1);
        assert_string_equal(x->sku, sku);
        assert_string_equal(x->name, name);
        assert_string_equal(x->category, "Vegetables");
        assert_string_equal(x->unit, "piece");
        assert_int_equal(x->weight_g, (int64_t)i + 1);
        assert_int_equal(x->price_excl_vat, (int64_t)(i + 2) * 10000);
        assert_int_equal(x->stock, (int64_t)(i + 100) * 1000);
    }
    done(&p);
    /* for a producer who charges VAT, the placeholder tax category names no rate */
    imp_options standard = {0};
    assert_true(interop(&p, "ofn-product-import-sample.csv", &standard));
    assert_int_equal(p.cat.nproblems, 120);
    assert_string_equal(p.cat.problems[0].code, "bad_vat_rate");
    assert_string_equal(p.cat.problems[0].column, "tax_category");
    done(&p);
}

static void test_interop_dfc(void **state)
{
    (void)state;
    parsed p;
    if (!interop(&p, "fdc-catalog.json", NULL)) {
        skip();
        return;
    }
    /* eight products read, eight prices refused: they are in pounds */
    assert_int_equal(p.cat.nproducts, 8);
    assert_int_equal(p.cat.nproblems, 8);
    for (size_t i = 0; i < 8; i++) {
        assert_string_equal(p.cat.problems[i].code, "currency_not_euro");
        assert_string_equal(p.cat.problems[i].column, "dfc-b:hasUnit");
        assert_int_equal(p.cat.problems[i].line, p.cat.products[i].line);
    }
    assert_string_equal(p.cat.problems[0].message_en,
                        "price in PoundSterling: km0 sells and invoices in euros");
    assert_string_equal(p.cat.products[0].sku, "LIB/NABVI/BF");
    assert_string_equal(p.cat.products[0].name, "Apple Balsamic Vinegar - Retail bottle, 40ml");
    assert_int_equal(p.cat.products[0].weight_g, 40);
    assert_int_equal(p.cat.products[0].stock, -1);
    assert_int_equal(p.cat.products[1].stock, 5000);
    assert_int_equal(p.cat.products[3].weight_g, 4800);
    assert_int_equal(p.cat.products[6].weight_g, -1); /* "0 kg": unknown */
    assert_true(strncmp(p.cat.products[0].description, "<table", 6) == 0);
    done(&p);

    if (!interop(&p, "product.GET.json", NULL))
        return;
    /* no sku, and VAT "1" is not a French rate; the rest reads */
    assert_int_equal(p.cat.nproducts, 1);
    assert_int_equal(p.cat.nproblems, 2);
    assert_string_equal(p.cat.problems[0].code, "missing_sku");
    assert_string_equal(p.cat.problems[1].code, "bad_vat_rate");
    assert_string_equal(p.cat.products[0].name, "Fillet Steak - 201g x 1 Steak");
    assert_int_equal(p.cat.products[0].price_excl_vat, 120600);
    assert_int_equal(p.cat.products[0].stock, 11000);
    done(&p);

    if (!interop(&p, "put_supplied_product.json", NULL))
        return;
    only_problem(&p.cat, "no_catalog_item");
    done(&p);
    if (!interop(&p, "litefarm_v2.json", NULL))
        return;
    only_problem(&p.cat, "no_catalog_item");
    done(&p);
}

static void test_dfc_shapes(void **state)
{
    (void)state;
    parsed p;
    /* full IRIs, a single nested object, numbers as numbers, a 2.0 currency code */
    const char *json =
        "{\"@context\": \"https://w3id.org/dfc/ontology/context/context_2.0.0.json\","
        " \"@id\": \"ex:sp\", \"@type\": \"http://static.datafoodconsortium.org/ontologies/"
        "DFC_BusinessOntology.owl#SuppliedProduct\","
        " \"http://static.datafoodconsortium.org/ontologies/DFC_BusinessOntology.owl#name\": "
        "\"Miel\","
        " \"dfc-b:hasQuantity\": {\"dfc-b:hasUnit\": \"dfc-m:Gram\", \"dfc-b:value\": 250},"
        " \"dfc-b:referencedBy\": {\"@type\": \"dfc-b:CatalogItem\", \"dfc-b:sku\": 42,"
        "   \"dfc-b:stockLimitation\": 7,"
        "   \"dfc-b:offeredThrough\": {\"@type\": \"dfc-b:Offer\", \"dfc-b:hasPrice\": "
        "{\"dfc-b:value\": 6.5, \"dfc-b:VATrate\": 5.5, \"dfc-b:hasUnit\": \"cur:EUR\"}}}}";
    parse_str(&p, json, false);
    expect_no_problems(&p.cat);
    assert_int_equal(p.cat.nproducts, 1);
    const imp_product *x = &p.cat.products[0];
    assert_string_equal(x->sku, "42");
    assert_string_equal(x->name, "Miel");
    assert_string_equal(x->unit, "piece");
    assert_int_equal(x->weight_g, 250);
    assert_int_equal(x->price_excl_vat, 65000);
    assert_int_equal(x->vat_rate, 550);
    assert_int_equal(x->stock, 7000);
    assert_int_equal(x->line, 1);
    done(&p);
}

/* ---- DFC export ---- */

static void same_products(const imp_catalog *a, const imp_catalog *b)
{
    assert_int_equal(a->nproducts, b->nproducts);
    for (size_t i = 0; i < a->nproducts; i++) {
        const imp_product *x = &a->products[i], *y = &b->products[i];
        assert_string_equal(x->sku, y->sku);
        assert_string_equal(x->name, y->name);
        assert_string_equal(x->category, y->category);
        assert_string_equal(x->unit, y->unit);
        assert_string_equal(x->description, y->description);
        assert_int_equal(x->price_excl_vat, y->price_excl_vat);
        assert_int_equal(x->price_incl_vat, y->price_incl_vat);
        assert_int_equal(x->vat_rate, y->vat_rate);
        assert_int_equal(x->weight_g, y->weight_g);
        assert_int_equal(x->stock, y->stock);
        assert_int_equal(x->step, y->step);
        assert_int_equal(x->organic, y->organic);
        assert_int_equal(x->active, y->active);
    }
}

static void round_trip(const imp_catalog *cat, bool franchise)
{
    char *json = imp_dfc_export("https://hub.example/", "ferme-test", "Ferme \"Test\"",
                                cat->products, cat->nproducts);
    cJSON *doc = cJSON_Parse(json);
    assert_non_null(doc); /* valid JSON */
    cJSON_Delete(doc);
    parsed back;
    imp_options o = {.franchise = franchise, .format = IMP_FORMAT_DFC};
    parse_mem(&back, json, strlen(json), &o);
    expect_no_problems(&back.cat);
    same_products(cat, &back.cat);
    done(&back);
    free(json);
}

static void test_dfc_export_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *file;
        bool franchise;
    } files[] = {
        {"ferme-trois-chenes.csv", false},
        {"chevrerie-gervanne.csv", false},
        {"fournil-saillans.csv", false},
        {"vergers-grane.csv", true},
        {"brasserie-crest.tsv", false},
        {"savonnerie-dieulefit.csv", false},
        {"oeufs-puy.csv", true},
        {"volailles-plein-champ.csv", false},
        {"clairette-aouste.csv", false},
        {"jardins-chabeuil.ofn.csv", false},
        {"moulin-mirmande.dfc.json", false},
    };
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        parsed p;
        imp_options o = {.franchise = files[i].franchise};
        char path[256];
        snprintf(path, sizeof path, CATALOGS "%s", files[i].file);
        parse_file(&p, path, &o);
        expect_no_problems(&p.cat);
        round_trip(&p.cat, files[i].franchise);
        done(&p);
    }
    /* awkward values: quotes, line breaks, a sku needing escapes, inactive, organic no */
    parsed p;
    const char *csv = "sku;name;category;unit;price_excl_vat;vat_rate;weight_kg;stock;step;"
                      "organic;active;description\n"
                      "A/B C?é;Jus \"pur\" <bio>;Boissons & co;bouteille;2,1234;20;;0;1;non;"
                      "non;\"ligne 1\nligne 2\t\\ fin\"\n"
                      "KG-1;Noix;;kg;9;5,5;;12,5;0,25;;;\n";
    parse_str(&p, csv, false);
    expect_no_problems(&p.cat);
    round_trip(&p.cat, false);
    char *json = imp_dfc_export("https://hub.example", "ferme-test", "Ferme", p.cat.products,
                                p.cat.nproducts);
    assert_non_null(strstr(json, "https://hub.example/producers/ferme-test/catalog_items/"
                                 "A%2FB%20C%3F%C3%A9"));
    assert_non_null(strstr(json, "\"dfc-b:VATrate\": \"20\""));
    assert_non_null(strstr(json, "\"dfc-b:value\": \"2.1234\""));
    assert_non_null(strstr(json, "context_1.16.0.json"));
    free(json);
    done(&p);
    /* an empty catalog is still a valid document */
    json = imp_dfc_export("https://hub.example", "vide", "Vide", NULL, 0);
    cJSON *doc = cJSON_Parse(json);
    assert_non_null(doc);
    cJSON_Delete(doc);
    free(json);
}

/* ---- sold by the piece, priced by the kg or litre ---- */

static void test_weighed_products(void **state)
{
    (void)state;
    parsed p;
    /* French headers: the estimate from its own column, or from the unit weight */
    assert_int_equal(parse_str(&p,
                               "Référence;Nom;Unité;Prix au kg;Poids estimé;Poids (kg);TVA\n"
                               "POULET;Poulet fermier;pièce;12,00;2;;5,5\n"
                               "PINTADE;Pintade;pièce;15;;1,4;5,5\n"
                               "SALADE;Salade;pièce;;;;5,5\n",
                               false),
                     1); /* the salad has no price at all */
    done(&p);
    assert_int_equal(parse_str(&p,
                               "Référence;Nom;Unité;Prix au kg;Poids estimé;Poids (kg);TVA\n"
                               "POULET;Poulet fermier;pièce;12,00;2;;5,5\n"
                               "PINTADE;Pintade;pièce;15;;1,4;5,5\n",
                               false),
                     0);
    const imp_product *c = &p.cat.products[0], *g = &p.cat.products[1];
    assert_string_equal(c->measure, "kg");
    assert_int_equal(c->measure_price, 120000);
    assert_int_equal(c->measure_estimate, 2000);
    assert_int_equal(c->price_excl_vat, 240000); /* a piece at its estimate */
    assert_int_equal(c->weight_g, 2000);         /* what the vans carry */
    assert_int_equal(c->price_incl_vat, -1);
    assert_int_equal(g->measure_estimate, 1400);
    assert_int_equal(g->price_excl_vat, 210000);
    done(&p);
    /* English headers, a litre: milk by the bottle of about 75 cl */
    assert_int_equal(parse_str(&p,
                               "sku,name,unit,price_per_litre,estimated_volume_l,vat_rate\n"
                               "LAIT,Lait cru,bottle,1.80,75 cl,5.5\n",
                               false),
                     0);
    assert_string_equal(p.cat.products[0].measure, "l");
    assert_int_equal(p.cat.products[0].measure_estimate, 750);
    assert_int_equal(p.cat.products[0].price_excl_vat, 13500);
    assert_int_equal(p.cat.products[0].weight_g, -1); /* a volume says nothing of the weight */
    done(&p);
    /* Open Food Network: units and unit_type say the piece, km0's column the price per kg */
    assert_int_equal(parse_str(&p,
                               "producer,sku,name,units,unit_type,variant_unit_name,price,on_hand,"
                               "tax_category,price_per_kg\n"
                               "Volailles,DINDE,Dinde,4.5,kg,,,3,TVA 5.5,11.00\n",
                               false),
                     0);
    assert_string_equal(p.cat.products[0].unit, "piece");
    assert_int_equal(p.cat.products[0].measure_estimate, 4500);
    assert_int_equal(p.cat.products[0].price_excl_vat, 495000);
    done(&p);
    /* one price or the other, on a piece, with an estimate */
    assert_int_equal(parse_str(&p,
                               "sku,name,unit,price,price_per_kg,estimated_weight_kg,vat\n"
                               "A,A,piece,3,12,2,5.5\n",
                               false),
                     1);
    assert_string_equal(only_problem(&p.cat, "two_prices")->column, "price_per_kg");
    done(&p);
    assert_int_equal(parse_str(&p,
                               "sku,name,unit,price_per_kg,estimated_weight_kg,vat\n"
                               "A,A,kg,12,1,5.5\n",
                               false),
                     1);
    only_problem(&p.cat, "weighed_unit");
    done(&p);
    assert_int_equal(parse_str(&p,
                               "sku,name,unit,price_per_kg,estimated_weight_kg,vat\n"
                               "A,A,piece,12,,5.5\n",
                               false),
                     1);
    only_problem(&p.cat, "missing_estimate");
    done(&p);
    assert_int_equal(parse_str(&p,
                               "sku,name,unit,price_per_kg,estimated_weight_kg,vat\n"
                               "A,A,piece,12,75 cl,5.5\n",
                               false),
                     1);
    only_problem(&p.cat, "bad_estimate"); /* a volume for a price per kg */
    done(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_units),
        cmocka_unit_test(test_fixture_ferme_trois_chenes),
        cmocka_unit_test(test_fixture_chevrerie_gervanne),
        cmocka_unit_test(test_fixture_fournil_saillans),
        cmocka_unit_test(test_fixture_vergers_grane),
        cmocka_unit_test(test_fixture_brasserie_crest),
        cmocka_unit_test(test_fixture_savonnerie_dieulefit),
        cmocka_unit_test(test_fixture_oeufs_puy),
        cmocka_unit_test(test_fixture_volailles_plein_champ),
        cmocka_unit_test(test_fixture_clairette_aouste),
        cmocka_unit_test(test_fixture_jardins_chabeuil_ofn),
        cmocka_unit_test(test_ofn_mixed_producers),
        cmocka_unit_test(test_encoding_guessed),
        cmocka_unit_test(test_fixture_moulin_mirmande_dfc),
        cmocka_unit_test(test_bad_errors_on_lines),
        cmocka_unit_test(test_bad_small_files),
        cmocka_unit_test(test_bad_not_text),
        cmocka_unit_test(test_header_french_spellings),
        cmocka_unit_test(test_header_problems),
        cmocka_unit_test(test_row_checks),
        cmocka_unit_test(test_vat_rules),
        cmocka_unit_test(test_field_counts),
        cmocka_unit_test(test_control_characters),
        cmocka_unit_test(test_encodings_in_context),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_nasty_inputs),
        cmocka_unit_test(test_interop_ofn_sample),
        cmocka_unit_test(test_interop_dfc),
        cmocka_unit_test(test_dfc_shapes),
        cmocka_unit_test(test_dfc_export_round_trip),
        cmocka_unit_test(test_weighed_products),
    };
    return cmocka_run_group_tests_name("catalog_parse", tests, NULL, NULL);
}
