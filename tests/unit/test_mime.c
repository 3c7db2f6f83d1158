/*
 * tests/unit/test_mime.c — the e-mail writer (core/mime.c) on the cases that matter
 * for header injection and for relays that refuse malformed messages: CR/LF in a
 * name or a subject refused with the output untouched; a name that is not ASCII
 * written as encoded words that decode back to it; and a header line never longer
 * than 998 characters (RFC 5322, 2.1.1), whatever the length of the name — a long
 * ASCII name was once written as one quoted string on one line (found by
 * tests/fuzz/fuzz_mime.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "buf.h"
#include "mime.h"

#include <stdbool.h>
#include <string.h>

static mime_msg base(void)
{
    return (mime_msg){.from_name = "Hub",
                      .from_address = "hub@km0.test",
                      .to_name = "Anne",
                      .to_address = "anne@example.org",
                      .subject = "Commande confirmée",
                      .message_id = "km0.hub.1.2@km0.test",
                      .date = 1796000000,
                      .lang = "fr",
                      .text = "Bonjour",
                      .html = "<p>Bonjour</p>"};
}

/* The header block of out (up to the empty line): every line ends with CRLF, is at
 * most 998 characters, and starts a header or continues one. */
static void headers_well_formed(const buf *out)
{
    const char *head = out->data, *end = strstr(head, "\r\n\r\n");
    assert_non_null(end);
    for (const char *p = head; p < end + 2;) {
        const char *eol = strstr(p, "\r\n");
        assert_non_null(eol);
        assert_true(eol - p <= 998);
        assert_true(*p == ' ' || memchr(p, ':', (size_t)(eol - p)) != NULL);
        for (const char *q = p; q < eol; q++)
            assert_true(*q != '\r' && *q != '\n');
        p = eol + 2;
    }
}

static void test_injection_refused(void **state)
{
    (void)state;
    mime_msg m = base();
    buf out = BUF_INIT;
    buf_puts(&out, "X");
    m.subject = "Retard\r\nBcc: victim@example.org";
    assert_int_equal(mime_build(&m, &out), MIME_BAD_HEADER);
    m = base();
    m.to_name = "Anne\nBcc: victim@example.org";
    assert_int_equal(mime_build(&m, &out), MIME_BAD_HEADER);
    m = base();
    m.to_address = "anne@example.org>\r\nBcc: <victim@example.org";
    assert_int_equal(mime_build(&m, &out), MIME_BAD_ADDRESS);
    assert_int_equal(out.len, 1); /* untouched */
    buf_free(&out);
}

static void test_long_names_fold(void **state)
{
    (void)state;
    char name[1500];
    static const size_t lengths[] = {100, 600, 1400};
    for (size_t k = 0; k < sizeof lengths / sizeof lengths[0]; k++) {
        size_t n = lengths[k];
        /* quotes double when escaped: the worst case for a quoted string */
        for (size_t i = 0; i < n; i++)
            name[i] = i % 2 ? '"' : 'r';
        name[n] = '\0';
        mime_msg m = base();
        m.to_name = name;
        m.subject = name;
        buf out = BUF_INIT;
        assert_int_equal(mime_build(&m, &out), MIME_OK);
        headers_well_formed(&out);
        buf_free(&out);
    }
}

static void test_non_ascii_encoded(void **state)
{
    (void)state;
    mime_msg m = base();
    m.to_name = "Anne Ünal";
    buf out = BUF_INIT;
    assert_int_equal(mime_build(&m, &out), MIME_OK);
    headers_well_formed(&out);
    /* "Anne Ünal" in base64 */
    assert_non_null(strstr(out.data, "To: =?UTF-8?B?QW5uZSDDnG5hbA==?= <anne@example.org>\r\n"));
    buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_injection_refused),
        cmocka_unit_test(test_long_names_fold),
        cmocka_unit_test(test_non_ascii_encoded),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
