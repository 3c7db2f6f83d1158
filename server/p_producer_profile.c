/*
 * server/p_producer_profile.c — a producer's public page (GET /producers/{slug}), and
 * the form where the producer edits what it says there: its description and contact
 * details (GET/POST /producer/profile). Its legal identity, address and IBAN are the
 * hub's to change (server/p_desk_producers.c); the same core function refuses them
 * here as on PATCH /api/v1/producers/{slug} (core/producer_admin.h).
 */
#include "../core/producer_admin.h"
#include "admin_io.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static bool mine_or_reply(http_req *req, producer_record *p)
{
    bool found = false;
    int st = producer_get(req->db, req->mem, req->hub_id, req->session->producer_slug, p, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found", TR(req, "Introuvable.", "Not found."), NULL);
        return false;
    }
    return true;
}

static void render(http_req *req, int status, const producer_record *p, const producer_in *typed,
                   const refusal *why)
{
    buf b = BUF_INIT;
    const char *title = TR(req, "Ma présentation", "My public page");
    page_begin(&b, req, title);
    admin_top(&b, req, "/producer", TR(req, "Mon espace", "My space"), title);
    if (http_query(req, "saved"))
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Modifications enregistrées.", "Changes saved."));
    admin_errors(&b, req, why);
    buf_printf(&b, "<p>%s <a href=\"/producers/",
               TR(req, "Ce que les clients lisent de vous :", "What customers read about you:"));
    buf_html(&b, p->slug);
    buf_printf(&b, "\">%s</a></p>", TR(req, "voir ma page", "see my page"));
    buf_puts(&b, "<form method=\"post\" action=\"/producer/profile\" novalidate>");
    page_csrf_field(&b, req);
    admin_textarea(&b, req, "description", TR(req, "Présentation", "Description"),
                   TR(req, "Votre ferme, vos pratiques : 2 000 caractères au plus.",
                      "Your farm, how you work: at most 2,000 characters."),
                   typed->description, why);
    admin_input(&b, req, "email", TR(req, "E-mail de contact", "Contact email"), NULL, "email",
                typed->email, why);
    admin_input(&b, req, "phone", TR(req, "Téléphone", "Phone"), NULL, "tel", typed->phone, why);
    admin_input(&b, req, "website", TR(req, "Site web", "Website"), NULL, "url", typed->website,
                why);
    buf_printf(
        &b,
        "<p><button class=\"btn\" type=\"submit\">%s</button></p></form><p class=\"hint\">%s</p>",
        TR(req, "Enregistrer", "Save"),
        TR(req,
           "Votre nom, votre adresse, votre SIRET, votre TVA et votre IBAN sont tenus par "
           "le groupement : demandez-lui de les changer.",
           "Your name, address, SIRET, VAT and IBAN are kept by the hub: ask it to change "
           "them."));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /producer/profile */
void p_producer_profile(http_req *req)
{
    producer_record p;
    if (!mine_or_reply(req, &p))
        return;
    producer_in v = {
        .description = p.description, .email = p.email, .phone = p.phone, .website = p.website};
    render(req, 200, &p, &v, NULL);
}

/* POST /producer/profile */
void p_producer_profile_save(http_req *req)
{
    form f;
    producer_record p;
    if (!page_form_or_reply(req, &f) || !mine_or_reply(req, &p))
        return;
    producer_in v = {.description = form_get(&f, "description"),
                     .email = form_get(&f, "email"),
                     .phone = form_get(&f, "phone"),
                     .website = form_get(&f, "website")};
    refusal why = {0};
    int st = producer_update(req->db, req->mem, req->hub_id, p.slug, &v, true, &why);
    if (st > 0 && why.status == 422) {
        render(req, 422, &p, &v, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/producer/profile?saved=1");
}

/* GET /producers/{slug} — what a producer says of itself, for everyone */
void p_producer_public(http_req *req)
{
    producer_record p;
    bool found = false;
    int st = producer_get(req->db, req->mem, req->hub_id, http_param(req, "slug"), &p, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found || !p.active) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce producteur n’existe pas.", "There is no such producer."),
                         NULL);
        return;
    }
    buf b = BUF_INIT;
    page_begin(&b, req, p.name);
    buf_puts(&b, "<h1>");
    buf_html(&b, p.name);
    buf_puts(&b, "</h1>");
    if (*p.town) {
        buf_puts(&b, "<p>");
        buf_html(&b, p.town);
        buf_puts(&b, "</p>");
    }
    if (*p.description) {
        buf_puts(&b, "<p class=\"description\">");
        buf_html(&b, p.description);
        buf_puts(&b, "</p>");
    }
    buf_puts(&b, "<dl class=\"facts\">");
    const struct {
        const char *label, *value;
    } facts[] = {{TR(req, "E-mail", "Email"), p.email},
                 {TR(req, "Téléphone", "Phone"), p.phone},
                 {TR(req, "Site web", "Website"), p.website}};
    for (size_t i = 0; i < 3; i++) {
        if (!*facts[i].value)
            continue;
        buf_puts(&b, "<dt>");
        buf_html(&b, facts[i].label);
        buf_puts(&b, "</dt><dd>");
        buf_html(&b, facts[i].value);
        buf_puts(&b, "</dd>");
    }
    buf_puts(&b, "</dl>");
    if ((st = producer_week_section(&b, req, p.slug)) != DB_OK) {
        buf_free(&b);
        http_reply_db_error(req, st);
        return;
    }
    buf_printf(&b, "<p><a href=\"/\">%s</a></p>", TR(req, "← La boutique", "← The shop"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
