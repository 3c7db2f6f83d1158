/*
 * core/producer_week.h — a producer's week as their space shows it: the recent
 * cycles they take part in, what was ordered from them in each (live while the
 * cycle is open), and the invoices issued in their name.
 */
#ifndef KM0_PRODUCER_WEEK_H
#define KM0_PRODUCER_WEEK_H

#include "db.h"
#include "money.h"

#include <stddef.h>
#include <stdint.h>

#define PW_CYCLES         4   /* the most recent cycles shown */
#define PW_LINES_PER_WEEK 100 /* products per cycle shown; the collection list has all */
#define PW_INVOICES       20

typedef struct pw_line {
    const char *name, *unit;
    milli_t quantity;
    int64_t orders;
    cents_t excl;
} pw_line;

typedef struct pw_cycle {
    int64_t id;
    const char *name, *state, *closes_at, *delivery_date;
    int64_t products; /* products ordered, all of them (lines holds the first ones) */
    cents_t excl;     /* what was ordered from the producer, excl. VAT */
    pw_line *lines;
    size_t nlines;
} pw_cycle;

typedef struct pw_invoice {
    const char *number, *issue_date, *buyer_name;
    int type_code;
    cents_t incl;
} pw_invoice;

/* The PW_CYCLES most recent cycles (not drafts) the producer takes part in, newest
 * first, each with what was ordered from them. */
db_status pw_cycles_load(db_conn *c, arena *a, int64_t hub, int64_t producer, pw_cycle **out,
                         size_t *n);
/* The PW_INVOICES latest invoices and credit notes the producer issued (seller mode
 * "producers"); *total counts them all. */
db_status pw_invoices_load(db_conn *c, arena *a, int64_t hub, int64_t producer, pw_invoice **out,
                           size_t *n, int64_t *total);

#endif
