/*
 * server/p_setup.c — the first-run page: the first hub and its coordinator, created
 * from a browser when the database holds no hub yet (GET/POST /setup).
 *
 * The page exists only while there is no hub, and only for the machine itself (a
 * loopback address with no proxy header: behind nginx every request comes from the
 * loopback, and carries X-Forwarded-For) or for whoever holds a one-time token that
 * km0 hub create --first-run-token printed (docs/operations.md). Anyone else is told
 * how to get one; once a hub exists the page answers 410 (gone for good). The hub is created by the
 * same core function as km0 hub create (core/hub_create.h), and the coordinator is
 * logged in at once.
 */
#include "../core/hub_create.h"
#include "../core/log.h"
#include "admin_io.h"
#include "handlers.h"
#include "page.h"
#include "session.h"

#include <string.h>

/* Whether this request may use the page (a reply sent when not). */
static bool allowed_or_reply(http_req *req, const char *token)
{
    bool any, ok = false;
    int st = hub_any(req->db, &any);
    if (st == DB_OK && !any && !http_client_is_local(req) && token && *token)
        st = hub_first_run_token_ok(req->db, token, &ok);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (any) {
        http_reply_error(req, 410, "first_run_over",
                         TR(req, "La première mise en route est faite : un groupement existe.",
                            "The first run is over: a hub exists."),
                         NULL);
        return false;
    }
    if (!http_client_is_local(req) && !ok) {
        http_reply_error(
            req, 403, "first_run_local",
            TR(req,
               "La première mise en route se fait depuis la machine qui fait tourner km0, ou "
               "avec le jeton que donne « km0 hub create --first-run-token » (ajouté à "
               "l’adresse : /setup?token=…).",
               "The first run is done from the machine km0 runs on, or with the token "
               "\"km0 hub create --first-run-token\" prints (added to the address: "
               "/setup?token=…)."),
            NULL);
        return false;
    }
    return true;
}

typedef struct {
    hub_identity_in id;
    const char *slug, *coordinator_email, *coordinator_name, *token;
} setup_typed;

static void render(http_req *req, int status, const setup_typed *v, const refusal *why)
{
    buf b = BUF_INIT;
    const char *title = TR(req, "Première mise en route", "First run");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    admin_errors(&b, req, why);
    buf_printf(&b, "<p>%s</p>",
               TR(req,
                  "La base de données ne contient encore aucun groupement. Décrivez le vôtre et "
                  "créez le compte de sa première coordinatrice ou de son premier coordinateur : "
                  "tout se modifie ensuite au bureau de coordination.",
                  "The database holds no hub yet. Describe yours and create the account of its "
                  "first coordinator: everything can be changed later on the coordinator desk."));
    buf_puts(&b, "<form method=\"post\" action=\"/setup\" novalidate>");
    page_csrf_field(&b, req);
    if (v->token && *v->token) {
        buf_puts(&b, "<input type=\"hidden\" name=\"token\" value=\"");
        buf_html(&b, v->token);
        buf_puts(&b, "\">");
    }
    buf_printf(&b, "<fieldset><legend>%s</legend>", TR(req, "Le groupement", "The hub"));
    admin_input(&b, req, "slug", TR(req, "Identifiant court", "Short name"),
                TR(req, "Minuscules, chiffres et tirets : « drome-paysanne ».",
                   "Lower-case letters, digits and dashes: \"drome-paysanne\"."),
                "text", v->slug, why);
    buf_puts(&b, "</fieldset>");
    admin_hub_identity_fields(&b, req, &v->id, why);
    buf_printf(&b, "<fieldset><legend>%s</legend>",
               TR(req, "Premier compte de coordination", "First coordinator account"));
    admin_input(&b, req, "coordinator_email", TR(req, "Adresse e-mail", "Email address"), NULL,
                "email", v->coordinator_email, why);
    admin_input(&b, req, "coordinator_name", TR(req, "Nom", "Name"), NULL, "text",
                v->coordinator_name, why);
    admin_input(&b, req, "password", TR(req, "Mot de passe", "Password"),
                TR(req, "12 caractères au moins.", "At least 12 characters."), "password", "", why);
    buf_printf(&b, "</fieldset><p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Créer le groupement", "Create the hub"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /setup */
void p_setup_form(http_req *req)
{
    const char *token = http_query(req, "token");
    if (!allowed_or_reply(req, token))
        return;
    setup_typed v = {.token = token};
    render(req, 200, &v, NULL);
}

/* POST /setup */
void p_setup(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    setup_typed v = {
        .id = {form_get(&f, "name"), form_get(&f, "legal_form"), form_get(&f, "siret"),
               form_get(&f, "vat_number"), form_get(&f, "address"), form_get(&f, "rcs_city"),
               form_get(&f, "share_capital"), form_get(&f, "email"), form_get(&f, "phone"),
               form_get(&f, "depot_lat"), form_get(&f, "depot_lon")},
        .slug = form_get(&f, "slug"),
        .coordinator_email = form_get(&f, "coordinator_email"),
        .coordinator_name = form_get(&f, "coordinator_name"),
        .token = form_get(&f, "token"),
    };
    if (!allowed_or_reply(req, v.token))
        return;
    hub_new in = {v.slug, v.id, v.coordinator_email, v.coordinator_name, form_get(&f, "password")};
    int64_t hub = 0;
    account_user user = {0};
    refusal why = {0};
    const char *token = http_client_is_local(req) ? NULL : v.token;
    int st = hub_create(req->db, req->mem, &in, "setup", true, token, &hub, &user, &why);
    if (st > 0 && why.status == 422) {
        render(req, 422, &v, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    log_event(LOG_INFO, "hub.created", "req=%s hub=%lld via=setup user=%lld", req->id,
              (long long)hub, (long long)user.id);
    if ((st = session_start(req, &user)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    http_reply_redirect(req, "/desk?done=hub_created");
}
