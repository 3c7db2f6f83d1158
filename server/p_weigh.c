/*
 * server/p_weigh.c — the packing table: weighing, a scale's file, and shortages.
 *
 *   GET  /weigh/{cycle}[?p=SLUG][&from=BAG]   the weighed lines to weigh, one per bag and
 *                                             product in bag-number order (the picking
 *                                             sheet's numbers), each its own little form
 *   POST /weigh/{cycle}/line                  one weight (line, weight): saved at once, so a
 *                                             connection dropped at the next bag loses
 *                                             nothing; back to the page at that line
 *   POST /weigh/{cycle}/file                  a scale's CSV (multipart), all or nothing
 *   POST /weigh/{cycle}/shortage              a product short by a quantity, split by the
 *                                             hub's rule
 *
 * Made for a phone at the packing table, without JavaScript: the weight field opens the
 * numeric keyboard (inputmode="decimal"), each save is a plain POST answered by a
 * redirect back to the line (Post/Redirect/Get: a reload never saves twice). A producer
 * weighs their own lines; a coordinator any, or one producer's with ?p=SLUG. A refusal
 * comes back as the page (422) with the problem written at the line or form concerned,
 * nothing saved. Core: core/delivery.h.
 */
#include "../core/delivery.h"
#include "../core/parse.h"
#include "../importers/catalog_db.h"
#include "../importers/weigh_csv.h"
#include "handlers.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

#define PAGE_LINES 200 /* lines on one page; the next bags follow a link */

typedef struct weigh_view {
    int64_t cycle, producer; /* producer 0: every producer (a coordinator) */
    const char *slug;        /* the ?p= filter, or NULL */
    int64_t from;            /* the first bag shown */
    /* a refusal to show where it happened */
    int64_t error_line;     /* a line's weight */
    const char *typed;      /* what was typed there */
    const refusal *why;     /* the line's, the file's or the shortage form's */
    const char *error_form; /* "line", "file", "shortage" */
    const weigh_file *file; /* a file's reading problems */
    const char *shortage_product, *shortage_missing, *shortage_reason;
} weigh_view;

static bool whole(const char *s, int64_t *out)
{
    return parse_int(s, 0, INT64_MAX / 2, out) == PARSE_OK;
}

/* The cycle and whose lines, from the path and ?p= (or the form's p); false after a reply. */
static bool target_or_reply(http_req *req, const char *requested, weigh_view *v)
{
    if (!http_id_or_reply(req, "cycle", &v->cycle))
        return false;
    const http_session *s = req->session;
    if (s->role == ROLE_PRODUCER) {
        v->producer = s->producer_id;
        return true;
    }
    if (!requested || !*requested)
        return true;
    imp_producer p;
    bool found;
    int st = imp_producer_find(req->db, req->mem, req->hub_id, requested, &p, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "unknown_producer",
                         TR(req, "Ce producteur n’existe pas.", "There is no such producer."), "p");
        return false;
    }
    v->producer = p.id;
    v->slug = p.slug;
    return true;
}

/* The page's own address with its filters, for forms and redirects. */
static const char *self(http_req *req, const weigh_view *v, int64_t from)
{
    buf b = BUF_INIT;
    buf_printf(&b, "/weigh/%lld?lang=%s", (long long)v->cycle, req->lang);
    if (v->slug) {
        buf_puts(&b, "&p=");
        buf_url(&b, v->slug);
    }
    if (from > 0)
        buf_printf(&b, "&from=%lld", (long long)from);
    char *s = arena_strdup(req->mem, buf_str(&b));
    buf_free(&b);
    return s;
}

static void hidden_filters(buf *b, const weigh_view *v)
{
    if (v->slug) {
        buf_puts(b, "<input type=\"hidden\" name=\"p\" value=\"");
        buf_html(b, v->slug);
        buf_puts(b, "\">");
    }
    if (v->from > 0)
        buf_printf(b, "<input type=\"hidden\" name=\"from\" value=\"%lld\">", (long long)v->from);
}

static void measure_amount(buf *b, http_req *req, milli_t q, const char *measure)
{
    fmt_qty(b, req, q);
    buf_printf(b, " %s", measure && !strcmp(measure, "l") ? "l" : "kg");
}

static void weigh_line(buf *b, http_req *req, const weigh_view *v, const delivery_line *l)
{
    bool bad = v->error_line == l->line;
    buf_printf(b, "<li id=\"line-%lld\"><form method=\"post\" action=\"/weigh/%lld/line\">",
               (long long)l->line, (long long)v->cycle);
    page_csrf_field(b, req);
    hidden_filters(b, v);
    buf_printf(b, "<input type=\"hidden\" name=\"line\" value=\"%lld\"><p class=\"who\"><b>",
               (long long)l->line);
    if (l->bag)
        buf_printf(b, "%s %lld", TR(req, "Sac", "Bag"), (long long)l->bag);
    else
        buf_printf(b, "%s %lld", TR(req, "Commande", "Order"), (long long)l->order);
    buf_puts(b, "</b> · ");
    buf_html(b, l->customer);
    buf_puts(b, "</p><p class=\"what\">");
    buf_html(b, l->name);
    buf_puts(b, " — ");
    fmt_qty(b, req, l->delivered);
    buf_printf(b, " %s, ≈ ", fmt_unit(req, l->unit, l->delivered));
    measure_amount(b, req, l->estimate, l->measure);
    if (!v->producer) {
        buf_puts(b, " · ");
        buf_html(b, l->producer_name);
    }
    buf_puts(b, "</p>");
    if (bad) {
        buf_printf(b, "<p class=\"field-error\" id=\"w-%lld-error\">", (long long)l->line);
        buf_html(b, refusal_text(v->why, req->lang));
        buf_puts(b, "</p>");
    }
    buf_printf(b, "<label for=\"w-%lld\">%s (%s)</label>", (long long)l->line,
               TR(req, "Poids pesé", "Weight"),
               l->measure && !strcmp(l->measure, "l") ? "l" : "kg");
    buf_printf(b,
               "<input type=\"text\" inputmode=\"decimal\" autocomplete=\"off\" class=\"qty\" "
               "id=\"w-%lld\" name=\"weight\" value=\"",
               (long long)l->line);
    if (bad)
        buf_html(b, v->typed ? v->typed : "");
    else if (l->weight > 0)
        fmt_qty(b, req, l->weight);
    buf_puts(b, "\"");
    if (bad)
        buf_printf(b, " aria-invalid=\"true\" aria-describedby=\"w-%lld-error\"",
                   (long long)l->line);
    buf_printf(b, "> <button class=\"btn\" type=\"submit\">%s</button>",
               TR(req, "Enregistrer", "Save"));
    if (l->weight > 0) {
        buf_printf(b, "<small class=\"done\">%s ", TR(req, "Pesé :", "Weighed:"));
        measure_amount(b, req, l->weight, l->measure);
        buf_puts(b, ", ");
        fmt_money(b, req, l->net);
        buf_printf(b, " %s</small>", TR(req, "HT", "excl. VAT"));
    } else {
        buf_printf(b, "<small>%s</small>", TR(req, "À peser", "To weigh"));
    }
    buf_puts(b, "</form></li>");
}

static void problems_box(buf *b, http_req *req, const weigh_view *v)
{
    if (!v->why && !v->file)
        return;
    buf_printf(b, "<div class=\"error-summary\" role=\"alert\"><h2>%s</h2><ul>",
               TR(req, "Rien n’a été enregistré", "Nothing was recorded"));
    if (v->file) {
        for (size_t i = 0; i < v->file->nproblems; i++) {
            buf_puts(b, "<li>");
            buf_html(b, v->file->problems[i].where);
            buf_puts(b, " : ");
            buf_html(b, TR(req, v->file->problems[i].fr, v->file->problems[i].en));
            buf_puts(b, "</li>");
        }
    } else if (v->why->ndetails) {
        for (size_t i = 0; i < v->why->ndetails; i++) {
            buf_puts(b, "<li>");
            if (v->why->details[i].field) {
                buf_html(b, v->why->details[i].field);
                buf_puts(b, " : ");
            }
            buf_html(b, TR(req, v->why->details[i].fr, v->why->details[i].en));
            buf_puts(b, "</li>");
        }
    } else {
        buf_puts(b, "<li>");
        if (v->error_line)
            buf_printf(b, "<a href=\"#w-%lld\">", (long long)v->error_line);
        buf_html(b, refusal_text(v->why, req->lang));
        if (v->error_line)
            buf_puts(b, "</a>");
        buf_puts(b, "</li>");
    }
    buf_puts(b, "</ul></div>");
}

static void notices(buf *b, http_req *req)
{
    const char *q;
    if ((q = http_query(req, "saved")))
        buf_printf(b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Poids enregistré.", "Weight saved."));
    if ((q = http_query(req, "file")))
        buf_printf(
            b, "<p class=\"notice\" role=\"status\">%s</p>",
            TR(req, "Le fichier de la balance est enregistré.", "The scale's file is recorded."));
    if ((q = http_query(req, "short")))
        buf_printf(b, "<p class=\"notice\" role=\"status\">%s</p>",
                   TR(req, "Manque enregistré, réparti selon la règle du groupement.",
                      "Shortage recorded, split by the hub's rule."));
}

static void file_form(buf *b, http_req *req, const weigh_view *v)
{
    buf_printf(b,
               "<section aria-labelledby=\"file-title\"><h2 id=\"file-title\">%s</h2><p "
               "class=\"hint\">%s</p><form method=\"post\" action=\"/weigh/%lld/file\" "
               "enctype=\"multipart/form-data\">",
               TR(req, "Fichier de la balance", "The scale's file"),
               TR(req,
                  "Un CSV d’une ligne par sac et produit : n° de sac, référence, poids en kg "
                  "(2,14). Tout le fichier est enregistré, ou rien.",
                  "A CSV of one row per bag and product: bag number, SKU, weight in kg (2.14). "
                  "The whole file is recorded, or nothing."),
               (long long)v->cycle);
    page_csrf_field(b, req);
    hidden_filters(b, v);
    buf_printf(b,
               "<label for=\"scale-file\">%s</label><input type=\"file\" id=\"scale-file\" "
               "name=\"file\" accept=\".csv,text/csv,text/plain\"> <button class=\"btn\" "
               "type=\"submit\">%s</button></form></section>",
               TR(req, "Fichier CSV", "CSV file"), TR(req, "Envoyer", "Send"));
}

static void shortage_form(buf *b, http_req *req, const weigh_view *v, const delivery_product *p,
                          size_t np, shortage_rule rule)
{
    bool bad = v->error_form && !strcmp(v->error_form, "shortage");
    buf_printf(b,
               "<section aria-labelledby=\"short-title\"><h2 id=\"short-title\">%s</h2><p "
               "class=\"hint\">%s ",
               TR(req, "Déclarer un manque", "Declare a shortage"),
               TR(req,
                  "Les unités manquantes sont retirées des commandes selon la règle du "
                  "groupement :",
                  "The missing units are taken from the orders by the hub's rule:"));
    buf_html(b, shortage_rule_label(rule, req->lang[0] == 'f'));
    buf_printf(b, ".</p><form method=\"post\" action=\"/weigh/%lld/shortage\">",
               (long long)v->cycle);
    page_csrf_field(b, req);
    hidden_filters(b, v);
    if (bad) {
        buf_puts(b, "<p class=\"field-error\" id=\"missing-error\">");
        buf_html(b, refusal_text(v->why, req->lang));
        buf_puts(b, "</p>");
    }
    buf_printf(b,
               "<label for=\"short-product\">%s</label><select id=\"short-product\" "
               "name=\"product\">",
               TR(req, "Produit", "Product"));
    for (size_t i = 0; i < np; i++) {
        const char *value = arena_printf(req->mem, "%s/%s", p[i].producer, p[i].sku);
        bool sel = v->shortage_product && !strcmp(v->shortage_product, value);
        buf_puts(b, "<option value=\"");
        buf_html(b, value);
        buf_printf(b, "\"%s>", sel ? " selected" : "");
        buf_html(b, p[i].name);
        buf_puts(b, " — ");
        fmt_qty(b, req, p[i].delivered);
        buf_printf(b, " %s %s ", fmt_unit(req, p[i].unit, p[i].delivered),
                   TR(req, "à livrer sur", "to deliver of"));
        fmt_qty(b, req, p[i].ordered);
        if (!v->producer) {
            buf_puts(b, " (");
            buf_html(b, p[i].producer_name);
            buf_puts(b, ")");
        }
        buf_puts(b, "</option>");
    }
    buf_printf(b,
               "</select><label for=\"short-missing\">%s</label><input type=\"text\" "
               "inputmode=\"decimal\" autocomplete=\"off\" class=\"qty\" id=\"short-missing\" "
               "name=\"missing\" value=\"",
               TR(req, "Quantité manquante", "Quantity missing"));
    buf_html(b, bad && v->shortage_missing ? v->shortage_missing : "");
    buf_printf(b,
               "\"%s><label for=\"short-reason\">%s</label><input type=\"text\" "
               "id=\"short-reason\" name=\"reason\" maxlength=\"500\" value=\"",
               bad ? " aria-invalid=\"true\" aria-describedby=\"missing-error\"" : "",
               TR(req, "Motif (vu par les clients)", "Reason (customers see it)"));
    buf_html(b, bad && v->shortage_reason ? v->shortage_reason : "");
    buf_printf(b, "\"> <button class=\"btn\" type=\"submit\">%s</button></form></section>",
               TR(req, "Enregistrer le manque", "Record the shortage"));
}

static bool weighable_state(const char *state)
{
    return !strcmp(state, "closed") || !strcmp(state, "batched");
}

static void state_words(buf *b, http_req *req, const delivery_list *dl)
{
    if (!strcmp(dl->state, "draft") || !strcmp(dl->state, "open"))
        buf_printf(b, "<p class=\"warn\">%s</p>",
                   TR(req,
                      "Les commandes ne sont pas encore closes : la pesée commence à la "
                      "clôture.",
                      "Orders are not closed yet: weighing starts when they close."));
    else if (!strcmp(dl->state, "invoiced"))
        buf_printf(b, "<p class=\"warn\">%s</p>",
                   TR(req, "Les factures sont émises : une correction passe par un avoir.",
                      "The invoices are issued: a correction is a credit note."));
    else if (!strcmp(dl->state, "closed"))
        buf_printf(b, "<p class=\"hint\">%s</p>",
                   TR(req,
                      "Les tournées ne sont pas encore calculées : les lignes sont "
                      "rangées par commande, sans numéro de sac.",
                      "The rounds are not planned yet: lines come by order, without bag "
                      "numbers."));
}

static void render(http_req *req, int status, const weigh_view *v)
{
    delivery_list dl;
    delivery_product *prods = NULL;
    size_t np = 0;
    refusal why = {0};
    int st = delivery_lines(req->db, req->mem, req->hub_id, v->cycle, v->producer, true, v->from,
                            PAGE_LINES + 1, &dl, &why);
    if (st == 0)
        st = delivery_products(req->db, req->mem, req->hub_id, v->cycle, v->producer, &prods, &np);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    const char *title = TR(req, "Pesée et manques", "Weighing and shortages");
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    if (req->session->role == ROLE_COORDINATOR)
        buf_printf(&b, "<p><a href=\"/desk/cycles/%lld\">← ", (long long)v->cycle);
    else
        buf_puts(&b, "<p><a href=\"/producer\">← ");
    buf_html(&b, dl.cycle_name);
    buf_printf(&b, "</a></p><h1>%s</h1><p>", title);
    buf_html(&b, dl.cycle_name);
    buf_printf(&b, " · %s ", TR(req, "livraison le", "delivery on"));
    fmt_date(&b, req, dl.delivery_date);
    if (v->slug) {
        buf_puts(&b, " · ");
        buf_html(&b, v->slug);
    }
    buf_puts(&b, "</p>");
    notices(&b, req);
    problems_box(&b, req, v);
    state_words(&b, req, &dl);
    bool open_for_changes = weighable_state(dl.state);
    buf_printf(&b, "<p><b>%zu</b> %s</p>", dl.to_weigh,
               dl.to_weigh == 1 ? TR(req, "ligne à peser", "line to weigh")
                                : TR(req, "lignes à peser", "lines to weigh"));
    size_t shown = dl.nlines > PAGE_LINES ? PAGE_LINES : dl.nlines;
    if (shown && open_for_changes) {
        buf_puts(&b, "<ol class=\"lines weigh\">");
        for (size_t i = 0; i < shown; i++)
            weigh_line(&b, req, v, &dl.lines[i]);
        buf_puts(&b, "</ol>");
        if (dl.nlines > PAGE_LINES)
            buf_printf(&b, "<p><a href=\"%s\">%s</a></p>", self(req, v, dl.lines[PAGE_LINES].bag),
                       TR(req, "Sacs suivants →", "Next bags →"));
    } else if (open_for_changes) {
        buf_printf(&b, "<p>%s</p>",
                   TR(req, "Aucun produit à peser dans ces commandes.",
                      "No product to weigh in these orders."));
    }
    if (open_for_changes) {
        file_form(&b, req, v);
        if (np)
            shortage_form(&b, req, v, prods, np, dl.rule);
    }
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /weigh/{cycle} */
void p_weigh(http_req *req)
{
    weigh_view v = {0};
    const char *from = http_query(req, "from");
    if (!target_or_reply(req, http_query(req, "p"), &v))
        return;
    if (from && !whole(from, &v.from)) {
        http_reply_error(req, 400, "invalid_field",
                         TR(req, "from est un numéro de sac.", "from is a bag number."), "from");
        return;
    }
    render(req, 200, &v);
}

static delivery_actor actor(const http_req *req)
{
    const http_session *s = req->session;
    return (delivery_actor){s->user_id, s->role == ROLE_PRODUCER ? s->producer_id : 0, "page"};
}

/* A refusal of the person's input comes back on the page; anything else as an error. */
static void refused(http_req *req, int st, const refusal *why, weigh_view *v)
{
    if (st < 0 || why->status == 404 || why->status == 503) {
        http_reply_failure(req, st, why);
        return;
    }
    v->why = why;
    render(req, why->status, v);
}

/* POST /weigh/{cycle}/line */
void p_weigh_line(http_req *req)
{
    form f;
    weigh_view v = {0};
    if (!page_form_or_reply(req, &f) || !target_or_reply(req, form_get(&f, "p"), &v))
        return;
    const char *line = form_get(&f, "line"), *weight = form_get(&f, "weight");
    const char *from = form_get(&f, "from");
    int64_t id = 0;
    if (from)
        whole(from, &v.from);
    if (!line || !whole(line, &id) || id <= 0) {
        http_reply_error(req, 400, "invalid_field", TR(req, "Ligne inconnue.", "Unknown line."),
                         "line");
        return;
    }
    weigh_row row = {.line = id, .at_line = "line", .at_weight = "weight"};
    refusal why = {0};
    int st = 0;
    if (!weight || !weigh_value(weight, &row.weight) || row.weight <= 0)
        st = refuse(&why, 422, "invalid_weight", "weight",
                    "Le poids est un nombre positif de kg, comme 2,14.",
                    "The weight is a positive number of kg, such as 2.14.");
    weigh_in in = {req->hub_id, v.cycle, actor(req), &row, 1, NULL};
    weigh_result r;
    if (st == 0)
        st = delivery_weigh(req->db, req->mem, &in, &r, &why);
    if (st == 0) {
        http_reply_redirect(req, arena_printf(req->mem, "%s&saved=%lld#line-%lld",
                                              self(req, &v, v.from), (long long)id, (long long)id));
        return;
    }
    v.error_line = id;
    v.typed = weight;
    v.error_form = "line";
    refused(req, st, &why, &v);
}

/* POST /weigh/{cycle}/file */
void p_weigh_file(http_req *req)
{
    form f;
    weigh_view v = {0};
    if (!page_form_or_reply(req, &f) || !target_or_reply(req, form_get(&f, "p"), &v))
        return;
    const form_field *file = form_field_get(&f, "file");
    const char *from = form_get(&f, "from");
    if (from)
        whole(from, &v.from);
    v.error_form = "file";
    if (!file || !file->filename || file->len == 0) {
        refusal *why = arena_alloc(req->mem, sizeof *why);
        refuse(why, 422, "missing_file", "file", "Choisissez le fichier de la balance.",
               "Choose the scale's file.");
        refused(req, 1, why, &v);
        return;
    }
    weigh_file *wf = arena_alloc(req->mem, sizeof *wf);
    if (weigh_csv_parse(file->value, file->len, file->filename, req->mem, wf) > 0) {
        v.file = wf;
        render(req, 422, &v);
        return;
    }
    weigh_in in = {req->hub_id, v.cycle, actor(req), wf->rows, wf->nrows, NULL};
    weigh_result r;
    refusal *why = arena_alloc(req->mem, sizeof *why);
    int st = delivery_weigh(req->db, req->mem, &in, &r, why);
    if (st == 0)
        http_reply_redirect(req,
                            arena_printf(req->mem, "%s&file=%zu", self(req, &v, v.from), r.nlines));
    else
        refused(req, st, why, &v);
}

/* POST /weigh/{cycle}/shortage — product "producer/sku", missing, reason */
void p_weigh_shortage(http_req *req)
{
    form f;
    weigh_view v = {0};
    if (!page_form_or_reply(req, &f) || !target_or_reply(req, form_get(&f, "p"), &v))
        return;
    const char *product = form_get(&f, "product"), *missing = form_get(&f, "missing");
    const char *from = form_get(&f, "from");
    if (from)
        whole(from, &v.from);
    v.error_form = "shortage";
    v.shortage_product = product;
    v.shortage_missing = missing;
    v.shortage_reason = form_get(&f, "reason");
    shortage_in in = {
        .hub = req->hub_id, .cycle = v.cycle, .who = actor(req), .reason = v.shortage_reason};
    refusal *why = arena_alloc(req->mem, sizeof *why);
    const char *slash = product ? strchr(product, '/') : NULL;
    int st = 0;
    if (!slash)
        st = refuse(why, 422, "missing_field", "product", "Choisissez le produit.",
                    "Choose the product.");
    else if (!missing || !parse_form_quantity(missing, &in.missing) || in.missing <= 0)
        st = refuse(why, 422, "invalid_quantity", "missing",
                    "La quantité manquante est un nombre positif, comme 2 ou 0,5.",
                    "The quantity missing is a positive number, such as 2 or 0.5.");
    if (st == 0) {
        in.producer = arena_strndup(req->mem, product, (size_t)(slash - product));
        in.sku = slash + 1;
        shortage_result r;
        st = delivery_shortage(req->db, req->mem, &in, &r, why);
    }
    if (st == 0)
        http_reply_redirect(req, arena_printf(req->mem, "%s&short=1", self(req, &v, v.from)));
    else
        refused(req, st, why, &v);
}
