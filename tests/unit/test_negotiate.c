/*
 * tests/unit/test_negotiate.c — what a client accepts (server/negotiate.c), the
 * compression of replies (server/compress.c, decoded back with zlib and brotli's
 * own decoder) and the day a pickup slot falls on (core/shop.c).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "compress.h"
#include "csrf_mask.h"
#include "negotiate.h"
#include "shop.h"

#include <brotli/decode.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static void test_coding_pick(void **state)
{
    (void)state;
    assert_int_equal(neg_coding_pick(NULL), NEG_IDENTITY);
    assert_int_equal(neg_coding_pick(""), NEG_IDENTITY);
    assert_int_equal(neg_coding_pick("identity"), NEG_IDENTITY);
    assert_int_equal(neg_coding_pick("gzip, deflate, br"), NEG_BROTLI); /* browsers */
    assert_int_equal(neg_coding_pick("gzip"), NEG_GZIP);
    assert_int_equal(neg_coding_pick("x-gzip"), NEG_GZIP);
    assert_int_equal(neg_coding_pick("br;q=0, gzip"), NEG_GZIP);
    assert_int_equal(neg_coding_pick("br;q=0.5, gzip;q=0.8"), NEG_GZIP);
    assert_int_equal(neg_coding_pick("gzip;q=0, br;q=0"), NEG_IDENTITY);
    assert_int_equal(neg_coding_pick("*"), NEG_BROTLI);
    assert_int_equal(neg_coding_pick("*;q=0"), NEG_IDENTITY);
    assert_int_equal(neg_coding_pick("GZIP ; Q=1"), NEG_GZIP);
    assert_int_equal(neg_coding_pick("br;q=2, gzip;q=abc"), NEG_IDENTITY); /* not qvalues */
    assert_int_equal(neg_coding_pick("brotli, gzipped"), NEG_IDENTITY);    /* whole tokens */
}

static void test_html_or_json(void **state)
{
    (void)state;
    const char *browser = "text/html,application/xhtml+xml,application/xml;q=0.9,"
                          "image/avif,image/webp,*/*;q=0.8";
    assert_true(neg_prefers_html(browser));
    assert_false(neg_prefers_json(browser));
    assert_false(neg_prefers_html(NULL)); /* a script that says nothing */
    assert_false(neg_prefers_html("*/*"));
    assert_false(neg_prefers_json("*/*"));
    assert_true(neg_prefers_json("application/json"));
    assert_false(neg_prefers_html("application/json, text/html;q=0.5"));
    assert_true(neg_prefers_json("application/json, text/html;q=0.5"));
    assert_false(neg_prefers_html("text/html;q=0"));
}

static void test_etag(void **state)
{
    (void)state;
    char a[24], b[24];
    neg_etag("page one", 8, a);
    neg_etag("page two", 8, b);
    assert_string_not_equal(a, b);
    assert_int_equal(strlen(a), 20);
    assert_true(neg_etag_matches(a, a));
    assert_true(neg_etag_matches(a + 2, a)); /* the strong form of the same tag */
    char list[80];
    snprintf(list, sizeof list, "\"x\", %s", a);
    assert_true(neg_etag_matches(list, a));
    assert_true(neg_etag_matches("*", a));
    assert_false(neg_etag_matches(b, a));
    assert_false(neg_etag_matches(NULL, a));
    assert_false(neg_etag_matches("", a));
}

static char *page_text(size_t n)
{
    char *s = malloc(n + 1);
    for (size_t i = 0; i < n; i++)
        s[i] = "<li>Carottes des sables <b>2,50 € / kg</b></li>\n"[i % 47];
    s[n] = '\0';
    return s;
}

static void test_compress_round_trip(void **state)
{
    (void)state;
    size_t n = 20000;
    char *text = page_text(n);
    void *out;
    size_t len;
    assert_true(compress_body(NEG_GZIP, text, n, &out, &len));
    assert_true(len < n / 4);
    char *back = malloc(n);
    z_stream z = {0};
    assert_int_equal(inflateInit2(&z, 15 + 16), Z_OK);
    z.next_in = out;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)back;
    z.avail_out = (uInt)n;
    assert_int_equal(inflate(&z, Z_FINISH), Z_STREAM_END);
    assert_int_equal(z.total_out, n);
    inflateEnd(&z);
    assert_memory_equal(back, text, n);
    free(out);

    assert_true(compress_body(NEG_BROTLI, text, n, &out, &len));
    assert_true(len < n / 4);
    size_t got = n;
    assert_int_equal(BrotliDecoderDecompress(len, out, &got, (uint8_t *)back),
                     BROTLI_DECODER_RESULT_SUCCESS);
    assert_int_equal(got, n);
    assert_memory_equal(back, text, n);
    free(out);

    /* small replies, identity, and bytes that do not shrink are left alone */
    assert_false(compress_body(NEG_BROTLI, text, 100, &out, &len));
    assert_false(compress_body(NEG_IDENTITY, text, n, &out, &len));
    unsigned char noise[4096];
    uint64_t x = 88172645463325252ULL;
    for (size_t i = 0; i < sizeof noise; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        noise[i] = (unsigned char)(x >> 32);
    }
    assert_false(compress_body(NEG_GZIP, noise, sizeof noise, &out, &len));
    free(back);
    free(text);

    assert_true(compress_type_ok("text/html; charset=utf-8"));
    assert_true(compress_type_ok("application/json; charset=utf-8"));
    assert_true(compress_type_ok("image/svg+xml"));
    assert_false(compress_type_ok("application/pdf"));
    assert_false(compress_type_ok(NULL));
}

static void test_slot_date(void **state)
{
    (void)state;
    char d[11];
    /* Thursday 17 December 2026 */
    assert_true(shop_slot_date("2026-12-17", 4, d));
    assert_string_equal(d, "2026-12-17"); /* the same day */
    assert_true(shop_slot_date("2026-12-17", 5, d));
    assert_string_equal(d, "2026-12-18"); /* a Friday point: the next day */
    assert_true(shop_slot_date("2026-12-17", 3, d));
    assert_string_equal(d, "2026-12-23"); /* never before the delivery */
    assert_true(shop_slot_date("2026-12-31", 1, d));
    assert_string_equal(d, "2027-01-04");
    assert_true(shop_slot_date("2028-02-28", 2, d));
    assert_string_equal(d, "2028-02-29");
    assert_true(shop_slot_date("2024-02-29", 7, d));
    assert_string_equal(d, "2024-03-03");
    assert_false(shop_slot_date("2026-12-17", 0, d));
    assert_false(shop_slot_date("2026-12-17", 8, d));
    assert_false(shop_slot_date("17/12/2026", 4, d));
    assert_false(shop_slot_date(NULL, 4, d));
}

static void test_csrf_mask(void **state)
{
    (void)state;
    const char *token = "Uo7ZzN3w8t5Y0mXKq1bRc2VdA9eFgHiJ";
    char a[4 * CSRF_MASK_MAX + 2], b[4 * CSRF_MASK_MAX + 2], back[CSRF_MASK_MAX + 1];
    csrf_mask(token, a, sizeof a);
    csrf_mask(token, b, sizeof b);
    assert_string_not_equal(a, b); /* a fresh pad each time */
    assert_int_equal(strlen(a), 1 + 4 * strlen(token));
    assert_null(strstr(a, token));
    assert_string_equal(csrf_unmask(a, back, sizeof back), token);
    assert_string_equal(csrf_unmask(b, back, sizeof back), token);
    /* anything else goes through as it is (scripts send the token plainly) */
    assert_string_equal(csrf_unmask(token, back, sizeof back), token);
    assert_string_equal(csrf_unmask("x0", back, sizeof back), "x0");
    assert_string_equal(csrf_unmask("xzzzz", back, sizeof back), "xzzzz");
    assert_string_equal(csrf_unmask(NULL, back, sizeof back), "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coding_pick), cmocka_unit_test(test_html_or_json),
        cmocka_unit_test(test_etag),        cmocka_unit_test(test_compress_round_trip),
        cmocka_unit_test(test_slot_date),   cmocka_unit_test(test_csrf_mask),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
