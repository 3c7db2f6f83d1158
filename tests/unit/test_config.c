/*
 * tests/unit/test_config.c — every configuration value is checked as it is read.
 *
 * A value out of range or not among those allowed stops km0 with the file, the line
 * and the key (what stderr says is checked too); a line is read whole however long.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/config.h"
#include "../../core/files.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[256], path[300], errpath[300];

static int setup(void **state)
{
    (void)state;
    unsetenv("KM0_DATABASE_URL");
    unsetenv("KM0_LISTEN");
    if (temp_dir_make(dir, sizeof dir, "km0-config") != 0)
        return -1;
    snprintf(path, sizeof path, "%s/km0.conf", dir);
    snprintf(errpath, sizeof errpath, "%s/stderr.txt", dir);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    return temp_dir_remove(dir) ? 0 : -1;
}

static void write_conf(const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* config_load(path) with stderr caught in out (what km0 would print). */
static int load_catching(char *out, size_t size)
{
    fflush(stderr);
    int saved = dup(2);
    FILE *e = fopen(errpath, "w+");
    assert_non_null(e);
    dup2(fileno(e), 2);
    int rc = config_load(path);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(e);
    size_t n = fread(out, 1, size - 1, e);
    out[n] = '\0';
    fclose(e);
    return rc;
}

/* A one-key file on line 2 must be refused, naming file:2 and the key. */
static void refused(const char *line, const char *key)
{
    char text[512], err[1024], where[400];
    snprintf(text, sizeof text, "# line 1\n%s\n", line);
    write_conf(text);
    assert_int_equal(load_catching(err, sizeof err), -1);
    snprintf(where, sizeof where, "%s:2: ", path);
    if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, key))
        fail_msg("\"%s\": expected \"%s%s ...\", got \"%s\"", line, where, key, err);
}

static void resale_rate_is_one_of_the_french_rates(void **state)
{
    (void)state;
    char err[1024];
    static const struct {
        const char *text;
        int bp;
    } ok[] = {{"20", 2000}, {"10", 1000}, {"5.5", 550}, {"5,5", 550}, {"2.1", 210}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        char text[64];
        snprintf(text, sizeof text, "resale_vat_rate = %s\n", ok[i].text);
        write_conf(text);
        assert_int_equal(load_catching(err, sizeof err), 0);
        assert_int_equal(g_config.resale_vat_rate_bp, ok[i].bp);
    }
    refused("resale_vat_rate = 7", "resale_vat_rate");
    refused("resale_vat_rate = 0", "resale_vat_rate");
    refused("resale_vat_rate = 5.5 %", "resale_vat_rate");
    refused("resale_vat_rate = twenty", "resale_vat_rate");
}

static void every_key_is_checked(void **state)
{
    (void)state;
    refused("seller_mode = shop", "seller_mode");
    refused("log_level = verbose", "log_level");
    refused("listen = 127.0.0.1", "listen");
    refused("listen = 127.0.0.1:99999", "listen");
    refused("listen = my-host:8080", "listen");
    refused("public_url = ftp://example.org", "public_url");
    refused("hub = Drôme", "hub");
    refused("payment_days = 61", "payment_days");
    refused("threads = 0", "threads");
    refused("max_body_bytes = lots", "max_body_bytes");
    refused("secure_cookies = maybe", "secure_cookies");
    refused("frobnicate = 1", "frobnicate");
    refused("no equals sign", "key = value");
    char err[1024];
    write_conf("seller_mode = hub\nlog_level = warn\nlisten = :8081\npublic_url = "
               "https://paniers.example.org\nhub = drome-paysanne\npayment_days = 30\n");
    assert_int_equal(load_catching(err, sizeof err), 0);
    assert_string_equal(g_config.seller_mode, "hub");
    assert_string_equal(g_config.listen, ":8081");
    assert_int_equal(g_config.payment_days, 30);
    char where[400];
    snprintf(where, sizeof where, "%s:6", path);
    assert_string_equal(config_where("payment_days"), where);
    assert_string_equal(config_where("threads"), "configuration");
}

static void long_lines_are_read_whole(void **state)
{
    (void)state;
    /* 4 000 bytes of hub_hosts: more than the 2 047 a line used to hold */
    char *text = malloc(8192);
    assert_non_null(text);
    size_t n = (size_t)snprintf(text, 8192, "hub_hosts =");
    for (int i = 0; n < 4000; i++)
        n += (size_t)snprintf(text + n, 8192 - n, " paniers-%d.example.org=drome-paysanne", i);
    size_t value_len = n - strlen("hub_hosts = ");
    snprintf(text + n, 8192 - n, "\nthreads = 3\n");
    write_conf(text);
    char err[1024];
    assert_int_equal(load_catching(err, sizeof err), 0);
    assert_int_equal(strlen(g_config.hub_hosts), value_len);
    assert_int_equal(g_config.threads, 3);
    /* past the key's capacity, the message says so: not an unknown key */
    for (int i = 0; n < 5000; i++)
        n += (size_t)snprintf(text + n, 8192 - n, " more-%d.example.org=drome-paysanne", i);
    memcpy(text + n, "\n", 2);
    write_conf(text);
    assert_int_equal(load_catching(err, sizeof err), -1);
    assert_non_null(strstr(err, ":1: value of hub_hosts is too long"));
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(resale_rate_is_one_of_the_french_rates),
        cmocka_unit_test(every_key_is_checked),
        cmocka_unit_test(long_lines_are_read_whole),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
