/*
 * core/bank_id.c — IBAN, BIC, SEPA creditor identifier and RF creditor reference: read,
 * checked, made; the SEPA character set; names compared as banks write them.
 *
 * The three check-digit schemes are the same ISO 7064 MOD 97-10: letters read as
 * 10..35, the whole string as one decimal number modulo 97, digit by digit so that
 * it never overflows. Where they differ is which characters are read, in which order.
 */
#include "bank_id.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/* Add the characters of s[0..n) to a running MOD 97 (letters as two digits). */
static unsigned mod97_add(unsigned rem, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (isdigit((unsigned char)ch))
            rem = (rem * 10 + (unsigned)(ch - '0')) % 97;
        else
            rem = (rem * 100 + (unsigned)(ch - 'A' + 10)) % 97;
    }
    return rem;
}

static bool alnum_upper(char ch)
{
    return (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Upper case, blanks and dashes removed, into out (at most max characters); false for
 * any other character or when too long. */
static bool compact(const char *in, char *out, size_t max)
{
    size_t n = 0;
    for (const char *p = in; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '\t')
            continue;
        char ch = (char)toupper((unsigned char)*p);
        if (!alnum_upper(ch) || n == max)
            return false;
        out[n++] = ch;
    }
    out[n] = '\0';
    return true;
}

bool bank_iban_normalize(const char *in, char out[IBAN_MAX + 1])
{
    if (!in || !compact(in, out, IBAN_MAX))
        return false;
    size_t n = strlen(out);
    if (n < 15 || !isalpha((unsigned char)out[0]) || !isalpha((unsigned char)out[1]) ||
        !isdigit((unsigned char)out[2]) || !isdigit((unsigned char)out[3]))
        return false;
    unsigned rem = mod97_add(0, out + 4, n - 4);
    return mod97_add(rem, out, 4) == 1;
}

char *bank_iban_grouped(const char *iban, char out[48])
{
    size_t k = 0;
    for (size_t i = 0; iban[i] && k < 46; i++) {
        if (i && i % 4 == 0)
            out[k++] = ' ';
        out[k++] = iban[i];
    }
    out[k] = '\0';
    return out;
}

bool bic_normalize(const char *in, char out[12])
{
    if (!in || !compact(in, out, 11))
        return false;
    size_t n = strlen(out);
    if (n != 8 && n != 11)
        return false;
    for (size_t i = 0; i < 6; i++)
        if (!isalpha((unsigned char)out[i]))
            return false;
    return true;
}

bool ics_normalize(const char *in, char out[36])
{
    if (!in || !compact(in, out, 35))
        return false;
    size_t n = strlen(out);
    if (n < 8 || !isalpha((unsigned char)out[0]) || !isalpha((unsigned char)out[1]) ||
        !isdigit((unsigned char)out[2]) || !isdigit((unsigned char)out[3]))
        return false;
    if (!strncmp(out, "FR", 2) && n != 13) /* France: FRkk ZZZ 6 characters */
        return false;
    /* national identifier, then country and the check digits: the business code
     * (characters 5 to 7) is left out of the check */
    unsigned rem = mod97_add(0, out + 7, n - 7);
    rem = mod97_add(rem, out, 4);
    return rem == 1;
}

/* 98 - (body + "RF00") mod 97, as two digits. */
static void rf_check(const char *body, char check[3])
{
    unsigned rem = mod97_add(0, body, strlen(body));
    rem = mod97_add(rem, "RF00", 4);
    snprintf(check, 3, "%02u", 98 - rem);
}

bool rf_make(const char *body, char out[RF_MAX + 1])
{
    size_t n = strlen(body);
    if (n == 0 || n > RF_MAX - 4)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!alnum_upper(body[i]))
            return false;
    char check[3];
    rf_check(body, check);
    snprintf(out, RF_MAX + 1, "RF%s%s", check, body);
    return true;
}

bool rf_normalize(const char *s, char out[RF_MAX + 1])
{
    char c[RF_MAX + 1];
    if (!s || !compact(s, c, RF_MAX) || strlen(c) < 5 || strncmp(c, "RF", 2) != 0 ||
        !isdigit((unsigned char)c[2]) || !isdigit((unsigned char)c[3]))
        return false;
    unsigned rem = mod97_add(0, c + 4, strlen(c) - 4);
    if (mod97_add(rem, c, 4) != 1)
        return false;
    memcpy(out, c, strlen(c) + 1);
    return true;
}

char *rf_grouped(const char *rf, char out[32])
{
    size_t k = 0;
    for (size_t i = 0; rf[i] && k < 30; i++) {
        if (i && i % 4 == 0)
            out[k++] = ' ';
        out[k++] = rf[i];
    }
    out[k] = '\0';
    return out;
}

void rf_for(rf_kind kind, int64_t id, char out[RF_MAX + 1])
{
    char body[24];
    snprintf(body, sizeof body, "%d%lld", (int)kind, (long long)id);
    rf_make(body, out);
}

rf_kind rf_parse(const char *rf, int64_t *id)
{
    char c[RF_MAX + 1];
    *id = 0;
    if (!rf_normalize(rf, c))
        return RF_NONE;
    const char *body = c + 4;
    if ((body[0] != '1' && body[0] != '2') || body[1] < '1' || body[1] > '9' ||
        strlen(body + 1) > 18)
        return RF_NONE;
    int64_t v = 0;
    for (const char *p = body + 1; *p; p++) {
        if (!isdigit((unsigned char)*p))
            return RF_NONE;
        v = v * 10 + (*p - '0');
    }
    *id = v;
    return body[0] == '1' ? RF_ORDER : RF_TOPUP;
}

size_t rf_find_all(const char *text, char (*out)[RF_MAX + 1], size_t max)
{
    size_t found = 0;
    for (const char *p = text; p && *p && found < max; p++) {
        if ((p[0] != 'R' && p[0] != 'r') || (p[1] != 'F' && p[1] != 'f'))
            continue;
        if (p > text && isalnum((unsigned char)p[-1]))
            continue; /* inside a word: "SURF12..." */
        /* "RF", then groups of digits separated by single blanks: each group ends a
         * candidate */
        char c[RF_MAX + 1] = "RF";
        size_t n = 2;
        const char *q = p + 2;
        if (*q == ' ')
            q++; /* "RF 76 1100..." */
        while (isdigit((unsigned char)*q) && found < max) {
            while (isdigit((unsigned char)*q) && n < RF_MAX)
                c[n++] = *q++;
            if (isdigit((unsigned char)*q))
                break; /* longer than any reference */
            c[n] = '\0';
            int64_t id;
            if (n >= 6 && rf_parse(c, &id) != RF_NONE) {
                bool seen = false;
                for (size_t k = 0; k < found && !seen; k++)
                    seen = !strcmp(out[k], c);
                if (!seen)
                    memcpy(out[found++], c, n + 1);
            }
            if (*q != ' ' || !isdigit((unsigned char)q[1]))
                break;
            q++;
        }
    }
    return found;
}

bool rf_find(const char *text, char out[RF_MAX + 1])
{
    char all[1][RF_MAX + 1];
    if (rf_find_all(text, all, 1) == 0)
        return false;
    memcpy(out, all[0], strlen(all[0]) + 1);
    return true;
}

/* ---- text --------------------------------------------------------------------------- */

/* The ASCII letters of a Latin letter with a diacritic (U+00C0..U+017F, the common
 * ones), or NULL. */
static const char *latin_base(unsigned cp)
{
    static const char *const latin1[64] = {
        "A", "A", "A", "A", "A", "A", "AE", "C",  "E", "E", "E", "E", "I", "I", "I",  "I",
        "D", "N", "O", "O", "O", "O", "O",  NULL, "O", "U", "U", "U", "U", "Y", "TH", "ss",
        "a", "a", "a", "a", "a", "a", "ae", "c",  "e", "e", "e", "e", "i", "i", "i",  "i",
        "d", "n", "o", "o", "o", "o", "o",  NULL, "o", "u", "u", "u", "u", "y", "th", "y"};
    if (cp >= 0xC0 && cp <= 0xFF)
        return latin1[cp - 0xC0];
    switch (cp) {
    case 0x152:
        return "OE";
    case 0x153:
        return "oe";
    case 0x178:
        return "Y";
    default:
        return NULL;
    }
}

/* The next code point of s (advancing *p); invalid bytes read as U+FFFD. */
static unsigned next_cp(const unsigned char **p)
{
    const unsigned char *s = *p;
    unsigned cp;
    int more;
    if (s[0] < 0x80) {
        *p = s + 1;
        return s[0];
    }
    if ((s[0] & 0xE0) == 0xC0)
        cp = s[0] & 0x1F, more = 1;
    else if ((s[0] & 0xF0) == 0xE0)
        cp = s[0] & 0x0F, more = 2;
    else if ((s[0] & 0xF8) == 0xF0)
        cp = s[0] & 0x07, more = 3;
    else {
        *p = s + 1;
        return 0xFFFD;
    }
    for (int i = 1; i <= more; i++) {
        if ((s[i] & 0xC0) != 0x80) {
            *p = s + i;
            return 0xFFFD;
        }
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    *p = s + more + 1;
    return cp;
}

static bool sepa_char(unsigned cp)
{
    return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
           (cp && strchr("/-?:().,'+ ", (int)cp));
}

char *sepa_text(const char *s, size_t max, char *out, size_t size)
{
    size_t n = 0;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && n < max && n + 1 < size) {
        unsigned cp = next_cp(&p);
        const char *base = cp >= 0x80 ? latin_base(cp) : NULL;
        if (base) {
            for (; *base && n < max && n + 1 < size; base++)
                out[n++] = *base;
        } else {
            out[n++] = sepa_char(cp) ? (char)cp : ' ';
        }
    }
    out[n] = '\0';
    return out;
}

char *name_fold(const char *s, char *out, size_t size)
{
    size_t n = 0;
    bool space = true; /* no leading blank */
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && n + 2 < size) {
        unsigned cp = next_cp(&p);
        const char *base = cp >= 0x80 ? latin_base(cp) : NULL;
        char one[2] = {(char)cp, '\0'};
        if (!base && cp < 0x80 && isalnum((int)cp))
            base = one;
        if (!base) {
            if (!space)
                out[n++] = ' ';
            space = true;
            continue;
        }
        for (; *base && n + 2 < size; base++)
            out[n++] = (char)tolower((unsigned char)*base);
        space = false;
    }
    if (n && out[n - 1] == ' ')
        n--;
    out[n] = '\0';
    return out;
}

/* Whether word (len bytes) is one of the words of folded. */
static bool has_word(const char *folded, const char *word, size_t len)
{
    for (const char *p = folded; *p;) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n == len && !memcmp(p, word, len))
            return true;
        p += n;
        while (*p == ' ')
            p++;
    }
    return false;
}

bool name_matches(const char *a, const char *b)
{
    char fa[256], fb[256];
    name_fold(a, fa, sizeof fa);
    name_fold(b, fb, sizeof fb);
    return name_matches_folded(fa, fb);
}

bool name_matches_folded(const char *fa, const char *fb)
{
    /* the name with fewer words must be found in the other */
    size_t wa = 1, wb = 1;
    for (const char *p = fa; *p; p++)
        wa += *p == ' ';
    for (const char *p = fb; *p; p++)
        wb += *p == ' ';
    const char *few = wa <= wb ? fa : fb, *many = wa <= wb ? fb : fa;
    int matched = 0;
    for (const char *p = few; *p;) {
        const char *end = strchr(p, ' ');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        if (n >= 2) {
            if (!has_word(many, p, n))
                return false;
            matched++;
        }
        p += n;
        while (*p == ' ')
            p++;
    }
    return matched > 0;
}
