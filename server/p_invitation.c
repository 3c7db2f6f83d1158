/*
 * server/p_invitation.c — an invitation used: the page behind the link a coordinator
 * passed on (GET/POST /invitation?t=TOKEN), and the same for scripts (POST
 * /api/v1/invitations). The invited person chooses a password; the account is made,
 * the link spent, and the person is logged in.
 *
 * The token travels in the query string, which km0's own log never writes (it logs
 * the path); the page is sent with Referrer-Policy same-origin, so no other site sees
 * it. The token names its hub, so these routes need none from the Host.
 */
#include "../core/invite.h"
#include "admin_io.h"
#include "handlers.h"
#include "json_in.h"
#include "page.h"
#include "session.h"

#include <string.h>

static bool usable_or_reply(http_req *req, const char *token, invite_info *in)
{
    int st = invite_find(req->db, req->mem, token, in);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!in->found) {
        http_reply_error(
            req, 410, "invalid_invitation",
            TR(req, "Ce lien d’invitation n’est pas valide : demandez-en un autre au groupement.",
               "This invitation link is not valid: ask the hub for another."),
            NULL);
        return false;
    }
    if (in->used || in->expired) {
        http_reply_error(
            req, 410, in->used ? "invitation_used" : "invitation_expired",
            in->used ? TR(req, "Ce lien a déjà servi : connectez-vous avec votre mot de passe.",
                          "This link has been used: log in with your password.")
                     : TR(req, "Ce lien a expiré : demandez-en un autre au groupement.",
                          "This link has expired: ask the hub for another."),
            NULL);
        return false;
    }
    return true;
}

static void render(http_req *req, int status, const char *token, const invite_info *in,
                   const char *name, const refusal *why)
{
    buf b = BUF_INIT;
    const char *title = TR(req, "Créer votre compte", "Create your account");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    admin_errors(&b, req, why);
    buf_puts(&b, "<p>");
    buf_html(&b, in->hub_name);
    if (!strcmp(in->role, "producer")) {
        buf_puts(&b, TR(req, " vous invite à gérer l’espace producteur de ",
                        " invites you to run the producer space of "));
        buf_puts(&b, "<b>");
        buf_html(&b, in->producer_name);
        buf_puts(&b, "</b>");
    } else {
        buf_puts(&b, TR(req, " vous invite à coordonner le groupement",
                        " invites you to coordinate the hub"));
    }
    buf_printf(&b, ". %s</p>", TR(req, "Choisissez votre mot de passe.", "Choose your password."));
    buf_puts(&b, "<form method=\"post\" action=\"/invitation\" novalidate>");
    page_csrf_field(&b, req);
    buf_puts(&b, "<input type=\"hidden\" name=\"t\" value=\"");
    buf_html(&b, token);
    buf_printf(&b, "\"><p>%s <b>", TR(req, "Votre identifiant :", "Your login:"));
    buf_html(&b, in->email);
    buf_puts(&b, "</b></p>");
    admin_input(&b, req, "name", TR(req, "Votre nom", "Your name"), NULL, "text", name, why);
    admin_input(&b, req, "password", TR(req, "Mot de passe", "Password"),
                TR(req, "12 caractères au moins.", "At least 12 characters."), "password", "", why);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Créer mon compte", "Create my account"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /invitation?t=TOKEN */
void p_invitation_form(http_req *req)
{
    const char *token = http_query(req, "t");
    invite_info in;
    if (usable_or_reply(req, token, &in))
        render(req, 200, token, &in, "", NULL);
}

/* POST /invitation — t, name, password */
void p_invitation(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *token = form_get(&f, "t"), *name = form_get(&f, "name");
    invite_info in;
    if (!usable_or_reply(req, token, &in))
        return;
    account_user user = {0};
    refusal why = {0};
    int st = invite_accept(req->db, req->mem, token, form_get(&f, "password"), name, &user, &why);
    if (st > 0 && why.status == 422) {
        render(req, 422, token, &in, name ? name : "", &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    if ((st = session_start(req, &user)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_redirect(req, !strcmp(user.role, "producer") ? "/producer" : "/desk");
}

/* POST /api/v1/invitations {"token", "password", "name"} → 201 {"user": …} and a session */
void h_invitation_accept(http_req *req)
{
    cJSON *body = http_json_body(req);
    const char *token, *password, *name;
    if (!body || !json_str_or_reply(req, body, "token", 64, true, &token) ||
        !json_str_or_reply(req, body, "password", 256, true, &password) ||
        !json_str_or_reply(req, body, "name", 200, false, &name))
        return;
    account_user user = {0};
    refusal why = {0};
    int st = invite_accept(req->db, req->mem, token, password, name, &user, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    if ((st = session_start(req, &user)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    cJSON *root = cJSON_CreateObject(), *u = cJSON_AddObjectToObject(root, "user");
    cJSON_AddNumberToObject(u, "id", (double)user.id);
    cJSON_AddStringToObject(u, "email", user.email);
    cJSON_AddStringToObject(u, "role", user.role);
    if (*user.producer_slug)
        cJSON_AddStringToObject(u, "producer", user.producer_slug);
    cJSON_AddStringToObject(u, "csrf_token", req->session->csrf);
    http_reply_json(req, 201, root);
}
