/*
 * server/p_producer.c — the producer's page: their catalog, and sending a new one.
 *
 * GET /producer shows a producer's products and an upload form with two
 * buttons, "check" (a dry run, the default for Enter) and "import". POST
 * /producer/catalog answers with the same page and, above it, either every
 * problem of the file in a table (nothing written), the preview of what would
 * change, or what changed. A coordinator sees the list of the hub's producers
 * and opens any producer's page with /producer?p=SLUG (the form then carries
 * the slug). A checked file is kept (importers/catalog_review.h) so that the
 * preview's "Import this file" needs no second choice of it, and a file read on a
 * guess, or that looks like another producer's, waits for a confirmation. The
 * import itself is importers/catalog_db.c, as for the CLI and the API. Above the
 * catalog, the producer's week (server/p_producer_week.c). Ids used by tests and assistive links:
 * catalog-form, catalog-file, catalog-encoding, catalog-deactivate, catalog-check, catalog-import,
 * errors, problems, result, counts, changed, created, absent, products, producers.
 */
#include "../core/config.h"
#include "../importers/catalog_db.h"
#include "p_producer.h"
#include "producer_page.h"
#include "handlers.h"
#include "page.h"
#include "product_form.h"

#include <stdio.h>
#include <string.h>

#define FR(req) ((req)->lang[0] == 'f')

/* v / 10^scale with a decimal comma in French: "5,5", "0,25". */
static void put_dec(buf *b, http_req *req, int64_t v, int scale, int min_decimals)
{
    char d[32];
    dec_format(d, v, scale, min_decimals);
    if (FR(req))
        for (char *c = d; *c; c++)
            if (*c == '.')
                *c = ',';
    buf_puts(b, d);
}

/* A unit price with up to four decimals: "19,9052 €" (fr) / "€19.9052" (en). */
static void fmt_price4(buf *b, http_req *req, price4_t p)
{
    if (!FR(req))
        buf_puts(b, "€");
    put_dec(b, req, p, 4, 2);
    if (FR(req))
        buf_puts(b, "\u00a0€");
}

static void render_form(buf *b, http_req *req, const producer_view *v)
{
    buf_printf(b, "<section aria-labelledby=\"upload-title\"><h2 id=\"upload-title\">%s</h2>",
               TR(req, "Envoyer un catalogue", "Send a catalog"));
    buf_puts(b,
             "<form method=\"post\" action=\"/producer/catalog\" enctype=\"multipart/form-data\" "
             "id=\"catalog-form\" novalidate>");
    page_csrf_field(b, req);
    if (v->coordinator) {
        buf_puts(b, "<input type=\"hidden\" name=\"producer\" value=\"");
        buf_html(b, v->producer.slug);
        buf_puts(b, "\">");
    }
    buf_printf(b, "<label for=\"catalog-file\">%s</label>",
               TR(req, "Fichier du catalogue", "Catalog file"));
    buf_printf(b, "<p class=\"hint\" id=\"catalog-file-hint\">%s ",
               TR(req,
                  "Un tableur enregistré en CSV (séparateur virgule, point-virgule ou "
                  "tabulation), le modèle d’import Open Food Network, ou un catalogue DFC "
                  "(JSON-LD). Au plus",
                  "A spreadsheet saved as CSV (comma, semicolon or tab separated), the Open Food "
                  "Network import template, or a DFC catalog (JSON-LD). At most"));
    /* rounded down: a file of the size shown is always accepted */
    size_t max = g_config.catalog_max_bytes;
    if (max >= (1u << 20))
        buf_printf(b, "%zu %s</p>", max >> 20, TR(req, "Mo.", "MB."));
    else
        buf_printf(b, "%zu %s</p>", max >> 10, TR(req, "ko.", "KB."));
    if (v->form_error) {
        buf_puts(b, "<p class=\"field-error\" id=\"catalog-file-error\">");
        buf_html(b, v->form_error);
        buf_puts(b, "</p>");
    }
    buf_printf(b,
               "<input type=\"file\" id=\"catalog-file\" name=\"file\" required "
               "accept=\".csv,.tsv,.txt,.json,.jsonld,text/csv,text/plain,application/json,"
               "application/ld+json\" aria-describedby=\"%scatalog-file-hint\"%s>",
               v->form_error ? "catalog-file-error " : "",
               v->form_error ? " aria-invalid=\"true\"" : "");
    static const struct {
        const char *value, *fr, *en;
    } encodings[] = {
        {"auto", "Détection automatique (recommandé)", "Detect automatically (recommended)"},
        {"utf-8", "UTF-8", "UTF-8"},
        {"windows-1252", "Windows-1252 (Excel sous Windows)", "Windows-1252 (Excel on Windows)"},
    };
    buf_printf(b,
               "<label for=\"catalog-encoding\">%s</label><select id=\"catalog-encoding\" "
               "name=\"encoding\">",
               TR(req, "Encodage du fichier", "File encoding"));
    for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
        buf_printf(b, "<option value=\"%s\"%s>%s</option>", encodings[i].value,
                   v->encoding && !strcmp(v->encoding, encodings[i].value) ? " selected" : "",
                   TR(req, encodings[i].fr, encodings[i].en));
    buf_printf(b,
               "</select><p><input type=\"checkbox\" id=\"catalog-deactivate\" "
               "name=\"deactivate_missing\" value=\"1\"%s> <label class=\"inline\" "
               "for=\"catalog-deactivate\">%s</label></p>",
               v->deactivate ? " checked" : "",
               TR(req, "Retirer de la vente les produits absents du fichier",
                  "Take products missing from the file off sale"));
    /* the check comes first: it is what Enter does, and it writes nothing */
    buf_printf(b,
               "<div class=\"actions\"><button class=\"btn secondary\" type=\"submit\" "
               "name=\"action\" value=\"check\" id=\"catalog-check\">%s</button>"
               "<button class=\"btn\" type=\"submit\" name=\"action\" value=\"import\" "
               "id=\"catalog-import\">%s</button></div></form></section>",
               TR(req, "Vérifier (sans enregistrer)", "Check (without saving)"),
               TR(req, "Importer", "Import"));
}

static void render_problems(buf *b, http_req *req, const imp_catalog *cat)
{
    size_t n = cat->nproblems;
    buf_printf(b,
               "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">"
               "<h2>%s</h2><p>",
               TR(req, "Le catalogue n’a pas été importé", "The catalog was not imported"));
    if (n == 1)
        buf_puts(b, TR(req, "Un problème à corriger dans le fichier ; rien n’a été enregistré.",
                       "One problem to fix in the file; nothing was saved."));
    else
        buf_printf(b,
                   TR(req, "%zu problèmes à corriger dans le fichier ; rien n’a été enregistré.",
                      "%zu problems to fix in the file; nothing was saved."),
                   n);
    buf_printf(b, "</p><p><a href=\"#problems\">%s</a></p></div>",
               TR(req, "Voir les problèmes ligne par ligne", "See the problems line by line"));
    buf_printf(b,
               "<section aria-labelledby=\"problems-title\"><h2 id=\"problems-title\">%s</h2>"
               "<div class=\"table-scroll\"><table id=\"problems\"><thead><tr>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th></tr></thead><tbody>",
               TR(req, "Problèmes dans le fichier", "Problems in the file"),
               TR(req, "Ligne", "Line"), TR(req, "Colonne", "Column"),
               TR(req, "Problème", "Problem"));
    for (size_t i = 0; i < n; i++) {
        const imp_problem *p = &cat->problems[i];
        buf_puts(b, "<tr><td class=\"num\">");
        if (p->line <= 0)
            buf_puts(b, TR(req, "tout le fichier", "whole file"));
        else
            buf_printf(b, "%d", p->line);
        if (p->line > 0 && p->row != p->line)
            buf_printf(b, TR(req, " (ligne %d du tableur)", " (row %d in a spreadsheet)"), p->row);
        buf_puts(b, "</td><td>");
        buf_html(b, p->column ? p->column : "—");
        buf_puts(b, "</td><td>");
        buf_html(b, FR(req) ? p->message_fr : p->message_en);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table></div></section>");
}

static void render_change(buf *b, http_req *req, const imp_change *c)
{
    bool fr = FR(req);
    buf_puts(b, "<li>");
    buf_html(b, imp_field_label(c->field, fr));
    buf_puts(b, FR(req) ? "\u00a0: " : ": ");
    buf_html(b, imp_value_text(req->mem, c->field, c->old_value, fr));
    buf_printf(b, " <span aria-hidden=\"true\">→</span><span class=\"sr\">%s</span> ",
               TR(req, "devient", "becomes"));
    buf_html(b, imp_value_text(req->mem, c->field, c->new_value, fr));
    buf_puts(b, "</li>");
}

static void product_cells(buf *b, const char *sku, const char *name)
{
    buf_puts(b, "<tr><td>");
    buf_html(b, sku);
    buf_puts(b, "</td><td>");
    buf_html(b, name);
    buf_puts(b, "</td>");
}

static void table_head(buf *b, http_req *req, const char *id, const char *caption, bool changes)
{
    buf_printf(b, "<div class=\"table-scroll\"><table id=\"%s\"><caption>", id);
    buf_html(b, caption);
    buf_printf(b, "</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>",
               TR(req, "Référence", "SKU"), TR(req, "Produit", "Product"));
    if (changes)
        buf_printf(b, "<th scope=\"col\">%s</th>", TR(req, "Changements", "Changes"));
    buf_puts(b, "</tr></thead><tbody>");
}

/* Lists in a summary stop at LIST_MAX rows: a first import of thousands of products
 * is better told by its counts than by a page nobody scrolls. */
#define LIST_MAX 500

static void more(buf *b, http_req *req, size_t n)
{
    if (n > LIST_MAX)
        buf_printf(b,
                   TR(req, "<p class=\"hint\">… et %zu autres.</p>",
                      "<p class=\"hint\">… and %zu more.</p>"),
                   n - LIST_MAX);
}

static void render_summary(buf *b, http_req *req, const imp_result *res)
{
    const imp_summary *s = &res->summary;
    const imp_catalog *cat = &res->catalog;
    size_t deactivated = s->deactivate_missing ? s->nabsent : 0;
    buf_puts(b, "<section id=\"result\" aria-labelledby=\"result-title\">");
    if (s->dry_run)
        buf_printf(b, "<h2 id=\"result-title\">%s</h2><p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Aperçu de l’import", "Import preview"),
                   TR(req,
                      "Rien n’a encore été enregistré. Pour enregistrer ces changements, "
                      "importez ce fichier avec le bouton ci-dessous.",
                      "Nothing has been saved yet. To save these changes, import this file with "
                      "the button below."));
    else
        buf_printf(b, "<h2 id=\"result-title\">%s</h2><p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Catalogue importé", "Catalog imported"),
                   TR(req,
                      "Le catalogue est enregistré. Les cycles déjà ouverts gardent leurs "
                      "prix ; le prochain cycle prendra ce catalogue.",
                      "The catalog is saved. Cycles already open keep their prices; the next "
                      "cycle will use this catalog."));
    buf_printf(
        b, "<ul id=\"counts\"><li>%s %zu</li><li>%s %zu</li><li>%s %zu</li><li>%s %zu</li></ul>",
        TR(req, "Nouveaux :", "New:"), s->ncreated, TR(req, "Modifiés :", "Changed:"), s->nchanged,
        TR(req, "Inchangés :", "Unchanged:"), s->nunchanged,
        TR(req, "Retirés de la vente :", "Taken off sale:"), deactivated);
    buf_printf(b, "<p class=\"hint\">%s %s, %s ",
               TR(req, "Fichier lu : format", "File read: format"), imp_format_name(cat->format),
               TR(req, "encodage", "encoding"));
    buf_html(b, cat->encoding);
    if (cat->separator)
        buf_printf(b, ", %s %s", TR(req, "séparateur", "separator"),
                   cat->separator == '\t'  ? TR(req, "tabulation", "tab")
                   : cat->separator == ';' ? TR(req, "« ; »", "\";\"")
                                           : TR(req, "« , »", "\",\""));
    if (cat->nignored_columns) {
        buf_printf(b, ". %s ", TR(req, "Colonnes ignorées :", "Ignored columns:"));
        for (size_t i = 0; i < cat->nignored_columns; i++) {
            if (i)
                buf_puts(b, ", ");
            buf_html(b, cat->ignored_columns[i]);
        }
    }
    buf_puts(b, ".</p>");
    if (s->nchanged) {
        table_head(b, req, "changed", TR(req, "Produits modifiés", "Changed products"), true);
        for (size_t i = 0; i < s->nchanged && i < LIST_MAX; i++) {
            product_cells(b, s->changed[i].product->sku, s->changed[i].product->name);
            buf_puts(b, "<td><ul class=\"changes\">");
            for (size_t k = 0; k < s->changed[i].nchanges; k++)
                render_change(b, req, &s->changed[i].changes[k]);
            buf_puts(b, "</ul></td></tr>");
        }
        buf_puts(b, "</tbody></table></div>");
        more(b, req, s->nchanged);
    }
    if (s->ncreated) {
        table_head(b, req, "created", TR(req, "Nouveaux produits", "New products"), false);
        for (size_t i = 0; i < s->ncreated && i < LIST_MAX; i++) {
            product_cells(b, s->created[i]->sku, s->created[i]->name);
            buf_puts(b, "</tr>");
        }
        buf_puts(b, "</tbody></table></div>");
        more(b, req, s->ncreated);
    }
    if (s->nabsent) {
        table_head(b, req, "absent",
                   s->deactivate_missing ? TR(req, "Absents du fichier, retirés de la vente",
                                              "Missing from the file, taken off sale")
                                         : TR(req, "Absents du fichier, laissés en vente",
                                              "Missing from the file, kept on sale"),
                   false);
        for (size_t i = 0; i < s->nabsent && i < LIST_MAX; i++) {
            product_cells(b, s->absent[i].sku, s->absent[i].name);
            buf_puts(b, "</tr>");
        }
        buf_puts(b, "</tbody></table></div>");
        more(b, req, s->nabsent);
    }
    buf_puts(b, "</section>");
}

/* The warnings of a checked file, and the form that imports it without choosing it
 * again (its token), with the confirmation the warnings ask for. */
static void render_review(buf *b, http_req *req, const producer_view *v)
{
    if (v->nwarnings) {
        buf_printf(
            b, "<div class=\"warn\" id=\"warnings\" role=\"alert\"><h2>%s</h2><ul>",
            v->unconfirmed
                ? TR(req, "Import en attente : à confirmer", "Import on hold: to be confirmed")
                : TR(req, "À vérifier avant d’importer", "To check before importing"));
        for (size_t i = 0; i < v->nwarnings; i++) {
            buf_puts(b, "<li>");
            buf_html(b, FR(req) ? v->warnings[i].fr : v->warnings[i].en);
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ul></div>");
    }
    if (!v->draft)
        return;
    buf_puts(b, "<form method=\"post\" action=\"/producer/catalog\" id=\"draft-form\">");
    page_csrf_field(b, req);
    if (v->coordinator) {
        buf_puts(b, "<input type=\"hidden\" name=\"producer\" value=\"");
        buf_html(b, v->producer.slug);
        buf_puts(b, "\">");
    }
    buf_printf(b, "<input type=\"hidden\" name=\"draft\" value=\"%s\">", v->draft);
    if (v->nwarnings)
        buf_printf(b,
                   "<p><input type=\"checkbox\" id=\"catalog-confirm\" name=\"confirm\" "
                   "value=\"1\"> <label class=\"inline\" for=\"catalog-confirm\">%s</label></p>",
                   TR(req, "J’ai vérifié : ce fichier est bien mon catalogue, lu correctement.",
                      "I have checked: this file is my catalog, read correctly."));
    buf_printf(b,
               "<div class=\"actions\"><button class=\"btn\" type=\"submit\" name=\"action\" "
               "value=\"import\" id=\"draft-import\">%s",
               TR(req, "Importer ce fichier", "Import this file"));
    if (v->draft_name && *v->draft_name) {
        buf_puts(b, " (");
        buf_html(b, v->draft_name);
        buf_puts(b, ")");
    }
    buf_puts(b, "</button></div></form>");
}

/* Products listed on the page; a catalog of thousands is better read as a file. */
#define PRODUCTS_SHOWN 300

static void render_products(buf *b, http_req *req, const imp_product *p, size_t n, const char *who)
{
    buf_printf(
        b, "<section aria-labelledby=\"products-title\"><h2 id=\"products-title\">%s (%zu)</h2>",
        TR(req, "Produits enregistrés", "Saved products"), n);
    buf_printf(
        b,
        "<p><a class=\"btn secondary\" href=\"/producer/product%s\" id=\"new-product\">%s</a></p>",
        *who ? arena_printf(req->mem, "?%s", who + 1) : "",
        TR(req, "Ajouter un produit", "Add a product"));
    size_t lacking = 0;
    for (size_t i = 0; i < n; i++)
        lacking += strcmp(p[i].info.missing, "{}") != 0;
    if (lacking) /* what the law requires and is missing: said to the producer first */
        buf_printf(b, "<p class=\"warn\" id=\"lacking\">%s</p>",
                   arena_printf(req->mem,
                                TR(req,
                                   "%zu produit(s) n’ont pas toutes les informations que la loi "
                                   "demande : voyez « Manque » ci-dessous%s.",
                                   "%zu product(s) lack information the law requires: see "
                                   "\"Missing\" below%s."),
                                lacking,
                                TR(req, " ; le groupement peut les laisser hors de la boutique",
                                   "; the hub may keep them out of the shop")));
    if (!n) {
        buf_printf(b, "<p>%s</p></section>",
                   TR(req, "Aucun produit pour l’instant : envoyez votre catalogue ci-dessus.",
                      "No products yet: send your catalog above."));
        return;
    }
    buf_printf(b,
               "<div class=\"table-scroll\"><table id=\"products\"><thead><tr>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\">%s</th></tr></thead><tbody>",
               TR(req, "Référence", "SKU"), TR(req, "Produit", "Product"),
               TR(req, "Catégorie", "Category"), TR(req, "Unité", "Unit"),
               TR(req, "Prix HT", "Price excl. VAT"), TR(req, "Prix TTC", "Price incl. VAT"),
               TR(req, "TVA", "VAT"), TR(req, "Stock par cycle", "Stock per cycle"),
               TR(req, "Pas", "Step"), TR(req, "En vente", "On sale"));
    /* labels for the cells when narrow screens show each row as a block */
    const char *l_unit = TR(req, "Unité", "Unit"), *l_excl = TR(req, "Prix HT", "Price excl. VAT"),
               *l_incl = TR(req, "Prix TTC", "Price incl. VAT"), *l_vat = TR(req, "TVA", "VAT"),
               *l_stock = TR(req, "Stock par cycle", "Stock per cycle"),
               *l_step = TR(req, "Pas", "Step"), *l_sale = TR(req, "En vente", "On sale");
    for (size_t i = 0; i < n && i < PRODUCTS_SHOWN; i++, p++) {
        buf_puts(b, "<tr><td>");
        buf_html(b, p->sku);
        buf_puts(b, "</td><td><a href=\"/producer/product?sku=");
        buf_url(b, p->sku);
        buf_puts(b, who);
        buf_puts(b, "\">");
        buf_html(b, p->name);
        buf_puts(b, "</a>");
        if (strcmp(p->info.missing, "{}")) {
            buf_printf(b, "<br><span class=\"late\">%s ", TR(req, "Manque :", "Missing:"));
            product_missing_html(b, req, p->info.missing);
            buf_puts(b, "</span>");
        }
        buf_puts(b, "</td>");
        if (p->organic == 1)
            buf_printf(b, "<td><span class=\"badge\">%s</span> ", TR(req, "bio", "organic"));
        else
            buf_puts(b, "<td>");
        buf_html(b, p->category);
        buf_printf(b, "</td><td data-l=\"%s\">", l_unit);
        buf_html(b, fmt_unit(req, p->unit, 1000));
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">", l_excl);
        fmt_price4(b, req, p->price_excl_vat);
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">", l_incl);
        fmt_money(b, req,
                  p->price_incl_vat >= 0 ? p->price_incl_vat
                                         : money_price_incl(p->price_excl_vat, p->vat_rate));
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">", l_vat);
        put_dec(b, req, p->vat_rate, 2, 0);
        buf_printf(b, "\u00a0%%</td><td class=\"num\" data-l=\"%s\">", l_stock);
        if (p->stock < 0)
            buf_puts(b, TR(req, "illimité", "unlimited"));
        else
            fmt_qty(b, req, p->stock);
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">", l_step);
        fmt_qty(b, req, p->step);
        buf_printf(b, "</td><td data-l=\"%s\">%s</td></tr>", l_sale,
                   p->active ? TR(req, "oui", "yes") : TR(req, "non, retiré", "no, off sale"));
    }
    buf_puts(b, "</tbody></table></div>");
    if (n > PRODUCTS_SHOWN)
        buf_printf(b,
                   TR(req,
                      "<p class=\"hint\">… et %zu autres : le catalogue entier s’obtient en "
                      "fichier par GET /api/v1/producers/{slug}/catalog.</p>",
                      "<p class=\"hint\">… and %zu more: the whole catalog is a file at GET "
                      "/api/v1/producers/{slug}/catalog.</p>"),
                   n - PRODUCTS_SHOWN);
    buf_puts(b, "</section>");
}

void producer_page(http_req *req, int status, const producer_view *v)
{
    imp_product *products;
    size_t n;
    int st = imp_catalog_list(req->db, req->mem, v->producer.id, &products, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Catalogue", "Catalog");
    page_begin(&b, req, arena_printf(req->mem, "%s — %s", title, v->producer.name));
    buf_printf(&b, "<h1>%s — ", title);
    buf_html(&b, v->producer.name);
    buf_puts(&b, "</h1>");
    if (v->coordinator)
        buf_printf(&b, "<p><a href=\"/producer\">%s</a></p>",
                   TR(req, "Tous les producteurs", "All producers"));
    else
        buf_printf(&b, "<p><a href=\"/producer/contracts\">%s</a></p>",
                   TR(req, "Mes contrats AMAP : paniers à préparer par livraison",
                      "My AMAP contracts: baskets to prepare per delivery"));
    if (v->form_error) {
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">"
                   "<h2>%s</h2><ul><li><a href=\"#catalog-file\">",
                   TR(req, "Il y a un problème", "There is a problem"));
        buf_html(&b, v->form_error);
        buf_puts(&b, "</a></li></ul></div>");
    }
    if (v->result && v->result->catalog.nproblems)
        render_problems(&b, req, &v->result->catalog);
    else if (v->result) {
        render_review(&b, req, v);
        render_summary(&b, req, v->result);
    }
    if (!v->result && !v->form_error)
        producer_week_sections(&b, req, v->producer.id, v->producer.slug);
    render_form(&b, req, v);
    render_products(&b, req, products, n,
                    v->coordinator ? arena_printf(req->mem, "&p=%s", v->producer.slug) : "");
    producer_profile_section(&b, req, v);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* Coordinators without ?p=: whose catalog to open. */
static void render_producer_list(http_req *req)
{
    imp_producer *list;
    size_t n;
    int st = imp_producer_list(req->db, req->mem, req->hub_id, &list, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Catalogues des producteurs", "Producers' catalogs");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><ul id=\"producers\">", title);
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, "<li><a href=\"/producer?p=");
        buf_url(&b, list[i].slug);
        buf_puts(&b, "\">");
        buf_html(&b, list[i].name);
        buf_puts(&b, "</a></li>");
    }
    buf_puts(&b, "</ul>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* Whose page this is: a producer's own, or for a coordinator the one asked for
 * (requested NULL: none yet, *p->slug stays NULL). false after an error reply. */
bool producer_or_reply(http_req *req, const char *requested, producer_view *v)
{
    const http_session *s = req->session;
    v->coordinator = s->role == ROLE_COORDINATOR;
    const char *slug = v->coordinator ? requested : s->producer_slug;
    if (!v->coordinator && requested && *requested && strcmp(requested, slug) != 0) {
        http_reply_error(req, 403, "forbidden",
                         TR(req, "Vous ne pouvez voir que votre propre catalogue.",
                            "You may see your own catalog only."),
                         NULL);
        return false;
    }
    if (!slug || !*slug)
        return true;
    bool found;
    int st = imp_producer_find(req->db, req->mem, req->hub_id, slug, &v->producer, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "unknown_producer",
                         TR(req, "Ce producteur n’existe pas.", "There is no such producer."),
                         NULL);
        return false;
    }
    return true;
}

/* GET /producer[?p=SLUG] */
void p_producer(http_req *req)
{
    producer_view v = {0};
    if (!producer_or_reply(req, http_query(req, "p"), &v))
        return;
    if (!v.producer.slug)
        render_producer_list(req);
    else
        producer_page(req, 200, &v);
}
