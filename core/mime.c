/*
 * core/mime.c — e-mail bytes (core/mime.h): RFC 5322 headers, RFC 2047 encoded
 * words, MIME multipart bodies, base64.
 */
#include "mime.h"
#include "util.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of len bytes without line breaks. */
static void base64(buf *out, const unsigned char *p, size_t len)
{
    size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63], b64[v & 63]};
        buf_append(out, q, 4);
    }
    if (len - i == 1) {
        unsigned v = (unsigned)p[i] << 16;
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], '=', '='};
        buf_append(out, q, 4);
    } else if (len - i == 2) {
        unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8;
        char q[4] = {b64[v >> 18], b64[(v >> 12) & 63], b64[(v >> 6) & 63], '='};
        buf_append(out, q, 4);
    }
}

void mime_base64_lines(buf *out, const void *data, size_t len)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i += 57) {
        base64(out, p + i, len - i < 57 ? len - i : 57);
        buf_lit(out, "\r\n");
    }
}

/* No control character at all (a header value is one line), and valid UTF-8. */
static bool header_safe(const char *v)
{
    if (!v)
        return false;
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return utf8_valid(v, strlen(v));
}

static bool is_ascii(const char *v)
{
    for (const unsigned char *p = (const unsigned char *)v; *p; p++)
        if (*p >= 0x80)
            return false;
    return true;
}

/* Bytes of the UTF-8 sequence starting with c. */
static size_t seq_len(unsigned char c)
{
    return c < 0x80 ? 1 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
}

bool mime_header_value(buf *out, const char *value, size_t already)
{
    if (!header_safe(value))
        return false;
    size_t n = strlen(value);
    if (is_ascii(value) && already + n <= 998) {
        buf_puts(out, value);
        return true;
    }
    /* encoded words of at most 75 characters: "=?UTF-8?B?" + 60 base64 characters
     * (45 bytes, whole UTF-8 sequences only) + "?=", one per folded line */
    const unsigned char *p = (const unsigned char *)value;
    size_t i = 0;
    bool first = true;
    while (i < n) {
        size_t take = 0;
        while (i + take < n) {
            size_t s = seq_len(p[i + take]);
            if (take + s > 45)
                break;
            take += s;
        }
        if (!first)
            buf_lit(out, "\r\n ");
        buf_lit(out, "=?UTF-8?B?");
        base64(out, p + i, take);
        buf_lit(out, "?=");
        i += take;
        first = false;
    }
    return true;
}

/* An address as written in a header: nothing but what addresses are made of. */
static bool address_safe(const char *a)
{
    if (!a || !*a || strlen(a) > 254 || !strchr(a, '@'))
        return false;
    for (const unsigned char *p = (const unsigned char *)a; *p; p++)
        if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\\\"", *p))
            return false;
    return true;
}

/* Characters of name as a quoted string: the quotes, and a backslash before '"' and '\'. */
static size_t quoted_len(const char *name)
{
    size_t n = 2;
    for (const char *p = name; *p; p++)
        n += (*p == '"' || *p == '\\') ? 2 : 1;
    return n;
}

/* "Name <address>" or "<address>"; a plain ASCII name is quoted when the line stays
 * within 998 characters (RFC 5322, 2.1.1), any other name encoded (folded words). */
static mime_status mailbox(buf *out, const char *header, const char *name, const char *address)
{
    if (!address_safe(address))
        return MIME_BAD_ADDRESS;
    buf_puts(out, header);
    buf_lit(out, ": ");
    if (name && *name) {
        if (!header_safe(name))
            return MIME_BAD_HEADER;
        size_t line = strlen(header) + 2 + quoted_len(name) + 1 + strlen(address) + 2;
        if (is_ascii(name) && line <= 998) {
            buf_putc(out, '"');
            for (const char *p = name; *p; p++) {
                if (*p == '"' || *p == '\\')
                    buf_putc(out, '\\');
                buf_putc(out, *p);
            }
            buf_lit(out, "\" ");
        } else {
            /* already_on_line past the limit: encoded words even for ASCII */
            mime_header_value(out, name, is_ascii(name) ? 999 : strlen(header) + 2);
            buf_putc(out, ' ');
        }
    }
    buf_printf(out, "<%s>\r\n", address);
    return MIME_OK;
}

static bool file_safe(const mime_file *f)
{
    if (!f->name || !*f->name || strlen(f->name) > 100 || !f->content_type ||
        strlen(f->content_type) > 100)
        return false;
    for (const char *p = f->name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(".-_", *p)))
            return false;
    for (const char *p = f->content_type; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("/.+-", *p)))
            return false;
    return true;
}

static void text_part(buf *out, const char *boundary, const char *type, const char *body)
{
    buf_printf(out, "--%s\r\nContent-Type: %s; charset=UTF-8\r\n", boundary, type);
    buf_lit(out, "Content-Transfer-Encoding: base64\r\n\r\n");
    mime_base64_lines(out, body, strlen(body));
}

static mime_status build(const mime_msg *m, buf *out)
{
    mime_status st;
    if ((st = mailbox(out, "From", m->from_name, m->from_address)) != MIME_OK ||
        (st = mailbox(out, "To", m->to_name, m->to_address)) != MIME_OK)
        return st;
    buf_lit(out, "Subject: ");
    if (!mime_header_value(out, m->subject, 9))
        return MIME_BAD_HEADER;
    buf_lit(out, "\r\n");
    if (!m->message_id || !address_safe(m->message_id))
        return MIME_BAD_HEADER;
    buf_printf(out, "Message-ID: <%s>\r\n", m->message_id);
    char date[64];
    time_t t = (time_t)m->date;
    struct tm tm;
    gmtime_r(&t, &tm);
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    snprintf(date, sizeof date, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
             tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    buf_printf(out, "Date: %s\r\nMIME-Version: 1.0\r\n", date);
    if (m->lang && (!strcmp(m->lang, "fr") || !strcmp(m->lang, "en")))
        buf_printf(out, "Content-Language: %s\r\n", m->lang);
    buf_lit(out, "Auto-Submitted: auto-generated\r\n");
    if (m->unsubscribe_url) {
        if (!header_safe(m->unsubscribe_url) || !is_ascii(m->unsubscribe_url) ||
            strpbrk(m->unsubscribe_url, "<> \"") || strlen(m->unsubscribe_url) > 900)
            return MIME_BAD_HEADER;
        buf_printf(out, "List-Unsubscribe: <%s>\r\n", m->unsubscribe_url);
        buf_lit(out, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n");
    }
    for (size_t i = 0; i < m->nfiles; i++)
        if (!file_safe(&m->files[i]))
            return MIME_BAD_FILE;
    /* base64 never holds "=_": the boundaries cannot occur inside a part */
    const char *alt = "=_km0_alternative", *mixed = "=_km0_mixed";
    if (m->nfiles) {
        buf_printf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", mixed);
        buf_printf(out, "--%s\r\n", mixed);
    }
    buf_printf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", alt);
    text_part(out, alt, "text/plain", m->text ? m->text : "");
    text_part(out, alt, "text/html", m->html ? m->html : "");
    buf_printf(out, "--%s--\r\n", alt);
    for (size_t i = 0; i < m->nfiles; i++) {
        const mime_file *f = &m->files[i];
        buf_printf(out, "--%s\r\nContent-Type: %s; name=\"%s\"\r\n", mixed, f->content_type,
                   f->name);
        buf_printf(out,
                   "Content-Disposition: attachment; filename=\"%s\"\r\n"
                   "Content-Transfer-Encoding: base64\r\n\r\n",
                   f->name);
        mime_base64_lines(out, f->data, f->len);
    }
    if (m->nfiles)
        buf_printf(out, "--%s--\r\n", mixed);
    return MIME_OK;
}

mime_status mime_build(const mime_msg *m, buf *out)
{
    size_t before = out->len;
    mime_status st = build(m, out);
    if (st != MIME_OK) {
        out->len = before;
        if (out->data)
            out->data[before] = '\0';
    }
    return st;
}
