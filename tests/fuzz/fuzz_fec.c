/*
 * tests/fuzz/fuzz_fec.c — libFuzzer entry point for the FEC line writer
 * (core/fec_format.c).
 *
 * The first byte picks the separator (tab or pipe), the rest is one COPY row.
 * Invariants, checked byte by byte here: a refused row appends nothing; an accepted
 * one appends exactly one line, ending with its only line feed, holding no carriage
 * return, no tab when the separator is a pipe and no pipe when it is a tab, and
 * exactly 17 separators (18 fields); its dates are 8 digits, and Debit and Credit
 * are written as digits, a comma and two digits.
 */
#include "../../core/fec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void require(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "invariant broken: %s\n", what);
        abort();
    }
}

static int money_ok(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i > 0 && i + 3 == n && s[i] == ',' && s[i + 1] >= '0' && s[i + 1] <= '9' &&
           s[i + 2] >= '0' && s[i + 2] <= '9';
}

static int date_ok(const char *s, size_t n)
{
    if (n != 8)
        return 0;
    for (size_t i = 0; i < 8; i++)
        if (s[i] < '0' || s[i] > '9')
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const fec_account acc[] = {{"411", "411", "Clients", false},
                                      {"512", "512100", "Banque | principale", true}};
    static const fec_chart chart = {acc, 2};
    if (size < 1)
        return 0;
    char sep = data[0] & 1 ? '|' : '\t';
    buf out = BUF_INIT;
    buf_puts(&out, "x");
    int rc = fec_format_row((const char *)data + 1, size - 1, sep, &chart, &out);
    if (rc != 0) {
        require(out.len == 1, "a refused row appended something");
        buf_free(&out);
        return 0;
    }
    const char *line = out.data + 1;
    size_t n = out.len - 1;
    require(n > 0 && line[n - 1] == '\n', "the line ends with a line feed");
    size_t seps = 0, field = 0, start = 0;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        require(c != '\r' && (c != '\n' || i == n - 1), "one line");
        require(c != (sep == '|' ? '\t' : '|'), "the other separator");
        if (c == sep || i == n - 1) {
            const char *f = line + start;
            size_t len = i - start;
            if (field == 3 || field == 9 || field == 15)
                require(date_ok(f, len), "a date of 8 digits");
            if (field == 11 || field == 12)
                require(money_ok(f, len), "an amount with a decimal comma");
            seps += c == sep;
            field++;
            start = i + 1;
        }
    }
    require(seps == 17, "18 fields");
    buf_free(&out);
    return 0;
}
