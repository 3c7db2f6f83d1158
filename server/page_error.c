/*
 * server/page_error.c — error pages, and the hub's contact page they point to.
 *
 * A person who follows a stale link, mistypes an address or meets a refusal gets a
 * page like every other one (header, navigation, language switch), the reason in
 * words, and where to go from there: their home page, the login page when that is
 * what is missing, the hub's contact. Only scripts get JSON (server/http.c asks
 * page_error_wanted which).
 */
#include "page_error.h"
#include "../core/shop.h"
#include "handlers.h"
#include "negotiate.h"
#include "page.h"
#include "session.h"

#include <string.h>

/* The addresses that are the API's even when nothing is found there. */
static bool api_path(const char *path)
{
    return !strncmp(path, "/api/", 5) || !strcmp(path, "/api") || !strcmp(path, "/healthz") ||
           !strcmp(path, "/metrics");
}

bool page_error_wanted(http_req *req)
{
    const char *accept = http_header(req, "Accept");
    if (req->route)
        return (req->route->flags & ROUTE_HTML) || neg_prefers_html(accept);
    return api_path(req->path) ? neg_prefers_html(accept) : !neg_prefers_json(accept);
}

static const char *home_of(http_req *req)
{
    int role = req->session ? req->session->role : ROLE_ANON;
    return role == ROLE_COORDINATOR ? "/desk" : role == ROLE_PRODUCER ? "/producer" : "/";
}

static const char *title_of(http_req *req, int status)
{
    switch (status) {
    case 404:
        return TR(req, "Page introuvable", "Page not found");
    case 401:
        return TR(req, "Connectez-vous d’abord", "Log in first");
    case 403:
        return TR(req, "Accès refusé", "Access refused");
    case 405:
        return TR(req, "Adresse mal utilisée", "Wrong use of this address");
    case 413:
        return TR(req, "Envoi trop volumineux", "Too much sent at once");
    case 429:
        return TR(req, "Trop de demandes", "Too many requests");
    default:
        if (status >= 500)
            return TR(req, "Un problème de notre côté", "A problem on our side");
        return TR(req, "Ce n’est pas possible", "This cannot be done");
    }
}

void page_error(http_req *req, int status, const char *code, const char *message)
{
    /* an unknown address is answered before any session is read: read it now, so the
     * navigation is the visitor's own (and says nothing if the database is away) */
    if (!req->route && !req->session && !req->db && (req->db = db_thread_conn()) != NULL &&
        session_load(req) == DB_OK && !req->hub_id)
        session_default_hub(req);
    const char *title = title_of(req, status);
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_puts(&b, "<h1>");
    buf_html(&b, title);
    buf_puts(&b, "</h1><p role=\"alert\" data-code=\"");
    buf_html(&b, code ? code : "");
    buf_puts(&b, "\">");
    buf_html(&b, message);
    buf_printf(&b, "</p><h2>%s</h2><ul>", TR(req, "Et maintenant\u00a0?", "What now?"));
    if (status == 404)
        buf_printf(&b, "<li>%s</li>",
                   TR(req, "Vérifiez l’adresse, ou repartez de l’accueil.",
                      "Check the address, or start again from the home page."));
    else if (status >= 500 || status == 429)
        buf_printf(&b, "<li>%s</li>",
                   TR(req, "Réessayez dans un instant : rien n’a été enregistré.",
                      "Try again in a moment: nothing was saved."));
    if ((status == 401 || status == 403) && !req->session)
        buf_printf(&b, "<li><a href=\"/login\">%s</a></li>", TR(req, "Se connecter", "Log in"));
    buf_printf(&b, "<li><a href=\"%s\">%s</a></li><li><a href=\"/contact\">%s</a></li></ul>",
               home_of(req), TR(req, "Retour à l’accueil", "Back to the home page"),
               TR(req, "Contacter le groupement", "Contact the hub"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /contact — who runs this hub and how to reach them. */
void p_contact(http_req *req)
{
    shop_hub h;
    bool found;
    int st = shop_hub_load(req->db, req->mem, req->hub_id, &h, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Contact", "Contact");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_puts(&b, "<h1>");
    buf_html(&b, found ? h.name : title);
    buf_printf(&b, "</h1><p>%s</p><dl class=\"facts\">",
               TR(req,
                  "Une question sur une commande, un retrait, une facture ? Le groupement "
                  "vous répond.",
                  "A question about an order, a pickup or an invoice? The hub answers."));
    if (found && *h.email) {
        buf_printf(&b, "<dt>%s</dt><dd><a href=\"mailto:", TR(req, "E-mail", "Email"));
        buf_html(&b, h.email);
        buf_puts(&b, "\">");
        buf_html(&b, h.email);
        buf_puts(&b, "</a></dd>");
    }
    if (found && *h.phone) {
        buf_printf(&b, "<dt>%s</dt><dd>", TR(req, "Téléphone", "Phone"));
        buf_html(&b, h.phone);
        buf_puts(&b, "</dd>");
    }
    if (found && *h.address) {
        buf_printf(&b, "<dt>%s</dt><dd>", TR(req, "Adresse", "Address"));
        buf_html(&b, h.address);
        buf_puts(&b, "</dd>");
    }
    if (found) {
        buf_printf(&b, "<dt>%s</dt><dd>", TR(req, "Identité", "Legal identity"));
        buf_html(&b, h.name);
        if (*h.legal_form) {
            buf_puts(&b, ", ");
            buf_html(&b, h.legal_form);
        }
        buf_puts(&b, " — SIRET ");
        buf_html(&b, h.siret);
        buf_puts(&b, "</dd>");
    }
    buf_puts(&b, "</dl>");
    page_end(&b, req);
    req->cache = req->session ? HTTP_CACHE_NO_STORE : HTTP_CACHE_REVALIDATE;
    http_reply_html(req, 200, &b);
}
