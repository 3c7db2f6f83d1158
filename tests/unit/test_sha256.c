/*
 * tests/unit/test_sha256.c — core/sha256.c against the examples of FIPS 180-4
 * (and the million 'a' of its companion test vectors), and against coreutils'
 * sha256sum on random messages of every length around the block and padding
 * boundaries, fed whole and in uneven pieces.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "sha256.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *hex_of(const void *data, size_t len, char out[65])
{
    unsigned char d[32];
    sha256(data, len, d);
    return sha256_hex(d, out);
}

static void test_standard_examples(void **state)
{
    (void)state;
    char h[65];
    assert_string_equal(hex_of("", 0, h),
                        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assert_string_equal(hex_of("abc", 3, h),
                        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    assert_string_equal(hex_of(two, strlen(two), h),
                        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha256_ctx c;
    sha256_init(&c);
    char a[1000];
    memset(a, 'a', sizeof a);
    for (int i = 0; i < 1000; i++)
        sha256_update(&c, a, sizeof a);
    unsigned char d[32];
    sha256_final(&c, d);
    assert_string_equal(sha256_hex(d, h),
                        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* What sha256sum says of these bytes. */
static void reference(const unsigned char *data, size_t len, char out[65])
{
    /* mkstemp replaces the six final characters, which must be capital X */
    char path[] = "/tmp/km0-sha256-......";
    memset(strchr(path, '.'), 'X', 6);
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "sha256sum %s", path);
    FILE *p = popen(cmd, "r");
    assert_non_null(p);
    assert_non_null(fgets(out, 65, p));
    pclose(p);
    unlink(path);
}

static void test_against_sha256sum(void **state)
{
    (void)state;
    if (system("command -v sha256sum >/dev/null 2>&1") != 0) {
        skip(); /* coreutils is part of every Debian system; never expected */
        return;
    }
    srand(20);
    unsigned char buf[300];
    for (size_t len = 0; len < sizeof buf; len += (len < 140 ? 1 : 7)) {
        for (size_t i = 0; i < len; i++)
            buf[i] = (unsigned char)rand();
        char want[65], got[65];
        reference(buf, len, want);
        assert_string_equal(hex_of(buf, len, got), want);
        /* the same message in pieces of 1, 3, 63, ... bytes */
        sha256_ctx c;
        sha256_init(&c);
        for (size_t at = 0, step = 1; at < len; at += step, step = step * 3 % 67 + 1)
            sha256_update(&c, buf + at, step < len - at ? step : len - at);
        unsigned char d[32];
        sha256_final(&c, d);
        assert_string_equal(sha256_hex(d, got), want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_standard_examples),
        cmocka_unit_test(test_against_sha256sum),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
