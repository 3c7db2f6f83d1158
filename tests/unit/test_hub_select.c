/*
 * tests/unit/test_hub_select.c — Host header → hub slug (config hub_hosts).
 *
 * Only the mapping, without a database: which slug a Host names, and which
 * hub_hosts values are refused at start-up.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/arena.h"
#include "../../core/config.h"
#include "../../server/hub_select.h"

#include <stdio.h>
#include <string.h>

static int load(const char *value)
{
    snprintf(g_config.hub_hosts, sizeof g_config.hub_hosts, "%s", value);
    return hub_select_load();
}

/* The slug for host, or "-" when none. */
static const char *slug(arena *a, const char *host)
{
    const char *s = hub_select_slug(a, host);
    return s ? s : "-";
}

static void exact_hosts_and_subdomains(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_int_equal(load("paniers.example.org=drome-paysanne, *.km0.example.org "
                          "tarn.km0.example.org=tarn-fermier"),
                     0);
    assert_string_equal(slug(a, "paniers.example.org"), "drome-paysanne");
    assert_string_equal(slug(a, "Paniers.Example.ORG:8443"), "drome-paysanne");
    assert_string_equal(slug(a, "paniers.example.org."), "drome-paysanne");
    assert_string_equal(slug(a, "vercors.km0.example.org"), "vercors");
    /* an exact entry wins over the sub-domain rule */
    assert_string_equal(slug(a, "tarn.km0.example.org"), "tarn-fermier");
    /* one label only, and it must read as a slug */
    assert_string_equal(slug(a, "a.b.km0.example.org"), "-");
    assert_string_equal(slug(a, "-bad.km0.example.org"), "-");
    assert_string_equal(slug(a, "km0.example.org"), "-");
    assert_string_equal(slug(a, "xkm0.example.org"), "-");
    assert_string_equal(slug(a, "other.example.org"), "-");
    assert_string_equal(slug(a, "[::1]:8080"), "-");
    assert_string_equal(slug(a, "bad host"), "-");
    assert_string_equal(slug(a, ""), "-");
    assert_string_equal(slug(a, NULL), "-");
    arena_free(a);
}

static void no_mapping_names_no_hub(void **state)
{
    (void)state;
    arena *a = arena_new();
    assert_int_equal(load(""), 0);
    assert_string_equal(slug(a, "paniers.example.org"), "-");
    arena_free(a);
}

static void bad_entries_are_refused(void **state)
{
    (void)state;
    const char *bad[] = {"paniers.example.org", "=slug", "host=",   "host=Bad_Slug",
                         "host=a--b",           "*.",    "ho st=x", "*.bad_domain"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(load(bad[i]), -1);
    assert_int_equal(load(""), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exact_hosts_and_subdomains),
        cmocka_unit_test(no_mapping_names_no_hub),
        cmocka_unit_test(bad_entries_are_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
