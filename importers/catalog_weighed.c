/*
 * importers/catalog_weighed.c — products sold by the piece and priced by the kg (or
 * litre): a free-range chicken, "about 2 kg, 12.00 €/kg".
 *
 * The catalog states the price per kg (or litre) excluding VAT and an estimate of one
 * piece; km0 keeps both (products.measure*, schema/010) and the estimated price of a
 * piece as the product's price, so that ordering, stock and order steps stay in pieces
 * and the shop shows "≈ 2 kg, 12.00 €/kg, ≈ 24.00 €". The pieces are weighed after the
 * cycle closes and invoiced by weight (core/delivery.h).
 *
 * Every format reaches this one check: km0's CSV columns (price_per_kg, "Prix au kg",
 * price_per_litre, "Prix au litre", estimated_weight_kg, "Poids estimé"...), the same
 * columns added to an Open Food Network template (whose units and unit_type give the
 * estimate: "2, kg" is a piece of about 2 kg), and DFC's km0: properties.
 */
#include "catalog_parse.h"

#include <string.h>

#define MAX_ESTIMATE_MILLI 1000000 /* a thousand kg or litres a piece is a typing error */

/* Headers as folded by unit_fold ("Prix au kg" -> "prixaukg"); a bare "Prix" stays the
 * price of a unit (importers/catalog_csv.c). */
static const struct {
    const char *folded;
    int column;
} weighed_columns[] = {
    {"priceperkg", 1},        {"pricekg", 1},         {"priceperkilo", 1},  {"prixaukg", 1},
    {"prixaukilo", 1},        {"prixdukilo", 1},      {"prixdukg", 1},      {"prixkg", 1},
    {"prixhtaukg", 1},        {"prixhtaukilo", 1},    {"priceperlitre", 2}, {"priceperliter", 2},
    {"prixaulitre", 2},       {"prixdulitre", 2},     {"prixlitre", 2},     {"prixhtaulitre", 2},
    {"estimatedweightkg", 3}, {"estimatedweight", 3}, {"averageweight", 3}, {"averageweightkg", 3},
    {"poidsestime", 3},       {"poidsestimekg", 3},   {"poidsmoyen", 3},    {"poidsmoyenkg", 3},
    {"estimatedvolumel", 3},  {"estimatedvolume", 3}, {"volumeestime", 3},  {"volumeestimel", 3},
    {"volumemoyen", 3},
};

int imp_weighed_column(const char *folded)
{
    for (size_t i = 0; i < sizeof weighed_columns / sizeof *weighed_columns; i++)
        if (!strcmp(weighed_columns[i].folded, folded))
            return weighed_columns[i].column;
    return 0;
}

bool imp_cell_given(const imp_cell *cell)
{
    for (size_t i = 0; cell->text && i < cell->len; i++)
        if (cell->text[i] != ' ' && cell->text[i] != '\t')
            return true;
    return false;
}

/* The estimate in thousandths of the measure: "2", "2,1", "500 g", "75 cl", "0.5 kg". */
static bool estimate_value(const char *t, const char *measure, int64_t *out)
{
    char num[64];
    size_t n = strlen(t);
    if (n >= sizeof num)
        return false;
    memcpy(num, t, n + 1);
    int64_t scale = 1000; /* thousandths per unit written: kg or l */
    static const struct {
        const char *suffix, *measure;
        int64_t scale;
    } suffixes[] = {
        {"kg", "kg", 1000}, {"g", "kg", 1}, {"ml", "l", 1}, {"cl", "l", 10}, {"l", "l", 1000}};
    for (size_t i = 0; i < sizeof suffixes / sizeof *suffixes; i++) {
        size_t k = strlen(suffixes[i].suffix);
        if (n > k && !strcmp(num + n - k, suffixes[i].suffix)) {
            if (strcmp(suffixes[i].measure, measure) != 0)
                return false;
            num[n - k] = '\0';
            scale = suffixes[i].scale;
            break;
        }
    }
    int64_t v;
    if (imp_value_milli(num, &v) != DEC_OK || v <= 0 || v > MAX_ESTIMATE_MILLI * 1000)
        return false;
    if ((v * scale) % 1000 != 0)
        return false;
    *out = v * scale / 1000;
    return *out > 0 && *out <= MAX_ESTIMATE_MILLI;
}

/* The price per measure cell: which measure, and its value; false after a problem. */
static bool measure_price(imp_ctx *c, imp_loc at, const imp_cell *cell, const char *measure,
                          imp_product *p)
{
    const char *t = imp_check_text(c, at, cell, 0, "le prix au kilo ou au litre",
                                   "the price per kg or litre", "price");
    if (!t)
        return false;
    int64_t v;
    dec_status st = imp_value_money(t, 4, &v);
    if (st != DEC_OK || v <= 0 || v > (int64_t)1000000 * 10000) {
        imp_report(c, at, cell->column, "bad_price",
                   arena_printf(c->mem,
                                "le prix au %s « %s » n'est pas un prix positif (4 décimales au "
                                "plus)",
                                strcmp(measure, "kg") ? "litre" : "kilo", t),
                   arena_printf(c->mem,
                                "price per %s \"%s\" is not a positive price (4 decimals at most)",
                                strcmp(measure, "kg") ? "litre" : "kg", t));
        return false;
    }
    p->measure = measure;
    p->measure_price = v;
    return true;
}

static bool estimate_of(imp_ctx *c, imp_loc at, const imp_cell *estimate, imp_product *p,
                        int64_t hint)
{
    bool kg = !strcmp(p->measure, "kg");
    const char *t = estimate->text ? imp_check_text(c, at, estimate, 0, "l'estimation",
                                                    "the estimate", "estimate")
                                   : "";
    if (!t)
        return false;
    int64_t v = 0;
    if (*t && !estimate_value(t, p->measure, &v)) {
        imp_report(c, at, estimate->column, "bad_estimate",
                   arena_printf(c->mem,
                                "l'estimation « %s » n'est pas %s positif d'une pièce (au "
                                "gramme près, 1 000 %s au plus)",
                                t, kg ? "un poids" : "un volume", kg ? "kg" : "l"),
                   arena_printf(c->mem,
                                "estimate \"%s\" is not a positive %s of one piece (to the gram, "
                                "1 000 %s at most)",
                                t, kg ? "weight" : "volume", kg ? "kg" : "l"));
        return false;
    }
    if (!*t)
        v = hint;
    if (v <= 0) {
        imp_report(c, at, estimate->text ? estimate->column : NULL, "missing_estimate",
                   kg ? "le poids estimé d'une pièce manque (colonne Poids estimé, ou Poids)"
                      : "le volume estimé d'une pièce manque (colonne Volume estimé)",
                   kg ? "the estimated weight of a piece is missing (column estimated_weight_kg, "
                        "or weight)"
                      : "the estimated volume of a piece is missing (column estimated_volume_l)");
        return false;
    }
    p->measure_estimate = v;
    return true;
}

imp_weighed imp_check_weighed(imp_ctx *c, imp_loc at, const imp_cell *per_kg, const imp_cell *per_l,
                              const imp_cell *estimate, bool piece_price, const unit_def *u,
                              imp_product *p)
{
    int64_t hint = p->measure_estimate; /* a volume the format stated */
    p->measure = NULL;
    p->measure_price = p->measure_estimate = 0;
    bool kg = imp_cell_given(per_kg), l = imp_cell_given(per_l);
    if (!kg && !l)
        return IMP_WEIGHED_NO;
    const imp_cell *cell = kg ? per_kg : per_l;
    if (kg && l) {
        imp_report(c, at, per_l->column, "two_prices",
                   "un prix au kilo et un prix au litre : un seul des deux",
                   "a price per kg and a price per litre: only one of them");
        return IMP_WEIGHED_BAD;
    }
    if (piece_price) {
        imp_report(c, at, cell->column, "two_prices",
                   "un prix à l'unité et un prix au kilo ou au litre : un seul des deux (le prix "
                   "d'une pièce se déduit de son poids estimé)",
                   "a unit price and a price per kg or litre: only one of them (a piece's price "
                   "follows from its estimated weight)");
        return IMP_WEIGHED_BAD;
    }
    if (u && u->kind != UNIT_COUNT) {
        imp_report(c, at, cell->column, "weighed_unit",
                   arena_printf(c->mem,
                                "un produit vendu par %s a déjà son prix au %s : le prix au kilo "
                                "ou au litre vaut pour un produit vendu à la pièce",
                                u->label_fr, u->code),
                   arena_printf(c->mem,
                                "a product sold per %s is already priced per %s: a price per kg "
                                "or litre is for a product sold by the piece",
                                u->label_en, u->code));
        return IMP_WEIGHED_BAD;
    }
    if (!measure_price(c, at, cell, kg ? "kg" : "l", p) ||
        !estimate_of(c, at, estimate, p, kg ? p->weight_g : hint))
        return IMP_WEIGHED_BAD;
    if (kg && p->weight_g <= 0)
        p->weight_g = p->measure_estimate; /* the vans carry about that much */
    /* the estimated price of a piece, what the order counts until it is weighed */
    p->price_excl_vat = div_round(p->measure_price * p->measure_estimate, 1000);
    p->price_incl_vat = -1;
    if (p->price_excl_vat <= 0) {
        imp_report(c, at, cell->column, "bad_price",
                   "le prix estimé d'une pièce est nul : prix ou estimation trop petits",
                   "the estimated price of a piece is zero: price or estimate too small");
        return IMP_WEIGHED_BAD;
    }
    return IMP_WEIGHED_YES;
}
