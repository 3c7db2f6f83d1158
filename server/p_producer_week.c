/*
 * server/p_producer_week.c — the producer page's first sections: their week and
 * their invoices (core/producer_week.h).
 *
 * Each cycle is a block: its state and dates, then what was ordered from the
 * producer, product by product (quantity, orders, amount excl. VAT), read live
 * while the cycle is open. Once the rounds are planned, the collection list (what
 * to bring, by pickup point) is one link away, as a PDF or a page to print.
 */
#include "../core/producer_week.h"
#include "p_producer.h"
#include "page.h"

#include <string.h>

static const char *state_words(http_req *req, const char *state)
{
    if (!strcmp(state, "open"))
        return TR(req, "commandes ouvertes", "taking orders");
    if (!strcmp(state, "closed"))
        return TR(req, "commandes closes", "orders closed");
    if (!strcmp(state, "batched"))
        return TR(req, "tournées prêtes", "rounds planned");
    return TR(req, "facturé", "invoiced");
}

static void render_cycle(buf *b, http_req *req, const pw_cycle *c, const char *slug)
{
    buf_puts(b, "<h3>");
    buf_html(b, c->name);
    buf_printf(b, "</h3><p>%s · %s ", state_words(req, c->state),
               TR(req, "livraison le", "delivery on"));
    fmt_date(b, req, c->delivery_date);
    if (!strcmp(c->state, "open")) {
        buf_printf(b, " · %s ", TR(req, "clôture le", "closes"));
        fmt_datetime(b, req, c->closes_at);
    }
    buf_puts(b, "</p>");
    if (!c->nlines) {
        buf_printf(b, "<p>%s</p>",
                   TR(req, "Rien n’a été commandé chez vous pour l’instant.",
                      "Nothing has been ordered from you so far."));
    } else {
        buf_puts(b, "<ul class=\"lines\">");
        for (size_t i = 0; i < c->nlines; i++) {
            const pw_line *l = &c->lines[i];
            buf_puts(b, "<li><b>");
            buf_html(b, l->name);
            buf_puts(b, "</b><span class=\"amt\">");
            fmt_qty(b, req, l->quantity);
            buf_printf(b, " %s</span><small>%lld %s · ", fmt_unit(req, l->unit, l->quantity),
                       (long long)l->orders,
                       l->orders == 1 ? TR(req, "commande", "order")
                                      : TR(req, "commandes", "orders"));
            fmt_money(b, req, l->excl);
            buf_printf(b, " %s</small></li>", TR(req, "HT", "excl. VAT"));
        }
        buf_puts(b, "</ul><p>");
        buf_printf(b, TR(req, "%lld produit%s, ", "%lld product%s, "), (long long)c->products,
                   c->products > 1 ? "s" : "");
        fmt_money(b, req, c->excl);
        buf_printf(b, " %s.", TR(req, "HT au total", "excl. VAT in all"));
        if ((size_t)c->products > c->nlines)
            buf_printf(
                b, " %s",
                TR(req, "Le bon d’apport les liste tous.", "The collection list has them all."));
        buf_puts(b, "</p>");
    }
    if (c->nlines && (!strcmp(c->state, "closed") || !strcmp(c->state, "batched")))
        buf_printf(b, "<p><a class=\"btn secondary\" href=\"/weigh/%lld\">%s</a></p>",
                   (long long)c->id, TR(req, "Pesée et manques", "Weighing and shortages"));
    if (!strcmp(c->state, "batched") || !strcmp(c->state, "invoiced")) {
        buf_printf(b, "<p>%s : ", TR(req, "Bon d’apport", "Collection list"));
        for (int k = 0; k < 2; k++) {
            buf_printf(b,
                       "%s<a href=\"/api/v1/cycles/%lld/reports/collection?format=%s&amp;producer=",
                       k ? " · " : "", (long long)c->id, k ? "html" : "pdf");
            buf_url(b, slug);
            buf_printf(b, "&amp;lang=%s\">%s</a>", req->lang,
                       k ? TR(req, "page à imprimer", "printable page") : "PDF");
        }
        buf_puts(b, "</p>");
    } else if (c->nlines) {
        buf_printf(b, "<p class=\"hint\">%s</p>",
                   TR(req,
                      "Le bon d’apport sera prêt quand le groupement aura calculé les tournées.",
                      "The collection list will be ready once the hub has planned the rounds."));
    }
}

static void render_invoices(buf *b, http_req *req, const pw_invoice *v, size_t n, int64_t total)
{
    buf_printf(b, "<h2>%s</h2>", TR(req, "Mes factures", "My invoices"));
    if (!n) {
        buf_printf(b, "<p>%s</p>",
                   TR(req, "Aucune facture émise à votre nom pour l’instant.",
                      "No invoice issued in your name so far."));
        return;
    }
    buf_puts(b, "<ul class=\"lines\">");
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "<li><a href=\"/api/v1/invoices/");
        buf_url(b, v[i].number);
        buf_printf(b, "?format=pdf\"><b>%s ",
                   v[i].type_code == 381 ? TR(req, "Avoir", "Credit note")
                                         : TR(req, "Facture", "Invoice"));
        buf_html(b, v[i].number);
        buf_puts(b, "</b></a><span class=\"amt\">");
        fmt_money(b, req, v[i].incl);
        buf_puts(b, "</span><small>");
        fmt_date(b, req, v[i].issue_date);
        buf_puts(b, " · ");
        buf_html(b, v[i].buyer_name);
        buf_puts(b, "</small></li>");
    }
    buf_puts(b, "</ul>");
    if (total > (int64_t)n)
        buf_printf(b,
                   TR(req, "<p class=\"hint\">Les %zu dernières sur %lld.</p>",
                      "<p class=\"hint\">The latest %zu of %lld.</p>"),
                   n, (long long)total);
}

void producer_week_sections(buf *b, http_req *req, int64_t producer, const char *slug)
{
    pw_cycle *cycles;
    pw_invoice *inv;
    size_t nc, ni;
    int64_t total;
    if (pw_cycles_load(req->db, req->mem, req->hub_id, producer, &cycles, &nc) != DB_OK ||
        pw_invoices_load(req->db, req->mem, req->hub_id, producer, &inv, &ni, &total) != DB_OK) {
        buf_printf(b, "<p class=\"warn\">%s</p>",
                   TR(req, "Vos commandes et factures n’ont pas pu être lues ; rechargez la page.",
                      "Your orders and invoices could not be read; reload the page."));
        return;
    }
    buf_printf(b, "<section aria-labelledby=\"week-title\"><h2 id=\"week-title\">%s</h2>",
               TR(req, "Ma semaine", "My week"));
    if (!nc)
        buf_printf(b, "<p>%s</p>",
                   TR(req, "Aucun cycle de commande ne vous concerne encore.",
                      "No order cycle concerns you yet."));
    for (size_t i = 0; i < nc; i++)
        render_cycle(b, req, &cycles[i], slug);
    render_invoices(b, req, inv, ni, total);
    buf_puts(b, "</section>");
}
