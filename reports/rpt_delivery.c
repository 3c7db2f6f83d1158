/*
 * reports/rpt_delivery.c — the delivery sheet signed at each pickup point.
 *
 *   <pickup-point id slug orders items excl-cents vat-cents due-cents>
 *     <name/> <address/> <opening day start end>jeudi 17:00-19:00</opening>
 *     <visit round seq vehicle-name stop part parts eta/>      one per stop there
 *     <customer order bag kind name legal-name phone items [paper] excl-cents vat-cents
 *               due-cents [changes] [estimate] payment-method to-collect-cents
 *               collected-cents/>
 *   </pickup-point> ...
 *   <totals pickup-points orders excl-cents vat-cents due-cents to-collect-cents collected-cents/>
 *
 * What is left to collect at the pickup is what the ledger says the order still owes
 * (core/payment.h: its invoices, or its total until invoiced, less what was paid, by
 * transfer, direct debit, balance or earlier at the desk); what was collected is what
 * the cash-up recorded there (cash, cheque, card): the sheet's "collected" column shows
 * it, or leaves the box to fill in by hand.
 *
 * The amount due is the order's total including VAT exactly as its invoices
 * will carry it: money_totals_compute over the order's nets as delivered
 * (core/delivery.h) per seller and VAT rate (seller = producer, or the hub alone
 * when seller_mode is "hub"). changes counts what changed in the order (shortages,
 * substitutions: not the weighing itself); estimate says that weighed products still
 * count at their estimate.
 */
#include "../core/money.h"
#include "report_int.h"

#include <stdlib.h>
#include <string.h>

static const char *const cols[] = {"pickup_id",
                                   "pickup",
                                   "pickup_name",
                                   "pickup_address",
                                   "opening",
                                   "opening_dow",
                                   "opening_start",
                                   "opening_end",
                                   "round_id",
                                   "round_seq",
                                   "vehicle_name",
                                   "stop_id",
                                   "stop_seq",
                                   "part",
                                   "parts",
                                   "eta",
                                   "bag",
                                   "order_id",
                                   "customer_kind",
                                   "customer_name",
                                   "legal_name",
                                   "phone",
                                   "items",
                                   "nets",
                                   "estimate",
                                   "changes",
                                   "payment_method",
                                   "to_collect",
                                   "collected",
                                   "paper",
                                   NULL};
enum {
    C_PICKUP_ID,
    C_PICKUP,
    C_PICKUP_NAME,
    C_PICKUP_ADDRESS,
    C_OPENING,
    C_OPENING_DOW,
    C_OPENING_START,
    C_OPENING_END,
    C_ROUND,
    C_ROUND_SEQ,
    C_VEHICLE_NAME,
    C_STOP,
    C_STOP_SEQ,
    C_PART,
    C_PARTS,
    C_ETA,
    C_BAG,
    C_ORDER,
    C_CUSTOMER_KIND,
    C_CUSTOMER_NAME,
    C_LEGAL_NAME,
    C_PHONE,
    C_ITEMS,
    C_NETS,
    C_ESTIMATE,
    C_CHANGES,
    C_METHOD,
    C_TO_COLLECT,
    C_COLLECTED,
    C_PAPER
};

typedef struct {
    int64_t orders, items;
    cents_t excl, vat, due, to_collect, collected;
} sums;

/* "producer rate net producer rate net ..." from the query, totalled per seller
 * and rate as money_totals_compute does for invoices. */
static money_totals order_totals(const rpt_ctx *ctx, const char *nets)
{
    size_t words = 1;
    for (const char *p = nets; *p; p++)
        words += *p == ' ';
    money_line small[32];
    size_t cap = words / 3 + 1;
    money_line *lines = cap <= 32 ? small : arena_alloc(ctx->mem, sizeof *lines * cap);
    size_t n = 0;
    const char *p = nets;
    while (*p && n < cap) {
        char *end;
        int64_t producer = strtoll(p, &end, 10);
        vat_bp_t rate = (vat_bp_t)strtol(end, &end, 10);
        cents_t net = strtoll(end, &end, 10);
        if (end == p)
            break;
        lines[n++] = (money_line){ctx->seller_is_hub ? 0 : producer, rate, net};
        for (p = end; *p == ' ';)
            p++;
    }
    money_totals t;
    money_totals_compute(lines, n, &t);
    return t;
}

/* The stops serving the point in rows [from, to): one, or one per part of a split
 * point, in round order. */
static void write_visits(rpt_ctx *ctx, const rpt_cols *c, int from, int to)
{
    int *first = arena_alloc(ctx->mem, sizeof *first * (size_t)(to - from));
    int k = 0;
    for (int i = from; i < to; i++) {
        int j = 0;
        while (j < k && rpt_i(c, first[j], C_STOP) != rpt_i(c, i, C_STOP))
            j++;
        if (j == k)
            first[k++] = i;
    }
    for (int a = 1; a < k; a++) /* insertion sort: k is the number of parts */
        for (int b = a;
             b > 0 && rpt_i(c, first[b], C_ROUND_SEQ) < rpt_i(c, first[b - 1], C_ROUND_SEQ); b--) {
            int tmp = first[b];
            first[b] = first[b - 1];
            first[b - 1] = tmp;
        }
    for (int j = 0; j < k; j++) {
        int row = first[j];
        rpt_xml_start(ctx, "visit");
        rpt_xml_attr(ctx, "round", rpt_v(c, row, C_ROUND));
        rpt_xml_attr(ctx, "seq", rpt_v(c, row, C_ROUND_SEQ));
        rpt_xml_attr(ctx, "vehicle-name", rpt_v(c, row, C_VEHICLE_NAME));
        rpt_xml_attr(ctx, "stop", rpt_v(c, row, C_STOP_SEQ));
        rpt_xml_attr(ctx, "part", rpt_v(c, row, C_PART));
        rpt_xml_attr(ctx, "parts", rpt_v(c, row, C_PARTS));
        rpt_xml_attr(ctx, "eta", rpt_v(c, row, C_ETA));
        rpt_xml_end(ctx);
    }
}

static void write_point(rpt_ctx *ctx, const rpt_cols *c, const money_totals *t, int from, int to,
                        sums *all)
{
    sums s = {0};
    for (int i = from; i < to; i++) {
        s.orders++;
        s.items += rpt_i(c, i, C_ITEMS);
        s.excl += t[i].excl;
        s.vat += t[i].vat;
        s.due += t[i].incl;
        s.to_collect += rpt_i(c, i, C_TO_COLLECT) > 0 ? rpt_i(c, i, C_TO_COLLECT) : 0;
        s.collected += rpt_i(c, i, C_COLLECTED);
    }
    rpt_xml_start(ctx, "pickup-point");
    rpt_xml_attr(ctx, "id", rpt_v(c, from, C_PICKUP_ID));
    rpt_xml_attr(ctx, "slug", rpt_v(c, from, C_PICKUP));
    rpt_xml_attr_int(ctx, "orders", s.orders);
    rpt_xml_attr_int(ctx, "items", s.items);
    rpt_xml_attr_int(ctx, "excl-cents", s.excl);
    rpt_xml_attr_int(ctx, "vat-cents", s.vat);
    rpt_xml_attr_int(ctx, "due-cents", s.due);
    rpt_xml_attr_int(ctx, "to-collect-cents", s.to_collect);
    rpt_xml_attr_int(ctx, "collected-cents", s.collected);
    rpt_xml_element(ctx, "name", rpt_v(c, from, C_PICKUP_NAME));
    rpt_xml_element(ctx, "address", rpt_v(c, from, C_PICKUP_ADDRESS));
    rpt_xml_start(ctx, "opening");
    if (!rpt_null(c, from, C_OPENING_DOW))
        rpt_xml_attr(ctx, "day", rpt_v(c, from, C_OPENING_DOW));
    if (!rpt_null(c, from, C_OPENING_START))
        rpt_xml_attr(ctx, "start", rpt_v(c, from, C_OPENING_START));
    if (!rpt_null(c, from, C_OPENING_END))
        rpt_xml_attr(ctx, "end", rpt_v(c, from, C_OPENING_END));
    rpt_xml_text(ctx, rpt_v(c, from, C_OPENING));
    rpt_xml_end(ctx);
    write_visits(ctx, c, from, to);
    for (int i = from; i < to; i++) {
        rpt_xml_start(ctx, "customer");
        rpt_xml_attr(ctx, "order", rpt_v(c, i, C_ORDER));
        rpt_xml_attr(ctx, "bag", rpt_v(c, i, C_BAG));
        rpt_xml_attr(ctx, "kind", rpt_v(c, i, C_CUSTOMER_KIND));
        rpt_xml_attr(ctx, "name", rpt_v(c, i, C_CUSTOMER_NAME));
        if (*rpt_v(c, i, C_LEGAL_NAME))
            rpt_xml_attr(ctx, "legal-name", rpt_v(c, i, C_LEGAL_NAME));
        rpt_xml_attr(ctx, "phone", rpt_v(c, i, C_PHONE));
        rpt_xml_attr(ctx, "items", rpt_v(c, i, C_ITEMS));
        /* no e-mail: a receipt in the bag, the invoice printed (schema/017_paper.sql) */
        if (!strcmp(rpt_v(c, i, C_PAPER), "t"))
            rpt_xml_attr_bool(ctx, "paper", true);
        rpt_xml_attr_int(ctx, "excl-cents", t[i].excl);
        rpt_xml_attr_int(ctx, "vat-cents", t[i].vat);
        rpt_xml_attr_int(ctx, "due-cents", t[i].incl);
        /* what was delivered differs from the order (core/delivery.h) */
        if (rpt_i(c, i, C_CHANGES))
            rpt_xml_attr(ctx, "changes", rpt_v(c, i, C_CHANGES));
        if (*rpt_v(c, i, C_ESTIMATE) == 't')
            rpt_xml_attr_bool(ctx, "estimate", true);
        rpt_xml_attr(ctx, "payment-method", rpt_v(c, i, C_METHOD));
        rpt_xml_attr_int(ctx, "to-collect-cents", rpt_i(c, i, C_TO_COLLECT));
        rpt_xml_attr_int(ctx, "collected-cents", rpt_i(c, i, C_COLLECTED));
        rpt_xml_end(ctx);
    }
    rpt_xml_end(ctx);
    all->orders += s.orders;
    all->items += s.items;
    all->excl += s.excl;
    all->vat += s.vat;
    all->due += s.due;
    all->to_collect += s.to_collect;
    all->collected += s.collected;
}

db_status rpt_delivery(rpt_ctx *ctx)
{
    PGresult *r;
    db_status st = rpt_db_delivery(ctx, &r);
    if (st != DB_OK)
        return st;
    rpt_cols c;
    rpt_cols_init(&c, r, cols);
    int n = PQntuples(r);
    money_totals *t = arena_alloc(ctx->mem, sizeof *t * (size_t)(n ? n : 1));
    for (int i = 0; i < n; i++)
        t[i] = order_totals(ctx, rpt_v(&c, i, C_NETS));
    sums all = {0};
    int points = 0;
    for (int i = 0; i < n;) {
        int end = rpt_run_end(&c, i, C_PICKUP_ID);
        write_point(ctx, &c, t, i, end, &all);
        points++;
        i = end;
    }
    rpt_xml_start(ctx, "totals");
    rpt_xml_attr_int(ctx, "pickup-points", points);
    rpt_xml_attr_int(ctx, "orders", all.orders);
    rpt_xml_attr_int(ctx, "items", all.items);
    rpt_xml_attr_int(ctx, "excl-cents", all.excl);
    rpt_xml_attr_int(ctx, "vat-cents", all.vat);
    rpt_xml_attr_int(ctx, "due-cents", all.due);
    rpt_xml_attr_int(ctx, "to-collect-cents", all.to_collect);
    rpt_xml_attr_int(ctx, "collected-cents", all.collected);
    rpt_xml_end(ctx);
    return DB_OK;
}
