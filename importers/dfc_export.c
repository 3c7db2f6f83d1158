/*
 * importers/dfc_export.c — km0 products to DFC 1.16 JSON-LD.
 *
 * Written with buf rather than a JSON library so the key order stays that of
 * the DFC examples and numbers are printed from exact integers: prices and VAT
 * rates as decimal strings (as DFC platforms send them), quantities as JSON
 * numbers.
 */
#include "dfc_export.h"
#include "../core/buf.h"
#include "../core/country.h"
#include "../core/product_info.h"
#include "../core/text.h"
#include "../core/unit.h"

#include <stdio.h>
#include <string.h>

#define DFC_CONTEXT "https://w3id.org/dfc/ontology/context/context_1.16.0.json"

typedef struct ids {
    const char *base; /* base_url without a trailing '/' */
    size_t base_len;
    const char *slug;
} ids;

/* A JSON string. Text stored before input refused them may hold characters no
 * document should carry (core/text.h): DFC platforms turn JSON-LD into RDF/XML,
 * and km0's own importer refuses them, so they go out as spaces. */
static void put_str(buf *b, const char *s)
{
    buf_putc(b, '"');
    if (text_bad_char(s, strlen(s), TEXT_LINES) >= 0) {
        arena *a = arena_new();
        buf_json_str(b, text_xml_safe(a, s));
        arena_free(a);
    } else {
        buf_json_str(b, s);
    }
    buf_putc(b, '"');
}

/* "base/producers/slug/kind/SKU" with the sku percent-encoded, as a JSON string. */
static void put_id(buf *b, const ids *id, const char *kind, const char *sku)
{
    buf s = BUF_INIT;
    buf_append(&s, id->base, id->base_len);
    buf_puts(&s, "/producers/");
    buf_url(&s, id->slug);
    if (kind) {
        buf_printf(&s, "/%s/", kind);
        buf_url(&s, sku);
    }
    put_str(b, buf_str(&s));
    buf_free(&s);
}

static void put_dec(buf *b, int64_t v, int scale, int min_decimals, bool quoted)
{
    char num[32];
    dec_format(num, v, scale, min_decimals);
    if (quoted)
        put_str(b, num);
    else
        buf_puts(b, num);
}

/* The quantity in one sale unit, as DFC platforms read it: 1 kg for a product
 * sold per kg, the weight of one piece otherwise (a 500 g bag is 0.5 kg). */
static void put_quantity(buf *b, const imp_product *p, const unit_def *u)
{
    buf_puts(b, ",\n   \"dfc-b:hasQuantity\": {\n    \"@type\": \"dfc-b:QuantitativeValue\",\n"
                "    \"dfc-b:hasUnit\": ");
    if (u && unit_is_measure(u)) {
        buf_printf(b, "\"dfc-m:%s\",\n    \"dfc-b:value\": 1", u->dfc);
    } else if (p->weight_g > 0) {
        buf_puts(b, "\"dfc-m:Kilogram\",\n    \"dfc-b:value\": ");
        put_dec(b, p->weight_g, 3, 0, false);
    } else {
        buf_printf(b, "\"dfc-m:%s\",\n    \"dfc-b:value\": 1", u && u->dfc ? u->dfc : "Piece");
    }
    buf_puts(b, "\n   }");
}

static void ext_str(buf *b, const char *name, const char *value)
{
    if (!*value)
        return;
    buf_printf(b, ",\n   \"km0:%s\": ", name);
    put_str(b, value);
}

/* "gluten, milk": codes, as km0's importer reads them back. */
static void ext_codes(buf *b, const char *name, uint32_t mask, bool allergen, bool none_too)
{
    if (!mask && !none_too)
        return;
    buf list = BUF_INIT;
    for (size_t i = 0; i < 32; i++) {
        const char *code = allergen ? (pi_allergen_at(i) ? pi_allergen_at(i)->code : NULL)
                                    : (pi_label_at(i) ? pi_label_at(i)->code : NULL);
        if (!code)
            break;
        if (mask & (1u << i)) {
            if (list.len)
                buf_puts(&list, ", ");
            buf_puts(&list, code);
        }
    }
    ext_str(b, name, list.len ? buf_str(&list) : "none");
    buf_free(&list);
}

/* What food law asks for: DFC's own properties where it has them (allergen
 * characteristics, alcohol, storage, certifications, origin), and km0's for the rest
 * and for an exact read back. */
static void food_info(buf *b, const imp_info *i)
{
    char d[32];
    if (i->alcohol_bp >= 0) {
        buf_puts(b, ",\n   \"dfc-b:alcoholPercentage\": ");
        buf_puts(b, dec_format(d, i->alcohol_bp, 2, 0));
    }
    if (*i->storage) {
        buf_puts(b, ",\n   \"dfc-b:usageOrStorageCondition\": ");
        put_str(b, i->storage);
    }
    if (i->allergens > 0) {
        buf_puts(b, ",\n   \"dfc-b:hasAllergenCharacteristic\": [");
        bool first = true;
        for (size_t k = 0; pi_allergen_at(k); k++)
            if (i->allergens & (1 << k)) {
                buf_printf(b,
                           "%s\n    {\"@type\": \"dfc-b:AllergenCharacteristic\", "
                           "\"dfc-b:hasAllergenDimension\": \"dfc-m:%s\", \"dfc-b:value\": 1}",
                           first ? "" : ",", pi_allergen_at(k)->dfc);
                first = false;
            }
        buf_puts(b, "\n   ]");
    }
    bool facet = false;
    for (size_t k = 0; pi_label_at(k); k++)
        facet = facet || ((i->labels & (1u << k)) && pi_label_at(k)->dfc);
    if (facet) {
        buf_puts(b, ",\n   \"dfc-b:hasCertification\": [");
        bool first = true;
        for (size_t k = 0; pi_label_at(k); k++)
            if ((i->labels & (1u << k)) && pi_label_at(k)->dfc) {
                buf_printf(b, "%s\"dfc-f:%s\"", first ? "" : ", ", pi_label_at(k)->dfc);
                first = false;
            }
        buf_puts(b, "]");
    }
    const char *en = strcmp(i->origin, "EU") ? country_name(i->origin, false) : NULL;
    if (en) { /* DFC's facets name countries in CamelCase: dfc-f:France, dfc-f:UnitedKingdom */
        buf_puts(b, ",\n   \"dfc-b:hasGeographicalOrigin\": \"dfc-f:");
        for (const char *c = en; *c; c++)
            if ((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z'))
                buf_putc(b, *c);
        buf_puts(b, "\"");
    }
    ext_str(b, "kind", i->kind);
    ext_str(b, "ingredients", i->ingredients);
    if (i->allergens >= 0)
        ext_codes(b, "allergens", (uint32_t)i->allergens, true, true);
    ext_codes(b, "mayContain", i->traces, true, false);
    if (i->net_quantity >= 0) {
        char q[48];
        snprintf(q, sizeof q, "%s %s", dec_format(d, i->net_quantity, 3, 0), i->net_unit);
        ext_str(b, "netQuantity", q);
    }
    ext_str(b, "origin", i->origin);
    ext_str(b, "originRegion", i->region);
    ext_codes(b, "labels", i->labels, false, false);
    ext_str(b, "certifier", i->certifier);
}

static void supplied_product(buf *b, const ids *id, const imp_product *p)
{
    const unit_def *u = unit_by_code(p->unit);
    buf_puts(b, ",\n  {\n   \"@id\": ");
    put_id(b, id, "supplied_products", p->sku);
    buf_puts(b, ",\n   \"@type\": \"dfc-b:SuppliedProduct\",\n   \"dfc-b:name\": ");
    put_str(b, p->name);
    if (p->description && *p->description) {
        buf_puts(b, ",\n   \"dfc-b:description\": ");
        put_str(b, p->description);
    }
    put_quantity(b, p, u);
    buf_puts(b, ",\n   \"dfc-b:referencedBy\": ");
    put_id(b, id, "catalog_items", p->sku);
    buf_puts(b, ",\n   \"km0:unit\": ");
    put_str(b, p->unit);
    if (p->weight_g >= 0) {
        buf_puts(b, ",\n   \"km0:weight\": ");
        put_dec(b, p->weight_g, 3, 0, true);
    }
    if (p->category && *p->category) {
        buf_puts(b, ",\n   \"km0:category\": ");
        put_str(b, p->category);
    }
    if (p->organic >= 0)
        buf_printf(b, ",\n   \"km0:organic\": \"%s\"", p->organic ? "true" : "false");
    if (p->measure) { /* priced by the kg or litre: the estimate of a piece, in that measure */
        buf_puts(b, ",\n   \"km0:estimate\": ");
        put_dec(b, p->measure_estimate, 3, 0, true);
    }
    food_info(b, &p->info);
    buf_puts(b, "\n  }");
}

static void catalog_item(buf *b, const ids *id, const imp_product *p)
{
    buf_puts(b, ",\n  {\n   \"@id\": ");
    put_id(b, id, "catalog_items", p->sku);
    buf_puts(b, ",\n   \"@type\": \"dfc-b:CatalogItem\",\n   \"dfc-b:sku\": ");
    put_str(b, p->sku);
    buf_puts(b, ",\n   \"dfc-b:stockLimitation\": ");
    if (p->stock < 0)
        buf_puts(b, "-1");
    else
        put_dec(b, p->stock, 3, 0, false);
    buf_puts(b, ",\n   \"dfc-b:references\": ");
    put_id(b, id, "supplied_products", p->sku);
    buf_puts(b, ",\n   \"dfc-b:offeredThrough\": ");
    put_id(b, id, "offers", p->sku);
    if (p->step != 1000) {
        buf_puts(b, ",\n   \"km0:step\": ");
        put_dec(b, p->step, 3, 0, true);
    }
    if (!p->active)
        buf_puts(b, ",\n   \"km0:active\": \"false\"");
    buf_puts(b, "\n  }");
}

static void offer(buf *b, const ids *id, const imp_product *p)
{
    buf_puts(b, ",\n  {\n   \"@id\": ");
    put_id(b, id, "offers", p->sku);
    buf_puts(b, ",\n   \"@type\": \"dfc-b:Offer\",\n   \"dfc-b:offeredItem\": ");
    put_id(b, id, "catalog_items", p->sku);
    buf_puts(b, ",\n   \"dfc-b:hasPrice\": {\n    \"@type\": \"dfc-b:Price\",\n"
                "    \"dfc-b:value\": ");
    put_dec(b, p->price_excl_vat, 4, 2, true);
    buf_puts(b, ",\n    \"dfc-b:VATrate\": ");
    put_dec(b, p->vat_rate, 2, 0, true);
    buf_puts(b, ",\n    \"dfc-b:hasUnit\": \"dfc-m:Euro\"");
    if (p->price_incl_vat >= 0) {
        buf_puts(b, ",\n    \"km0:priceInclVAT\": ");
        put_dec(b, p->price_incl_vat, 2, 2, true);
    }
    if (p->measure) { /* value is then the estimated price of a piece */
        buf_printf(b, ",\n    \"km0:pricePer%s\": ", strcmp(p->measure, "kg") ? "Litre" : "Kg");
        put_dec(b, p->measure_price, 4, 2, true);
    }
    buf_puts(b, "\n   }\n  }");
}

static void id_list(buf *b, const ids *id, const char *kind, const imp_product *products, size_t n)
{
    buf_puts(b, "[");
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, i ? ",\n    " : "\n    ");
        put_id(b, id, kind, products[i].sku);
    }
    buf_puts(b, n ? "\n   ]" : "]");
}

char *imp_dfc_export(const char *base_url, const char *producer_slug, const char *producer_name,
                     const imp_product *products, size_t n)
{
    ids id = {base_url, strlen(base_url), producer_slug};
    while (id.base_len > 0 && base_url[id.base_len - 1] == '/')
        id.base_len--;
    buf b = BUF_INIT;
    buf_puts(&b, "{\n \"@context\": [\n  \"" DFC_CONTEXT "\",\n  {\"km0\": ");
    buf s = BUF_INIT;
    buf_append(&s, id.base, id.base_len);
    buf_puts(&s, "/ns/km0#");
    put_str(&b, buf_str(&s));
    buf_free(&s);
    buf_puts(&b, "}\n ],\n \"@graph\": [\n  {\n   \"@id\": ");
    put_id(&b, &id, NULL, NULL);
    buf_puts(&b, ",\n   \"@type\": \"dfc-b:Enterprise\",\n   \"dfc-b:name\": ");
    put_str(&b, producer_name);
    buf_puts(&b, ",\n   \"dfc-b:supplies\": ");
    id_list(&b, &id, "supplied_products", products, n);
    buf_puts(&b, ",\n   \"dfc-b:manages\": ");
    id_list(&b, &id, "catalog_items", products, n);
    buf_puts(&b, "\n  }");
    for (size_t i = 0; i < n; i++) {
        supplied_product(&b, &id, &products[i]);
        catalog_item(&b, &id, &products[i]);
        offer(&b, &id, &products[i]);
    }
    buf_puts(&b, "\n ]\n}\n");
    return buf_steal(&b);
}
