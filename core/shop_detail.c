/*
 * core/shop_detail.c — an offer's page, read in one query.
 *
 * An offer is shown as it was frozen when its cycle opened (core/cycle.c): the
 * information a consumer read before ordering is the information of the order.
 */
#include "shop_detail.h"
#include "product_info.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

DB_STMT(offer_detail_of,
        "SELECT o.id, pr.slug AS producer, pr.name AS producer_name, o.sku, o.name, o.category,"
        "       o.unit, o.price_excl_vat_e4, o.vat_rate_bp, o.step_milli,"
        "       coalesce(o.stock_milli - o.sold_milli, -1) AS left_milli,"
        "       CASE o.organic WHEN true THEN 1 WHEN false THEN 0 ELSE -1 END AS organic,"
        "       o.allergens, o.allergen_traces, o.labels, o.net_quantity_milli,"
        "       coalesce(o.net_unit, '') AS net_unit, coalesce(o.photo, '') AS photo,"
        "       o.measure, coalesce(o.measure_price_excl_vat_e4, 0) AS measure_price,"
        "       coalesce(o.measure_estimate_milli, 0) AS measure_estimate,"
        "       c.id AS cycle, c.name AS cycle_name, c.state AS cycle_state, o.description,"
        "       coalesce(o.kind, '') AS kind, o.ingredients, o.storage,"
        "       coalesce(o.origin_country, '') AS origin, o.origin_region, o.certifier,"
        "       coalesce(o.alcohol_bp, -1) AS alcohol_bp, pr.address, pr.town,"
        "       coalesce(ph.width, 0) AS photo_width, coalesce(ph.height, 0) AS photo_height,"
        "       ph.page_avif IS NOT NULL AS photo_avif"
        "  FROM offers o JOIN producers pr ON pr.id = o.producer_id"
        "  JOIN cycles c ON c.id = o.cycle_id"
        "  LEFT JOIN photos ph ON ph.hub_id = o.hub_id AND ph.digest = o.photo"
        " WHERE o.hub_id = $1 AND o.id = $2");

db_status shop_offer_detail(db_conn *c, arena *a, int64_t hub, int64_t id, offer_detail *d,
                            bool *found)
{
    PGresult *r;
    *found = false;
    memset(d, 0, sizeof *d);
    db_status st = db_run_a(c, a, &offer_detail_of, &r, DB_P(db_i64(a, hub), db_i64(a, id)));
    if (st != DB_OK || PQntuples(r) != 1)
        return st;
    int c_all = PQfnumber(r, "allergens"), c_net = PQfnumber(r, "net_quantity_milli");
    d->o = (shop_offer){
        .id = db_int(r, 0, "id"),
        .producer = db_val(r, 0, "producer"),
        .producer_name = db_val(r, 0, "producer_name"),
        .sku = db_val(r, 0, "sku"),
        .name = db_val(r, 0, "name"),
        .category = db_val(r, 0, "category"),
        .unit = db_val(r, 0, "unit"),
        .price = db_int(r, 0, "price_excl_vat_e4"),
        .rate = (vat_bp_t)db_int(r, 0, "vat_rate_bp"),
        .step = db_int(r, 0, "step_milli"),
        .left = db_int(r, 0, "left_milli"),
        .organic = (int)db_int(r, 0, "organic"),
        .allergens = PQgetisnull(r, 0, c_all)
                         ? -1
                         : (int64_t)pi_allergens_from_array(PQgetvalue(r, 0, c_all)),
        .traces = pi_allergens_from_array(db_val(r, 0, "allergen_traces")),
        .labels = pi_labels_from_array(db_val(r, 0, "labels")),
        .net_quantity = PQgetisnull(r, 0, c_net) ? -1 : strtoll(PQgetvalue(r, 0, c_net), NULL, 10),
        .net_unit = db_val(r, 0, "net_unit"),
        .photo = db_val(r, 0, "photo"),
    };
    /* sold by the piece, priced by the kg or litre (core/delivery.h) */
    if (!PQgetisnull(r, 0, PQfnumber(r, "measure"))) {
        d->o.measure = db_val(r, 0, "measure");
        d->o.measure_price = db_int(r, 0, "measure_price");
        d->o.measure_estimate = db_int(r, 0, "measure_estimate");
    }
    d->cycle = db_int(r, 0, "cycle");
    d->cycle_name = db_val(r, 0, "cycle_name");
    d->cycle_state = db_val(r, 0, "cycle_state");
    d->description = db_val(r, 0, "description");
    d->kind = db_val(r, 0, "kind");
    d->ingredients = db_val(r, 0, "ingredients");
    d->storage = db_val(r, 0, "storage");
    d->origin = db_val(r, 0, "origin");
    d->region = db_val(r, 0, "origin_region");
    d->certifier = db_val(r, 0, "certifier");
    d->alcohol_bp = (int)db_int(r, 0, "alcohol_bp");
    d->producer_address = db_val(r, 0, "address");
    d->producer_town = db_val(r, 0, "town");
    d->photo_width = (int)db_int(r, 0, "photo_width");
    d->photo_height = (int)db_int(r, 0, "photo_height");
    d->photo_avif = db_bool(r, 0, "photo_avif");
    *found = true;
    return DB_OK;
}
