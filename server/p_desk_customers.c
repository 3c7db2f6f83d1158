/*
 * server/p_desk_customers.c — the desk's "Clients sans internet / Customers without
 * internet" page: find a customer by name or phone, register one by phone, and go
 * type their order for the cycle (server/p_desk_orders.c).
 *
 *   GET  /desk/customers?q=TEXT&cycle=ID   search and the registration form
 *   POST /desk/customers                   register (name, phone, email optional)
 *
 * The cycle an order is typed for is ?cycle= when given (from the cycle's page),
 * else the open cycle customers order in now. A registration refused comes back on
 * the form with every field at fault marked (422), nothing saved.
 */
#include "../core/customer_offline.h"
#include "../core/cycle.h"
#include "../core/parse.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

/* The cycle to type orders for: ?cycle= (or the form's), else the current one; 0 none. */
static int64_t target_cycle(http_req *req, const char *given)
{
    int64_t id = 0;
    if (given && *given && parse_int(given, 1, INT64_MAX, &id) == PARSE_OK)
        return id;
    if (cycle_current(req->db, req->hub_id, &id) != DB_OK)
        return 0;
    return id;
}

static void field_error(buf *b, const char *id, const refusal *why, http_req *req)
{
    for (size_t i = 0; why && i < why->ndetails; i++)
        if (why->details[i].field && !strcmp(why->details[i].field, id)) {
            buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
            buf_html(b, req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
            buf_puts(b, "</p>");
            return;
        }
}

static bool has_error(const refusal *why, const char *id)
{
    for (size_t i = 0; why && i < why->ndetails; i++)
        if (why->details[i].field && !strcmp(why->details[i].field, id))
            return true;
    return false;
}

static void input(buf *b, http_req *req, const char *id, const char *type, const char *label,
                  const char *hint, const char *value, const refusal *why)
{
    bool bad = has_error(why, id);
    buf_printf(b, "<label for=\"%s\">", id);
    buf_html(b, label);
    buf_puts(b, "</label>");
    if (hint) {
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">", id);
        buf_html(b, hint);
        buf_puts(b, "</p>");
    }
    field_error(b, id, why, req);
    buf_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\"", type, id, id);
    if (!strcmp(type, "tel"))
        buf_puts(b, " autocomplete=\"off\"");
    if (hint || bad)
        buf_printf(b, " aria-describedby=\"%s%s%s%s\"", hint ? id : "", hint ? "-hint" : "",
                   bad ? (hint ? " " : "") : "", bad ? arena_printf(req->mem, "%s-error", id) : "");
    if (bad)
        buf_puts(b, " aria-invalid=\"true\"");
    buf_puts(b, " value=\"");
    buf_html(b, value ? value : "");
    buf_puts(b, "\">");
}

static void render_results(buf *b, http_req *req, const char *q, int64_t cycle)
{
    customer_row *rows;
    size_t n;
    refusal why = {0};
    int st = customer_search(req->db, req->mem, req->hub_id, q, &rows, &n, &why);
    if (st != 0) {
        buf_puts(b, "<p class=\"field-error\">");
        buf_html(b, st > 0 ? refusal_text(&why, req->lang)
                           : TR(req, "La recherche a échoué ; réessayez.",
                                "The search failed; try again."));
        buf_puts(b, "</p>");
        return;
    }
    buf_printf(b, "<h2>%s</h2>",
               q && *q ? TR(req, "Résultats", "Results")
                       : TR(req, "Derniers clients inscrits", "Latest customers"));
    if (n == 0) {
        buf_printf(b, "<p>%s</p>", TR(req, "Aucun client trouvé.", "No customer found."));
        return;
    }
    buf_puts(b, "<ul class=\"customers\">");
    for (size_t i = 0; i < n; i++) {
        const customer_row *c = &rows[i];
        buf_puts(b, "<li><b>");
        buf_html(b, c->name);
        buf_puts(b, "</b> · ");
        buf_html(b, *c->phone ? c->phone : TR(req, "sans téléphone", "no phone"));
        buf_puts(b, " · ");
        if (c->paper)
            buf_printf(b, "<span class=\"badge\">%s</span>",
                       TR(req, "papier (sans e-mail)", "paper (no e-mail)"));
        else
            buf_html(b, c->email);
        buf_printf(b, " · %s",
                   c->has_account ? TR(req, "a un compte", "has an account")
                                  : TR(req, "sans compte", "no account"));
        if (cycle)
            buf_printf(b,
                       " <a class=\"btn secondary\" href=\"/desk/cycles/%lld/orders/%lld\">%s</a>",
                       (long long)cycle, (long long)c->id,
                       TR(req, "Saisir sa commande", "Type their order"));
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul>");
}

static void render(http_req *req, int status, const char *q, int64_t cycle, const form *typed,
                   const refusal *why)
{
    const char *title = TR(req, "Clients sans internet", "Customers without internet");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk\">%s</a></p><h1>%s</h1>",
               TR(req, "← Bureau de coordination", "← Coordinator desk"), title);
    desk_notice(&b, req);
    if (why) {
        buf_printf(&b, "<div class=\"error-summary\" role=\"alert\"><h2>%s</h2><ul>",
                   TR(req, "Il y a un problème", "There is a problem"));
        for (size_t i = 0; i < why->ndetails; i++) {
            buf_printf(&b, "<li><a href=\"#%s\">", why->details[i].field);
            buf_html(&b, req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
            buf_puts(&b, "</a></li>");
        }
        buf_puts(&b, "</ul></div>");
    }
    if (!cycle)
        buf_printf(&b, "<p class=\"notice\">%s</p>",
                   TR(req, "Aucun cycle n’est ouvert : les commandes se saisiront à l’ouverture.",
                      "No cycle is open: orders can be typed once one opens."));
    buf_printf(&b, "<form method=\"get\" action=\"/desk/customers\" role=\"search\"><h2>%s</h2>",
               TR(req, "Retrouver un client", "Find a customer"));
    if (cycle)
        buf_printf(&b, "<input type=\"hidden\" name=\"cycle\" value=\"%lld\">", (long long)cycle);
    input(&b, req, "q", "search", TR(req, "Nom ou téléphone", "Name or phone"),
          TR(req, "Une partie du nom, ou les derniers chiffres du numéro.",
             "Part of the name, or the last digits of the number."),
          q, NULL);
    buf_printf(&b, " <button class=\"btn\" type=\"submit\">%s</button></form>",
               TR(req, "Chercher", "Search"));
    render_results(&b, req, q, cycle);
    buf_printf(&b,
               "<form method=\"post\" action=\"/desk/customers\" novalidate><h2>%s</h2><p>%s</p>",
               TR(req, "Inscrire un client par téléphone", "Register a customer by phone"),
               TR(req,
                  "Sans mot de passe ni compte : le client ne se connecte pas, vous saisissez ses "
                  "commandes. Sans e-mail, ses documents sont imprimés (reçu dans le sac, "
                  "facture papier).",
                  "No password, no account: the customer does not log in, you type their orders. "
                  "Without e-mail, their documents are printed (receipt in the bag, paper "
                  "invoice)."));
    page_csrf_field(&b, req);
    if (cycle)
        buf_printf(&b, "<input type=\"hidden\" name=\"cycle\" value=\"%lld\">", (long long)cycle);
    input(&b, req, "name", "text", TR(req, "Nom", "Name"), NULL,
          typed ? form_get(typed, "name") : "", why);
    input(&b, req, "phone", "tel", TR(req, "Téléphone", "Phone"),
          TR(req, "Par exemple 06 12 34 56 78, ou +32 … pour un numéro étranger.",
             "For example 06 12 34 56 78, or +32 … for a number abroad."),
          typed ? form_get(typed, "phone") : "", why);
    input(&b, req, "email", "email", TR(req, "E-mail (facultatif)", "E-mail (optional)"), NULL,
          typed ? form_get(typed, "email") : "", why);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Inscrire", "Register"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/customers */
void p_desk_customers(http_req *req)
{
    render(req, 200, http_query(req, "q"), target_cycle(req, http_query(req, "cycle")), NULL, NULL);
}

/* POST /desk/customers — then straight to their order for the cycle, if one is open. */
void p_desk_customer_create(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    customer_new in = {form_get(&f, "name"), form_get(&f, "phone"), form_get(&f, "email")};
    int64_t cycle = target_cycle(req, form_get(&f, "cycle"));
    int64_t id;
    refusal why = {0};
    int st =
        customer_register(req->db, req->mem, req->hub_id, req->session->user_id, &in, &id, &why);
    if (st > 0) {
        if (!why.ndetails) { /* one problem: list it like the others */
            why.details = arena_alloc(req->mem, sizeof *why.details);
            why.details[0] = (refusal_detail){why.code, why.field, why.fr, why.en};
            why.ndetails = 1;
        }
        render(req, why.status, "", cycle, &f, &why);
        return;
    }
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    if (cycle)
        desk_done(req,
                  arena_printf(req->mem, "/desk/cycles/%lld/orders/%lld", (long long)cycle,
                               (long long)id),
                  "registered");
    else
        desk_done(req, "/desk/customers", "registered");
}

/* The cycle page's section: the paper form to print, and orders by phone. */
void desk_paper_section(buf *b, http_req *req, int64_t cycle, const char *state)
{
    buf_printf(b, "<section><h2>%s</h2><p>%s</p><div class=\"actions\">",
               TR(req, "Commandes par téléphone et sur papier", "Orders by phone and on paper"),
               TR(req,
                  "Le bon de commande liste toutes les offres du cycle, à photocopier ; les "
                  "commandes reçues se saisissent client par client.",
                  "The order form lists every offer of the cycle, to photocopy; the orders "
                  "received are typed customer by customer."));
    buf_printf(b,
               "<a class=\"btn secondary\" href=\"/api/v1/cycles/%lld/reports/orderform?format=pdf"
               "&amp;lang=%s\">%s</a> <a class=\"btn secondary\" "
               "href=\"/api/v1/cycles/%lld/reports/orderform?format=html&amp;lang=%s\">%s</a>",
               (long long)cycle, req->lang, TR(req, "Bon de commande (PDF)", "Order form (PDF)"),
               (long long)cycle, req->lang, TR(req, "Bon de commande (HTML)", "Order form (HTML)"));
    if (!strcmp(state, "open"))
        buf_printf(b, " <a class=\"btn\" href=\"/desk/customers?cycle=%lld\">%s</a>",
                   (long long)cycle, TR(req, "Saisir une commande", "Type an order"));
    buf_puts(b, "</div></section>");
}
