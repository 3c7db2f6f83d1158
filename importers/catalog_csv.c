/*
 * importers/catalog_csv.c — spreadsheets: km0's own columns, their French
 * spellings, and the Open Food Network product-import template.
 *
 * Headers are compared folded (unit_fold: no case, accents, spaces or
 * punctuation), so "Prix TTC (€)", "prix_ttc" and "PRIX TTC" are one column.
 * The header is the first non-blank record, or a record a few lines below it
 * when a spreadsheet put a title above the table. Columns km0 does not know
 * are ignored and listed in imp_catalog.ignored_columns.
 */
#include "../core/product_info.h"
#include "catalog_parse.h"

#include <string.h>

typedef enum {
    F_NONE = 0,
    F_SKU,
    F_NAME,
    F_CATEGORY,
    F_UNIT,
    F_PRICE_EXCL,
    F_PRICE_INCL,
    F_VAT,
    F_WEIGHT_KG,
    F_WEIGHT_G,
    F_STOCK,
    F_STEP,
    F_ORGANIC,
    F_DESCRIPTION,
    F_ACTIVE,
    /* sold by the piece, priced by the kg or litre (importers/catalog_weighed.c) */
    F_PRICE_PER_KG,
    F_PRICE_PER_L,
    F_ESTIMATE,
    /* Open Food Network template */
    F_PRODUCER,
    F_UNITS,
    F_UNIT_TYPE,
    F_VARIANT_UNIT_NAME,
    F_ON_HAND,
    F_ON_DEMAND,
    F_TAX_CATEGORY,
    F_KNOWN_UNUSED, /* recognised, deliberately not imported */
    F_COUNT
} field_id; /* past F_KNOWN_UNUSED: a product information column (header.info_col) */

typedef struct {
    const char *folded;
    field_id field;
} alias;

/* km0 names and what French (and English) spreadsheets call them, folded. A bare
 * "Prix"/"price" is the price excluding VAT (docs/catalog-formats.md says why). */
static const alias km0_aliases[] = {
    {"sku", F_SKU},
    {"reference", F_SKU},
    {"ref", F_SKU},
    {"refproduit", F_SKU},
    {"referenceproduit", F_SKU},
    {"code", F_SKU},
    {"codeproduit", F_SKU},
    {"codearticle", F_SKU},
    {"productcode", F_SKU},
    {"itemcode", F_SKU},
    {"name", F_NAME},
    {"nom", F_NAME},
    {"nomduproduit", F_NAME},
    {"nomproduit", F_NAME},
    {"designation", F_NAME},
    {"produit", F_NAME},
    {"libelle", F_NAME},
    {"libelleproduit", F_NAME},
    {"article", F_NAME},
    {"intitule", F_NAME},
    {"product", F_NAME},
    {"productname", F_NAME},
    {"category", F_CATEGORY},
    {"categorie", F_CATEGORY},
    {"categories", F_CATEGORY},
    {"famille", F_CATEGORY},
    {"rayon", F_CATEGORY},
    {"gamme", F_CATEGORY},
    {"unit", F_UNIT},
    {"unite", F_UNIT},
    {"unitedevente", F_UNIT},
    {"unitevente", F_UNIT},
    {"uv", F_UNIT},
    {"vendupar", F_UNIT},
    {"saleunit", F_UNIT},
    {"priceexclvat", F_PRICE_EXCL},
    {"priceexcl", F_PRICE_EXCL},
    {"priceexclusivevat", F_PRICE_EXCL},
    {"netprice", F_PRICE_EXCL},
    {"prixht", F_PRICE_EXCL},
    {"prixunitaireht", F_PRICE_EXCL},
    {"puht", F_PRICE_EXCL},
    {"prixhorstaxe", F_PRICE_EXCL},
    {"prixhorstaxes", F_PRICE_EXCL},
    {"prixventeht", F_PRICE_EXCL},
    {"prixdeventeht", F_PRICE_EXCL},
    {"tarifht", F_PRICE_EXCL},
    {"price", F_PRICE_EXCL},
    {"unitprice", F_PRICE_EXCL},
    {"prix", F_PRICE_EXCL},
    {"prixunitaire", F_PRICE_EXCL},
    {"pu", F_PRICE_EXCL},
    {"tarif", F_PRICE_EXCL},
    {"prixdevente", F_PRICE_EXCL},
    {"prixvente", F_PRICE_EXCL},
    {"priceinclvat", F_PRICE_INCL},
    {"priceincl", F_PRICE_INCL},
    {"priceinclusivevat", F_PRICE_INCL},
    {"grossprice", F_PRICE_INCL},
    {"prixttc", F_PRICE_INCL},
    {"prixunitairettc", F_PRICE_INCL},
    {"puttc", F_PRICE_INCL},
    {"prixtoutestaxescomprises", F_PRICE_INCL},
    {"prixventettc", F_PRICE_INCL},
    {"prixdeventettc", F_PRICE_INCL},
    {"tarifttc", F_PRICE_INCL},
    {"vatrate", F_VAT},
    {"vat", F_VAT},
    {"tva", F_VAT},
    {"tauxtva", F_VAT},
    {"tauxdetva", F_VAT},
    {"taxrate", F_VAT},
    {"weightkg", F_WEIGHT_KG},
    {"weight", F_WEIGHT_KG},
    {"poids", F_WEIGHT_KG},
    {"poidskg", F_WEIGHT_KG},
    {"poidsenkg", F_WEIGHT_KG},
    {"poidsunitaire", F_WEIGHT_KG},
    {"poidsunitairekg", F_WEIGHT_KG},
    {"poidsnet", F_WEIGHT_KG},
    {"poidsnetkg", F_WEIGHT_KG},
    {"weightg", F_WEIGHT_G},
    {"poidsg", F_WEIGHT_G},
    {"poidsgr", F_WEIGHT_G},
    {"poidsengrammes", F_WEIGHT_G},
    {"poidsunitaireg", F_WEIGHT_G},
    {"stock", F_STOCK},
    {"stockdisponible", F_STOCK},
    {"quantitedisponible", F_STOCK},
    {"quantite", F_STOCK},
    {"qte", F_STOCK},
    {"qtedisponible", F_STOCK},
    {"disponible", F_STOCK},
    {"quantity", F_STOCK},
    {"available", F_STOCK},
    {"step", F_STEP},
    {"pas", F_STEP},
    {"pasdecommande", F_STEP},
    {"pasdevente", F_STEP},
    {"increment", F_STEP},
    {"orderstep", F_STEP},
    {"organic", F_ORGANIC},
    {"bio", F_ORGANIC},
    {"ab", F_ORGANIC},
    {"agriculturebiologique", F_ORGANIC},
    {"labelbio", F_ORGANIC},
    {"description", F_DESCRIPTION},
    {"descriptif", F_DESCRIPTION},
    {"details", F_DESCRIPTION},
    {"detail", F_DESCRIPTION},
    {"active", F_ACTIVE},
    {"actif", F_ACTIVE},
    {"enabled", F_ACTIVE},
    {"envente", F_ACTIVE},
    {"visible", F_ACTIVE},
};

/* The Open Food Network product-import template, column for column. OFN's price is
 * the price before tax (see docs/catalog-formats.md). */
static const alias ofn_aliases[] = {
    {"producer", F_PRODUCER},
    {"sku", F_SKU},
    {"name", F_NAME},
    {"displayname", F_KNOWN_UNUSED},
    {"category", F_CATEGORY},
    {"description", F_DESCRIPTION},
    {"units", F_UNITS},
    {"unittype", F_UNIT_TYPE},
    {"variantunitname", F_VARIANT_UNIT_NAME},
    {"price", F_PRICE_EXCL},
    {"onhand", F_ON_HAND},
    {"availableon", F_KNOWN_UNUSED},
    {"ondemand", F_ON_DEMAND},
    {"shippingcategory", F_KNOWN_UNUSED},
    {"taxcategory", F_TAX_CATEGORY},
};

typedef struct header {
    bool ofn;
    size_t ncols;                  /* fields in the header record */
    size_t used;                   /* up to the last non-empty header cell */
    const char **names;            /* as written (trimmed) */
    field_id *field;               /* per column */
    int col[F_COUNT];              /* per field: its column, or -1 */
    int info_col[IMP_INFO_FIELDS]; /* product information (catalog_info.c), or -1 */
    int dup_col;                   /* a second column for an already mapped field, or -1 */
    imp_loc at;
} header;

static field_id lookup(const alias *table, size_t n, const char *folded)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i].folded, folded) == 0)
            return table[i].field;
    return F_NONE;
}

static bool has_folded(const csv_record *rec, const char *name)
{
    char key[64];
    for (size_t i = 0; i < rec->nfields; i++) {
        unit_fold(rec->fields[i], key, sizeof key);
        if (strcmp(key, name) == 0)
            return true;
    }
    return false;
}

static void map_header(imp_ctx *c, const csv_record *rec, header *h)
{
    memset(h, 0, sizeof *h);
    h->at = (imp_loc){rec->line, rec->row};
    h->ofn = c->opt.format == IMP_FORMAT_OFN ||
             (c->opt.format != IMP_FORMAT_CSV && has_folded(rec, "producer") &&
              has_folded(rec, "units") &&
              (has_folded(rec, "unittype") || has_folded(rec, "variantunitname")));
    h->ncols = rec->nfields;
    h->names = arena_alloc(c->mem, h->ncols * sizeof *h->names);
    h->field = arena_alloc(c->mem, h->ncols * sizeof *h->field);
    h->dup_col = -1;
    for (int f = 0; f < F_COUNT; f++)
        h->col[f] = -1;
    for (int f = 0; f < IMP_INFO_FIELDS; f++)
        h->info_col[f] = -1;
    for (size_t i = 0; i < h->ncols; i++) {
        imp_cell cell = {rec->fields[i], rec->lens[i], NULL};
        const char *name = imp_check_text(c, h->at, &cell, 0, "l'en-tête", "the header", "");
        h->names[i] = name ? name : arena_strndup(c->mem, rec->fields[i], rec->lens[i]);
        if (*h->names[i])
            h->used = i + 1;
        char key[128];
        unit_fold(h->names[i], key, sizeof key);
        field_id f = h->ofn ? lookup(ofn_aliases, sizeof ofn_aliases / sizeof *ofn_aliases, key)
                            : lookup(km0_aliases, sizeof km0_aliases / sizeof *km0_aliases, key);
        if (f == F_NONE) /* a price per kg or litre, an estimate: in either format */
            f = (field_id[]){F_NONE, F_PRICE_PER_KG, F_PRICE_PER_L,
                             F_ESTIMATE}[imp_weighed_column(key)];
        h->field[i] = f;
        int info = f == F_NONE ? imp_info_field(key) : -1;
        if (info >= 0) { /* km0's own columns, in its CSV and in an OFN file alike */
            h->field[i] = F_KNOWN_UNUSED + 1 + info;
            if (h->info_col[info] >= 0 && h->dup_col < 0)
                h->dup_col = (int)i;
            else if (h->info_col[info] < 0)
                h->info_col[info] = (int)i;
        }
        if (f == F_NONE || f == F_KNOWN_UNUSED)
            continue;
        if (h->col[f] >= 0) {
            if (h->dup_col < 0)
                h->dup_col = (int)i;
            continue;
        }
        h->col[f] = (int)i;
    }
}

static bool has_price_column(const header *h)
{
    return h->col[F_PRICE_EXCL] >= 0 || h->col[F_PRICE_INCL] >= 0 || h->col[F_PRICE_PER_KG] >= 0 ||
           h->col[F_PRICE_PER_L] >= 0;
}

static bool header_complete(const header *h)
{
    bool unit = h->ofn ? h->col[F_UNITS] >= 0 &&
                             (h->col[F_UNIT_TYPE] >= 0 || h->col[F_VARIANT_UNIT_NAME] >= 0)
                       : h->col[F_UNIT] >= 0;
    return h->col[F_SKU] >= 0 && h->col[F_NAME] >= 0 && has_price_column(h) && unit;
}

static void missing_column(imp_ctx *c, const header *h, const char *fr, const char *en,
                           const char *expected)
{
    imp_report(c, h->at, NULL, "missing_column",
               arena_printf(c->mem, "aucune colonne pour %s (attendu : %s)", fr, expected),
               arena_printf(c->mem, "no column for %s (expected: %s)", en, expected));
}

/* Report what the header lacks; false when rows cannot be read without it. */
static bool check_header(imp_ctx *c, const header *h)
{
    bool ok = true;
    if (h->col[F_SKU] < 0) {
        missing_column(c, h, "la référence", "the sku", "sku, Référence, Réf, Code");
        ok = false;
    }
    if (h->col[F_NAME] < 0) {
        missing_column(c, h, "le nom", "the name", "name, Désignation, Produit, Nom");
        ok = false;
    }
    if (!has_price_column(h)) {
        missing_column(c, h, "le prix", "the price",
                       h->ofn ? "price"
                              : "price_excl_vat, price_incl_vat, Prix HT, Prix TTC, Prix");
        ok = false;
    }
    if (h->ofn &&
        (h->col[F_UNITS] < 0 || (h->col[F_UNIT_TYPE] < 0 && h->col[F_VARIANT_UNIT_NAME] < 0))) {
        missing_column(c, h, "l'unité", "the unit", "units, unit_type, variant_unit_name");
        ok = false;
    } else if (!h->ofn && h->col[F_UNIT] < 0) {
        missing_column(c, h, "l'unité", "the unit", "unit, Unité");
        ok = false;
    }
    field_id vat = h->ofn ? F_TAX_CATEGORY : F_VAT;
    if (h->col[vat] < 0 && !c->opt.franchise)
        missing_column(c, h, "le taux de TVA", "the VAT rate",
                       h->ofn ? "tax_category" : "vat_rate, TVA, Taux de TVA");
    if (h->dup_col >= 0) {
        const char *dup = h->names[h->dup_col];
        imp_report(c, h->at, dup, "duplicate_column",
                   arena_printf(c->mem, "la colonne « %s » répète une colonne déjà présente", dup),
                   arena_printf(c->mem, "column \"%s\" repeats a column already present", dup));
    }
    return ok;
}

static void list_ignored(imp_ctx *c, const header *h)
{
    imp_catalog *cat = c->cat;
    cat->ignored_columns = arena_alloc(c->mem, (h->ncols + 1) * sizeof *cat->ignored_columns);
    for (size_t i = 0; i < h->ncols; i++)
        if ((h->field[i] == F_NONE || h->field[i] == F_KNOWN_UNUSED) && *h->names[i])
            cat->ignored_columns[cat->nignored_columns++] = h->names[i];
}

static imp_cell cell_of(const header *h, const csv_record *rec, field_id f)
{
    int i = h->col[f];
    if (i < 0)
        return (imp_cell){NULL, 0, NULL};
    if ((size_t)i >= rec->nfields)
        return (imp_cell){"", 0, h->names[i]};
    return (imp_cell){rec->fields[i], rec->lens[i], h->names[i]};
}

/* The product information cells of a row (text NULL for a column the file lacks). */
static void info_fields(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at,
                        imp_product *p)
{
    imp_cell cells[IMP_INFO_FIELDS];
    for (int f = 0; f < IMP_INFO_FIELDS; f++) {
        int i = h->info_col[f];
        cells[f] = i < 0 ? (imp_cell){NULL, 0, NULL}
                   : (size_t)i >= rec->nfields
                       ? (imp_cell){"", 0, h->names[i]}
                       : (imp_cell){rec->fields[i], rec->lens[i], h->names[i]};
    }
    imp_check_info(c, at, cells, false, p);
}

static bool record_blank(const csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        for (size_t k = 0; k < rec->lens[i]; k++)
            if (rec->fields[i][k] != ' ' && rec->fields[i][k] != '\t')
                return false;
    return true;
}

/* Structural problems of a row: cut fields, wrong field count. false: skip the row,
 * whose other values cannot be trusted. */
static bool check_shape(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at)
{
    bool ok = true;
    for (size_t i = 0; i < rec->nfields; i++) {
        if (!rec->cut[i])
            continue;
        const char *col = i < h->ncols ? h->names[i] : NULL;
        imp_report(c, at, col, "field_too_long",
                   arena_printf(c->mem, "une valeur dépasse la limite de %zu octets",
                                c->opt.max_field_bytes),
                   arena_printf(c->mem, "a value is longer than the limit of %zu bytes",
                                c->opt.max_field_bytes));
        ok = false;
    }
    size_t n = rec->nfields_found;
    bool extra = false;
    for (size_t i = h->ncols; i < rec->nfields; i++)
        extra = extra || !record_blank(&(csv_record){
                             .nfields = 1, .fields = &rec->fields[i], .lens = &rec->lens[i]});
    if (n < h->used || extra || n > rec->nfields) {
        imp_report(c, at, NULL, "wrong_field_count",
                   arena_printf(c->mem, "la ligne a %zu champs, l'en-tête en a %zu", n, h->used),
                   arena_printf(c->mem, "the line has %zu fields, the header has %zu", n, h->used));
        ok = false;
    }
    return ok;
}

static void common_fields(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at,
                          imp_product *p)
{
    imp_cell sku = cell_of(h, rec, F_SKU), name = cell_of(h, rec, F_NAME);
    imp_cell category = cell_of(h, rec, F_CATEGORY), desc = cell_of(h, rec, F_DESCRIPTION);
    const char *t;
    if ((t = imp_check_text(c, at, &sku, IMP_TEXT_REQUIRED, "la référence", "the sku", "sku")))
        p->sku = t;
    if ((t = imp_check_text(c, at, &name, IMP_TEXT_REQUIRED, "le nom", "the name", "name")))
        p->name = t;
    if ((t = imp_check_text(c, at, &category, 0, "la catégorie", "the category", "category")))
        p->category = t;
    if ((t = imp_check_text(c, at, &desc, IMP_TEXT_MULTILINE, "la description", "the description",
                            "description")))
        p->description = t;
}

/* A price per kg or litre instead of a price per unit; false when the row has none. */
static bool weighed(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at,
                    bool piece_price, const unit_def *u, imp_product *p)
{
    imp_cell per_kg = cell_of(h, rec, F_PRICE_PER_KG), per_l = cell_of(h, rec, F_PRICE_PER_L);
    imp_cell estimate = cell_of(h, rec, F_ESTIMATE);
    return imp_check_weighed(c, at, &per_kg, &per_l, &estimate, piece_price, u, p) !=
           IMP_WEIGHED_NO;
}

static void km0_row(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at, imp_product *p)
{
    common_fields(c, h, rec, at, p);
    imp_cell unit = cell_of(h, rec, F_UNIT), vat = cell_of(h, rec, F_VAT);
    imp_cell excl = cell_of(h, rec, F_PRICE_EXCL), incl = cell_of(h, rec, F_PRICE_INCL);
    imp_cell stock = cell_of(h, rec, F_STOCK), step = cell_of(h, rec, F_STEP);
    imp_cell organic = cell_of(h, rec, F_ORGANIC), active = cell_of(h, rec, F_ACTIVE);
    bool in_kg = h->col[F_WEIGHT_KG] >= 0;
    imp_cell weight = cell_of(h, rec, in_kg ? F_WEIGHT_KG : F_WEIGHT_G);

    const unit_def *u = imp_check_unit(c, at, &unit);
    if (u)
        p->unit = u->code;
    vat_bp_t rate;
    bool rate_ok = imp_check_vat(c, at, &vat, false, &rate);
    p->vat_rate = rate;
    imp_check_weight(c, at, &weight, in_kg ? 1000 : 1, u, p);
    if (!weighed(c, h, rec, at, imp_cell_given(&excl) || imp_cell_given(&incl), u, p))
        imp_check_prices(c, at, &excl, &incl, rate, rate_ok, p);
    imp_check_stock(c, at, &stock, &p->stock);
    imp_check_step(c, at, &step, u, &p->step);
    imp_check_bool(c, at, &organic, -1, &p->organic);
    int on = 1;
    imp_check_bool(c, at, &active, 1, &on);
    p->active = on == 1;
    info_fields(c, h, rec, at, p);
}

/* ---- Open Food Network ---------------------------------------------------- */

/* OFN's unit_type values: weights in nanograms (exact for ounces and pounds),
 * volumes flagged; km0 keeps the unit itself only for g, kg, ml, cl and l. */
static const struct {
    const char *name;
    int64_t ng; /* nanograms per unit; 0 for a volume */
    const char *km0;
} ofn_unit_types[] = {
    {"mg", 1000000, NULL},
    {"g", 1000000000, "g"},
    {"kg", 1000000000000, "kg"},
    {"t", 1000000000000000, NULL},
    {"oz", 28349523125, NULL},
    {"lb", 453592370000, NULL},
    {"ml", 0, "ml"},
    {"cl", 0, "cl"},
    {"dl", 0, NULL},
    {"l", 0, "l"},
    {"kl", 0, NULL},
    {"gal", 0, NULL},
};

static void ofn_unit(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at, imp_product *p)
{
    imp_cell units = cell_of(h, rec, F_UNITS), type = cell_of(h, rec, F_UNIT_TYPE);
    imp_cell item = cell_of(h, rec, F_VARIANT_UNIT_NAME);
    const char *ut = imp_check_text(c, at, &type, 0, "le type d'unité", "the unit type", "unit");
    const char *vn = imp_check_text(c, at, &item, 0, "le nom d'unité", "the unit name", "unit");
    const char *un = imp_check_text(c, at, &units, 0, "la quantité", "the units", "units");
    if (!ut || !vn || !un)
        return;
    int64_t count = 1000; /* units, in thousandths */
    if (*un && (imp_value_milli(un, &count) != DEC_OK || count <= 0 || count > 1000000000)) {
        imp_report(c, at, units.column, "bad_units",
                   arena_printf(c->mem, "units « %s » doit être un nombre supérieur à 0", un),
                   arena_printf(c->mem, "units \"%s\" must be a number greater than 0", un));
        return;
    }
    if (*ut) {
        for (size_t i = 0; i < sizeof ofn_unit_types / sizeof *ofn_unit_types; i++) {
            if (strcmp(ut, ofn_unit_types[i].name) != 0)
                continue;
            /* One kg, one l: sold by that unit. 500 g: a piece weighing 500 g. */
            const unit_def *own = unit_by_code(ofn_unit_types[i].km0 ? ofn_unit_types[i].km0 : "");
            if (count == 1000 && own) {
                p->unit = own->code;
                p->weight_g = unit_weight_g(own);
            } else {
                p->unit = "piece";
                if (ofn_unit_types[i].ng)
                    p->weight_g = div_round(
                        (int64_t)((__int128)count * ofn_unit_types[i].ng / 1000000), 1000000);
                else if (own) /* a volume: the estimate of a piece priced by the litre */
                    p->measure_estimate = count * own->amount / 1000;
            }
            return;
        }
        imp_report(c, at, type.column, "unknown_unit",
                   arena_printf(c->mem, "unité inconnue « %s »", ut),
                   arena_printf(c->mem, "unknown unit \"%s\"", ut));
        return;
    }
    if (!*vn) {
        imp_report(c, at, type.column, "missing_unit",
                   "l'unité manque (ni unit_type ni variant_unit_name)",
                   "the unit is missing (neither unit_type nor variant_unit_name)");
        return;
    }
    const unit_def *u = imp_check_unit(c, at, &item);
    if (u)
        p->unit = count == 1000 ? u->code : "pack"; /* 6 eggs: one lot of six */
}

static void ofn_row(imp_ctx *c, const header *h, const csv_record *rec, imp_loc at, imp_product *p,
                    const char **producer, int *producer_line)
{
    common_fields(c, h, rec, at, p);
    imp_cell prod = cell_of(h, rec, F_PRODUCER);
    const char *who = imp_check_text(c, at, &prod, 0, "le producteur", "the producer", "");
    if (who && *who && !**producer) { /* the first producer named */
        *producer = who;
        *producer_line = at.line;
    } else if (who && *who && *producer_line > 0 && strcmp(who, *producer) != 0) {
        imp_report(c, at, prod.column, "mixed_producers",
                   arena_printf(c->mem,
                                "plusieurs producteurs dans un fichier : « %s » (ligne %d) et "
                                "« %s »",
                                *producer, *producer_line, who),
                   arena_printf(c->mem,
                                "several producers in one file: \"%s\" (line %d) and \"%s\"",
                                *producer, *producer_line, who));
        *producer_line = -1; /* said once */
    }
    ofn_unit(c, h, rec, at, p);
    imp_cell tax = cell_of(h, rec, F_TAX_CATEGORY), price = cell_of(h, rec, F_PRICE_EXCL);
    imp_cell none = {NULL, 0, NULL};
    vat_bp_t rate;
    bool rate_ok = imp_check_vat(c, at, &tax, true, &rate);
    p->vat_rate = rate;
    if (!weighed(c, h, rec, at, imp_cell_given(&price), unit_by_code(p->unit), p))
        imp_check_prices(c, at, &price, &none, rate, rate_ok, p);
    imp_cell on_demand = cell_of(h, rec, F_ON_DEMAND), on_hand = cell_of(h, rec, F_ON_HAND);
    int unlimited = 0;
    imp_check_bool(c, at, &on_demand, 0, &unlimited);
    if (unlimited == 1)
        p->stock = -1;
    else
        imp_check_stock(c, at, &on_hand, &p->stock);
    info_fields(c, h, rec, at, p);
    /* units + unit_type of a product sold whole: its net quantity (500 g, 75 cl) */
    if (!strcmp(p->unit, "piece") && p->info.net_quantity < 0) {
        imp_cell units = cell_of(h, rec, F_UNITS), type = cell_of(h, rec, F_UNIT_TYPE);
        if (units.text && type.text) {
            char *q = arena_printf(c->mem, "%.*s %.*s", (int)units.len, units.text, (int)type.len,
                                   type.text);
            pi_net_quantity_parse(q, &p->info.net_quantity, &p->info.net_unit);
        }
    }
}

/* ---- the file -------------------------------------------------------------- */

/* Find the header among the first records; false when there is none to use. */
static bool read_header(imp_ctx *c, csv_reader *r, header *h)
{
    csv_record rec;
    header first;
    bool have_first = false;
    for (int seen = 0; seen < IMP_HEADER_SEARCH_ROWS && csv_next(r, &rec);) {
        if (record_blank(&rec))
            continue;
        if (rec.nfields_found > IMP_MAX_COLUMNS) {
            imp_report(c, (imp_loc){rec.line, rec.row}, NULL, "too_many_columns",
                       arena_printf(c->mem, "la ligne a %zu colonnes, plus que la limite de %u",
                                    rec.nfields_found, IMP_MAX_COLUMNS),
                       arena_printf(c->mem, "the line has %zu columns, more than the limit of %u",
                                    rec.nfields_found, IMP_MAX_COLUMNS));
            return false;
        }
        seen++;
        map_header(c, &rec, h);
        if (header_complete(h))
            return check_header(c, h);
        if (!have_first) {
            first = *h;
            have_first = true;
        }
    }
    if (!have_first)
        return false;
    *h = first;
    check_header(c, h);
    return false;
}

void imp_parse_csv(imp_ctx *c, const csv_text *text)
{
    imp_catalog *cat = c->cat;
    cat->separator = csv_detect_separator(text->data, text->len);
    csv_reader r;
    csv_reader_init(&r, text->data, text->len, cat->separator, c->opt.max_field_bytes,
                    IMP_MAX_COLUMNS);
    header h;
    if (!read_header(c, &r, &h)) {
        csv_reader_free(&r);
        return;
    }
    cat->format = h.ofn ? IMP_FORMAT_OFN : IMP_FORMAT_CSV;
    list_ignored(c, &h);
    const char *producer = "";
    int producer_line = 0;
    csv_record rec;
    while (!c->stop && csv_next(&r, &rec)) {
        imp_loc at = {rec.line, rec.row};
        if (rec.unterminated) {
            imp_report(c, at, NULL, "unterminated_quote",
                       "un guillemet ouvert sur cette ligne n'est jamais fermé",
                       "a quote opened on this line is never closed");
            break;
        }
        if (record_blank(&rec) || !check_shape(c, &h, &rec, at))
            continue;
        imp_product p;
        imp_product_init(&p, at);
        if (h.ofn)
            ofn_row(c, &h, &rec, at, &p, &producer, &producer_line);
        else
            km0_row(c, &h, &rec, at, &p);
        imp_product_add(c, &p, at, h.names[h.col[F_SKU]]);
    }
    cat->producer_name = producer;
    csv_reader_free(&r);
}
