/*
 * server/p_password.c — what an e-mailed link opens: confirming the address
 * (/verify), asking for a password reset (/password/forgot) and choosing the new
 * password (/password/reset).
 *
 * The links carry their token in the query; the page puts it in a form, and only the
 * POST uses it (a mail scanner that fetches links changes nothing). Whatever the
 * address, asking for a reset says the same thing.
 */
#include "../core/account_tokens.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void hidden_token(buf *b, const char *token)
{
    buf_lit(b, "<input type=\"hidden\" name=\"t\" value=\"");
    buf_html(b, token ? token : "");
    buf_lit(b, "\">");
}

static void simple_page(http_req *req, int status, const char *title, const char *text,
                        const char *link, const char *link_label)
{
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_lit(&b, "<h1>");
    buf_html(&b, title);
    buf_lit(&b, "</h1><p>");
    buf_html(&b, text);
    buf_lit(&b, "</p>");
    if (link) {
        buf_lit(&b, "<p><a class=\"btn\" href=\"");
        buf_html(&b, link);
        buf_lit(&b, "\">");
        buf_html(&b, link_label);
        buf_lit(&b, "</a></p>");
    }
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /verify?t=TOKEN */
void p_verify_form(http_req *req)
{
    const char *title = TR(req, "Confirmer votre adresse", "Confirm your address");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p>%s</p><form method=\"post\" action=\"/verify\">", title,
               TR(req, "Un clic pour confirmer que cette adresse e-mail est bien la vôtre.",
                  "One click to confirm that this email address is yours."));
    page_csrf_field(&b, req);
    hidden_token(&b, http_query(req, "t"));
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Confirmer", "Confirm"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /verify (t) */
void p_verify(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    int64_t user;
    refusal why = {0};
    int st = account_verify(req->db, req->mem, form_get(&f, "t"), &user, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    simple_page(req, 200, TR(req, "Adresse confirmée", "Address confirmed"),
                TR(req, "Merci : votre adresse est confirmée, vous pouvez commander.",
                   "Thank you: your address is confirmed, you can order."),
                "/", TR(req, "La boutique", "The shop"));
}

static void forgot_page(http_req *req, int status, const char *email, const char *error)
{
    const char *title = TR(req, "Mot de passe oublié", "Forgotten password");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    if (error)
        page_problem(&b, req, "email", error);
    buf_printf(&b, "<p>%s</p><form method=\"post\" action=\"/password/forgot\" novalidate>",
               TR(req,
                  "Indiquez l’adresse de votre compte : nous y enverrons un lien pour choisir un "
                  "nouveau mot de passe, valable une heure.",
                  "Give your account's address: we will send it a link to choose a new password, "
                  "valid for an hour."));
    page_csrf_field(&b, req);
    page_input(&b, "email", "email", TR(req, "Adresse e-mail", "Email address"), email, "username",
               error, NULL, true);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Recevoir le lien", "Send me the link"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /password/forgot */
void p_forgot_form(http_req *req)
{
    forgot_page(req, 200, NULL, NULL);
}

/* POST /password/forgot (email): the same page whether an account has the address. */
void p_forgot(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *email = form_get(&f, "email");
    refusal why = {0};
    int st = account_reset_request(req->db, req->mem, req->hub_id, email, &why);
    if (st > 0) {
        forgot_page(req, why.status, email, refusal_text(&why, req->lang));
        return;
    }
    if (st < 0) {
        http_reply_db_error(req, st);
        return;
    }
    simple_page(req, 200, TR(req, "Regardez vos messages", "Check your messages"),
                TR(req,
                   "Si un compte existe avec cette adresse, un lien pour choisir un nouveau mot "
                   "de passe vient d’y partir. Il est valable une heure.",
                   "If an account has this address, a link to choose a new password is on its "
                   "way there. It is valid for an hour."),
                "/login", TR(req, "Se connecter", "Log in"));
}

static void reset_page(http_req *req, int status, const char *token, const char *error)
{
    const char *title = TR(req, "Nouveau mot de passe", "New password");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    if (error)
        page_problem(&b, req, "password", error);
    buf_lit(&b, "<form method=\"post\" action=\"/password/reset\" novalidate>");
    page_csrf_field(&b, req);
    hidden_token(&b, token);
    page_input(&b, "password", "password", TR(req, "Nouveau mot de passe", "New password"), NULL,
               "new-password", error, TR(req, "12 caractères au moins.", "At least 12 characters."),
               true);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Save"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /password/reset?t=TOKEN: the form, or why the link does not work any more. */
void p_reset_form(http_req *req)
{
    const char *token = http_query(req, "t");
    refusal why = {0};
    int st = account_reset_check(req->db, req->mem, token, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    reset_page(req, 200, token, NULL);
}

/* POST /password/reset (t, password) */
void p_reset(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *token = form_get(&f, "t");
    refusal why = {0};
    int st = account_reset_password(req->db, req->mem, token, form_get(&f, "password"), &why);
    if (st > 0 && why.field && !strcmp(why.field, "password")) {
        reset_page(req, why.status, token, refusal_text(&why, req->lang));
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    simple_page(req, 200, TR(req, "Mot de passe changé", "Password changed"),
                TR(req,
                   "Votre nouveau mot de passe est enregistré ; vos autres sessions sont "
                   "fermées.",
                   "Your new password is saved; your other sessions were ended."),
                "/login", TR(req, "Se connecter", "Log in"));
}
