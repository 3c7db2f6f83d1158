/*
 * tests/unit/test_money_display.c — the amounts incl. VAT a consumer reads
 * (core/money_display.h) against the totals the invoices carry (core/money.h's
 * money_totals_compute, the same per seller and rate rule as invoice_build.c).
 *
 * Over many random orders: the lines shown add up to the invoices' total to the
 * cent, per seller and rate and in all; a line differs from quantity × unit price
 * only when it carries a cent of the rounding, and never by more than its share.
 * A control counts the orders where the plain hand computations would not add up
 * (so the rule is needed, and the test would catch its absence).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "money.h"
#include "money_display.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void test_the_issue_example(void **state)
{
    (void)state;
    /* 1.5 kg of carrots stated at 2.50 EUR incl. 5.5 % VAT: 3.75 EUR, as by hand */
    price4_t excl = money_price_excl_from_incl(250, 550);
    money_shown l = {.seller = 7,
                     .rate = 550,
                     .net = money_line_net(1500, excl),
                     .quantity = 1500,
                     .unit_incl = money_price_incl(excl, 550)};
    money_shown_lines(&l, 1);
    assert_int_equal(l.unit_incl, 250);
    assert_int_equal(l.hand, 375);
    assert_int_equal(l.incl, 375);
    money_line ml = {7, 550, l.net};
    money_totals t;
    money_totals_compute(&ml, 1, &t);
    assert_int_equal(t.incl, 375);
}

static void test_a_cent_is_carried_and_said(void **state)
{
    (void)state;
    /* three lines of 0.40 EUR incl. 20 % (0.3333 excl.): 0.40 each by hand, but each
     * line is 0.33 excl. and the VAT on 0.99 is 0.20: the total is 1.19, not 1.20 */
    money_shown l[3];
    for (int i = 0; i < 3; i++)
        l[i] = (money_shown){.seller = 0,
                             .rate = 2000,
                             .net = 33,
                             .quantity = 1000,
                             .unit_incl = money_price_incl(4000 * 10000 / 12000, 2000)};
    money_shown_lines(l, 3);
    cents_t sum = 0;
    int carried = 0;
    for (int i = 0; i < 3; i++) {
        assert_int_equal(l[i].hand, 40);
        sum += l[i].incl;
        carried += l[i].incl != l[i].hand;
        assert_true(l[i].incl == 40 || l[i].incl == 39);
    }
    assert_int_equal(sum, 119);
    assert_int_equal(carried, 1);
}

/* xorshift64*: reproducible, no libc state */
static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 2685821657736338717ULL;
}
static int64_t pick(int64_t lo, int64_t hi)
{
    return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

#define ORDERS 200000

/* realistic: prices stated incl. VAT to the cent, a few lines, units or half kilos
 * (a hub's week); otherwise any price, up to 40 lines, any weight (the worst case). */
static void random_orders(bool realistic)
{
    static const vat_bp_t rates[] = {0, 210, 550, 1000, 2000};
    money_shown l[40];
    money_line ml[40];
    long hand_off = 0, lines = 0, carried = 0;
    for (int o = 0; o < ORDERS; o++) {
        int n = (int)pick(1, realistic ? 12 : 40);
        int sellers = (int)pick(1, 4); /* 1: the hub sells; more: producers */
        for (int i = 0; i < n; i++) {
            vat_bp_t rate = rates[pick(0, 4)];
            price4_t excl;
            switch (realistic ? 0 : pick(0, 2)) {
            case 0: /* stated incl. VAT, to the cent */
                excl = money_price_excl_from_incl(pick(5, 9000), rate);
                break;
            case 1: /* stated excl. VAT, to the cent */
                excl = pick(5, 9000) * 100;
                break;
            default: /* four decimals */
                excl = pick(500, 900000);
            }
            milli_t q = pick(0, 1)  ? pick(1, 12) * 1000 /* units */
                        : realistic ? pick(1, 8) * 500
                                    : pick(1, 4000) * 5; /* kg */
            l[i] = (money_shown){.seller = pick(0, sellers - 1),
                                 .rate = rate,
                                 .net = money_line_net(q, excl),
                                 .quantity = q,
                                 .unit_incl = money_price_incl(excl, rate)};
            ml[i] = (money_line){l[i].seller, rate, l[i].net};
        }
        money_shown_lines(l, (size_t)n);
        money_totals t;
        money_totals_compute(ml, (size_t)n, &t);
        cents_t shown = 0, by_hand = 0;
        for (int i = 0; i < n; i++) {
            shown += l[i].incl;
            by_hand += l[i].hand;
            carried += l[i].incl != l[i].hand;
        }
        lines += n;
        hand_off += by_hand != t.incl;
        if (shown != t.incl)
            fail_msg("order %d: lines add up to %lld, the invoices to %lld", o, (long long)shown,
                     (long long)t.incl);
        /* per seller and rate too, and each line within its share of the difference */
        for (int i = 0; i < n; i++) {
            cents_t base = 0, group_shown = 0, group_hand = 0;
            int members = 0;
            for (int k = 0; k < n; k++)
                if (l[k].seller == l[i].seller && l[k].rate == l[i].rate) {
                    base += l[k].net;
                    group_shown += l[k].incl;
                    group_hand += l[k].hand;
                    members++;
                }
            cents_t d = base + money_vat(base, l[i].rate) - group_hand;
            cents_t ad = d < 0 ? -d : d, share = (ad + members - 1) / members;
            cents_t off = l[i].incl - l[i].hand;
            if (group_shown != base + money_vat(base, l[i].rate))
                fail_msg("order %d: a seller and rate do not add up", o);
            if ((off < 0 ? -off : off) > share || (off && (off > 0) != (d > 0)))
                fail_msg("order %d line %d: %lld off the hand computation, share %lld", o, i,
                         (long long)off, (long long)share);
        }
    }
    printf("  %s: %d orders, %ld lines: hand computations off the total in %ld orders; "
           "%ld lines (%.2f %%) carry a rounding\n",
           realistic ? "prices incl. VAT" : "any prices", ORDERS, lines, hand_off, carried,
           100.0 * (double)carried / (double)lines);
    /* the control: without the rule, many totals would differ from the lines */
    assert_true(hand_off > ORDERS / 20);
}

static void test_random_orders_add_up(void **state)
{
    (void)state;
    random_orders(true);
    random_orders(false);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_the_issue_example),
        cmocka_unit_test(test_a_cent_is_carried_and_said),
        cmocka_unit_test(test_random_orders_add_up),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
