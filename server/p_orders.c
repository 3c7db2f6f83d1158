/*
 * server/p_orders.c — "My orders": the list, one order with its totals, changing its
 * pickup point, and cancelling it after a confirmation.
 *
 * Amounts are shown as a consumer checks them, including VAT: each line is its
 * quantity × its unit price incl. VAT, and the lines add up to the total to pay,
 * which is exactly what the invoices will carry (core/money_display.h says how a
 * cent of VAT rounding is placed, and the line carrying one says so). The VAT
 * detail comes underneath, per rate, as on the invoices.
 */
#include "../core/delivery.h"
#include "../core/money_display.h"
#include "../core/order.h"
#include "../core/parse.h"
#include "../core/shop.h"
#include "handlers.h"
#include "json_out.h"
#include "p_invoices.h"
#include "page.h"
#include "pay_html.h"

#include <string.h>

/* The lines incl. VAT as shown (core/money_display.h), in the order's line order: as
 * ordered, or as delivered (a weighed line by its weight at the price per kg or litre). */
static money_shown *shown_lines(http_req *req, const order *o, bool delivered)
{
    money_shown *s = arena_alloc(req->mem, (o->nlines + 1) * sizeof *s);
    for (size_t i = 0; i < o->nlines; i++) {
        const order_line *l = &o->lines[i];
        bool by_weight = delivered && l->measure && l->weight > 0;
        s[i] = (money_shown){.seller = order_seller(o->seller, l->producer_id),
                             .rate = l->vat_rate,
                             .net = delivered ? l->delivered_net : l->net,
                             .quantity = by_weight   ? l->weight
                                         : delivered ? l->delivered
                                                     : l->quantity,
                             .unit_incl = by_weight ? l->measure_price_incl : l->unit_price_incl};
    }
    size_t n = o->nlines;
    /* the hub's fee per order, last, on the hub's invoice (schema/023) */
    if (delivered ? o->fee_delivered : o->fee_ordered)
        s[n++] = (money_shown){.seller = 0,
                               .rate = o->fee_rate,
                               .net = o->fee_net,
                               .quantity = 1000,
                               .unit_incl = o->fee_net + money_vat(o->fee_net, o->fee_rate)};
    money_shown_lines(s, n);
    return s;
}

/* The fee's line in the list: its amount incl. VAT and its rate. */
static void fee_line(buf *b, http_req *req, const order *o, const money_shown *s, bool delivery)
{
    if (!(delivery ? o->fee_delivered : o->fee_ordered))
        return;
    const money_shown *f = &s[o->nlines];
    buf_printf(b, "<li id=\"order-fee\"><b>%s</b><span class=\"amt\">",
               TR(req, "Frais par commande", "Fee per order"));
    fmt_money(b, req, f->incl);
    buf_printf(b, "%s</span><small>%s ", f->incl != f->hand ? "*" : "",
               TR(req, "perçus par le relais, TVA", "charged by the hub, VAT"));
    fmt_rate(b, req, o->fee_rate);
    buf_puts(b, " %</small></li>");
}

static void rounding_note(buf *b, http_req *req, const money_shown *s)
{
    if (s->incl == s->hand)
        return;
    buf_printf(b, " = ");
    fmt_money(b, req, s->hand);
    buf_printf(b, ", %s %s", TR(req, "arrondi", "rounding"), s->incl > s->hand ? "+" : "−");
    fmt_money(b, req, s->incl > s->hand ? s->incl - s->hand : s->hand - s->incl);
    buf_puts(b, "*");
}

static const char *measure_unit(const order_line *l)
{
    return l->measure && !strcmp(l->measure, "l") ? "l" : "kg";
}

/* "2 pièces × 25,32 €", or for a weighed line "2 pièces ≈ 4 kg × 12,66 €/kg". */
static void ordered_words(buf *b, http_req *req, const order_line *l, const money_shown *s)
{
    fmt_qty(b, req, l->quantity);
    buf_printf(b, " %s", fmt_unit(req, l->unit, l->quantity));
    if (l->measure) {
        buf_puts(b, " ≈ ");
        fmt_qty(b, req, money_weight_g(l->quantity, l->measure_estimate));
        buf_printf(b, " %s × ", measure_unit(l));
        fmt_money(b, req, l->measure_price_incl);
        buf_printf(b, "/%s", measure_unit(l));
        return;
    }
    buf_puts(b, " × ");
    fmt_money(b, req, s->unit_incl);
    rounding_note(b, req, s);
}

static void delivered_words(buf *b, http_req *req, const order_line *l, const money_shown *s)
{
    fmt_qty(b, req, l->delivered);
    buf_printf(b, " %s", fmt_unit(req, l->unit, l->delivered));
    if (l->measure && l->delivered > 0) {
        buf_puts(b, l->weight > 0 ? ", " : " ≈ ");
        fmt_qty(b, req,
                l->weight > 0 ? l->weight : money_weight_g(l->delivered, l->measure_estimate));
        buf_printf(b, " %s%s × ", measure_unit(l),
                   l->weight > 0 ? "" : TR(req, " (à peser)", " (to weigh)"));
        fmt_money(b, req, l->measure_price_incl);
        buf_printf(b, "/%s", measure_unit(l));
    } else if (!l->measure) {
        buf_puts(b, " × ");
        fmt_money(b, req, l->unit_price_incl);
    }
    if (l->measure && l->weight > 0)
        rounding_note(b, req, s);
}

/* What happened to a line, with the reason given (core/delivery.h keeps the trail). */
static void line_changes(buf *b, http_req *req, const order_line *l, const order_delivery *d)
{
    bool any = false;
    for (size_t i = 0; d && i < d->nchanges; i++) {
        const delivery_change *c = &d->changes[i];
        if (c->line != l->line_id)
            continue;
        buf_puts(b, any ? "<li>" : "<ul class=\"changes\"><li>");
        any = true;
        fmt_datetime(b, req, c->at);
        buf_puts(b, " — ");
        buf_html(b, delivery_kind_label(c->kind, req->lang[0] == 'f'));
        buf_puts(b, " : ");
        if (c->old_delivered != c->new_delivered) {
            if (c->old_delivered >= 0) {
                fmt_qty(b, req, c->old_delivered);
                buf_puts(b, " → ");
            }
            fmt_qty(b, req, c->new_delivered);
            buf_printf(b, " %s", fmt_unit(req, l->unit, c->new_delivered));
        }
        if (c->new_weight > 0 && c->new_weight != c->old_weight) {
            buf_puts(b, c->old_delivered != c->new_delivered ? ", " : "");
            fmt_qty(b, req, c->new_weight);
            buf_printf(b, " %s", measure_unit(l));
        }
        buf_puts(b, " (");
        buf_html(b, c->reason);
        buf_puts(b, ")</li>");
    }
    if (any)
        buf_puts(b, "</ul>");
}

static void render_lines(buf *b, http_req *req, const order *o, const order_delivery *d,
                         bool delivery)
{
    money_shown *s = shown_lines(req, o, false), *ds = shown_lines(req, o, true);
    buf_printf(b, "<h2>%s</h2><ul class=\"lines\">",
               delivery ? TR(req, "Commandé et livré", "Ordered and delivered")
                        : TR(req, "Produits commandés", "Products ordered"));
    for (size_t i = 0; i < o->nlines; i++) {
        const order_line *l = &o->lines[i];
        bool changed = delivery && (l->delivered != l->quantity || l->delivered_net != l->net);
        buf_printf(b, "<li id=\"line-%lld\"><b>", (long long)l->line_id);
        buf_html(b, l->name);
        if (l->substitute)
            buf_printf(b, " <span class=\"badge\">%s</span>",
                       TR(req, "remplacement", "substitute"));
        buf_printf(b, "</b><span class=\"amt\">%s", !delivery && l->measure ? "≈ " : "");
        fmt_money(b, req, delivery ? ds[i].incl : s[i].incl);
        buf_puts(b, "</span><small>");
        if (delivery && !l->substitute) {
            buf_printf(b, "%s ", TR(req, "Commandé :", "Ordered:"));
            ordered_words(b, req, l, &s[i]);
            buf_printf(b, "%s%s ", l->measure ? " ≈ " : " = ", "");
            fmt_money(b, req, s[i].incl);
            buf_printf(b, " · %s ", TR(req, "Livré :", "Delivered:"));
            delivered_words(b, req, l, &ds[i]);
            if (changed)
                buf_printf(b, " <span class=\"badge\">%s</span>", TR(req, "modifié", "changed"));
        } else if (delivery) {
            buf_printf(b, "%s ", TR(req, "Livré :", "Delivered:"));
            delivered_words(b, req, l, &ds[i]);
        } else {
            ordered_words(b, req, l, &s[i]);
        }
        buf_puts(b, " · ");
        buf_html(b, l->producer_name);
        buf_puts(b, "</small>");
        if (delivery)
            line_changes(b, req, l, d);
        buf_puts(b, "</li>");
    }
    fee_line(b, req, o, delivery ? ds : s, delivery);
    buf_puts(b, "</ul>");
}

static void totals_rows(buf *b, http_req *req, const money_totals *t)
{
    for (int i = 0; i < t->nrates; i++) {
        buf_printf(b, "<tr><th scope=\"row\">%s ", TR(req, "dont TVA", "of which VAT"));
        fmt_rate(b, req, t->rates[i].rate);
        buf_printf(b, " %% (%s ", TR(req, "sur", "on"));
        fmt_money(b, req, t->rates[i].base);
        buf_printf(b, " %s)</th><td class=\"num\">", TR(req, "HT", "excl. VAT"));
        fmt_money(b, req, t->rates[i].vat);
        buf_puts(b, "</td></tr>");
    }
    buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\">",
               TR(req, "Total HT", "Total excl. VAT"));
    fmt_money(b, req, t->excl);
    buf_puts(b, "</td></tr>");
}

static void render_totals(buf *b, http_req *req, const order *o, bool delivery)
{
    money_shown *s = shown_lines(req, o, delivery);
    bool rounded = false;
    size_t n = o->nlines + ((delivery ? o->fee_delivered : o->fee_ordered) ? 1 : 0);
    for (size_t i = 0; i < n; i++)
        rounded = rounded || s[i].incl != s[i].hand;
    const money_totals *t = delivery ? &o->delivered_totals : &o->totals;
    const char *label = o->estimate ? TR(req, "Total TTC estimé", "Estimated total incl. VAT")
                        : delivery  ? TR(req, "Total TTC livré", "Total incl. VAT delivered")
                                    : TR(req, "Total TTC à régler", "Total incl. VAT to pay");
    buf_printf(b, "<table class=\"totals\"><caption>%s</caption><tbody>",
               TR(req, "Total", "Total"));
    if (delivery && o->changed) {
        buf_printf(b, "<tr><th scope=\"row\">%s</th><td class=\"num\"><del>",
                   TR(req, "Total TTC commandé", "Total incl. VAT ordered"));
        fmt_money(b, req, o->totals.incl);
        buf_puts(b, "</del></td></tr>");
    }
    buf_printf(b, "<tr class=\"grand\" id=\"total\"><th scope=\"row\">%s</th><td class=\"num\">",
               label);
    if (o->estimate)
        buf_puts(b, "≈ ");
    fmt_money(b, req, t->incl);
    buf_puts(b, "</td></tr>");
    totals_rows(b, req, t);
    if (o->invoiced) {
        buf_printf(b,
                   "<tr class=\"grand\" id=\"final\"><th scope=\"row\">%s</th><td "
                   "class=\"num\">",
                   TR(req, "Montant final (factures moins avoirs)",
                      "Final amount (invoices less credit notes)"));
        fmt_money(b, req, o->invoiced_incl);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
    if (o->estimate)
        buf_printf(b, "<p class=\"hint\">≈ %s</p>",
                   TR(req,
                      "Les produits vendus au poids sont comptés à leur poids estimé : le "
                      "montant exact suivra la pesée.",
                      "Products sold by weight are counted at their estimated weight: the exact "
                      "amount follows the weighing."));
    if (rounded)
        buf_printf(b, "<p class=\"hint\">* %s</p>",
                   TR(req,
                      "Comme sur la facture, chaque ligne hors taxes et la TVA de chaque taux "
                      "sont arrondies au centime : la ligne marquée porte l’écart, pour que les "
                      "lignes fassent exactement le total à payer.",
                      "As on the invoice, each line excl. VAT and the VAT of each rate are "
                      "rounded to the cent: the line marked carries the difference, so that the "
                      "lines add up exactly to the total to pay."));
}

/* Products offered in place of one delivered short: the customer says yes or no. */
static void render_substitutions(buf *b, http_req *req, const order *o, const order_delivery *d)
{
    if (!d || !d->nsubstitutions)
        return;
    buf_printf(b, "<h2>%s</h2><ul class=\"lines\">",
               TR(req, "Remplacements proposés", "Substitutes offered"));
    for (size_t i = 0; i < d->nsubstitutions; i++) {
        const substitution *s = &d->substitutions[i];
        buf_puts(b, "<li><b>");
        buf_html(b, s->name);
        buf_printf(b, "</b><span class=\"amt\">");
        fmt_qty(b, req, s->quantity);
        buf_printf(b, " %s × ", fmt_unit(req, s->unit, s->quantity));
        fmt_money(b, req, s->unit_incl);
        buf_printf(b, "</span><small>%s ", TR(req, "à la place de", "instead of"));
        buf_html(b, s->short_name);
        buf_puts(b, " — ");
        buf_html(b, s->reason);
        buf_puts(b, "</small>");
        if (!strcmp(s->state, "proposed") && !o->invoiced) {
            for (int k = 0; k < 2; k++) {
                buf_printf(b, "<form method=\"post\" action=\"/orders/%lld/substitutions/%lld\">",
                           (long long)o->cycle, (long long)s->id);
                page_csrf_field(b, req);
                buf_printf(b,
                           "<input type=\"hidden\" name=\"answer\" value=\"%s\"><button "
                           "class=\"btn%s\" type=\"submit\">%s</button></form>",
                           k ? "decline" : "accept", k ? " secondary" : "",
                           k ? TR(req, "Non merci", "No, thanks")
                             : TR(req, "J’accepte", "I accept"));
            }
        } else {
            buf_printf(b, "<small>%s</small>",
                       !strcmp(s->state, "accepted")   ? TR(req, "Accepté.", "Accepted.")
                       : !strcmp(s->state, "declined") ? TR(req, "Refusé.", "Declined.")
                                                       : TR(req, "Sans réponse.", "Not answered."));
        }
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>");
}

/* The point's slot on the delivery date, from the cycle's pickup points. */
static void render_when(buf *b, http_req *req, const order *o, const shop_pickup *p, size_t np)
{
    for (size_t i = 0; i < np; i++)
        if (!strcmp(p[i].slug, o->pickup_point)) {
            fmt_pickup_slot(b, req, o->delivery_date, p[i].dow, p[i].start_min, p[i].end_min,
                            p[i].opening);
            return;
        }
    fmt_pickup_slot(b, req, o->delivery_date, 0, -1, -1, o->pickup_opening);
}

/* Another pickup point, from the order's page (POST /order with only the point). */
static void render_pickup_change(buf *b, http_req *req, const order *o, const shop_pickup *p,
                                 size_t np)
{
    buf_printf(b,
               "<details id=\"pickup\"><summary>%s</summary><form method=\"post\" "
               "action=\"/order\"><fieldset><legend>%s</legend>",
               TR(req, "Changer de point de retrait", "Change the pickup point"),
               TR(req, "Point de retrait", "Pickup point"));
    page_csrf_field(b, req);
    buf_printf(b,
               "<input type=\"hidden\" name=\"cycle\" value=\"%lld\"><input type=\"hidden\" "
               "name=\"go\" value=\"review\">",
               (long long)o->cycle);
    for (size_t i = 0; i < np; i++) {
        bool mine = !strcmp(p[i].slug, o->pickup_point);
        bool full = p[i].capacity >= 0 && p[i].count >= p[i].capacity && !mine;
        buf_printf(b, "<p><input type=\"radio\" name=\"pickup\" id=\"pp-%s\" value=\"%s\"%s%s>",
                   p[i].slug, p[i].slug, mine ? " checked" : "", full ? " disabled" : "");
        buf_printf(b, " <label class=\"inline\" for=\"pp-%s\"><b>", p[i].slug);
        buf_html(b, p[i].name);
        buf_puts(b, "</b> — ");
        fmt_pickup_slot(b, req, o->delivery_date, p[i].dow, p[i].start_min, p[i].end_min,
                        p[i].opening);
        if (full)
            buf_printf(b, " (%s)", TR(req, "complet", "full"));
        buf_puts(b, "</label></p>");
    }
    buf_printf(b, "</fieldset><button class=\"btn\" type=\"submit\">%s</button></form></details>",
               TR(req, "Choisir ce point", "Choose this point"));
}

/* GET /orders/{cycle} — one order: what, where, when, how much. */
void p_order_show(http_req *req)
{
    order o;
    if (!caller_order_or_reply(req, "cycle", &o))
        return;
    shop_pickup *pickups;
    size_t np;
    int st = shop_pickups_load(req->db, req->mem, o.cycle, &pickups, &np);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    order_delivery d;
    if (!order_delivery_or_reply(req, &o, &d))
        return;
    bool delivery = !o.editable && strcmp(o.state, "open") != 0 && strcmp(o.state, "draft") != 0;
    buf b = BUF_INIT;
    const char *title = TR(req, "Ma commande", "My order");
    page_begin(&b, req, title);
    if (http_query(req, "saved"))
        buf_printf(
            &b, "<p class=\"notice\" role=\"status\">%s</p>",
            TR(req, "Merci ! Votre commande est enregistrée.", "Thank you! Your order is saved."));
    buf_printf(&b, "<h1>%s — ", title);
    buf_html(&b, o.cycle_name);
    buf_printf(&b, "</h1><dl class=\"facts\"><dt>%s</dt><dd><b>", TR(req, "Retrait", "Pickup"));
    buf_html(&b, o.pickup_name);
    buf_puts(&b, "</b>, ");
    buf_html(&b, o.pickup_address);
    buf_printf(&b, "</dd><dt>%s</dt><dd>", TR(req, "Quand", "When"));
    render_when(&b, req, &o, pickups, np);
    buf_printf(&b, "</dd><dt>%s</dt><dd>", TR(req, "Modifiable jusqu’au", "Can be changed until"));
    fmt_datetime(&b, req, o.closes_at);
    buf_puts(&b, "</dd></dl>");
    if (http_query(req, "answered"))
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Votre réponse est enregistrée.", "Your answer is recorded."));
    render_substitutions(&b, req, &o, &d);
    render_lines(&b, req, &o, &d, delivery);
    render_totals(&b, req, &o, delivery);
    pay_html_order_section(&b, req, o.id, o.cycle, o.editable);
    order_invoices_section(&b, req, o.id);
    subscription_repeat_form(&b, req, o.cycle);
    if (o.editable) {
        render_pickup_change(&b, req, &o, pickups, np);
        buf_printf(&b,
                   "<div class=\"actions\"><a class=\"btn secondary\" href=\"/\">%s</a>"
                   "<a class=\"btn danger\" href=\"/orders/%lld/cancel\">%s</a></div>",
                   TR(req, "Modifier ma commande", "Change my order"), (long long)o.cycle,
                   TR(req, "Annuler ma commande", "Cancel my order"));
    } else {
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Les commandes de ce cycle sont closes : elle ne peut plus changer.",
                      "This cycle is closed for orders: it can no longer change."));
    }
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* GET /orders/{cycle}/cancel — what cancelling does, and the button that does it. */
void p_order_cancel_form(http_req *req)
{
    order o;
    if (!caller_order_or_reply(req, "cycle", &o))
        return;
    if (!o.editable) {
        http_reply_error(req, 403, "cycle_not_open",
                         TR(req,
                            "Les commandes de ce cycle sont closes : elle ne peut plus changer.",
                            "This cycle is closed for orders: it can no longer change."),
                         NULL);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Annuler ma commande\u00a0?", "Cancel my order?");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>", title);
    buf_printf(&b, TR(req, "Votre commande de %zu produit%s (", "Your order of %zu product%s ("),
               o.nlines, o.nlines > 1 ? "s" : "");
    fmt_money(&b, req, o.totals.incl);
    buf_printf(&b, ") %s <b>", TR(req, "à retirer à", "to collect at"));
    buf_html(&b, o.pickup_name);
    buf_printf(&b, "</b> %s</p><ul><li>%s</li><li>%s ",
               TR(req, "sera supprimée.", "will be deleted."),
               TR(req, "Ses produits retournent en vente pour les autres clients.",
                  "Its products go back on sale for other customers."),
               TR(req, "Vous pourrez commander de nouveau jusqu’au", "You may order again until"));
    fmt_datetime(&b, req, o.closes_at);
    buf_printf(&b,
               ".</li></ul><div class=\"actions\"><form method=\"post\" "
               "action=\"/orders/%lld/cancel\">",
               (long long)o.cycle);
    page_csrf_field(&b, req);
    buf_printf(&b,
               "<button class=\"btn danger\" type=\"submit\">%s</button></form><a class=\"btn "
               "secondary\" href=\"/orders/%lld\">%s</a></div>",
               TR(req, "Oui, annuler ma commande", "Yes, cancel my order"), (long long)o.cycle,
               TR(req, "Non, garder ma commande", "No, keep my order"));
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

/* The payment of the order listed: a word, and for a transfer still due, how to pay it. */
static void list_payment(buf *b, http_req *req, int64_t order_id, const pay_instr *p, size_t np)
{
    for (size_t i = 0; i < np; i++) {
        if (p[i].due.order_id != order_id)
            continue;
        buf_puts(b, " · ");
        if (!strcmp(p[i].status, "due")) {
            buf_puts(b, TR(req, "à payer ", "to pay "));
            fmt_money(b, req, p[i].due.due);
        } else if (!strcmp(p[i].status, "paid") || !strcmp(p[i].status, "overpaid")) {
            buf_puts(b, TR(req, "payée", "paid"));
        }
        buf_puts(b, "</small>");
        if (p[i].due.due > 0 && p[i].due.method == PAY_TRANSFER)
            pay_html_instructions(b, req, &p[i], true);
        return;
    }
    buf_puts(b, "</small>");
}

/* GET /orders — every order of the consumer. */
void p_orders_list(http_req *req)
{
    PGresult *r;
    pay_instr *pay;
    size_t np;
    int st = order_list(req->db, req->mem, req->hub_id, req->session->customer_id, &r);
    if (st == DB_OK)
        st = pay_customer_instructions(req->db, req->mem, req->hub_id, req->session->customer_id,
                                       &pay, &np);
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
        buf_puts(&b, "<ul class=\"lines\">");
        for (int i = 0; i < PQntuples(r); i++) {
            buf_printf(&b, "<li><a href=\"/orders/%s\"><b>", db_val(r, i, "cycle"));
            buf_html(&b, db_val(r, i, "cycle_name"));
            buf_puts(&b, "</b></a><small>");
            buf_puts(&b, TR(req, "Livraison le ", "Delivery on "));
            fmt_date(&b, req, db_val(r, i, "delivery_date"));
            buf_puts(&b, " · ");
            buf_html(&b, db_val(r, i, "pickup_name"));
            buf_printf(&b, " · %s %s · %s", db_val(r, i, "lines"),
                       TR(req, "produit(s)", "product(s)"),
                       db_bool(r, i, "editable") ? TR(req, "modifiable", "can be changed")
                                                 : TR(req, "close", "closed"));
            if (db_int(r, i, "changes"))
                buf_printf(&b, " · %s (%s)", TR(req, "livraison modifiée", "delivery changed"),
                           db_val(r, i, "changes"));
            if (!db_null(r, i, "invoiced_incl")) {
                buf_printf(&b, " · %s ", TR(req, "montant final", "final amount"));
                fmt_money(&b, req, db_int(r, i, "invoiced_incl"));
            }
            list_payment(&b, req, db_int(r, i, "id"), pay, np);
            buf_puts(&b, "</li>");
        }
        buf_puts(&b, "</ul>");
    }
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /orders/{cycle}/substitutions/{sid} — answer=accept|decline */
void p_order_substitution(http_req *req)
{
    int64_t cycle, sid;
    form f;
    if (!http_id_or_reply(req, "cycle", &cycle) || !http_id_or_reply(req, "sid", &sid) ||
        !page_form_or_reply(req, &f))
        return;
    const char *answer = form_get(&f, "answer");
    if (!answer || (strcmp(answer, "accept") != 0 && strcmp(answer, "decline") != 0)) {
        http_reply_error(
            req, 422, "invalid_field",
            TR(req, "Acceptez ou refusez le remplacement.", "Accept or decline the substitute."),
            "answer");
        return;
    }
    refusal why = {0};
    int st = delivery_substitution_answer(req->db, req->mem, req->hub_id, req->session->customer_id,
                                          req->session->user_id, "page", sid,
                                          !strcmp(answer, "accept"), &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, arena_printf(req->mem, "/orders/%lld?answered=1", (long long)cycle));
}
