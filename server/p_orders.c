/*
 * server/p_orders.c — "My orders": the list, one order with its totals, cancelling.
 */
#include "../core/order.h"
#include "handlers.h"
#include "p_invoices.h"
#include "page.h"

#include <string.h>

static void render_lines(buf *b, http_req *req, const order *o)
{
    buf_printf(b,
               "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th></tr></thead><tbody>",
               TR(req, "Produits commandés", "Products ordered"), TR(req, "Produit", "Product"),
               TR(req, "Producteur", "Producer"), TR(req, "Quantité", "Quantity"),
               TR(req, "Prix unitaire TTC", "Unit price incl. VAT"), TR(req, "TVA", "VAT"),
               TR(req, "Montant HT", "Amount excl. VAT"));
    for (size_t i = 0; i < o->nlines; i++) {
        const order_line *l = &o->lines[i];
        buf_puts(b, "<tr><td>");
        buf_html(b, l->name);
        buf_puts(b, "</td><td>");
        buf_html(b, l->producer_name);
        buf_puts(b, "</td><td class=\"num\">");
        fmt_qty(b, req, l->quantity);
        buf_printf(b, " %s</td><td class=\"num\">", fmt_unit(req, l->unit, l->quantity));
        fmt_money(b, req, l->unit_price_incl);
        buf_puts(b, "</td><td class=\"num\">");
        fmt_rate(b, req, l->vat_rate);
        buf_puts(b, " %</td><td class=\"num\">");
        fmt_money(b, req, l->net);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

static void render_totals(buf *b, http_req *req, const order *o)
{
    buf_printf(b,
               "<table class=\"totals\"><caption>%s</caption><tbody><tr><th "
               "scope=\"row\">%s</th><td class=\"num\">",
               TR(req, "Totaux", "Totals"), TR(req, "Total HT", "Total excl. VAT"));
    fmt_money(b, req, o->totals.excl);
    buf_puts(b, "</td></tr>");
    for (int i = 0; i < o->totals.nrates; i++) {
        buf_printf(b, "<tr><th scope=\"row\">%s ", TR(req, "TVA", "VAT"));
        fmt_rate(b, req, o->totals.rates[i].rate);
        buf_printf(b, " %% (%s ", TR(req, "sur", "on"));
        fmt_money(b, req, o->totals.rates[i].base);
        buf_puts(b, ")</th><td class=\"num\">");
        fmt_money(b, req, o->totals.rates[i].vat);
        buf_puts(b, "</td></tr>");
    }
    buf_printf(b, "<tr class=\"grand\"><th scope=\"row\">%s</th><td class=\"num\">",
               TR(req, "Total TTC à régler", "Total incl. VAT to pay"));
    fmt_money(b, req, o->totals.incl);
    buf_puts(b, "</td></tr></tbody></table>");
}

/* GET /orders/{cycle} — one order: what, where, when, how much. */
void p_order_show(http_req *req)
{
    order o;
    if (!caller_order_or_reply(req, "cycle", &o))
        return;
    int64_t cycle = o.cycle;
    buf b = BUF_INIT;
    const char *title = TR(req, "Ma commande", "My order");
    page_begin(&b, req, title);
    const char *saved = http_query(req, "saved");
    if (saved)
        buf_printf(
            &b, "<p class=\"notice\" role=\"status\">%s</p>",
            TR(req, "Merci ! Votre commande est enregistrée.", "Thank you! Your order is saved."));
    buf_printf(&b, "<h1>%s — ", title);
    buf_html(&b, o.cycle_name);
    buf_printf(&b, "</h1><dl><dt>%s</dt><dd><strong>", TR(req, "Retrait", "Pickup"));
    buf_html(&b, o.pickup_name);
    buf_puts(&b, "</strong>, ");
    buf_html(&b, o.pickup_address);
    buf_printf(&b, "</dd><dt>%s</dt><dd>", TR(req, "Quand", "When"));
    fmt_date(&b, req, o.delivery_date);
    buf_puts(&b, " — ");
    buf_html(&b, o.pickup_opening);
    buf_printf(&b, "</dd><dt>%s</dt><dd>", TR(req, "Modifiable jusqu’au", "Can be changed until"));
    fmt_datetime(&b, req, o.closes_at);
    buf_puts(&b, "</dd></dl>");
    render_lines(&b, req, &o);
    render_totals(&b, req, &o);
    order_invoices_section(&b, req, o.id);
    if (o.editable) {
        buf_printf(&b,
                   "<div class=\"actions\"><a class=\"btn secondary\" href=\"/\">%s</a>"
                   "<form method=\"post\" action=\"/orders/%lld/cancel\">",
                   TR(req, "Modifier ma commande", "Change my order"), (long long)cycle);
        page_csrf_field(&b, req);
        buf_printf(&b, "<button class=\"btn danger\" type=\"submit\">%s</button></form></div>",
                   TR(req, "Annuler ma commande", "Cancel my order"));
    } else {
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Les commandes de ce cycle sont closes : elle ne peut plus changer.",
                      "This cycle is closed for orders: it can no longer change."));
    }
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /orders/{cycle}/cancel */
void p_order_cancel(http_req *req)
{
    int64_t cycle;
    form f;
    if (!http_id_or_reply(req, "cycle", &cycle) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int st = order_delete(req->db, req->mem, req->hub_id, cycle, req->session->customer_id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/orders?cancelled=1");
}

/* GET /orders — every order of the consumer. */
void p_orders_list(http_req *req)
{
    PGresult *r;
    int st = order_list(req->db, req->mem, req->hub_id, req->session->customer_id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Mes commandes", "My orders");
    page_begin(&b, req, title);
    if (http_query(req, "cancelled"))
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Votre commande est annulée.", "Your order is cancelled."));
    buf_printf(&b, "<h1>%s</h1>", title);
    if (PQntuples(r) == 0) {
        buf_printf(&b, "<p>%s <a href=\"/\">%s</a></p>",
                   TR(req, "Vous n’avez pas encore commandé.", "You have not ordered yet."),
                   TR(req, "Voir la boutique", "Go to the shop"));
    } else {
        buf_printf(&b,
                   "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
                   "<th scope=\"col\">%s</th></tr></thead><tbody>",
                   TR(req, "Semaine", "Week"), TR(req, "Livraison", "Delivery"),
                   TR(req, "Retrait", "Pickup"), TR(req, "Produits", "Products"),
                   TR(req, "État", "Status"));
        for (int i = 0; i < PQntuples(r); i++) {
            buf_printf(&b, "<tr><td><a href=\"/orders/%s\">", db_val(r, i, "cycle"));
            buf_html(&b, db_val(r, i, "cycle_name"));
            buf_puts(&b, "</a></td><td>");
            fmt_date(&b, req, db_val(r, i, "delivery_date"));
            buf_puts(&b, "</td><td>");
            buf_html(&b, db_val(r, i, "pickup_name"));
            buf_printf(&b, "</td><td class=\"num\">%s</td><td>%s</td></tr>", db_val(r, i, "lines"),
                       db_bool(r, i, "editable") ? TR(req, "modifiable", "can be changed")
                                                 : TR(req, "close", "closed"));
        }
        buf_puts(&b, "</tbody></table>");
    }
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
