/*
 * server/product_form.c — one product's form: its fields, as a one-line catalog, and
 * its page.
 *
 * Phone first: one column, every field labelled with a hint saying what it takes in
 * the producer's words ("500 g", "France (Drôme)"), allergens and labels as boxes to
 * tick rather than words to spell. The form's names are km0's own catalog columns,
 * so that a problem the import finds (importers/catalog_*.c) names the field it is
 * about. What food law asks for and the product lacks is listed above the form.
 */
#include "product_form.h"
#include "../core/money.h"
#include "../core/product_info.h"
#include "../core/unit.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

static const struct {
    const char *name, *fr, *en, *hint_fr, *hint_en;
} fields[PF_COUNT] = {
    {"sku", "Référence", "SKU", "Unique parmi vos produits ; ne change plus ensuite.",
     "Unique among your products; it does not change afterwards."},
    {"name", "Nom", "Name", NULL, NULL},
    {"category", "Rayon", "Aisle", "Légumes, Fromages, Boissons…", "Vegetables, Cheese, Drinks…"},
    {"unit", "Unité de vente", "Sale unit", "kg, pièce, botte, bouteille, pot…",
     "kg, piece, bunch, bottle, jar…"},
    {"price_excl_vat", "Prix HT (€)", "Price excl. VAT (€)",
     "Le prix HT ou le prix TTC, l’un des deux.", "The price excluding or including VAT: one."},
    {"price_incl_vat", "Prix TTC (€)", "Price incl. VAT (€)", NULL, NULL},
    {"vat_rate", "TVA (%)", "VAT (%)", "0, 2,1, 5,5, 10 ou 20.", "0, 2.1, 5.5, 10 or 20."},
    {"weight_kg", "Poids d’une unité (kg)", "Weight of one unit (kg)",
     "Pour les tournées ; vide si inconnu.", "For the rounds; empty when unknown."},
    {"stock", "Stock par semaine", "Stock per week", "Vide : sans limite.", "Empty: no limit."},
    {"step", "Pas de commande", "Order step", "1 par défaut ; 0,5 pour des demi-kilos.",
     "1 by default; 0.5 for half kilograms."},
    {"organic", "Bio", "Organic", "oui, non, ou vide si non précisé.",
     "yes, no, or empty when not stated."},
    {"active", "En vente", "On sale", "oui ou non.", "yes or no."},
    {"kind", "Nature du produit", "Kind of product",
     "Décide des informations obligatoires (voir ci-dessus).",
     "Decides which information is required (see above)."},
    {"net_quantity", "Quantité nette", "Net quantity",
     "D’un produit préemballé : 500 g, 75 cl… Sert au prix au kilo ou au litre.",
     "Of a pre-packed product: 500 g, 75 cl… Gives the price per kg or litre."},
    {"origin", "Pays d’origine", "Country of origin", "France, Espagne, FR…", "France, Spain, FR…"},
    {"region", "Région d’origine", "Region of origin", "Drôme, Provence…", "Drôme, Provence…"},
    {"certifier", "Organisme certificateur bio", "Organic certifier", "Son code : FR-BIO-01…",
     "Its code: FR-BIO-01…"},
    {"alcohol", "Titre alcoométrique (% vol)", "Alcohol strength (% vol)", "12,5", "12.5"},
    {"ingredients", "Ingrédients", "Ingredients",
     "Dans l’ordre ; les allergènes en MAJUSCULES ou entre _soulignés_ (ils seront en gras).",
     "In order; allergens in CAPITALS or between _underscores_ (they will show in bold)."},
    {"storage", "Conservation", "Storage", "À conserver au frais, entre 0 et 4 °C…",
     "Keep refrigerated, between 0 and 4 °C…"},
    {"description", "Description", "Description", NULL, NULL},
};

const char *product_missing_label(http_req *req, const char *code)
{
    static const struct {
        const char *code, *fr, *en;
    } labels[] = {
        {"ingredients", "la liste des ingrédients", "the list of ingredients"},
        {"allergens", "les allergènes (ou « aucun »)", "the allergens (or \"none\")"},
        {"net_quantity", "la quantité nette", "the net quantity"},
        {"origin", "le pays d’origine", "the country of origin"},
        {"alcohol", "le titre alcoométrique (plus de 1,2 % vol)",
         "the alcohol strength (above 1.2 % vol)"},
        {"certifier", "le code de l’organisme certificateur bio", "the organic certifier's code"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof *labels; i++)
        if (!strcmp(labels[i].code, code))
            return TR(req, labels[i].fr, labels[i].en);
    return code;
}

void product_missing_html(buf *b, http_req *req, const char *missing)
{
    const char *s = missing ? missing : "";
    bool first = true;
    while (*s) {
        while (*s == '{' || *s == ',' || *s == '}' || *s == '"')
            s++;
        size_t n = strcspn(s, ",}\"");
        if (!n)
            break;
        char code[32];
        snprintf(code, sizeof code, "%.*s", (int)n, s);
        if (!first)
            buf_puts(b, ", ");
        buf_html(b, product_missing_label(req, code));
        first = false;
        s += n;
    }
}

static const char *dec(http_req *req, int64_t v, int scale, int min_decimals)
{
    char d[32];
    dec_format(d, v, scale, min_decimals);
    if (req->lang[0] == 'f')
        for (char *c = d; *c; c++)
            if (*c == '.')
                *c = ',';
    return arena_strdup(req->mem, d);
}

void product_form_from(http_req *req, product_form *pf, const imp_product *p)
{
    const imp_info *i = &p->info;
    bool fr = req->lang[0] == 'f';
    pf->existing = true;
    pf->v[PF_SKU] = p->sku;
    pf->v[PF_NAME] = p->name;
    pf->v[PF_CATEGORY] = p->category;
    pf->v[PF_UNIT] = p->unit;
    pf->v[PF_PRICE_EXCL] = p->price_incl_vat >= 0 ? "" : dec(req, p->price_excl_vat, 4, 2);
    pf->v[PF_PRICE_INCL] = p->price_incl_vat >= 0 ? dec(req, p->price_incl_vat, 2, 2) : "";
    pf->v[PF_VAT] = dec(req, p->vat_rate, 2, 0);
    pf->v[PF_WEIGHT] = p->weight_g >= 0 ? dec(req, p->weight_g, 3, 0) : "";
    pf->v[PF_STOCK] = p->stock >= 0 ? dec(req, p->stock, 3, 0) : "";
    pf->v[PF_STEP] = dec(req, p->step, 3, 0);
    pf->v[PF_ORGANIC] = p->organic < 0 ? ""
                        : p->organic   ? (fr ? "oui" : "yes")
                                       : (fr ? "non" : "no");
    pf->v[PF_ACTIVE] = p->active ? (fr ? "oui" : "yes") : (fr ? "non" : "no");
    pf->v[PF_KIND] = i->kind;
    pf->v[PF_NET] =
        i->net_quantity >= 0
            ? arena_printf(req->mem, "%s %s", dec(req, i->net_quantity, 3, 0), i->net_unit)
            : "";
    pf->v[PF_ORIGIN] = i->origin;
    pf->v[PF_REGION] = i->region;
    pf->v[PF_CERTIFIER] = i->certifier;
    pf->v[PF_ALCOHOL] = i->alcohol_bp >= 0 ? dec(req, i->alcohol_bp, 2, 0) : "";
    pf->v[PF_INGREDIENTS] = i->ingredients;
    pf->v[PF_STORAGE] = i->storage;
    pf->v[PF_DESCRIPTION] = p->description;
    pf->allergens = i->allergens > 0 ? (uint32_t)i->allergens : 0;
    pf->no_allergen = i->allergens == 0;
    pf->traces = i->traces;
    pf->labels = i->labels;
}

static void add_error(product_form *pf, const char *field, const char *message)
{
    if (pf->nerrors < sizeof pf->errors / sizeof *pf->errors)
        pf->errors[pf->nerrors++] = (product_form_error){field, message};
}

void product_form_read(http_req *req, const form *f, product_form *pf)
{
    for (int i = 0; i < PF_COUNT; i++) {
        const char *v = form_get(f, fields[i].name);
        pf->v[i] = v ? v : "";
    }
    pf->existing = form_get(f, "existing") != NULL;
    char name[40];
    for (size_t i = 0; pi_allergen_at(i); i++) {
        snprintf(name, sizeof name, "a_%s", pi_allergen_at(i)->code);
        if (form_get(f, name))
            pf->allergens |= 1u << i;
        snprintf(name, sizeof name, "t_%s", pi_allergen_at(i)->code);
        if (form_get(f, name))
            pf->traces |= 1u << i;
    }
    for (size_t i = 0; pi_label_at(i); i++) {
        snprintf(name, sizeof name, "l_%s", pi_label_at(i)->code);
        if (form_get(f, name))
            pf->labels |= 1u << i;
    }
    pf->no_allergen = form_get(f, "a_none") != NULL;
    if (pf->no_allergen && pf->allergens)
        add_error(pf, "allergens",
                  TR(req, "Cochez « aucun allergène » ou des allergènes, pas les deux.",
                     "Tick \"no allergen\" or some allergens, not both."));
}

static void csv_value(buf *b, const char *v, bool last)
{
    buf_putc(b, '"');
    for (; *v; v++) {
        if (*v == '"')
            buf_putc(b, '"');
        buf_putc(b, *v);
    }
    buf_putc(b, '"');
    buf_putc(b, last ? '\n' : ',');
}

static const char *codes(http_req *req, uint32_t mask, bool allergen)
{
    const char *lit =
        allergen ? pi_allergens_array(req->mem, mask) : pi_labels_array(req->mem, mask);
    return arena_strndup(req->mem, lit + 1, strlen(lit) - 2); /* "gluten,milk" */
}

const char *product_form_csv(http_req *req, const product_form *pf)
{
    buf b = BUF_INIT;
    for (int i = 0; i < PF_COUNT; i++)
        buf_printf(&b, "%s,", fields[i].name);
    buf_puts(&b, "allergens,traces,labels\n");
    for (int i = 0; i < PF_COUNT; i++)
        csv_value(&b, pf->v[i], false);
    csv_value(&b, pf->no_allergen ? "aucun" : codes(req, pf->allergens, true), false);
    csv_value(&b, codes(req, pf->traces, true), false);
    csv_value(&b, codes(req, pf->labels, false), true);
    const char *out = arena_strdup(req->mem, buf_str(&b));
    buf_free(&b);
    return out;
}

void product_form_problems(http_req *req, product_form *pf, const imp_catalog *cat)
{
    for (size_t i = 0; i < cat->nproblems; i++) {
        const imp_problem *p = &cat->problems[i];
        const char *field = p->column;
        if (field && !strcmp(field, "traces"))
            field = "allergens";
        add_error(pf, field ? arena_strdup(req->mem, field) : NULL,
                  req->lang[0] == 'f' ? p->message_fr : p->message_en);
    }
}

static const char *error_of(const product_form *pf, const char *field)
{
    for (size_t i = 0; i < pf->nerrors; i++)
        if (pf->errors[i].field && !strcmp(pf->errors[i].field, field))
            return pf->errors[i].message;
    return NULL;
}

static void field_html(buf *b, http_req *req, const product_form *pf, int i)
{
    const char *id = fields[i].name, *err = error_of(pf, id);
    const char *hint = TR(req, fields[i].hint_fr, fields[i].hint_en);
    buf_printf(b, "<label for=\"%s\">%s</label>", id, TR(req, fields[i].fr, fields[i].en));
    if (hint)
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, hint);
    if (err) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
        buf_html(b, err);
        buf_puts(b, "</p>");
    }
    bool area = i == PF_INGREDIENTS || i == PF_STORAGE || i == PF_DESCRIPTION;
    if (i == PF_KIND) {
        buf_printf(b,
                   "<select id=\"kind\" name=\"kind\" aria-describedby=\"kind-hint\"%s>"
                   "<option value=\"\">%s</option>",
                   err ? " aria-invalid=\"true\"" : "", TR(req, "non précisée", "not stated"));
        for (size_t k = 0; pi_kind_at(k); k++) {
            const pi_kind *kd = pi_kind_at(k);
            buf_printf(b, "<option value=\"%s\"%s>%s</option>", kd->code,
                       !strcmp(kd->code, pf->v[i]) ? " selected" : "", TR(req, kd->fr, kd->en));
        }
        buf_puts(b, "</select>");
        return;
    }
    buf_printf(b,
               area ? "<textarea rows=\"4\" cols=\"40\" id=\"%s\" name=\"%s\""
                    : "<input type=\"text\" id=\"%s\" name=\"%s\"",
               id, id);
    if (hint || err)
        buf_printf(b, " aria-describedby=\"%s%s%s%s\"", hint ? id : "", hint ? "-hint" : "",
                   err ? (hint ? " " : "") : "", err ? arena_printf(req->mem, "%s-error", id) : "");
    if (err)
        buf_puts(b, " aria-invalid=\"true\"");
    if (i == PF_SKU && pf->existing)
        buf_puts(b, " readonly");
    if (area) {
        buf_puts(b, ">");
        buf_html(b, pf->v[i]);
        buf_puts(b, "</textarea>");
    } else {
        buf_puts(b, " value=\"");
        buf_html(b, pf->v[i]);
        buf_puts(b, "\">");
    }
}

static void boxes(buf *b, http_req *req, const char *prefix, uint32_t mask, bool allergen)
{
    for (size_t i = 0; allergen ? pi_allergen_at(i) != NULL : pi_label_at(i) != NULL; i++) {
        const char *code = allergen ? pi_allergen_at(i)->code : pi_label_at(i)->code;
        const char *label = allergen ? TR(req, pi_allergen_at(i)->fr, pi_allergen_at(i)->en)
                                     : TR(req, pi_label_at(i)->fr, pi_label_at(i)->en);
        buf_printf(b,
                   "<span><input type=\"checkbox\" id=\"%s%s\" name=\"%s%s\" value=\"1\"%s> "
                   "<label class=\"inline\" for=\"%s%s\">",
                   prefix, code, prefix, code, mask & (1u << i) ? " checked" : "", prefix, code);
        buf_html(b, label);
        buf_puts(b, "</label></span>");
    }
}

static void render_form(buf *b, http_req *req, const product_form *pf)
{
    buf_puts(b, "<form method=\"post\" action=\"/producer/product\" id=\"product-form\" "
                "class=\"product-form\" novalidate>");
    page_csrf_field(b, req);
    if (pf->producer->coordinator)
        buf_printf(b, "<input type=\"hidden\" name=\"producer\" value=\"%s\">",
                   pf->producer->producer.slug);
    if (pf->existing)
        buf_puts(b, "<input type=\"hidden\" name=\"existing\" value=\"1\">");
    buf_printf(b, "<fieldset><legend>%s</legend>", TR(req, "Vente", "Sale"));
    for (int i = PF_SKU; i <= PF_ACTIVE; i++)
        field_html(b, req, pf, i);
    buf_printf(b, "</fieldset><fieldset><legend>%s</legend>",
               TR(req, "Informations obligatoires", "Required information"));
    for (int i = PF_KIND; i <= PF_ALCOHOL; i++)
        field_html(b, req, pf, i);
    const char *aerr = error_of(pf, "allergens");
    buf_printf(b, "</fieldset><fieldset id=\"allergens\" class=\"allergens\"%s><legend>%s</legend>",
               aerr ? " aria-describedby=\"allergens-error\"" : "",
               TR(req, "Allergènes contenus", "Allergens it contains"));
    if (aerr) {
        buf_puts(b, "<p class=\"field-error\" id=\"allergens-error\">");
        buf_html(b, aerr);
        buf_puts(b, "</p>");
    }
    buf_printf(b,
               "<p class=\"hint\">%s</p><span><input type=\"checkbox\" id=\"a_none\" "
               "name=\"a_none\" value=\"1\"%s> <label class=\"inline\" for=\"a_none\">%s</label>"
               "</span>",
               TR(req, "Rien de coché : « non précisés ».", "Nothing ticked: \"not stated\"."),
               pf->no_allergen ? " checked" : "", TR(req, "Aucun allergène", "No allergen"));
    boxes(b, req, "a_", pf->allergens, true);
    buf_printf(b, "</fieldset><fieldset class=\"allergens\"><legend>%s</legend>",
               TR(req, "Peut contenir (traces)", "May contain (traces)"));
    boxes(b, req, "t_", pf->traces, true);
    buf_printf(b, "</fieldset><fieldset id=\"labels\" class=\"allergens\"><legend>%s</legend>",
               TR(req, "Labels et signes de qualité", "Labels and quality signs"));
    const char *lerr = error_of(pf, "labels");
    if (lerr) {
        buf_puts(b, "<p class=\"field-error\">");
        buf_html(b, lerr);
        buf_puts(b, "</p>");
    }
    boxes(b, req, "l_", pf->labels, false);
    buf_printf(b, "</fieldset><fieldset><legend>%s</legend>",
               TR(req, "Composition et présentation", "Composition and presentation"));
    for (int i = PF_INGREDIENTS; i <= PF_DESCRIPTION; i++)
        field_html(b, req, pf, i);
    buf_printf(b,
               "</fieldset><div class=\"actions\"><button class=\"btn\" type=\"submit\">%s"
               "</button></div></form>",
               TR(req, "Enregistrer le produit", "Save the product"));
}

static void render_photo(buf *b, http_req *req, const product_form *pf)
{
    buf_printf(b, "<section aria-labelledby=\"photo-title\"><h2 id=\"photo-title\">%s</h2>",
               TR(req, "Photo", "Photo"));
    if (pf->photo && *pf->photo)
        buf_printf(b,
                   "<p><img class=\"photo\" src=\"/photos/%s/page.webp\" alt=\"%s\" "
                   "loading=\"lazy\"></p>",
                   pf->photo, TR(req, "La photo actuelle", "The current photo"));
    buf_puts(b, "<form method=\"post\" action=\"/producer/product/photo\" "
                "enctype=\"multipart/form-data\" id=\"photo-form\" novalidate>");
    page_csrf_field(b, req);
    if (pf->producer->coordinator)
        buf_printf(b, "<input type=\"hidden\" name=\"producer\" value=\"%s\">",
                   pf->producer->producer.slug);
    buf_puts(b, "<input type=\"hidden\" name=\"sku\" value=\"");
    buf_html(b, pf->v[PF_SKU]);
    buf_printf(b, "\"><label for=\"photo\">%s</label><p class=\"hint\" id=\"photo-hint\">%s</p>",
               TR(req, "Nouvelle photo", "New photo"),
               TR(req,
                  "JPEG, PNG, WebP ou HEIC. Elle est réduite et ses métadonnées (position GPS "
                  "comprise) sont effacées.",
                  "JPEG, PNG, WebP or HEIC. It is made smaller and its metadata (GPS position "
                  "included) is removed."));
    if (pf->photo_error) {
        buf_puts(b, "<p class=\"field-error\" id=\"photo-error\">");
        buf_html(b, pf->photo_error);
        buf_puts(b, "</p>");
    }
    buf_printf(b,
               "<input type=\"file\" id=\"photo\" name=\"photo\" accept=\"image/jpeg,image/png,"
               "image/webp,image/heic,image/heif,image/avif\" aria-describedby=\"photo-hint%s\"%s>"
               "<div class=\"actions\"><button class=\"btn\" type=\"submit\">%s</button>",
               pf->photo_error ? " photo-error" : "",
               pf->photo_error ? " aria-invalid=\"true\"" : "",
               TR(req, "Envoyer la photo", "Send the photo"));
    if (pf->photo && *pf->photo)
        buf_printf(b,
                   "<button class=\"btn secondary\" type=\"submit\" name=\"remove\" "
                   "value=\"1\">%s</button>",
                   TR(req, "Retirer la photo", "Remove the photo"));
    buf_puts(b, "</div></form></section>");
}

void product_form_page(http_req *req, int status, const product_form *pf)
{
    buf b = BUF_INIT;
    const char *title = pf->existing ? pf->v[PF_NAME] : TR(req, "Nouveau produit", "New product");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/producer%s%s\">%s</a></p><h1>",
               pf->producer->coordinator ? "?p=" : "",
               pf->producer->coordinator ? pf->producer->producer.slug : "",
               TR(req, "← Mon catalogue", "← My catalog"));
    buf_html(&b, title);
    buf_puts(&b, "</h1>");
    if (pf->saved)
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req,
                      "Produit enregistré. Il sera proposé ainsi à partir de la prochaine "
                      "ouverture des commandes.",
                      "Product saved. It will be offered so from the next order window on."));
    if (pf->photo_saved)
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Photo enregistrée.", "Photo saved."));
    if (pf->missing && strcmp(pf->missing, "{}") && !pf->nerrors) {
        buf_printf(&b, "<div class=\"warn\" id=\"missing\"><p>%s ",
                   TR(req, "La loi demande d’indiquer pour ce produit :",
                      "The law asks this product to state:"));
        product_missing_html(&b, req, pf->missing);
        buf_puts(&b, ".</p></div>");
    }
    if (pf->nerrors) {
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">"
                   "<h2>%s</h2><ul>",
                   TR(req, "Le produit n’est pas enregistré", "The product is not saved"));
        for (size_t i = 0; i < pf->nerrors; i++) {
            if (pf->errors[i].field)
                buf_printf(&b, "<li><a href=\"#%s\">", pf->errors[i].field);
            else
                buf_puts(&b, "<li>");
            buf_html(&b, pf->errors[i].message);
            buf_puts(&b, pf->errors[i].field ? "</a></li>" : "</li>");
        }
        buf_puts(&b, "</ul></div>");
    }
    buf_printf(&b, "<details><summary>%s</summary><ul>",
               TR(req, "Ce que la loi demande selon la nature du produit",
                  "What the law asks for each kind of product"));
    buf_printf(&b, "<li>%s</li><li>%s</li><li>%s</li><li>%s</li><li>%s</li></ul></details>",
               TR(req, "Produit frais (fruits, légumes, viande, poisson, œufs, miel) : l’origine.",
                  "Fresh produce (fruit, vegetables, meat, fish, eggs, honey): the origin."),
               TR(req, "Préemballé : ingrédients, allergènes (ou « aucun »), quantité nette.",
                  "Pre-packed: ingredients, allergens (or \"none\"), net quantity."),
               TR(req, "Vendu en vrac ou à la coupe : les allergènes (ou « aucun »).",
                  "Sold loose: the allergens (or \"none\")."),
               TR(req, "Boisson alcoolisée : titre alcoométrique, quantité nette, allergènes.",
                  "Alcoholic drink: alcohol strength, net quantity, allergens."),
               TR(req, "Bio : le code de l’organisme certificateur (FR-BIO-01…).",
                  "Organic: the certifier's code (FR-BIO-01…)."));
    render_form(&b, req, pf);
    if (pf->existing)
        render_photo(&b, req, pf);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}
