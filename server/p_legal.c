/*
 * server/p_legal.c — a hub's legal pages, for anyone, and their editing on the desk.
 *
 * GET /legal/{kind} shows the legal notice, the terms of sale, the privacy notice or
 * the accessibility statement (core/legal_pages.h) in the page's language; the
 * footer of every page links the four. GET /desk/legal lists them for the hub's
 * coordinators, GET /desk/legal/{kind} is the form (French and English side by
 * side, each empty to go back to km0's default), POST saves it: both languages in
 * one transaction, or the form again with the field marked.
 */
#include "../core/legal_pages.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

/* GET /legal/{kind} */
void p_legal(http_req *req)
{
    legal_page p;
    bool found;
    int st = legal_page_get(req->db, req->mem, req->hub_id, http_param(req, "kind"), req->lang, &p,
                            &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(
            req, 404, "not_found",
            TR(req, "Il n’y a rien à cette adresse.", "There is nothing at this address."), NULL);
        return;
    }
    const char *title = TR(req, p.kind->title_fr, p.kind->title_en);
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_puts(&b, "<h1>");
    buf_html(&b, title);
    buf_puts(&b, "</h1><div class=\"legal\">");
    legal_page_html(&b, p.body);
    buf_puts(&b, "</div>");
    if (p.custom) {
        buf_printf(&b, "<p class=\"hint\">%s ", TR(req, "Mise à jour :", "Updated:"));
        fmt_date(&b, req, p.updated_at);
        buf_puts(&b, "</p>");
    }
    /* the notice written from km0's own retention settings (server/p_privacy.c) */
    if (!strcmp(p.kind->code, "privacy"))
        buf_printf(&b, "<p><a href=\"/privacy\">%s</a></p>",
                   TR(req, "Ce que km0 conserve, pourquoi et combien de temps",
                      "What km0 keeps, why and for how long"));
    page_end(&b, req);
    if (!req->session)
        req->cache = HTTP_CACHE_REVALIDATE;
    http_reply_html(req, 200, &b);
}

/* GET /desk/legal */
void p_desk_legal_list(http_req *req)
{
    buf b = BUF_INIT;
    const char *title = TR(req, "Pages légales", "Legal pages");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk\">%s</a></p><h1>%s</h1>", TR(req, "← Bureau", "← Desk"),
               title);
    desk_notice(&b, req);
    buf_printf(&b, "<p>%s</p><ul>",
               TR(req,
                  "Chaque page a un texte par défaut, rempli avec l’identité du groupement : "
                  "relisez-le et remplacez-le par le vôtre.",
                  "Each page has a default text, filled with the hub's identity: read it and "
                  "replace it with your own."));
    for (size_t i = 0; legal_kind_at(i); i++) {
        const legal_kind *k = legal_kind_at(i);
        buf_printf(&b, "<li><a href=\"/desk/legal/%s\">", k->code);
        buf_html(&b, TR(req, k->title_fr, k->title_en));
        buf_printf(&b, "</a> · <a href=\"%s\">%s</a></li>", legal_page_href(k->code),
                   TR(req, "voir", "view"));
    }
    buf_puts(&b, "</ul>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

static void render_form(http_req *req, int status, const legal_kind *k, const char *fr,
                        const char *en, const refusal *why)
{
    buf b = BUF_INIT;
    const char *title = TR(req, k->title_fr, k->title_en);
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/legal\">%s</a></p><h1>",
               TR(req, "← Pages légales", "← Legal pages"));
    buf_html(&b, title);
    buf_puts(&b, "</h1>");
    const char *bad = why && why->field ? (strstr(why->field, "en") ? "body-en" : "body-fr") : NULL;
    if (why) {
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\">"
                   "<h2>%s</h2><ul><li><a href=\"#%s\">",
                   TR(req, "La page n’est pas enregistrée", "The page is not saved"), bad);
        buf_html(&b, refusal_text(why, req->lang));
        buf_puts(&b, "</a></li></ul></div>");
    }
    buf_printf(&b,
               "<p class=\"hint\" id=\"legal-hint\">%s</p><form method=\"post\" "
               "action=\"/desk/legal/%s\" novalidate>",
               TR(req,
                  "Texte simple : une ligne vide sépare les paragraphes, « ## » commence un titre, "
                  "« - » un élément de liste. Laissez vide pour revenir au texte par défaut.",
                  "Plain text: a blank line separates paragraphs, \"## \" starts a heading, \"- \" "
                  "an item of a list. Leave empty to go back to the default text."),
               k->code);
    page_csrf_field(&b, req);
    const char *ids[2] = {"body-fr", "body-en"}, *values[2] = {fr, en};
    const char *labels[2] = {TR(req, "Texte en français", "Text in French"),
                             TR(req, "Texte en anglais", "Text in English")};
    for (int i = 0; i < 2; i++) {
        bool err = bad && !strcmp(bad, ids[i]);
        buf_printf(&b,
                   "<label for=\"%s\">%s</label><textarea id=\"%s\" name=\"%s\" rows=\"16\" "
                   "cols=\"60\" aria-describedby=\"legal-hint\"%s>",
                   ids[i], labels[i], ids[i], ids[i], err ? " aria-invalid=\"true\"" : "");
        buf_html(&b, values[i]);
        buf_puts(&b, "</textarea>");
    }
    buf_printf(&b,
               "<div class=\"actions\"><button class=\"btn\" type=\"submit\">%s</button></div>"
               "</form>",
               TR(req, "Enregistrer", "Save"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/legal/{kind} */
void p_desk_legal_form(http_req *req)
{
    legal_page fr, en;
    bool found;
    const char *kind = http_param(req, "kind");
    int st = legal_page_get(req->db, req->mem, req->hub_id, kind, "fr", &fr, &found);
    if (st == DB_OK && found)
        st = legal_page_get(req->db, req->mem, req->hub_id, kind, "en", &en, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Cette page n’existe pas.", "There is no such page."), NULL);
        return;
    }
    render_form(req, 200, fr.kind, fr.body, en.body, NULL);
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const char *kind, *fr, *en;
    refusal *why;
} save_ctx;

static int save_tx(db_conn *c, void *p)
{
    save_ctx *x = p;
    int st = legal_page_save(c, x->a, x->hub, x->kind, "fr", x->fr, x->user, x->why);
    if (st > 0 && x->why->field)
        x->why->field = "body_fr";
    if (st == 0 &&
        (st = legal_page_save(c, x->a, x->hub, x->kind, "en", x->en, x->user, x->why)) > 0 &&
        x->why->field)
        x->why->field = "body_en";
    return st;
}

/* POST /desk/legal/{kind} — body-fr, body-en */
void p_desk_legal_save(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *kind = http_param(req, "kind");
    const legal_kind *k = legal_kind_find(kind);
    if (!k) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Cette page n’existe pas.", "There is no such page."), NULL);
        return;
    }
    const char *fr = form_get(&f, "body-fr"), *en = form_get(&f, "body-en");
    refusal why = {0};
    save_ctx x = {req->mem,     req->hub_id, req->session->user_id, k->code, fr ? fr : "",
                  en ? en : "", &why};
    int st = db_transaction(req->db, false, save_tx, &x);
    if (st == 0) {
        desk_done(req, "/desk/legal", "saved");
        return;
    }
    if (st < 0 || why.status != 422) {
        http_reply_failure(req, st, &why);
        return;
    }
    render_form(req, 422, k, x.fr, x.en, &why);
}
