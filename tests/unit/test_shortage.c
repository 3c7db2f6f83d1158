/*
 * tests/unit/test_shortage.c — splitting a shortage (core/shortage.c) against an oracle
 * written another way: the pro-rata rule as "start from the whole part of each share,
 * then hand the steps left one at a time to the line whose share is furthest above what
 * it lost, ties to the order placed last", compared as cross products, one step at a
 * time; and "last orders first" as a walk down the ranks. Hand cases first (the eggs
 * of docs/delivered.md), then thousands of seeded random ones.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "shortage.h"

#include <string.h>

#define MAXN 16

/* share_i - given_i > share_j - given_j, with share = missing × steps_i / total, as
 * integers: (missing × s_i - given_i × total) compared. */
static void oracle(shortage_rule rule, const shortage_line *l, size_t n, int64_t missing,
                   int64_t step, int64_t *take)
{
    int64_t s[MAXN], total = 0, m = missing / step;
    for (size_t i = 0; i < n; i++) {
        s[i] = l[i].have > 0 ? l[i].have / step : 0;
        total += s[i];
        take[i] = 0;
    }
    if (rule == SHORTAGE_LAST_ORDERS_FIRST) {
        while (m > 0) {
            size_t best = n;
            for (size_t i = 0; i < n; i++) /* the latest order that still holds a step */
                if (take[i] < s[i] && (best == n || l[i].rank > l[best].rank))
                    best = i;
            take[best]++;
            m--;
        }
    } else {
        int64_t given = 0;
        for (size_t i = 0; i < n; i++) {
            take[i] = (m * s[i]) / total;
            given += take[i];
        }
        bool got[MAXN] = {false};
        for (; given < m; given++) {
            size_t best = n;
            for (size_t i = 0; i < n; i++) {
                if (got[i])
                    continue;
                int64_t ei = m * s[i] - take[i] * total;
                int64_t eb = best == n ? -1 : m * s[best] - take[best] * total;
                if (best == n || ei > eb || (ei == eb && l[i].rank > l[best].rank))
                    best = i;
            }
            take[best]++;
            got[best] = true;
        }
    }
    for (size_t i = 0; i < n; i++)
        take[i] *= step;
}

static void eggs_pro_rata(void **state)
{
    (void)state;
    /* 30 trays ordered by six customers, 28 delivered: docs/delivered.md's example */
    shortage_line l[] = {{5000, 1}, {8000, 2}, {3000, 3}, {6000, 4}, {4000, 5}, {4000, 6}};
    milli_t take[6];
    assert_int_equal(shortage_split(SHORTAGE_PRO_RATA, l, 6, 2000, 1000, take), 0);
    milli_t want[] = {0, 1000, 0, 1000, 0, 0};
    assert_memory_equal(take, want, sizeof want);
    /* a tie of remainders goes to the order placed last: 4 and 4 of 10, one missing */
    shortage_line t[] = {{4000, 1}, {4000, 2}, {2000, 3}};
    assert_int_equal(shortage_split(SHORTAGE_PRO_RATA, t, 3, 1000, 1000, take), 0);
    milli_t tie[] = {0, 1000, 0};
    assert_memory_equal(take, tie, sizeof tie);
}

static void last_orders_first(void **state)
{
    (void)state;
    /* ordered 3, 2, 4, 1 in that order; 4 missing: the last to 0, then 4 -> 1 */
    shortage_line l[] = {{3000, 1}, {2000, 2}, {4000, 3}, {1000, 4}};
    milli_t take[4];
    assert_int_equal(shortage_split(SHORTAGE_LAST_ORDERS_FIRST, l, 4, 4000, 1000, take), 0);
    milli_t want[] = {0, 0, 3000, 1000};
    assert_memory_equal(take, want, sizeof want);
    /* given in any order, the ranks decide */
    shortage_line r[] = {{1000, 4}, {4000, 3}, {3000, 1}, {2000, 2}};
    assert_int_equal(shortage_split(SHORTAGE_LAST_ORDERS_FIRST, r, 4, 4000, 1000, take), 0);
    milli_t want_r[] = {1000, 3000, 0, 0};
    assert_memory_equal(take, want_r, sizeof want_r);
}

static void whole_steps_only(void **state)
{
    (void)state;
    /* sold by 0.25 kg: 1.75 and 0.5 hold 7 and 2 steps; 0.6 kg set by hand holds 2 */
    shortage_line l[] = {{1750, 1}, {500, 2}, {600, 3}};
    milli_t take[3];
    assert_int_equal(shortage_available(l, 3, 250), 2750);
    assert_int_equal(shortage_split(SHORTAGE_PRO_RATA, l, 3, 100, 250, take), -1); /* not a step */
    assert_int_equal(shortage_split(SHORTAGE_PRO_RATA, l, 3, 0, 250, take), -1);
    assert_int_equal(shortage_split(SHORTAGE_PRO_RATA, l, 3, 3000, 250, take), -1); /* > 2.75 */
    for (int i = 0; i < 3; i++)
        assert_int_equal(take[i], 0); /* zeroed on refusal */
    assert_int_equal(shortage_split(SHORTAGE_PRO_RATA, l, 3, 2750, 250, take), 0);
    milli_t all[] = {1750, 500, 500}; /* the 0.1 kg left of the third is never taken */
    assert_memory_equal(take, all, sizeof all);
}

static uint64_t next(uint64_t *seed)
{
    *seed = *seed * 6364136223846793005u + 1442695040888963407u;
    return *seed >> 33;
}

static void against_the_oracle(void **state)
{
    (void)state;
    uint64_t seed = 20261203;
    static const int64_t steps[] = {1000, 250, 500, 1};
    for (int round = 0; round < 20000; round++) {
        size_t n = 1 + next(&seed) % MAXN;
        int64_t step = steps[next(&seed) % 4];
        shortage_line l[MAXN];
        int64_t ranks[MAXN];
        for (size_t i = 0; i < n; i++)
            ranks[i] = (int64_t)i + 1;
        for (size_t i = n; i > 1; i--) { /* the lines in any order: a shuffle */
            size_t j = next(&seed) % i;
            int64_t t = ranks[i - 1];
            ranks[i - 1] = ranks[j];
            ranks[j] = t;
        }
        for (size_t i = 0; i < n; i++)
            l[i] = (shortage_line){(int64_t)(next(&seed) % 12) * step, ranks[i]};
        milli_t avail = shortage_available(l, n, step);
        if (avail == 0)
            continue;
        int64_t missing = (1 + (int64_t)(next(&seed) % (uint64_t)(avail / step))) * step;
        for (int rule = 0; rule < 2; rule++) {
            milli_t take[MAXN];
            int64_t want[MAXN];
            assert_int_equal(shortage_split((shortage_rule)rule, l, n, missing, step, take), 0);
            oracle((shortage_rule)rule, l, n, missing, step, want);
            int64_t sum = 0;
            for (size_t i = 0; i < n; i++) {
                assert_int_equal(take[i], want[i]);
                assert_true(take[i] % step == 0 && take[i] >= 0 && take[i] <= l[i].have);
                sum += take[i];
            }
            assert_int_equal(sum, missing);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eggs_pro_rata),
        cmocka_unit_test(last_orders_first),
        cmocka_unit_test(whole_steps_only),
        cmocka_unit_test(against_the_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
