/*
 * core/shortage.c — splitting a shortage among the lines of a product (core/shortage.h).
 *
 * Everything is counted in steps: a line of 1.75 kg sold by 0.25 kg holds 7 steps. The
 * pro-rata shares are exact fractions (missing steps × the line's steps / all steps),
 * compared as integers (__int128 products), so no rounding depends on a float.
 */
#include "shortage.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

milli_t shortage_available(const shortage_line *lines, size_t n, milli_t step)
{
    milli_t sum = 0;
    for (size_t i = 0; step > 0 && i < n; i++)
        if (lines[i].have > 0)
            sum += lines[i].have / step * step;
    return sum;
}

typedef struct pick {
    size_t index;
    int64_t rank;
    __int128 remainder; /* pro rata: missing × steps mod total, the share's fraction */
} pick;

/* Largest remainder first, then the order placed last, then the line given last. */
static int by_claim(const void *a, const void *b)
{
    const pick *x = a, *y = b;
    if (x->remainder != y->remainder)
        return x->remainder > y->remainder ? -1 : 1;
    if (x->rank != y->rank)
        return x->rank > y->rank ? -1 : 1;
    return x->index > y->index ? -1 : x->index < y->index;
}

static void last_orders_first(const shortage_line *lines, size_t n, int64_t missing_steps,
                              milli_t step, milli_t *take, pick *p)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (pick){i, lines[i].rank, 0};
    qsort(p, n, sizeof *p, by_claim); /* remainders all 0: by rank, latest first */
    for (size_t k = 0; k < n && missing_steps > 0; k++) {
        int64_t steps = lines[p[k].index].have > 0 ? lines[p[k].index].have / step : 0;
        int64_t t = steps < missing_steps ? steps : missing_steps;
        take[p[k].index] = t * step;
        missing_steps -= t;
    }
}

static void pro_rata(const shortage_line *lines, size_t n, int64_t missing_steps, milli_t step,
                     milli_t *take, pick *p)
{
    __int128 total = 0;
    for (size_t i = 0; i < n; i++)
        total += lines[i].have > 0 ? lines[i].have / step : 0;
    int64_t given = 0;
    for (size_t i = 0; i < n; i++) {
        int64_t steps = lines[i].have > 0 ? lines[i].have / step : 0;
        __int128 share = (__int128)missing_steps * steps;
        int64_t base = (int64_t)(share / total);
        take[i] = base * step;
        given += base;
        p[i] = (pick){i, lines[i].rank, share % total};
    }
    /* fewer steps are left than lines with a fraction, and each such line has a whole
     * step above its base (its exact share is below what it holds): one step each */
    qsort(p, n, sizeof *p, by_claim);
    for (size_t k = 0; k < n && given < missing_steps; k++, given++)
        take[p[k].index] += step;
}

int shortage_split(shortage_rule rule, const shortage_line *lines, size_t n, milli_t missing,
                   milli_t step, milli_t *take)
{
    if (n)
        memset(take, 0, n * sizeof *take);
    if (step <= 0 || missing <= 0 || missing % step != 0 ||
        missing > shortage_available(lines, n, step))
        return -1;
    pick *p = xcalloc(n, sizeof *p);
    if (rule == SHORTAGE_PRO_RATA)
        pro_rata(lines, n, missing / step, step, take, p);
    else
        last_orders_first(lines, n, missing / step, step, take, p);
    free(p);
    return 0;
}
