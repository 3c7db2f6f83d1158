/*
 * core/invoice.h — an invoice exactly as issued: parties, lines, VAT breakdown.
 *
 * This is the in-memory shape of an issued invoice (or credit note), read back
 * from the invoices / invoice_lines / invoice_vat tables. Every export (km0's
 * invoice XML, UN/CEFACT CII for EN 16931, Factur-X) is produced from it, so
 * they cannot disagree. All strings are UTF-8; amounts follow core/money.h.
 */
#ifndef KM0_INVOICE_H
#define KM0_INVOICE_H

#include "money.h"

#include <stdbool.h>
#include <stddef.h>

typedef struct inv_address {
    const char *line1;    /* street, or the whole address when it cannot be split */
    const char *postcode; /* "" when unknown */
    const char *city;     /* "" when unknown */
    const char *country;  /* ISO 3166-1 alpha-2, "FR" */
} inv_address;

typedef struct inv_party {
    const char *name;       /* legal name (trading name for a person) */
    const char *legal_form; /* "SARL", "EI", ... ("" when none) */
    inv_address address;
    const char *siret;      /* 14 digits, "" for a private person */
    const char *vat_number; /* "FR..." or "" */
    const char *email;
    const char *phone;
    bool franchise; /* seller under the French VAT franchise (art. 293 B du CGI) */
    bool business;  /* buyer is a business (recovery indemnity applies) */
} inv_party;

typedef struct inv_line {
    int line_no;
    const char *sku;
    const char *description;
    const char *producer; /* who made it, when the hub resells ("" otherwise) */
    const char *unit;     /* km0 unit code (core/unit.h) */
    const char *unece;    /* UN/ECE Rec. 20 code: KGM, H87, LTR, ... */
    milli_t quantity;    /* negative on a credit note? no: credit notes carry positive quantities */
    price4_t unit_price; /* excl. VAT, 4 decimals */
    char vat_category;   /* 'S' standard/reduced rate, 'E' exempt (franchise) */
    vat_bp_t vat_rate;
    cents_t net; /* quantity x unit price, rounded to the cent */
    /* Not printed: the order line an invoice line invoices (0 when unknown), and on a
     * credit note the line of the corrected invoice this line gives back (0: none). */
    int64_t order_line;
    int credits_line_no;
} inv_line;

typedef struct inv_vat {
    char category;
    vat_bp_t rate;
    cents_t base, vat;
    const char *exemption_code; /* "VATEX-FR-FRANCHISE" for E, else "" */
    const char *exemption_text; /* "TVA non applicable, art. 293 B du CGI" for E, else "" */
} inv_vat;

typedef struct invoice {
    const char *number;
    int type_code;          /* 380 invoice, 381 credit note */
    const char *issue_date; /* YYYY-MM-DD */
    const char *delivery_date;
    const char *due_date;
    const char *currency;        /* "EUR" */
    const char *order_ref;       /* the km0 order id, as text ("" for none) */
    const char *corrects_number; /* credit note: the invoice it corrects */
    const char *corrects_date;
    inv_party seller, buyer;
    bool has_intermediary; /* the hub sold on behalf of the seller */
    inv_party intermediary;
    const char *payment_terms; /* "Payable à réception ..." with penalties and, for business buyers,
                                  the 40 EUR indemnity */
    const char **notes;        /* free texts (legal mentions) */
    size_t nnotes;
    inv_line *lines;
    size_t nlines;
    inv_vat *vat;
    size_t nvat;
    cents_t total_excl, total_vat, total_incl;
    /* Where the buyer collects the goods (the pickup point): printed on the
     * document, not part of EN 16931's mandatory content. "" when unknown. */
    const char *delivery_place, *delivery_place_address;
} invoice;

#endif
