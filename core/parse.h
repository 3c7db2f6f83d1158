/*
 * core/parse.h — one strict parser for each kind of value km0 reads from people:
 * a date and time, a date, a whole number, a decimal quantity or amount, a time
 * of day, a latitude or longitude. Each has its range.
 *
 * The JSON API, the HTML forms, the command line and the seed files all read
 * values through these, so that what one accepts the others accept, and a value
 * is never handed to PostgreSQL to interpret: PostgreSQL reads "infinity",
 * "epoch", "294276-01-01" and "2026-01-01 BC" as timestamps, which later make
 * batching or invoicing fail. What comes out is canonical text that PostgreSQL
 * reads back exactly (parse_ts_text, parse_date_text), or a number.
 *
 * Pure functions without allocation: unit-tested (tests/unit/test_parse.c) and
 * fuzzed (tests/fuzz/fuzz_parse.c).
 */
#ifndef KM0_PARSE_H
#define KM0_PARSE_H

#include "arena.h"
#include "refusal.h"

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    PARSE_OK = 0,
    PARSE_EMPTY,  /* nothing (or only blanks) */
    PARSE_SYNTAX, /* not written as this kind of value is */
    PARSE_RANGE   /* well written, outside the range */
} parse_status;

/* The years a cycle's dates may fall in: wide enough for any real week, narrow
 * enough that every computation on them (ISO weeks, invoice years) stays ordinary. */
#define PARSE_YEAR_MIN 2000
#define PARSE_YEAR_MAX 2100

typedef struct parse_ts {
    int year, month, day, hour, minute, second, micro;
    bool has_offset; /* false: local time of the hub (Europe/Paris) */
    int offset_min;  /* east of UTC, -14:00..+14:00 */
} parse_ts;

typedef struct parse_date {
    int year, month, day;
} parse_date;

/* ISO 8601 date and time: YYYY-MM-DD, 'T' or one space, HH:MM, optionally :SS and
 * up to six decimals of a second, optionally Z or an offset ±HH, ±HHMM or ±HH:MM.
 * The date must exist; years min_year..max_year. */
parse_status parse_timestamp(const char *s, int min_year, int max_year, parse_ts *out);
/* YYYY-MM-DD, a day that exists, years min_year..max_year. */
parse_status parse_date_iso(const char *s, int min_year, int max_year, parse_date *out);
/* The canonical text of a parsed value, as PostgreSQL reads it back exactly (a
 * timestamp without offset is read in the session's time zone, Europe/Paris).
 * out needs 40 bytes; returns out. */
char *parse_ts_text(char *out, const parse_ts *t);
char *parse_date_text(char *out, const parse_date *d);

/* A whole number in min..max: an optional '-', digits, no leading zero, nothing
 * else (no '+', no blank, no decimals: "5.0" is not a whole number). */
parse_status parse_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* A decimal number with at most `scale` decimals, '.' or ',' as the separator,
 * scaled by 10^scale, in min..max (scaled too). No exponent, no blank inside. */
parse_status parse_decimal(const char *s, int scale, int64_t min, int64_t max, int64_t *out);
/* A quantity in thousandths (three decimals at most), above 0 and at most
 * PARSE_QUANTITY_MAX. */
#define PARSE_QUANTITY_MAX 1000000000000LL /* a billion units */
parse_status parse_quantity(const char *s, int64_t *milli);
/* H:MM or HH:MM, 00:00..23:59, into minutes after midnight. */
parse_status parse_time_of_day(const char *s, int *minutes);
/* Degrees as a decimal number (at most 7 decimals), -90..90 for a latitude,
 * -180..180 for a longitude, in units of 10^-7 degree. */
parse_status parse_degrees(const char *s, bool latitude, int64_t *e7);

typedef enum {
    PARSE_KIND_TIMESTAMP,
    PARSE_KIND_DATE,
    PARSE_KIND_INT,
    PARSE_KIND_QUANTITY,
    PARSE_KIND_TIME,
    PARSE_KIND_LATITUDE,
    PARSE_KIND_LONGITUDE
} parse_kind;

/* A 422 refusal naming field that says how a value of this kind is written and its
 * range (min..max: years for dates, values for whole numbers): "L’ouverture n’est
 * pas une date et heure valide, de 2000 à 2100, …", the value called by its label
 * (NULL: by the field's name). Returns 1. Code "missing_field" for PARSE_EMPTY,
 * "invalid_field" otherwise. */
int parse_refuse(refusal *why, arena *a, const char *field, const char *label_fr,
                 const char *label_en, parse_kind kind, parse_status st, int64_t min, int64_t max);

#endif
