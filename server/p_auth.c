/*
 * server/p_auth.c — the login, logout and sign-up pages.
 *
 * Forms post back to themselves; on an error the page comes back with the
 * message next to the field and everything typed kept (except passwords).
 */
#include "../core/customer_offline.h"
#include "handlers.h"
#include "http_input.h"
#include "page.h"
#include "session.h"
#include "../core/util.h"

#include <string.h>

/* Only same-site paths may be a "next" destination (no open redirect); the check is
 * server/http_input.c's, fuzzed alone. */
static const char *safe_next(const char *next)
{
    return http_safe_next(next);
}

static const char *home_of(const http_session *s)
{
    if (!s)
        return "/";
    return s->role == ROLE_COORDINATOR ? "/desk" : s->role == ROLE_PRODUCER ? "/producer" : "/";
}

void page_input(buf *b, const char *id, const char *type, const char *label, const char *value,
                const char *autocomplete, const char *error, const char *hint, bool required)
{
    buf_printf(b, "<label for=\"%s\">", id);
    buf_html(b, label);
    buf_puts(b, "</label>");
    if (hint) {
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">", id);
        buf_html(b, hint);
        buf_puts(b, "</p>");
    }
    if (error) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
        buf_html(b, error);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\" autocomplete=\"%s\"", type, id, id,
               autocomplete);
    if (required)
        buf_puts(b, " required");
    if (error && hint)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error %s-hint\"", id, id);
    else if (error)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
    else if (hint)
        buf_printf(b, " aria-describedby=\"%s-hint\"", id);
    if (value) {
        buf_puts(b, " value=\"");
        buf_html(b, value);
        buf_puts(b, "\"");
    }
    buf_puts(b, ">");
}

void page_problem(buf *b, http_req *req, const char *field_id, const char *message)
{
    buf_printf(b, "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>%s</h2><ul><li>",
               TR(req, "Il y a un problème", "There is a problem"));
    if (field_id)
        buf_printf(b, "<a href=\"#%s\">", field_id);
    buf_html(b, message);
    if (field_id)
        buf_puts(b, "</a>");
    buf_puts(b, "</li></ul></div>");
}

static void render_login(http_req *req, int status, const char *email, const char *error)
{
    buf b = BUF_INIT;
    page_begin(&b, req, TR(req, "Se connecter", "Log in"));
    buf_printf(&b, "<h1>%s</h1>", TR(req, "Se connecter", "Log in"));
    if (error)
        page_problem(&b, req, "email", error);
    buf_puts(&b, "<form method=\"post\" action=\"/login\" novalidate>");
    page_csrf_field(&b, req);
    const char *next = safe_next(http_query(req, "next"));
    if (next) {
        buf_puts(&b, "<input type=\"hidden\" name=\"next\" value=\"");
        buf_html(&b, next);
        buf_puts(&b, "\">");
    }
    page_input(&b, "email", "email", TR(req, "Adresse e-mail", "Email address"), email, "username",
               NULL, NULL, true);
    page_input(&b, "password", "password", TR(req, "Mot de passe", "Password"), NULL,
               "current-password", NULL, NULL, true);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Se connecter", "Log in"));
    buf_printf(&b, "<p>%s <a href=\"/signup\">%s</a></p>",
               TR(req, "Pas encore de compte ?", "No account yet?"),
               TR(req, "Créer un compte", "Sign up"));
    buf_printf(&b, "<p><a href=\"/password/forgot\">%s</a></p>",
               TR(req, "Mot de passe oublié ?", "Forgotten your password?"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /login */
void p_login_form(http_req *req)
{
    if (req->session) {
        http_reply_redirect(req, home_of(req->session));
        return;
    }
    render_login(req, 200, NULL, NULL);
}

/* POST /login */
void p_login(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *email = form_get(&f, "email"), *password = form_get(&f, "password");
    const char *next = safe_next(form_get(&f, "next"));
    if (!email || !*email || !password || !*password) {
        render_login(req, 422, email,
                     TR(req, "Indiquez votre adresse e-mail et votre mot de passe.",
                        "Give your email address and password."));
        return;
    }
    refusal why = {0};
    if (customer_login_refusal(email, &why)) { /* a phone customer has no account */
        render_login(req, 422, email, refusal_text(&why, req->lang));
        return;
    }
    account_user user;
    login_result res;
    int st = account_login(req->db, req->mem, req->hub_id, email, password, &user, &res);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (res == LOGIN_THROTTLED) {
        render_login(req, 429, email,
                     TR(req, "Trop d’essais infructueux ; réessayez dans quelques minutes.",
                        "Too many failed attempts; try again in a few minutes."));
        return;
    }
    if (res != LOGIN_OK) {
        render_login(
            req, 401, email,
            TR(req, "Adresse e-mail ou mot de passe incorrect.", "Wrong email or password."));
        return;
    }
    if ((st = session_start(req, &user)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_redirect(req, next ? next : home_of(req->session));
}

/* POST /logout */
void p_logout(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    int st = session_end(req);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_redirect(req, "/");
}

typedef struct {
    const char *id, *type, *fr, *en, *autocomplete, *hint_fr, *hint_en;
    bool required, business;
} signup_field;

static const signup_field signup_fields[] = {
    {"name", "text", "Nom et prénom", "Full name", "name", NULL, NULL, true, false},
    {"email", "email", "Adresse e-mail", "Email address", "email", NULL, NULL, true, false},
    {"phone", "tel", "Téléphone (facultatif)", "Phone (optional)", "tel",
     "Pour vous prévenir en cas d’imprévu le jour du retrait.",
     "To reach you if something comes up on pickup day.", false, false},
    {"password", "password", "Mot de passe", "Password", "new-password", "12 caractères au moins.",
     "At least 12 characters.", true, false},
    {"legal_name", "text", "Raison sociale", "Legal name", "organization", NULL, NULL, false, true},
    {"siret", "text", "SIRET", "SIRET", "off", "14 chiffres.", "14 digits.", false, true},
    {"vat_number", "text", "Numéro de TVA intracommunautaire (facultatif)", "VAT number (optional)",
     "off", NULL, NULL, false, true},
    {"address", "text", "Adresse de facturation", "Billing address", "street-address", NULL, NULL,
     false, true},
};

static void render_signup(http_req *req, int status, const form *f, const refusal *why)
{
    buf b = BUF_INIT;
    page_begin(&b, req, TR(req, "Créer un compte", "Sign up"));
    buf_printf(&b, "<h1>%s</h1>", TR(req, "Créer un compte", "Sign up"));
    if (why && why->ndetails) {
        /* every problem at once, each linked to its field */
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>%s</h2><ul>",
                   TR(req, "Il y a des problèmes", "There are problems"));
        for (size_t i = 0; i < why->ndetails; i++) {
            buf_printf(&b, "<li><a href=\"#%s\">", why->details[i].field);
            buf_html(&b, req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
            buf_puts(&b, "</a></li>");
        }
        buf_puts(&b, "</ul></div>");
    } else if (why) {
        page_problem(&b, req, why->field, refusal_text(why, req->lang));
    }
    buf_puts(&b, "<form method=\"post\" action=\"/signup\" novalidate>");
    page_csrf_field(&b, req);
    for (int part = 0; part < 2; part++) {
        if (part == 0)
            buf_printf(&b, "<fieldset><legend>%s</legend>", TR(req, "Vous", "You"));
        else
            buf_printf(&b, "<fieldset><legend>%s</legend><p class=\"hint\">%s</p>",
                       TR(req, "Vous achetez pour une entreprise ?", "Buying for a business?"),
                       TR(req,
                          "Restaurant, cantine, épicerie : ces informations figureront sur vos "
                          "factures. Laissez vide si vous achetez à titre personnel.",
                          "Restaurant, canteen, shop: these details go on your invoices. Leave "
                          "empty if you buy for yourself."));
        for (size_t i = 0; i < ARRAY_LEN(signup_fields); i++) {
            const signup_field *sf = &signup_fields[i];
            if (sf->business != (part == 1))
                continue;
            const char *err = why && why->field && !strcmp(why->field, sf->id)
                                  ? refusal_text(why, req->lang)
                                  : NULL;
            for (size_t k = 0; why && k < why->ndetails; k++)
                if (why->details[k].field && !strcmp(why->details[k].field, sf->id))
                    err = req->lang[0] == 'f' ? why->details[k].fr : why->details[k].en;
            const char *value = f && strcmp(sf->id, "password") ? form_get(f, sf->id) : NULL;
            page_input(&b, sf->id, sf->type, TR(req, sf->fr, sf->en), value, sf->autocomplete, err,
                       sf->hint_fr ? TR(req, sf->hint_fr, sf->hint_en) : NULL, sf->required);
        }
        buf_puts(&b, "</fieldset>");
    }
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Créer mon compte", "Create my account"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /signup */
void p_signup_form(http_req *req)
{
    render_signup(req, 200, NULL, NULL);
}

/* POST /signup */
void p_signup(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    account_signup_in in = {form_get(&f, "email"),      form_get(&f, "password"),
                            form_get(&f, "name"),       form_get(&f, "phone"),
                            form_get(&f, "legal_name"), form_get(&f, "siret"),
                            form_get(&f, "vat_number"), form_get(&f, "address")};
    in.lang = req->lang;
    account_user user;
    refusal why = {0};
    int st = account_signup(req->db, req->mem, req->hub_id, &in, &user, &why);
    if (st > 0) {
        render_signup(req, why.status, &f, &why);
        return;
    }
    if (st == 0)
        st = session_start(req, &user);
    if (st != 0) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_redirect(req, "/");
}
