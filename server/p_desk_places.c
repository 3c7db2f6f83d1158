/*
 * server/p_desk_places.c — the desk's pickup points and vans: lists, new ones, edits,
 * deactivation. The same core functions as /api/v1/pickup-points and /api/v1/vehicles
 * (core/place.h).
 *
 * A pickup point's slots are rows of three fields (day, from, to); the form always
 * offers PICKUP_SLOTS_MAX rows, so a slot is added without JavaScript by filling an
 * empty row and removed by emptying one. Its position is typed, or the commune's
 * from the address (core/gazetteer.h); the form says which communes km0 knows.
 */
#include "../core/gazetteer.h"
#include "../core/hub_identity.h"
#include "../core/place.h"
#include "admin_io.h"
#include "desk.h"
#include "handlers.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

static bool is_vans(http_req *req)
{
    return strncmp(req->path, "/desk/vehicles", 14) == 0;
}

static const char *base(http_req *req)
{
    return is_vans(req) ? "/desk/vehicles" : "/desk/pickup-points";
}

static const char *kind_title(http_req *req)
{
    return is_vans(req) ? TR(req, "Véhicules", "Vans")
                        : TR(req, "Points de retrait", "Pickup points");
}

/* ---- the lists ------------------------------------------------------------------------ */

static void day_name(buf *b, http_req *req, int dow)
{
    static const char *const fr[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                     "vendredi", "samedi", "dimanche"};
    static const char *const en[] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                     "Friday", "Saturday", "Sunday"};
    buf_puts(b, dow >= 1 && dow <= 7 ? TR(req, fr[dow - 1], en[dow - 1]) : "?");
}

static void slots_text(buf *b, http_req *req, const pickup_record *p)
{
    for (size_t k = 0; k < p->nslots; k++) {
        if (k)
            buf_puts(b, ", ");
        day_name(b, req, p->slots[k].dow);
        buf_printf(b, " %02d:%02d–%02d:%02d", p->slots[k].start_min / 60,
                   p->slots[k].start_min % 60, p->slots[k].end_min / 60, p->slots[k].end_min % 60);
    }
    if (!p->nslots)
        buf_html(b, p->opening);
}

static void active_button(buf *b, http_req *req, const char *slug, bool active)
{
    desk_action_button(b, req, arena_printf(req->mem, "%s/%s/active", base(req), slug),
                       active ? TR(req, "Désactiver", "Deactivate")
                              : TR(req, "Réactiver", "Reactivate"),
                       "active", active ? "0" : "1", active ? "danger" : "secondary");
}

/* GET /desk/pickup-points and GET /desk/vehicles */
void p_desk_places(http_req *req)
{
    bool vans = is_vans(req);
    pickup_record *p = NULL;
    vehicle_record *v = NULL;
    size_t n;
    int st = vans ? vehicle_list(req->db, req->mem, req->hub_id, &v, &n)
                  : pickup_list(req->db, req->mem, req->hub_id, &p, &n);
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return;
    }
    buf b = BUF_INIT;
    page_begin(&b, req, kind_title(req));
    admin_top(&b, req, "/desk", TR(req, "Bureau de coordination", "Coordinator desk"),
              kind_title(req));
    desk_notice(&b, req);
    buf_printf(&b, "<p><a class=\"btn\" href=\"%s/new\">%s</a></p>", base(req),
               vans ? TR(req, "Ajouter un véhicule", "Add a van")
                    : TR(req, "Ajouter un point de retrait", "Add a pickup point"));
    buf_printf(&b,
               "<table><thead><tr><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "<th scope=\"col\">%s</th><th scope=\"col\">%s</th><th scope=\"col\">%s</th>"
               "</tr></thead><tbody>",
               TR(req, "Nom", "Name"),
               vans ? TR(req, "Capacité", "Capacity") : TR(req, "Adresse", "Address"),
               vans ? TR(req, "Départ", "Departs") : TR(req, "Créneaux", "Slots"),
               TR(req, "État", "Status"), TR(req, "Actions", "Actions"));
    for (size_t i = 0; i < n; i++) {
        const char *slug = vans ? v[i].slug : p[i].slug, *name = vans ? v[i].name : p[i].name;
        bool active = vans ? v[i].active : p[i].active;
        buf_printf(&b, "<tr><td><a href=\"%s/", base(req));
        buf_html(&b, slug);
        buf_puts(&b, "\">");
        buf_html(&b, name);
        buf_printf(&b, "</a></td><td data-l=\"%s\">",
                   vans ? TR(req, "Capacité", "Capacity") : TR(req, "Adresse", "Address"));
        if (vans) {
            fmt_qty(&b, req, v[i].capacity_g);
            buf_printf(&b, " kg</td><td data-l=\"%s\">%02d:%02d, %d km/h",
                       TR(req, "Départ", "Departs"), v[i].departs_min / 60, v[i].departs_min % 60,
                       v[i].speed_kmh);
        } else {
            buf_html(&b, p[i].address);
            buf_printf(&b, "</td><td data-l=\"%s\">", TR(req, "Créneaux", "Slots"));
            slots_text(&b, req, &p[i]);
        }
        buf_printf(&b, "</td><td data-l=\"%s\">%s</td><td>", TR(req, "État", "Status"),
                   active ? TR(req, "actif", "active") : TR(req, "désactivé", "deactivated"));
        active_button(&b, req, slug, active);
        buf_puts(&b, "</td></tr>");
    }
    buf_puts(&b, "</tbody></table>");
    page_end(&b, req);
    http_reply_html(req, 200, &b);
}

/* ---- the forms ------------------------------------------------------------------------ */

#define PF 6 /* slug, name, address, lat, lon, capacity */
#define VF 7 /* slug, name, capacity_kg, capacity_crates, speed_kmh, stop_minutes, departs */
static const char *const pickup_fields[PF] = {"slug", "name", "address", "lat", "lon", "capacity"};
static const char *const vehicle_fields[VF] = {
    "slug", "name", "capacity_kg", "capacity_crates", "speed_kmh", "stop_minutes", "departs"};

typedef struct {
    const char *v[VF];
    const char *day[PICKUP_SLOTS_MAX], *from[PICKUP_SLOTS_MAX], *to[PICKUP_SLOTS_MAX];
    const char *opening; /* the slots as one text (a script's form) */
} typed;

static void typed_from_form(http_req *req, const form *f, typed *t)
{
    memset(t, 0, sizeof *t);
    bool vans = is_vans(req);
    for (size_t i = 0; i < (vans ? VF : PF); i++)
        t->v[i] = form_get(f, vans ? vehicle_fields[i] : pickup_fields[i]);
    t->opening = vans ? NULL : form_get(f, "opening");
    for (int k = 0; !vans && k < PICKUP_SLOTS_MAX; k++) {
        t->day[k] = form_get(f, arena_printf(req->mem, "slot_day_%d", k + 1));
        t->from[k] = form_get(f, arena_printf(req->mem, "slot_from_%d", k + 1));
        t->to[k] = form_get(f, arena_printf(req->mem, "slot_to_%d", k + 1));
    }
}

static void typed_from_pickup(http_req *req, const pickup_record *p, typed *t)
{
    memset(t, 0, sizeof *t);
    const char *v[PF] = {p->slug,
                         p->name,
                         p->address,
                         hub_degrees_text(req->mem, p->lat_e7),
                         hub_degrees_text(req->mem, p->lon_e7),
                         p->capacity ? arena_printf(req->mem, "%lld", (long long)p->capacity) : ""};
    memcpy(t->v, v, sizeof v);
    for (size_t k = 0; k < p->nslots; k++) {
        t->day[k] = arena_printf(req->mem, "%d", p->slots[k].dow);
        t->from[k] = hub_time_text(req->mem, p->slots[k].start_min);
        t->to[k] = hub_time_text(req->mem, p->slots[k].end_min);
    }
}

static void typed_from_vehicle(http_req *req, const vehicle_record *v, typed *t)
{
    char d[32];
    memset(t, 0, sizeof *t);
    const char *f[VF] = {
        v->slug,
        v->name,
        arena_strdup(req->mem, dec_format(d, v->capacity_g, 3, 0)),
        v->capacity_crates ? arena_printf(req->mem, "%lld", (long long)v->capacity_crates) : "",
        arena_printf(req->mem, "%d", v->speed_kmh),
        arena_printf(req->mem, "%d", v->stop_minutes),
        hub_time_text(req->mem, v->departs_min)};
    memcpy(t->v, f, sizeof f);
}

static void slot_rows(buf *b, http_req *req, const typed *t, const refusal *why)
{
    const char *const days[][2] = {{"", TR(req, "—", "—")},
                                   {"1", TR(req, "lundi", "Monday")},
                                   {"2", TR(req, "mardi", "Tuesday")},
                                   {"3", TR(req, "mercredi", "Wednesday")},
                                   {"4", TR(req, "jeudi", "Thursday")},
                                   {"5", TR(req, "vendredi", "Friday")},
                                   {"6", TR(req, "samedi", "Saturday")},
                                   {"7", TR(req, "dimanche", "Sunday")}};
    const char *err = admin_error(req, why, "slots"), *text_err = admin_error(req, why, "opening");
    buf_printf(b, "<fieldset id=\"slots\"><legend>%s</legend>",
               TR(req, "Créneaux de retrait (heure de Paris)", "Pickup slots (Paris time)"));
    if (err) {
        buf_puts(b, "<p class=\"field-error\">");
        buf_html(b, err);
        buf_puts(b, "</p>");
    }
    if (text_err) { /* the slots a script sent as one text ("opening") */
        buf_puts(b, "<p class=\"field-error\" id=\"opening-error\"><span id=\"opening\">");
        buf_html(b, text_err);
        buf_puts(b, "</span></p>");
    }
    buf_printf(b, "<p class=\"hint\">%s</p>",
               TR(req, "Un créneau au moins, quatre au plus ; une ligne vide n’en est pas un.",
                  "At least one slot, at most four; an empty row is none."));
    for (int k = 1; k <= PICKUP_SLOTS_MAX; k++) {
        char id[32];
        buf_printf(b, "<p>");
        snprintf(id, sizeof id, "slot_day_%d", k);
        admin_select(b, req, id,
                     arena_printf(req->mem, TR(req, "Créneau %d : jour", "Slot %d: day"), k), days,
                     8, t->day[k - 1] ? t->day[k - 1] : "", NULL);
        snprintf(id, sizeof id, "slot_from_%d", k);
        admin_input(b, req, id, TR(req, "de", "from"), NULL, "text", t->from[k - 1], NULL);
        snprintf(id, sizeof id, "slot_to_%d", k);
        admin_input(b, req, id, TR(req, "à", "to"), NULL, "text", t->to[k - 1], NULL);
        buf_puts(b, "</p>");
    }
    buf_puts(b, "</fieldset>");
}

static void pickup_fields_html(buf *b, http_req *req, const typed *t, bool creating,
                               const refusal *why)
{
    if (creating)
        admin_input(b, req, "slug", TR(req, "Identifiant court", "Short name"),
                    TR(req, "Minuscules, chiffres et tirets : « crest-halle ».",
                       "Lower-case letters, digits and dashes: \"crest-halle\"."),
                    "text", t->v[0], why);
    admin_input(b, req, "name", TR(req, "Nom", "Name"), NULL, "text", t->v[1], why);
    admin_input(b, req, "address", TR(req, "Adresse", "Address"),
                TR(req,
                   "Finissant par le code postal et la commune : « Place du Marché, 26400 Crest ».",
                   "Ending with the postcode and the commune: \"Place du Marché, 26400 Crest\"."),
                "text", t->v[2], why);
    size_t known = gazetteer_size();
    const char *hint =
        known
            ? arena_printf(req->mem,
                           TR(req,
                              "Vides toutes deux : la position du centre de la commune de "
                              "l’adresse (km0 connaît %zu communes de plus de 1 000 habitants) ; "
                              "sinon tapez-les, en degrés décimaux.",
                              "Both empty: the position of the centre of the address's commune "
                              "(km0 knows %zu communes of more than 1,000 inhabitants); otherwise "
                              "type them, in decimal degrees."),
                           known)
            : TR(req, "En degrés décimaux, comme 44.7352 et 5.0046.",
                 "In decimal degrees, such as 44.7352 and 5.0046.");
    admin_input(b, req, "lat", TR(req, "Latitude", "Latitude"), hint, "text", t->v[3], why);
    admin_input(b, req, "lon", TR(req, "Longitude", "Longitude"), NULL, "text", t->v[4], why);
    admin_input(b, req, "capacity",
                TR(req, "Capacité (commandes par cycle)", "Capacity (orders per cycle)"),
                TR(req, "Vide : sans limite.", "Empty: no limit."), "text", t->v[5], why);
    slot_rows(b, req, t, why);
}

static void vehicle_fields_html(buf *b, http_req *req, const typed *t, bool creating,
                                const refusal *why)
{
    if (creating)
        admin_input(b, req, "slug", TR(req, "Identifiant court", "Short name"),
                    TR(req, "Minuscules, chiffres et tirets : « camion-1 ».",
                       "Lower-case letters, digits and dashes: \"van-1\"."),
                    "text", t->v[0], why);
    admin_input(b, req, "name", TR(req, "Nom", "Name"), NULL, "text", t->v[1], why);
    admin_input(b, req, "capacity_kg", TR(req, "Charge utile (kg)", "Payload (kg)"), NULL, "text",
                t->v[2], why);
    admin_input(b, req, "capacity_crates", TR(req, "Caisses (facultatif)", "Crates (optional)"),
                NULL, "text", t->v[3], why);
    admin_input(b, req, "speed_kmh", TR(req, "Vitesse moyenne (km/h)", "Average speed (km/h)"),
                NULL, "text", t->v[4], why);
    admin_input(b, req, "stop_minutes", TR(req, "Minutes par arrêt", "Minutes per stop"), NULL,
                "text", t->v[5], why);
    admin_input(b, req, "departs", TR(req, "Départ du dépôt (HH:MM)", "Leaves the depot (HH:MM)"),
                NULL, "text", t->v[6], why);
}

static void render_form(http_req *req, int status, const char *slug, const char *name,
                        const typed *t, const refusal *why)
{
    bool creating = slug == NULL, vans = is_vans(req);
    const char *title = creating ? (vans ? TR(req, "Nouveau véhicule", "New van")
                                         : TR(req, "Nouveau point de retrait", "New pickup point"))
                                 : name;
    buf b = BUF_INIT;
    page_begin(&b, req, title);
    admin_top(&b, req, base(req), kind_title(req), title);
    desk_notice(&b, req);
    admin_errors(&b, req, why);
    buf_printf(&b, "<form method=\"post\" action=\"%s", base(req));
    if (!creating) {
        buf_puts(&b, "/");
        buf_html(&b, slug);
    }
    buf_puts(&b, "\" novalidate>");
    page_csrf_field(&b, req);
    if (vans)
        vehicle_fields_html(&b, req, t, creating, why);
    else
        pickup_fields_html(&b, req, t, creating, why);
    buf_printf(&b, "<p><button class=\"btn\" type=\"submit\">%s</button></p></form>",
               creating ? TR(req, "Ajouter", "Add") : TR(req, "Enregistrer", "Save"));
    page_end(&b, req);
    http_reply_html(req, status, &b);
}

/* GET /desk/pickup-points/new and /desk/vehicles/new */
void p_desk_place_new(http_req *req)
{
    typed t;
    memset(&t, 0, sizeof t);
    if (is_vans(req)) {
        t.v[4] = "50";
        t.v[5] = "10";
        t.v[6] = "07:00";
    }
    render_form(req, 200, NULL, NULL, &t, NULL);
}

/* A form without slot rows (the previous release's, a script's) keeps the point's
 * slots, or gives them as one text ("opening"); rows sent, even empty, replace them. */
static pickup_in pickup_in_from(const typed *t)
{
    bool rows = false;
    for (int k = 0; k < PICKUP_SLOTS_MAX; k++)
        rows = rows || t->day[k] || t->from[k] || t->to[k];
    return (pickup_in){.slug = t->v[0],
                       .name = t->v[1],
                       .address = t->v[2],
                       .lat = t->v[3],
                       .lon = t->v[4],
                       .capacity = t->v[5],
                       .set_slots = rows,
                       .slot_day = t->day,
                       .slot_from = t->from,
                       .slot_to = t->to,
                       .nslots = PICKUP_SLOTS_MAX,
                       .opening = t->opening};
}

static vehicle_in vehicle_in_from(const typed *t)
{
    return (vehicle_in){t->v[0], t->v[1], t->v[2], t->v[3], t->v[4], t->v[5], t->v[6]};
}

/* POST /desk/pickup-points and /desk/vehicles */
void p_desk_place_create(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    typed t;
    typed_from_form(req, &f, &t);
    refusal why = {0};
    int st;
    if (is_vans(req)) {
        vehicle_in in = vehicle_in_from(&t);
        st = vehicle_create(req->db, req->mem, req->hub_id, &in, &why);
    } else {
        pickup_in in = pickup_in_from(&t);
        st = pickup_create(req->db, req->mem, req->hub_id, &in, &why);
    }
    if (st > 0 && (why.status == 422 || why.status == 409)) {
        render_form(req, why.status, NULL, NULL, &t, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, base(req), "created_place");
}

/* The record named by {slug} into t (and its name), or a 404/503 reply. */
static bool load_or_reply(http_req *req, typed *t, const char **name)
{
    bool found;
    int st;
    const char *slug = http_param(req, "slug");
    if (is_vans(req)) {
        vehicle_record v;
        st = vehicle_get(req->db, req->mem, req->hub_id, slug, &v, &found);
        if (st == DB_OK && found) {
            typed_from_vehicle(req, &v, t);
            *name = v.name;
        }
    } else {
        pickup_record p;
        st = pickup_get(req->db, req->mem, req->hub_id, slug, &p, &found);
        if (st == DB_OK && found) {
            typed_from_pickup(req, &p, t);
            *name = p.name;
        }
    }
    if (st != DB_OK) {
        http_reply_db_error(req, st);
        return false;
    }
    if (!found) {
        http_reply_error(req, 404, "not_found", TR(req, "Introuvable.", "Not found."), NULL);
        return false;
    }
    return true;
}

/* GET /desk/pickup-points/{slug} and /desk/vehicles/{slug} */
void p_desk_place(http_req *req)
{
    typed t;
    const char *name;
    if (load_or_reply(req, &t, &name))
        render_form(req, 200, http_param(req, "slug"), name, &t, NULL);
}

/* POST /desk/pickup-points/{slug} and /desk/vehicles/{slug} */
void p_desk_place_save(http_req *req)
{
    form f;
    typed old, t;
    const char *name;
    if (!page_form_or_reply(req, &f) || !load_or_reply(req, &old, &name))
        return;
    typed_from_form(req, &f, &t);
    t.v[0] = NULL;
    const char *slug = http_param(req, "slug");
    refusal why = {0};
    int st;
    if (is_vans(req)) {
        vehicle_in in = vehicle_in_from(&t);
        st = vehicle_update(req->db, req->mem, req->hub_id, slug, &in, &why);
    } else {
        pickup_in in = pickup_in_from(&t);
        st = pickup_update(req->db, req->mem, req->hub_id, slug, &in, &why);
    }
    if (st > 0 && why.status == 422) {
        render_form(req, 422, slug, name, &t, &why);
        return;
    }
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, req->path, "saved");
}

/* POST /desk/pickup-points/{slug}/active and /desk/vehicles/{slug}/active */
void p_desk_place_active(http_req *req)
{
    form f;
    if (!page_form_or_reply(req, &f))
        return;
    const char *v = form_get(&f, "active");
    bool active = v && !strcmp(v, "1");
    refusal why = {0};
    const char *slug = http_param(req, "slug");
    int st = is_vans(req) ? vehicle_set_active(req->db, req->mem, req->hub_id, slug, active, &why)
                          : pickup_set_active(req->db, req->mem, req->hub_id, slug, active, &why);
    if (st != 0) {
        http_reply_failure(req, st, &why);
        return;
    }
    desk_done(req, base(req), active ? "activated" : "deactivated");
}
