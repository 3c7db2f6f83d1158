/*
 * core/money.h — exact money, quantities and VAT arithmetic.
 *
 * No floating point anywhere near a price. Four integer scales:
 *   cents_t  amounts (line nets, VAT, totals)           1 = 0.01 EUR
 *   price4_t unit prices                                 1 = 0.0001 EUR
 *   milli_t  quantities (1 = 0.001 unit) and weights (1 = 1 g = 0.001 kg)
 *   vat_bp_t VAT rates in hundredths of a percent       550 = 5.5 %
 * Unit prices carry four decimals so that a price a producer states including
 * VAT (21.00 EUR at 5.5 %) is kept exactly: no whole number of cents excluding
 * VAT gives it back. Amounts are rounded to the cent, half away from zero, at
 * the two places EN 16931 rounds: each line net (quantity x unit price) and
 * the VAT of each rate (taxable base x rate), per seller.
 */
#ifndef KM0_MONEY_H
#define KM0_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t cents_t;
typedef int64_t price4_t;
typedef int64_t milli_t;
typedef int32_t vat_bp_t;

typedef enum {
    DEC_OK = 0,
    DEC_EMPTY,     /* nothing but spaces */
    DEC_SYNTAX,    /* not a decimal number */
    DEC_PRECISION, /* more decimals than the scale allows */
    DEC_RANGE      /* too large */
} dec_status;

/* Parse [+-]digits[(.|,)digits] scaled by 10^scale. Surrounding spaces are allowed;
 * nothing else. Extra decimals that are zeros are accepted. */
dec_status dec_parse(const char *s, int scale, int64_t *out);
/* Format v / 10^scale with '.' and at least min_decimals decimals (trailing zeros
 * beyond that are dropped). out needs 32 bytes. Returns out. */
char *dec_format(char *out, int64_t v, int scale, int min_decimals);

/* round(num / den), half away from zero; den > 0. */
int64_t div_round(int64_t num, int64_t den);

cents_t money_line_net(milli_t quantity, price4_t unit_price);
cents_t money_vat(cents_t base, vat_bp_t rate);
/* Unit price including VAT, to the cent, as shown to a consumer. */
cents_t money_price_incl(price4_t excl, vat_bp_t rate);
/* The unit price excluding VAT (4 decimals) that gives back incl exactly. */
price4_t money_price_excl_from_incl(cents_t incl, vat_bp_t rate);
/* Weight in grams of quantity units weighing unit_g grams each. */
int64_t money_weight_g(milli_t quantity, int64_t unit_g);

/* The rates French VAT knows: 0, 2.1, 5.5, 10, 20 %. */
bool vat_rate_valid(vat_bp_t rate);

#define MONEY_MAX_RATES 8

typedef struct {
    vat_bp_t rate;
    cents_t base, vat;
} vat_total;

typedef struct {
    int nrates;
    vat_total rates[MONEY_MAX_RATES]; /* ascending rate */
    cents_t excl, vat, incl;
} money_totals;

typedef struct {
    int64_t seller; /* the invoice this line will go on: 0 for the hub, else producer id */
    vat_bp_t rate;
    cents_t net;
} money_line;

/* Totals exactly as the invoices will carry them: VAT is computed per seller and
 * rate on the sum of line nets, then summed per rate. */
void money_totals_compute(const money_line *lines, size_t n, money_totals *out);

#endif
