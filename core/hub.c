/*
 * core/hub.c — opening slots as written, and a cycle's demand for the desk.
 *
 * Producers, pickup points and vans themselves are core/producer_admin.c and
 * core/place.c.
 */
#include "hub.h"
#include "money.h"
#include "parse.h"
#include "text.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

DB_STMT(cycle_demand,
        "SELECT p.slug AS producer, p.name AS producer_name, o.name, o.unit, o.stock_milli,"
        "       o.sold_milli, coalesce(sum(l.line_excl_vat_cents), 0) AS excl_cents,"
        "       count(l.order_id) AS orders"
        "  FROM offers o JOIN producers p ON p.id = o.producer_id"
        "  LEFT JOIN order_lines l ON l.offer_id = o.id"
        " WHERE o.cycle_id = $1 AND o.hub_id = $2"
        " GROUP BY p.slug, p.name, o.id ORDER BY p.name COLLATE \"fr-x-icu\", o.name COLLATE "
        "\"fr-x-icu\"");
DB_STMT(cycle_by_producer, "SELECT p.slug AS producer, p.name AS producer_name,"
                           "       count(DISTINCT l.order_id) AS orders,"
                           "       coalesce(sum(l.line_excl_vat_cents), 0) AS excl_cents"
                           "  FROM offers o JOIN producers p ON p.id = o.producer_id"
                           "  LEFT JOIN order_lines l ON l.offer_id = o.id"
                           " WHERE o.cycle_id = $1 AND o.hub_id = $2 GROUP BY p.slug, p.name ORDER "
                           "BY p.name COLLATE \"fr-x-icu\"");

bool hub_parse_hhmm(const char *s, int *minutes)
{
    return parse_time_of_day(s, minutes) == PARSE_OK;
}

static const char *const days_fr[] = {"lundi",    "mardi",  "mercredi", "jeudi",
                                      "vendredi", "samedi", "dimanche"};
static const char *const days_en[] = {"monday", "tuesday",  "wednesday", "thursday",
                                      "friday", "saturday", "sunday"};

bool hub_parse_opening(const char *s, int *dow, int *start_min, int *end_min)
{
    /* "DAY HH:MM-HH:MM", blanks allowed around; nothing else (sscanf took a
     * trailing anything, and signs and blanks inside the times) */
    char day[16], from[8], to[8];
    size_t n;
    while (*s == ' ')
        s++;
    for (n = 0; (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z'); n++)
        if (n + 1 >= sizeof day)
            return false;
    memcpy(day, s, n);
    day[n] = '\0';
    s += n;
    if (*s != ' ')
        return false;
    while (*s == ' ')
        s++;
    const char *dash = strchr(s, '-');
    if (!dash || (size_t)(dash - s) >= sizeof from)
        return false;
    memcpy(from, s, (size_t)(dash - s));
    from[dash - s] = '\0';
    s = dash + 1;
    for (n = 0; s[n] && s[n] != ' '; n++)
        if (n + 1 >= sizeof to)
            return false;
    memcpy(to, s, n);
    to[n] = '\0';
    for (s += n; *s == ' '; s++)
        ;
    if (*s)
        return false;
    for (char *p = day; *p; p++)
        *p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
    *dow = 0;
    for (int i = 0; i < 7; i++)
        if (!strcmp(day, days_fr[i]) || !strcmp(day, days_en[i]))
            *dow = i + 1;
    return *dow && hub_parse_hhmm(from, start_min) && hub_parse_hhmm(to, end_min) &&
           *start_min < *end_min;
}

db_status hub_cycle_demand(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r)
{
    return db_run_a(c, a, &cycle_demand, r, DB_P(db_i64(a, cycle), db_i64(a, hub)));
}

db_status hub_cycle_by_producer(db_conn *c, arena *a, int64_t hub, int64_t cycle, PGresult **r)
{
    return db_run_a(c, a, &cycle_by_producer, r, DB_P(db_i64(a, cycle), db_i64(a, hub)));
}
