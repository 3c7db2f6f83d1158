/*
 * server/p_desk_settle.c — paying producers back, on the desk: the settlements (list,
 * make those of a cycle or a month, each statement's PDF), the SEPA transfers paying
 * them (make a pain.001 batch, download it again) and the accounting export (FEC for
 * a date range).
 *
 * Thin pages over the functions the API and the command line use (core/settlement.h,
 * core/transfer.h, core/fec.h): the same checks and the same single transaction per
 * write. A settlement or a batch is recorded by its POST, which then leads back to the
 * page (Post/Redirect/Get) where every batch has its file: a download that fails can
 * be made again, the file rebuilt from what was recorded. The FEC is the reply to its
 * POST (closing a period is a write: not a GET).
 */
#include "../core/fec.h"
#include "../core/parse.h"
#include "../core/settlement.h"
#include "../core/transfer.h"
#include "../reports/pain001.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void field(buf *b, const char *id, const char *type, const char *label, const char *hint)
{
    buf_printf(b, "<label for=\"%s\">%s</label>", id, label);
    if (hint)
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, hint);
    buf_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\"", type, id, id);
    if (hint)
        buf_printf(b, " aria-describedby=\"%s-hint\"", id);
    buf_puts(b, ">");
}

static void settle_form(buf *b, http_req *req)
{
    buf_printf(b,
               "<h2>%s</h2><form method=\"post\" action=\"/desk/settlements\"><p class=\"hint\">"
               "%s</p>",
               TR(req, "Faire les reversements", "Make the settlements"),
               TR(req,
                  "Pour chaque producteur : ses ventes encaissées par le relais, moins les "
                  "avoirs et la commission (avec sa facture). Donnez un cycle facturé, ou un "
                  "mois.",
                  "For each producer: its sales the hub collected, less credit notes and the "
                  "fee (with its invoice). Give an invoiced cycle, or a month."));
    page_csrf_field(b, req);
    field(b, "cycle", "number", TR(req, "Cycle (numéro)", "Cycle (number)"), NULL);
    field(b, "month", "month", TR(req, "ou mois (AAAA-MM)", "or month (YYYY-MM)"), NULL);
    buf_printf(b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Calculer et enregistrer", "Compute and record"));
}

static void settlement_item(buf *b, http_req *req, const settlement *s)
{
    buf_printf(b, "<li id=\"settlement-%lld\"><b>", (long long)s->id);
    buf_html(b, s->producer_name);
    buf_puts(b, "</b><span class=\"amt\">");
    fmt_money(b, req, s->due);
    buf_puts(b, "</span><small>");
    if (s->cycle_id)
        buf_printf(b, "%s %lld · ", TR(req, "cycle", "cycle"), (long long)s->cycle_id);
    fmt_date(b, req, s->period_from);
    buf_puts(b, " → ");
    fmt_date(b, req, s->period_to);
    buf_printf(b, " · %s ", TR(req, "ventes", "sales"));
    fmt_money(b, req, s->sales_incl);
    buf_printf(b, " · %s ", TR(req, "avoirs", "credit notes"));
    fmt_money(b, req, s->credits_incl);
    buf_printf(b, " · %s ", TR(req, "commission TTC", "fee incl. VAT"));
    fmt_money(b, req, s->fee_excl + s->fee_vat);
    buf_printf(b, " · %s</small><small>",
               s->transfer_batch ? TR(req, "payé", "paid") : TR(req, "à payer", "to pay"));
    buf_printf(b, "<a href=\"/api/v1/settlements/%lld/statement?format=pdf&amp;lang=%s\">%s</a>",
               (long long)s->id, req->lang[0] == 'f' ? "fr" : "en",
               TR(req, "Relevé (PDF)", "Statement (PDF)"));
    if (*s->commission_number) {
        buf_puts(b, " · <a href=\"/api/v1/invoices/");
        buf_html(b, s->commission_number);
        buf_puts(b, "?format=pdf\">");
        buf_printf(b, "%s ", TR(req, "Facture de commission", "Fee invoice"));
        buf_html(b, s->commission_number);
        buf_puts(b, "</a>");
    }
    buf_puts(b, "</small></li>");
}

static void transfers_section(buf *b, http_req *req, const transfer_batch_info *x, size_t n)
{
    buf_printf(b,
               "<h2>%s</h2><form method=\"post\" action=\"/desk/transfers\"><p class=\"hint\">"
               "%s</p>",
               TR(req, "Virements aux producteurs", "Transfers to producers"),
               TR(req,
                  "Tous les reversements à payer, un virement par producteur, dans un fichier "
                  "pain.001 à déposer à la banque. Chaque producteur payé doit avoir un IBAN.",
                  "Every settlement to pay, one transfer per producer, in a pain.001 file to "
                  "upload to the bank. Every producer paid needs an IBAN."));
    page_csrf_field(b, req);
    field(b, "execute_on", "date", TR(req, "Date d’exécution", "Execution date"),
          TR(req, "Vide : demain.", "Empty: tomorrow."));
    buf_printf(b,
               "<label for=\"version\">%s</label><select id=\"version\" name=\"version\">"
               "<option value=\"03\">pain.001.001.03</option><option value=\"09\">"
               "pain.001.001.09</option></select><p><button class=\"btn\" type=\"submit\">%s"
               "</button></p></form><ul class=\"lines\">",
               TR(req, "Version du fichier (celle que la banque demande)",
                  "File version (the one the bank asks for)"),
               TR(req, "Préparer les virements", "Prepare the transfers"));
    for (size_t i = 0; i < n; i++) {
        buf_printf(b, "<li><a href=\"/desk/transfers/%lld\">", (long long)x[i].id);
        buf_html(b, x[i].message_id);
        buf_puts(b, "</a><span class=\"amt\">");
        fmt_money(b, req, x[i].total);
        buf_printf(b, "</span><small>%lld %s · %s ", (long long)x[i].transfers,
                   TR(req, "virement(s)", "transfer(s)"), TR(req, "exécution le", "executed on"));
        fmt_date(b, req, x[i].execute_on);
        buf_printf(b, " · pain.001.001.%02d</small></li>", x[i].version);
    }
    buf_puts(b, "</ul>");
}

/* GET /desk/settlements */
void p_desk_settlements(http_req *req)
{
    settlement *s;
    transfer_batch_info *x;
    size_t n, nx;
    int st = settlement_list(req->db, req->mem, req->hub_id, 0, &s, &n);
    if (st == DB_OK)
        st = transfer_batches(req->db, req->mem, req->hub_id, &x, &nx);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Reversements aux producteurs", "Producers' settlements");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/fees\">%s</a> · <a href=\"/desk/fec\">%s</a></p><h1>%s</h1>",
               TR(req, "Commissions et frais", "Fees"),
               TR(req, "Export comptable (FEC)", "Accounting export (FEC)"), title);
    desk_notice(&b, req);
    settle_form(&b, req);
    buf_printf(&b, "<h2>%s</h2>", TR(req, "Reversements enregistrés", "Settlements recorded"));
    if (!n)
        buf_printf(&b, "<p>%s</p>", TR(req, "Aucun reversement.", "No settlement."));
    buf_puts(&b, "<ul class=\"lines\">");
    for (size_t i = 0; i < n; i++)
        settlement_item(&b, req, &s[i]);
    buf_puts(&b, "</ul>");
    transfers_section(&b, req, x, nx);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/settlements — cycle (number) or month (YYYY-MM), one of the two */
void p_desk_settle(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *cycle_text = form_get(&f, "cycle"), *month = form_get(&f, "month");
    int64_t cycle = 0;
    int st = 0;
    if (month && !*month)
        month = NULL;
    if (cycle_text && *cycle_text && parse_int(cycle_text, 1, INT64_MAX, &cycle) != PARSE_OK)
        st = refuse(&why, 422, "invalid_field", "cycle", "Un numéro de cycle est un nombre.",
                    "A cycle number is a number.");
    else if (!cycle == !month)
        st = refuse(&why, 422, "missing_field", "month",
                    "Un cycle ou un mois (AAAA-MM), l’un des deux.",
                    "A cycle or a month (YYYY-MM), one of the two.");
    settlement *s;
    size_t n;
    if (st == 0)
        st = settlement_run(req->db, req->mem, req->hub_id, cycle, month, "desk", &s, &n, &why);
    if (st == 0)
        desk_done(req, "/desk/settlements", "settled");
    else
        http_reply_failure(req, st, &why);
}

/* POST /desk/transfers — execute_on (date, empty: tomorrow), version (03, 09) */
void p_desk_transfers(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *v = form_get(&f, "version"), *exec = form_get(&f, "execute_on");
    transfer_doc d;
    int st = 0;
    if (v && strcmp(v, "03") != 0 && strcmp(v, "09") != 0)
        st =
            refuse(&why, 422, "invalid_field", "version", "Version 03 ou 09.", "Version 03 or 09.");
    if (st == 0)
        st = transfer_batch(req->db, req->mem, req->hub_id, "", "", exec ? exec : "",
                            v && !strcmp(v, "09") ? 9 : 3, "desk", &d, &why);
    if (st == 0)
        desk_done(req, "/desk/settlements", "batched_transfers");
    else
        http_reply_failure(req, st, &why);
}

static int write_pain001(const void *doc, buf *out)
{
    return rpt_pain001(doc, out);
}

/* GET /desk/transfers/{id} — the batch's pain.001 */
void p_desk_transfer_file(http_req *req)
{
    int64_t batch;
    if (!http_id_or_reply(req, "id", &batch))
        return;
    transfer_doc d = {0};
    bool found = false;
    int st = transfer_doc_load(req->db, req->mem, req->hub_id, batch, &d, &found);
    desk_batch_file(
        req, st, found ? &d : NULL, write_pain001, d.message_id, "transfer_not_found",
        TR(req, "Aucun lot de virements de ce numéro.", "No transfer batch of this number."));
}

/* GET /desk/fec */
void p_desk_fec(http_req *req)
{
    const char *title = TR(req, "Export comptable (FEC)", "Accounting export (FEC)");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b,
               "<p><a href=\"/desk/settlements\">%s</a></p><h1>%s</h1><p>%s</p>"
               "<form method=\"post\" action=\"/desk/fec\">",
               TR(req, "← Reversements", "← Settlements"), title,
               TR(req,
                  "Le journal du relais (ventes, avoirs, paiements, commissions, reversements) "
                  "au format du Fichier des écritures comptables : 18 colonnes, une ligne par "
                  "écriture, pour les dates choisies (incluses).",
                  "The hub's journal (sales, credit notes, payments, fees, settlements) in the "
                  "French FEC format: 18 columns, one line per entry, for the dates chosen "
                  "(included)."));
    page_csrf_field(&b, req);
    field(&b, "from", "date", TR(req, "Du", "From"), NULL);
    field(&b, "to", "date", TR(req, "Au", "To"), NULL);
    buf_printf(&b,
               "<label for=\"separator\">%s</label><select id=\"separator\" name=\"separator\">"
               "<option value=\"tab\">%s</option><option value=\"pipe\">%s</option></select>"
               "<p><input type=\"checkbox\" id=\"close\" name=\"close\" value=\"1\"> "
               "<label for=\"close\">%s</label></p><p class=\"hint\">%s</p>"
               "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Séparateur", "Separator"), TR(req, "Tabulation", "Tab"),
               TR(req, "Barre verticale (|)", "Vertical bar (|)"),
               TR(req, "Clôturer cette période", "Close this period"),
               TR(req,
                  "Une période clôturée ne peut plus être exportée ni chevauchée : cela ne "
                  "s’annule pas.",
                  "A closed period cannot be exported or overlapped again: this cannot be "
                  "undone."),
               TR(req, "Télécharger le FEC", "Download the FEC"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

static int to_buf(void *ctx, const char *data, size_t len)
{
    buf_append(ctx, data, len);
    return 0;
}

/* POST /desk/fec — from, to (YYYY-MM-DD), separator (tab, pipe), close (1): the file */
void p_desk_fec_export(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *from = form_get(&f, "from"), *to = form_get(&f, "to"),
               *sep = form_get(&f, "separator"), *close = form_get(&f, "close");
    int st = 0;
    if (sep && strcmp(sep, "tab") != 0 && strcmp(sep, "pipe") != 0)
        st = refuse(&why, 422, "invalid_field", "separator", "Tabulation ou barre verticale.",
                    "Tab or vertical bar.");
    fec_request rq = {from ? from : "", to ? to : "", sep && !strcmp(sep, "pipe") ? '|' : '\t',
                      close && !strcmp(close, "1")};
    buf out = BUF_INIT;
    int64_t lines;
    if (st == 0)
        st = fec_export(req->db, req->mem, req->hub_id, &rq, to_buf, &out, &lines, &why);
    if (st != 0)
        http_reply_failure(req, st, &why);
    else
        http_reply_bytes(req, 200, "text/plain; charset=utf-8", out.data, out.len,
                         arena_printf(req->mem, "FEC-%s-%s.txt", rq.from, rq.to));
    buf_free(&out);
}
