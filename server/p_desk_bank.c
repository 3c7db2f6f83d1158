/*
 * server/p_desk_bank.c — the hub's bank statements on the desk: import one (camt.053,
 * camt.054, a bank's CSV), and resolve by hand the lines km0 could not match.
 *
 * GET /desk/payments/bank: the upload form and the queue of unmatched lines, each with a
 * small form: whose payment it is (the customer's e-mail, and an order when it pays
 * one), or, for money out, bank charges. POST /desk/payments/bank imports the file
 * (all of it or, with a problem, nothing) and shows what was matched; POST
 * /desk/payments/bank/{id} resolves one line and comes back to the queue.
 */
#include "../core/config.h"
#include "../core/parse.h"
#include "../core/payment.h"
#include "../core/sha256.h"
#include "../importers/bank_import.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void upload_form(buf *b, http_req *req)
{
    buf_printf(b,
               "<h2>%s</h2><form method=\"post\" action=\"/desk/payments/bank\" "
               "enctype=\"multipart/form-data\">",
               TR(req, "Importer un relevé", "Import a statement"));
    page_csrf_field(b, req);
    buf_printf(b,
               "<label for=\"statement\">%s</label><p class=\"hint\" id=\"statement-hint\">%s</p>"
               "<input type=\"file\" id=\"statement\" name=\"statement\" required "
               "aria-describedby=\"statement-hint\" accept=\".xml,.csv,.txt\">"
               "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Relevé du compte du groupement", "Statement of the hub's account"),
               TR(req,
                  "camt.053 ou camt.054 (XML), ou l’export CSV de la banque. Importer deux fois le "
                  "même relevé n’ajoute rien.",
                  "camt.053 or camt.054 (XML), or the bank's CSV export. Importing a statement "
                  "twice adds nothing."),
               TR(req, "Importer", "Import"));
}

static void waiting_line(buf *b, http_req *req, const bank_waiting *w)
{
    buf_printf(b, "<div class=\"bag\" id=\"line-%lld\"><p><b>", (long long)w->id);
    fmt_money(b, req, w->waiting);
    buf_puts(b, "</b> · ");
    fmt_date(b, req, w->booked_on);
    buf_puts(b, " · ");
    buf_html(b, *w->counterparty ? w->counterparty : "?");
    buf_puts(b, "<br><small>");
    buf_html(b, w->remittance);
    buf_puts(b, "</small></p>");
    buf_printf(b, "<form method=\"post\" action=\"/desk/payments/bank/%lld\">", (long long)w->id);
    page_csrf_field(b, req);
    const char *id = arena_printf(req->mem, "l%lld", (long long)w->id);
    buf_printf(
        b,
        "<span><label for=\"%s-customer\">%s</label><input type=\"email\" id=\"%s-customer\" "
        "name=\"customer\" autocomplete=\"off\"></span>",
        id,
        w->waiting > 0
            ? TR(req, "Payé par (e-mail du client)", "Paid by (customer's e-mail)")
            : TR(req, "Remboursé à (e-mail du client)", "Refunded to (customer's e-mail)"),
        id);
    if (w->waiting > 0)
        buf_printf(b,
                   "<span><label for=\"%s-order\">%s</label><input type=\"text\" "
                   "inputmode=\"numeric\" id=\"%s-order\" name=\"order\"></span>",
                   id, TR(req, "Commande (facultatif)", "Order (optional)"), id);
    buf_printf(b, "<button class=\"btn\" type=\"submit\">%s</button>",
               TR(req, "Rapprocher", "Match"));
    if (w->waiting < 0)
        buf_printf(
            b,
            "<button class=\"btn secondary\" type=\"submit\" name=\"fee\" value=\"1\">%s</button>",
            TR(req, "Frais bancaires", "Bank charges"));
    buf_puts(b, "</form></div>");
}

static void page_with(http_req *req, int status, const bank_import_result *imported)
{
    bank_waiting *w;
    size_t n;
    int st = bank_unmatched(req->db, req->mem, req->hub_id, &w, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Relevés bancaires", "Bank statements");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/payments\">%s</a></p><h1>%s</h1>",
               TR(req, "← Qui doit quoi", "← Who owes what"), title);
    desk_notice(&b, req);
    if (imported) {
        buf_printf(&b, "<div class=\"notice\" role=\"status\"><p>%s ",
                   TR(req, "Relevé importé :", "Statement imported:"));
        buf_printf(&b, "%zu %s, %zu %s (%zu %s, %zu %s).</p></div>", imported->entries,
                   TR(req, "lignes", "lines"), imported->new_entries, TR(req, "nouvelles", "new"),
                   imported->matched, TR(req, "rapprochées", "matched"), imported->unmatched,
                   TR(req, "à rapprocher", "to match"));
    }
    buf_printf(&b, "<h2>%s (%zu)</h2>", TR(req, "À rapprocher", "To match"), n);
    if (!n)
        buf_printf(&b, "<p>%s</p>", TR(req, "Tout est rapproché.", "Everything is matched."));
    for (size_t i = 0; i < n; i++)
        waiting_line(&b, req, &w[i]);
    upload_form(&b, req);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/payments/bank */
void p_desk_bank(http_req *req)
{
    page_with(req, 200, NULL);
}

/* POST /desk/payments/bank — multipart: statement */
void p_desk_bank_import(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const form_field *file = form_field_get(&f, "statement");
    refusal why = {0};
    if (!file || file->len == 0) {
        refuse(&why, 422, "missing_field", "statement", "Choisissez le fichier du relevé.",
               "Choose the statement's file.");
        http_reply_refusal(req, &why);
        return;
    }
    stmt_file sf;
    int st =
        bank_parse_file(req->mem, file->value, file->len, g_config.iso20022_schemas, &sf, &why);
    bank_import_result r = {0};
    if (st == 0) {
        char sha[65];
        sha256_hex_of(file->value, file->len, sha);
        st = bank_import(req->db, req->mem, req->hub_id, req->session->user_id, "desk", &sf, sha,
                         &r, &why);
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    page_with(req, 200, &r);
}

/* POST /desk/payments/bank/{id} — customer (e-mail), order, or fee */
void p_desk_bank_resolve(http_req *req)
{
    int64_t line, order = 0, customer = 0;
    form f;
    if (!http_id_or_reply(req, "id", &line) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *email = form_get(&f, "customer"), *ord = form_get(&f, "order");
    bool fee = form_get(&f, "fee") != NULL;
    int st = 0;
    if (ord && *ord && parse_int(ord, 1, INT64_MAX, &order) != PARSE_OK)
        st = refuse(&why, 422, "invalid_field", "order", "Un numéro de commande.",
                    "An order number.");
    if (st == 0 && !fee && email && *email) {
        if ((st = pay_customer_by_email(req->db, req->mem, req->hub_id, email, &customer)) ==
                DB_OK &&
            !customer)
            st = refuse(&why, 404, "customer_not_found", "customer",
                        "Aucun client n’a cette adresse e-mail.", "No customer has this e-mail.");
    }
    if (st == 0)
        st = bank_resolve(req->db, req->mem, req->hub_id, req->session->user_id, "desk", line,
                          customer, order, fee, &why);
    if (st == 0)
        desk_done(req, "/desk/payments/bank", "resolved");
    else
        http_reply_failure(req, st, &why);
}
