/*
 * reports/rpt_orderform.c — the week's paper order form, for customers without
 * internet: every offer of the cycle with a box for the quantity, the pickup points
 * with their slots to tick, the closing time and the hub's phone number.
 *
 *   <window opens-at closes-at closes-day/>
 *   <pickup-point slug name address opening [day from to]/>...
 *   <producer slug name>
 *     <category name>
 *       <offer number sku name unit price-cents vat-rate step [left] [organic]
 *              [ref-price-cents ref-unit]/>
 *
 * Unlike the other documents it is made before the cycle is batched: while it is
 * open (a draft has no offers yet, they are frozen at the opening; its form says so). Offers come
 * in the order and with the numbers of core/orderform.c, the list the desk's entry
 * page shows, so a coordinator types a form back line by line.
 */
#include "../core/orderform.h"
#include "../core/shop.h"
#include "report_int.h"

#include <stdio.h>
#include <string.h>

static void write_pickups(rpt_ctx *ctx, const shop_pickup *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        rpt_xml_start(ctx, "pickup-point");
        rpt_xml_attr(ctx, "slug", p[i].slug);
        rpt_xml_attr(ctx, "name", p[i].name);
        rpt_xml_attr(ctx, "address", p[i].address);
        rpt_xml_attr(ctx, "opening", p[i].opening);
        if (p[i].dow > 0 && p[i].start_min >= 0 && p[i].end_min >= 0) {
            char from[32], to[32];
            snprintf(from, sizeof from, "%02d:%02d", p[i].start_min / 60, p[i].start_min % 60);
            snprintf(to, sizeof to, "%02d:%02d", p[i].end_min / 60, p[i].end_min % 60);
            rpt_xml_attr_int(ctx, "day", p[i].dow);
            rpt_xml_attr(ctx, "from", from);
            rpt_xml_attr(ctx, "to", to);
        }
        rpt_xml_end(ctx);
    }
}

static void write_offer(rpt_ctx *ctx, const orderform_offer *o)
{
    char rate[16];
    rpt_xml_start(ctx, "offer");
    rpt_xml_attr_int(ctx, "number", o->number);
    rpt_xml_attr(ctx, "sku", o->sku);
    rpt_xml_attr(ctx, "name", o->name);
    rpt_xml_attr(ctx, "unit", o->unit);
    rpt_xml_attr_int(ctx, "price-cents", o->price_incl);
    rpt_xml_attr(ctx, "vat-rate", dec_format(rate, o->rate, 2, 0));
    rpt_xml_attr_milli(ctx, "step", o->step);
    if (o->left >= 0)
        rpt_xml_attr_milli(ctx, "left", o->left > 0 ? o->left : 0);
    if (o->organic >= 0)
        rpt_xml_attr_bool(ctx, "organic", o->organic == 1);
    if (o->ref_unit) {
        rpt_xml_attr_int(ctx, "ref-price-cents", o->ref_price);
        rpt_xml_attr(ctx, "ref-unit", o->ref_unit);
    }
    rpt_xml_end(ctx);
}

db_status rpt_orderform(rpt_ctx *ctx)
{
    PGresult *w;
    orderform_offer *offers;
    shop_pickup *pickups;
    size_t n, npickups;
    db_status st = rpt_db_orderform_window(ctx, &w);
    if (st == DB_OK)
        st = shop_pickups_load(ctx->db, ctx->mem, ctx->cycle_id, &pickups, &npickups);
    if (st == DB_OK)
        st = orderform_offers(ctx->db, ctx->mem, ctx->hub_id, ctx->cycle_id, &offers, &n);
    if (st != DB_OK)
        return st;
    rpt_xml_start(ctx, "window");
    rpt_xml_attr(ctx, "opens-at", db_val(w, 0, "opens_at"));
    rpt_xml_attr(ctx, "closes-at", db_val(w, 0, "closes_at"));
    rpt_xml_attr(ctx, "closes-day", db_val(w, 0, "closes_day"));
    rpt_xml_end(ctx);
    write_pickups(ctx, pickups, npickups);
    for (size_t i = 0; i < n;) {
        rpt_xml_start(ctx, "producer");
        rpt_xml_attr(ctx, "slug", offers[i].producer);
        rpt_xml_attr(ctx, "name", offers[i].producer_name);
        size_t end = i;
        while (end < n && !strcmp(offers[end].producer, offers[i].producer))
            end++;
        for (size_t k = i; k < end;) {
            rpt_xml_start(ctx, "category");
            rpt_xml_attr(ctx, "name", offers[k].category);
            size_t cend = k;
            while (cend < end && !strcmp(offers[cend].category, offers[k].category))
                write_offer(ctx, &offers[cend++]);
            rpt_xml_end(ctx);
            k = cend;
        }
        rpt_xml_end(ctx);
        i = end;
    }
    return DB_OK;
}
