/*
 * tests/unit/test_http_input.c — the pure checks of request input, by example:
 * the language picker, token shapes, redirect targets, %-decoding that keeps %00,
 * log-safe paths, the strict JSON body parse and form duplicate detection. The
 * fuzz targets (tests/fuzz/fuzz_query.c, fuzz_json.c, fuzz_form.c) check the same
 * functions' invariants on arbitrary bytes; these pin the expected answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "form.h"
#include "http_input.h"
#include "json_body.h"

#include <string.h>

static void test_lang_pick(void **state)
{
    (void)state;
    assert_string_equal(http_lang_pick(NULL, NULL, NULL), "fr");
    assert_string_equal(http_lang_pick("en", "fr", "fr"), "en");
    assert_string_equal(http_lang_pick("de", "en", NULL), "en"); /* unknown ?lang= ignored */
    assert_string_equal(http_lang_pick(NULL, NULL, "de-DE,en;q=0.8,fr;q=0.5"), "en");
    assert_string_equal(http_lang_pick(NULL, NULL, "FR-ca, en"), "fr");
    assert_string_equal(http_lang_pick(NULL, NULL, "eng"), "fr"); /* a whole tag, not a prefix */
    assert_string_equal(http_lang_pick(NULL, NULL, ""), "fr");
}

static void test_token_shape(void **state)
{
    (void)state;
    const char *session = "Uo7ZzN3w8t5Y0mXKq1bRc2VdA9eFgHiJkLmNpQrStUv"; /* 43 */
    assert_true(http_token_shape_ok(session, 43, 43));
    assert_false(http_token_shape_ok("Uo7ZzN3w8t5Y0mXKq1bRc2VdA9eFgHiJkLmNpQrStU", 43, 43));
    assert_false(http_token_shape_ok("Uo7ZzN3w8t5Y0mXKq1bRc2VdA9eFgHiJkLmNpQrSt/v", 43, 43));
    assert_false(http_token_shape_ok("Uo7ZzN3w8t5Y0mXKq1bRc2VdA9eFgHiJkLmNpQrStUvX", 43, 43));
    assert_false(http_token_shape_ok(NULL, 16, 64));
    assert_false(http_token_shape_ok("short-token", 16, 64));
    assert_true(http_token_shape_ok("abcdefghijklmnop", 16, 64));
    assert_false(http_token_shape_ok("abcdefghijklmnop'", 16, 64));
}

static void test_safe_next(void **state)
{
    (void)state;
    assert_string_equal(http_safe_next("/orders"), "/orders");
    assert_string_equal(http_safe_next("/desk/cycles/3?lang=en"), "/desk/cycles/3?lang=en");
    assert_null(http_safe_next("//evil.example"));
    assert_null(http_safe_next("/\\evil.example"));
    assert_null(http_safe_next("https://evil.example"));
    assert_null(http_safe_next("/\t/evil.example")); /* browsers drop the tab: //evil */
    assert_null(http_safe_next("/a\"><script>"));
    assert_null(http_safe_next("/a\\b"));
    assert_null(http_safe_next(""));
    assert_null(http_safe_next(NULL));
}

static void test_unescape_keeps_nul(void **state)
{
    (void)state;
    char a[] = "/healthz%00.php";
    assert_int_equal(http_unescape(a), strlen("/healthz%00.php"));
    assert_string_equal(a, "/healthz%00.php");
    char b[] = "/caf%C3%A9%2Fx%zz%4";
    http_unescape(b);
    assert_string_equal(b, "/caf\xC3\xA9/x%zz%4");
    char c[] = "%";
    http_unescape(c);
    assert_string_equal(c, "%");
}

static void test_log_path(void **state)
{
    (void)state;
    buf b = BUF_INIT;
    http_log_path(&b, "/x status=200\r\nts=forged \"q\"", 512);
    assert_string_equal(buf_str(&b), "/x%20status%3D200%0D%0Ats%3Dforged%20%22q%22");
    buf_reset(&b);
    http_log_path(&b, "/api/v1/producers/ferme-trois-chenes/catalog", 512);
    assert_string_equal(buf_str(&b), "/api/v1/producers/ferme-trois-chenes/catalog");
    buf_reset(&b);
    http_log_path(&b, "/abcdef", 3);
    assert_string_equal(buf_str(&b), "/ab...");
    buf_free(&b);
}

static json_body_status parse(const char *text, char *dup)
{
    cJSON *j;
    size_t where;
    json_body_status st = json_body_parse(text, strlen(text), &j, &where, dup, 128);
    cJSON_Delete(j);
    return st;
}

static void test_json_body(void **state)
{
    (void)state;
    char dup[128];
    assert_int_equal(parse("{\"a\": 1, \"b\": [1, {\"c\": 2}]}", dup), JSON_BODY_OK);
    assert_int_equal(parse("", dup), JSON_BODY_EMPTY);
    assert_int_equal(parse("[1]", dup), JSON_BODY_NOT_OBJECT);
    assert_int_equal(parse("{\"a\": ", dup), JSON_BODY_BAD_JSON);
    assert_int_equal(parse("{\"a\": \"\xC3\x28\"}", dup), JSON_BODY_BAD_ENCODING);
    assert_int_equal(parse("{\"a\": \"x\\u0000y\"}", dup), JSON_BODY_BAD_ENCODING);
    assert_int_equal(parse("{\"a\": \"x\\\\u0000y\"}", dup),
                     JSON_BODY_OK); /* an escaped backslash */
    assert_int_equal(parse("{\"a\": 1, \"a\": 2}", dup), JSON_BODY_DUPLICATE_KEY);
    assert_string_equal(dup, "a");
    assert_int_equal(parse("{\"l\": [{\"q\": 1, \"sku\": \"x\", \"q\": 9}]}", dup),
                     JSON_BODY_DUPLICATE_KEY);
    assert_string_equal(dup, "q");
    assert_int_equal(parse("{\"a\": {\"a\": 1}}", dup), JSON_BODY_OK); /* per object */
}

static void test_form_duplicates(void **state)
{
    (void)state;
    arena *a = arena_new();
    form f;
    const char *body = "csrf=x&active=1&name=a";
    assert_int_equal(form_parse_urlencoded(a, body, strlen(body), &f), FORM_OK);
    assert_null(form_duplicate_name(&f));
    body = "active=1&csrf=x&active=0";
    assert_int_equal(form_parse_urlencoded(a, body, strlen(body), &f), FORM_OK);
    assert_string_equal(form_duplicate_name(&f), "active");
    body = "a=%00";
    assert_int_equal(form_parse_urlencoded(a, body, strlen(body), &f), FORM_BAD_ENCODING);
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lang_pick),       cmocka_unit_test(test_token_shape),
        cmocka_unit_test(test_safe_next),       cmocka_unit_test(test_unescape_keeps_nul),
        cmocka_unit_test(test_log_path),        cmocka_unit_test(test_json_body),
        cmocka_unit_test(test_form_duplicates),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
