/*
 * server/p_desk_orders.c — the coordinator types a customer's order: taken by phone,
 * or copied from the paper order form.
 *
 *   GET  /desk/cycles/{id}/orders/{customer}   the whole form, the current order in it
 *   POST /desk/cycles/{id}/orders/{customer}   set the whole order (core/order.c)
 *
 * Built for fast keyboard entry without JavaScript: every offer of the cycle in the
 * paper form's order and with its number (core/orderform.c), one text box each, so
 * Tab walks down the paper; an empty box or 0 is "none". The order goes through
 * order_put like the shop's (stock, steps, limits, pickup capacity, frozen prices),
 * recorded as entered by the coordinator (orders.entered_by, entered_at). Every
 * problem comes back at once on its box (422, or 409 for stock), nothing saved.
 */
#include "../core/customer_offline.h"
#include "../core/cycle.h"
#include "../core/order.h"
#include "../core/orderform.h"
#include "../core/shop.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

typedef struct {
    int64_t cycle;
    customer_row customer;
    const char *cycle_name, *state, *closes_at, *delivery_date;
    bool open;
    orderform_offer *offers;
    size_t noffers;
    shop_pickup *pickups;
    size_t npickups;
    order current;
    bool has_order;
    /* after a refusal: what was typed, and the problems by form field */
    const form *typed;
    const char **error_of; /* per offer, NULL when fine */
    const char *pickup_error, *summary_field;
    refusal_detail *problems;
    size_t nproblems;
} entry_view;

static void field_name(char out[32], int64_t offer_id)
{
    snprintf(out, 32, "o%lld", (long long)offer_id);
}

/* Load everything the page shows; false after a reply (404, 503...). */
static bool load(http_req *req, entry_view *v)
{
    int64_t customer;
    memset(v, 0, sizeof *v);
    if (!http_id_or_reply(req, "id", &v->cycle) || !http_id_or_reply(req, "customer", &customer))
        return false;
    bool found;
    PGresult *c;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = customer_find(req->db, req->mem, req->hub_id, customer, &v->customer, &found);
    if (st == DB_OK && !found) {
        http_reply_error(req, 404, "unknown_customer",
                         TR(req, "Ce client n’existe pas dans ce pôle.",
                            "There is no such customer in this hub."),
                         "customer");
        return false;
    }
    if (st == DB_OK)
        st = cycle_get(req->db, req->mem, req->hub_id, v->cycle, &c);
    if (st == DB_OK && PQntuples(c) == 0) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce cycle n’existe pas.", "There is no such cycle."), "cycle");
        return false;
    }
    if (st == DB_OK) {
        v->cycle_name = db_val(c, 0, "name");
        v->state = db_val(c, 0, "state");
        v->closes_at = db_val(c, 0, "closes_at");
        v->delivery_date = db_val(c, 0, "delivery_date");
        v->open = !strcmp(v->state, "open") && !db_bool(c, 0, "due");
        st = orderform_offers(req->db, req->mem, req->hub_id, v->cycle, &v->offers, &v->noffers);
    }
    if (st == DB_OK)
        st = shop_pickups_load(req->db, req->mem, v->cycle, &v->pickups, &v->npickups);
    if (st == DB_OK)
        st = order_get(req->db, req->mem, req->hub_id, v->cycle, customer, &v->current,
                       &v->has_order);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    v->error_of = arena_alloc(req->mem, (v->noffers + 1) * sizeof *v->error_of);
    memset(v->error_of, 0, (v->noffers + 1) * sizeof *v->error_of);
    return true;
}

static milli_t saved_quantity(const entry_view *v, int64_t offer)
{
    for (size_t i = 0; v->has_order && i < v->current.nlines; i++)
        if (v->current.lines[i].offer_id == offer)
            return v->current.lines[i].quantity;
    return 0;
}

static void render_summary(buf *b, http_req *req, const entry_view *v)
{
    if (!v->has_order) {
        buf_printf(b, "<p>%s</p>",
                   TR(req, "Pas encore de commande dans ce cycle.", "No order in this cycle yet."));
        return;
    }
    const order *o = &v->current;
    buf_printf(b, "<h2>%s</h2><ul>", TR(req, "Commande enregistrée", "Saved order"));
    for (size_t i = 0; i < o->nlines; i++) {
        buf_puts(b, "<li>");
        fmt_qty(b, req, o->lines[i].quantity);
        buf_printf(b, " %s — ", fmt_unit(req, o->lines[i].unit, o->lines[i].quantity));
        buf_html(b, o->lines[i].name);
        buf_puts(b, "</li>");
    }
    buf_printf(b, "</ul><p>%s <strong>", TR(req, "Total TTC à payer :", "Total to pay incl. VAT:"));
    fmt_money(b, req, o->totals.incl);
    buf_printf(b, "</strong> · %s ", TR(req, "retrait :", "pickup:"));
    buf_html(b, o->pickup_name);
    buf_puts(b, "</p>");
    if (o->entered_by) {
        buf_printf(b, "<p>%s ",
                   TR(req, "Saisie par un coordinateur le", "Typed by a coordinator on"));
        fmt_datetime(b, req, o->entered_at);
        buf_puts(b, ".</p>");
    }
}

static void render_pickups(buf *b, http_req *req, const entry_view *v)
{
    const char *chosen = v->typed       ? form_get(v->typed, "pickup")
                         : v->has_order ? v->current.pickup_point
                                        : (v->npickups == 1 ? v->pickups[0].slug : NULL);
    buf_printf(b, "<fieldset id=\"pickup\"%s><legend>%s</legend>",
               v->pickup_error ? " aria-describedby=\"pickup-error\"" : "",
               TR(req, "Point de retrait", "Pickup point"));
    if (v->pickup_error) {
        buf_puts(b, "<p class=\"field-error\" id=\"pickup-error\">");
        buf_html(b, v->pickup_error);
        buf_puts(b, "</p>");
    }
    for (size_t i = 0; i < v->npickups; i++) {
        const shop_pickup *p = &v->pickups[i];
        buf_printf(b, "<p><input type=\"radio\" name=\"pickup\" id=\"pp-%s\" value=\"%s\"%s>",
                   p->slug, p->slug, chosen && !strcmp(chosen, p->slug) ? " checked" : "");
        buf_printf(b, " <label class=\"inline\" for=\"pp-%s\"><b>", p->slug);
        buf_html(b, p->name);
        buf_puts(b, "</b> — ");
        fmt_pickup_slot(b, req, v->delivery_date, p->dow, p->start_min, p->end_min, p->opening);
        buf_puts(b, "</label></p>");
    }
    buf_puts(b, "</fieldset>");
}

static void render_offer(buf *b, http_req *req, const entry_view *v, size_t i)
{
    const orderform_offer *o = &v->offers[i];
    char field[32];
    field_name(field, o->id);
    buf_printf(b, "<li><label for=\"%s\"><b>%d</b> ", field, o->number);
    buf_html(b, o->name);
    buf_puts(b, " — ");
    fmt_money(b, req, o->price_incl);
    buf_printf(b, " / %s", fmt_unit(req, o->unit, 1000));
    if (o->step != 1000) {
        buf_printf(b, TR(req, " · par ", " · in steps of "));
        fmt_qty(b, req, o->step);
    }
    if (o->left >= 0) {
        buf_puts(b, TR(req, " · reste ", " · left "));
        fmt_qty(b, req, o->left > 0 ? o->left : 0);
    }
    buf_puts(b, "</label>");
    if (v->error_of[i]) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", field);
        buf_html(b, v->error_of[i]);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<input class=\"qty\" type=\"text\" inputmode=\"decimal\" id=\"%s\" name=\"%s\"",
               field, field);
    if (v->error_of[i])
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", field);
    buf_puts(b, " value=\"");
    const char *typed = v->typed ? form_get(v->typed, field) : NULL;
    milli_t saved = v->typed ? 0 : saved_quantity(v, o->id);
    if (typed)
        buf_html(b, typed);
    else if (saved)
        fmt_qty(b, req, saved);
    buf_puts(b, "\"></li>");
}

static void render(http_req *req, int status, const entry_view *v)
{
    const customer_row *c = &v->customer;
    const char *title = arena_printf(req->mem, "%s — %s", c->name, v->cycle_name);
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/customers?cycle=%lld\">%s</a></p><h1>", (long long)v->cycle,
               TR(req, "← Clients sans internet", "← Customers without internet"));
    buf_html(&b, c->name);
    buf_puts(&b, "</h1>");
    desk_notice(&b, req);
    buf_puts(&b, "<p>");
    buf_html(&b, c->phone);
    if (c->paper)
        buf_printf(&b, " · <span class=\"badge\">%s</span> %s", TR(req, "papier", "paper"),
                   TR(req, "sans e-mail : reçu dans le sac et facture imprimée.",
                      "no e-mail: receipt in the bag and printed invoice."));
    buf_puts(&b, "</p><p>");
    buf_html(&b, v->cycle_name);
    buf_printf(&b, " · %s ", TR(req, "clôture", "closes"));
    fmt_datetime(&b, req, v->closes_at);
    buf_puts(&b, "</p>");
    if (v->nproblems) {
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">"
                   "<h2>%s</h2><ul>",
                   TR(req, "La commande n’est pas enregistrée", "The order is not saved"));
        for (size_t i = 0; i < v->nproblems; i++) {
            buf_printf(&b, "<li><a href=\"#%s\">", v->problems[i].field);
            buf_html(&b, req->lang[0] == 'f' ? v->problems[i].fr : v->problems[i].en);
            buf_puts(&b, "</a></li>");
        }
        buf_puts(&b, "</ul></div>");
    }
    render_summary(&b, req, v);
    if (!v->open) {
        buf_printf(&b, "<p class=\"notice\">%s</p>",
                   TR(req, "Ce cycle n’est pas ouvert : sa commande ne peut plus changer.",
                      "This cycle is not open: the order cannot change."));
    } else if (v->noffers) {
        buf_printf(&b, "<form method=\"post\" action=\"/desk/cycles/%lld/orders/%lld\" novalidate>",
                   (long long)v->cycle, (long long)c->id);
        page_csrf_field(&b, req);
        render_pickups(&b, req, v);
        buf_printf(&b, "<p class=\"hint\">%s</p>",
                   TR(req,
                      "Les numéros sont ceux du bon de commande papier ; Tab passe à la ligne "
                      "suivante. Case vide ou 0 : rien.",
                      "The numbers are those of the paper order form; Tab goes to the next line. "
                      "Empty box or 0: none."));
        for (size_t i = 0; i < v->noffers;) {
            size_t end = i;
            while (end < v->noffers && !strcmp(v->offers[end].producer, v->offers[i].producer))
                end++;
            buf_puts(&b, "<h2>");
            buf_html(&b, v->offers[i].producer_name);
            buf_puts(&b, "</h2><ul class=\"offers\">");
            for (; i < end; i++)
                render_offer(&b, req, v, i);
            buf_puts(&b, "</ul>");
        }
        buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
                   TR(req, "Enregistrer la commande", "Save the order"));
    }
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/cycles/{id}/orders/{customer} */
void p_desk_order_form(http_req *req)
{
    entry_view v;
    if (load(req, &v))
        render(req, 200, &v);
}

static void add_problem(http_req *req, entry_view *v, const char *field, const char *fr,
                        const char *en)
{
    v->problems[v->nproblems++] = (refusal_detail){"invalid_quantity", field, fr, en};
    (void)req;
}

/* The form's field for a refusal's: lines[i].* → the box of line i's offer. */
static const char *form_field_for(http_req *req, entry_view *v, const char *field,
                                  const size_t *offer_of_line, size_t nlines, const char *msg)
{
    size_t line;
    char rest[32];
    if (field && sscanf(field, "lines[%zu].%31s", &line, rest) == 2 && line < nlines) {
        size_t i = offer_of_line[line];
        v->error_of[i] = msg;
        return arena_printf(req->mem, "o%lld", (long long)v->offers[i].id);
    }
    if (field && (!strcmp(field, "pickup_point") || !strcmp(field, "pickup"))) {
        v->pickup_error = msg;
        return "pickup";
    }
    return v->noffers ? arena_printf(req->mem, "o%lld", (long long)v->offers[0].id) : "pickup";
}

/* POST /desk/cycles/{id}/orders/{customer} */
void p_desk_order_save(http_req *req)
{
    form f;
    entry_view v;
    if (!page_form_or_reply(req, &f) || !load(req, &v))
        return;
    v.typed = &f;
    v.problems = arena_alloc(req->mem, (v.noffers + ORDER_MAX_LINES + 2) * sizeof *v.problems);
    order_line_in *lines = arena_alloc(req->mem, (v.noffers + 1) * sizeof *lines);
    size_t *offer_of_line = arena_alloc(req->mem, (v.noffers + 1) * sizeof *offer_of_line);
    size_t n = 0;
    bool fr = req->lang[0] == 'f';
    for (size_t i = 0; i < v.noffers; i++) {
        char field[32];
        field_name(field, v.offers[i].id);
        const char *typed = form_get(&f, field);
        milli_t q;
        if (!typed || !*typed || strspn(typed, " ") == strlen(typed))
            continue;
        if (!parse_form_quantity(typed, &q) || q < 0) {
            v.error_of[i] =
                arena_printf(req->mem,
                             fr ? "n° %d : « %s » n’est pas une quantité (par exemple 2 ou 1,5)."
                                : "No. %d: \"%s\" is not a quantity (for example 2 or 1.5).",
                             v.offers[i].number, typed);
            add_problem(req, &v, arena_strdup(req->mem, field), v.error_of[i], v.error_of[i]);
            continue;
        }
        if (q == 0)
            continue;
        offer_of_line[n] = i;
        lines[n++] = (order_line_in){v.offers[i].producer, v.offers[i].sku, q};
    }
    if (v.nproblems) {
        render(req, 422, &v);
        return;
    }
    const char *pickup = form_get(&f, "pickup");
    order_in in = {req->hub_id, v.cycle, v.customer.id, pickup ? pickup : "",
                   lines,       n,       NULL,          req->session->user_id};
    order o;
    refusal why = {0};
    int st = order_put(req->db, req->mem, &in, &o, &why);
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (st > 0) {
        size_t k = why.ndetails ? why.ndetails : 1;
        for (size_t i = 0; i < k; i++) {
            const refusal_detail *d = why.ndetails
                                          ? &why.details[i]
                                          : &(refusal_detail){why.code, why.field, why.fr, why.en};
            const char *msg = fr ? d->fr : d->en;
            const char *at = form_field_for(req, &v, d->field, offer_of_line, n, msg);
            v.problems[v.nproblems++] = (refusal_detail){d->code, at, d->fr, d->en};
        }
        render(req, why.status, &v);
        return;
    }
    desk_done(req,
              arena_printf(req->mem, "/desk/cycles/%lld/orders/%lld", (long long)v.cycle,
                           (long long)v.customer.id),
              "order_saved");
}
