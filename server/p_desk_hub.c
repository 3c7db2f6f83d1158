/*
 * server/p_desk_hub.c — the desk's producers and pickup points: list, edit, deactivate.
 */
#include "../core/hub.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static bool is_pickups(http_req *req)
{
    return strstr(req->path, "/pickup-points") != NULL;
}

static void active_button(buf *b, http_req *req, const char *base, const char *slug, bool active)
{
    desk_action_button(b, req, arena_printf(req->mem, "%s/%s/active", base, slug),
                       active ? TR(req, "Désactiver", "Deactivate")
                              : TR(req, "Réactiver", "Reactivate"),
                       "active", active ? "0" : "1", active ? "danger" : "secondary");
}

/* GET /desk/producers and GET /desk/pickup-points */
void p_desk_list(http_req *req)
{
    bool pickups = is_pickups(req);
    PGresult *r;
    int st = pickups ? hub_pickup_points(req->db, req->mem, req->hub_id, &r)
                     : hub_producers(req->db, req->mem, req->hub_id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *base = pickups ? "/desk/pickup-points" : "/desk/producers";
    const char *title = pickups ? TR(req, "Points de retrait", "Pickup points")
                                : TR(req, "Producteurs", "Producers");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk\">%s</a></p><h1>%s</h1>",
               TR(req, "← Bureau de coordination", "← Coordinator desk"), title);
    desk_notice(&b, req);
    buf_printf(&b,
               "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>",
               TR(req, "Nom", "Name"),
               pickups ? TR(req, "Adresse", "Address") : TR(req, "Commune", "Town"),
               pickups ? TR(req, "Créneau", "Slot") : TR(req, "TVA", "VAT"),
               TR(req, "État", "Status"), TR(req, "Actions", "Actions"));
    for (int i = 0; i < PQntuples(r); i++) {
        const char *slug = db_val(r, i, "slug");
        bool active = db_bool(r, i, "active");
        buf_printf(&b, "<tr><td><a href=\"%s/%s\">", base, slug);
        buf_html(&b, db_val(r, i, "name"));
        buf_puts(&b, "</a></td><td>");
        buf_html(&b, db_val(r, i, pickups ? "address" : "town"));
        buf_puts(&b, "</td><td>");
        if (pickups)
            buf_html(&b, db_val(r, i, "opening"));
        else
            buf_html(&b, !strcmp(db_val(r, i, "vat_regime"), "franchise")
                             ? TR(req, "franchise (art. 293 B)", "franchise (art. 293 B)")
                             : db_val(r, i, "vat_number"));
        buf_printf(&b, "</td><td>%s</td><td>",
                   active ? TR(req, "actif", "active") : TR(req, "désactivé", "deactivated"));
        active_button(&b, req, base, slug, active);
        buf_puts(&b, "</td></tr>");
    }
    buf_puts(&b, "</tbody></table>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

static void input(buf *b, const char *id, const char *label, const char *value, const char *type,
                  const char *error)
{
    buf_printf(b, "<label for=\"%s\">", id);
    buf_html(b, label);
    buf_puts(b, "</label>");
    if (error) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
        buf_html(b, error);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\"", type, id, id);
    if (error)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
    buf_puts(b, " value=\"");
    buf_html(b, value);
    buf_puts(b, "\">");
}

static void render_edit(http_req *req, int status, PGresult *r, const form *typed,
                        const refusal *why)
{
    bool pickups = is_pickups(req);
    const char *slug = http_param(req, "slug");
    buf b = BUF_INIT;
    page_begin(&b, req, db_val(r, 0, "name"));
    buf_printf(&b, "<p><a href=\"%s\">%s</a></p><h1>",
               pickups ? "/desk/pickup-points" : "/desk/producers",
               pickups ? TR(req, "← Points de retrait", "← Pickup points")
                       : TR(req, "← Producteurs", "← Producers"));
    buf_html(&b, db_val(r, 0, "name"));
    buf_puts(&b, "</h1>");
    desk_notice(&b, req);
    if (why) {
        buf_printf(&b, "<div class=\"error-summary\" role=\"alert\"><h2>%s</h2><ul>",
                   why->ndetails > 1 ? TR(req, "Il y a des problèmes", "There are problems")
                                     : TR(req, "Il y a un problème", "There is a problem"));
        size_t n = why->ndetails ? why->ndetails : 1;
        for (size_t i = 0; i < n; i++) {
            const char *f = why->ndetails ? why->details[i].field : why->field;
            buf_printf(&b, "<li><a href=\"#%s\">", f ? f : "name");
            buf_html(&b, why->ndetails
                             ? (req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en)
                             : refusal_text(why, req->lang));
            buf_puts(&b, "</a></li>");
        }
        buf_puts(&b, "</ul></div>");
    }
    buf_printf(&b, "<form method=\"post\" action=\"%s/%s\">",
               pickups ? "/desk/pickup-points" : "/desk/producers", slug);
    page_csrf_field(&b, req);
    static const char *pf[][4] = {
        {"name", "Nom", "Name", "text"},
        {"address", "Adresse", "Address", "text"},
        {"opening", "Créneau (ex. jeudi 17:00-19:00)", "Slot (e.g. jeudi 17:00-19:00)", "text"},
        {"capacity", "Capacité (commandes, vide = sans limite)",
         "Capacity (orders, empty = no limit)", "text"}};
    static const char *rf[][4] = {{"name", "Nom", "Name", "text"},
                                  {"email", "E-mail", "Email", "email"},
                                  {"address", "Adresse", "Address", "text"},
                                  {"town", "Commune", "Town", "text"}};
    for (int i = 0; i < 4; i++) {
        const char *const *fd = pickups ? pf[i] : rf[i];
        const char *col = !strcmp(fd[0], "capacity") ? "capacity_orders" : fd[0];
        const char *value = typed ? form_get(typed, fd[0]) : db_val(r, 0, col);
        const char *err =
            why && why->field && !strcmp(why->field, fd[0]) ? refusal_text(why, req->lang) : NULL;
        for (size_t k = 0; why && k < why->ndetails; k++)
            if (!strcmp(why->details[k].field, fd[0]))
                err = req->lang[0] == 'f' ? why->details[k].fr : why->details[k].en;
        input(&b, fd[0], TR(req, fd[1], fd[2]), value ? value : "", fd[3], err);
    }
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Save"));
    if (!pickups) {
        buf_printf(&b, "<p>SIRET %s", db_val(r, 0, "siret"));
        if (*db_val(r, 0, "vat_number"))
            buf_printf(&b, " — TVA %s", db_val(r, 0, "vat_number"));
        buf_printf(&b, ". %s : %s. <a href=\"/producer?p=%s\">%s</a></p>",
                   TR(req, "Produits actifs", "Active products"), db_val(r, 0, "products"), slug,
                   TR(req, "Voir le catalogue", "See the catalog"));
    }
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

static PGresult *load_one(http_req *req)
{
    PGresult *r;
    const char *slug = http_param(req, "slug");
    int st = is_pickups(req) ? hub_pickup_point(req->db, req->mem, req->hub_id, slug, &r)
                             : hub_producer(req->db, req->mem, req->hub_id, slug, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return NULL;
    }
    if (PQntuples(r) == 0) {
        http_reply_error(req, 404, "not_found", TR(req, "Introuvable.", "Not found."), NULL);
        return NULL;
    }
    return r;
}

/* GET /desk/producers/{slug} and /desk/pickup-points/{slug} */
void p_desk_edit_form(http_req *req)
{
    PGresult *r = load_one(req);
    if (r)
        render_edit(req, 200, r, NULL, NULL);
}

/* POST /desk/producers/{slug} and /desk/pickup-points/{slug} */
void p_desk_edit(http_req *req)
{
    form f;
    PGresult *r;
    if (!page_form_or_reply(req, &f) || !(r = load_one(req)))
        return;
    const char *slug = http_param(req, "slug");
    refusal why = {0};
    int st;
    if (is_pickups(req)) {
        hub_pickup_edit e = {form_get(&f, "name"), form_get(&f, "address"), form_get(&f, "opening"),
                             form_get(&f, "capacity")};
        st = hub_pickup_update(req->db, req->mem, req->hub_id, slug, &e, &why);
    } else {
        hub_producer_edit e = {form_get(&f, "name"), form_get(&f, "email"), form_get(&f, "address"),
                               form_get(&f, "town")};
        st = hub_producer_update(req->db, req->mem, req->hub_id, slug, &e, &why);
    }
    if (st > 0 && why.status == 422) {
        render_edit(req, 422, r, &f, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, req->path, "saved");
}

/* POST /desk/producers/{slug}/active and /desk/pickup-points/{slug}/active */
void p_desk_active(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *v = form_get(&f, "active");
    bool active = v && !strcmp(v, "1");
    refusal why = {0};
    int st = hub_set_active(req->db, req->mem, req->hub_id, is_pickups(req) ? "pickup" : "producer",
                            http_param(req, "slug"), active, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, is_pickups(req) ? "/desk/pickup-points" : "/desk/producers",
              active ? "activated" : "deactivated");
}
