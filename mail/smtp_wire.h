/*
 * mail/smtp_wire.h — what km0 reads from and writes to an SMTP relay, as pure
 * functions over bytes (no socket, no allocation but the output buffer): the
 * relay's replies (RFC 5321, 4.2), the EHLO keywords that matter (PIPELINING,
 * RFC 2920) and the message data with its dots doubled (RFC 5321, 4.5.2).
 *
 * mail/smtp.c does the talking; tests/fuzz/fuzz_smtp.c and tests/unit/test_smtp_wire.c
 * hold these to their invariants.
 */
#ifndef KM0_SMTP_WIRE_H
#define KM0_SMTP_WIRE_H

#include "../core/buf.h"

#include <stdbool.h>
#include <stddef.h>

enum { SMTP_WIRE_BAD = -1, SMTP_WIRE_MORE = 0, SMTP_WIRE_REPLY = 1 };

/* The longest reply line km0 accepts (RFC 5321 allows 512; relays write longer). */
#define SMTP_WIRE_LINE_MAX 2048

typedef struct smtp_reply {
    int code;          /* 100..599, the same on every line of the reply */
    char enhanced[12]; /* "5.1.1" when the last line starts with an enhanced status
                          code (RFC 3463), else "" */
} smtp_reply;

/* The first reply in in[0..len): SMTP_WIRE_REPLY with *used (the bytes it took, its
 * last line end included) and *r; SMTP_WIRE_MORE when its last line has not come
 * yet; SMTP_WIRE_BAD when the bytes are not an SMTP reply (no three-digit code, codes
 * that change between lines, a line longer than SMTP_WIRE_LINE_MAX). Lines end with
 * CRLF or a bare LF. */
int smtp_reply_parse(const char *in, size_t len, size_t *used, smtp_reply *r);

/* One line of what the relay said while libcurl set the session up (greeting, EHLO,
 * STARTTLS, AUTH), without its line end: a 220 (a greeting, or TLS about to start)
 * forgets what an earlier EHLO said (RFC 3207, 4.2); a 250 line naming PIPELINING
 * sets *pipelining. */
void smtp_session_line(const char *line, size_t len, bool *pipelining);

/* The message (headers and body, CRLF lines) as DATA sends it: every line that
 * starts with "." gets a second one, a last line without its end gets CRLF, and the
 * terminating ".\r\n" follows. Appended to out. */
void smtp_dot_stuff(const char *msg, size_t len, buf *out);

#endif
