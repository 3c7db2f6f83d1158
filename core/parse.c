/*
 * core/parse.c — strict parsers for dates, times, numbers and coordinates.
 *
 * Written by hand rather than with sscanf or strtod: those skip blanks, take
 * signs, exponents, "nan" and "inf", and stop silently at what they do not
 * understand, which is how "5.0" reached an integer column and "infinity" a
 * cycle. Each parser reads the whole string or refuses it.
 */
#include "parse.h"

#include <stdio.h>
#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Exactly n digits at *p, advancing past them. */
static bool digits(const char **p, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit((*p)[i]))
            return false;
        v = v * 10 + ((*p)[i] - '0');
    }
    *p += n;
    *out = v;
    return true;
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* YYYY-MM-DD at *p; PARSE_RANGE for a well-written day that does not exist or
 * falls outside the years. */
static parse_status date_at(const char **p, int min_year, int max_year, parse_date *d)
{
    if (!digits(p, 4, &d->year) || **p != '-' || (++*p, !digits(p, 2, &d->month)) || **p != '-' ||
        (++*p, !digits(p, 2, &d->day)))
        return PARSE_SYNTAX;
    if (d->month < 1 || d->month > 12 || d->day < 1 || d->day > days_in_month(d->year, d->month))
        return PARSE_RANGE;
    if (d->year < min_year || d->year > max_year)
        return PARSE_RANGE;
    return PARSE_OK;
}

parse_status parse_date_iso(const char *s, int min_year, int max_year, parse_date *out)
{
    if (!s || !*s)
        return PARSE_EMPTY;
    parse_date d;
    parse_status st = date_at(&s, min_year, max_year, &d);
    if (st == PARSE_OK && *s)
        return PARSE_SYNTAX;
    if (st == PARSE_OK)
        *out = d;
    return st;
}

/* Z, ±HH, ±HHMM or ±HH:MM at *p. */
static parse_status offset_at(const char **p, parse_ts *t)
{
    if (**p == 'Z') {
        ++*p;
        t->has_offset = true;
        t->offset_min = 0;
        return PARSE_OK;
    }
    if (**p != '+' && **p != '-')
        return PARSE_SYNTAX;
    int sign = **p == '-' ? -1 : 1, h, m = 0;
    ++*p;
    if (!digits(p, 2, &h))
        return PARSE_SYNTAX;
    if (**p == ':') {
        ++*p;
        if (!digits(p, 2, &m))
            return PARSE_SYNTAX;
    } else if (is_digit(**p) && !digits(p, 2, &m)) {
        return PARSE_SYNTAX;
    }
    if (m > 59 || h * 60 + m > 14 * 60)
        return PARSE_RANGE;
    t->has_offset = true;
    t->offset_min = sign * (h * 60 + m);
    return PARSE_OK;
}

parse_status parse_timestamp(const char *s, int min_year, int max_year, parse_ts *out)
{
    if (!s || !*s)
        return PARSE_EMPTY;
    parse_ts t = {0};
    parse_date d;
    bool range = false;
    parse_status st = date_at(&s, min_year, max_year, &d);
    if (st == PARSE_SYNTAX)
        return st;
    range = st == PARSE_RANGE;
    if (*s != 'T' && *s != ' ')
        return PARSE_SYNTAX;
    s++;
    if (!digits(&s, 2, &t.hour) || *s != ':' || (s++, !digits(&s, 2, &t.minute)))
        return PARSE_SYNTAX;
    if (*s == ':') {
        s++;
        if (!digits(&s, 2, &t.second))
            return PARSE_SYNTAX;
        if (*s == '.' || *s == ',') {
            s++;
            int n = 0;
            for (; is_digit(*s); s++, n++) {
                if (n >= 6)
                    return PARSE_SYNTAX;
                t.micro = t.micro * 10 + (*s - '0');
            }
            if (n == 0)
                return PARSE_SYNTAX;
            for (; n < 6; n++)
                t.micro *= 10;
        }
    }
    if (*s) {
        st = offset_at(&s, &t);
        if (st == PARSE_SYNTAX || *s)
            return PARSE_SYNTAX;
        range = range || st == PARSE_RANGE;
    }
    if (range || t.hour > 23 || t.minute > 59 || t.second > 59)
        return PARSE_RANGE;
    t.year = d.year;
    t.month = d.month;
    t.day = d.day;
    *out = t;
    return PARSE_OK;
}

char *parse_ts_text(char *out, const parse_ts *t)
{
    int n = snprintf(out, 40, "%04d-%02d-%02d %02d:%02d:%02d", t->year, t->month, t->day, t->hour,
                     t->minute, t->second);
    if (t->micro)
        n += snprintf(out + n, (size_t)(40 - n), ".%06d", t->micro);
    if (t->has_offset) {
        int m = t->offset_min < 0 ? -t->offset_min : t->offset_min;
        snprintf(out + n, (size_t)(40 - n), "%c%02d:%02d", t->offset_min < 0 ? '-' : '+', m / 60,
                 m % 60);
    }
    return out;
}

char *parse_date_text(char *out, const parse_date *d)
{
    snprintf(out, 40, "%04d-%02d-%02d", d->year, d->month, d->day);
    return out;
}

parse_status parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    if (!s || !*s)
        return PARSE_EMPTY;
    bool neg = *s == '-';
    if (neg)
        s++;
    if (!is_digit(*s) || (*s == '0' && s[1]))
        return PARSE_SYNTAX;
    __int128 v = 0;
    bool big = false;
    for (; is_digit(*s); s++) {
        v = v * 10 + (*s - '0');
        if (v > ((__int128)1 << 64))
            big = true, v = (__int128)1 << 64; /* keep reading: "1e5" is still a syntax error */
    }
    if (*s)
        return PARSE_SYNTAX;
    if (neg)
        v = -v;
    if (big || v < min || v > max)
        return PARSE_RANGE;
    *out = (int64_t)v;
    return PARSE_OK;
}

parse_status parse_decimal(const char *s, int scale, int64_t min, int64_t max, int64_t *out)
{
    if (!s)
        return PARSE_EMPTY;
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s)
        return PARSE_EMPTY;
    bool neg = false;
    if (*s == '-' || *s == '+')
        neg = *s++ == '-';
    __int128 v = 0;
    int whole = 0, decimals = 0;
    bool big = false, sep = false;
    for (;; s++) {
        if (is_digit(*s)) {
            if (sep && decimals == scale) {
                if (*s != '0') /* a zero past the scale changes nothing: "1.500" */
                    return PARSE_SYNTAX;
                continue;
            }
            sep ? decimals++ : whole++;
            v = v * 10 + (*s - '0');
            if (v > ((__int128)1 << 64))
                big = true, v = (__int128)1 << 64;
        } else if ((*s == '.' || *s == ',') && !sep && scale > 0) {
            sep = true;
        } else {
            break;
        }
    }
    while (*s == ' ' || *s == '\t')
        s++;
    if (*s || (whole == 0 && decimals == 0) || (sep && decimals == 0 && whole == 0))
        return PARSE_SYNTAX;
    for (; decimals < scale; decimals++)
        if (!big && (v *= 10) > ((__int128)1 << 64))
            big = true;
    if (neg)
        v = -v;
    if (big || v < min || v > max)
        return PARSE_RANGE;
    *out = (int64_t)v;
    return PARSE_OK;
}

parse_status parse_quantity(const char *s, int64_t *milli)
{
    return parse_decimal(s, 3, -PARSE_QUANTITY_MAX, PARSE_QUANTITY_MAX, milli);
}

parse_status parse_time_of_day(const char *s, int *minutes)
{
    if (!s || !*s)
        return PARSE_EMPTY;
    int h, m;
    const char *p = s;
    if (is_digit(p[0]) && p[1] == ':')
        h = *p++ - '0';
    else if (!digits(&p, 2, &h))
        return PARSE_SYNTAX;
    if (*p != ':' || (p++, !digits(&p, 2, &m)) || *p)
        return PARSE_SYNTAX;
    if (h > 23 || m > 59)
        return PARSE_RANGE;
    *minutes = h * 60 + m;
    return PARSE_OK;
}

parse_status parse_degrees(const char *s, bool latitude, int64_t *e7)
{
    int64_t limit = (latitude ? 90 : 180) * 10000000LL;
    return parse_decimal(s, 7, -limit, limit, e7);
}

int parse_refuse(refusal *why, arena *a, const char *field, const char *label_fr,
                 const char *label_en, parse_kind kind, parse_status st, int64_t min, int64_t max)
{
    const char *fr = "", *en = "";
    switch (kind) {
    case PARSE_KIND_TIMESTAMP:
        fr = arena_printf(a,
                          "une date et heure valide, de %lld à %lld, écrite comme "
                          "2026-03-05T18:00+01:00 "
                          "(sans décalage : heure de Paris)",
                          (long long)min, (long long)max);
        en = arena_printf(a,
                          "a valid date and time, from %lld to %lld, written like "
                          "2026-03-05T18:00+01:00 (without an offset: Paris time)",
                          (long long)min, (long long)max);
        break;
    case PARSE_KIND_DATE:
        fr = arena_printf(a, "une date valide, de %lld à %lld, écrite comme 2026-03-05",
                          (long long)min, (long long)max);
        en = arena_printf(a, "a valid date, from %lld to %lld, written like 2026-03-05",
                          (long long)min, (long long)max);
        break;
    case PARSE_KIND_INT:
        fr = arena_printf(a, "un nombre entier de %lld à %lld, sans décimales", (long long)min,
                          (long long)max);
        en = arena_printf(a, "a whole number from %lld to %lld, without decimals", (long long)min,
                          (long long)max);
        break;
    case PARSE_KIND_QUANTITY:
        fr = "une quantité décimale (ex. 1.5), trois décimales au plus";
        en = "a decimal quantity (e.g. 1.5) with at most three decimals";
        break;
    case PARSE_KIND_TIME:
        fr = "une heure de 00:00 à 23:59, écrite comme 17:30";
        en = "a time of day from 00:00 to 23:59, written like 17:30";
        break;
    case PARSE_KIND_LATITUDE:
        fr = "une latitude en degrés décimaux, de -90 à 90";
        en = "a latitude in decimal degrees, from -90 to 90";
        break;
    case PARSE_KIND_LONGITUDE:
        fr = "une longitude en degrés décimaux, de -180 à 180";
        en = "a longitude in decimal degrees, from -180 to 180";
        break;
    }
    const char *who_fr = label_fr ? label_fr : arena_printf(a, "« %s »", field);
    const char *who_en = label_en ? label_en : arena_printf(a, "\"%s\"", field);
    return refuse(why, 422, st == PARSE_EMPTY ? "missing_field" : "invalid_field", field,
                  arena_printf(a, "%s n’est pas %s.", who_fr, fr),
                  arena_printf(a, "%s is not %s.", who_en, en));
}
