/*
 * server/product_form.h — the producer's form for one product (server/product_form.c),
 * shared by its page, its save and its photo (server/p_producer_product.c).
 */
#ifndef KM0_PRODUCT_FORM_H
#define KM0_PRODUCT_FORM_H

#include "../importers/catalog.h"
#include "form.h"
#include "http.h"
#include "producer_page.h"

/* The form's text fields; their names are km0's catalog column names. */
enum {
    PF_SKU,
    PF_NAME,
    PF_CATEGORY,
    PF_UNIT,
    PF_PRICE_EXCL,
    PF_PRICE_INCL,
    PF_VAT,
    PF_WEIGHT,
    PF_STOCK,
    PF_STEP,
    PF_ORGANIC,
    PF_ACTIVE,
    PF_KIND,
    PF_NET,
    PF_ORIGIN,
    PF_REGION,
    PF_CERTIFIER,
    PF_ALCOHOL,
    PF_INGREDIENTS,
    PF_STORAGE,
    PF_DESCRIPTION,
    PF_COUNT
};

typedef struct product_form_error {
    const char *field; /* a field's id, or NULL for the whole product */
    const char *message;
} product_form_error;

typedef struct product_form {
    const producer_view *producer;
    const char *v[PF_COUNT]; /* as typed or stored, "" when empty */
    uint32_t allergens, traces, labels;
    bool no_allergen;    /* "none" ticked: allergens stated as none */
    bool existing;       /* editing a stored product (its sku is fixed) */
    const char *photo;   /* digest, "" none */
    const char *missing; /* text[] literal of what the law asks for and it lacks */
    bool saved, photo_saved;
    const char *photo_error;
    product_form_error errors[40];
    size_t nerrors;
} product_form;

/* The form filled from a stored product. */
void product_form_from(http_req *req, product_form *pf, const imp_product *p);
/* The form as posted (checks what only the form can get wrong: "none" and an
 * allergen ticked together). */
void product_form_read(http_req *req, const form *f, product_form *pf);
/* The form as a one-product km0 CSV file (header and one record). */
const char *product_form_csv(http_req *req, const product_form *pf);
/* The import's problems on the form's fields. */
void product_form_problems(http_req *req, product_form *pf, const imp_catalog *cat);
/* The page: notices, what the law asks for and is missing, errors, the form, the photo. */
void product_form_page(http_req *req, int status, const product_form *pf);
/* What a missing-information code asks for, in words ("la quantité nette"). */
const char *product_missing_label(http_req *req, const char *code);
/* Each missing-information code of a text[] literal, in words, separated by ", ". */
void product_missing_html(buf *b, http_req *req, const char *missing);

#endif
