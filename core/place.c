/*
 * core/place.c — pickup points with their slots, and vans.
 */
#include "place.h"
#include "buf.h"
#include "gazetteer.h"
#include "hub.h"
#include "money.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

DB_STMT(pickups, "SELECT id, slug, name, address, opening, coalesce(capacity_orders, 0) AS cap,"
                 " active, round(lat * 10000000)::bigint AS lat_e7,"
                 " round(lon * 10000000)::bigint AS lon_e7"
                 " FROM pickup_points WHERE hub_id = $1 AND ($2 = '' OR slug = $2)"
                 " ORDER BY name COLLATE \"fr-x-icu\", id");
DB_STMT(slots_of, "SELECT pickup_point_id, dow, (extract(epoch FROM starts) / 60)::int AS s,"
                  " (extract(epoch FROM ends) / 60)::int AS e FROM pickup_point_slots"
                  " WHERE hub_id = $1 ORDER BY pickup_point_id, dow, starts");
DB_STMT(pickup_insert,
        "INSERT INTO pickup_points (hub_id, slug, name, address, lat, lon, opening, opening_dow,"
        "   opening_start, opening_end, capacity_orders)"
        " VALUES ($1, $2, $3, $4, $5::numeric / 10000000, $6::numeric / 10000000, $7, $8::int,"
        "   make_time($9::int / 60, $9::int % 60, 0), make_time($10::int / 60, $10::int % 60, 0),"
        "   nullif($11, '0')::int)"
        " ON CONFLICT (hub_id, slug) DO NOTHING RETURNING id");
DB_STMT(pickup_write,
        "UPDATE pickup_points SET name = $3, address = $4, lat = $5::numeric / 10000000,"
        " lon = $6::numeric / 10000000, opening = $7, opening_dow = $8::int,"
        " opening_start = make_time($9::int / 60, $9::int % 60, 0),"
        " opening_end = make_time($10::int / 60, $10::int % 60, 0),"
        " capacity_orders = nullif($11, '0')::int WHERE hub_id = $1 AND slug = $2 RETURNING id");
DB_STMT(pickup_write_keep,
        "UPDATE pickup_points SET name = $3, address = $4, lat = $5::numeric / 10000000,"
        " lon = $6::numeric / 10000000, capacity_orders = nullif($11, '0')::int"
        " WHERE hub_id = $1 AND slug = $2 AND $7 = '' AND $8 <> '' AND $9 <> '' AND $10 <> ''"
        " RETURNING id");
DB_STMT(slots_clear, "DELETE FROM pickup_point_slots WHERE pickup_point_id = $1");
DB_STMT(slots_insert,
        "INSERT INTO pickup_point_slots (hub_id, pickup_point_id, dow, starts, ends)"
        " SELECT $1, $2, d, make_time(s / 60, s % 60, 0), make_time(e / 60, e % 60, 0)"
        " FROM unnest($3::int[], $4::int[], $5::int[]) AS v(d, s, e)");
DB_STMT(pickup_active, "UPDATE pickup_points SET active = $3 WHERE hub_id = $1 AND slug = $2"
                       " RETURNING id");
DB_STMT(vehicles, "SELECT id, slug, name, capacity_g, coalesce(capacity_crates, 0) AS crates,"
                  " speed_kmh, stop_minutes, (extract(epoch FROM departs) / 60)::int AS departs,"
                  " active FROM vehicles WHERE hub_id = $1 AND ($2 = '' OR slug = $2)"
                  " ORDER BY name COLLATE \"fr-x-icu\", id");
DB_STMT(vehicle_insert,
        "INSERT INTO vehicles (hub_id, slug, name, capacity_g, capacity_crates, speed_kmh,"
        "   stop_minutes, departs)"
        " VALUES ($1, $2, $3, $4::bigint, nullif($5, '0')::int, $6::int, $7::int,"
        "   make_time($8::int / 60, $8::int % 60, 0))"
        " ON CONFLICT (hub_id, slug) DO NOTHING RETURNING id");
DB_STMT(vehicle_write,
        "UPDATE vehicles SET name = $3, capacity_g = $4::bigint,"
        " capacity_crates = nullif($5, '0')::int, speed_kmh = $6::int, stop_minutes = $7::int,"
        " departs = make_time($8::int / 60, $8::int % 60, 0)"
        " WHERE hub_id = $1 AND slug = $2 RETURNING id");
DB_STMT(vehicle_active, "UPDATE vehicles SET active = $3 WHERE hub_id = $1 AND slug = $2"
                        " RETURNING id");

static const char *const days_fr[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                      "vendredi", "samedi", "dimanche"};
static const char *const days_en[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};

int place_parse_day(const char *s)
{
    int64_t d;
    if (!s)
        return 0;
    if (parse_int(s, 1, 7, &d) == PARSE_OK)
        return (int)d;
    for (int i = 0; i < 7; i++)
        if (!strcasecmp(s, days_fr[i]) || !strcasecmp(s, days_en[i]))
            return i + 1;
    return 0;
}

const char *place_opening_text(arena *a, const pickup_slot *s, size_t n)
{
    buf b = BUF_INIT;
    for (size_t i = 0; i < n; i++)
        buf_printf(&b, "%s%s %02d:%02d-%02d:%02d", i ? ", " : "", days_fr[s[i].dow - 1],
                   s[i].start_min / 60, s[i].start_min % 60, s[i].end_min / 60, s[i].end_min % 60);
    const char *t = arena_strdup(a, buf_str(&b));
    buf_free(&b);
    return t;
}

static db_status load_pickups(db_conn *c, arena *a, int64_t hub, const char *slug,
                              pickup_record **out, size_t *n)
{
    PGresult *r, *s;
    const char *h = db_i64(a, hub);
    db_status st = db_run_a(c, a, &pickups, &r, DB_P(h, slug));
    if (st == DB_OK)
        st = db_run_a(c, a, &slots_of, &s, DB_P(h));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++) {
        int row = (int)i;
        pickup_record *p = &(*out)[i];
        *p = (pickup_record){.id = db_int(r, row, "id"),
                             .slug = db_val(r, row, "slug"),
                             .name = db_val(r, row, "name"),
                             .address = db_val(r, row, "address"),
                             .opening = db_val(r, row, "opening"),
                             .lat_e7 = db_int(r, row, "lat_e7"),
                             .lon_e7 = db_int(r, row, "lon_e7"),
                             .capacity = db_int(r, row, "cap"),
                             .active = db_bool(r, row, "active")};
        for (int k = 0; k < PQntuples(s); k++)
            if (db_int(s, k, "pickup_point_id") == p->id && p->nslots < PICKUP_SLOTS_MAX)
                p->slots[p->nslots++] = (pickup_slot){
                    (int)db_int(s, k, "dow"), (int)db_int(s, k, "s"), (int)db_int(s, k, "e")};
    }
    return DB_OK;
}

db_status pickup_list(db_conn *c, arena *a, int64_t hub, pickup_record **out, size_t *n)
{
    return load_pickups(c, a, hub, "", out, n);
}

db_status pickup_get(db_conn *c, arena *a, int64_t hub, const char *slug, pickup_record *out,
                     bool *found)
{
    pickup_record *list;
    size_t n;
    *found = false;
    db_status st = load_pickups(c, a, hub, slug && *slug ? slug : "-", &list, &n);
    if (st == DB_OK && n == 1) {
        *out = list[0];
        *found = true;
    }
    return st;
}

#define PROBLEM(field, fr, en) (d[n++] = (refusal_detail){"invalid_field", field, fr, en})

static int cmp_slot(const void *x, const void *y)
{
    const pickup_slot *a = x, *b = y;
    return a->dow != b->dow ? a->dow - b->dow : a->start_min - b->start_min;
}

static int check_pickup(arena *a, const pickup_in *in, bool creating, pickup_record *p,
                        refusal *why)
{
    refusal_detail d[16];
    size_t n = 0;
    if (creating) {
        if (!in->slug || !slug_valid(in->slug))
            PROBLEM(
                "slug",
                "L’identifiant s’écrit en minuscules, chiffres et tirets, comme « crest-halle ».",
                "The short name is lower-case letters, digits and dashes, such as "
                "\"crest-halle\".");
        else
            p->slug = in->slug;
    }
    if ((in->name || creating) &&
        text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE,
                    "Le nom compte de 1 à 200 caractères.", "The name has 1 to 200 characters."))
        p->name = in->name;
    if (in->address && text_detail(a, d, &n, "address", in->address, 0, 300, TEXT_LINE,
                                   "L’adresse compte 300 caractères au plus.",
                                   "The address has at most 300 characters."))
        p->address = in->address;
    if (in->capacity) {
        int64_t k;
        if (!*in->capacity)
            p->capacity = 0;
        else if (parse_int(in->capacity, 1, 100000, &k) != PARSE_OK)
            PROBLEM("capacity",
                    "La capacité est un nombre entier de commandes, de 1 à 100000 (vide : sans "
                    "limite).",
                    "The capacity is a whole number of orders from 1 to 100000 (empty: no limit).");
        else
            p->capacity = k;
    }
    if (in->opening && *in->opening && !in->set_slots) {
        /* the previous release's one text: "DAY HH:MM-HH:MM" separated by commas */
        size_t k = 0;
        bool bad = false;
        const char *s = in->opening;
        while (*s && !bad) {
            size_t len = strcspn(s, ",");
            char *one = arena_strndup(a, s, len);
            pickup_slot sl;
            if (k == PICKUP_SLOTS_MAX || text_check(one, 1, 100, TEXT_LINE) != TEXT_OK ||
                !hub_parse_opening(one, &sl.dow, &sl.start_min, &sl.end_min))
                bad = true;
            else
                p->slots[k++] = sl;
            s += len;
            s += *s == ',';
        }
        if (bad || k == 0)
            PROBLEM("opening", "Le créneau s’écrit comme « jeudi 17:00-19:00 ».",
                    "The slot is written like \"jeudi 17:00-19:00\".");
        else {
            p->nslots = k;
            qsort(p->slots, k, sizeof p->slots[0], cmp_slot);
        }
    } else if (in->set_slots || creating) {
        size_t k = 0;
        bool bad = false;
        for (size_t i = 0; i < in->nslots; i++) {
            const char *dv = in->slot_day[i] ? in->slot_day[i] : "",
                       *fv = in->slot_from[i] ? in->slot_from[i] : "",
                       *tv = in->slot_to[i] ? in->slot_to[i] : "";
            if (!*dv && !*fv && !*tv)
                continue;
            pickup_slot s = {place_parse_day(dv), 0, 0};
            if (!s.dow || parse_time_of_day(fv, &s.start_min) != PARSE_OK ||
                parse_time_of_day(tv, &s.end_min) != PARSE_OK || s.start_min >= s.end_min ||
                k == PICKUP_SLOTS_MAX) {
                bad = true;
                continue;
            }
            for (size_t j = 0; j < k; j++)
                if (p->slots[j].dow == s.dow && s.start_min < p->slots[j].end_min &&
                    p->slots[j].start_min < s.end_min)
                    bad = true;
            p->slots[k++] = s;
        }
        if (bad)
            PROBLEM("slots",
                    "Chaque créneau a un jour, une heure de début et une heure de fin après le "
                    "début (comme jeudi, 17:00, 19:00), sans en chevaucher un autre ; 4 au plus.",
                    "Each slot has a day, a start and an end after it (such as Thursday, 17:00, "
                    "19:00), overlapping no other; at most 4.");
        else if (k == 0)
            d[n++] = (refusal_detail){"missing_field", "slots",
                                      "Un point de retrait ouvre au moins un créneau par semaine.",
                                      "A pickup point opens at least one slot a week."};
        else {
            p->nslots = k;
            qsort(p->slots, k, sizeof p->slots[0], cmp_slot);
        }
    }
    if (in->lat || in->lon || creating) {
        bool found;
        gazetteer_position(a, p->address, in->lat, in->lon, "lat", "lon", true, &p->lat_e7,
                           &p->lon_e7, &found, d, &n);
    }
    return n ? refuse_details(why, a, d, n) : 0;
}

typedef struct {
    arena *a;
    int64_t hub;
    const pickup_record *p;
    bool creating;
    refusal *why;
} pickup_ctx;

static int pickup_tx(db_conn *c, void *ctx)
{
    pickup_ctx *x = ctx;
    arena *a = x->a;
    const pickup_record *p = x->p;
    const char *h = db_i64(a, x->hub);
    PGresult *r;
    /* a point from before slots were kept, and left without: its opening as it was */
    int st = db_run_a(c, a,
                      x->creating      ? &pickup_insert
                      : p->nslots == 0 ? &pickup_write_keep
                                       : &pickup_write,
                      &r,
                      DB_P(h, p->slug, p->name, p->address, db_i64(a, p->lat_e7),
                           db_i64(a, p->lon_e7), place_opening_text(a, p->slots, p->nslots),
                           db_i64(a, p->slots[0].dow), db_i64(a, p->slots[0].start_min),
                           db_i64(a, p->slots[0].end_min), db_i64(a, p->capacity)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) != 1)
        return x->creating
                   ? refuse(x->why, 409, "slug_taken", "slug",
                            "Un point de retrait du groupement a déjà cet identifiant.",
                            "A pickup point of this hub already has this short name.")
                   : refuse(x->why, 404, "not_found", "slug", "Ce point de retrait n’existe pas.",
                            "There is no such pickup point.");
    const char *id = db_val(r, 0, "id");
    if (p->nslots == 0)
        return 0;
    int64_t dows[PICKUP_SLOTS_MAX], starts[PICKUP_SLOTS_MAX], ends[PICKUP_SLOTS_MAX];
    for (size_t i = 0; i < p->nslots; i++) {
        dows[i] = p->slots[i].dow;
        starts[i] = p->slots[i].start_min;
        ends[i] = p->slots[i].end_min;
    }
    if ((st = db_do(c, &slots_clear, DB_P(id))) != DB_OK)
        return st;
    return db_do(c, &slots_insert,
                 DB_P(h, id, db_int_array(a, dows, p->nslots), db_int_array(a, starts, p->nslots),
                      db_int_array(a, ends, p->nslots)));
}

int pickup_create(db_conn *c, arena *a, int64_t hub, const pickup_in *in, refusal *why)
{
    pickup_record p = {.slug = "", .name = "", .address = ""};
    int st = check_pickup(a, in, true, &p, why);
    if (st)
        return st;
    pickup_ctx x = {a, hub, &p, true, why};
    return db_transaction(c, false, pickup_tx, &x);
}

int pickup_update(db_conn *c, arena *a, int64_t hub, const char *slug, const pickup_in *in,
                  refusal *why)
{
    pickup_record p;
    bool found;
    int st = pickup_get(c, a, hub, slug, &p, &found);
    if (st != DB_OK)
        return st;
    if (!found)
        return refuse(why, 404, "not_found", "slug", "Ce point de retrait n’existe pas.",
                      "There is no such pickup point.");
    pickup_in typed = *in;
    typed.slug = NULL;
    if ((st = check_pickup(a, &typed, false, &p, why)) != 0)
        return st;
    pickup_ctx x = {a, hub, &p, false, why};
    return db_transaction(c, false, pickup_tx, &x);
}

static int set_active(db_conn *c, arena *a, db_stmt *s, int64_t hub, const char *slug, bool active,
                      refusal *why)
{
    PGresult *r;
    int st = db_run_a(c, a, s, &r, DB_P(db_i64(a, hub), slug, active ? "t" : "f"));
    if (st != DB_OK)
        return st;
    return PQntuples(r) ? 0
                        : refuse(why, 404, "not_found", "slug", "Introuvable dans ce groupement.",
                                 "Not found in this hub.");
}

int pickup_set_active(db_conn *c, arena *a, int64_t hub, const char *slug, bool active,
                      refusal *why)
{
    return set_active(c, a, &pickup_active, hub, slug, active, why);
}

/* ---- vans ------------------------------------------------------------------------------ */

static void vehicle_from(const PGresult *r, int i, vehicle_record *v)
{
    *v = (vehicle_record){db_int(r, i, "id"),
                          db_val(r, i, "slug"),
                          db_val(r, i, "name"),
                          db_int(r, i, "capacity_g"),
                          db_int(r, i, "crates"),
                          (int)db_int(r, i, "speed_kmh"),
                          (int)db_int(r, i, "stop_minutes"),
                          (int)db_int(r, i, "departs"),
                          db_bool(r, i, "active")};
}

db_status vehicle_list(db_conn *c, arena *a, int64_t hub, vehicle_record **out, size_t *n)
{
    PGresult *r;
    db_status st = db_run_a(c, a, &vehicles, &r, DB_P(db_i64(a, hub), ""));
    *n = 0;
    *out = NULL;
    if (st != DB_OK)
        return st;
    *n = (size_t)PQntuples(r);
    *out = arena_alloc(a, (*n + 1) * sizeof **out);
    for (size_t i = 0; i < *n; i++)
        vehicle_from(r, (int)i, &(*out)[i]);
    return DB_OK;
}

db_status vehicle_get(db_conn *c, arena *a, int64_t hub, const char *slug, vehicle_record *out,
                      bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &vehicles, &r, DB_P(db_i64(a, hub), slug && *slug ? slug : "-"));
    if (st == DB_OK && PQntuples(r) == 1) {
        vehicle_from(r, 0, out);
        *found = true;
    }
    return st;
}

static int check_vehicle(arena *a, const vehicle_in *in, bool creating, vehicle_record *v,
                         refusal *why)
{
    refusal_detail d[10];
    size_t n = 0;
    int64_t k;
    if (creating) {
        if (!in->slug || !slug_valid(in->slug))
            PROBLEM("slug",
                    "L’identifiant s’écrit en minuscules, chiffres et tirets, comme « camion-1 ».",
                    "The short name is lower-case letters, digits and dashes, such as \"van-1\".");
        else
            v->slug = in->slug;
    }
    if ((in->name || creating) &&
        text_detail(a, d, &n, "name", in->name, 1, 200, TEXT_LINE,
                    "Le nom compte de 1 à 200 caractères.", "The name has 1 to 200 characters."))
        v->name = in->name;
    if (in->capacity_kg || creating) {
        if (parse_decimal(in->capacity_kg ? in->capacity_kg : "", 3, 1, 1000000000, &k) != PARSE_OK)
            PROBLEM("capacity_kg",
                    "La capacité est un poids en kg, plus de 0 (comme 800 ou 1200,5).",
                    "The capacity is a weight in kg, more than 0 (such as 800 or 1200.5).");
        else
            v->capacity_g = k;
    }
    if (in->capacity_crates) {
        if (!*in->capacity_crates)
            v->capacity_crates = 0;
        else if (parse_int(in->capacity_crates, 1, 100000, &k) != PARSE_OK)
            PROBLEM("capacity_crates",
                    "Le nombre de caisses est un entier de 1 à 100000 (vide : non compté).",
                    "The crates are a whole number from 1 to 100000 (empty: not counted).");
        else
            v->capacity_crates = k;
    }
    if (in->speed_kmh || creating) {
        if (parse_int(in->speed_kmh ? in->speed_kmh : "", 1, 200, &k) != PARSE_OK)
            PROBLEM("speed_kmh", "La vitesse moyenne est un entier de 1 à 200 km/h.",
                    "The average speed is a whole number from 1 to 200 km/h.");
        else
            v->speed_kmh = (int)k;
    }
    if (in->stop_minutes || creating) {
        if (parse_int(in->stop_minutes ? in->stop_minutes : "", 0, 240, &k) != PARSE_OK)
            PROBLEM("stop_minutes", "Le temps par arrêt est un entier de 0 à 240 minutes.",
                    "The time per stop is a whole number from 0 to 240 minutes.");
        else
            v->stop_minutes = (int)k;
    }
    if ((in->departs || creating) &&
        parse_time_of_day(in->departs ? in->departs : "", &v->departs_min) != PARSE_OK)
        PROBLEM("departs", "L’heure de départ s’écrit comme 07:30.",
                "The departure time is written like 07:30.");
    return n ? refuse_details(why, a, d, n) : 0;
}

static int write_vehicle(db_conn *c, arena *a, int64_t hub, const vehicle_record *v, bool creating,
                         refusal *why)
{
    PGresult *r;
    int st = db_run_a(c, a, creating ? &vehicle_insert : &vehicle_write, &r,
                      DB_P(db_i64(a, hub), v->slug, v->name, db_i64(a, v->capacity_g),
                           db_i64(a, v->capacity_crates), db_i64(a, v->speed_kmh),
                           db_i64(a, v->stop_minutes), db_i64(a, v->departs_min)));
    if (st != DB_OK)
        return st;
    if (PQntuples(r) == 1)
        return 0;
    return creating ? refuse(why, 409, "slug_taken", "slug",
                             "Un véhicule du groupement a déjà cet identifiant.",
                             "A van of this hub already has this short name.")
                    : refuse(why, 404, "not_found", "slug", "Ce véhicule n’existe pas.",
                             "There is no such van.");
}

int vehicle_create(db_conn *c, arena *a, int64_t hub, const vehicle_in *in, refusal *why)
{
    vehicle_record v = {.slug = "", .name = ""};
    int st = check_vehicle(a, in, true, &v, why);
    return st ? st : write_vehicle(c, a, hub, &v, true, why);
}

int vehicle_update(db_conn *c, arena *a, int64_t hub, const char *slug, const vehicle_in *in,
                   refusal *why)
{
    vehicle_record v;
    bool found;
    int st = vehicle_get(c, a, hub, slug, &v, &found);
    if (st != DB_OK)
        return st;
    if (!found)
        return refuse(why, 404, "not_found", "slug", "Ce véhicule n’existe pas.",
                      "There is no such van.");
    vehicle_in typed = *in;
    typed.slug = NULL;
    st = check_vehicle(a, &typed, false, &v, why);
    return st ? st : write_vehicle(c, a, hub, &v, false, why);
}

int vehicle_set_active(db_conn *c, arena *a, int64_t hub, const char *slug, bool active,
                       refusal *why)
{
    return set_active(c, a, &vehicle_active, hub, slug, active, why);
}
