/*
 * importers/catalog_parse.c — imp_parse: limits, format dispatch, and the
 * checks every format shares.
 *
 * Parsing never stops at the first problem: a producer fixing a spreadsheet
 * wants the whole list at once. Only limits stop it (file size, row count),
 * and the number of problems kept is capped so that a file of 100 000 bad
 * rows costs kilobytes of messages, not megabytes.
 */
#include "catalog_parse.h"
#include "../core/util.h"

#include <string.h>

const char *imp_format_name(imp_format f)
{
    switch (f) {
    case IMP_FORMAT_CSV:
        return "csv";
    case IMP_FORMAT_OFN:
        return "ofn";
    case IMP_FORMAT_DFC:
        return "dfc";
    case IMP_FORMAT_AUTO:
        break;
    }
    return "auto";
}

/* ---- problems ------------------------------------------------------------ */

void imp_report(imp_ctx *c, imp_loc at, const char *column, const char *code,
                const char *message_fr, const char *message_en)
{
    imp_catalog *cat = c->cat;
    if (cat->nproblems >= IMP_MAX_PROBLEMS) {
        c->problems_dropped++;
        return;
    }
    if (cat->nproblems == c->cap_problems) {
        size_t cap = c->cap_problems ? c->cap_problems * 2 : 16;
        imp_problem *grown = arena_alloc(c->mem, cap * sizeof *grown);
        if (cat->nproblems)
            memcpy(grown, cat->problems, cat->nproblems * sizeof *grown);
        cat->problems = grown;
        c->cap_problems = cap;
    }
    imp_problem *p = &cat->problems[cat->nproblems++];
    p->line = at.line;
    p->row = at.row;
    p->column = column ? arena_strdup(c->mem, column) : NULL;
    p->code = code;
    p->message_fr = message_fr;
    p->message_en = message_en;
}

void imp_report_file(imp_ctx *c, const char *code, const char *message_fr, const char *message_en)
{
    imp_report(c, (imp_loc){0, 0}, NULL, code, message_fr, message_en);
}

/* ---- products ------------------------------------------------------------ */

void imp_product_init(imp_product *p, imp_loc at)
{
    memset(p, 0, sizeof *p);
    p->line = at.line;
    p->row = at.row;
    p->sku = p->name = p->category = p->description = p->unit = "";
    p->price_incl_vat = -1;
    p->weight_g = -1;
    p->stock = -1;
    p->step = 1000;
    p->organic = -1;
    p->active = true;
    p->info = (imp_info){"", "", -1, 0, -1, "", "", "", 0, "", -1, "", "{}"};
}

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

/* The line that already uses sku, or 0 after recording it for line. */
static int sku_seen(imp_ctx *c, const char *sku, int line)
{
    if (c->sku_count * 2 >= c->sku_cap) {
        size_t cap = c->sku_cap ? c->sku_cap * 2 : 64;
        imp_sku_slot *slots = arena_alloc(c->mem, cap * sizeof *slots);
        for (size_t i = 0; i < c->sku_cap; i++) {
            if (!c->skus[i].sku)
                continue;
            size_t k = hash_str(c->skus[i].sku) & (cap - 1);
            while (slots[k].sku)
                k = (k + 1) & (cap - 1);
            slots[k] = c->skus[i];
        }
        c->skus = slots;
        c->sku_cap = cap;
    }
    size_t k = hash_str(sku) & (c->sku_cap - 1);
    while (c->skus[k].sku) {
        if (strcmp(c->skus[k].sku, sku) == 0)
            return c->skus[k].line;
        k = (k + 1) & (c->sku_cap - 1);
    }
    c->skus[k].sku = sku;
    c->skus[k].line = line;
    c->sku_count++;
    return 0;
}

bool imp_product_add(imp_ctx *c, imp_product *p, imp_loc at, const char *sku_column)
{
    imp_catalog *cat = c->cat;
    if (cat->nproducts >= c->opt.max_rows) {
        imp_report(
            c, at, NULL, "too_many_rows",
            arena_printf(c->mem, "le fichier a plus de %zu produits, la limite", c->opt.max_rows),
            arena_printf(c->mem, "the file has more than %zu products, the limit",
                         c->opt.max_rows));
        c->stop = true;
        return false;
    }
    if (p->sku[0]) {
        int first = sku_seen(c, p->sku, at.line);
        if (first)
            imp_report(
                c, at, sku_column, "duplicate_sku",
                arena_printf(c->mem, "la référence %s est déjà utilisée ligne %d", p->sku, first),
                arena_printf(c->mem, "sku %s already used on line %d", p->sku, first));
    }
    if (cat->nproducts == c->cap_products) {
        size_t cap = c->cap_products ? c->cap_products * 2 : 16;
        imp_product *grown = arena_alloc(c->mem, cap * sizeof *grown);
        if (cat->nproducts)
            memcpy(grown, cat->products, cat->nproducts * sizeof *grown);
        cat->products = grown;
        c->cap_products = cap;
    }
    cat->products[cat->nproducts++] = *p;
    if (c->opt.on_product)
        c->opt.on_product(c->opt.on_product_arg, cat, &cat->products[cat->nproducts - 1]);
    return true;
}

/* ---- dispatch ------------------------------------------------------------ */

static bool starts_with_bytes(const char *data, size_t len, const char *magic, size_t n)
{
    return len >= n && memcmp(data, magic, n) == 0;
}

/* Files that are certainly not text: say what they are, a producer can act on that. */
static bool refuse_binary(imp_ctx *c, const char *data, size_t len)
{
    const char *what_fr = NULL, *what_en = NULL;
    if (starts_with_bytes(data, len, "PK\x03\x04", 4)) {
        what_fr = "un classeur Excel (.xlsx) ou LibreOffice (.ods), ou une archive zip";
        what_en = "an Excel (.xlsx) or LibreOffice (.ods) workbook, or a zip archive";
    } else if (starts_with_bytes(data, len, "\xD0\xCF\x11\xE0", 4)) {
        what_fr = "un classeur Excel ancien (.xls)";
        what_en = "an old Excel workbook (.xls)";
    } else if (starts_with_bytes(data, len, "%PDF", 4)) {
        what_fr = "un document PDF";
        what_en = "a PDF document";
    }
    if (!what_fr)
        return false;
    imp_report_file(
        c, "not_text",
        arena_printf(c->mem,
                     "ce fichier est %s, pas un fichier texte : enregistrez-le au format CSV",
                     what_fr),
        arena_printf(c->mem, "this file is %s, not text: save it as CSV", what_en));
    return true;
}

/* Only spaces, line breaks and separators (after decoding): nothing to import. */
static bool text_blank(const csv_text *t)
{
    for (size_t i = 0; i < t->len; i++) {
        char ch = t->data[i];
        if (ch != ' ' && ch != '\t' && ch != '\r' && ch != '\n' && ch != ',' && ch != ';')
            return false;
    }
    return true;
}

static imp_format sniff_format(const csv_text *t)
{
    for (size_t i = 0; i < t->len; i++) {
        char ch = t->data[i];
        if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n')
            continue;
        return ch == '{' || ch == '[' ? IMP_FORMAT_DFC : IMP_FORMAT_CSV;
    }
    return IMP_FORMAT_CSV;
}

static void finish(imp_ctx *c)
{
    imp_catalog *cat = c->cat;
    if (c->problems_dropped) {
        size_t dropped = c->problems_dropped;
        c->problems_dropped = 0;
        cat->nproblems--; /* make room for the count, which matters more than one more */
        imp_report_file(
            c, "too_many_problems",
            arena_printf(c->mem, "et %zu autres problèmes : corrigez d'abord ceux-ci", dropped + 1),
            arena_printf(c->mem, "and %zu more problems: fix these first", dropped + 1));
    }
}

size_t imp_parse(const char *data, size_t len, const imp_options *opt, imp_catalog *cat)
{
    imp_ctx ctx;
    imp_ctx *c = &ctx;
    memset(c, 0, sizeof *c);
    arena *mem = cat->mem;
    memset(cat, 0, sizeof *cat);
    cat->mem = mem;
    cat->encoding = "";
    cat->producer_name = "";
    c->cat = cat;
    c->mem = mem;
    if (opt)
        c->opt = *opt;
    if (!c->opt.max_bytes)
        c->opt.max_bytes = IMP_DEFAULT_MAX_BYTES;
    if (!c->opt.max_rows)
        c->opt.max_rows = IMP_DEFAULT_MAX_ROWS;
    if (!c->opt.max_field_bytes)
        c->opt.max_field_bytes = IMP_DEFAULT_MAX_FIELD;
    cat->format = c->opt.format;

    if (len > c->opt.max_bytes) {
        imp_report_file(c, "file_too_large",
                        arena_printf(c->mem,
                                     "le fichier fait %zu octets, plus que la limite de %zu", len,
                                     c->opt.max_bytes),
                        arena_printf(c->mem, "the file is %zu bytes, more than the limit of %zu",
                                     len, c->opt.max_bytes));
        return cat->nproblems;
    }
    if (refuse_binary(c, data, len))
        return cat->nproblems;

    csv_text text;
    csv_decode(data, len, c->opt.encoding, c->mem, &text);
    cat->encoding = text.encoding;
    cat->encoding_guessed = text.guessed;
    c->replaced_bytes = text.replaced;
    c->mixed_encoding = text.mixed;
    if (text_blank(&text)) {
        imp_report_file(c, "file_empty", "le fichier est vide", "the file is empty");
        return cat->nproblems;
    }
    if (cat->format == IMP_FORMAT_AUTO)
        cat->format = sniff_format(&text);
    if (cat->format == IMP_FORMAT_DFC)
        imp_parse_dfc(c, &text);
    else
        imp_parse_csv(c, &text);

    if (cat->nproducts == 0 && cat->nproblems == 0)
        imp_report_file(c, "no_products", "le fichier ne contient aucun produit",
                        "the file has no products");
    finish(c);
    return cat->nproblems;
}
