/*
 * server/offer_html.h — the pieces of a product's block that every list shows
 * (shop, search results, producer pages) and its page: the price with the price
 * per kilogram or litre, allergens, labels, a thumbnail, and the shop's search form.
 */
#ifndef KM0_OFFER_HTML_H
#define KM0_OFFER_HTML_H

#include "../core/shop.h"
#include "form.h"
#include "http.h"

/* "3,50 € / bouteille — 10,61 € / L": the price incl. VAT per sale unit, then,
 * where the law asks for it, per kilogram or litre (core/product_info.h). */
void offer_price_html(buf *b, http_req *req, cents_t price_incl, const char *unit,
                      milli_t net_quantity, const char *net_unit);
/* A product sold by the piece and priced by the kg or litre (core/delivery.h):
 * "≈ 2 kg, 12,66 €/kg, ≈ " before offer_price_html's estimated price of a piece,
 * since it is weighed after the close; nothing for any other product. */
void offer_estimate_html(buf *b, http_req *req, const shop_offer *o);
/* "Allergènes : gluten, lait · Traces : fruits à coque" (or "non précisés", "aucun"). */
void offer_allergens_html(buf *b, http_req *req, int64_t allergens, uint32_t traces);
/* The labels as badges ("bio", "AOP", "Label Rouge"). */
void offer_labels_html(buf *b, http_req *req, uint32_t labels);
/* The photo of an offer as a small lazy thumbnail (nothing when it has none). */
void offer_thumbnail_html(buf *b, const char *photo);
/* "12,5 % vol", "75 cl" */
void offer_net_quantity_html(buf *b, http_req *req, milli_t q, const char *unit);

/* ---- the search ---- */
typedef struct shop_search_view {
    shop_search s;
    bool active;       /* words or a filter were given */
    bool filters;      /* the filters were asked for (?filters=1): show them open */
    const char *error; /* the words are too long: nothing was searched */
    const char *qs;    /* the search as a query string ("q=pain&no_gluten=1"), "" none */
} shop_search_view;

/* The search asked for: from the address (f NULL) or from a form's "search" field
 * (the query string a shop form carries back). */
void shop_search_read(http_req *req, const form *f, shop_search_view *v);
/* The search form (GET /), every field filled as asked. */
void shop_search_form(buf *b, http_req *req, const shop_search_view *v,
                      const shop_producer *producers, size_t nproducers);

#endif
