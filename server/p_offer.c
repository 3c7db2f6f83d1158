/*
 * server/p_offer.c — a product's page and a producer's page, for anyone.
 *
 * GET /offers/{id} shows an offer as its cycle froze it, with everything regulation
 * (EU) 1169/2011 asks a distance seller to show before the purchase: name, net
 * quantity, price and price per kg or litre, ingredients with the allergens the
 * producer emphasised in bold, the allergens and possible traces, origin, alcohol
 * strength, storage, labels with the organic certifier's code, and the producer's
 * name and address. producer_week_section adds what a producer sells this week to
 * its public page (server/p_producer_profile.c).
 */
#include "../core/country.h"
#include "../core/cycle.h"
#include "../core/product_info.h"
#include "../core/shop_detail.h"
#include "handlers.h"
#include "offer_html.h"
#include "page.h"
#include "page_error.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fact(buf *b, const char *term)
{
    buf_puts(b, "<dt>");
    buf_html(b, term);
    buf_puts(b, "</dt><dd>");
}

/* Text with its line breaks kept, escaped. */
static void lines_html(buf *b, const char *s)
{
    for (const char *p = s; *p;) {
        size_t n = strcspn(p, "\n");
        char *line = strndup(p, n);
        if (line) {
            buf_html(b, line);
            free(line);
        }
        p += n;
        if (*p == '\n') {
            buf_puts(b, "<br>");
            p++;
        }
    }
}

static void photo_html(buf *b, const offer_detail *d, const char *alt)
{
    if (!*d->o.photo)
        return;
    buf_puts(b, "<picture>");
    if (d->photo_avif)
        buf_printf(b, "<source type=\"image/avif\" srcset=\"/photos/%s/page.avif\">", d->o.photo);
    buf_printf(b,
               "<img class=\"photo\" src=\"/photos/%s/page.webp\" width=\"%d\" height=\"%d\" "
               "loading=\"lazy\" decoding=\"async\" alt=\"",
               d->o.photo, d->photo_width, d->photo_height);
    buf_html(b, alt);
    buf_puts(b, "\"></picture>");
}

static void render_offer_page(http_req *req, const offer_detail *d)
{
    bool fr = req->lang[0] == 'f';
    buf b = BUF_INIT;
    page_begin(&b, req, d->o.name);
    buf_puts(&b, "<h1>");
    buf_html(&b, d->o.name);
    buf_puts(&b, "</h1><p>");
    offer_labels_html(&b, req, d->o.labels);
    buf_puts(&b, " <b>");
    offer_estimate_html(&b, req, &d->o);
    offer_price_html(&b, req, money_price_incl(d->o.price, d->o.rate), d->o.unit, d->o.net_quantity,
                     d->o.net_unit);
    buf_puts(&b, "</b></p>");
    photo_html(&b, d, arena_printf(req->mem, "%s — %s", TR(req, "Photo", "Photo"), d->o.name));
    buf_puts(&b, "<dl class=\"facts\">");
    fact(&b, TR(req, "Producteur", "Producer"));
    buf_printf(&b, "<a href=\"/producers/%s\">", d->o.producer);
    buf_html(&b, d->o.producer_name);
    buf_puts(&b, "</a>");
    if (*d->producer_address || *d->producer_town) {
        buf_puts(&b, "<br>");
        buf_html(&b, *d->producer_address ? d->producer_address : d->producer_town);
    }
    buf_puts(&b, "</dd>");
    if (d->o.net_quantity >= 0) {
        fact(&b, TR(req, "Quantité nette", "Net quantity"));
        offer_net_quantity_html(&b, req, d->o.net_quantity, d->o.net_unit);
        buf_puts(&b, "</dd>");
    }
    if (*d->ingredients) {
        fact(&b, TR(req, "Ingrédients", "Ingredients"));
        pi_ingredients_html(&b, d->ingredients);
        buf_puts(&b, "</dd>");
    }
    fact(&b, TR(req, "Allergènes", "Allergens"));
    if (d->o.allergens < 0)
        buf_puts(&b, TR(req, "non précisés par le producteur", "not stated by the producer"));
    else if (d->o.allergens == 0)
        buf_puts(&b, TR(req, "aucun", "none"));
    else
        pi_allergen_names(&b, (uint32_t)d->o.allergens, fr);
    buf_puts(&b, "</dd>");
    if (d->o.traces) {
        fact(&b, TR(req, "Peut contenir (traces)", "May contain (traces)"));
        pi_allergen_names(&b, d->o.traces, fr);
        buf_puts(&b, "</dd>");
    }
    if (*d->origin) {
        fact(&b, TR(req, "Origine", "Country of origin"));
        const char *name = country_name(d->origin, fr);
        buf_html(&b, name ? name : d->origin);
        if (*d->region) {
            buf_puts(&b, " (");
            buf_html(&b, d->region);
            buf_puts(&b, ")");
        }
        buf_puts(&b, "</dd>");
    }
    if (d->alcohol_bp >= 0) {
        fact(&b, TR(req, "Titre alcoométrique", "Alcohol strength"));
        fmt_rate(&b, req, d->alcohol_bp);
        buf_puts(&b, " % vol</dd>");
    }
    if (d->o.labels) {
        fact(&b, TR(req, "Labels", "Labels"));
        for (size_t i = 0, first = 1; pi_label_at(i); i++)
            if (d->o.labels & (1u << i)) {
                buf_puts(&b, first ? "" : ", ");
                buf_html(&b, TR(req, pi_label_at(i)->fr, pi_label_at(i)->en));
                first = 0;
            }
        if (*d->certifier) {
            buf_puts(&b, TR(req, " — certifié par ", " — certified by "));
            buf_html(&b, d->certifier);
        }
        buf_puts(&b, "</dd>");
    }
    if (*d->storage) {
        fact(&b, TR(req, "Conservation", "Storage"));
        lines_html(&b, d->storage);
        buf_puts(&b, "</dd>");
    }
    if (*d->description) {
        fact(&b, TR(req, "Description", "Description"));
        lines_html(&b, d->description);
        buf_puts(&b, "</dd>");
    }
    if (*d->o.category) {
        fact(&b, TR(req, "Rayon", "Aisle"));
        buf_html(&b, d->o.category);
        buf_puts(&b, "</dd>");
    }
    fact(&b, TR(req, "Vente", "Sale"));
    buf_html(&b, d->cycle_name);
    if (!strcmp(d->cycle_state, "open")) {
        buf_puts(&b, TR(req, " — par ", " — in steps of "));
        fmt_qty(&b, req, d->o.step);
        buf_printf(&b, " %s", fmt_unit(req, d->o.unit, d->o.step));
        if (d->o.left == 0)
            buf_printf(&b, " · <b>%s</b>", TR(req, "épuisé", "sold out"));
    } else {
        buf_puts(&b, TR(req, " (terminée)", " (over)"));
    }
    buf_puts(&b, "</dd></dl>");
    buf_printf(&b, "<p><a href=\"/?producer=%s\">%s</a> · <a href=\"/\">%s</a></p>", d->o.producer,
               TR(req, "Tous ses produits", "All their products"),
               TR(req, "Retour à la boutique", "Back to the shop"));
    page_end(&b, req);
    if (!req->session)
        req->cache = HTTP_CACHE_REVALIDATE;
    http_reply_html(req, 200, &b);
}

/* GET /offers/{id} */
void p_offer(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    offer_detail d;
    bool found;
    int st = shop_offer_detail(req->db, req->mem, req->hub_id, id, &d, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce produit n’existe pas.", "There is no such product."), NULL);
        return;
    }
    render_offer_page(req, &d);
}

/* What a producer sells this week, on its public page (server/p_producer_profile.c):
 * the open cycle's offers as the shop's search by producer finds them. Nothing is
 * written into b unless the reads succeed; returns their status. */
int producer_week_section(buf *b, http_req *req, const char *slug)
{
    int64_t cycle = 0;
    PGresult *cyc;
    int st = cycle_head(req->db, req->mem, req->hub_id, 0, &cyc);
    if (st == DB_OK && PQntuples(cyc) == 1 && !strcmp(db_val(cyc, 0, "state"), "open"))
        cycle = db_int(cyc, 0, "id");
    shop_offer *offers = NULL;
    size_t n = 0;
    int64_t total = 0;
    shop_search s = {"", slug, "", 0};
    if (st == DB_OK && cycle)
        st = shop_search_load(http_read_db(req), req->mem, cycle, &s, 0, &offers, &n, &total);
    if (st != DB_OK)
        return st;
    buf_printf(b, "<h2>%s</h2>", TR(req, "Cette semaine", "This week"));
    if (!n)
        buf_printf(b, "<p>%s</p>",
                   TR(req, "Rien en vente cette semaine.", "Nothing on sale this week."));
    else
        buf_puts(b, "<ul class=\"offers\">");
    for (size_t i = 0; i < n; i++) {
        const shop_offer *o = &offers[i];
        buf_printf(b, "<li><a href=\"/offers/%lld\">", (long long)o->id);
        buf_html(b, o->name);
        buf_puts(b, "</a>");
        offer_labels_html(b, req, o->labels);
        buf_puts(b, " <b>");
        offer_estimate_html(b, req, o);
        offer_price_html(b, req, money_price_incl(o->price, o->rate), o->unit, o->net_quantity,
                         o->net_unit);
        buf_puts(b, "</b><small>");
        offer_allergens_html(b, req, o->allergens, o->traces);
        buf_puts(b, "</small></li>");
    }
    if (n)
        buf_puts(b, "</ul>");
    if (n) {
        buf_puts(b, "<p><a href=\"/?producer=");
        buf_html(b, slug);
        if (total > (int64_t)n)
            buf_printf(
                b, "\">%s (%lld)</a></p>",
                TR(req, "Tous ses produits dans la boutique", "All their products in the shop"),
                (long long)total);
        else
            buf_printf(b, "\">%s</a></p>",
                       TR(req, "Commander dans la boutique", "Order in the shop"));
    }
    return DB_OK;
}
