/*
 * server/p_desk_producers.c — the desk's producers: the list, a new producer, its
 * identity edited, its login invited, suspended after a confirmation, reactivated.
 *
 * The same core functions as /api/v1/producers (core/producer_admin.h, core/invite.h).
 * A refused form comes back with every problem next to its field (422); what cannot be
 * undone without consequences (suspending a producer whose lines are in an open cycle)
 * is a page that says what will happen, then the button.
 */
#include "../core/config.h"
#include "../core/hub_identity.h"
#include "../core/invite.h"
#include "../core/producer_admin.h"
#include "admin_io.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <string.h>

#define FIELDS 14
static const char *const field_names[FIELDS] = {
    "name",  "legal_form", "siret",   "vat_regime", "vat_number", "address", "town",
    "email", "phone",      "website", "iban",       "lat",        "lon",     "description"};

/* The form's values: as typed after a refusal, else the producer's. */
typedef struct {
    const char *slug, *v[FIELDS];
} typed;

static void typed_from_record(http_req *req, const producer_record *p, typed *t)
{
    const char *v[FIELDS] = {p->name,
                             p->legal_form,
                             p->siret,
                             p->vat_regime,
                             p->vat_number,
                             p->address,
                             p->town,
                             p->email,
                             p->phone,
                             p->website,
                             p->iban,
                             p->has_position ? hub_degrees_text(req->mem, p->lat_e7) : "",
                             p->has_position ? hub_degrees_text(req->mem, p->lon_e7) : "",
                             p->description};
    t->slug = p->slug;
    memcpy(t->v, v, sizeof v);
}

static void typed_from_form(const form *f, typed *t)
{
    t->slug = form_get(f, "slug");
    for (size_t i = 0; i < FIELDS; i++)
        t->v[i] = form_get(f, field_names[i]);
}

static producer_in in_from(const typed *t)
{
    return (producer_in){t->slug, t->v[0], t->v[1], t->v[2],  t->v[3],  t->v[4],  t->v[5], t->v[6],
                         t->v[7], t->v[8], t->v[9], t->v[13], t->v[10], t->v[11], t->v[12]};
}

static void fields(buf *b, http_req *req, const typed *t, bool creating, const refusal *why)
{
    size_t nforms;
    const char *const(*forms)[2] = admin_legal_forms(req, &nforms);
    const char *const regimes[][2] = {
        {"standard", TR(req, "Assujetti à la TVA", "VAT-registered")},
        {"franchise", TR(req, "Franchise en base de TVA (art. 293 B du CGI)",
                         "VAT franchise (art. 293 B CGI)")}};
    buf_printf(b, "<fieldset><legend>%s</legend>",
               TR(req, "Identité légale (sur les factures)", "Legal identity (on invoices)"));
    if (creating)
        admin_input(b, req, "slug", TR(req, "Identifiant court", "Short name"),
                    TR(req,
                       "Minuscules, chiffres et tirets : « ferme-des-chenes ». Il ne change "
                       "plus ensuite.",
                       "Lower-case letters, digits and dashes: \"ferme-des-chenes\". It does not "
                       "change afterwards."),
                    "text", t->slug, why);
    admin_input(b, req, "name", TR(req, "Nom", "Name"), NULL, "text", t->v[0], why);
    admin_select(b, req, "legal_form", TR(req, "Forme juridique", "Legal form"), forms, nforms,
                 t->v[1], why);
    admin_input(b, req, "siret", "SIRET", TR(req, "14 chiffres.", "14 digits."), "text", t->v[2],
                why);
    admin_select(b, req, "vat_regime", TR(req, "Régime de TVA", "VAT regime"), regimes, 2, t->v[3],
                 why);
    admin_input(b, req, "vat_number", TR(req, "Numéro de TVA", "VAT number"),
                TR(req, "Pour un producteur assujetti.", "For a VAT-registered producer."), "text",
                t->v[4], why);
    admin_input(b, req, "iban", "IBAN",
                TR(req, "Où le groupement lui verse ses ventes.",
                   "Where the hub pays the producer's sales."),
                "text", t->v[10], why);
    buf_printf(b, "</fieldset><fieldset><legend>%s</legend>",
               TR(req, "Adresse et contact", "Address and contact"));
    admin_input(b, req, "address", TR(req, "Adresse", "Address"),
                TR(req, "Finissant par le code postal et la commune.",
                   "Ending with the postcode and the commune."),
                "text", t->v[5], why);
    admin_input(b, req, "town", TR(req, "Commune (affichée)", "Town (shown)"), NULL, "text",
                t->v[6], why);
    admin_input(b, req, "email", TR(req, "E-mail", "Email"), NULL, "email", t->v[7], why);
    admin_input(b, req, "phone", TR(req, "Téléphone", "Phone"), NULL, "tel", t->v[8], why);
    admin_input(b, req, "website", TR(req, "Site web", "Website"), NULL, "url", t->v[9], why);
    admin_input(b, req, "lat", TR(req, "Latitude (facultative)", "Latitude (optional)"),
                TR(req, "Vide avec la longitude : le centre de la commune, si km0 la connaît.",
                   "Empty with the longitude: the commune's centre, if km0 knows it."),
                "text", t->v[11], why);
    admin_input(b, req, "lon", TR(req, "Longitude (facultative)", "Longitude (optional)"), NULL,
                "text", t->v[12], why);
    admin_textarea(b, req, "description", TR(req, "Présentation", "Description"),
                   TR(req, "Ce que les clients lisent ; le producteur la modifie aussi.",
                      "What customers read; the producer edits it too."),
                   t->v[13], why);
    buf_puts(b, "</fieldset>");
}

/* GET /desk/producers */
void p_desk_producers(http_req *req)
{
    producer_record *p;
    size_t n;
    int st = producer_list(req->db, req->mem, req->hub_id, &p, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    const char *title = TR(req, "Producteurs", "Producers");
    page_begin(&b, req, title);
    admin_top(&b, req, "/desk", TR(req, "Bureau de coordination", "Coordinator desk"), title);
    desk_notice(&b, req);
    buf_printf(&b, "<p><a class=\"btn\" href=\"/desk/producers/new\">%s</a></p>",
               TR(req, "Ajouter un producteur", "Add a producer"));
    buf_printf(&b,
               "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>",
               TR(req, "Nom", "Name"), TR(req, "Commune", "Town"), TR(req, "TVA", "VAT"),
               TR(req, "Compte", "Account"), TR(req, "État", "Status"));
    for (size_t i = 0; i < n; i++) {
        buf_puts(&b, "<tr><td><a href=\"/desk/producers/");
        buf_html(&b, p[i].slug);
        buf_puts(&b, "\">");
        buf_html(&b, p[i].name);
        buf_printf(&b, "</a></td><td data-l=\"%s\">", TR(req, "Commune", "Town"));
        buf_html(&b, p[i].town);
        buf_printf(&b, "</td><td data-l=\"%s\">", TR(req, "TVA", "VAT"));
        buf_html(&b, !strcmp(p[i].vat_regime, "franchise") ? TR(req, "franchise", "franchise")
                                                           : p[i].vat_number);
        buf_printf(&b, "</td><td data-l=\"%s\">%s</td><td data-l=\"%s\">%s</td></tr>",
                   TR(req, "Compte", "Account"),
                   p[i].accounts              ? TR(req, "ouvert", "open")
                   : p[i].invitations_pending ? TR(req, "invité", "invited")
                                              : TR(req, "aucun", "none"),
                   TR(req, "État", "Status"),
                   p[i].active ? TR(req, "actif", "active") : TR(req, "suspendu", "suspended"));
    }
    buf_puts(&b, "</tbody></table>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

static void render_new(http_req *req, int status, const typed *t, const refusal *why)
{
    buf b = BUF_INIT;
    const char *title = TR(req, "Nouveau producteur", "New producer");
    page_begin(&b, req, title);
    admin_top(&b, req, "/desk/producers", TR(req, "Producteurs", "Producers"), title);
    admin_errors(&b, req, why);
    buf_puts(&b, "<form method=\"post\" action=\"/desk/producers\" novalidate>");
    page_csrf_field(&b, req);
    fields(&b, req, t, true, why);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Ajouter le producteur", "Add the producer"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/producers/new */
void p_desk_producer_new(http_req *req)
{
    typed t = {.slug = ""};
    t.v[3] = "standard";
    render_new(req, 200, &t, NULL);
}

/* POST /desk/producers */
void p_desk_producer_create(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    typed t;
    typed_from_form(&f, &t);
    producer_in in = in_from(&t);
    refusal why = {0};
    int st = producer_create(req->db, req->mem, req->hub_id, &in, &why);
    if (st > 0 && (why.status == 422 || why.status == 409)) {
        render_new(req, why.status, &t, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    buf loc = BUF_INIT;
    buf_puts(&loc, "/desk/producers/");
    buf_url(&loc, t.slug);
    desk_done(req, arena_strdup(req->mem, buf_str(&loc)), "created_producer");
    buf_free(&loc);
}

static bool load_or_reply(http_req *req, producer_record *p)
{
    bool found;
    int st = producer_get(req->db, req->mem, req->hub_id, http_param(req, "slug"), p, &found);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found",
                         TR(req, "Ce producteur n’existe pas.", "There is no such producer."),
                         NULL);
        return false;
    }
    return true;
}

/* The account part of the producer's page: its logins, an invitation, a link just made. */
static void account_section(buf *b, http_req *req, const producer_record *p,
                            const invite_sent *sent, const refusal *invite_why)
{
    buf_printf(b, "<h2 id=\"account\">%s</h2>",
               TR(req, "Compte du producteur", "Producer account"));
    if (sent) {
        buf_printf(b, "<div class=\"notice\" role=\"status\"><p>%s</p>",
                   sent->mailed
                       ? TR(req,
                            "Invitation envoyée par e-mail. Si elle n’arrive pas, transmettez ce "
                            "lien au producteur (il sert une fois) : il y choisira son mot de "
                            "passe.",
                            "Invitation sent by email. If it does not arrive, pass this link on "
                            "to the producer (it serves once): they will choose their password "
                            "there.")
                       : TR(req,
                            "Invitation prête. Transmettez ce lien au producteur (il sert une "
                            "fois) : il y choisira son mot de passe.",
                            "Invitation ready. Pass this link on to the producer (it serves "
                            "once): they will choose their password there."));
        buf_puts(b, "<p><label for=\"invite-link\">");
        buf_puts(b, TR(req, "Lien d’invitation", "Invitation link"));
        buf_puts(b, "</label><input type=\"text\" readonly id=\"invite-link\" value=\"");
        buf_html(b, g_config.public_url);
        buf_puts(b, "/invitation?t=");
        buf_html(b, sent->token);
        buf_printf(b, "\"></p><p>%s ", TR(req, "Pour", "For"));
        buf_html(b, sent->email);
        buf_printf(b, " — %s ", TR(req, "valable jusqu’au", "valid until"));
        fmt_datetime(b, req, sent->expires_at);
        buf_puts(b, ".</p></div>");
    }
    buf_printf(b, "<p>%s</p>",
               p->accounts ? TR(req, "Le producteur a son compte.", "The producer has an account.")
               : p->invitations_pending ? TR(req, "Une invitation attend d’être utilisée.",
                                             "An invitation is waiting to be used.")
                                        : TR(req, "Le producteur n’a pas encore de compte.",
                                             "The producer has no account yet."));
    buf_puts(b, "<form method=\"post\" action=\"/desk/producers/");
    buf_html(b, p->slug);
    buf_puts(b, "/invitations\" novalidate>");
    page_csrf_field(b, req);
    admin_input(b, req, "invite_email", TR(req, "Inviter (e-mail)", "Invite (email)"),
                TR(req, "Un lien à usage unique pour choisir son mot de passe.",
                   "A one-time link to choose a password."),
                "email", p->email, invite_why);
    buf_printf(b, "<p><button class=\"btn secondary\" type=\"submit\">%s</button></p></form>",
               TR(req, "Créer un lien d’invitation", "Make an invitation link"));
    buf_printf(b, "<h2>%s</h2>", TR(req, "Participation", "Taking part"));
    buf_printf(b, "<p>%s</p>",
               p->active ? TR(req, "Actif : participe aux prochains cycles.",
                              "Active: takes part in the next cycles.")
                         : TR(req, "Suspendu : ne participe à aucun nouveau cycle.",
                              "Suspended: takes part in no new cycle."));
    desk_action_button(b, req, arena_printf(req->mem, "/desk/producers/%s/active", p->slug),
                       p->active ? TR(req, "Suspendre…", "Suspend…")
                                 : TR(req, "Réactiver", "Reactivate"),
                       "active", p->active ? "0" : "1", p->active ? "danger" : "secondary");
}

static void render_edit(http_req *req, int status, const producer_record *p, const typed *t,
                        const refusal *why, const invite_sent *sent, const refusal *invite_why)
{
    buf b = BUF_INIT;
    page_begin(&b, req, p->name);
    admin_top(&b, req, "/desk/producers", TR(req, "Producteurs", "Producers"), p->name);
    desk_notice(&b, req);
    admin_errors(&b, req, why ? why : invite_why);
    buf_puts(&b, "<form method=\"post\" action=\"/desk/producers/");
    buf_html(&b, p->slug);
    buf_puts(&b, "\" novalidate>");
    page_csrf_field(&b, req);
    fields(&b, req, t, false, why);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               TR(req, "Enregistrer", "Save"));
    buf_printf(&b, "<p>%s : %lld. <a href=\"/producer?p=",
               TR(req, "Produits actifs", "Active products"), (long long)p->products);
    buf_html(&b, p->slug);
    buf_printf(&b, "\">%s</a></p>", TR(req, "Voir le catalogue", "See the catalog"));
    account_section(&b, req, p, sent, invite_why);
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/producers/{slug} */
void p_desk_producer(http_req *req)
{
    producer_record p;
    if (!load_or_reply(req, &p))
        return;
    typed t;
    typed_from_record(req, &p, &t);
    render_edit(req, 200, &p, &t, NULL, NULL, NULL);
}

/* POST /desk/producers/{slug} */
void p_desk_producer_save(http_req *req)
{
    form f;
    producer_record p;
    if (!page_form_or_reply(req, &f) || !load_or_reply(req, &p))
        return;
    typed t;
    typed_from_form(&f, &t);
    t.slug = NULL;
    producer_in in = in_from(&t);
    refusal why = {0};
    int st = producer_update(req->db, req->mem, req->hub_id, p.slug, &in, false, &why);
    if (st > 0 && why.status == 422) {
        render_edit(req, 422, &p, &t, &why, NULL, NULL);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, req->path, "saved");
}

/* POST /desk/producers/{slug}/invitations */
void p_desk_producer_invite(http_req *req)
{
    form f;
    producer_record p;
    if (!page_form_or_reply(req, &f) || !load_or_reply(req, &p))
        return;
    invite_sent sent;
    refusal why = {0};
    int st = invite_create(req->db, req->mem, req->hub_id, "producer", p.slug,
                           form_get(&f, "invite_email"), g_config.invitation_days,
                           req->session->user_id, &sent, &why);
    typed t;
    typed_from_record(req, &p, &t);
    if (st > 0 && (why.status == 422 || why.status == 409)) {
        why.field = "invite_email";
        render_edit(req, why.status, &p, &t, NULL, NULL, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    p.invitations_pending++;
    render_edit(req, 200, &p, &t, NULL, &sent, NULL);
}

static void render_confirm(http_req *req, const producer_record *p, const producer_impact *im)
{
    buf b = BUF_INIT;
    const char *title = TR(req, "Suspendre ce producteur ?", "Suspend this producer?");
    page_begin(&b, req, title);
    admin_top(&b, req, arena_printf(req->mem, "/desk/producers/%s", p->slug), p->name, title);
    buf_printf(&b, "<div class=\"warn\"><p>");
    buf_html(&b, p->name);
    buf_printf(&b,
               TR(req, " a %lld ligne%s dans %lld commande%s d’un cycle ouvert (",
                  " has %lld line%s in %lld order%s of an open cycle ("),
               (long long)im->lines, im->lines > 1 ? "s" : "", (long long)im->orders,
               im->orders > 1 ? "s" : "");
    fmt_money(&b, req, im->excl);
    buf_printf(&b, " %s).</p><ul><li>%s</li><li>%s</li><li>%s</li></ul></div>",
               TR(req, "HT", "excl. VAT"),
               TR(req, "Ces lignes restent : elles seront livrées et facturées comme prévu.",
                  "These lines stay: they will be delivered and invoiced as planned."),
               TR(req, "Plus rien ne pourra lui être commandé dans ce cycle.",
                  "Nothing more can be ordered from this producer in that cycle."),
               TR(req, "Il ne participera à aucun cycle ouvert ensuite, jusqu’à sa réactivation.",
                  "It takes part in no cycle opened afterwards, until it is reactivated."));
    buf_puts(&b, "<div class=\"actions\">");
    buf_puts(&b, "<form method=\"post\" action=\"/desk/producers/");
    buf_html(&b, p->slug);
    buf_puts(&b, "/active\">");
    page_csrf_field(&b, req);
    buf_printf(&b,
               "<input type=\"hidden\" name=\"active\" value=\"0\"><input type=\"hidden\" "
               "name=\"confirm\" value=\"1\"><button class=\"btn danger\" type=\"submit\">%s"
               "</button></form><a class=\"btn secondary\" href=\"/desk/producers/",
               TR(req, "Oui, suspendre", "Yes, suspend"));
    buf_html(&b, p->slug);
    buf_printf(&b, "\">%s</a></div>", TR(req, "Non, revenir", "No, go back"));
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* POST /desk/producers/{slug}/active — active=0|1, confirm=1 after the page above */
void p_desk_producer_active(http_req *req)
{
    form f;
    producer_record p;
    if (!page_form_or_reply(req, &f) || !load_or_reply(req, &p))
        return;
    const char *v = form_get(&f, "active"), *c = form_get(&f, "confirm");
    bool active = v && !strcmp(v, "1"), confirmed = c && !strcmp(c, "1");
    producer_impact im;
    refusal why = {0};
    int st =
        producer_set_active(req->db, req->mem, req->hub_id, p.slug, active, confirmed, &im, &why);
    if (st > 0 && !strcmp(why.code, "confirmation_needed")) {
        render_confirm(req, &p, &im);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, "/desk/producers", active ? "activated" : "suspended");
}
