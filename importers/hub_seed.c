/*
 * importers/hub_seed.c — load a hub from a directory of CSV files (km0 seed DIR).
 *
 * hub.csv (one row), producers.csv, pickup_points.csv and vehicles.csv, shaped
 * like ../shared/fixtures/hub/: UTF-8, comma-separated, a header naming the
 * columns (in any order). Every file is checked completely first and every
 * problem is reported as FILE:LINE:COLUMN; only a directory without problems is
 * written, in one transaction, upserting by slug so seeding twice is harmless.
 *
 * hub.csv may carry the hub's settings (seller_mode, payment_days,
 * resale_vat_rate): they are set, and recorded as changed by the seed. A hub the
 * seed creates takes the configuration's values for those it does not carry.
 *
 * It may also carry rcs_city and share_capital (euros, like 15000 or 15000.50), which a
 * company's documents must state (core/legal.h): both or neither, and only for a legal
 * form that has them. Without them a company hub's coordinator is asked for them at
 * the first change of its identity; seeding again without them keeps what was given.
 */
#include "hub_seed.h"
#include "../core/buf.h"
#include "../core/files.h"
#include "../core/config.h"
#include "../core/hub.h"
#include "../core/hub_settings.h"
#include "../core/legal.h"
#include "../core/money.h"
#include "../core/parse.h"
#include "../core/text.h"
#include "../core/util.h"
#include "csv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    F_TEXT,
    F_SLUG,
    F_SIRET,
    F_VAT,
    F_REGIME,
    F_LAT,
    F_LON,
    F_KG,
    F_INT,
    F_TIME,
    F_OPENING,
    F_SELLER_MODE,
    F_PAYMENT_DAYS,
    F_RESALE_RATE,
    F_CAPITAL
} field_type;

typedef struct {
    const char *name;
    field_type type;
    bool required;
    int64_t max; /* F_TEXT: characters; F_INT: the largest value */
    int64_t min; /* F_INT: the smallest value */
} column_spec;

typedef struct {
    const char *file;
    const column_spec *cols;
    size_t ncols;
    bool single_row;
} file_spec;

static const column_spec hub_cols[] = {
    {"slug", F_SLUG, true, 64},
    {"name", F_TEXT, true, 200},
    {"legal_form", F_TEXT, false, 60},
    {"siret", F_SIRET, true, 14},
    {"vat_number", F_VAT, false, 13},
    {"address", F_TEXT, false, 300},
    {"depot_lat", F_LAT, true, 0},
    {"depot_lon", F_LON, true, 0},
    {"email", F_TEXT, false, 254},
    {"phone", F_TEXT, false, 40},
    /* the hub's settings (core/hub_settings.h), optional */
    {"seller_mode", F_SELLER_MODE, false, 0},
    {"payment_days", F_PAYMENT_DAYS, false, 0},
    {"resale_vat_rate", F_RESALE_RATE, false, 0},
    /* what a company's documents state (core/legal.h), optional */
    {"rcs_city", F_TEXT, false, 100},
    {"share_capital", F_CAPITAL, false, 0},
};
enum {
    HUB_LEGAL_FORM = 2,
    HUB_SELLER_MODE = 10,
    HUB_PAYMENT_DAYS,
    HUB_RESALE_RATE,
    HUB_RCS_CITY,
    HUB_SHARE_CAPITAL
};
static const column_spec producer_cols[] = {
    {"slug", F_SLUG, true, 64},        {"name", F_TEXT, true, 200},
    {"legal_form", F_TEXT, false, 60}, {"siret", F_SIRET, true, 14},
    {"vat_number", F_VAT, false, 13},  {"vat_regime", F_REGIME, true, 0},
    {"address", F_TEXT, false, 300},   {"town", F_TEXT, false, 100},
    {"lat", F_LAT, false, 0},          {"lon", F_LON, false, 0},
    {"email", F_TEXT, false, 254},
};
static const column_spec pickup_cols[] = {
    {"slug", F_SLUG, true, 64},
    {"name", F_TEXT, true, 200},
    {"address", F_TEXT, false, 300},
    {"lat", F_LAT, true, 0},
    {"lon", F_LON, true, 0},
    {"opening", F_OPENING, false, 100},
    {"capacity_orders", F_INT, false, 100000, 1},
};
static const column_spec vehicle_cols[] = {
    {"slug", F_SLUG, true, 64},         {"name", F_TEXT, true, 200},
    {"capacity_kg", F_KG, true, 0},     {"capacity_crates", F_INT, false, 100000, 1},
    {"speed_kmh", F_INT, true, 200, 1}, {"stop_minutes", F_INT, true, 240, 0},
    {"departs", F_TIME, true, 0},
};

static const file_spec files[] = {
    {"hub.csv", hub_cols, ARRAY_LEN(hub_cols), true},
    {"producers.csv", producer_cols, ARRAY_LEN(producer_cols), false},
    {"pickup_points.csv", pickup_cols, ARRAY_LEN(pickup_cols), false},
    {"vehicles.csv", vehicle_cols, ARRAY_LEN(vehicle_cols), false},
};

/* A parsed table: rows of values in the spec's column order ("" when absent). */
typedef struct {
    const char ***rows;
    int *lines;
    size_t nrows;
} table;

typedef struct {
    const char *dir;
    arena *mem;
    buf *errors;
    int nerrors;
} seed_ctx;

static void problem(seed_ctx *s, const char *file, int line, const char *col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void problem(seed_ctx *s, const char *file, int line, const char *col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_printf(s->errors, "%s/%s:%d:%s: ", s->dir, file, line, col ? col : "");
    buf_vprintf(s->errors, fmt, ap);
    buf_putc(s->errors, '\n');
    va_end(ap);
    s->nerrors++;
}

/* Check one value; returns the value to store (normalised), or NULL after a problem. */
static const char *check_value(seed_ctx *s, const file_spec *f, int line, const column_spec *c,
                               const char *v)
{
    if (!*v) {
        if (c->required)
            problem(s, f->file, line, c->name, "missing value");
        return c->required ? NULL : v;
    }
    if (!utf8_valid(v, strlen(v))) {
        problem(s, f->file, line, c->name, "not valid UTF-8");
        return NULL;
    }
    int64_t n;
    int a, b, x;
    char num[32];
    switch (c->type) {
    case F_TEXT:
        switch (text_check(v, 0, (size_t)c->max, TEXT_LINE)) {
        case TEXT_OK:
            return v;
        case TEXT_TOO_LONG:
            problem(s, f->file, line, c->name, "longer than %lld characters", (long long)c->max);
            return NULL;
        default:
            problem(s, f->file, line, c->name,
                    "holds a control character or a noncharacter (such as U+FFFF)");
            return NULL;
        }
    case F_SLUG:
        if (!slug_valid(v)) {
            problem(s, f->file, line, c->name,
                    "\"%s\" is not a slug (lowercase letters, digits and dashes)", v);
            return NULL;
        }
        return v;
    case F_SIRET:
        if (!siret_valid(v)) {
            problem(s, f->file, line, c->name, "\"%s\" is not a valid SIRET (14 digits, Luhn)", v);
            return NULL;
        }
        return v;
    case F_VAT:
        if (!fr_vat_valid(v)) {
            problem(s, f->file, line, c->name, "\"%s\" is not a valid French VAT number", v);
            return NULL;
        }
        return v;
    case F_REGIME:
        if (strcmp(v, "standard") && strcmp(v, "franchise")) {
            problem(s, f->file, line, c->name, "must be \"standard\" or \"franchise\"");
            return NULL;
        }
        return v;
    case F_LAT:
    case F_LON:
        if (parse_degrees(v, c->type == F_LAT, &n) != PARSE_OK) {
            problem(s, f->file, line, c->name, "\"%s\" is not a %s in decimal degrees (%s)", v,
                    c->type == F_LAT ? "latitude" : "longitude",
                    c->type == F_LAT ? "-90 to 90" : "-180 to 180");
            return NULL;
        }
        return arena_strdup(s->mem, dec_format(num, n, 7, 0));
    case F_KG:
        if (parse_decimal(v, 3, 1, 1000000000, &n) != PARSE_OK) {
            problem(s, f->file, line, c->name, "\"%s\" is not a weight in kg (up to 1000000)", v);
            return NULL;
        }
        return arena_printf(s->mem, "%lld", (long long)n); /* grams */
    case F_INT:
        /* stored as parsed: "5.0" is no integer to PostgreSQL */
        if (parse_int(v, c->min, c->max, &n) != PARSE_OK) {
            problem(s, f->file, line, c->name, "\"%s\" is not a whole number from %lld to %lld", v,
                    (long long)c->min, (long long)c->max);
            return NULL;
        }
        return arena_printf(s->mem, "%lld", (long long)n);
    case F_TIME:
        if (!hub_parse_hhmm(v, &x)) {
            problem(s, f->file, line, c->name, "\"%s\" is not a time HH:MM", v);
            return NULL;
        }
        return v;
    case F_OPENING:
        if (!hub_parse_opening(v, &x, &a, &b)) {
            problem(s, f->file, line, c->name,
                    "\"%s\" is not an opening slot like \"jeudi 17:00-19:00\"", v);
            return NULL;
        }
        return v;
    case F_SELLER_MODE: {
        seller_mode m;
        if (!seller_mode_parse(v, &m)) {
            problem(s, f->file, line, c->name, "must be \"producers\" or \"hub\"");
            return NULL;
        }
        return v;
    }
    case F_PAYMENT_DAYS:
        if (dec_parse(v, 0, &n) != DEC_OK || n < 0 || n > HUB_PAYMENT_DAYS_MAX) {
            problem(s, f->file, line, c->name, "\"%s\" is not a number of days from 0 to 60", v);
            return NULL;
        }
        return v;
    case F_RESALE_RATE:
        if (dec_parse(v, 2, &n) != DEC_OK || !(n == 210 || n == 550 || n == 1000 || n == 2000)) {
            problem(s, f->file, line, c->name, "\"%s\" is not 2.1, 5.5, 10 or 20 (percent)", v);
            return NULL;
        }
        return arena_printf(s->mem, "%lld", (long long)n); /* hundredths of a percent */
    case F_CAPITAL:
        if (parse_decimal(v, 2, 0, 100000000000000LL, &n) != PARSE_OK) {
            problem(s, f->file, line, c->name,
                    "\"%s\" is not an amount in euros, like 15000 or 15000.50", v);
            return NULL;
        }
        return arena_printf(s->mem, "%lld", (long long)n); /* cents */
    }
    return NULL;
}

static void load_table(seed_ctx *s, const file_spec *f, table *t)
{
    memset(t, 0, sizeof *t);
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", s->dir, f->file);
    buf raw = BUF_INIT;
    if (file_read(path, &raw, 64u << 20) != 0) {
        problem(s, f->file, 0, NULL, "cannot read: %s", strerror(errno));
        buf_free(&raw);
        return;
    }
    csv_text text;
    csv_decode(buf_str(&raw), raw.len, IMP_ENC_UTF8, s->mem, &text);
    buf_free(&raw);
    csv_reader rd;
    csv_reader_init(&rd, text.data, text.len, ',', 4096, 64);
    csv_record rec;
    int *map = arena_alloc(s->mem, f->ncols * sizeof *map);
    if (!csv_next(&rd, &rec)) {
        problem(s, f->file, 1, NULL, "the file is empty");
        csv_reader_free(&rd);
        return;
    }
    size_t header_fields = rec.nfields;
    for (size_t c = 0; c < f->ncols; c++) {
        map[c] = -1;
        for (size_t k = 0; k < rec.nfields; k++)
            if (!strcmp(rec.fields[k], f->cols[c].name))
                map[c] = (int)k;
        if (map[c] < 0 && f->cols[c].required)
            problem(s, f->file, 1, f->cols[c].name, "required column is missing from the header");
    }
    size_t cap = 0;
    while (csv_next(&rd, &rec)) {
        if (rec.nfields == 1 && rec.lens[0] == 0)
            continue; /* blank line */
        if (rec.nfields != header_fields) {
            problem(s, f->file, rec.line, NULL, "%zu fields where the header has %zu", rec.nfields,
                    header_fields);
            continue;
        }
        const char **row = arena_alloc(s->mem, f->ncols * sizeof *row);
        bool ok = true;
        for (size_t c = 0; c < f->ncols; c++) {
            const char *v = map[c] >= 0 ? rec.fields[map[c]] : "";
            row[c] = check_value(s, f, rec.line, &f->cols[c], arena_strdup(s->mem, v));
            ok = ok && row[c];
        }
        for (size_t k = 0; ok && k < t->nrows; k++)
            if (!strcmp(t->rows[k][0], row[0])) {
                problem(s, f->file, rec.line, "slug", "\"%s\" is already used on line %d", row[0],
                        t->lines[k]);
                ok = false;
            }
        if (!ok)
            continue;
        if (t->nrows == cap) {
            cap = cap ? cap * 2 : 16;
            const char ***rows = arena_alloc(s->mem, cap * sizeof *rows);
            int *lines = arena_alloc(s->mem, cap * sizeof *lines);
            if (t->nrows) {
                memcpy(rows, t->rows, t->nrows * sizeof *rows);
                memcpy(lines, t->lines, t->nrows * sizeof *lines);
            }
            t->rows = rows;
            t->lines = lines;
        }
        t->lines[t->nrows] = rec.line;
        t->rows[t->nrows++] = row;
    }
    csv_reader_free(&rd);
    if (f->single_row && t->nrows != 1 && s->nerrors == 0)
        problem(s, f->file, 0, NULL, "must hold exactly one hub (found %zu)", t->nrows);
}

/* ---- writes ------------------------------------------------------------- */

/* rcs_city and share capital: the file's when it carries them, else what the hub has */
DB_STMT(upsert_hub,
        "INSERT INTO hubs (slug, name, legal_form, siret, vat_number, address, depot_lat,"
        "                  depot_lon, email, phone, rcs_city, share_capital_cents)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, '')::bigint)"
        " ON CONFLICT (slug) DO UPDATE SET name = $2, legal_form = $3, siret = $4,"
        "   vat_number = $5, address = $6, depot_lat = $7, depot_lon = $8, email = $9,"
        "   phone = $10, rcs_city = CASE WHEN $11 = '' THEN hubs.rcs_city ELSE $11 END,"
        "   share_capital_cents = coalesce(excluded.share_capital_cents,"
        "                                  hubs.share_capital_cents)"
        " RETURNING id, xmax = 0 AS created");
DB_STMT(upsert_producer,
        "INSERT INTO producers (hub_id, slug, name, legal_form, siret, vat_number, vat_regime,"
        "                       address, town, lat, lon, email)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, nullif($10, '')::float8,"
        "         nullif($11, '')::float8, $12)"
        " ON CONFLICT (hub_id, slug) DO UPDATE SET name = $3, legal_form = $4, siret = $5,"
        "   vat_number = $6, vat_regime = $7, address = $8, town = $9, lat = excluded.lat,"
        "   lon = excluded.lon, email = $12");
DB_STMT(upsert_pickup,
        "INSERT INTO pickup_points (hub_id, slug, name, address, lat, lon, opening, opening_dow,"
        "                           opening_start, opening_end, capacity_orders)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, nullif($8, '')::smallint, nullif($9, '')::time,"
        "         nullif($10, '')::time, nullif($11, '')::int)"
        " ON CONFLICT (hub_id, slug) DO UPDATE SET name = $3, address = $4, lat = $5, lon = $6,"
        "   opening = $7, opening_dow = excluded.opening_dow,"
        "   opening_start = excluded.opening_start, opening_end = excluded.opening_end,"
        "   capacity_orders = excluded.capacity_orders");
DB_STMT(upsert_vehicle,
        "INSERT INTO vehicles (hub_id, slug, name, capacity_g, capacity_crates, speed_kmh,"
        "                      stop_minutes, departs)"
        " VALUES ($1, $2, $3, $4, nullif($5, '')::int, $6, $7, $8)"
        " ON CONFLICT (hub_id, slug) DO UPDATE SET name = $3, capacity_g = $4,"
        "   capacity_crates = excluded.capacity_crates, speed_kmh = $6, stop_minutes = $7,"
        "   departs = $8");

typedef struct {
    seed_ctx *s;
    table t[4];
    hub_seed_counts *counts;
} write_ctx;

/* The hub's settings: hub.csv's columns, and for a hub just created the
 * configuration's values for the others. */
static int seed_settings(db_conn *c, write_ctx *w, const char **h, bool created)
{
    hub_settings_patch p = {0};
    int64_t n;
    if (*h[HUB_SELLER_MODE] || created) {
        p.set_seller = true;
        seller_mode_parse(*h[HUB_SELLER_MODE] ? h[HUB_SELLER_MODE] : g_config.seller_mode,
                          &p.to.seller);
    }
    if (*h[HUB_PAYMENT_DAYS] || created) {
        p.set_payment_days = true;
        p.to.payment_days = *h[HUB_PAYMENT_DAYS] && dec_parse(h[HUB_PAYMENT_DAYS], 0, &n) == DEC_OK
                                ? (int)n
                                : g_config.payment_days;
    }
    if (*h[HUB_RESALE_RATE] || created) {
        p.set_resale_vat_rate = true;
        p.to.resale_vat_rate = *h[HUB_RESALE_RATE] && dec_parse(h[HUB_RESALE_RATE], 0, &n) == DEC_OK
                                   ? (vat_bp_t)n
                                   : (vat_bp_t)g_config.resale_vat_rate_bp;
    }
    hub_settings out = {0};
    refusal why = {0};
    int st = hub_settings_update_in_tx(c, w->s->mem, w->counts->hub_id, &p, 0, "seed", &out, &why);
    if (st > 0) /* checked when read: cannot happen */
        buf_printf(w->s->errors, "%s/hub.csv: %s\n", w->s->dir, why.en);
    return st;
}

static int write_all(db_conn *c, void *p)
{
    write_ctx *w = p;
    arena *a = w->s->mem;
    const char **h = w->t[0].rows[0];
    PGresult *r;
    db_status st = db_run(c, &upsert_hub, &r,
                          DB_P(h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8], h[9],
                               h[HUB_RCS_CITY], h[HUB_SHARE_CAPITAL]));
    if (st != DB_OK)
        return st;
    char *hub = arena_strdup(a, db_val(r, 0, "id"));
    w->counts->hub_id = db_int(r, 0, "id");
    bool created = db_bool(r, 0, "created");
    PQclear(r);
    if ((st = seed_settings(c, w, h, created)) != 0)
        return st;
    for (size_t i = 0; i < w->t[1].nrows; i++) {
        const char **v = w->t[1].rows[i];
        st = db_do(c, &upsert_producer,
                   DB_P(hub, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]));
        if (st != DB_OK)
            return st;
    }
    for (size_t i = 0; i < w->t[2].nrows; i++) {
        const char **v = w->t[2].rows[i];
        int dow = 0, from = 0, to = 0;
        const char *d = "", *fs = "", *ts = "";
        if (*v[5] && hub_parse_opening(v[5], &dow, &from, &to)) {
            d = arena_printf(a, "%d", dow);
            fs = arena_printf(a, "%02d:%02d", from / 60, from % 60);
            ts = arena_printf(a, "%02d:%02d", to / 60, to % 60);
        }
        st = db_do(c, &upsert_pickup,
                   DB_P(hub, v[0], v[1], v[2], v[3], v[4], v[5], d, fs, ts, v[6]));
        if (st != DB_OK)
            return st;
    }
    for (size_t i = 0; i < w->t[3].nrows; i++) {
        const char **v = w->t[3].rows[i];
        st = db_do(c, &upsert_vehicle, DB_P(hub, v[0], v[1], v[2], v[3], v[4], v[5], v[6]));
        if (st != DB_OK)
            return st;
    }
    w->counts->producers = w->t[1].nrows;
    w->counts->pickup_points = w->t[2].nrows;
    w->counts->vehicles = w->t[3].nrows;
    return 0;
}

int hub_seed(db_conn *c, const char *dir, buf *errors, hub_seed_counts *counts)
{
    seed_ctx s = {dir, arena_new(), errors, 0};
    write_ctx w = {&s, {{0}}, counts};
    memset(counts, 0, sizeof *counts);
    for (size_t i = 0; i < ARRAY_LEN(files); i++)
        load_table(&s, &files[i], &w.t[i]);
    /* a producer's VAT number and regime must agree (the schema insists too) */
    for (size_t i = 0; i < w.t[1].nrows; i++) {
        const char **v = w.t[1].rows[i];
        if (!strcmp(v[5], "standard") != (*v[4] != '\0'))
            problem(&s, "producers.csv", w.t[1].lines[i], "vat_number",
                    !strcmp(v[5], "standard") ? "a producer under the standard VAT regime needs "
                                                "its VAT number"
                                              : "a producer under the VAT franchise has no VAT "
                                                "number");
    }
    /* a company's register and capital go together; other forms have neither */
    if (w.t[0].nrows == 1) {
        const char **h = w.t[0].rows[0];
        const legal_form_def *form = legal_form_find(h[HUB_LEGAL_FORM]);
        bool rcs = *h[HUB_RCS_CITY], capital = *h[HUB_SHARE_CAPITAL];
        if ((rcs || capital) && form && !form->rcs)
            problem(&s, "hub.csv", w.t[0].lines[0], rcs ? "rcs_city" : "share_capital",
                    "a hub whose legal form is \"%s\" has no trade register city nor share "
                    "capital",
                    h[HUB_LEGAL_FORM]);
        else if (rcs != capital)
            problem(&s, "hub.csv", w.t[0].lines[0], rcs ? "share_capital" : "rcs_city",
                    "rcs_city and share_capital go together: give both or neither");
    }
    int rc;
    if (s.nerrors) {
        rc = HUB_SEED_REFUSED;
    } else {
        int st = db_transaction(c, false, write_all, &w);
        if (st != 0) {
            buf_printf(errors, "%s: %s\n", dir, db_last_error(c)->message);
            rc = st == DB_DOWN ? HUB_SEED_DB : HUB_SEED_REFUSED;
        } else {
            rc = HUB_SEED_OK;
        }
    }
    arena_free(s.mem);
    return rc;
}
