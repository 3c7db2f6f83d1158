/*
 * tests/fuzz/fuzz_parse.c — libFuzzer entry point for the strict value parsers
 * (core/parse.c) and the text check (core/text.c).
 *
 * The bytes, as one string, go through every parser. Invariants: no crash; what a
 * parser accepts lies in its range, and its canonical form (the text km0 hands to
 * PostgreSQL, or the number printed back) parses again to the same value; a whole
 * number accepted is written exactly as printf writes it (no sign, blank or zero
 * of its own). Text: accepted text is valid UTF-8 within its count and holds none
 * of the characters XML 1.0 forbids (checked here byte by byte, not with the code
 * under test); text_xml_safe always yields text that the check accepts, and gives
 * back its argument itself when that is already clean. Phone numbers: a number
 * accepted is stored as digits, spaces and a leading "+" only, within PHONE_MAX, and
 * its stored form is accepted again as itself (typing it back finds the same number).
 */
#include "../../core/arena.h"
#include "../../core/money.h"
#include "../../core/parse.h"
#include "../../core/phone.h"
#include "../../core/text.h"
#include "../../core/util.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

/* No C0 control but tab and line breaks, no DEL or C1, no U+FFFE or U+FFFF. */
static bool xml_chars_ok(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; u[i]; i++) {
        if ((u[i] < 0x20 && u[i] != '\t' && u[i] != '\n' && u[i] != '\r') || u[i] == 0x7F)
            return false;
        if (u[i] == 0xC2 && u[i + 1] >= 0x80 && u[i + 1] <= 0x9F)
            return false;
        if (u[i] == 0xEF && u[i + 1] == 0xBF && (u[i + 2] == 0xBE || u[i + 2] == 0xBF))
            return false;
    }
    return true;
}

static void check_timestamp(const char *s)
{
    parse_ts t, again;
    if (parse_timestamp(s, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &t) != PARSE_OK)
        return;
    require(t.year >= PARSE_YEAR_MIN && t.year <= PARSE_YEAR_MAX && t.month >= 1 && t.month <= 12 &&
                t.day >= 1 && t.day <= 31 && t.hour <= 23 && t.minute <= 59 && t.second <= 59 &&
                t.micro >= 0 && t.micro <= 999999,
            "timestamp fields in range");
    require(!t.has_offset || (t.offset_min >= -14 * 60 && t.offset_min <= 14 * 60), "offset");
    char text[40];
    parse_ts_text(text, &t);
    require(parse_timestamp(text, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &again) == PARSE_OK &&
                !memcmp(&t, &again, sizeof t),
            "timestamp canonical text round trip");
}

static void check_date(const char *s)
{
    parse_date d, again;
    if (parse_date_iso(s, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &d) != PARSE_OK)
        return;
    char text[40];
    require(!strcmp(parse_date_text(text, &d), s), "a date is its canonical text");
    require(parse_date_iso(text, PARSE_YEAR_MIN, PARSE_YEAR_MAX, &again) == PARSE_OK &&
                !memcmp(&d, &again, sizeof d),
            "date round trip");
}

static void check_numbers(const char *s)
{
    int64_t v;
    char text[32];
    if (parse_int(s, -1000000, INT64_MAX, &v) == PARSE_OK) {
        require(v >= -1000000, "int in range");
        snprintf(text, sizeof text, "%lld", (long long)v);
        require(!strcmp(text, s) || !strcmp(s, "-0"), "an int is written as printf writes it");
    }
    if (parse_decimal(s, 2, -100000, 100000, &v) == PARSE_OK) {
        int64_t again;
        require(v >= -100000 && v <= 100000, "decimal in range");
        require(parse_decimal(dec_format(text, v, 2, 0), 2, -100000, 100000, &again) == PARSE_OK &&
                    again == v,
                "decimal round trip");
    }
    if (parse_quantity(s, &v) == PARSE_OK)
        require(v >= -PARSE_QUANTITY_MAX && v <= PARSE_QUANTITY_MAX, "quantity in range");
    if (parse_degrees(s, true, &v) == PARSE_OK)
        require(v >= -900000000 && v <= 900000000, "latitude in range");
    if (parse_degrees(s, false, &v) == PARSE_OK)
        require(v >= -1800000000 && v <= 1800000000, "longitude in range");
    int m;
    if (parse_time_of_day(s, &m) == PARSE_OK)
        require(m >= 0 && m < 24 * 60, "time of day in range");
}

static void check_text(const char *s, size_t len)
{
    arena *a = arena_new();
    for (unsigned flags = 0; flags <= TEXT_LINES; flags++) {
        if (text_check(s, 0, 40, flags) != TEXT_OK)
            continue;
        require(utf8_valid(s, len), "accepted text is UTF-8");
        size_t chars = 0;
        for (size_t i = 0; i < len; i++)
            chars += ((unsigned char)s[i] & 0xC0) != 0x80;
        require(chars <= 40, "accepted text within its count");
        require(xml_chars_ok(s), "accepted text has no character XML forbids");
        require(flags & TEXT_BREAKS || !strpbrk(s, "\r\n"), "one line");
        require(text_xml_safe(a, s) == s, "clean text is not copied");
    }
    const char *safe = text_xml_safe(a, s);
    require(xml_chars_ok(safe) && utf8_valid(safe, strlen(safe)), "xml-safe text is clean");
    require(text_check(safe, 0, SIZE_MAX, TEXT_LINES) == TEXT_OK, "xml-safe text passes the check");
    arena_free(a);
}

static void check_phone(const char *s)
{
    char out[PHONE_MAX], again[PHONE_MAX], key[PHONE_MAX];
    phone_key(s, key);
    require(strlen(key) < PHONE_MAX && strspn(key, "0123456789") == strlen(key), "phone key");
    if (!phone_parse(s, out))
        return;
    size_t n = strlen(out);
    require(n > 0 && n < PHONE_MAX, "phone length");
    for (size_t i = 0; i < n; i++)
        require((out[i] >= '0' && out[i] <= '9') || out[i] == ' ' || (i == 0 && out[i] == '+'),
                "phone characters");
    require(phone_parse(out, again) && !strcmp(out, again), "phone stored form is stable");
    phone_key(out, key);
    require(strlen(key) >= 8, "a whole number has a search key");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    size_t len = strlen(s); /* a NUL ends the string, as it would a C field */
    check_timestamp(s);
    check_date(s);
    check_numbers(s);
    check_text(s, len);
    check_phone(s);
    free(s);
    return 0;
}
