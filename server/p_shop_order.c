/*
 * server/p_shop_order.c — POST /order: save the order from any shop page, or change
 * its pickup point from the order's page.
 *
 * A page's form carries a box (q<offer id>) for each of its products only, so the
 * order is merged: a product whose box was sent takes the quantity typed (empty or
 * 0 removes it), every other line of the saved order stays as it is. The pickup
 * point is the one sent, else the saved order's. The whole order then goes through
 * core/order.c, the same function as the JSON API. The button pressed (go) says
 * where to go once it is saved: stay, another page or category, or the order's
 * summary (review, also the default of a form without buttons).
 */
#include "../core/parse.h"
#include "handlers.h"
#include "page.h"
#include "shop_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    int64_t offer;
    const char *field; /* q<offer>, NULL for a line kept from another page */
} merged_line;

/* q<digits> → the offer id; 0 for any other name. */
static int64_t offer_field(const char *name)
{
    if (name[0] != 'q' || !name[1] || strlen(name) > 19 ||
        strspn(name + 1, "0123456789") != strlen(name + 1))
        return 0;
    return strtoll(name + 1, NULL, 10);
}

static const shop_offer *find_offer(const shop_offer *o, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (o[i].id == id)
            return &o[i];
    return NULL;
}

/* Where the button pressed leads once the order is saved (or when nothing was). */
static const char *destination(http_req *req, const shop_view *v, const char *go, bool saved)
{
    const char *flag = saved ? "&saved=1" : "";
    int64_t n;
    if (go && go[0] == 'p' && dec_parse(go + 1, 0, &n) == DEC_OK && n >= 0 && n < v->npages)
        return arena_printf(req->mem, "%s%s", shop_page_href(req, v, n), flag);
    if (go && go[0] == 'c' && dec_parse(go + 1, 0, &n) == DEC_OK && n >= 0 &&
        (size_t)n < v->index.ncategories)
        return arena_printf(req->mem, "/?page=%lld%s#c%lld",
                            (long long)shop_category_page(v, (size_t)n) + 1, flag, (long long)n);
    if (go && !strcmp(go, "stay"))
        return arena_printf(req->mem, "%s%s", shop_page_href(req, v, v->page), flag);
    return arena_printf(req->mem, "/orders/%lld%s", (long long)v->cycle, saved ? "?saved=1" : "");
}

static bool unchanged(const shop_view *v, const order_line_in *lines, const int64_t *offers,
                      size_t n, const char *pickup, const char *method)
{
    const order *o = v->current;
    if (!o || o->nlines != n || strcmp(o->pickup_point, pickup) != 0 ||
        (method && strcmp(method, o->payment_method) != 0))
        return false;
    for (size_t i = 0; i < n; i++) {
        bool same = false;
        for (size_t k = 0; k < o->nlines && !same; k++)
            same = o->lines[k].offer_id == offers[i] && o->lines[k].quantity == lines[i].quantity;
        if (!same)
            return false;
    }
    return true;
}

static void add_error(shop_view *v, const char *field, const char *message)
{
    v->errors[v->nerrors++] = (shop_error){field, message};
}

/* The refusal of core/order.c on the fields of the page: lines[i] is merged[i]. */
static void refusal_errors(http_req *req, shop_view *v, const refusal *why,
                           const merged_line *merged, size_t nl, const char *first_field)
{
    for (size_t i = 0; i < why->ndetails; i++) {
        size_t line;
        const char *f = why->details[i].field, *field = NULL;
        if (f && sscanf(f, "lines[%zu]", &line) == 1 && line < nl)
            field = merged[line].field;
        add_error(v, field, req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
    }
    if (why->ndetails)
        return;
    const char *field = NULL;
    size_t line;
    if (!strcmp(why->code, "empty_order"))
        field = first_field ? first_field : "pickup";
    else if (why->field && !strncmp(why->field, "pickup", 6))
        field = "pickup";
    else if (why->field && !strcmp(why->field, "payment_method"))
        field = "payment_method";
    else if (why->field && sscanf(why->field, "lines[%zu]", &line) == 1 && line < nl)
        field = merged[line].field;
    else if (why->field && !strcmp(why->field, "lines")) /* the whole order: its first box here */
        for (size_t i = 0; i < nl && !field; i++)
            field = merged[i].field;
    add_error(v, field, refusal_text(why, req->lang));
}

/* POST /order — cycle, page, go, pickup, q<offer id>... */
void p_order_submit(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    int64_t page = 0, cycle = 0;
    const char *ps = form_get(&f, "page"), *cs = form_get(&f, "cycle"), *go = form_get(&f, "go");
    if (parse_int(ps, 0, INT32_MAX, &page) != PARSE_OK)
        page = 0;
    if (parse_int(cs, 1, INT64_MAX, &cycle) != PARSE_OK)
        cycle = 0; /* no such cycle: the shop says it is not open */
    shop_view v = {0};
    v.typed = &f;
    shop_search_read(req, &f, &v.search);
    if (!shop_view_load(req, &v, page))
        return;
    if (!v.cycle || v.cycle != cycle) {
        /* closed, or another week since the page was shown: show the shop as it is */
        v.typed = NULL;
        v.errors = arena_alloc(req->mem, sizeof *v.errors);
        add_error(&v, NULL,
                  TR(req, "Les commandes de cette semaine sont fermées : rien n’a été enregistré.",
                     "This week's orders are closed: nothing was saved."));
        shop_render(req, 403, &v);
        return;
    }
    /* the boxes sent, and their offers */
    int64_t *ids = arena_alloc(req->mem, (f.n + 1) * sizeof *ids);
    size_t nids = 0;
    for (size_t i = 0; i < f.n; i++)
        if (offer_field(f.fields[i].name) > 0)
            ids[nids++] = offer_field(f.fields[i].name);
    shop_offer *sent;
    size_t nsent;
    int st = shop_offers_by_id(req->db, req->mem, v.cycle, ids, nids, &sent, &nsent);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    size_t cap = nids + (v.current ? v.current->nlines : 0) + 1;
    order_line_in *lines = arena_alloc(req->mem, cap * sizeof *lines);
    merged_line *merged = arena_alloc(req->mem, cap * sizeof *merged);
    int64_t *offers = arena_alloc(req->mem, cap * sizeof *offers);
    v.errors = arena_alloc(req->mem, (cap + 2) * sizeof *v.errors);
    size_t nl = 0;
    const char *first_field = NULL;
    /* lines of other pages, as saved */
    for (size_t i = 0; v.current && i < v.current->nlines; i++) {
        const order_line *l = &v.current->lines[i];
        if (find_offer(sent, nsent, l->offer_id))
            continue;
        merged[nl] = (merged_line){l->offer_id, NULL};
        offers[nl] = l->offer_id;
        lines[nl++] = (order_line_in){l->producer, l->sku, l->quantity};
    }
    /* the boxes of this page, as typed */
    for (size_t i = 0; i < f.n; i++) {
        const shop_offer *o = find_offer(sent, nsent, offer_field(f.fields[i].name));
        if (!o)
            continue;
        const char *field = f.fields[i].name, *typed = f.fields[i].value;
        if (!first_field)
            first_field = field;
        if (!*typed || strspn(typed, " ") == strlen(typed))
            continue;
        milli_t q;
        if (!parse_form_quantity(typed, &q)) {
            add_error(&v, field,
                      arena_printf(req->mem,
                                   TR(req, "%s : « %s » n’est pas une quantité.",
                                      "%s: \"%s\" is not a quantity."),
                                   o->name, typed));
            continue;
        }
        if (q == 0)
            continue; /* 0 means "none", as an empty box does */
        merged[nl] = (merged_line){o->id, field};
        offers[nl] = o->id;
        lines[nl++] = (order_line_in){o->producer, o->sku, q};
    }
    const char *pickup = form_get(&f, "pickup");
    if (!pickup && v.current)
        pickup = v.current->pickup_point;
    bool navigating = go && strcmp(go, "review") != 0;
    /* nothing chosen yet and only moving on: nothing to save, no error either */
    if (!v.nerrors && nl == 0 && !v.current && navigating) {
        http_reply_redirect(req, destination(req, &v, go, false));
        return;
    }
    if (!pickup)
        add_error(&v, "pickup",
                  TR(req, "Choisissez un point de retrait.", "Choose a pickup point."));
    if (!v.nerrors && nl == 0)
        add_error(&v, first_field ? first_field : "pickup",
                  TR(req, "La commande est vide : choisissez au moins un produit.",
                     "The order is empty: choose at least one product."));
    if (v.nerrors) {
        shop_render(req, 422, &v);
        return;
    }
    const char *method = form_get(&f, "payment_method");
    if (unchanged(&v, lines, offers, nl, pickup, method)) {
        http_reply_redirect(req, destination(req, &v, go, true));
        return;
    }
    order_in in = {req->hub_id, v.cycle, req->session->customer_id, pickup, lines, nl, method, 0};
    order o;
    refusal why = {0};
    st = order_put(req->db, req->mem, &in, &o, &why);
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (st > 0) {
        refusal_errors(req, &v, &why, merged, nl, first_field);
        shop_render(req, why.status, &v);
        return;
    }
    http_reply_redirect(req, destination(req, &v, go, true));
}
