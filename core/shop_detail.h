/*
 * core/shop_detail.h — one offer with everything the law asks to show before the
 * purchase, and a producer's public presentation, as typed rows for the pages.
 */
#ifndef KM0_SHOP_DETAIL_H
#define KM0_SHOP_DETAIL_H

#include "shop.h"

typedef struct offer_detail {
    shop_offer o;
    int64_t cycle;
    const char *cycle_name, *cycle_state;
    const char *description, *kind, *ingredients, *storage;
    const char *origin, *region, *certifier; /* "" when none */
    int alcohol_bp;                          /* -1 not stated */
    const char *producer_address, *producer_town;
    int photo_width, photo_height; /* of the page-sized variant (0 without a photo) */
    bool photo_avif;
} offer_detail;

/* The offer id of one of the hub's cycles; *found false otherwise. */
db_status shop_offer_detail(db_conn *c, arena *a, int64_t hub, int64_t id, offer_detail *out,
                            bool *found);

#endif
