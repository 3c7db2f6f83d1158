/*
 * server/p_desk_cashup.c — the pickup's cash-up, on a phone: one line per bag in bag
 * order, the amount due already in the box, a method, a cheque number, one tap.
 *
 * GET /desk/cycles/{id}/cashup[?pickup=SLUG] lists the bags; each line is a form of its
 * own (POST /desk/cycles/{id}/cashup), so a lost connection loses that line at most,
 * and it carries a key drawn when the page was made: sent twice (a retry after the
 * network dropped the answer), the payment is recorded once. The answer goes back to
 * the same page at the next bag (Post/Redirect/Get). No JavaScript.
 */
#include "../core/cashup.h"
#include "../core/parse.h"
#include "../core/payment.h"
#include "../core/util.h"
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

/* "12,34" / "12.34" in an input, as people type it back. */
static const char *amount_value(http_req *req, cents_t v)
{
    char d[32];
    dec_format(d, v, 2, 2);
    if (req->lang[0] == 'f')
        for (char *p = d; *p; p++)
            if (*p == '.')
                *p = ',';
    return arena_strdup(req->mem, d);
}

static void bag_form(buf *b, http_req *req, int64_t cycle, const cashup_row *r, const char *pickup)
{
    char key[40];
    random_token(key, 18);
    const char *id = arena_printf(req->mem, "o%lld", (long long)r->order_id);
    buf_printf(b, "<form method=\"post\" action=\"/desk/cycles/%lld/cashup\">", (long long)cycle);
    page_csrf_field(b, req);
    buf_printf(b,
               "<input type=\"hidden\" name=\"order\" value=\"%lld\"><input type=\"hidden\" "
               "name=\"key\" value=\"%s\">",
               (long long)r->order_id, key);
    if (pickup) {
        buf_puts(b, "<input type=\"hidden\" name=\"pickup\" value=\"");
        buf_html(b, pickup);
        buf_puts(b, "\">");
    }
    buf_printf(
        b,
        "<span><label for=\"%s-amount\">%s</label><input type=\"text\" inputmode=\"decimal\" "
        "id=\"%s-amount\" name=\"amount\" value=\"%s\" autocomplete=\"off\"></span>",
        id, TR(req, "Montant (€)", "Amount (€)"), id, amount_value(req, r->due));
    buf_printf(b,
               "<span><label for=\"%s-method\">%s</label><select id=\"%s-method\" name=\"method\">"
               "<option value=\"cash\">%s</option><option value=\"cheque\">%s</option>"
               "<option value=\"card\">%s</option></select></span>",
               id, TR(req, "Moyen", "Method"), id, TR(req, "Espèces", "Cash"),
               TR(req, "Chèque", "Cheque"), TR(req, "Carte", "Card"));
    buf_printf(b,
               "<span><label for=\"%s-cheque\">%s</label><input type=\"text\" id=\"%s-cheque\" "
               "name=\"cheque_number\" maxlength=\"30\" inputmode=\"numeric\" "
               "autocomplete=\"off\"></span>",
               id, TR(req, "N° de chèque", "Cheque no."), id);
    buf_printf(b, "<button class=\"btn\" type=\"submit\">%s</button></form>",
               TR(req, "Encaisser", "Record"));
}

static void render_row(buf *b, http_req *req, int64_t cycle, const cashup_row *r,
                       const char *pickup)
{
    buf_printf(b, "<div class=\"bag\" id=\"bag-%lld\"><p><b>", (long long)r->bag);
    if (r->bag)
        buf_printf(b, "%s %lld — ", TR(req, "Sac", "Bag"), (long long)r->bag);
    buf_html(b, r->customer_name);
    buf_puts(b, "</b>");
    if (*r->phone) {
        buf_puts(b, " · <a href=\"tel:");
        buf_html(b, r->phone);
        buf_puts(b, "\">");
        buf_html(b, r->phone);
        buf_puts(b, "</a>");
    }
    buf_printf(b, "<br><small>%s · ", method_word(req, r->method));
    fmt_money(b, req, r->amount);
    if (r->paid) {
        buf_printf(b, " · %s ", TR(req, "reçu", "received"));
        fmt_money(b, req, r->paid);
    }
    buf_puts(b, "</small> ");
    if (r->due <= 0) {
        buf_printf(b, "<span class=\"paid\">%s</span></p></div>",
                   r->due < 0 ? TR(req, "payée (trop-perçu)", "paid (overpaid)")
                              : TR(req, "payée", "paid"));
        return;
    }
    buf_printf(b, "%s <b>", TR(req, "reste", "due"));
    fmt_money(b, req, r->due);
    buf_puts(b, "</b></p>");
    bag_form(b, req, cycle, r, pickup);
    buf_puts(b, "</div>");
}

/* GET /desk/cycles/{id}/cashup[?pickup=SLUG] */
void p_desk_cashup(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    const char *pickup = http_query(req, "pickup");
    cashup_row *rows;
    size_t n;
    bool found;
    int st = cashup_rows(req->db, req->mem, req->hub_id, cycle, 0, &rows, &n, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce cycle n’existe pas.", "There is no such cycle."), NULL);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Encaissement au retrait", "Cash-up at the pickup");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/cycles/%lld\">%s</a></p><h1>%s</h1>", (long long)cycle,
               TR(req, "← Le cycle", "← The cycle"), title);
    desk_notice(&b, req);
    /* one point at a time: links to each point the cycle's bags go to */
    buf_printf(&b, "<p>%s ", TR(req, "Point de retrait :", "Pickup point:"));
    buf_printf(&b, "<a href=\"/desk/cycles/%lld/cashup\">%s</a>", (long long)cycle,
               TR(req, "tous", "all"));
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = !strcmp(rows[k].pickup, rows[i].pickup);
        if (seen)
            continue;
        buf_printf(&b, " · <a href=\"/desk/cycles/%lld/cashup?pickup=", (long long)cycle);
        buf_url(&b, rows[i].pickup);
        buf_puts(&b, "\">");
        buf_html(&b, rows[i].pickup_name);
        buf_puts(&b, "</a>");
    }
    buf_puts(&b, "</p>");
    cents_t due = 0, collected = 0;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        if (pickup && strcmp(pickup, rows[i].pickup) != 0)
            continue;
        shown++;
        due += rows[i].due > 0 ? rows[i].due : 0;
        collected += rows[i].collected;
    }
    buf_printf(&b, "<p>%zu %s · %s ", shown, TR(req, "sacs", "bags"),
               TR(req, "encaissé ici", "collected here"));
    fmt_money(&b, req, collected);
    buf_printf(&b, " · %s <b>", TR(req, "reste à encaisser", "left to collect"));
    fmt_money(&b, req, due);
    buf_puts(&b, "</b></p>");
    for (size_t i = 0; i < n; i++)
        if (!pickup || !strcmp(pickup, rows[i].pickup))
            render_row(&b, req, cycle, &rows[i], pickup);
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/cycles/{id}/cashup — order, amount, method, cheque_number, key, pickup */
void p_desk_cashup_pay(http_req *req)
{
    int64_t cycle, order;
    form f;
    if (!http_id_or_reply(req, "id", &cycle) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int64_t amount = 0;
    const char *amount_text = form_get(&f, "amount"), *pickup = form_get(&f, "pickup");
    int st = 0;
    if (parse_int(form_get(&f, "order"), 1, INT64_MAX, &order) != PARSE_OK)
        st = refuse(&why, 422, "invalid_field", "order", "Quelle commande ?", "Which order?");
    else if (parse_decimal(amount_text, 2, 1, PAY_AMOUNT_MAX, &amount) != PARSE_OK)
        st = refuse(&why, 422, "invalid_amount", "amount",
                    "Le montant s’écrit comme 12,50 : positif, deux décimales au plus.",
                    "The amount is written as 12.50: positive, two decimals at most.");
    cashup_row *rows;
    size_t n = 0;
    bool found;
    /* the order must be one of this cycle's */
    if (st == 0 &&
        (st = cashup_rows(req->db, req->mem, req->hub_id, cycle, 0, &rows, &n, &found)) == DB_OK) {
        const cashup_row *row = NULL;
        for (size_t i = 0; i < n && !row; i++)
            if (rows[i].order_id == order)
                row = &rows[i];
        if (!row)
            st =
                refuse(&why, 404, "order_not_found", "order",
                       "Cette commande n’est pas de ce cycle.", "This order is not of this cycle.");
        else {
            pay_in in = {order,
                         row->customer_id,
                         amount,
                         form_get(&f, "method"),
                         form_get(&f, "cheque_number"),
                         form_get(&f, "key"),
                         NULL};
            pay_result r;
            st = pay_record(req->db, req->mem, req->hub_id, req->session->user_id, "desk", &in, &r,
                            &why);
            if (st == 0) {
                /* back to the same line: the next bag is just below it */
                buf to = BUF_INIT;
                buf_printf(&to, "/desk/cycles/%lld/cashup?", (long long)cycle);
                if (pickup) {
                    buf_puts(&to, "pickup=");
                    buf_url(&to, pickup);
                    buf_putc(&to, '&');
                }
                buf_printf(&to, "done=%s#bag-%lld", r.recorded ? "paid" : "already_recorded",
                           (long long)row->bag);
                http_reply_redirect(req, arena_strdup(req->mem, buf_str(&to)));
                buf_free(&to);
                return;
            }
        }
    }
    http_reply_failure(req, st, &why);
}
