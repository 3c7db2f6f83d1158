/*
 * core/hub_identity.c — the hub's identity, weekly template and host names: read,
 * check, change with a record of each value that changes.
 *
 * A change is one transaction: the hub's row is locked first (so two coordinators
 * saving at once are ordered, and each records what it really replaced), then each
 * part is checked and written, and any refusal rolls the whole change back.
 */
#include "hub_identity.h"
#include "account.h"
#include "buf.h"
#include "gazetteer.h"
#include "legal.h"
#include "money.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <string.h>

const hub_template HUB_TEMPLATE_DEFAULT = {5, 18 * 60, 2, 22 * 60, 4};

#define IDENTITY_COLUMNS                                                                           \
    "slug, name, legal_form, siret, vat_number, address, rcs_city, email, phone,"                  \
    " coalesce(share_capital_cents, -1) AS share_capital_cents,"                                   \
    " round(depot_lat * 10000000)::bigint AS lat_e7, round(depot_lon * 10000000)::bigint AS "      \
    "lon_e7"

DB_STMT(identity_of, "SELECT " IDENTITY_COLUMNS " FROM hubs WHERE id = $1");
DB_STMT(identity_lock, "SELECT " IDENTITY_COLUMNS " FROM hubs WHERE id = $1 FOR UPDATE");
DB_STMT(identity_write,
        "UPDATE hubs SET name = $2, legal_form = $3, siret = $4, vat_number = $5, address = $6,"
        " rcs_city = $7, share_capital_cents = nullif($8, '-1')::bigint, email = $9, phone = $10,"
        " depot_lat = $11::numeric / 10000000, depot_lon = $12::numeric / 10000000"
        " WHERE id = $1");
DB_STMT(template_of, "SELECT opens_dow, closes_dow, delivery_dow,"
                     " (extract(epoch FROM opens_time) / 60)::int AS opens_min,"
                     " (extract(epoch FROM closes_time) / 60)::int AS closes_min"
                     " FROM cycle_templates WHERE hub_id = $1");
DB_STMT(template_write,
        "INSERT INTO cycle_templates (hub_id, opens_dow, opens_time, closes_dow, closes_time,"
        "                             delivery_dow)"
        " VALUES ($1, $2::int, make_time($3::int / 60, $3::int % 60, 0), $4::int,"
        "         make_time($5::int / 60, $5::int % 60, 0), $6::int)"
        " ON CONFLICT (hub_id) DO UPDATE SET opens_dow = excluded.opens_dow,"
        "   opens_time = excluded.opens_time, closes_dow = excluded.closes_dow,"
        "   closes_time = excluded.closes_time, delivery_dow = excluded.delivery_dow");
DB_STMT(hosts_of, "SELECT host FROM hub_hosts WHERE hub_id = $1 ORDER BY host");
DB_STMT(hosts_remove, "DELETE FROM hub_hosts WHERE hub_id = $1 AND NOT (host = ANY ($2::text[]))");
/* a name another hub holds is left to it: the caller sees it missing from RETURNING */
DB_STMT(hosts_add, "INSERT INTO hub_hosts (host, hub_id) SELECT h, $1 FROM unnest($2::text[]) h"
                   " ON CONFLICT (host) DO NOTHING RETURNING host");

static void from_row(arena *a, const PGresult *r, hub_identity *out)
{
    (void)a;
    *out = (hub_identity){
        .slug = db_val(r, 0, "slug"),
        .name = db_val(r, 0, "name"),
        .legal_form = db_val(r, 0, "legal_form"),
        .siret = db_val(r, 0, "siret"),
        .vat_number = db_val(r, 0, "vat_number"),
        .address = db_val(r, 0, "address"),
        .rcs_city = db_val(r, 0, "rcs_city"),
        .email = db_val(r, 0, "email"),
        .phone = db_val(r, 0, "phone"),
        .share_capital_cents = db_int(r, 0, "share_capital_cents"),
        .depot_lat_e7 = db_int(r, 0, "lat_e7"),
        .depot_lon_e7 = db_int(r, 0, "lon_e7"),
    };
}

db_status hub_identity_get(db_conn *c, arena *a, int64_t hub, hub_identity *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &identity_of, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return DB_ERROR;
    from_row(a, r, out);
    return DB_OK;
}

db_status hub_template_get(db_conn *c, arena *a, int64_t hub, hub_template *out)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &template_of, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    *out = HUB_TEMPLATE_DEFAULT;
    if (PQntuples(r) == 1)
        *out = (hub_template){(int)db_int(r, 0, "opens_dow"), (int)db_int(r, 0, "opens_min"),
                              (int)db_int(r, 0, "closes_dow"), (int)db_int(r, 0, "closes_min"),
                              (int)db_int(r, 0, "delivery_dow")};
    return DB_OK;
}

db_status hub_hosts_get(db_conn *c, arena *a, int64_t hub, const char ***out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &hosts_of, &r, DB_P(db_i64(a, hub)));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        (*out)[i] = db_val(r, (int)i, "host");
    return DB_OK;
}

const char *hub_degrees_text(arena *a, int64_t e7)
{
    char d[32];
    return arena_strdup(a, dec_format(d, e7, 7, 0));
}

const char *hub_time_text(arena *a, int minutes)
{
    return arena_printf(a, "%02d:%02d", minutes / 60, minutes % 60);
}

/* Blanks (and dots for a SIRET) people type inside identifiers, removed. */
static const char *squeeze(arena *a, const char *s, bool upper)
{
    char *o = arena_alloc(a, strlen(s) + 1), *q = o;
    for (; *s; s++)
        if (*s != ' ' && *s != '.')
            *q++ = upper ? (char)toupper((unsigned char)*s) : *s;
    *q = '\0';
    return o;
}

#define PROBLEM(field, fr, en) (d[n++] = (refusal_detail){"invalid_field", field, fr, en})

int hub_identity_check(arena *a, const hub_identity_in *in, const hub_identity *old,
                       hub_identity *out, refusal *why)
{
    refusal_detail d[16];
    size_t n = 0;
    if (old)
        *out = *old;
    else
        *out = (hub_identity){.slug = "",
                              .name = "",
                              .legal_form = "",
                              .siret = "",
                              .vat_number = "",
                              .address = "",
                              .rcs_city = "",
                              .email = "",
                              .phone = "",
                              .share_capital_cents = -1};
    if (in->name || !old) {
        if (text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE,
                        "Le nom compte de 1 à 200 caractères.",
                        "The name has 1 to 200 characters."))
            out->name = in->name;
    }
    if (in->legal_form) {
        const legal_form_def *f = legal_form_find(in->legal_form);
        if (*in->legal_form && !f)
            PROBLEM("legal_form", "Choisissez la forme juridique dans la liste.",
                    "Choose the legal form from the list.");
        else
            out->legal_form = f ? f->label : "";
    }
    if (in->siret || !old) {
        const char *s = squeeze(a, in->siret ? in->siret : "", false);
        if (!siret_valid(s))
            PROBLEM("siret", "Le SIRET compte 14 chiffres, et sa clé (Luhn) doit être juste.",
                    "The SIRET is 14 digits with a valid check digit (Luhn).");
        else
            out->siret = s;
    }
    if (in->vat_number) {
        const char *v = squeeze(a, in->vat_number, true);
        if (*v && !fr_vat_valid(v))
            PROBLEM("vat_number",
                    "Le numéro de TVA s’écrit FR, une clé de 2 chiffres et le SIREN (sa clé doit "
                    "être juste).",
                    "The VAT number is FR, a 2-digit key and the SIREN (with a valid key).");
        else
            out->vat_number = v;
    }
    if (in->address && text_detail(a, d, &n, "address", in->address, 0, 300, TEXT_LINE,
                                   "L’adresse compte 300 caractères au plus.",
                                   "The address has at most 300 characters."))
        out->address = in->address;
    if (in->rcs_city && text_detail(a, d, &n, "rcs_city", in->rcs_city, 0, 100, TEXT_LINE,
                                    "La ville du RCS compte 100 caractères au plus.",
                                    "The RCS city has at most 100 characters."))
        out->rcs_city = in->rcs_city;
    if (in->share_capital) {
        int64_t cents;
        if (!*in->share_capital)
            out->share_capital_cents = -1;
        else if (parse_decimal(squeeze(a, in->share_capital, false), 2, 0, 100000000000000LL,
                               &cents) != PARSE_OK)
            PROBLEM("share_capital", "Le capital social est un montant en euros, comme 15000.",
                    "The share capital is an amount in euros, such as 15000.");
        else
            out->share_capital_cents = cents;
    }
    if (in->email) {
        const char *e = *in->email ? account_normalize_email(a, in->email) : "";
        if (!e)
            PROBLEM("email", "Cette adresse e-mail n’est pas valide.",
                    "This email address is not valid.");
        else
            out->email = e;
    }
    if (in->phone && text_detail(a, d, &n, "phone", in->phone, 0, 40, TEXT_LINE,
                                 "Le téléphone compte 40 caractères au plus.",
                                 "The phone number has at most 40 characters."))
        out->phone = in->phone;
    /* a company states its register and capital; other forms have neither */
    const legal_form_def *f = legal_form_find(out->legal_form);
    if (f && f->rcs) {
        if (!*out->rcs_city)
            PROBLEM("rcs_city",
                    "Une société indique la ville de son RCS (par exemple « RCS Romans »).",
                    "A company gives the city of its trade register (e.g. \"RCS Romans\").");
        if (out->share_capital_cents < 0)
            PROBLEM("share_capital", "Une société indique son capital social.",
                    "A company gives its share capital.");
    } else if (f) {
        out->rcs_city = "";
        out->share_capital_cents = -1;
    }
    if (in->depot_lat || in->depot_lon || !old) {
        bool found;
        gazetteer_position(a, out->address, in->depot_lat, in->depot_lon, "depot_lat", "depot_lon",
                           true, &out->depot_lat_e7, &out->depot_lon_e7, &found, d, &n);
    }
    return n ? refuse_details(why, a, d, n) : 0;
}

const char *hub_host_normalize(arena *a, const char *typed)
{
    const char *s = typed;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!strncasecmp(s, "https://", 8))
        s += 8;
    else if (!strncasecmp(s, "http://", 7))
        s += 7;
    size_t n = strcspn(s, "/:? \t\r\n");
    if (s[n] && s[n] != '/' && s[n] != ':' && s[strspn(s + n, " \t\r\n") + n])
        return NULL; /* a blank inside */
    if (n && s[n - 1] == '.')
        n--;
    char *h = arena_strndup(a, s, n);
    for (char *p = h; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return host_name_valid(h) ? h : NULL;
}

/* ---- the change ---------------------------------------------------------------------- */

typedef struct {
    const char *names[32], *olds[32], *news[32];
    size_t n;
} changes;

static void note(changes *ch, const char *name, const char *old, const char *now)
{
    if (strcmp(old, now) != 0 && ch->n < 32) {
        ch->names[ch->n] = name;
        ch->olds[ch->n] = old;
        ch->news[ch->n++] = now;
    }
}

static const char *capital_text(arena *a, int64_t cents)
{
    char d[32];
    return cents < 0 ? "" : arena_strdup(a, dec_format(d, cents, 2, 2));
}

static bool identity_asked(const hub_identity_in *in)
{
    const char *const f[] = {in->name,      in->legal_form,    in->siret,    in->vat_number,
                             in->address,   in->rcs_city,      in->email,    in->phone,
                             in->depot_lat, in->share_capital, in->depot_lon};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (f[i])
            return true;
    return false;
}

static int change_identity(db_conn *c, arena *a, int64_t hub, const hub_identity *old,
                           const hub_identity_in *in, changes *ch, refusal *why)
{
    hub_identity now;
    int st = hub_identity_check(a, in, old, &now, why);
    if (st)
        return st;
    const char *olat = hub_degrees_text(a, old->depot_lat_e7),
               *nlat = hub_degrees_text(a, now.depot_lat_e7);
    const char *olon = hub_degrees_text(a, old->depot_lon_e7),
               *nlon = hub_degrees_text(a, now.depot_lon_e7);
    size_t before = ch->n;
    note(ch, "name", old->name, now.name);
    note(ch, "legal_form", old->legal_form, now.legal_form);
    note(ch, "siret", old->siret, now.siret);
    note(ch, "vat_number", old->vat_number, now.vat_number);
    note(ch, "address", old->address, now.address);
    note(ch, "rcs_city", old->rcs_city, now.rcs_city);
    note(ch, "share_capital", capital_text(a, old->share_capital_cents),
         capital_text(a, now.share_capital_cents));
    note(ch, "email", old->email, now.email);
    note(ch, "phone", old->phone, now.phone);
    note(ch, "depot_lat", olat, nlat);
    note(ch, "depot_lon", olon, nlon);
    if (ch->n == before)
        return 0;
    return db_do(c, &identity_write,
                 DB_P(db_i64(a, hub), now.name, now.legal_form, now.siret, now.vat_number,
                      now.address, now.rcs_city, db_i64(a, now.share_capital_cents), now.email,
                      now.phone, db_i64(a, now.depot_lat_e7), db_i64(a, now.depot_lon_e7)));
}

static const char *template_text(arena *a, int dow, int minutes)
{
    return minutes < 0 ? db_i64(a, dow) : arena_printf(a, "%d %s", dow, hub_time_text(a, minutes));
}

static int change_template(db_conn *c, arena *a, int64_t hub, const hub_template_in *in,
                           changes *ch, refusal *why)
{
    if (!in->opens_day && !in->opens_time && !in->closes_day && !in->closes_time &&
        !in->delivery_day)
        return 0;
    hub_template old, now;
    int st = hub_template_get(c, a, hub, &old);
    if (st != DB_OK)
        return st;
    now = old;
    refusal_detail d[5];
    size_t n = 0;
    const struct {
        const char *v, *field;
        int *day;
    } days[] = {{in->opens_day, "template_opens_day", &now.opens_dow},
                {in->closes_day, "template_closes_day", &now.closes_dow},
                {in->delivery_day, "template_delivery_day", &now.delivery_dow}};
    for (size_t i = 0; i < 3; i++) {
        int64_t v;
        if (!days[i].v)
            continue;
        if (parse_int(days[i].v, 1, 7, &v) != PARSE_OK)
            PROBLEM(days[i].field, "Un jour de la semaine, de 1 (lundi) à 7 (dimanche).",
                    "A day of the week, from 1 (Monday) to 7 (Sunday).");
        else
            *days[i].day = (int)v;
    }
    const struct {
        const char *v, *field;
        int *min;
    } times[] = {{in->opens_time, "template_opens_time", &now.opens_min},
                 {in->closes_time, "template_closes_time", &now.closes_min}};
    for (size_t i = 0; i < 2; i++)
        if (times[i].v && parse_time_of_day(times[i].v, times[i].min) != PARSE_OK)
            PROBLEM(times[i].field, "Une heure comme 18:00.", "A time such as 18:00.");
    if (n)
        return refuse_details(why, a, d, n);
    note(ch, "template_opens", template_text(a, old.opens_dow, old.opens_min),
         template_text(a, now.opens_dow, now.opens_min));
    note(ch, "template_closes", template_text(a, old.closes_dow, old.closes_min),
         template_text(a, now.closes_dow, now.closes_min));
    note(ch, "template_delivery", template_text(a, old.delivery_dow, -1),
         template_text(a, now.delivery_dow, -1));
    return db_do(c, &template_write,
                 DB_P(db_i64(a, hub), db_i64(a, now.opens_dow), db_i64(a, now.opens_min),
                      db_i64(a, now.closes_dow), db_i64(a, now.closes_min),
                      db_i64(a, now.delivery_dow)));
}

static const char *joined(arena *a, const char *const *v, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s", i ? " " : "", v[i]);
    const char *s = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return s;
}

static int cmp_str(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int change_hosts(db_conn *c, arena *a, int64_t hub, const hub_admin_patch *p, changes *ch,
                        refusal *why)
{
    if (p->nhosts > HUB_HOSTS_MAX)
        return refuse(why, 422, "invalid_field", "hosts", "Au plus 20 adresses.",
                      "At most 20 host names.");
    const char **want = arena_alloc(a, (p->nhosts + 1) * sizeof *want);
    size_t n = 0;
    for (size_t i = 0; i < p->nhosts; i++) {
        const char *h = hub_host_normalize(a, p->hosts[i]);
        if (!h)
            return refuse(why, 422, "invalid_field", "hosts",
                          arena_printf(a,
                                       "« %.80s » n’est pas un nom d’hôte (comme "
                                       "paniers.exemple.fr).",
                                       text_xml_safe(a, p->hosts[i])),
                          arena_printf(a,
                                       "\"%.80s\" is not a host name (such as shop.example.org).",
                                       text_xml_safe(a, p->hosts[i])));
        bool dup = false;
        for (size_t k = 0; k < n && !dup; k++)
            dup = !strcmp(want[k], h);
        if (!dup)
            want[n++] = h;
    }
    qsort(want, n, sizeof *want, cmp_str);
    const char **had;
    size_t nhad;
    int st = hub_hosts_get(c, a, hub, &had, &nhad);
    if (st != DB_OK)
        return st;
    const char *arr = db_text_array(a, want, n);
    if ((st = db_do(c, &hosts_remove, DB_P(db_i64(a, hub), arr))) != DB_OK)
        return st;
    const char **add = arena_alloc(a, (n + 1) * sizeof *add);
    size_t nadd = 0;
    for (size_t i = 0; i < n; i++) {
        bool kept = false;
        for (size_t k = 0; k < nhad && !kept; k++)
            kept = !strcmp(had[k], want[i]);
        if (!kept)
            add[nadd++] = want[i];
    }
    PGresult *r;
    if (nadd) {
        if ((st = db_run_a(c, a, &hosts_add, &r,
                           DB_P(db_i64(a, hub), db_text_array(a, add, nadd)))) != DB_OK)
            return st;
        for (size_t i = 0; (size_t)PQntuples(r) < nadd && i < nadd; i++) {
            bool in = false;
            for (int k = 0; k < PQntuples(r) && !in; k++)
                in = !strcmp(db_val(r, k, "host"), add[i]);
            if (!in)
                return refuse(why, 409, "host_taken", "hosts",
                              arena_printf(a, "« %s » mène déjà à un autre groupement.", add[i]),
                              arena_printf(a, "\"%s\" already leads to another hub.", add[i]));
        }
    }
    note(ch, "hosts", joined(a, had, nhad), joined(a, want, n));
    return 0;
}

int hub_admin_update_in_tx(db_conn *c, arena *a, int64_t hub, const hub_admin_patch *p,
                           int64_t user, const char *via, refusal *why)
{
    PGresult *r;
    int st = db_run_a(c, a, &identity_lock, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return refuse(why, 404, "unknown_hub", NULL, "Ce groupement n’existe pas.",
                      "There is no such hub.");
    hub_identity old;
    from_row(a, r, &old);
    const hub_settings_patch *sp = &p->settings;
    if (hub_settings_patch_any(sp)) {
        hub_settings out;
        if ((st = hub_settings_update_in_tx(c, a, hub, sp, user, via, &out, why)) != 0)
            return st;
    }
    changes ch = {.n = 0};
    if (identity_asked(&p->identity) &&
        (st = change_identity(c, a, hub, &old, &p->identity, &ch, why)) != 0)
        return st;
    if ((st = change_template(c, a, hub, &p->tmpl, &ch, why)) != 0)
        return st;
    if (p->set_hosts && (st = change_hosts(c, a, hub, p, &ch, why)) != 0)
        return st;
    return hub_settings_record(c, a, hub, user, via, ch.names, ch.olds, ch.news, ch.n);
}

typedef struct {
    arena *a;
    int64_t hub, user;
    const hub_admin_patch *p;
    const char *via;
    refusal *why;
} update_ctx;

static int update_tx(db_conn *c, void *ctx)
{
    update_ctx *x = ctx;
    return hub_admin_update_in_tx(c, x->a, x->hub, x->p, x->user, x->via, x->why);
}

int hub_admin_update(db_conn *c, arena *a, int64_t hub, const hub_admin_patch *p, int64_t user,
                     const char *via, refusal *why)
{
    update_ctx x = {a, hub, user, p, via, why};
    return db_transaction(c, false, update_tx, &x);
}
