/*
 * core/money_display.c — the lines incl. VAT of core/money_display.h.
 *
 * Deviations are compared exactly, in ten-thousandths of a cent: a line's exact
 * amount is net × (10 000 + rate) / 10 000 cents, its shown amount hand × 10 000.
 */
#include "money_display.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

/* How far the exact amount lies above the hand one, in 1/10 000 cent. */
static int64_t excess(const money_shown *l)
{
    return l->net * (10000 + (int64_t)l->rate) - l->hand * 10000;
}

/* Does line a take the next cent before line b? up: D > 0 (cents to add). */
static bool before(const money_shown *a, const money_shown *b, bool up)
{
    int64_t ea = excess(a), eb = excess(b);
    if (ea != eb)
        return up ? ea > eb : ea < eb;
    return a->net > b->net; /* equal: the larger line, where a cent weighs least */
}

static void settle_group(money_shown *lines, const size_t *idx, size_t n, size_t *order)
{
    cents_t base = 0, shown = 0;
    for (size_t k = 0; k < n; k++) {
        base += lines[idx[k]].net;
        shown += lines[idx[k]].hand;
    }
    cents_t d = base + money_vat(base, lines[idx[0]].rate) - shown;
    if (d == 0)
        return;
    bool up = d > 0;
    /* insertion sort of the group's lines by who takes a cent first (stable) */
    for (size_t k = 0; k < n; k++) {
        size_t j = k;
        while (j > 0 && before(&lines[idx[k]], &lines[order[j - 1]], up)) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = idx[k];
    }
    cents_t left = up ? d : -d;
    for (size_t k = 0; left > 0; k = (k + 1) % n, left--)
        lines[order[k]].incl += up ? 1 : -1;
}

void money_shown_lines(money_shown *lines, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        /* thousandths × cents / 1000, half away from zero as everywhere in km0 */
        lines[i].hand = div_round(lines[i].quantity * lines[i].unit_incl, 1000);
        lines[i].incl = lines[i].hand;
    }
    size_t *idx = xcalloc(n ? n : 1, sizeof *idx), *order = xcalloc(n ? n : 1, sizeof *order);
    bool *done = xcalloc(n ? n : 1, sizeof *done);
    for (size_t i = 0; i < n; i++) {
        if (done[i])
            continue;
        size_t m = 0;
        for (size_t j = i; j < n; j++)
            if (!done[j] && lines[j].seller == lines[i].seller && lines[j].rate == lines[i].rate) {
                idx[m++] = j;
                done[j] = true;
            }
        settle_group(lines, idx, m, order);
    }
    free(idx);
    free(order);
    free(done);
}
