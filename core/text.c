/*
 * core/text.c — character counts and allowed characters of stored text.
 *
 * Pure functions (fuzzed through the JSON and catalog targets, unit-tested in
 * tests/unit/test_text.c). The refusal messages name the field and say the limit
 * in characters, the unit the schema and people both count in.
 */
#include "text.h"
#include "util.h"

#include <string.h>

/* One code point from s (len bytes left); its length in bytes, 0 when the bytes
 * there are not well-formed UTF-8 (overlong, surrogate, past U+10FFFF, cut). */
static size_t decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    unsigned c = s[0];
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    } else if ((c & 0xE0) == 0xC0) {
        n = 2;
        v = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3;
        v = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4;
        v = c & 0x07;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        v = (v << 6) | (s[k] & 0x3F);
    }
    if ((n == 2 && v < 0x80) || (n == 3 && v < 0x800) || (n == 4 && v < 0x10000) || v > 0x10FFFF ||
        (v >= 0xD800 && v <= 0xDFFF))
        return 0;
    *cp = v;
    return n;
}

size_t text_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

bool text_char_ok(uint32_t cp, unsigned flags)
{
    if (cp == '\t')
        return flags & TEXT_TAB;
    if (cp == '\n' || cp == '\r')
        return flags & TEXT_BREAKS;
    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) /* C0, DEL, C1 */
        return false;
    if (cp >= 0xFDD0 && cp <= 0xFDEF) /* noncharacters of the BMP's middle */
        return false;
    if ((cp & 0xFFFE) == 0xFFFE) /* U+FFFE, U+FFFF and their like in every plane */
        return false;
    return cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
}

long text_bad_char(const char *s, size_t len, unsigned flags)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t n = decode(u + i, len - i, &cp);
        if (n == 0)
            return (long)u[i]; /* not UTF-8: callers check that first */
        if (!text_char_ok(cp, flags))
            return (long)cp;
        i += n;
    }
    return -1;
}

text_status text_check(const char *s, size_t min_chars, size_t max_chars, unsigned flags)
{
    if (!s)
        s = "";
    size_t len = strlen(s);
    if (!utf8_valid(s, len))
        return TEXT_BAD_ENCODING;
    if (text_bad_char(s, len, flags) >= 0)
        return TEXT_BAD_CHAR;
    size_t n = text_chars(s, len);
    if (n < min_chars)
        return TEXT_TOO_SHORT;
    if (n > max_chars)
        return TEXT_TOO_LONG;
    return TEXT_OK;
}

int text_refuse(refusal *why, arena *a, const char *field, text_status st, size_t min_chars,
                size_t max_chars, const char *fr, const char *en)
{
    if (st == TEXT_BAD_ENCODING || st == TEXT_BAD_CHAR)
        return refuse(why, 422, "invalid_text", field,
                      arena_printf(a,
                                   "Le champ « %s » contient un caractère qui ne s’imprime pas "
                                   "(caractère de contrôle ou non-caractère comme U+FFFF).",
                                   field),
                      arena_printf(a,
                                   "The field \"%s\" holds a character that cannot be printed "
                                   "(a control character or a noncharacter such as U+FFFF).",
                                   field));
    if (fr && en)
        return refuse(why, 422, "invalid_field", field, fr, en);
    if (min_chars > 0)
        return refuse(why, 422, "invalid_field", field,
                      arena_printf(a, "Le champ « %s » compte de %zu à %zu caractères.", field,
                                   min_chars, max_chars),
                      arena_printf(a, "The field \"%s\" has %zu to %zu characters.", field,
                                   min_chars, max_chars));
    return refuse(
        why, 422, "invalid_field", field,
        arena_printf(a, "Le champ « %s » compte au plus %zu caractères.", field, max_chars),
        arena_printf(a, "The field \"%s\" has at most %zu characters.", field, max_chars));
}

int text_or_refuse(refusal *why, arena *a, const char *field, const char *s, size_t min_chars,
                   size_t max_chars, unsigned flags, const char *fr, const char *en)
{
    text_status st = text_check(s, min_chars, max_chars, flags);
    return st == TEXT_OK ? 0 : text_refuse(why, a, field, st, min_chars, max_chars, fr, en);
}

bool text_detail(arena *a, refusal_detail *d, size_t *n, const char *field, const char *s,
                 size_t min_chars, size_t max_chars, unsigned flags, const char *fr, const char *en)
{
    text_status st = text_check(s, min_chars, max_chars, flags);
    if (st == TEXT_OK)
        return true;
    refusal r = {0};
    text_refuse(&r, a, field, st, min_chars, max_chars, fr, en);
    d[(*n)++] = (refusal_detail){r.code, r.field, r.fr, r.en};
    return false;
}

const char *text_xml_safe(arena *a, const char *s)
{
    if (!s)
        return "";
    size_t len = strlen(s);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    uint32_t cp;
    size_t n;
    /* the common case: nothing to replace, no copy */
    while (i < len && (n = decode(u + i, len - i, &cp)) && text_char_ok(cp, TEXT_LINES))
        i += n;
    if (i == len)
        return s;
    char *out = arena_alloc(a, len + 1), *o = out;
    memcpy(o, s, i);
    o += i;
    while (i < len) {
        n = decode(u + i, len - i, &cp);
        if (n && text_char_ok(cp, TEXT_LINES)) {
            memcpy(o, s + i, n);
            o += n;
            i += n;
        } else {
            *o++ = ' ';
            i += n ? n : 1;
        }
    }
    *o = '\0';
    return out;
}
