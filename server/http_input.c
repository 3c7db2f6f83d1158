/*
 * server/http_input.c — language, token shapes, redirect targets and log-safe paths.
 */
#include "http_input.h"

#include <string.h>

static bool is_lang(const char *s, const char *want)
{
    return s && strcmp(s, want) == 0;
}

const char *http_lang_pick(const char *query_lang, const char *cookie_lang,
                           const char *accept_language)
{
    if (is_lang(query_lang, "en") || is_lang(query_lang, "fr"))
        return is_lang(query_lang, "en") ? "en" : "fr";
    if (is_lang(cookie_lang, "en") || is_lang(cookie_lang, "fr"))
        return is_lang(cookie_lang, "en") ? "en" : "fr";
    const char *al = accept_language;
    if (!al)
        return "fr";
    /* first of fr / en in the list wins; q-values are in practice descending */
    for (const char *p = al; *p; p++) {
        bool starts = p == al || p[-1] == ',' || p[-1] == ' ';
        if (!starts)
            continue;
        if ((p[0] == 'e' || p[0] == 'E') && (p[1] == 'n' || p[1] == 'N') &&
            (p[2] == '\0' || p[2] == '-' || p[2] == ',' || p[2] == ';'))
            return "en";
        if ((p[0] == 'f' || p[0] == 'F') && (p[1] == 'r' || p[1] == 'R'))
            return "fr";
    }
    return "fr";
}

bool http_token_shape_ok(const char *t, size_t min_len, size_t max_len)
{
    if (!t)
        return false;
    size_t n = 0;
    for (const char *p = t; *p; p++, n++) {
        if (n == max_len)
            return false; /* stop counting early: a huge cookie costs nothing */
        if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
              *p == '-' || *p == '_'))
            return false;
    }
    return n >= min_len;
}

const char *http_safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 200)
        return NULL;
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7f || *p == '"' || *p == '<' || *p == '>' ||
            *p == '\\')
            return NULL;
    return next;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

size_t http_unescape(char *s)
{
    char *w = s;
    for (const char *r = s; *r; r++) {
        int hi, lo;
        if (r[0] == '%' && (hi = hex_digit(r[1])) >= 0 && (lo = hex_digit(r[2])) >= 0 &&
            (hi | lo) != 0) {
            *w++ = (char)(hi * 16 + lo);
            r += 2;
        } else {
            *w++ = *r;
        }
    }
    *w = '\0';
    return (size_t)(w - s);
}

void http_log_path(buf *out, const char *path, size_t max_bytes)
{
    static const char keep[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                               "/-._~!$&'()*+,;:@";
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)(path ? path : ""); *p; p++, n++) {
        if (n == max_bytes) {
            buf_puts(out, "...");
            return;
        }
        if (strchr(keep, *p))
            buf_putc(out, (char)*p);
        else
            buf_printf(out, "%%%02X", *p);
    }
}
