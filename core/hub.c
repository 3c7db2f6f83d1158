/*
 * core/hub.c — producers and pickup points for the coordinator, and a cycle's demand.
 *
 * Deactivating keeps history: a producer or pickup point that has taken part
 * in cycles stays in the database (invoices and sheets name it) but no longer
 * joins new cycles.
 */
#include "hub.h"
#include "money.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(
    producers_list,
    "SELECT p.id, p.slug, p.name, p.legal_form, p.siret, p.vat_number, p.vat_regime,"
    "       p.address, p.town, p.email, p.active,"
    "       (SELECT count(*) FROM products x WHERE x.producer_id = p.id AND x.active) AS products"
    "  FROM producers p WHERE p.hub_id = $1 ORDER BY p.name COLLATE \"fr-x-icu\"");
DB_STMT(
    producer_one,
    "SELECT p.id, p.slug, p.name, p.legal_form, p.siret, p.vat_number, p.vat_regime,"
    "       p.address, p.town, p.email, p.active,"
    "       (SELECT count(*) FROM products x WHERE x.producer_id = p.id AND x.active) AS products"
    "  FROM producers p WHERE p.hub_id = $1 AND p.slug = $2");
DB_STMT(pickups_list, "SELECT id, slug, name, address, opening, capacity_orders, lat, lon, active"
                      "  FROM pickup_points WHERE hub_id = $1 ORDER BY name COLLATE \"fr-x-icu\"");
DB_STMT(pickup_one, "SELECT id, slug, name, address, opening, capacity_orders, lat, lon, active"
                    "  FROM pickup_points WHERE hub_id = $1 AND slug = $2");
DB_STMT(producer_update, "UPDATE producers SET name = $3, email = $4, address = $5, town = $6"
                         " WHERE hub_id = $1 AND slug = $2 RETURNING id");
DB_STMT(pickup_update,
        "UPDATE pickup_points SET name = $3, address = $4, opening = $5,"
        " opening_dow = nullif($6, '')::smallint, opening_start = nullif($7, '')::time,"
        " opening_end = nullif($8, '')::time, capacity_orders = nullif($9, '')::int"
        " WHERE hub_id = $1 AND slug = $2 RETURNING id");
DB_STMT(producer_active, "UPDATE producers SET active = $3 WHERE hub_id = $1 AND slug = $2"
                         " RETURNING id");
DB_STMT(pickup_active, "UPDATE pickup_points SET active = $3 WHERE hub_id = $1 AND slug = $2"
                       " RETURNING id");
DB_STMT(cycle_demand,
        "SELECT p.slug AS producer, p.name AS producer_name, o.name, o.unit, o.stock_milli,"
        "       o.sold_milli, coalesce(sum(l.line_excl_vat_cents), 0) AS excl_cents,"
        "       count(l.order_id) AS orders"
        "  FROM offers o JOIN producers p ON p.id = o.producer_id"
        "  LEFT JOIN order_lines l ON l.offer_id = o.id"
        " WHERE o.cycle_id = $1 AND o.hub_id = $2"
        " GROUP BY p.slug, p.name, o.id ORDER BY p.name COLLATE \"fr-x-icu\", o.name COLLATE "
        "\"fr-x-icu\"");
DB_STMT(cycle_by_producer, "SELECT p.slug AS producer, p.name AS producer_name,"
                           "       count(DISTINCT l.order_id) AS orders,"
                           "       coalesce(sum(l.line_excl_vat_cents), 0) AS excl_cents"
                           "  FROM offers o JOIN producers p ON p.id = o.producer_id"
                           "  LEFT JOIN order_lines l ON l.offer_id = o.id"
                           " WHERE o.cycle_id = $1 AND o.hub_id = $2 GROUP BY p.slug, p.name ORDER "
                           "BY p.name COLLATE \"fr-x-icu\"");

bool hub_parse_hhmm(const char *s, int *minutes)
{
    return parse_time_of_day(s, minutes) == PARSE_OK;
}

static const char *const days_fr[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                      "vendredi", "samedi", "dimanche"};
static const char *const days_en[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};

bool hub_parse_opening(const char *s, int *dow, int *start_min, int *end_min)
{
    /* "DAY HH:MM-HH:MM", blanks allowed around; nothing else (sscanf took a
     * trailing anything, and signs and blanks inside the times) */
    char day[16], from[8], to[8];
    size_t n;
    while (*s == ' ')
        s++;
    for (n = 0; (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'); n++)
        if (n + 1 >= sizeof day)
            return false;
    memcpy(day, s, n);
    day[n] = '\0';
    s += n;
    if (*s != ' ')
        return false;
    while (*s == ' ')
        s++;
    const char *dash = strchr(s, '-');
    if (!dash || (size_t)(dash - s) >= sizeof from)
        return false;
    memcpy(from, s, (size_t)(dash - s));
    from[dash - s] = '\0';
    s = dash + 1;
    for (n = 0; s[n] && s[n] != ' '; n++)
        if (n + 1 >= sizeof to)
            return false;
    memcpy(to, s, n);
    to[n] = '\0';
    for (s += n; *s == ' '; s++)
        ;
    if (*s)
        return false;
    for (char *p = day; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    *dow = 0;
    for (int i = 0; i < 7; i++)
        if (!strcmp(day, days_fr[i]) || !strcmp(day, days_en[i]))
            *dow = i + 1;
    return *dow && hub_parse_hhmm(from, start_min) && hub_parse_hhmm(to, end_min) &&
           *start_min < *end_min;
}

db_status hub_producers(db_conn *c, arena *a, int64_t hub, PGresult **r)
{
    return db_run_a(c, a, &producers_list, r, DB_P(db_i64(a, hub)));
}

db_status hub_producer(db_conn *c, arena *a, int64_t hub, const char *slug, PGresult **r)
{
    return db_run_a(c, a, &producer_one, r, DB_P(db_i64(a, hub), slug));
}

db_status hub_pickup_points(db_conn *c, arena *a, int64_t hub, PGresult **r)
{
    return db_run_a(c, a, &pickups_list, r, DB_P(db_i64(a, hub)));
}

db_status hub_pickup_point(db_conn *c, arena *a, int64_t hub, const char *slug, PGresult **r)
{
    return db_run_a(c, a, &pickup_one, r, DB_P(db_i64(a, hub), slug));
}

static int not_found(refusal *why)
{
    return refuse(why, 404, "not_found", "slug", "Introuvable dans ce groupement.",
                  "Not found in this hub.");
}

/* Every problem of an edit form at once: the form marks each field. */
static int refuse_all(refusal *why, arena *a, const refusal_detail *d, size_t n)
{
    refuse(why, 422, d[0].code, d[0].field, d[0].fr, d[0].en);
    if (n > 1) {
        why->details = arena_alloc(a, n * sizeof *why->details);
        memcpy(why->details, d, n * sizeof *d);
        why->ndetails = n;
    }
    return 1;
}

int hub_producer_update(db_conn *c, arena *a, int64_t hub, const char *slug,
                        const hub_producer_edit *e, refusal *why)
{
    refusal_detail d[4];
    size_t n = 0;
    text_detail(a, d, &n, "name", e->name, 1, 200, TEXT_LINE,
                "Le nom compte de 1 à 200 caractères.", "The name has 1 to 200 characters.");
    if (text_detail(a, d, &n, "email", e->email, 0, 254, TEXT_LINE,
                    "Cette adresse e-mail n’est pas valide.", "This email address is not valid.") &&
        e->email && *e->email && !strchr(e->email, '@'))
        d[n++] =
            (refusal_detail){"invalid_field", "email", "Cette adresse e-mail n’est pas valide.",
                             "This email address is not valid."};
    text_detail(a, d, &n, "address", e->address, 0, 300, TEXT_LINE,
                "L’adresse compte 300 caractères au plus.",
                "The address has at most 300 characters.");
    text_detail(a, d, &n, "town", e->town, 0, 100, TEXT_LINE,
                "La commune compte 100 caractères au plus.",
                "The town has at most 100 characters.");
    if (n)
        return refuse_all(why, a, d, n);
    int st;
    PGresult *r;
    st = db_run_a(c, a, &producer_update, &r,
                  DB_P(db_i64(a, hub), slug, e->name, e->email ? e->email : "",
                       e->address ? e->address : "", e->town ? e->town : ""));
    if (st != DB_OK)
        return st;
    return PQntuples(r) ? 0 : not_found(why);
}

int hub_pickup_update(db_conn *c, arena *a, int64_t hub, const char *slug, const hub_pickup_edit *e,
                      refusal *why)
{
    refusal_detail d[4];
    size_t n = 0;
    text_detail(a, d, &n, "name", e->name, 1, 200, TEXT_LINE,
                "Le nom compte de 1 à 200 caractères.", "The name has 1 to 200 characters.");
    text_detail(a, d, &n, "address", e->address, 0, 300, TEXT_LINE,
                "L’adresse compte 300 caractères au plus.",
                "The address has at most 300 characters.");
    int dow = 0, from = 0, to = 0;
    const char *dw = "", *fs = "", *ts = "";
    if (e->opening && *e->opening) {
        if (text_check(e->opening, 1, 100, TEXT_LINE) != TEXT_OK ||
            !hub_parse_opening(e->opening, &dow, &from, &to))
            d[n++] = (refusal_detail){"invalid_field", "opening",
                                      "Le créneau s’écrit comme « jeudi 17:00-19:00 ».",
                                      "The slot is written like \"jeudi 17:00-19:00\"."};
        dw = db_i64(a, dow);
        fs = arena_printf(a, "%02d:%02d", from / 60, from % 60);
        ts = arena_printf(a, "%02d:%02d", to / 60, to % 60);
    }
    /* what goes to the database is the number as parsed, never the text typed:
     * "5.0" is no integer to PostgreSQL */
    const char *cap = "";
    if (e->capacity && *e->capacity) {
        int64_t k;
        if (parse_int(e->capacity, 1, 100000, &k) != PARSE_OK)
            d[n++] = (refusal_detail){
                "invalid_field", "capacity",
                "La capacité est un nombre entier de commandes, de 1 à 100000, sans "
                "décimales (vide = sans limite).",
                "The capacity is a whole number of orders from 1 to 100000, without "
                "decimals (empty = no limit)."};
        else
            cap = db_i64(a, k);
    }
    if (n)
        return refuse_all(why, a, d, n);
    PGresult *r;
    int st = db_run_a(c, a, &pickup_update, &r,
                      DB_P(db_i64(a, hub), slug, e->name, e->address ? e->address : "",
                           e->opening ? e->opening : "", dw, fs, ts, cap));
    if (st != DB_OK)
        return st;
    return PQntuples(r) ? 0 : not_found(why);
}

int hub_set_active(db_conn *c, arena *a, int64_t hub, const char *kind, const char *slug,
                   bool active, refusal *why)
{
    PGresult *r;
    int st = db_run_a(c, a, !strcmp(kind, "producer") ? &producer_active : &pickup_active, &r,
                      DB_P(db_i64(a, hub), slug, active ? "t" : "f"));
    if (st != DB_OK)
        return st;
    return PQntuples(r) ? 0 : not_found(why);
}

db_status hub_cycle_demand(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r)
{
    return db_run_a(c, a, &cycle_demand, r, DB_P(db_i64(a, cycle), db_i64(a, hub)));
}

db_status hub_cycle_by_producer(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r)
{
    return db_run_a(c, a, &cycle_by_producer, r, DB_P(db_i64(a, cycle), db_i64(a, hub)));
}
