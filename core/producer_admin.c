/*
 * core/producer_admin.c — producers added, edited, suspended and reactivated.
 *
 * A form's every problem is named at once; a write is one statement or one
 * transaction, so a refusal leaves nothing half-written.
 */
#include "producer_admin.h"
#include "account.h"
#include "bank_id.h"
#include "gazetteer.h"
#include "legal.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

#define PRODUCER_COLUMNS                                                                           \
    "p.id, p.slug, p.name, p.legal_form, p.siret, p.vat_regime, p.vat_number, p.address,"          \
    " p.town, p.email, p.phone, p.website, p.description, p.iban, p.active,"                       \
    " p.lat IS NOT NULL AS has_position, coalesce(round(p.lat * 10000000), 0)::bigint AS lat_e7,"  \
    " coalesce(round(p.lon * 10000000), 0)::bigint AS lon_e7,"                                     \
    " (SELECT count(*) FROM products x WHERE x.producer_id = p.id AND x.active) AS products,"      \
    " (SELECT count(*) FROM users u WHERE u.producer_id = p.id) AS accounts,"                      \
    " (SELECT count(DISTINCT i.email) FROM invitations i WHERE i.producer_id = p.id"               \
    "   AND i.used_at IS NULL AND i.expires_at > now()) AS invitations"                            \
    " FROM producers p"

DB_STMT(list,
        "SELECT " PRODUCER_COLUMNS " WHERE p.hub_id = $1 ORDER BY p.name COLLATE \"fr-x-icu\"");
DB_STMT(one, "SELECT " PRODUCER_COLUMNS " WHERE p.hub_id = $1 AND p.slug = $2");
DB_STMT(insert,
        "INSERT INTO producers (hub_id, slug, name, legal_form, siret, vat_regime, vat_number,"
        "   address, town, email, phone, website, description, iban, lat, lon)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,"
        "   CASE WHEN $15 THEN $16::numeric / 10000000 END,"
        "   CASE WHEN $15 THEN $17::numeric / 10000000 END)"
        " ON CONFLICT (hub_id, slug) DO NOTHING RETURNING id");
DB_STMT(update,
        "UPDATE producers SET name = $3, legal_form = $4, siret = $5, vat_regime = $6,"
        " vat_number = $7, address = $8, town = $9, email = $10, phone = $11, website = $12,"
        " description = $13, iban = $14, lat = CASE WHEN $15 THEN $16::numeric / 10000000 END,"
        " lon = CASE WHEN $15 THEN $17::numeric / 10000000 END"
        " WHERE hub_id = $1 AND slug = $2 RETURNING id");
DB_STMT(impact_of,
        "SELECT count(DISTINCT o.cycle_id) AS cycles, count(DISTINCT l.order_id) AS orders,"
        " count(*) AS lines, coalesce(sum(l.line_excl_vat_cents), 0) AS excl"
        " FROM producers p JOIN offers o ON o.producer_id = p.id"
        " JOIN cycles cy ON cy.id = o.cycle_id AND cy.state = 'open'"
        " JOIN order_lines l ON l.offer_id = o.id"
        " WHERE p.hub_id = $1 AND p.slug = $2");
DB_STMT(lock_one, "SELECT id, active FROM producers WHERE hub_id = $1 AND slug = $2 FOR UPDATE");
DB_STMT(set_active, "UPDATE producers SET active = $2 WHERE id = $1");
/* what is already sold stays; nothing more can be ordered in its open cycles */
DB_STMT(stop_sales, "UPDATE offers o SET stock_milli = o.sold_milli FROM cycles cy"
                    " WHERE o.producer_id = $1 AND cy.id = o.cycle_id AND cy.state = 'open'"
                    "   AND (o.stock_milli IS NULL OR o.stock_milli > o.sold_milli)");
/* and it leaves the cycles not open yet */
DB_STMT(leave_drafts, "DELETE FROM cycle_producers cp USING cycles cy"
                      " WHERE cp.producer_id = $1 AND cy.id = cp.cycle_id AND cy.state = 'draft'");

static void from_row(const PGresult *r, int i, producer_record *p)
{
    *p = (producer_record){
        .id = db_int(r, i, "id"),
        .slug = db_val(r, i, "slug"),
        .name = db_val(r, i, "name"),
        .legal_form = db_val(r, i, "legal_form"),
        .siret = db_val(r, i, "siret"),
        .vat_regime = db_val(r, i, "vat_regime"),
        .vat_number = db_val(r, i, "vat_number"),
        .address = db_val(r, i, "address"),
        .town = db_val(r, i, "town"),
        .email = db_val(r, i, "email"),
        .phone = db_val(r, i, "phone"),
        .website = db_val(r, i, "website"),
        .description = db_val(r, i, "description"),
        .iban = db_val(r, i, "iban"),
        .has_position = db_bool(r, i, "has_position"),
        .lat_e7 = db_int(r, i, "lat_e7"),
        .lon_e7 = db_int(r, i, "lon_e7"),
        .active = db_bool(r, i, "active"),
        .products = db_int(r, i, "products"),
        .accounts = db_int(r, i, "accounts"),
        .invitations_pending = db_int(r, i, "invitations"),
    };
}

db_status producer_list(db_conn *c, arena *a, int64_t hub, producer_record **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &list, &r, DB_P(db_i64(a, hub)));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        from_row(r, (int)i, &(*out)[i]);
    return DB_OK;
}

db_status producer_get(db_conn *c, arena *a, int64_t hub, const char *slug, producer_record *out,
                       bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &one, &r, DB_P(db_i64(a, hub), slug));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1) {
        from_row(r, 0, out);
        *found = true;
    }
    return DB_OK;
}

static const char *squeeze(arena *a, const char *s, bool upper)
{
    char *o = arena_alloc(a, strlen(s) + 1), *q = o;
    for (; *s; s++)
        if (*s != ' ' && *s != '.')
            *q++ = upper ? (char)toupper((unsigned char)*s) : *s;
    *q = '\0';
    return o;
}

static bool phone_ok(const char *p)
{
    int digits = 0;
    for (const char *s = p; *s; s++) {
        if (*s >= '0' && *s <= '9')
            digits++;
        else if (!strchr(" +.-()", *s))
            return false;
    }
    return *p == '\0' || (digits >= 6 && digits <= 20);
}

#define PROBLEM(field, fr, en) (d[n++] = (refusal_detail){"invalid_field", field, fr, en})

/* Check what was typed over p (a new producer: a blank record), every problem at once. */
static int check(arena *a, const producer_in *in, bool creating, producer_record *p, refusal *why)
{
    refusal_detail d[20];
    size_t n = 0;
    if (creating) {
        if (!in->slug || !slug_valid(in->slug))
            PROBLEM("slug",
                    "L’identifiant s’écrit en minuscules, chiffres et tirets, comme "
                    "« ferme-des-chenes ».",
                    "The short name is lower-case letters, digits and dashes, such as "
                    "\"ferme-des-chenes\".");
        else
            p->slug = in->slug;
    }
    if ((in->name || creating) &&
        text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE,
                    "Le nom compte de 1 à 200 caractères.", "The name has 1 to 200 characters."))
        p->name = in->name;
    if (in->legal_form) {
        const legal_form_def *f = legal_form_find(in->legal_form);
        if (*in->legal_form && !f)
            PROBLEM("legal_form", "Choisissez la forme juridique dans la liste.",
                    "Choose the legal form from the list.");
        else
            p->legal_form = f ? f->label : "";
    }
    if (in->siret || creating) {
        const char *s = squeeze(a, in->siret ? in->siret : "", false);
        if (!siret_valid(s))
            PROBLEM("siret", "Le SIRET compte 14 chiffres, et sa clé (Luhn) doit être juste.",
                    "The SIRET is 14 digits with a valid check digit (Luhn).");
        else
            p->siret = s;
    }
    if (in->vat_regime || creating) {
        const char *r = in->vat_regime ? in->vat_regime : "";
        if (strcmp(r, "standard") && strcmp(r, "franchise"))
            PROBLEM("vat_regime",
                    "Choisissez le régime de TVA : assujetti, ou franchise en base (art. 293 B).",
                    "Choose the VAT regime: registered, or the franchise (art. 293 B).");
        else
            p->vat_regime = r;
    }
    if (in->vat_number)
        p->vat_number = squeeze(a, in->vat_number, true);
    if (!strcmp(p->vat_regime, "franchise"))
        p->vat_number = "";
    else if (!strcmp(p->vat_regime, "standard") && !fr_vat_valid(p->vat_number))
        PROBLEM("vat_number",
                "Un producteur assujetti indique son numéro de TVA : FR, une clé de 2 chiffres et "
                "le SIREN (sa clé doit être juste).",
                "A VAT-registered producer gives its VAT number: FR, a 2-digit key and the SIREN "
                "(with a valid key).");
    if (in->address && text_detail(a, d, &n, "address", in->address, 0, 300, TEXT_LINE,
                                   "L’adresse compte 300 caractères au plus.",
                                   "The address has at most 300 characters."))
        p->address = in->address;
    if (in->town && text_detail(a, d, &n, "town", in->town, 0, 100, TEXT_LINE,
                                "La commune compte 100 caractères au plus.",
                                "The town has at most 100 characters."))
        p->town = in->town;
    if (in->email) {
        const char *e = *in->email ? account_normalize_email(a, in->email) : "";
        if (!e)
            PROBLEM("email", "Cette adresse e-mail n’est pas valide.",
                    "This email address is not valid.");
        else
            p->email = e;
    }
    if (in->phone) {
        if (text_check(in->phone, 0, 40, TEXT_LINE) != TEXT_OK || !phone_ok(in->phone))
            PROBLEM("phone", "Ce numéro de téléphone n’est pas valide.",
                    "This phone number is not valid.");
        else
            p->phone = in->phone;
    }
    if (in->website) {
        if (text_check(in->website, 0, 200, TEXT_LINE) != TEXT_OK ||
            (*in->website && strncmp(in->website, "https://", 8) &&
             strncmp(in->website, "http://", 7)) ||
            strpbrk(in->website, " \"<>"))
            PROBLEM("website",
                    "Le site s’écrit comme https://ferme.exemple.fr (200 caractères "
                    "au plus).",
                    "The website is written like https://farm.example.org (at most 200 "
                    "characters).");
        else
            p->website = in->website;
    }
    if (in->description &&
        text_detail(a, d, &n, "description", in->description, 0, 2000, TEXT_LINES,
                    "La présentation compte 2 000 caractères au plus.",
                    "The description has at most 2,000 characters."))
        p->description = in->description;
    if (in->iban) {
        char iban[35];
        if (!*in->iban)
            p->iban = "";
        else if (!bank_iban_normalize(in->iban, iban))
            PROBLEM("iban",
                    "Cet IBAN n’est pas valide : vérifiez-le (sa clé de contrôle ne correspond "
                    "pas).",
                    "This IBAN is not valid: check it (its check digits do not match).");
        else
            p->iban = arena_strdup(a, iban);
    }
    if ((in->lat && *in->lat) || (in->lon && *in->lon)) {
        bool found;
        gazetteer_position(a, p->address, in->lat, in->lon, "lat", "lon", false, &p->lat_e7,
                           &p->lon_e7, &found, d, &n);
        p->has_position = found;
    } else if (in->address || in->lat || in->lon) {
        /* the commune's position when the gazetteer knows it; a producer's is optional */
        const gaz_commune *g;
        if (gazetteer_locate(a, p->address, &g) == GAZ_FOUND) {
            p->lat_e7 = g->lat_e7;
            p->lon_e7 = g->lon_e7;
            p->has_position = true;
        } else {
            p->has_position = false;
        }
    }
    return n ? refuse_details(why, a, d, n) : 0;
}

static const char *const *params(arena *a, int64_t hub, const producer_record *p)
{
    const char **v = arena_alloc(a, 17 * sizeof *v);
    const char *vals[17] = {db_i64(a, hub),
                            p->slug,
                            p->name,
                            p->legal_form,
                            p->siret,
                            p->vat_regime,
                            p->vat_number,
                            p->address,
                            p->town,
                            p->email,
                            p->phone,
                            p->website,
                            p->description,
                            p->iban,
                            p->has_position ? "t" : "f",
                            db_i64(a, p->lat_e7),
                            db_i64(a, p->lon_e7)};
    memcpy(v, vals, sizeof vals);
    return v;
}

int producer_create(db_conn *c, arena *a, int64_t hub, const producer_in *in, refusal *why)
{
    producer_record p = {.slug = "",
                         .name = "",
                         .legal_form = "",
                         .siret = "",
                         .vat_regime = "",
                         .vat_number = "",
                         .address = "",
                         .town = "",
                         .email = "",
                         .phone = "",
                         .website = "",
                         .description = "",
                         .iban = ""};
    int st = check(a, in, true, &p, why);
    if (st)
        return st;
    PGresult *r;
    if ((st = db_run_a(c, a, &insert, &r, 17, params(a, hub, &p))) != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(why, 409, "slug_taken", "slug",
                      "Un producteur du groupement a déjà cet identifiant.",
                      "A producer of this hub already has this short name.");
    return 0;
}

int producer_update(db_conn *c, arena *a, int64_t hub, const char *slug, const producer_in *in,
                    bool self, refusal *why)
{
    if (self) {
        const struct {
            const char *v, *field;
        } closed[] = {{in->slug, "slug"},
                      {in->name, "name"},
                      {in->legal_form, "legal_form"},
                      {in->siret, "siret"},
                      {in->vat_regime, "vat_regime"},
                      {in->vat_number, "vat_number"},
                      {in->address, "address"},
                      {in->town, "town"},
                      {in->iban, "iban"},
                      {in->lat, "lat"},
                      {in->lon, "lon"}};
        for (size_t i = 0; i < sizeof closed / sizeof closed[0]; i++)
            if (closed[i].v)
                return refuse(why, 403, "forbidden_field", closed[i].field,
                              "Ce renseignement est tenu par le groupement : demandez-lui de le "
                              "changer.",
                              "The hub keeps this detail: ask it to change it.");
    } else if (in->slug && strcmp(in->slug, slug) != 0) {
        return refuse(why, 422, "invalid_field", "slug",
                      "L’identifiant d’un producteur ne change pas (il est dans ses documents).",
                      "A producer's short name does not change (its documents carry it).");
    }
    producer_record p;
    bool found;
    int st = producer_get(c, a, hub, slug, &p, &found);
    if (st != DB_OK)
        return st;
    if (!found)
        return refuse(why, 404, "not_found", "slug", "Ce producteur n’existe pas.",
                      "There is no such producer.");
    producer_in typed = *in;
    typed.slug = NULL;
    if ((st = check(a, &typed, false, &p, why)) != 0)
        return st;
    PGresult *r;
    if ((st = db_run_a(c, a, &update, &r, 17, params(a, hub, &p))) != DB_OK)
        return st;
    return PQntuples(r) == 1 ? 0
                             : refuse(why, 404, "not_found", "slug", "Ce producteur n’existe pas.",
                                      "There is no such producer.");
}

db_status producer_impact_get(db_conn *c, arena *a, int64_t hub, const char *slug,
                              producer_impact *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &impact_of, &r, DB_P(db_i64(a, hub), slug));
    if (st != DB_OK)
        return st;
    *out = (producer_impact){db_int(r, 0, "cycles"), db_int(r, 0, "orders"), db_int(r, 0, "lines"),
                             db_int(r, 0, "excl")};
    return DB_OK;
}

typedef struct {
    arena *a;
    int64_t hub;
    const char *slug;
    bool active, confirmed;
    producer_impact *impact;
    refusal *why;
} active_ctx;

static int active_tx(db_conn *c, void *p)
{
    active_ctx *x = p;
    PGresult *r;
    int st = db_run_a(c, x->a, &lock_one, &r, DB_P(db_i64(x->a, x->hub), x->slug));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(x->why, 404, "not_found", "slug", "Ce producteur n’existe pas.",
                      "There is no such producer.");
    const char *id = db_val(r, 0, "id");
    if (db_bool(r, 0, "active") == x->active)
        return 0;
    if (!x->active) {
        /* counted under the producer's lock: an order that adds a line meanwhile finds its
         * offers withdrawn below or is counted here */
        if ((st = producer_impact_get(c, x->a, x->hub, x->slug, x->impact)) != DB_OK)
            return st;
        if (x->impact->lines > 0 && !x->confirmed)
            return refuse(x->why, 409, "confirmation_needed", "confirm",
                          "Ce producteur a des lignes dans un cycle ouvert : elles restent et "
                          "seront livrées et facturées, mais plus rien ne pourra lui être "
                          "commandé. Confirmez pour le suspendre.",
                          "This producer has lines in an open cycle: they stay, and will be "
                          "delivered and invoiced, but nothing more can be ordered from it. "
                          "Confirm to suspend it.");
        if ((st = db_do(c, &stop_sales, DB_P(id))) != DB_OK ||
            (st = db_do(c, &leave_drafts, DB_P(id))) != DB_OK)
            return st;
    }
    return db_do(c, &set_active, DB_P(id, x->active ? "t" : "f"));
}

int producer_set_active(db_conn *c, arena *a, int64_t hub, const char *slug, bool active,
                        bool confirmed, producer_impact *impact, refusal *why)
{
    *impact = (producer_impact){0};
    active_ctx x = {a, hub, slug, active, confirmed, impact, why};
    return db_transaction(c, false, active_tx, &x);
}
