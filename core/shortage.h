/*
 * core/shortage.h — who loses the units of a product delivered short.
 *
 * A producer brings 28 trays of eggs instead of 30: two trays are missing from the
 * orders that hold the product, and the hub's rule, frozen on the cycle when it opened
 * (core/hub_settings.h), says which. Both rules work in whole sale steps (a tray, a
 * quarter kilo), so no order is left with a fraction nobody can pack, and both are
 * deterministic: the same lines give the same split, whatever order they come in.
 *
 *   last_orders_first  the orders placed last lose first, each down to zero before the
 *                      next one is touched ("first come, first served", as the stock was);
 *   pro_rata           each line loses floor(missing × its share) steps; the steps left
 *                      over go one each to the lines with the largest remainders, ties to
 *                      the order placed last (the largest remainder method).
 *
 * Pure arithmetic, no database: unit-tested against a brute-force oracle
 * (tests/unit/test_shortage.c); core/delivery_shortage.c feeds it the locked lines.
 */
#ifndef KM0_SHORTAGE_H
#define KM0_SHORTAGE_H

#include "hub_settings.h"
#include "money.h"

#include <stddef.h>
#include <stdint.h>

typedef struct shortage_line {
    milli_t have; /* units the line delivers now, in thousandths */
    int64_t rank; /* when its order was placed: a larger rank was placed later (unique) */
} shortage_line;

/* The most that can be taken from the lines in whole steps: the sum of each line's
 * whole steps (a part of a step left by an earlier correction is never taken). */
milli_t shortage_available(const shortage_line *lines, size_t n, milli_t step);

/* Split missing (a positive multiple of step, at most shortage_available) among the
 * lines: take[i] is what line i loses, a multiple of step, at most its whole steps.
 * The takes add up to missing. Returns 0, or -1 when missing cannot be split so
 * (not a multiple of step, not positive, more than available): take is then zeroed. */
int shortage_split(shortage_rule rule, const shortage_line *lines, size_t n, milli_t missing,
                   milli_t step, milli_t *take);

#endif
