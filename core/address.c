/*
 * core/address.c — splitting a one-line French address into street, postcode, city.
 */
#include "address.h"

#include <string.h>

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_separator(char c)
{
    return c == ' ' || c == ',' || c == '\t' || c == '\n' || c == '\r' || c == ';';
}

/* Copy text[from, to) into a, without the separators at either end. */
static const char *trimmed(arena *a, const char *text, size_t from, size_t to)
{
    while (from < to && is_separator(text[from]))
        from++;
    while (to > from && is_separator(text[to - 1]))
        to--;
    return arena_strndup(a, text + from, to - from);
}

/* A postcode starts at i: five digits standing alone, then spaces, then the
 * first letter of a city name (a multi-byte UTF-8 letter counts as one). */
static bool postcode_at(const char *text, size_t len, size_t i)
{
    if (i + 5 >= len || (i > 0 && !is_separator(text[i - 1])))
        return false;
    for (size_t k = 0; k < 5; k++)
        if (!is_digit(text[i + k]))
            return false;
    size_t j = i + 5;
    if (text[j] != ' ' && text[j] != '\t')
        return false;
    while (j < len && (text[j] == ' ' || text[j] == '\t'))
        j++;
    return j < len && !is_digit(text[j]) && !is_separator(text[j]);
}

bool address_split(arena *a, const char *text, address_parts *out)
{
    if (!text)
        text = "";
    size_t len = strlen(text);
    size_t at = len; /* the last postcode found; len when none */
    for (size_t i = 0; i + 5 < len; i++)
        if (postcode_at(text, len, i))
            at = i;
    if (at == len) {
        out->line = trimmed(a, text, 0, len);
        out->postcode = "";
        out->city = "";
        return false;
    }
    /* The city ends at the next comma or line break: "26400 Crest, France". */
    size_t end = at + 5;
    while (end < len && text[end] != ',' && text[end] != '\n' && text[end] != ';')
        end++;
    out->line = trimmed(a, text, 0, at);
    out->postcode = arena_strndup(a, text + at, 5);
    out->city = trimmed(a, text, at + 5, end);
    return true;
}
