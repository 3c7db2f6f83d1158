/*
 * server/p_shop.c — the shop: this week's offers and the order form, in plain HTML.
 *
 * One form, one submit, no JavaScript. A field per product (named q<offer id>),
 * the pickup point as radio buttons. On a refused submit the page comes back
 * with every problem in an error summary linked to its field, each field
 * marked and described, and everything the consumer typed kept as typed.
 * The order goes through core/order.c, the same function as the JSON API.
 */
#include "../core/cycle.h"
#include "../core/order.h"
#include "../core/parse.h"
#include "handlers.h"
#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *field; /* q<offer id>, or "pickup" */
    const char *message;
} shop_error;

/* Column numbers of the offers result, looked up once per page rather than once
 * per cell (a 100-product page reads some 1 500 cells). */
typedef struct {
    int id, producer, producer_name, sku, name, category, unit, price, rate, step, left, organic;
} offer_cols;

typedef struct {
    int64_t cycle;
    PGresult *cyc, *offers, *pickups;
    offer_cols col;
    const form *typed;    /* what was submitted, to show again */
    const order *current; /* the consumer's saved order, if any */
    shop_error *errors;
    size_t nerrors;
} shop_view;

static const char *error_for(const shop_view *v, const char *field)
{
    for (size_t i = 0; i < v->nerrors; i++)
        if (!strcmp(v->errors[i].field, field))
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
        buf_printf(b, "<li><a href=\"#%s\">", v->errors[i].field);
        buf_html(b, v->errors[i].message);
        buf_lit(b, "</a></li>");
    }
    buf_lit(b, "</ul></div>");
}

static void render_pickups(buf *b, http_req *req, const shop_view *v, bool editable)
{
    const char *chosen = v->typed     ? form_get(v->typed, "pickup")
                         : v->current ? v->current->pickup_point
                                      : NULL;
    const char *err = error_for(v, "pickup");
    buf_printf(b, "<fieldset id=\"pickup\"%s><legend>%s</legend>",
               err ? " aria-describedby=\"pickup-error\"" : "",
               TR(req, "Point de retrait", "Pickup point"));
    if (err) {
        buf_lit(b, "<p class=\"field-error\" id=\"pickup-error\">");
        buf_html(b, err);
        buf_lit(b, "</p>");
    }
    for (int i = 0; i < PQntuples(v->pickups); i++) {
        const char *slug = db_val(v->pickups, i, "slug");
        bool full =
            !db_null(v->pickups, i, "capacity_orders") &&
            db_int(v->pickups, i, "orders_count") >= db_int(v->pickups, i, "capacity_orders");
        bool mine = v->current && !strcmp(v->current->pickup_point, slug);
        buf_printf(b, "<p><input type=\"radio\" name=\"pickup\" id=\"pp-%s\" value=\"%s\"", slug,
                   slug);
        if (chosen && !strcmp(chosen, slug))
            buf_lit(b, " checked");
        if ((full && !mine) || !editable)
            buf_lit(b, " disabled");
        buf_printf(b, "> <label class=\"inline\" for=\"pp-%s\"><strong>", slug);
        buf_html(b, db_val(v->pickups, i, "name"));
        buf_lit(b, "</strong> — ");
        buf_html(b, db_val(v->pickups, i, "address"));
        buf_lit(b, " — ");
        buf_html(b, db_val(v->pickups, i, "opening"));
        if (full && !mine)
            buf_printf(b, " <strong>(%s)</strong>", TR(req, "complet", "full"));
        buf_lit(b, "</label></p>");
    }
    buf_lit(b, "</fieldset>");
}

static void render_offer_row(buf *b, http_req *req, const shop_view *v, int i, bool editable)
{
    PGresult *o = v->offers;
    const offer_cols *c = &v->col;
    int64_t id = strtoll(PQgetvalue(o, i, c->id), NULL, 10);
    const char *unit = PQgetvalue(o, i, c->unit), *name = PQgetvalue(o, i, c->name);
    milli_t step = strtoll(PQgetvalue(o, i, c->step), NULL, 10);
    char field[32];
    field[0] = 'q';
    dec_format(field + 1, id, 0, 0);
    const char *err = v->nerrors ? error_for(v, field) : NULL;
    buf_lit(b, "<tr><td id=\"n");
    buf_int(b, id);
    buf_lit(b, "\">");
    buf_html(b, name);
    if (!PQgetisnull(o, i, c->organic) && PQgetvalue(o, i, c->organic)[0] == 't') {
        buf_lit(b, "<span class=\"badge\">");
        buf_puts(b, TR(req, "bio", "organic"));
        buf_lit(b, "</span>");
    }
    buf_lit(b, "</td><td class=\"num\">");
    fmt_money(b, req,
              money_price_incl(strtoll(PQgetvalue(o, i, c->price), NULL, 10),
                               (vat_bp_t)strtol(PQgetvalue(o, i, c->rate), NULL, 10)));
    buf_lit(b, " / ");
    buf_puts(b, fmt_unit(req, unit, 1000));
    buf_lit(b, "</td><td class=\"num\">");
    milli_t left = PQgetisnull(o, i, c->left) ? -1 : strtoll(PQgetvalue(o, i, c->left), NULL, 10);
    if (left < 0) {
        buf_lit(b, "—");
    } else {
        fmt_qty(b, req, left);
        buf_putc(b, ' ');
        buf_puts(b, fmt_unit(req, unit, left));
    }
    buf_lit(b, "</td><td><label class=\"sr\" for=\"");
    buf_puts(b, field);
    buf_lit(b, "\">");
    buf_puts(b, TR(req, "Quantité de ", "Quantity of "));
    buf_html(b, name);
    buf_lit(b, " (");
    buf_puts(b, fmt_unit(req, unit, 2000));
    buf_lit(b, ")</label>");
    if (err) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", field);
        buf_html(b, err);
        buf_lit(b, "</p>");
    }
    buf_lit(b, "<input class=\"qty\" type=\"text\" inputmode=\"decimal\" id=\"");
    buf_puts(b, field);
    buf_lit(b, "\" name=\"");
    buf_puts(b, field);
    const char *typed = v->typed ? form_get(v->typed, field) : NULL;
    milli_t saved = typed ? 0 : saved_quantity(v, id);
    buf_lit(b, "\" value=\"");
    if (typed)
        buf_html(b, typed);
    else if (saved)
        fmt_qty(b, req, saved);
    buf_putc(b, '"');
    if (!editable || left == 0)
        buf_lit(b, " disabled");
    if (err)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error s%lld\"", field,
                   (long long)id);
    else {
        buf_lit(b, " aria-describedby=\"s");
        buf_int(b, id);
        buf_putc(b, '"');
    }
    buf_lit(b, "><span class=\"hint\" id=\"s");
    buf_int(b, id);
    buf_lit(b, "\">");
    buf_puts(b, TR(req, "par ", "in steps of "));
    fmt_qty(b, req, step);
    buf_lit(b, "</span></td></tr>");
}

static void render_offers(buf *b, http_req *req, const shop_view *v, bool editable)
{
    const char *producer = NULL, *category = NULL;
    for (int i = 0; i < PQntuples(v->offers); i++) {
        const char *p = PQgetvalue(v->offers, i, v->col.producer),
                   *c = PQgetvalue(v->offers, i, v->col.category);
        if (!producer || strcmp(producer, p) != 0) {
            if (producer)
                buf_lit(b, "</tbody></table></section>");
            buf_lit(b, "<section><h2>");
            buf_html(b, PQgetvalue(v->offers, i, v->col.producer_name));
            buf_lit(b, "</h2>");
            producer = p;
            category = NULL;
        }
        if (!category || strcmp(category, c) != 0) {
            if (category)
                buf_lit(b, "</tbody></table>");
            buf_lit(b, "<table><caption>");
            buf_html(b, *c ? c : TR(req, "Produits", "Products"));
            buf_printf(b,
                       "</caption><thead><tr><th scope=\"col\">%s</th><th scope=\"col\" "
                       "class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th><th "
                       "scope=\"col\">%s</th></tr></thead><tbody>",
                       TR(req, "Produit", "Product"), TR(req, "Prix TTC", "Price incl. VAT"),
                       TR(req, "Reste", "Left"), TR(req, "Quantité", "Quantity"));
            category = c;
        }
        render_offer_row(b, req, v, i, editable);
    }
    if (producer)
        buf_lit(b, "</tbody></table></section>");
}

static void render_shop(http_req *req, int status, shop_view *v)
{
    buf b = BUF_INIT;
    buf_reserve(&b, 64 * 1024); /* a 100-product form is about 47 KB: grow once */
    bool consumer = req->session && req->session->role == ROLE_CONSUMER;
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
    buf_html(&b, db_val(v->cyc, 0, "name"));
    buf_printf(&b, "</h1><p>%s <strong>", TR(req, "Commandes jusqu’au", "Orders until"));
    fmt_datetime(&b, req, db_val(v->cyc, 0, "closes_at"));
    buf_printf(&b, "</strong>. %s <strong>", TR(req, "Livraison le", "Delivery on"));
    fmt_date(&b, req, db_val(v->cyc, 0, "delivery_date"));
    buf_puts(&b, "</strong>.</p>");
    render_errors(&b, req, v);
    if (v->current && !v->typed)
        buf_printf(&b, "<p class=\"notice\">%s <a href=\"/orders/%lld\">%s</a></p>",
                   TR(req, "Vous avez déjà une commande ; modifiez-la ci-dessous.",
                      "You already have an order; change it below."),
                   (long long)v->cycle, TR(req, "Voir ma commande", "See my order"));
    if (!consumer)
        buf_printf(&b, "<p class=\"notice\">%s</p>",
                   req->session ? TR(req, "Seuls les comptes clients peuvent commander.",
                                     "Only customer accounts can order.")
                                : TR(req,
                                     "<a href=\"/login?next=/\">Connectez-vous</a> ou <a "
                                     "href=\"/signup\">créez un compte</a> pour commander.",
                                     "<a href=\"/login?next=/\">Log in</a> or <a "
                                     "href=\"/signup\">sign up</a> to order."));
    buf_puts(&b, "<form method=\"post\" action=\"/order\" novalidate>");
    page_csrf_field(&b, req);
    buf_printf(&b, "<input type=\"hidden\" name=\"cycle\" value=\"%lld\">", (long long)v->cycle);
    render_pickups(&b, req, v, consumer);
    render_offers(&b, req, v, consumer);
    if (consumer)
        buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p>",
                   TR(req, "Valider ma commande", "Place my order"));
    buf_puts(&b, "</form>");
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

static void resolve_columns(shop_view *v)
{
    PGresult *o = v->offers;
    v->col = (offer_cols){PQfnumber(o, "id"),
                          PQfnumber(o, "producer"),
                          PQfnumber(o, "producer_name"),
                          PQfnumber(o, "sku"),
                          PQfnumber(o, "name"),
                          PQfnumber(o, "category"),
                          PQfnumber(o, "unit"),
                          PQfnumber(o, "price_excl_vat_e4"),
                          PQfnumber(o, "vat_rate_bp"),
                          PQfnumber(o, "step_milli"),
                          PQfnumber(o, "left_milli"),
                          PQfnumber(o, "organic")};
}

/* Load everything the shop shows; false after replying with an error. */
static bool load_view(http_req *req, shop_view *v)
{
    /* the head query itself tells whether an opening is due, so the shop does not
     * pay for a separate check on every page */
    int st = cycle_head(req->db, req->mem, req->hub_id, v->cycle, &v->cyc);
    if (st == DB_OK && PQntuples(v->cyc) == 1 && !strcmp(db_val(v->cyc, 0, "state"), "draft") &&
        (st = cycle_catch_up(req->db, req->hub_id)) == DB_OK) /* read it again, uncached */
        st = cycle_head(req->db, req->mem, req->hub_id, db_int(v->cyc, 0, "id"), &v->cyc);
    if (st == DB_OK) {
        v->cycle = PQntuples(v->cyc) == 1 && !strcmp(db_val(v->cyc, 0, "state"), "open")
                       ? db_int(v->cyc, 0, "id")
                       : 0;
    }
    if (st == DB_OK && v->cycle &&
        (st = cycle_offers_cached(req->db, req->mem, v->cycle, &v->offers)) == DB_OK)
        st = cycle_pickup_points_cached(req->db, req->mem, v->cycle, &v->pickups);
    if (st == DB_OK && v->cycle)
        resolve_columns(v);
    if (st == DB_OK && v->cycle && req->session && req->session->role == ROLE_CONSUMER) {
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

/* GET / */
void p_shop(http_req *req)
{
    shop_view v = {0};
    if (load_view(req, &v))
        render_shop(req, 200, &v);
}

/* Map a refusal's field ("lines[3].quantity", "pickup_point") to a form field; one
 * about the whole order ("lines": past the cycle's limit) to its first line. */
static const char *form_field_of(http_req *req, const char *field, const int64_t *line_offer)
{
    size_t i;
    if (field && sscanf(field, "lines[%zu]", &i) == 1)
        return arena_printf(req->mem, "q%lld", (long long)line_offer[i]);
    if (field && !strcmp(field, "lines"))
        return arena_printf(req->mem, "q%lld", (long long)line_offer[0]);
    return "pickup";
}

/* POST /order */
void p_order_submit(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    shop_view v = {0};
    v.typed = &f;
    if (parse_int(form_get(&f, "cycle"), 1, INT64_MAX, &v.cycle) != PARSE_OK)
        v.cycle = 0; /* no such cycle: the shop says it is not open */
    if (!load_view(req, &v))
        return;
    if (!v.cycle) {
        render_shop(req, 403, &v);
        return;
    }
    int n = PQntuples(v.offers);
    order_line_in *lines = arena_alloc(req->mem, ((size_t)n + 1) * sizeof *lines);
    int64_t *line_offer = arena_alloc(req->mem, ((size_t)n + 1) * sizeof *line_offer);
    v.errors = arena_alloc(req->mem, ((size_t)n + 2) * sizeof *v.errors);
    size_t nl = 0;
    for (int i = 0; i < n; i++) {
        int64_t id = db_int(v.offers, i, "id");
        const char *field = arena_printf(req->mem, "q%lld", (long long)id);
        const char *typed = form_get(&f, field);
        if (!typed || !*typed || strspn(typed, " ") == strlen(typed))
            continue;
        milli_t q;
        if (!parse_form_quantity(typed, &q)) {
            v.errors[v.nerrors++] =
                (shop_error){field, arena_printf(req->mem,
                                                 TR(req, "%s : « %s » n’est pas une quantité.",
                                                    "%s: \"%s\" is not a quantity."),
                                                 db_val(v.offers, i, "name"), typed)};
            continue;
        }
        if (q == 0)
            continue; /* 0 means "none", as an empty field does */
        line_offer[nl] = id;
        lines[nl++] =
            (order_line_in){db_val(v.offers, i, "producer"), db_val(v.offers, i, "sku"), q};
    }
    const char *pickup = form_get(&f, "pickup");
    if (!pickup)
        v.errors[v.nerrors++] = (shop_error){
            "pickup", TR(req, "Choisissez un point de retrait.", "Choose a pickup point.")};
    if (v.nerrors) {
        render_shop(req, 422, &v);
        return;
    }
    order_in in = {req->hub_id, v.cycle, req->session->customer_id, pickup, lines, nl};
    order o;
    refusal why = {0};
    int st = order_put(req->db, req->mem, &in, &o, &why);
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (st > 0) {
        if (why.ndetails) {
            for (size_t i = 0; i < why.ndetails; i++)
                v.errors[v.nerrors++] =
                    (shop_error){form_field_of(req, why.details[i].field, line_offer),
                                 refusal_text(&(refusal){0, NULL, NULL, why.details[i].fr,
                                                         why.details[i].en, NULL, 0},
                                              req->lang)};
        } else {
            v.errors[v.nerrors++] = (shop_error){
                strcmp(why.code, "empty_order") ? form_field_of(req, why.field, line_offer)
                : nl                            ? "pickup"
                     : (n ? arena_printf(req->mem, "q%lld", (long long)db_int(v.offers, 0, "id"))
                          : "pickup"),
                refusal_text(&why, req->lang)};
        }
        /* the cycle may have closed meanwhile: reload so the page says so */
        render_shop(req, why.status, &v);
        return;
    }
    http_reply_redirect(req, arena_printf(req->mem, "/orders/%lld?saved=1", (long long)v.cycle));
}
