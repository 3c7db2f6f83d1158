/*
 * server/p_producer_settlements.c — GET /producer/settlements: what the hub collected
 * for the producer, its fee and what it paid back, settlement by settlement, with the
 * statement (PDF) and the commission invoice (PDF) of each.
 *
 * One block per settlement (no wide table: the page is read on a phone), newest first;
 * the rate the hub applies today, and the billing mandate on record.
 */
#include "../core/fees.h"
#include "../core/settlement.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void amount_line(buf *b, http_req *req, const char *label, cents_t v, bool minus)
{
    buf_printf(b, "<li>%s<span class=\"amt\">%s", label, minus && v ? "− " : "");
    fmt_money(b, req, v);
    buf_puts(b, "</span></li>");
}

static void render_settlement(buf *b, http_req *req, const settlement *s)
{
    buf_puts(b, "<section><h3>");
    buf_printf(b, "%s %lld · ", TR(req, "Relevé n°", "Statement no."), (long long)s->id);
    fmt_date(b, req, s->period_from);
    if (strcmp(s->period_from, s->period_to) != 0) {
        buf_puts(b, " → ");
        fmt_date(b, req, s->period_to);
    }
    buf_puts(b, "</h3><ul class=\"lines\">");
    amount_line(b, req,
                TR(req, "Ventes encaissées pour vous (TTC)", "Sales collected for you (incl. VAT)"),
                s->sales_incl, false);
    amount_line(b, req, TR(req, "Avoirs (TTC)", "Credit notes (incl. VAT)"), s->credits_incl, true);
    amount_line(b, req, TR(req, "Commission du hub (HT)", "Hub fee (excl. VAT)"), s->fee_excl,
                true);
    amount_line(b, req, TR(req, "TVA sur la commission", "VAT on the fee"), s->fee_vat, true);
    buf_printf(b, "<li><b>%s</b><span class=\"amt\"><b>", TR(req, "Reversé", "Paid back"));
    fmt_money(b, req, s->due);
    buf_printf(b, "</b></span><small>%s</small></li></ul><p>",
               s->transfer_batch ? TR(req, "virement émis", "transfer sent")
                                 : TR(req, "virement à venir", "transfer to come"));
    buf_printf(b, "<a href=\"/api/v1/settlements/%lld/statement?format=pdf&amp;lang=%s\">%s</a>",
               (long long)s->id, req->lang, TR(req, "Relevé (PDF)", "Statement (PDF)"));
    if (*s->commission_number) {
        buf_puts(b, " · <a href=\"/api/v1/invoices/");
        buf_url(b, s->commission_number);
        buf_printf(b, "?format=pdf\">%s ", TR(req, "Facture de commission", "Fee invoice"));
        buf_html(b, s->commission_number);
        buf_puts(b, " (PDF)</a>");
    }
    buf_puts(b, "</p></section>");
}

void p_producer_settlements(http_req *req)
{
    settlement *s;
    size_t n;
    int hub_bp;
    fee_producer *fp;
    size_t nfp;
    db_conn *c = http_read_db(req);
    int st = settlement_list(c, req->mem, req->hub_id, req->session->producer_id, &s, &n);
    if (st == DB_OK)
        st = fees_get(c, req->mem, req->hub_id, &hub_bp, &fp, &nfp);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const fee_producer *me = NULL;
    for (size_t i = 0; i < nfp; i++)
        if (fp[i].id == req->session->producer_id)
            me = &fp[i];
    buf b = BUF_INIT;
    page_begin(&b, req, TR(req, "Mes reversements", "My settlements"));
    buf_printf(&b, "<h1>%s</h1><p><a href=\"/producer\">%s</a></p><p>",
               TR(req, "Mes reversements", "My settlements"),
               TR(req, "← Mon espace producteur", "← My producer space"));
    int bp = me && me->fee_bp >= 0 ? me->fee_bp : hub_bp;
    buf_printf(
        &b, "%s ",
        TR(req, "Commission du hub sur vos ventes HT :", "The hub's fee on your sales excl. VAT:"));
    fmt_rate(&b, req, (vat_bp_t)bp);
    buf_printf(&b, " %% %s</p>",
               TR(req, "(pour les cycles ouverts désormais)", "(for cycles opened from now on)"));
    if (me && *me->mandate_on) {
        buf_printf(&b, "<p>%s ", TR(req, "Mandat de facturation du", "Billing mandate of"));
        fmt_date(&b, req, me->mandate_on);
        buf_puts(&b, " : ");
        buf_html(&b, me->mandate_scope);
        buf_puts(&b, "</p>");
    }
    if (!n)
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Aucun reversement pour l’instant.", "No settlement so far."));
    for (size_t i = 0; i < n; i++)
        render_settlement(&b, req, &s[i]);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
