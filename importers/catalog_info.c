/*
 * importers/catalog_info.c — the product information food law asks for, read from
 * any catalog format: kind of product, ingredients, allergens ("contains" and "may
 * contain"), net quantity, origin, labels and certifier, alcohol strength, storage.
 *
 * Every format hands cells of text (a CSV column, a DFC property joined into a
 * list), so "gluten, œuf, fruits à coque" means the same in a spreadsheet and in
 * JSON-LD. An allergen, label, country or kind km0 does not know is a problem at
 * its line and column: guessing would be worse than asking (an allergen dropped
 * silently is a danger). The words themselves are core/product_info.c's.
 */
#include "../core/country.h"
#include "../core/product_info.h"
#include "catalog_parse.h"

#include <string.h>

static const struct {
    const char *folded;
    int field;
} headers[] = {
    {"nature", IMP_INFO_KIND},
    {"type", IMP_INFO_KIND},
    {"typedeproduit", IMP_INFO_KIND},
    {"typeproduit", IMP_INFO_KIND},
    {"naturedeproduit", IMP_INFO_KIND},
    {"producttype", IMP_INFO_KIND},
    {"kind", IMP_INFO_KIND},
    {"ingredients", IMP_INFO_INGREDIENTS},
    {"ingredient", IMP_INFO_INGREDIENTS},
    {"listedesingredients", IMP_INFO_INGREDIENTS},
    {"composition", IMP_INFO_INGREDIENTS},
    {"ingredientslist", IMP_INFO_INGREDIENTS},
    {"allergenes", IMP_INFO_ALLERGENS},
    {"allergene", IMP_INFO_ALLERGENS},
    {"allergens", IMP_INFO_ALLERGENS},
    {"allergen", IMP_INFO_ALLERGENS},
    {"allergenespresents", IMP_INFO_ALLERGENS},
    {"contient", IMP_INFO_ALLERGENS},
    {"contains", IMP_INFO_ALLERGENS},
    {"traces", IMP_INFO_TRACES},
    {"peutcontenir", IMP_INFO_TRACES},
    {"maycontain", IMP_INFO_TRACES},
    {"traceseventuelles", IMP_INFO_TRACES},
    {"tracespossibles", IMP_INFO_TRACES},
    {"allergenetraces", IMP_INFO_TRACES},
    {"allergentraces", IMP_INFO_TRACES},
    {"quantitenette", IMP_INFO_NET_QUANTITY},
    {"netquantity", IMP_INFO_NET_QUANTITY},
    {"contenance", IMP_INFO_NET_QUANTITY},
    {"contenu", IMP_INFO_NET_QUANTITY},
    {"contenunet", IMP_INFO_NET_QUANTITY},
    {"netcontent", IMP_INFO_NET_QUANTITY},
    {"netcontents", IMP_INFO_NET_QUANTITY},
    {"origine", IMP_INFO_ORIGIN},
    {"origin", IMP_INFO_ORIGIN},
    {"paysdorigine", IMP_INFO_ORIGIN},
    {"countryoforigin", IMP_INFO_ORIGIN},
    {"provenance", IMP_INFO_ORIGIN},
    {"pays", IMP_INFO_ORIGIN},
    {"country", IMP_INFO_ORIGIN},
    {"region", IMP_INFO_REGION},
    {"regiondorigine", IMP_INFO_REGION},
    {"regionoforigin", IMP_INFO_REGION},
    {"originregion", IMP_INFO_REGION},
    {"labels", IMP_INFO_LABELS},
    {"label", IMP_INFO_LABELS},
    {"signesdequalite", IMP_INFO_LABELS},
    {"signedequalite", IMP_INFO_LABELS},
    {"siqo", IMP_INFO_LABELS},
    {"certifications", IMP_INFO_LABELS},
    {"qualitylabels", IMP_INFO_LABELS},
    {"organismecertificateur", IMP_INFO_CERTIFIER},
    {"certificateur", IMP_INFO_CERTIFIER},
    {"codecertificateur", IMP_INFO_CERTIFIER},
    {"organismedecontrole", IMP_INFO_CERTIFIER},
    {"certifier", IMP_INFO_CERTIFIER},
    {"certifiercode", IMP_INFO_CERTIFIER},
    {"certificationbody", IMP_INFO_CERTIFIER},
    {"controlbody", IMP_INFO_CERTIFIER},
    {"alcool", IMP_INFO_ALCOHOL},
    {"degre", IMP_INFO_ALCOHOL},
    {"degrealcool", IMP_INFO_ALCOHOL},
    {"degrealcoolique", IMP_INFO_ALCOHOL},
    {"tav", IMP_INFO_ALCOHOL},
    {"titrealcoometrique", IMP_INFO_ALCOHOL},
    {"titrealcoometriquevolumique", IMP_INFO_ALCOHOL},
    {"alcohol", IMP_INFO_ALCOHOL},
    {"abv", IMP_INFO_ALCOHOL},
    {"alcoholpercentage", IMP_INFO_ALCOHOL},
    {"alcoolvol", IMP_INFO_ALCOHOL},
    {"conservation", IMP_INFO_STORAGE},
    {"conditionsdeconservation", IMP_INFO_STORAGE},
    {"modedeconservation", IMP_INFO_STORAGE},
    {"aconserver", IMP_INFO_STORAGE},
    {"storage", IMP_INFO_STORAGE},
    {"storageconditions", IMP_INFO_STORAGE},
};

int imp_info_field(const char *folded)
{
    for (size_t i = 0; i < sizeof headers / sizeof *headers; i++)
        if (!strcmp(headers[i].folded, folded))
            return headers[i].field;
    return -1;
}

static const struct {
    const char *dfc, *name;
} regions[] = {
    {"auvergnerhonealpes", "Auvergne-Rhône-Alpes"},
    {"bourgognefranchecomte", "Bourgogne-Franche-Comté"},
    {"brittany", "Bretagne"},
    {"bretagne", "Bretagne"},
    {"centrevalloire", "Centre-Val de Loire"},
    {"centrevaldeloire", "Centre-Val de Loire"},
    {"corsica", "Corse"},
    {"grandest", "Grand Est"},
    {"hautsdefrance", "Hauts-de-France"},
    {"iledefrance", "Île-de-France"},
    {"normandy", "Normandie"},
    {"normandie", "Normandie"},
    {"nouvelleaquitaine", "Nouvelle-Aquitaine"},
    {"occitania", "Occitanie"},
    {"occitanie", "Occitanie"},
    {"paysdeloire", "Pays de la Loire"},
    {"provencealpescotedazur", "Provence-Alpes-Côte d’Azur"},
};

const char *imp_dfc_region(const char *local_name)
{
    char key[64];
    unit_fold(local_name, key, sizeof key);
    for (size_t i = 0; i < sizeof regions / sizeof *regions; i++)
        if (!strcmp(regions[i].dfc, key))
            return regions[i].name;
    return NULL;
}

/* Characters (not bytes) in s. */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

static const char *text_of(imp_ctx *c, imp_loc at, const imp_cell *cell, bool multiline,
                           size_t max_chars, const char *fr, const char *en)
{
    if (!cell->text)
        return "";
    const char *t = imp_check_text(c, at, cell, multiline ? IMP_TEXT_MULTILINE : 0, fr, en, "");
    if (t && chars(t) > max_chars) {
        imp_report(c, at, cell->column, "field_too_long",
                   arena_printf(c->mem, "%s a %zu caractères, plus que les %zu acceptés", fr,
                                chars(t), max_chars),
                   arena_printf(c->mem, "%s has %zu characters, more than the %zu accepted", en,
                                chars(t), max_chars));
        return NULL;
    }
    return t;
}

static void allergens(imp_ctx *c, imp_loc at, const imp_cell *cell, bool traces, imp_info *info)
{
    const char *t = text_of(c, at, cell, false, 1000, traces ? "les traces" : "les allergènes",
                            traces ? "the traces" : "the allergens");
    if (!t || !*t)
        return;
    uint32_t contains, may;
    const char *bad;
    if (!pi_allergens_parse(c->mem, t, &contains, &may, &bad)) {
        imp_report(c, at, cell->column, "unknown_allergen",
                   arena_printf(c->mem,
                                "allergène inconnu « %s » : écrivez l’un des 14 allergènes "
                                "(gluten, crustacés, œufs, poissons, arachides, soja, lait, fruits "
                                "à coque, céleri, moutarde, sésame, sulfites, lupin, mollusques) "
                                "ou « aucun »",
                                bad),
                   arena_printf(c->mem,
                                "unknown allergen \"%s\": write one of the 14 allergens (gluten, "
                                "crustaceans, eggs, fish, peanuts, soybeans, milk, nuts, celery, "
                                "mustard, sesame, sulphites, lupin, molluscs) or \"none\"",
                                bad));
        return;
    }
    if (traces) {
        info->traces |= contains | may;
    } else {
        info->allergens = (info->allergens < 0 ? 0 : info->allergens) | contains;
        info->traces |= may;
    }
}

static void origin(imp_ctx *c, imp_loc at, const imp_cell *cell, imp_info *info)
{
    const char *t = text_of(c, at, cell, false, 200, "l'origine", "the origin");
    if (!t || !*t)
        return;
    char code[3];
    if (country_find(t, code)) {
        info->origin = arena_strdup(c->mem, code);
        return;
    }
    /* "France (Drôme)", "France, Drôme", "France - Drôme", or "Drôme, France" */
    size_t cut = strcspn(t, "(,/");
    const char *dash = strstr(t, " - ");
    if (dash && (size_t)(dash - t) < cut)
        cut = (size_t)(dash - t);
    if (t[cut]) {
        char *left = arena_strndup(c->mem, t, cut);
        const char *right = t + cut + (t[cut] == ' ' ? 3 : 1);
        char *r = arena_strdup(c->mem, right);
        size_t n = strlen(r);
        while (n && (r[n - 1] == ')' || r[n - 1] == ' '))
            r[--n] = '\0';
        while (*r == ' ')
            r++;
        size_t ln = strlen(left);
        while (ln && left[ln - 1] == ' ')
            left[--ln] = '\0';
        if (country_find(left, code) && *r) {
            info->origin = arena_strdup(c->mem, code);
            if (!*info->region)
                info->region = r;
            return;
        }
        if (country_find(r, code) && *left) {
            info->origin = arena_strdup(c->mem, code);
            if (!*info->region)
                info->region = left;
            return;
        }
    }
    imp_report(c, at, cell->column, "unknown_country",
               arena_printf(c->mem,
                            "origine « %s » : indiquez un pays (France, Espagne, FR, ES…), "
                            "éventuellement suivi de la région : « France (Drôme) »",
                            t),
               arena_printf(c->mem,
                            "origin \"%s\": name a country (France, Spain, FR, ES…), possibly "
                            "followed by the region: \"France (Drôme)\"",
                            t));
}

static void labels(imp_ctx *c, imp_loc at, const imp_cell *cell, bool lenient, imp_info *info)
{
    const char *t = text_of(c, at, cell, false, 500, "les labels", "the labels");
    if (!t || !*t)
        return;
    uint32_t mask;
    const char *bad;
    if (pi_labels_parse(c->mem, t, &mask, &bad)) {
        info->labels |= mask;
        return;
    }
    if (lenient)
        return; /* the caller passes one facet at a time */
    imp_report(c, at, cell->column, "unknown_label",
               arena_printf(c->mem,
                            "label inconnu « %s » : AB (bio), AOP, AOC, IGP, STG, Label Rouge, "
                            "HVE",
                            bad),
               arena_printf(c->mem,
                            "unknown label \"%s\": AB (organic), AOP/PDO, AOC, IGP/PGI, STG/TSG, "
                            "Label Rouge, HVE",
                            bad));
}

void imp_check_info(imp_ctx *c, imp_loc at, const imp_cell *cells, bool lenient_labels,
                    imp_product *p)
{
    imp_info *info = &p->info;
    const char *t;
    if ((t = text_of(c, at, &cells[IMP_INFO_KIND], false, 100, "la nature du produit",
                     "the kind of product")) &&
        *t) {
        const pi_kind *k = pi_kind_find(t);
        if (k)
            info->kind = k->code;
        else
            imp_report(c, at, cells[IMP_INFO_KIND].column, "unknown_kind",
                       arena_printf(c->mem,
                                    "nature « %s » inconnue : frais, préemballé, vrac, boisson "
                                    "alcoolisée ou non alimentaire",
                                    t),
                       arena_printf(c->mem,
                                    "unknown kind \"%s\": fresh, prepacked, loose, alcohol or "
                                    "nonfood",
                                    t));
    }
    if ((t = text_of(c, at, &cells[IMP_INFO_INGREDIENTS], true, 4000, "les ingrédients",
                     "the ingredients")))
        info->ingredients = t;
    allergens(c, at, &cells[IMP_INFO_ALLERGENS], false, info);
    allergens(c, at, &cells[IMP_INFO_TRACES], true, info);
    if ((t = text_of(c, at, &cells[IMP_INFO_NET_QUANTITY], false, 100, "la quantité nette",
                     "the net quantity")) &&
        *t && !pi_net_quantity_parse(t, &info->net_quantity, &info->net_unit))
        imp_report(c, at, cells[IMP_INFO_NET_QUANTITY].column, "bad_net_quantity",
                   arena_printf(c->mem,
                                "quantité nette « %s » : un nombre et son unité, comme « 500 g » "
                                "ou « 75 cl »",
                                t),
                   arena_printf(c->mem,
                                "net quantity \"%s\": a number and its unit, such as \"500 g\" "
                                "or \"75 cl\"",
                                t));
    if ((t = text_of(c, at, &cells[IMP_INFO_REGION], false, 100, "la région", "the region")))
        info->region = t;
    origin(c, at, &cells[IMP_INFO_ORIGIN], info);
    labels(c, at, &cells[IMP_INFO_LABELS], lenient_labels, info);
    char code[16];
    if ((t = text_of(c, at, &cells[IMP_INFO_CERTIFIER], false, 40, "l'organisme certificateur",
                     "the certifier")) &&
        *t) {
        if (pi_certifier_parse(t, code))
            info->certifier = arena_strdup(c->mem, code);
        else
            imp_report(c, at, cells[IMP_INFO_CERTIFIER].column, "bad_certifier",
                       arena_printf(c->mem,
                                    "code de l’organisme certificateur « %s » : attendu comme "
                                    "FR-BIO-01",
                                    t),
                       arena_printf(c->mem, "certifier code \"%s\": expected like FR-BIO-01", t));
    }
    if ((t = text_of(c, at, &cells[IMP_INFO_ALCOHOL], false, 40, "le degré d'alcool",
                     "the alcohol strength")) &&
        *t && !pi_alcohol_parse(t, &info->alcohol_bp))
        imp_report(c, at, cells[IMP_INFO_ALCOHOL].column, "bad_alcohol",
                   arena_printf(c->mem,
                                "degré d’alcool « %s » : un pourcentage de 0 à 100, comme « 12,5 "
                                "%% vol »",
                                t),
                   arena_printf(c->mem,
                                "alcohol strength \"%s\": a percentage from 0 to 100, such as "
                                "\"12.5 %% vol\"",
                                t));
    if ((t = text_of(c, at, &cells[IMP_INFO_STORAGE], true, 500, "la conservation",
                     "the storage conditions")))
        info->storage = t;
    /* the organic column and the organic label say one thing */
    uint32_t organic = 1u << pi_label_bit("organic");
    if (p->organic == 0 && (info->labels & organic))
        imp_report(c, at, cells[IMP_INFO_LABELS].column, "label_conflict",
                   "le produit est dit non bio, mais ses labels disent bio",
                   "the product is said not organic, but its labels say organic");
    else if (info->labels & organic)
        p->organic = 1;
    else if (p->organic == 1)
        info->labels |= organic;
}
