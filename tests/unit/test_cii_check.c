/*
 * tests/unit/test_cii_check.c — rpt_cii_check: the samples pass, wrong invoices are caught.
 *
 * Each case breaks one thing in a correct invoice, the way a bug in the
 * issuing code would, and expects the EN 16931 rule it breaks to be named;
 * rpt_cii_write must then refuse to export the invoice.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "../../core/buf.h"
#include "../../core/util.h"
#include "../../reports/cii.h"
#include "cii_fixture.h"

#include <stdlib.h>
#include <string.h>

static void samples_pass_the_checks(void **state)
{
    fixture *f = *state;
    for (int i = 0; i < SAMPLE_COUNT; i++) {
        buf problems = BUF_INIT, xml = BUF_INIT;
        int n = rpt_cii_check(&f->s[i].inv, &problems);
        if (n)
            fail_msg("%s: %s", f->s[i].name, buf_str(&problems));
        assert_int_equal(rpt_cii_write(&f->s[i].inv, &xml), 0);
        assert_true(str_starts(buf_str(&xml), "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
        buf_free(&problems);
        buf_free(&xml);
    }
}

/* ---- wrong invoices are caught --------------------------------------------------- */

typedef struct breakage {
    const char *rule; /* expected at the start of a problem line */
    void (*apply)(invoice *inv, arena *a);
    const char *sample; /* broken; NULL for hub-rates */
} breakage;

static void total_excl_off(invoice *inv, arena *a)
{
    (void)a;
    inv->total_excl += 1;
    inv->total_incl += 1;
}
static void total_vat_off(invoice *inv, arena *a)
{
    (void)a;
    inv->total_vat -= 1;
    inv->total_incl -= 1;
}
static void total_incl_off(invoice *inv, arena *a)
{
    (void)a;
    inv->total_incl += 1;
}
/* A copy of the breakdown, so that the shared sample stays right. */
static inv_vat *own_vat(invoice *inv, arena *a)
{
    inv_vat *v = arena_alloc(a, inv->nvat * sizeof *v);
    memcpy(v, inv->vat, inv->nvat * sizeof *v);
    inv->vat = v;
    return v;
}
static inv_line *own_lines(invoice *inv, arena *a)
{
    inv_line *l = arena_alloc(a, inv->nlines * sizeof *l);
    memcpy(l, inv->lines, inv->nlines * sizeof *l);
    inv->lines = l;
    return l;
}
static void vat_rounded_per_line(invoice *inv, arena *a)
{
    own_vat(inv, a)[0].vat += 1; /* and the totals agree with it: only BR-CO-17 fails */
    inv->total_vat += 1;
    inv->total_incl += 1;
}
static void base_off(invoice *inv, arena *a)
{
    own_vat(inv, a)[1].base += 10;
}
static void line_net_off(invoice *inv, arena *a)
{
    own_lines(inv, a)[0].net += 1;
}
static void breakdown_missing(invoice *inv, arena *a)
{
    (void)a;
    inv->nvat -= 1;
}
static void no_breakdown(invoice *inv, arena *a)
{
    (void)a;
    inv->nvat = 0;
}
static void exempt_with_rate(invoice *inv, arena *a)
{
    own_lines(inv, a)[0].vat_category = 'E';
}
static void standard_without_vat_number(invoice *inv, arena *a)
{
    (void)a;
    inv->seller.vat_number = "";
}
static void credit_note_without_reference(invoice *inv, arena *a)
{
    (void)a;
    inv->type_code = 381;
}
static void bad_issue_date(invoice *inv, arena *a)
{
    (void)a;
    inv->issue_date = "2025-02-30";
}
static void no_lines(invoice *inv, arena *a)
{
    (void)a;
    inv->nlines = 0;
}
static void no_unit_code(invoice *inv, arena *a)
{
    own_lines(inv, a)[1].unece = "";
}
static void negative_price(invoice *inv, arena *a)
{
    inv_line *l = own_lines(inv, a);
    l[0].unit_price = -l[0].unit_price;
}
static void buyer_without_country(invoice *inv, arena *a)
{
    (void)a;
    inv->buyer.address.country = "";
}
static void not_utf8(invoice *inv, arena *a)
{
    (void)a;
    inv->buyer.name = "Caf\xe9";
}
static void nothing_said_about_payment(invoice *inv, arena *a)
{
    (void)a;
    inv->due_date = "";
    inv->payment_terms = "";
}

static void franchise_charging_vat(invoice *inv, arena *a)
{
    inv_line *l = own_lines(inv, a);
    l[0].vat_category = 'S';
    l[0].vat_rate = 550;
}

static void check_catches_wrong_invoices(void **state)
{
    static const breakage cases[] = {
        {"BR-CO-10/BR-CO-13:", total_excl_off},
        {"BR-CO-14:", total_vat_off},
        {"BR-CO-15:", total_incl_off},
        {"BR-CO-17:", vat_rounded_per_line},
        {"BR-S-08:", base_off},
        {"BT-131:", line_net_off},
        {"BR-S-01:", breakdown_missing},
        {"BR-CO-18:", no_breakdown},
        {"BR-E-05:", exempt_with_rate},
        {"BR-S-02:", standard_without_vat_number},
        {"BR-55:", credit_note_without_reference},
        {"BR-03:", bad_issue_date},
        {"BR-16:", no_lines},
        {"BR-23:", no_unit_code},
        {"BR-27:", negative_price},
        {"BR-11:", buyer_without_country},
        {"UTF-8:", not_utf8},
        {"BR-CO-25:", nothing_said_about_payment},
        {"CGI-293B:", franchise_charging_vat, "franchise"},
    };
    arena *a = arena_new();
    for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
        invoice inv = *named(state, cases[i].sample ? cases[i].sample : "hub-rates");
        cases[i].apply(&inv, a);
        buf problems = BUF_INIT, out = BUF_INIT;
        buf_puts(&out, "kept");
        int n = rpt_cii_check(&inv, &problems);
        const char *p = buf_str(&problems);
        bool found = str_starts(p, cases[i].rule);
        for (const char *nl = strchr(p, '\n'); nl && !found; nl = strchr(nl + 1, '\n'))
            found = str_starts(nl + 1, cases[i].rule);
        if (n == 0 || !found)
            fail_msg("case %zu: expected %s, got %d problem(s):\n%s", i, cases[i].rule, n, p);
        /* and no e-invoice comes out of it; what was in out stays */
        assert_int_equal(rpt_cii_write(&inv, &out), -1);
        assert_string_equal(buf_str(&out), "kept");
        buf_free(&problems);
        buf_free(&out);
    }
    arena_free(a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(samples_pass_the_checks),
        cmocka_unit_test(check_catches_wrong_invoices),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
