/*
 * server/p_shop.c — the shop: this week's offers, a page at a time, and the order
 * form, in plain HTML that fits a phone.
 *
 * The order is made in steps without JavaScript. Offers come SHOP_PAGE_SIZE to a
 * page, by category (core/shop.h), so no page grows with the catalog. Each product
 * is one block: its name, its price incl. VAT and its quantity box side by side.
 * For a consumer the page is one form whose every button saves what was typed
 * (POST /order, server/p_shop_order.c) before going where it says: another
 * category, the next page, or the order's summary. A bar fixed at the bottom of the
 * screen keeps the order's running total and the buttons in reach however long the
 * page. The first save asks for the pickup point; it is changed later from the
 * order's page. Visitors see the same pages without boxes, which every visitor
 * shares: they are revalidated (ETag), never rebuilt for nothing.
 *
 * On a refused save the page comes back with every problem in an error summary
 * linked to its field, each field marked and described, everything typed kept.
 */
#include "../core/cycle.h"
#include "handlers.h"
#include "page.h"
#include "shop_page.h"
#include "pay_html.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Categories listed in the page's navigation; past this, the pages lead on. */
#define SHOP_MAX_CATEGORY_LINKS 60

static bool consumer(http_req *req)
{
    return req->session && req->session->role == ROLE_CONSUMER;
}

static const char *error_for(const shop_view *v, const char *field)
{
    for (size_t i = 0; i < v->nerrors; i++)
        if (v->errors[i].field && !strcmp(v->errors[i].field, field))
            return v->errors[i].message;
    return NULL;
}

static milli_t saved_quantity(const shop_view *v, int64_t offer)
{
    for (size_t i = 0; v->current && i < v->current->nlines; i++)
        if (v->current->lines[i].offer_id == offer)
            return v->current->lines[i].quantity;
    return 0;
}

int64_t shop_category_page(const shop_view *v, size_t category)
{
    return category < v->index.ncategories ? shop_page_of(v->index.categories[category].first) : 0;
}

static void render_errors(buf *b, http_req *req, const shop_view *v)
{
    if (!v->nerrors)
        return;
    buf_printf(
        b,
        "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>%s</h2><ul>",
        v->nerrors == 1 ? TR(req, "Votre commande n’est pas enregistrée : un point à corriger",
                             "Your order is not saved: one thing to fix")
                        : TR(req, "Votre commande n’est pas enregistrée : des points à corriger",
                             "Your order is not saved: some things to fix"));
    for (size_t i = 0; i < v->nerrors; i++) {
        const char *f = v->errors[i].field;
        if (f)
            buf_printf(b, "<li><a href=\"#%s\">", f);
        else
            buf_puts(b, "<li>");
        buf_html(b, v->errors[i].message);
        buf_puts(b, f ? "</a></li>" : "</li>");
    }
    buf_puts(b, "</ul></div>");
}

static void render_pickups(buf *b, http_req *req, const shop_view *v)
{
    const char *chosen = v->typed     ? form_get(v->typed, "pickup")
                         : v->current ? v->current->pickup_point
                                      : NULL;
    const char *err = error_for(v, "pickup");
    buf_printf(
        b, "<fieldset id=\"pickup\"%s><legend>%s</legend>",
        err ? " aria-describedby=\"pickup-error\"" : "",
        TR(req, "Où retirez-vous votre commande\u00a0?", "Where do you collect your order?"));
    if (err) {
        buf_puts(b, "<p class=\"field-error\" id=\"pickup-error\">");
        buf_html(b, err);
        buf_puts(b, "</p>");
    }
    for (size_t i = 0; i < v->npickups; i++) {
        const shop_pickup *p = &v->pickups[i];
        bool mine = v->current && !strcmp(v->current->pickup_point, p->slug);
        bool full = p->capacity >= 0 && p->count >= p->capacity && !mine;
        buf_printf(b, "<p><input type=\"radio\" name=\"pickup\" id=\"pp-%s\" value=\"%s\"%s%s>",
                   p->slug, p->slug, chosen && !strcmp(chosen, p->slug) ? " checked" : "",
                   full ? " disabled" : "");
        buf_printf(b, " <label class=\"inline\" for=\"pp-%s\"><b>", p->slug);
        buf_html(b, p->name);
        buf_puts(b, "</b> — ");
        buf_html(b, p->address);
        buf_puts(b, " — ");
        fmt_pickup_slot(b, req, v->delivery_date, p->dow, p->start_min, p->end_min, p->opening);
        if (full)
            buf_printf(b, " (%s)", TR(req, "complet", "full"));
        buf_puts(b, "</label></p>");
    }
    buf_puts(b, "</fieldset>");
}

/* "Retrait : Halle de Crest, vendredi 18 décembre 2026, 17h00–18h30 · changer" */
static void render_pickup_line(buf *b, http_req *req, const shop_view *v)
{
    const shop_pickup *p = NULL;
    for (size_t i = 0; i < v->npickups; i++)
        if (!strcmp(v->pickups[i].slug, v->current->pickup_point))
            p = &v->pickups[i];
    buf_printf(b, "<p>%s <b>", TR(req, "Retrait :", "Pickup:"));
    buf_html(b, v->current->pickup_name);
    buf_puts(b, "</b>");
    if (p) {
        buf_puts(b, ", ");
        fmt_pickup_slot(b, req, v->delivery_date, p->dow, p->start_min, p->end_min, p->opening);
    }
    buf_printf(b, " · <a href=\"/orders/%lld#pickup\">%s</a></p>", (long long)v->cycle,
               TR(req, "changer", "change"));
}

static void price_text(buf *b, http_req *req, const shop_offer *o)
{
    offer_estimate_html(b, req, o); /* "≈ 2 kg, 12,66 €/kg, ≈ 25,32 € / pièce" */
    offer_price_html(b, req, money_price_incl(o->price, o->rate), o->unit, o->net_quantity,
                     o->net_unit);
}

const char *shop_page_href(http_req *req, const shop_view *v, int64_t n)
{
    if (*v->search.qs)
        return arena_printf(req->mem, "/?%s&page=%lld", v->search.qs, (long long)n + 1);
    return arena_printf(req->mem, "/?page=%lld", (long long)n + 1);
}

/* "par 0,5 kg · reste 120 kg · Ferme des Trois Chênes" */
static void offer_facts(buf *b, http_req *req, const shop_offer *o)
{
    buf_puts(b, TR(req, "par ", "in steps of "));
    fmt_qty(b, req, o->step);
    buf_putc(b, ' ');
    buf_puts(b, fmt_unit(req, o->unit, o->step));
    if (o->left == 0) {
        buf_printf(b, " · <b>%s</b>", TR(req, "épuisé", "sold out"));
    } else if (o->left > 0) {
        buf_puts(b, TR(req, " · reste ", " · "));
        fmt_qty(b, req, o->left);
        buf_putc(b, ' ');
        buf_puts(b, fmt_unit(req, o->unit, o->left));
        buf_puts(b, TR(req, "", " left"));
    }
    buf_puts(b, " · ");
    buf_html(b, o->producer_name);
    buf_lit(b, " · ");
    offer_allergens_html(b, req, o->allergens, o->traces);
    /* the link's name says which product: "Fiche produit : Carottes" (one element, not
     * a hidden span: the shop's pages count their elements) */
    const char *details = TR(req, "Fiche produit", "Product details");
    buf_printf(b, " · <a href=\"/offers/%lld\" aria-label=\"%s%s", (long long)o->id, details,
               TR(req, " : ", ": "));
    buf_html(b, o->name);
    buf_printf(b, "\">%s</a>", details);
}

static void render_offer(buf *b, http_req *req, const shop_view *v, const shop_offer *o,
                         bool in_form)
{
    char field[32];
    snprintf(field, sizeof field, "q%lld", (long long)o->id);
    if (!in_form) {
        buf_lit(b, "<li>");
        if (v->thumbnails)
            offer_thumbnail_html(b, o->photo);
        buf_html(b, o->name);
        offer_labels_html(b, req, o->labels);
        buf_lit(b, " <b>");
        price_text(b, req, o);
        buf_lit(b, "</b><small>");
        offer_facts(b, req, o);
        buf_lit(b, "</small></li>");
        return;
    }
    const char *err = v->nerrors ? error_for(v, field) : NULL;
    buf_lit(b, "<li>");
    if (v->thumbnails)
        offer_thumbnail_html(b, o->photo);
    buf_printf(b, "<label for=\"%s\">", field);
    buf_html(b, o->name);
    offer_labels_html(b, req, o->labels);
    /* the price follows the name in the label, not in an element of its own: each
     * element counts, forty times a page */
    buf_lit(b, " ");
    price_text(b, req, o);
    buf_lit(b, "</label>");
    if (err) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", field);
        buf_html(b, err);
        buf_lit(b, "</p>");
    }
    buf_printf(b, "<input class=\"qty\" type=\"text\" inputmode=\"decimal\" id=\"%s\" name=\"%s\"",
               field, field);
    const char *typed = v->typed ? form_get(v->typed, field) : NULL;
    milli_t saved = typed ? 0 : saved_quantity(v, o->id);
    buf_lit(b, " value=\"");
    if (typed)
        buf_html(b, typed);
    else if (saved)
        fmt_qty(b, req, saved);
    buf_putc(b, '"');
    if (o->left == 0 && !saved)
        buf_lit(b, " disabled");
    if (err)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error s%lld\"", field,
                   (long long)o->id);
    else
        buf_printf(b, " aria-describedby=\"s%lld\"", (long long)o->id);
    buf_printf(b, "><small id=\"s%lld\">", (long long)o->id);
    offer_facts(b, req, o);
    buf_lit(b, "</small></li>");
}

static void render_offers(buf *b, http_req *req, const shop_view *v, bool in_form)
{
    if (v->search.active) { /* best match first: one list, no categories */
        buf_printf(b, "<h2 id=\"results\">%s (%lld)</h2>", TR(req, "Résultats", "Results"),
                   (long long)v->found);
        if (v->noffers)
            buf_lit(b, "<ul class=\"offers\">");
        for (size_t i = 0; i < v->noffers; i++)
            render_offer(b, req, v, &v->offers[i], in_form);
        if (v->noffers)
            buf_lit(b, "</ul>");
        return;
    }
    const char *current = NULL;
    size_t k = 0;
    int64_t start = v->page * SHOP_PAGE_SIZE;
    for (size_t i = 0; i < v->noffers; i++) {
        const shop_offer *o = &v->offers[i];
        if (current && !strcmp(current, o->category)) {
            render_offer(b, req, v, o, in_form);
            continue;
        }
        if (current)
            buf_lit(b, "</ul>");
        while (k + 1 < v->index.ncategories && strcmp(v->index.categories[k].name, o->category))
            k++;
        buf_printf(b, "<h2 id=\"c%zu\">", k);
        buf_html(b, *o->category ? o->category : TR(req, "Autres produits", "Other products"));
        if (v->index.categories[k].first < start && i == 0)
            buf_puts(b, TR(req, " (suite)", " (continued)"));
        buf_lit(b, "</h2><ul class=\"offers\">");
        current = o->category;
        render_offer(b, req, v, o, in_form);
    }
    if (current)
        buf_lit(b, "</ul>");
}

/* A way to another page: a link for visitors, a button that saves first in the form. */
static void go(buf *b, bool in_form, const char *value, const char *href, const char *label)
{
    if (in_form) {
        buf_printf(b, "<button class=\"link\" type=\"submit\" name=\"go\" value=\"%s\">", value);
        buf_html(b, label);
        buf_puts(b, "</button>");
    } else {
        buf_puts(b, "<a href=\"");
        buf_html(b, href);
        buf_puts(b, "\">");
        buf_html(b, label);
        buf_puts(b, "</a>");
    }
}

static void render_categories(buf *b, http_req *req, const shop_view *v, bool in_form)
{
    if (v->index.ncategories < 2)
        return;
    buf_printf(b, "<nav aria-label=\"%s\"><ul class=\"cats\">", TR(req, "Rayons", "Aisles"));
    for (size_t k = 0; k < v->index.ncategories && k < SHOP_MAX_CATEGORY_LINKS; k++) {
        const shop_category *c = &v->index.categories[k];
        char value[32], href[64];
        int64_t p = shop_category_page(v, k);
        snprintf(value, sizeof value, "c%zu", k);
        snprintf(href, sizeof href, "/?page=%lld#c%zu", (long long)p + 1, k);
        buf_puts(b, "<li>");
        go(b, in_form, value, href,
           *c->name ? c->name : TR(req, "Autres produits", "Other products"));
        buf_printf(b, " (%lld)</li>", (long long)c->count);
    }
    buf_puts(b, "</ul></nav>");
}

static void render_pager(buf *b, http_req *req, const shop_view *v, bool in_form)
{
    if (v->npages < 2)
        return;
    buf_printf(b, "<nav aria-label=\"%s\"><ul class=\"pager\">", TR(req, "Pages", "Pages"));
    char value[32];
    if (v->page > 0) {
        snprintf(value, sizeof value, "p%lld", (long long)v->page - 1);
        const char *href = shop_page_href(req, v, v->page - 1);
        buf_puts(b, "<li>");
        go(b, in_form, value, href, TR(req, "← Page précédente", "← Previous page"));
        buf_puts(b, "</li>");
    }
    buf_printf(b, "<li>%s %lld / %lld</li>", TR(req, "Page", "Page"), (long long)v->page + 1,
               (long long)v->npages);
    if (v->page + 1 < v->npages) {
        snprintf(value, sizeof value, "p%lld", (long long)v->page + 1);
        const char *href = shop_page_href(req, v, v->page + 1);
        buf_puts(b, "<li>");
        go(b, in_form, value, href, TR(req, "Page suivante →", "Next page →"));
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul></nav>");
}

/* The order bar: first in the form, so that Enter in a quantity box saves and stays
 * (the form's default button is its first); fixed at the bottom of the screen. */
static void render_bar(buf *b, http_req *req, const shop_view *v)
{
    buf_printf(b, "<div class=\"bar\" role=\"region\" aria-label=\"%s\"><p>%s ",
               TR(req, "Ma commande", "My order"), TR(req, "Ma commande :", "My order:"));
    if (v->current && v->current->nlines) {
        /* weighed products count at their estimate until they are weighed */
        buf_puts(b, v->current->estimate ? TR(req, "<b>≈ ", "<b>≈ ") : "<b>");
        fmt_money(b, req, v->current->totals.incl);
        if (v->current->estimate)
            buf_printf(b, " (%s)", TR(req, "estimation", "estimate"));
        buf_printf(b, "</b> · %zu %s", v->current->nlines,
                   v->current->nlines == 1 ? TR(req, "produit", "product")
                                           : TR(req, "produits", "products"));
    } else {
        buf_puts(b, TR(req, "vide", "empty"));
    }
    buf_printf(b,
               "</p><button class=\"btn secondary\" type=\"submit\" name=\"go\" value=\"stay\">"
               "%s</button><button class=\"btn\" type=\"submit\" name=\"go\" value=\"review\">"
               "%s</button></div>",
               TR(req, "Enregistrer", "Save"), TR(req, "Valider ma commande", "Place my order"));
}

void shop_render(http_req *req, int status, shop_view *v)
{
    buf b = BUF_INIT;
    buf_reserve(&b, 24 * 1024);
    bool in_form = consumer(req);
    const char *title = TR(req, "Commande de la semaine", "This week's order");
    page_begin(&b, req, title);
    if (!v->cycle) {
        buf_printf(&b, "<h1>%s</h1><p class=\"notice\">%s</p>", title,
                   TR(req, "Aucune commande n’est ouverte en ce moment. Revenez bientôt !",
                      "No order window is open right now. Come back soon!"));
        page_end(&b, req);
        http_reply_html(req, status, &b);
        return;
    }
    buf_printf(&b, "<h1>%s — ", title);
    buf_html(&b, v->cycle_name);
    buf_printf(&b, "</h1><p>%s <b>", TR(req, "Commandes jusqu’au", "Orders until"));
    fmt_datetime(&b, req, v->closes_at);
    buf_printf(&b, "</b>. %s <b>", TR(req, "Livraison le", "Delivery on"));
    fmt_date(&b, req, v->delivery_date);
    buf_puts(&b, "</b>.</p>");
    if (v->fee_net > 0) { /* the hub's fee per order, said before anything is ordered */
        buf_printf(&b, "<p id=\"order-fee\">%s <b>",
                   TR(req, "Frais par commande, ajoutés au total :",
                      "Fee per order, added to the total:"));
        fmt_money(&b, req, v->fee_net + money_vat(v->fee_net, v->fee_rate));
        buf_printf(&b, "</b> %s ", TR(req, "TTC (TVA", "incl. VAT (VAT"));
        fmt_rate(&b, req, v->fee_rate);
        buf_puts(&b, " %).</p>");
    }
    render_errors(&b, req, v);
    if (v->saved && !v->nerrors)
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Commande enregistrée : elle reste modifiable jusqu’à la clôture.",
                      "Order saved: you can change it until the window closes."));
    if (!req->session)
        buf_printf(&b, "<p class=\"notice\">%s</p>",
                   TR(req,
                      "<a href=\"/login?next=/\">Connectez-vous</a> ou <a "
                      "href=\"/signup\">créez un compte</a> pour commander.",
                      "<a href=\"/login?next=/\">Log in</a> or <a "
                      "href=\"/signup\">sign up</a> to order."));
    else if (!in_form)
        buf_printf(&b, "<p class=\"notice\">%s</p>",
                   TR(req, "Seuls les comptes clients peuvent commander.",
                      "Only customer accounts can order."));
    shop_search_form(&b, req, &v->search, v->producers, v->nproducers);
    if (in_form) {
        buf_puts(&b, "<form class=\"shop\" method=\"post\" action=\"/order\" novalidate>");
        page_csrf_field(&b, req);
        buf_printf(&b,
                   "<input type=\"hidden\" name=\"cycle\" value=\"%lld\"><input type=\"hidden\" "
                   "name=\"page\" value=\"%lld\">",
                   (long long)v->cycle, (long long)v->page);
        if (*v->search.qs) { /* where "Save" comes back to */
            buf_puts(&b, "<input type=\"hidden\" name=\"search\" value=\"");
            buf_html(&b, v->search.qs);
            buf_puts(&b, "\">");
        }
        render_bar(&b, req, v);
        if (!v->current || error_for(v, "pickup") || (v->typed && form_get(v->typed, "pickup")))
            render_pickups(&b, req, v);
        else
            render_pickup_line(&b, req, v);
        /* how to pay: chosen with the first save (then on the order's page) */
        if (!v->current || error_for(v, "payment_method"))
            pay_html_methods(&b, req, v->cycle,
                             v->typed     ? form_get(v->typed, "payment_method")
                             : v->current ? v->current->payment_method
                                          : NULL,
                             error_for(v, "payment_method"));
    }
    render_categories(&b, req, v, in_form);
    if (!v->noffers && v->search.active)
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Aucun produit ne correspond à cette recherche.",
                      "No product matches this search."));
    else if (!v->noffers && !v->search.error)
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Aucun produit sur cette page.", "No product on this page."));
    render_offers(&b, req, v, in_form);
    render_pager(&b, req, v, in_form);
    if (in_form)
        buf_puts(&b, "</form>");
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

bool shop_view_load(http_req *req, shop_view *v, int64_t page)
{
    PGresult *cyc;
    /* the head query itself tells whether an opening is due, so the shop does not
     * pay for a separate check on every page */
    int st = cycle_head(req->db, req->mem, req->hub_id, 0, &cyc);
    if (st == DB_OK && PQntuples(cyc) == 1 && !strcmp(db_val(cyc, 0, "state"), "draft") &&
        (st = cycle_catch_up(req->db, req->hub_id)) == DB_OK) /* read it again, uncached */
        st = cycle_head(req->db, req->mem, req->hub_id, db_int(cyc, 0, "id"), &cyc);
    v->cycle = st == DB_OK && PQntuples(cyc) == 1 && !strcmp(db_val(cyc, 0, "state"), "open")
                   ? db_int(cyc, 0, "id")
                   : 0;
    if (st == DB_OK && v->cycle) {
        v->cycle_name = db_val(cyc, 0, "name");
        v->closes_at = db_val(cyc, 0, "closes_at");
        v->delivery_date = db_val(cyc, 0, "delivery_date");
        v->fee_net = db_int(cyc, 0, "order_fee_cents");
        v->fee_rate = (vat_bp_t)db_int(cyc, 0, "order_fee_vat_bp");
        st = shop_index_load(http_read_db(req), req->mem, v->cycle, &v->index);
    }
    if (st == DB_OK && v->cycle && v->search.active) {
        v->page = page < 0 ? 0 : page > 100000 ? 100000 : page;
        st = shop_search_load(http_read_db(req), req->mem, v->cycle, &v->search.s, v->page,
                              &v->offers, &v->noffers, &v->found);
        v->npages = (v->found + SHOP_PAGE_SIZE - 1) / SHOP_PAGE_SIZE;
        if (st == DB_OK && !v->noffers && v->page > 0 && v->npages) { /* past the end */
            v->page = v->npages - 1;
            st = shop_search_load(http_read_db(req), req->mem, v->cycle, &v->search.s, v->page,
                                  &v->offers, &v->noffers, &v->found);
        }
    } else if (st == DB_OK && v->cycle && !v->search.error) {
        v->npages = (v->index.total + SHOP_PAGE_SIZE - 1) / SHOP_PAGE_SIZE;
        v->page = page < 0 ? 0 : page >= v->npages ? (v->npages ? v->npages - 1 : 0) : page;
        st =
            shop_page_load(http_read_db(req), req->mem, v->cycle, v->page, &v->offers, &v->noffers);
    }
    if (st == DB_OK && v->cycle)
        st = shop_producers_load(http_read_db(req), req->mem, v->cycle, &v->producers,
                                 &v->nproducers);
    if (st == DB_OK && v->cycle)
        st = shop_thumbnails_load(http_read_db(req), req->mem, req->hub_id, &v->thumbnails);
    if (st == DB_OK && v->cycle && consumer(req))
        st = shop_pickups_load(http_read_db(req), req->mem, v->cycle, &v->pickups, &v->npickups);
    if (st == DB_OK && v->cycle && consumer(req)) {
        order *o = arena_alloc(req->mem, sizeof *o);
        bool found;
        st = order_get(req->db, req->mem, req->hub_id, v->cycle, req->session->customer_id, o,
                       &found);
        if (found)
            v->current = o;
    }
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    return true;
}

/* ?page=N, from 1 as people count; anything else is the first page. */
static int64_t page_asked(http_req *req)
{
    const char *p = http_query(req, "page");
    int64_t n;
    if (!p || strlen(p) > 9 || strspn(p, "0123456789") != strlen(p) || dec_parse(p, 0, &n) || n < 1)
        return 0;
    return n - 1;
}

/* GET /[?page=N][&q=WORDS&producer=SLUG&label=CODE&no_<allergen>=1...] */
void p_shop(http_req *req)
{
    shop_view v = {0};
    shop_search_read(req, NULL, &v.search);
    if (!shop_view_load(req, &v, page_asked(req)))
        return;
    v.saved = http_query(req, "saved") != NULL;
    /* a visitor's page is everyone's: browsers and proxies may keep it and ask again */
    if (!req->session)
        req->cache = HTTP_CACHE_REVALIDATE;
    shop_render(req, v.search.error ? 400 : 200, &v);
}
