/*
 * tests/unit/test_csv.c — the CSV layer: decoding, dialect, tokenizer, and the
 * value parsers that read numbers, rates and yes/no as producers type them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "catalog_parse.h"
#include "csv.h"

#include <string.h>

/* ---- decoding ---- */

static void decode(const char *data, size_t len, imp_encoding enc, csv_text *out, arena *mem)
{
    csv_decode(data, len, enc, mem, out);
}

static void test_decode_utf8_plain_and_bom(void **state)
{
    (void)state;
    arena *mem = arena_new();
    csv_text t;
    decode("R\xC3\xA9"
           "f",
           4, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "UTF-8");
    assert_string_equal(t.data, "Réf");
    assert_false(t.replaced);
    decode("\xEF\xBB\xBFR\xC3\xA9"
           "f",
           7, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "UTF-8 with BOM");
    assert_string_equal(t.data, "Réf");
    decode("abc", 3, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "UTF-8"); /* ASCII is UTF-8 */
    arena_free(mem);
}

static void test_decode_windows_1252(void **state)
{
    (void)state;
    arena *mem = arena_new();
    csv_text t;
    /* é, è, €, Œ, œ, ’ as French Excel writes them */
    const char in[] = "\xE9\xE8 \x80 \x8C\x9C \x92";
    decode(in, sizeof in - 1, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "Windows-1252");
    assert_string_equal(t.data, "éè € Œœ ’");
    /* ISO-8859-1 text is the same bytes */
    decode("Pi\xE8"
           "ce",
           5, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.data, "Pièce");
    /* undefined bytes become C1 controls, which the checks then refuse */
    decode("\x81", 1, IMP_ENC_WINDOWS_1252, &t, mem);
    assert_string_equal(t.data, "\xC2\x81");
    arena_free(mem);
}

static void test_decode_forced_and_mixed(void **state)
{
    (void)state;
    arena *mem = arena_new();
    csv_text t;
    /* forced UTF-8: bad bytes become U+FFFD and are flagged */
    decode("Caf\xE9", 4, IMP_ENC_UTF8, &t, mem);
    assert_string_equal(t.encoding, "UTF-8");
    assert_true(t.replaced);
    assert_string_equal(t.data, "Caf" CSV_REPLACEMENT);
    /* forced Windows-1252 even on valid UTF-8 */
    decode("\xC3\xA9", 2, IMP_ENC_WINDOWS_1252, &t, mem);
    assert_string_equal(t.data, "Ã©");
    /* valid UTF-8 and a stray Latin-1 byte: kept as UTF-8, flagged as mixed */
    decode("\xC3\xA9t\xE9", 4, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "UTF-8");
    assert_true(t.mixed);
    assert_true(t.replaced);
    /* long ASCII runs (read eight bytes at a time) around bad bytes and a valid "é":
     * every byte keeps its place, each bad one becomes one U+FFFD */
    decode("0123456789abcdef\xFF"
           "0123456789\xC3\xA9"
           "abcdefgh\x80"
           "xyz",
           41, IMP_ENC_UTF8, &t, mem);
    assert_true(t.replaced);
    assert_string_equal(t.data, "0123456789abcdef" CSV_REPLACEMENT "0123456789\xC3\xA9"
                                "abcdefgh" CSV_REPLACEMENT "xyz");
    /* a valid file is taken as it is, NUL bytes and all */
    decode("abcdefgh\0ijklmnop\xC3\xA9", 19, IMP_ENC_AUTO, &t, mem);
    assert_false(t.replaced);
    assert_int_equal(t.len, 19);
    assert_memory_equal(t.data, "abcdefgh\0ijklmnop\xC3\xA9", 19);
    /* overlong and surrogate forms are not UTF-8 */
    decode("\xC0\xAF", 2, IMP_ENC_UTF8, &t, mem);
    assert_true(t.replaced);
    decode("\xED\xA0\x80", 3, IMP_ENC_UTF8, &t, mem);
    assert_true(t.replaced);
    arena_free(mem);
}

static void test_decode_utf16(void **state)
{
    (void)state;
    arena *mem = arena_new();
    csv_text t;
    const char le[] = "\xFF\xFE"
                      "a\0\xE9\0\n\0";
    decode(le, sizeof le - 1, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "UTF-16LE");
    assert_string_equal(t.data, "aé\n");
    const char be[] = "\xFE\xFF\0a\xD8\x3D\xDE\x00";
    decode(be, sizeof be - 1, IMP_ENC_AUTO, &t, mem);
    assert_string_equal(t.encoding, "UTF-16BE");
    assert_string_equal(t.data, "a\xF0\x9F\x98\x80"); /* 😀 via a surrogate pair */
    arena_free(mem);
}

/* ---- separators ---- */

static void test_detect_separator(void **state)
{
    (void)state;
    const char *comma = "sku,name,price\nA,Pomme,1.20\nB,Poire,2.30\n";
    const char *semi = "Réf;Produit;Prix\nA;Pomme;1,20\nB;Poire;2,30\n";
    const char *tab = "sku\tname\tprice\nA\tPomme, rouge\t1.20\n";
    const char *quoted = "sku;name;desc\nA;Pomme;\"a;b;c;d\"\n";
    const char *single = "sku\nA\n";
    const char *title = "Catalogue 2024\n\nsku;name;price\nA;B;1\nC;D;2\n";
    assert_int_equal(csv_detect_separator(comma, strlen(comma)), ',');
    assert_int_equal(csv_detect_separator(semi, strlen(semi)), ';');
    assert_int_equal(csv_detect_separator(tab, strlen(tab)), '\t');
    assert_int_equal(csv_detect_separator(quoted, strlen(quoted)), ';');
    assert_int_equal(csv_detect_separator(single, strlen(single)), ',');
    assert_int_equal(csv_detect_separator(title, strlen(title)), ';');
    assert_int_equal(csv_detect_separator("", 0), ',');
}

/* ---- tokenizer ---- */

typedef struct {
    csv_reader r;
    csv_record rec;
} reader;

static void open_reader(reader *rd, const char *text, char sep)
{
    csv_reader_init(&rd->r, text, strlen(text), sep, 0, 0);
}

static void test_tokenizer_quotes(void **state)
{
    (void)state;
    reader rd;
    open_reader(&rd, "a,\"b,c\",\"say \"\"hi\"\"\",,\"\"\n", ',');
    assert_true(csv_next(&rd.r, &rd.rec));
    assert_int_equal(rd.rec.nfields, 5);
    assert_string_equal(rd.rec.fields[0], "a");
    assert_string_equal(rd.rec.fields[1], "b,c");
    assert_string_equal(rd.rec.fields[2], "say \"hi\"");
    assert_string_equal(rd.rec.fields[3], "");
    assert_string_equal(rd.rec.fields[4], "");
    assert_false(csv_next(&rd.r, &rd.rec));
    csv_reader_free(&rd.r);

    /* lenient: a quote inside an unquoted field, text after a closing quote */
    open_reader(&rd, "5\" pot,\"ab\"cd", ',');
    assert_true(csv_next(&rd.r, &rd.rec));
    assert_string_equal(rd.rec.fields[0], "5\" pot");
    assert_string_equal(rd.rec.fields[1], "abcd");
    csv_reader_free(&rd.r);
}

static void test_tokenizer_line_numbers(void **state)
{
    (void)state;
    reader rd;
    /* CRLF, an embedded CRLF and LF in quotes, a lone CR, a final line without break */
    open_reader(&rd, "h1;h2\r\nA;\"x\r\ny\ny\"\r\nB;z\rC;w", ';');
    int lines[] = {1, 2, 5, 6}, rows[] = {1, 2, 3, 4};
    const char *first[] = {"h1", "A", "B", "C"};
    for (int i = 0; i < 4; i++) {
        assert_true(csv_next(&rd.r, &rd.rec));
        assert_int_equal(rd.rec.line, lines[i]);
        assert_int_equal(rd.rec.row, rows[i]);
        assert_string_equal(rd.rec.fields[0], first[i]);
    }
    assert_false(csv_next(&rd.r, &rd.rec));
    csv_reader_free(&rd.r);

    open_reader(&rd, "A;\"x\r\ny\ny\"\r\n", ';');
    assert_true(csv_next(&rd.r, &rd.rec));
    assert_string_equal(rd.rec.fields[1], "x\r\ny\ny"); /* breaks kept as written */
    csv_reader_free(&rd.r);
}

static void test_tokenizer_limits(void **state)
{
    (void)state;
    csv_reader r;
    csv_record rec;
    const char *wide = "abcdefgh,xy\n";
    csv_reader_init(&r, wide, strlen(wide), ',', 4, 1);
    assert_true(csv_next(&r, &rec));
    assert_int_equal(rec.nfields, 1);
    assert_int_equal(rec.nfields_found, 2);
    assert_string_equal(rec.fields[0], "abcd");
    assert_true(rec.cut[0]);
    csv_reader_free(&r);

    const char *text = "a,\"never closed\nb,c\n";
    csv_reader_init(&r, text, strlen(text), ',', 0, 0);
    assert_true(csv_next(&r, &rec));
    assert_true(rec.unterminated);
    assert_false(csv_next(&r, &rec));
    csv_reader_free(&r);

    /* NUL bytes travel inside fields, with their length */
    csv_reader_init(&r, "a\0b,c", 5, ',', 0, 0);
    assert_true(csv_next(&r, &rec));
    assert_int_equal(rec.lens[0], 3);
    csv_reader_free(&r);
}

/* ---- value parsers ---- */

static void test_value_money(void **state)
{
    (void)state;
    int64_t v;
    struct {
        const char *in;
        int scale;
        dec_status st;
        int64_t out;
    } cases[] = {
        {"3,20 €", 2, DEC_OK, 320},
        {"3.20€", 2, DEC_OK, 320},
        {"€ 3.20", 2, DEC_OK, 320},
        {"3,20\xC2\xA0\xE2\x82\xAC", 2, DEC_OK, 320}, /* no-break space, as Excel writes */
        {"3.20 EUR", 2, DEC_OK, 320},
        {"3,20 euros", 2, DEC_OK, 320},
        {"1 234,50", 2, DEC_OK, 123450},
        {"1\xE2\x80\xAF"
         "234,50",
         2, DEC_OK, 123450},
        {"1.234,50", 2, DEC_OK, 123450},
        {"1,234.50", 2, DEC_OK, 123450},
        {"2.37", 4, DEC_OK, 23700},
        {"19.9052", 4, DEC_OK, 199052},
        {"5,5 \xC2\xA4", 2, DEC_OK, 550}, /* ISO-8859-15 euro read as Windows-1252 */
        {"-2.00", 2, DEC_OK, -200},
        {"3 20", 2, DEC_SYNTAX, 0},
        {"1,234", 2, DEC_PRECISION, 0},
        {"3.205", 2, DEC_PRECISION, 0},
        {"abc", 2, DEC_SYNTAX, 0},
        {"", 2, DEC_EMPTY, 0},
        {" € ", 2, DEC_EMPTY, 0},
        {"3,20 $", 2, DEC_SYNTAX, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        v = 0;
        dec_status st = imp_value_money(cases[i].in, cases[i].scale, &v);
        if (st != cases[i].st)
            fail_msg("\"%s\": status %d, expected %d", cases[i].in, st, cases[i].st);
        if (st == DEC_OK && v != cases[i].out)
            fail_msg("\"%s\": %lld, expected %lld", cases[i].in, (long long)v,
                     (long long)cases[i].out);
    }
}

static void test_value_percent(void **state)
{
    (void)state;
    struct {
        const char *in;
        dec_status st;
        vat_bp_t out;
    } cases[] = {
        {"5,5%", DEC_OK, 550},  {"5.5", DEC_OK, 550},   {"5,5 %", DEC_OK, 550},
        {"20", DEC_OK, 2000},   {"2,1", DEC_OK, 210},   {"0", DEC_OK, 0},
        {"10 %", DEC_OK, 1000}, {"0,055", DEC_OK, 550}, {"0.2", DEC_OK, 2000},
        {"7", DEC_OK, 700},     {"1", DEC_OK, 100},     {"5.555%", DEC_PRECISION, 0},
        {"%", DEC_SYNTAX, 0},   {"", DEC_EMPTY, 0},     {"TVA", DEC_SYNTAX, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vat_bp_t v = -1;
        dec_status st = imp_value_percent(cases[i].in, &v);
        if (st != cases[i].st || (st == DEC_OK && v != cases[i].out))
            fail_msg("\"%s\": status %d value %d", cases[i].in, st, v);
    }
}

static void test_value_vat_name(void **state)
{
    (void)state;
    vat_bp_t v;
    assert_true(imp_value_vat_name("TVA 5.5", &v));
    assert_int_equal(v, 550);
    assert_true(imp_value_vat_name("Reduced 5.5%", &v));
    assert_int_equal(v, 550);
    assert_true(imp_value_vat_name("TVA 10", &v));
    assert_int_equal(v, 1000);
    assert_true(imp_value_vat_name("5,5%", &v));
    assert_int_equal(v, 550);
    assert_true(imp_value_vat_name("Taux normal", &v));
    assert_int_equal(v, 2000);
    assert_true(imp_value_vat_name("taux super-réduit", &v));
    assert_int_equal(v, 210);
    assert_true(imp_value_vat_name("Exonéré", &v));
    assert_int_equal(v, 0);
    assert_false(imp_value_vat_name("Tax Category Name", &v));
    assert_false(imp_value_vat_name("taux réduit", &v)); /* 5.5 or 10: ambiguous */
}

static void test_value_bool_and_quantities(void **state)
{
    (void)state;
    const char *yes[] = {"oui", "OUI", "Oui ", "yes", "1", "vrai", "true", "x", "X", "✓"};
    const char *no[] = {"non", "NO", "0", "faux", "false", "Non"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        assert_int_equal(imp_value_bool(yes[i]), 1);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        assert_int_equal(imp_value_bool(no[i]), 0);
    assert_int_equal(imp_value_bool("peut-être"), -1);
    assert_int_equal(imp_value_bool("2"), -1);

    int64_t m;
    assert_int_equal(imp_value_milli("0,5", &m), DEC_OK);
    assert_int_equal(m, 500);
    assert_int_equal(imp_value_milli("1 000", &m), DEC_OK);
    assert_int_equal(m, 1000000);
    assert_int_equal(imp_value_milli("beaucoup", &m), DEC_SYNTAX);
    assert_true(imp_value_unlimited("illimité"));
    assert_true(imp_value_unlimited("Unlimited"));
    assert_false(imp_value_unlimited("12"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_utf8_plain_and_bom),
        cmocka_unit_test(test_decode_windows_1252),
        cmocka_unit_test(test_decode_forced_and_mixed),
        cmocka_unit_test(test_decode_utf16),
        cmocka_unit_test(test_detect_separator),
        cmocka_unit_test(test_tokenizer_quotes),
        cmocka_unit_test(test_tokenizer_line_numbers),
        cmocka_unit_test(test_tokenizer_limits),
        cmocka_unit_test(test_value_money),
        cmocka_unit_test(test_value_percent),
        cmocka_unit_test(test_value_vat_name),
        cmocka_unit_test(test_value_bool_and_quantities),
    };
    return cmocka_run_group_tests_name("csv", tests, NULL, NULL);
}
