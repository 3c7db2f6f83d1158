/*
 * core/buf.h — a growable byte buffer, the one string builder of km0.
 *
 * Replies, SQL parameters, XML and HTML are all assembled in a buf. The data is
 * always NUL-terminated so it can be handed to C string functions; len excludes it.
 */
#ifndef KM0_BUF_H
#define KM0_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct buf {
    char *data;
    size_t len;
    size_t cap;
} buf;

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

void buf_reserve(buf *b, size_t extra);
void buf_append(buf *b, const void *data, size_t n);
void buf_puts(buf *b, const char *s);
/* Append a string literal, its length known at compile time (pages' hot paths). */
#define buf_lit(b, lit) buf_append((b), "" lit, sizeof(lit) - 1)
void buf_putc(buf *b, char c);
void buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(buf *b, const char *fmt, va_list ap);
/* Append a decimal integer (no printf: hot paths build pages with this). */
void buf_int(buf *b, int64_t v);
/* Append s with & < > " ' escaped for HTML text and attribute values. */
void buf_html(buf *b, const char *s);
/* Append s as the inside of a JSON string (no quotes). */
void buf_json_str(buf *b, const char *s);
/* Append s percent-encoded for a URL query value. */
void buf_url(buf *b, const char *s);
void buf_reset(buf *b);
void buf_free(buf *b);
/* Hand the data over to the caller (who frees it); b is left empty. */
char *buf_steal(buf *b);
/* Data as a C string, "" when nothing was appended. */
const char *buf_str(const buf *b);

#endif
