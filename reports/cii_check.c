/*
 * reports/cii_check.c — the EN 16931 rules an issued km0 invoice must satisfy.
 *
 * The invoice-issuing code calls rpt_cii_check before storing an invoice, and
 * rpt_cii_write calls it again before writing one: a problem found here is a
 * bug in what was issued, named by the rule it breaks so that it can be looked
 * up in EN 16931-1. km0 invoices carry no document-level allowances or charges
 * and no prepaid amount, so BR-CO-11, BR-CO-12 hold trivially, BT-106 equals
 * BT-109 and the amount due (BT-115) is the total with VAT (BR-CO-16).
 */
#include "cii.h"

#include "money.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

typedef struct checker {
    buf *out;
    int n;
} checker;

static void problem(checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void problem(checker *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(c->out, fmt, ap);
    va_end(ap);
    buf_putc(c->out, '\n');
    c->n++;
}

static bool empty(const char *s)
{
    return !s || !*s;
}

static bool leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* A real calendar date written YYYY-MM-DD (format 102 needs all eight digits). */
static bool date_valid(const char *s)
{
    if (empty(s) || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
            return false;
    int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    int m = (s[5] - '0') * 10 + (s[6] - '0');
    int d = (s[8] - '0') * 10 + (s[9] - '0');
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m < 1 || m > 12 || d < 1)
        return false;
    return d <= days[m - 1] + (m == 2 && leap(y));
}

static bool upper_letters(const char *s, size_t n)
{
    if (empty(s) || strlen(s) < n)
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return false;
    return true;
}

static const char *money(char *s, cents_t v)
{
    return dec_format(s, v, 2, 2);
}

static void utf8(checker *c, const char *s, const char *what)
{
    if (s && !utf8_valid(s, strlen(s)))
        problem(c, "UTF-8: the %s is not valid UTF-8", what);
}

static void utf8_party(checker *c, const inv_party *p, const char *who)
{
    const char *fields[] = {p->name,          p->legal_form,
                            p->address.line1, p->address.postcode,
                            p->address.city,  p->address.country,
                            p->siret,         p->vat_number,
                            p->email,         p->phone};
    for (size_t i = 0; i < ARRAY_LEN(fields); i++)
        utf8(c, fields[i], who);
}

/* Every text goes into XML as UTF-8: one byte sequence that is not would make
 * the whole document unreadable. */
static void check_strings(checker *c, const invoice *inv)
{
    const char *header[] = {inv->number,          inv->issue_date,    inv->delivery_date,
                            inv->due_date,        inv->currency,      inv->order_ref,
                            inv->corrects_number, inv->corrects_date, inv->payment_terms};
    for (size_t i = 0; i < ARRAY_LEN(header); i++)
        utf8(c, header[i], "invoice header");
    utf8_party(c, &inv->seller, "seller");
    utf8_party(c, &inv->buyer, "buyer");
    if (inv->has_intermediary)
        utf8_party(c, &inv->intermediary, "intermediary");
    for (size_t i = 0; i < inv->nnotes; i++)
        utf8(c, inv->notes[i], "note");
    for (size_t i = 0; i < inv->nlines; i++) {
        const inv_line *l = &inv->lines[i];
        utf8(c, l->description, "line description");
        utf8(c, l->producer, "line producer");
        utf8(c, l->sku, "line SKU");
        utf8(c, l->unece, "line unit code");
    }
    for (size_t i = 0; i < inv->nvat; i++) {
        utf8(c, inv->vat[i].exemption_code, "VAT exemption code");
        utf8(c, inv->vat[i].exemption_text, "VAT exemption text");
    }
}

static void check_header(checker *c, const invoice *inv)
{
    if (empty(inv->number))
        problem(c, "BR-02: the invoice number (BT-1) is missing");
    if (!date_valid(inv->issue_date))
        problem(c, "BR-03: the issue date (BT-2) must be a date written YYYY-MM-DD");
    if (inv->type_code != 380 && inv->type_code != 381)
        problem(c, "BR-04: the type code (BT-3) must be 380 (invoice) or 381 (credit note)");
    if (!upper_letters(inv->currency, 3) || strlen(inv->currency) != 3)
        problem(c, "BR-05: the currency (BT-5) must be an ISO 4217 code such as EUR");
    if (!empty(inv->delivery_date) && !date_valid(inv->delivery_date))
        problem(c, "BT-72: the delivery date must be a date written YYYY-MM-DD");
    if (!empty(inv->due_date) && !date_valid(inv->due_date))
        problem(c, "BT-9: the due date must be a date written YYYY-MM-DD");
    if (inv->type_code == 381 && empty(inv->corrects_number))
        problem(c, "BR-55: a credit note must name the invoice it corrects (BT-25)");
    if (!empty(inv->corrects_date) && !date_valid(inv->corrects_date))
        problem(c, "BT-26: the corrected invoice's date must be written YYYY-MM-DD");
    if (inv->total_incl > 0 && empty(inv->due_date) && empty(inv->payment_terms))
        problem(c, "BR-CO-25: an amount is due, so the due date (BT-9) or the payment terms "
                   "(BT-20) must be given");
}

static void check_party(checker *c, const inv_party *p, const char *who, const char *rule_name,
                        const char *rule_country)
{
    if (empty(p->name))
        problem(c, "%s: the %s name is missing", rule_name, who);
    if (!upper_letters(p->address.country, 2) || strlen(p->address.country) != 2)
        problem(c, "%s: the %s country must be an ISO 3166-1 alpha-2 code such as FR", rule_country,
                who);
    if (!empty(p->siret) && (strlen(p->siret) != 14 || strspn(p->siret, "0123456789") != 14))
        problem(c, "BT-30: the %s SIRET must be 14 digits", who);
    if (!empty(p->vat_number) && !upper_letters(p->vat_number, 2))
        problem(c, "BR-CO-09: the %s VAT number must start with its country code", who);
}

static void check_parties(checker *c, const invoice *inv)
{
    check_party(c, &inv->seller, "seller", "BR-06", "BR-09");
    check_party(c, &inv->buyer, "buyer", "BR-07", "BR-11");
    if (empty(inv->seller.siret) && empty(inv->seller.vat_number))
        problem(c, "BR-CO-26: the seller needs a SIRET (BT-30) or a VAT number (BT-31)");
}

static bool category_known(char cat)
{
    return cat == 'S' || cat == 'Z' || cat == 'E';
}

static void check_lines(checker *c, const invoice *inv)
{
    char a[32], b[32];
    if (inv->nlines == 0)
        problem(c, "BR-16: an invoice needs at least one line");
    for (size_t i = 0; i < inv->nlines; i++) {
        const inv_line *l = &inv->lines[i];
        int no = l->line_no;
        if (no <= 0)
            problem(c, "BR-21: line %zu has no positive line number (BT-126)", i + 1);
        for (size_t j = 0; j < i; j++)
            if (inv->lines[j].line_no == no)
                problem(c, "BT-126: line number %d appears twice", no);
        if (empty(l->description))
            problem(c, "BR-25: line %d has no item name (BT-153)", no);
        if (empty(l->unece))
            problem(c, "BR-23: line %d has no unit of measure code (BT-130)", no);
        if (l->unit_price < 0)
            problem(c, "BR-27: line %d has a negative net price (BT-146)", no);
        cents_t net = money_line_net(l->quantity, l->unit_price);
        if (net != l->net)
            problem(c, "BT-131: line %d net is %s but quantity x net price gives %s", no,
                    money(a, l->net), money(b, net));
        if (!category_known(l->vat_category)) {
            problem(c, "BR-CO-04: line %d VAT category must be S, Z or E", no);
        } else if (l->vat_category == 'S' && l->vat_rate <= 0) {
            problem(c, "BR-S-05: line %d is in category S, its VAT rate must be above zero", no);
        } else if (l->vat_category != 'S' && l->vat_rate != 0) {
            problem(c, "BR-%c-05: line %d is in category %c, its VAT rate must be 0",
                    l->vat_category, no, l->vat_category);
        }
        if (inv->seller.franchise && l->vat_category != 'E')
            problem(c,
                    "CGI-293B: the seller is under the VAT franchise, line %d must be exempt "
                    "(category E, rate 0)",
                    no);
        if (l->vat_category == 'S' && empty(inv->seller.vat_number))
            problem(c, "BR-S-02: line %d is taxed (S) but the seller has no VAT number", no);
        if (l->vat_category == 'Z' && empty(inv->seller.vat_number))
            problem(c, "BR-Z-02: line %d is zero-rated but the seller has no VAT number", no);
        if (l->vat_category == 'E' && empty(inv->seller.vat_number) && empty(inv->seller.siret))
            problem(c, "BR-E-02: line %d is exempt but the seller has no tax identifier", no);
    }
}

/* Sum of the nets of the lines in one VAT category and rate. */
static cents_t lines_base(const invoice *inv, char cat, vat_bp_t rate, size_t *count)
{
    cents_t sum = 0;
    *count = 0;
    for (size_t i = 0; i < inv->nlines; i++)
        if (inv->lines[i].vat_category == cat && inv->lines[i].vat_rate == rate) {
            sum += inv->lines[i].net;
            (*count)++;
        }
    return sum;
}

static void check_breakdown(checker *c, const invoice *inv)
{
    char a[32], b[32], r[32];
    if (inv->nvat == 0)
        problem(c, "BR-CO-18: the invoice has no VAT breakdown (BG-23)");
    for (size_t i = 0; i < inv->nvat; i++) {
        const inv_vat *v = &inv->vat[i];
        char cat = category_known(v->category) ? v->category : 'S';
        dec_format(r, v->rate, 2, 0);
        for (size_t j = 0; j < i; j++)
            if (inv->vat[j].category == v->category && inv->vat[j].rate == v->rate)
                problem(c, "BR-%c-01: VAT category %c at %s %% is broken down twice", cat,
                        v->category, r);
        size_t count;
        cents_t base = lines_base(inv, v->category, v->rate, &count);
        if (count == 0)
            problem(c, "BR-%c-08: VAT category %c at %s %% has no line", cat, v->category, r);
        if (base != v->base)
            problem(c, "BR-%c-08: VAT category %c at %s %%: base %s, but its lines sum to %s", cat,
                    v->category, r, money(a, v->base), money(b, base));
        cents_t vat = money_vat(v->base, v->rate);
        if (vat != v->vat)
            problem(c, "BR-CO-17: VAT category %c at %s %%: VAT %s, but base x rate gives %s",
                    v->category, r, money(a, v->vat), money(b, vat));
        if (v->category == 'E' && empty(v->exemption_code) && empty(v->exemption_text))
            problem(c, "BR-E-10: the exempt VAT breakdown needs an exemption reason (BT-120 or "
                       "BT-121), VATEX-FR-FRANCHISE for the franchise");
    }
    /* Every category and rate used by a line is broken down (BR-S-01, BR-E-01...). */
    for (size_t i = 0; i < inv->nlines; i++) {
        const inv_line *l = &inv->lines[i];
        bool found = false;
        for (size_t j = 0; j < inv->nvat && !found; j++)
            found = inv->vat[j].category == l->vat_category && inv->vat[j].rate == l->vat_rate;
        if (!found && category_known(l->vat_category))
            problem(c, "BR-%c-01: line %d (category %c, %s %%) has no VAT breakdown",
                    l->vat_category, l->line_no, l->vat_category, dec_format(r, l->vat_rate, 2, 0));
    }
}

static void check_totals(checker *c, const invoice *inv)
{
    char a[32], b[32];
    cents_t lines = 0, vat = 0;
    for (size_t i = 0; i < inv->nlines; i++)
        lines += inv->lines[i].net;
    for (size_t i = 0; i < inv->nvat; i++)
        vat += inv->vat[i].vat;
    if (lines != inv->total_excl)
        problem(c, "BR-CO-10/BR-CO-13: the lines sum to %s but the total without VAT is %s",
                money(a, lines), money(b, inv->total_excl));
    if (vat != inv->total_vat)
        problem(c, "BR-CO-14: the VAT breakdown sums to %s but the total VAT is %s", money(a, vat),
                money(b, inv->total_vat));
    if (inv->total_excl + inv->total_vat != inv->total_incl)
        problem(c, "BR-CO-15: total without VAT + total VAT = %s, but the total with VAT is %s",
                money(a, inv->total_excl + inv->total_vat), money(b, inv->total_incl));
}

int rpt_cii_check(const invoice *inv, buf *problems)
{
    checker c = {problems, 0};
    check_strings(&c, inv);
    check_header(&c, inv);
    check_parties(&c, inv);
    check_lines(&c, inv);
    check_breakdown(&c, inv);
    check_totals(&c, inv);
    return c.n;
}
