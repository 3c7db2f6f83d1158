/*
 * mail/smtp_wire.c — replies, EHLO keywords and dot-stuffing (mail/smtp_wire.h).
 */
#include "smtp_wire.h"

#include <string.h>
#include <strings.h>

static bool digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "5.1.1 ..." at text: the class (2, 4 or 5), a subject and a detail of up to three
 * digits each (RFC 3463, 2). */
static void enhanced_code(const char *text, size_t len, char *out, size_t outlen)
{
    out[0] = '\0';
    if (len < 5 || (text[0] != '2' && text[0] != '4' && text[0] != '5') || text[1] != '.')
        return;
    size_t i = 2, parts = 1;
    while (parts < 3) {
        size_t start = i;
        while (i < len && digit(text[i]) && i - start < 3)
            i++;
        if (i == start)
            return;
        parts++;
        if (parts < 3) {
            if (i >= len || text[i] != '.')
                return;
            i++;
        }
    }
    if (i < len && text[i] != ' ')
        return;
    if (i >= outlen)
        return;
    memcpy(out, text, i);
    out[i] = '\0';
}

int smtp_reply_parse(const char *in, size_t len, size_t *used, smtp_reply *r)
{
    size_t pos = 0;
    int code = 0;
    for (;;) {
        const char *nl = memchr(in + pos, '\n', len - pos);
        size_t end = nl ? (size_t)(nl - in) : len; /* the line is in[pos..end) */
        size_t line = end - pos;
        if (line > SMTP_WIRE_LINE_MAX)
            return SMTP_WIRE_BAD;
        /* what has come of the line so far must look like a reply's */
        for (size_t i = 0; i < line && i < 3; i++)
            if (!digit(in[pos + i]))
                return SMTP_WIRE_BAD;
        if (!nl)
            return SMTP_WIRE_MORE;
        size_t text_end = (line > 0 && in[end - 1] == '\r') ? end - 1 : end;
        size_t n = text_end - pos;
        if (n < 3 || (n > 3 && in[pos + 3] != ' ' && in[pos + 3] != '-'))
            return SMTP_WIRE_BAD;
        int c = (in[pos] - '0') * 100 + (in[pos + 1] - '0') * 10 + (in[pos + 2] - '0');
        if (c < 100 || c > 599 || (code && c != code))
            return SMTP_WIRE_BAD;
        code = c;
        bool last = n == 3 || in[pos + 3] == ' ';
        if (last) {
            r->code = code;
            if (n > 4)
                enhanced_code(in + pos + 4, n - 4, r->enhanced, sizeof r->enhanced);
            else
                r->enhanced[0] = '\0';
            *used = end + 1;
            return SMTP_WIRE_REPLY;
        }
        pos = end + 1;
    }
}

void smtp_session_line(const char *line, size_t len, bool *pipelining)
{
    while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == '\n'))
        len--;
    if (len < 3 || strncmp(line, "220", 3) == 0) {
        if (len >= 3)
            *pipelining = false;
        return;
    }
    if (strncmp(line, "250", 3) != 0 || len < 4 || (line[3] != '-' && line[3] != ' '))
        return;
    const char *kw = line + 4;
    size_t n = len - 4;
    while (n > 0 && kw[n - 1] == ' ')
        n--;
    if (n == 10 && strncasecmp(kw, "PIPELINING", 10) == 0)
        *pipelining = true;
}

void smtp_dot_stuff(const char *msg, size_t len, buf *out)
{
    buf_reserve(out, len + len / 64 + 8);
    size_t start = 0;
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        if (line_start && msg[i] == '.') {
            buf_append(out, msg + start, i - start);
            buf_putc(out, '.');
            start = i; /* the dot itself goes with the rest */
        }
        line_start = msg[i] == '\n';
    }
    buf_append(out, msg + start, len - start);
    if (len < 2 || msg[len - 2] != '\r' || msg[len - 1] != '\n')
        buf_append(out, "\r\n", 2);
    buf_append(out, ".\r\n", 3);
}
