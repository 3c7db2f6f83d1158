/*
 * server/p_desk_messages.c — the desk's "Messages" page: what has not left (failed
 * first, each with why, and a button to send a failed one again), a message to the
 * customers of a cycle or a pickup point, and payment reminders for an invoiced cycle.
 *
 * A failed message is one the relay refused for good (an SMTP 5xx: an unknown
 * recipient, a rejected content); one still waiting shows its next attempt. The
 * forms call the same core functions as the JSON API (server/h_outbox.c).
 */
#include "../core/cycle.h"
#include "../core/hub.h"
#include "../core/place.h"
#include "../core/outbox_events.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

#define UNSENT_SHOWN 200

static const char *state_label(http_req *req, const char *state)
{
    return !strcmp(state, "failed")    ? TR(req, "en échec", "failed")
           : !strcmp(state, "sending") ? TR(req, "en cours d’envoi", "sending")
                                       : TR(req, "en attente", "waiting");
}

static void compose_form(buf *b, http_req *req, PGresult *cycles, const pickup_record *pickups,
                         size_t npickups, const form *typed, const refusal *why)
{
    buf_printf(b, "<h2>%s</h2>", TR(req, "Écrire aux clients", "Write to customers"));
    if (why)
        page_problem(b, req, why->field, refusal_text(why, req->lang));
    buf_printf(
        b, "<form method=\"post\" action=\"/desk/messages\" novalidate><p class=\"hint\">%s</p>",
        TR(req,
           "Aux clients ayant commandé dans un cycle (au point de retrait choisi, s’il y "
           "en a un), ou sans cycle, à ceux dont la dernière commande était à ce point.",
           "To the customers with an order in a cycle (at the chosen pickup point, if "
           "any), or without a cycle, to those whose latest order was at that point."));
    page_csrf_field(b, req);
    const char *cur_cycle = typed ? form_get(typed, "cycle") : NULL;
    const char *cur_pickup = typed ? form_get(typed, "pickup") : NULL;
    buf_printf(b,
               "<label for=\"cycle\">%s</label><select id=\"cycle\" name=\"cycle\"><option "
               "value=\"\">%s</option>",
               TR(req, "Cycle", "Cycle"), TR(req, "— aucun —", "— none —"));
    for (int i = 0; i < PQntuples(cycles); i++) {
        const char *id = db_val(cycles, i, "id");
        buf_printf(b, "<option value=\"%s\"%s>", id,
                   cur_cycle && !strcmp(cur_cycle, id) ? " selected" : "");
        buf_html(b, db_val(cycles, i, "name"));
        buf_lit(b, "</option>");
    }
    buf_printf(b,
               "</select><label for=\"pickup\">%s</label><select id=\"pickup\" "
               "name=\"pickup\"><option value=\"\">%s</option>",
               TR(req, "Point de retrait", "Pickup point"), TR(req, "— tous —", "— all —"));
    for (size_t i = 0; i < npickups; i++) {
        const char *slug = pickups[i].slug;
        buf_lit(b, "<option value=\"");
        buf_html(b, slug);
        buf_printf(b, "\"%s>", cur_pickup && !strcmp(cur_pickup, slug) ? " selected" : "");
        buf_html(b, pickups[i].name);
        buf_lit(b, "</option>");
    }
    buf_lit(b, "</select>");
    page_input(b, "subject", "text", TR(req, "Objet", "Subject"),
               typed ? form_get(typed, "subject") : NULL, "off",
               why && why->field && !strcmp(why->field, "subject") ? refusal_text(why, req->lang)
                                                                   : NULL,
               NULL, true);
    buf_printf(
        b, "<label for=\"text\">%s</label><textarea id=\"text\" name=\"text\" rows=\"8\" required>",
        TR(req, "Message", "Message"));
    buf_html(b, typed && form_get(typed, "text") ? form_get(typed, "text") : "");
    buf_printf(b, "</textarea><p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Envoyer", "Send"));
}

static void reminders_form(buf *b, http_req *req, PGresult *cycles)
{
    buf_printf(b, "<h2>%s</h2><form method=\"post\" action=\"/desk/messages/reminders\">",
               TR(req, "Rappels de paiement", "Payment reminders"));
    page_csrf_field(b, req);
    buf_printf(
        b, "<label for=\"reminder-cycle\">%s</label><select id=\"reminder-cycle\" name=\"cycle\">",
        TR(req, "Cycle facturé", "Invoiced cycle"));
    int n = 0;
    for (int i = 0; i < PQntuples(cycles); i++) {
        if (strcmp(db_val(cycles, i, "state"), "invoiced") != 0)
            continue;
        buf_printf(b, "<option value=\"%s\">", db_val(cycles, i, "id"));
        buf_html(b, db_val(cycles, i, "name"));
        buf_lit(b, "</option>");
        n++;
    }
    buf_printf(b,
               "</select><p class=\"hint\">%s</p><p><button class=\"btn\" "
               "type=\"submit\"%s>%s</button></p></form>",
               TR(req, "À chaque client, ce qu’il doit sur les factures du cycle.",
                  "To each customer, what they owe on the cycle's invoices."),
               n ? "" : " disabled", TR(req, "Envoyer les rappels", "Send the reminders"));
}

static void unsent_list(buf *b, http_req *req, const outbox_counts *n, outbox_row *rows, size_t k)
{
    buf_printf(b, "<h2>%s</h2><p>%s %lld · %s %lld · %s %lld · %s %lld · %s %lld</p>",
               TR(req, "File d’envoi", "Outbox"), TR(req, "événements à traiter", "events"),
               (long long)n->events, TR(req, "en attente", "waiting"), (long long)n->waiting,
               TR(req, "en cours", "sending"), (long long)n->sending, TR(req, "envoyés", "sent"),
               (long long)n->sent, TR(req, "en échec", "failed"), (long long)n->failed);
    if (k == 0) {
        buf_printf(b, "<p>%s</p>", TR(req, "Tout est parti.", "Everything has left."));
        return;
    }
    buf_lit(b, "<ul class=\"blocks\">");
    for (size_t i = 0; i < k; i++) {
        const outbox_row *r = &rows[i];
        buf_printf(b, "<li class=\"block\" id=\"message-%lld\"><p><strong>", (long long)r->id);
        buf_html(b, r->subject);
        buf_printf(b, "</strong></p><p>%s · ", state_label(req, r->state));
        buf_html(b, r->to_address);
        buf_printf(b, " · %s %d</p>", TR(req, "essais :", "attempts:"), r->attempts);
        if (*r->last_error) {
            buf_lit(b, "<p class=\"hint\">");
            buf_html(b, r->last_error);
            buf_lit(b, "</p>");
        }
        if (!strcmp(r->state, "failed"))
            desk_action_button(
                b, req, arena_printf(req->mem, "/desk/messages/%lld/retry", (long long)r->id),
                TR(req, "Renvoyer", "Send again"), NULL, NULL, "secondary");
        buf_lit(b, "</li>");
    }
    buf_lit(b, "</ul>");
}

static void render(http_req *req, int status, const form *typed, const refusal *why)
{
    PGresult *cycles;
    pickup_record *pickups;
    size_t npickups;
    outbox_counts n;
    outbox_row *rows;
    size_t k;
    int st;
    if ((st = cycle_list(req->db, req->mem, req->hub_id, false, &cycles)) != DB_OK ||
        (st = pickup_list(req->db, req->mem, req->hub_id, &pickups, &npickups)) != DB_OK ||
        (st = outbox_count(req->db, req->mem, req->hub_id, &n)) != DB_OK ||
        (st = outbox_unsent(req->db, req->mem, req->hub_id, UNSENT_SHOWN, &rows, &k)) != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    const char *title = TR(req, "Messages", "Messages");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    buf_printf(&b, "<h1>%s</h1><p><a href=\"/desk\">%s</a></p>", title,
               TR(req, "Retour au bureau", "Back to the desk"));
    desk_notice(&b, req);
    unsent_list(&b, req, &n, rows, k);
    compose_form(&b, req, cycles, pickups, npickups, typed, why);
    reminders_form(&b, req, cycles);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/messages */
void p_desk_messages(http_req *req)
{
    render(req, 200, NULL, NULL);
}

/* POST /desk/messages (cycle, pickup, subject, text) */
void p_desk_message_send(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *cycle_s = form_get(&f, "cycle");
    int64_t cycle = 0;
    if (cycle_s && *cycle_s && !http_id_text(cycle_s, &cycle)) {
        refusal why;
        refuse(&why, 422, "invalid_field", "cycle", "Choisissez un cycle de la liste.",
               "Choose a cycle from the list.");
        render(req, 422, &f, &why);
        return;
    }
    outbox_broadcast bc = {cycle, form_get(&f, "pickup"), form_get(&f, "subject"),
                           form_get(&f, "text")};
    refusal why = {0};
    int st = outbox_coordinator_message(req->db, req->mem, req->hub_id, &bc, &why);
    if (st > 0 && why.status == 422) {
        render(req, 422, &f, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/messages", "queued");
}

/* POST /desk/messages/reminders (cycle) */
void p_desk_reminders(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    int64_t cycle = 0;
    refusal why = {0};
    if (!http_id_text(form_get(&f, "cycle"), &cycle)) {
        refuse(&why, 422, "invalid_field", "cycle", "Choisissez un cycle facturé.",
               "Choose an invoiced cycle.");
        http_reply_refusal(req, &why);
        return;
    }
    int st = outbox_payment_reminders(req->db, req->mem, req->hub_id, cycle, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/messages", "reminded");
}

/* POST /desk/messages/{message}/retry */
void p_desk_message_retry(http_req *req)
{
    form f;
    int64_t id;
    if (!page_form_or_reply(req, &f) || !http_id_or_reply(req, "message", &id))
        return;
    refusal why = {0};
    int st = outbox_retry(req->db, req->mem, req->hub_id, id, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/messages", "retried");
}
