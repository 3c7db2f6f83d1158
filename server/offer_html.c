/*
 * server/offer_html.c — what every product block shows, and the shop's search form.
 *
 * A product block says, next to its price, what French price rules and food law
 * ask a distance seller to say before the purchase: the price per kilogram or litre
 * of what is sold whole, and the allergens (décret 2015-447 for food that is not
 * pre-packed as well). Its labels are badges; its photo, when the hub shows them, a
 * small lazy-loaded thumbnail with a fixed size, so the page does not move as it
 * arrives.
 *
 * The search form is a plain GET form (no JavaScript): words (PostgreSQL full text,
 * core/shop.c), a producer, a label, and allergens to avoid, each allergen a
 * checkbox of its own name (no_gluten=1) since an address never repeats a name
 * (server/http.c refuses it).
 */
#include "offer_html.h"
#include "../core/product_info.h"
#include "../core/unit.h"
#include "../core/util.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

void offer_price_html(buf *b, http_req *req, cents_t price_incl, const char *unit,
                      milli_t net_quantity, const char *net_unit)
{
    fmt_money(b, req, price_incl);
    buf_lit(b, " / ");
    buf_puts(b, fmt_unit(req, unit, 1000));
    cents_t per;
    const char *base;
    if (pi_unit_price(price_incl, unit, net_quantity, net_unit, &per, &base)) {
        buf_lit(b, " — ");
        fmt_money(b, req, per);
        buf_lit(b, " / ");
        buf_puts(b, base);
    }
}

void offer_estimate_html(buf *b, http_req *req, const shop_offer *o)
{
    if (!o->measure)
        return;
    const char *m = strcmp(o->measure, "l") ? "kg" : "l";
    buf_lit(b, "≈ ");
    fmt_qty(b, req, o->measure_estimate);
    buf_printf(b, " %s, ", m);
    fmt_money(b, req, money_price_incl(o->measure_price, o->rate));
    buf_printf(b, "/%s, ≈ ", m);
}

void offer_net_quantity_html(buf *b, http_req *req, milli_t q, const char *unit)
{
    fmt_qty(b, req, q);
    buf_putc(b, ' ');
    buf_puts(b, !strcmp(unit, "l") ? "L" : unit);
}

void offer_allergens_html(buf *b, http_req *req, int64_t allergens, uint32_t traces)
{
    bool fr = req->lang[0] == 'f';
    buf_puts(b, TR(req, "Allergènes\u00a0: ", "Allergens: "));
    if (allergens < 0)
        buf_puts(b, TR(req, "non précisés", "not stated"));
    else if (allergens == 0)
        buf_puts(b, TR(req, "aucun", "none"));
    else
        pi_allergen_names(b, (uint32_t)allergens, fr);
    if (traces) {
        buf_puts(b, TR(req, " · traces possibles\u00a0: ", " · may contain: "));
        pi_allergen_names(b, traces, fr);
    }
}

void offer_labels_html(buf *b, http_req *req, uint32_t labels)
{
    for (size_t i = 0; pi_label_at(i); i++) {
        if (!(labels & (1u << i)))
            continue;
        const pi_label *l = pi_label_at(i);
        const char *name =
            !strcmp(l->code, "organic") ? TR(req, "bio", "organic") : TR(req, l->fr, l->en);
        buf_lit(b, " <span class=\"badge\">");
        buf_html(b, name);
        buf_lit(b, "</span>");
    }
}

void offer_thumbnail_html(buf *b, const char *photo)
{
    if (!photo || !*photo)
        return;
    /* decorative: the product's name is beside it */
    buf_printf(b,
               "<img class=\"thumb\" src=\"/photos/%s/thumb.webp\" alt=\"\" width=\"56\" "
               "height=\"56\" loading=\"lazy\" decoding=\"async\">",
               photo);
}

/* ---- the search ------------------------------------------------------------------ */

typedef struct {
    http_req *req;
    const form *f;
} source;

static const char *get(const source *s, const char *name)
{
    return s->f ? form_get(s->f, name) : http_query(s->req, name);
}

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

void shop_search_read(http_req *req, const form *f, shop_search_view *v)
{
    memset(v, 0, sizeof *v);
    v->s.q = v->s.producer = v->s.label = "";
    v->qs = "";
    form carried;
    if (f) { /* a shop form carries its search back as a query string */
        const char *qs = form_get(f, "search");
        if (!qs || form_parse_urlencoded(req->mem, qs, strlen(qs), &carried) != FORM_OK)
            return;
        f = &carried;
    }
    source src = {req, f};
    const char *q = get(&src, "q");
    if (q) {
        while (*q == ' ')
            q++;
        if (chars(q) > SHOP_SEARCH_MAX_CHARS)
            v->error = arena_printf(req->mem,
                                    TR(req, "La recherche est trop longue : %d caractères au plus.",
                                       "The search is too long: %d characters at most."),
                                    SHOP_SEARCH_MAX_CHARS);
        else
            v->s.q = q;
    }
    const char *p = get(&src, "producer");
    if (p && *p && strlen(p) <= 64 && slug_valid(p))
        v->s.producer = p;
    const char *l = get(&src, "label");
    if (l && pi_label_bit(l) >= 0)
        v->s.label = l;
    for (size_t i = 0; pi_allergen_at(i); i++) {
        char name[40];
        snprintf(name, sizeof name, "no_%s", pi_allergen_at(i)->code);
        const char *on = get(&src, name);
        if (on && *on)
            v->s.without |= 1u << i;
    }
    v->active = *v->s.q || *v->s.producer || *v->s.label || v->s.without;
    v->filters = get(&src, "filters") != NULL;
    buf qs = BUF_INIT;
    if (*v->s.q) {
        buf_puts(&qs, "q=");
        buf_url(&qs, v->s.q);
    }
    if (*v->s.producer)
        buf_printf(&qs, "%sproducer=%s", qs.len ? "&" : "", v->s.producer);
    if (*v->s.label)
        buf_printf(&qs, "%slabel=%s", qs.len ? "&" : "", v->s.label);
    for (size_t i = 0; pi_allergen_at(i); i++)
        if (v->s.without & (1u << i))
            buf_printf(&qs, "%sno_%s=1", qs.len ? "&" : "", pi_allergen_at(i)->code);
    v->qs = arena_strdup(req->mem, buf_str(&qs));
    buf_free(&qs);
}

void shop_search_form(buf *b, http_req *req, const shop_search_view *v,
                      const shop_producer *producers, size_t nproducers)
{
    buf_printf(b,
               "<form class=\"search\" method=\"get\" action=\"/\" role=\"search\" "
               "id=\"search\"><label for=\"q\">%s</label>",
               TR(req, "Rechercher un produit", "Search for a product"));
    if (v->error) {
        buf_puts(b, "<p class=\"field-error\" id=\"q-error\">");
        buf_html(b, v->error);
        buf_puts(b, "</p>");
    }
    buf_printf(b,
               "<p class=\"search-row\"><input type=\"search\" id=\"q\" name=\"q\" "
               "maxlength=\"%d\"%s value=\"",
               SHOP_SEARCH_MAX_CHARS,
               v->error ? " aria-invalid=\"true\" aria-describedby=\"q-error\"" : "");
    buf_html(b, v->s.q);
    buf_printf(b, "\"> <button class=\"btn\" type=\"submit\">%s</button></p>",
               TR(req, "Chercher", "Search"));
    bool open = *v->s.producer || *v->s.label || v->s.without;
    if (!v->active && !v->filters) {
        /* the shop's first view stays light: the filters are one link away */
        buf_printf(b, "<p><a href=\"/?filters=1#search\">%s</a></p></form>",
                   TR(req, "Filtrer : producteur, label, allergènes",
                      "Filter: producer, label, allergens"));
        return;
    }
    buf_printf(
        b, "<details%s><summary>%s</summary>", open || v->filters ? " open" : "",
        TR(req, "Filtrer : producteur, label, allergènes", "Filter: producer, label, allergens"));
    buf_printf(b,
               "<label for=\"f-producer\">%s</label><select id=\"f-producer\" "
               "name=\"producer\"><option value=\"\">%s</option>",
               TR(req, "Producteur", "Producer"), TR(req, "Tous", "All"));
    for (size_t i = 0; i < nproducers; i++) {
        buf_printf(b, "<option value=\"%s\"%s>", producers[i].slug,
                   !strcmp(producers[i].slug, v->s.producer) ? " selected" : "");
        buf_html(b, producers[i].name);
        buf_puts(b, "</option>");
    }
    buf_printf(b,
               "</select><label for=\"f-label\">%s</label><select id=\"f-label\" "
               "name=\"label\"><option value=\"\">%s</option>",
               TR(req, "Label", "Label"), TR(req, "Tous", "All"));
    for (size_t i = 0; pi_label_at(i); i++) {
        const pi_label *l = pi_label_at(i);
        buf_printf(b, "<option value=\"%s\"%s>", l->code,
                   !strcmp(l->code, v->s.label) ? " selected" : "");
        buf_html(b, TR(req, l->fr, l->en));
        buf_puts(b, "</option>");
    }
    buf_printf(b, "</select><fieldset class=\"allergens\"><legend>%s</legend>",
               TR(req, "Sans ces allergènes (ni traces)", "Without these allergens (nor traces)"));
    for (size_t i = 0; pi_allergen_at(i); i++) {
        const pi_allergen *a = pi_allergen_at(i);
        buf_printf(b,
                   "<span><input type=\"checkbox\" id=\"no-%s\" name=\"no_%s\" value=\"1\"%s> "
                   "<label class=\"inline\" for=\"no-%s\">",
                   a->code, a->code, v->s.without & (1u << i) ? " checked" : "", a->code);
        buf_html(b, TR(req, a->fr, a->en));
        buf_puts(b, "</label></span>");
    }
    buf_printf(b, "</fieldset><p><button class=\"btn secondary\" type=\"submit\">%s</button>",
               TR(req, "Appliquer les filtres", "Apply the filters"));
    if (v->active)
        buf_printf(b, " <a href=\"/\">%s</a>", TR(req, "Tout effacer", "Clear all"));
    buf_puts(b, "</p></details></form>");
}
