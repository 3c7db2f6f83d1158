/*
 * tests/unit/test_batch_html.c — the rounds fragment of the desk page
 * (server/batch_html.c).
 *
 * The fragment must be well-formed (parsed here as XML, which is stricter than
 * HTML), escape every name, keep to the CSP (no script, no style attribute, no
 * external URL), describe its map to screen readers, say "late" in words, and
 * speak French by default and English when asked.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "batch_html.h"

#include <libxml/parser.h>
#include <stdlib.h>
#include <string.h>

static batch_stop stops[3] = {
    {1, 11, "crest-halle", "Halle <de> Crest & \"Cie\"", "Place du Marché", "jeudi 17:00-19:00",
     44.729, 5.0215, 1, 2, "2026-12-10T13:52:00+01:00", "13:52", false, 3100, 45200, 12},
    {2, 12, "die-mjc", "MJC de Die", "Rue Colonel Driant", "", 44.754, 5.369, 1, 1,
     "2026-12-10T19:20:00+01:00", "19:20", true, 27400, 12000, 3},
    {1, 11, "crest-halle", "Halle <de> Crest & \"Cie\"", "Place du Marché", "", 44.729, 5.0215, 2,
     2, "2026-12-10T13:40:00+01:00", "13:40", false, 2900, 400000, 30},
};

static batch_round rounds[2] = {
    {101, 1, "kangoo", "Renault <Kangoo>", "2026-12-10T13:30:00+01:00", "2026-12-10T19:50:00+01:00",
     "13:30", "19:50", 62345, 31845, 57200, 450000, stops, 2},
    {102, 2, "master", "Renault Master", "2026-12-10T13:00:00+01:00", "2026-12-10T14:00:00+01:00",
     "13:00", "14:00", 5800, 2900, 400000, 1100000, stops + 2, 1},
};

static batch_result result(void)
{
    return (batch_result){7, "batched", "2026-12-10", 44.7352, 5.0046, rounds,
                          2, 68145,     457200,       45,      1};
}

static char *render(const batch_result *b, const char *lang)
{
    buf out = BUF_INIT;
    batch_render_html(&out, b, lang);
    return buf_steal(&out);
}

static void well_formed(const char *html)
{
    xmlDocPtr doc = xmlReadMemory(html, (int)strlen(html), "fragment.xml", "UTF-8",
                                  XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc)
        fail_msg("not well-formed:\n%s", html);
    xmlFreeDoc(doc);
}

static void test_french_by_default(void **state)
{
    (void)state;
    batch_result b = result();
    char *h = render(&b, "fr");
    well_formed(h);
    assert_non_null(strstr(h, "Tournée 1 — Renault &lt;Kangoo&gt; — 62,3 km — 57,2 / 450 kg"));
    assert_non_null(strstr(h, "Halle &lt;de&gt; Crest &amp; &quot;Cie&quot;"));
    assert_non_null(strstr(h, "partie 1/2"));
    assert_non_null(strstr(h, "<td>en retard</td>"));
    assert_non_null(strstr(h, "class=\"km0-late\""));
    assert_non_null(strstr(h, "role=\"img\""));
    assert_non_null(strstr(h, "<title id=\"km0-map-title-7\">Carte des tournées</title>"));
    assert_non_null(strstr(h, "<desc id=\"km0-map-desc-7\">"));
    assert_non_null(strstr(h, "1 arrêt après la fermeture"));
    /* two rounds, two polylines, of different colours */
    const char *p1 = strstr(h, "<polyline"), *p2 = p1 ? strstr(p1 + 1, "<polyline") : NULL;
    assert_non_null(p2);
    assert_null(strstr(p2 + 1, "<polyline"));
    assert_non_null(strstr(h, "stroke=\"#0072B2\""));
    assert_non_null(strstr(h, "stroke=\"#D55E00\""));
    free(h);
}

static void test_english(void **state)
{
    (void)state;
    batch_result b = result();
    char *h = render(&b, "en");
    well_formed(h);
    assert_non_null(strstr(h, "Round 2 — Renault Master — 5.8 km — 400 / 1100 kg"));
    assert_non_null(strstr(h, "<td>late</td>"));
    assert_non_null(strstr(h, "<td>on time</td>"));
    assert_non_null(strstr(h, "part 2/2"));
    assert_non_null(strstr(h, "Map of the rounds"));
    free(h);
}

static void test_csp_clean(void **state)
{
    (void)state;
    batch_result b = result();
    const char *langs[] = {"fr", "en"};
    for (size_t i = 0; i < 2; i++) {
        char *h = render(&b, langs[i]);
        assert_null(strstr(h, "style="));
        assert_null(strstr(h, "<style"));
        assert_null(strstr(h, "<script"));
        assert_null(strstr(h, "href="));
        assert_null(strstr(h, "src="));
        assert_null(strstr(h, "onclick="));
        /* the only URL is the SVG namespace, which is never fetched */
        const char *u = strstr(h, "http");
        assert_non_null(u);
        assert_int_equal(strncmp(u, "http://www.w3.org/2000/svg\"", 27), 0);
        assert_null(strstr(u + 1, "http"));
        free(h);
    }
}

static void test_no_rounds(void **state)
{
    (void)state;
    batch_result b = {7, "closed", "2026-12-10", 44.7352, 5.0046, NULL, 0, 0, 0, 0, 0};
    char *h = render(&b, "fr");
    well_formed(h);
    assert_non_null(strstr(h, "km0-rounds-empty"));
    assert_null(strstr(h, "<svg"));
    free(h);
}

/* Every stop at the depot: the map must not divide by zero. */
static void test_one_place(void **state)
{
    (void)state;
    batch_stop s = stops[1];
    s.lat = 44.7352;
    s.lon = 5.0046;
    batch_round r = rounds[0];
    r.stops = &s;
    r.nstops = 1;
    batch_result b = result();
    b.rounds = &r;
    b.nrounds = 1;
    char *h = render(&b, "fr");
    well_formed(h);
    assert_null(strstr(h, "nan"));
    assert_null(strstr(h, "inf"));
    free(h);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_french_by_default), cmocka_unit_test(test_english),
        cmocka_unit_test(test_csp_clean),         cmocka_unit_test(test_no_rounds),
        cmocka_unit_test(test_one_place),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
