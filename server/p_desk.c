/*
 * server/p_desk.c — the coordinator desk: cycles (create, from the template, open,
 * close) and a cycle's live view (orders, demand per producer and product, stock
 * left, pickup points filling up).
 *
 * Every action is a small POST form with the session's CSRF token that redirects
 * back (Post/Redirect/Get), so reloading never repeats an action.
 */
#include "../core/cycle.h"
#include "../core/desk_view.h"
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
    {"password_changed", "Mot de passe changé ; vos autres sessions sont fermées.",
     "Password changed; your other sessions were ended."},
    {"queued", "Message en file : il part dans un instant.", "Message queued: it leaves shortly."},
    {"retried", "Le message repart.", "The message goes again."},
    {"reminded", "Rappels de paiement en file.", "Payment reminders queued."},
    {"paid", "Paiement enregistré.", "Payment recorded."},
    {"already_recorded", "Ce paiement était déjà enregistré : rien de plus.",
     "This payment was recorded already: nothing more."},
    {"topped_up", "Solde crédité.", "Balance topped up."},
    {"refunded", "Remboursement enregistré.", "Refund recorded."},
    {"resolved", "Ligne rapprochée.", "Line matched."},
    {"mandate_added", "Mandat enregistré.", "Mandate recorded."},
    {"revoked", "Mandat révoqué.", "Mandate revoked."},
    {"batched_debits", "Prélèvement préparé : téléchargez son fichier ci-dessous.",
     "Direct debit prepared: download its file below."},
    {"nothing_due", "Rien n’est dû par prélèvement : aucun fichier.",
     "Nothing is due by direct debit: no file."},
    {"hub_created",
     "Le groupement est créé : ajoutez ses producteurs, ses points de retrait et "
     "ses véhicules.",
     "The hub is created: add its producers, pickup points and vans."},
    {"created_producer", "Producteur ajouté : invitez-le à créer son compte.",
     "Producer added: invite them to create their account."},
    {"created_place", "Ajouté.", "Added."},
    {"verified", "Coordonnées marquées comme vérifiées.", "Details marked as verified."},
    {"unverified", "Vérification retirée.", "Verification removed."},
    {"role_given", "Rôle de coordination donné.", "Coordinator role given."},
    {"role_removed", "Rôle de coordination retiré.", "Coordinator role removed."},
    {"suspended", "Producteur suspendu : ses lignes déjà commandées restent et seront livrées.",
     "Producer suspended: the lines already ordered stay and will be delivered."},
    {"registered", "Client inscrit.", "Customer registered."},
    {"order_saved", "Commande enregistrée.", "Order saved."},
    {"settled", "Reversements enregistrés, avec leurs factures de commission.",
     "Settlements recorded, with their fee invoices."},
    {"batched_transfers", "Virements préparés : téléchargez leur fichier ci-dessous.",
     "Transfers prepared: download their file below."},
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
        buf_printf(b, "</a></td><td data-l=\"%s\">%s</td><td data-l=\"%s\">",
                   TR(req, "État", "State"), state_label(req, state),
                   TR(req, "Fermeture", "Closes"));
        fmt_datetime(b, req, db_val(r, i, "closes_at"));
        buf_printf(b, "</td><td data-l=\"%s\">", TR(req, "Livraison", "Delivery"));
        fmt_date(b, req, db_val(r, i, "delivery_date"));
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">%s</td><td><div class=\"actions\">",
                   TR(req, "Commandes", "Orders"), db_val(r, i, "orders"));
        const char *act = arena_printf(req->mem, "/desk/cycles/%s/state", id);
        if (!strcmp(state, "draft"))
            desk_action_button(b, req, act, TR(req, "Ouvrir maintenant", "Open now"), "state",
                               "open", "secondary");
        if (!strcmp(state, "open"))
            buf_printf(b, "<a class=\"btn secondary\" href=\"/desk/cycles/%s/close\">%s</a>", id,
                       TR(req, "Clore maintenant…", "Close now…"));
        buf_puts(b, "</div></td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

/* Weeks that deliver on the same day: said on the desk as long as it lasts. */
static void render_overlaps(buf *b, http_req *req, const desk_overlap *o, size_t n)
{
    if (!n)
        return;
    buf_printf(b, "<div class=\"warn\" role=\"status\"><p><b>%s</b></p><ul>",
               TR(req, "Deux cycles livrent le même jour", "Two cycles deliver on the same day"));
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "<li><a href=\"/desk/cycles/%lld\">", (long long)o[i].first);
        buf_html(b, o[i].first_name);
        buf_printf(b, "</a> (%s) %s <a href=\"/desk/cycles/%lld\">",
                   state_label(req, o[i].first_state), TR(req, "et", "and"),
                   (long long)o[i].second);
        buf_html(b, o[i].second_name);
        buf_printf(b, "</a> (%s) %s ", state_label(req, o[i].second_state),
                   TR(req, "livrent tous deux le", "both deliver on"));
        fmt_date(b, req, o[i].delivery_date);
        buf_puts(b, ".</li>");
    }
    buf_printf(b, "</ul><p>%s</p></div>",
               TR(req,
                  "Les clients verraient deux semaines pour une même livraison : changez les "
                  "dates du cycle en préparation (PATCH /api/v1/cycles/{id}) ou ne l’ouvrez pas.",
                  "Customers would see two weeks for one delivery: change the dates of the draft "
                  "cycle (PATCH /api/v1/cycles/{id}) or do not open it."));
}

/* A field of the create form: typed value kept, its error next to it. */
static void create_field(buf *b, http_req *req, const char *id, const char *type, const char *label,
                         const form *typed, const refusal *why)
{
    const char *err =
        why && why->field && !strcmp(why->field, id) ? refusal_text(why, req->lang) : NULL;
    for (size_t i = 0; why && !err && i < why->ndetails; i++)
        if (why->details[i].field && !strcmp(why->details[i].field, id))
            err = req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en;
    buf_printf(b, "<label for=\"%s\">%s</label>", id, label);
    if (err) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
        buf_html(b, err);
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\"", type, id, id);
    if (!strcmp(id, "name"))
        buf_puts(b, " maxlength=\"100\"");
    else
        buf_puts(b, " required");
    if (err)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"%s-error\"", id);
    const char *v = typed ? form_get(typed, id) : NULL;
    if (v) {
        buf_puts(b, " value=\"");
        buf_html(b, v);
        buf_puts(b, "\"");
    }
    buf_puts(b, ">");
}

static void render_create_forms(buf *b, http_req *req, const form *typed, const refusal *why)
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
    buf_printf(b,
               "<h2 id=\"create\">%s</h2><form method=\"post\" action=\"/desk/cycles\" "
               "novalidate><fieldset><legend>%s</legend>",
               TR(req, "Créer un cycle à la main", "Create a cycle by hand"),
               TR(req, "Dates (heure de Paris)", "Dates (Paris time)"));
    page_csrf_field(b, req);
    create_field(b, req, "name", "text", TR(req, "Nom (facultatif)", "Name (optional)"), typed,
                 why);
    create_field(b, req, "opens", "datetime-local", TR(req, "Ouverture", "Opens"), typed, why);
    create_field(b, req, "closes", "datetime-local", TR(req, "Clôture", "Closes"), typed, why);
    create_field(b, req, "delivery", "date", TR(req, "Livraison", "Delivery"), typed, why);
    buf_printf(b, "</fieldset><p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Créer le cycle", "Create the cycle"));
}

static void render_desk(http_req *req, int status, const form *typed, const refusal *why)
{
    PGresult *r;
    desk_overlap *ov;
    size_t nov;
    int st = cycle_catch_up(req->db, req->hub_id);
    if (st == DB_OK)
        st = cycle_list(req->db, req->mem, req->hub_id, true, &r);
    if (st == DB_OK)
        st = desk_overlaps(req->db, req->mem, req->hub_id, &ov, &nov);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Bureau de coordination", "Coordinator desk");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1>", title);
    if (why) {
        buf_printf(&b,
                   "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\"><h2>%s</h2><ul>",
                   TR(req, "Le cycle n’est pas créé", "The cycle was not created"));
        if (why->ndetails)
            for (size_t i = 0; i < why->ndetails; i++) {
                buf_printf(&b, "<li><a href=\"#%s\">",
                           why->details[i].field ? why->details[i].field : "create");
                buf_html(&b, req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en);
                buf_puts(&b, "</a></li>");
            }
        else {
            buf_printf(&b, "<li><a href=\"#%s\">", why->field ? why->field : "create");
            buf_html(&b, refusal_text(why, req->lang));
            buf_puts(&b, "</a></li>");
        }
        buf_puts(&b, "</ul></div>");
    }
    desk_notice(&b, req);
    render_overlaps(&b, req, ov, nov);
    buf_printf(&b,
               "<ul class=\"cats\"><li><a href=\"/desk/producers\">%s</a></li>"
               "<li><a href=\"/desk/pickup-points\">%s</a></li>"
               "<li><a href=\"/desk/vehicles\">%s</a></li><li><a href=\"/desk/people\">%s</a>"
               "</li><li><a href=\"/desk/payments\">%s</a></li>"
               "<li><a href=\"/desk/hub\">%s</a></li><li><a href=\"/desk/settings\">%s"
               "</a></li><li><a href=\"/desk/messages\">%s</a></li></ul>",
               TR(req, "Producteurs", "Producers"), TR(req, "Points de retrait", "Pickup points"),
               TR(req, "Véhicules", "Vans"), TR(req, "Personnes", "People"),
               TR(req, "Paiements", "Payments"), TR(req, "Le groupement", "The hub"),
               TR(req, "Réglages", "Settings"), TR(req, "Messages", "Messages"));
    buf_printf(&b, "<p><a href=\"/desk/customers\">%s</a></p>",
               TR(req, "Clients sans internet : inscrire, saisir une commande",
                  "Customers without internet: register, type an order"));
    buf_printf(&b, "<p><a href=\"/desk/settlements\">%s</a> · <a href=\"/desk/fees\">%s</a></p>",
               TR(req, "Reversements aux producteurs, virements, FEC",
                  "Producers' settlements, transfers, FEC"),
               TR(req, "Commissions et frais", "Fees"));
    buf_printf(&b, "<p><a href=\"/desk/contracts\">%s</a></p>",
               TR(req, "Contrats AMAP : inscrits, échéances, paniers par livraison",
                  "AMAP contracts: members, instalments, baskets per delivery"));
    render_cycles(&b, req, r);
    render_create_forms(&b, req, typed, why);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk */
void p_desk(http_req *req)
{
    render_desk(req, 200, NULL, NULL);
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

/* POST /desk/cycles — a refused cycle comes back as the desk with the form as typed
 * and every problem next to its field. */
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
    refusal why = {0};
    /* every missing date at once, rather than one per try */
    static const struct {
        const char *field, *fr, *en;
    } required[] = {
        {"opens", "Indiquez la date et l’heure d’ouverture.", "Give the opening date and time."},
        {"closes", "Indiquez la date et l’heure de clôture.", "Give the closing date and time."},
        {"delivery", "Indiquez la date de livraison.", "Give the delivery date."},
    };
    const char *given[] = {in.opens, in.closes, in.delivery};
    refusal_detail *missing = arena_alloc(req->mem, 3 * sizeof *missing);
    size_t nmissing = 0;
    for (size_t i = 0; i < 3; i++)
        if (!given[i])
            missing[nmissing++] = (refusal_detail){"missing_field", required[i].field,
                                                   required[i].fr, required[i].en};
    if (nmissing) {
        refuse(&why, 422, "missing_field", missing[0].field, missing[0].fr, missing[0].en);
        why.details = missing;
        why.ndetails = nmissing;
        render_desk(req, 422, &f, &why);
        return;
    }
    int64_t id;
    int st = cycle_create(req->db, req->mem, req->hub_id, &in, &id, &why);
    if (st > 0 && why.status == 422) {
        render_desk(req, 422, &f, &why);
        return;
    }
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
        const char *lo = TR(req, "Commandes", "Orders");
        buf_puts(b, "<tr><td>");
        buf_html(b, db_val(pp, i, "name"));
        if (db_null(pp, i, "capacity_orders")) {
            buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">%lld</td><td>%s</td></tr>", lo,
                       (long long)n, TR(req, "sans limite", "no limit"));
            continue;
        }
        int64_t cap = db_int(pp, i, "capacity_orders");
        int pct = cap ? (int)(n * 100 / cap) : 0;
        buf_printf(b,
                   "</td><td class=\"num\" data-l=\"%s\">%lld / %lld</td><td><meter "
                   "class=\"meter\" min=\"0\" max=\"%lld\" value=\"%lld\">%d %%</meter> %d "
                   "%%</td></tr>",
                   lo, (long long)n, (long long)cap, (long long)cap, (long long)n, pct, pct);
    }
    buf_puts(b, "</tbody></table>");
}

/* Rows of the demand table on the page (products ordered); the collection lists have
 * them all. */
#define DESK_DEMAND_ROWS 50

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
    const char *lo = TR(req, "Commandé", "Ordered"), *ll = TR(req, "Reste", "Left"),
               *la = TR(req, "Montant HT", "Amount excl. VAT");
    int n = PQntuples(d), shown = 0, ordered = 0;
    for (int i = 0; i < n; i++) {
        const char *unit = db_val(d, i, "unit");
        milli_t sold = db_int(d, i, "sold_milli");
        if (sold == 0)
            continue; /* the shop shows what is on offer; here, what is asked for */
        if (ordered++ >= DESK_DEMAND_ROWS)
            continue;
        shown++;
        buf_puts(b, "<tr><td>");
        buf_html(b, db_val(d, i, "producer_name"));
        buf_puts(b, "</td><td>");
        buf_html(b, db_val(d, i, "name"));
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">", lo);
        fmt_qty(b, req, sold);
        buf_printf(b, " %s</td><td class=\"num\" data-l=\"%s\">", fmt_unit(req, unit, sold), ll);
        if (db_null(d, i, "stock_milli")) {
            buf_puts(b, "—");
        } else {
            milli_t left = db_int(d, i, "stock_milli") - sold;
            fmt_qty(b, req, left);
            buf_printf(b, " %s", fmt_unit(req, unit, left));
        }
        buf_printf(b, "</td><td class=\"num\" data-l=\"%s\">", la);
        fmt_money(b, req, db_int(d, i, "excl_cents"));
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table><p class=\"hint\">");
    buf_printf(
        b, TR(req, "%d produits commandés sur %d offerts.", "%d products ordered of %d offered."),
        ordered, n);
    if (shown < ordered)
        buf_printf(b, " %s",
                   TR(req,
                      "La liste s’arrête ici : chaque produit figure dans les bons d’apport "
                      "des producteurs.",
                      "The list stops here: every product is in the producers' collection "
                      "lists."));
    buf_puts(b, "</p>");
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
        buf_printf(b,
                   "</td><td class=\"num\" data-l=\"%s\">%s</td><td class=\"num\" data-l=\"%s\">",
                   TR(req, "Commandes", "Orders"), db_val(p, i, "orders"),
                   TR(req, "Montant HT", "Amount excl. VAT"));
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
    if (st == DB_OK && (st = cycle_pickup_points(req->db, req->mem, id, &pp)) == DB_OK &&
        (st = hub_cycle_demand(req->db, req->mem, req->hub_id, id, &d)) == DB_OK)
        st = hub_cycle_by_producer(req->db, req->mem, req->hub_id, id, &byp);
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
        buf_printf(&b, "<a class=\"btn\" href=\"/desk/cycles/%lld/close\">%s</a>", (long long)id,
                   TR(req, "Clore maintenant…", "Close now…"));
    if (strcmp(state, "draft") != 0)
        buf_printf(&b, "<a class=\"btn secondary\" href=\"/desk/cycles/%lld/subscriptions\">%s</a>",
                   (long long)id, TR(req, "Abonnements", "Subscriptions"));
    if (strcmp(state, "draft") != 0 && strcmp(state, "open") != 0)
        buf_printf(&b,
                   "<a class=\"btn secondary\" href=\"/desk/cycles/%lld/cashup\">%s</a>"
                   "<a class=\"btn secondary\" href=\"/desk/payments?cycle=%lld\">%s</a>",
                   (long long)id, TR(req, "Encaissement au retrait", "Cash-up at the pickup"),
                   (long long)id, TR(req, "Qui doit quoi", "Who owes what"));
    buf_puts(&b, "</div>");
    desk_paper_section(&b, req, id, state);
    desk_week_sections(&b, req, id, state);
    desk_invoices_section(&b, req, id, state);
    render_pickups(&b, req, pp);
    render_by_producer(&b, req, byp);
    render_demand(&b, req, d);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
