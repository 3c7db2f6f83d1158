/*
 * server/p_contracts.c — AMAP contracts on the desk and in the producer's space:
 * for the coordinator, each contract with who is in (basket, pickup point, instalments
 * paid, what remains) and the baskets per delivery and pickup point; for a producer,
 * the baskets to prepare per delivery of their own contracts; for a consumer, the
 * contracts open for subscriptions and the form that joins one. Contracts are defined
 * through the API (docs/api.md) or the desk's form (server/p_contract_form.c).
 */
#include "../core/contract.h"
#include "../core/place.h"
#include "handlers.h"
#include "page.h"

#include <stdlib.h>
#include <string.h>

/* The baskets per delivery and pickup point (contract_deliveries_view rows). */
static int render_deliveries(buf *b, http_req *req, int64_t contract)
{
    PGresult *d;
    int st = contract_deliveries_view(req->db, req->mem, req->hub_id, contract, &d);
    if (st != DB_OK)
        return st;
    buf_printf(b, "<h3>%s</h3>", TR(req, "Paniers par livraison", "Baskets per delivery"));
    if (PQntuples(d) == 0) {
        buf_printf(b, "<p>%s</p>", TR(req, "Aucun inscrit pour l’instant.", "Nobody in yet."));
        return DB_OK;
    }
    buf_puts(b, "<ul class=\"lines\">");
    for (int i = 0; i < PQntuples(d); i++) {
        buf_puts(b, "<li><b>");
        fmt_date(b, req, db_val(d, i, "delivery_date"));
        buf_puts(b, "</b> — ");
        buf_html(b, db_val(d, i, "pickup_name"));
        buf_puts(b, "<small>");
        buf_html(b, db_val(d, i, "basket"));
        buf_printf(b, " : %s ", TR(req, "inscrits", "subscribed"));
        fmt_qty(b, req, db_int(d, i, "subscribed_milli"));
        buf_printf(b, ", %s ", TR(req, "commandés", "placed"));
        fmt_qty(b, req, db_int(d, i, "placed_milli"));
        buf_puts(b, "</small></li>");
    }
    buf_puts(b, "</ul>");
    return DB_OK;
}

static int render_members(buf *b, http_req *req, int64_t contract)
{
    PGresult *m;
    int st = contract_members(req->db, req->mem, req->hub_id, contract, &m);
    if (st != DB_OK)
        return st;
    buf_printf(b, "<h3>%s</h3><ul class=\"lines\">", TR(req, "Inscrits", "Members"));
    for (int i = 0; i < PQntuples(m); i++) {
        buf_puts(b, "<li><b>");
        buf_html(b, db_val(m, i, "customer_name"));
        buf_puts(b, "</b><small>");
        fmt_qty(b, req, db_int(m, i, "quantity_milli"));
        buf_puts(b, " × ");
        buf_html(b, db_val(m, i, "basket"));
        buf_puts(b, " · ");
        buf_html(b, db_val(m, i, "pickup_name"));
        buf_printf(b, " · %s %lld/%lld, %s ", TR(req, "échéances payées", "instalments paid"),
                   (long long)db_int(m, i, "paid"), (long long)db_int(m, i, "instalments"),
                   TR(req, "reste", "remaining"));
        fmt_money(b, req, db_int(m, i, "due_cents"));
        if (db_bool(m, i, "cancelled"))
            buf_printf(b, " · %s", TR(req, "annulé", "cancelled"));
        buf_puts(b, "</small></li>");
    }
    buf_puts(b, "</ul>");
    return DB_OK;
}

/* The contracts of the list rows that pass: every one for the coordinator, a
 * producer's own for a producer. */
static void render_contracts(http_req *req, bool desk)
{
    PGresult *r;
    int st = contract_list(req->db, req->mem, req->hub_id, &r);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Contrats AMAP", "AMAP contracts");
    page_begin(&b, req, title);
    if (desk && http_query(req, "created"))
        buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Contrat créé : il s’ouvre aux inscriptions à la date choisie.",
                      "Contract created: it opens for subscriptions on the date chosen."));
    buf_printf(&b, "<p><a href=\"%s\">%s</a></p><h1>%s</h1>", desk ? "/desk" : "/producer",
               desk ? TR(req, "← Bureau de coordination", "← Coordinator desk")
                    : TR(req, "← Mon espace", "← My space"),
               title);
    int shown = 0;
    for (int i = 0; i < PQntuples(r) && st == DB_OK; i++) {
        if (!desk && strcmp(db_val(r, i, "producer"),
                            req->session->producer_slug ? req->session->producer_slug : "") != 0)
            continue;
        shown++;
        buf_printf(&b, "<section class=\"card\"><h2>");
        buf_html(&b, db_val(r, i, "name"));
        buf_puts(&b, "</h2><p>");
        buf_html(&b, db_val(r, i, "producer_name"));
        buf_printf(&b, " · %s ", TR(req, "inscriptions du", "subscriptions from"));
        fmt_date(&b, req, db_val(r, i, "window_opens"));
        buf_printf(&b, " %s ", TR(req, "au", "to"));
        fmt_date(&b, req, db_val(r, i, "window_closes"));
        buf_printf(&b, " · %lld %s</p>", (long long)db_int(r, i, "subscribers"),
                   TR(req, "inscrits", "members"));
        if (desk)
            st = render_members(&b, req, db_int(r, i, "id"));
        if (st == DB_OK)
            st = render_deliveries(&b, req, db_int(r, i, "id"));
        buf_puts(&b, "</section>");
    }
    if (st != DB_OK) {
        buf_free(&b);
        http_reply_db_error(req, st);
        return;
    }
    if (!shown)
        buf_printf(&b, "<p>%s</p>", TR(req, "Aucun contrat.", "No contract."));
    if (desk)
        desk_contract_form(&b, req);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* GET /desk/contracts */
void p_desk_contracts(http_req *req)
{
    render_contracts(req, true);
}

/* GET /producer/contracts — a producer's own contracts. */
void p_producer_contracts(http_req *req)
{
    render_contracts(req, false);
}

/* One basket of a list row's "baskets" (id:price_e4:vat_bp:label;…), or false at the end. */
static bool next_basket(arena *a, const char **p, int64_t *id, int64_t *price, int64_t *vat,
                        const char **label)
{
    if (!**p)
        return false;
    const char *end = strchr(*p, ';');
    size_t n = end ? (size_t)(end - *p) : strlen(*p);
    char *item = arena_strndup(a, *p, n);
    *p += end ? n + 1 : n;
    char *c1 = strchr(item, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL,
         *c3 = c2 ? strchr(c2 + 1, ':') : NULL;
    if (!c3)
        return false;
    *c1 = *c2 = *c3 = '\0';
    *id = strtoll(item, NULL, 10);
    *price = strtoll(c1 + 1, NULL, 10);
    *vat = strtoll(c2 + 1, NULL, 10);
    *label = c3 + 1;
    return true;
}

/* The subscription form of one open contract. */
static void render_join(buf *b, http_req *req, PGresult *r, int i, const pickup_record *pp,
                        size_t npp)
{
    int64_t id = db_int(r, i, "id");
    buf_printf(b, "<form method=\"post\" action=\"/contracts/%lld\"><fieldset><legend>%s</legend>",
               (long long)id, TR(req, "Panier", "Basket"));
    page_csrf_field(b, req);
    const char *p = db_val(r, i, "baskets");
    int64_t bid, price, vat;
    const char *label;
    bool first = true;
    while (next_basket(req->mem, &p, &bid, &price, &vat, &label)) {
        buf_printf(b,
                   "<p><input type=\"radio\" name=\"basket\" id=\"b-%lld\" value=\"%lld\"%s> "
                   "<label class=\"inline\" for=\"b-%lld\"><b>",
                   (long long)bid, (long long)bid, first ? " checked" : "", (long long)bid);
        buf_html(b, label);
        buf_puts(b, "</b> — ");
        fmt_money(b, req, money_price_incl(price, (vat_bp_t)vat));
        buf_printf(b, " %s</label></p>", TR(req, "TTC par livraison", "incl. VAT per delivery"));
        first = false;
    }
    buf_printf(b,
               "</fieldset><p><label for=\"pp-%lld\">%s</label><select id=\"pp-%lld\" "
               "name=\"pickup_point\">",
               (long long)id, TR(req, "Point de retrait", "Pickup point"), (long long)id);
    for (size_t k = 0; k < npp; k++) {
        if (!pp[k].active)
            continue;
        buf_printf(b, "<option value=\"%s\">", pp[k].slug);
        buf_html(b, pp[k].name);
        buf_puts(b, "</option>");
    }
    buf_printf(b,
               "</select></p><p><label for=\"n-%lld\">%s</label><select id=\"n-%lld\" "
               "name=\"instalments\">",
               (long long)id, TR(req, "Nombre de versements", "Number of instalments"),
               (long long)id);
    const char *plans = db_val(r, i, "plans");
    while (*plans) {
        size_t n = strcspn(plans, ",");
        char *v = arena_strndup(req->mem, plans, n);
        buf_printf(b, "<option value=\"%s\">%s</option>", v, v);
        plans += n + (plans[n] == ',');
    }
    buf_printf(b,
               "</select></p><p><label for=\"m-%lld\">%s</label><select id=\"m-%lld\" "
               "name=\"payment_method\">",
               (long long)id, TR(req, "Paiement", "Payment"), (long long)id);
    if (strstr(db_val(r, i, "methods"), "cheque"))
        buf_printf(b, "<option value=\"cheque\">%s</option>", TR(req, "chèque", "cheque"));
    if (strstr(db_val(r, i, "methods"), "sepa_debit"))
        buf_printf(b, "<option value=\"sepa_debit\">%s</option>",
                   TR(req, "prélèvement SEPA", "SEPA direct debit"));
    buf_printf(b, "</select></p><button class=\"btn\" type=\"submit\">%s</button></form>",
               TR(req, "M’inscrire pour la saison", "Join for the season"));
}

/* GET /contracts — the hub's contracts a consumer may join, while their window is open. */
void p_contracts(http_req *req)
{
    PGresult *r;
    pickup_record *pp;
    size_t npp;
    int st = contract_list(req->db, req->mem, req->hub_id, &r);
    if (st == DB_OK)
        st = pickup_list(req->db, req->mem, req->hub_id, &pp, &npp);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Contrats AMAP", "AMAP contracts");
    page_begin(&b, req, title);
    if (http_query(req, "joined"))
        buf_printf(&b,
                   "<p class=\"notice\" role=\"status\">%s <a href=\"/subscriptions\">%s</a></p>",
                   TR(req, "Vous êtes inscrit : vos paniers seront commandés à chaque livraison.",
                      "You are in: your baskets will be ordered for every delivery."),
                   TR(req, "Mes abonnements", "My subscriptions"));
    buf_printf(&b, "<h1>%s</h1>", title);
    int shown = 0;
    for (int i = 0; i < PQntuples(r); i++) {
        if (!db_bool(r, i, "open"))
            continue;
        shown++;
        buf_puts(&b, "<section class=\"card\"><h2>");
        buf_html(&b, db_val(r, i, "name"));
        buf_puts(&b, "</h2><p>");
        buf_html(&b, db_val(r, i, "producer_name"));
        buf_printf(&b, " · %s ", TR(req, "inscriptions jusqu’au", "subscriptions until"));
        fmt_date(&b, req, db_val(r, i, "window_closes"));
        buf_printf(&b, " · %s %lld %s</p>", TR(req, "engagement", "commitment"),
                   (long long)db_int(r, i, "min_deliveries"),
                   TR(req, "livraisons au moins", "deliveries at least"));
        render_join(&b, req, r, i, pp, npp);
        buf_puts(&b, "</section>");
    }
    if (!shown)
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Aucun contrat ouvert aux inscriptions.",
                      "No contract open for subscriptions."));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /contracts/{id} — fields basket, pickup_point, instalments, payment_method. */
void p_contract_join(http_req *req)
{
    form f;
    contract_sub_in in = {
        .hub = req->hub_id, .customer = req->session->customer_id, .quantity = 1000};
    if (!http_id_or_reply(req, "id", &in.contract) || !page_form_or_reply(req, &f))
        return;
    int64_t n = 0;
    if (!http_id_text(form_get(&f, "basket"), &in.basket))
        in.basket = 0;
    if (!http_id_text(form_get(&f, "instalments"), &n) || n > 52)
        n = 0;
    in.instalments = (int)n;
    in.pickup_point = form_get(&f, "pickup_point");
    in.payment_method = form_get(&f, "payment_method");
    int64_t id;
    refusal why = {0};
    int st = contract_subscribe(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/contracts?joined=1");
}
