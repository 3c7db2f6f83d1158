/*
 * core/fec_format.c — one ledger line, as PostgreSQL's COPY sends it, into one FEC
 * line (core/fec.h). Pure, no allocation but the output buffer: unit-tested and
 * fuzzed.
 *
 * COPY's text format escapes a backslash, a tab or a line break inside a field
 * ("\\", "\t", "\n", "\r", and octal or hex escapes); a FEC field may hold none of
 * them, nor the separator: each becomes a blank (a backslash a slash).
 */
#include "fec.h"

#include <stdbool.h>
#include <string.h>

enum {
    F_ID,
    F_BOOKED,
    F_RECORDED,
    F_KIND,
    F_METHOD,
    F_NUMBER,
    F_MEMO,
    F_ACCOUNT,
    F_AMOUNT,
    F_CUSTOMER,
    F_PRODUCER,
    F_NAME,
    NFIELDS
};

typedef struct field {
    const char *s;
    size_t n;
} field;

/* A COPY text field, unescaped and made safe for the FEC, appended to out. */
static void put_text(buf *out, field f, char sep)
{
    for (size_t i = 0; i < f.n; i++) {
        char ch = f.s[i];
        if (ch == '\\' && i + 1 < f.n) {
            char e = f.s[++i];
            if (e == '\\')
                ch = '/';
            else if (e == 't' || e == 'n' || e == 'r' || e == 'b' || e == 'f' || e == 'v')
                ch = ' ';
            else if (e >= '0' && e <= '7') {
                while (i + 1 < f.n && f.s[i + 1] >= '0' && f.s[i + 1] <= '7')
                    i++;
                ch = ' ';
            } else
                ch = e;
        } else if (ch == '\\') {
            ch = '/';
        }
        if (ch == sep || ch == '\t' || ch == '\n' || ch == '\r' || ch == '|')
            ch = ' ';
        buf_putc(out, ch);
    }
}

static bool is_digits(field f)
{
    if (f.n == 0 || f.n > 18)
        return false;
    for (size_t i = 0; i < f.n; i++)
        if (f.s[i] < '0' || f.s[i] > '9')
            return false;
    return true;
}

/* YYYY-MM-DD, digits where digits go */
static bool date_ok(field f)
{
    if (f.n != 10 || f.s[4] != '-' || f.s[7] != '-')
        return false;
    for (size_t i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (f.s[i] < '0' || f.s[i] > '9'))
            return false;
    return true;
}

/* YYYY-MM-DD (checked by date_ok) → YYYYMMDD */
static void put_date(buf *out, field f)
{
    buf_append(out, f.s, 4);
    buf_append(out, f.s + 5, 2);
    buf_append(out, f.s + 8, 2);
}

static bool eq(field f, const char *s)
{
    size_t n = strlen(s);
    return f.n == n && memcmp(f.s, s, n) == 0;
}

/* Sales, cash, bank, or miscellaneous operations. */
static const char *journal(field kind, field method, const char **lib)
{
    static const char *const sales[] = {"invoice", "credit_note", "fee"};
    static const char *const bank[] = {"bank_receipt",  "bank_payment", "direct_debit",
                                       "debit_settled", "debit_return", "bank_fee",
                                       "deposit",       "settlement"};
    for (size_t i = 0; i < sizeof sales / sizeof *sales; i++)
        if (eq(kind, sales[i]))
            return *lib = "Ventes", "VE";
    if (eq(method, "cash"))
        return *lib = "Caisse", "CA";
    for (size_t i = 0; i < sizeof bank / sizeof *bank; i++)
        if (eq(kind, bank[i]))
            return *lib = "Banque", "BQ";
    return *lib = "Opérations diverses", "OD";
}

/* |cents| as "123,45" */
static void put_amount(buf *out, const char *digits, size_t n)
{
    while (n > 1 && *digits == '0') {
        digits++;
        n--;
    }
    if (n <= 2) {
        buf_puts(out, "0,");
        if (n == 1)
            buf_putc(out, '0');
        buf_append(out, digits, n);
        return;
    }
    buf_append(out, digits, n - 2);
    buf_putc(out, ',');
    buf_append(out, digits + n - 2, 2);
}

int fec_format_row(const char *row, size_t len, char sep, const fec_chart *chart, buf *out)
{
    if (len && row[len - 1] == '\n')
        len--;
    field f[NFIELDS];
    size_t k = 0, start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || row[i] == '\t') {
            if (k == NFIELDS)
                return -1;
            f[k++] = (field){row + start, i - start};
            start = i + 1;
        }
    }
    if (k != NFIELDS || !is_digits(f[F_ID]) || !is_digits(f[F_CUSTOMER]) ||
        !is_digits(f[F_PRODUCER]))
        return -1;
    field amount = f[F_AMOUNT];
    bool credit = amount.n && amount.s[0] == '-';
    field digits = {amount.s + credit, amount.n - credit};
    if (!is_digits(digits) || !date_ok(f[F_BOOKED]) || !date_ok(f[F_RECORDED]))
        return -1;
    const fec_account *acc = NULL;
    for (size_t i = 0; i < chart->n && !acc; i++)
        if (eq(f[F_ACCOUNT], chart->accounts[i].account))
            acc = &chart->accounts[i];
    if (!acc)
        return -1;
    const char *lib, *code = journal(f[F_KIND], f[F_METHOD], &lib);
    char s[2] = {sep, 0};
    buf_puts(out, code);
    buf_puts(out, s);
    buf_puts(out, lib);
    buf_puts(out, s);
    buf_append(out, f[F_ID].s, f[F_ID].n);
    buf_puts(out, s);
    put_date(out, f[F_BOOKED]);
    buf_puts(out, s);
    put_text(out, (field){acc->number, strlen(acc->number)}, sep);
    buf_puts(out, s);
    put_text(out, (field){acc->label, strlen(acc->label)}, sep);
    buf_puts(out, s);
    bool customer = !eq(f[F_CUSTOMER], "0"), producer = !eq(f[F_PRODUCER], "0");
    if (customer || producer) {
        buf_putc(out, customer ? 'C' : 'P');
        field id = customer ? f[F_CUSTOMER] : f[F_PRODUCER];
        buf_append(out, id.s, id.n);
        buf_puts(out, s);
        put_text(out, f[F_NAME], sep);
    } else {
        buf_puts(out, s);
    }
    buf_puts(out, s);
    if (f[F_NUMBER].n) {
        put_text(out, f[F_NUMBER], sep);
    } else {
        buf_putc(out, 'E');
        buf_append(out, f[F_ID].s, f[F_ID].n);
    }
    buf_puts(out, s);
    put_date(out, f[F_BOOKED]);
    buf_puts(out, s);
    put_text(out, f[F_MEMO].n ? f[F_MEMO] : f[F_KIND], sep);
    buf_puts(out, s);
    if (credit)
        buf_puts(out, "0,00");
    else
        put_amount(out, digits.s, digits.n);
    buf_puts(out, s);
    if (credit)
        put_amount(out, digits.s, digits.n);
    else
        buf_puts(out, "0,00");
    buf_puts(out, s);
    buf_puts(out, s);
    buf_puts(out, s);
    put_date(out, f[F_RECORDED]);
    buf_puts(out, s);
    buf_puts(out, s);
    buf_putc(out, '\n');
    return 0;
}
