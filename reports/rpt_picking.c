/*
 * reports/rpt_picking.c — the picking list: each customer's bag, item by item.
 *
 *   <round id seq vehicle vehicle-name departs-at bags weight-g>
 *     <stop id seq part parts eta bags weight-g>
 *       <pickup-point slug name address opening/>
 *       <bag number order items weight-g>
 *         <customer kind name phone [paper]/>
 *         <item producer producer-name sku product quantity unit weight-g
 *               delivered substitute reason measure estimate actual/>
 *
 * Whoever packs works stop by stop, so the stylesheets start a page sequence per
 * stop; bag totals are attributes so a bag's header can show them first.
 */
#include "../core/money.h"
#include "report_int.h"

#include <string.h>

static const char *const cols[] = {"round_id",
                                   "round_seq",
                                   "vehicle",
                                   "vehicle_name",
                                   "departs_at",
                                   "stop_id",
                                   "stop_seq",
                                   "part",
                                   "parts",
                                   "eta",
                                   "pickup",
                                   "pickup_name",
                                   "pickup_address",
                                   "opening",
                                   "bag",
                                   "order_id",
                                   "customer_kind",
                                   "customer_name",
                                   "phone",
                                   "producer",
                                   "producer_name",
                                   "sku",
                                   "product",
                                   "unit",
                                   "quantity_milli",
                                   "weight_g",
                                   "delivered_milli",
                                   "measure",
                                   "estimate_milli",
                                   "weighed_milli",
                                   "substitute",
                                   "reason",
                                   "paper",
                                   NULL};
enum {
    C_ROUND,
    C_ROUND_SEQ,
    C_VEHICLE,
    C_VEHICLE_NAME,
    C_DEPARTS,
    C_STOP,
    C_STOP_SEQ,
    C_PART,
    C_PARTS,
    C_ETA,
    C_PICKUP,
    C_PICKUP_NAME,
    C_PICKUP_ADDRESS,
    C_OPENING,
    C_BAG,
    C_ORDER,
    C_CUSTOMER_KIND,
    C_CUSTOMER_NAME,
    C_PHONE,
    C_PRODUCER,
    C_PRODUCER_NAME,
    C_SKU,
    C_PRODUCT,
    C_UNIT,
    C_QUANTITY,
    C_WEIGHT,
    C_DELIVERED,
    C_MEASURE,
    C_ESTIMATE,
    C_WEIGHED,
    C_SUBSTITUTE,
    C_REASON,
    C_PAPER
};

typedef struct {
    int64_t bags, weight_g;
} totals;

/* Bags and grams of rows [from, to); weights are per row, computed once. */
static totals sum_rows(const rpt_cols *c, const int64_t *weight, int from, int to)
{
    totals t = {0, 0};
    for (int i = from; i < to; i++) {
        t.weight_g += weight[i];
        if (i == from || strcmp(rpt_v(c, i, C_BAG), rpt_v(c, i - 1, C_BAG)) != 0)
            t.bags++;
    }
    return t;
}

/* What was delivered, when it is not simply what was ordered (core/delivery.h): the
 * units, the reason, and for a product priced by the kg or litre its measure, the
 * estimate for the units delivered and the weight once weighed (the sheet's "actual"
 * column, empty to write on until then). */
static void write_delivered(rpt_ctx *ctx, const rpt_cols *c, int i)
{
    milli_t delivered = rpt_i(c, i, C_DELIVERED);
    if (delivered != rpt_i(c, i, C_QUANTITY))
        rpt_xml_attr_milli(ctx, "delivered", delivered);
    if (*rpt_v(c, i, C_SUBSTITUTE) == 't')
        rpt_xml_attr_bool(ctx, "substitute", true);
    if (!rpt_null(c, i, C_REASON))
        rpt_xml_attr(ctx, "reason", rpt_v(c, i, C_REASON));
    if (rpt_null(c, i, C_MEASURE))
        return;
    rpt_xml_attr(ctx, "measure", rpt_v(c, i, C_MEASURE));
    rpt_xml_attr_milli(ctx, "estimate", money_weight_g(delivered, rpt_i(c, i, C_ESTIMATE)));
    if (rpt_i(c, i, C_WEIGHED) > 0)
        rpt_xml_attr_milli(ctx, "actual", rpt_i(c, i, C_WEIGHED));
}

static void write_bag(rpt_ctx *ctx, const rpt_cols *c, const int64_t *weight, int from, int to)
{
    totals t = sum_rows(c, weight, from, to);
    rpt_xml_start(ctx, "bag");
    rpt_xml_attr(ctx, "number", rpt_v(c, from, C_BAG));
    rpt_xml_attr(ctx, "order", rpt_v(c, from, C_ORDER));
    rpt_xml_attr_int(ctx, "items", to - from);
    rpt_xml_attr_int(ctx, "weight-g", t.weight_g);
    rpt_xml_start(ctx, "customer");
    rpt_xml_attr(ctx, "kind", rpt_v(c, from, C_CUSTOMER_KIND));
    rpt_xml_attr(ctx, "name", rpt_v(c, from, C_CUSTOMER_NAME));
    rpt_xml_attr(ctx, "phone", rpt_v(c, from, C_PHONE));
    /* no e-mail: the bag gets its printed receipt (rpt_receipts.c) */
    if (!strcmp(rpt_v(c, from, C_PAPER), "t"))
        rpt_xml_attr_bool(ctx, "paper", true);
    rpt_xml_end(ctx);
    for (int i = from; i < to; i++) {
        rpt_xml_start(ctx, "item");
        rpt_xml_attr(ctx, "producer", rpt_v(c, i, C_PRODUCER));
        rpt_xml_attr(ctx, "producer-name", rpt_v(c, i, C_PRODUCER_NAME));
        rpt_xml_attr(ctx, "sku", rpt_v(c, i, C_SKU));
        rpt_xml_attr(ctx, "product", rpt_v(c, i, C_PRODUCT));
        rpt_xml_attr_milli(ctx, "quantity", rpt_i(c, i, C_QUANTITY));
        rpt_xml_attr(ctx, "unit", rpt_v(c, i, C_UNIT));
        rpt_xml_attr_int(ctx, "weight-g", weight[i]);
        write_delivered(ctx, c, i);
        rpt_xml_end(ctx);
    }
    rpt_xml_end(ctx);
}

static void write_stop(rpt_ctx *ctx, const rpt_cols *c, const int64_t *weight, int from, int to)
{
    totals t = sum_rows(c, weight, from, to);
    rpt_xml_start(ctx, "stop");
    rpt_xml_attr(ctx, "id", rpt_v(c, from, C_STOP));
    rpt_xml_attr(ctx, "seq", rpt_v(c, from, C_STOP_SEQ));
    rpt_xml_attr(ctx, "part", rpt_v(c, from, C_PART));
    rpt_xml_attr(ctx, "parts", rpt_v(c, from, C_PARTS));
    rpt_xml_attr(ctx, "eta", rpt_v(c, from, C_ETA));
    rpt_xml_attr_int(ctx, "bags", t.bags);
    rpt_xml_attr_int(ctx, "weight-g", t.weight_g);
    rpt_xml_start(ctx, "pickup-point");
    rpt_xml_attr(ctx, "slug", rpt_v(c, from, C_PICKUP));
    rpt_xml_attr(ctx, "name", rpt_v(c, from, C_PICKUP_NAME));
    rpt_xml_attr(ctx, "address", rpt_v(c, from, C_PICKUP_ADDRESS));
    rpt_xml_attr(ctx, "opening", rpt_v(c, from, C_OPENING));
    rpt_xml_end(ctx);
    for (int i = from; i < to;) {
        int end = rpt_run_end(c, i, C_BAG);
        write_bag(ctx, c, weight, i, end);
        i = end;
    }
    rpt_xml_end(ctx);
}

static void write_round(rpt_ctx *ctx, const rpt_cols *c, const int64_t *weight, int from, int to)
{
    totals t = sum_rows(c, weight, from, to);
    rpt_xml_start(ctx, "round");
    rpt_xml_attr(ctx, "id", rpt_v(c, from, C_ROUND));
    rpt_xml_attr(ctx, "seq", rpt_v(c, from, C_ROUND_SEQ));
    rpt_xml_attr(ctx, "vehicle", rpt_v(c, from, C_VEHICLE));
    rpt_xml_attr(ctx, "vehicle-name", rpt_v(c, from, C_VEHICLE_NAME));
    rpt_xml_attr(ctx, "departs-at", rpt_v(c, from, C_DEPARTS));
    rpt_xml_attr_int(ctx, "bags", t.bags);
    rpt_xml_attr_int(ctx, "weight-g", t.weight_g);
    for (int i = from; i < to;) {
        int end = rpt_run_end(c, i, C_STOP);
        write_stop(ctx, c, weight, i, end);
        i = end;
    }
    rpt_xml_end(ctx);
}

db_status rpt_picking(rpt_ctx *ctx)
{
    PGresult *r;
    db_status st = rpt_db_picking(ctx, &r);
    if (st != DB_OK)
        return st;
    rpt_cols c;
    rpt_cols_init(&c, r, cols);
    int n = PQntuples(r);
    int64_t *weight = arena_alloc(ctx->mem, sizeof *weight * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        weight[i] = money_weight_g(rpt_i(&c, i, C_DELIVERED), rpt_i(&c, i, C_WEIGHT));
    /* bags are numbered along rounds and stops, so rounds and stops come in runs */
    for (int i = 0; i < n;) {
        int end = rpt_run_end(&c, i, C_ROUND);
        write_round(ctx, &c, weight, i, end);
        i = end;
    }
    return DB_OK;
}
