/*
 * server/p_desk_week.c — the desk cycle page's second half: delivery rounds
 * (batch button, rounds with their map) and the week's documents.
 *
 * Documents are plain links and GET forms (no JavaScript): each kind can be had
 * for the whole cycle or filtered by producer, pickup point or round, as PDF,
 * printable HTML or XML.
 */
#include "../core/batch.h"
#include "../reports/report.h"
#include "batch_html.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

static void rounds_section(buf *b, http_req *req, int64_t cycle, const char *state)
{
    bool can_batch = !strcmp(state, "closed") || !strcmp(state, "batched");
    if (!can_batch && strcmp(state, "invoiced") != 0)
        return;
    buf_printf(b, "<h2>%s</h2>", TR(req, "Tournées de livraison", "Delivery rounds"));
    if (can_batch) {
        buf_printf(b, "<p>%s <a href=\"/weigh/%lld\">%s</a></p>",
                   TR(req, "Avant les factures :", "Before the invoices:"), (long long)cycle,
                   TR(req, "pesée et manques", "weighing and shortages"));
        buf_puts(b, "<div class=\"actions\">");
        desk_action_button(
            b, req, arena_printf(req->mem, "/desk/cycles/%lld/batch", (long long)cycle),
            !strcmp(state, "batched") ? TR(req, "Recalculer les tournées", "Plan the rounds again")
                                      : TR(req, "Calculer les tournées", "Plan the rounds"),
            NULL, NULL, NULL);
        buf_puts(b, "</div>");
    }
    if (!strcmp(state, "closed"))
        return;
    batch_result r;
    refusal why = {0};
    if (batch_rounds(req->db, req->mem, req->hub_id, cycle, &r, &why) == 0)
        batch_render_html(b, &r, req->lang);
}

static void choices(buf *b, const char *name, const char *label, const rpt_choice *c, size_t n,
                    http_req *req, const char *kind)
{
    buf_printf(b, "<label for=\"%s-%s\">", kind, name);
    buf_html(b, label);
    buf_printf(b, "</label><select id=\"%s-%s\" name=\"%s\"><option value=\"\">%s</option>", kind,
               name, name, TR(req, "— tout le cycle —", "— the whole cycle —"));
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, "<option value=\"");
        buf_html(b, c[i].value);
        buf_puts(b, "\">");
        buf_html(b, c[i].label);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select>");
}

static void documents_section(buf *b, http_req *req, int64_t cycle)
{
    rpt_desk d;
    bool found;
    if (rpt_desk_load(req->db, req->mem, req->hub_id, cycle, &d, &found) != DB_OK || !found)
        return;
    buf_printf(b, "<h2>%s</h2>", TR(req, "Documents de la semaine", "The week's documents"));
    if (!d.ready) {
        buf_printf(b, "<p>%s</p>",
                   TR(req, "Les documents se préparent une fois les tournées calculées.",
                      "Documents can be made once the rounds are planned."));
        return;
    }
    for (size_t k = 0; k < rpt_kind_count(); k++) {
        const rpt_kind *kind = rpt_kind_at(k);
        const char *name = rpt_kind_name(kind);
        unsigned f = rpt_kind_filters(kind);
        buf_printf(b,
                   "<form method=\"get\" action=\"/api/v1/cycles/%lld/reports/%s\"><fieldset>"
                   "<legend>",
                   (long long)cycle, name);
        buf_html(b, rpt_kind_title(kind, req->lang));
        buf_puts(b, "</legend>");
        if (f & RPT_BY_PRODUCER)
            choices(b, "producer", TR(req, "Producteur", "Producer"), d.producers, d.nproducers,
                    req, name);
        if (f & RPT_BY_PICKUP)
            choices(b, "pickup", TR(req, "Point de retrait", "Pickup point"), d.pickups, d.npickups,
                    req, name);
        if (f & RPT_BY_ROUND)
            choices(b, "round", TR(req, "Tournée", "Round"), d.rounds, d.nrounds, req, name);
        buf_printf(b,
                   "<label for=\"%s-format\">%s</label><select id=\"%s-format\" name=\"format\">"
                   "<option value=\"pdf\">PDF</option><option value=\"html\">%s</option>"
                   "<option value=\"xml\">XML</option></select>",
                   name, TR(req, "Format", "Format"), name,
                   TR(req, "Page à imprimer (HTML)", "Printable page (HTML)"));
        buf_printf(b, "<input type=\"hidden\" name=\"lang\" value=\"%s\">", req->lang);
        buf_printf(b,
                   " <button class=\"btn secondary\" type=\"submit\">%s</button></fieldset></form>",
                   TR(req, "Obtenir", "Get"));
    }
}

void desk_week_sections(buf *b, http_req *req, int64_t cycle, const char *state)
{
    rounds_section(b, req, cycle, state);
    documents_section(b, req, cycle);
}

/* POST /desk/cycles/{id}/batch */
void p_desk_batch(http_req *req)
{
    int64_t id;
    form f;
    if (!http_id_or_reply(req, "id", &id) || !page_form_or_reply(req, &f))
        return;
    batch_result r;
    refusal why = {0};
    int st = batch_cycle(req->db, req->mem, req->hub_id, id, &r, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, arena_printf(req->mem, "/desk/cycles/%lld", (long long)id), "batched");
}
