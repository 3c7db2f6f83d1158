/*
 * server/p_account.c — "My account": the language of messages and the optional ones,
 * the password, a copy of one's data, closing the account.
 *
 * Each form posts to its own address and comes back here (Post/Redirect/Get) or,
 * refused, shows the page again with the field marked. Closing asks for confirmation
 * on a page of its own: it cannot be undone.
 */
#include "../core/account_privacy.h"
#include "../core/account_tokens.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"
#include "session.h"

#include <string.h>

static void checkbox(buf *b, const char *id, const char *label, bool on)
{
    buf_printf(
        b, "<p><input type=\"checkbox\" id=\"%s\" name=\"%s\" value=\"1\"%s> <label for=\"%s\">",
        id, id, on ? " checked" : "", id);
    buf_html(b, label);
    buf_lit(b, "</label></p>");
}

static void account_page(http_req *req, int status, const char *pw_field, const char *pw_error)
{
    account_prefs p;
    int st = account_prefs_get(req->db, req->mem, req->session->user_id, &p);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Mon compte", "My account");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    desk_notice(&b, req);
    buf_lit(&b, "<p>");
    buf_html(&b, p.email);
    buf_printf(&b, " — %s</p>",
               p.verified ? TR(req, "adresse confirmée", "address confirmed")
                          : TR(req, "adresse à confirmer (voyez le message reçu à l’inscription)",
                               "address not confirmed yet (see the message sent at sign-up)"));

    buf_printf(&b, "<h2>%s</h2><form method=\"post\" action=\"/account/preferences\">",
               TR(req, "Messages", "Messages"));
    page_csrf_field(&b, req);
    buf_printf(&b, "<fieldset><legend>%s</legend>",
               TR(req, "Langue des messages", "Language of messages"));
    for (int i = 0; i < 2; i++) {
        const char *v = i ? "en" : "fr";
        buf_printf(&b,
                   "<p><input type=\"radio\" id=\"lang-%s\" name=\"lang\" value=\"%s\"%s> "
                   "<label for=\"lang-%s\">%s</label></p>",
                   v, v, !strcmp(p.lang, v) ? " checked" : "", v, i ? "English" : "Français");
    }
    buf_printf(&b, "</fieldset><fieldset><legend>%s</legend>",
               TR(req, "Messages facultatifs", "Optional messages"));
    checkbox(
        &b, "shop_open",
        TR(req, "« La boutique est ouverte » chaque semaine", "\"The shop is open\" every week"),
        p.shop_open);
    checkbox(&b, "shop_closing",
             TR(req, "« La boutique ferme bientôt », si je n’ai pas commandé",
                "\"The shop closes soon\", when I have not ordered"),
             p.shop_closing);
    buf_printf(&b, "</fieldset><p class=\"hint\">%s</p>",
               TR(req, "Les messages sur vos commandes, factures et votre compte partent toujours.",
                  "Messages about your orders, invoices and account are always sent."));
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Save"));

    buf_printf(&b, "<h2>%s</h2>", TR(req, "Mot de passe", "Password"));
    if (pw_error)
        page_problem(&b, req, pw_field, pw_error);
    buf_lit(&b, "<form method=\"post\" action=\"/account/password\" novalidate>");
    page_csrf_field(&b, req);
    bool cur_err = pw_field && !strcmp(pw_field, "current_password");
    page_input(&b, "current_password", "password",
               TR(req, "Mot de passe actuel", "Current password"), NULL, "current-password",
               cur_err ? pw_error : NULL, NULL, true);
    page_input(&b, "password", "password", TR(req, "Nouveau mot de passe", "New password"), NULL,
               "new-password", pw_error && !cur_err ? pw_error : NULL,
               TR(req, "12 caractères au moins ; vos autres sessions seront fermées.",
                  "At least 12 characters; your other sessions will be ended."),
               true);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Changer le mot de passe", "Change the password"));

    buf_printf(&b, "<h2>%s</h2><p>%s</p><p><a href=\"/account/export\">%s</a></p>",
               TR(req, "Vos données", "Your data"),
               TR(req,
                  "Tout ce que km0 garde à votre sujet, dans un fichier JSON. Ce qui est gardé, "
                  "pourquoi et combien de temps :",
                  "Everything km0 keeps about you, as a JSON file. What is kept, why and for how "
                  "long:"),
               TR(req, "Télécharger mes données", "Download my data"));
    buf_printf(&b, "<p><a href=\"/privacy\">%s</a></p>",
               TR(req, "Données personnelles", "Privacy notice"));
    buf_printf(&b, "<p><a class=\"btn danger\" href=\"/account/close\">%s</a></p>",
               TR(req, "Fermer mon compte", "Close my account"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /account */
void p_account(http_req *req)
{
    account_page(req, 200, NULL, NULL);
}

/* POST /account/preferences (lang, shop_open, shop_closing) */
void p_account_prefs(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    account_prefs p = {.lang = form_get(&f, "lang"),
                       .shop_open = form_get(&f, "shop_open") != NULL,
                       .shop_closing = form_get(&f, "shop_closing") != NULL};
    refusal why = {0};
    int st = account_prefs_set(req->db, req->mem, req->session->user_id, &p, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/account", "saved");
}

/* POST /account/password (current_password, password) */
void p_account_password(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int st =
        account_change_password(req->db, req->mem, req->session->user_id, req->session->id,
                                form_get(&f, "current_password"), form_get(&f, "password"), &why);
    if (st > 0) {
        account_page(req, why.status, why.field, refusal_text(&why, req->lang));
        return;
    }
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    desk_done(req, "/account", "password_changed");
}

/* GET /account/export: the JSON file */
void p_account_export(http_req *req)
{
    const char *json;
    int st = account_export(req->db, req->mem, req->session->user_id, &json);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_bytes(req, 200, "application/json", json, strlen(json), "km0-my-data.json");
}

/* GET /account/close: what closing does, and the button */
void p_account_close_form(http_req *req)
{
    const char *title = TR(req, "Fermer mon compte", "Close my account");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>%s</p><p>%s</p>", title,
               TR(req,
                  "Votre nom, votre adresse e-mail, votre téléphone et votre adresse seront "
                  "effacés, vos sessions fermées, vos messages supprimés. Vos commandes restent "
                  "pour la comptabilité du groupement, sans votre nom.",
                  "Your name, email address, phone and address will be erased, your sessions "
                  "ended, your messages deleted. Your orders stay in the hub's accounts, without "
                  "your name."),
               TR(req,
                  "Les factures déjà émises ne changent pas : la loi impose de les garder dix "
                  "ans telles quelles. Cela ne peut pas être annulé.",
                  "Invoices already issued do not change: the law requires keeping them ten "
                  "years as they are. This cannot be undone."));
    buf_lit(&b, "<form method=\"post\" action=\"/account/close\">");
    page_csrf_field(&b, req);
    buf_lit(&b, "<input type=\"hidden\" name=\"confirm\" value=\"1\">");
    buf_printf(&b,
               "<p><button class=\"btn danger\" type=\"submit\">%s</button> "
               "<a href=\"/account\">%s</a></p></form>",
               TR(req, "Fermer définitivement mon compte", "Close my account for good"),
               TR(req, "Annuler", "Cancel"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /account/close (confirm=1: from the page that says what closing does) */
void p_account_close(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    if (!form_get(&f, "confirm")) {
        refuse(&why, 422, "confirmation_needed", "confirm",
               "Confirmez depuis la page « Fermer mon compte ».",
               "Confirm from the \"Close my account\" page.");
        http_reply_refusal(req, &why);
        return;
    }
    int st = account_close(req->db, req->mem, req->hub_id, req->session->user_id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_set_cookie(req, SESSION_COOKIE, "", 0, true);
    req->session = NULL;
    buf b = BUF_INIT;
    const char *title = TR(req, "Compte fermé", "Account closed");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>%s</p>", title,
               TR(req, "Votre compte est fermé et vos données personnelles effacées.",
                  "Your account is closed and your personal data erased."));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
