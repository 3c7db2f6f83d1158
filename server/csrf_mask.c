/*
 * server/csrf_mask.c — masking and unmasking the CSRF token (server/csrf_mask.h).
 */
#include "csrf_mask.h"
#include "../core/util.h"

#include <stdio.h>
#include <string.h>

static const char hex[] = "0123456789abcdef";

static int nibble(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

void csrf_mask(const char *token, char *out, size_t outlen)
{
    size_t n = strlen(token);
    if (n > CSRF_MASK_MAX || outlen < 4 * n + 2) {
        snprintf(out, outlen, "%s", token);
        return;
    }
    unsigned char pad[CSRF_MASK_MAX];
    random_bytes(pad, n);
    char *o = out;
    *o++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *o++ = hex[pad[i] >> 4];
        *o++ = hex[pad[i] & 15];
    }
    for (size_t i = 0; i < n; i++) {
        unsigned char m = pad[i] ^ (unsigned char)token[i];
        *o++ = hex[m >> 4];
        *o++ = hex[m & 15];
    }
    *o = '\0';
}

const char *csrf_unmask(const char *value, char *out, size_t outlen)
{
    size_t len = value ? strlen(value) : 0;
    size_t n = len > 1 ? (len - 1) / 4 : 0;
    bool masked =
        len > 1 && value[0] == 'x' && (len - 1) % 4 == 0 && n <= CSRF_MASK_MAX && outlen > n;
    for (size_t i = 1; masked && i < len; i++)
        masked = nibble(value[i]) >= 0;
    if (!masked) {
        snprintf(out, outlen, "%s", value ? value : "");
        return out;
    }
    const char *pad = value + 1, *mix = value + 1 + 2 * n;
    for (size_t i = 0; i < n; i++) {
        int p = nibble(pad[2 * i]) << 4 | nibble(pad[2 * i + 1]);
        int m = nibble(mix[2 * i]) << 4 | nibble(mix[2 * i + 1]);
        out[i] = (char)(p ^ m);
    }
    out[n] = '\0';
    return out;
}
