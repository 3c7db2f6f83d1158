/*
 * server/shop_page.h — the shop's pages, shared by the page itself (p_shop.c) and
 * the form that saves the order from any of them (p_shop_order.c).
 */
#ifndef KM0_SHOP_PAGE_H
#define KM0_SHOP_PAGE_H

#include "../core/order.h"
#include "../core/shop.h"
#include "form.h"
#include "http.h"
#include "offer_html.h"

typedef struct shop_error {
    const char *field; /* q<offer id>, "pickup", or NULL for a line of another page */
    const char *message;
} shop_error;

typedef struct shop_view {
    int64_t cycle; /* 0: no cycle is open */
    const char *cycle_name, *closes_at, *delivery_date;
    cents_t fee_net; /* the hub's fee per order as the cycle froze it, excl. VAT; 0: none */
    vat_bp_t fee_rate;
    shop_index index;
    int64_t page, npages;
    shop_offer *offers; /* this page's */
    size_t noffers;
    shop_pickup *pickups;
    size_t npickups;
    const form *typed;    /* what was submitted, to show again */
    const order *current; /* the consumer's saved order, if any */
    shop_error *errors;
    size_t nerrors;
    bool saved;               /* the page follows a save (?saved=1) */
    shop_search_view search;  /* set before shop_view_load: its page lists what matches */
    int64_t found;            /* how many offers match the search */
    shop_producer *producers; /* for the search form */
    size_t nproducers;
    bool thumbnails; /* the hub shows photos in lists (hub_settings.shop_thumbnails) */
} shop_view;

/* The open cycle, page `page` of its offers (of those v->search matches when it is
 * active), its pickup points and the consumer's saved order; false after replying
 * with an error. */
bool shop_view_load(http_req *req, shop_view *v, int64_t page);
/* The page for v (status 200, or the refusal's status with v->errors). */
void shop_render(http_req *req, int status, shop_view *v);
/* The page an offer position or a category falls on. */
int64_t shop_category_page(const shop_view *v, size_t category);
/* "/?page=N" or, while searching, "/?<search>&page=N" (n from 0). */
const char *shop_page_href(http_req *req, const shop_view *v, int64_t n);

#endif
