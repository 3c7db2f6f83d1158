/*
 * server/p_desk_pay.c — who owes what, and one customer's account, on the desk.
 *
 * GET /desk/payments[?cycle=ID][&format=csv]: every order with something due or
 * overpaid, oldest delivery first (the same list as km0 payments outstanding, and its
 * CSV export); the ledger's totals above it, with the links to the bank statements,
 * the direct debits and the payment settings.
 * GET /desk/payments/customers/{id}: the customer's balance, what they owe per order,
 * their latest movements, and the forms that top the balance up (cash, cheque, card
 * at the desk) or refund it (an overpaid order to the balance, the balance in cash).
 */
#include "../core/ledger.h"
#include "../core/parse.h"
#include "../core/payment.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static const char *method_word(http_req *req, pay_method m)
{
    static const char *const fr[] = {"sur place", "virement", "prélèvement", "solde"};
    static const char *const en[] = {"at pickup", "transfer", "direct debit", "balance"};
    return TR(req, fr[m], en[m]);
}

static void totals(buf *b, http_req *req)
{
    ledger_check_result r;
    char *problems;
    if (ledger_check(req->db, req->mem, req->hub_id, &r, &problems) != DB_OK)
        return;
    buf_printf(b, "<dl class=\"facts\"><dt>%s</dt><dd>",
               TR(req, "Dû par les clients (factures)", "Owed by customers (invoices)"));
    fmt_money(b, req, r.receivable);
    buf_printf(b, "</dd><dt>%s</dt><dd>", TR(req, "Soldes prépayés", "Prepaid balances"));
    fmt_money(b, req, r.balances);
    buf_printf(b, "</dd><dt>%s</dt><dd>",
               TR(req, "Reçu à la banque, à rapprocher", "Received at the bank, to match"));
    fmt_money(b, req, -r.suspense);
    buf_printf(b, " · <a href=\"/desk/payments/bank\">%s</a></dd><dt>%s</dt><dd>",
               TR(req, "relevés et rapprochement", "statements and matching"),
               TR(req, "Prélèvements en cours", "Direct debits in collection"));
    fmt_money(b, req, r.in_collection);
    buf_printf(b, " · <a href=\"/desk/payments/mandates\">%s</a></dd></dl>",
               TR(req, "mandats et prélèvements", "mandates and direct debits"));
    if (r.problems)
        buf_printf(b, "<div class=\"warn\" role=\"alert\"><p>%s</p></div>",
                   TR(req, "Le grand livre ne tombe pas juste : lancez km0 payments check.",
                      "The ledger does not add up: run km0 payments check."));
}

/* GET /desk/payments[?cycle=ID][&format=csv] */
void p_desk_payments(http_req *req)
{
    int64_t cycle = 0;
    const char *cs = http_query(req, "cycle"), *format = http_query(req, "format");
    if (cs && parse_int(cs, 1, INT64_MAX, &cycle) != PARSE_OK) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce cycle n’existe pas.", "There is no such cycle."), "cycle");
        return;
    }
    pay_due *rows;
    size_t n;
    int st = pay_outstanding(req->db, req->mem, req->hub_id, cycle, &rows, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (format && !strcmp(format, "csv")) {
        buf csv = BUF_INIT;
        pay_outstanding_csv(&csv, rows, n);
        http_reply_bytes(req, 200, "text/csv; charset=utf-8", csv.data, csv.len, "outstanding.csv");
        buf_free(&csv);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Paiements : qui doit quoi", "Payments: who owes what");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk\">%s</a></p><h1>%s</h1>",
               TR(req, "← Bureau de coordination", "← Coordinator desk"), title);
    desk_notice(&b, req);
    totals(&b, req);
    buf_printf(&b,
               "<p><a class=\"btn secondary\" href=\"/desk/payments?format=csv%s%s\">%s</a> "
               "<a href=\"/desk/settings/payments\">%s</a></p>",
               cycle ? "&amp;cycle=" : "", cycle ? db_i64(req->mem, cycle) : "",
               TR(req, "Exporter en CSV", "Export as CSV"),
               TR(req, "Réglages des paiements", "Payment settings"));
    if (n == 0)
        buf_printf(&b, "<p>%s</p>", TR(req, "Personne ne doit rien.", "Nobody owes anything."));
    buf_printf(&b,
               "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\" "
               "class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" "
               "class=\"num\">%s</th></tr></thead><tbody>",
               TR(req, "Par client et par cycle, les plus anciens d’abord",
                  "Per customer and cycle, oldest first"),
               TR(req, "Client", "Customer"), TR(req, "Cycle", "Cycle"), TR(req, "Moyen", "Method"),
               TR(req, "Montant", "Amount"), TR(req, "Reçu", "Received"),
               TR(req, "Reste dû", "Due"));
    for (size_t i = 0; i < n; i++) {
        const pay_due *d = &rows[i];
        buf_printf(&b, "<tr><td><a href=\"/desk/payments/customers/%lld\">",
                   (long long)d->customer_id);
        buf_html(&b, d->customer_name);
        buf_printf(&b, "</a></td><td data-l=\"%s\"><a href=\"/desk/payments?cycle=%lld\">",
                   TR(req, "Cycle", "Cycle"), (long long)d->cycle_id);
        buf_html(&b, d->cycle_name);
        buf_printf(&b,
                   "</a> (%s %lld)</td><td data-l=\"%s\">%s</td><td class=\"num\" data-l=\"%s\">",
                   TR(req, "commande", "order"), (long long)d->order_id, TR(req, "Moyen", "Method"),
                   method_word(req, d->method), TR(req, "Montant", "Amount"));
        fmt_money(&b, req, d->amount);
        buf_printf(&b, "</td><td class=\"num\" data-l=\"%s\">", TR(req, "Reçu", "Received"));
        fmt_money(&b, req, d->paid);
        buf_printf(&b, "</td><td class=\"num\" data-l=\"%s\"><b>", TR(req, "Reste dû", "Due"));
        fmt_money(&b, req, d->due);
        buf_puts(&b, "</b></td></tr>");
    }
    buf_puts(&b, "</tbody></table>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

static const char *kind_word(http_req *req, const char *kind)
{
    static const struct {
        const char *k, *fr, *en;
    } words[] = {{"invoice", "facture", "invoice"},
                 {"credit_note", "avoir", "credit note"},
                 {"payment", "paiement", "payment"},
                 {"refund", "remboursement", "refund"},
                 {"topup", "crédit du solde", "top-up"},
                 {"balance_use", "payé par le solde", "paid from the balance"},
                 {"allocation", "virement rapproché", "transfer matched"},
                 {"direct_debit", "prélèvement", "direct debit"},
                 {"debit_return", "prélèvement rejeté", "direct debit returned"}};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (!strcmp(kind, words[i].k))
            return TR(req, words[i].fr, words[i].en);
    return kind;
}

static void amount_input(buf *b, const char *id, const char *label)
{
    buf_printf(b,
               "<label for=\"%s\">%s</label><input type=\"text\" inputmode=\"decimal\" id=\"%s\" "
               "name=\"amount\" autocomplete=\"off\">",
               id, label, id);
}

static void customer_forms(buf *b, http_req *req, int64_t customer, const ledger_customer *m)
{
    buf_printf(b,
               "<h2>%s</h2><form method=\"post\" action=\"/desk/payments/customers/%lld/topup\">",
               TR(req, "Créditer le solde", "Top up the balance"), (long long)customer);
    page_csrf_field(b, req);
    amount_input(b, "topup-amount", TR(req, "Montant reçu (€)", "Amount received (€)"));
    buf_printf(b,
               "<label for=\"topup-method\">%s</label><select id=\"topup-method\" name=\"method\">"
               "<option value=\"cash\">%s</option><option value=\"cheque\">%s</option>"
               "<option value=\"card\">%s</option></select><label for=\"topup-cheque\">%s</label>"
               "<input type=\"text\" id=\"topup-cheque\" name=\"cheque_number\" maxlength=\"30\">"
               "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Moyen", "Method"), TR(req, "Espèces", "Cash"), TR(req, "Chèque", "Cheque"),
               TR(req, "Carte", "Card"),
               TR(req, "N° de chèque (facultatif)", "Cheque no. (optional)"),
               TR(req, "Créditer", "Top up"));
    if (m->credit > 0) {
        buf_printf(b, "<h2>%s</h2><p>", TR(req, "Trop-perçu", "Overpaid"));
        fmt_money(b, req, m->credit);
        buf_printf(b, " %s</p>",
                   TR(req, "payés en trop sur des commandes (écarts, avoirs).",
                      "paid too much on orders (differences, credit notes)."));
        desk_action_button(
            b, req,
            arena_printf(req->mem, "/desk/payments/customers/%lld/refund", (long long)customer),
            TR(req, "Reporter sur le solde", "Move to the balance"), "to", "balance", "secondary");
    }
    if (m->balance > 0) {
        buf_printf(b,
                   "<h2>%s</h2><form method=\"post\" "
                   "action=\"/desk/payments/customers/%lld/refund\">",
                   TR(req, "Rendre le solde en espèces", "Pay the balance back in cash"),
                   (long long)customer);
        page_csrf_field(b, req);
        buf_puts(b, "<input type=\"hidden\" name=\"to\" value=\"cash\">");
        amount_input(b, "refund-amount",
                     TR(req, "Montant rendu (€, vide : tout)", "Amount paid back (€, empty: all)"));
        buf_printf(b, "<p><button class=\"btn secondary\" type=\"submit\">%s</button></p></form>",
                   TR(req, "Rendre", "Pay back"));
    }
}

/* GET /desk/payments/customers/{id} */
void p_desk_pay_customer(http_req *req)
{
    int64_t customer;
    if (!http_id_or_reply(req, "customer", &customer))
        return;
    pay_movement *mv;
    pay_due *dues;
    size_t nmv, nd;
    const char *name;
    ledger_customer m;
    int st = pay_customer_movements(req->db, req->mem, req->hub_id, customer, 50, &mv, &nmv, &name);
    if (st == DB_OK && name)
        st = pay_customer_dues(req->db, req->mem, req->hub_id, customer, &dues, &nd);
    if (st == DB_OK && name)
        st = ledger_customer_get(req->db, req->mem, req->hub_id, customer, &m);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!name) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce client n’existe pas.", "There is no such customer."), NULL);
        return;
    }
    buf b = BUF_INIT;
    page_begin(&b, req, name);
    buf_printf(&b, "<p><a href=\"/desk/payments\">%s</a></p><h1>",
               TR(req, "← Qui doit quoi", "← Who owes what"));
    buf_html(&b, name);
    buf_puts(&b, "</h1>");
    desk_notice(&b, req);
    buf_printf(&b, "<dl class=\"facts\"><dt>%s</dt><dd>",
               TR(req, "Solde prépayé", "Prepaid balance"));
    fmt_money(&b, req, m.balance);
    buf_printf(&b, "</dd><dt>%s</dt><dd>", TR(req, "Doit", "Owes"));
    fmt_money(&b, req, m.owed);
    buf_puts(&b, "</dd></dl>");
    if (nd) {
        buf_printf(&b, "<h2>%s</h2><ul class=\"lines\">", TR(req, "Par commande", "Per order"));
        for (size_t i = 0; i < nd; i++) {
            buf_printf(&b, "<li><b>");
            buf_html(&b, dues[i].cycle_name);
            buf_printf(&b, "</b> (%s %lld)<span class=\"amt\">", TR(req, "commande", "order"),
                       (long long)dues[i].order_id);
            fmt_money(&b, req, dues[i].due);
            buf_printf(&b, "</span><small>%s · %s</small></li>", method_word(req, dues[i].method),
                       dues[i].reference);
        }
        buf_puts(&b, "</ul>");
    }
    customer_forms(&b, req, customer, &m);
    buf_printf(&b, "<h2>%s</h2><ul class=\"lines\">", TR(req, "Mouvements", "Movements"));
    for (size_t i = 0; i < nmv; i++) {
        buf_puts(&b, "<li>");
        fmt_date(&b, req, mv[i].booked_on);
        buf_printf(&b, " · %s", kind_word(req, mv[i].kind));
        if (mv[i].order_id)
            buf_printf(&b, " · %s %lld", TR(req, "commande", "order"), (long long)mv[i].order_id);
        buf_puts(&b, "<span class=\"amt\">");
        fmt_money(&b, req, mv[i].amount);
        buf_printf(&b, "</span><small>%s ",
                   !strcmp(mv[i].account, "4191") ? TR(req, "solde", "balance")
                                                  : TR(req, "dû", "owed"));
        buf_html(&b, mv[i].memo);
        buf_puts(&b, "</small></li>");
    }
    buf_puts(&b, "</ul>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/payments/customers/{id}/topup — amount, method, cheque_number */
void p_desk_pay_topup(http_req *req)
{
    int64_t customer, amount = 0;
    form f;
    if (!http_id_or_reply(req, "customer", &customer) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int st;
    if (parse_decimal(form_get(&f, "amount"), 2, 1, PAY_AMOUNT_MAX, &amount) != PARSE_OK) {
        st = refuse(&why, 422, "invalid_amount", "amount", "Le montant s’écrit comme 20 ou 20,50.",
                    "The amount is written as 20 or 20.50.");
    } else {
        pay_in in = {0,    customer, amount, form_get(&f, "method"), form_get(&f, "cheque_number"),
                     NULL, NULL};
        pay_result r;
        st = pay_record(req->db, req->mem, req->hub_id, req->session->user_id, "desk", &in, &r,
                        &why);
    }
    if (st == 0)
        desk_done(req, arena_printf(req->mem, "/desk/payments/customers/%lld", (long long)customer),
                  "topped_up");
    else
        http_reply_failure(req, st, &why);
}

/* POST /desk/payments/customers/{id}/refund — to (balance, cash), amount (empty: all) */
void p_desk_pay_refund(http_req *req)
{
    int64_t customer, amount = 0;
    form f;
    if (!http_id_or_reply(req, "customer", &customer) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *typed = form_get(&f, "amount"), *to = form_get(&f, "to");
    int st = 0;
    if (typed && strspn(typed, " ") != strlen(typed) &&
        parse_decimal(typed, 2, 1, PAY_AMOUNT_MAX, &amount) != PARSE_OK)
        st = refuse(&why, 422, "invalid_amount", "amount", "Le montant s’écrit comme 20 ou 20,50.",
                    "The amount is written as 20 or 20.50.");
    cents_t done;
    if (st == 0)
        st = pay_refund(req->db, req->mem, req->hub_id, req->session->user_id, "desk", customer, 0,
                        amount, to ? to : "", &done, &why);
    if (st == 0)
        desk_done(req, arena_printf(req->mem, "/desk/payments/customers/%lld", (long long)customer),
                  "refunded");
    else
        http_reply_failure(req, st, &why);
}
