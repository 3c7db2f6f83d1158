/*
 * server/p_desk.c — the coordinator desk: cycles (create, from the template, open,
 * close) and a cycle's live view (orders, demand per producer and product, stock
 * left, pickup points filling up).
 *
 * Every action is a small POST form with the session's CSRF token that redirects
 * back (Post/Redirect/Get), so reloading never repeats an action.
 */
#include "../core/cycle.h"
#include "../core/parse.h"
#include "../core/hub.h"
#include "desk.h"
#include "handlers.h"
#include "p_invoices.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

static const char *state_label(http_req *req, const char *state)
{
    if (!strcmp(state, "draft"))
        return TR(req, "en préparation", "draft");
    if (!strcmp(state, "open"))
        return TR(req, "ouvert", "open");
    if (!strcmp(state, "closed"))
        return TR(req, "clos", "closed");
    if (!strcmp(state, "batched"))
        return TR(req, "tournées prêtes", "batched");
    if (!strcmp(state, "invoiced"))
        return TR(req, "facturé", "invoiced");
    return state;
}

void desk_action_button(buf *b, http_req *req, const char *action, const char *label,
                        const char *name, const char *value, const char *cls)
{
    buf_puts(b, "<form method=\"post\" action=\"");
    buf_html(b, action);
    buf_puts(b, "\">");
    page_csrf_field(b, req);
    if (name) {
        buf_printf(b, "<input type=\"hidden\" name=\"%s\" value=\"", name);
        buf_html(b, value);
        buf_puts(b, "\">");
    }
    buf_printf(b, "<button class=\"btn%s%s\" type=\"submit\">", cls ? " " : "", cls ? cls : "");
    buf_html(b, label);
    buf_puts(b, "</button></form>");
}

/* Messages a redirect may announce, by code: free text in a URL would let anyone
 * put words in the desk's mouth. */
static const struct {
    const char *code, *fr, *en;
} notices[] = {
    {"opened", "Cycle ouvert : les offres sont figées.", "Cycle opened: the offers are frozen."},
    {"closed", "Cycle clos.", "Cycle closed."},
    {"created", "Cycle créé.", "Cycle created."},
    {"generated", "Les prochaines semaines sont prêtes.", "The next weeks are ready."},
    {"saved", "Modifications enregistrées.", "Changes saved."},
    {"deactivated", "Désactivé : ne participera plus aux prochains cycles.",
     "Deactivated: will not take part in the next cycles."},
    {"activated", "Réactivé.", "Reactivated."},
    {"batched", "Tournées calculées.", "Rounds planned."},
    {"invoiced", "Factures émises.", "Invoices issued."},
};

void desk_notice(buf *b, http_req *req)
{
    const char *done = http_query(req, "done");
    for (size_t i = 0; done && i < sizeof notices / sizeof notices[0]; i++)
        if (!strcmp(done, notices[i].code)) {
            buf_puts(b, "<p class=\"notice\" role=\"status\">");
            buf_html(b, TR(req, notices[i].fr, notices[i].en));
            buf_puts(b, "</p>");
        }
}

void desk_done(http_req *req, const char *path, const char *code)
{
    http_reply_redirect(
        req, arena_printf(req->mem, "%s%cdone=%s", path, strchr(path, '?') ? '&' : '?', code));
}

static void render_cycles(buf *b, http_req *req, PGresult *r)
{
    buf_printf(
        b,
        "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
        "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
        "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
        TR(req, "Cycles de commande", "Order cycles"), TR(req, "Cycle", "Cycle"),
        TR(req, "État", "State"), TR(req, "Fermeture", "Closes"), TR(req, "Livraison", "Delivery"),
        TR(req, "Commandes", "Orders"), TR(req, "Actions", "Actions"));
    for (int i = 0; i < PQntuples(r); i++) {
        const char *id = db_val(r, i, "id"), *state = db_val(r, i, "state");
        buf_printf(b, "<tr><td><a href=\"/desk/cycles/%s\">", id);
        buf_html(b, db_val(r, i, "name"));
        buf_printf(b, "</a></td><td>%s</td><td>", state_label(req, state));
        fmt_datetime(b, req, db_val(r, i, "closes_at"));
        buf_puts(b, "</td><td>");
        fmt_date(b, req, db_val(r, i, "delivery_date"));
        buf_printf(b, "</td><td class=\"num\">%s</td><td><div class=\"actions\">",
                   db_val(r, i, "orders"));
        const char *act = arena_printf(req->mem, "/desk/cycles/%s/state", id);
        if (!strcmp(state, "draft"))
            desk_action_button(b, req, act, TR(req, "Ouvrir maintenant", "Open now"), "state",
                               "open", "secondary");
        if (!strcmp(state, "open"))
            desk_action_button(b, req, act, TR(req, "Clore maintenant", "Close now"), "state",
                               "closed", "secondary");
        buf_puts(b, "</div></td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

static void render_create_forms(buf *b, http_req *req)
{
    buf_printf(b, "<h2>%s</h2><form method=\"post\" action=\"/desk/cycles/generate\">",
               TR(req, "Préparer les prochaines semaines", "Prepare the next weeks"));
    page_csrf_field(b, req);
    buf_printf(b, "<label for=\"weeks\">%s</label><select id=\"weeks\" name=\"weeks\">",
               TR(req, "Nombre de semaines", "Number of weeks"));
    for (int w = 1; w <= 8; w++)
        buf_printf(b, "<option value=\"%d\"%s>%d</option>", w, w == 4 ? " selected" : "", w);
    buf_printf(b,
               "</select> <button class=\"btn\" type=\"submit\">%s</button>"
               "<p class=\"hint\">%s</p></form>",
               TR(req, "Préparer", "Prepare"),
               TR(req,
                  "Selon le rythme du groupement : ouverture le vendredi 18h, clôture le "
                  "mardi 22h, livraison le jeudi (les semaines déjà prévues sont gardées).",
                  "Following the hub's rhythm: opens Friday 18:00, closes Tuesday 22:00, "
                  "delivery Thursday (weeks already planned are kept)."));
    buf_printf(
        b, "<h2>%s</h2><form method=\"post\" action=\"/desk/cycles\"><fieldset><legend>%s</legend>",
        TR(req, "Créer un cycle à la main", "Create a cycle by hand"),
        TR(req, "Dates (heure de Paris)", "Dates (Paris time)"));
    page_csrf_field(b, req);
    buf_printf(b,
               "<label for=\"name\">%s</label><input type=\"text\" id=\"name\" name=\"name\" "
               "maxlength=\"100\">",
               TR(req, "Nom (facultatif)", "Name (optional)"));
    buf_printf(b,
               "<label for=\"opens\">%s</label><input type=\"datetime-local\" id=\"opens\" "
               "name=\"opens\" required>",
               TR(req, "Ouverture", "Opens"));
    buf_printf(b,
               "<label for=\"closes\">%s</label><input type=\"datetime-local\" id=\"closes\" "
               "name=\"closes\" required>",
               TR(req, "Clôture", "Closes"));
    buf_printf(b,
               "<label for=\"delivery\">%s</label><input type=\"date\" id=\"delivery\" "
               "name=\"delivery\" required></fieldset><p><button class=\"btn\" "
               "type=\"submit\">%s</button></p></form>",
               TR(req, "Livraison", "Delivery"), TR(req, "Créer le cycle", "Create the cycle"));
}

/* GET /desk */
void p_desk(http_req *req)
{
    PGresult *r;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = cycle_list(req->db, req->mem, req->hub_id, true, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Bureau de coordination", "Coordinator desk");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    desk_notice(&b, req);
    buf_printf(&b,
               "<p><a href=\"/desk/producers\">%s</a> · <a href=\"/desk/pickup-points\">%s</a>"
               " · <a href=\"/desk/settings\">%s</a></p>",
               TR(req, "Producteurs", "Producers"), TR(req, "Points de retrait", "Pickup points"),
               TR(req, "Réglages", "Settings"));
    render_cycles(&b, req, r);
    render_create_forms(&b, req);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/cycles/generate */
void p_desk_generate(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *w = form_get(&f, "weeks");
    int64_t weeks = 0;
    if (parse_int(w, 1, 12, &weeks) != PARSE_OK)
        weeks = 0; /* refused below, naming the field */
    int64_t ids[16];
    int n;
    refusal why = {0};
    int st = cycle_generate(req->db, req->mem, req->hub_id, (int)weeks, ids, &n, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk", "generated");
}

/* POST /desk/cycles */
void p_desk_create(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    cycle_new in = {form_get(&f, "name"),
                    form_get(&f, "opens"),
                    form_get(&f, "closes"),
                    form_get(&f, "delivery"),
                    NULL,
                    0,
                    NULL,
                    0};
    if (in.opens && !*in.opens)
        in.opens = NULL;
    if (in.closes && !*in.closes)
        in.closes = NULL;
    if (in.delivery && !*in.delivery)
        in.delivery = NULL;
    int64_t id;
    refusal why = {0};
    int st = cycle_create(req->db, req->mem, req->hub_id, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, arena_printf(req->mem, "/desk/cycles/%lld", (long long)id), "created");
}

/* POST /desk/cycles/{id}/state */
void p_desk_state(http_req *req)
{
    int64_t id;
    form f;
    if (!http_id_or_reply(req, "id", &id) || !page_form_or_reply(req, &f))
        return;
    const char *state = form_get(&f, "state");
    refusal why = {0};
    int st = cycle_set_state(req->db, req->mem, req->hub_id, id, state ? state : "", &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, arena_printf(req->mem, "/desk/cycles/%lld", (long long)id),
              state && !strcmp(state, "open") ? "opened" : "closed");
}

static void render_pickups(buf *b, http_req *req, PGresult *pp)
{
    buf_printf(
        b,
        "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
        "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead><tbody>",
        TR(req, "Points de retrait", "Pickup points"), TR(req, "Point", "Point"),
        TR(req, "Commandes", "Orders"), TR(req, "Remplissage", "Filling"));
    for (int i = 0; i < PQntuples(pp); i++) {
        int64_t n = db_int(pp, i, "orders_count");
        buf_puts(b, "<tr><td>");
        buf_html(b, db_val(pp, i, "name"));
        if (db_null(pp, i, "capacity_orders")) {
            buf_printf(b, "</td><td class=\"num\">%lld</td><td>%s</td></tr>", (long long)n,
                       TR(req, "sans limite", "no limit"));
            continue;
        }
        int64_t cap = db_int(pp, i, "capacity_orders");
        int pct = cap ? (int)(n * 100 / cap) : 0;
        buf_printf(b,
                   "</td><td class=\"num\">%lld / %lld</td><td><meter class=\"meter\" min=\"0\" "
                   "max=\"%lld\" value=\"%lld\">%d %%</meter> %d %%</td></tr>",
                   (long long)n, (long long)cap, (long long)cap, (long long)n, pct, pct);
    }
    buf_puts(b, "</tbody></table>");
}

static void render_demand(buf *b, http_req *req, PGresult *d)
{
    buf_printf(b,
               "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "</tr></thead><tbody>",
               TR(req, "Demande par producteur et produit", "Demand per producer and product"),
               TR(req, "Producteur", "Producer"), TR(req, "Produit", "Product"),
               TR(req, "Commandé", "Ordered"), TR(req, "Reste", "Left"),
               TR(req, "Montant HT", "Amount excl. VAT"));
    for (int i = 0; i < PQntuples(d); i++) {
        const char *unit = db_val(d, i, "unit");
        milli_t sold = db_int(d, i, "sold_milli");
        buf_puts(b, "<tr><td>");
        buf_html(b, db_val(d, i, "producer_name"));
        buf_puts(b, "</td><td>");
        buf_html(b, db_val(d, i, "name"));
        buf_puts(b, "</td><td class=\"num\">");
        fmt_qty(b, req, sold);
        buf_printf(b, " %s</td><td class=\"num\">", fmt_unit(req, unit, sold));
        if (db_null(d, i, "stock_milli")) {
            buf_puts(b, "—");
        } else {
            milli_t left = db_int(d, i, "stock_milli") - sold;
            fmt_qty(b, req, left);
            buf_printf(b, " %s", fmt_unit(req, unit, left));
        }
        buf_puts(b, "</td><td class=\"num\">");
        fmt_money(b, req, db_int(d, i, "excl_cents"));
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

static void render_by_producer(buf *b, http_req *req, PGresult *p)
{
    buf_printf(b,
               "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "</tr></thead><tbody>",
               TR(req, "Par producteur", "Per producer"), TR(req, "Producteur", "Producer"),
               TR(req, "Commandes", "Orders"), TR(req, "Montant HT", "Amount excl. VAT"));
    cents_t total = 0;
    for (int i = 0; i < PQntuples(p); i++) {
        buf_puts(b, "<tr><td>");
        buf_html(b, db_val(p, i, "producer_name"));
        buf_printf(b, "</td><td class=\"num\">%s</td><td class=\"num\">", db_val(p, i, "orders"));
        fmt_money(b, req, db_int(p, i, "excl_cents"));
        buf_puts(b, "</td></tr>");
        total += db_int(p, i, "excl_cents");
    }
    buf_printf(b, "</tbody><tfoot><tr><th scope=\"row\">%s</th><td></td><td class=\"num\">",
               TR(req, "Total", "Total"));
    fmt_money(b, req, total);
    buf_puts(b, "</td></tr></tfoot></table>");
}

/* GET /desk/cycles/{id} */
void p_desk_cycle(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    PGresult *c, *pp, *d, *byp = NULL;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = cycle_get(req->db, req->mem, req->hub_id, id, &c);
    if (st == DB_OK && PQntuples(c) == 0) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce cycle n’existe pas.", "There is no such cycle."), NULL);
        return;
    }
    if (st == DB_OK && (st = cycle_pickup_points(req->db, req->mem, id, &pp)) == DB_OK)
        st = hub_cycle_demand(req->db, req->mem, req->hub_id, id, &d);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *state = db_val(c, 0, "state");
    buf b = BUF_INIT;
    page_begin(&b, req, db_val(c, 0, "name"));
    buf_puts(&b, "<p><a href=\"/desk\">");
    buf_html(&b, TR(req, "← Bureau de coordination", "← Coordinator desk"));
    buf_puts(&b, "</a></p><h1>");
    buf_html(&b, db_val(c, 0, "name"));
    buf_printf(&b, "</h1>");
    desk_notice(&b, req);
    buf_printf(&b, "<p>%s : <strong>%s</strong>. %s ", TR(req, "État", "State"),
               state_label(req, state), TR(req, "Ouverture", "Opens"));
    fmt_datetime(&b, req, db_val(c, 0, "opens_at"));
    buf_printf(&b, ", %s ", TR(req, "clôture", "closes"));
    fmt_datetime(&b, req, db_val(c, 0, "closes_at"));
    buf_printf(&b, ", %s ", TR(req, "livraison", "delivery"));
    fmt_date(&b, req, db_val(c, 0, "delivery_date"));
    buf_printf(&b, ". %s : <strong>%s</strong>.</p><div class=\"actions\">",
               TR(req, "Commandes", "Orders"), db_val(c, 0, "orders"));
    const char *act = arena_printf(req->mem, "/desk/cycles/%lld/state", (long long)id);
    if (!strcmp(state, "draft"))
        desk_action_button(&b, req, act, TR(req, "Ouvrir maintenant", "Open now"), "state", "open",
                           NULL);
    if (!strcmp(state, "open"))
        desk_action_button(&b, req, act, TR(req, "Clore maintenant", "Close now"), "state",
                           "closed", NULL);
    buf_puts(&b, "</div>");
    desk_week_sections(&b, req, id, state);
    desk_invoices_section(&b, req, id, state);
    render_pickups(&b, req, pp);
    render_by_producer(&b, req, byp);
    render_demand(&b, req, d);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
