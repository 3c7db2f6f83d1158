/*
 * reports/rpt_collection.c — what each producer brings to the hub, per product,
 * split by round so that it can be packed per vehicle.
 *
 *   <round id seq vehicle vehicle-name departs-at/>         the rounds listed below
 *   <producer id slug name address products weight-g>
 *     <product offer sku name category unit unit-weight-g quantity weight-g orders
 *              delivered reason>                               delivered: when it differs
 *       <in-round round quantity delivered weight-g orders/>  one per round carrying it
 *     </product>
 *     <round-total round weight-g/>                           one per round
 *   </producer>
 *
 * quantity is what was ordered; delivered, when it differs (a shortage, a
 * substitute: core/delivery.h), what the producer brings, with the reasons given.
 * Weights are per round (money_weight_g of the round's delivered quantity); a product's
 * and a producer's weights are the sums of those, so every column adds up.
 */
#include "../core/money.h"
#include "report_int.h"

#include <stdlib.h>

static const char *const cols[] = {"producer_id",   "producer",
                                   "producer_name", "producer_address",
                                   "offer_id",      "sku",
                                   "product",       "category",
                                   "unit",          "weight_g",
                                   "round_id",      "round_seq",
                                   "vehicle",       "vehicle_name",
                                   "departs_at",    "quantity_milli",
                                   "orders",        "delivered_milli",
                                   "reasons",       NULL};
enum {
    C_PRODUCER_ID,
    C_PRODUCER,
    C_PRODUCER_NAME,
    C_PRODUCER_ADDRESS,
    C_OFFER,
    C_SKU,
    C_PRODUCT,
    C_CATEGORY,
    C_UNIT,
    C_WEIGHT,
    C_ROUND,
    C_ROUND_SEQ,
    C_VEHICLE,
    C_VEHICLE_NAME,
    C_DEPARTS,
    C_QUANTITY,
    C_ORDERS,
    C_DELIVERED,
    C_REASONS
};

typedef struct {
    int row; /* a row naming the round */
    int64_t id, seq;
    int64_t weight_g; /* the current producer's, reset per producer */
} round_col;

static int by_seq(const void *a, const void *b)
{
    const round_col *x = a, *y = b;
    return (x->seq > y->seq) - (x->seq < y->seq);
}

static round_col *find_round(round_col *rounds, int n, int64_t id)
{
    for (int i = 0; i < n; i++)
        if (rounds[i].id == id)
            return &rounds[i];
    return NULL;
}

static void write_product(rpt_ctx *ctx, const rpt_cols *c, const int64_t *weight, int from, int to)
{
    int64_t quantity = 0, grams = 0, orders = 0, delivered = 0;
    for (int i = from; i < to; i++) {
        quantity += rpt_i(c, i, C_QUANTITY);
        delivered += rpt_i(c, i, C_DELIVERED);
        grams += weight[i];
        orders += rpt_i(c, i, C_ORDERS);
    }
    rpt_xml_start(ctx, "product");
    rpt_xml_attr(ctx, "offer", rpt_v(c, from, C_OFFER));
    rpt_xml_attr(ctx, "sku", rpt_v(c, from, C_SKU));
    rpt_xml_attr(ctx, "name", rpt_v(c, from, C_PRODUCT));
    rpt_xml_attr(ctx, "category", rpt_v(c, from, C_CATEGORY));
    rpt_xml_attr(ctx, "unit", rpt_v(c, from, C_UNIT));
    rpt_xml_attr(ctx, "unit-weight-g", rpt_v(c, from, C_WEIGHT));
    rpt_xml_attr_milli(ctx, "quantity", quantity);
    rpt_xml_attr_int(ctx, "weight-g", grams);
    rpt_xml_attr_int(ctx, "orders", orders);
    if (delivered != quantity) { /* short, or a substitute: what the producer brings */
        rpt_xml_attr_milli(ctx, "delivered", delivered);
        if (!rpt_null(c, from, C_REASONS))
            rpt_xml_attr(ctx, "reason", rpt_v(c, from, C_REASONS));
    }
    for (int i = from; i < to; i++) {
        rpt_xml_start(ctx, "in-round");
        rpt_xml_attr(ctx, "round", rpt_v(c, i, C_ROUND));
        rpt_xml_attr_milli(ctx, "quantity", rpt_i(c, i, C_QUANTITY));
        if (rpt_i(c, i, C_DELIVERED) != rpt_i(c, i, C_QUANTITY))
            rpt_xml_attr_milli(ctx, "delivered", rpt_i(c, i, C_DELIVERED));
        rpt_xml_attr_int(ctx, "weight-g", weight[i]);
        rpt_xml_attr(ctx, "orders", rpt_v(c, i, C_ORDERS));
        rpt_xml_end(ctx);
    }
    rpt_xml_end(ctx);
}

static void write_producer(rpt_ctx *ctx, const rpt_cols *c, const int64_t *weight, int from, int to,
                           round_col *rounds, int nrounds)
{
    int64_t grams = 0, products = 0;
    for (int k = 0; k < nrounds; k++)
        rounds[k].weight_g = 0;
    for (int i = from; i < to; i++) {
        grams += weight[i];
        products += i == from || rpt_i(c, i, C_OFFER) != rpt_i(c, i - 1, C_OFFER);
        find_round(rounds, nrounds, rpt_i(c, i, C_ROUND))->weight_g += weight[i];
    }
    rpt_xml_start(ctx, "producer");
    rpt_xml_attr(ctx, "id", rpt_v(c, from, C_PRODUCER_ID));
    rpt_xml_attr(ctx, "slug", rpt_v(c, from, C_PRODUCER));
    rpt_xml_attr(ctx, "name", rpt_v(c, from, C_PRODUCER_NAME));
    rpt_xml_attr(ctx, "address", rpt_v(c, from, C_PRODUCER_ADDRESS));
    rpt_xml_attr_int(ctx, "products", products);
    rpt_xml_attr_int(ctx, "weight-g", grams);
    for (int i = from; i < to;) {
        int end = rpt_run_end(c, i, C_OFFER);
        write_product(ctx, c, weight, i, end);
        i = end;
    }
    for (int k = 0; k < nrounds; k++) {
        rpt_xml_start(ctx, "round-total");
        rpt_xml_attr_int(ctx, "round", rounds[k].id);
        rpt_xml_attr_int(ctx, "weight-g", rounds[k].weight_g);
        rpt_xml_end(ctx);
    }
    rpt_xml_end(ctx);
}

db_status rpt_collection(rpt_ctx *ctx)
{
    PGresult *r;
    db_status st = rpt_db_collection(ctx, &r);
    if (st != DB_OK)
        return st;
    rpt_cols c;
    rpt_cols_init(&c, r, cols);
    int n = PQntuples(r);
    int64_t *weight = arena_alloc(ctx->mem, sizeof *weight * (size_t)(n ? n : 1));
    round_col *rounds = arena_alloc(ctx->mem, sizeof *rounds * (size_t)(n ? n : 1));
    int nrounds = 0;
    for (int i = 0; i < n; i++) {
        weight[i] = money_weight_g(rpt_i(&c, i, C_DELIVERED), rpt_i(&c, i, C_WEIGHT));
        if (!find_round(rounds, nrounds, rpt_i(&c, i, C_ROUND)))
            rounds[nrounds++] = (round_col){i, rpt_i(&c, i, C_ROUND), rpt_i(&c, i, C_ROUND_SEQ), 0};
    }
    qsort(rounds, (size_t)nrounds, sizeof *rounds, by_seq);
    for (int k = 0; k < nrounds; k++) {
        int row = rounds[k].row;
        rpt_xml_start(ctx, "round");
        rpt_xml_attr(ctx, "id", rpt_v(&c, row, C_ROUND));
        rpt_xml_attr(ctx, "seq", rpt_v(&c, row, C_ROUND_SEQ));
        rpt_xml_attr(ctx, "vehicle", rpt_v(&c, row, C_VEHICLE));
        rpt_xml_attr(ctx, "vehicle-name", rpt_v(&c, row, C_VEHICLE_NAME));
        rpt_xml_attr(ctx, "departs-at", rpt_v(&c, row, C_DEPARTS));
        rpt_xml_end(ctx);
    }
    for (int i = 0; i < n;) {
        int end = rpt_run_end(&c, i, C_PRODUCER_ID);
        write_producer(ctx, &c, weight, i, end, rounds, nrounds);
        i = end;
    }
    return DB_OK;
}
