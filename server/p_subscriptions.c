/*
 * server/p_subscriptions.c — "My subscriptions": the standing orders and contract
 * baskets of a consumer, with what each week's opening did with them (placed, or not
 * and why), an absence to declare, and cancelling after a confirmation; the form on
 * an order's page that repeats it every week or every second week; and the desk's
 * view of what a cycle's opening placed.
 *
 * Plain forms, no JavaScript needed; blocks rather than tables (phone-first).
 */
#include "../core/parse.h"
#include "../core/subscription.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static const char *outcome_text(http_req *req, const char *o)
{
    if (!strcmp(o, "placed"))
        return TR(req, "commande passée", "order placed");
    if (!strcmp(o, "partial"))
        return TR(req, "commande passée en partie", "order partly placed");
    if (!strcmp(o, "not_placed"))
        return TR(req, "commande non passée", "order not placed");
    if (!strcmp(o, "absent"))
        return TR(req, "absence : rien commandé", "away: nothing ordered");
    if (!strcmp(o, "kept_by_hub"))
        return TR(req, "absence : panier gardé par le groupement", "away: basket kept by the hub");
    return TR(req, "absence : panier reporté à la livraison suivante",
              "away: basket carried over to the next delivery");
}

/* "out_of_stock: Carottes (2 kg); …" said in words: each reason in the page's language. */
static void misses_text(buf *b, http_req *req, const char *m)
{
    while (*m) {
        const char *end = strstr(m, "; ");
        size_t len = end ? (size_t)(end - m) : strlen(m);
        const char *colon = memchr(m, ':', len);
        size_t clen = colon ? (size_t)(colon - m) : len;
        const char *words = sub_miss_reason(m, clen, req->lang[0] != 'f');
        if (words)
            buf_puts(b, words);
        if (colon) {
            buf_puts(b, " —");
            buf_html(b, arena_strndup(req->mem, colon + 1, len - clen - 1));
        }
        if (!end)
            break;
        buf_puts(b, " ; ");
        m = end + 2;
    }
}

static void render_one(buf *b, http_req *req, const subscription *s)
{
    buf_printf(b, "<section class=\"card\" id=\"sub-%lld\"><h2>", (long long)s->id);
    if (s->contract) {
        buf_html(b, s->contract_name);
        buf_puts(b, " — ");
        buf_html(b, s->basket_label);
    } else {
        buf_puts(b, s->every_weeks == 1 ? TR(req, "Chaque semaine", "Every week")
                                        : TR(req, "Toutes les deux semaines", "Every second week"));
    }
    buf_printf(b, "</h2><dl class=\"facts\"><dt>%s</dt><dd>", TR(req, "Retrait", "Pickup"));
    buf_html(b, s->pickup_name);
    buf_printf(b, "</dd><dt>%s</dt><dd>", TR(req, "Depuis le", "From"));
    fmt_date(b, req, s->starts_on);
    buf_puts(b, "</dd>");
    if (s->cancelled)
        buf_printf(b, "<dt>%s</dt><dd>%s</dd>", TR(req, "État", "State"),
                   TR(req, "annulé", "cancelled"));
    buf_puts(b, "</dl><ul class=\"lines\">");
    for (size_t i = 0; i < s->nlines; i++) {
        buf_puts(b, "<li><b>");
        buf_html(b, s->lines[i].name);
        buf_puts(b, "</b><small>");
        fmt_qty(b, req, s->lines[i].quantity);
        buf_printf(b, " %s · ", fmt_unit(req, s->lines[i].unit, s->lines[i].quantity));
        buf_html(b, s->lines[i].producer_name);
        buf_puts(b, "</small></li>");
    }
    buf_puts(b, "</ul>");
    if (s->npauses) {
        buf_printf(b, "<h3>%s</h3><ul>", TR(req, "Absences", "Absences"));
        for (size_t i = 0; i < s->npauses; i++) {
            buf_printf(b, "<li>%s ", TR(req, "du", "from"));
            fmt_date(b, req, s->pauses[i].starts_on);
            buf_printf(b, " %s ", TR(req, "au", "to"));
            fmt_date(b, req, s->pauses[i].ends_on);
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ul>");
    }
    if (s->nruns) {
        buf_printf(b, "<h3>%s</h3><ul>", TR(req, "Dernières livraisons", "Latest deliveries"));
        for (size_t i = 0; i < s->nruns; i++) {
            const sub_run_view *r = &s->runs[i];
            buf_puts(b, "<li>");
            fmt_date(b, req, r->delivery_date);
            buf_printf(b, " : <b>%s</b>", outcome_text(req, r->outcome));
            if (*r->misses) {
                buf_puts(b, "<br><small>");
                misses_text(b, req, r->misses);
                buf_puts(b, "</small>");
            }
            if (!strcmp(r->outcome, "placed") || !strcmp(r->outcome, "partial"))
                buf_printf(b, " <a href=\"/orders/%lld\">%s</a>", (long long)r->cycle,
                           TR(req, "voir ou changer", "see or change"));
            buf_puts(b, "</li>");
        }
        buf_puts(b, "</ul>");
    }
    if (!s->cancelled) {
        buf_printf(b,
                   "<details><summary>%s</summary><form method=\"post\" "
                   "action=\"/subscriptions/%lld/pause\">",
                   TR(req, "Déclarer une absence", "Declare an absence"), (long long)s->id);
        page_csrf_field(b, req);
        buf_printf(b,
                   "<p><label for=\"from-%lld\">%s</label><input type=\"date\" id=\"from-%lld\" "
                   "name=\"from\" required></p><p><label for=\"until-%lld\">%s</label><input "
                   "type=\"date\" id=\"until-%lld\" name=\"until\" required></p><button "
                   "class=\"btn\" type=\"submit\">%s</button></form></details>",
                   (long long)s->id, TR(req, "Du (inclus)", "From (included)"), (long long)s->id,
                   (long long)s->id, TR(req, "Au (inclus)", "To (included)"), (long long)s->id,
                   TR(req, "Enregistrer l’absence", "Save the absence"));
        if (!s->contract)
            buf_printf(b,
                       "<div class=\"actions\"><a class=\"btn danger\" "
                       "href=\"/subscriptions/%lld/cancel\">%s</a></div>",
                       (long long)s->id,
                       TR(req, "Arrêter cette commande répétée…", "Stop this standing order…"));
    }
    buf_puts(b, "</section>");
}

/* GET /subscriptions */
void p_subscriptions(http_req *req)
{
    subscription *s;
    size_t n;
    int st = sub_list(req->db, req->mem, req->hub_id, req->session->customer_id, &s, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Mes abonnements", "My subscriptions");
    page_begin(&b, req, title);
    static const struct {
        const char *q, *fr, *en;
    } notices[] = {
        {"saved", "Votre commande sera passée d’elle-même à chaque livraison.",
         "Your order will place itself for every delivery."},
        {"paused", "Votre absence est enregistrée.", "Your absence is saved."},
        {"cancelled", "Cette commande répétée est arrêtée.", "This standing order is stopped."},
    };
    for (size_t i = 0; i < sizeof notices / sizeof notices[0]; i++)
        if (http_query(req, notices[i].q))
            buf_printf(&b, "<p class=\"notice\" role=\"status\">%s</p>",
                       TR(req, notices[i].fr, notices[i].en));
    buf_printf(&b, "<h1>%s</h1>", title);
    if (n == 0)
        buf_printf(&b, "<p>%s <a href=\"/orders\">%s</a></p>",
                   TR(req,
                      "Aucun abonnement. Pour recevoir la même chose chaque semaine, ouvrez une "
                      "de vos commandes et choisissez « Répéter cette commande ».",
                      "No subscription. To get the same every week, open one of your orders "
                      "and choose \"Repeat this order\"."),
                   TR(req, "Mes commandes", "My orders"));
    for (size_t i = 0; i < n; i++)
        render_one(&b, req, &s[i]);
    buf_printf(
        &b, "<p><a href=\"/contracts\">%s</a></p>",
        TR(req, "Contrats AMAP ouverts aux inscriptions", "AMAP contracts open for subscriptions"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* The form on an order's page that makes it a standing order (server/p_orders.c). */
void subscription_repeat_form(buf *b, http_req *req, int64_t cycle)
{
    buf_printf(b,
               "<details id=\"repeat\"><summary>%s</summary><form method=\"post\" "
               "action=\"/subscriptions\"><fieldset><legend>%s</legend>",
               TR(req, "Répéter cette commande", "Repeat this order"),
               TR(req, "Fréquence", "How often"));
    page_csrf_field(b, req);
    buf_printf(b,
               "<input type=\"hidden\" name=\"cycle\" value=\"%lld\"><p><input type=\"radio\" "
               "name=\"every_weeks\" id=\"every-1\" value=\"1\" checked> <label class=\"inline\" "
               "for=\"every-1\">%s</label></p><p><input type=\"radio\" name=\"every_weeks\" "
               "id=\"every-2\" value=\"2\"> <label class=\"inline\" for=\"every-2\">%s</label></p>"
               "</fieldset><p><label for=\"starts_on\">%s</label><input type=\"date\" "
               "id=\"starts_on\" name=\"starts_on\"></p><button class=\"btn\" "
               "type=\"submit\">%s</button></form></details>",
               (long long)cycle, TR(req, "Chaque semaine", "Every week"),
               TR(req, "Toutes les deux semaines", "Every second week"),
               TR(req, "À partir du (vide : dès maintenant)", "From (empty: from now on)"),
               TR(req, "Répéter", "Repeat"));
}

/* POST /subscriptions — the order of a cycle repeated (fields cycle, every_weeks,
 * starts_on). */
void p_subscription_create(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    /* the form's fields mapped to what core/subscription.h checks (sub_new_check):
     * anything unreadable becomes 0 and is refused there, naming the field */
    sub_new in = {.hub = req->hub_id, .customer = req->session->customer_id};
    const char *every = form_get(&f, "every_weeks");
    int64_t weeks;
    if (!every || parse_int(every, SUB_EVERY_WEEKS_MIN, SUB_EVERY_WEEKS_MAX, &weeks) != PARSE_OK)
        weeks = 0;
    in.every_weeks = (int)weeks;
    in.starts_on = form_get(&f, "starts_on");
    if (!http_id_text(form_get(&f, "cycle"), &in.from_cycle))
        in.from_cycle = 0;
    int64_t id;
    refusal why = {0};
    int st = sub_create(req->db, req->mem, &in, &id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/subscriptions?saved=1");
}

/* POST /subscriptions/{id}/pause — fields from, until. */
void p_subscription_pause(http_req *req)
{
    int64_t id;
    form f;
    if (!http_id_or_reply(req, "id", &id) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int st = sub_pause(req->db, req->mem, req->hub_id, req->session->customer_id, id,
                       form_get(&f, "from"), form_get(&f, "until"), &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/subscriptions?paused=1");
}

/* GET /subscriptions/{id}/cancel — what stopping does, and the button that does it. */
void p_subscription_cancel_form(http_req *req)
{
    int64_t id;
    if (!http_id_or_reply(req, "id", &id))
        return;
    subscription *s;
    size_t n;
    int st = sub_list(req->db, req->mem, req->hub_id, req->session->customer_id, &s, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    bool live = false;
    for (size_t i = 0; i < n; i++)
        live = live || (s[i].id == id && !s[i].cancelled && !s[i].contract);
    if (!live) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Cet abonnement n’existe pas ou est déjà annulé.",
                            "There is no such subscription, or it is already cancelled."),
                         "id");
        return;
    }
    buf b = BUF_INIT;
    const char *title =
        TR(req, "Arrêter cette commande répétée\u00a0?", "Stop this standing order?");
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><ul><li>%s</li><li>%s</li></ul>", title,
               TR(req, "Plus rien ne sera commandé pour vous aux prochaines livraisons.",
                  "Nothing more will be ordered for you at the next deliveries."),
               TR(req,
                  "Les commandes déjà passées restent : changez-les ou annulez-les depuis "
                  "« Mes commandes ».",
                  "Orders already placed stay: change or cancel them from \"My orders\"."));
    buf_printf(
        &b, "<div class=\"actions\"><form method=\"post\" action=\"/subscriptions/%lld/cancel\">",
        (long long)id);
    page_csrf_field(&b, req);
    buf_printf(&b,
               "<button class=\"btn danger\" type=\"submit\">%s</button></form><a class=\"btn "
               "secondary\" href=\"/subscriptions\">%s</a></div>",
               TR(req, "Oui, arrêter", "Yes, stop it"), TR(req, "Non, la garder", "No, keep it"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /subscriptions/{id}/cancel */
void p_subscription_cancel(http_req *req)
{
    int64_t id;
    form f;
    if (!http_id_or_reply(req, "id", &id) || !page_form_or_reply(req, &f))
        return;
    refusal why = {0};
    int st = sub_cancel(req->db, req->mem, req->hub_id, req->session->customer_id, id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    http_reply_redirect(req, "/subscriptions?cancelled=1");
}

/* GET /desk/cycles/{id}/subscriptions — what the opening placed, the problems first. */
void p_desk_cycle_subscriptions(http_req *req)
{
    int64_t cycle;
    if (!http_id_or_reply(req, "id", &cycle))
        return;
    sub_report_row *rows;
    size_t n;
    bool found;
    int st = sub_cycle_report(req->db, req->mem, req->hub_id, cycle, &rows, &n, &found);
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
    const char *title = TR(req, "Abonnements de la semaine", "This week's subscriptions");
    page_begin(&b, req, title);
    buf_printf(&b, "<p><a href=\"/desk/cycles/%lld\">%s</a></p><h1>%s</h1>", (long long)cycle,
               TR(req, "← Le cycle", "← The cycle"), title);
    size_t placed = 0;
    for (size_t i = 0; i < n; i++)
        placed += !strcmp(rows[i].outcome, "placed");
    buf_printf(&b, "<p>%zu %s, %zu %s.</p>", n, TR(req, "abonnements dus", "subscriptions due"),
               placed, TR(req, "passés en entier", "placed whole"));
    buf_puts(&b, "<ul class=\"lines\">");
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, "<li><b>");
        buf_html(&b, rows[i].customer_name);
        buf_printf(&b, "</b> — %s<small>", outcome_text(req, rows[i].outcome));
        buf_html(&b, rows[i].pickup_name);
        if (*rows[i].contract_name) {
            buf_puts(&b, " · ");
            buf_html(&b, rows[i].contract_name);
        }
        if (*rows[i].misses) {
            buf_puts(&b, " · ");
            misses_text(&b, req, rows[i].misses);
        }
        buf_puts(&b, "</small></li>");
    }
    buf_puts(&b, "</ul>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}
