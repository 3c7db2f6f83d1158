/*
 * server/p_contracts.c — AMAP contracts on the desk and in the producer's space:
 * for the coordinator, each contract with who is in (basket, pickup point, instalments
 * paid, what remains) and the baskets per delivery and pickup point; for a producer,
 * the baskets to prepare per delivery of their own contracts. Read-only pages; the
 * contracts are defined through the API (docs/api.md).
 */
#include "../core/contract.h"
#include "handlers.h"
#include "page.h"

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
