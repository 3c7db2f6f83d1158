/*
 * server/p_desk_confirm.c — the desk's steps that cannot be undone, each behind a
 * page that says what will happen (no JavaScript: a page, then the button).
 *
 *   GET /desk/cycles/{id}/close            closing an open cycle now
 *   GET /desk/cycles/{id}/invoices/issue   issuing invoices before the delivery date
 *
 * The confirming button posts to the action's usual address (POST
 * /desk/cycles/{id}/state, POST /desk/cycles/{id}/invoices), CSRF-protected.
 */
#include "../core/cycle.h"
#include "../core/delivery.h"
#include "../core/desk_view.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

/* The cycle named by {id}, in the state the step needs; false after replying. */
static bool cycle_in_state(http_req *req, const char *state, int64_t *id, PGresult **c)
{
    if (!http_id_or_reply(req, "id", id))
        return false;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = cycle_get(req->db, req->mem, req->hub_id, *id, c);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (PQntuples(*c) == 0) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce cycle n’existe pas.", "There is no such cycle."), NULL);
        return false;
    }
    if (strcmp(db_val(*c, 0, "state"), state) != 0) {
        http_reply_error(req, 409, "invalid_transition",
                         !strcmp(state, "open")
                             ? TR(req, "Ce cycle n’est pas ouvert : il n’y a rien à clore.",
                                  "This cycle is not open: there is nothing to close.")
                             : TR(req, "Les factures s’émettent une fois les tournées calculées.",
                                  "Invoices are issued once the rounds are planned."),
                         NULL);
        return false;
    }
    return true;
}

static void confirm_buttons(buf *b, http_req *req, int64_t id, const char *action,
                            const char *state, const char *yes)
{
    buf_puts(b, "<div class=\"actions\">");
    desk_action_button(b, req,
                       arena_printf(req->mem, "/desk/cycles/%lld/%s", (long long)id, action), yes,
                       state ? "state" : NULL, state, "danger");
    buf_printf(b, "<a class=\"btn secondary\" href=\"/desk/cycles/%lld\">%s</a></div>",
               (long long)id, TR(req, "Non, revenir au cycle", "No, back to the cycle"));
}

/* GET /desk/cycles/{id}/close */
void p_desk_close_form(http_req *req)
{
    int64_t id, orders;
    cents_t excl;
    PGresult *c;
    if (!cycle_in_state(req, "open", &id, &c))
        return;
    int st = desk_cycle_orders(req->db, req->mem, req->hub_id, id, &orders, &excl);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Clore ce cycle maintenant\u00a0?", "Close this cycle now?");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p><b>", title);
    buf_html(&b, db_val(c, 0, "name"));
    buf_printf(&b, "</b> — %s ", TR(req, "clôture prévue le", "due to close on"));
    fmt_datetime(&b, req, db_val(c, 0, "closes_at"));
    bool one = orders == 1;
    buf_printf(&b, ".</p><ul><li>%lld %s (", (long long)orders,
               one ? TR(req, "commande", "order") : TR(req, "commandes", "orders"));
    fmt_money(&b, req, excl);
    buf_printf(&b, " %s) %s</li><li>%s</li><li>%s</li></ul>", TR(req, "HT", "excl. VAT"),
               one ? TR(req,
                        "devient définitive : le client ne peut plus la modifier, et personne "
                        "ne peut plus commander.",
                        "becomes final: the customer can no longer change it, and nobody can "
                        "order any more.")
                   : TR(req,
                        "deviennent définitives : les clients ne peuvent plus les modifier ni "
                        "en passer de nouvelles.",
                        "become final: customers can no longer change them or place new ones."),
               TR(req, "Un cycle clos ne se rouvre pas.", "A closed cycle does not reopen."),
               TR(req, "Vous pourrez ensuite calculer les tournées et imprimer les documents.",
                  "You can then plan the rounds and print the documents."));
    confirm_buttons(&b, req, id, "state", "closed",
                    TR(req, "Oui, clore maintenant", "Yes, close it now"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* Weighed pieces without a weight: weigh them first, or accept their estimates,
 * explicitly (the box must be ticked; the acceptance is recorded as the coordinator's). */
static void estimates_form(buf *b, http_req *req, int64_t id, size_t to_weigh)
{
    buf_printf(b, "<p class=\"warn\">");
    buf_printf(
        b,
        TR(req,
           "%zu ligne%s de produits à peser n’%s pas encore de poids. <a "
           "href=\"/weigh/%lld\">Les peser</a>, ou facturer ces lignes à leur poids "
           "estimé :",
           "%zu line%s of weighed products ha%s no weight yet. <a href=\"/weigh/%lld\">Weigh "
           "them</a>, or invoice those lines at their estimated weight:"),
        to_weigh, to_weigh > 1 ? "s" : "", to_weigh > 1 ? TR(req, "ont", "ve") : TR(req, "a", "s"),
        (long long)id);
    buf_printf(b, "</p><form method=\"post\" action=\"/desk/cycles/%lld/invoices\">",
               (long long)id);
    page_csrf_field(b, req);
    buf_printf(b,
               "<p><input type=\"checkbox\" id=\"accept_estimates\" name=\"accept_estimates\" "
               "value=\"1\" required> <label class=\"inline\" for=\"accept_estimates\">%s</label>"
               "</p><div class=\"actions\"><button class=\"btn danger\" type=\"submit\">%s</button>"
               "<a class=\"btn secondary\" href=\"/desk/cycles/%lld\">%s</a></div></form>",
               TR(req,
                  "J’accepte les poids estimés pour les lignes non pesées (mon nom est "
                  "enregistré avec chacune)",
                  "I accept the estimated weights for the lines not weighed (my name is "
                  "recorded with each)"),
               TR(req, "Émettre les factures", "Issue the invoices"), (long long)id,
               TR(req, "Non, revenir au cycle", "No, back to the cycle"));
}

/* GET /desk/cycles/{id}/invoices/issue */
void p_desk_invoices_form(http_req *req)
{
    int64_t id, orders;
    cents_t excl;
    PGresult *c;
    bool early;
    if (!cycle_in_state(req, "batched", &id, &c))
        return;
    const char *delivery = db_val(c, 0, "delivery_date");
    int st = desk_cycle_orders(req->db, req->mem, req->hub_id, id, &orders, &excl);
    if (st == DB_OK)
        st = desk_before(req->db, req->mem, delivery, &early);
    delivery_list dl;
    refusal why = {0};
    if (st == DB_OK)
        st = delivery_lines(req->db, req->mem, req->hub_id, id, 0, true, 0, 1, &dl, &why);
    size_t to_weigh = st == 0 ? dl.to_weigh : 0;
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Émettre les factures\u00a0?", "Issue the invoices?");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p><b>", title);
    buf_html(&b, db_val(c, 0, "name"));
    buf_printf(&b, "</b> — %lld %s, %s ", (long long)orders,
               orders == 1 ? TR(req, "commande", "order") : TR(req, "commandes", "orders"),
               TR(req, "livraison le", "delivery on"));
    fmt_date(&b, req, delivery);
    buf_puts(&b, ".</p>");
    if (early)
        buf_printf(&b, "<p class=\"warn\">%s</p>",
                   TR(req,
                      "La livraison n’a pas encore eu lieu. Les factures seront datées "
                      "d’aujourd’hui, avec les quantités livrées et les poids enregistrés à "
                      "cette heure : un manque ou une pesée découverts plus tard devront être "
                      "corrigés par un avoir.",
                      "The delivery has not happened yet. The invoices will be dated today, with "
                      "the quantities delivered and the weights recorded by now: a shortage or a "
                      "weight found later will need a credit note."));
    buf_printf(&b, "<ul><li>%s</li><li>%s</li></ul>",
               TR(req, "Chaque commande reçoit ses factures, numérotées sans trou par vendeur.",
                  "Each order gets its invoices, numbered without gaps per seller."),
               TR(req, "Une facture émise ne change plus et le cycle passe à « facturé ».",
                  "An issued invoice never changes, and the cycle becomes \"invoiced\"."));
    if (to_weigh == 0) {
        confirm_buttons(&b, req, id, "invoices", NULL,
                        TR(req, "Oui, émettre les factures", "Yes, issue the invoices"));
    } else {
        estimates_form(&b, req, id, to_weigh);
    }
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
