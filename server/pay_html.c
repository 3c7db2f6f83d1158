/*
 * server/pay_html.c — payment methods and payment instructions on the customer's pages.
 *
 * The QR code is inline SVG (no image request, no script), drawn from the EPC069-12
 * payload of what is due now; the same IBAN, reference and amount are written out
 * beside it for whoever types the transfer by hand.
 */
#include "pay_html.h"
#include "../core/epc_qr.h"
#include "page.h"

#include <string.h>

void pay_html_methods(buf *b, http_req *req, int64_t cycle, const char *chosen, const char *error)
{
    pay_settings s;
    bool found;
    if (pay_cycle_settings(req->db, req->mem, req->hub_id, cycle, &s, &found) != DB_OK || !found ||
        s.nmethods < 2)
        return;
    pay_method want = s.methods[0];
    if (chosen)
        pay_method_parse(chosen, &want);
    buf_printf(b, "<fieldset id=\"payment_method\"%s><legend>%s</legend>",
               error ? " aria-describedby=\"payment_method-error\"" : "",
               TR(req, "Comment payez-vous\u00a0?", "How do you pay?"));
    if (error) {
        buf_puts(b, "<p class=\"field-error\" id=\"payment_method-error\">");
        buf_html(b, error);
        buf_puts(b, "</p>");
    }
    for (int i = 0; i < s.nmethods; i++) {
        const char *name = pay_method_name(s.methods[i]);
        buf_printf(b,
                   "<p><input type=\"radio\" name=\"payment_method\" id=\"pm-%s\" value=\"%s\"%s>"
                   " <label class=\"inline\" for=\"pm-%s\">",
                   name, name, s.methods[i] == want ? " checked" : "", name);
        buf_html(b, pay_method_label(s.methods[i], req->lang));
        buf_puts(b, "</label></p>");
    }
    buf_puts(b, "</fieldset>");
}

static void status_line(buf *b, http_req *req, const pay_instr *p)
{
    const pay_due *d = &p->due;
    buf_printf(b, "<p><b>%s</b> ", TR(req, "Paiement :", "Payment:"));
    buf_html(b, pay_method_label(d->method, req->lang));
    buf_puts(b, ". ");
    if (!strcmp(p->status, "paid")) {
        buf_printf(b, "<b>%s</b> (", TR(req, "Réglée", "Paid"));
        fmt_money(b, req, d->paid);
        buf_puts(b, ").");
    } else if (!strcmp(p->status, "overpaid")) {
        buf_printf(b, "%s ",
                   TR(req, "Réglée, avec un trop-perçu de", "Paid, with an overpayment of"));
        fmt_money(b, req, -d->due);
        buf_printf(b, " %s",
                   TR(req, "qui vous est dû (il ira sur votre solde).",
                      "owed to you (it will go to your balance)."));
    } else if (!strcmp(p->status, "due")) {
        buf_printf(b, "%s <b>", TR(req, "Reste à payer :", "Left to pay:"));
        fmt_money(b, req, d->due);
        buf_puts(b, "</b>");
        if (d->paid) {
            buf_printf(b, " (%s ", TR(req, "déjà reçu", "received already"));
            fmt_money(b, req, d->paid);
            buf_puts(b, ")");
        }
        buf_puts(b, ".");
    }
    buf_puts(b, "</p>");
}

void pay_html_instructions(buf *b, http_req *req, const pay_instr *p, bool with_qr)
{
    const pay_due *d = &p->due;
    buf_printf(b, "<div class=\"pay\" id=\"pay-%lld\">", (long long)d->order_id);
    status_line(b, req, p);
    if (d->due > 0 && d->method == PAY_TRANSFER && p->iban[0]) {
        char iban[48];
        buf_printf(b, "<dl class=\"facts\"><dt>%s</dt><dd>",
                   TR(req, "Virement à l’ordre de", "Transfer to"));
        buf_html(b, p->hub_name);
        buf_printf(b, "</dd><dt>IBAN</dt><dd><b>%s</b></dd>", bank_iban_grouped(p->iban, iban));
        if (p->bic[0])
            buf_printf(b, "<dt>BIC</dt><dd>%s</dd>", p->bic);
        buf_printf(b, "<dt>%s</dt><dd><b>%s</b></dd><dt>%s</dt><dd><b>",
                   TR(req, "Référence (à recopier)", "Reference (copy it)"), p->reference_grouped,
                   TR(req, "Montant", "Amount"));
        fmt_money(b, req, d->due);
        buf_puts(b, "</b></dd></dl>");
        if (with_qr && p->epc_payload) {
            buf_printf(b, "<p class=\"hint\">%s</p>",
                       TR(req,
                          "Avec l’application de votre banque, scannez ce code : le virement se "
                          "remplit tout seul (bénéficiaire, IBAN, montant, référence).",
                          "Scan this code with your bank's app: the transfer fills itself in "
                          "(beneficiary, IBAN, amount, reference)."));
            epc_qr_svg(b, p->epc_payload,
                       TR(req, "Code QR du virement (EPC)", "Transfer QR code (EPC)"), 0, 0);
        }
    } else if (pay_instr_how(p, req->lang)) {
        buf_puts(b, "<p>");
        buf_html(b, pay_instr_how(p, req->lang));
        buf_puts(b, "</p>");
    }
    if (d->method == PAY_BALANCE || p->money.balance) {
        buf_printf(b, "<p>%s ", TR(req, "Votre solde prépayé :", "Your prepaid balance:"));
        fmt_money(b, req, p->money.balance);
        buf_puts(b, "</p>");
    }
    buf_puts(b, "</div>");
}

void pay_html_order_section(buf *b, http_req *req, int64_t order_id, int64_t cycle, bool editable)
{
    pay_instr p;
    bool found;
    if (pay_order_instructions(req->db, req->mem, req->hub_id, order_id, req->session->customer_id,
                               &p, &found) != DB_OK ||
        !found)
        return;
    buf_printf(b, "<h2 id=\"payment\">%s</h2>", TR(req, "Paiement", "Payment"));
    pay_html_instructions(b, req, &p, true);
    if (!editable)
        return;
    buf tmp = BUF_INIT;
    pay_html_methods(&tmp, req, cycle, pay_method_name(p.due.method), NULL);
    if (tmp.len) {
        buf_printf(b, "<details><summary>%s</summary><form method=\"post\" action=\"/order\">",
                   TR(req, "Changer de moyen de paiement", "Change the way to pay"));
        page_csrf_field(b, req);
        buf_printf(b,
                   "<input type=\"hidden\" name=\"cycle\" value=\"%lld\"><input type=\"hidden\" "
                   "name=\"go\" value=\"review\">",
                   (long long)cycle);
        buf_append(b, tmp.data, tmp.len);
        buf_printf(b, "<button class=\"btn\" type=\"submit\">%s</button></form></details>",
                   TR(req, "Choisir ce moyen", "Choose this way"));
    }
    buf_free(&tmp);
}
