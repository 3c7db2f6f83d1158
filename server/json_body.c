/*
 * server/json_body.c — parse a request body as one JSON object without duplicate keys.
 */
#include "json_body.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The first member name found twice in one object anywhere in the tree, or NULL.
 * Names are sorted per object, so a body of many keys costs n log n, not n². */
static const char *duplicate_key(const cJSON *node)
{
    size_t n = 0;
    for (const cJSON *c = node->child; c; c = c->next)
        n++;
    const char *dup = NULL;
    if (cJSON_IsObject(node) && n > 1) {
        const char **names = xmalloc(n * sizeof *names);
        size_t i = 0;
        for (const cJSON *c = node->child; c; c = c->next)
            names[i++] = c->string ? c->string : "";
        qsort(names, n, sizeof *names, by_name);
        for (i = 1; i < n && !dup; i++)
            if (strcmp(names[i - 1], names[i]) == 0)
                dup = names[i];
        free(names);
    }
    /* cJSON nests at most CJSON_NESTING_LIMIT deep, which bounds this recursion */
    for (const cJSON *c = node->child; c && !dup; c = c->next)
        dup = duplicate_key(c);
    return dup;
}

/* A \u0000 escape in a string: cJSON would keep the bytes after it out of sight of
 * every C string function, so "a\u0000<script>" would be read as "a". Such an
 * escape can only be inside a string in valid JSON; it counts when its backslash
 * is not itself escaped (an even run of backslashes before it). */
static bool has_nul_escape(const char *s, size_t len)
{
    for (size_t i = 0; i + 5 < len; i++) {
        if (s[i] != '\\' || s[i + 1] != 'u' || memcmp(s + i + 2, "0000", 4) != 0)
            continue;
        size_t run = 0;
        while (run < i && s[i - 1 - run] == '\\')
            run++;
        if (run % 2 == 0)
            return true;
    }
    return false;
}

json_body_status json_body_parse(const char *data, size_t len, cJSON **out, size_t *where,
                                 char *dup, size_t duplen)
{
    *out = NULL;
    *where = 0;
    if (duplen)
        dup[0] = '\0';
    if (len == 0)
        return JSON_BODY_EMPTY;
    if (!utf8_valid(data, len) || has_nul_escape(data, len))
        return JSON_BODY_BAD_ENCODING;
    const char *end = NULL;
    /* the length includes the terminating NUL: cJSON wants to see it to accept the
     * document as complete (utf8_valid refused embedded NULs above) */
    cJSON *j = cJSON_ParseWithLengthOpts(data, len + 1, &end, 1);
    if (!j) {
        *where = end && end >= data ? (size_t)(end - data) : 0;
        return JSON_BODY_BAD_JSON;
    }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return JSON_BODY_NOT_OBJECT;
    }
    const char *d = duplicate_key(j);
    if (d) {
        /* the name outlives the tree in the caller's buffer, cut on a character boundary */
        size_t nl = strlen(d);
        if (duplen && nl >= duplen) {
            nl = duplen - 1;
            while (nl > 0 && ((unsigned char)d[nl] & 0xC0) == 0x80)
                nl--;
        }
        if (duplen) {
            memcpy(dup, d, nl);
            dup[nl] = '\0';
        }
        cJSON_Delete(j);
        return JSON_BODY_DUPLICATE_KEY;
    }
    *out = j;
    return JSON_BODY_OK;
}
