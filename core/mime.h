/*
 * core/mime.h — an e-mail as bytes: headers safe against injection, plain text and a
 * light HTML part (multipart/alternative), files attached (multipart/mixed).
 *
 * Pure: no database, no network, so it can be fuzzed alone (tests/fuzz/fuzz_mime.c).
 * Every header value is refused when it holds a CR, an LF or any other control
 * character (the caller checked already: this is the second line of defence);
 * values that are not ASCII are written as RFC 2047 encoded words. Parts are base64
 * in lines of 76, so no line of the message is long and no part can contain a
 * boundary ("=_" never occurs in base64).
 */
#ifndef KM0_MIME_H
#define KM0_MIME_H

#include "buf.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct mime_file {
    const char *name;         /* ASCII letters, digits, '.', '-', '_' */
    const char *content_type; /* "application/pdf" */
    const void *data;
    size_t len;
} mime_file;

typedef struct mime_msg {
    const char *from_name, *from_address;
    const char *to_name, *to_address;
    const char *subject;
    const char *message_id; /* without the angle brackets: "km0.3.1.17000@hub.example" */
    long long date;         /* seconds since the epoch, written as an RFC 5322 date */
    const char *lang;       /* Content-Language */
    const char *text, *html;
    const char *unsubscribe_url; /* optional messages: List-Unsubscribe (RFC 8058) */
    const mime_file *files;
    size_t nfiles;
} mime_msg;

typedef enum {
    MIME_OK = 0,
    MIME_BAD_HEADER,  /* a header value with CR, LF or another control character */
    MIME_BAD_ADDRESS, /* an address with a character no address has */
    MIME_BAD_FILE     /* an attachment's name or type is not plain ASCII */
} mime_status;

/* Append the whole message (CRLF line ends) to out; on a refusal out is unchanged. */
mime_status mime_build(const mime_msg *m, buf *out);

/* A header value as it may be written: ASCII as it is, anything else as RFC 2047
 * encoded words (UTF-8, base64, at most 75 characters each, folded); false (nothing
 * appended) when value has a control character or is not UTF-8. */
bool mime_header_value(buf *out, const char *value, size_t already_on_line);

/* Standard base64 of len bytes, in lines of 76 ending in CRLF. */
void mime_base64_lines(buf *out, const void *data, size_t len);

#endif
