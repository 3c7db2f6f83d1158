/*
 * tests/unit/test_archive_cache.c — the in-memory cache of archived files
 * (core/archive_cache.c): what is put comes back byte for byte with who may read
 * it, the least recently used goes first once archive_cache_mb is reached, a
 * file too big or not archived is not kept, 0 keeps nothing, and eight threads
 * putting and getting at once see only whole, right entries (run under ASan).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/archive_cache.h"
#include "../../core/config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FILE_BYTES (100 * 1024)

/* An archived entry for invoice k of hub, its bytes all (k & 255), in a. */
static archive_file entry(arena *a, int64_t hub, int k)
{
    archive_file f = {.invoice_id = 1000 + k,
                      .type_code = 380,
                      .seller_producer_id = k % 7,
                      .customer_id = 50 + k,
                      .archived = true,
                      .len = FILE_BYTES};
    f.number = arena_printf(a, "H%lld-2026-%06d", (long long)hub, k);
    f.last_error = "";
    snprintf(f.sha256_hex, sizeof f.sha256_hex, "%064d", k);
    unsigned char *pdf = arena_alloc(a, FILE_BYTES);
    memset(pdf, k & 255, FILE_BYTES);
    f.pdf = pdf;
    return f;
}

static bool cached(arena *a, int64_t hub, int k)
{
    archive_file got;
    char number[32];
    snprintf(number, sizeof number, "H%lld-2026-%06d", (long long)hub, k);
    if (!archive_cache_get(a, hub, number, &got))
        return false;
    assert_int_equal(got.invoice_id, 1000 + k);
    assert_int_equal(got.customer_id, 50 + k);
    assert_int_equal(got.seller_producer_id, k % 7);
    assert_true(got.archived);
    assert_string_equal(got.number, number);
    assert_int_equal(got.len, FILE_BYTES);
    for (size_t i = 0; i < got.len; i++)
        if (got.pdf[i] != (k & 255))
            fail_msg("byte %zu of %s", i, number);
    return true;
}

static void test_keeps_and_evicts_least_recent(void **state)
{
    (void)state;
    archive_cache_clear();
    g_config.archive_cache_mb = 1; /* about nine files of 100 KB */
    arena *a = arena_new();
    for (int k = 0; k < 9; k++) {
        archive_file f = entry(a, 1, k);
        archive_cache_put(1, &f);
    }
    assert_true(archive_cache_bytes() > 9 * FILE_BYTES);
    assert_true(archive_cache_bytes() <= 1 << 20);
    assert_true(cached(a, 1, 0));  /* 0 is now the most recently used */
    assert_false(cached(a, 2, 0)); /* another hub's number is another invoice */
    for (int k = 9; k < 12; k++) {
        archive_file f = entry(a, 1, k);
        archive_cache_put(1, &f);
    }
    assert_true(archive_cache_bytes() <= 1 << 20);
    assert_true(cached(a, 1, 0));
    assert_false(cached(a, 1, 1)); /* the least recently used went first */
    assert_true(cached(a, 1, 11));
    /* not archived, no bytes, too big for the bound: not kept */
    archive_file f = entry(a, 1, 20);
    f.archived = false;
    archive_cache_put(1, &f);
    assert_false(cached(a, 1, 20));
    f = entry(a, 1, 21);
    f.len = 600 * 1024;
    f.pdf = arena_alloc(a, f.len);
    archive_cache_put(1, &f);
    assert_false(cached(a, 1, 21));
    g_config.archive_cache_mb = 0;
    f = entry(a, 1, 22);
    archive_cache_put(1, &f);
    assert_false(cached(a, 1, 22));
    archive_cache_clear();
    assert_int_equal(archive_cache_bytes(), 0);
    assert_false(cached(a, 1, 0));
    arena_free(a);
}

static void *churn(void *p)
{
    int64_t hub = (int64_t)(intptr_t)p;
    for (int round = 0; round < 40; round++) {
        arena *a = arena_new();
        for (int k = 0; k < 12; k++) {
            if (!cached(a, hub, k)) {
                archive_file f = entry(a, hub, k);
                archive_cache_put(hub, &f);
            }
        }
        arena_free(a);
    }
    return NULL;
}

static void test_threads(void **state)
{
    (void)state;
    archive_cache_clear();
    g_config.archive_cache_mb = 4;
    pthread_t t[8];
    for (intptr_t i = 0; i < 8; i++)
        assert_int_equal(pthread_create(&t[i], NULL, churn, (void *)(i % 3 + 1)), 0);
    for (int i = 0; i < 8; i++)
        pthread_join(t[i], NULL);
    assert_true(archive_cache_bytes() <= 4 << 20);
    archive_cache_clear();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keeps_and_evicts_least_recent),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
