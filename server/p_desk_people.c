/*
 * server/p_desk_people.c — the desk's "People" pages: customers found by name or
 * e-mail a page at a time, a customer's details and orders, a business buyer's
 * details marked verified, and who coordinates the hub (the role given and removed,
 * each change recorded). The same core functions as /api/v1/customers and
 * /api/v1/coordinators (core/people.h).
 */
#include "../core/people.h"
#include "../core/parse.h"
#include "../core/text.h"
#include "admin_io.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

#define CHANGES_SHOWN 20

static const char *role_label(http_req *req, const char *role)
{
    if (!strcmp(role, "coordinator"))
        return TR(req, "coordination", "coordinator");
    if (!strcmp(role, "consumer"))
        return TR(req, "client", "customer");
    if (!strcmp(role, "producer"))
        return TR(req, "producteur", "producer");
    return *role ? role : "—";
}

static void coordinators_section(buf *b, http_req *req)
{
    people_coordinator *c;
    people_role_change *ch;
    size_t n, nch;
    if (people_coordinators(req->db, req->mem, req->hub_id, &c, &n) != DB_OK ||
        people_role_changes(req->db, req->mem, req->hub_id, CHANGES_SHOWN, &ch, &nch) != DB_OK) {
        buf_printf(
            b, "<p class=\"warn\">%s</p>",
            TR(req, "La coordination n’a pas pu être lue.", "Coordinators could not be read."));
        return;
    }
    buf_printf(b, "<h2 id=\"coordinators\">%s</h2><ul>", TR(req, "Coordination", "Coordinators"));
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, "<li>");
        buf_html(b, c[i].email);
        if (*c[i].name) {
            buf_puts(b, " (");
            buf_html(b, c[i].name);
            buf_puts(b, ")");
        }
        if (n > 1)
            desk_action_button(
                b, req,
                arena_printf(req->mem, "/desk/coordinators/%lld/remove", (long long)c[i].user_id),
                TR(req, "Retirer le rôle", "Remove the role"), NULL, NULL, "secondary");
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>");
    buf_puts(b, "<form method=\"post\" action=\"/desk/coordinators\" novalidate>");
    page_csrf_field(b, req);
    admin_input(
        b, req, "email",
        TR(req, "Donner le rôle à (e-mail du compte)", "Give the role to (account's email)"),
        TR(req, "La personne a déjà un compte dans le groupement.",
           "The person already has an account in the hub."),
        "email", "", NULL);
    buf_printf(b, "<p><button class=\"btn secondary\" type=\"submit\">%s</button></p></form>",
               TR(req, "Donner le rôle de coordination", "Give the coordinator role"));
    if (!nch)
        return;
    buf_printf(b,
               "<h3>%s</h3><table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
               TR(req, "Changements de rôle", "Role changes"), TR(req, "Quand", "When"),
               TR(req, "Compte", "Account"), TR(req, "Rôle", "Role"), TR(req, "Par", "By"));
    for (size_t i = 0; i < nch; i++) {
        buf_puts(b, "<tr><td>");
        fmt_datetime(b, req, ch[i].changed_at);
        buf_printf(b, "</td><td data-l=\"%s\">", TR(req, "Compte", "Account"));
        buf_html(b, ch[i].email);
        buf_printf(b, "</td><td data-l=\"%s\">%s → %s</td><td data-l=\"%s\">",
                   TR(req, "Rôle", "Role"), role_label(req, ch[i].old_role),
                   role_label(req, ch[i].new_role), TR(req, "Par", "By"));
        buf_html(b, *ch[i].by ? ch[i].by : TR(req, "ligne de commande", "command line"));
        buf_printf(b, " (%s)</td></tr>", ch[i].via);
    }
    buf_puts(b, "</tbody></table>");
}

static void page_link(buf *b, const char *q, int64_t page, const char *label)
{
    buf_puts(b, "<li><a href=\"/desk/people?q=");
    buf_url(b, q);
    buf_printf(b, "&amp;page=%lld\">", (long long)page);
    buf_html(b, label);
    buf_puts(b, "</a></li>");
}

static void pager(buf *b, http_req *req, const char *q, int64_t page, bool more)
{
    if (page > 0)
        page_link(b, q, page - 1, TR(req, "← Page précédente", "← Previous page"));
    if (more)
        page_link(b, q, page + 1, TR(req, "Page suivante →", "Next page →"));
}

/* GET /desk/people?q=…&page=N */
void p_desk_people(http_req *req)
{
    const char *q = http_query(req, "q"), *pg = http_query(req, "page");
    int64_t page = 0;
    if (pg && parse_int(pg, 0, 100000, &page) != PARSE_OK)
        page = 0;
    if (!q || text_check(q, 0, 200, TEXT_LINE) != TEXT_OK)
        q = "";
    people_customer *c;
    size_t n;
    bool more;
    int st = people_search(req->db, req->mem, req->hub_id, q, page, &c, &n, &more);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Personnes", "People");
    page_begin(&b, req, title);
    admin_top(&b, req, "/desk", TR(req, "Bureau de coordination", "Coordinator desk"), title);
    desk_notice(&b, req);
    buf_printf(&b,
               "<form method=\"get\" action=\"/desk/people\" role=\"search\">"
               "<label for=\"q\">%s</label><input type=\"text\" id=\"q\" name=\"q\" value=\"",
               TR(req, "Chercher un client (nom ou e-mail)", "Find a customer (name or email)"));
    buf_html(&b, q);
    buf_printf(&b, "\"> <button class=\"btn secondary\" type=\"submit\">%s</button></form>",
               TR(req, "Chercher", "Search"));
    buf_printf(&b,
               "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\" "
               "class=\"num\">%s</th></tr></thead><tbody>",
               TR(req, "Clients", "Customers"), TR(req, "Nom", "Name"), TR(req, "E-mail", "Email"),
               TR(req, "Type", "Kind"), TR(req, "Commandes", "Orders"));
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "<tr><td><a href=\"/desk/people/%lld\">", (long long)c[i].id);
        buf_html(&b, c[i].name);
        buf_printf(&b, "</a></td><td data-l=\"%s\">", TR(req, "E-mail", "Email"));
        buf_html(&b, c[i].email);
        buf_printf(&b,
                   "</td><td data-l=\"%s\">%s%s</td><td class=\"num\" data-l=\"%s\">%lld</td></tr>",
                   TR(req, "Type", "Kind"),
                   !strcmp(c[i].kind, "business") ? TR(req, "professionnel", "business")
                                                  : TR(req, "particulier", "person"),
                   !strcmp(c[i].kind, "business") && *c[i].verified_at
                       ? TR(req, " (vérifié)", " (verified)")
                       : "",
                   TR(req, "Commandes", "Orders"), (long long)c[i].orders);
    }
    if (!n)
        buf_printf(&b, "<tr><td colspan=\"4\">%s</td></tr>",
                   TR(req, "Aucun client trouvé.", "No customer found."));
    buf_puts(&b, "</tbody></table><ul class=\"pager\">");
    pager(&b, req, q, page, more);
    buf_puts(&b, "</ul>");
    coordinators_section(&b, req);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

static bool customer_or_reply(http_req *req, people_customer *c)
{
    int64_t id;
    bool found = false;
    int st = DB_OK;
    if (parse_int(http_param(req, "id"), 1, INT64_MAX, &id) == PARSE_OK)
        st = people_customer_get(req->db, req->mem, req->hub_id, id, c, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce client n’existe pas.", "There is no such customer."), NULL);
        return false;
    }
    return true;
}

static void fact(buf *b, const char *label, const char *value)
{
    if (!value || !*value)
        return;
    buf_puts(b, "<dt>");
    buf_html(b, label);
    buf_puts(b, "</dt><dd>");
    buf_html(b, value);
    buf_puts(b, "</dd>");
}

static const char *state_label(http_req *req, const char *state)
{
    static const char *const s[][3] = {{"draft", "en préparation", "draft"},
                                       {"open", "ouvert", "open"},
                                       {"closed", "clos", "closed"},
                                       {"batched", "tournées prêtes", "batched"},
                                       {"invoiced", "facturé", "invoiced"}};
    for (size_t i = 0; i < sizeof s / sizeof s[0]; i++)
        if (!strcmp(state, s[i][0]))
            return TR(req, s[i][1], s[i][2]);
    return state;
}

/* GET /desk/people/{id} */
void p_desk_person(http_req *req)
{
    people_customer c;
    if (!customer_or_reply(req, &c))
        return;
    people_order *o;
    size_t n;
    int st = people_orders(req->db, req->mem, req->hub_id, c.id, &o, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    bool business = !strcmp(c.kind, "business");
    buf b = BUF_INIT;
    page_begin(&b, req, c.name);
    admin_top(&b, req, "/desk/people", TR(req, "Personnes", "People"), c.name);
    desk_notice(&b, req);
    buf_puts(&b, "<dl class=\"facts\">");
    fact(&b, TR(req, "E-mail", "Email"), c.email);
    fact(&b, TR(req, "Téléphone", "Phone"), c.phone);
    fact(&b, TR(req, "Compte", "Account"),
         c.user_id ? role_label(req, c.role) : TR(req, "sans compte", "no account"));
    if (business) {
        fact(&b, TR(req, "Raison sociale", "Legal name"), c.legal_name);
        fact(&b, "SIRET", c.siret);
        fact(&b, TR(req, "Numéro de TVA", "VAT number"), c.vat_number);
        fact(&b, TR(req, "Adresse de facturation", "Billing address"), c.address);
    }
    buf_puts(&b, "</dl>");
    if (business) {
        buf_printf(&b, "<h2>%s</h2><p>", TR(req, "Vérification", "Verification"));
        if (*c.verified_at) {
            buf_puts(&b, TR(req, "Coordonnées vérifiées le ", "Details verified on "));
            fmt_datetime(&b, req, c.verified_at);
            buf_printf(&b, " %s ", TR(req, "par", "by"));
            buf_html(&b, c.verified_by);
            buf_puts(&b, ".");
        } else {
            buf_puts(&b, TR(req,
                            "Vérifiez la raison sociale, le SIRET et l’adresse (annuaire des "
                            "entreprises) avant de le marquer.",
                            "Check the legal name, SIRET and address (the business register) "
                            "before marking them."));
        }
        buf_puts(&b, "</p>");
        desk_action_button(
            &b, req, arena_printf(req->mem, "/desk/people/%lld/verified", (long long)c.id),
            *c.verified_at ? TR(req, "Retirer la vérification", "Remove the verification")
                           : TR(req, "Marquer comme vérifié", "Mark as verified"),
            "verified", *c.verified_at ? "0" : "1", "secondary");
    }
    if (c.user_id && !strcmp(c.role, "consumer")) {
        buf_puts(&b, "<form method=\"post\" action=\"/desk/coordinators\">");
        page_csrf_field(&b, req);
        buf_puts(&b, "<input type=\"hidden\" name=\"email\" value=\"");
        buf_html(&b, c.email);
        buf_printf(&b,
                   "\"><p><button class=\"btn secondary\" type=\"submit\">%s</button></p></form>",
                   TR(req, "Lui donner le rôle de coordination", "Give them the coordinator role"));
    }
    buf_printf(&b, "<h2>%s</h2>", TR(req, "Commandes", "Orders"));
    if (!n)
        buf_printf(&b, "<p>%s</p>", TR(req, "Aucune commande.", "No order."));
    else {
        buf_printf(&b,
                   "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
                   "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th></tr>"
                   "</thead><tbody>",
                   TR(req, "Cycle", "Cycle"), TR(req, "Livraison", "Delivery"),
                   TR(req, "Point de retrait", "Pickup point"), TR(req, "Montant HT", "Excl. VAT"));
        for (size_t i = 0; i < n; i++) {
            buf_printf(&b, "<tr><td><a href=\"/desk/cycles/%lld\">", (long long)o[i].cycle);
            buf_html(&b, o[i].cycle_name);
            buf_printf(&b, "</a> (%s)</td><td data-l=\"%s\">", state_label(req, o[i].state),
                       TR(req, "Livraison", "Delivery"));
            fmt_date(&b, req, o[i].delivery_date);
            buf_printf(&b, "</td><td data-l=\"%s\">", TR(req, "Point de retrait", "Pickup point"));
            buf_html(&b, o[i].pickup_point);
            buf_printf(&b, "</td><td class=\"num\" data-l=\"%s\">",
                       TR(req, "Montant HT", "Excl. VAT"));
            fmt_money(&b, req, o[i].excl);
            buf_puts(&b, "</td></tr>");
        }
        buf_puts(&b, "</tbody></table>");
    }
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/people/{id}/verified — verified=1|0 */
void p_desk_person_verified(http_req *req)
{
    form f;
    people_customer c;
    if (!page_form_or_reply(req, &f) || !customer_or_reply(req, &c))
        return;
    const char *v = form_get(&f, "verified");
    bool on = v && !strcmp(v, "1");
    refusal why = {0};
    int st = people_verify(req->db, req->mem, req->hub_id, c.id, on, req->session->user_id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, arena_printf(req->mem, "/desk/people/%lld", (long long)c.id),
              on ? "verified" : "unverified");
}

/* POST /desk/coordinators — email */
void p_desk_coordinator_add(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int64_t id;
    int st = people_make_coordinator(req->db, req->mem, req->hub_id, form_get(&f, "email"),
                                     req->session->user_id, "desk", &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/people", "role_given");
}

/* POST /desk/coordinators/{id}/remove */
void p_desk_coordinator_remove(http_req *req)
{
    form f;
    int64_t id;
    if (!page_form_or_reply(req, &f))
        return;
    if (parse_int(http_param(req, "id"), 1, INT64_MAX, &id) != PARSE_OK) {
        http_reply_error(req, 404, "not_found", TR(req, "Introuvable.", "Not found."), NULL);
        return;
    }
    refusal why = {0};
    int st = people_remove_coordinator(req->db, req->mem, req->hub_id, id, req->session->user_id,
                                       "desk", &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/people", "role_removed");
}
