/*
 * importers/catalog_dfc.c — Data Food Consortium catalogs (JSON-LD, 1.x and 2.0).
 *
 * A DFC catalog is a graph: SuppliedProduct (what the product is) ←references→
 * CatalogItem (sku, stock) ←offeredThrough→ Offer → Price (value, VATrate,
 * currency). Links may point either way, by IRI or by nesting, and platforms
 * use both the dfc-b: prefix and full IRIs, so properties are matched by their
 * local name (after '#', ':' or '/'). This is not a JSON-LD processor: it does
 * not fetch contexts, which is why it only trusts names it recognises.
 *
 * One product per CatalogItem; its "line" is the 1-based position in @graph of
 * the entry holding the CatalogItem, and a problem's column is the JSON
 * property name as written. Properties under the "km0:" prefix carry what DFC
 * cannot say (category, order step...) so that km0's own export reads back
 * exactly (importers/dfc_export.c).
 */
#include "../core/buf.h"
#include "catalog_parse.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    const cJSON *obj;
    int line;
    const char *id;       /* "" for a blank node without @id */
    const char *type;     /* local name of @type: "CatalogItem", ... */
    const cJSON *partner; /* CatalogItem: its SuppliedProduct or Offer found from the other side */
    const cJSON *offer;
    bool used; /* SuppliedProduct: some CatalogItem references it */
} node;

typedef struct graph {
    node *nodes; /* in document order */
    size_t n, cap;
    node **by_id;  /* sorted by id, for references */
    node **by_obj; /* sorted by object address, to find a node from a nested object */
} graph;

/* "dfc-b:sku", "https://...#sku", "sku" → "sku". */
static const char *local_name(const char *key)
{
    const char *hash = strrchr(key, '#');
    if (hash)
        return hash + 1;
    const char *slash = strrchr(key, '/');
    const char *colon = strrchr(key, ':');
    const char *cut = slash > colon ? slash : colon;
    return cut ? cut + 1 : key;
}

/* A property of obj by local name; *key gets the name as written. km0 extensions
 * and JSON-LD keywords are not DFC properties. */
static const cJSON *prop(const cJSON *obj, const char *name, const char **key)
{
    const cJSON *it;
    if (!cJSON_IsObject(obj))
        return NULL;
    for (it = obj->child; it; it = it->next) {
        if (!it->string || it->string[0] == '@' || strncmp(it->string, "km0:", 4) == 0)
            continue;
        if (strcmp(local_name(it->string), name) == 0) {
            if (key)
                *key = it->string;
            return it;
        }
    }
    return NULL;
}

static const cJSON *ext(const cJSON *obj, const char *name)
{
    char key[64];
    snprintf(key, sizeof key, "km0:%s", name);
    return cJSON_IsObject(obj) ? cJSON_GetObjectItemCaseSensitive(obj, key) : NULL;
}

/* A scalar as text: strings as they are, numbers in their shortest exact form,
 * {"@value": ...} and {"@id": ...} unwrapped, the first element of an array. */
static const char *scalar(imp_ctx *c, const cJSON *v)
{
    for (int depth = 0; v && depth < 8; depth++) {
        if (cJSON_IsString(v))
            return v->valuestring;
        if (cJSON_IsNumber(v))
            return arena_printf(c->mem, "%.15g", v->valuedouble);
        if (cJSON_IsBool(v))
            return cJSON_IsTrue(v) ? "true" : "false";
        if (cJSON_IsArray(v)) {
            v = v->child;
        } else if (cJSON_IsObject(v)) {
            const cJSON *inner = cJSON_GetObjectItemCaseSensitive(v, "@value");
            v = inner ? inner : cJSON_GetObjectItemCaseSensitive(v, "@id");
        } else {
            return NULL;
        }
    }
    return NULL;
}

static int cmp_id(const void *a, const void *b)
{
    return strcmp((*(node *const *)a)->id, (*(node *const *)b)->id);
}

static int cmp_obj(const void *a, const void *b)
{
    const cJSON *x = (*(node *const *)a)->obj, *y = (*(node *const *)b)->obj;
    return (x > y) - (x < y);
}

static node *find_obj(const graph *g, const cJSON *obj)
{
    node key = {.obj = obj}, *pk = &key;
    node **hit = g->n ? bsearch(&pk, g->by_obj, g->n, sizeof *g->by_obj, cmp_obj) : NULL;
    return hit ? *hit : NULL;
}

static node *find_id(const graph *g, const char *id)
{
    node key = {.id = id}, *pk = &key;
    node **hit = g->n && *id ? bsearch(&pk, g->by_id, g->n, sizeof *g->by_id, cmp_id) : NULL;
    return hit ? *hit : NULL;
}

/* What a link points to: a nested object with properties of its own, or the node
 * whose @id the link names (as a string or {"@id": ...}). */
static const cJSON *resolve(const graph *g, const cJSON *link)
{
    if (cJSON_IsArray(link))
        link = link->child;
    if (cJSON_IsObject(link)) {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(link, "@id");
        if (!cJSON_IsString(id) || cJSON_GetArraySize(link) > 1)
            return link;
        link = id;
    }
    if (!cJSON_IsString(link))
        return NULL;
    node *n = find_id(g, link->valuestring);
    return n ? n->obj : NULL;
}

static const char *type_of(const cJSON *obj)
{
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(obj, "@type");
    if (cJSON_IsArray(t)) {
        const cJSON *it;
        for (it = t->child; it; it = it->next) {
            if (cJSON_IsString(it))
                return local_name(it->valuestring);
        }
        return "";
    }
    return cJSON_IsString(t) ? local_name(t->valuestring) : "";
}

/* Every object with an @id or @type, nested ones included, in document order. */
static void collect(imp_ctx *c, graph *g, const cJSON *v, int line)
{
    if (cJSON_IsArray(v)) {
        const cJSON *it;
        for (it = v->child; it; it = it->next)
            collect(c, g, it, line);
        return;
    }
    if (!cJSON_IsObject(v))
        return;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(v, "@id");
    const char *type = type_of(v);
    if (*type || (cJSON_IsString(id) && cJSON_GetArraySize(v) > 1)) {
        if (g->n == g->cap) {
            size_t cap = g->cap ? g->cap * 2 : 64;
            node *grown = arena_alloc(c->mem, cap * sizeof *grown);
            if (g->n)
                memcpy(grown, g->nodes, g->n * sizeof *grown);
            g->nodes = grown;
            g->cap = cap;
        }
        g->nodes[g->n++] =
            (node){v, line, cJSON_IsString(id) ? id->valuestring : "", type, NULL, NULL, false};
    }
    const cJSON *it;
    for (it = v->child; it; it = it->next) {
        if (it->string && it->string[0] != '@')
            collect(c, g, it, line);
    }
}

/* Links from SuppliedProduct to CatalogItem (referencedBy) and from Offer to
 * CatalogItem (offeredItem): remembered on the CatalogItem's node. */
static void link_back(graph *g)
{
    for (size_t i = 0; i < g->n; i++) {
        node *n = &g->nodes[i];
        bool sp = strcmp(n->type, "SuppliedProduct") == 0;
        bool offer = strcmp(n->type, "Offer") == 0;
        if (!sp && !offer)
            continue;
        const cJSON *links = prop(n->obj, sp ? "referencedBy" : "offeredItem", NULL);
        const cJSON *one = cJSON_IsArray(links) ? links->child : links;
        for (; one; one = cJSON_IsArray(links) ? one->next : NULL) {
            node *ci = find_obj(g, resolve(g, one));
            if (ci && sp && !ci->partner)
                ci->partner = n->obj;
            if (ci && offer && !ci->offer)
                ci->offer = n->obj;
        }
    }
}

static imp_cell cell(imp_ctx *c, const cJSON *obj, const char *name, const char *dflt_key)
{
    const char *key = dflt_key;
    const cJSON *v = prop(obj, name, &key);
    const char *t = scalar(c, v);
    return (imp_cell){t ? t : "", t ? strlen(t) : 0, key};
}

static imp_cell ext_cell(imp_ctx *c, const cJSON *obj, const char *name)
{
    const char *t = scalar(c, ext(obj, name));
    return (imp_cell){t, t ? strlen(t) : 0, arena_printf(c->mem, "km0:%s", name)};
}

static bool is_euro(const char *unit)
{
    char key[32];
    unit_fold(local_name(unit), key, sizeof key);
    return strcmp(key, "euro") == 0 || strcmp(key, "eur") == 0 || strcmp(key, "ccyeur") == 0;
}

/* hasQuantity → unit and weight: one kilogram is sold per kg; 0.5 kg is a piece of
 * 500 g; 0.75 l a piece of unknown weight; 6 pieces a lot. */
static void quantity(imp_ctx *c, const graph *g, imp_loc at, const cJSON *sp, imp_product *p)
{
    p->unit = "piece";
    const cJSON *qv = resolve(g, prop(sp, "hasQuantity", NULL));
    if (!qv)
        return;
    imp_cell ucell = cell(c, qv, "hasUnit", "dfc-b:hasUnit");
    const char *amount = scalar(c, prop(qv, "value", NULL));
    if (!*ucell.text)
        return;
    const unit_def *u = unit_find(local_name(ucell.text));
    if (!u) {
        imp_report(c, at, ucell.column, "unknown_unit",
                   arena_printf(c->mem, "unité inconnue « %s »", ucell.text),
                   arena_printf(c->mem, "unknown unit \"%s\"", ucell.text));
        return;
    }
    int64_t v = 0; /* millionths of the unit */
    if (!amount || dec_parse(amount, 6, &v) != DEC_OK || v <= 0) {
        if (!unit_is_measure(u))
            p->unit = u->code;
        return;
    }
    if (v == 1000000) {
        p->unit = u->code;
        p->weight_g = unit_weight_g(u);
    } else if (u->kind == UNIT_WEIGHT) {
        p->weight_g = div_round(v, 1000000 / u->amount);
    } else if (u->kind == UNIT_VOLUME) { /* the estimate of a piece priced by the litre */
        p->measure_estimate = div_round(v * u->amount, 1000000);
    } else if (u->kind == UNIT_COUNT) {
        p->unit = "pack";
    }
    if (v != 1000000 && unit_is_measure(u)) { /* a piece of 0.5 kg: its net quantity */
        p->info.net_quantity = div_round(v, 1000);
        p->info.net_unit = u->code;
    }
}

/* The local names of what a property links to, as one list for the word checks
 * ("CerealsWithGluten, Eggs"); with value_zero_out, characteristics whose value is 0
 * (stated absent) are left out. *count gets how many links there were. */
static const char *linked_names(imp_ctx *c, const graph *g, const cJSON *v, const char *inner,
                                int *count)
{
    buf b = BUF_INIT;
    *count = 0;
    const cJSON *it = cJSON_IsArray(v) ? v->child : v;
    for (; it; it = cJSON_IsArray(v) ? it->next : NULL) {
        const cJSON *target = inner ? resolve(g, it) : NULL;
        const char *name = inner ? scalar(c, prop(target, inner, NULL)) : scalar(c, it);
        if (!name || !*name)
            continue;
        (*count)++;
        const char *value = inner ? scalar(c, prop(target, "value", NULL)) : NULL;
        if (value && strtod(value, NULL) == 0)
            continue; /* an allergen said absent */
        if (b.len)
            buf_puts(&b, ", ");
        buf_puts(&b, local_name(name));
    }
    const char *out = arena_strdup(c->mem, buf_str(&b));
    buf_free(&b);
    return out;
}

/* Food information: km0's own properties (its export) first, then DFC's. */
static void food_info(imp_ctx *c, const graph *g, imp_loc at, const cJSON *sp, imp_product *p)
{
    static const char *const own[IMP_INFO_FIELDS] = {
        "kind",         "ingredients", "allergens", "mayContain", "netQuantity", "origin",
        "originRegion", "labels",      "certifier", "alcohol",    "storage"};
    imp_cell cells[IMP_INFO_FIELDS];
    for (int f = 0; f < IMP_INFO_FIELDS; f++)
        cells[f] = ext_cell(c, sp, own[f]);
    int n;
    if (!cells[IMP_INFO_ALCOHOL].text && prop(sp, "alcoholPercentage", NULL))
        cells[IMP_INFO_ALCOHOL] = cell(c, sp, "alcoholPercentage", "dfc-b:alcoholPercentage");
    if (!cells[IMP_INFO_STORAGE].text && prop(sp, "usageOrStorageCondition", NULL))
        cells[IMP_INFO_STORAGE] =
            cell(c, sp, "usageOrStorageCondition", "dfc-b:usageOrStorageCondition");
    const char *key = "dfc-b:hasAllergenCharacteristic";
    const cJSON *allergens = prop(sp, "hasAllergenCharacteristic", &key);
    const char *names = linked_names(c, g, allergens, "hasAllergenDimension", &n);
    if (!cells[IMP_INFO_ALLERGENS].text && n) /* an empty list states nothing */
        cells[IMP_INFO_ALLERGENS] =
            (imp_cell){*names ? names : "aucun", strlen(*names ? names : "aucun"), key};
    key = "dfc-b:hasGeographicalOrigin";
    const char *where = scalar(c, prop(sp, "hasGeographicalOrigin", &key));
    if (!cells[IMP_INFO_ORIGIN].text && where && *where) {
        const char *region = imp_dfc_region(local_name(where));
        if (region && !cells[IMP_INFO_REGION].text)
            cells[IMP_INFO_REGION] = (imp_cell){region, strlen(region), key};
        const char *country = region ? "FR" : local_name(where);
        cells[IMP_INFO_ORIGIN] = (imp_cell){country, strlen(country), key};
    }
    imp_check_info(c, at, cells, false, p);
    if (!ext(sp, "labels")) { /* DFC facets: the ones km0 knows, one at a time */
        static const char *const props[] = {"hasCertification", "hasLabellingCharacteristic",
                                            "hasClaim"};
        for (size_t i = 0; i < 3; i++) {
            const cJSON *v = prop(sp, props[i], NULL);
            const cJSON *it = cJSON_IsArray(v) ? v->child : v;
            for (; it; it = cJSON_IsArray(v) ? it->next : NULL) {
                const char *facet = scalar(c, it);
                imp_cell one[IMP_INFO_FIELDS] = {{0}};
                if (facet)
                    one[IMP_INFO_LABELS] =
                        (imp_cell){local_name(facet), strlen(local_name(facet)), props[i]};
                imp_product scratch = *p;
                imp_check_info(c, at, one, true, &scratch);
                p->info.labels |= scratch.info.labels;
            }
        }
    }
}

static bool has_organic_label(const cJSON *sp)
{
    static const char *const props[] = {"hasCertification", "hasLabellingCharacteristic",
                                        "hasClaim"};
    for (size_t i = 0; i < 3; i++) {
        const cJSON *v = prop(sp, props[i], NULL), *it;
        const cJSON *one = cJSON_IsArray(v) ? v->child : v;
        for (it = one; it; it = cJSON_IsArray(v) ? it->next : NULL) {
            const cJSON *id = cJSON_IsObject(it) ? cJSON_GetObjectItemCaseSensitive(it, "@id") : it;
            if (cJSON_IsString(id)) {
                char key[64];
                unit_fold(local_name(id->valuestring), key, sizeof key);
                if (strstr(key, "organic") || strstr(key, "bio"))
                    return true;
            }
        }
    }
    return false;
}

static void describe(imp_ctx *c, const graph *g, imp_loc at, const cJSON *sp, imp_product *p)
{
    imp_cell name = cell(c, sp, "name", "dfc-b:name");
    imp_cell desc = cell(c, sp, "description", "dfc-b:description");
    imp_cell category = ext_cell(c, sp, "category");
    const char *t;
    if ((t = imp_check_text(c, at, &name, IMP_TEXT_REQUIRED, "le nom", "the name", "name")))
        p->name = t;
    if ((t = imp_check_text(c, at, &desc, IMP_TEXT_MULTILINE, "la description", "the description",
                            "description")))
        p->description = t;
    if ((t = imp_check_text(c, at, &category, 0, "la catégorie", "the category", "category")))
        p->category = t;
    imp_cell unit = ext_cell(c, sp, "unit"), weight = ext_cell(c, sp, "weight");
    if (unit.text) { /* km0's own export: unit and weight as km0 had them */
        const unit_def *u = imp_check_unit(c, at, &unit);
        p->unit = u ? u->code : "piece";
        imp_check_weight(c, at, &weight, 1000, u, p);
    } else {
        quantity(c, g, at, sp, p);
    }
    imp_cell organic = ext_cell(c, sp, "organic");
    imp_check_bool(c, at, &organic, has_organic_label(sp) ? 1 : -1, &p->organic);
    if (unit.text) { /* km0's export: the net quantity is its own property, not hasQuantity */
        p->info.net_quantity = -1;
        p->info.net_unit = "";
    }
    food_info(c, g, at, sp, p);
}

/* The price: DFC's value, or for a product priced by the kg or litre km0's pricePerKg or
 * pricePerLitre (the value is then the estimated price of a piece, for other platforms,
 * and follows from the estimate: km0:estimate on the product, or its hasQuantity). */
static void offer_price(imp_ctx *c, const graph *g, imp_loc at, const cJSON *offer, const cJSON *sp,
                        imp_product *p)
{
    if (!offer) {
        imp_report(c, at, "dfc-b:offeredThrough", "missing_price",
                   "l'article n'a pas d'offre, donc pas de prix",
                   "the catalog item has no offer, hence no price");
        return;
    }
    const cJSON *price = resolve(g, prop(offer, "hasPrice", NULL));
    const cJSON *where = price ? price : offer; /* DFC 1.7 put price and VATrate on the offer */
    imp_cell value = cell(c, where, price ? "value" : "price", "dfc-b:value");
    imp_cell vat = cell(c, where, "VATrate", "dfc-b:VATrate");
    imp_cell incl = ext_cell(c, where, "priceInclVAT");
    imp_cell currency = cell(c, where, "hasUnit", "dfc-b:hasUnit");
    if (*currency.text && !is_euro(currency.text)) {
        const char *cur = local_name(currency.text);
        imp_report(c, at, currency.column, "currency_not_euro",
                   arena_printf(c->mem, "prix en %s : km0 vend et facture en euros", cur),
                   arena_printf(c->mem, "price in %s: km0 sells and invoices in euros", cur));
        return;
    }
    vat_bp_t rate;
    bool rate_ok = imp_check_vat(c, at, &vat, false, &rate);
    p->vat_rate = rate;
    imp_cell per_kg = ext_cell(c, where, "pricePerKg"), per_l = ext_cell(c, where, "pricePerLitre");
    imp_cell estimate = sp ? ext_cell(c, sp, "estimate") : (imp_cell){NULL, 0, NULL};
    if (imp_check_weighed(c, at, &per_kg, &per_l, &estimate, false, unit_by_code(p->unit), p) ==
        IMP_WEIGHED_NO)
        imp_check_prices(c, at, &value, &incl, rate, rate_ok, p);
}

static void catalog_item(imp_ctx *c, const graph *g, node *ci)
{
    imp_loc at = {ci->line, ci->line};
    imp_product p;
    imp_product_init(&p, at);
    imp_cell sku = cell(c, ci->obj, "sku", "dfc-b:sku");
    const char *t =
        imp_check_text(c, at, &sku, IMP_TEXT_REQUIRED, "la référence (sku)", "the sku", "sku");
    if (t)
        p.sku = t;
    const cJSON *sp = resolve(g, prop(ci->obj, "references", NULL));
    if (!sp)
        sp = ci->partner;
    node *spn = find_obj(g, sp);
    if (spn)
        spn->used = true;
    if (sp) {
        describe(c, g, at, sp, &p);
    } else {
        imp_report(c, at, "dfc-b:references", "missing_name",
                   "l'article ne renvoie à aucun produit (SuppliedProduct), donc pas de nom",
                   "the catalog item references no SuppliedProduct, hence no name");
    }
    const cJSON *offer = resolve(g, prop(ci->obj, "offeredThrough", NULL));
    offer_price(c, g, at, offer ? offer : ci->offer, sp, &p);

    imp_cell stock = cell(c, ci->obj, "stockLimitation", "dfc-b:stockLimitation");
    if (!*stock.text && offer) /* DFC 1.7 had it on the offer */
        stock = cell(c, offer, "stockLimitation", "dfc-b:stockLimitation");
    if (strcmp(stock.text, "-1") == 0)
        stock = (imp_cell){"", 0, stock.column}; /* DFC's "no limit" */
    imp_check_stock(c, at, &stock, &p.stock);
    imp_cell step = ext_cell(c, ci->obj, "step"), active = ext_cell(c, ci->obj, "active");
    imp_check_step(c, at, &step, unit_by_code(p.unit), &p.step);
    int on = 1;
    imp_check_bool(c, at, &active, 1, &on);
    p.active = on == 1;
    imp_product_add(c, &p, at, sku.column);
}

/* A SuppliedProduct no CatalogItem references: nothing to sell it by. */
static void orphan_product(imp_ctx *c, const node *n)
{
    if (n->used || strcmp(n->type, "SuppliedProduct") != 0)
        return;
    const char *name = scalar(c, prop(n->obj, "name", NULL));
    if (!name)
        name = n->id;
    imp_loc at = {n->line, n->line};
    imp_report(
        c, at, "dfc-b:referencedBy", "no_catalog_item",
        arena_printf(c->mem,
                     "le produit « %s » n'a pas d'article de catalogue (référence, prix, "
                     "stock)",
                     name),
        arena_printf(c->mem, "product \"%s\" has no catalog item (sku, price, stock)", name));
}

static void json_error(imp_ctx *c, const csv_text *text, const char *at)
{
    int line = 1, col = 1;
    for (const char *s = text->data; at && s < at && s < text->data + text->len; s++) {
        if (*s == '\n')
            line++, col = 1;
        else
            col++;
    }
    imp_report_file(
        c, "bad_json",
        arena_printf(c->mem, "JSON invalide (ligne %d, colonne %d du texte)", line, col),
        arena_printf(c->mem, "invalid JSON (text line %d, column %d)", line, col));
}

static void delete_json(void *p)
{
    cJSON_Delete(p);
}

void imp_parse_dfc(imp_ctx *c, const csv_text *text)
{
    const char *end = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(text->data, text->len, &end, false);
    if (!root) {
        json_error(c, text, end);
        return;
    }
    arena_defer(c->mem, delete_json, root);
    c->cat->format = IMP_FORMAT_DFC;

    graph g = {0};
    const cJSON *entries =
        cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "@graph") : root;
    if (cJSON_IsArray(entries)) {
        int line = 0;
        const cJSON *it;
        for (it = entries->child; it; it = it->next)
            collect(c, &g, it, ++line);
    } else {
        collect(c, &g, root, 1);
    }
    g.by_id = arena_alloc(c->mem, (g.n + 1) * sizeof *g.by_id);
    g.by_obj = arena_alloc(c->mem, (g.n + 1) * sizeof *g.by_obj);
    for (size_t i = 0; i < g.n; i++)
        g.by_id[i] = g.by_obj[i] = &g.nodes[i];
    if (g.n) {
        qsort(g.by_id, g.n, sizeof *g.by_id, cmp_id);
        qsort(g.by_obj, g.n, sizeof *g.by_obj, cmp_obj);
    }
    link_back(&g);

    size_t items = 0, products = 0;
    for (size_t i = 0; i < g.n && !c->stop; i++) {
        if (strcmp(g.nodes[i].type, "CatalogItem") == 0) {
            catalog_item(c, &g, &g.nodes[i]);
            items++;
        }
        products += strcmp(g.nodes[i].type, "SuppliedProduct") == 0;
    }
    if (items == 0) {
        if (products == 0)
            imp_report_file(c, "not_dfc",
                            "ce JSON n'est pas un catalogue DFC : aucun CatalogItem ni "
                            "SuppliedProduct",
                            "this JSON is not a DFC catalog: no CatalogItem or SuppliedProduct");
        else
            imp_report_file(c, "no_catalog_item",
                            "ce document DFC décrit des produits mais n'en met aucun en vente "
                            "(aucun CatalogItem : ni référence, ni prix, ni stock)",
                            "this DFC document describes products but offers none for sale "
                            "(no CatalogItem: no sku, price or stock)");
        return;
    }
    for (size_t i = 0; i < g.n && !c->stop; i++)
        orphan_product(c, &g.nodes[i]);
}
