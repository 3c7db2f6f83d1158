/*
 * tests/unit/test_fec_format.c — core/fec_format.c: rows as PostgreSQL's COPY sends
 * them into FEC lines, the expected lines written out by hand from the FEC's rules
 * (18 fields, YYYYMMDD dates, decimal comma, one side of Debit/Credit zero, auxiliary
 * account C<id>/P<id>, the hub's own account number and label), COPY's escapes and
 * the separator removed from texts, and malformed rows refused with nothing written.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "fec.h"

#include <string.h>

static const fec_account ACCOUNTS[] = {
    {"411", "411", "Clients", false},
    {"467", "467", "Producteurs - ventes pour leur compte", false},
    {"512", "512100", "Crédit Agricole | compte courant", true},
    {"706", "706100", "Commissions", true},
};
static const fec_chart CHART = {ACCOUNTS, sizeof ACCOUNTS / sizeof ACCOUNTS[0]};

static const char *fmt(const char *row, char sep, int *rc)
{
    static buf out = BUF_INIT;
    buf_reset(&out);
    *rc = fec_format_row(row, strlen(row), sep, &CHART, &out);
    return buf_str(&out);
}

static void test_sales_line_of_a_customer(void **state)
{
    (void)state;
    int rc;
    const char *got =
        fmt("42\t2026-03-05\t2026-03-06\tinvoice\t\tFTC7-2026-000012\tFTC7-2026-000012"
            "\t411\t2376\t7\t0\tClaire Martin\n",
            '\t', &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, "VE\tVentes\t42\t20260305\t411\tClients\tC7\tClaire Martin\t"
                             "FTC7-2026-000012\t20260305\tFTC7-2026-000012\t23,76\t0,00\t\t\t"
                             "20260306\t\t\n");
}

static void test_bank_credit_with_the_hubs_account_and_pipes(void **state)
{
    (void)state;
    int rc;
    const char *got =
        fmt("9\t2026-12-04\t2026-12-03\tsettlement\ttransfer\t\ttransfer batch 1\t512\t-5\t0\t0\t",
            '|', &rc);
    assert_int_equal(rc, 0);
    /* the label's own pipe is a blank; 5 cents credited */
    assert_string_equal(got, "BQ|Banque|9|20261204|512100|Crédit Agricole   compte courant|||"
                             "E9|20261204|transfer batch 1|0,00|0,05|||20261203||\n");
}

static void test_producer_line_and_escapes(void **state)
{
    (void)state;
    int rc;
    /* COPY writes a backslash as \\ and a tab as \t: neither may reach the file */
    const char *got = fmt("10\t2026-01-31\t2026-01-31\tfee\t\tCOM-2026-000001\tsettlement 3"
                          "\t467\t123456\t0\t12\tFerme \\\\ des\\tChênes\n",
                          '\t', &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, "VE\tVentes\t10\t20260131\t467\tProducteurs - ventes pour leur "
                             "compte\tP12\tFerme / des Chênes\tCOM-2026-000001\t20260131\t"
                             "settlement 3\t1234,56\t0,00\t\t\t20260131\t\t\n");
    got = fmt("11\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t100\t3\t0\tA|B", '|', &rc);
    assert_int_equal(rc, 0);
    assert_string_equal(got, "CA|Caisse|11|20260131|411|Clients|C3|A B|E11|20260131|topup|1,00|"
                             "0,00|||20260131||\n");
    got = fmt("12\t2026-01-31\t2026-01-31\tcorrection\t\t\tx\t706\t-100000\t0\t0\t", '\t', &rc);
    assert_int_equal(rc, 0);
    assert_non_null(strstr(got, "OD\tOpérations diverses\t12\t"));
    assert_non_null(strstr(got, "\t0,00\t1000,00\t"));
}

static void test_malformed_rows_write_nothing(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "1\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t100\t3\t0",       /* 11 fields */
        "1\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t100\t3\t0\tx\ty", /* 13 fields */
        "1\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t999\t100\t3\t0\tx",    /* unknown account */
        "1\t2026-1-31\t2026-01-31\ttopup\tcash\t\t\t411\t100\t3\t0\tx",     /* date */
        "1\t2026-01-31\t2026-01-3x\ttopup\tcash\t\t\t411\t100\t3\t0\tx",    /* date */
        "1\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t1.00\t3\t0\tx",   /* amount */
        "1\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t-\t3\t0\tx",      /* amount */
        "x\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t100\t3\t0\tx",    /* id */
        "1\t2026-01-31\t2026-01-31\ttopup\tcash\t\t\t411\t100\t\\N\t0\tx",  /* NULL */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc;
        const char *got = fmt(bad[i], '\t', &rc);
        assert_int_equal(rc, -1);
        assert_string_equal(got, "");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sales_line_of_a_customer),
        cmocka_unit_test(test_bank_credit_with_the_hubs_account_and_pipes),
        cmocka_unit_test(test_producer_line_and_escapes),
        cmocka_unit_test(test_malformed_rows_write_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
