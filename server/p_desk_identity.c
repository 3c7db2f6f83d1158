/*
 * server/p_desk_identity.c — the desk's "Le groupement / The hub" page: the hub's
 * legal identity, contact and depot; its weekly rhythm; the host names that lead to
 * it. Three forms, each saved through the same core function as PATCH
 * /api/v1/hub/settings (core/hub_identity.h), recorded like every setting (the
 * record is on the settings page). A refused form comes back with its fields marked.
 */
#include "../core/hub_identity.h"
#include "admin_io.h"
#include "desk.h"
#include "handlers.h"
#include "hub_select.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

typedef enum { PART_NONE, PART_IDENTITY, PART_WEEK, PART_HOSTS } part;

typedef struct {
    hub_identity_in id;
    hub_template_in week;
    const char *hosts; /* one per line */
} shown;

static void shown_from(http_req *req, const hub_identity *h, const hub_template *t,
                       const char *const *hosts, size_t nhosts, shown *v)
{
    arena *a = req->mem;
    char d[32];
    v->id = (hub_identity_in){h->name,
                              h->legal_form,
                              h->siret,
                              h->vat_number,
                              h->address,
                              h->rcs_city,
                              h->share_capital_cents < 0
                                  ? ""
                                  : arena_strdup(a, dec_format(d, h->share_capital_cents, 2, 0)),
                              h->email,
                              h->phone,
                              hub_degrees_text(a, h->depot_lat_e7),
                              hub_degrees_text(a, h->depot_lon_e7)};
    v->week =
        (hub_template_in){arena_printf(a, "%d", t->opens_dow), hub_time_text(a, t->opens_min),
                          arena_printf(a, "%d", t->closes_dow), hub_time_text(a, t->closes_min),
                          arena_printf(a, "%d", t->delivery_dow)};
    buf b = BUF_INIT;
    for (size_t i = 0; i < nhosts; i++)
        buf_printf(&b, "%s%s", i ? "\n" : "", hosts[i]);
    v->hosts = arena_strdup(a, buf_str(&b));
    buf_free(&b);
}

static void week_form(buf *b, http_req *req, const hub_template_in *w, const refusal *why)
{
    const char *const days[][2] = {
        {"1", TR(req, "lundi", "Monday")},       {"2", TR(req, "mardi", "Tuesday")},
        {"3", TR(req, "mercredi", "Wednesday")}, {"4", TR(req, "jeudi", "Thursday")},
        {"5", TR(req, "vendredi", "Friday")},    {"6", TR(req, "samedi", "Saturday")},
        {"7", TR(req, "dimanche", "Sunday")}};
    buf_printf(b, "<h2 id=\"week\">%s</h2><p class=\"hint\">%s</p>",
               TR(req, "Rythme de la semaine", "Weekly rhythm"),
               TR(req,
                  "Les semaines préparées ensuite suivent ce rythme (heure de Paris) ; les cycles "
                  "déjà créés gardent leurs dates.",
                  "Weeks prepared afterwards follow this rhythm (Paris time); cycles already made "
                  "keep their dates."));
    buf_puts(b, "<form method=\"post\" action=\"/desk/hub/week\" novalidate>");
    page_csrf_field(b, req);
    admin_select(b, req, "template_opens_day", TR(req, "Ouverture : jour", "Opens: day"), days, 7,
                 w->opens_day, why);
    admin_input(b, req, "template_opens_time", TR(req, "Ouverture : heure", "Opens: time"), NULL,
                "text", w->opens_time, why);
    admin_select(b, req, "template_closes_day", TR(req, "Clôture : jour", "Closes: day"), days, 7,
                 w->closes_day, why);
    admin_input(b, req, "template_closes_time", TR(req, "Clôture : heure", "Closes: time"), NULL,
                "text", w->closes_time, why);
    admin_select(b, req, "template_delivery_day", TR(req, "Livraison : jour", "Delivery: day"),
                 days, 7, w->delivery_day, why);
    buf_printf(b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer le rythme", "Save the rhythm"));
}

static void hosts_form(buf *b, http_req *req, const char *hosts, const refusal *why)
{
    buf_printf(b, "<h2 id=\"addresses\">%s</h2>",
               TR(req, "Adresses du groupement", "The hub's host names"));
    buf_puts(b, "<form method=\"post\" action=\"/desk/hub/hosts\" novalidate>");
    page_csrf_field(b, req);
    admin_textarea(b, req, "hosts",
                   TR(req, "Noms d’hôte (un par ligne)", "Host names (one a line)"),
                   TR(req,
                      "Les visiteurs de ces adresses voient ce groupement, dès l’enregistrement. "
                      "Le nom doit d’abord mener à km0 (DNS et serveur web).",
                      "Visitors of these names see this hub, as soon as they are saved. The name "
                      "must first lead to km0 (DNS and web server)."),
                   hosts, why);
    buf_printf(b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer les adresses", "Save the host names"));
}

static void render(http_req *req, int status, part bad, const shown *typed, const refusal *why)
{
    hub_identity h;
    hub_template t;
    const char **hosts;
    size_t nhosts;
    int st = hub_identity_get(req->db, req->mem, req->hub_id, &h);
    if (st == DB_OK)
        st = hub_template_get(req->db, req->mem, req->hub_id, &t);
    if (st == DB_OK)
        st = hub_hosts_get(req->db, req->mem, req->hub_id, &hosts, &nhosts);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    shown v;
    shown_from(req, &h, &t, hosts, nhosts, &v);
    if (bad == PART_IDENTITY)
        v.id = typed->id;
    else if (bad == PART_WEEK)
        v.week = typed->week;
    else if (bad == PART_HOSTS)
        v.hosts = typed->hosts;
    buf b = BUF_INIT;
    const char *title = TR(req, "Le groupement", "The hub");
    page_begin(&b, req, title);
    admin_top(&b, req, "/desk", TR(req, "Bureau de coordination", "Coordinator desk"), title);
    desk_notice(&b, req);
    admin_errors(&b, req, why);
    buf_printf(&b, "<p>%s <b>", TR(req, "Identifiant :", "Short name:"));
    buf_html(&b, h.slug);
    buf_printf(&b, "</b>. <a href=\"/desk/settings\">%s</a></p>",
               TR(req, "Vente, paiement, limites et historique des changements",
                  "Selling, payment, limits and the record of changes"));
    buf_printf(&b, "<h2 id=\"identity\">%s</h2>", TR(req, "Identité", "Identity"));
    buf_puts(&b, "<form method=\"post\" action=\"/desk/hub/identity\" novalidate>");
    page_csrf_field(&b, req);
    admin_hub_identity_fields(&b, req, &v.id, bad == PART_IDENTITY ? why : NULL);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer l’identité", "Save the identity"));
    week_form(&b, req, &v.week, bad == PART_WEEK ? why : NULL);
    hosts_form(&b, req, v.hosts, bad == PART_HOSTS ? why : NULL);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/hub */
void p_desk_hub(http_req *req)
{
    render(req, 200, PART_NONE, NULL, NULL);
}

/* The lines of a textarea as host names (blank lines skipped). */
static const char **lines(http_req *req, const char *text, size_t *n)
{
    size_t cap = 1;
    for (const char *p = text; *p; p++)
        cap += *p == '\n';
    const char **out = arena_alloc(req->mem, (cap + 1) * sizeof *out);
    *n = 0;
    while (*text) {
        size_t len = strcspn(text, "\r\n");
        const char *s = arena_strndup(req->mem, text, len);
        if (strspn(s, " \t") != len)
            out[(*n)++] = s;
        text += len;
        text += strspn(text, "\r\n");
    }
    return out;
}

int desk_hosts_free(http_req *req, const char *const *hosts, size_t n, refusal *why)
{
    for (size_t i = 0; i < n; i++) {
        const char *h = hub_host_normalize(req->mem, hosts[i]);
        bool taken;
        if (!h)
            continue; /* named by the core's check */
        int st = hub_select_config_taken(req, h, req->hub_id, &taken);
        if (st != DB_OK)
            return st;
        if (taken)
            return refuse(why, 409, "host_taken", "hosts",
                          arena_printf(req->mem,
                                       "« %s » mène à un autre groupement (configuration du "
                                       "serveur).",
                                       h),
                          arena_printf(req->mem,
                                       "\"%s\" leads to another hub (the server's configuration).",
                                       h));
    }
    return 0;
}

static void save(http_req *req, part which)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    shown typed = {{0}, {0}, NULL};
    hub_admin_patch p = {0};
    int st = 0;
    refusal why = {0};
    if (which == PART_IDENTITY) {
        typed.id = (hub_identity_in){
            form_get(&f, "name"),          form_get(&f, "legal_form"), form_get(&f, "siret"),
            form_get(&f, "vat_number"),    form_get(&f, "address"),    form_get(&f, "rcs_city"),
            form_get(&f, "share_capital"), form_get(&f, "email"),      form_get(&f, "phone"),
            form_get(&f, "depot_lat"),     form_get(&f, "depot_lon")};
        p.identity = typed.id;
    } else if (which == PART_WEEK) {
        typed.week = (hub_template_in){
            form_get(&f, "template_opens_day"), form_get(&f, "template_opens_time"),
            form_get(&f, "template_closes_day"), form_get(&f, "template_closes_time"),
            form_get(&f, "template_delivery_day")};
        p.tmpl = typed.week;
    } else {
        typed.hosts = form_get(&f, "hosts") ? form_get(&f, "hosts") : "";
        p.set_hosts = true;
        p.hosts = lines(req, typed.hosts, &p.nhosts);
        st = desk_hosts_free(req, p.hosts, p.nhosts, &why);
    }
    if (st == 0)
        st = hub_admin_update(req->db, req->mem, req->hub_id, &p, req->session->user_id, "desk",
                              &why);
    if (st > 0 && (why.status == 422 || why.status == 409)) {
        render(req, why.status, which, &typed, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/hub", "saved");
}

/* POST /desk/hub/identity */
void p_desk_hub_identity(http_req *req)
{
    save(req, PART_IDENTITY);
}

/* POST /desk/hub/week */
void p_desk_hub_week(http_req *req)
{
    save(req, PART_WEEK);
}

/* POST /desk/hub/hosts */
void p_desk_hub_hosts(http_req *req)
{
    save(req, PART_HOSTS);
}
