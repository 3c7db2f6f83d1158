/*
 * core/shop.h — what the shop pages read: a cycle's offers one page at a time, its
 * categories, its pickup points with their slots, and the hub's contact.
 *
 * A shop page never grows with the catalog: offers come SHOP_PAGE_SIZE at a time,
 * in one order for every page (category, then name), and the category index says
 * on which page each category starts. Reads go through the one-second cache
 * (core/rcache.h): every visitor of a busy hub reads the same pages.
 */
#ifndef KM0_SHOP_H
#define KM0_SHOP_H

#include "db.h"
#include "money.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHOP_PAGE_SIZE 40

typedef struct shop_offer {
    int64_t id;
    const char *producer, *producer_name; /* slug, name */
    const char *sku, *name, *category, *unit;
    price4_t price; /* excl. VAT */
    vat_bp_t rate;
    milli_t step;
    milli_t left; /* -1: unlimited */
    int organic;  /* 1 yes, 0 no, -1 not said */
    /* a piece priced by the kg or litre: price is then the estimated price of a piece */
    const char *measure; /* "kg", "l", NULL */
    price4_t measure_price;
    milli_t measure_estimate; /* of one piece, thousandths of the measure */
    /* what food law asks to show next to the price (core/product_info.h) */
    int64_t allergens;    /* mask; -1 not stated */
    uint32_t traces;      /* may contain */
    uint32_t labels;      /* mask of labels */
    milli_t net_quantity; /* -1 none; thousandths of net_unit */
    const char *net_unit; /* "" none */
    const char *photo;    /* digest of its photo, "" none */
} shop_offer;

/* A search of the shop: words, and filters by producer, label and allergens. */
typedef struct shop_search {
    const char *q;        /* "" no words */
    const char *producer; /* slug, "" any */
    const char *label;    /* label code, "" any */
    uint32_t without;     /* allergens the products must not contain, even as traces */
} shop_search;

#define SHOP_SEARCH_MAX_CHARS 200 /* longer words are refused (server/p_shop.c) */

typedef struct shop_category {
    const char *name; /* "" for products without one (listed last) */
    int64_t count;
    int64_t first; /* position of its first offer in the shop's order, from 0 */
} shop_category;

typedef struct shop_index {
    shop_category *categories;
    size_t ncategories;
    int64_t total; /* offers in the cycle */
} shop_index;

typedef struct shop_pickup {
    int64_t id;
    const char *slug, *name, *address;
    const char *opening;     /* as the coordinator wrote it ("jeudi 17:00-19:00") */
    int dow;                 /* ISO day of the slot, 0 when none is known */
    int start_min, end_min;  /* minutes after midnight, -1 when unknown */
    int64_t capacity, count; /* capacity -1: no limit */
} shop_pickup;

typedef struct shop_hub {
    const char *name, *legal_form, *address, *email, *phone, *siret;
} shop_hub;

/* The cycle's categories in the shop's order, with their counts. */
db_status shop_index_load(db_conn *c, arena *a, int64_t cycle, shop_index *out);
/* Page `page` (from 0) of the cycle's offers: at most SHOP_PAGE_SIZE. */
db_status shop_page_load(db_conn *c, arena *a, int64_t cycle, int64_t page, shop_offer **out,
                         size_t *n);
/* The offers of the cycle among ids (any order; unknown ids are left out). */
db_status shop_offers_by_id(db_conn *c, arena *a, int64_t cycle, const int64_t *ids, size_t nids,
                            shop_offer **out, size_t *n);
/* Page `page` of the offers matching s, best match first (then the shop's order);
 * *total gets how many match. An offer whose allergens are not stated never counts
 * as "without" one. */
db_status shop_search_load(db_conn *c, arena *a, int64_t cycle, const shop_search *s, int64_t page,
                           shop_offer **out, size_t *n, int64_t *total);
/* The cycle's producers that have offers in it (slug, name), by name. */
typedef struct shop_producer {
    const char *slug, *name;
} shop_producer;
db_status shop_producers_load(db_conn *c, arena *a, int64_t cycle, shop_producer **out, size_t *n);
/* Whether the hub shows photos in its lists (hub_settings.shop_thumbnails). */
db_status shop_thumbnails_load(db_conn *c, arena *a, int64_t hub, bool *on);
/* The cycle's pickup points by name, with their slots and how full they are. */
db_status shop_pickups_load(db_conn *c, arena *a, int64_t cycle, shop_pickup **out, size_t *n);
/* The hub's identity and contact; *found false when there is no such hub. */
db_status shop_hub_load(db_conn *c, arena *a, int64_t hub, shop_hub *out, bool *found);

/* The page holding the offer at position pos. */
static inline int64_t shop_page_of(int64_t pos)
{
    return pos / SHOP_PAGE_SIZE;
}

/* The date a pickup point's slot falls on for a delivery date: the first day on
 * or after the delivery that is the slot's day (a Friday point served on Thursday
 * hands bags out on Friday). iso "YYYY-MM-DD" in, out[11] "YYYY-MM-DD"; false when
 * the date cannot be read or dow is not 1..7. */
bool shop_slot_date(const char *delivery, int dow, char out[11]);

#endif
