/*
 * server/p_invoices.c — invoices on the HTML pages: the desk's cycle page (issue
 * them, list them) and the consumer's order page (their own invoices).
 *
 * Issuing is a one-button POST form with the session's CSRF token, behind a page
 * that says what it does (server/p_desk_confirm.c), and redirects back
 * (Post/Redirect/Get), so a reload never issues twice — and issuing twice would
 * be refused anyway (the cycle is then invoiced). An invoiced cycle's page sums
 * its invoices up per seller; the invoices themselves are listed a page of
 * DESK_INVOICE_PAGE at a time, so the page stays light for hundreds of them.
 * Documents are plain links to the API, which checks who may see them. An
 * invoiced cycle's page also says how far the archive of its Factur-X files
 * has got (core/archive.h): archived, pending, failed.
 */
#include "../core/archive.h"
#include "../core/desk_view.h"
#include "../core/invoicing.h"
#include "../core/util.h"
#include "desk.h"
#include "handlers.h"
#include "p_invoices.h"
#include "page.h"

#include <string.h>

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

/* Issuing goes through a page that says what it does (server/p_desk_confirm.c). */
static void issue_link(buf *b, http_req *req, int64_t cycle)
{
    buf_printf(b,
               "<p class=\"hint\">%s</p><div class=\"actions\"><a class=\"btn\" "
               "href=\"/desk/cycles/%lld/invoices/issue\">%s</a></div>",
               TR(req,
                  "Émet en une fois toutes les factures du cycle, numérotées sans trou par "
                  "vendeur. Une facture émise ne change plus : une correction passe par un avoir.",
                  "Issues every invoice of the cycle at once, numbered without gaps per seller. "
                  "An issued invoice never changes: a correction is a credit note."),
               (long long)cycle, TR(req, "Émettre les factures…", "Issue the invoices…"));
}

static void documents_links(buf *b, http_req *req, int64_t cycle)
{
    buf_printf(b,
               "<p><a href=\"/api/v1/cycles/%lld/reports/invoices?format=pdf\">%s</a> · "
               "<a href=\"/api/v1/cycles/%lld/reports/invoices?format=html\">%s</a></p>",
               (long long)cycle, TR(req, "Toutes les factures (PDF)", "Every invoice (PDF)"),
               (long long)cycle, TR(req, "page à imprimer", "printable page"));
}

/* An invoiced cycle: totals per seller, and the invoices themselves a page away. */
static void invoice_summary(buf *b, http_req *req, int64_t cycle, const desk_invoice_summary *s)
{
    /* French counts 0 and 1 in the singular, English 1 only */
    bool fr = req->lang[0] == 'f';
    bool one_inv = fr ? s->invoices <= 1 : s->invoices == 1;
    bool one_cn = fr ? s->credit_notes <= 1 : s->credit_notes == 1;
    buf_printf(b, "<p>%lld %s %s %lld %s %s", (long long)s->invoices,
               one_inv ? TR(req, "facture", "invoice") : TR(req, "factures", "invoices"),
               TR(req, "et", "and"), (long long)s->credit_notes,
               one_cn ? TR(req, "avoir", "credit note") : TR(req, "avoirs", "credit notes"),
               TR(req, "émis, pour un total de", "issued, for a total of"));
    buf_putc(b, ' ');
    fmt_money(b, req, s->incl);
    buf_printf(b, " %s.</p>", TR(req, "TTC (avoirs déduits)", "incl. VAT (credit notes deducted)"));
    documents_links(b, req, cycle);
    buf_printf(b,
               "<table><caption>%s</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\" class=\"num\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th></tr></thead><tbody>",
               TR(req, "Par vendeur", "Per seller"), TR(req, "Vendeur", "Seller"),
               TR(req, "Factures", "Invoices"), TR(req, "Avoirs", "Credit notes"),
               TR(req, "Total TTC", "Total incl. VAT"));
    for (size_t i = 0; i < s->nsellers; i++) {
        buf_puts(b, "<tr><td>");
        buf_html(b, s->sellers[i].name);
        buf_printf(b,
                   "</td><td class=\"num\" data-l=\"%s\">%lld</td><td class=\"num\" "
                   "data-l=\"%s\">%lld</td><td class=\"num\" data-l=\"%s\">",
                   TR(req, "Factures", "Invoices"), (long long)s->sellers[i].invoices,
                   TR(req, "Avoirs", "Credit notes"), (long long)s->sellers[i].credit_notes,
                   TR(req, "Total TTC", "Total incl. VAT"));
        fmt_money(b, req, s->sellers[i].incl);
        buf_puts(b, "</td></tr>");
    }
    buf_printf(b,
               "</tbody></table><p><a class=\"btn secondary\" "
               "href=\"/desk/cycles/%lld/invoices\">%s (%lld)</a></p>",
               (long long)cycle,
               TR(req, "Voir les factures une à une", "See the invoices one by one"),
               (long long)(s->invoices + s->credit_notes));
}

/* Where the cycle's Factur-X files are: archived, still to render, given up. */
static void archive_line(buf *b, http_req *req, int64_t cycle)
{
    archive_state s;
    if (archive_cycle_state(req->db, req->mem, req->hub_id, cycle, &s) != DB_OK)
        return; /* the summary above is what matters; the next visit says it */
    bool fr = req->lang[0] == 'f';
    buf_printf(b, "<p class=\"archive\" id=\"archive\"><strong>%s</strong> %lld %s",
               TR(req, "Archive Factur-X :", "Factur-X archive:"), (long long)s.done,
               (fr ? s.done <= 1 : s.done == 1) ? TR(req, "fichier archivé", "file archived")
                                                : TR(req, "fichiers archivés", "files archived"));
    buf_printf(b, ", %lld %s, %lld %s.", (long long)s.pending, TR(req, "en attente", "pending"),
               (long long)s.failed, TR(req, "en échec", "failed"));
    if (s.pending)
        buf_printf(b, " %s",
                   TR(req,
                      "Les factures en attente sont mises en PDF en arrière-plan ; rechargez "
                      "la page pour suivre.",
                      "Pending invoices are being rendered in the background; reload the page to "
                      "follow."));
    if (s.failed) {
        buf_printf(b, " %s ", TR(req, "Échec :", "Failure:"));
        buf_html(b, s.last_error);
        buf_printf(b, " %s",
                   TR(req, "(une fois la cause corrigée : km0 invoice archive --retry).",
                      "(once the cause is fixed: km0 invoice archive --retry)."));
    }
    buf_puts(b, "</p>");
}

void desk_invoices_section(buf *b, http_req *req, int64_t cycle, const char *state)
{
    bool batched = str_eq(state, "batched"), invoiced = str_eq(state, "invoiced");
    if (!batched && !invoiced)
        return;
    buf_printf(b, "<h2>%s</h2>", TR(req, "Factures", "Invoices"));
    if (batched) {
        issue_link(b, req, cycle);
        return;
    }
    desk_invoice_summary s;
    if (desk_invoice_summary_load(req->db, req->mem, req->hub_id, cycle, &s) != DB_OK) {
        buf_printf(b, "<p>%s</p>",
                   TR(req, "La liste des factures n’a pas pu être lue ; rechargez la page.",
                      "The invoices could not be read; reload the page."));
        return;
    }
    invoice_summary(b, req, cycle, &s);
    archive_line(b, req, cycle);
}

/* GET /desk/cycles/{id}/invoices[?page=N] — a cycle's invoices, DESK_INVOICE_PAGE a page. */
void p_desk_invoice_list(http_req *req)
{
    int64_t id, page = 0;
    if (!http_id_or_reply(req, "id", &id))
        return;
    const char *ps = http_query(req, "page");
    if (ps && (dec_parse(ps, 0, &page) != DEC_OK || page < 1 || page > 1000000))
        page = 1;
    page = page ? page - 1 : 0;
    desk_invoice_summary s;
    desk_invoice *rows;
    size_t n;
    int st = desk_invoice_summary_load(req->db, req->mem, req->hub_id, id, &s);
    if (st == DB_OK)
        st = desk_invoice_page(req->db, req->mem, req->hub_id, id, page, &rows, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    int64_t total = s.invoices + s.credit_notes;
    if (total == 0) {
        http_reply_error(req, 404, "no_invoices",
                         TR(req, "Ce cycle n’a pas de facture (ou n’existe pas).",
                            "This cycle has no invoices (or does not exist)."),
                         NULL);
        return;
    }
    int64_t pages = (total + DESK_INVOICE_PAGE - 1) / DESK_INVOICE_PAGE;
    const char *title = TR(req, "Factures du cycle", "The cycle's invoices");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/cycles/%lld\">%s</a></p><h1>%s</h1>", (long long)id,
               TR(req, "← Le cycle", "← The cycle"), title);
    documents_links(&b, req, id);
    buf_printf(&b,
               "<table><caption>%s %lld / %lld</caption><thead><tr><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\" class=\"num\">%s</th><th scope=\"col\">%s</th></tr></thead>"
               "<tbody>",
               TR(req, "Page", "Page"), (long long)page + 1, (long long)pages,
               TR(req, "Numéro", "Number"), TR(req, "Vendeur", "Seller"),
               TR(req, "Client", "Customer"), TR(req, "Total TTC", "Total incl. VAT"),
               TR(req, "Documents", "Documents"));
    for (size_t i = 0; i < n; i++) {
        buf_printf(&b, "<tr><td>%s ",
                   rows[i].type_code == 381 ? TR(req, "Avoir", "Credit note")
                                            : TR(req, "Facture", "Invoice"));
        buf_html(&b, rows[i].number);
        buf_puts(&b, "</td><td>");
        buf_html(&b, rows[i].seller_name);
        buf_puts(&b, "</td><td>");
        buf_html(&b, rows[i].buyer_name);
        if (rows[i].paper)
            buf_printf(&b, " <span class=\"badge\">%s</span>",
                       TR(req, "à imprimer (sans e-mail)", "to print (no e-mail)"));
        buf_printf(&b, "</td><td class=\"num\" data-l=\"%s\">",
                   TR(req, "Total TTC", "Total incl. VAT"));
        fmt_money(&b, req, rows[i].incl);
        buf_puts(&b, "</td><td>");
        invoice_links(&b, req, rows[i].number, true);
        buf_puts(&b, "</td></tr>");
    }
    buf_puts(&b, "</tbody></table><nav aria-label=\"Pages\"><ul class=\"pager\">");
    if (page > 0)
        buf_printf(&b, "<li><a href=\"/desk/cycles/%lld/invoices?page=%lld\">%s</a></li>",
                   (long long)id, (long long)page, TR(req, "← Page précédente", "← Previous page"));
    if (page + 1 < pages)
        buf_printf(&b, "<li><a href=\"/desk/cycles/%lld/invoices?page=%lld\">%s</a></li>",
                   (long long)id, (long long)page + 2, TR(req, "Page suivante →", "Next page →"));
    buf_puts(&b, "</ul></nav>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
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
    const char *accept = form_get(&f, "accept_estimates");
    inv_issue_opts opts = {accept && str_eq(accept, "1"), req->session->user_id, "page"};
    inv_issue_result r;
    refusal why = {0};
    int st = invoice_issue_cycle(req->db, req->mem, req->hub_id, id, &opts, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, arena_printf(req->mem, "/desk/cycles/%lld", (long long)id), "invoiced");
}
