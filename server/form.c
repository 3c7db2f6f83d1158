/*
 * server/form.c — urlencoded and multipart/form-data decoding.
 *
 * Written against RFC 7578 (multipart/form-data) and the WHATWG URL standard's
 * application/x-www-form-urlencoded parser, strictly: a malformed body is
 * refused rather than guessed at, and nothing is read outside the buffer.
 */
#include "form.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode one urlencoded component; NULL when the result is not UTF-8 or has a NUL. */
static char *decode(arena *a, const char *s, size_t n, size_t *outlen)
{
    char *out = arena_alloc(a, n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < n && hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0) {
            c = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
            i += 2;
        }
        out[o++] = c;
    }
    out[o] = '\0';
    *outlen = o;
    if (!utf8_valid(out, o))
        return NULL;
    return out;
}

static void add(arena *a, form *f, const char *name, const char *value, size_t len,
                const char *filename, const char *ctype)
{
    if (f->n == FORM_MAX_FIELDS) {
        f->truncated = true;
        return;
    }
    if (f->n % 32 == 0) {
        form_field *grown = arena_alloc(a, (f->n + 32) * sizeof *grown);
        if (f->n)
            memcpy(grown, f->fields, f->n * sizeof *grown);
        f->fields = grown;
    }
    f->fields[f->n++] = (form_field){name, value, len, filename, ctype};
}

form_status form_parse_urlencoded(arena *a, const char *body, size_t len, form *out)
{
    memset(out, 0, sizeof *out);
    size_t i = 0;
    while (i < len) {
        size_t end = i;
        while (end < len && body[end] != '&')
            end++;
        if (end > i) {
            size_t eq = i;
            while (eq < end && body[eq] != '=')
                eq++;
            size_t nlen, vlen;
            char *name = decode(a, body + i, eq - i, &nlen);
            char *value = eq < end ? decode(a, body + eq + 1, end - eq - 1, &vlen)
                                   : (vlen = 0, arena_strdup(a, ""));
            if (!name || !value)
                return FORM_BAD_ENCODING;
            if (nlen <= FORM_MAX_NAME)
                add(a, out, name, value, vlen, NULL, NULL);
        }
        i = end + 1;
    }
    return out->truncated ? FORM_TOO_MANY : FORM_OK;
}

/* Find needle in [h, h+hn); NULL when absent. */
static const char *find(const char *h, size_t hn, const char *needle, size_t nn)
{
    if (nn == 0 || hn < nn)
        return NULL;
    for (size_t i = 0; i + nn <= hn; i++)
        if (h[i] == needle[0] && memcmp(h + i, needle, nn) == 0)
            return h + i;
    return NULL;
}

/* The value of param (e.g. boundary=, name=, filename=) in a header value; quoted
 * strings may hold ';' and escaped quotes. */
static char *header_param(arena *a, const char *hv, size_t n, const char *param)
{
    size_t pl = strlen(param);
    for (size_t i = 0; i + pl < n; i++) {
        if (strncasecmp(hv + i, param, pl) != 0 || hv[i + pl] != '=')
            continue;
        if (i > 0 && hv[i - 1] != ';' && hv[i - 1] != ' ' && hv[i - 1] != '\t')
            continue;
        size_t v = i + pl + 1;
        char *out = arena_alloc(a, n - v + 1);
        size_t o = 0;
        if (v < n && hv[v] == '"') {
            for (v++; v < n && hv[v] != '"'; v++) {
                if (hv[v] == '\\' && v + 1 < n)
                    v++;
                out[o++] = hv[v];
            }
        } else {
            for (; v < n && hv[v] != ';' && hv[v] != ' ' && hv[v] != '\t'; v++)
                out[o++] = hv[v];
        }
        out[o] = '\0';
        return out;
    }
    return NULL;
}

form_status form_parse_multipart(arena *a, const char *content_type, const char *body, size_t len,
                                 form *out)
{
    memset(out, 0, sizeof *out);
    if (!content_type || strncasecmp(content_type, "multipart/form-data", 19) != 0)
        return FORM_BAD_MULTIPART;
    char *boundary = header_param(a, content_type, strlen(content_type), "boundary");
    if (!boundary || !*boundary || strlen(boundary) > 70)
        return FORM_BAD_MULTIPART;
    size_t bl = strlen(boundary) + 2;
    char *delim = arena_printf(a, "--%s", boundary);
    const char *p = find(body, len, delim, bl);
    if (!p)
        return FORM_BAD_MULTIPART;
    const char *end = body + len;
    char *next_delim = arena_printf(a, "\r\n--%s", boundary);
    for (;;) {
        p += bl;
        if (end - p >= 2 && p[0] == '-' && p[1] == '-')
            break; /* closing delimiter */
        if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
            return FORM_BAD_MULTIPART;
        p += 2;
        const char *hend = find(p, (size_t)(end - p), "\r\n\r\n", 4);
        if (!hend)
            return FORM_BAD_MULTIPART;
        char *name = NULL, *filename = NULL, *ctype = NULL;
        for (const char *h = p; h < hend;) {
            const char *eol = find(h, (size_t)(hend - h), "\r\n", 2);
            if (!eol)
                eol = hend;
            size_t hl = (size_t)(eol - h);
            if (hl > 20 && strncasecmp(h, "Content-Disposition:", 20) == 0) {
                name = header_param(a, h + 20, hl - 20, "name");
                filename = header_param(a, h + 20, hl - 20, "filename");
            } else if (hl > 13 && strncasecmp(h, "Content-Type:", 13) == 0) {
                const char *v = h + 13;
                while (v < eol && (*v == ' ' || *v == '\t'))
                    v++;
                ctype = arena_strndup(a, v, (size_t)(eol - v));
            }
            h = eol + 2;
        }
        const char *data = hend + 4;
        const char *stop = find(data, (size_t)(end - data), next_delim, bl + 2);
        if (!stop || !name)
            return FORM_BAD_MULTIPART;
        size_t dl = (size_t)(stop - data);
        char *value = arena_strndup(a, data, dl);
        if (!filename && !utf8_valid(value, dl))
            return FORM_BAD_ENCODING;
        if (!utf8_valid(name, strlen(name)) ||
            (filename && !utf8_valid(filename, strlen(filename))))
            return FORM_BAD_ENCODING;
        if (strlen(name) <= FORM_MAX_NAME)
            add(a, out, name, value, dl, filename, ctype);
        p = stop + 2;
    }
    return out->truncated ? FORM_TOO_MANY : FORM_OK;
}

const char *form_get(const form *f, const char *name)
{
    const form_field *x = form_field_get(f, name);
    return x ? x->value : NULL;
}

const form_field *form_field_get(const form *f, const char *name)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->fields[i].name, name) == 0)
            return &f->fields[i];
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(const form_field *const *)a)->name, (*(const form_field *const *)b)->name);
}

/* Sorted rather than compared pairwise: a form may carry FORM_MAX_FIELDS fields. */
const char *form_duplicate_name(const form *f)
{
    if (f->n < 2)
        return NULL;
    const form_field **sorted = xmalloc(f->n * sizeof *sorted);
    for (size_t i = 0; i < f->n; i++)
        sorted[i] = &f->fields[i];
    qsort(sorted, f->n, sizeof *sorted, by_name);
    const char *dup = NULL;
    for (size_t i = 1; i < f->n && !dup; i++)
        if (strcmp(sorted[i - 1]->name, sorted[i]->name) == 0)
            dup = sorted[i]->name;
    free(sorted);
    return dup;
}

size_t form_count(const form *f, const char *name)
{
    size_t n = 0;
    for (size_t i = 0; i < f->n; i++)
        n += strcmp(f->fields[i].name, name) == 0;
    return n;
}
