/*
 * core/phone.c — phone numbers as people write them, into one stored form.
 *
 * Pure (no database), so tests/fuzz/fuzz_parse.c can drive it: customers registered
 * by phone are found again by their number however it was typed (core/customer_offline.c).
 */
#include "phone.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static bool separator(char ch)
{
    return ch == ' ' || ch == '.' || ch == '-' || ch == '(' || ch == ')' || ch == '/';
}

bool phone_parse(const char *in, char out[PHONE_MAX])
{
    char d[PHONE_MAX];
    size_t n = 0;
    bool plus = false;
    out[0] = '\0';
    if (!in)
        return false;
    for (const char *p = in; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n + 1 >= sizeof d)
                return false;
            d[n++] = *p;
        } else if (*p == '+' && n == 0 && !plus) {
            plus = true;
        } else if (!separator(*p)) {
            return false;
        }
    }
    d[n] = '\0';
    char *intl = NULL; /* the digits after the country prefix mark */
    if (plus)
        intl = d;
    else if (n > 2 && d[0] == '0' && d[1] == '0')
        intl = d + 2;
    /* "+33 (0)6 12…": the national 0 some keep in brackets after the country code */
    if (intl && !strncmp(intl, "330", 3) && strlen(intl) == 12 && strstr(in, "(0)"))
        memmove(intl + 2, intl + 3, strlen(intl + 3) + 1);
    if (intl && !strncmp(intl, "33", 2) && strlen(intl) == 11 && intl[2] != '0') {
        const char *s = intl + 2; /* 9 digits */
        snprintf(out, PHONE_MAX, "0%c %.2s %.2s %.2s %.2s", s[0], s + 1, s + 3, s + 5, s + 7);
        return true;
    }
    if (intl && !strncmp(intl, "33", 2))
        return false; /* France, but not 9 digits after the 0 that the "+33" replaces */
    if (intl) {
        size_t k = strlen(intl);
        if (k < 9 || k > 15 || intl[0] == '0')
            return false;
        snprintf(out, PHONE_MAX, "+%.15s", intl);
        return true;
    }
    if (n == 10 && d[0] == '0' && d[1] != '0') {
        snprintf(out, PHONE_MAX, "%.2s %.2s %.2s %.2s %.2s", d, d + 2, d + 4, d + 6, d + 8);
        return true;
    }
    return false;
}

void phone_key(const char *s, char out[PHONE_MAX])
{
    size_t n = 0;
    out[0] = '\0';
    for (const char *p = s ? s : ""; *p; p++) {
        if (isdigit((unsigned char)*p)) {
            if (n == 0 && *p == '0')
                continue; /* the national form's leading zeros */
            if (n + 1 >= PHONE_MAX) {
                out[0] = '\0';
                return;
            }
            out[n++] = *p;
        } else if (!separator(*p) && *p != '+') {
            out[0] = '\0';
            return;
        }
    }
    out[n] = '\0';
    if (n < 4)
        out[0] = '\0';
}
