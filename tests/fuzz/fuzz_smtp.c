/*
 * tests/fuzz/fuzz_smtp.c — libFuzzer entry point for what km0 reads from and writes
 * to the relay (mail/smtp_wire.c).
 *
 * The bytes are read as what a relay says, reply after reply, and as a message to
 * send. Invariants: no crash; a reply takes at least one byte and no more than
 * there are, and ends at a line end; its code is 100..599 and its enhanced code, when
 * there is one, is "d.ddd.ddd" at most; a prefix of a complete reply is never taken
 * for a different one; the data written for a message holds no line that is a lone
 * "." but the terminator, and taking the added dots out gives back the message.
 */
#include "../../core/buf.h"
#include "../../mail/smtp_wire.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void require(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *in = (const char *)data;
    size_t off = 0;
    while (off < size) {
        size_t used = 0;
        smtp_reply r;
        int st = smtp_reply_parse(in + off, size - off, &used, &r);
        if (st != SMTP_WIRE_REPLY)
            break;
        require(used > 0 && used <= size - off, "a reply's length");
        require(in[off + used - 1] == '\n', "a reply ends at a line end");
        require(r.code >= 100 && r.code <= 599, "a reply's code");
        require(strlen(r.enhanced) <= 9, "an enhanced code's length");
        /* the same bytes cut short are "more" or the same reply, never another */
        smtp_reply r2;
        size_t used2 = 0;
        int st2 = smtp_reply_parse(in + off, used - 1, &used2, &r2);
        require(st2 == SMTP_WIRE_MORE || (st2 == SMTP_WIRE_REPLY && used2 < used) ||
                    st2 == SMTP_WIRE_BAD,
                "a prefix of a reply");
        off += used;
    }
    bool pipelining = false;
    smtp_session_line(in, size, &pipelining);

    buf out = BUF_INIT;
    smtp_dot_stuff(in, size, &out);
    require(out.len >= size + 3, "the data is at least the message and its end");
    require(!memcmp(out.data + out.len - 3, ".\r\n", 3), "the data ends with the terminator");
    require(out.len == 5 || !memcmp(out.data + out.len - 5, "\r\n.\r\n", 5),
            "the terminator is on a line of its own");
    /* take the doubled dots out: the message again, with its last line ended */
    buf back = BUF_INIT;
    bool line_start = true;
    for (size_t i = 0; i + 3 < out.len; i++) {
        char c = out.data[i];
        if (line_start && c == '.') {
            require(i + 1 < out.len - 3 && out.data[i + 1] == '.',
                    "a dot at a line start is doubled");
            i++;
        }
        buf_putc(&back, c);
        line_start = c == '\n';
    }
    require(back.len >= size && !memcmp(back.data, in, size), "unstuffed, the data is the message");
    buf_free(&back);
    buf_free(&out);
    return 0;
}
