/*
 * server/p_desk_sepa.c — SEPA direct debit on the desk: the customers' mandates (add,
 * revoke) and the batches (make one for a collection date, download its pain.008).
 *
 * A batch is recorded (with its ledger entry) by the POST, which then leads back to the
 * page where every batch has its file: a download that fails can be made again, the
 * file rebuilt from what was recorded.
 */
#include "../core/parse.h"
#include "../core/payment.h"
#include "../core/sepa.h"
#include "../reports/pain008.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void field(buf *b, const char *id, const char *type, const char *label, bool required)
{
    buf_printf(b, "<label for=\"%s\">%s</label><input type=\"%s\" id=\"%s\" name=\"%s\"%s>", id,
               label, type, id, id, required ? " required" : "");
}

static void mandates_section(buf *b, http_req *req, const sepa_mandate *m, size_t n)
{
    buf_printf(b, "<h2>%s</h2>", TR(req, "Mandats", "Mandates"));
    if (!n)
        buf_printf(b, "<p>%s</p>", TR(req, "Aucun mandat.", "No mandate."));
    buf_puts(b, "<ul class=\"lines\">");
    for (size_t i = 0; i < n; i++) {
        char iban[48];
        buf_puts(b, "<li><b>");
        buf_html(b, m[i].reference);
        buf_puts(b, "</b> ");
        buf_html(b, m[i].customer_name);
        buf_printf(b, "<small>%s · ", bank_iban_grouped(m[i].iban, iban));
        fmt_date(b, req, m[i].signed_on);
        buf_printf(b, " · %lld %s", (long long)m[i].debits, TR(req, "prélèvement(s)", "debit(s)"));
        if (*m[i].revoked_at) {
            buf_printf(b, " · %s ", TR(req, "révoqué le", "revoked on"));
            fmt_date(b, req, m[i].revoked_at);
            buf_puts(b, "</small>");
        } else {
            buf_puts(b, "</small>");
            desk_action_button(b, req, "/desk/payments/mandates/revoke",
                               TR(req, "Révoquer", "Revoke"), "reference", m[i].reference,
                               "secondary");
        }
        buf_puts(b, "</li>");
    }
    buf_printf(b, "</ul><h3>%s</h3><form method=\"post\" action=\"/desk/payments/mandates\">",
               TR(req, "Enregistrer un mandat signé", "Record a signed mandate"));
    page_csrf_field(b, req);
    field(b, "customer", "email", TR(req, "E-mail du client", "Customer's e-mail"), true);
    field(b, "reference", "text", TR(req, "Référence unique du mandat (RUM)", "Mandate reference"),
          true);
    field(b, "signed_on", "date", TR(req, "Signé le", "Signed on"), true);
    field(b, "iban", "text", "IBAN", true);
    field(b, "bic", "text", TR(req, "BIC (facultatif)", "BIC (optional)"), false);
    field(b, "debtor_name", "text",
          TR(req, "Titulaire du compte (vide : le client)", "Account holder (empty: the customer)"),
          false);
    buf_printf(b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Record"));
}

static void batches_section(buf *b, http_req *req, const sepa_batch_info *x, size_t n)
{
    buf_printf(b,
               "<h2>%s</h2><form method=\"post\" action=\"/desk/payments/sepa\"><p class=\"hint\">"
               "%s</p>",
               TR(req, "Prélèvements", "Direct debits"),
               TR(req,
                  "Tout ce qui est dû par les clients payant par prélèvement, une ligne par "
                  "commande, dans un fichier pain.008 à déposer à la banque.",
                  "Everything owed by the customers paying by direct debit, one line per order, "
                  "in a pain.008 file to upload to the bank."));
    page_csrf_field(b, req);
    field(b, "collect", "date", TR(req, "Date d’encaissement", "Collection date"), true);
    buf_printf(b,
               "<label for=\"version\">%s</label><select id=\"version\" name=\"version\">"
               "<option value=\"02\">pain.008.001.02</option><option value=\"08\">"
               "pain.008.001.08</option></select><p><button class=\"btn\" type=\"submit\">%s"
               "</button></p></form><ul class=\"lines\">",
               TR(req, "Version du fichier (celle que la banque demande)",
                  "File version (the one the bank asks for)"),
               TR(req, "Préparer le prélèvement", "Prepare the direct debit"));
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "<li><a href=\"/desk/payments/sepa/%lld\">", (long long)x[i].id);
        buf_html(b, x[i].message_id);
        buf_puts(b, "</a><span class=\"amt\">");
        fmt_money(b, req, x[i].total);
        buf_printf(b, "</span><small>%lld %s · %s ", (long long)x[i].debits,
                   TR(req, "prélèvement(s)", "debit(s)"),
                   TR(req, "encaissement le", "collected on"));
        fmt_date(b, req, x[i].collect_on);
        buf_printf(b, " · %s · %s ", x[i].version, TR(req, "en attente", "pending"));
        fmt_money(b, req, x[i].pending);
        buf_puts(b, "</small></li>");
    }
    buf_puts(b, "</ul>");
}

/* GET /desk/payments/mandates */
void p_desk_mandates(http_req *req)
{
    sepa_mandate *m;
    sepa_batch_info *x;
    size_t n, nx;
    int st = sepa_mandates(req->db, req->mem, req->hub_id, &m, &n);
    if (st == DB_OK)
        st = sepa_batches(req->db, req->mem, req->hub_id, &x, &nx);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Prélèvements SEPA", "SEPA direct debits");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/payments\">%s</a></p><h1>%s</h1>",
               TR(req, "← Qui doit quoi", "← Who owes what"), title);
    desk_notice(&b, req);
    batches_section(&b, req, x, nx);
    mandates_section(&b, req, m, n);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/payments/mandates — customer (e-mail), reference, signed_on, iban, bic,
 * debtor_name */
void p_desk_mandate_add(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int64_t customer = 0, id;
    int st =
        pay_customer_by_email(req->db, req->mem, req->hub_id,
                              form_get(&f, "customer") ? form_get(&f, "customer") : "", &customer);
    if (st == DB_OK && !customer)
        st = refuse(&why, 404, "customer_not_found", "customer",
                    "Aucun client n’a cette adresse e-mail.", "No customer has this e-mail.");
    if (st == 0) {
        sepa_mandate_in in = {customer,
                              form_get(&f, "reference"),
                              form_get(&f, "signed_on"),
                              form_get(&f, "iban") ? form_get(&f, "iban") : "",
                              form_get(&f, "bic"),
                              form_get(&f, "debtor_name")};
        st =
            sepa_mandate_add(req->db, req->mem, req->hub_id, req->session->user_id, &in, &id, &why);
    }
    if (st == 0)
        desk_done(req, "/desk/payments/mandates", "mandate_added");
    else
        http_reply_failure(req, st, &why);
}

/* POST /desk/payments/mandates/revoke — reference */
void p_desk_mandate_revoke(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *ref = form_get(&f, "reference");
    int st = sepa_mandate_revoke(req->db, req->mem, req->hub_id, ref ? ref : "", &why);
    if (st == 0)
        desk_done(req, "/desk/payments/mandates", "revoked");
    else
        http_reply_failure(req, st, &why);
}

/* POST /desk/payments/sepa — collect (date), version (02, 08) */
void p_desk_sepa_batch(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    sepa_batch_result r;
    const char *v = form_get(&f, "version");
    int st = sepa_debit_batch(req->db, req->mem, req->hub_id, req->session->user_id,
                              form_get(&f, "collect"), v && !strcmp(v, "08") ? 8 : 2, &r, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        desk_done(req, "/desk/payments/mandates", r.batch ? "batched_debits" : "nothing_due");
}

static int write_pain008(const void *doc, buf *out)
{
    return rpt_pain008(doc, out);
}

/* GET /desk/payments/sepa/{id} — the batch's pain.008 */
void p_desk_sepa_file(http_req *req)
{
    int64_t batch;
    if (!http_id_or_reply(req, "id", &batch))
        return;
    sepa_batch_doc d = {0};
    bool found = false;
    int st = sepa_batch_load(req->db, req->mem, req->hub_id, batch, &d, &found);
    desk_batch_file(req, st, found ? &d : NULL, write_pain008, d.message_id, "not_found",
                    TR(req, "Ce prélèvement n’existe pas.", "There is no such batch."));
}
