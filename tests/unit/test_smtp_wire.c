/*
 * tests/unit/test_smtp_wire.c — what km0 reads from and writes to the relay
 * (mail/smtp_wire.c): replies of one line and of several, as they arrive in pieces
 * (a pipelined answer to MAIL, RCPT and DATA comes in one read, or byte by byte);
 * enhanced status codes; what is not a reply; the PIPELINING keyword forgotten at
 * STARTTLS; and the data's dots doubled so that no line of a message can end it
 * early.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "smtp_wire.h"

#include <stdbool.h>
#include <string.h>

static int parse(const char *in, size_t *used, smtp_reply *r)
{
    return smtp_reply_parse(in, strlen(in), used, r);
}

static void test_replies(void **state)
{
    (void)state;
    size_t used = 0;
    smtp_reply r;
    assert_int_equal(parse("250 2.1.0 Ok\r\n", &used, &r), SMTP_WIRE_REPLY);
    assert_int_equal(r.code, 250);
    assert_string_equal(r.enhanced, "2.1.0");
    assert_int_equal(used, 14);
    /* a pipelined answer: three replies in one read, taken one at a time */
    const char *three = "250 2.1.0 Ok\r\n550 5.1.1 <x@example.org>: Recipient address rejected\r\n"
                        "554 5.5.1 Error: no valid recipients\r\n";
    size_t off = 0;
    int codes[3];
    for (int i = 0; i < 3; i++) {
        assert_int_equal(smtp_reply_parse(three + off, strlen(three) - off, &used, &r),
                         SMTP_WIRE_REPLY);
        codes[i] = r.code;
        off += used;
    }
    assert_int_equal(off, strlen(three));
    assert_int_equal(codes[0], 250);
    assert_int_equal(codes[1], 550);
    assert_int_equal(codes[2], 554);
    /* several lines, the last one counts; a bare LF ends a line too */
    assert_int_equal(parse("250-km0.test\r\n250-PIPELINING\n250 8BITMIME\r\nrest", &used, &r),
                     SMTP_WIRE_REPLY);
    assert_int_equal(r.code, 250);
    assert_string_equal(r.enhanced, "");
    assert_int_equal(used, strlen("250-km0.test\r\n250-PIPELINING\n250 8BITMIME\r\n"));
    /* a code alone on its line */
    assert_int_equal(parse("354\r\n", &used, &r), SMTP_WIRE_REPLY);
    assert_int_equal(r.code, 354);
    /* 421 with its enhanced code */
    assert_int_equal(parse("421 4.4.2 km0.test Error: timeout exceeded\r\n", &used, &r),
                     SMTP_WIRE_REPLY);
    assert_string_equal(r.enhanced, "4.4.2");
}

static void test_pieces(void **state)
{
    (void)state;
    const char *reply = "250-first\r\n250-second\r\n250 last\r\n";
    size_t used = 0;
    smtp_reply r;
    /* every prefix is "more", the whole is the reply */
    for (size_t n = 0; n < strlen(reply); n++)
        assert_int_equal(smtp_reply_parse(reply, n, &used, &r), SMTP_WIRE_MORE);
    assert_int_equal(smtp_reply_parse(reply, strlen(reply), &used, &r), SMTP_WIRE_REPLY);
}

static void test_not_replies(void **state)
{
    (void)state;
    size_t used = 0;
    smtp_reply r;
    assert_int_equal(parse("HTTP/1.1 400 Bad Request\r\n", &used, &r), SMTP_WIRE_BAD);
    assert_int_equal(parse("25", &used, &r), SMTP_WIRE_MORE); /* so far, it could be */
    assert_int_equal(parse("2x", &used, &r), SMTP_WIRE_BAD);
    assert_int_equal(parse("250-a\r\n550 b\r\n", &used, &r), SMTP_WIRE_BAD); /* code changes */
    assert_int_equal(parse("250_a\r\n", &used, &r), SMTP_WIRE_BAD);
    assert_int_equal(parse("099 a\r\n", &used, &r), SMTP_WIRE_BAD);
    assert_int_equal(parse("600 a\r\n", &used, &r), SMTP_WIRE_BAD);
    char longline[SMTP_WIRE_LINE_MAX + 10];
    memset(longline, 'a', sizeof longline - 1);
    memcpy(longline, "250 ", 4);
    longline[sizeof longline - 1] = '\0';
    assert_int_equal(parse(longline, &used, &r), SMTP_WIRE_BAD);
    /* not an enhanced code: kept out */
    assert_int_equal(parse("550 5.1 no\r\n", &used, &r), SMTP_WIRE_REPLY);
    assert_string_equal(r.enhanced, "");
    assert_int_equal(parse("550 3.1.1 no\r\n", &used, &r), SMTP_WIRE_REPLY);
    assert_string_equal(r.enhanced, "");
    assert_int_equal(parse("550 5.1.1234 no\r\n", &used, &r), SMTP_WIRE_REPLY);
    assert_string_equal(r.enhanced, "");
}

static void test_session(void **state)
{
    (void)state;
    bool p = false;
    const char *before_tls[] = {"220 relay ESMTP Postfix", "250-relay", "250-PIPELINING",
                                "250-STARTTLS", "250 8BITMIME"};
    for (size_t i = 0; i < 5; i++)
        smtp_session_line(before_tls[i], strlen(before_tls[i]), &p);
    assert_true(p);
    /* STARTTLS: what the relay said in clear no longer counts */
    smtp_session_line("220 2.0.0 Ready to start TLS\r\n", 30, &p);
    assert_false(p);
    smtp_session_line("250-relay", 9, &p);
    smtp_session_line("250 pipelining  ", 16, &p);
    assert_true(p);
    bool q = false;
    smtp_session_line("250-PIPELININGX", 15, &q);
    smtp_session_line("250-XPIPELINING", 15, &q);
    smtp_session_line("334 UElQRUxJTklORw==", 20, &q);
    assert_false(q);
}

static void stuffed(const char *in, const char *want)
{
    buf out = BUF_INIT;
    smtp_dot_stuff(in, strlen(in), &out);
    assert_int_equal(out.len, strlen(want));
    assert_memory_equal(out.data, want, out.len);
    buf_free(&out);
}

static void test_dots(void **state)
{
    (void)state;
    stuffed("a\r\nb\r\n", "a\r\nb\r\n.\r\n");
    stuffed(".\r\n", "..\r\n.\r\n");
    stuffed("a\r\n.\r\nb\r\n", "a\r\n..\r\nb\r\n.\r\n");
    stuffed("..x\r\n.", "...x\r\n..\r\n.\r\n");
    stuffed("no end", "no end\r\n.\r\n");
    stuffed("", "\r\n.\r\n");
    stuffed("a\n.b\n", "a\n..b\n\r\n.\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replies),     cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_not_replies), cmocka_unit_test(test_session),
        cmocka_unit_test(test_dots),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
