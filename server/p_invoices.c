/*
 * server/p_invoices.c — invoices on the HTML pages: the desk's cycle page (issue
 * them, list them) and the consumer's order page (their own invoices).
 *
 * Issuing is a one-button POST form with the session's CSRF token that
 * redirects back (Post/Redirect/Get), so a reload never issues twice — and
 * issuing twice would be refused anyway (the cycle is then invoiced).
 * Documents are plain links to the API, which checks who may see them.
 */
#include "../core/invoicing.h"
#include "../core/util.h"
#include "desk.h"
#include "handlers.h"
#include "p_invoices.h"
#include "page.h"

#include <string.h>

/* Beyond this many, the page points to the cycle's invoices document rather
 * than growing past what a browser shows comfortably. */
#define DESK_MAX_ROWS 2000

static void doc_link(buf *b, const char *number, const char *format, const char *label)
{
    buf_puts(b, "<a href=\"/api/v1/invoices/");
    buf_url(b, number);
    buf_printf(b, "?format=%s\">%s</a>", format, label);
}

static void invoice_links(buf *b, http_req *req, const char *number, bool with_cii)
{
    doc_link(b, number, "pdf", "PDF");
    buf_puts(b, " · ");
    doc_link(b, number, "facturx", "Factur-X");
    if (with_cii) {
        buf_puts(b, " · ");
        doc_link(b, number, "cii", "CII");
    }
    buf_puts(b, " · ");
    doc_link(b, number, "html", TR(req, "page", "page"));
}

static const char *kind_label(http_req *req, const PGresult *r, int i)
{
    return db_int(r, i, "type_code") == 381 ? TR(req, "Avoir", "Credit note")
                                            : TR(req, "Facture", "Invoice");
}

static void issue_form(buf *b, http_req *req, int64_t cycle)
{
    buf_printf(b, "<p class=\"hint\">%s</p><div class=\"actions\">",
               TR(req,
                  "Émet en une fois toutes les factures du cycle, numérotées sans trou par "
                  "vendeur. Une facture émise ne change plus : une correction passe par un avoir.",
                  "Issues every invoice of the cycle at once, numbered without gaps per seller. "
                  "An issued invoice never changes: a correction is a credit note."));
    desk_action_button(b, req,
                       arena_printf(req->mem, "/desk/cycles/%lld/invoices", (long long)cycle),
                       TR(req, "Émettre les factures", "Issue the invoices"), NULL, NULL, NULL);
    buf_puts(b, "</div>");
}

static void invoice_table(buf *b, http_req *req, int64_t cycle, const PGresult *r)
{
    int n = PQntuples(r), shown = n < DESK_MAX_ROWS ? n : DESK_MAX_ROWS;
    cents_t total = 0;
    for (int i = 0; i < n; i++)
        total += (db_int(r, i, "type_code") == 381 ? -1 : 1) * db_int(r, i, "total_incl_vat_cents");
    buf_printf(b,
               "<p><a href=\"/api/v1/cycles/%lld/reports/invoices?format=pdf\">%s</a> · "
               "<a href=\"/api/v1/cycles/%lld/reports/invoices?format=html\">%s</a></p>",
               (long long)cycle, TR(req, "Toutes les factures (PDF)", "Every invoice (PDF)"),
               (long long)cycle, TR(req, "page à imprimer", "printable page"));
    buf_printf(b,
               "<table><caption>%s (%d)</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead>"
               "<tbody>",
               TR(req, "Factures et avoirs émis", "Invoices and credit notes issued"), n,
               TR(req, "Numéro", "Number"), TR(req, "Vendeur", "Seller"),
               TR(req, "Client", "Customer"), TR(req, "Total TTC", "Total incl. VAT"),
               TR(req, "Documents", "Documents"));
    for (int i = 0; i < shown; i++) {
        const char *number = db_val(r, i, "number");
        buf_printf(b, "<tr><td>%s ", kind_label(req, r, i));
        buf_html(b, number);
        buf_puts(b, "</td><td>");
        buf_html(b, db_val(r, i, "seller_name"));
        buf_puts(b, "</td><td>");
        buf_html(b, db_val(r, i, "buyer_name"));
        buf_puts(b, "</td><td class=\"num\">");
        fmt_money(b, req, db_int(r, i, "total_incl_vat_cents"));
        buf_puts(b, "</td><td>");
        invoice_links(b, req, number, true);
        buf_puts(b, "</td></tr>");
    }
    buf_printf(b, "</tbody><tfoot><tr><th scope=\"row\" colspan=\"3\">%s</th><td class=\"num\">",
               TR(req, "Total facturé (avoirs déduits)", "Total invoiced (credit notes deducted)"));
    fmt_money(b, req, total);
    buf_puts(b, "</td><td></td></tr></tfoot></table>");
    if (shown < n)
        buf_printf(b, "<p class=\"hint\">%s</p>",
                   TR(req,
                      "La liste s’arrête ici : toutes les factures sont dans le document "
                      "« Toutes les factures ».",
                      "The list stops here: every invoice is in the “Every invoice” document."));
}

void desk_invoices_section(buf *b, http_req *req, int64_t cycle, const char *state)
{
    bool batched = str_eq(state, "batched"), invoiced = str_eq(state, "invoiced");
    if (!batched && !invoiced)
        return;
    buf_printf(b, "<h2>%s</h2>", TR(req, "Factures", "Invoices"));
    if (batched) {
        issue_form(b, req, cycle);
        return;
    }
    PGresult *r;
    if (invoice_list_cycle(req->db, req->mem, req->hub_id, cycle, &r) != DB_OK) {
        buf_printf(b, "<p>%s</p>",
                   TR(req, "La liste des factures n’a pas pu être lue ; rechargez la page.",
                      "The invoices could not be read; reload the page."));
        return;
    }
    invoice_table(b, req, cycle, r);
}

void order_invoices_section(buf *b, http_req *req, int64_t order_id)
{
    PGresult *r;
    if (!req->session || !req->session->customer_id ||
        invoice_list_order(req->db, req->mem, req->hub_id, order_id, req->session->customer_id,
                           &r) != DB_OK ||
        PQntuples(r) == 0)
        return;
    buf_printf(b,
               "<h2>%s</h2><table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead>"
               "<tbody>",
               TR(req, "Mes factures", "My invoices"), TR(req, "Numéro", "Number"),
               TR(req, "Vendeur", "Seller"), TR(req, "Total TTC", "Total incl. VAT"),
               TR(req, "Documents", "Documents"));
    for (int i = 0; i < PQntuples(r); i++) {
        const char *number = db_val(r, i, "number");
        buf_printf(b, "<tr><td>%s ", kind_label(req, r, i));
        buf_html(b, number);
        buf_puts(b, "</td><td>");
        buf_html(b, db_val(r, i, "seller_name"));
        buf_puts(b, "</td><td class=\"num\">");
        fmt_money(b, req, db_int(r, i, "total_incl_vat_cents"));
        buf_puts(b, "</td><td>");
        invoice_links(b, req, number, false);
        buf_puts(b, "</td></tr>");
    }
    buf_puts(b, "</tbody></table>");
}

/* POST /desk/cycles/{id}/invoices */
void p_desk_invoices(http_req *req)
{
    int64_t id;
    form f;
    if (!http_id_or_reply(req, "id", &id) || !page_form_or_reply(req, &f))
        return;
    inv_issue_result r;
    refusal why = {0};
    int st = invoice_issue_cycle(req->db, req->mem, req->hub_id, id, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, arena_printf(req->mem, "/desk/cycles/%lld", (long long)id), "invoiced");
}
