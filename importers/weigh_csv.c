/*
 * importers/weigh_csv.c — a scale's CSV into weigh rows (importers/weigh_csv.h).
 */
#include "weigh_csv.h"
#include "../core/parse.h"
#include "../core/text.h"
#include "../core/unit.h"
#include "../core/util.h"
#include "csv.h"

#include <string.h>

enum { COL_BAG, COL_SKU, COL_WEIGHT, COL_PRODUCER, COL_LINE, NCOLS };

/* Headers as unit_fold writes them ("N° sac" -> "nsac", "Poids (kg)" -> "poidskg"). */
static const struct {
    const char *folded;
    int col;
} names[] = {
    {"bag", COL_BAG},
    {"bagnumber", COL_BAG},
    {"bagno", COL_BAG},
    {"sac", COL_BAG},
    {"nsac", COL_BAG},
    {"sacn", COL_BAG},
    {"numerosac", COL_BAG},
    {"numerodesac", COL_BAG},
    {"nodesac", COL_BAG},
    {"sku", COL_SKU},
    {"reference", COL_SKU},
    {"ref", COL_SKU},
    {"code", COL_SKU},
    {"codeproduit", COL_SKU},
    {"codearticle", COL_SKU},
    {"productcode", COL_SKU},
    {"weight", COL_WEIGHT},
    {"weightkg", COL_WEIGHT},
    {"poids", COL_WEIGHT},
    {"poidskg", COL_WEIGHT},
    {"poidsnet", COL_WEIGHT},
    {"poidsnetkg", COL_WEIGHT},
    {"netweight", COL_WEIGHT},
    {"net", COL_WEIGHT},
    {"netkg", COL_WEIGHT},
    {"masse", COL_WEIGHT},
    {"kg", COL_WEIGHT},
    {"producer", COL_PRODUCER},
    {"producteur", COL_PRODUCER},
    {"line", COL_LINE},
    {"ligne", COL_LINE},
};

typedef struct ctx {
    arena *a;
    const char *name;
    weigh_file *out;
    size_t cap_rows, cap_problems;
    int col[NCOLS];           /* field index of each column, -1: absent */
    const char *label[NCOLS]; /* as written, or its number */
} ctx;

static const char *where(ctx *c, int line, const char *column)
{
    if (!line)
        return c->name;
    return column ? arena_printf(c->a, "%s:%d:%s", c->name, line, column)
                  : arena_printf(c->a, "%s:%d", c->name, line);
}

static void problem(ctx *c, int line, const char *column, const char *code, const char *fr,
                    const char *en)
{
    weigh_file *o = c->out;
    if (o->nproblems >= WEIGH_MAX_PROBLEMS)
        return;
    if (o->nproblems == c->cap_problems) {
        size_t cap = c->cap_problems ? 2 * c->cap_problems : 16;
        weigh_problem *p = arena_alloc(c->a, cap * sizeof *p);
        if (o->nproblems)
            memcpy(p, o->problems, o->nproblems * sizeof *p);
        o->problems = p;
        c->cap_problems = cap;
    }
    o->problems[o->nproblems++] =
        (weigh_problem){line, column, where(c, line, column), code, fr, en};
}

static weigh_row *new_row(ctx *c)
{
    weigh_file *o = c->out;
    if (o->nrows == c->cap_rows) {
        size_t cap = c->cap_rows ? 2 * c->cap_rows : 64;
        weigh_row *r = arena_alloc(c->a, cap * sizeof *r);
        if (o->nrows)
            memcpy(r, o->rows, o->nrows * sizeof *r);
        o->rows = r;
        c->cap_rows = cap;
    }
    weigh_row *r = &o->rows[o->nrows++];
    memset(r, 0, sizeof *r);
    return r;
}

static bool blank(const csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        for (size_t k = 0; k < rec->lens[i]; k++)
            if (rec->fields[i][k] != ' ' && rec->fields[i][k] != '\t')
                return false;
    return true;
}

/* The header's columns; false when the record names none of them (no header). */
static bool read_header(ctx *c, const csv_record *rec)
{
    bool any = false;
    for (size_t i = 0; i < rec->nfields; i++) {
        char key[64];
        unit_fold(rec->fields[i], key, sizeof key);
        for (size_t k = 0; k < sizeof names / sizeof *names; k++)
            if (!strcmp(key, names[k].folded) && c->col[names[k].col] < 0) {
                c->col[names[k].col] = (int)i;
                c->label[names[k].col] = arena_strdup(c->a, rec->fields[i]);
                any = true;
            }
    }
    return any;
}

/* A field trimmed, "" when absent. */
static const char *field(ctx *c, const csv_record *rec, int col)
{
    int i = c->col[col];
    if (i < 0 || (size_t)i >= rec->nfields)
        return "";
    const char *s = rec->fields[i], *e = s + rec->lens[i];
    while (s < e && (*s == ' ' || *s == '\t'))
        s++;
    while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
        e--;
    return arena_strndup(c->a, s, (size_t)(e - s));
}

bool weigh_value(const char *t, int64_t *out)
{
    char num[48];
    size_t n = strlen(t);
    if (n == 0 || n >= sizeof num)
        return false;
    memcpy(num, t, n + 1);
    int scale = 3; /* kg, three decimals: grams */
    if (n > 2 && (!strcmp(num + n - 2, "kg") || !strcmp(num + n - 2, "KG"))) {
        num[n - 2] = '\0';
    } else if (n > 1 && (num[n - 1] == 'g' || num[n - 1] == 'G')) {
        num[n - 1] = '\0';
        scale = 0; /* grams, whole */
    }
    int64_t v;
    if (parse_decimal(num, scale, -WEIGH_MAX_MILLI * 1000LL, WEIGH_MAX_MILLI * 1000LL, &v) !=
        PARSE_OK)
        return false;
    *out = v; /* grams either way */
    return true;
}

static void read_row(ctx *c, const csv_record *rec)
{
    int line = rec->line;
    const char *bag = field(c, rec, COL_BAG), *sku = field(c, rec, COL_SKU);
    const char *wt = field(c, rec, COL_WEIGHT), *producer = field(c, rec, COL_PRODUCER);
    const char *id = field(c, rec, COL_LINE);
    size_t before = c->out->nproblems;
    int64_t bag_no = 0, line_id = 0, w = 0;
    if (c->col[COL_LINE] >= 0 && *id) {
        if (parse_int(id, 1, INT64_MAX, &line_id) != PARSE_OK)
            problem(c, line, c->label[COL_LINE], "invalid_line",
                    arena_printf(c->a, "« %s » n’est pas un numéro de ligne", id),
                    arena_printf(c->a, "\"%s\" is not a line number", id));
    } else {
        if (!*bag)
            problem(c, line, c->label[COL_BAG], "missing_bag", "le numéro de sac manque",
                    "the bag number is missing");
        else if (parse_int(bag, 1, 100000000, &bag_no) != PARSE_OK)
            problem(c, line, c->label[COL_BAG], "invalid_bag",
                    arena_printf(c->a, "« %s » n’est pas un numéro de sac", bag),
                    arena_printf(c->a, "\"%s\" is not a bag number", bag));
        if (!*sku)
            problem(c, line, c->label[COL_SKU], "missing_sku", "la référence du produit manque",
                    "the product's SKU is missing");
        else if (text_check(sku, 1, 64, TEXT_LINE) != TEXT_OK)
            problem(c, line, c->label[COL_SKU], "invalid_sku",
                    "la référence n’est pas une référence de produit (64 caractères au plus)",
                    "the SKU is not a product SKU (64 characters at most)");
    }
    if (*producer && !slug_valid(producer))
        problem(c, line, c->label[COL_PRODUCER], "invalid_producer",
                arena_printf(c->a, "« %s » n’est pas l’identifiant d’un producteur", producer),
                arena_printf(c->a, "\"%s\" is not a producer's identifier", producer));
    if (!*wt)
        problem(c, line, c->label[COL_WEIGHT], "missing_weight", "le poids manque",
                "the weight is missing");
    else if (!weigh_value(wt, &w))
        problem(c, line, c->label[COL_WEIGHT], "invalid_weight",
                arena_printf(c->a, "le poids « %s » n’est pas un nombre de kg (comme 2,14)", wt),
                arena_printf(c->a, "weight \"%s\" is not a number of kg (such as 2.14)", wt));
    else if (w <= 0)
        problem(c, line, c->label[COL_WEIGHT], "invalid_weight",
                arena_printf(c->a, "le poids « %s » doit être positif", wt),
                arena_printf(c->a, "weight \"%s\" must be positive", wt));
    if (c->out->nproblems != before)
        return;
    weigh_row *r = new_row(c);
    *r = (weigh_row){.line = line_id,
                     .bag = bag_no,
                     .producer = *producer ? producer : NULL,
                     .sku = sku,
                     .weight = w,
                     .at_line = where(c, line, c->label[COL_LINE] ? c->label[COL_LINE] : "1"),
                     .at_bag = where(c, line, c->label[COL_BAG]),
                     .at_sku = where(c, line, c->label[COL_SKU]),
                     .at_weight = where(c, line, c->label[COL_WEIGHT])};
}

size_t weigh_csv_parse(const char *data, size_t len, const char *name, arena *a, weigh_file *out)
{
    memset(out, 0, sizeof *out);
    ctx c = {.a = a, .name = name && *name ? name : "-", .out = out};
    for (int k = 0; k < NCOLS; k++)
        c.col[k] = -1;
    if (len > WEIGH_MAX_BYTES) {
        problem(&c, 0, NULL, "file_too_large",
                "le fichier dépasse 4 Mo : ce n’est pas le relevé d’une balance",
                "the file is over 4 MB: it is not a scale's record");
        return out->nproblems;
    }
    csv_text text;
    csv_decode(data, len, IMP_ENC_AUTO, a, &text);
    if (text.replaced) {
        problem(&c, 0, NULL, "bad_encoding",
                "le fichier contient des octets illisibles : enregistrez-le en UTF-8",
                "the file holds bytes that cannot be read: save it as UTF-8");
        return out->nproblems;
    }
    out->separator = csv_detect_separator(text.data, text.len);
    csv_reader r;
    csv_reader_init(&r, text.data, text.len, out->separator, 256, 16);
    csv_record rec;
    bool first = true;
    while (csv_next(&r, &rec)) {
        if (rec.unterminated) {
            problem(&c, rec.line, NULL, "unterminated_quote",
                    "un guillemet ouvert sur cette ligne n’est jamais fermé",
                    "a quote opened on this line is never closed");
            break;
        }
        if (blank(&rec))
            continue;
        if (first) {
            first = false;
            if ((out->header = read_header(&c, &rec))) {
                if (c.col[COL_WEIGHT] < 0 ||
                    (c.col[COL_LINE] < 0 && (c.col[COL_BAG] < 0 || c.col[COL_SKU] < 0))) {
                    problem(&c, rec.line, NULL, "missing_column",
                            "il faut les colonnes sac, référence et poids (ou ligne et poids)",
                            "the columns bag, sku and weight (or line and weight) are needed");
                    break;
                }
                continue;
            }
            c.col[COL_BAG] = 0, c.col[COL_SKU] = 1, c.col[COL_WEIGHT] = 2;
            c.label[COL_BAG] = "1", c.label[COL_SKU] = "2", c.label[COL_WEIGHT] = "3";
        }
        if (out->nrows >= DELIVERY_MAX_ROWS) {
            problem(&c, rec.line, NULL, "too_many_rows", "trop de lignes (100 000 au plus)",
                    "too many rows (100 000 at most)");
            break;
        }
        read_row(&c, &rec);
    }
    csv_reader_free(&r);
    if (out->nrows == 0 && out->nproblems == 0)
        problem(&c, 0, NULL, "no_rows", "le fichier ne contient aucune pesée",
                "the file holds no weight");
    return out->nproblems;
}
