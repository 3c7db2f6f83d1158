/*
 * server/p_desk_fees.c — the desk's "Commissions et frais / Fees" page: the hub's share
 * of its producers' sales, its fixed fee per order charged to customers (with its VAT
 * rate), and each producer's own rate and bank account.
 *
 * Thin pages over core/fees.h, the functions of PATCH /api/v1/hub/fees and PATCH
 * /api/v1/producers/{slug}/fees: the same checks, the same record of changes. Every
 * value is checked before anything is written; a refusal comes back as a page naming
 * the field, nothing saved. A change applies to the cycles opened afterwards (each
 * cycle keeps what it froze when it opened), which the page says.
 */
#include "../core/bank_id.h"
#include "../core/fees.h"
#include "../core/money.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

/* "12.5" as the reader writes it: a decimal comma in French */
static const char *dec_text(http_req *req, int64_t v, int min_decimals)
{
    char d[32];
    dec_format(d, v, 2, min_decimals);
    if (req->lang[0] == 'f')
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    return arena_strdup(req->mem, d);
}

static void text_input(buf *b, const char *id, const char *name, const char *label,
                       const char *hint, const char *value)
{
    buf_printf(b, "<label for=\"%s\">%s</label>", id, label);
    if (hint)
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">%s</p>", id, hint);
    buf_printf(b, "<input type=\"text\" id=\"%s\" name=\"%s\" autocomplete=\"off\"", id, name);
    if (hint)
        buf_printf(b, " aria-describedby=\"%s-hint\"", id);
    buf_puts(b, " value=\"");
    buf_html(b, value);
    buf_puts(b, "\">");
}

static void hub_form(buf *b, http_req *req, int bp, const order_fee *of)
{
    static const int rates[] = {2000, 1000, 550, 210, 0};
    buf_printf(b, "<h2>%s</h2><form method=\"post\" action=\"/desk/fees\">",
               TR(req, "Le relais", "The hub"));
    page_csrf_field(b, req);
    text_input(
        b, "fee_percent", "fee_percent",
        TR(req, "Commission sur les ventes des producteurs (%)", "Fee on the producers' sales (%)"),
        TR(req, "Part des ventes hors TVA, de 0 à 100, deux décimales au plus.",
           "Share of the sales excl. VAT, 0 to 100, two decimals at most."),
        dec_text(req, bp, 0));
    text_input(b, "order_fee", "order_fee",
               TR(req, "Frais par commande, hors TVA (€)", "Fee per order, excl. VAT (€)"),
               TR(req, "Payés par le client, ajoutés à chaque commande ; 0 : aucun.",
                  "Paid by the customer, added to each order; 0: none."),
               dec_text(req, of->cents, 2));
    buf_printf(b, "<label for=\"order_fee_vat_rate\">%s</label>",
               TR(req, "TVA des frais par commande", "VAT of the fee per order"));
    buf_puts(b, "<select id=\"order_fee_vat_rate\" name=\"order_fee_vat_rate\">");
    for (size_t i = 0; i < sizeof rates / sizeof *rates; i++) {
        char v[32];
        dec_format(v, rates[i], 2, 0);
        buf_printf(b, "<option value=\"%s\"%s>%s %%</option>", v,
                   rates[i] == of->vat_bp ? " selected" : "", dec_text(req, rates[i], 0));
    }
    buf_printf(b,
               "</select><p class=\"hint\">%s</p><p><button class=\"btn\" type=\"submit\">%s"
               "</button></p></form>",
               TR(req,
                  "S’applique aux cycles ouverts après l’enregistrement : un cycle déjà "
                  "ouvert garde ce qu’il a pris à son ouverture.",
                  "Applies to the cycles opened after saving: a cycle already open keeps what "
                  "it took when it opened."),
               TR(req, "Enregistrer", "Save"));
}

static void producer_item(buf *b, http_req *req, const fee_producer *p, int hub_bp)
{
    char g[48];
    buf_puts(b, "<li><b>");
    buf_html(b, p->name);
    buf_puts(b, "</b><small>");
    if (p->fee_bp < 0) {
        buf_printf(b, "%s (%s %%)", TR(req, "taux du relais", "the hub's rate"),
                   dec_text(req, hub_bp, 0));
    } else {
        buf_printf(b, "%s %%", dec_text(req, p->fee_bp, 0));
    }
    buf_printf(b, " · %s ", "IBAN");
    if (*p->iban)
        buf_html(b, bank_iban_grouped(p->iban, g));
    else
        buf_puts(b, TR(req, "aucun", "none"));
    if (*p->mandate_on) {
        buf_printf(b, " · %s ", TR(req, "mandat de facturation du", "billing mandate of"));
        fmt_date(b, req, p->mandate_on);
    }
    buf_puts(b, "</small>");
    /* a form of its own, folded: the list stays short on a phone */
    buf_printf(b,
               "<details><summary>%s</summary><form method=\"post\" action=\"/desk/fees/producers/",
               TR(req, "Modifier", "Change"));
    buf_html(b, p->slug);
    buf_puts(b, "\">");
    page_csrf_field(b, req);
    const char *id = arena_printf(req->mem, "fee-%lld", (long long)p->id);
    text_input(b, id, "fee_percent", TR(req, "Commission (%)", "Fee (%)"),
               TR(req, "Vide : le taux du relais.", "Empty: the hub's rate."),
               p->fee_bp < 0 ? "" : dec_text(req, p->fee_bp, 0));
    text_input(b, arena_printf(req->mem, "iban-%lld", (long long)p->id), "iban", "IBAN", NULL,
               *p->iban ? bank_iban_grouped(p->iban, g) : "");
    text_input(b, arena_printf(req->mem, "bic-%lld", (long long)p->id), "bic", "BIC", NULL, p->bic);
    buf_printf(b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form></details></li>",
               TR(req, "Enregistrer", "Save"));
}

/* GET /desk/fees */
void p_desk_fees(http_req *req)
{
    int bp;
    fee_producer *p;
    size_t n;
    order_fee of;
    int st = fees_get(req->db, req->mem, req->hub_id, &bp, &p, &n);
    if (st == DB_OK)
        st = fees_order_get(req->db, req->mem, req->hub_id, &of);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Commissions et frais", "Fees");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/settlements\">%s</a></p><h1>%s</h1>",
               TR(req, "Reversements aux producteurs →", "Producers' settlements →"), title);
    desk_notice(&b, req);
    hub_form(&b, req, bp, &of);
    buf_printf(&b, "<h2>%s</h2>", TR(req, "Producteurs", "Producers"));
    if (!n)
        buf_printf(&b, "<p>%s</p>", TR(req, "Aucun producteur.", "No producer."));
    buf_puts(&b, "<ul class=\"lines\">");
    for (size_t i = 0; i < n; i++)
        producer_item(&b, req, &p[i], bp);
    buf_puts(&b, "</ul>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/fees — fee_percent, order_fee, order_fee_vat_rate: each checked, then written */
void p_desk_fees_save(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *pct = form_get(&f, "fee_percent"), *amount = form_get(&f, "order_fee"),
               *rate = form_get(&f, "order_fee_vat_rate");
    int bp = 0;
    order_fee of;
    int st = fees_order_get(req->db, req->mem, req->hub_id, &of);
    if (st == 0 && pct)
        st = fees_parse_percent(pct, "fee_percent", req->mem, &bp, &why);
    if (st == 0)
        st = fees_order_parse(amount, rate, &of, &why);
    if (st == 0 && pct)
        st = fees_set_hub(req->db, req->mem, req->hub_id, bp, req->session->user_id, "desk", &why);
    if (st == 0)
        st = fees_order_set(req->db, req->mem, req->hub_id, &of, req->session->user_id, "desk",
                            &why);
    if (st == 0)
        desk_done(req, "/desk/fees", "saved");
    else
        http_reply_failure(req, st, &why);
}

/* POST /desk/fees/producers/{slug} — fee_percent ("" = the hub's), iban, bic ("" removes) */
void p_desk_producer_fees_save(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    const char *pct = form_get(&f, "fee_percent");
    int bp = -1;
    int st = pct && *pct ? fees_parse_percent(pct, "fee_percent", req->mem, &bp, &why) : 0;
    if (st == 0)
        st = fees_set_producer(req->db, req->mem, req->hub_id, http_param(req, "slug"), bp,
                               form_get(&f, "iban"), form_get(&f, "bic"), &why);
    if (st == 0)
        desk_done(req, "/desk/fees", "saved");
    else
        http_reply_failure(req, st, &why);
}
