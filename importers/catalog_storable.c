/*
 * importers/catalog_storable.c — what the products table accepts, checked before it is asked.
 *
 * imp_parse knows what a catalog may say; the database adds limits of its own
 * (schema/001_domain.sql: lengths in characters, a ceiling on prices). A file
 * that breaks one is refused here with the line of each product, like any
 * other problem, rather than failing in the middle of the transaction.
 */
#include "catalog_db.h"
#include "../core/util.h"
#include "catalog_parse.h"

#include <stdlib.h>
#include <string.h>

/* The CHECK limits on products. */
#define MAX_SKU_CHARS         64
#define MAX_NAME_CHARS        200
#define MAX_CATEGORY_CHARS    100
#define MAX_DESCRIPTION_CHARS 4000
#define MAX_PRICE_E4          1000000000 /* 100 000 EUR */

typedef struct {
    arena *a;
    imp_problem *v;
    size_t n, cap, room;
} problem_list;

static void add_problem(problem_list *l, const imp_product *p, const char *column, const char *code,
                        const char *fr, const char *en)
{
    if (l->n == l->room)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        imp_problem *grown = arena_alloc(l->a, l->cap * sizeof *grown);
        if (l->n)
            memcpy(grown, l->v, l->n * sizeof *grown);
        l->v = grown;
    }
    l->v[l->n++] = (imp_problem){p->line, p->row, column, code, fr, en};
}

static int problem_order(const void *x, const void *y)
{
    const imp_problem *a = x, *b = y;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    /* same line: keep the order they were found in (row holds it while sorting) */
    return (a->row > b->row) - (a->row < b->row);
}

/* Merge extra problems into the catalog's, in line order (a stable sort). */
static void merge_problems(imp_catalog *cat, const problem_list *extra)
{
    size_t n = cat->nproblems + extra->n;
    imp_problem *all = arena_alloc(cat->mem, n * sizeof *all);
    int *rows = arena_alloc(cat->mem, n * sizeof *rows);
    if (cat->nproblems)
        memcpy(all, cat->problems, cat->nproblems * sizeof *all);
    memcpy(all + cat->nproblems, extra->v, extra->n * sizeof *all);
    for (size_t i = 0; i < n; i++) {
        rows[i] = all[i].row;
        all[i].row = (int)i;
    }
    qsort(all, n, sizeof *all, problem_order);
    for (size_t i = 0; i < n; i++)
        all[i].row = rows[all[i].row];
    cat->problems = all;
    cat->nproblems = n;
}

size_t imp_check_storable(imp_catalog *cat)
{
    static const struct {
        const char *column, *fr, *en;
        size_t max;
    } texts[] = {
        {"sku", "la référence", "the sku", MAX_SKU_CHARS},
        {"name", "le nom", "the name", MAX_NAME_CHARS},
        {"category", "la catégorie", "the category", MAX_CATEGORY_CHARS},
        {"description", "la description", "the description", MAX_DESCRIPTION_CHARS},
    };
    /* a catalog already at the problem cap ends with its "and N more": leave it so */
    if (cat->nproblems >= IMP_MAX_PROBLEMS - 1)
        return 0;
    arena *a = cat->mem;
    problem_list extra = {a, NULL, 0, 0, IMP_MAX_PROBLEMS - 1 - cat->nproblems};
    for (size_t i = 0; i < cat->nproducts; i++) {
        const imp_product *p = &cat->products[i];
        const char *values[] = {p->sku, p->name, p->category, p->description};
        for (size_t k = 0; k < ARRAY_LEN(texts); k++) {
            size_t chars = values[k] ? utf8_len(values[k]) : 0;
            if (chars > texts[k].max)
                add_problem(
                    &extra, p, texts[k].column, "field_too_long",
                    arena_printf(a, "%s fait %zu caractères, plus que les %zu que km0 garde",
                                 texts[k].fr, chars, texts[k].max),
                    arena_printf(a, "%s is %zu characters long, more than the %zu km0 keeps",
                                 texts[k].en, chars, texts[k].max));
        }
        if (p->price_excl_vat > MAX_PRICE_E4) {
            char v[32];
            dec_format(v, p->price_excl_vat, 4, 2);
            add_problem(
                &extra, p, "price", "bad_price",
                arena_printf(a, "prix HT %s : km0 n’accepte pas plus de 100 000 € par unité", v),
                arena_printf(a, "price excl. VAT %s: km0 takes at most 100 000 EUR a unit", v));
        }
    }
    if (extra.n)
        merge_problems(cat, &extra);
    return extra.n;
}
