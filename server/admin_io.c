/*
 * server/admin_io.c — form fields with their problems, and JSON bodies as text.
 */
#include "admin_io.h"
#include "../core/hub_identity.h"
#include "../core/legal.h"
#include "../core/text.h"
#include "page.h"

#include <stdio.h>
#include <string.h>

const char *admin_error(http_req *req, const refusal *why, const char *id)
{
    if (!why)
        return NULL;
    for (size_t i = 0; i < why->ndetails; i++)
        if (why->details[i].field && !strcmp(why->details[i].field, id))
            return req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en;
    if (why->field && !strcmp(why->field, id))
        return refusal_text(why, req->lang);
    return NULL;
}

void admin_errors(buf *b, http_req *req, const refusal *why)
{
    if (!why)
        return;
    size_t n = why->ndetails ? why->ndetails : 1;
    buf_printf(b,
               "<div class=\"error-summary\" role=\"alert\" tabindex=\"-1\" id=\"errors\"><h2>%s"
               "</h2><ul>",
               n > 1 ? TR(req, "Il y a des problèmes", "There are problems")
                     : TR(req, "Il y a un problème", "There is a problem"));
    for (size_t i = 0; i < n; i++) {
        const char *f = why->ndetails ? why->details[i].field : why->field;
        buf_puts(b, "<li><a href=\"#");
        buf_html(b, f ? f : "main");
        buf_puts(b, "\">");
        buf_html(b, why->ndetails ? (req->lang[0] == 'f' ? why->details[i].fr : why->details[i].en)
                                  : refusal_text(why, req->lang));
        buf_puts(b, "</a></li>");
    }
    buf_puts(b, "</ul></div>");
}

/* label, hint and error, and the attributes that tie them to the control */
static void head(buf *b, const char *id, const char *label, const char *hint, const char *err)
{
    buf_printf(b, "<label for=\"%s\">", id);
    buf_html(b, label);
    buf_puts(b, "</label>");
    if (hint) {
        buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">", id);
        buf_html(b, hint);
        buf_puts(b, "</p>");
    }
    if (err) {
        buf_printf(b, "<p class=\"field-error\" id=\"%s-error\">", id);
        buf_html(b, err);
        buf_puts(b, "</p>");
    }
}

static void described(buf *b, const char *id, const char *hint, const char *err)
{
    if (hint && err)
        buf_printf(b, " aria-describedby=\"%s-hint %s-error\"", id, id);
    else if (hint || err)
        buf_printf(b, " aria-describedby=\"%s-%s\"", id, hint ? "hint" : "error");
    if (err)
        buf_puts(b, " aria-invalid=\"true\"");
}

void admin_input(buf *b, http_req *req, const char *id, const char *label, const char *hint,
                 const char *type, const char *value, const refusal *why)
{
    const char *err = admin_error(req, why, id);
    head(b, id, label, hint, err);
    buf_printf(b, "<input type=\"%s\" id=\"%s\" name=\"%s\"", type, id, id);
    described(b, id, hint, err);
    buf_puts(b, " value=\"");
    buf_html(b, value ? value : "");
    buf_puts(b, "\">");
}

void admin_textarea(buf *b, http_req *req, const char *id, const char *label, const char *hint,
                    const char *value, const refusal *why)
{
    const char *err = admin_error(req, why, id);
    head(b, id, label, hint, err);
    buf_printf(b, "<textarea id=\"%s\" name=\"%s\" rows=\"5\" cols=\"40\"", id, id);
    described(b, id, hint, err);
    buf_puts(b, ">");
    buf_html(b, value ? value : "");
    buf_puts(b, "</textarea>");
}

void admin_select(buf *b, http_req *req, const char *id, const char *label,
                  const char *const (*options)[2], size_t n, const char *value, const refusal *why)
{
    const char *err = admin_error(req, why, id);
    head(b, id, label, NULL, err);
    buf_printf(b, "<select id=\"%s\" name=\"%s\"", id, id);
    described(b, id, NULL, err);
    buf_puts(b, ">");
    for (size_t i = 0; i < n; i++) {
        buf_puts(b, "<option value=\"");
        buf_html(b, options[i][0]);
        buf_printf(b, "\"%s>", value && !strcmp(value, options[i][0]) ? " selected" : "");
        buf_html(b, options[i][1]);
        buf_puts(b, "</option>");
    }
    buf_puts(b, "</select>");
}

void admin_top(buf *b, http_req *req, const char *back, const char *back_label, const char *title)
{
    (void)req;
    buf_puts(b, "<p><a href=\"");
    buf_html(b, back);
    buf_puts(b, "\">← ");
    buf_html(b, back_label);
    buf_puts(b, "</a></p><h1>");
    buf_html(b, title);
    buf_puts(b, "</h1>");
}

cJSON *admin_json_object_or_reply(http_req *req)
{
    cJSON *body = http_json_body(req);
    if (body && !cJSON_IsObject(body)) {
        http_reply_error(req, 422, "invalid_body",
                         TR(req, "Envoyez un objet JSON.", "Send a JSON object."), NULL);
        return NULL;
    }
    return body;
}

bool admin_json_fields_or_reply(http_req *req, const cJSON *body, const char *const *keys,
                                size_t nkeys, const char **out)
{
    for (size_t i = 0; i < nkeys; i++)
        out[i] = NULL;
    const cJSON *v;
    cJSON_ArrayForEach(v, body)
    {
        size_t k = 0;
        while (k < nkeys && strcmp(keys[k], v->string))
            k++;
        if (k == nkeys) {
            http_reply_error(req, 422, "unknown_field",
                             TR(req, "Ce champ n’existe pas ici.", "There is no such field here."),
                             arena_strdup(req->mem, v->string));
            return false;
        }
        if (cJSON_IsString(v)) {
            out[k] = arena_strdup(req->mem, v->valuestring); /* the tree may go first */
        } else if (cJSON_IsNull(v)) {
            out[k] = "";
        } else if (cJSON_IsBool(v)) {
            out[k] = cJSON_IsTrue(v) ? "true" : "false";
        } else if (cJSON_IsNumber(v)) {
            double d = v->valuedouble;
            out[k] = d == (double)(long long)d && d > -1e15 && d < 1e15
                         ? arena_printf(req->mem, "%lld", (long long)d)
                         : arena_printf(req->mem, "%.10g", d);
        } else {
            http_reply_error(req, 422, "invalid_field",
                             TR(req, "Une chaîne, un nombre, un booléen ou null.",
                                "A string, a number, a boolean or null."),
                             arena_strdup(req->mem, v->string));
            return false;
        }
        /* the core checks each field's length and characters; this bounds what it reads */
        if (strlen(out[k]) > 16384 || text_check(out[k], 0, 8000, TEXT_LINES) != TEXT_OK) {
            http_reply_error(req, 422, "invalid_text",
                             TR(req, "Ce champ est trop long ou contient un caractère refusé.",
                                "This field is too long or holds a character that is refused."),
                             arena_strdup(req->mem, v->string));
            return false;
        }
    }
    return true;
}

bool admin_bool(const char *v, bool *b)
{
    if (v && !strcmp(v, "true"))
        *b = true;
    else if (v && !strcmp(v, "false"))
        *b = false;
    else
        return false;
    return true;
}

const char *const (*admin_legal_forms(http_req *req, size_t *n))[2]
{
    size_t k = legal_form_count();
    const char *(*o)[2] = arena_alloc(req->mem, (k + 1) * sizeof *o);
    o[0][0] = "";
    o[0][1] = TR(req, "— choisir —", "— choose —");
    for (size_t i = 0; i < k; i++) {
        o[i + 1][0] = legal_form_at(i)->label;
        o[i + 1][1] = legal_form_at(i)->label;
    }
    *n = k + 1;
    return (const char *const(*)[2])o;
}

void admin_hub_identity_fields(buf *b, http_req *req, const hub_identity_in *v, const refusal *why)
{
    size_t nforms;
    const char *const(*forms)[2] = admin_legal_forms(req, &nforms);
    buf_printf(b, "<fieldset><legend>%s</legend>",
               TR(req, "Identité légale (sur les factures)", "Legal identity (on invoices)"));
    admin_input(b, req, "name", TR(req, "Nom", "Name"), NULL, "text", v->name, why);
    admin_select(b, req, "legal_form", TR(req, "Forme juridique", "Legal form"), forms, nforms,
                 v->legal_form, why);
    admin_input(b, req, "siret", "SIRET", TR(req, "14 chiffres.", "14 digits."), "text", v->siret,
                why);
    admin_input(b, req, "vat_number", TR(req, "Numéro de TVA intracommunautaire", "VAT number"),
                TR(req, "Vide si le groupement n’en a pas.", "Empty if the hub has none."), "text",
                v->vat_number, why);
    admin_input(
        b, req, "rcs_city", TR(req, "Ville du RCS", "Trade register (RCS) city"),
        TR(req, "Pour une société (SARL, SAS, SCIC…).", "For a company (SARL, SAS, SCIC…)."),
        "text", v->rcs_city, why);
    admin_input(b, req, "share_capital", TR(req, "Capital social (€)", "Share capital (€)"),
                TR(req, "Pour une société.", "For a company."), "text", v->share_capital, why);
    buf_printf(b, "</fieldset><fieldset><legend>%s</legend>",
               TR(req, "Adresse, contact et dépôt", "Address, contact and depot"));
    admin_input(b, req, "address", TR(req, "Adresse", "Address"),
                TR(req,
                   "Finissant par le code postal et la commune : « ZA des Gaulois, 26400 Crest ».",
                   "Ending with the postcode and the commune: \"ZA des Gaulois, 26400 Crest\"."),
                "text", v->address, why);
    admin_input(b, req, "email", TR(req, "E-mail de contact", "Contact email"), NULL, "email",
                v->email, why);
    admin_input(b, req, "phone", TR(req, "Téléphone", "Phone"), NULL, "tel", v->phone, why);
    admin_input(b, req, "depot_lat", TR(req, "Latitude du dépôt", "Depot latitude"),
                TR(req,
                   "Vide avec la longitude : le centre de la commune de l’adresse, si km0 la "
                   "connaît.",
                   "Empty with the longitude: the centre of the address's commune, if km0 knows "
                   "it."),
                "text", v->depot_lat, why);
    admin_input(b, req, "depot_lon", TR(req, "Longitude du dépôt", "Depot longitude"), NULL, "text",
                v->depot_lon, why);
    buf_puts(b, "</fieldset>");
}
