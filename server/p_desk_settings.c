/*
 * server/p_desk_settings.c — the desk's "Réglages / Settings" page: how the hub sells
 * and how much one customer may order, with the record of every change.
 *
 * GET /desk/settings shows the form and the latest changes; POST saves it through
 * the same core function as PATCH /api/v1/hub/settings (core/hub_settings.h), as the
 * coordinator's change on the desk. A value that cannot be read, or is out of range,
 * comes back on the form with the field marked (422), nothing saved.
 */
#include "../core/hub_settings.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

#define CHANGES_SHOWN 20

/* Form fields: the JSON API's names, except the amount, typed in euros here. */
static const char *form_field_of(const char *api_field)
{
    return api_field && !strcmp(api_field, "max_order_cents") ? "max_order" : api_field;
}

static const char *setting_label(http_req *req, const char *setting)
{
    static const struct {
        const char *key, *fr, *en;
    } labels[] = {
        {"seller_mode", "Qui vend", "Who sells"},
        {"payment_days", "Délai de paiement (jours)", "Payment terms (days)"},
        {"resale_vat_rate", "TVA de revente (%)", "Resale VAT (%)"},
        {"max_order_cents", "Montant maximum d’une commande (centimes)", "Largest order (cents)"},
        {"max_line_quantity", "Quantité maximum par ligne", "Largest quantity per line"},
        {"max_offer_share_percent", "Part maximum du stock d’un produit (%)",
         "Largest share of a product's stock (%)"},
        {"shortage_rule", "Règle des manques", "Shortage rule"},
        {"require_verified_email", "Adresse confirmée avant une première commande",
         "Address confirmed before a first order"},
        {"closing_reminder_hours", "Rappel « ferme bientôt » (heures avant)",
         "\"Closes soon\" reminder (hours before)"},
        {"hide_incomplete", "Produits sans les informations obligatoires hors de la boutique",
         "Products lacking required information kept out of the shop"},
        {"shop_thumbnails", "Photos dans les listes de la boutique", "Photos in the shop's lists"},
        /* the hub's identity, rhythm and host names (server/p_desk_identity.c) */
        {"name", "Nom", "Name"},
        {"legal_form", "Forme juridique", "Legal form"},
        {"siret", "SIRET", "SIRET"},
        {"vat_number", "Numéro de TVA", "VAT number"},
        {"address", "Adresse", "Address"},
        {"rcs_city", "Ville du RCS", "RCS city"},
        {"share_capital", "Capital social (€)", "Share capital (€)"},
        {"email", "E-mail de contact", "Contact email"},
        {"phone", "Téléphone", "Phone"},
        {"depot_lat", "Latitude du dépôt", "Depot latitude"},
        {"depot_lon", "Longitude du dépôt", "Depot longitude"},
        {"template_opens", "Ouverture (jour, heure)", "Opens (day, time)"},
        {"template_closes", "Clôture (jour, heure)", "Closes (day, time)"},
        {"template_delivery", "Jour de livraison", "Delivery day"},
        {"hosts", "Adresses du groupement", "Host names"},
    };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (!strcmp(labels[i].key, setting))
            return TR(req, labels[i].fr, labels[i].en);
    return setting;
}

/* The values shown in the form: what was typed after a refusal, else the settings. */
typedef struct {
    const char *seller_mode, *payment_days, *resale_vat_rate, *max_order, *max_line_quantity,
        *max_offer_share_percent, *shortage_rule, *closing_reminder_hours;
    bool require_verified_email;
} shown;

/* "2.5" → "2,5" for a French reader */
static const char *decimal_shown(http_req *req, const char *v)
{
    char *t = arena_strdup(req->mem, v);
    if (req->lang[0] == 'f')
        for (char *q = t; *q; q++)
            if (*q == '.')
                *q = ',';
    return t;
}

static void shown_from(http_req *req, const hub_settings *s, shown *v)
{
    char d[32];
    v->seller_mode = seller_mode_name(s->seller);
    v->payment_days = arena_printf(req->mem, "%d", s->payment_days);
    v->resale_vat_rate = arena_strdup(req->mem, dec_format(d, s->resale_vat_rate, 2, 0));
    v->max_order =
        s->max_order_cents ? decimal_shown(req, dec_format(d, s->max_order_cents, 2, 2)) : "";
    v->max_line_quantity =
        s->max_line_milli ? decimal_shown(req, dec_format(d, s->max_line_milli, 3, 0)) : "";
    v->max_offer_share_percent =
        s->max_offer_share_pct ? arena_printf(req->mem, "%d", s->max_offer_share_pct) : "";
    v->shortage_rule = shortage_rule_name(s->shortage);
    v->closing_reminder_hours = arena_printf(req->mem, "%d", s->closing_reminder_hours);
    v->require_verified_email = s->require_verified_email;
}

static void field_error(buf *b, const char *id, const char *error)
{
    if (!error)
        return;
    buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
    buf_html(b, error);
    buf_puts(b, "</p>");
}

/* Who loses the units of a product delivered short (docs/delivered.md words the rules). */
static void shortage_choice(buf *b, http_req *req, const shown *v, const char *error)
{
    buf_printf(b, "<fieldset><legend>%s</legend>",
               TR(req, "Manques : qui perd les unités d’un produit livré en moins",
                  "Shortages: who loses the units of a product delivered short"));
    field_error(b, "shortage_rule", error);
    bool pro = !strcmp(v->shortage_rule, "pro_rata");
    buf_printf(
        b,
        "<p><input type=\"radio\" id=\"shortage_rule\" name=\"shortage_rule\" "
        "value=\"last_orders_first\"%s> <label for=\"shortage_rule\">%s</label></p>"
        "<p><input type=\"radio\" id=\"shortage_rule_pro_rata\" name=\"shortage_rule\" "
        "value=\"pro_rata\"%s> <label for=\"shortage_rule_pro_rata\">%s</label></p>"
        "</fieldset>",
        pro ? "" : " checked",
        TR(req, "Les dernières commandes passées d’abord", "The orders placed last lose first"),
        pro ? " checked" : "",
        TR(req,
           "Au prorata de chaque commande, par pas de vente entiers (le reste va aux plus "
           "grandes parts)",
           "In proportion to each order, in whole sale steps (the remainder to the largest "
           "shares)"));
}

static void text_input(buf *b, const char *id, const char *label, const char *hint,
                       const char *value, const char *error)
{
    buf_printf(b, "<label for=\"%s\">", id);
    buf_html(b, label);
    buf_puts(b, "</label>");
    if (hint) {
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">", id);
        buf_html(b, hint);
        buf_puts(b, "</p>");
    }
    field_error(b, id, error);
    buf_printf(b, "<input type=\"text\" inputmode=\"decimal\" id=\"%s\" name=\"%s\"", id, id);
    if (hint && error)
        buf_printf(b, " aria-describedby=\"%s-hint %s-error\"", id, id);
    else if (hint || error)
        buf_printf(b, " aria-describedby=\"%s-%s\"", id, hint ? "hint" : "error");
    if (error)
        buf_puts(b, " aria-invalid=\"true\"");
    buf_puts(b, " value=\"");
    buf_html(b, value);
    buf_puts(b, "\">");
}

static void render_changes(buf *b, http_req *req, const hub_settings_change *ch, size_t n)
{
    buf_printf(b, "<h2>%s</h2>", TR(req, "Derniers changements", "Latest changes"));
    if (n == 0) {
        buf_printf(b, "<p>%s</p>", TR(req, "Aucun changement.", "No change yet."));
        return;
    }
    buf_printf(b,
               "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>",
               TR(req, "Quand", "When"), TR(req, "Qui", "Who"), TR(req, "Réglage", "Setting"),
               TR(req, "Avant", "Before"), TR(req, "Après", "After"));
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, "<tr><td>");
        fmt_datetime(b, req, ch[i].changed_at);
        buf_puts(b, "</td><td>");
        if (*ch[i].user_email)
            buf_html(b, ch[i].user_email);
        else
            buf_puts(b, TR(req, "ligne de commande", "command line"));
        buf_printf(b, " (%s)</td><td>", ch[i].via);
        buf_html(b, setting_label(req, ch[i].setting));
        buf_puts(b, "</td><td>");
        buf_html(b, ch[i].old_value ? ch[i].old_value : TR(req, "sans limite", "no limit"));
        buf_puts(b, "</td><td>");
        buf_html(b, ch[i].new_value ? ch[i].new_value : TR(req, "sans limite", "no limit"));
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

static void render(http_req *req, int status, const hub_settings *s, const shown *typed,
                   const refusal *why)
{
    hub_settings_change *ch;
    size_t n;
    int st = hub_settings_changes(req->db, req->mem, req->hub_id, CHANGES_SHOWN, &ch, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    shown v;
    if (typed)
        v = *typed;
    else
        shown_from(req, s, &v);
    const char *bad = why ? form_field_of(why->field) : NULL;
#define ERR(id) (bad && !strcmp(bad, id) ? refusal_text(why, req->lang) : NULL)
    const char *title = TR(req, "Réglages", "Settings");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk\">%s</a></p><h1>%s</h1>",
               TR(req, "← Bureau de coordination", "← Coordinator desk"), title);
    desk_notice(&b, req);
    if (why) {
        buf_printf(
            &b, "<div class=\"error-summary\" role=\"alert\"><h2>%s</h2><ul><li><a href=\"#%s\">",
            TR(req, "Il y a un problème", "There is a problem"), bad ? bad : "seller_mode");
        buf_html(&b, refusal_text(why, req->lang));
        buf_puts(&b, "</a></li></ul></div>");
    }
    buf_printf(&b, "<p><a href=\"/desk/hub\">%s</a></p>",
               TR(req, "Identité, rythme de la semaine et adresses du groupement",
                  "The hub's identity, weekly rhythm and host names"));
    buf_printf(&b, "<p>%s</p>",
               TR(req,
                  "Un changement vaut pour les cycles ouverts ensuite : un cycle déjà ouvert garde "
                  "les réglages qu’il avait à son ouverture, jusqu’à ses factures.",
                  "A change applies to the cycles opened afterwards: a cycle already open keeps "
                  "the settings it had when it opened, down to its invoices."));
    buf_puts(&b, "<form method=\"post\" action=\"/desk/settings\">");
    page_csrf_field(&b, req);
    buf_printf(&b, "<fieldset><legend>%s</legend>", TR(req, "Qui vend", "Who sells"));
    field_error(&b, "seller_mode", ERR("seller_mode"));
    bool hub = !strcmp(v.seller_mode, "hub");
    buf_printf(&b,
               "<p><input type=\"radio\" id=\"seller_mode\" name=\"seller_mode\" "
               "value=\"producers\"%s> <label for=\"seller_mode\">%s</label></p>"
               "<p><input type=\"radio\" id=\"seller_mode_hub\" name=\"seller_mode\" "
               "value=\"hub\"%s> <label for=\"seller_mode_hub\">%s</label></p></fieldset>",
               hub ? "" : " checked",
               TR(req,
                  "Les producteurs : le groupement vend pour leur compte, une facture par "
                  "producteur et par commande",
                  "The producers: the hub sells on their behalf, one invoice per producer per "
                  "order"),
               hub ? " checked" : "",
               TR(req, "Le groupement : il achète et revend, une facture par commande",
                  "The hub: it buys and resells, one invoice per order"));
    text_input(&b, "payment_days", TR(req, "Délai de paiement (jours)", "Payment terms (days)"),
               TR(req, "0 : paiement à réception de la facture ; au plus 60.",
                  "0: payable on receipt of the invoice; at most 60."),
               v.payment_days, ERR("payment_days"));
    buf_printf(&b, "<label for=\"resale_vat_rate\">%s</label>",
               TR(req,
                  "TVA de revente (%) — mode « le groupement » : sur les produits des "
                  "producteurs en franchise",
                  "Resale VAT (%) — \"the hub\" mode: on the goods of producers under the "
                  "VAT franchise"));
    field_error(&b, "resale_vat_rate", ERR("resale_vat_rate"));
    buf_puts(&b, "<select id=\"resale_vat_rate\" name=\"resale_vat_rate\">");
    static const char *const rates[][2] = {
        {"2.1", "2,1"}, {"5.5", "5,5"}, {"10", "10"}, {"20", "20"}};
    for (size_t i = 0; i < 4; i++) {
        bool sel = !strcmp(v.resale_vat_rate, rates[i][0]);
        buf_printf(&b, "<option value=\"%s\"%s>%s %%</option>", rates[i][0], sel ? " selected" : "",
                   TR(req, rates[i][1], rates[i][0]));
    }
    buf_puts(&b, "</select>");
    buf_printf(&b, "<fieldset><legend>%s</legend>",
               TR(req, "Limites par client et par cycle (vide : sans limite)",
                  "Limits per customer and cycle (empty: no limit)"));
    text_input(
        &b, "max_order",
        TR(req, "Montant maximum d’une commande, TTC (€)", "Largest order, VAT included (€)"), NULL,
        v.max_order, ERR("max_order"));
    text_input(&b, "max_line_quantity",
               TR(req, "Quantité maximum par ligne (dans l’unité du produit)",
                  "Largest quantity per line (in the product's unit)"),
               NULL, v.max_line_quantity, ERR("max_line_quantity"));
    text_input(&b, "max_offer_share_percent",
               TR(req, "Part maximum du stock d’un produit qu’une commande peut prendre (%)",
                  "Largest share of a product's stock one order may take (%)"),
               TR(req, "Au moins un pas de vente reste toujours possible.",
                  "At least one sale step stays possible."),
               v.max_offer_share_percent, ERR("max_offer_share_percent"));
    buf_puts(&b, "</fieldset>");
    shortage_choice(&b, req, &v, ERR("shortage_rule"));
    buf_printf(&b, "<fieldset><legend>%s</legend>",
               TR(req, "Comptes et messages", "Accounts and messages"));
    buf_printf(&b,
               "<input type=\"hidden\" name=\"messages\" value=\"1\"><p><input type=\"checkbox\" "
               "id=\"require_verified_email\" name=\"require_verified_email\" value=\"1\"%s> "
               "<label for=\"require_verified_email\">%s</label></p>",
               v.require_verified_email ? " checked" : "",
               TR(req, "Un nouveau client confirme son adresse e-mail avant sa première commande",
                  "A new customer confirms their email address before their first order"));
    text_input(&b, "closing_reminder_hours",
               TR(req, "Rappel « la boutique ferme bientôt », en heures avant la clôture",
                  "\"The shop closes soon\" reminder, in hours before the close"),
               TR(req, "Aux clients qui l’ont demandé et n’ont pas commandé ; 0 : jamais.",
                  "To customers who asked for it and have not ordered; 0: never."),
               v.closing_reminder_hours, ERR("closing_reminder_hours"));
    buf_printf(&b,
               "</fieldset><fieldset><legend>%s</legend><input type=\"hidden\" name=\"shop\" "
               "value=\"1\"><p><input type=\"checkbox\" id=\"hide_incomplete\" "
               "name=\"hide_incomplete\" value=\"1\"%s> <label class=\"inline\" "
               "for=\"hide_incomplete\">%s</label></p><p><input type=\"checkbox\" "
               "id=\"shop_thumbnails\" name=\"shop_thumbnails\" value=\"1\"%s> <label "
               "class=\"inline\" for=\"shop_thumbnails\">%s</label></p></fieldset>",
               TR(req, "La boutique", "The shop"), s->hide_incomplete ? " checked" : "",
               TR(req,
                  "Laisser hors de la boutique les produits qui n’ont pas les informations que "
                  "la loi demande (allergènes, ingrédients, quantité nette, origine…), à partir "
                  "de la prochaine ouverture des commandes",
                  "Keep out of the shop the products lacking information the law requires "
                  "(allergens, ingredients, net quantity, origin…), from the next order window "
                  "on"),
               s->shop_thumbnails ? " checked" : "",
               TR(req, "Montrer la photo de chaque produit, en petit, dans les listes",
                  "Show each product's photo, small, in the lists"));
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Save"));
#undef ERR
    render_changes(&b, req, ch, n);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/settings */
void p_desk_settings(http_req *req)
{
    hub_settings s;
    int st = hub_settings_get(req->db, req->mem, req->hub_id, &s, NULL);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    render(req, 200, &s, NULL, NULL);
}

/* An optional decimal field: "" = no limit (0), else within [1, max] at this scale. */
static bool read_limit(const char *v, int scale, int64_t max, int64_t *out)
{
    *out = 0;
    if (!*v)
        return true;
    return dec_parse(v, scale, out) == DEC_OK && *out >= 1 && *out <= max;
}

/* The fields the form carries, as a patch (a field it does not carry stays as it is);
 * a value that cannot be read is refused naming its field. */
static int patch_from_form(const form *f, const shown *typed, hub_settings_patch *p, refusal *why)
{
    int64_t n;
    memset(p, 0, sizeof *p);
    if (form_get(f, "seller_mode")) {
        if (!seller_mode_parse(typed->seller_mode, &p->to.seller))
            return refuse(why, 422, "invalid_field", "seller_mode", "Choisissez qui vend.",
                          "Choose who sells.");
        p->set_seller = true;
    }
    if (form_get(f, "payment_days")) {
        if (dec_parse(typed->payment_days, 0, &n) != DEC_OK || n < 0 || n > HUB_PAYMENT_DAYS_MAX)
            return refuse(why, 422, "invalid_field", "payment_days",
                          "Le délai de paiement est un nombre de jours, de 0 à 60.",
                          "The payment terms are a number of days, from 0 to 60.");
        p->to.payment_days = (int)n;
        p->set_payment_days = true;
    }
    if (form_get(f, "resale_vat_rate")) {
        if (dec_parse(typed->resale_vat_rate, 2, &n) != DEC_OK)
            return refuse(why, 422, "invalid_field", "resale_vat_rate",
                          "Le taux de TVA de revente est 2,1, 5,5, 10 ou 20 %.",
                          "The resale VAT rate is 2.1, 5.5, 10 or 20 %.");
        p->to.resale_vat_rate = (vat_bp_t)n;
        p->set_resale_vat_rate = true;
    }
    if (form_get(f, "max_order")) {
        if (!read_limit(typed->max_order, 2, HUB_MAX_ORDER_CENTS, &p->to.max_order_cents))
            return refuse(why, 422, "invalid_field", "max_order",
                          "Le montant maximum est un montant en euros, comme 150 ou 150,50 (vide : "
                          "sans limite).",
                          "The largest order is an amount in euros, such as 150 or 150.50 "
                          "(empty: no limit).");
        p->set_max_order = true;
    }
    if (form_get(f, "max_line_quantity")) {
        if (!read_limit(typed->max_line_quantity, 3, HUB_MAX_LINE_MILLI, &p->to.max_line_milli))
            return refuse(why, 422, "invalid_field", "max_line_quantity",
                          "La quantité maximum est un nombre positif, comme 20 ou 2,5 (vide : sans "
                          "limite).",
                          "The largest quantity is a positive number, such as 20 or 2.5 (empty: "
                          "no limit).");
        p->set_max_line = true;
    }
    if (form_get(f, "max_offer_share_percent")) {
        if (!read_limit(typed->max_offer_share_percent, 0, 100, &n))
            return refuse(why, 422, "invalid_field", "max_offer_share_percent",
                          "La part maximum est un pourcentage de 1 à 100 (vide : sans limite).",
                          "The largest share is a percentage from 1 to 100 (empty: no limit).");
        p->to.max_offer_share_pct = (int)n;
        p->set_max_share = true;
    }
    if (form_get(f, "shortage_rule")) {
        if (!shortage_rule_parse(typed->shortage_rule, &p->to.shortage))
            return refuse(why, 422, "invalid_field", "shortage_rule",
                          "Choisissez la règle des manques.", "Choose the shortage rule.");
        p->set_shortage = true;
    }
    if (form_get(f, "messages")) {
        /* an unticked box is not sent: the hidden field says the form had it */
        p->to.require_verified_email = form_get(f, "require_verified_email") != NULL;
        p->set_require_verified = true;
    }
    if (form_get(f, "closing_reminder_hours")) {
        if (dec_parse(typed->closing_reminder_hours, 0, &n) != DEC_OK || n < 0 ||
            n > HUB_CLOSING_REMINDER_MAX)
            return refuse(why, 422, "invalid_field", "closing_reminder_hours",
                          "Le rappel part de 0 (jamais) à 168 heures avant la clôture.",
                          "The reminder goes 0 (never) to 168 hours before the close.");
        p->to.closing_reminder_hours = (int)n;
        p->set_closing_hours = true;
    }
    if (form_get(f, "shop")) { /* the shop's boxes: an unticked box is not sent */
        p->to.hide_incomplete = form_get(f, "hide_incomplete") != NULL;
        p->to.shop_thumbnails = form_get(f, "shop_thumbnails") != NULL;
        p->set_hide_incomplete = p->set_shop_thumbnails = true;
    }
    return 0;
}

/* POST /desk/settings */
void p_desk_settings_save(http_req *req)
{
    form f;
    hub_settings s;
    if (!page_form_or_reply(req, &f))
        return;
    int st = hub_settings_get(req->db, req->mem, req->hub_id, &s, NULL);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    shown typed;
    shown_from(req, &s, &typed);
    const char **slot[] = {&typed.seller_mode,       &typed.payment_days,
                           &typed.resale_vat_rate,   &typed.max_order,
                           &typed.max_line_quantity, &typed.max_offer_share_percent,
                           &typed.shortage_rule,     &typed.closing_reminder_hours};
    static const char *const names[] = {"seller_mode",       "payment_days",
                                        "resale_vat_rate",   "max_order",
                                        "max_line_quantity", "max_offer_share_percent",
                                        "shortage_rule",     "closing_reminder_hours"};
    if (form_get(&f, "messages"))
        typed.require_verified_email = form_get(&f, "require_verified_email") != NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        const char *v = form_get(&f, names[i]);
        if (v)
            *slot[i] = v;
    }
    hub_settings_patch p;
    hub_settings now = {0};
    refusal why = {0};
    st = patch_from_form(&f, &typed, &p, &why);
    if (st == 0)
        st = hub_settings_update(req->db, req->mem, req->hub_id, &p, req->session->user_id, "desk",
                                 &now, &why);
    if (st == 0) {
        desk_done(req, "/desk/settings", "saved");
        return;
    }
    if (st < 0 || why.status != 422) {
        http_reply_failure(req, st, &why);
        return;
    }
    render(req, 422, &s, &typed, &why);
}
