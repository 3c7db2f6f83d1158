/*
 * importers/catalog_words.c — an import summary's changes in words, French or English.
 *
 * The command line, the JSON API and the producer page show the same changes;
 * the summary holds neutral values (imp_change), and these two functions are
 * the one place that says them to people: "prix HT 2,37 → 2,50",
 * "stock 120 → unlimited".
 */
#include "catalog_db.h"

#include <string.h>

static const struct {
    const char *field, *fr, *en;
} labels[] = {
    {"name", "nom", "name"},
    {"category", "catégorie", "category"},
    {"unit", "unité", "unit"},
    {"price", "prix HT", "price"},
    {"price_incl_vat", "prix TTC", "price incl. VAT"},
    {"vat_rate", "TVA", "VAT rate"},
    {"weight_kg", "poids (kg)", "weight (kg)"},
    {"stock", "stock", "stock"},
    {"step", "pas de commande", "order step"},
    {"organic", "bio", "organic"},
    {"description", "description", "description"},
    {"active", "en vente", "active"},
    {"measure", "prix par", "priced per"},
    {"measure_price", "prix HT au kg ou au litre", "price per kg or litre"},
    {"estimate", "estimation d’une pièce", "estimate of a piece"},
    {"kind", "nature", "kind"},
    {"ingredients", "ingrédients", "ingredients"},
    {"allergens", "allergènes", "allergens"},
    {"traces", "traces", "may contain"},
    {"net_quantity", "quantité nette", "net quantity"},
    {"origin", "origine", "origin"},
    {"region", "région", "region"},
    {"labels", "labels", "labels"},
    {"certifier", "certificateur", "certifier"},
    {"alcohol", "alcool (% vol)", "alcohol (% vol)"},
    {"storage", "conservation", "storage"},
};

const char *imp_field_label(const char *field, bool fr)
{
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].field, field) == 0)
            return fr ? labels[i].fr : labels[i].en;
    return field;
}

/* Text on one line and at most about 60 characters: a description may be long. */
static const char *one_line(arena *a, const char *s)
{
    size_t n = strlen(s), keep = 0, chars = 0;
    while (keep < n && chars < 60) {
        keep++;
        while (keep < n && ((unsigned char)s[keep] & 0xC0) == 0x80)
            keep++; /* whole UTF-8 characters only */
        chars++;
    }
    char *out = arena_printf(a, "%.*s%s", (int)keep, s, keep < n ? "…" : "");
    for (char *p = out; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    return out;
}

const char *imp_value_text(arena *a, const char *field, const char *value, bool fr)
{
    if (!value) {
        if (strcmp(field, "stock") == 0)
            return fr ? "illimité" : "unlimited";
        return fr ? "non précisé" : "not stated";
    }
    if (strcmp(field, "organic") == 0 || strcmp(field, "active") == 0) {
        bool yes = strcmp(value, "true") == 0;
        return fr ? (yes ? "oui" : "non") : (yes ? "yes" : "no");
    }
    bool number = strcmp(field, "price") == 0 || strcmp(field, "price_incl_vat") == 0 ||
                  strcmp(field, "vat_rate") == 0 || strcmp(field, "weight_kg") == 0 ||
                  strcmp(field, "stock") == 0 || strcmp(field, "step") == 0 ||
                  strcmp(field, "measure_price") == 0 || strcmp(field, "estimate") == 0 ||
                  strcmp(field, "alcohol") == 0 || strcmp(field, "net_quantity") == 0;
    if (!number)
        return arena_printf(a, fr ? "« %s »" : "\"%s\"", one_line(a, value));
    char *v = arena_strdup(a, value);
    if (fr)
        for (char *p = v; *p; p++)
            if (*p == '.')
                *p = ',';
    if (strcmp(field, "vat_rate") == 0)
        return arena_printf(a, "%s %%", v);
    return v;
}
