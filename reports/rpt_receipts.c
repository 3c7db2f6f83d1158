/*
 * reports/rpt_receipts.c — the receipt that goes in the bag of a paper customer.
 *
 *   <receipt bag order lines total-cents>
 *     <customer name phone/>
 *     <pickup-point slug name address opening/>
 *     <line producer-name sku product quantity unit unit-price-cents amount-cents
 *           [rounding]/>
 *
 * A customer without e-mail (schema/017_paper.sql) gets nothing by mail: the
 * receipt tells them what they ordered and what they will pay, in amounts including
 * VAT that add up to the cent to their invoice (core/money_display.h: each line
 * as a reader checks it, the cent of rounding carried by the lines that say so).
 */
#include "../core/money_display.h"
#include "../core/order.h"
#include "report_int.h"

static const char *const cols[] = {"bag",
                                   "order_id",
                                   "customer_name",
                                   "phone",
                                   "pickup",
                                   "pickup_name",
                                   "pickup_address",
                                   "opening",
                                   "producer_id",
                                   "producer_name",
                                   "sku",
                                   "product",
                                   "unit",
                                   "quantity_milli",
                                   "unit_price_excl_vat_e4",
                                   "vat_rate_bp",
                                   "line_excl_vat_cents",
                                   NULL};
enum {
    C_BAG,
    C_ORDER,
    C_NAME,
    C_PHONE,
    C_PICKUP,
    C_PICKUP_NAME,
    C_PICKUP_ADDRESS,
    C_OPENING,
    C_PRODUCER_ID,
    C_PRODUCER_NAME,
    C_SKU,
    C_PRODUCT,
    C_UNIT,
    C_QUANTITY,
    C_PRICE,
    C_RATE,
    C_NET
};

static void write_receipt(rpt_ctx *ctx, const rpt_cols *c, int from, int to)
{
    size_t n = (size_t)(to - from);
    money_shown *m = arena_alloc(ctx->mem, n * sizeof *m);
    cents_t total = 0;
    seller_mode mode = ctx->seller_is_hub ? SELLER_HUB : SELLER_PRODUCERS;
    for (size_t i = 0; i < n; i++) {
        int r = from + (int)i;
        vat_bp_t rate = (vat_bp_t)rpt_i(c, r, C_RATE);
        m[i] = (money_shown){.seller = order_seller(mode, rpt_i(c, r, C_PRODUCER_ID)),
                             .rate = rate,
                             .net = rpt_i(c, r, C_NET),
                             .quantity = rpt_i(c, r, C_QUANTITY),
                             .unit_incl = money_price_incl(rpt_i(c, r, C_PRICE), rate)};
    }
    money_shown_lines(m, n);
    for (size_t i = 0; i < n; i++)
        total += m[i].incl;
    rpt_xml_start(ctx, "receipt");
    rpt_xml_attr(ctx, "bag", rpt_v(c, from, C_BAG));
    rpt_xml_attr(ctx, "order", rpt_v(c, from, C_ORDER));
    rpt_xml_attr_int(ctx, "lines", (int64_t)n);
    rpt_xml_attr_int(ctx, "total-cents", total);
    rpt_xml_start(ctx, "customer");
    rpt_xml_attr(ctx, "name", rpt_v(c, from, C_NAME));
    rpt_xml_attr(ctx, "phone", rpt_v(c, from, C_PHONE));
    rpt_xml_end(ctx);
    rpt_xml_start(ctx, "pickup-point");
    rpt_xml_attr(ctx, "slug", rpt_v(c, from, C_PICKUP));
    rpt_xml_attr(ctx, "name", rpt_v(c, from, C_PICKUP_NAME));
    rpt_xml_attr(ctx, "address", rpt_v(c, from, C_PICKUP_ADDRESS));
    rpt_xml_attr(ctx, "opening", rpt_v(c, from, C_OPENING));
    rpt_xml_end(ctx);
    for (size_t i = 0; i < n; i++) {
        int r = from + (int)i;
        rpt_xml_start(ctx, "line");
        rpt_xml_attr(ctx, "producer-name", rpt_v(c, r, C_PRODUCER_NAME));
        rpt_xml_attr(ctx, "sku", rpt_v(c, r, C_SKU));
        rpt_xml_attr(ctx, "product", rpt_v(c, r, C_PRODUCT));
        rpt_xml_attr_milli(ctx, "quantity", m[i].quantity);
        rpt_xml_attr(ctx, "unit", rpt_v(c, r, C_UNIT));
        rpt_xml_attr_int(ctx, "unit-price-cents", m[i].unit_incl);
        rpt_xml_attr_int(ctx, "amount-cents", m[i].incl);
        if (m[i].incl != m[i].hand)
            rpt_xml_attr_bool(ctx, "rounding", true);
        rpt_xml_end(ctx);
    }
    rpt_xml_end(ctx);
}

db_status rpt_receipts(rpt_ctx *ctx)
{
    PGresult *r;
    db_status st = rpt_db_receipts(ctx, &r);
    if (st != DB_OK)
        return st;
    rpt_cols c;
    rpt_cols_init(&c, r, cols);
    for (int i = 0, n = PQntuples(r); i < n;) {
        int end = rpt_run_end(&c, i, C_BAG);
        write_receipt(ctx, &c, i, end);
        i = end;
    }
    return DB_OK;
}
