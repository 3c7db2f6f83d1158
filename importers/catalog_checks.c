/*
 * importers/catalog_checks.c — one cell of text to one exact value, or a
 * problem located at that cell.
 *
 * Messages quote the value as the producer wrote it, say what is wrong in
 * plain words, in French and in English, and carry a stable code that the
 * HTTP layer and tests rely on (docs/catalog-formats.md lists them all).
 */
#include "catalog_parse.h"
#include "../core/text.h"

#include <string.h>

/* The cell's text without surrounding blanks, copied into the arena. */
static const char *trimmed(imp_ctx *c, const imp_cell *cell)
{
    if (!cell->text)
        return NULL;
    const char *s = cell->text, *e = cell->text + cell->len;
    while (s < e && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
        e--;
    return arena_strndup(c->mem, s, (size_t)(e - s));
}

/* Where text holds a character no catalog value should (core/text.h: C0 controls,
 * tab always allowed, line breaks only where multiline; DEL, C1 controls,
 * noncharacters such as U+FFFE). Returns the code point, or -1 when clean. */
static long bad_char(const char *s, size_t len, bool multiline)
{
    return text_bad_char(s, len, multiline ? TEXT_LINES : TEXT_TAB);
}

static bool has_replacement(const char *s, size_t len)
{
    for (size_t i = 0; i + 3 <= len; i++)
        if (memcmp(s + i, CSV_REPLACEMENT, 3) == 0)
            return true;
    return false;
}

const char *imp_check_text(imp_ctx *c, imp_loc at, const imp_cell *cell, unsigned flags,
                           const char *what_fr, const char *what_en, const char *what_code)
{
    if (cell->text && cell->len > c->opt.max_field_bytes) {
        imp_report(c, at, cell->column, "field_too_long",
                   arena_printf(c->mem, "%s fait %zu octets, plus que la limite de %zu", what_fr,
                                cell->len, c->opt.max_field_bytes),
                   arena_printf(c->mem, "%s is %zu bytes long, more than the limit of %zu", what_en,
                                cell->len, c->opt.max_field_bytes));
        return NULL;
    }
    if (cell->text && c->replaced_bytes && has_replacement(cell->text, cell->len)) {
        if (c->mixed_encoding)
            imp_report(c, at, cell->column, "bad_encoding",
                       arena_printf(c->mem,
                                    "%s contient des octets qui ne sont pas de l'UTF-8, dans un "
                                    "fichier par ailleurs en UTF-8 : réenregistrez-le en UTF-8",
                                    what_fr),
                       arena_printf(c->mem,
                                    "%s holds bytes that are not UTF-8 in a file otherwise in "
                                    "UTF-8: save the file again as UTF-8",
                                    what_en));
        else
            imp_report(
                c, at, cell->column, "bad_encoding",
                arena_printf(c->mem, "%s contient des octets qui ne sont pas de l'UTF-8", what_fr),
                arena_printf(c->mem, "%s holds bytes that are not UTF-8", what_en));
        return NULL;
    }
    long ch = cell->text ? bad_char(cell->text, cell->len, flags & IMP_TEXT_MULTILINE) : -1;
    if (ch >= 0 && (ch < 0x20 || (ch >= 0x7F && ch <= 0x9F))) {
        imp_report(c, at, cell->column, "control_character",
                   arena_printf(c->mem, "%s contient un caractère de contrôle (U+%04lX)", what_fr,
                                (unsigned long)ch),
                   arena_printf(c->mem, "%s holds a control character (U+%04lX)", what_en,
                                (unsigned long)ch));
        return NULL;
    }
    if (ch >= 0) { /* a noncharacter: no document could print it (XML 1.0 forbids U+FFFE) */
        imp_report(
            c, at, cell->column, "forbidden_character",
            arena_printf(c->mem, "%s contient un non-caractère (U+%04lX)", what_fr,
                         (unsigned long)ch),
            arena_printf(c->mem, "%s holds a noncharacter (U+%04lX)", what_en, (unsigned long)ch));
        return NULL;
    }
    const char *t = trimmed(c, cell);
    if ((!t || !*t) && (flags & IMP_TEXT_REQUIRED)) {
        imp_report(c, at, cell->column, arena_printf(c->mem, "missing_%s", what_code),
                   arena_printf(c->mem, "%s manque", what_fr),
                   arena_printf(c->mem, "%s is missing", what_en));
        return NULL;
    }
    return t ? t : "";
}

/* The cell as clean text for a value check, or NULL after a problem. */
static const char *value_text(imp_ctx *c, imp_loc at, const imp_cell *cell, const char *fr,
                              const char *en, const char *code)
{
    return imp_check_text(c, at, cell, 0, fr, en, code);
}

const unit_def *imp_check_unit(imp_ctx *c, imp_loc at, const imp_cell *cell)
{
    if (!cell->text)
        return NULL; /* no unit column: reported once for the file */
    const char *t = imp_check_text(c, at, cell, IMP_TEXT_REQUIRED, "l'unité", "the unit", "unit");
    if (!t)
        return NULL;
    const unit_def *u = unit_find(t);
    if (!u)
        imp_report(c, at, cell->column, "unknown_unit",
                   arena_printf(c->mem, "unité inconnue « %s »", t),
                   arena_printf(c->mem, "unknown unit \"%s\"", t));
    return u;
}

bool imp_check_vat(imp_ctx *c, imp_loc at, const imp_cell *cell, bool named, vat_bp_t *rate)
{
    *rate = 0;
    const char *t =
        cell->text ? value_text(c, at, cell, "le taux de TVA", "the VAT rate", "vat") : "";
    if (!t)
        return false;
    if (!*t) {
        if (c->opt.franchise)
            return true;
        if (cell->text) /* an absent column is reported once for the file */
            imp_report(c, at, cell->column, "missing_vat_rate", "le taux de TVA manque",
                       "the VAT rate is missing");
        return false;
    }
    if (named) {
        if (!imp_value_vat_name(t, rate)) {
            if (c->opt.franchise)
                return true; /* a category naming no rate says nothing against franchise */
            imp_report(c, at, cell->column, "bad_vat_rate",
                       arena_printf(c->mem, "la catégorie de taxe « %s » ne nomme aucun taux", t),
                       arena_printf(c->mem, "tax category \"%s\" names no VAT rate", t));
            return false;
        }
    } else if (imp_value_percent(t, rate) != DEC_OK) {
        imp_report(c, at, cell->column, "bad_vat_rate",
                   arena_printf(c->mem, "le taux de TVA « %s » n'est pas un nombre", t),
                   arena_printf(c->mem, "VAT rate \"%s\" is not a number", t));
        return false;
    }
    if (c->opt.franchise && *rate != 0) {
        imp_report(c, at, cell->column, "vat_in_franchise",
                   arena_printf(c->mem,
                                "producteur en franchise de TVA : le taux doit être vide ou 0, "
                                "pas %s",
                                t),
                   arena_printf(c->mem,
                                "producer under the VAT franchise: the VAT rate must be empty "
                                "or 0, not %s",
                                t));
        return false;
    }
    if (!vat_rate_valid(*rate)) {
        imp_report(
            c, at, cell->column, "bad_vat_rate",
            arena_printf(c->mem,
                         "le taux de TVA %s n'est pas un taux français (0, 2,1, 5,5, 10 "
                         "ou 20 %%)",
                         t),
            arena_printf(c->mem, "VAT rate %s is not a French rate (0, 2.1, 5.5, 10 or 20 %%)", t));
        return false;
    }
    return true;
}

/* One price cell: true with *out set, false after a problem, or true with *given
 * false when the cell is empty. */
static bool one_price(imp_ctx *c, imp_loc at, const imp_cell *cell, int scale, bool *given,
                      int64_t *out)
{
    *given = false;
    if (!cell->text)
        return true;
    const char *t = value_text(c, at, cell, "le prix", "the price", "price");
    if (!t)
        return false;
    if (!*t)
        return true;
    *given = true;
    dec_status st = imp_value_money(t, scale, out);
    const char *fr = NULL, *en = NULL;
    if (st == DEC_PRECISION) {
        fr = arena_printf(c->mem, "le prix « %s » a plus de %d décimales", t, scale);
        en = arena_printf(c->mem, "price \"%s\" has more than %d decimals", t, scale);
    } else if (st != DEC_OK) {
        fr = arena_printf(c->mem, "le prix « %s » n'est pas un nombre", t);
        en = arena_printf(c->mem, "price \"%s\" is not a number", t);
    } else if (*out < 0) {
        fr = arena_printf(c->mem, "le prix « %s » est négatif", t);
        en = arena_printf(c->mem, "negative price \"%s\"", t);
    } else if (*out == 0) {
        fr = arena_printf(c->mem, "le prix « %s » doit être supérieur à zéro", t);
        en = arena_printf(c->mem, "price \"%s\" must be greater than zero", t);
    } else if (*out > (int64_t)1000000 * (scale == 4 ? 10000 : 100)) {
        fr = arena_printf(c->mem, "le prix « %s » dépasse un million d'euros", t);
        en = arena_printf(c->mem, "price \"%s\" is over a million euros", t);
    }
    if (fr) {
        imp_report(c, at, cell->column, "bad_price", fr, en);
        return false;
    }
    return true;
}

bool imp_check_prices(imp_ctx *c, imp_loc at, const imp_cell *excl, const imp_cell *incl,
                      vat_bp_t rate, bool rate_ok, imp_product *p)
{
    bool has_excl, has_incl;
    int64_t ex = 0, in = 0;
    bool ok_excl = one_price(c, at, excl, 4, &has_excl, &ex);
    bool ok_incl = one_price(c, at, incl, 2, &has_incl, &in);
    if (!ok_excl || !ok_incl)
        return false;
    if (!has_excl && !has_incl) {
        imp_report(c, at, excl->text ? excl->column : incl->column, "missing_price",
                   "le prix manque", "the price is missing");
        return false;
    }
    if (has_excl) {
        p->price_excl_vat = ex;
        if (has_incl && rate_ok && money_price_incl(ex, rate) != in) {
            cents_t expect = money_price_incl(ex, rate);
            imp_report(c, at, incl->column, "price_mismatch",
                       arena_printf(c->mem, "prix HT %s à %s %% donne %s TTC, pas %s",
                                    imp_fmt_fr(c, ex, 4, 2), imp_fmt_fr(c, rate, 2, 0),
                                    imp_fmt_fr(c, expect, 2, 2), imp_fmt_fr(c, in, 2, 2)),
                       arena_printf(c->mem,
                                    "price excl. VAT %s at %s %% gives %s incl. VAT, not %s",
                                    imp_fmt(c, ex, 4, 2), imp_fmt(c, rate, 2, 0),
                                    imp_fmt(c, expect, 2, 2), imp_fmt(c, in, 2, 2)));
            return false;
        }
        if (has_incl)
            p->price_incl_vat = in;
        return true;
    }
    p->price_incl_vat = in;
    if (rate_ok)
        p->price_excl_vat = money_price_excl_from_incl(in, rate);
    return true;
}

bool imp_check_weight(imp_ctx *c, imp_loc at, const imp_cell *cell, int64_t scale_g,
                      const unit_def *u, imp_product *p)
{
    const char *t = cell->text ? value_text(c, at, cell, "le poids", "the weight", "weight") : "";
    if (!t)
        return false;
    if (!*t) {
        p->weight_g = unit_weight_g(u);
        return true;
    }
    /* A unit after the number overrides the column's: "500 g" in a kg column. */
    char num[64];
    size_t n = strlen(t);
    if (n >= sizeof num)
        n = sizeof num - 1;
    memcpy(num, t, n);
    num[n] = '\0';
    if (n > 2 && (num[n - 1] == 'g' || num[n - 1] == 'G')) {
        bool kg = num[n - 2] == 'k' || num[n - 2] == 'K';
        num[n - (kg ? 2 : 1)] = '\0';
        scale_g = kg ? 1000 : 1;
    }
    int64_t v;
    dec_status st = imp_value_milli(num, &v);
    const char *fr = NULL, *en = NULL;
    if (st != DEC_OK || v > 1000000000) { /* over a million kg is a typing error */
        fr = arena_printf(c->mem, "le poids « %s » n'est pas un nombre", t);
        en = arena_printf(c->mem, "weight \"%s\" is not a number", t);
    } else if (v < 0) {
        fr = arena_printf(c->mem, "le poids « %s » est négatif", t);
        en = arena_printf(c->mem, "negative weight \"%s\"", t);
    } else if ((v * scale_g) % 1000 != 0) {
        fr = arena_printf(c->mem, "le poids « %s » est plus précis que le gramme", t);
        en = arena_printf(c->mem, "weight \"%s\" is more precise than a gram", t);
    }
    if (!fr && u && u->kind == UNIT_WEIGHT && v * scale_g / 1000 != u->amount) {
        fr = arena_printf(c->mem, "un produit vendu par %s pèse %s kg par unité, pas « %s »",
                          u->label_fr, imp_fmt_fr(c, u->amount, 3, 0), t);
        en = arena_printf(c->mem, "a product sold per %s weighs %s kg a unit, not \"%s\"",
                          u->label_en, imp_fmt(c, u->amount, 3, 0), t);
    }
    if (fr) {
        imp_report(c, at, cell->column, "bad_weight", fr, en);
        return false;
    }
    p->weight_g = v * scale_g / 1000;
    return true;
}

bool imp_check_stock(imp_ctx *c, imp_loc at, const imp_cell *cell, milli_t *stock)
{
    *stock = -1;
    const char *t = cell->text ? value_text(c, at, cell, "le stock", "the stock", "stock") : "";
    if (!t)
        return false;
    if (!*t || imp_value_unlimited(t))
        return true;
    int64_t v;
    dec_status st = imp_value_milli(t, &v);
    const char *fr = NULL, *en = NULL;
    if (st == DEC_PRECISION) {
        fr = arena_printf(c->mem, "le stock « %s » a plus de 3 décimales", t);
        en = arena_printf(c->mem, "stock \"%s\" has more than 3 decimals", t);
    } else if (st != DEC_OK) {
        fr = arena_printf(c->mem, "le stock « %s » n'est pas un nombre", t);
        en = arena_printf(c->mem, "stock \"%s\" is not a number", t);
    } else if (v < 0) {
        fr = arena_printf(c->mem, "le stock « %s » est négatif", t);
        en = arena_printf(c->mem, "negative stock \"%s\"", t);
    }
    if (fr) {
        imp_report(c, at, cell->column, "bad_stock", fr, en);
        return false;
    }
    *stock = v;
    return true;
}

bool imp_check_step(imp_ctx *c, imp_loc at, const imp_cell *cell, const unit_def *u, milli_t *step)
{
    *step = 1000;
    const char *t =
        cell->text ? value_text(c, at, cell, "le pas de commande", "the order step", "step") : "";
    if (!t)
        return false;
    if (!*t)
        return true;
    int64_t v;
    dec_status st = imp_value_milli(t, &v);
    const char *fr = NULL, *en = NULL;
    if (st != DEC_OK) {
        fr = arena_printf(c->mem, "le pas de commande « %s » n'est pas un nombre", t);
        en = arena_printf(c->mem, "order step \"%s\" is not a number", t);
    } else if (v <= 0) {
        fr = arena_printf(c->mem, "le pas de commande « %s » doit être supérieur à zéro", t);
        en = arena_printf(c->mem, "order step \"%s\" must be greater than zero", t);
    } else if (u && !unit_is_measure(u) && v % 1000 != 0) {
        fr = arena_printf(c->mem, "un produit vendu par %s ne se commande pas par %s", u->label_fr,
                          t);
        en = arena_printf(c->mem, "a product sold per %s cannot be ordered by %s", u->label_en, t);
    }
    if (fr) {
        imp_report(c, at, cell->column, "bad_step", fr, en);
        return false;
    }
    *step = v;
    return true;
}

bool imp_check_bool(imp_ctx *c, imp_loc at, const imp_cell *cell, int dflt, int *out)
{
    *out = dflt;
    const char *t = cell->text ? value_text(c, at, cell, "la valeur", "the value", "value") : "";
    if (!t)
        return false;
    if (!*t)
        return true;
    int v = imp_value_bool(t);
    if (v < 0) {
        imp_report(c, at, cell->column, "bad_boolean",
                   arena_printf(c->mem, "« %s » n'est ni oui ni non", t),
                   arena_printf(c->mem, "\"%s\" is neither yes nor no", t));
        return false;
    }
    *out = v;
    return true;
}
