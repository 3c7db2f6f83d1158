/*
 * importers/csv.c — encoding detection and decoding, dialect detection, and
 * an RFC 4180 tokenizer that is lenient where spreadsheets are sloppy.
 *
 * Leniency: a quote inside an unquoted field is kept as a character, and text
 * after a closing quote is appended to the field (what Excel does), so no
 * input makes the tokenizer fail; what it cannot make sense of (a quote never
 * closed, a field too long, too many fields) is flagged on the record for the
 * caller to report with a line number.
 */
#include "csv.h"
#include "../core/util.h"

#include <stdlib.h>
#include <string.h>

/* Windows-1252 0x80..0x9F. The five undefined bytes map to the C1 control of the
 * same value, as WHATWG does, so that they are later reported as control
 * characters instead of vanishing. */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

static void put_cp(buf *b, uint32_t cp)
{
    char u[4];
    size_t n;
    if (cp < 0x80) {
        u[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        u[0] = (char)(0xC0 | (cp >> 6));
        u[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        u[0] = (char)(0xE0 | (cp >> 12));
        u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (cp >> 18));
        u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        u[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    buf_append(b, u, n);
}

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0 when the bytes there
 * are not one (overlong forms, surrogates and code points past U+10FFFF included). */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned c = s[0];
    size_t n;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if ((c & 0xE0) == 0xC0) {
        n = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
        n = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
        n = 4, cp = c & 0x07, min = 0x10000;
    } else {
        return 0;
    }
    if (avail < n)
        return 0;
    for (size_t k = 1; k < n; k++) {
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

/* Bytes from s that are plain ASCII, eight at a time where it can: most of a catalog is. */
static size_t ascii_run(const unsigned char *s, size_t len)
{
    size_t i = 0;
    for (; i + 8 <= len; i += 8) {
        uint64_t w;
        memcpy(&w, s + i, sizeof w);
        if (w & 0x8080808080808080ull)
            break;
    }
    while (i < len && s[i] < 0x80)
        i++;
    return i;
}

/* Valid runs are copied whole; each byte that starts no valid sequence becomes U+FFFD. */
static void decode_utf8(const unsigned char *s, size_t len, buf *b, csv_text *out)
{
    size_t i = 0, run = 0;
    while (i < len) {
        size_t n = s[i] < 0x80 ? ascii_run(s + i, len - i) : utf8_seq(s + i, len - i);
        if (n > 0) {
            i += n;
            continue;
        }
        buf_append(b, s + run, i - run);
        buf_puts(b, CSV_REPLACEMENT);
        out->replaced = true;
        run = ++i;
    }
    buf_append(b, s + run, len - run);
}

static void decode_cp1252(const unsigned char *s, size_t len, buf *b)
{
    for (size_t i = 0; i < len; i++) {
        unsigned c = s[i];
        if (c < 0x80)
            buf_putc(b, (char)c);
        else
            put_cp(b, c < 0xA0 ? cp1252_high[c - 0x80] : c);
    }
}

static void decode_utf16(const unsigned char *s, size_t len, bool big_endian, buf *b, csv_text *out)
{
    size_t i = 0;
    while (i + 1 < len) {
        uint32_t u =
            big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
        i += 2;
        if (u >= 0xD800 && u <= 0xDBFF && i + 1 < len) {
            uint32_t lo =
                big_endian ? (uint32_t)(s[i] << 8 | s[i + 1]) : (uint32_t)(s[i + 1] << 8 | s[i]);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                put_cp(b, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
                i += 2;
                continue;
            }
        }
        if (u >= 0xD800 && u <= 0xDFFF) {
            buf_puts(b, CSV_REPLACEMENT);
            out->replaced = true;
        } else {
            put_cp(b, u);
        }
    }
    if (i < len) { /* an odd byte out */
        buf_puts(b, CSV_REPLACEMENT);
        out->replaced = true;
    }
}

/* Scan once: does the file hold valid multi-byte sequences, invalid bytes, or both? */
/* Scan once: does the file hold valid multi-byte sequences, invalid bytes, or both? */
static void utf8_census(const unsigned char *s, size_t len, size_t *multibyte, size_t *invalid)
{
    size_t i = 0;
    *multibyte = *invalid = 0;
    while (i < len) {
        if (s[i] < 0x80) {
            i += ascii_run(s + i, len - i);
            continue;
        }
        size_t n = utf8_seq(s + i, len - i);
        if (n == 0) {
            (*invalid)++;
            n = 1;
        } else {
            (*multibyte)++;
        }
        i += n;
    }
}

void csv_decode(const char *data, size_t len, imp_encoding enc, arena *mem, csv_text *out)
{
    const unsigned char *s = (const unsigned char *)data;
    buf b = BUF_INIT;
    memset(out, 0, sizeof *out);
    bool bom8 = len >= 3 && s[0] == 0xEF && s[1] == 0xBB && s[2] == 0xBF;
    bool bom16le = len >= 2 && s[0] == 0xFF && s[1] == 0xFE;
    bool bom16be = len >= 2 && s[0] == 0xFE && s[1] == 0xFF;

    if (enc == IMP_ENC_WINDOWS_1252) {
        out->encoding = "Windows-1252";
        decode_cp1252(s, len, &b);
    } else if (enc == IMP_ENC_AUTO && (bom16le || bom16be)) {
        out->encoding = bom16le ? "UTF-16LE" : "UTF-16BE";
        decode_utf16(s + 2, len - 2, bom16be, &b, out);
    } else if (bom8) {
        /* A BOM declares UTF-8: bad bytes after it are errors, not another encoding. */
        out->encoding = "UTF-8 with BOM";
        decode_utf8(s + 3, len - 3, &b, out);
    } else if (enc == IMP_ENC_UTF8) {
        out->encoding = "UTF-8";
        decode_utf8(s, len, &b, out);
    } else {
        size_t multibyte, invalid;
        utf8_census(s, len, &multibyte, &invalid);
        if (invalid > 0 && multibyte == 0) {
            out->encoding = "Windows-1252";
            out->guessed = true;
            decode_cp1252(s, len, &b);
        } else if (invalid == 0) { /* the usual case: the text is the file, as it is */
            out->encoding = "UTF-8";
            out->len = len;
            out->data = arena_strndup(mem, data, len);
            return;
        } else {
            out->encoding = "UTF-8";
            out->mixed = true;
            decode_utf8(s, len, &b, out);
        }
    }
    out->len = b.len;
    out->data = arena_strndup(mem, buf_str(&b), b.len);
    buf_free(&b);
}

/* ---- tokenizer ---------------------------------------------------------- */

void csv_reader_init(csv_reader *r, const char *text, size_t len, char sep, size_t max_field,
                     size_t max_fields)
{
    memset(r, 0, sizeof *r);
    r->p = text;
    r->end = text + len;
    r->sep = sep;
    r->line = 1;
    r->max_field = max_field ? max_field : 4096;
    r->max_fields = max_fields ? max_fields : 1000;
}

void csv_reader_free(csv_reader *r)
{
    buf_free(&r->scratch);
    free(r->offs);
    free(r->lens);
    free(r->ptrs);
    free(r->cut);
    memset(r, 0, sizeof *r);
}

static void grow_fields(csv_reader *r, size_t need)
{
    if (need <= r->cap)
        return;
    size_t cap = r->cap ? r->cap * 2 : 32;
    while (cap < need)
        cap *= 2;
    r->offs = xrealloc(r->offs, cap * sizeof *r->offs);
    r->lens = xrealloc(r->lens, cap * sizeof *r->lens);
    r->ptrs = xrealloc(r->ptrs, cap * sizeof *r->ptrs);
    r->cut = xrealloc(r->cut, cap * sizeof *r->cut);
    r->cap = cap;
}

/* Consume a line break at p if there is one (CRLF, LF or lone CR). */
static bool eat_newline(csv_reader *r)
{
    if (r->p < r->end && (*r->p == '\r' || *r->p == '\n')) {
        if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
            r->p++;
        r->p++;
        r->line++;
        return true;
    }
    return false;
}

/* Append one byte to the current field unless it is already max_field long. */
static void field_putc(csv_reader *r, size_t idx, bool keep, char c)
{
    if (!keep)
        return;
    if (r->lens[idx] >= r->max_field) {
        r->cut[idx] = true;
        return;
    }
    buf_putc(&r->scratch, c);
    r->lens[idx]++;
}

/* Read one field starting at r->p; stops before the separator or line break. */
static void read_field(csv_reader *r, size_t idx, bool keep, bool *unterminated)
{
    if (r->p < r->end && *r->p == '"') {
        r->p++;
        for (;;) {
            if (r->p >= r->end) {
                *unterminated = true;
                return;
            }
            char c = *r->p;
            if (c == '"') {
                if (r->p + 1 < r->end && r->p[1] == '"') {
                    field_putc(r, idx, keep, '"');
                    r->p += 2;
                    continue;
                }
                r->p++;
                break;
            }
            if (c == '\r' || c == '\n') {
                /* Keep the break as written; count it once whatever its form. */
                if (c == '\r' && r->p + 1 < r->end && r->p[1] == '\n') {
                    field_putc(r, idx, keep, '\r');
                    r->p++;
                }
                field_putc(r, idx, keep, *r->p);
                r->p++;
                r->line++;
                continue;
            }
            field_putc(r, idx, keep, c);
            r->p++;
        }
    }
    /* Unquoted text, or whatever follows a closing quote. */
    while (r->p < r->end && *r->p != r->sep && *r->p != '\r' && *r->p != '\n') {
        field_putc(r, idx, keep, *r->p);
        r->p++;
    }
}

/* A field cut at max_field may end inside a UTF-8 sequence: drop the partial
 * character so that what is kept is still text. */
static void trim_partial_char(csv_reader *r, size_t idx)
{
    unsigned char *f = (unsigned char *)r->scratch.data + r->offs[idx];
    size_t len = r->lens[idx], lead = len;
    while (lead > 0 && len - lead < 4 && (f[lead - 1] & 0xC0) == 0x80)
        lead--;
    if (lead == 0 || f[lead - 1] < 0xC0)
        return; /* ends on ASCII or on continuation bytes with no lead: leave as is */
    unsigned c = f[lead - 1];
    size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (len - (lead - 1) < need) {
        r->lens[idx] = lead - 1;
        f[lead - 1] = '\0';
    }
}

bool csv_next(csv_reader *r, csv_record *rec)
{
    if (r->p >= r->end)
        return false;
    memset(rec, 0, sizeof *rec);
    buf_reset(&r->scratch);
    rec->line = r->line;
    rec->row = ++r->row;
    size_t n = 0;
    for (;;) {
        bool keep = n < r->max_fields;
        if (keep) {
            grow_fields(r, n + 1);
            r->offs[n] = r->scratch.len;
            r->lens[n] = 0;
            r->cut[n] = false;
        }
        read_field(r, n, keep, &rec->unterminated);
        if (keep)
            buf_putc(&r->scratch, '\0');
        n++;
        if (r->p < r->end && *r->p == r->sep) {
            r->p++;
            continue;
        }
        eat_newline(r);
        break;
    }
    rec->nfields_found = n;
    rec->nfields = n < r->max_fields ? n : r->max_fields;
    for (size_t i = 0; i < rec->nfields; i++) {
        if (r->cut[i])
            trim_partial_char(r, i);
        r->ptrs[i] = buf_str(&r->scratch) + r->offs[i];
    }
    rec->fields = r->ptrs;
    rec->lens = r->lens;
    rec->cut = r->cut;
    return true;
}

/* ---- dialect ------------------------------------------------------------ */

#define DETECT_RECORDS 30

static bool record_blank(const csv_record *rec)
{
    for (size_t i = 0; i < rec->nfields; i++)
        for (size_t k = 0; k < rec->lens[i]; k++)
            if (rec->fields[i][k] != ' ' && rec->fields[i][k] != '\t')
                return false;
    return true;
}

typedef struct {
    size_t first;      /* fields in the first non-blank record */
    size_t agree;      /* records (of the first DETECT_RECORDS) with that many fields */
    size_t best_count; /* most frequent field count > 1 ... */
    size_t best_freq;  /* ... and how often it occurs */
} split_stats;

static void measure(const char *text, size_t len, char sep, split_stats *st)
{
    size_t counts[DETECT_RECORDS];
    size_t nrec = 0;
    csv_reader r;
    csv_record rec;
    memset(st, 0, sizeof *st);
    /* Short fields suffice to count them, and keep detection cheap on huge cells. */
    csv_reader_init(&r, text, len, sep, 16, 4096);
    while (nrec < DETECT_RECORDS && csv_next(&r, &rec)) {
        if (record_blank(&rec))
            continue;
        counts[nrec++] = rec.nfields_found;
    }
    csv_reader_free(&r);
    if (nrec == 0)
        return;
    st->first = counts[0];
    for (size_t i = 0; i < nrec; i++) {
        if (counts[i] == st->first)
            st->agree++;
        size_t freq = 0;
        for (size_t k = 0; k < nrec; k++)
            freq += counts[k] == counts[i];
        if (counts[i] > 1 &&
            (freq > st->best_freq || (freq == st->best_freq && counts[i] > st->best_count))) {
            st->best_freq = freq;
            st->best_count = counts[i];
        }
    }
}

char csv_detect_separator(const char *text, size_t len)
{
    static const char candidates[] = {'\t', ';', ','}; /* ties go to the rarer separator */
    split_stats st[3];
    int best = -1;
    for (int i = 0; i < 3; i++)
        measure(text, len, candidates[i], &st[i]);
    /* A separator that splits the header, consistently with the rows below it. */
    for (int i = 0; i < 3; i++) {
        if (st[i].first < 2)
            continue;
        if (best < 0 || st[i].agree > st[best].agree ||
            (st[i].agree == st[best].agree && st[i].first > st[best].first))
            best = i;
    }
    if (best >= 0)
        return candidates[best];
    /* The first line splits on nothing (a title line?): the most regular split below. */
    for (int i = 0; i < 3; i++) {
        if (st[i].best_freq == 0)
            continue;
        if (best < 0 || st[i].best_freq > st[best].best_freq)
            best = i;
    }
    return best >= 0 ? candidates[best] : ',';
}
