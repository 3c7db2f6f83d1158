/*
 * server/negotiate.c — Accept, Accept-Encoding and If-None-Match, read strictly.
 *
 * Both Accept headers are lists of "token;q=value" (RFC 9110 §12.4.2). A weight
 * that is not a valid qvalue makes its entry count as refused: a client that
 * writes gibberish gets the plainest answer (identity, JSON), never a coding it
 * may not decode.
 */
#include "negotiate.h"

#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* "0", "0.5", "1", "1.000" → 0..1000; -1 when not a qvalue. */
static int parse_q(const char *s, size_t n)
{
    if (n == 0 || (s[0] != '0' && s[0] != '1'))
        return -1;
    int q = (s[0] - '0') * 1000;
    if (n == 1)
        return q;
    if (s[1] != '.' || n > 5)
        return -1;
    int scale = 100;
    for (size_t i = 2; i < n; i++, scale /= 10) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        q += (s[i] - '0') * scale;
    }
    return q > 1000 ? -1 : q;
}

/* The weight of one list entry [s, e): its q parameter, 1000 without one. */
static int entry_q(const char *s, const char *e)
{
    const char *p = memchr(s, ';', (size_t)(e - s));
    while (p && p < e) {
        p++;
        while (p < e && is_space(*p))
            p++;
        const char *pe = memchr(p, ';', (size_t)(e - p));
        if (!pe)
            pe = e;
        if (pe - p >= 2 && (p[0] == 'q' || p[0] == 'Q') && p[1] == '=') {
            const char *v = p + 2, *ve = pe;
            while (ve > v && is_space(ve[-1]))
                ve--;
            return parse_q(v, (size_t)(ve - v));
        }
        p = pe < e ? pe : NULL;
    }
    return 1000;
}

/* The highest weight the header gives to any of names (case-insensitive tokens);
 * -1 when none of them is listed. */
static int weight_of(const char *header, const char *const *names, size_t nnames)
{
    int best = -1;
    const char *s = header;
    while (s && *s) {
        const char *e = strchr(s, ',');
        if (!e)
            e = s + strlen(s);
        const char *t = s;
        while (t < e && is_space(*t))
            t++;
        const char *te = t;
        while (te < e && *te != ';' && !is_space(*te))
            te++;
        for (size_t i = 0; i < nnames; i++) {
            size_t n = strlen(names[i]);
            if ((size_t)(te - t) == n && strncasecmp(t, names[i], n) == 0) {
                int q = entry_q(t, e);
                if (q > best)
                    best = q;
            }
        }
        s = *e ? e + 1 : NULL;
    }
    return best;
}

static int coding_weight(const char *h, const char *name, const char *alias)
{
    const char *names[] = {name, alias ? alias : name};
    int q = weight_of(h, names, 2);
    if (q < 0) {
        static const char *const star[] = {"*"};
        q = weight_of(h, star, 1);
    }
    return q;
}

neg_coding neg_coding_pick(const char *accept_encoding)
{
    if (!accept_encoding)
        return NEG_IDENTITY;
    int br = coding_weight(accept_encoding, "br", NULL);
    int gz = coding_weight(accept_encoding, "gzip", "x-gzip");
    if (br > 0 && br >= gz)
        return NEG_BROTLI;
    if (gz > 0)
        return NEG_GZIP;
    return NEG_IDENTITY;
}

const char *neg_coding_name(neg_coding c)
{
    return c == NEG_BROTLI ? "br" : c == NEG_GZIP ? "gzip" : NULL;
}

/* The weight of a media type: named, else its family ("application/" + star), else the
 * wildcard of wildcards; -1 when none applies. */
static int media_weight(const char *accept, const char *type, const char *family)
{
    const char *exact[] = {type};
    int q = weight_of(accept, exact, 1);
    if (q >= 0)
        return q;
    const char *fam[] = {family};
    q = weight_of(accept, fam, 1);
    if (q >= 0)
        return q;
    static const char *const any[] = {"*/*"};
    return weight_of(accept, any, 1);
}

bool neg_prefers_html(const char *accept)
{
    if (!accept)
        return false;
    static const char *const html[] = {"text/html", "application/xhtml+xml"};
    int h = weight_of(accept, html, 2);
    return h > 0 && h > media_weight(accept, "application/json", "application/*");
}

bool neg_prefers_json(const char *accept)
{
    if (!accept)
        return false;
    static const char *const json[] = {"application/json", "application/problem+json"};
    int j = weight_of(accept, json, 2);
    return j > 0 && j > media_weight(accept, "text/html", "text/*");
}

void neg_etag(const void *data, size_t len, char out[24])
{
    uint64_t h = 1469598103934665603ULL;
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    static const char hex[] = "0123456789abcdef";
    memcpy(out, "W/\"", 3);
    for (int i = 0; i < 16; i++)
        out[3 + i] = hex[(h >> (60 - 4 * i)) & 15];
    out[19] = '"';
    out[20] = '\0';
}

bool neg_etag_matches(const char *if_none_match, const char *etag)
{
    if (!if_none_match)
        return false;
    /* weak comparison: the opaque part, with or without W/ on either side */
    const char *want = etag[0] == 'W' ? etag + 2 : etag;
    size_t wn = strlen(want);
    const char *s = if_none_match;
    while (*s) {
        while (*s == ',' || is_space(*s))
            s++;
        if (*s == '*')
            return true;
        const char *t = s;
        if (t[0] == 'W' && t[1] == '/')
            t += 2;
        const char *e = strchr(s, ',');
        if (!e)
            e = s + strlen(s);
        const char *te = e;
        while (te > t && is_space(te[-1]))
            te--;
        if ((size_t)(te - t) == wn && memcmp(t, want, wn) == 0)
            return true;
        s = e;
    }
    return false;
}
