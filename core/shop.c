/*
 * core/shop.c — the shop's reads, as typed rows (no PGresult above core/).
 *
 * The page statement takes one parameter, cycle × 1 000 000 + page, so that a page
 * is one entry of the per-process cache like any other read of one id. The order
 * (empty category last, category, name, id) is the index offers_shop of
 * schema/009, so a page deep in a 77 000-offer cycle is an index range, not a sort.
 */
#include "shop.h"
#include "product_info.h"
#include "rcache.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PAGE_KEY 1000000

#define OFFER_SELECT                                                                               \
    "SELECT o.id, p.slug AS producer, p.name AS producer_name, o.sku, o.name, o.category,"         \
    "       o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.step_milli,"                             \
    "       coalesce(o.stock_milli - o.sold_milli, -1) AS left_milli,"                             \
    "       CASE o.organic WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END AS organic,"             \
    "       o.measure, coalesce(o.measure_price_excl_vat_e4, 0) AS measure_price,"                 \
    "       coalesce(o.measure_estimate_milli, 0) AS measure_estimate,"                            \
    "       o.allergens, o.allergen_traces, o.labels, o.net_quantity_milli,"                       \
    "       coalesce(o.net_unit, '') AS net_unit, coalesce(o.photo, '') AS photo"
#define OFFER_FROM    " FROM offers o JOIN producers p ON p.id = o.producer_id"
#define OFFER_COLUMNS OFFER_SELECT OFFER_FROM
#define SHOP_ORDER                                                                                 \
    " ORDER BY o.category = '', o.category COLLATE \"fr-x-icu\", o.name COLLATE \"fr-x-icu\", "    \
    "o.id"

DB_STMT(shop_page, OFFER_COLUMNS " WHERE o.cycle_id = $1::bigint / 1000000" SHOP_ORDER
                                 " LIMIT 40 OFFSET ($1::bigint % 1000000) * 40");
DB_STMT(shop_index_of,
        "SELECT o.category, count(*) AS n FROM offers o WHERE o.cycle_id = $1"
        " GROUP BY o.category ORDER BY o.category = '', o.category COLLATE \"fr-x-icu\"");
DB_STMT(shop_by_id, OFFER_COLUMNS " WHERE o.cycle_id = $1 AND o.id = ANY($2::bigint[])");
/* $2 words, $3 producer slug, $4 label, $5 allergens to avoid, $6 page. Two statements,
 * with and without words, rather than one with "$2 = '' OR ...": a prepared statement's
 * generic plan cannot use the (cycle, words) index through such an OR, and reads the
 * whole cycle instead (bench/search.sh). */
#define SEARCH_FILTERS                                                                             \
    " AND ($3 = '' OR p.slug = $3) AND ($4 = '' OR $4 = ANY (o.labels))"                           \
    " AND (cardinality($5::text[]) = 0 OR (o.allergens IS NOT NULL AND NOT"                        \
    "      (o.allergens || o.allergen_traces) && $5::text[]))"
DB_STMT(shop_search_words, OFFER_SELECT
        ", count(*) OVER () AS total" OFFER_FROM
        " WHERE o.cycle_id = $1 AND o.search @@ websearch_to_tsquery('km0_fr', $2)" SEARCH_FILTERS
        " ORDER BY ts_rank(o.search, websearch_to_tsquery('km0_fr', $2)) DESC,"
        " o.category = '', o.category COLLATE \"fr-x-icu\", o.name COLLATE \"fr-x-icu\","
        " o.id LIMIT 40 OFFSET $6::bigint * 40");
DB_STMT(shop_search_filters,
        OFFER_SELECT ", count(*) OVER () AS total" OFFER_FROM
                     " WHERE o.cycle_id = $1 AND $2 = ''" SEARCH_FILTERS SHOP_ORDER
                     " LIMIT 40 OFFSET $6::bigint * 40");
/* one probe of the (cycle, producer, sku) key per producer, not a scan of the cycle's
 * offers: 1 ms rather than 45 over 100 000 offers (bench/search.sh) */
DB_STMT(shop_producers_of,
        "SELECT p.slug, p.name FROM producers p"
        " WHERE EXISTS (SELECT FROM offers o WHERE o.cycle_id = $1 AND o.producer_id = p.id)"
        " ORDER BY p.name COLLATE \"fr-x-icu\", p.slug");
DB_STMT(shop_thumbnails, "SELECT shop_thumbnails FROM hub_settings WHERE hub_id = $1");
DB_STMT(shop_pickups,
        "SELECT pp.id, pp.slug, pp.name, pp.address, pp.opening,"
        "       coalesce(pp.opening_dow, 0) AS dow,"
        "       coalesce((extract(epoch FROM pp.opening_start) / 60)::int, -1) AS start_min,"
        "       coalesce((extract(epoch FROM pp.opening_end) / 60)::int, -1) AS end_min,"
        "       coalesce(x.capacity_orders, -1) AS capacity, x.orders_count"
        "  FROM cycle_pickup_points x JOIN pickup_points pp ON pp.id = x.pickup_point_id"
        " WHERE x.cycle_id = $1 ORDER BY pp.name COLLATE \"fr-x-icu\", pp.id");
DB_STMT(hub_contact,
        "SELECT name, legal_form, address, email, phone, siret FROM hubs WHERE id = $1");

/* SHOP_PAGE_SIZE is written out in the statement above: keep them one. */
_Static_assert(SHOP_PAGE_SIZE == 40, "shop_page's LIMIT");

static int64_t num(const PGresult *r, int i, int col)
{
    return strtoll(PQgetvalue(r, i, col), NULL, 10);
}

static void offers_of(const PGresult *r, arena *a, shop_offer **out, size_t *n)
{
    int rows = PQntuples(r);
    int c_id = PQfnumber(r, "id"), c_prod = PQfnumber(r, "producer"),
        c_pname = PQfnumber(r, "producer_name"), c_sku = PQfnumber(r, "sku"),
        c_name = PQfnumber(r, "name"), c_cat = PQfnumber(r, "category"),
        c_unit = PQfnumber(r, "unit"), c_price = PQfnumber(r, "price_excl_vat_e4"),
        c_rate = PQfnumber(r, "vat_rate_bp"), c_step = PQfnumber(r, "step_milli"),
        c_left = PQfnumber(r, "left_milli"), c_org = PQfnumber(r, "organic"),
        c_all = PQfnumber(r, "allergens"), c_tr = PQfnumber(r, "allergen_traces"),
        c_lab = PQfnumber(r, "labels"), c_net = PQfnumber(r, "net_quantity_milli"),
        c_netu = PQfnumber(r, "net_unit"), c_photo = PQfnumber(r, "photo");
    int c_measure = PQfnumber(r, "measure"), c_mprice = PQfnumber(r, "measure_price"),
        c_estimate = PQfnumber(r, "measure_estimate");
    shop_offer *o = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *o);
    /* the strings stay in the result, which the arena keeps (db_run_a, rcache_run) */
    for (int i = 0; i < rows; i++) {
        o[i] = (shop_offer){
            .id = num(r, i, c_id),
            .producer = PQgetvalue(r, i, c_prod),
            .producer_name = PQgetvalue(r, i, c_pname),
            .sku = PQgetvalue(r, i, c_sku),
            .name = PQgetvalue(r, i, c_name),
            .category = PQgetvalue(r, i, c_cat),
            .unit = PQgetvalue(r, i, c_unit),
            .price = num(r, i, c_price),
            .rate = (vat_bp_t)num(r, i, c_rate),
            .step = num(r, i, c_step),
            .left = num(r, i, c_left),
            .organic = (int)num(r, i, c_org),
            .allergens = PQgetisnull(r, i, c_all)
                             ? -1
                             : (int64_t)pi_allergens_from_array(PQgetvalue(r, i, c_all)),
            .traces = pi_allergens_from_array(PQgetvalue(r, i, c_tr)),
            .labels = pi_labels_from_array(PQgetvalue(r, i, c_lab)),
            .net_quantity = PQgetisnull(r, i, c_net) ? -1 : num(r, i, c_net),
            .net_unit = PQgetvalue(r, i, c_netu),
            .photo = PQgetvalue(r, i, c_photo),
        };
        /* sold by the piece, priced by the kg or litre (core/delivery.h) */
        o[i].measure = PQgetisnull(r, i, c_measure) ? NULL : PQgetvalue(r, i, c_measure);
        o[i].measure_price = num(r, i, c_mprice);
        o[i].measure_estimate = num(r, i, c_estimate);
    }
    *out = o;
    *n = (size_t)rows;
}

db_status shop_index_load(db_conn *c, arena *a, int64_t cycle, shop_index *out)
{
    PGresult *r;
    db_status st = rcache_run(c, a, 11, &shop_index_of, cycle, &r);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    out->categories = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *out->categories);
    out->ncategories = (size_t)rows;
    out->total = 0;
    for (int i = 0; i < rows; i++) {
        int64_t n = num(r, i, 1);
        out->categories[i] = (shop_category){PQgetvalue(r, i, 0), n, out->total};
        out->total += n;
    }
    return DB_OK;
}

db_status shop_page_load(db_conn *c, arena *a, int64_t cycle, int64_t page, shop_offer **out,
                         size_t *n)
{
    *n = 0;
    if (page < 0 || page >= PAGE_KEY || cycle <= 0 || cycle > INT64_MAX / PAGE_KEY - 1)
        return DB_OK;
    PGresult *r;
    db_status st = rcache_run(c, a, 12, &shop_page, cycle * PAGE_KEY + page, &r);
    if (st == DB_OK)
        offers_of(r, a, out, n);
    return st;
}

db_status shop_offers_by_id(db_conn *c, arena *a, int64_t cycle, const int64_t *ids, size_t nids,
                            shop_offer **out, size_t *n)
{
    PGresult *r;
    db_status st =
        db_run_a(c, a, &shop_by_id, &r, DB_P(db_i64(a, cycle), db_int_array(a, ids, nids)));
    if (st == DB_OK)
        offers_of(r, a, out, n);
    return st;
}

db_status shop_search_load(db_conn *c, arena *a, int64_t cycle, const shop_search *s, int64_t page,
                           shop_offer **out, size_t *n, int64_t *total)
{
    PGresult *r;
    *n = 0;
    *total = 0;
    db_status st = db_run_a(c, a, *s->q ? &shop_search_words : &shop_search_filters, &r,
                            DB_P(db_i64(a, cycle), s->q, s->producer, s->label,
                                 pi_allergens_array(a, s->without), db_i64(a, page)));
    if (st != DB_OK)
        return st;
    offers_of(r, a, out, n);
    if (*n)
        *total = db_int(r, 0, "total");
    return DB_OK;
}

db_status shop_producers_load(db_conn *c, arena *a, int64_t cycle, shop_producer **out, size_t *n)
{
    PGresult *r;
    db_status st = rcache_run(c, a, 191, &shop_producers_of, cycle, &r);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    shop_producer *p = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *p);
    for (int i = 0; i < rows; i++)
        p[i] = (shop_producer){PQgetvalue(r, i, 0), PQgetvalue(r, i, 1)};
    *out = p;
    *n = (size_t)rows;
    return DB_OK;
}

db_status shop_thumbnails_load(db_conn *c, arena *a, int64_t hub, bool *on)
{
    PGresult *r;
    *on = false;
    db_status st = rcache_run(c, a, 192, &shop_thumbnails, hub, &r);
    if (st == DB_OK && PQntuples(r) == 1)
        *on = db_bool(r, 0, "shop_thumbnails");
    return st;
}

db_status shop_pickups_load(db_conn *c, arena *a, int64_t cycle, shop_pickup **out, size_t *n)
{
    PGresult *r;
    db_status st = rcache_run(c, a, 13, &shop_pickups, cycle, &r);
    if (st != DB_OK)
        return st;
    int rows = PQntuples(r);
    shop_pickup *p = arena_alloc(a, (size_t)(rows ? rows : 1) * sizeof *p);
    for (int i = 0; i < rows; i++)
        p[i] = (shop_pickup){num(r, i, 0),        PQgetvalue(r, i, 1), PQgetvalue(r, i, 2),
                             PQgetvalue(r, i, 3), PQgetvalue(r, i, 4), (int)num(r, i, 5),
                             (int)num(r, i, 6),   (int)num(r, i, 7),   num(r, i, 8),
                             num(r, i, 9)};
    *out = p;
    *n = (size_t)rows;
    return DB_OK;
}

db_status shop_hub_load(db_conn *c, arena *a, int64_t hub, shop_hub *out, bool *found)
{
    PGresult *r;
    *found = false;
    db_status st = db_run_a(c, a, &hub_contact, &r, DB_P(db_i64(a, hub)));
    if (st != DB_OK || PQntuples(r) == 0)
        return st;
    *out = (shop_hub){db_val(r, 0, "name"),  db_val(r, 0, "legal_form"), db_val(r, 0, "address"),
                      db_val(r, 0, "email"), db_val(r, 0, "phone"),      db_val(r, 0, "siret")};
    *found = true;
    return DB_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (years counted from March,
 * so the leap day ends a year). */
static int64_t days_of(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void date_of(int64_t z, int64_t *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

bool shop_slot_date(const char *delivery, int dow, char out[11])
{
    int y, m, d;
    if (!delivery || dow < 1 || dow > 7 || sscanf(delivery, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        m < 1 || m > 12 || d < 1 || d > 31)
        return false;
    int64_t z = days_of(y, m, d);
    int iso = (int)(((z % 7) + 7 + 3) % 7) + 1; /* 1970-01-01 was a Thursday (ISO 4) */
    z += (dow - iso + 7) % 7;
    int64_t yy;
    date_of(z, &yy, &m, &d);
    snprintf(out, 11, "%04d-%02d-%02d", (int)yy, m, d);
    return true;
}
